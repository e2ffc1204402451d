//! 04 — wait: sort tasks into done and pending, with a timeout; nothing is cancelled for you.
//!
//! asyncio:   tasks = [create_task(slow()), create_task(fast())]   # 2 s and 1 s
//!            done, pending = await asyncio.wait(tasks, timeout=1.5)
//!            for t in done: print(await t)
//!            for t in pending: t.cancel()
//! aioli:     let (done, pending) = aioli::wait(handles, WaitFor::All, Some(Duration::from_millis(1500))).await;
//!            for h in done { println!("{:?}", h.await) }
//!            for h in &pending { h.abort() }
//!
//! Watch: part 1 — at 1.5s one task is done and one pending; the done one's
//! result prints, the pending one is aborted and reports "cancelled", and
//! its state is dropped at 1.5s, half a second before it would have
//! finished. Part 2 — `WaitFor::First` returns at about 0.3s with the
//! fastest task done; the other two keep running and finish at 0.6s and 0.9s.
//! Differences: `wait` takes JoinHandles (spawned tasks), not bare
//! coroutines; asyncio 3.11+ also insists on tasks. It returns `Vec`s in
//! the order given rather than sets. The timeout ends only the waiting;
//! as in asyncio, pending tasks keep running until you abort them.

use std::time::Duration;

use aioli::time::{sleep, Instant};
use aioli::WaitFor;

/// Prints when dropped, with the time: shows when a task's state is torn
/// down, whether it finished or was aborted.
struct Guard {
    name: &'static str,
    start: Instant,
}

impl Drop for Guard {
    fn drop(&mut self) {
        println!("   [{:.1}s] {}'s state was dropped", self.start.elapsed().as_secs_f64(), self.name);
    }
}

/// A task that waits `ms` milliseconds, then returns its name.
async fn task(name: &'static str, ms: u64, start: Instant) -> String {
    let _guard = Guard { name, start };
    sleep(Duration::from_millis(ms)).await;
    format!("{name} result (after {ms} ms)")
}

/// The same without a guard, for part 2.
async fn quick(name: &'static str, ms: u64) -> String {
    sleep(Duration::from_millis(ms)).await;
    format!("{name} result (after {ms} ms)")
}

fn main() {
    aioli::run(async {
        println!("1. wait(ALL, timeout 1.5 s) on tasks of 2 s and 1 s:");
        let start = Instant::now();
        let handles = vec![aioli::spawn(task("task 1", 2000, start)), aioli::spawn(task("task 2", 1000, start))];
        let (done, pending) = aioli::wait(handles, WaitFor::All, Some(Duration::from_millis(1500))).await;
        println!("   at {:.1}s: {} done, {} pending", start.elapsed().as_secs_f64(), done.len(), pending.len());
        for handle in done {
            // A done handle is ready: this await returns at once.
            match handle.await {
                Ok(result) => println!("   done: {result}"),
                Err(error) => println!("   done, but failed: {error}"),
            }
        }
        for handle in pending {
            // wait() gave the handle back instead of cancelling it: the
            // decision is ours. abort() stops the task at its next turn.
            handle.abort();
            match handle.await {
                Ok(result) => println!("   pending task finished anyway: {result}"),
                Err(error) => println!("   pending task aborted: {error}"),
            }
        }
        println!("   elapsed {:.1}s (not 2 s: the slow task was stopped)\n", start.elapsed().as_secs_f64());

        println!("2. wait(FIRST) on tasks of 0.6 s, 0.3 s and 0.9 s:");
        let start = Instant::now();
        let handles = vec![
            aioli::spawn(quick("middle", 600)),
            aioli::spawn(quick("fast", 300)),
            aioli::spawn(quick("slow", 900)),
        ];
        let (done, pending) = aioli::wait(handles, WaitFor::First, None).await;
        println!("   at {:.1}s: {} done, {} pending", start.elapsed().as_secs_f64(), done.len(), pending.len());
        for handle in done {
            match handle.await {
                Ok(result) => println!("   first done: {result}"),
                Err(error) => println!("   first done, but failed: {error}"),
            }
        }
        // This time we let the others finish: they never stopped running.
        for handle in pending {
            match handle.await {
                Ok(result) => println!("   [{:.1}s] later: {result}", start.elapsed().as_secs_f64()),
                Err(error) => println!("   later, failed: {error}"),
            }
        }
    });
}
