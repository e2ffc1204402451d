//! Solution to exercise 9: `yield_now` by hand. The exercise, its hints
//! and its tests: `exercises/src/ex09_yield_now.rs`, `exercises/tests/ex09_yield_now.rs`.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Steps aside once: the second poll is ready.
pub fn yield_now() -> YieldNow {
    YieldNow { yielded: false }
}

/// The future returned by [`yield_now`].
pub struct YieldNow {
    /// Whether the one `Pending` was returned already.
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        // We are the one who will make ourselves ready, right now: to the
        // back of the run queue, so everyone already ready goes first.
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
