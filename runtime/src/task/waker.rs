//! The task waker: how "wake me" becomes "poll me on the next tick".
//!
//! Every task owns one `Arc<TaskWaker>` for its whole life, and the
//! `std::task::Waker` handed to its futures is made from that `Arc` through
//! std's safe [`Wake`] trait (no hand-written vtable). Waking does two
//! things:
//!
//! 1. flips the `scheduled` flag, so a task woken ten times before it runs
//!    is queued once, not ten times;
//! 2. sends the task's id into the run queue, a `crossbeam-channel` that
//!    any thread may send into ([`Shared::schedule`]).
//!
//! Wakers must be `Send + Sync` (std requires it, and a blocking-pool thread
//! or a timer thread may well wake a task) even though tasks themselves
//! never leave the loop's thread. That is why the waker holds only an id
//! and a channel, never the task.
//!
//! Chapter: docs/src/02-wakers.md

use std::sync::atomic::{fence, AtomicBool, Ordering};
use std::sync::Arc;
use std::task::Wake;

use crossbeam_channel::Sender;

use super::Id;

/// The part of the loop that other threads may touch.
pub(crate) struct Shared {
    /// Sending end of the run queue; the loop holds the receiving end.
    run_queue: Sender<Id>,
    /// Makes `mio::Poll::poll` return early when the loop is blocked in it.
    io_waker: mio::Waker,
    /// True while the loop is in, or about to enter, a blocking poll
    /// (phase 3). Set and cleared by the loop only.
    parked: AtomicBool,
}

impl Shared {
    pub(crate) fn new(run_queue: Sender<Id>, io_waker: mio::Waker) -> Shared {
        Shared { run_queue, io_waker, parked: AtomicBool::new(false) }
    }

    /// Queues `id` and, if the loop is asleep in `poll`, wakes it up.
    pub(crate) fn schedule(&self, id: Id) {
        // The receiver lives as long as the loop; once the loop is gone
        // there is nobody to run the task and the send may fail quietly.
        let _ = self.run_queue.send(id);
        // The other half of the lost-wakeup guard in `announce_park`: our
        // send happens before we look at `parked`, the loop's store to
        // `parked` happens before it looks at the queue. The fences make
        // the two orders hold across threads, so at least one side sees
        // the other: either the loop finds our id, or we find it parked.
        fence(Ordering::SeqCst);
        if self.parked.load(Ordering::SeqCst) {
            // An error here means the poller itself is broken; the loop
            // will report that loudly the next time it polls.
            let _ = self.io_waker.wake();
        }
    }

    /// The loop is about to block: from now on, wakers must call the
    /// `mio::Waker`. Returns nothing; the caller re-checks its queue next.
    pub(crate) fn announce_park(&self) {
        self.parked.store(true, Ordering::SeqCst);
        fence(Ordering::SeqCst);
    }

    /// The loop is awake again: wakes from its own thread need no syscall.
    pub(crate) fn end_park(&self) {
        self.parked.store(false, Ordering::SeqCst);
    }
}

/// The state behind one task's `Waker`.
pub(crate) struct TaskWaker {
    /// Which task to queue. Never changes, even after the task ends, so a
    /// late wake names a dead (and possibly reused) slot: see [`Id`].
    id: Id,
    /// True from the first wake until the loop starts polling the task.
    scheduled: AtomicBool,
    /// Where to queue it.
    shared: Arc<Shared>,
}

impl TaskWaker {
    pub(crate) fn new(id: Id, shared: Arc<Shared>) -> TaskWaker {
        TaskWaker { id, scheduled: AtomicBool::new(false), shared }
    }

    /// Called by the loop just before polling: wakes that arrive during
    /// the poll must queue the task again.
    pub(crate) fn clear_scheduled(&self) {
        self.scheduled.store(false, Ordering::Release);
    }
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        // swap returns the old value: only the wake that flips it from
        // false to true queues the task.
        if !self.scheduled.swap(true, Ordering::AcqRel) {
            self.shared.schedule(self.id);
        }
    }
}
