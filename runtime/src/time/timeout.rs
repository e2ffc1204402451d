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
use std::panic::Location;
use std::pin::{pin, Pin};
use std::task::Poll;
use std::time::Duration;

use super::{sleep, sleep_until, Instant, Sleep};

/// The error of a [`timeout`] or [`timeout_at`] whose time ran out: the
/// future was dropped, cancelled at the `.await` it was waiting in.
///
/// If that future was a [`JoinHandle`](crate::JoinHandle), only the handle
/// was dropped: the task is detached and keeps running. Call `abort()` on
/// the handle (keep it outside the `timeout`, pass `&mut handle`) to stop
/// the task as well.
///
/// ```
/// use std::time::Duration;
/// use aioli::time::{sleep, timeout};
///
/// aioli::run(async {
///     let mut slow_task = aioli::spawn(sleep(Duration::from_secs(10)));
///     let waited = timeout(Duration::from_millis(10), &mut slow_task).await;
///     let elapsed = waited.unwrap_err();
///     assert_eq!(elapsed.limit(), Duration::from_millis(10));
///     // "timed out: the future given to timeout at src/main.rs:8:18 did
///     // not finish within 10ms, so it was dropped": the line is yours.
///     assert!(elapsed.to_string().contains(&format!("timeout at {}", elapsed.called_at())));
///     slow_task.abort(); // the task itself is still running until this
/// });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Elapsed {
    /// How long the future was given.
    limit: Duration,
    /// The line that called `timeout`: with several timeouts in a
    /// program, the message says which one ran out.
    called_at: &'static Location<'static>,
}

impl Elapsed {
    /// How long the future was given: `timeout`'s `limit`, or for
    /// `timeout_at` the time that was left until the deadline.
    pub fn limit(&self) -> Duration {
        self.limit
    }

    /// The line of code that called `timeout` or `timeout_at`.
    pub fn called_at(&self) -> &'static Location<'static> {
        self.called_at
    }
}

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "timed out: the future given to timeout at {} did not finish within {:?}, so it was dropped",
            self.called_at, self.limit
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
#[doc(alias = "wait_for")]
#[track_caller]
pub fn timeout<F: Future>(limit: Duration, future: F) -> impl Future<Output = Result<F::Output, Elapsed>> {
    race_with_deadline(sleep(limit), limit, Location::caller(), future)
}

/// Like [`timeout`], with an absolute deadline.
#[track_caller]
pub fn timeout_at<F: Future>(deadline: Instant, future: F) -> impl Future<Output = Result<F::Output, Elapsed>> {
    let limit = deadline.saturating_duration_since(Instant::now());
    race_with_deadline(sleep_until(deadline), limit, Location::caller(), future)
}

// ANCHOR: race_with_deadline
async fn race_with_deadline<F: Future>(
    mut timer: Sleep,
    limit: Duration,
    called_at: &'static Location<'static>,
    future: F,
) -> Result<F::Output, Elapsed> {
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
            Poll::Ready(()) => Poll::Ready(Err(Elapsed { limit, called_at })),
            Poll::Pending => Poll::Pending,
        }
    })
    .await
}
// ANCHOR_END: race_with_deadline
