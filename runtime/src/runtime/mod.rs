//! The runtime: one event loop on one thread, and the way in (`run`).
//!
//! [`Runtime`] owns the loop's [`Core`](core): the task table, the run
//! queue, the timers, the clock and the `mio::Poll` it sleeps in.
//! [`Runtime::block_on`] makes that core the thread's current loop, turns
//! the loop ([`tick`]: `run_once`, phase by phase) until the main future is
//! done, then cancels whatever tasks are left, as `asyncio.run` does.
//!
//! Chapter: docs/src/04-the-tick.md

pub(crate) mod core;
mod main_task;
mod tick;

use std::future::Future;
use std::io;
use std::pin::pin;
use std::rc::Rc;

use self::core::Core;
use self::main_task::MainTask;
use crate::context;

/// Runs `future` to completion on a new event loop: `asyncio.run`.
///
/// Tasks still alive when `future` returns are cancelled and dropped
/// (their destructors run) before `run` returns.
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
    /// future may borrow from the caller's stack.
    ///
    /// # Panics
    ///
    /// If a loop is already running on this thread, or if `future` panics
    /// (the remaining tasks are cancelled first, when the runtime drops).
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
        // Like asyncio.run: nothing outlives the main future.
        self.core.cancel_all_tasks();
        match output {
            Some(output) => output,
            None => unreachable!("the main future finished without storing its output"),
        }
    }

    /// How many ticks (`run_once` calls) this loop has made so far.
    pub fn ticks(&self) -> u64 {
        self.core.tick.get()
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
#[derive(Debug, Clone)]
pub struct Builder {
    pub(crate) paused_clock: bool,
    pub(crate) tick_batch: usize,
    pub(crate) events_capacity: usize,
}

impl Default for Builder {
    fn default() -> Builder {
        Builder { paused_clock: false, tick_batch: 64, events_capacity: 1024 }
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

    /// How many tasks phase 1 of a tick may poll before the loop checks
    /// timers and IO again (at least 1). Smaller is fairer to IO, larger is
    /// fewer system calls.
    pub fn tick_batch(mut self, tasks: usize) -> Builder {
        self.tick_batch = tasks.max(1);
        self
    }

    /// Creates the runtime: its poller and its cross-thread waker.
    pub fn build(self) -> io::Result<Runtime> {
        Ok(Runtime { core: Rc::new(Core::new(&self)?) })
    }
}

#[cfg(test)]
mod tests;
