//! The main future: the one `block_on` runs, kept apart from the tasks.
//!
//! Tasks must be `'static` because the loop owns them. The main future
//! need not be: it lives on `block_on`'s stack and may borrow locals. So
//! it has no slot in the task table. It does have a waker like any task,
//! with the reserved id [`Id::MAIN`], so waking it puts it in the same run
//! queue and phase 1 of the tick polls it in turn with everyone else.
//!
//! Chapter: docs/src/04-the-tick.md

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Waker};

use super::core::Core;
use crate::coop;
use crate::debug::detectors::waker_is_lost;
use crate::debug::{trace_event, Activity};
use crate::task::waker::{Shared, TaskWaker};
use crate::task::Id;

/// `block_on`'s future, its waker, and whether it is done.
pub(crate) struct MainTask<'a> {
    future: Pin<&'a mut dyn Future<Output = ()>>,
    waker: Waker,
    waker_state: Arc<TaskWaker>,
    finished: bool,
    /// The lost-waker warning was given already.
    warned_lost_waker: bool,
}

impl<'a> MainTask<'a> {
    /// Wraps the future and wakes it, so the first tick polls it.
    pub(crate) fn new(future: Pin<&'a mut dyn Future<Output = ()>>, shared: &Arc<Shared>) -> Self {
        let waker_state = Arc::new(TaskWaker::new(Id::MAIN, shared.clone()));
        let waker = Waker::from(waker_state.clone());
        waker.wake_by_ref();
        MainTask { future, waker, waker_state, finished: false, warned_lost_waker: false }
    }

    /// Polls the main future once. A panic here is not caught: it is the
    /// program's own panic and leaves `block_on`, as in tokio.
    pub(crate) fn poll(&mut self, core: &Core) {
        if self.finished {
            return;
        }
        self.waker_state.clear_scheduled();
        coop::reset();
        trace_event!(core, "poll main");
        let mut cx = Context::from_waker(&self.waker);
        core.diag.activity.set(Activity::Polling(Id::MAIN));
        let started = core.diag.times_polls().then(std::time::Instant::now);
        self.finished = self.future.as_mut().poll(&mut cx).is_ready();
        coop::end_poll();
        core.diag.activity.set(Activity::Idle);
        if let Some(started) = started {
            core.after_timed_poll(Id::MAIN, started);
        }
        let outcome = if self.finished { "Ready (the program's main future is done)" } else { "Pending" };
        trace_event!(core, "  main -> {outcome}");

        // Two references are ours: `waker_state` and the `Waker` made from it.
        if !self.finished
            && !self.warned_lost_waker
            && core.diag.settings.lost_waker
            && waker_is_lost(&self.waker_state, 2)
        {
            self.warned_lost_waker = true;
            core.diag.warn(format_args!(
                "the main future returned Pending but kept no clone of its waker: unless a task it \
                 spawned wakes it some other way, the program will hang here"
            ));
        }
    }

    /// True once the main future has returned.
    pub(crate) fn is_finished(&self) -> bool {
        self.finished
    }
}
