//! Exercise 9 — `yield_now` by hand: step aside once, let the others run.
//!
//! asyncio's `await asyncio.sleep(0)` gives the loop one turn: every other
//! ready task runs before this one goes on. A long computation in a task
//! should do this now and then, or it holds the loop's only thread.
//!
//! Write [`YieldNow::poll`]: the first poll must make sure the task will
//! be polled again, then return `Pending`; the second poll returns
//! `Ready(())`. Nothing else will wake this task, so the waking is up to
//! the future itself.
//!
//! Hints:
//! - `cx.waker().wake_by_ref()` puts this task at the back of the run
//!   queue, behind every task that is already ready.
//! - Returning `Pending` without that wake is exercise 3's bug: the task
//!   would never run again (debug builds warn about it).
//! - The struct has a field to remember that the first poll happened.
//!
//! Run the tests: `cargo test -p aioli-exercises --features mine --test ex09_yield_now`
//! Read: docs/src/03-executor.md (the run queue); the real one is
//! runtime/src/task/yield_now.rs.

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

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let _ = (self.yielded, cx); // delete this line when you start
        unimplemented!("exercise 9: wake yourself once and return Pending, then Ready")
    }
}
