//! 05 — cancel: `abort()` stops a task at its current await and runs its destructors.
//!
//! asyncio:   async def ticker():
//!                try:
//!                    while True: print("tick"); await asyncio.sleep(0.3)
//!                finally: print("cleanup")
//!            t = asyncio.create_task(ticker()); await asyncio.sleep(1)
//!            t.cancel()
//!            try: await t
//!            except asyncio.CancelledError: print("cancelled")
//! aioli:     let t = aioli::spawn(ticker());  sleep(Duration::from_secs(1)).await;
//!            t.abort();
//!            assert_eq!(t.await, Err(JoinError::Cancelled));   // cleanup is a Drop impl
//!
//! Watch: part 1 — four ticks (0.0s, 0.3s, 0.6s, 0.9s), then at 1.0s the
//! guard's "cleanup" line, printed *by the cancelled task's destructor*,
//! before main sees `JoinError::Cancelled`. Part 2 — a task whose handle
//! was dropped keeps ticking, and is cancelled (cleanup printed) only when
//! `aioli::run` ends, after main's last line.
//! Differences: asyncio raises CancelledError inside the task, which may
//! catch it and even refuse to stop. aioli drops the task's future where it
//! is waiting: no code of the task runs again, only destructors (`Drop` is
//! the `finally`), and a task cannot refuse. Cleanup that must itself
//! await (an async `finally`) has to be done before aborting, e.g. by
//! sending the task a stop message it answers.

use std::time::Duration;

use aioli::time::{sleep, Instant};
use aioli::JoinError;

// ANCHOR: ticker
/// Stands in for a resource the task holds (a file, a connection): its
/// `Drop` is the cleanup that must happen however the task ends.
struct Resource {
    owner: &'static str,
    start: Instant,
}

impl Drop for Resource {
    fn drop(&mut self) {
        println!(
            "   [{:.1}s] {}: cleanup ran (Drop of the resource it held)",
            self.start.elapsed().as_secs_f64(),
            self.owner
        );
    }
}

/// Prints every 300 ms, forever. Only cancellation ends it.
async fn ticker(name: &'static str, start: Instant) {
    let _resource = Resource { owner: name, start };
    loop {
        println!("   [{:.1}s] {name}: tick", start.elapsed().as_secs_f64());
        sleep(Duration::from_millis(300)).await;
    }
}
// ANCHOR_END: ticker

fn main() {
    let start = Instant::now();
    aioli::run(async move {
        println!("1. abort a background task");
        // ANCHOR: abort
        let handle = aioli::spawn(ticker("ticker", start));
        sleep(Duration::from_secs(1)).await;
        println!(
            "   [{:.1}s] main: aborting the ticker (finished yet? {})",
            start.elapsed().as_secs_f64(),
            handle.is_finished()
        );
        // abort() only sets a flag and wakes the task. The loop sees the flag
        // before the task's next poll and drops its future instead: the
        // pending sleep and the Resource are dropped right there.
        handle.abort();
        match handle.await {
            Err(JoinError::Cancelled) => println!("   main: the handle says Cancelled, as expected"),
            Err(error) => println!("   main: unexpected error: {error}"),
            Ok(()) => println!("   main: the ticker ended on its own?"),
        }
        // ANCHOR_END: abort

        println!("\n2. drop the handle instead: the task keeps running (detached)");
        let detached = aioli::spawn(ticker("detached", start));
        drop(detached);
        sleep(Duration::from_millis(700)).await;
        // Returning from main ends `run`, which cancels every task still
        // alive, as asyncio.run does, so the detached task's cleanup prints
        // after this line.
        println!("   [{:.1}s] main: returning; run() will cancel what is left", start.elapsed().as_secs_f64());
    });
    println!("   run() returned: no task outlives the loop");
}
