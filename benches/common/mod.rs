//! What the benchmarks share: one small [`Rt`] trait over aioli and tokio,
//! and the workloads, each written once as a generic `async fn`.
//! `benches/runtime.rs` runs them on both runtimes; `benches/debug_cost.rs`
//! runs some of them on aioli alone, with its debug aids off and on.
//!
//! Each bench binary compiles this file as its own `mod common` and uses
//! part of it, hence the `allow(dead_code)`.
#![allow(dead_code)]

use std::cell::{Cell, RefCell};
use std::fmt::Debug;
use std::future::{poll_fn, Future};
use std::hint::black_box;
use std::rc::Rc;
use std::task::{Poll, Waker};
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------
// The two runtimes behind one interface
// ---------------------------------------------------------------------

/// What a workload needs from a runtime. Implemented by the unit structs
/// [`Aioli`] and [`Tokio`], so each workload is one generic `async fn`.
pub trait Rt {
    /// The task's join error (both runtimes report panics and cancels).
    type JoinError: Debug;
    /// What `spawn` returns: awaiting it gives the task's output.
    type Handle<T: 'static>: Future<Output = Result<T, Self::JoinError>>;

    /// Spawns a (non-`Send`) task on the current loop.
    fn spawn<F>(future: F) -> Self::Handle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static;

    /// Lets the other ready tasks run once.
    fn yield_now() -> impl Future<Output = ()>;

    /// Waits `duration` on the runtime's timers.
    fn sleep(duration: Duration) -> impl Future<Output = ()>;

    /// Runs every future at once and returns their outputs in order.
    /// aioli: `aioli::join_all`, plain futures inside the calling task.
    /// tokio: a `JoinSet`, one task per future (see `benches/runtime.rs`
    /// for why not futures-rs's `join_all`).
    fn join_all<F>(futures: Vec<F>) -> impl Future<Output = Vec<F::Output>>
    where
        F: Future + 'static,
        F::Output: 'static;

    /// Builds a fresh runtime, then times one `block_on(future)` on it
    /// plus the teardown (cancelling and dropping leftover tasks).
    fn block_on<F: Future>(future: F) -> (Duration, F::Output);
}

pub struct Aioli;

impl Rt for Aioli {
    type JoinError = aioli::JoinError;
    type Handle<T: 'static> = aioli::JoinHandle<T>;

    fn spawn<F>(future: F) -> Self::Handle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        aioli::spawn(future)
    }

    fn yield_now() -> impl Future<Output = ()> {
        aioli::task::yield_now()
    }

    fn sleep(duration: Duration) -> impl Future<Output = ()> {
        aioli::time::sleep(duration)
    }

    fn join_all<F>(futures: Vec<F>) -> impl Future<Output = Vec<F::Output>>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        aioli::join_all(futures)
    }

    fn block_on<F: Future>(future: F) -> (Duration, F::Output) {
        let runtime = aioli::Runtime::new().expect("aioli could not create its event loop");
        let start = Instant::now();
        let output = runtime.block_on(future);
        drop(runtime);
        (start.elapsed(), output)
    }
}

pub struct Tokio;

impl Rt for Tokio {
    type JoinError = tokio::task::JoinError;
    type Handle<T: 'static> = tokio::task::JoinHandle<T>;

    fn spawn<F>(future: F) -> Self::Handle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        tokio::task::spawn_local(future)
    }

    fn yield_now() -> impl Future<Output = ()> {
        tokio::task::yield_now()
    }

    fn sleep(duration: Duration) -> impl Future<Output = ()> {
        tokio::time::sleep(duration)
    }

    async fn join_all<F>(futures: Vec<F>) -> Vec<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let mut set = tokio::task::JoinSet::new();
        let count = futures.len();
        for (index, future) in futures.into_iter().enumerate() {
            set.spawn_local(async move { (index, future.await) });
        }
        // join_next gives outputs as they finish; put them back in order.
        let mut outputs: Vec<Option<F::Output>> = (0..count).map(|_| None).collect();
        while let Some(joined) = set.join_next().await {
            let (index, output) = joined.expect("a JoinSet task failed");
            outputs[index] = Some(output);
        }
        outputs.into_iter().map(|output| output.expect("every JoinSet task gave an output")).collect()
    }

    fn block_on<F: Future>(future: F) -> (Duration, F::Output) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("tokio could not create its runtime");
        let local = tokio::task::LocalSet::new();
        let start = Instant::now();
        let output = local.block_on(&runtime, future);
        // aioli's block_on cancels leftover tasks before it returns; here
        // that happens when the LocalSet drops, so it is timed too.
        drop(local);
        drop(runtime);
        (start.elapsed(), output)
    }
}

// ---------------------------------------------------------------------
// The workloads (each returns a checksum, compared across runtimes)
// ---------------------------------------------------------------------

/// Spawns `n` tasks, then awaits every handle in spawn order.
pub async fn spawn_join<R: Rt>(n: usize) -> u64 {
    let handles: Vec<_> = (0..n as u64).map(|i| R::spawn(async move { black_box(i) })).collect();
    let mut sum = 0;
    for handle in handles {
        sum += handle.await.expect("a spawned task failed");
    }
    sum
}

/// `tasks` tasks, each calling `yield_now` `per_task` times.
pub async fn yield_many<R: Rt>(tasks: usize, per_task: usize) -> u64 {
    let handles: Vec<_> = (0..tasks)
        .map(|_| {
            R::spawn(async move {
                for _ in 0..per_task {
                    R::yield_now().await;
                }
                per_task as u64
            })
        })
        .collect();
    let mut sum = 0;
    for handle in handles {
        sum += handle.await.expect("a yielding task failed");
    }
    sum
}

/// `n` tasks, each sleeping 1 ms plus 0–9.9 ms in 100 µs steps: 100
/// distinct durations, so the wall time has a floor of about 11 ms.
pub async fn timers<R: Rt>(n: usize) -> u64 {
    let handles: Vec<_> = (0..n as u64)
        .map(|i| {
            R::spawn(async move {
                R::sleep(Duration::from_micros(1_000 + (i % 100) * 100)).await;
                i
            })
        })
        .collect();
    let mut sum = 0;
    for handle in handles {
        sum += handle.await.expect("a sleeping task failed");
    }
    sum
}

/// `n` plain futures (not tasks), each sleeping like the tasks of
/// [`timers`], gathered by one `join_all` in the main task. Every timer
/// that fires wakes one child, so this measures what one wake of a big
/// gather costs.
pub async fn join_all_sleeps<R: Rt>(n: usize) -> u64 {
    let sleeps: Vec<_> = (0..n as u64)
        .map(|i| async move {
            R::sleep(Duration::from_micros(1_000 + (i % 100) * 100)).await;
            i
        })
        .collect();
    R::join_all(sleeps).await.into_iter().sum()
}

/// A one-slot mailbox that works on any runtime: std only, one value in
/// flight, one waiting receiver. Two of them make the ping-pong baton.
#[derive(Default)]
pub struct Slot {
    value: Cell<Option<u64>>,
    receiver: RefCell<Option<Waker>>,
}

impl Slot {
    /// Puts `value` in the slot and wakes the receiver, if it waits.
    fn put(&self, value: u64) {
        let previous = self.value.replace(Some(value));
        assert!(previous.is_none(), "the baton was passed twice without being taken");
        // Take the waker out before waking: wake may run other code.
        let receiver = self.receiver.borrow_mut().take();
        if let Some(receiver) = receiver {
            receiver.wake();
        }
    }

    /// Waits for a value and takes it.
    async fn take(&self) -> u64 {
        poll_fn(|cx| match self.value.take() {
            Some(value) => Poll::Ready(value),
            None => {
                *self.receiver.borrow_mut() = Some(cx.waker().clone());
                Poll::Pending
            }
        })
        .await
    }
}

/// Task A sends 0, 1, 2… to B; B sends each one back plus one. Every
/// round trip is two wakes and two polls, one on each side.
pub async fn ping_pong<R: Rt>(round_trips: u64) -> u64 {
    let to_b = Rc::new(Slot::default());
    let to_a = Rc::new(Slot::default());
    let (a_out, a_in) = (to_b.clone(), to_a.clone());
    let a = R::spawn(async move {
        let mut sum = 0;
        for i in 0..round_trips {
            a_out.put(i);
            sum += a_in.take().await;
        }
        sum
    });
    let b = R::spawn(async move {
        for _ in 0..round_trips {
            let value = to_b.take().await;
            to_a.put(value + 1);
        }
    });
    b.await.expect("task B failed");
    a.await.expect("task A failed")
}

/// Spawns `n` tasks that count themselves in and then wait forever, waits
/// until all of them have run once, and returns: the runtime then has to
/// cancel and drop `n` live tasks (asyncio.run and a dropped `LocalSet`
/// both do).
pub async fn shutdown<R: Rt>(n: usize) -> u64 {
    let started = Rc::new(Cell::new(0));
    for _ in 0..n {
        let started = started.clone();
        // Dropping the handle detaches the task; it stays alive.
        drop(R::spawn(async move {
            started.set(started.get() + 1);
            std::future::pending::<()>().await;
        }));
    }
    while started.get() < n {
        R::yield_now().await;
    }
    n as u64
}
