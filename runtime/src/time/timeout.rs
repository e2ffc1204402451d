//! `timeout`: race a future against a sleep; the loser is dropped.
//!
//! If the sleep wins, the future is dropped where it stands: it is
//! *cancelled* at whatever `.await` it was waiting in, and everything it
//! held is dropped. Whether that loses data depends on the future; the
//! cancellation chapter shows a future for which it does and one for
//! which it does not.
//!
//! Chapter: docs/src/07-cancellation.md

use std::fmt;
use std::future::{poll_fn, Future};
use std::pin::{pin, Pin};
use std::task::Poll;
use std::time::Duration;

use super::{sleep, sleep_until, Instant, Sleep};

/// The error of a [`timeout`] whose time ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Elapsed {
    /// How long the future was given.
    limit: Duration,
}

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // "Dropped", not "cancelled": dropping a JoinHandle detaches its
        // task, which keeps running. Only the future itself is gone.
        write!(
            f,
            "the future did not finish within {:?} and was dropped (aioli::time::timeout); \
             a JoinHandle dropped this way leaves its task running: abort() it to cancel the task",
            self.limit
        )
    }
}

impl std::error::Error for Elapsed {}

/// Runs `future` for at most `limit`: asyncio's `wait_for` / `timeout`.
///
/// Gives `Ok(output)` if it finished in time, else `Err(Elapsed)` after
/// dropping it. The clock starts when `timeout` is called.
///
/// ```
/// use std::time::Duration;
/// use aioli::time::{sleep, timeout};
///
/// aioli::run(async {
///     let fast = timeout(Duration::from_millis(50), async { 7 }).await;
///     assert_eq!(fast, Ok(7));
///     let slow = timeout(Duration::from_millis(10), sleep(Duration::from_secs(5))).await;
///     assert!(slow.is_err());
/// });
/// ```
pub fn timeout<F: Future>(limit: Duration, future: F) -> impl Future<Output = Result<F::Output, Elapsed>> {
    race_with_deadline(sleep(limit), limit, future)
}

/// Like [`timeout`], with an absolute deadline.
pub fn timeout_at<F: Future>(deadline: Instant, future: F) -> impl Future<Output = Result<F::Output, Elapsed>> {
    let limit = deadline.saturating_duration_since(Instant::now());
    race_with_deadline(sleep_until(deadline), limit, future)
}

async fn race_with_deadline<F: Future>(mut timer: Sleep, limit: Duration, future: F) -> Result<F::Output, Elapsed> {
    // `pin!` fixes the future in this async fn's own state, which is itself
    // pinned while it runs: no Box, no unsafe.
    let mut future = pin!(future);
    poll_fn(|cx| {
        // The future first: if both are ready in the same poll, the work
        // that did finish is not thrown away.
        if let Poll::Ready(output) = future.as_mut().poll(cx) {
            return Poll::Ready(Ok(output));
        }
        match Pin::new(&mut timer).poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(Elapsed { limit })),
            Poll::Pending => Poll::Pending,
        }
    })
    .await
}
