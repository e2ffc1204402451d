//! Exercise 3 — a lost waker: find why the waiter hangs, with the runtime's warning.
//!
//! A future that returns `Poll::Pending` makes a promise: *someone* holds
//! a clone of `cx.waker()` and will call it when it is worth polling
//! again. Break the promise and the task sleeps forever, with no error.
//! asyncio cannot have this bug (a Future keeps its own callbacks);
//! every hand-written Rust future can.
//!
//! [`Flag`] below is a one-shot signal between tasks: `set()` raises it,
//! `wait().await` returns once it is raised. It compiles, it looks right,
//! and a task waiting on it hangs. The tests run it in debug mode, where
//! aioli warns the moment a task returns `Pending` while nobody holds its
//! waker; run them and read the warning, then fix `Flag` so that:
//! - `FlagWait::poll` stores the waker before returning `Pending`;
//! - `set` wakes every waiter (more than one task may wait);
//! - waiting on a flag already raised returns at once.
//!
//! Hints:
//! - Keep the wakers in the flag: `RefCell<Vec<Waker>>` (one thread, so
//!   `RefCell` is enough), and `Flag::default()` still works.
//! - `cx.waker().clone()` is what you keep; `waker.wake()` is what you call.
//! - Take the wakers out of the `RefCell` before waking them
//!   (`std::mem::take`), so no borrow is held while other code runs.
//! - A task can be polled again without having been woken (inside a
//!   `select`, say). Storing a fresh clone on each poll is always right.
//!
//! Run the tests: `cargo test -p aioli-exercises --features mine --test ex03_lost_waker`
//! Read: docs/src/02-wakers.md, and the lost-waker warning in docs/src/09-debugging.md;
//! example 11 (`cargo run --example 11_pitfalls`), part (d), shows the bug.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A one-shot signal: `set` once, and every `wait` returns.
#[derive(Default)]
pub struct Flag {
    /// True once `set` was called.
    raised: Cell<bool>,
}

impl Flag {
    /// Raises the flag: every task waiting on it should go on.
    pub fn set(&self) {
        self.raised.set(true);
    }

    /// Whether the flag is raised.
    pub fn is_set(&self) -> bool {
        self.raised.get()
    }

    /// A future that is ready once the flag is raised.
    pub fn wait(&self) -> FlagWait<'_> {
        FlagWait { flag: self }
    }
}

/// The future returned by [`Flag::wait`].
pub struct FlagWait<'a> {
    /// The flag waited for.
    flag: &'a Flag,
}

impl Future for FlagWait<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        if self.flag.raised.get() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}
