//! Task names for observers: what an event's bare [`Id`] stands for.
//!
//! Events name tasks by id only; the name and spawn site come once, in
//! `Spawned`. An observer that prints tasks keeps them from there, which
//! is what [`TaskLabels`] does for the trace, the detectors and the
//! timeline, with no look into the loop's task table. A program's own
//! observer can do the same in a few lines.
//!
//! Chapter: docs/src/09-debugging.md

use std::collections::HashMap;
use std::panic::Location;

use crate::runtime::events::{LoopEvent, WakeCause};
use crate::task::Id;

/// The label and spawn site of every live task, learnt from events.
#[derive(Default)]
pub(crate) struct TaskLabels {
    tasks: HashMap<Id, Known>,
}

struct Known {
    label: String,
    site: &'static Location<'static>,
}

impl TaskLabels {
    /// Remembers a spawned task; forgets an ended one. Call it after the
    /// observer handled `event`, so an ending task is still named.
    pub(crate) fn learn(&mut self, event: &LoopEvent) {
        match event {
            LoopEvent::Spawned { task, name, site, .. } => {
                let label = match name {
                    Some(name) => format!("{task} \"{name}\""),
                    None => task.to_string(),
                };
                self.tasks.insert(*task, Known { label, site });
            }
            LoopEvent::TaskEnded { task, .. } => {
                self.tasks.remove(task);
            }
            _ => {}
        }
    }

    /// `task#3 "name"`, `task#3` (no name, or ended), or `main`.
    pub(crate) fn label(&self, id: Id) -> String {
        match self.tasks.get(&id) {
            Some(known) => known.label.clone(),
            None => id.to_string(),
        }
    }

    /// Where a live task was spawned (`None` for main).
    pub(crate) fn site(&self, id: Id) -> Option<&'static Location<'static>> {
        self.tasks.get(&id).map(|known| known.site)
    }

    /// What woke a task, as the trace and the timeline say it:
    /// `timer`, `task#1 "worker"`, `IO: source 3 is readable`…
    pub(crate) fn wake_cause(&self, cause: &WakeCause, already_queued: bool) -> String {
        let cause = match cause {
            WakeCause::Itself => "itself".to_string(),
            WakeCause::Task(waker) => self.label(*waker),
            WakeCause::Timer => "timer".to_string(),
            WakeCause::Io { source, direction } => format!("IO: source {source} is {direction}"),
            WakeCause::Cancellation(task) => format!("the cancellation of {}", self.label(*task)),
            WakeCause::Shutdown => "shutdown".to_string(),
            WakeCause::Loop => "the loop".to_string(),
            WakeCause::AnotherThread => "another thread".to_string(),
        };
        let note = if already_queued { " (already queued)" } else { "" };
        format!("{cause}{note}")
    }
}
