//! Exercise 7 — graceful shutdown: workers in a `TaskGroup` finish their job, then stop.
//!
//! Stopping a server by aborting its workers cancels each one wherever
//! it is: a job half done stays half done. A *graceful* shutdown tells
//! the workers to stop taking new jobs, lets each finish the one it is
//! on, and waits until all of them have returned.
//!
//! asyncio (3.11+):
//! ```text
//! async with asyncio.TaskGroup() as tg:
//!     for i in range(n): tg.create_task(worker(queue, stop))
//! # worker: while not stop.is_set(): get a job (or notice stop), do it whole
//! ```
//!
//! Write [`run_workers`]: spawn `workers` workers in an
//! `aioli::TaskGroup`; each takes [`Job`]s from the queue and does them
//! ([`do_job`]), until `stop` is set; then the group is joined and the
//! number of jobs each worker did comes back in worker order. A worker
//! waiting for a job must notice `stop` at once; a worker in the middle
//! of a job must finish it. A job that fails ([`Job::fails`]) makes its
//! worker return the error: the group then cancels the other workers
//! (that is a failure, not a graceful stop) and `run_workers` returns
//! the group's error.
//!
//! Hints:
//! - Wait for "a job or the stop signal" with
//!   `aioli::select(stop.wait(), queue.get())`: `Either::Left` is the
//!   stop, `Either::Right(job)` a job. A `get()` dropped by `select`
//!   takes no job out of the queue (it is cancellation safe).
//! - Do the job *outside* the select, so the stop cannot cut it short.
//! - Children of a `TaskGroup<T, E>` return `Result<T, E>`; here
//!   `T = usize` (jobs done) and `E = String`.
//!
//! Run the tests: `cargo test -p aioli-exercises --features mine --test ex07_graceful_shutdown`
//! Read: docs/src/08-task-group.md and docs/src/07-cancellation.md.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use aioli::sync::{Event, Queue};
use aioli::time::sleep;
use aioli::TaskGroupError;

/// A unit of work.
#[derive(Debug, Clone)]
pub struct Job {
    /// Its number, for the log.
    pub id: u32,
    /// How long it takes.
    pub takes: Duration,
    /// Whether it fails at the end instead of succeeding.
    pub fails: bool,
}

/// Does one job: logs `start N`, works, logs `done N` (or fails with a
/// message naming the job). Do not change this one.
pub async fn do_job(job: &Job, log: &RefCell<Vec<String>>) -> Result<(), String> {
    log.borrow_mut().push(format!("start {}", job.id));
    sleep(job.takes).await;
    if job.fails {
        return Err(format!("job {} failed", job.id));
    }
    log.borrow_mut().push(format!("done {}", job.id));
    Ok(())
}

/// Runs `workers` workers over `queue` until `stop` is set, each one
/// finishing the job it is on; returns how many jobs each worker did.
pub async fn run_workers(
    queue: Rc<Queue<Job>>,
    stop: Rc<Event>,
    workers: usize,
    log: Rc<RefCell<Vec<String>>>,
) -> Result<Vec<usize>, TaskGroupError<String>> {
    let _ = (queue, stop, workers, log); // delete this line when you start
    unimplemented!("exercise 7: a TaskGroup of workers that select on stop and get")
}
