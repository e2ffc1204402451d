//! Seeing the loop: trace lines, hang detectors, a timeline.
//!
//! Everything here watches the loop without changing what it does. The
//! loop reports each step as a typed [`LoopEvent`] (`runtime/events.rs`)
//! to the observers it was built with, and this module builds the three
//! observers a runtime has built in, from its `Builder` switches and the
//! `AIOLI_*` environment variables:
//!
//! - [`trace::TracePrinter`]: one line per event (`AIOLI_TRACE=1`);
//! - [`detectors::Detectors`]: warnings about tasks that can never wake,
//!   that spin, or that block the loop (on by default in debug builds,
//!   `AIOLI_DEBUG=1`);
//! - [`timeline::Timeline`]: a Chrome-trace file of every poll and wait
//!   (`AIOLI_TRACE_FILE=trace.json`), to open in Perfetto.
//!
//! They see nothing but events: none of them reads the loop's state, so
//! anything they show, a program's own observer (`Builder::observe`) can
//! show too. The task dump is not an observer: `task::dump()` must answer
//! with every aid off, so it reads the task table (`task/dump.rs`).
//!
//! When nothing observes, each event site costs one branch, and a task
//! poll checks one flag and runs a copy of `poll_task` with every event
//! compiled out; `cargo bench --bench debug_cost` measures the aids when
//! they are on.
//!
//! Chapter: docs/src/09-debugging.md

pub(crate) mod detectors;
mod labels;
pub(crate) mod timeline;
pub(crate) mod trace;

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::Duration;

use crate::runtime::events::{LoopEvent, ObserverCell};

use self::detectors::Detectors;
use self::timeline::Timeline;
use self::trace::TracePrinter;

/// Events an observer found (the detectors' warnings), waiting for the
/// core to deliver them after the event being observed.
pub(crate) type FollowUps = Rc<RefCell<VecDeque<LoopEvent>>>;

/// Where trace lines and warnings go when not to stderr.
pub(crate) type LineSink = Rc<RefCell<dyn FnMut(&str)>>;

/// The debugging options of a runtime, as chosen on its `Builder`
/// (and in the environment).
#[derive(Clone, Default)]
pub(crate) struct DebugSettings {
    /// Print one line per loop event.
    pub(crate) trace: bool,
    /// Send trace lines and warnings here instead of stderr.
    pub(crate) sink: Option<LineSink>,
    /// Warn when a single poll takes longer than this.
    pub(crate) slow_poll: Option<Duration>,
    /// Warn when a task returns `Pending` with no way left to be woken.
    pub(crate) lost_waker: bool,
    /// Warn when a task has woken itself in this many polls in a row.
    pub(crate) busy_loop_after: Option<u32>,
    /// Print the live tasks when `block_on` ends with some left.
    pub(crate) dump_at_exit: bool,
    /// Write a Chrome Trace Event file here when `block_on` ends.
    pub(crate) timeline_file: Option<PathBuf>,
    /// The program's own observers (`Builder::observe`), after the aids.
    pub(crate) observers: Vec<ObserverCell>,
}

impl DebugSettings {
    /// The defaults: debug aids on in debug builds, off in release builds,
    /// and whatever the `AIOLI_*` environment variables ask for on top.
    pub(crate) fn from_environment() -> DebugSettings {
        let mut settings = DebugSettings::default();
        settings.set_debug(cfg!(debug_assertions) || env_flag("AIOLI_DEBUG"));
        settings.trace = env_flag("AIOLI_TRACE");
        if settings.trace {
            settings.dump_at_exit = true;
        }
        settings.timeline_file =
            std::env::var_os("AIOLI_TRACE_FILE").filter(|path| !path.is_empty()).map(PathBuf::from);
        settings
    }

    /// Turns the hang detectors, the slow-poll warning (100 ms, as in
    /// asyncio's debug mode) and the exit dump on or off together.
    pub(crate) fn set_debug(&mut self, on: bool) {
        self.lost_waker = on;
        self.busy_loop_after = on.then_some(1_000);
        self.slow_poll = on.then_some(Duration::from_millis(100));
        self.dump_at_exit = on || self.trace;
    }
}

impl fmt::Debug for DebugSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DebugSettings")
            .field("trace", &self.trace)
            .field("sink", &self.sink.as_ref().map(|_| "custom"))
            .field("slow_poll", &self.slow_poll)
            .field("lost_waker", &self.lost_waker)
            .field("busy_loop_after", &self.busy_loop_after)
            .field("dump_at_exit", &self.dump_at_exit)
            .field("timeline_file", &self.timeline_file)
            .field("observers", &self.observers.len())
            .finish()
    }
}

/// True when the variable is set to anything but "", "0" or "false".
fn env_flag(name: &str) -> bool {
    match std::env::var(name) {
        Ok(value) => !matches!(value.trim(), "" | "0" | "false"),
        Err(_) => false,
    }
}

/// Where trace lines and warnings go: a custom sink, or stderr.
#[derive(Clone, Default)]
pub(crate) struct Output {
    sink: Option<LineSink>,
}

impl Output {
    /// Writes one line.
    pub(crate) fn line(&self, line: &str) {
        match &self.sink {
            Some(sink) => (sink.borrow_mut())(line),
            None => eprintln!("{line}"),
        }
    }

    /// Writes a warning: `aioli warning: ` and the message.
    pub(crate) fn warn(&self, message: fmt::Arguments<'_>) {
        self.line(&format!("aioli warning: {message}"));
    }
}

/// The observers a runtime starts with, and what the core keeps of them.
pub(crate) struct Aids {
    /// The built-in observers the settings ask for, then the program's own.
    pub(crate) observers: Vec<ObserverCell>,
    /// The timeline, shared with its observer, and where to write it.
    pub(crate) timeline: Option<(Rc<RefCell<Timeline>>, PathBuf)>,
    /// Where the core's own warnings go.
    pub(crate) output: Output,
    /// Some observer wants `Woken` events. Only the hang detectors do
    /// not, and they alone are what debug builds run by default: with
    /// this false, a wake there costs one branch instead of a report.
    pub(crate) wants_wakes: bool,
    /// Some observer reads how long polls and waits take (`spent`,
    /// `blocked`): the slow-poll check, the trace, the timeline, or the
    /// program's own. Otherwise the loop reads no clock around them.
    pub(crate) times_polls: bool,
    /// The detectors' warnings as events, if the detectors are on.
    pub(crate) follow_ups: Option<FollowUps>,
}

/// Builds the observers `settings` ask for: the trace printer first (so a
/// warning follows the line of the event that caused it), then the hang
/// detectors, the timeline, and the program's own.
pub(crate) fn observers(settings: &DebugSettings) -> Aids {
    let output = Output { sink: settings.sink.clone() };
    let mut observers: Vec<ObserverCell> = Vec::new();
    if settings.trace {
        let mut printer = TracePrinter::new(output.clone());
        observers.push(Rc::new(RefCell::new(move |event: &LoopEvent| printer.on_event(event))));
    }
    let reports = FollowUps::default();
    let mut follow_ups = None;
    if let Some(mut detectors) = Detectors::new(settings, output.clone(), reports.clone()) {
        follow_ups = Some(reports);
        observers.push(Rc::new(RefCell::new(move |event: &LoopEvent| detectors.on_event(event))));
    }
    let timeline = settings.timeline_file.clone().map(|path| (Rc::new(RefCell::new(Timeline::new())), path));
    if let Some((timeline, _)) = &timeline {
        let timeline = timeline.clone();
        observers.push(Rc::new(RefCell::new(move |event: &LoopEvent| timeline.borrow_mut().on_event(event))));
    }
    observers.extend(settings.observers.iter().cloned());
    let anyone_but_detectors = settings.trace || timeline.is_some() || !settings.observers.is_empty();
    let times_polls = anyone_but_detectors || settings.slow_poll.is_some();
    Aids { observers, timeline, output, wants_wakes: anyone_but_detectors, times_polls, follow_ups }
}
