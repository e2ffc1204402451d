//! Waiting for a future on a plain thread: what `blocking_send` and
//! `blocking_recv` use so that a std thread (a blocking-pool worker, a
//! thread you spawned) can talk to tasks through a channel.
//!
//! The thread polls the future with a waker that unparks it, and parks
//! between polls. This is the smallest executor there is: one future, no
//! reactor, no timers. A `woken` flag guards against `park`'s spurious
//! returns and against a wake that lands before the thread parks (then
//! `unpark` has already left a token and `park` returns at once).
//!
//! Chapter: docs/src/11-sync.md

use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};

use crate::context::try_with_core;
use crate::coop;

/// Wakes a parked thread.
struct ThreadWaker {
    /// The thread that waits.
    thread: Thread,
    /// Set by a wake, cleared by the thread before it polls again.
    woken: AtomicBool,
}

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::Release);
        self.thread.unpark();
    }
}

/// Polls `future` on this thread until it is done, parking in between.
///
/// # Panics
///
/// On a thread that runs an aioli loop: blocking it would stop every task,
/// including the one that would make `future` ready, so it would hang.
#[track_caller]
pub(crate) fn block_on<F: Future>(what: &str, future: F) -> F::Output {
    if try_with_core(|_| ()).is_some() {
        panic!(
            "{what} was called on the thread of a running aioli loop: it would block the loop (and the task \
             that could answer it) forever; use the async version with .await inside tasks"
        );
    }
    let thread_waker = Arc::new(ThreadWaker { thread: thread::current(), woken: AtomicBool::new(false) });
    let waker = Waker::from(thread_waker.clone());
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        // Each poll gets a fresh cooperative budget, as a task poll does.
        // Without this, a thread that once ran a loop would keep the budget
        // its last task left, possibly none, and a channel's poll would
        // answer `Pending` forever (see coop.rs). After the poll,
        // `end_poll` gives the thread back the unlimited budget that
        // futures polled by hand outside a task rely on.
        coop::reset();
        let polled = future.as_mut().poll(&mut cx);
        coop::end_poll();
        if let Poll::Ready(output) = polled {
            return output;
        }
        while !thread_waker.woken.swap(false, Ordering::Acquire) {
            thread::park();
        }
    }
}
