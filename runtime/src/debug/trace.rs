//! Trace mode: one line per loop event, for a person to read.
//!
//! ```text
//! aioli tick    1 | spawn task#1 "ticker" at examples/10_trace_walkthrough.rs:40
//! aioli tick    1 | poll main -> Pending
//! aioli tick    2 | poll task#1 "ticker" -> Pending
//! aioli tick    2 | wait: paused clock jumps +100ms to the next timer
//! aioli tick    3 | wake task#1 "ticker" by timer
//! ```
//!
//! Every line starts with the tick number, so lines can be matched to the
//! phases of `run_once`. Under a paused clock no line contains a real
//! duration, so the same program prints the same trace on every run: a
//! test compares two runs line by line.
//!
//! Wakes name their cause. A wake on the loop's thread reads the loop's
//! current [`Activity`](super::Activity): inside a task's poll it is that
//! task; in phase 2 it is a timer; in phase 4 an IO event. A wake from
//! another thread cannot touch the loop's (single-threaded) trace, so the
//! waker leaves the id in a small mutex-guarded list that the loop drains
//! and prints after phase 3.
//!
//! Chapter: docs/src/09-debugging.md

use std::fmt;

use super::timeline::task_track;
use super::{Activity, LineSink};
use crate::runtime::core::Core;
use crate::task::Id;

/// Writes trace lines to stderr or to a custom sink.
pub(crate) struct Tracer {
    sink: Option<LineSink>,
}

impl Tracer {
    pub(crate) fn new(sink: Option<LineSink>) -> Tracer {
        Tracer { sink }
    }

    /// Writes one line, prefixed with the tick number.
    pub(crate) fn line(&self, tick: u64, message: fmt::Arguments<'_>) {
        let line = format!("aioli tick {tick:>4} | {message}");
        match &self.sink {
            Some(sink) => (sink.borrow_mut())(&line),
            None => eprintln!("{line}"),
        }
    }
}

impl Core {
    /// `task#3 "name"`, `task#3`, or `main`: how traces and warnings name
    /// a task. Must not be called while the task table is borrowed mutably.
    pub(crate) fn task_label(&self, id: Id) -> String {
        if id == Id::MAIN {
            return "main".to_string();
        }
        match self.tasks.borrow().get(id).and_then(|slot| slot.name.as_deref()) {
            Some(name) => format!("{id} \"{name}\""),
            None => id.to_string(),
        }
    }

    /// Reports a wake that happened on the loop's thread, naming its
    /// cause: a trace line, and a mark on the woken task's timeline track.
    pub(crate) fn report_local_wake(&self, id: Id, queued: bool) {
        let cause = match self.diag.activity.get() {
            Activity::Polling(waker) if waker == id => "itself".to_string(),
            Activity::Polling(waker) => self.task_label(waker),
            Activity::FiringTimers => "timer".to_string(),
            Activity::DispatchingIo { source, readable } => {
                format!("IO: source {source} is {}", if readable { "readable" } else { "writable" })
            }
            Activity::ShuttingDown => "shutdown".to_string(),
            Activity::Cancelling(task) => format!("the cancellation of {}", self.task_label(task)),
            Activity::Idle => "the loop".to_string(),
        };
        let note = if queued { "" } else { " (already queued)" };
        self.report_wake(id, &format!("{cause}{note}"));
    }

    /// Reports the wakes other threads noted since the last call.
    pub(crate) fn report_remote_wakes(&self) {
        if !self.shared.reports_wakes {
            return;
        }
        for id in self.shared.take_remote_wakes() {
            self.report_wake(id, "another thread");
        }
    }

    fn report_wake(&self, id: Id, cause: &str) {
        trace_event!(self, "wake {} by {cause}", self.task_label(id));
        if let Some(timeline) = &self.diag.timeline {
            let track = task_track(id);
            timeline.borrow_mut().instant(track, format!("woken by {cause}"), "wake");
        }
    }
}
