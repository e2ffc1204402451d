//! Solution to exercise 2: `select(a, b)` by hand. The exercise, its hints
//! and its tests: `exercises/src/ex02_select.rs`, `exercises/tests/ex02_select.rs`.

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::task::Poll;

pub use aioli::Either;

/// Runs `a` and `b` at the same time; returns the output of the first to
/// finish and drops the other.
pub async fn select<A: Future, B: Future>(a: A, b: B) -> Either<A::Output, B::Output> {
    let mut a = pin!(a);
    let mut b = pin!(b);
    poll_fn(|cx| {
        // `a` first: when both are ready in the same poll, the first
        // argument wins, so callers can give one side priority.
        if let Poll::Ready(output) = a.as_mut().poll(cx) {
            return Poll::Ready(Either::Left(output));
        }
        if let Poll::Ready(output) = b.as_mut().poll(cx) {
            return Poll::Ready(Either::Right(output));
        }
        Poll::Pending
    })
    .await
    // Returning drops this async fn's state, and with it the loser: that
    // drop is the cancellation.
}
