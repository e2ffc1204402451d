//! 10 — trace walkthrough: the loop's own account of a small program, line by line.
//!
//! asyncio:   import asyncio, logging
//!            logging.basicConfig(level=logging.DEBUG)
//!            asyncio.run(main(), debug=True)   # logs slow steps and leaks, not every step
//! aioli:     let runtime = Runtime::builder().deterministic(true).trace(true)
//!                .trace_to(move |line| lines.borrow_mut().push(line.to_string()))
//!                .build()?;
//!            runtime.block_on(program());
//!            // or, for any example, on stderr: AIOLI_TRACE=1 cargo run --example 03_gather
//!
//! Watch: part 1 is what the program prints: a worker fetches 42 after
//! 100 ms, a waiter that awaited the worker prints it, and main aborts the
//! waiter at 200 ms. Part 2 is the trace of the same run, each line followed
//! by what it means: which phase of `run_once` wrote it and why the wake
//! happened. Every tick number and every time is the same on every run
//! (tests/stepping.rs checks it), so you can read it next to a debugger.
//! Parts 1 and 2 use timers only, no socket, so phase 4 has nothing to
//! say there. Part 3 then opens real sockets: a TCP exchange over
//! 127.0.0.1, and the lines phase 3 and phase 4 write for it. Those depend
//! on the OS, so part 3's ticks and times vary from run to run.
//! Differences: asyncio's debug mode reports slow callbacks and forgotten
//! tasks but has no per-step trace; the nearest is stepping through
//! `BaseEventLoop._run_once` in pdb. tokio has the `tracing` crate and
//! tokio-console, which show the same events with much more machinery.

use std::cell::RefCell;
use std::error::Error;
use std::rc::Rc;
use std::time::Duration;

use aioli::task::Builder as TaskBuilder;
use aioli::time::{sleep, Instant};
use aioli::{JoinError, JoinHandle, Runtime};

/// What happened, in order: trace lines from the loop and lines the
/// program printed, so part 2 can show each where it happened.
enum Entry {
    Trace(String),
    Said(String),
}

/// A shared, single-threaded log. Tasks never leave the loop's thread, so
/// `Rc<RefCell<..>>` is enough, as in an asyncio program.
#[derive(Clone, Default)]
struct Log(Rc<RefCell<Vec<Entry>>>);

impl Log {
    /// The program's own output: printed now, and remembered for part 2.
    fn say(&self, text: String) {
        println!("   {text}");
        self.0.borrow_mut().push(Entry::Said(text));
    }

    fn trace(&self, line: &str) {
        self.0.borrow_mut().push(Entry::Trace(line.to_string()));
    }
}

/// Waits on a timer and returns a value. A real fetch would wait on a
/// socket, but there is no TCP in this example: sockets and the reactor
/// that serves them (phase 4 of the tick) come later in the book, and a
/// timer keeps the trace short and the same on every run.
async fn worker(log: Log, start: Instant) -> u32 {
    sleep(Duration::from_millis(100)).await;
    log.say(format!("[{:?}] worker: fetched 42", start.elapsed()));
    42
}

/// Awaits the worker's JoinHandle, then waits for a next job that never
/// comes: main has to abort it.
async fn waiter(log: Log, start: Instant, worker: JoinHandle<u32>) {
    match worker.await {
        Ok(value) => log.say(format!("[{:?}] waiter: the worker gave me {value}", start.elapsed())),
        Err(error) => log.say(format!("[{:?}] waiter: the worker failed: {error}", start.elapsed())),
    }
    sleep(Duration::from_secs(60)).await;
    log.say("waiter: a minute passed (never printed: main aborts this task first)".to_string());
}

async fn program(log: Log) {
    let start = Instant::now();
    log.say("main: spawning worker and waiter".to_string());
    let worker = TaskBuilder::new().name("worker").spawn(worker(log.clone(), start));
    let waiter = TaskBuilder::new().name("waiter").spawn(waiter(log.clone(), start, worker));
    sleep(Duration::from_millis(200)).await;
    log.say(format!("[{:?}] main: aborting the waiter", start.elapsed()));
    waiter.abort();
    match waiter.await {
        Err(JoinError::Cancelled) => log.say(format!("[{:?}] main: the waiter says Cancelled", start.elapsed())),
        Err(error) => log.say(format!("main: unexpected error: {error}")),
        Ok(()) => log.say("main: the waiter finished on its own?".to_string()),
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    let log = Log::default();
    let sink = log.clone();
    let runtime = Runtime::builder()
        // A paused clock: timers fire in order at exact virtual times and
        // the trace contains no real duration, so every run prints the same.
        .deterministic(true)
        .trace(true)
        .trace_to(move |line| sink.trace(line))
        // The slow-poll warning measures real time: under a debugger a
        // breakpoint inside a poll would make it fire and change the output.
        .slow_poll_threshold(None)
        .build()?;

    println!("Part 1: what the program prints\n");
    runtime.block_on(program(log.clone()));

    println!("\nPart 2: the loop's trace of the same run, explained\n");
    println!("Each line reads `aioli tick N | event`. A tick is one call of run_once,");
    println!("whose four phases are: 1 run ready tasks, 2 fire due timers, 3 wait for");
    println!("events, 4 dispatch IO. Lines marked `>` are the program's own output.");
    let entries = log.0.take();
    let mut tick = None;
    for (index, entry) in entries.iter().enumerate() {
        match entry {
            Entry::Said(text) => println!("   > {text}"),
            Entry::Trace(line) => {
                let (this_tick, event) = split_trace_line(line);
                if this_tick != tick {
                    tick = this_tick;
                    println!("\n── {} ──", tick_heading(this_tick));
                }
                println!("{line}");
                let next_events: Vec<&str> = entries[index + 1..]
                    .iter()
                    .filter_map(|entry| match entry {
                        Entry::Trace(line) => Some(split_trace_line(line).1),
                        Entry::Said(_) => None,
                    })
                    .collect();
                for note_line in wrap(&explain(event, &next_events), 88) {
                    println!("        {note_line}");
                }
            }
        }
    }
    println!("\nPhase 4 (dispatch IO) wrote nothing: this program uses no socket.");
    println!("Ticks in all: {}. Run it again: every line above comes out the same.", runtime.ticks());

    tcp_exchange()
}

/// Part 3: one ping/pong over TCP on a real clock, with the trace lines
/// that only IO produces. The OS decides when bytes arrive, so this part
/// is not deterministic (tests/stepping.rs compares parts 1 and 2 only).
fn tcp_exchange() -> Result<(), Box<dyn Error>> {
    use aioli::io::{AsyncReadExt, AsyncWriteExt};
    use aioli::net::{TcpListener, TcpStream};

    println!("\n{PART_3_HEADING}\n");
    let lines = Rc::new(RefCell::new(Vec::new()));
    let sink = lines.clone();
    let runtime = Runtime::builder()
        .debug(false)
        .trace(true)
        .trace_to(move |line| sink.borrow_mut().push(line.to_string()))
        .build()?;
    let reply = runtime.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let server = TaskBuilder::new().name("server").spawn(async move {
            let (mut socket, _) = listener.accept().await?;
            let mut ping = [0u8; 5];
            socket.read_exact(&mut ping).await?;
            socket.write_all(b"pong!").await?;
            Ok::<_, std::io::Error>(())
        });
        let mut client = TcpStream::connect(addr).await?;
        client.write_all(b"ping!").await?;
        let mut pong = [0u8; 5];
        client.read_exact(&mut pong).await?;
        server.await??;
        Ok::<_, Box<dyn Error>>(String::from_utf8_lossy(&pong).into_owned())
    })?;
    println!("   > the client sent \"ping!\" and read back {reply:?}\n");
    for line in lines.take().iter().filter(|line| line.contains("IO:") || line.contains("wait: blocked")) {
        println!("{line}");
        let note = if line.contains("wait: blocked") {
            "Phase 3 slept in epoll until the OS had an event for a socket (no timer was armed)."
        } else if line.contains("writable") {
            "Phase 4: a socket became writable, here the client's connect finished; its waker is queued."
        } else {
            "Phase 4: a socket became readable (a connection to accept, or bytes to read); its waker is queued."
        };
        println!("        {note}");
    }
    Ok(())
}

/// Where the run-to-run identical output ends.
const PART_3_HEADING: &str = "Part 3: a TCP exchange (real sockets: the ticks below vary from run to run)";

/// "aioli tick    3 | poll main" → (Some(3), "poll main").
fn split_trace_line(line: &str) -> (Option<u64>, &str) {
    let Some(rest) = line.strip_prefix("aioli tick") else { return (None, line) };
    match rest.split_once(" | ") {
        Some((tick, event)) => (tick.trim().parse().ok(), event),
        None => (None, line),
    }
}

fn tick_heading(tick: Option<u64>) -> String {
    match tick {
        Some(0) => "tick 0: before the first turn of the loop".to_string(),
        Some(tick) => format!("tick {tick}"),
        None => "not a trace line".to_string(),
    }
}

/// What one trace event means. `later` holds the events that follow it,
/// so a wake can be explained by what it leads to.
fn explain(event: &str, later: &[&str]) -> String {
    let event = event.trim_start();
    if let Some(rest) = event.strip_prefix("spawn ") {
        let (task, site) = rest.split_once(" at ").unwrap_or((rest, "?"));
        return format!(
            "Phase 1, inside the poll of the spawner: {task} gets a slot in the task table. The \
             site, {site}, is the caller's line (spawn is #[track_caller])."
        );
    }
    if let Some(rest) = event.strip_prefix("wake ") {
        let (task, cause) = rest.split_once(" by ").unwrap_or((rest, "?"));
        return explain_wake(task, cause, later);
    }
    if let Some(task) = event.strip_prefix("poll ") {
        return format!(
            "Phase 1 (run ready tasks): the loop took the id of {task} from the run queue and \
             polls it. Everything up to its `->` line happens inside this poll."
        );
    }
    if let Some((task, outcome)) = event.split_once(" -> ") {
        return explain_outcome(task, outcome);
    }
    if let Some(rest) = event.strip_prefix("wait: paused clock jumps +") {
        let jump = rest.split_whitespace().next().unwrap_or("?");
        return format!(
            "Phase 3 (wait for events): nothing is ready. With a real clock the loop would sleep \
             {jump} in the OS poller; the paused clock jumps to the earliest deadline instead, so \
             phase 2 of the next tick finds that timer due."
        );
    }
    if event.starts_with("wait: blocked") {
        return "Phase 3: the loop slept in the OS poller until the time or event shown. (Only with a \
                real clock: this example's clock is paused.)"
            .to_string();
    }
    if let Some(rest) = event.strip_prefix("cancel ") {
        let (task, reason) = rest.split_once(" (").unwrap_or((rest, ""));
        let reason = reason.split_once("):").map(|(reason, _)| reason).unwrap_or(reason);
        return format!(
            "Phase 1: it was the turn of {task}, but {reason}, so the loop drops its future instead \
             of polling it. Dropping runs the destructors of everything it held (here the pending \
             60 s sleep, whose timer goes away); none of its code runs again, and its JoinHandle \
             now holds Cancelled."
        );
    }
    "An event this walkthrough does not explain: see docs/src/09-debugging.md.".to_string()
}

fn explain_wake(task: &str, cause: &str, later: &[&str]) -> String {
    let queued = if cause.ends_with("(already queued)") {
        " It is in the run queue already, so it is not queued twice."
    } else {
        ""
    };
    let cause = cause.trim_end_matches(" (already queued)");
    match cause {
        "the loop" => "block_on queues the main future once before the first tick, so that phase 1 of \
                       tick 1 polls it. main is not a task: it lives on block_on's stack, with a waker \
                       of its own."
            .to_string(),
        "timer" => format!(
            "Phase 2 (fire due timers): the deadline of the sleep that {task} awaits has come, so the \
             timer queue calls the waker that sleep stored. Its id goes into the run queue; phase 1 \
             of this tick is over, so it is polled in the next one.{queued}"
        ),
        "another thread" => format!(
            "After phase 3: a thread other than the loop's woke {task}. The loop prints it here \
             because only the loop's thread writes trace lines.{queued}"
        ),
        "itself" => format!("Phase 1: {task} called its own waker while being polled (yield_now does).{queued}"),
        _ if cause.starts_with("the cancellation of ") => {
            let cancelled = cause.trim_start_matches("the cancellation of ");
            format!(
                "Phase 1: cancelling {cancelled} resolved its JoinHandle to Cancelled; {task} awaits \
                 that handle, which had stored its waker. It runs again in this same batch.{queued}"
            )
        }
        waker => {
            // Another task (or main) called the waker during its own poll.
            // What follows tells which of the usual reasons it was.
            let finished = format!("{waker} -> Ready");
            let why = if later.first().is_some_and(|next| next.trim_start().starts_with(&finished)) {
                format!("{waker} is finishing, and its JoinHandle, which {task} awaits, had stored the waker of {task}")
            } else if aborted_next(task, later) {
                format!(
                    "{waker} called abort() on {task}. abort only sets a flag and wakes the task; the \
                     loop does the cancelling when the task's turn comes"
                )
            } else {
                format!(
                    "{task} was just spawned, and spawning wakes a new task once to queue its first \
                     poll (asyncio's create_task schedules the first step the same way)"
                )
            };
            format!(
                "Phase 1, inside the poll of {waker}: {why}. The queue is first in, first out, so it \
                 runs later in this same batch.{queued}"
            )
        }
    }
}

/// True if `task` is cancelled before it is polled again.
fn aborted_next(task: &str, later: &[&str]) -> bool {
    for event in later {
        if event.starts_with(&format!("cancel {task} ")) {
            return true;
        }
        if *event == format!("poll {task}") {
            return false;
        }
    }
    false
}

fn explain_outcome(task: &str, outcome: &str) -> String {
    if outcome == "Pending" {
        return format!(
            "{task} is waiting: what it awaits (a sleep, a JoinHandle) kept a clone of its waker \
             and will call it. Until then the loop does not look at {task} at all."
        );
    }
    if outcome.starts_with("Ready (the program's main future is done)") {
        return "The main future is done. run_once returns at once, without phases 2 to 4, and \
                block_on stops turning the loop. Tasks still alive would be listed and cancelled \
                now; there are none."
            .to_string();
    }
    if outcome.starts_with("Ready") {
        return format!("{task} returned: its output goes to its JoinHandle, its slot in the task table is freed.");
    }
    format!("{task} ended: {outcome}.")
}

/// Splits `text` into lines of at most `width` characters, at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}
