//! Coordinating tasks: locks, permits, events, condition variables,
//! queues and channels (asyncio's `Lock`, `Semaphore`, `Event`,
//! `Condition`, `Queue`; plus `oneshot` and `mpsc`).
//!
//! Every primitive here is the same idea in a different coat: a **waiter
//! queue** (`waiters.rs`). A future that cannot go on yet (the lock is held,
//! no permit is free, no item has arrived) stores its task's waker in a
//! FIFO list the primitive owns, and returns `Pending`. Whoever makes
//! progress possible (unlock, release, put, send, set, notify) marks the
//! first waiter as *notified* and wakes it; for a lock, a permit or a
//! queue slot, being notified means being *handed* it, so nobody can barge
//! in between the wake and the woken task's turn. That is what makes every
//! primitive here fair: first come, first served.
//!
//! **Cancellation loses nothing.** In Rust a waiting future is cancelled by
//! being dropped, at any `.await`, by `select`, `timeout` or `abort`. So
//! each waiter removes itself from its queue when dropped, and if it had
//! already been handed something (a notified lock waiter, a permit, a
//! reserved item or slot, a `notify_one`), it passes that on to the next
//! waiter. The tests in `runtime/tests/sync.rs` drop a waiter at each of
//! those moments.
//!
//! **Which are thread-safe.** [`Mutex`], [`Semaphore`], [`Event`],
//! [`Condvar`] and [`Queue`] are for tasks on one loop, like asyncio's:
//! they use `Cell` and `RefCell`, are not `Sync`, and cost no atomic
//! operation. (Share them between tasks with `Rc`.) [`oneshot`] and
//! [`mpsc`] are the way *into* the loop from other threads (a thread
//! computing a result, a blocking-pool worker reporting progress), so they
//! keep their state behind a `std::sync::Mutex` and are `Send` when `T:
//! Send`; their wakers are `Send` already (see `task/waker.rs`). Plain
//! threads use them too, with `blocking_send` / `blocking_recv` (`park.rs`).
//!
//! tokio's `tokio::sync` (`Mutex`, `Semaphore`, `Notify`, `mpsc`,
//! `oneshot`) is built the same way, but every type is `Send + Sync`, with
//! atomics and intrusive linked lists of waiters; here a `Slab` and a
//! `VecDeque` do the job in a way one can print and step through.
//!
//! Chapter: docs/src/11-sync.md

mod condvar;
mod event;
pub mod mpsc;
mod mutex;
pub mod oneshot;
mod park;
mod queue;
mod semaphore;
mod waiters;

pub use condvar::Condvar;
pub use event::{Event, EventWait};
pub use mutex::{Lock, Mutex, MutexGuard};
pub use queue::{Get, Put, Queue, QueueEmpty, QueueFull, TaskDoneError};
pub use semaphore::{Acquire, Semaphore, SemaphorePermit, TryAcquireError};
