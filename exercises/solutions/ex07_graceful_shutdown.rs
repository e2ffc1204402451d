//! Solution to exercise 7: a graceful shutdown with a `TaskGroup`. The
//! exercise, its hints and its tests: `exercises/src/ex07_graceful_shutdown.rs`,
//! `exercises/tests/ex07_graceful_shutdown.rs`.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use aioli::sync::{Event, Queue};
use aioli::time::sleep;
use aioli::{Either, TaskGroup, TaskGroupError};

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
/// message naming the job).
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
    let mut group = TaskGroup::new();
    for _ in 0..workers {
        let (queue, stop, log) = (queue.clone(), stop.clone(), log.clone());
        group.spawn(async move {
            let mut done = 0;
            loop {
                // Either signal ends the wait; `stop` is polled first, so a
                // worker that sees both stops rather than starting a job.
                // The loser is dropped: a dropped get() takes nothing.
                let job = match aioli::select(stop.wait(), queue.get()).await {
                    Either::Left(()) => return Ok(done),
                    Either::Right(job) => job,
                };
                // Outside the select: setting `stop` now cannot cut the
                // job short. `?` hands a failure to the group, which
                // cancels the siblings.
                do_job(&job, &log).await?;
                done += 1;
                // The queue counts unfinished jobs for `queue.join()`;
                // one task_done per get() can never be one too many.
                let _ = queue.task_done();
            }
        });
    }
    group.join().await
}
