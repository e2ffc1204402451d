//! The jobs of one loop that a pool thread is running (or about to run),
//! so that `run` can wait for them before it returns, as asyncio's `run`
//! waits for its default executor and tokio's runtime for its blocking
//! threads.
//!
//! This count is not `Core::blocking_in_flight`. That one lives on the
//! loop's thread and says whether a *task* still waits for a result (the
//! paused clock needs it); it drops as soon as the task is aborted. This
//! one is shared with the pool threads and drops only when the closure
//! has returned: an aborted job is detached, but it still runs to its end,
//! and `run` should not return while it does.
//!
//! Chapter: docs/src/13-blocking-pool.md

use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Duration;

/// How many jobs of one loop have been sent and not finished.
#[derive(Default)]
pub(crate) struct RunningJobs {
    count: Mutex<usize>,
    /// Notified each time a job finishes.
    finished: Condvar,
}

/// Held by a job from `submit` until its closure has returned (or the job
/// was dropped unstarted); dropping it uncounts the job.
pub(crate) struct JobTicket {
    jobs: Arc<RunningJobs>,
}

impl RunningJobs {
    /// Counts one more job; the ticket travels with it to the pool thread.
    pub(crate) fn ticket(self: &Arc<Self>) -> JobTicket {
        *self.lock() += 1;
        JobTicket { jobs: self.clone() }
    }

    /// Blocks the calling thread until no job is left. If that takes
    /// longer than `patience`, calls `still_waiting(count)` once, so a
    /// program that seems stuck at its end says why.
    pub(crate) fn wait_for_all(&self, patience: Duration, still_waiting: impl FnOnce(usize)) {
        let mut count = self.lock();
        let mut still_waiting = Some(still_waiting);
        while *count > 0 {
            let (next, timeout) = self.finished.wait_timeout(count, patience).unwrap_or_else(PoisonError::into_inner);
            count = next;
            if timeout.timed_out() && *count > 0 {
                if let Some(report) = still_waiting.take() {
                    report(*count);
                }
            }
        }
    }

    /// The lock, taken over if poisoned: only counting happens under it.
    fn lock(&self) -> std::sync::MutexGuard<'_, usize> {
        self.count.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for JobTicket {
    fn drop(&mut self) {
        let mut count = self.jobs.lock();
        *count = count.saturating_sub(1);
        drop(count);
        self.jobs.finished.notify_all();
    }
}
