//! The runtime: one event loop on one thread, and the way in (`run`).
//!
//! [`Runtime`] owns the loop's `Core` (`runtime/core.rs`): the task table, the run
//! queue, the timers, the clock and the `mio::Poll` it sleeps in.
//! [`Runtime::block_on`] makes that core the thread's current loop, turns
//! the loop (`runtime/tick.rs`: `run_once`, phase by phase) until the main future is
//! done, then cancels whatever tasks are left and waits for the
//! `spawn_blocking` jobs still running, as `asyncio.run` does.
//!
//! Chapter: docs/src/04-the-tick.md

pub(crate) mod core;
mod main_task;
mod tick;

use std::future::Future;
use std::io;
use std::path::PathBuf;
use std::pin::pin;
use std::rc::Rc;
use std::time::Duration;

use self::core::Core;
use self::main_task::MainTask;
use crate::context;
use crate::debug::DebugSettings;

/// Runs `future` to completion on a new event loop: `asyncio.run`.
///
/// Tasks still alive when `future` returns are cancelled and dropped
/// (their destructors run), and `spawn_blocking` closures still running
/// are waited for, before `run` returns.
///
/// ```
/// let answer = aioli::run(async { 40 + 2 });
/// assert_eq!(answer, 42);
/// ```
///
/// # Panics
///
/// If called from inside a running loop (await the future instead), if
/// `future` panics, or if the OS refuses to create the poller.
#[track_caller]
pub fn run<F: Future>(future: F) -> F::Output {
    match Runtime::new() {
        Ok(runtime) => runtime.block_on(future),
        Err(error) => panic!(
            "aioli could not create its event loop: {error} \
             (the OS refused a poller or a waker file descriptor; is the process out of file descriptors?)"
        ),
    }
}

/// An event loop, ready to run futures.
///
/// ```
/// use std::time::Duration;
/// use aioli::Runtime;
///
/// // A paused clock makes an hour pass instantly: the loop jumps to the
/// // next timer whenever every task is waiting.
/// let runtime = Runtime::builder().paused_clock(true).build().unwrap();
/// runtime.block_on(async {
///     let start = aioli::time::Instant::now();
///     aioli::time::sleep(Duration::from_secs(3600)).await;
///     assert_eq!(start.elapsed(), Duration::from_secs(3600));
/// });
/// ```
pub struct Runtime {
    core: Rc<Core>,
}

impl Runtime {
    /// A runtime with the default settings: real clock, batch of 64 tasks
    /// per tick.
    pub fn new() -> io::Result<Runtime> {
        Builder::new().build()
    }

    /// Options for a runtime; see [`Builder`].
    pub fn builder() -> Builder {
        Builder::new()
    }

    /// Runs `future` on this loop until it completes and returns its
    /// output: asyncio's `loop.run_until_complete`. Unlike tasks, the main
    /// future may borrow from the caller's stack. Before it returns, the
    /// tasks left are cancelled and the `spawn_blocking` jobs still
    /// running are waited for, as in [`run`].
    ///
    /// # Panics
    ///
    /// If a loop is already running on this thread, or if `future` panics
    /// (the remaining tasks are cancelled first, when the runtime drops).
    // ANCHOR: block_on
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        let _current = context::enter(self.core.clone());
        let mut output = None;
        {
            let main = pin!(async { output = Some(future.await) });
            let mut main = MainTask::new(main, &self.core.shared);
            while !main.is_finished() {
                self.core.run_once(&mut main);
            }
        }
        self.core.report_at_exit();
        // Like asyncio.run: nothing outlives the main future.
        self.core.cancel_all_tasks();
        // ...and no blocking job outlives it either: asyncio.run waits for
        // its default executor in the same way.
        self.core.wait_for_blocking_jobs();
        self.core.write_timeline();
        match output {
            Some(output) => output,
            None => unreachable!("the main future finished without storing its output"),
        }
    }
    // ANCHOR_END: block_on

    /// How many ticks (`run_once` calls) this loop has made so far.
    pub fn ticks(&self) -> u64 {
        self.core.tick.get()
    }

    /// The tasks alive on this loop (see [`task::dump`](crate::task::dump)).
    pub fn dump(&self) -> crate::task::TaskDump {
        self.core.dump()
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        // Reached with tasks left only when the main future panicked.
        self.core.cancel_all_tasks();
    }
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("ticks", &self.core.tick.get())
            .field("tasks", &self.core.tasks.borrow().len())
            .finish()
    }
}

/// Settings for a [`Runtime`].
///
/// The debug aids start from the environment: `AIOLI_TRACE=1` turns on
/// trace mode, `AIOLI_DEBUG=1` the hang detectors and slow-poll warning
/// (already on in debug builds), `AIOLI_TRACE_FILE=path.json` the
/// timeline. The methods below override them.
#[derive(Debug, Clone)]
pub struct Builder {
    pub(crate) paused_clock: bool,
    pub(crate) tick_batch: usize,
    pub(crate) events_capacity: usize,
    pub(crate) cross_thread_wakeups: bool,
    pub(crate) max_blocking_threads: Option<usize>,
    pub(crate) debug: DebugSettings,
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
    /// tests and reproducible examples want (tokio: `start_paused`).
    pub fn paused_clock(mut self, paused: bool) -> Builder {
        self.paused_clock = paused;
        self
    }

    /// Deterministic mode: a paused clock, and the scheduling order that
    /// the loop always has on one thread (first woken, first polled). A
    /// program that does no real IO and starts no threads then prints the
    /// same interleaving, and the same trace, on every run and under a
    /// debugger.
    pub fn deterministic(self, on: bool) -> Builder {
        self.paused_clock(on)
    }

    /// How many tasks phase 1 of a tick may poll before the loop checks
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
        self.debug.sink = Some(Rc::new(std::cell::RefCell::new(sink)));
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
    pub fn max_blocking_threads(mut self, threads: usize) -> Builder {
        self.max_blocking_threads = Some(threads.max(1));
        self
    }

    /// Creates the runtime: its poller and its cross-thread waker.
    pub fn build(self) -> io::Result<Runtime> {
        Ok(Runtime { core: Rc::new(Core::new(&self)?) })
    }
}

#[cfg(test)]
mod tests;
