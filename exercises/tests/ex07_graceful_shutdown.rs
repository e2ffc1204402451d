//! Exercise 7: a graceful shutdown with a TaskGroup. Against your code:
//! `cargo test -p aioli-exercises --features mine --test ex07_graceful_shutdown`

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use aioli::sync::{Event, Queue};
use aioli::time::{sleep, timeout, Instant};
use aioli::TaskGroupError;
use aioli_exercises::ex07_graceful_shutdown::{run_workers, Job};
use aioli_exercises::test_runtime;

fn jobs(count: u32, fails: Option<u32>) -> Rc<Queue<Job>> {
    let queue = Rc::new(Queue::unbounded());
    for id in 0..count {
        let job = Job { id, takes: Duration::from_millis(100), fails: Some(id) == fails };
        if queue.try_put(job).is_err() {
            unreachable!("an unbounded queue is never full");
        }
    }
    queue
}

#[test]
fn workers_finish_their_job_then_stop() {
    let runtime = test_runtime().expect("a runtime");
    let (counts, log, left, elapsed) = runtime.block_on(async {
        let queue = jobs(10, None);
        let stop = Rc::new(Event::new());
        let log = Rc::new(RefCell::new(Vec::new()));
        let start = Instant::now();
        let stopper = {
            let stop = stop.clone();
            aioli::spawn(async move {
                sleep(Duration::from_millis(250)).await; // mid-way through each worker's third job
                stop.set();
            })
        };
        let counts = timeout(Duration::from_secs(5), run_workers(queue.clone(), stop, 2, log.clone())).await;
        let _ = stopper.await;
        (counts, log.take(), queue.len(), start.elapsed())
    });
    let counts = counts.expect("stop was set at 250 ms; run_workers should return soon after, not hang");
    assert_eq!(counts, Ok(vec![3, 3]), "two workers, 100 ms jobs, stop at 250 ms: each finishes its third job");
    for id in 0..6 {
        assert!(
            log.contains(&format!("start {id}")) && log.contains(&format!("done {id}")),
            "job {id} ran whole: {log:?}"
        );
    }
    assert_eq!(log.len(), 12, "no job was started after the stop, none cut short: {log:?}");
    assert_eq!(left, 4, "the four jobs nobody started are still in the queue");
    assert_eq!(elapsed, Duration::from_millis(300), "the workers stopped when their jobs were done, at 300 ms");
}

#[test]
fn an_idle_worker_notices_the_stop_at_once() {
    let runtime = test_runtime().expect("a runtime");
    runtime.block_on(async {
        let stop = Rc::new(Event::new());
        let start = Instant::now();
        let stopper = {
            let stop = stop.clone();
            aioli::spawn(async move {
                sleep(Duration::from_millis(50)).await;
                stop.set();
            })
        };
        let counts = timeout(Duration::from_secs(5), run_workers(jobs(0, None), stop, 3, Rc::default())).await;
        assert_eq!(counts, Ok(Ok(vec![0, 0, 0])), "three idle workers, each did nothing");
        assert_eq!(start.elapsed(), Duration::from_millis(50), "workers waiting for a job must also wait for the stop");
        let _ = stopper.await;
    });
}

#[test]
fn a_failing_job_fails_the_group() {
    let runtime = test_runtime().expect("a runtime");
    runtime.block_on(async {
        let stop = Rc::new(Event::new());
        let outcome = timeout(Duration::from_secs(5), run_workers(jobs(10, Some(2)), stop, 2, Rc::default())).await;
        match outcome {
            Ok(Err(TaskGroupError::Failed { error, .. })) => assert_eq!(error, "job 2 failed"),
            other => panic!("job 2 fails, so run_workers should return the group's Failed error, not {other:?}"),
        }
    });
}
