//! 06 — TaskGroup: tasks that succeed together, or are cancelled together.
//!
//! asyncio:   async with asyncio.TaskGroup() as tg:         # Python 3.11+
//!                a = tg.create_task(job(1, 1.0))
//!                b = tg.create_task(job(2, 0.5))
//!            print(a.result(), b.result())                  # all done here
//!            # one child raising cancels the others; the group raises
//!            # an ExceptionGroup, caught with `except* ValueError`
//! aioli:     let mut group = TaskGroup::new();
//!            group.spawn(job(1, Duration::from_millis(1000)));
//!            group.spawn(job(2, Duration::from_millis(500)));
//!            let results = group.join().await?;          // Vec, in spawn order
//!
//! Watch: part 1 — three jobs of 1.0, 0.5 and 1.5 s start together, finish
//! in order of duration, and `join` returns all three results in spawn
//! order after about 1.5s. Part 2 — at 0.3s one child fails; both siblings
//! print their cleanup line (their drop guards ran: they were cancelled),
//! and only then does `join` return the error, at 0.3s instead of 1.0s.
//! Differences: `async with` becomes an explicit `join().await`, which
//! consumes the group. Children return `Result<T, E>` (an `Err` is the
//! exception); the group reports the *first* failure only, not an
//! ExceptionGroup of all of them. A group dropped without being joined
//! aborts its children; asyncio's `async with` cannot be left that way.

use std::time::Duration;

use aioli::time::{sleep, Instant};
use aioli::{TaskGroup, TaskGroupError};

fn at(start: Instant) -> String {
    format!("{:.1}s", start.elapsed().as_secs_f64())
}

/// Prints when a job's state is dropped without the job having finished:
/// the visible sign that it was cancelled.
struct CancelGuard {
    id: u32,
    start: Instant,
    finished: bool,
}

impl Drop for CancelGuard {
    fn drop(&mut self) {
        if !self.finished {
            println!("   [{}] job {} cancelled: its cleanup ran", at(self.start), self.id);
        }
    }
}

/// Waits `duration`, then succeeds with a message.
async fn job(id: u32, duration: Duration, start: Instant) -> Result<String, String> {
    let mut guard = CancelGuard { id, start, finished: false };
    println!("   [{}] job {id} started ({:.1} s)", at(start), duration.as_secs_f64());
    sleep(duration).await;
    guard.finished = true;
    println!("   [{}] job {id} finished", at(start));
    Ok(format!("job {id} result"))
}

/// Waits `duration`, then fails: the `raise` of this example.
async fn failing_job(id: u32, duration: Duration, start: Instant) -> Result<String, String> {
    sleep(duration).await;
    println!("   [{}] job {id} fails", at(start));
    Err(format!("job {id} could not reach its server"))
}

fn main() {
    aioli::run(async {
        println!("1. a group of three jobs that all succeed");
        let start = Instant::now();
        let mut group = TaskGroup::new();
        group.spawn(job(1, Duration::from_millis(1000), start));
        group.spawn(job(2, Duration::from_millis(500), start));
        group.spawn(job(3, Duration::from_millis(1500), start));
        // Children start running at once (they are ordinary tasks); join
        // only waits for them, like the end of asyncio's `async with`.
        match group.join().await {
            Ok(results) => {
                println!("   [{}] all jobs done; results in spawn order:", at(start));
                for result in results {
                    println!("     {result}");
                }
            }
            Err(error) => println!("   the group failed: {error}"),
        }

        println!("\n2. a group where one job fails at 0.3 s");
        let start = Instant::now();
        let mut group = TaskGroup::new();
        group.spawn(job(4, Duration::from_millis(1000), start));
        group.spawn(failing_job(5, Duration::from_millis(300), start));
        group.spawn(job(6, Duration::from_millis(1000), start));
        match group.join().await {
            Ok(results) => println!("   unexpected success: {results:?}"),
            // By the time join returns, the siblings are gone and their
            // destructors have run (the lines above this one).
            Err(TaskGroupError::Failed { task, error }) => {
                println!("   [{}] join returned the first failure: {task} said {error:?}", at(start));
            }
            Err(other) => println!("   [{}] the group failed another way: {other}", at(start)),
        }
    });
}
