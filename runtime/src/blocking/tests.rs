//! Unit tests of the pool on small pools of their own, so that a cap of
//! 4 and a keep-alive of 50 ms can be checked without waiting 10 s or
//! racing the other tests for the process-wide pool.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use super::pool::Pool;
use super::spawn_blocking_on;
use crate::context::with_core;
use crate::{JoinError, Runtime};

/// Polls `condition` every few ms for up to 5 s.
fn eventually(what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !condition() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn in_flight() -> usize {
    with_core(|core| core.blocking_in_flight.get())
}

#[test]
fn a_new_pool_has_no_threads() {
    let pool = Pool::new(4, Duration::from_millis(50));
    assert_eq!(pool.thread_count(), 0);
    assert_eq!(pool.max_threads(), 4);
}

#[test]
fn threads_start_on_demand_up_to_the_cap() {
    let pool = Pool::new(4, Duration::from_millis(50));
    let running = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let runtime = Runtime::new().unwrap();
    runtime.block_on(async {
        let handles: Vec<_> = (0..40)
            .map(|i| {
                let (running, most) = (running.clone(), most.clone());
                spawn_blocking_on(&pool, move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(2));
                    running.fetch_sub(1, Ordering::SeqCst);
                    i * 2
                })
            })
            .collect();
        // 40 jobs at once, none idle: a thread per job until the cap.
        assert_eq!(pool.thread_count(), 4);
        let results = crate::join_all(handles).await;
        let expected: Vec<_> = (0..40).map(|i| Ok(i * 2)).collect();
        assert_eq!(results, expected);
    });
    assert!(most.load(Ordering::SeqCst) <= 4, "{} jobs ran at once", most.load(Ordering::SeqCst));
    assert!(pool.thread_count() <= 4);
}

#[test]
fn idle_threads_exit_after_the_keep_alive() {
    let pool = Pool::new(3, Duration::from_millis(50));
    let runtime = Runtime::new().unwrap();
    runtime.block_on(async {
        let handles = (0..3).map(|_| spawn_blocking_on(&pool, || std::thread::sleep(Duration::from_millis(10))));
        for result in crate::join_all(handles.collect::<Vec<_>>()).await {
            assert_eq!(result, Ok(()));
        }
    });
    eventually("every idle thread has exited", || pool.thread_count() == 0);
    assert_eq!(pool.idle_count(), 0);

    // And the pool starts again from nothing.
    runtime.block_on(async {
        assert_eq!(spawn_blocking_on(&pool, || 7).await, Ok(7));
    });
}

#[test]
fn a_job_aborted_before_a_thread_takes_it_never_runs() {
    let pool = Pool::new(1, Duration::from_millis(50));
    let ran = Arc::new(AtomicBool::new(false));
    let (release, released) = mpsc::channel::<()>();
    let runtime = Runtime::new().unwrap();
    runtime.block_on(async {
        // The only thread is busy until we say so...
        let busy = spawn_blocking_on(&pool, move || released.recv().is_ok());
        // ...so this job waits in the backlog.
        let ran_too = ran.clone();
        let queued = spawn_blocking_on(&pool, move || ran_too.store(true, Ordering::SeqCst));
        assert_eq!(in_flight(), 2);
        queued.abort();
        assert_eq!(queued.await, Err(JoinError::Cancelled));
        assert_eq!(in_flight(), 1, "an aborted job leaves the in-flight count");
        release.send(()).unwrap();
        assert_eq!(busy.await, Ok(true));
        assert_eq!(in_flight(), 0);
    });
    // The thread takes the aborted job from the backlog, skips it, and
    // only then counts itself idle.
    eventually("the pool thread is idle", || pool.idle_count() == 1 || pool.thread_count() == 0);
    assert!(!ran.load(Ordering::SeqCst), "an aborted job that had not started must not run");
}

#[test]
fn the_in_flight_count_follows_the_jobs() {
    let pool = Pool::new(2, Duration::from_millis(50));
    let runtime = Runtime::new().unwrap();
    runtime.block_on(async {
        assert_eq!(in_flight(), 0);
        let (release, released) = mpsc::channel::<()>();
        let job = spawn_blocking_on(&pool, move || released.recv().is_ok());
        assert_eq!(in_flight(), 1);
        release.send(()).unwrap();
        assert_eq!(job.await, Ok(true));
        assert_eq!(in_flight(), 0);

        let failed = spawn_blocking_on(&pool, || -> u8 { panic!("boom") });
        assert_eq!(failed.await, Err(JoinError::Panicked("boom".into())));
        assert_eq!(in_flight(), 0, "a panicked job leaves the count too");
    });
}

#[test]
fn jobs_left_when_the_loop_ends_leave_no_count_behind() {
    let pool = Pool::new(1, Duration::from_millis(50));
    let runtime = Runtime::new().unwrap();
    runtime.block_on(async {
        // Detached, and still running (or not even started) when the main
        // future returns: the loop cancels its waiting task, whose guard
        // gives the count back. (A job that started is then waited for,
        // so it must end by itself: a short sleep.)
        drop(spawn_blocking_on(&pool, || std::thread::sleep(Duration::from_millis(50))));
    });
    runtime.block_on(async {
        assert_eq!(in_flight(), 0);
    });
}

#[test]
fn a_runtime_with_its_own_pool_runs_at_most_that_many_jobs_at_once() {
    let running = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let runtime = Runtime::builder().max_blocking_threads(2).build().unwrap();
    runtime.block_on(async {
        let pool_cap = with_core(|core| core.blocking_pool.as_ref().map(|pool| pool.max_threads()));
        assert_eq!(pool_cap, Some(2), "the Builder's setting reaches the loop's own pool");
        let handles: Vec<_> = (0..12)
            .map(|i| {
                let (running, most) = (running.clone(), most.clone());
                // The public function, not spawn_blocking_on: it must pick
                // the loop's own pool by itself.
                crate::spawn_blocking(move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(5));
                    running.fetch_sub(1, Ordering::SeqCst);
                    i
                })
            })
            .collect();
        let results = crate::join_all(handles).await;
        assert_eq!(results, (0..12).map(Ok).collect::<Vec<_>>());
    });
    let most = most.load(Ordering::SeqCst);
    assert!(most <= 2, "{most} jobs ran at once on a pool capped at 2");
}

#[test]
fn a_runtime_without_the_option_uses_the_process_wide_pool() {
    let runtime = Runtime::new().unwrap();
    runtime.block_on(async {
        assert!(with_core(|core| core.blocking_pool.is_none()));
        assert_eq!(crate::spawn_blocking(|| 7).await, Ok(7));
    });
}
