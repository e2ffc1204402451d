//! `select` and `select_all`: the first to finish wins, the rest are dropped.
//!
//! Chapter: docs/src/06-join-select-wait.md

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::task::{ready, Poll};

use super::children::Children;

/// Which of two futures finished first, with its output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Either<A, B> {
    /// The first future won.
    Left(A),
    /// The second future won.
    Right(B),
}

/// Waits for the first of two futures; the other is dropped (cancelled).
///
/// The first argument is polled first, so if both are ready in the same
/// turn `a` wins (tokio's `select!` picks at random unless `biased`).
///
/// ```
/// use std::time::Duration;
/// use aioli::{select, Either};
/// use aioli::time::sleep;
///
/// aioli::run(async {
///     let quick = async { sleep(Duration::from_millis(5)).await; "quick" };
///     let slow = async { sleep(Duration::from_secs(5)).await; "slow" };
///     assert_eq!(select(quick, slow).await, Either::Left("quick"));
/// });
/// ```
#[doc(alias = "FIRST_COMPLETED")]
pub async fn select<A: Future, B: Future>(a: A, b: B) -> Either<A::Output, B::Output> {
    let (mut a, mut b) = (pin!(a), pin!(b));
    poll_fn(|cx| {
        if let Poll::Ready(value) = a.as_mut().poll(cx) {
            return Poll::Ready(Either::Left(value));
        }
        if let Poll::Ready(value) = b.as_mut().poll(cx) {
            return Poll::Ready(Either::Right(value));
        }
        Poll::Pending
    })
    .await
    // The loser is dropped here, when this async fn's state is dropped.
}

/// Waits for the first of many futures and returns `(index, output)`;
/// every other future is dropped (cancelled). To keep the others running,
/// spawn them as tasks and use [`wait`](crate::wait) with `WaitFor::First`.
///
/// Each future has its own waker, so a wake polls only the future woken.
/// The first poll polls them in input order; if several are ready then,
/// the lowest index wins. After that, whichever is woken first and is
/// ready wins.
///
/// # Panics
///
/// If `futures` is empty: there would be nothing to wait for, ever.
#[doc(alias = "FIRST_COMPLETED")]
pub async fn select_all<I>(futures: I) -> (usize, <I::Item as Future>::Output)
where
    I: IntoIterator,
    I::Item: Future,
{
    let mut children = Children::new(futures);
    assert!(children.running() > 0, "aioli::select_all needs at least one future");
    poll_fn(|cx| match ready!(children.poll_next_ready(cx)) {
        Some(winner) => Poll::Ready(winner),
        // `None` means "all finished", and the first to finish returned above.
        None => unreachable!("select_all saw every child finish without a winner"),
    })
    .await
    // The losers are dropped with `children`, here.
}
