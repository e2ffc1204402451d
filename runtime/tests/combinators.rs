//! join / select / wait / as_completed / TaskGroup, on a paused clock so
//! every interleaving is exact and nothing waits for real.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use aioli::stream::StreamExt;
use aioli::time::{sleep, Instant};
use aioli::{Either, JoinError, TaskGroup, TaskGroupError, WaitFor};

mod common;
use common::{paused, DropCounter};

async fn after(ms: u64) -> u64 {
    sleep(Duration::from_millis(ms)).await;
    ms
}

#[test]
fn join_runs_futures_concurrently_and_keeps_order() {
    paused().block_on(async {
        let start = Instant::now();
        assert_eq!(aioli::join(after(30), after(10)).await, (30, 10));
        assert_eq!(aioli::join3(after(5), after(15), after(10)).await, (5, 15, 10));
        assert_eq!(aioli::join_all([40, 10, 30, 20].map(after)).await, [40, 10, 30, 20]);
        // Concurrent, not sequential: 30 + 15 + 40, not the sums.
        assert_eq!(start.elapsed(), Duration::from_millis(85));
    });
}

#[test]
fn join_all_of_nothing_is_empty() {
    let empty: Vec<u64> = aioli::run(aioli::join_all(Vec::<std::future::Ready<u64>>::new()));
    assert!(empty.is_empty());
}

#[test]
fn join_all_gathers_task_handles() {
    paused().block_on(async {
        let handles: Vec<_> = [30, 10, 20].into_iter().map(|ms| aioli::spawn(after(ms))).collect();
        let results: Vec<_> = aioli::join_all(handles).await;
        assert_eq!(results, [Ok(30), Ok(10), Ok(20)]);
    });
}

#[test]
fn try_join_all_returns_the_first_error_and_cancels_the_rest() {
    paused().block_on(async {
        let dropped = Rc::new(Cell::new(0));
        let finished = Rc::new(Cell::new(0));
        let job = |ms: u64, fail: bool| {
            let (dropped, finished) = (dropped.clone(), finished.clone());
            async move {
                let _guard = DropCounter(dropped);
                sleep(Duration::from_millis(ms)).await;
                finished.set(finished.get() + 1);
                if fail {
                    Err(format!("job of {ms} ms failed"))
                } else {
                    Ok(ms)
                }
            }
        };
        let start = Instant::now();
        let outcome = aioli::try_join_all(vec![job(10, false), job(20, true), job(100, false), job(200, false)]).await;
        assert_eq!(outcome, Err("job of 20 ms failed".to_string()));
        assert_eq!(start.elapsed(), Duration::from_millis(20), "returned at the first error");
        assert_eq!(finished.get(), 2, "the 100 and 200 ms jobs never finished");
        assert_eq!(dropped.get(), 4, "every job's state was dropped");

        let all_ok = aioli::try_join_all(vec![job(5, false), job(1, false)]).await;
        assert_eq!(all_ok, Ok(vec![5, 1]));
    });
}

#[test]
fn select_returns_the_winner_and_drops_the_loser() {
    paused().block_on(async {
        let dropped = Rc::new(Cell::new(0));
        let guard = DropCounter(dropped.clone());
        let loser = async move {
            let _guard = guard;
            after(50).await
        };
        assert_eq!(aioli::select(after(10), loser).await, Either::Left(10));
        assert_eq!(dropped.get(), 1, "the loser was dropped when select returned");

        assert_eq!(aioli::select(after(30), async { "now" }).await, Either::Right("now"));
        // Both ready in the same poll: the first argument wins.
        assert_eq!(aioli::select(async { 1 }, async { 2 }).await, Either::Left(1));
    });
}

#[test]
fn select_all_returns_the_first_index_and_output() {
    paused().block_on(async {
        let (index, value) = aioli::select_all([40, 20, 30].map(after)).await;
        assert_eq!((index, value), (1, 20));
    });
}

#[test]
#[should_panic(expected = "select_all needs at least one future")]
fn select_all_of_nothing_is_refused() {
    aioli::run(aioli::select_all(Vec::<std::future::Ready<()>>::new()));
}

#[test]
fn wait_with_a_timeout_splits_done_and_pending() {
    paused().block_on(async {
        let slow = aioli::spawn(after(2000));
        let fast = aioli::spawn(after(1000));
        let start = Instant::now();
        let (done, pending) = aioli::wait(vec![slow, fast], WaitFor::All, Some(Duration::from_millis(1500))).await;
        assert_eq!(start.elapsed(), Duration::from_millis(1500));
        assert_eq!((done.len(), pending.len()), (1, 1));
        for handle in done {
            assert_eq!(handle.await, Ok(1000));
        }
        // Pending tasks were not cancelled by wait: they still finish.
        for handle in pending {
            assert_eq!(handle.await, Ok(2000));
        }
    });
}

#[test]
fn wait_for_first_returns_as_soon_as_one_ends() {
    paused().block_on(async {
        let handles: Vec<_> = [300, 100, 200].into_iter().map(|ms| aioli::spawn(after(ms))).collect();
        let start = Instant::now();
        let (done, pending) = aioli::wait(handles, WaitFor::First, None).await;
        assert_eq!(start.elapsed(), Duration::from_millis(100));
        assert_eq!((done.len(), pending.len()), (1, 2));
        for handle in pending {
            handle.abort();
            assert_eq!(handle.await, Err(JoinError::Cancelled));
        }
    });
}

#[test]
fn wait_for_first_error_stops_at_a_panic() {
    paused().block_on(async {
        let fine = aioli::spawn(after(500));
        let broken = aioli::spawn(async {
            sleep(Duration::from_millis(50)).await;
            panic!("worker broke");
        });
        let start = Instant::now();
        let (done, pending) = aioli::wait(vec![fine, broken], WaitFor::FirstError, None).await;
        assert_eq!(start.elapsed(), Duration::from_millis(50));
        assert_eq!((done.len(), pending.len()), (1, 1));
        for handle in done {
            assert_eq!(handle.await, Err(JoinError::Panicked("worker broke".into())));
        }
        // No error at all: FirstError waits for everything.
        let calm: Vec<_> = [10, 20].into_iter().map(|ms| aioli::spawn(after(ms))).collect();
        let (done, pending) = aioli::wait(calm, WaitFor::FirstError, None).await;
        assert_eq!((done.len(), pending.len()), (2, 0));
        drop(pending);
    });
}

#[test]
fn wait_on_no_handles_returns_at_once() {
    aioli::run(async {
        let (done, pending) = aioli::wait(Vec::<aioli::JoinHandle<()>>::new(), WaitFor::All, None).await;
        assert!(done.is_empty() && pending.is_empty());
    });
}

#[test]
fn as_completed_yields_in_finishing_order() {
    paused().block_on(async {
        let mut stream = aioli::as_completed([30, 10, 20, 0].map(after));
        let mut order = Vec::new();
        while let Some(ms) = stream.next().await {
            order.push(ms);
        }
        assert_eq!(order, [0, 10, 20, 30]);
        assert_eq!(stream.next().await, None, "an ended stream stays ended");
    });
}

#[test]
fn a_task_group_returns_outputs_in_spawn_order() {
    paused().block_on(async {
        let mut group: TaskGroup<u64, String> = TaskGroup::new();
        for ms in [30, 10, 20] {
            group.spawn(async move { Ok(after(ms).await) });
        }
        assert_eq!(group.len(), 3);
        let start = Instant::now();
        assert_eq!(group.join().await, Ok(vec![30, 10, 20]));
        assert_eq!(start.elapsed(), Duration::from_millis(30));
    });
}

#[test]
fn a_failing_child_cancels_its_siblings_before_join_returns() {
    paused().block_on(async {
        let dropped = Rc::new(Cell::new(0));
        let finished = Rc::new(RefCell::new(Vec::new()));
        let mut group = TaskGroup::new();
        for (ms, fail) in [(100, false), (10, true), (200, false), (5, false)] {
            let (dropped, finished) = (dropped.clone(), finished.clone());
            group.spawn(async move {
                let _guard = DropCounter(dropped);
                sleep(Duration::from_millis(ms)).await;
                finished.borrow_mut().push(ms);
                if fail {
                    Err(format!("child of {ms} ms failed"))
                } else {
                    Ok(ms)
                }
            });
        }
        let start = Instant::now();
        match group.join().await {
            Err(TaskGroupError::Failed { error, .. }) => assert_eq!(error, "child of 10 ms failed"),
            other => panic!("expected the 10 ms child's failure, got {other:?}"),
        }
        assert_eq!(start.elapsed(), Duration::from_millis(10));
        assert_eq!(*finished.borrow(), [5, 10], "the 100 and 200 ms children were cancelled");
        assert_eq!(dropped.get(), 4, "join returned after every sibling was gone");
    });
}

#[test]
fn a_panicking_child_fails_the_group() {
    paused().block_on(async {
        let mut group: TaskGroup<(), ()> = TaskGroup::new();
        group.spawn(async {
            sleep(Duration::from_secs(1)).await;
            Ok(())
        });
        let bad = group.spawn(async { panic!("child panicked") });
        match group.join().await {
            Err(TaskGroupError::Panicked { task, message }) => {
                assert_eq!(task, bad);
                assert_eq!(message, "child panicked");
            }
            other => panic!("expected a panic, got {other:?}"),
        }
    });
}

#[test]
fn dropping_a_task_group_aborts_its_children() {
    paused().block_on(async {
        let dropped = Rc::new(Cell::new(0));
        let mut group: TaskGroup<(), ()> = TaskGroup::new();
        for _ in 0..3 {
            let guard = DropCounter(dropped.clone());
            group.spawn(async move {
                let _guard = guard;
                sleep(Duration::from_secs(10)).await;
                Ok(())
            });
        }
        // A join that times out is dropped, and the group with it.
        let joined = aioli::time::timeout(Duration::from_millis(5), group.join()).await;
        assert!(joined.is_err());
        sleep(Duration::from_millis(1)).await;
        assert_eq!(dropped.get(), 3, "no child outlives its group");
    });
}
