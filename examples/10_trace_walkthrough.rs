//! 10 — trace walkthrough: the loop's own account of a small program, event by event.
//!
//! asyncio:   import asyncio, logging
//!            logging.basicConfig(level=logging.DEBUG)
//!            asyncio.run(main(), debug=True)   # logs slow steps and leaks, not every step
//! aioli:     let runtime = Runtime::builder().paused_clock(true)
//!                .observe(move |event: &LoopEvent| events.borrow_mut().push(event.clone()))
//!                .build()?;
//!            runtime.block_on(program());
//!            // or, for any example, as text on stderr: AIOLI_TRACE=1 cargo run --example 03_gather
//!
//! Watch: part 1 is what the program prints: a worker fetches 42 after
//! 100 ms, a waiter that awaited the worker prints it, and main aborts the
//! waiter at 200 ms. Part 2 is the same run as the loop reported it: every
//! `LoopEvent` its observer received, grouped by tick and phase of
//! `run_once`, each followed by what it means and why it happened. The
//! observer gets typed values (`Woken { cause: Timer, .. }`), so the
//! explanations are a `match`, not text parsing. Every tick number and
//! every time is the same on every run (tests/stepping.rs checks it), so
//! you can read it next to a debugger. Part 3 adds a TCP exchange over
//! 127.0.0.1 and shows the events phases 3 and 4 report for real sockets:
//! those depend on the OS, so part 3's ticks and times vary from run to run.
//! Differences: asyncio's debug mode reports slow callbacks and forgotten
//! tasks but has no per-step account; the nearest is stepping through
//! `BaseEventLoop._run_once` in pdb, or `sys.monitoring`. tokio reports
//! through the `tracing` crate and tokio-console, which show the same
//! events with much more machinery.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::error::Error;
use std::rc::Rc;
use std::time::Duration;

use aioli::runtime::{Direction, LoopEvent, PollResult, TaskEnd, WaitEnd, WakeCause};
use aioli::task::{Builder as TaskBuilder, Id};
use aioli::time::{sleep, Instant};
use aioli::{JoinError, JoinHandle, Runtime};

/// What happened, in order: events from the loop and lines the program
/// printed, so part 2 can show each where it happened.
enum Entry {
    Event(LoopEvent),
    Said(String),
}

/// A shared, single-threaded log. Tasks never leave the loop's thread, and
/// the loop calls its observers on that thread too, so `Rc<RefCell<..>>`
/// is enough, as in an asyncio program.
#[derive(Clone, Default)]
struct Log {
    entries: Rc<RefCell<Vec<Entry>>>,
    /// When main started, by the loop's (paused) clock: deadlines are
    /// shown relative to it.
    start: Rc<Cell<Option<Instant>>>,
}

impl Log {
    /// The program's own output: printed now, and remembered for part 2.
    fn say(&self, text: String) {
        println!("   {text}");
        self.entries.borrow_mut().push(Entry::Said(text));
    }

    /// The observer: keeps a copy of every event. Events own their data
    /// (ids, names, durations), so keeping one is a plain clone.
    fn observe(&self, event: &LoopEvent) {
        self.entries.borrow_mut().push(Entry::Event(event.clone()));
    }
}

/// Waits on a timer and returns a value. A real fetch would wait on a
/// socket, but a timer keeps part 2 short and the same on every run:
/// sockets come in part 3.
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
    log.start.set(Some(start));
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
    let observer = log.clone();
    let runtime = Runtime::builder()
        // A paused clock: timers fire in order at exact virtual times and
        // no event depends on real time, so every run prints the same.
        .paused_clock(true)
        .observe(move |event| observer.observe(event))
        // The slow-poll warning measures real time: under a debugger a
        // breakpoint inside a poll would make it fire and change the output.
        .slow_poll_threshold(None)
        .build()?;

    println!("Part 1: what the program prints\n");
    runtime.block_on(program(log.clone()));

    println!("\nPart 2: the loop's events for the same run, explained\n");
    println!("A tick is one call of run_once, in four phases: 1 fire due timers, 2 run");
    println!("ready tasks, 3 wait for events, 4 dispatch IO. Phases in which nothing");
    println!("happened are left out. Lines marked `>` are the program's own output.");
    let entries = log.entries.take();
    let events: Vec<&LoopEvent> = entries
        .iter()
        .filter_map(|entry| match entry {
            Entry::Event(event) => Some(event),
            Entry::Said(_) => None,
        })
        .collect();
    let mut walk = Walk {
        names: HashMap::new(),
        not_yet_polled: HashSet::new(),
        start: log.start.get(),
        tick: 0,
        heading: Some("tick 0: before the first turn of the loop".to_string()),
    };
    let mut seen = 0;
    for entry in &entries {
        match entry {
            Entry::Said(text) => println!("          > {text}"),
            Entry::Event(event) => {
                seen += 1;
                walk.print(event, &events[seen..]);
            }
        }
    }
    println!("\nPhase 4 (dispatch IO) reported nothing: this program uses no socket.");
    println!("Ticks in all: {}. Run it again: every line above comes out the same.", runtime.ticks());

    tcp_exchange()
}

/// Part 3: one ping/pong over TCP on a real clock, with the events that
/// only IO produces. The OS decides when bytes arrive, so this part is not
/// deterministic (tests/stepping.rs compares parts 1 and 2 only).
fn tcp_exchange() -> Result<(), Box<dyn Error>> {
    use aioli::io::{AsyncReadExt, AsyncWriteExt};
    use aioli::net::{TcpListener, TcpStream};

    println!("\n{PART_3_HEADING}\n");
    let events = Rc::new(RefCell::new(Vec::new()));
    let observer = events.clone();
    let runtime = Runtime::builder()
        .debug(false)
        .observe(move |event| match event {
            // Only what the sockets caused: phase 3 waking for IO, phase 4
            // handing the readiness out.
            LoopEvent::Waited { ended_by: WaitEnd::Io { .. }, .. } | LoopEvent::IoReady { .. } => {
                observer.borrow_mut().push(event.clone())
            }
            _ => {}
        })
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
    for event in events.take() {
        let note = match event {
            LoopEvent::Waited { ended_by: WaitEnd::Io { events }, timeout, .. } => {
                println!("Waited {{ timeout: {timeout:?}, ended_by: Io {{ events: {events} }} }}");
                "Phase 3 slept in epoll until the OS had an event for a socket (no timer was armed).".to_string()
            }
            LoopEvent::IoReady { source, direction } => {
                println!("IoReady {{ source: {source}, direction: {direction:?} }}");
                let what = match direction {
                    Direction::Readable => "a connection to accept, bytes to read, or the peer's EOF",
                    Direction::Writable => "a connect that finished, or room in the send buffer",
                };
                format!(
                    "Phase 4: socket {source} is {direction} ({what}); the waker of the task waiting for it is called."
                )
            }
            _ => continue,
        };
        println!("        {note}");
    }
    Ok(())
}

/// Where the run-to-run identical output ends.
const PART_3_HEADING: &str = "Part 3: a TCP exchange (real sockets: what follows varies from run to run)";

/// Part 2's printer: an observer's view of the run, kept after the fact.
struct Walk {
    /// Task labels, learnt from `Spawned` events as any observer would.
    names: HashMap<Id, String>,
    /// Tasks spawned and not polled yet (a wake of one is its spawn's).
    not_yet_polled: HashSet<Id>,
    /// When main started (deadlines are shown from there).
    start: Option<Instant>,
    /// The tick the events belong to (the last `TickStarted`).
    tick: u64,
    /// A tick and phase heading to print before the next event shown.
    heading: Option<String>,
}

impl Walk {
    /// Prints one event and what it means; `later` are the events after it.
    fn print(&mut self, event: &LoopEvent, later: &[&LoopEvent]) {
        match event {
            LoopEvent::TickStarted { tick } => {
                self.tick = *tick;
                return;
            }
            LoopEvent::PhaseEntered { phase } => {
                self.heading = Some(format!("tick {}, {phase}", self.tick));
                return;
            }
            LoopEvent::Spawned { task, name, .. } => {
                let label = match name {
                    Some(name) => format!("{task} \"{name}\""),
                    None => task.to_string(),
                };
                self.names.insert(*task, label);
                self.not_yet_polled.insert(*task);
            }
            LoopEvent::PollStarted { task } => {
                self.not_yet_polled.remove(task);
            }
            _ => {}
        }
        if let Some(heading) = self.heading.take() {
            println!("\n── {heading} ──");
        }
        println!("  {}", self.show(event));
        for line in wrap(&self.explain(event, later), 84) {
            println!("          {line}");
        }
    }

    fn name(&self, task: Id) -> String {
        self.names.get(&task).cloned().unwrap_or_else(|| task.to_string())
    }

    /// Time after main started, by the paused clock: `+100ms`.
    fn offset(&self, at: Instant) -> String {
        match self.start {
            Some(start) => format!("+{:?}", at.saturating_duration_since(start)),
            None => format!("{at:?}"),
        }
    }

    /// The event in one line, the way `{:?}` would print it, with tasks
    /// by name and times from main's start.
    fn show(&self, event: &LoopEvent) -> String {
        match event {
            LoopEvent::Spawned { task, site, .. } => format!("Spawned {{ {}, site: {site} }}", self.name(*task)),
            LoopEvent::PollStarted { task } => format!("PollStarted {{ {} }}", self.name(*task)),
            LoopEvent::Polled { task, result, .. } => {
                let result = match result {
                    PollResult::Pending { .. } => "Pending".to_string(),
                    PollResult::Ready => "Ready".to_string(),
                    PollResult::Panicked { message } => format!("Panicked({message:?})"),
                };
                format!("Polled {{ {}, result: {result} }}", self.name(*task))
            }
            LoopEvent::Woken { task, cause, already_queued } => {
                let cause = match cause {
                    WakeCause::Task(by) => format!("Task({})", self.name(*by)),
                    WakeCause::Cancellation(of) => format!("Cancellation({})", self.name(*of)),
                    other => format!("{other:?}"),
                };
                let queued = if *already_queued { ", already_queued" } else { "" };
                format!("Woken {{ {}, cause: {cause}{queued} }}", self.name(*task))
            }
            LoopEvent::TimerArmed { deadline } => format!("TimerArmed {{ due: {} }}", self.offset(*deadline)),
            LoopEvent::TimerFired { deadline } => format!("TimerFired {{ due: {} }}", self.offset(*deadline)),
            LoopEvent::TimerCancelled { deadline } => {
                format!("TimerCancelled {{ due: {} }}", self.offset(*deadline))
            }
            LoopEvent::ClockJumped { by } => format!("ClockJumped {{ by: {by:?} }}"),
            LoopEvent::Cancelled { task, reason, .. } => {
                format!("Cancelled {{ {}, reason: {reason:?} }}", self.name(*task))
            }
            LoopEvent::TaskEnded { task, end } => format!("TaskEnded {{ {}, end: {end:?} }}", self.name(*task)),
            other => format!("{other:?}"),
        }
    }

    /// What one event means, and why it happened here.
    fn explain(&self, event: &LoopEvent, later: &[&LoopEvent]) -> String {
        match event {
            LoopEvent::Spawned { task, site, .. } => format!(
                "Inside the poll of the spawner, {} gets a slot in the task table. The site, {site}, is \
                 the caller's line (spawn is #[track_caller]).",
                self.name(*task)
            ),
            LoopEvent::Woken { task, cause, already_queued } => self.explain_wake(*task, cause, later, *already_queued),
            LoopEvent::PollStarted { task } => format!(
                "The loop took the id of {} from the ready queue and polls it. Every event up to its \
                 Polled happens inside this poll.",
                self.name(*task)
            ),
            LoopEvent::Polled { task, result, .. } => explain_result(&self.name(*task), *task, result),
            LoopEvent::TimerArmed { deadline } => format!(
                "The sleep being polled stores its waker in the timer queue, due {}. Its task then \
                 returns Pending; phase 1 of some later tick will call that waker.",
                self.offset(*deadline)
            ),
            LoopEvent::TimerFired { .. } => "Its deadline is not after the clock's now: the loop takes the \
                                             timer out of the queue and calls its waker (the next line)."
                .to_string(),
            LoopEvent::TimerCancelled { .. } => "A sleep was dropped before its deadline (with the future \
                                                 that held it): its timer leaves the queue and will never fire."
                .to_string(),
            LoopEvent::ClockJumped { by } => format!(
                "Nothing is ready. Phase 3 looked for IO without waiting, found none, and with a real \
                 clock would now sleep {by:?} in the OS poller; the paused clock jumps to the earliest \
                 deadline instead, so phase 1 of the next tick finds that timer due."
            ),
            LoopEvent::Cancelled { task, reason, .. } => format!(
                "It was the turn of {}, but {reason}, so the loop drops its future instead of polling \
                 it. Dropping runs the destructors of everything it held (here the pending 60 s sleep, \
                 whose timer goes away); none of its code runs again, and its JoinHandle now holds \
                 Cancelled.",
                self.name(*task)
            ),
            LoopEvent::TaskEnded { end: TaskEnd::Finished, .. } => {
                "Its slot in the task table is freed; its output waits in its JoinHandle.".to_string()
            }
            LoopEvent::TaskEnded { .. } => "Its slot in the task table is freed; its id is never reused.".to_string(),
            _ => "An event this walkthrough does not explain: see docs/src/09-debugging.md.".to_string(),
        }
    }

    fn explain_wake(&self, task: Id, cause: &WakeCause, later: &[&LoopEvent], already_queued: bool) -> String {
        let name = self.name(task);
        let queued = if already_queued { " It is in the ready queue already, so it is not queued twice." } else { "" };
        match cause {
            WakeCause::Loop => "block_on queues the main future once before the first tick, so that phase 2 \
                                of tick 1 polls it. main is not a task: it lives on block_on's stack, with a \
                                waker of its own."
                .to_string(),
            WakeCause::Timer => format!(
                "The deadline of the sleep that {name} awaits has come, and the timer queue called the waker \
                 that sleep stored. Its id goes into the ready queue, and phase 2 of this same tick polls \
                 it.{queued}"
            ),
            WakeCause::AnotherThread => format!(
                "After phase 3: a thread other than the loop's woke {name}. The loop reports it here because \
                 observers are only called on the loop's thread.{queued}"
            ),
            WakeCause::Itself => format!("{name} called its own waker while being polled (yield_now does).{queued}"),
            WakeCause::Cancellation(cancelled) => format!(
                "Cancelling {} resolved its JoinHandle to Cancelled; {name} awaits that handle, which had \
                 stored its waker. It runs again in this same batch.{queued}",
                self.name(*cancelled)
            ),
            WakeCause::Task(waker) => {
                let waker_name = self.name(*waker);
                // What follows tells which of the usual reasons it was.
                let why = if self.not_yet_polled.contains(&task) {
                    format!(
                        "{name} was just spawned, and spawning wakes a new task once to queue its first poll \
                         (asyncio's create_task schedules the first step the same way)"
                    )
                } else if aborted_next(task, later) {
                    format!(
                        "{waker_name} called abort() on {name}. abort only sets a flag and wakes the task; the \
                         loop does the cancelling when the task's turn comes"
                    )
                } else if finishes_next(*waker, later) {
                    format!("{waker_name} is finishing, and its JoinHandle, which {name} awaits, had stored its waker")
                } else {
                    format!("{waker_name} called a clone of the waker of {name} that it was given")
                };
                format!(
                    "Inside the poll of {waker_name}: {why}. The queue is first in, first out, so it runs \
                     later in this same batch.{queued}"
                )
            }
            other => format!("{name} was woken by {other:?}.{queued}"),
        }
    }
}

/// True if `event` is the start of a poll of `task`.
fn is_poll_of(event: &LoopEvent, task: Id) -> bool {
    matches!(event, LoopEvent::PollStarted { task: t } if *t == task)
}

/// True if the poll `waker` is in returns `Ready`.
fn finishes_next(waker: Id, later: &[&LoopEvent]) -> bool {
    later.iter().find_map(|event| match event {
        LoopEvent::Polled { task, result, .. } if *task == waker => Some(*result == PollResult::Ready),
        _ => None,
    }) == Some(true)
}

/// True if `task` is cancelled before it is polled again.
fn aborted_next(task: Id, later: &[&LoopEvent]) -> bool {
    for event in later {
        match event {
            LoopEvent::Cancelled { task: cancelled, .. } if *cancelled == task => return true,
            event if is_poll_of(event, task) => return false,
            _ => {}
        }
    }
    false
}

fn explain_result(name: &str, task: Id, result: &PollResult) -> String {
    match result {
        PollResult::Pending { .. } => format!(
            "{name} is waiting: what it awaits (a sleep, a JoinHandle) kept a clone of its waker and will \
             call it. Until then the loop does not look at {name} at all."
        ),
        PollResult::Ready if task.is_main() => {
            "The main future is done. run_once returns at once, without phases 3 and 4, and block_on stops \
             turning the loop. Tasks still alive would be listed and cancelled now; there are none."
                .to_string()
        }
        PollResult::Ready => format!("{name} returned: its output goes to its JoinHandle."),
        PollResult::Panicked { message } => format!("{name} panicked ({message}); the loop goes on."),
    }
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
