//! The blocking pool: `spawn_blocking`, asyncio's `run_in_executor`.
//!
//! The loop runs one task at a time on one thread, so a task that blocks
//! (`std::thread::sleep`, reading a file, a database driver with no async
//! API, a long computation) stops every other task, timer and socket until
//! it returns. [`spawn_blocking`] moves such a call to another thread: the
//! closure goes to a pool of threads ([`pool`]), the task that called it
//! awaits a [`JoinHandle`] like any other, and the loop runs on meanwhile.
//!
//! How the result comes back: `spawn_blocking` spawns an ordinary loop
//! task whose only job is to await a cross-thread [`slot`]. The pool
//! thread runs the closure, puts the outcome in the slot and calls that
//! task's waker, which queues the task and rings the loop's `mio::Waker`
//! (chapter 2). The task then returns the value, so the handle is a normal
//! `JoinHandle<T>`: `abort`, `is_finished`, `wait` and `join_all` work on
//! it. A panic in the closure is caught on the pool thread and re-raised
//! inside that task with `resume_unwind`, so the loop reports it as
//! `JoinError::Panicked(message)`, exactly like a panic in a task.
//!
//! One pool per process, created on first use. Threads are a resource of
//! the process, not of a loop: a thread-per-core server runs one loop per
//! core, and one pool with one cap bounds the threads of all of them
//! (a cap per loop would multiply). The pool starts threads only when
//! jobs come and lets them go after [`BLOCKING_KEEP_ALIVE`] without work,
//! so a program that stopped calling `spawn_blocking` holds no threads.
//! tokio gives each runtime its own blocking pool instead (its runtimes
//! usually are the whole program); asyncio gives each loop a lazily made
//! default `ThreadPoolExecutor`.
//!
//! A loop may still ask for a pool of its own with a smaller (or larger)
//! cap: `Runtime::builder().max_blocking_threads(n)`, asyncio's
//! `ThreadPoolExecutor(max_workers=n)` set as the loop's default executor,
//! tokio's `Builder::max_blocking_threads`. That pool lives and dies with
//! its runtime ([`pool::for_loop`]); `spawn_blocking` (and so `fs`) on
//! that loop uses it instead of the process-wide one. It is for a program
//! that wants to bound its blocking work (say, at most 2 jobs hitting a
//! slow disk or a licence-limited library), not for sharing threads.
//!
//! When `run`'s main future returns, the tasks waiting for jobs are
//! cancelled like all others, which detaches their jobs: one not started
//! never runs, and `run` waits for the ones running to finish
//! ([`running`]), as asyncio's `run` waits for its default executor and
//! tokio's runtime for its blocking threads.
//!
//! Chapter: docs/src/13-blocking-pool.md

pub(crate) mod pool;
pub(crate) mod running;
mod slot;
#[cfg(test)]
mod tests;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Weak;
use std::time::Duration;

use self::pool::Pool;
use crate::context::{try_with_core, with_core};
use crate::task::waker::Shared;
use crate::task::JoinHandle;

/// The most threads the blocking pool runs at once: 64.
///
/// Blocking jobs mostly *wait* (on the disk, on a blocking library, on a
/// lock), so more threads than cores pays off: 64 file reads in flight
/// keep a disk busy that 4 would not. But every thread costs a stack
/// (2 MiB of address space, a little of it resident) and a kernel task, and
/// without a cap a loop that submits jobs faster than they finish would
/// grow the process without bound. Jobs beyond the cap wait their turn.
/// For scale: asyncio's default executor has `min(32, cpus + 4)` threads,
/// tokio's blocking pool 512.
pub const MAX_BLOCKING_THREADS: usize = 64;

/// How long an idle pool thread waits for another job before it exits:
/// 10 seconds, tokio's default too. Long enough that a burst of file reads
/// reuses its threads; short enough that an idle program holds none.
pub const BLOCKING_KEEP_ALIVE: Duration = Duration::from_secs(10);

/// Runs the blocking function `f` on a pool thread and returns a handle to
/// its result: asyncio's `loop.run_in_executor(None, f)` and
/// `asyncio.to_thread(f)`.
///
/// The loop goes on running other tasks while `f` runs. Await the handle
/// for `f`'s value; if `f` panics, the handle gives
/// [`JoinError::Panicked`](crate::JoinError::Panicked) with the panic's
/// message, and the loop and the pool go on working.
///
/// ```
/// use std::time::Duration;
///
/// aioli::run(async {
///     let handle = aioli::spawn_blocking(|| {
///         // A stand-in for a blocking call: the loop is not stuck meanwhile.
///         std::thread::sleep(Duration::from_millis(20));
///         6 * 7
///     });
///     assert_eq!(handle.await, Ok(42));
///
///     let failed = aioli::spawn_blocking(|| -> u32 { panic!("disk on fire") });
///     assert_eq!(failed.await, Err(aioli::JoinError::Panicked("disk on fire".into())));
/// });
/// ```
///
/// # Aborting
///
/// [`JoinHandle::abort`] cannot stop `f` once a thread runs it: Rust has
/// no safe way to stop a thread from outside (there is no exception to
/// throw into it, and killing it would leak its locks and memory), and `f`
/// is an ordinary function with no `.await` at which to stop. So abort
/// *detaches* the job: the handle resolves to `JoinError::Cancelled` at
/// once, `f` runs to its end, and its result is dropped on the pool
/// thread. A job aborted before any thread took it never runs. tokio
/// behaves the same; Python's `Future.cancel()` on an executor job also
/// only works before it starts.
///
/// # Paused clock
///
/// While a job is out, a paused clock (`Builder::paused_clock`) does not
/// jump to the next timer: the job's result is about to arrive, even
/// though no task or timer on the loop shows it.
///
/// # Panics
///
/// When no aioli loop is running on this thread (then `f` is not run).
// ANCHOR: spawn_blocking
#[track_caller]
#[doc(alias("run_in_executor", "to_thread"))]
pub fn spawn_blocking<F, T>(f: F) -> JoinHandle<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    // The loop's own pool if its Builder set `max_blocking_threads`, else
    // the process-wide one. (Outside a loop: `None` here, and the
    // process-wide pool's path below panics with the usual message.)
    let own_pool = try_with_core(|core| core.own_blocking_pool()).flatten();
    match own_pool {
        Some(pool) => spawn_blocking_on(&pool, f),
        None => spawn_blocking_on(pool::global(), f),
    }
}
// ANCHOR_END: spawn_blocking

// ANCHOR: spawn_blocking_on
/// [`spawn_blocking`] on a given pool (tests use small pools of their own).
#[track_caller]
pub(crate) fn spawn_blocking_on<F, T>(pool: &Pool, f: F) -> JoinHandle<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    // First, so that without a loop we panic before the job is sent.
    let in_flight = InFlight::start();
    let ticket = with_core(|core| core.blocking_job_ticket());
    let (completer, result) = slot::slot();

    pool.submit(Box::new(move || {
        // Dropped when this closure ends, however it ends: the job is
        // then no longer running, and `run` may return.
        let _ticket = ticket;
        if completer.is_abandoned() {
            // Aborted while it waited for a thread: do not start it.
            return;
        }
        // AssertUnwindSafe: if `f` panics, nothing it touched is looked at
        // again here; the payload goes to the loop task, which re-raises it.
        let outcome = catch_unwind(AssertUnwindSafe(f));
        completer.complete(outcome);
    }));

    // #[track_caller] all the way down: the task's spawn site, in traces
    // and dumps, is the line that called spawn_blocking.
    crate::task::Builder::new().name("spawn_blocking").spawn(async move {
        let outcome = result.await;
        // The result is back on the loop: from here the paused clock may
        // move again. (If this task is aborted first, the guard drops with
        // the future, and the count goes down just the same.)
        in_flight.received();
        match outcome {
            Ok(value) => value,
            // Not `panic!`: `resume_unwind` re-raises the original payload
            // (so the message is kept) without running the panic hook a
            // second time (the pool thread's hook already printed it).
            Err(payload) => std::panic::resume_unwind(payload),
        }
    })
}
// ANCHOR_END: spawn_blocking_on

/// One job counted by the loop (`Core::count_blocking_job`), for as long
/// as this guard lives.
///
/// A guard rather than two calls, so that every way the waiting task can
/// end (result received, aborted, cancelled at shutdown, panicked) gives
/// the count back; a leaked count would freeze a paused clock forever.
struct InFlight {
    /// Which loop counted the job. A `Weak` pointer to the loop's shared
    /// part is an identity that stays unique while we hold it.
    counted_by: Weak<Shared>,
    /// The job's outcome arrived (for the trace: otherwise the loop task
    /// stopped waiting for it, aborted or cancelled).
    received: bool,
}

impl InFlight {
    #[track_caller]
    fn start() -> InFlight {
        with_core(|core| InFlight { counted_by: core.count_blocking_job(), received: false })
    }

    /// The outcome is back: uncount the job.
    fn received(mut self) {
        self.received = true;
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        // `try_with_core`: the guard may be dropped after its loop ended
        // (then there is nothing left to count), or, in odd programs, while
        // another loop runs on this thread (then it is not ours to count).
        try_with_core(|core| core.uncount_blocking_job(&self.counted_by, self.received));
    }
}
