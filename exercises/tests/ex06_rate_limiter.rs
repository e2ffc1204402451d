//! Exercise 6: a rate limiter on an interval. Against your code:
//! `cargo test -p aioli-exercises --features mine --test ex06_rate_limiter`

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use aioli::time::{sleep, Instant};
use aioli_exercises::ex06_rate_limiter::rate_limited;
use aioli_exercises::test_runtime;

const PERIOD: Duration = Duration::from_millis(100);

#[test]
fn jobs_start_one_per_period_and_overlap() {
    let runtime = test_runtime().expect("a runtime");
    let (starts, outputs, elapsed) = runtime.block_on(async {
        let origin = Instant::now();
        let starts = Rc::new(RefCell::new(Vec::new()));
        let jobs: Vec<_> = (0..5u64)
            .map(|n| {
                let starts = starts.clone();
                async move {
                    starts.borrow_mut().push((n, origin.elapsed()));
                    sleep(Duration::from_millis(500)).await; // each job is slower than the period
                    n * 10
                }
            })
            .collect();
        let outputs = rate_limited(jobs, PERIOD).await;
        let starts = starts.take();
        (starts, outputs, origin.elapsed())
    });
    let expected: Vec<_> = (0..5u64).map(|n| (n, PERIOD * n as u32)).collect();
    assert_eq!(
        starts, expected,
        "job n starts at n x 100 ms: one per tick, the first at once, none waiting for the one before"
    );
    let outputs: Vec<u64> = outputs.into_iter().map(|outcome| outcome.expect("no job fails")).collect();
    assert_eq!(outputs, [0, 10, 20, 30, 40], "outcomes in the order the jobs were given");
    assert_eq!(
        elapsed,
        Duration::from_millis(900),
        "the last job starts at 400 ms and takes 500 ms: 900 ms in all, not 5 x 500 ms"
    );
}

#[test]
fn no_jobs_no_wait() {
    let runtime = test_runtime().expect("a runtime");
    let outputs = runtime.block_on(rate_limited(Vec::<std::future::Ready<u8>>::new(), PERIOD));
    assert!(outputs.is_empty());
}

#[test]
fn a_panicking_job_is_reported_in_its_place() {
    let runtime = test_runtime().expect("a runtime");
    let outcomes = runtime.block_on(rate_limited(
        (0..3).map(|n| async move {
            assert!(n != 1, "job 1 fails on purpose");
            n
        }),
        PERIOD,
    ));
    assert!(outcomes[0].is_ok() && outcomes[2].is_ok());
    assert!(outcomes[1].as_ref().is_err_and(|error| error.is_panic()), "job 1's panic is its JoinError");
}
