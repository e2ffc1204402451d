//! `Builder`: the settings of a runtime, and who observes it.
//!
//! Every option has a default, and the debug aids start from the
//! environment (`AIOLI_TRACE`, `AIOLI_DEBUG`, `AIOLI_TRACE_FILE`, read in
//! `debug/mod.rs`). [`Builder::build`] hands the settings to `Core::new`,
//! which turns the debug switches into observers (`debug/`) and puts the
//! program's own observers ([`Builder::observe`]) after them. asyncio
//! takes these as arguments (`asyncio.run(main(), debug=True)`) and
//! environment variables (`PYTHONASYNCIODEBUG`); tokio's
//! `runtime::Builder` is the same idea with many more knobs.
//!
//! Chapter: docs/src/09-debugging.md

use std::cell::RefCell;
use std::io;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::Duration;

use super::core::Core;
use super::events::LoopEvent;
use super::Runtime;
use crate::debug::DebugSettings;

/// Settings for a [`Runtime`].
///
/// The debug aids start from the environment: `AIOLI_TRACE=1` turns on
/// trace mode, `AIOLI_DEBUG=1` the hang detectors and slow-poll warning
/// (already on in debug builds), `AIOLI_TRACE_FILE=path.json` the
/// timeline. The methods below override them.
#[derive(Debug, Clone)]
pub struct Builder {
    pub(super) paused_clock: bool,
    pub(super) tick_batch: usize,
    pub(super) events_capacity: usize,
    pub(super) cross_thread_wakeups: bool,
    pub(super) max_blocking_threads: Option<usize>,
    pub(super) debug: DebugSettings,
    /// `aioli_http::live` attached its observer, so `AIOLI_LIVE` is served.
    pub(super) serves_live_view: bool,
}

impl Default for Builder {
    fn default() -> Builder {
        Builder {
            paused_clock: false,
            tick_batch: 64,
            events_capacity: 1024,
            cross_thread_wakeups: true,
            max_blocking_threads: None,
            debug: DebugSettings::from_environment(),
            serves_live_view: false,
        }
    }
}

impl Builder {
    /// The default settings.
    pub fn new() -> Builder {
        Builder::default()
    }

    /// Starts the clock paused: `Instant::now()` only moves when every
    /// task is waiting, and then jumps straight to the next timer. Sleeps of
    /// an hour finish at once, in the same order as for real, which is what
    /// tests and reproducible examples want (tokio: `start_paused`). With
    /// the order the loop always keeps on one thread (first woken, first
    /// polled), a program that does no real IO and starts no threads then
    /// prints the same interleaving, and the same trace, on every run and
    /// under a debugger: the book calls this deterministic mode.
    pub fn paused_clock(mut self, paused: bool) -> Builder {
        self.paused_clock = paused;
        self
    }

    /// How many tasks phase 2 of a tick may poll before the loop checks
    /// timers and IO again (at least 1). Smaller is fairer to IO, larger is
    /// fewer system calls.
    pub fn tick_batch(mut self, tasks: usize) -> Builder {
        self.tick_batch = tasks.max(1);
        self
    }

    /// Trace mode: one line per loop event on stderr (`AIOLI_TRACE=1`).
    pub fn trace(mut self, on: bool) -> Builder {
        self.debug.trace = on;
        self.debug.dump_at_exit |= on;
        self
    }

    /// Sends trace lines and debug warnings to `sink` instead of stderr,
    /// one call per line (for tests, or to collect them in a `Vec`).
    pub fn trace_to(mut self, sink: impl FnMut(&str) + 'static) -> Builder {
        self.debug.sink = Some(Rc::new(RefCell::new(sink)));
        self
    }

    /// Debug mode, as asyncio's: the lost-waker and busy-loop detectors,
    /// a warning for any poll over 100 ms, and a task dump when `run` ends
    /// with tasks left. On by default in debug builds (`AIOLI_DEBUG=1` in
    /// release builds).
    pub fn debug(mut self, on: bool) -> Builder {
        self.debug.set_debug(on);
        self
    }

    /// Warns when one poll takes longer than `threshold`; `None` turns
    /// the warning off.
    pub fn slow_poll_threshold(mut self, threshold: Option<Duration>) -> Builder {
        self.debug.slow_poll = threshold;
        self
    }

    /// Warns when a task has woken itself in `polls` polls in a row;
    /// `None` turns the busy-loop detector off.
    pub fn busy_loop_threshold(mut self, polls: Option<u32>) -> Builder {
        self.debug.busy_loop_after = polls.map(|polls| polls.max(1));
        self
    }

    /// Records a timeline of every poll and wait, written as Chrome Trace
    /// Event JSON to `path` when `block_on` returns (`AIOLI_TRACE_FILE`).
    pub fn timeline_file(mut self, path: impl Into<PathBuf>) -> Builder {
        self.debug.timeline_file = Some(path.into());
        self
    }

    /// A teaching switch; leave it on. Off, a wake from another thread
    /// still queues its task but no longer rings the `mio::Waker`, so a
    /// loop blocked in phase 3 sleeps on until some unrelated event or
    /// timer: the lost-wakeup bug, made visible (example 12).
    pub fn cross_thread_wakeups(mut self, on: bool) -> Builder {
        self.cross_thread_wakeups = on;
        self
    }

    /// Gives this loop a blocking pool of its own that runs at most
    /// `threads` jobs at once (at least 1); more wait their turn.
    /// `spawn_blocking` and `fs` on this loop use it. Without this call
    /// they share the process-wide pool of
    /// [`MAX_BLOCKING_THREADS`](crate::task::MAX_BLOCKING_THREADS).
    /// asyncio: `loop.set_default_executor(ThreadPoolExecutor(max_workers=threads))`;
    /// tokio: `Builder::max_blocking_threads`. The pool itself is in
    /// `blocking/pool.rs` (example 24).
    #[doc(alias("ThreadPoolExecutor", "max_workers"))]
    pub fn max_blocking_threads(mut self, threads: usize) -> Builder {
        self.max_blocking_threads = Some(threads.max(1));
        self
    }

    /// Adds an observer: `observer` is called with every [`LoopEvent`],
    /// in order, on the loop's thread, after the built-in aids (trace,
    /// detectors, timeline) have seen it. This is how a program watches
    /// the loop without parsing trace text (example 10 explains a run
    /// this way) or feeds a view of it elsewhere: events own their data,
    /// so a clone can go to another thread through a channel.
    ///
    /// An observer should be quick, and must not drive the loop itself
    /// (spawn, sleep, wake): events it causes are not delivered to it. A
    /// cloned `Builder` shares its observers with the original.
    /// With no observer and no debug aid, each event costs the loop one
    /// branch.
    ///
    /// ```
    /// use std::cell::RefCell;
    /// use std::rc::Rc;
    /// use std::time::Duration;
    /// use aioli::runtime::{LoopEvent, WakeCause};
    /// use aioli::Runtime;
    ///
    /// let timer_wakes = Rc::new(RefCell::new(Vec::new()));
    /// let seen = timer_wakes.clone();
    /// let runtime = Runtime::builder()
    ///     .paused_clock(true)
    ///     .observe(move |event| {
    ///         if let LoopEvent::Woken { task, cause: WakeCause::Timer, .. } = event {
    ///             seen.borrow_mut().push(task.to_string());
    ///         }
    ///     })
    ///     .build()
    ///     .unwrap();
    /// runtime.block_on(async {
    ///     let napper = aioli::task::Builder::new()
    ///         .name("napper")
    ///         .spawn(aioli::time::sleep(Duration::from_millis(10)));
    ///     napper.await.unwrap();
    /// });
    /// assert_eq!(*timer_wakes.borrow(), ["task#1"]);
    /// ```
    pub fn observe(mut self, observer: impl FnMut(&LoopEvent) + 'static) -> Builder {
        self.debug.observers.push(Rc::new(RefCell::new(observer)));
        self
    }

    /// Says that this runtime serves the live view (`AIOLI_LIVE`).
    /// `aioli_http::live` calls it when it attaches its observer; a
    /// program does not need to.
    ///
    /// The live view is in `aioli-http` (it needs an HTTP server), and
    /// `aioli` cannot depend on it. So `aioli` only reads `AIOLI_LIVE` to
    /// say, once per process, when a runtime is built without the view
    /// that the variable asks for, instead of ignoring it silently.
    pub fn serves_live_view(mut self) -> Builder {
        self.serves_live_view = true;
        self
    }

    /// Forgets what the `AIOLI_*` variables asked for: no trace, no
    /// detectors, no timeline file, no live-view notice, whatever the
    /// environment says (the switches above still work). For a helper
    /// loop inside a program, such as the live view's own, which must not
    /// trace itself into the program's output or write over its timeline.
    pub fn ignore_environment(mut self) -> Builder {
        self.debug = DebugSettings { observers: std::mem::take(&mut self.debug.observers), ..DebugSettings::default() };
        self.serves_live_view = true;
        self
    }

    /// Creates the runtime: its poller and its cross-thread waker.
    pub fn build(self) -> io::Result<Runtime> {
        if !self.serves_live_view {
            notice_unserved_live_view();
        }
        Ok(Runtime { core: Rc::new(Core::new(&self)?) })
    }
}

// ANCHOR: live_notice
/// Prints one line, once per process, if `AIOLI_LIVE` asks for a live view
/// that this program's runtime does not serve.
fn notice_unserved_live_view() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    let Some(addr) = std::env::var_os("AIOLI_LIVE").filter(|value| !value.is_empty()) else { return };
    ONCE.call_once(|| {
        eprintln!(
            "aioli: AIOLI_LIVE={} is set, but this program does not serve a live view: build its runtime \
             with aioli_http::live::runtime_builder() (docs/src/41-live-view.md)",
            addr.to_string_lossy()
        );
    });
}
// ANCHOR_END: live_notice
