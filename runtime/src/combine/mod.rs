//! Combinators: running several futures at once inside one task.
//!
//! `join` and friends (asyncio's `gather`), `select` (first completed),
//! `wait` (done/pending with a timeout) and `as_completed` all work the
//! same way: one future that, each time it is polled, polls its children
//! with the *same* waker. Whichever child is woken wakes the whole
//! combinator, which then polls the children that are not done yet.
//!
//! That is concurrency without tasks: the children take turns inside one
//! task's poll. It is also why a child that never returns `Pending` stalls
//! its siblings, and why dropping the combinator drops (cancels) every
//! child still running.
//!
//! Each is an `async fn` around `std::future::poll_fn`, with `pin!` to fix
//! the children in place: readable, and no `unsafe` pin projection.
//! Production crates (futures-rs) give each child its own waker, so a wake
//! re-polls only the child that was woken; here every wake re-polls all
//! unfinished children, which costs O(children) per wake.
//!
//! Chapter: docs/src/06-join-select-wait.md

pub(crate) mod as_completed;
pub(crate) mod join;
pub(crate) mod select;
pub(crate) mod wait;

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A child future of `join_all`-like combinators, and its output once done.
pub(crate) enum Child<F: Future> {
    /// Still running; boxed so it can sit in a `Vec` and stay pinned.
    Running(Pin<Box<F>>),
    /// Finished; the output waits here until every sibling is done.
    Done(F::Output),
    /// The output was handed out.
    Taken,
}

impl<F: Future> Child<F> {
    pub(crate) fn new(future: F) -> Child<F> {
        Child::Running(Box::pin(future))
    }

    /// Polls the child if it is running; true once it has an output.
    pub(crate) fn poll_done(&mut self, cx: &mut Context<'_>) -> bool {
        if let Child::Running(future) = self {
            match future.as_mut().poll(cx) {
                Poll::Ready(output) => *self = Child::Done(output),
                Poll::Pending => return false,
            }
        }
        true
    }

    /// The output, once; `None` if not done or already taken.
    pub(crate) fn take_output(&mut self) -> Option<F::Output> {
        match std::mem::replace(self, Child::Taken) {
            Child::Done(output) => Some(output),
            other => {
                *self = other;
                None
            }
        }
    }
}
