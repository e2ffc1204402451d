//! Solution to exercise 3: a flag that keeps its waiters' wakers. The
//! exercise, its hints and its tests: `exercises/src/ex03_lost_waker.rs`,
//! `exercises/tests/ex03_lost_waker.rs`.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

/// A one-shot signal: `set` once, and every `wait` returns.
#[derive(Default)]
pub struct Flag {
    /// True once `set` was called.
    raised: Cell<bool>,
    /// The wakers of the tasks waiting, kept so `set` can call them: the
    /// promise behind every `Pending` that `FlagWait` returns.
    waiters: RefCell<Vec<Waker>>,
}

impl Flag {
    /// Raises the flag and wakes every task waiting on it.
    pub fn set(&self) {
        self.raised.set(true);
        // Out of the RefCell first: a woken task may run code that waits
        // on this flag again, and must find it free to borrow.
        let waiters = std::mem::take(&mut *self.waiters.borrow_mut());
        for waker in waiters {
            waker.wake();
        }
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

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.flag.raised.get() {
            return Poll::Ready(());
        }
        // Keep the waker *before* saying Pending. A waiter polled twice
        // leaves two wakers for the same task; waking a task twice costs
        // one extra poll at most, which keeps this simple. (aioli's Event
        // gives each waiter a slot instead, and replaces its waker.)
        self.flag.waiters.borrow_mut().push(cx.waker().clone());
        Poll::Pending
    }
}
