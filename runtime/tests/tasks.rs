//! Tasks seen from outside: spawn, join, abort, panics, detaching, shutdown.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use aioli::time::sleep;
use aioli::{JoinError, Runtime};

mod common;
use common::paused;

/// Sets its flag when dropped: proof that a destructor ran.
struct DropFlag(Rc<Cell<bool>>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.set(true);
    }
}

#[test]
fn spawned_tasks_return_their_output_through_the_handle() {
    let total = aioli::run(async {
        let handles: Vec<_> = (1..=10).map(|n| aioli::spawn(async move { n * n })).collect();
        let mut total = 0;
        for handle in handles {
            total += handle.await.unwrap();
        }
        total
    });
    assert_eq!(total, 385);
}

#[test]
fn tasks_may_hold_values_that_are_not_send() {
    let shared = aioli::run(async {
        let shared = Rc::new(Cell::new(0));
        let inner = shared.clone();
        aioli::spawn(async move { inner.set(inner.get() + 1) }).await.unwrap();
        shared.get()
    });
    assert_eq!(shared, 1);
}

#[test]
fn abort_runs_the_tasks_destructors_and_resolves_cancelled() {
    paused().block_on(async {
        let dropped = Rc::new(Cell::new(false));
        let flag = DropFlag(dropped.clone());
        let handle = aioli::spawn(async move {
            let _held = flag;
            sleep(Duration::from_secs(60)).await;
            "finished"
        });
        sleep(Duration::from_millis(1)).await; // let it start and block
        assert!(!handle.is_finished());
        handle.abort();
        assert!(!dropped.get(), "abort takes effect at the task's next turn, not inside abort()");
        assert_eq!(handle.await, Err(JoinError::Cancelled));
        assert!(dropped.get(), "the task's future and what it held were dropped");
    });
}

#[test]
fn abort_before_the_first_poll_never_runs_the_task() {
    aioli::run(async {
        let ran = Rc::new(Cell::new(false));
        let flag = ran.clone();
        let handle = aioli::spawn(async move { flag.set(true) });
        handle.abort();
        assert_eq!(handle.await, Err(JoinError::Cancelled));
        assert!(!ran.get());
    });
}

#[test]
fn aborting_a_finished_task_changes_nothing() {
    aioli::run(async {
        let handle = aioli::spawn(async { 5 });
        while !handle.is_finished() {
            aioli::task::yield_now().await;
        }
        handle.abort();
        assert_eq!(handle.await, Ok(5));
    });
}

#[test]
fn a_panic_in_one_task_leaves_the_others_running() {
    paused().block_on(async {
        let steady = aioli::spawn(async {
            for _ in 0..3 {
                sleep(Duration::from_millis(10)).await;
            }
            "steady done"
        });
        let broken = aioli::task::Builder::new().name("broken").spawn(async {
            sleep(Duration::from_millis(5)).await;
            panic!("boom in a task");
        });
        match broken.await {
            Err(JoinError::Panicked(message)) => assert_eq!(message, "boom in a task"),
            other => panic!("expected a panic, got {other:?}"),
        }
        assert_eq!(steady.await, Ok("steady done"));
    });
}

#[test]
fn dropping_a_handle_detaches_the_task() {
    paused().block_on(async {
        let finished = Rc::new(Cell::new(false));
        let flag = finished.clone();
        drop(aioli::spawn(async move {
            sleep(Duration::from_millis(10)).await;
            flag.set(true);
        }));
        sleep(Duration::from_millis(20)).await;
        assert!(finished.get(), "a detached task still runs to completion");
    });
}

#[test]
fn tasks_left_when_main_returns_are_cancelled_and_dropped() {
    let dropped = Rc::new(Cell::new(false));
    let flag = DropFlag(dropped.clone());
    let runtime = paused();
    runtime.block_on(async move {
        drop(aioli::spawn(async move {
            let _held = flag;
            std::future::pending::<()>().await;
        }));
        aioli::task::yield_now().await;
    });
    assert!(dropped.get(), "asyncio.run cancels leftover tasks; so does block_on");
}

#[test]
fn a_task_can_spawn_and_await_another() {
    let depth = aioli::run(async {
        aioli::spawn(async { aioli::spawn(async { aioli::spawn(async { 3 }).await.unwrap() }).await.unwrap() })
            .await
            .unwrap()
    });
    assert_eq!(depth, 3);
}

#[test]
fn handles_report_their_ids_and_state() {
    aioli::run(async {
        let first = aioli::spawn(async {});
        let second = aioli::spawn(async {});
        assert_ne!(first.id(), second.id());
        assert!(second.id().number() > first.id().number());
        assert!(!first.is_finished(), "a task starts on the next turn, not inside spawn");
        first.await.unwrap();
        second.await.unwrap();
    });
}

#[test]
fn a_runtime_can_run_several_main_futures_in_turn() {
    let runtime = Runtime::new().unwrap();
    assert_eq!(runtime.block_on(async { 1 }), 1);
    assert_eq!(runtime.block_on(async { aioli::spawn(async { 2 }).await.unwrap() }), 2);
    assert!(runtime.ticks() >= 2);
}

#[test]
fn the_main_future_may_borrow_from_the_caller() {
    let mut local = vec![1, 2];
    Runtime::new().unwrap().block_on(async {
        local.push(3);
    });
    assert_eq!(local, [1, 2, 3]);
}

#[test]
#[should_panic(expected = "no aioli event loop is running on this thread")]
fn spawn_outside_a_loop_panics_with_advice() {
    drop(aioli::spawn(async {}));
}

#[test]
#[should_panic(expected = "call this inside aioli::run")]
fn sleep_polled_outside_a_loop_panics_with_advice() {
    use std::future::Future;
    let mut sleep = std::pin::pin!(sleep(Duration::from_millis(1)));
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    let _ = sleep.as_mut().poll(&mut cx);
}

#[test]
#[should_panic(expected = "already running on this thread")]
fn block_on_inside_a_loop_panics_with_advice() {
    aioli::run(async {
        aioli::run(async {});
    });
}

#[test]
fn the_loop_survives_a_main_future_that_panics_and_cleans_up() {
    let dropped = Rc::new(Cell::new(false));
    let flag = DropFlag(dropped.clone());
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let runtime = Runtime::new().unwrap();
        runtime.block_on(async move {
            drop(aioli::spawn(async move {
                let _held = flag;
                std::future::pending::<()>().await;
            }));
            aioli::task::yield_now().await;
            panic!("main fails");
        });
    }));
    assert!(outcome.is_err());
    assert!(dropped.get(), "dropping the runtime cancels the tasks it still had");
    // And the thread can start a new loop afterwards.
    assert_eq!(aioli::run(async { 7 }), 7);
}
