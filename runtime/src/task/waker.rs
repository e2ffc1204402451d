//! The task waker: how "wake me" becomes "poll me on the next tick".
//!
//! Every task owns one `Arc<TaskWaker>` for its whole life, and the
//! `std::task::Waker` handed to its futures is made from that `Arc` through
//! std's safe [`Wake`] trait (no hand-written vtable). Waking does two
//! things:
//!
//! 1. flips the `scheduled` flag, so a task woken ten times before it runs
//!    is queued once, not ten times;
//! 2. queues the task's id: on the loop's own thread (nearly every wake)
//!    onto the loop's ready queue, a plain `VecDeque`, with no atomics at
//!    all; from any other thread into a `crossbeam-channel`
//!    ([`Shared::schedule`]), ringing the loop awake if it sleeps in the
//!    OS poller.
//!
//! When an observer wants them, a wake is also reported as a
//! `LoopEvent::Woken` with its cause; that costs the waker one branch
//! when none does.
//!
//! Wakers must be `Send + Sync` (std requires it, and a blocking-pool thread
//! or a timer thread may well wake a task) even though tasks themselves
//! never leave the loop's thread. That is why the waker holds only an id
//! and a channel, never the task.
//!
//! Chapter: docs/src/02-wakers.md

use std::sync::atomic::{fence, AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::Wake;

use crossbeam_channel::Sender;

use super::Id;
use crate::context::try_with_core;

// ANCHOR: shared
/// The part of the loop that other threads may touch.
pub(crate) struct Shared {
    /// Sending end of the loop's `cross_thread_wakes` channel; phase 2
    /// moves what arrives onto the ready queue.
    cross_thread_wakes: Sender<Id>,
    /// Makes `mio::Poll::poll` return early when the loop is blocked in it.
    io_waker: mio::Waker,
    /// True while the loop is in, or about to enter, a blocking poll
    /// (phase 3). Set and cleared by the loop only.
    parked: AtomicBool,
    /// Whether wakes ring `io_waker` when the loop is parked. Always true,
    /// except in the lost-wakeup demonstration (`Builder::cross_thread_wakeups`).
    ring_when_parked: bool,
    /// Some observer wants `Woken` events: wakes are reported.
    pub(crate) reports_wakes: bool,
    /// Ids woken from other threads since the loop last looked, for the
    /// observers only (they live on the loop's thread, so the loop
    /// reports these wakes for the threads that made them).
    wakes_to_report: Mutex<Vec<Id>>,
}
// ANCHOR_END: shared

impl Shared {
    pub(crate) fn new(
        cross_thread_wakes: Sender<Id>,
        io_waker: mio::Waker,
        ring_when_parked: bool,
        reports_wakes: bool,
    ) -> Shared {
        Shared {
            cross_thread_wakes,
            io_waker,
            parked: AtomicBool::new(false),
            ring_when_parked,
            reports_wakes,
            wakes_to_report: Mutex::new(Vec::new()),
        }
    }

    /// Queues `id` and, if the loop is asleep in `poll`, wakes it up.
    pub(crate) fn schedule(&self, id: Id) {
        // The receiver lives as long as the loop; once the loop is gone
        // there is nobody to run the task and the send may fail quietly.
        let _ = self.cross_thread_wakes.send(id);
        // The other half of the lost-wakeup guard in `announce_park`: our
        // send happens before we look at `parked`, the loop's store to
        // `parked` happens before it looks at the queue. The fences make
        // the two orders hold across threads, so at least one side sees
        // the other: either the loop finds our id, or we find it parked.
        fence(Ordering::SeqCst);
        if self.parked.load(Ordering::SeqCst) && self.ring_when_parked {
            // An error here means the poller itself is broken; the loop
            // will report that loudly the next time it polls.
            let _ = self.io_waker.wake();
        }
    }

    /// The loop is about to block: from now on, wakers must call the
    /// `mio::Waker`. The caller re-checks its queue right after.
    pub(crate) fn announce_park(&self) {
        self.parked.store(true, Ordering::SeqCst);
        fence(Ordering::SeqCst);
    }

    /// The loop is awake again: wakes from its own thread need no syscall.
    pub(crate) fn end_park(&self) {
        self.parked.store(false, Ordering::SeqCst);
    }

    /// Notes a wake made on another thread, for the observers.
    fn note_remote_wake(&self, id: Id) {
        if let Ok(mut wakes) = self.wakes_to_report.lock() {
            wakes.push(id);
        }
    }

    /// The wakes other threads made since the last call.
    pub(crate) fn take_remote_wakes(&self) -> Vec<Id> {
        match self.wakes_to_report.lock() {
            Ok(mut wakes) => std::mem::take(&mut *wakes),
            Err(_) => Vec::new(),
        }
    }
}

// ANCHOR: task_waker
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
// ANCHOR_END: task_waker

impl TaskWaker {
    pub(crate) fn new(id: Id, shared: Arc<Shared>) -> TaskWaker {
        TaskWaker { id, scheduled: AtomicBool::new(false), shared }
    }

    /// Called by the loop just before polling: wakes that arrive during
    /// the poll must queue the task again.
    pub(crate) fn clear_scheduled(&self) {
        self.scheduled.store(false, Ordering::Release);
    }

    /// Whether a wake is pending (the task is in, or on its way to, the
    /// ready queue).
    pub(crate) fn is_scheduled(&self) -> bool {
        self.scheduled.load(Ordering::Acquire)
    }
}

impl TaskWaker {
    /// Only when an observer wants wakes: report this wake to the loop,
    /// which names its cause. On the loop's own thread that is immediate;
    /// from any other thread the id is noted for the loop to report after
    /// its next wait.
    ///
    /// Cold and out of line, so that unobserved `wake_by_ref` stays as
    /// small as if this did not exist.
    #[cold]
    #[inline(never)]
    fn report_wake(&self, queued: bool) {
        let on_loop_thread = try_with_core(|core| {
            let same_loop = core.owns(&self.shared);
            if same_loop {
                core.report_local_wake(self.id, queued);
            }
            same_loop
        });
        if on_loop_thread != Some(true) && queued {
            self.shared.note_remote_wake(self.id);
        }
    }
}

// ANCHOR: wake_impl
impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    #[inline]
    fn wake_by_ref(self: &Arc<Self>) {
        // swap returns the old value: only the wake that flips it from
        // false to true queues the task.
        let queue_it = !self.scheduled.swap(true, Ordering::AcqRel);
        if self.shared.reports_wakes {
            self.report_wake(queue_it);
        }
        if queue_it {
            // On the loop's own thread the loop is running, not parked:
            // a push onto its ready queue is all it takes. Only wakes from
            // other threads pay for the channel, the fence and the syscall.
            let queued_locally = try_with_core(|core| {
                let same_loop = core.owns(&self.shared);
                if same_loop {
                    core.push_ready(self.id);
                }
                same_loop
            });
            if queued_locally != Some(true) {
                self.shared.schedule(self.id);
            }
        }
    }
}
// ANCHOR_END: wake_impl
