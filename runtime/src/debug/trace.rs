//! Trace mode: one line per loop event, for a person to read.
//!
//! ```text
//! aioli tick    1 | spawn task#1 "ticker" at examples/10_trace_walkthrough.rs:40
//! aioli tick    1 | poll main
//! aioli tick    1 |   main -> Pending
//! aioli tick    1 | wait: paused clock jumps +100ms to the next timer
//! aioli tick    2 | wake task#1 "ticker" by timer
//! ```
//!
//! [`TracePrinter`] is an observer: it turns each [`LoopEvent`] into a
//! line and learns task names from `Spawned` events, with no look into the
//! loop. Every line starts with the tick number (from the last
//! `TickStarted`), so lines can be matched to the phases of `run_once`.
//! Under a paused clock no line contains a real duration, so the same
//! program prints the same trace on every run: a test compares two runs
//! line by line.
//!
//! Some events print nothing (phase changes, timers armed and fired, IO
//! readiness, task ends): the line of the wake or the poll they lead to
//! says it already, and a line per phase would bury the rest. A program
//! that wants them observes the loop itself (`Builder::observe`).
//!
//! Chapter: docs/src/09-debugging.md

use std::fmt::{self, Write as _};
use std::time::Duration;

use super::labels::TaskBook;
use super::Output;
use crate::runtime::events::{LoopEvent, PollResult, WaitEnd};
use crate::task::Id;

/// The trace observer: writes lines to stderr or to a custom sink.
pub(crate) struct TracePrinter {
    output: Output,
    /// The tick of the events being printed.
    tick: u64,
    labels: TaskBook<()>,
    /// The line being written, kept between events so that printing
    /// allocates only when a line is longer than any before it.
    line: String,
}

impl TracePrinter {
    pub(crate) fn new(output: Output) -> TracePrinter {
        TracePrinter { output, tick: 0, labels: TaskBook::default(), line: String::new() }
    }

    /// Prints the line of one event, if it has one.
    pub(crate) fn on_event(&mut self, event: &LoopEvent) {
        match event {
            LoopEvent::TickStarted { tick } => self.tick = *tick,
            LoopEvent::Spawned { .. } => self.labels.learn(event),
            _ => {}
        }
        let mut line = std::mem::take(&mut self.line);
        line.clear();
        let _ = write!(line, "aioli tick {:>4} | ", self.tick);
        let prefix = line.len();
        // Writing to a String cannot fail.
        let _ = self.describe(event, &mut line);
        if line.len() > prefix {
            self.output.line(&line);
        }
        self.line = line;
        self.labels.learn(event);
    }

    /// Writes the text after `aioli tick N | `, or nothing for a silent event.
    fn describe(&self, event: &LoopEvent, out: &mut String) -> fmt::Result {
        let label = |id: &Id| self.labels.label(*id);
        match event {
            LoopEvent::Spawned { task, site, .. } => write!(out, "spawn {} at {site}", label(task)),
            LoopEvent::PollStarted { task } => write!(out, "poll {}", label(task)),
            LoopEvent::Polled { task, result, .. } => match result {
                PollResult::Pending { .. } => write!(out, "  {} -> Pending", label(task)),
                PollResult::Ready if task.is_main() => {
                    write!(out, "  main -> Ready (the program's main future is done)")
                }
                PollResult::Ready => write!(out, "  {} -> Ready (finished)", label(task)),
                PollResult::Panicked { message } => write!(out, "  {} -> panicked: {message}", label(task)),
            },
            LoopEvent::Woken { task, cause, already_queued } => {
                write!(out, "wake {} by {}", label(task), self.labels.wake_cause(*cause, *already_queued))
            }
            // Work was waiting, so phase 3 only looked, and found something.
            LoopEvent::Waited { timeout: Some(Duration::ZERO), ended_by, .. } => {
                write!(out, "wait: looked for IO without blocking, found {}", wait_end(ended_by))
            }
            LoopEvent::Waited { timeout, blocked, ended_by } => {
                let limit = timeout.map(|limit| format!("{limit:.1?}")).unwrap_or_else(|| "none".into());
                write!(out, "wait: blocked {blocked:.1?} in poll (timeout {limit}), woken by {}", wait_end(ended_by))
            }
            LoopEvent::ClockJumped { by } => write!(out, "wait: paused clock jumps +{by:?} to the next timer"),
            LoopEvent::BlockingQueued { in_flight } => {
                write!(out, "spawn_blocking: job sent to the pool ({in_flight} in flight)")
            }
            LoopEvent::BlockingDone { in_flight, received: true } => {
                write!(out, "spawn_blocking: result received ({in_flight} in flight)")
            }
            LoopEvent::BlockingDone { in_flight, received: false } => {
                write!(out, "spawn_blocking: stopped waiting for a job, aborted or cancelled ({in_flight} in flight)")
            }
            LoopEvent::Cancelled { task, reason, future_type } => {
                write!(out, "cancel {} ({reason}): dropping its future {future_type}", label(task))
            }
            _ => Ok(()),
        }
    }
}

/// What ended a wait, as the trace and the timeline say it.
pub(crate) fn wait_end(ended_by: &WaitEnd) -> String {
    match ended_by {
        WaitEnd::CrossThreadWake => "a wake from another thread".to_string(),
        WaitEnd::Io { events } => format!("{events} IO event(s)"),
        WaitEnd::Timeout => "its timeout (a timer is due)".to_string(),
    }
}
