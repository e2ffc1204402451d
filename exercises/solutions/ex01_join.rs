//! Solution to exercise 1: `join(a, b)` by hand. The exercise, its hints
//! and its tests: `exercises/src/ex01_join.rs`, `exercises/tests/ex01_join.rs`.

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::task::Poll;

/// Runs `a` and `b` at the same time in the calling task and returns both
/// outputs, `a`'s first, once both have finished.
pub async fn join<A: Future, B: Future>(a: A, b: B) -> (A::Output, B::Output) {
    // Pinned on this async fn's own state: they never move again, which
    // is what `poll` requires, and no Box is needed.
    let mut a = pin!(a);
    let mut b = pin!(b);
    let mut a_output = None;
    let mut b_output = None;
    poll_fn(|cx| {
        // A finished future must not be polled again: its output is
        // already here, and its state may be gone.
        if a_output.is_none() {
            if let Poll::Ready(output) = a.as_mut().poll(cx) {
                a_output = Some(output);
            }
        }
        if b_output.is_none() {
            if let Poll::Ready(output) = b.as_mut().poll(cx) {
                b_output = Some(output);
            }
        }
        // Both present: hand them out. Otherwise wait; whichever future
        // returned Pending holds our waker.
        match (a_output.take(), b_output.take()) {
            (Some(a), Some(b)) => Poll::Ready((a, b)),
            (a, b) => {
                a_output = a;
                b_output = b;
                Poll::Pending
            }
        }
    })
    .await
}
