//! Seeing the loop: trace lines, hang detectors, task dumps, timelines.
//!
//! Everything here watches the loop without changing what it does. The
//! loop reports events at the places they happen (a poll in
//! `Core::poll_task`, a wake in `TaskWaker::wake_by_ref`, a blocking poll
//! in phase 3 of the tick), and this module turns them into:
//!
//! - trace lines, one per event ([`trace`]; `AIOLI_TRACE=1`);
//! - warnings about tasks that can never wake, that spin, or that block
//!   the loop ([`detectors`]; on by default in debug builds, `AIOLI_DEBUG=1`);
//! - a table of live tasks ([`dump`]; `aioli::task::dump()`);
//! - a Chrome-trace timeline of every poll ([`timeline`];
//!   `AIOLI_TRACE_FILE=trace.json`), to open in Perfetto.
//!
//! When all of it is off, a task poll checks one flag (`watched`) and runs
//! a copy of `poll_task` with every hook compiled out; `cargo bench --bench
//! debug_cost` measures the aids when they are on.
//!
//! Chapter: docs/src/09-debugging.md

/// Writes a trace line if tracing is on; formats nothing otherwise.
///
/// `trace_event!(core, "poll {} -> Pending", id)`: the tick number is added.
macro_rules! trace_event {
    ($core:expr, $($message:tt)+) => {
        if let Some(tracer) = &$core.diag.tracer {
            tracer.line($core.tick.get(), format_args!($($message)+));
        }
    };
}
pub(crate) use trace_event;

pub(crate) mod detectors;
pub mod dump;
pub(crate) mod timeline;
pub(crate) mod trace;

use std::cell::{Cell, RefCell};
use std::fmt;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::Duration;

use crate::task::Id;

use self::timeline::Timeline;
use self::trace::Tracer;

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

/// What the loop is doing right now: a wake names its cause from this.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Activity {
    /// Between phases, or outside the loop.
    Idle,
    /// Phase 1, inside this task's poll (`Id::MAIN` for the main future).
    Polling(Id),
    /// Dropping this task's future and resolving its handle.
    Cancelling(Id),
    /// Phase 2, waking due timers.
    FiringTimers,
    /// Phase 4, handing the readiness of one socket to its waker.
    DispatchingIo {
        /// The socket's slot in the reactor.
        source: usize,
        /// Readable (else writable).
        readable: bool,
    },
    /// `block_on` is over; leftover tasks are being cancelled.
    ShuttingDown,
}

/// The debug aids of one running loop.
pub(crate) struct Diagnostics {
    pub(crate) settings: DebugSettings,
    /// The trace line writer, when tracing.
    pub(crate) tracer: Option<Tracer>,
    /// The timeline being recorded, when a file was asked for.
    pub(crate) timeline: Option<RefCell<Timeline>>,
    /// What the loop is doing (set around each phase and each poll).
    pub(crate) activity: Cell<Activity>,
    /// Any aid at all is on: the loop checks this one flag per poll
    /// before it looks at any of the others.
    pub(crate) watched: bool,
}

impl Diagnostics {
    pub(crate) fn new(settings: DebugSettings) -> Diagnostics {
        Diagnostics {
            tracer: settings.trace.then(|| Tracer::new(settings.sink.clone())),
            timeline: settings.timeline_file.is_some().then(|| RefCell::new(Timeline::new())),
            activity: Cell::new(Activity::Idle),
            watched: settings.trace
                || settings.timeline_file.is_some()
                || settings.slow_poll.is_some()
                || settings.lost_waker
                || settings.busy_loop_after.is_some(),
            settings,
        }
    }

    /// Whether polls must be timed (for the slow-poll warning, the
    /// timeline, or "last polled" in dumps).
    pub(crate) fn times_polls(&self) -> bool {
        self.settings.slow_poll.is_some() || self.timeline.is_some() || self.tracer.is_some()
    }

    /// Prints a warning: to the custom sink if one is set, else stderr.
    pub(crate) fn warn(&self, message: fmt::Arguments<'_>) {
        let line = format!("aioli warning: {message}");
        match &self.settings.sink {
            Some(sink) => (sink.borrow_mut())(&line),
            None => eprintln!("{line}"),
        }
    }
}
