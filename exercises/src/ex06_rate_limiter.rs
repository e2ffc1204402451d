//! Exercise 6 — a rate limiter: start jobs at most one per tick of an `interval`.
//!
//! An API allows ten requests a second; you have fifty to make. Sending
//! them one after another wastes time (each waits for the one before);
//! sending them all at once breaks the limit. The answer: *start* one per
//! tick, and let them run at the same time once started.
//!
//! asyncio has no interval; the usual spelling is a loop with
//! `await asyncio.sleep(period)` between `create_task` calls, which
//! drifts (each sleep starts after the previous step's work).
//! `aioli::time::interval(period)` keeps a fixed grid instead: its first
//! `tick().await` returns at once, the next ones at start + period,
//! start + 2 x period, ..., however long the work in between took.
//!
//! Write [`rate_limited`]: start each job (in order) at the next tick,
//! as a task of its own, and return every job's outcome in the order
//! given. The tests check the start times (0, 100, 200 ms ... for a
//! 100 ms period), that a slow job does not delay the next start, and
//! that the outcomes come back in order.
//!
//! Hints:
//! - `let mut ticks = aioli::time::interval(period);` then, for each job,
//!   `ticks.tick().await;` and `aioli::spawn(job)`.
//! - Keep the `JoinHandle`s; `aioli::join_all(handles).await` gives one
//!   `Result<T, JoinError>` per job, in order.
//! - Awaiting each job before the next tick would be the slow version.
//!
//! Run the tests: `cargo test -p aioli-exercises --features mine --test ex06_rate_limiter`
//! Read: docs/src/05-timers.md (intervals and missed ticks).

use std::future::Future;
use std::time::Duration;

use aioli::JoinError;

/// Starts the jobs one per `period` (the first at once), lets them run
/// concurrently, and returns their outcomes in the order given.
pub async fn rate_limited<I, F>(jobs: I, period: Duration) -> Vec<Result<F::Output, JoinError>>
where
    I: IntoIterator<Item = F>,
    F: Future + 'static,
    F::Output: 'static,
{
    let _ = (jobs.into_iter(), period); // delete this line when you start
    unimplemented!("exercise 6: start one job per interval tick, then join them")
}
