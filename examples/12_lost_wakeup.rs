//! 12 — lost wakeup: a wake from another thread while the loop sleeps, with and without the guard.
//!
//! asyncio:   def from_thread():            # runs on a plain threading.Thread
//!                time.sleep(0.05)
//!                loop.call_soon_threadsafe(fut.set_result, "done")   # right
//!                # fut.set_result("done") or loop.call_soon(...) here is the bug:
//!                # the loop, asleep in select(), is not told and sleeps on
//! aioli:     waker.wake();   // from any thread: queues the task, and rings the
//!                            // loop's mio::Waker if the loop is asleep in poll
//!            Runtime::builder().cross_thread_wakeups(false)   // the ring, switched off
//!
//! Watch: the same program runs twice. A std thread wakes the main future
//! after 50 ms, while a "backstop" task sleeps 1 s. Run 1 (normal) notices
//! the wake after about 50 ms. Run 2 (`cross_thread_wakeups(false)`)
//! notices it only after about 1000 ms: the wake was queued at 50 ms, but
//! the loop slept on in phase 3 until the backstop's timer ended the sleep.
//! The trace lines under each run show what phase 3 was woken by.
//! Differences: asyncio wakes its selector by writing a byte to a
//! "self-pipe" in call_soon_threadsafe; aioli's wakers do the same through
//! mio's Waker (an eventfd on Linux), but only when the loop says it is
//! parked, so a wake from the loop's own thread costs no system call.

use std::cell::RefCell;
use std::error::Error;
use std::future::poll_fn;
use std::rc::Rc;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Poll, Waker};
use std::time::Duration;

use aioli::task::Builder as TaskBuilder;
use aioli::time::sleep;
use aioli::Runtime;

const WAKE_AFTER: Duration = Duration::from_millis(50);
const BACKSTOP: Duration = Duration::from_secs(1);

/// A one-shot signal between a std thread and a future: the future leaves
/// its waker here, the thread sets `fired` and calls the waker.
#[derive(Default)]
struct Signal {
    state: Mutex<SignalState>,
}

#[derive(Default)]
struct SignalState {
    fired: bool,
    waker: Option<Waker>,
}

impl Signal {
    /// Called on the other thread. The waker is called after the lock is
    /// released: waking may run arbitrary code, never do it under a lock.
    fn fire(&self) {
        let waker = {
            let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
            state.fired = true;
            state.waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// Ready once `fire` has been called.
    async fn wait(&self) {
        poll_fn(|cx| {
            let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
            if state.fired {
                Poll::Ready(())
            } else {
                state.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        })
        .await
    }
}

/// Runs the program once; returns how long the wake took to be noticed,
/// and the trace lines about phase 3 and cross-thread wakes.
fn run(ring_the_loop: bool) -> Result<(Duration, Vec<String>), Box<dyn Error>> {
    let lines = Rc::new(RefCell::new(Vec::new()));
    let sink = lines.clone();
    let runtime = Runtime::builder()
        .cross_thread_wakeups(ring_the_loop)
        .trace(true)
        .trace_to(move |line| sink.borrow_mut().push(line.to_string()))
        .build()?;
    let noticed_after = runtime.block_on(async {
        // Without a timer, run 2's loop would block with no timeout at all
        // and never notice the wake: this is the only thing that ends its sleep.
        let backstop = TaskBuilder::new().name("backstop").spawn(sleep(BACKSTOP));
        let signal = Arc::new(Signal::default());
        let remote = signal.clone();
        let start = std::time::Instant::now();
        let thread = std::thread::spawn(move || {
            std::thread::sleep(WAKE_AFTER);
            remote.fire();
        });
        signal.wait().await;
        let noticed_after = start.elapsed();
        if thread.join().is_err() {
            println!("   (the waking thread panicked)");
        }
        // Not needed any more; aborting it keeps the exit dump quiet.
        backstop.abort();
        let _ = backstop.await;
        noticed_after
    });
    let interesting = lines
        .take()
        .into_iter()
        .filter(|line| line.contains("| wait:") || line.contains("by another thread"))
        .collect();
    Ok((noticed_after, interesting))
}

fn main() -> Result<(), Box<dyn Error>> {
    println!("A std thread wakes the main future {} ms after it starts waiting;", WAKE_AFTER.as_millis());
    println!("a task named \"backstop\" sleeps {} ms meanwhile.\n", BACKSTOP.as_millis());

    println!("Run 1: a normal runtime");
    let (normal, trace) = run(true)?;
    println!("   the wake was noticed after {} ms", normal.as_millis());
    print_trace(&trace);

    println!("\nRun 2: Runtime::builder().cross_thread_wakeups(false)");
    let (broken, trace) = run(false)?;
    println!("   the wake was noticed after {} ms", broken.as_millis());
    print_trace(&trace);

    println!(
        "\nSame wake, {} ms apart. In run 2 main's id went into the loop's queue at {} ms",
        broken.as_millis().saturating_sub(normal.as_millis()),
        WAKE_AFTER.as_millis()
    );
    println!("all the same, but the loop was asleep in phase 3 and nobody told it: it saw");
    println!("the id only when the backstop's timer ended the sleep. With no timer at all,");
    println!("it would have slept forever. That is a lost wakeup. (The trace prints a");
    println!("cross-thread wake when phase 3 ends; the wake itself came at {} ms.)", WAKE_AFTER.as_millis());
    println!(
        "
The guard, in runtime/src/runtime/tick.rs (wait_for_events, phase 3) and
runtime/src/task/waker.rs (Shared::announce_park and Shared::schedule):

   loop thread, phase 3                   any thread, waker.wake()
   1. parked = true     (announce_park)   a. send the id into the channel
   2. queue still empty? if not, poll     b. parked? then ring the mio::Waker,
      with a zero timeout                    which makes mio::Poll::poll return
   3. block in mio::Poll::poll

With a SeqCst fence after step 1 and after step a, the two sides cannot
miss each other: either step 2 finds the id, or step b finds parked set and
rings. The race this closes is narrow in a real loop (a wake landing between
\"the queue is empty\" and \"block\"), so it shows up once in a blue moon;
cross_thread_wakeups(false) skips the ring in step b, which stretches the
window over the whole sleep so that the bug shows up every time."
    );
    Ok(())
}

fn print_trace(lines: &[String]) {
    println!("   phase 3 in the trace:");
    for line in lines {
        println!("      {line}");
    }
}
