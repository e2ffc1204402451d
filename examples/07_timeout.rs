//! 07 — timeout: give a future a time limit; if it runs over, it is dropped.
//!
//! asyncio:   try:
//!                async with asyncio.timeout(0.5):   # or: await asyncio.wait_for(op(), 0.5)
//!                    result = await op()
//!            except TimeoutError:
//!                print("timed out")
//! aioli:     match aioli::time::timeout(Duration::from_millis(500), op()).await {
//!                Ok(result) => …,
//!                Err(elapsed) => println!("{elapsed}"),   // elapsed: aioli::time::Elapsed
//!            }
//!
//! Watch: part 1 — a 0.2 s operation under a 0.5 s limit gives Ok at 0.2s.
//! Part 2 — a 2 s operation under the same limit gives Err at 0.5s (not
//! 2 s), with the error's message, and the operation's cleanup line shows
//! it was cancelled at that moment. Part 3 — a timeout around a *task's
//! handle* drops only the handle: the task goes on and finishes at 0.6s.
//! Differences: no exception; the outcome is a `Result`. The timed-out
//! future is dropped (cancelled) where it was waiting, with no chance to
//! run more code, only destructors. And `wait_for(task, t)` in asyncio
//! cancels the task; `timeout(t, handle)` does not (dropping a handle
//! detaches its task): call `abort()` on timeout if that is what you want.

use std::time::Duration;

use aioli::time::{sleep, timeout, Instant};

fn at(start: Instant) -> String {
    format!("{:.1}s", start.elapsed().as_secs_f64())
}

/// Shows whether the operation ran to the end or was dropped midway.
struct Cleanup {
    name: &'static str,
    start: Instant,
    completed: bool,
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        if !self.completed {
            println!("   [{}] {} was dropped before it finished (cancelled)", at(self.start), self.name);
        }
    }
}

/// An operation that takes `duration`, standing in for a slow request.
async fn operation(name: &'static str, duration: Duration, start: Instant) -> String {
    let mut cleanup = Cleanup { name, start, completed: false };
    sleep(duration).await;
    cleanup.completed = true;
    format!("{name} finished after {:.1} s", duration.as_secs_f64())
}

fn main() {
    let limit = Duration::from_millis(500);
    aioli::run(async move {
        println!("1. a 0.2 s operation with a 0.5 s limit");
        let start = Instant::now();
        match timeout(limit, operation("fast op", Duration::from_millis(200), start)).await {
            Ok(result) => println!("   [{}] Ok: {result}", at(start)),
            Err(elapsed) => println!("   [{}] Err: {elapsed}", at(start)),
        }

        println!("\n2. a 2 s operation with a 0.5 s limit");
        let start = Instant::now();
        match timeout(limit, operation("slow op", Duration::from_secs(2), start)).await {
            Ok(result) => println!("   [{}] Ok: {result}", at(start)),
            // Elapsed's Display says what happened; the slow op's cleanup
            // line above it shows the cancellation already took place.
            Err(elapsed) => println!("   [{}] Err: {elapsed}", at(start)),
        }

        println!("\n3. a timeout around a task's JoinHandle");
        let start = Instant::now();
        let task = aioli::spawn(async move {
            sleep(Duration::from_millis(600)).await;
            println!("   [{}] the task finished anyway: the timeout dropped only its handle", at(start));
        });
        match timeout(Duration::from_millis(300), task).await {
            Ok(_) => println!("   [{}] the task finished in time", at(start)),
            Err(_) => println!("   [{}] timed out waiting for the task (not aborted, still running)", at(start)),
        }
        // Give the detached task time to finish, to see that it did.
        sleep(Duration::from_millis(400)).await;
    });
}
