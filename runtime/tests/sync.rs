//! The sync primitives: what each one promises, that waiters are served in
//! order, and that a waiter dropped at any moment loses nothing.
//!
//! Timing runs on a paused clock, so every interleaving is exact. The
//! cancellation cases that depend on one precise moment ("notified, but
//! not yet polled") poll the futures by hand with a no-op waker: the
//! primitives need no loop for that, and the moment is then certain.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use aioli::sync::mpsc::TryRecvError;
use aioli::sync::TryAcquireError;
use aioli::sync::{mpsc, oneshot, Condvar, Event, Mutex, Queue, QueueEmpty, QueueFull, Semaphore, TaskDoneError};
use aioli::task::yield_now;
use aioli::time::{sleep, timeout, Instant};
use aioli::JoinError;

mod common;
use common::{paused, DropCounter};

/// Polls `future` once, by hand, with a waker that does nothing.
fn poll_once<F: Future + ?Sized>(future: Pin<&mut F>) -> Poll<F::Output> {
    future.poll(&mut Context::from_waker(Waker::noop()))
}

/// Lets every ready task run a few turns.
async fn settle() {
    for _ in 0..5 {
        yield_now().await;
    }
}

// ---------------------------------------------------------------- Mutex

#[test]
fn mutex_guards_a_value_across_awaits() {
    paused().block_on(async {
        let counter = Rc::new(Mutex::new(0u32));
        let inside = Rc::new(Cell::new(0u32));
        let tasks: Vec<_> = (0..10)
            .map(|_| {
                let (counter, inside) = (counter.clone(), inside.clone());
                aioli::spawn(async move {
                    let mut value = counter.lock().await;
                    inside.set(inside.get() + 1);
                    assert_eq!(inside.get(), 1, "two tasks inside the lock at once");
                    let read = *value;
                    sleep(Duration::from_millis(10)).await;
                    *value = read + 1;
                    inside.set(inside.get() - 1);
                })
            })
            .collect();
        for result in aioli::join_all(tasks).await {
            assert_eq!(result, Ok(()));
        }
        assert_eq!(*counter.lock().await, 10, "no update was lost");
        assert!(!counter.is_locked());
    });
}

#[test]
fn mutex_try_lock_get_mut_and_into_inner() {
    let mut mutex = Mutex::new(vec![1]);
    {
        let mut guard = mutex.try_lock().unwrap();
        guard.push(2);
        assert!(mutex.try_lock().is_none());
        assert!(mutex.is_locked());
    }
    assert!(!mutex.is_locked());
    mutex.get_mut().push(3);
    assert_eq!(format!("{:?}", mutex.try_lock().unwrap()), "[1, 2, 3]");
    assert_eq!(mutex.into_inner(), vec![1, 2, 3]);
}

#[test]
fn mutex_serves_waiters_in_the_order_they_came() {
    paused().block_on(async {
        let mutex = Rc::new(Mutex::new(Vec::new()));
        let held = mutex.lock().await;
        let tasks: Vec<_> = (0..5)
            .map(|id| {
                let mutex = mutex.clone();
                aioli::spawn(async move {
                    // Later tasks start waiting later.
                    sleep(Duration::from_millis(id)).await;
                    mutex.lock().await.push(id);
                })
            })
            .collect();
        sleep(Duration::from_millis(10)).await;
        drop(held);
        aioli::join_all(tasks).await;
        assert_eq!(*mutex.lock().await, [0, 1, 2, 3, 4]);
    });
}

#[test]
fn mutex_hands_the_lock_over_so_a_newcomer_cannot_barge_in() {
    let mutex = Mutex::new(());
    let guard = mutex.try_lock().unwrap();
    let mut waiter = Box::pin(mutex.lock());
    assert!(poll_once(waiter.as_mut()).is_pending());
    drop(guard);
    assert!(mutex.try_lock().is_none(), "the lock belongs to the waiter now");
    let mut newcomer = Box::pin(mutex.lock());
    assert!(poll_once(newcomer.as_mut()).is_pending(), "the newcomer queues behind");
    let Poll::Ready(first) = poll_once(waiter.as_mut()) else { panic!("the waiter owns the lock") };
    drop(first);
    assert!(poll_once(newcomer.as_mut()).is_ready());
}

#[test]
fn a_lock_waiter_dropped_mid_queue_does_not_stall_those_behind() {
    paused().block_on(async {
        let mutex = Rc::new(Mutex::new(Vec::new()));
        let held = mutex.lock().await;
        let spawn_waiter = |id: u32, patience: Option<u64>| {
            let mutex = mutex.clone();
            aioli::spawn(async move {
                match patience {
                    Some(ms) => {
                        if let Ok(mut guard) = timeout(Duration::from_millis(ms), mutex.lock()).await {
                            guard.push(id);
                        }
                    }
                    None => mutex.lock().await.push(id),
                }
            })
        };
        let first = spawn_waiter(1, None);
        let impatient = spawn_waiter(2, Some(5)); // gives up while in the middle of the line
        let last = spawn_waiter(3, None);
        sleep(Duration::from_millis(10)).await;
        assert!(impatient.is_finished(), "the middle waiter timed out and left");
        drop(held);
        aioli::join_all([first, impatient, last]).await;
        assert_eq!(*mutex.lock().await, [1, 3]);
    });
}

#[test]
fn a_lock_waiter_dropped_after_being_handed_the_lock_passes_it_on() {
    // By hand: the exact moment between "handed the lock" and "polled".
    let mutex = Mutex::new(0);
    let guard = mutex.try_lock().unwrap();
    let mut handed = Box::pin(mutex.lock());
    let mut next = Box::pin(mutex.lock());
    assert!(poll_once(handed.as_mut()).is_pending());
    assert!(poll_once(next.as_mut()).is_pending());
    drop(guard); // the lock goes to `handed`...
    drop(handed); // ...which is cancelled before it runs
    assert!(poll_once(next.as_mut()).is_ready(), "the lock passed to the next waiter");

    // The same through the loop: abort the woken task before its turn.
    paused().block_on(async {
        let mutex = Rc::new(Mutex::new(0));
        let guard = mutex.lock().await;
        let waiter = |mutex: Rc<Mutex<i32>>| aioli::spawn(async move { *mutex.lock().await += 1 });
        let (first, second) = (waiter(mutex.clone()), waiter(mutex.clone()));
        settle().await;
        drop(guard); // first is handed the lock and queued to run
        first.abort(); // and cancelled before it does
        assert_eq!(first.await, Err(JoinError::Cancelled));
        assert_eq!(second.await, Ok(()));
        assert_eq!(*mutex.lock().await, 1);
    });
}

#[test]
fn an_uncontended_lock_in_a_loop_still_lets_other_tasks_run() {
    // Lock never waits here, yet the loop must not be monopolized: the
    // cooperative budget makes `lock()` yield now and then (coop.rs).
    paused().block_on(async {
        let mutex = Rc::new(Mutex::new(0u32));
        let other_ran = Rc::new(Cell::new(false));
        let flag = other_ran.clone();
        let _other = aioli::spawn(async move { flag.set(true) });
        let mut saw_other_at = None;
        for round in 0..1_000 {
            *mutex.lock().await += 1;
            if other_ran.get() && saw_other_at.is_none() {
                saw_other_at = Some(round);
            }
        }
        assert!(saw_other_at.is_some(), "the other task ran while we looped");
    });
}

// ---------------------------------------------------------------- Semaphore

#[test]
fn semaphore_bounds_concurrency() {
    paused().block_on(async {
        let limit = Rc::new(Semaphore::new(3));
        let running = Rc::new(Cell::new(0));
        let peak = Rc::new(Cell::new(0));
        let start = Instant::now();
        let jobs: Vec<_> = (0..10)
            .map(|_| {
                let (limit, running, peak) = (limit.clone(), running.clone(), peak.clone());
                aioli::spawn(async move {
                    let _permit = limit.acquire().await;
                    running.set(running.get() + 1);
                    peak.set(peak.get().max(running.get()));
                    sleep(Duration::from_millis(100)).await;
                    running.set(running.get() - 1);
                })
            })
            .collect();
        aioli::join_all(jobs).await;
        assert_eq!(peak.get(), 3);
        assert_eq!(start.elapsed(), Duration::from_millis(400), "4 rounds of 3, 3, 3 and 1");
        assert_eq!(limit.available_permits(), 3, "every permit came back");
    });
}

#[test]
fn semaphore_serves_waiters_in_order() {
    paused().block_on(async {
        let semaphore = Rc::new(Semaphore::new(1));
        let order = Rc::new(RefCell::new(Vec::new()));
        let permit = semaphore.acquire().await;
        let tasks: Vec<_> = (0..5)
            .map(|id| {
                let (semaphore, order) = (semaphore.clone(), order.clone());
                aioli::spawn(async move {
                    sleep(Duration::from_millis(id)).await;
                    let _permit = semaphore.acquire().await;
                    order.borrow_mut().push(id);
                    sleep(Duration::from_millis(1)).await;
                })
            })
            .collect();
        sleep(Duration::from_millis(10)).await;
        drop(permit);
        aioli::join_all(tasks).await;
        assert_eq!(*order.borrow(), [0, 1, 2, 3, 4]);
    });
}

#[test]
fn semaphore_try_acquire_add_permits_and_forget() {
    let semaphore = Semaphore::new(1);
    let permit = semaphore.try_acquire().unwrap();
    assert_eq!(semaphore.available_permits(), 0);
    assert_eq!(semaphore.try_acquire().err(), Some(TryAcquireError));
    assert_eq!(TryAcquireError.to_string(), "every permit of the semaphore is taken");
    drop(permit);
    assert_eq!(semaphore.available_permits(), 1);
    semaphore.add_permits(2);
    assert_eq!(semaphore.available_permits(), 3);
    semaphore.try_acquire().unwrap().forget();
    assert_eq!(semaphore.available_permits(), 2, "a forgotten permit never comes back");
    semaphore.add_permits(usize::MAX);
    assert_eq!(semaphore.available_permits(), usize::MAX, "saturates, in one step, not usize::MAX of them");

    // add_permits hands permits to waiters before the counter.
    let empty = Semaphore::new(0);
    let mut waiter = Box::pin(empty.acquire());
    assert!(poll_once(waiter.as_mut()).is_pending());
    empty.add_permits(2);
    assert_eq!(empty.available_permits(), 1, "one went to the waiter");
    assert!(poll_once(waiter.as_mut()).is_ready());
}

#[test]
fn a_semaphore_waiter_dropped_after_being_granted_passes_the_permit_on() {
    let semaphore = Semaphore::new(1);
    let permit = semaphore.try_acquire().unwrap();
    let mut granted = Box::pin(semaphore.acquire());
    let mut next = Box::pin(semaphore.acquire());
    assert!(poll_once(granted.as_mut()).is_pending());
    assert!(poll_once(next.as_mut()).is_pending());
    drop(permit); // the permit is handed to `granted` (notified)...
    assert_eq!(semaphore.available_permits(), 0, "handed over, not returned to the counter");
    drop(granted); // ...which is dropped before it is polled
    let Poll::Ready(permit) = poll_once(next.as_mut()) else { panic!("the permit passed to the next waiter") };
    drop(permit);
    assert_eq!(semaphore.available_permits(), 1, "nothing lost, nothing duplicated");
}

#[test]
fn a_semaphore_waiter_dropped_while_waiting_takes_nothing() {
    paused().block_on(async {
        let semaphore = Rc::new(Semaphore::new(1));
        let permit = semaphore.acquire().await;
        let gave_up = timeout(Duration::from_millis(5), semaphore.acquire()).await;
        assert!(gave_up.is_err());
        let behind = {
            let semaphore = semaphore.clone();
            aioli::spawn(async move { drop(semaphore.acquire().await) })
        };
        settle().await;
        drop(permit);
        assert_eq!(behind.await, Ok(()));
        assert_eq!(semaphore.available_permits(), 1);
    });
}

// ---------------------------------------------------------------- Event

#[test]
fn event_set_releases_every_waiter_at_once() {
    paused().block_on(async {
        let event = Rc::new(Event::new());
        let start = Instant::now();
        let waiters: Vec<_> = (0..4)
            .map(|_| {
                let event = event.clone();
                aioli::spawn(async move {
                    event.wait().await;
                    Instant::now()
                })
            })
            .collect();
        sleep(Duration::from_millis(50)).await;
        assert!(!event.is_set());
        event.set();
        assert!(event.is_set());
        for released_at in aioli::join_all(waiters).await {
            assert_eq!(released_at.unwrap() - start, Duration::from_millis(50));
        }
        // While set, wait returns at once; after clear, it waits again.
        event.wait().await;
        event.clear();
        assert!(timeout(Duration::from_millis(5), event.wait()).await.is_err());
    });
}

#[test]
fn event_waiters_woken_by_set_return_even_if_cleared_before_they_run() {
    let event = Event::new();
    let mut waiter = Box::pin(event.wait());
    assert!(poll_once(waiter.as_mut()).is_pending());
    event.set();
    event.clear();
    assert!(poll_once(waiter.as_mut()).is_ready(), "asyncio semantics: the set was seen");
    let mut late = Box::pin(event.wait());
    assert!(poll_once(late.as_mut()).is_pending(), "a wait after the clear waits");
}

#[test]
fn a_dropped_event_waiter_does_not_disturb_the_others() {
    let event = Event::new();
    let mut kept = Box::pin(event.wait());
    let mut dropped = Box::pin(event.wait());
    assert!(poll_once(kept.as_mut()).is_pending());
    assert!(poll_once(dropped.as_mut()).is_pending());
    drop(dropped);
    event.set();
    assert!(poll_once(kept.as_mut()).is_ready());
}

// ---------------------------------------------------------------- Condvar

#[test]
fn condvar_wait_unlocks_and_relocks() {
    paused().block_on(async {
        let state = Rc::new((Mutex::new(0u32), Condvar::new()));
        let waiter = {
            let state = state.clone();
            aioli::spawn(async move {
                let (value, changed) = &*state;
                let guard = value.lock().await;
                let guard = changed.wait_while(guard, |v| *v < 3).await;
                assert!(value.is_locked(), "wait returns with the lock held again");
                *guard
            })
        };
        for _ in 0..3 {
            settle().await;
            // Only possible because the waiter unlocked while waiting.
            *state.0.try_lock().expect("the waiter must not hold the lock while it waits") += 1;
            state.1.notify_one();
        }
        assert_eq!(waiter.await, Ok(3));
    });
}

#[test]
fn condvar_notify_one_wakes_in_order_and_notify_all_wakes_everyone() {
    paused().block_on(async {
        let state = Rc::new((Mutex::new(()), Condvar::new()));
        let woken = Rc::new(RefCell::new(Vec::new()));
        let spawn_waiters = |ids: std::ops::Range<u32>| -> Vec<_> {
            ids.map(|id| {
                let (state, woken) = (state.clone(), woken.clone());
                aioli::spawn(async move {
                    let guard = state.0.lock().await;
                    let _guard = state.1.wait(guard).await;
                    woken.borrow_mut().push(id);
                })
            })
            .collect()
        };
        let first_batch = spawn_waiters(0..3);
        settle().await;
        state.1.notify_one();
        settle().await;
        assert_eq!(*woken.borrow(), [0]);
        state.1.notify_one();
        settle().await;
        assert_eq!(*woken.borrow(), [0, 1]);
        state.1.notify_all();
        aioli::join_all(first_batch).await;
        assert_eq!(*woken.borrow(), [0, 1, 2]);
        // Nobody waits: a notification is not stored for later waiters.
        state.1.notify_one();
        let late = spawn_waiters(3..4);
        settle().await;
        assert!(!late[0].is_finished());
        state.1.notify_all();
        aioli::join_all(late).await;
    });
}

#[test]
fn a_condvar_waiter_dropped_after_notify_one_passes_the_notification_on() {
    let mutex = Mutex::new(());
    let condvar = Condvar::new();
    // Each wait unlocks the mutex on its first poll, so the next can lock it.
    let mut chosen = Box::pin(condvar.wait(mutex.try_lock().unwrap()));
    assert!(poll_once(chosen.as_mut()).is_pending());
    let mut next = Box::pin(condvar.wait(mutex.try_lock().unwrap()));
    assert!(poll_once(next.as_mut()).is_pending());
    condvar.notify_one(); // chooses `chosen`...
    drop(chosen); // ...which is cancelled before it runs
    assert!(poll_once(next.as_mut()).is_ready(), "the notification reached the next waiter");
}

#[test]
fn a_dropped_notify_all_waiter_does_not_wake_a_later_one() {
    let mutex = Mutex::new(());
    let condvar = Condvar::new();
    let mut early = Box::pin(condvar.wait(mutex.try_lock().unwrap()));
    assert!(poll_once(early.as_mut()).is_pending());
    condvar.notify_all();
    let mut late = Box::pin(condvar.wait(mutex.try_lock().unwrap()));
    assert!(poll_once(late.as_mut()).is_pending());
    drop(early);
    assert!(poll_once(late.as_mut()).is_pending(), "notify_all was for the waiters of that moment only");
}

// ---------------------------------------------------------------- Queue

#[test]
fn queue_is_fifo_and_put_waits_while_full() {
    paused().block_on(async {
        let queue = Rc::new(Queue::new(2));
        let producer = {
            let queue = queue.clone();
            aioli::spawn(async move {
                for n in 0..5 {
                    queue.put(n).await;
                }
                Instant::now()
            })
        };
        settle().await;
        assert_eq!(queue.len(), 2, "the producer stopped at maxsize");
        assert!(queue.is_full());
        assert!(!producer.is_finished());
        let mut got = Vec::new();
        for _ in 0..5 {
            sleep(Duration::from_millis(10)).await;
            got.push(queue.get().await);
        }
        assert_eq!(got, [0, 1, 2, 3, 4]);
        let finished_at = producer.await.unwrap();
        assert_eq!(finished_at.elapsed(), Duration::from_millis(20), "the last put waited for room");
        assert!(queue.is_empty());
    });
}

#[test]
fn queue_get_waits_for_an_item_and_getters_are_served_in_order() {
    paused().block_on(async {
        let queue = Rc::new(Queue::unbounded());
        let getters: Vec<_> = (0..3)
            .map(|id| {
                let queue = queue.clone();
                aioli::spawn(async move {
                    sleep(Duration::from_millis(id)).await;
                    (id, queue.get().await)
                })
            })
            .collect();
        sleep(Duration::from_millis(10)).await;
        for item in ["a", "b", "c"] {
            queue.put(item).await;
        }
        let results: Vec<_> = aioli::join_all(getters).await.into_iter().map(Result::unwrap).collect();
        assert_eq!(results, [(0, "a"), (1, "b"), (2, "c")]);
    });
}

#[test]
fn queue_try_put_try_get_and_sizes() {
    let queue = Queue::new(2);
    assert_eq!(queue.maxsize(), 2);
    assert_eq!(queue.try_get(), Err(QueueEmpty));
    assert_eq!(queue.try_put(1), Ok(()));
    assert_eq!(queue.try_put(2), Ok(()));
    assert_eq!(queue.try_put(3), Err(QueueFull(3)), "the item comes back");
    assert_eq!(QueueFull(3).to_string(), "the queue is full");
    assert_eq!(QueueEmpty.to_string(), "the queue is empty");
    assert_eq!((queue.len(), queue.is_full()), (2, true));
    assert_eq!(queue.try_get(), Ok(1));
    assert_eq!(queue.try_get(), Ok(2));
    assert!(queue.is_empty());

    let unbounded = Queue::new(0);
    for n in 0..1_000 {
        assert_eq!(unbounded.try_put(n), Ok(()));
    }
    assert!(!unbounded.is_full(), "maxsize 0 means no limit, as in asyncio");
}

#[test]
fn queue_join_waits_until_every_item_is_done() {
    paused().block_on(async {
        let queue = Rc::new(Queue::new(0));
        // Nothing was ever put: join returns at once.
        let start = Instant::now();
        queue.join().await;
        assert_eq!(start.elapsed(), Duration::ZERO);

        for n in 0..3 {
            queue.put(n).await;
        }
        let worker = {
            let queue = queue.clone();
            aioli::spawn(async move {
                for _ in 0..3 {
                    let _item = queue.get().await;
                    sleep(Duration::from_millis(10)).await;
                    queue.task_done().unwrap();
                }
            })
        };
        let joined = {
            let queue = queue.clone();
            aioli::spawn(async move {
                queue.join().await;
                Instant::now()
            })
        };
        sleep(Duration::from_millis(25)).await;
        assert!(queue.is_empty(), "every item was taken...");
        assert!(!joined.is_finished(), "...but not all were done, so join still waits");
        let joined_at = joined.await.unwrap();
        assert_eq!(joined_at - start, Duration::from_millis(30), "join returned with the last task_done");
        worker.await.unwrap();
    });
}

#[test]
fn queue_task_done_too_often_is_an_error() {
    let queue = Queue::new(0);
    assert_eq!(queue.task_done(), Err(TaskDoneError));
    queue.try_put("x").unwrap();
    let _ = queue.try_get();
    assert_eq!(queue.task_done(), Ok(()));
    assert_eq!(queue.task_done(), Err(TaskDoneError));
    assert!(TaskDoneError.to_string().contains("more times than items were put"));
}

#[test]
fn a_queue_get_dropped_while_waiting_swallows_nothing() {
    paused().block_on(async {
        let queue = Rc::new(Queue::new(0));
        assert!(timeout(Duration::from_millis(5), queue.get()).await.is_err());
        queue.put("kept").await;
        assert_eq!(queue.try_get(), Ok("kept"), "the cancelled get took nothing");
    });
}

#[test]
fn a_queue_get_dropped_after_being_notified_passes_the_item_on() {
    let queue = Queue::new(0);
    let mut notified = Box::pin(queue.get());
    let mut next = Box::pin(queue.get());
    assert!(poll_once(notified.as_mut()).is_pending());
    assert!(poll_once(next.as_mut()).is_pending());
    queue.try_put(7).unwrap(); // promised to `notified`...
    assert_eq!(queue.try_get(), Err(QueueEmpty), "a promised item is not up for grabs");
    drop(notified); // ...which is cancelled before it runs
    assert_eq!(poll_once(next.as_mut()), Poll::Ready(7), "the next getter got it");
    assert!(queue.is_empty());

    // With nobody else waiting, the item simply stays in the queue.
    let mut lone = Box::pin(queue.get());
    assert!(poll_once(lone.as_mut()).is_pending());
    queue.try_put(8).unwrap();
    drop(lone);
    assert_eq!(queue.try_get(), Ok(8));
}

#[test]
fn a_queue_put_dropped_after_being_given_room_passes_the_slot_on() {
    let queue = Queue::new(1);
    queue.try_put(0).unwrap();
    let mut given_room = Box::pin(queue.put(1));
    let mut next = Box::pin(queue.put(2));
    assert!(poll_once(given_room.as_mut()).is_pending());
    assert!(poll_once(next.as_mut()).is_pending());
    assert_eq!(queue.try_get(), Ok(0)); // the freed slot is kept for `given_room`...
    assert_eq!(queue.try_put(9), Err(QueueFull(9)), "a kept slot is not up for grabs");
    drop(given_room); // ...which is cancelled before it runs: its item is never put
    assert!(poll_once(next.as_mut()).is_ready(), "the slot went to the next putter");
    assert_eq!(queue.try_get(), Ok(2));
}

// ---------------------------------------------------------------- mpsc

#[test]
fn mpsc_bounded_send_waits_for_room() {
    paused().block_on(async {
        let (tx, mut rx) = mpsc::channel(2);
        let producer = aioli::spawn(async move {
            for n in 0..5 {
                tx.send(n).await.unwrap();
            }
        });
        settle().await;
        assert!(!producer.is_finished(), "backpressure: 2 buffered, the third send waits");
        let mut got = Vec::new();
        while let Some(n) = rx.recv().await {
            got.push(n);
        }
        assert_eq!(got, [0, 1, 2, 3, 4], "in order, then None once the sender is gone");
        assert_eq!(producer.await, Ok(()));
    });
}

#[test]
fn mpsc_recv_drains_the_buffer_before_reporting_the_end() {
    paused().block_on(async {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let tx2 = tx.clone();
        tx.send(1).unwrap();
        tx2.send(2).unwrap();
        drop(tx);
        assert_eq!(rx.try_recv(), Ok(1));
        drop(tx2);
        assert_eq!(rx.recv().await, Some(2), "sent before the last sender dropped");
        assert_eq!(rx.recv().await, None);
        assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));
    });
}

#[test]
fn mpsc_send_gives_the_value_back_once_the_receiver_is_gone() {
    paused().block_on(async {
        let (tx, rx) = mpsc::channel(1);
        tx.send(String::from("buffered")).await.unwrap();
        let waiting = {
            let tx = tx.clone();
            aioli::spawn(async move { tx.send(String::from("waiting")).await })
        };
        settle().await;
        assert!(!waiting.is_finished());
        assert!(!tx.is_closed());
        drop(rx);
        assert!(tx.is_closed());
        let Err(mpsc::SendError(value)) = waiting.await.unwrap() else { panic!("the waiting send must fail") };
        assert_eq!(value, "waiting", "the waiting sender was woken and got its value back");
        let Err(error) = tx.send(String::from("late")).await else { panic!("sends after the drop fail") };
        assert_eq!(error.0, "late");
        assert!(error.to_string().contains("receiver was dropped"));
        assert!(matches!(tx.try_send(String::new()), Err(mpsc::TrySendError::Closed(_))));
    });
}

#[test]
fn mpsc_close_keeps_the_buffered_messages() {
    paused().block_on(async {
        let (tx, mut rx) = mpsc::unbounded_channel();
        tx.send(1).unwrap();
        rx.close();
        assert_eq!(tx.send(2), Err(mpsc::SendError(2)));
        assert_eq!(rx.recv().await, Some(1));
        assert_eq!(rx.recv().await, None, "closed and drained, though a sender lives");
    });
}

#[test]
fn mpsc_try_send_and_try_recv() {
    let (tx, mut rx) = mpsc::channel(1);
    assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    assert!(tx.try_send('a').is_ok());
    let full = tx.try_send('b');
    assert!(matches!(full, Err(mpsc::TrySendError::Full('b'))));
    assert_eq!(full.map_err(mpsc::TrySendError::into_inner), Err('b'));
    assert_eq!(rx.try_recv(), Ok('a'));
    drop(tx);
    assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));
}

#[test]
fn a_dropped_recv_loses_no_message() {
    paused().block_on(async {
        let (tx, mut rx) = mpsc::channel(4);
        assert!(timeout(Duration::from_millis(5), rx.recv()).await.is_err());
        let sender = aioli::spawn(async move {
            sleep(Duration::from_millis(10)).await;
            tx.send("after the timeout").await.unwrap();
        });
        // Race a recv against a timer, many times: whichever wins, no message goes missing.
        let mut got = Vec::new();
        for _ in 0..20 {
            if let Ok(Some(message)) = timeout(Duration::from_millis(1), rx.recv()).await {
                got.push(message);
            }
        }
        assert_eq!(got, ["after the timeout"]);
        sender.await.unwrap();
    });
}

#[test]
fn a_send_dropped_after_being_given_room_passes_the_slot_on() {
    let (tx, mut rx) = mpsc::channel(1);
    tx.try_send(0).unwrap();
    let mut given_room = Box::pin(tx.send(1));
    let mut next = Box::pin(tx.send(2));
    assert!(poll_once(given_room.as_mut()).is_pending());
    assert!(poll_once(next.as_mut()).is_pending());
    assert_eq!(rx.try_recv(), Ok(0)); // the freed slot is kept for `given_room`...
    assert!(matches!(tx.try_send(9), Err(mpsc::TrySendError::Full(9))), "a kept slot is not up for grabs");
    drop(given_room); // ...which is cancelled: nothing of it is sent
    assert_eq!(poll_once(next.as_mut()), Poll::Ready(Ok(())));
    assert_eq!(rx.try_recv(), Ok(2));
}

#[test]
fn mpsc_and_oneshot_halves_can_cross_threads() {
    fn is_send<T: Send>() {}
    is_send::<mpsc::Sender<String>>();
    is_send::<mpsc::UnboundedSender<String>>();
    is_send::<mpsc::Receiver<String>>();
    is_send::<oneshot::Sender<String>>();
    is_send::<oneshot::Receiver<String>>();
}

#[test]
fn mpsc_threads_send_into_the_loop_and_block_for_room() {
    aioli::run(async {
        let (tx, mut rx) = mpsc::channel(2);
        let threads: Vec<_> = (0..3)
            .map(|id| {
                let tx = tx.clone();
                std::thread::spawn(move || {
                    for n in 0..10 {
                        // Blocks this thread, not the loop, while the channel is full.
                        tx.blocking_send((id, n)).unwrap();
                    }
                })
            })
            .collect();
        drop(tx);
        let mut per_thread = [Vec::new(), Vec::new(), Vec::new()];
        while let Some((id, n)) = rx.recv().await {
            per_thread[id].push(n);
        }
        for numbers in per_thread {
            assert_eq!(numbers, (0..10).collect::<Vec<_>>(), "each sender's messages in order");
        }
        for thread in threads {
            thread.join().unwrap();
        }
    });
}

#[test]
fn mpsc_a_thread_can_receive_from_a_task() {
    let (tx, mut rx) = mpsc::channel(1);
    let consumer = std::thread::spawn(move || {
        let mut got = Vec::new();
        while let Some(n) = rx.blocking_recv() {
            got.push(n);
        }
        got
    });
    aioli::run(async move {
        for n in 0..5 {
            tx.send(n).await.unwrap();
            sleep(Duration::from_millis(1)).await;
        }
    });
    assert_eq!(consumer.join().unwrap(), [0, 1, 2, 3, 4]);
}

#[test]
fn blocking_send_on_the_loop_thread_panics_with_advice() {
    let outcome = std::panic::catch_unwind(|| {
        aioli::run(async {
            let (tx, _rx) = mpsc::channel(1);
            let _ = tx.blocking_send(1);
        })
    });
    let payload = outcome.expect_err("blocking on the loop thread must panic");
    let message = payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default();
    assert!(message.contains("blocking_send"), "{message}");
    assert!(message.contains(".await"), "{message}");
}

// ---------------------------------------------------------------- oneshot

#[test]
fn oneshot_delivers_one_value() {
    paused().block_on(async {
        let (tx, rx) = oneshot::channel();
        assert!(!tx.is_closed());
        let _sender = aioli::spawn(async move {
            sleep(Duration::from_millis(10)).await;
            tx.send("answer").unwrap();
        });
        assert_eq!(rx.await, Ok("answer"));
    });
}

#[test]
fn oneshot_reports_a_sender_dropped_without_sending() {
    paused().block_on(async {
        let (tx, rx) = oneshot::channel::<u32>();
        let _sender = aioli::spawn(async move {
            sleep(Duration::from_millis(10)).await;
            drop(tx);
        });
        let error = rx.await.unwrap_err();
        assert_eq!(error, oneshot::RecvError);
        assert!(error.to_string().contains("dropped without sending"));
    });
}

#[test]
fn oneshot_send_to_a_dropped_or_closed_receiver_gives_the_value_back() {
    let (tx, rx) = oneshot::channel();
    drop(rx);
    assert!(tx.is_closed());
    assert_eq!(tx.send(5), Err(5));

    let (tx, mut rx) = oneshot::channel();
    rx.close();
    assert_eq!(tx.send(6), Err(6));
    assert_eq!(rx.try_recv(), Err(oneshot::TryRecvError::Closed), "the failed send consumed the sender");
}

/// A closed receiver that is still awaited learns, once a `send` has
/// failed and so consumed the sender, that no value will come: it must
/// not wait forever.
#[test]
fn oneshot_awaiting_a_closed_receiver_after_a_failed_send_ends_with_an_error() {
    paused().block_on(async {
        let (tx, mut rx) = oneshot::channel::<u32>();
        rx.close();
        assert_eq!(tx.send(7), Err(7));
        let got = timeout(Duration::from_secs(5), rx).await;
        assert_eq!(got, Ok(Err(oneshot::RecvError)));
    });
}

#[test]
fn oneshot_try_recv() {
    let (tx, mut rx) = oneshot::channel();
    assert_eq!(rx.try_recv(), Err(oneshot::TryRecvError::Empty));
    tx.send('x').unwrap();
    assert_eq!(rx.try_recv(), Ok('x'));
    assert_eq!(rx.try_recv(), Err(oneshot::TryRecvError::Closed), "taken already");
}

#[test]
fn oneshot_from_another_thread_wakes_the_sleeping_loop() {
    // A real clock: the loop has no timer to jump to, so it must block in
    // `poll` until the thread's wake rings the loop's mio::Waker.
    aioli::run(async {
        let (tx, rx) = oneshot::channel();
        let start = std::time::Instant::now();
        let thread = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(30));
            tx.send(String::from("from the thread")).unwrap();
        });
        assert_eq!(rx.await.as_deref(), Ok("from the thread"));
        assert!(start.elapsed() >= Duration::from_millis(30));
        thread.join().unwrap();
    });
}

#[test]
fn oneshot_a_thread_can_wait_for_a_task() {
    let (tx, rx) = oneshot::channel();
    let waiter = std::thread::spawn(move || rx.blocking_recv());
    aioli::run(async move {
        sleep(Duration::from_millis(5)).await;
        tx.send(99).unwrap();
    });
    assert_eq!(waiter.join().unwrap(), Ok(99));
}

#[test]
fn oneshot_dropping_the_receiver_drops_an_unread_value() {
    let drops = Rc::new(Cell::new(0));
    // DropCounter is not Send, but a oneshot on one thread does not need it to be.
    let (tx, rx) = oneshot::channel();
    tx.send(DropCounter(drops.clone())).map_err(|_| ()).unwrap();
    assert_eq!(drops.get(), 0);
    drop(rx);
    assert_eq!(drops.get(), 1);
}

/// `blocking_recv` polls on a plain thread with a task-sized coop budget;
/// afterwards the thread must have the unlimited budget back, or futures
/// polled by hand on it start answering `Pending` with nothing to wait for.
#[test]
fn blocking_recv_leaves_the_thread_an_unlimited_coop_budget() {
    let (tx, mut rx) = mpsc::unbounded_channel();
    tx.send(1).unwrap();
    assert_eq!(rx.blocking_recv(), Some(1));

    let semaphore = Semaphore::new(1000);
    for i in 0..200 {
        let acquire = std::pin::pin!(semaphore.acquire());
        match poll_once(acquire) {
            Poll::Ready(permit) => permit.forget(),
            Poll::Pending => panic!("hand poll {i} of acquire was refused with permits free"),
        }
    }
}
