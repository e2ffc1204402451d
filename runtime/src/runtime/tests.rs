//! Tests that look inside the loop: slots, generations, the timer queue.
//! Behaviour seen from outside is tested in runtime/tests/.

use std::cell::{Cell, RefCell};
use std::future::poll_fn;
use std::rc::Rc;
use std::task::{Poll, Waker};
use std::time::Duration;

use super::Runtime;
use crate::context::with_core;
use crate::task::Id;

/// A future that counts its polls and stays pending until told otherwise.
fn counted_pending(polls: Rc<Cell<u32>>) -> impl std::future::Future<Output = ()> {
    poll_fn(move |_cx| {
        polls.set(polls.get() + 1);
        Poll::Pending
    })
}

#[test]
fn a_stale_waker_for_a_reused_slot_does_nothing() {
    let runtime = Runtime::new().unwrap();
    runtime.block_on(async {
        // Task A keeps a clone of its own waker, then finishes.
        let stale: Rc<RefCell<Option<Waker>>> = Rc::default();
        let keep = stale.clone();
        let a = crate::spawn(poll_fn(move |cx| {
            *keep.borrow_mut() = Some(cx.waker().clone());
            Poll::Ready(())
        }));
        let a_id = a.id();
        a.await.unwrap();

        // Task B is spawned next and lands in the slot A freed.
        let b_polls = Rc::new(Cell::new(0));
        let b = crate::spawn(counted_pending(b_polls.clone()));
        assert_eq!(b.id().index, a_id.index, "the slab reuses the freed slot");
        assert_ne!(b.id().generation, a_id.generation);
        crate::task::yield_now().await;
        assert_eq!(b_polls.get(), 1, "B ran its first poll");

        // Waking A's old waker names slot + old generation: ignored.
        if let Some(waker) = stale.borrow_mut().take() {
            waker.wake();
        }
        for _ in 0..3 {
            crate::task::yield_now().await;
        }
        assert_eq!(b_polls.get(), 1, "a stale wake must not poll the slot's new task");
        b.abort();
    });
}

#[test]
fn a_task_woken_many_times_is_queued_once() {
    let runtime = Runtime::new().unwrap();
    runtime.block_on(async {
        let polls = Rc::new(Cell::new(0));
        let waker_slot: Rc<RefCell<Option<Waker>>> = Rc::default();
        let (count, keep) = (polls.clone(), waker_slot.clone());
        let task = crate::spawn(poll_fn(move |cx| {
            count.set(count.get() + 1);
            *keep.borrow_mut() = Some(cx.waker().clone());
            Poll::<()>::Pending
        }));
        crate::task::yield_now().await;
        assert_eq!(polls.get(), 1);
        let waker = waker_slot.borrow().clone();
        if let Some(waker) = waker {
            for _ in 0..10 {
                waker.wake_by_ref();
            }
        }
        assert_eq!(with_core(|core| core.queued()), 1, "ten wakes, one queue entry");
        crate::task::yield_now().await;
        assert_eq!(polls.get(), 2, "polled once for ten wakes");
        task.abort();
    });
}

#[test]
fn dropping_a_sleep_disarms_its_timer() {
    let runtime = Runtime::new().unwrap();
    runtime.block_on(async {
        let long = crate::time::sleep(Duration::from_secs(3600));
        let outcome = crate::time::timeout(Duration::from_millis(1), long).await;
        assert!(outcome.is_err());
        // The timeout's own timer fired; the hour-long one was dropped with
        // the future, so nothing is left in the queue.
        assert_eq!(with_core(|core| core.armed_timers()), 0);
    });
}

#[test]
fn finished_and_cancelled_tasks_leave_the_table() {
    let runtime = Runtime::new().unwrap();
    runtime.block_on(async {
        let done = crate::spawn(async {});
        let stuck = crate::spawn(std::future::pending::<()>());
        done.await.unwrap();
        stuck.abort();
        let _ = stuck.await;
        assert_eq!(with_core(|core| core.task_count()), 0);
    });
}

#[test]
fn the_main_future_has_its_own_id() {
    assert_eq!(Id::MAIN.to_string(), "main");
    let runtime = Runtime::new().unwrap();
    let id = runtime.block_on(async { crate::spawn(async {}).id() });
    assert_eq!(id.number(), 1, "the first spawned task is number 1");
    assert_eq!(id.to_string(), "task#1");
}

#[test]
fn dropped_sockets_leave_the_reactor() {
    let runtime = Runtime::new().unwrap();
    runtime.block_on(async {
        let listener = crate::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let client = crate::net::TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
        let (server_side, _) = listener.accept().await.unwrap();
        assert_eq!(with_core(|core| core.reactor.borrow().len()), 3);
        drop((client, server_side));
        drop(listener);
        assert_eq!(with_core(|core| core.reactor.borrow().len()), 0, "drop deregisters");
    });
}
