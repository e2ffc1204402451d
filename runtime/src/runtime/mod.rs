//! The runtime: one event loop on one thread, and the way in (`run`).
//!
//! [`Runtime`] owns the loop's `Core` (`runtime/core.rs`): the task table, the
//! ready queue, the timers, the clock, the `mio::Poll` it sleeps in, and the
//! observers it reports its [`LoopEvent`]s to (`runtime/events.rs`).
//! A [`Builder`] (`runtime/builder.rs`) chooses its settings and observers.
//! [`Runtime::block_on`] makes that core the thread's current loop, turns
//! the loop (`runtime/tick.rs`: `run_once`, phase by phase) until the main future is
//! done, then cancels whatever tasks are left and waits for the
//! `spawn_blocking` jobs still running, as `asyncio.run` does.
//!
//! Chapter: docs/src/04-the-tick.md

mod builder;
pub(crate) mod core;
pub(crate) mod events;
mod main_task;
mod shutdown;
mod tick;

pub use builder::Builder;
pub use events::{CancelReason, Direction, LoopEvent, Phase, PollResult, TaskEnd, WaitEnd, WakeCause, Warning};

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
#[doc(alias = "asyncio.run")]
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
#[doc(alias("event_loop", "AbstractEventLoop"))]
pub struct Runtime {
    core: Rc<Core>,
}

impl Runtime {
    /// A runtime with the default settings: real clock, batch of 64 tasks
    /// per tick.
    #[doc(alias = "new_event_loop")]
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
    #[doc(alias = "run_until_complete")]
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        let _current = context::enter(self.core.clone());
        let mut output = None;
        {
            let main = pin!(async { output = Some(future.await) });
            let mut main = MainTask::new(main, &self.core);
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
        self.core.ticks()
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
        f.debug_struct("Runtime").field("ticks", &self.core.ticks()).field("tasks", &self.core.task_count()).finish()
    }
}

#[cfg(test)]
mod tests;
