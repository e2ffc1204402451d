//! 18 — blocking work: give it to spawn_blocking, never to the loop.
//!
//! asyncio:   time.sleep(1)                                      # blocks the loop: every task stops
//!            await loop.run_in_executor(None, time.sleep, 1)    # runs in a thread: the loop goes on
//!            await asyncio.to_thread(time.sleep, 1)             # the same, shorter
//! aioli:     std::thread::sleep(Duration::from_secs(1));        // blocks the loop
//!            aioli::spawn_blocking(|| std::thread::sleep(Duration::from_secs(1))).await?;
//!
//! Watch: a ticker task prints every 100 ms. In part 1 a task calls
//! std::thread::sleep(1 s), a stand-in for any blocking call (a file read,
//! a database driver, a heavy computation), right on the loop: the ticker
//! goes silent, and its longest gap is about 1.0 s instead of 0.1 s. Debug
//! builds also print aioli's slow-poll warning to stderr at that moment
//! ("task#… blocked the loop for 1.0s in one poll"), as asyncio's debug
//! mode logs "Executing <Task …> took 1.000 seconds". In part 2 the same
//! call runs in spawn_blocking, on a pool thread: the ticker stays on
//! time, longest gap about 0.1 s.
//! Differences: run_in_executor takes a function and its arguments,
//! spawn_blocking a closure. It returns an ordinary JoinHandle, so a panic
//! in the closure comes back as JoinError::Panicked. Neither can stop the
//! function once it runs: cancelling only stops waiting for it.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;
use std::time::Duration;

use aioli::time::{sleep, Instant};

/// The blocking call: it holds its thread for a second and cannot be
/// interrupted, like most blocking library calls.
fn blocking_call(start: Instant) -> &'static str {
    println!("   [{:.2}s] blocking call starts", start.elapsed().as_secs_f64());
    std::thread::sleep(Duration::from_secs(1));
    println!("   [{:.2}s] blocking call ends", start.elapsed().as_secs_f64());
    "result"
}

fn main() {
    aioli::run(async {
        let start = Instant::now();

        println!("1. the blocking call inside a task, on the loop:");
        let gap = with_ticker(start, async move {
            // The task never reaches an .await while it sleeps, so the
            // loop cannot run the ticker, fire its timer, or do anything.
            aioli::spawn(async move { blocking_call(start) }).await
        })
        .await;
        println!("   the ticker's longest gap: {gap:.2}s (the loop was stuck)\n");

        println!("2. the same call in spawn_blocking, on a pool thread:");
        let gap = with_ticker(start, async move {
            // `start` is Copy and Send: the closure may go to another thread.
            aioli::spawn_blocking(move || blocking_call(start)).await
        })
        .await;
        println!("   the ticker's longest gap: {gap:.2}s (the loop went on)");
    });
}

/// Runs `work` while a ticker prints every 100 ms; returns the longest
/// time between two ticks, in seconds.
async fn with_ticker<T>(start: Instant, work: impl Future<Output = T>) -> f64 {
    let ticks = Rc::new(RefCell::new(Vec::new()));
    let seen = ticks.clone();
    let ticker = aioli::spawn(async move {
        loop {
            sleep(Duration::from_millis(100)).await;
            let now = Instant::now();
            println!("   [{:.2}s] tick", now.duration_since(start).as_secs_f64());
            seen.borrow_mut().push(now);
        }
    });
    sleep(Duration::from_millis(250)).await;
    work.await;
    sleep(Duration::from_millis(250)).await;
    ticker.abort();

    let ticks = ticks.borrow();
    let gaps = ticks.windows(2).map(|pair| pair[1].duration_since(pair[0]).as_secs_f64());
    gaps.fold(0.0, f64::max)
}
