//! Hang detectors: a task that can never wake, a task that spins, a poll
//! that blocks the loop.
//!
//! **Lost waker.** A future that returns `Pending` promises that something
//! holds a clone of its waker and will wake it. The runtime can check the
//! promise: every task has one `Arc<TaskWaker>` whose reference count is
//! known when nobody else holds it ([`OWN_WAKER_REFS`]). If after a
//! `Pending` poll the count is still that, and the task did not wake itself,
//! then nothing anywhere can wake it: only `abort()` will ever touch it
//! again. No other runtime checks this; it catches the classic bug of a
//! hand-written future that forgets to store `cx.waker()`.
//!
//! **Busy loop.** A task that wakes itself in every poll (a `yield_now`
//! loop, a future that always calls `wake_by_ref`) keeps the loop at 100%
//! CPU. After `busy_loop_after` such polls in a row, warn once.
//!
//! **Slow poll.** asyncio's debug mode warns when one callback runs longer
//! than 100 ms, because nothing else can run meanwhile. The same here, per
//! task poll, naming the task and where it was spawned.
//!
//! Chapter: docs/src/09-debugging.md

use std::sync::Arc;
use std::time::Duration;

use crate::runtime::core::Core;
use crate::task::table::TaskSlot;
use crate::task::waker::TaskWaker;
use crate::task::Id;

/// References to a task's `Arc<TaskWaker>` that the runtime itself holds
/// while the task waits: the slot's `Arc`, the slot's `Waker`, and the
/// `Waker` in its `JoinShared` (used by `abort`). Anything above this is a
/// clone some future kept in order to wake the task later.
pub(crate) const OWN_WAKER_REFS: usize = 3;

/// True if nothing outside the runtime holds the waker and no wake is
/// pending: the task cannot be woken by anything but `abort()`.
pub(crate) fn waker_is_lost(waker: &Arc<TaskWaker>, own_refs: usize) -> bool {
    !waker.is_scheduled() && Arc::strong_count(waker) <= own_refs
}

impl Core {
    /// Runs the detectors after task `id` returned `Pending`.
    pub(crate) fn check_pending_task(&self, id: Id, slot: &mut TaskSlot) {
        let settings = &self.diag.settings;
        if settings.lost_waker && !slot.warned_lost_waker && waker_is_lost(slot.waker_state(), OWN_WAKER_REFS) {
            slot.warned_lost_waker = true;
            self.diag.warn(format_args!(
                "{id}{} (spawned at {}) returned Pending but kept no clone of its waker, so nothing can ever \
                 wake it again: it will hang until aborted. A hand-written future must store cx.waker() \
                 before returning Pending (or wake it at once).",
                slot.quoted_name(),
                slot.spawned_at
            ));
        }
        if let Some(limit) = settings.busy_loop_after {
            if slot.waker_state().is_scheduled() {
                slot.self_wakes_in_row += 1;
                if slot.self_wakes_in_row == limit {
                    self.diag.warn(format_args!(
                        "{id}{} (spawned at {}) woke itself in {limit} polls in a row: it is busy-looping and \
                         keeps the loop at full CPU. Await something that waits (a sleep, IO, a channel) \
                         instead of yielding in a loop; or raise Builder::busy_loop_threshold if it is meant.",
                        slot.quoted_name(),
                        slot.spawned_at
                    ));
                }
            } else {
                slot.self_wakes_in_row = 0;
            }
        }
    }

    /// Warns if one poll of `id` ran longer than the slow-poll threshold.
    pub(crate) fn check_poll_duration(&self, id: Id, spent: Duration) {
        let Some(threshold) = self.diag.settings.slow_poll else { return };
        if spent < threshold {
            return;
        }
        let spawned_at = self.tasks.borrow().get(id).map(|slot| slot.spawned_at.to_string());
        let site = spawned_at.map(|site| format!(" (spawned at {site})")).unwrap_or_default();
        self.diag.warn(format_args!(
            "{}{site} blocked the loop for {spent:.1?} in one poll (threshold {threshold:?}): no other task, \
             timer or IO ran meanwhile. Move blocking work (std::thread::sleep, file IO, heavy computation) \
             off the loop, or await between steps.",
            self.task_label(id)
        ));
    }
}
