//! Task names for observers: what an event's bare [`Id`] stands for.
//!
//! Events name tasks by id only; the name and spawn site come once, in
//! `Spawned`. An observer that prints tasks keeps them from there, which
//! is what [`TaskBook`] does for the trace, the detectors and the
//! timeline, with no look into the loop's task table. A program's own
//! observer can do the same with a `HashMap<Id, String>`.
//!
//! The book is a `Vec` indexed by the id's slot, checked against its
//! generation, like the task table itself: the built-in observers see
//! every spawn and every poll, and a hash per event is what made debug
//! mode measurably slower when this was a `HashMap`. Labels are not kept
//! as strings either; [`TaskBook::label`] writes one only when a line is
//! printed.
//!
//! Chapter: docs/src/09-debugging.md

use std::fmt;
use std::panic::Location;
use std::sync::Arc;

use crate::runtime::events::{LoopEvent, WakeCause};
use crate::task::Id;

/// What the observer knows of every live task, plus its own notes `T`.
pub(crate) struct TaskBook<T> {
    /// By slot index; `None` for a slot no live task holds.
    slots: Vec<Option<Entry<T>>>,
    /// The main future's notes (it has no slot).
    main: T,
}

struct Entry<T> {
    generation: u64,
    name: Option<Arc<str>>,
    site: &'static Location<'static>,
    notes: T,
}

impl<T: Default> Default for TaskBook<T> {
    fn default() -> Self {
        TaskBook { slots: Vec::new(), main: T::default() }
    }
}

impl<T: Default> TaskBook<T> {
    /// Remembers a spawned task; forgets an ended one. Call it after the
    /// observer handled `event`, so an ending task is still named.
    pub(crate) fn learn(&mut self, event: &LoopEvent) {
        match event {
            LoopEvent::Spawned { task, name, site, .. } => {
                if self.slots.len() <= task.index {
                    self.slots.resize_with(task.index + 1, || None);
                }
                self.slots[task.index] =
                    Some(Entry { generation: task.generation, name: name.clone(), site, notes: T::default() });
            }
            LoopEvent::TaskEnded { task, .. } if self.entry(*task).is_some() => {
                self.slots[task.index] = None;
            }
            _ => {}
        }
    }

    fn entry(&self, id: Id) -> Option<&Entry<T>> {
        self.slots.get(id.index)?.as_ref().filter(|entry| entry.generation == id.generation)
    }

    /// `task#3 "name"`, `task#3` (no name, or ended), or `main`, to print.
    pub(crate) fn label(&self, id: Id) -> Label<'_> {
        Label { id, name: self.entry(id).and_then(|entry| entry.name.as_deref()) }
    }

    /// Where a live task was spawned (`None` for main).
    pub(crate) fn site(&self, id: Id) -> Option<&'static Location<'static>> {
        self.entry(id).map(|entry| entry.site)
    }

    /// The observer's notes on a live task, or main (`None` once ended).
    pub(crate) fn notes_mut(&mut self, id: Id) -> Option<&mut T> {
        if id.is_main() {
            return Some(&mut self.main);
        }
        let entry = self.slots.get_mut(id.index)?.as_mut().filter(|entry| entry.generation == id.generation)?;
        Some(&mut entry.notes)
    }

    /// What woke a task, as the trace and the timeline say it:
    /// `timer`, `task#1 "worker"`, `IO: source 3 is readable`…
    pub(crate) fn wake_cause(&self, cause: WakeCause, already_queued: bool) -> WakeText<'_, T> {
        WakeText { book: self, cause, already_queued }
    }
}

/// A task's label, written when displayed.
pub(crate) struct Label<'a> {
    id: Id,
    name: Option<&'a str>,
}

impl fmt::Display for Label<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name {
            Some(name) => write!(f, "{} \"{name}\"", self.id),
            None => write!(f, "{}", self.id),
        }
    }
}

/// A wake's cause, written when displayed.
pub(crate) struct WakeText<'a, T> {
    book: &'a TaskBook<T>,
    cause: WakeCause,
    already_queued: bool,
}

impl<T: Default> fmt::Display for WakeText<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.cause {
            WakeCause::Itself => f.write_str("itself")?,
            WakeCause::Task(waker) => write!(f, "{}", self.book.label(waker))?,
            WakeCause::Timer => f.write_str("timer")?,
            WakeCause::Io { source, direction } => write!(f, "IO: source {source} is {direction}")?,
            WakeCause::Cancellation(task) => write!(f, "the cancellation of {}", self.book.label(task))?,
            WakeCause::Shutdown => f.write_str("shutdown")?,
            WakeCause::Loop => f.write_str("the loop")?,
            WakeCause::AnotherThread => f.write_str("another thread")?,
        }
        if self.already_queued {
            f.write_str(" (already queued)")?;
        }
        Ok(())
    }
}
