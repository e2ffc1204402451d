//! Hang detectors: a task that can never wake, a task that spins, a poll
//! that blocks the loop.
//!
//! [`Detectors`] is an observer: all three checks read `Polled` events,
//! and task names and spawn sites come from `Spawned` events.
//!
//! **Lost waker.** A future that returns `Pending` promises that something
//! holds a clone of its waker and will wake it. The runtime can check the
//! promise: every task has one `Arc<TaskWaker>` whose reference count is
//! known when nobody else holds it (`task::table::OWN_WAKER_REFS`), and
//! after each `Pending` poll the loop reports whether anything else holds
//! it (`PollResult::Pending::waker_held`). If nothing does, and the task
//! did not wake itself, then nothing anywhere can wake it: only `abort()`
//! will ever touch it again. No other runtime checks this; it catches the
//! classic bug of a hand-written future that forgets to store
//! `cx.waker()`.
//!
//! **Busy loop.** A task that wakes itself in every poll (a `yield_now`
//! loop, a future that always calls `wake_by_ref`) keeps the loop at 100%
//! CPU. After `busy_loop_after` such polls in a row, warn once.
//!
//! **Slow poll.** asyncio's debug mode warns when one callback runs longer
//! than 100 ms, because nothing else can run meanwhile. The same here, per
//! task poll, naming the task and where it was spawned.
//!
//! Each warning is printed (`aioli warning: ...`) and also queued as a
//! [`LoopEvent::Warned`] in `reports`, which the core hands to every
//! observer right after the event that caused it (`Core::deliver`): an
//! observer cannot call the loop, so it leaves its events there.
//!
//! Chapter: docs/src/09-debugging.md

use std::time::Duration;

use super::labels::TaskBook;
use super::{DebugSettings, FollowUps, Output};
use crate::runtime::events::{LoopEvent, PollResult, Warning};
use crate::task::Id;

/// The detectors that are switched on, and what they remember per task.
pub(crate) struct Detectors {
    lost_waker: bool,
    busy_loop_after: Option<u32>,
    slow_poll: Option<Duration>,
    output: Output,
    /// Where each warning goes as a `LoopEvent::Warned`, for the core to
    /// deliver after the event being observed.
    reports: FollowUps,
    /// Names and spawn sites for the warnings, and a `Watch` per task.
    tasks: TaskBook<Watch>,
}

/// What the detectors remember about one task.
#[derive(Default)]
struct Watch {
    /// `Pending` polls in a row after which the task was already woken
    /// again (the busy-loop detector counts them).
    self_wakes_in_row: u32,
    /// The lost-waker warning was given already (it is given once).
    warned_lost_waker: bool,
}

impl Detectors {
    /// The detectors `settings` switch on, or `None` if none is.
    pub(crate) fn new(settings: &DebugSettings, output: Output, reports: FollowUps) -> Option<Detectors> {
        let any = settings.lost_waker || settings.busy_loop_after.is_some() || settings.slow_poll.is_some();
        any.then(|| Detectors {
            lost_waker: settings.lost_waker,
            busy_loop_after: settings.busy_loop_after,
            slow_poll: settings.slow_poll,
            output,
            reports,
            tasks: TaskBook::default(),
        })
    }

    /// Runs the checks an event calls for.
    pub(crate) fn on_event(&mut self, event: &LoopEvent) {
        if let LoopEvent::Polled { task, result, spent } = event {
            self.check_poll_duration(*task, *spent);
            if let PollResult::Pending { woken_during_poll, waker_held } = result {
                self.check_pending(*task, *woken_during_poll, *waker_held);
            }
        }
        self.tasks.learn(event);
    }

    /// The lost-waker and busy-loop checks, after a `Pending` poll.
    fn check_pending(&mut self, id: Id, woken_during_poll: bool, waker_held: bool) {
        let Some(watch) = self.tasks.notes_mut(id) else { return };
        let lost = self.lost_waker && !watch.warned_lost_waker && !woken_during_poll && !waker_held;
        if lost {
            watch.warned_lost_waker = true;
        }
        // Only tasks are counted: the warning names a spawn site and
        // points at `busy_loop_threshold`, neither of which fits main.
        let busy_limit = self.busy_loop_after.filter(|_| !id.is_main());
        let busy = match busy_limit {
            Some(limit) if woken_during_poll => {
                watch.self_wakes_in_row += 1;
                watch.self_wakes_in_row == limit
            }
            _ => {
                watch.self_wakes_in_row = 0;
                false
            }
        };
        if lost {
            self.report(id, Warning::LostWaker);
            let (label, site) = (self.tasks.label(id), spawned_at(&self.tasks, id));
            if id == Id::MAIN {
                self.output.warn(format_args!(
                    "the main future returned Pending but kept no clone of its waker: unless a task it \
                     spawned wakes it some other way, the program will hang here"
                ));
            } else {
                self.output.warn(format_args!(
                    "{label}{site} returned Pending but kept no clone of its waker, so nothing can ever \
                     wake it again: it will hang until aborted. A hand-written future must store cx.waker() \
                     before returning Pending (or wake it at once)."
                ));
            }
        }
        if let (true, Some(limit)) = (busy, busy_limit) {
            self.report(id, Warning::BusyLoop { polls: limit });
            let (label, site) = (self.tasks.label(id), spawned_at(&self.tasks, id));
            self.output.warn(format_args!(
                "{label}{site} woke itself in {limit} polls in a row: it is busy-looping and keeps the loop \
                 at full CPU. Await something that waits (a sleep, IO, a channel) instead of yielding in a \
                 loop; or raise Builder::busy_loop_threshold if it is meant."
            ));
        }
    }

    /// Warns if one poll of `id` ran longer than the slow-poll threshold.
    fn check_poll_duration(&self, id: Id, spent: Duration) {
        let Some(threshold) = self.slow_poll else { return };
        if spent < threshold {
            return;
        }
        self.report(id, Warning::SlowPoll { spent, threshold });
        self.output.warn(format_args!(
            "{}{} blocked the loop for {spent:.1?} in one poll (threshold {threshold:?}): no other task, \
             timer or IO ran meanwhile. Move blocking work (std::thread::sleep, file IO, heavy computation) \
             off the loop, or await between steps.",
            self.tasks.label(id),
            spawned_at(&self.tasks, id)
        ));
    }
}

impl Detectors {
    /// Queues the warning as an event for the other observers.
    fn report(&self, task: Id, warning: Warning) {
        self.reports.borrow_mut().push_back(LoopEvent::Warned { task, warning });
    }
}

/// ` (spawned at file:line)`, or nothing for main.
fn spawned_at(labels: &TaskBook<Watch>, id: Id) -> String {
    labels.site(id).map(|site| format!(" (spawned at {site})")).unwrap_or_default()
}
