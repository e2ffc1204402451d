//! 11 — pitfalls: four classic async bugs, and how aioli's debug mode points at each.
//!
//! asyncio:   async def main():
//!                work()                               # (a) never awaited: RuntimeWarning at GC
//!                time.sleep(0.3)                      # (b) blocks the loop: debug mode logs
//!                                                     #     "Executing <Task ...> took 0.300 seconds"
//!                asyncio.create_task(heartbeat())     # (c) reference dropped: the task leaks
//!                                                     #     (or is even garbage-collected mid-run)
//!            asyncio.run(main(), debug=True)
//!            # (d) has no asyncio counterpart: a Future's callbacks are stored for you.
//! aioli:     let runtime = Runtime::builder().debug(true)
//!                .slow_poll_threshold(Some(Duration::from_millis(50)))
//!                .trace_to(|warning| ...)   // collect the warnings instead of stderr
//!                .build()?;
//!
//! Watch: four sections, each shows the bug, the warning the runtime gives
//! (quoted after `|`), and the fix. (a) the work never runs; (b) a 300 ms
//! std::thread::sleep makes another task's 100 ms timer fire about 200 ms
//! late, and the slow-poll warning names the blocking task; (c) a leaked
//! heartbeat task is listed by the task dump when the loop ends; (d) a
//! hand-written future that forgets cx.waker() hangs although its flag was
//! set, and the lost-waker warning says so at its first poll. Each section
//! ends by itself (timeouts and abort get out of the hung cases).
//! Differences: Rust catches (a) at compile time, Python only at run time.
//! (d) exists only in Rust: asyncio's Future keeps its callbacks itself,
//! while a Rust future must store the waker it is given. aioli's lost-waker
//! check is its own: tokio and asyncio have none.

use std::cell::{Cell, RefCell};
use std::error::Error;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use aioli::runtime::Builder;
use aioli::task::Builder as TaskBuilder;
use aioli::time::{sleep, timeout, Instant};
use aioli::Runtime;

fn main() -> Result<(), Box<dyn Error>> {
    forgotten_await()?;
    blocking_the_loop()?;
    leaked_task()?;
    lost_waker()?;
    Ok(())
}

// ── (a) A forgotten .await ────────────────────────────────────────────────

async fn work(ran: Rc<Cell<bool>>) {
    println!("      work: running");
    ran.set(true);
}

fn forgotten_await() -> Result<(), Box<dyn Error>> {
    section("(a) A forgotten .await");
    let (runtime, warnings) = debug_runtime(|builder| builder)?;
    runtime.block_on(async {
        let ran = Rc::new(Cell::new(false));
        // The bug. Written as a bare statement, `work(ran.clone());`, it
        // draws this from the compiler (rustc 1.95):
        //
        //   warning: unused implementer of `Future` that must be used
        //     |
        //     |         work(ran.clone());
        //     |         ^^^^^^^^^^^^^^^^^
        //     = note: futures do nothing unless you `.await` or poll them
        //     = note: `#[warn(unused_must_use)]` on by default
        //
        // Binding the future to a name silences the warning but not the
        // bug, which is how it slips through: this example must compile
        // without warnings, so it uses that form.
        let _unawaited = work(ran.clone());
        sleep(Duration::from_millis(20)).await;
        println!("   bug: let _unawaited = work(..); then 20 ms of waiting.");
        println!("        did work run? {}. Nothing was printed by it either:", ran.get());
        println!("        calling an async fn only builds a future; nobody polled it.");

        work(ran.clone()).await;
        println!("   fix: work(..).await; did work run? {}", ran.get());
        println!("        (aioli::spawn(work(..)) would run it too, as a task, without awaiting.)");
    });
    show_warnings("warnings from debug mode", &warnings, "none (this bug is the compiler's to catch)");
    Ok(())
}

// ── (b) Blocking the loop ─────────────────────────────────────────────────

fn blocking_the_loop() -> Result<(), Box<dyn Error>> {
    section("(b) Blocking the loop with std::thread::sleep");
    let threshold = Duration::from_millis(50);
    for blocking in [true, false] {
        let (runtime, warnings) = debug_runtime(|builder| builder.slow_poll_threshold(Some(threshold)))?;
        let ticker_waited = runtime.block_on(async {
            // Spawned first, so it is polled first and arms its 100 ms
            // timer before the blocker gets the thread.
            let ticker = TaskBuilder::new().name("ticker").spawn(async {
                let asked_at = Instant::now();
                sleep(Duration::from_millis(100)).await;
                asked_at.elapsed()
            });
            let blocker = TaskBuilder::new().name("blocker").spawn(async move {
                if blocking {
                    // The bug: a blocking call inside a task. The loop's one
                    // thread sits here; no other task, timer or IO can run.
                    std::thread::sleep(Duration::from_millis(300));
                } else {
                    // The fix: the same wait, as an await. The task gives
                    // the thread back to the loop until its timer fires.
                    sleep(Duration::from_millis(300)).await;
                }
            });
            let _ = blocker.await;
            ticker.await
        });
        let waited = ticker_waited.map(|waited| waited.as_millis()).unwrap_or_default();
        if blocking {
            println!("   bug: task \"blocker\" calls std::thread::sleep(300 ms) inside its poll.");
            println!("        task \"ticker\" asked for a 100 ms sleep and woke after {waited} ms:");
            println!("        its timer fired about {} ms late, because phase 1 of the", waited.saturating_sub(100));
            println!("        tick (fire due timers) cannot run while a poll holds the thread.");
            show_warnings("the slow-poll warning", &warnings, "none (unexpected)");
        } else {
            println!("   fix: await sleep(300 ms) instead. \"ticker\" woke after {waited} ms, on time.");
            show_warnings("warnings", &warnings, "none");
            println!("        Work that really blocks (a big file read, heavy computation) belongs");
            println!("        on another thread: asyncio's run_in_executor, aioli's spawn_blocking.");
        }
    }
    Ok(())
}

// ── (c) A leaked task ─────────────────────────────────────────────────────

/// Counts heartbeats forever: only cancellation ends it.
async fn heartbeat(beats: Rc<Cell<u32>>) {
    loop {
        sleep(Duration::from_millis(50)).await;
        beats.set(beats.get() + 1);
    }
}

fn leaked_task() -> Result<(), Box<dyn Error>> {
    section("(c) A leaked task");
    let (runtime, warnings) = debug_runtime(|builder| builder)?;
    runtime.block_on(async {
        let beats = Rc::new(Cell::new(0));
        // The bug: the handle is dropped at once, so nothing can stop or
        // await this task any more. It is detached, and runs on its own.
        drop(TaskBuilder::new().name("heartbeat").spawn(heartbeat(beats.clone())));
        sleep(Duration::from_millis(200)).await; // main's real work
        println!("   bug: the heartbeat's JoinHandle was dropped at spawn. Main is done after");
        println!("        200 ms; the heartbeat has beaten {} times and is still running.", beats.get());
    });
    show_warnings("what debug mode prints when block_on ends", &warnings, "none (unexpected)");
    println!("        The loop cancels leftovers at exit, as asyncio.run does, so here the");
    println!("        leak ends there. In a server whose main never returns, every leaked");
    println!("        task runs, and holds what it holds, forever.");

    let (runtime, warnings) = debug_runtime(|builder| builder)?;
    runtime.block_on(async {
        let beats = Rc::new(Cell::new(0));
        // The fix: keep the handle, and end the task when its job is done.
        let heartbeat = TaskBuilder::new().name("heartbeat").spawn(heartbeat(beats.clone()));
        sleep(Duration::from_millis(200)).await;
        heartbeat.abort();
        let outcome = heartbeat.await;
        println!("   fix: keep the handle; abort() it when done: {outcome:?} after {} beats.", beats.get());
        println!("        aioli::task::dump() now lists {} live tasks.", aioli::task::dump().tasks.len());
    });
    show_warnings("warnings", &warnings, "none (no task was left to list at exit)");
    Ok(())
}

// ── (d) A future that forgets its waker ───────────────────────────────────

/// Ready once the flag is set. THE BUG: while it is not set, `poll`
/// returns Pending without keeping `cx.waker()`. Setting the flag later
/// changes a bool that nobody is watching: no one can ever tell the loop
/// to poll this future again.
struct ForgetfulWait {
    flag: Rc<Cell<bool>>,
}

impl Future for ForgetfulWait {
    type Output = ();

    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        if self.flag.get() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

/// The fixed flag: it keeps the waker of whoever waits, and `set` calls it.
#[derive(Default)]
struct Flag {
    set: Cell<bool>,
    waiter: RefCell<Option<Waker>>,
}

impl Flag {
    fn set(&self) {
        self.set.set(true);
        if let Some(waker) = self.waiter.borrow_mut().take() {
            waker.wake();
        }
    }
}

/// Waits for a [`Flag`], storing its waker before returning Pending.
struct FlagWait {
    flag: Rc<Flag>,
}

impl Future for FlagWait {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.flag.set.get() {
            return Poll::Ready(());
        }
        // The promise behind Pending: whoever can make us ready holds our
        // waker. Store a fresh clone on every poll: the task may have been
        // moved to another waker since (inside select, say).
        *self.flag.waiter.borrow_mut() = Some(cx.waker().clone());
        Poll::Pending
    }
}

fn lost_waker() -> Result<(), Box<dyn Error>> {
    section("(d) A hand-written future that forgets cx.waker()");
    let limit = Duration::from_millis(300);

    let (runtime, warnings) = debug_runtime(|builder| builder)?;
    runtime.block_on(async {
        let start = Instant::now();
        let flag = Rc::new(Cell::new(false));
        let mut waiter = TaskBuilder::new().name("waiter").spawn(ForgetfulWait { flag: flag.clone() });
        let _setter = TaskBuilder::new().name("setter").spawn(async move {
            sleep(Duration::from_millis(100)).await;
            flag.set(true); // nobody hears this
        });
        // Without the timeout this await would hang forever.
        match timeout(limit, &mut waiter).await {
            Ok(_) => println!("   bug? the waiter finished after {} ms", start.elapsed().as_millis()),
            Err(_) => {
                println!("   bug: the flag was set at 100 ms, yet after {} ms the task \"waiter\"", limit.as_millis());
                println!("        is still waiting: its future never kept a waker, so nothing");
                println!("        told the loop to poll it again. Aborting it to move on.");
                waiter.abort();
                let _ = waiter.await;
            }
        }
    });
    show_warnings("the lost-waker warning (given at the first Pending poll)", &warnings, "none (unexpected)");

    let (runtime, warnings) = debug_runtime(|builder| builder)?;
    runtime.block_on(async {
        let start = Instant::now();
        let flag = Rc::new(Flag::default());
        let waiter = TaskBuilder::new().name("waiter").spawn(FlagWait { flag: flag.clone() });
        let _setter = TaskBuilder::new().name("setter").spawn(async move {
            sleep(Duration::from_millis(100)).await;
            flag.set(); // wakes the waiter
        });
        match timeout(limit, waiter).await {
            Ok(_) => println!(
                "   fix: store cx.waker() before Pending, wake it in set(): the waiter is done at {} ms.",
                start.elapsed().as_millis()
            ),
            Err(_) => println!("   fix? the waiter still hangs after {} ms", limit.as_millis()),
        }
    });
    show_warnings("warnings", &warnings, "none");
    Ok(())
}

// ── Helpers ───────────────────────────────────────────────────────────────

/// A runtime in debug mode whose warnings are collected, not printed on
/// stderr, so each section can quote them next to its explanation.
/// `.debug(true)` comes first: it resets the slow-poll threshold to 100 ms,
/// which `configure` may then change.
fn debug_runtime(configure: impl FnOnce(Builder) -> Builder) -> std::io::Result<(Runtime, Rc<RefCell<Vec<String>>>)> {
    let lines = Rc::new(RefCell::new(Vec::new()));
    let sink = lines.clone();
    let builder = Runtime::builder().debug(true).trace_to(move |line| {
        // The sink gets trace lines too when AIOLI_TRACE=1 is set: those
        // go to stderr as usual, and only the warnings are kept.
        if line.starts_with("aioli tick") {
            eprintln!("{line}");
        } else {
            sink.borrow_mut().push(line.to_string());
        }
    });
    Ok((configure(builder).build()?, lines))
}

fn section(title: &str) {
    println!("\n── {title} {}", "─".repeat(70usize.saturating_sub(title.chars().count())));
}

/// Prints the collected warnings, wrapped, each line after a `|`.
fn show_warnings(what: &str, lines: &RefCell<Vec<String>>, if_none: &str) {
    let lines = lines.take();
    if lines.is_empty() {
        println!("        {what}: {if_none}.");
        return;
    }
    println!("        {what}:");
    for line in &lines {
        for physical in line.lines() {
            // Warnings are one long line; the task dump's rows keep their layout.
            if physical.starts_with("aioli warning") {
                for wrapped in wrap(physical, 80) {
                    println!("        | {wrapped}");
                }
            } else if !physical.is_empty() {
                println!("        | {physical}");
            }
        }
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
