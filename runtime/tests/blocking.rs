//! spawn_blocking seen from outside: results, panics, the thread cap, the
//! paused clock, aborting and the ordinary JoinHandle it returns.
//!
//! The pool's own rules (threads started on demand, idle threads exiting
//! after the keep-alive) are tested on small private pools in
//! runtime/src/blocking/tests.rs, where the keep-alive can be 50 ms.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use aioli::task::MAX_BLOCKING_THREADS;
use aioli::time::{sleep, Instant};
use aioli::{spawn_blocking, JoinError, Runtime, WaitFor};

/// Sends on its channel when dropped: proof of where and when a blocking
/// job's result was dropped.
struct SignalOnDrop(mpsc::Sender<&'static str>);

impl Drop for SignalOnDrop {
    fn drop(&mut self) {
        let _ = self.0.send("dropped");
    }
}

#[test]
fn ten_thousand_jobs_all_complete_with_their_results() {
    let results = aioli::run(async {
        let handles: Vec<_> = (0..10_000u64).map(|n| spawn_blocking(move || n * n)).collect();
        aioli::join_all(handles).await
    });
    assert_eq!(results.len(), 10_000);
    for (n, result) in (0..10_000u64).zip(results) {
        assert_eq!(result, Ok(n * n));
    }
}

#[test]
fn a_panic_in_the_closure_becomes_join_error_panicked_and_all_goes_on() {
    aioli::run(async {
        let failed = spawn_blocking(|| -> u32 { panic!("blocking job {} failed", 7) });
        assert_eq!(failed.await, Err(JoinError::Panicked("blocking job 7 failed".to_string())));

        // The pool, the loop and other tasks are unharmed.
        assert_eq!(spawn_blocking(|| 1 + 1).await, Ok(2));
        assert_eq!(aioli::spawn(async { 3 }).await, Ok(3));
        let many: Vec<_> = (0..100).map(|n| spawn_blocking(move || n)).collect();
        assert_eq!(aioli::join_all(many).await.into_iter().filter(Result::is_ok).count(), 100);
    });
}

#[test]
fn jobs_run_on_named_pool_threads_never_more_than_the_cap_at_once() {
    let running = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let loop_thread = std::thread::current().id();
    let threads = aioli::run(async {
        let handles: Vec<_> = (0..4 * MAX_BLOCKING_THREADS)
            .map(|_| {
                let (running, most) = (running.clone(), most.clone());
                spawn_blocking(move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(2));
                    running.fetch_sub(1, Ordering::SeqCst);
                    let me = std::thread::current();
                    (me.id(), me.name().map(str::to_string))
                })
            })
            .collect();
        aioli::join_all(handles).await
    });
    let most = most.load(Ordering::SeqCst);
    assert!(most <= MAX_BLOCKING_THREADS, "{most} jobs ran at once, the cap is {MAX_BLOCKING_THREADS}");
    for outcome in threads {
        let (id, name) = outcome.unwrap();
        assert_ne!(id, loop_thread, "a blocking job ran on the loop's thread");
        assert_eq!(name.as_deref(), Some("aioli-blocking"));
    }
}

#[test]
fn a_paused_clock_does_not_jump_past_a_running_job() {
    let runtime = Runtime::builder().paused_clock(true).build().unwrap();
    runtime.block_on(async {
        // ANCHOR: paused_clock_waits
        let start = Instant::now();
        let timer_fired = Arc::new(AtomicBool::new(false));
        let fired = timer_fired.clone();
        let timer = aioli::spawn(async move {
            sleep(Duration::from_secs(10)).await;
            fired.store(true, Ordering::SeqCst);
        });
        // 50 ms of real time on a pool thread. With nothing else to run,
        // a paused clock would jump 10 s at once, if it did not wait.
        let job = spawn_blocking(|| {
            std::thread::sleep(Duration::from_millis(50));
            "job done"
        });
        assert_eq!(job.await, Ok("job done"));
        assert!(!timer_fired.load(Ordering::SeqCst), "the 10 s timer fired before the job's result arrived");
        assert!(start.elapsed() < Duration::from_secs(10), "virtual time jumped while the job ran");

        // Once the job is back, time may jump again.
        timer.await.unwrap();
        assert!(timer_fired.load(Ordering::SeqCst));
        assert_eq!(start.elapsed(), Duration::from_secs(10));
        // ANCHOR_END: paused_clock_waits
    });
}

#[test]
fn aborting_a_running_job_detaches_it() {
    let (started_tx, started) = mpsc::channel::<()>();
    let (release, released) = mpsc::channel::<()>();
    let (dropped_tx, dropped) = mpsc::channel::<&'static str>();
    let finished = Arc::new(AtomicBool::new(false));
    let finished_in_job = finished.clone();
    aioli::run(async move {
        let job = spawn_blocking(move || {
            let _ = started_tx.send(());
            let _ = released.recv();
            finished_in_job.store(true, Ordering::SeqCst);
            SignalOnDrop(dropped_tx)
        });
        // Wait (blocking the loop briefly is fine in a test) until a pool
        // thread is inside the closure.
        started.recv_timeout(Duration::from_secs(5)).unwrap();
        job.abort();
        // The handle resolves at once, although the closure still runs.
        assert!(matches!(job.await, Err(JoinError::Cancelled)));
        assert!(!finished.load(Ordering::SeqCst));
        release.send(()).unwrap();
        // The closure runs to its end; its result has nowhere to go and is
        // dropped (on the pool thread).
        assert_eq!(dropped.recv_timeout(Duration::from_secs(5)), Ok("dropped"));
        assert!(finished.load(Ordering::SeqCst));
    });
}

#[test]
fn the_handle_is_an_ordinary_join_handle() {
    aioli::run(async {
        let (release, released) = mpsc::channel::<()>();
        let slow = spawn_blocking(move || released.recv().is_ok());
        let quick = spawn_blocking(|| true);
        let (done, pending) = aioli::wait([quick], WaitFor::All, None).await;
        assert_eq!(done.len(), 1);
        assert!(pending.is_empty());
        assert!(done[0].is_finished());
        assert!(!slow.is_finished());
        release.send(()).unwrap();
        assert_eq!(slow.await, Ok(true));

        // Detached by dropping the handle: it still runs to its end.
        let (sent, received) = mpsc::channel();
        drop(spawn_blocking(move || sent.send(42)));
        let value = spawn_blocking(move || received.recv_timeout(Duration::from_secs(5))).await;
        assert_eq!(value, Ok(Ok(42)));
    });
}

#[test]
fn spawn_blocking_outside_a_loop_panics_without_running_the_closure() {
    let ran = Arc::new(AtomicBool::new(false));
    let ran_in_job = ran.clone();
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let _handle = spawn_blocking(move || ran_in_job.store(true, Ordering::SeqCst));
    }));
    let payload = outcome.expect_err("spawn_blocking outside a loop must panic");
    let message = payload.downcast_ref::<String>().cloned().or(payload.downcast_ref::<&str>().map(|s| s.to_string()));
    assert!(message.unwrap_or_default().contains("no aioli event loop is running"));
    std::thread::sleep(Duration::from_millis(20));
    assert!(!ran.load(Ordering::SeqCst));
}

#[test]
fn run_waits_for_a_running_job_before_it_returns() {
    let (started_tx, started) = mpsc::channel::<()>();
    let finished = Arc::new(AtomicBool::new(false));
    let finished_in_job = finished.clone();
    aioli::run(async move {
        // Detached at once: nothing awaits it.
        drop(spawn_blocking(move || {
            let _ = started_tx.send(());
            std::thread::sleep(Duration::from_millis(100));
            finished_in_job.store(true, Ordering::SeqCst);
        }));
        // Blocking the loop briefly is fine in a test: be sure a pool
        // thread is inside the closure before the main future returns.
        started.recv_timeout(Duration::from_secs(5)).unwrap();
    });
    assert!(finished.load(Ordering::SeqCst), "run returned while a blocking job was still running");
}
