//! The pool's threads: started on demand, capped, gone when idle.
//!
//! Jobs reach the threads through a `crossbeam-channel`. A thread with
//! nothing to do waits in `recv_timeout(keep_alive)`; if no job comes in
//! that time it exits, so a program that stopped using the pool holds no
//! threads. The pool keeps three counts under one `Mutex` ([`State`]) and
//! decides, for each job, where it goes:
//!
//! ```text
//!   submit(job) ──▶ a thread is idle?      ── yes ─▶ channel (that thread takes it)
//!                     │ no
//!                     ▼
//!                   fewer than the cap?    ── yes ─▶ channel + start a new thread
//!                     │ no
//!                     ▼
//!                   backlog (a busy thread takes it when its job is done)
//! ```
//!
//! "Idle" means: waiting in `recv` *and not already promised a job*. The
//! promise is made in `submit`, under the lock, by counting the idle
//! thread down before the job is even sent. Counting it down later, when
//! the thread wakes, would leave a window in which two quick submits both
//! count on the same idle thread, and the second job would wait for the
//! first although the cap allowed another thread. So the channel only ever
//! carries promised jobs, exactly one per thread counted out of `idle`, and
//! jobs nobody was promised wait in the backlog, which a thread always
//! empties before it counts itself idle again.
//!
//! tokio's blocking pool works the same way (a queue, a thread cap, a
//! keep-alive, idle threads counted under a mutex); it wakes threads with
//! a `Condvar` over one `VecDeque` instead of a channel. asyncio's
//! `ThreadPoolExecutor` also starts threads on demand, but never lets an
//! idle one go.
//!
//! Chapter: docs/src/13-blocking-pool.md

use std::collections::VecDeque;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::Duration;

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};

use super::{BLOCKING_KEEP_ALIVE, MAX_BLOCKING_THREADS};

/// One unit of work for a pool thread. It catches its own panics and
/// reports its own result (see `spawn_blocking`), so the pool only runs it.
pub(crate) type Job = Box<dyn FnOnce() + Send + 'static>;

/// The name every pool thread carries: `ps -T`, `top -H`, gdb's
/// `info threads` and panic messages show it.
pub(crate) const THREAD_NAME: &str = "aioli-blocking";

/// The process-wide pool `spawn_blocking` uses, created on first use.
pub(crate) fn global() -> &'static Pool {
    static GLOBAL: OnceLock<Pool> = OnceLock::new();
    GLOBAL.get_or_init(|| Pool::new(MAX_BLOCKING_THREADS, BLOCKING_KEEP_ALIVE))
}

/// The pool of one loop, when its `Builder` asked for one
/// (`Builder::max_blocking_threads`): a pool of its own with that cap,
/// or `None` for the process-wide one. asyncio's counterpart is
/// `loop.set_default_executor(ThreadPoolExecutor(max_workers=n))`.
///
/// The loop's `Core` holds the `Arc`. When the runtime is dropped, the
/// pool goes with it: that closes its channel, and its idle threads end
/// (`block_on` has already waited for the busy ones).
pub(crate) fn for_loop(max_threads: Option<usize>) -> Option<Arc<Pool>> {
    max_threads.map(|max_threads| Arc::new(Pool::new(max_threads, BLOCKING_KEEP_ALIVE)))
}

/// A set of threads that run [`Job`]s.
pub(crate) struct Pool {
    /// Sends promised jobs to idle threads. Only the pool holds a sender:
    /// dropping the pool disconnects the channel, and its idle threads end.
    jobs: Sender<Job>,
    /// A receiving end for each new thread to clone.
    receiver: Receiver<Job>,
    /// The counts and the backlog, shared with the threads.
    state: Arc<Mutex<State>>,
    /// At most this many threads at once.
    max_threads: usize,
    /// How long a thread waits for work before it exits.
    keep_alive: Duration,
}

/// What the pool and its threads agree on, under one lock.
#[derive(Default)]
struct State {
    /// Threads alive now (busy, idle or just starting).
    threads: usize,
    /// Threads waiting in `recv` that no job has been promised to.
    /// Counted down by `submit` (a promise), up by a thread about to wait.
    idle: usize,
    /// Jobs that came while every thread was busy and the cap was reached.
    backlog: VecDeque<Job>,
}

impl Pool {
    /// A pool of at most `max_threads` threads (at least 1), each exiting
    /// after `keep_alive` without work. No thread starts until a job comes.
    pub(crate) fn new(max_threads: usize, keep_alive: Duration) -> Pool {
        let (jobs, receiver) = crossbeam_channel::unbounded();
        Pool { jobs, receiver, state: Arc::default(), max_threads: max_threads.max(1), keep_alive }
    }

    /// Runs `job` on a pool thread, now if a thread is free or may be
    /// started, after the jobs before it otherwise. Never blocks.
    ///
    /// # Panics
    ///
    /// If the OS refuses to start a thread and the pool has none running,
    /// so that nobody could ever run the job (tokio panics there too).
    pub(crate) fn submit(&self, job: Job) {
        let mut state = lock(&self.state);
        if state.idle > 0 {
            // The promise: this job is for one of the waiting threads.
            state.idle -= 1;
            self.send(job);
            return;
        }
        if state.threads >= self.max_threads {
            state.backlog.push_back(job);
            return;
        }
        // Start a thread for it. The job goes through the channel like any
        // promised one; the new thread is born promised, so it does not
        // count itself idle before its first `recv`.
        state.threads += 1;
        self.send(job);
        let error = match self.start_thread() {
            Ok(()) => return,
            Err(error) => error,
        };
        // The thread never came, so take one promised job back out of the
        // channel (which one does not matter: they are all promised to
        // threads that are alike).
        state.threads -= 1;
        let Ok(job) = self.receiver.try_recv() else { return };
        if state.threads > 0 {
            // A busy thread will take it from the backlog.
            state.backlog.push_back(job);
            return;
        }
        drop(state);
        drop(job); // ends its wait with JoinError::Panicked (see slot.rs)
        panic!(
            "the blocking pool could not start a thread: {error} \
             (the process may have hit its thread limit, see `ulimit -u`)"
        );
    }

    /// How many threads are alive now.
    #[cfg(test)]
    pub(crate) fn thread_count(&self) -> usize {
        lock(&self.state).threads
    }

    /// How many threads are alive and waiting for work.
    #[cfg(test)]
    pub(crate) fn idle_count(&self) -> usize {
        lock(&self.state).idle
    }

    /// The most threads this pool runs at once.
    #[cfg(test)]
    pub(crate) fn max_threads(&self) -> usize {
        self.max_threads
    }

    fn send(&self, job: Job) {
        // An unbounded channel never blocks a send, and cannot be
        // disconnected: `self.receiver` lives as long as `self`.
        if self.jobs.send(job).is_err() {
            unreachable!("the pool's own receiver keeps its channel open");
        }
    }

    fn start_thread(&self) -> std::io::Result<()> {
        let worker = Worker { jobs: self.receiver.clone(), state: self.state.clone(), keep_alive: self.keep_alive };
        std::thread::Builder::new().name(THREAD_NAME.to_string()).spawn(move || worker.run())?;
        Ok(())
    }
}

/// What one pool thread holds.
struct Worker {
    jobs: Receiver<Job>,
    state: Arc<Mutex<State>>,
    keep_alive: Duration,
}

impl Worker {
    /// The thread's whole life: wait for a job, run it, empty the
    /// backlog, wait again; exit after `keep_alive` without work.
    fn run(self) {
        loop {
            match self.jobs.recv_timeout(self.keep_alive) {
                Ok(job) => run_job(job),
                Err(RecvTimeoutError::Timeout) => {
                    let mut state = lock(&self.state);
                    if state.idle == 0 {
                        // Every waiting thread, this one included, has a
                        // job promised and on its way: wait for it.
                        continue;
                    }
                    state.idle -= 1;
                    state.threads -= 1;
                    return;
                }
                Err(RecvTimeoutError::Disconnected) => {
                    // The pool was dropped (only test pools are).
                    let mut state = lock(&self.state);
                    state.idle = state.idle.saturating_sub(1);
                    state.threads -= 1;
                    return;
                }
            }
            // Before counting itself idle, take the jobs that queued while
            // every thread was busy. Both steps are under the lock that
            // `submit` holds, so a job is either seen here or sent to us.
            loop {
                let next = {
                    let mut state = lock(&self.state);
                    let next = state.backlog.pop_front();
                    if next.is_none() {
                        state.idle += 1;
                    }
                    next
                };
                match next {
                    Some(job) => run_job(job),
                    None => break,
                }
            }
        }
    }
}

/// Runs one job. It catches the user's panic itself; this outer catch
/// only makes sure nothing (a panicking destructor of a result nobody
/// took, say) can end a pool thread without it leaving the counts.
fn run_job(job: Job) {
    let _ = catch_unwind(AssertUnwindSafe(job));
}

/// Locks the pool state. Nothing under this lock panics (a job is never
/// run or dropped while it is held), so a poisoned lock still holds
/// consistent counts.
fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}
