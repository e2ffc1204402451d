//! `wait`: sort tasks into done and pending, with an optional timeout.
//!
//! asyncio's `done, pending = await asyncio.wait(tasks, timeout=…,
//! return_when=…)`. The tasks keep running whatever happens: `wait` only
//! watches them, and gives every handle back, so the caller decides what
//! to do with the pending ones (await them later, or `abort()` them).
//!
//! Chapter: docs/src/06-join-select-wait.md

use std::future::poll_fn;
use std::task::Poll;
use std::time::Duration;

use crate::task::JoinHandle;
use crate::time::timeout;

/// When [`wait`] returns (asyncio's `return_when`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitFor {
    /// When every task has ended (`ALL_COMPLETED`).
    All,
    /// When any task has ended (`FIRST_COMPLETED`).
    First,
    /// When any task has ended with a `JoinError`, that is it panicked or
    /// was cancelled, or when all have ended (`FIRST_EXCEPTION`). A task
    /// that returns `Err(..)` has *returned*, as far as the loop knows; to
    /// stop at the first `Err`, use `try_join_all` or `TaskGroup`.
    FirstError,
}

/// Waits until `return_when` is met or `timeout` passes, then returns
/// `(done, pending)`. Handles in `done` are finished: awaiting them gives
/// their result at once. Handles in `pending` are still running.
///
/// ```
/// use std::time::Duration;
/// use aioli::{wait, WaitFor};
/// use aioli::time::sleep;
///
/// aioli::run(async {
///     let fast = aioli::spawn(async { sleep(Duration::from_millis(10)).await; "fast" });
///     let slow = aioli::spawn(async { sleep(Duration::from_secs(10)).await; "slow" });
///     let (done, pending) = wait(vec![fast, slow], WaitFor::All, Some(Duration::from_millis(100))).await;
///     assert_eq!((done.len(), pending.len()), (1, 1));
///     for handle in done {
///         assert_eq!(handle.await.unwrap(), "fast");
///     }
///     for handle in pending {
///         handle.abort();
///     }
/// });
/// ```
#[doc(alias = "asyncio.wait")]
pub async fn wait<T>(
    handles: impl IntoIterator<Item = JoinHandle<T>>,
    return_when: WaitFor,
    timeout_after: Option<Duration>,
) -> (Vec<JoinHandle<T>>, Vec<JoinHandle<T>>) {
    let handles: Vec<JoinHandle<T>> = handles.into_iter().collect();
    let condition_met = poll_fn(|cx| {
        let mut finished = 0;
        let mut failed = false;
        for handle in &handles {
            // poll_finished registers our waker with every unfinished task,
            // so the next one to end wakes us to count again.
            if handle.poll_finished(cx).is_ready() {
                finished += 1;
                failed |= handle.has_failed();
            }
        }
        let all = finished == handles.len();
        let met = match return_when {
            WaitFor::All => all,
            WaitFor::First => finished > 0 || all,
            WaitFor::FirstError => failed || all,
        };
        if met {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    });
    match timeout_after {
        // A timeout here is not an error: it only ends the waiting.
        Some(limit) => {
            let _ = timeout(limit, condition_met).await;
        }
        None => condition_met.await,
    }
    handles.into_iter().partition(|handle| handle.is_finished())
}
