//! The main future: the one `block_on` runs, kept apart from the tasks.
//!
//! Tasks must be `'static` because the loop owns them. The main future
//! need not be: it lives on `block_on`'s stack and may borrow locals. So
//! it has no slot in the task table. It does have a waker like any task,
//! with the reserved id [`Id::MAIN`], so waking it puts it in the same
//! ready queue and phase 2 of the tick polls it in turn with everyone else.
//!
//! Chapter: docs/src/04-the-tick.md

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Waker};

use super::core::{Activity, Core};
use super::events::{LoopEvent, PollResult};
use crate::coop;
use crate::task::waker::TaskWaker;
use crate::task::Id;

/// References to the main future's `Arc<TaskWaker>` that `MainTask`
/// itself holds: `waker_state` and the `Waker` made from it. Any more is a
/// clone some future kept in order to wake it.
const OWN_WAKER_REFS: usize = 2;

/// `block_on`'s future, its waker, and whether it is done.
pub(crate) struct MainTask<'a> {
    future: Pin<&'a mut dyn Future<Output = ()>>,
    waker: Waker,
    waker_state: Arc<TaskWaker>,
    finished: bool,
}

impl<'a> MainTask<'a> {
    /// Wraps the future and wakes it, so the first tick polls it.
    pub(crate) fn new(future: Pin<&'a mut dyn Future<Output = ()>>, core: &Core) -> Self {
        let waker_state = Arc::new(TaskWaker::new(Id::MAIN, core.shared.clone()));
        let waker = Waker::from(waker_state.clone());
        waker.wake_by_ref();
        MainTask { future, waker, waker_state, finished: false }
    }

    /// Polls the main future once. A panic here is not caught: it is the
    /// program's own panic and leaves `block_on`, as in tokio.
    pub(crate) fn poll(&mut self, core: &Core) {
        if self.finished {
            return;
        }
        self.waker_state.clear_scheduled();
        let observed = core.is_observed();
        if observed {
            core.deliver(&LoopEvent::PollStarted { task: Id::MAIN });
        }
        let started = (observed && core.times_polls).then(std::time::Instant::now);
        coop::reset();
        let mut cx = Context::from_waker(&self.waker);
        core.activity.set(Activity::Polling(Id::MAIN));
        self.finished = self.future.as_mut().poll(&mut cx).is_ready();
        coop::end_poll();
        core.activity.set(Activity::Idle);
        if observed {
            let result = if self.finished {
                PollResult::Ready
            } else {
                PollResult::Pending {
                    woken_during_poll: self.waker_state.is_scheduled(),
                    waker_held: Arc::strong_count(&self.waker_state) > OWN_WAKER_REFS,
                }
            };
            let spent = started.map(|started| started.elapsed()).unwrap_or_default();
            core.deliver(&LoopEvent::Polled { task: Id::MAIN, result, spent });
        }
    }

    /// True once the main future has returned.
    pub(crate) fn is_finished(&self) -> bool {
        self.finished
    }
}
