//! Solution to exercise 6: a rate limiter on an interval. The exercise,
//! its hints and its tests: `exercises/src/ex06_rate_limiter.rs`,
//! `exercises/tests/ex06_rate_limiter.rs`.

use std::future::Future;
use std::time::Duration;

use aioli::time::interval;
use aioli::JoinError;

/// Starts the jobs one per `period` (the first at once), lets them run
/// concurrently, and returns their outcomes in the order given.
pub async fn rate_limited<I, F>(jobs: I, period: Duration) -> Vec<Result<F::Output, JoinError>>
where
    I: IntoIterator<Item = F>,
    F: Future + 'static,
    F::Output: 'static,
{
    // One grid for the whole run: tick n is due at start + n x period,
    // however long spawning took, so starts do not drift.
    let mut ticks = interval(period);
    let mut handles = Vec::new();
    for job in jobs {
        ticks.tick().await;
        // A task of its own: it runs while we wait for the next tick.
        handles.push(aioli::spawn(job));
    }
    aioli::join_all(handles).await
}
