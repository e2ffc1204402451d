//! `Condvar`: wait for a condition on data a `Mutex` protects (asyncio's
//! `Condition`).
//!
//! `wait(guard)` does three things in order: it puts the task in the
//! condvar's waiter queue, *then* unlocks the mutex (dropping the guard),
//! then, once notified, locks the mutex again and returns the new guard.
//! Getting in line before unlocking is what makes it safe: whoever takes
//! the lock next and changes the data will find us in line when it calls
//! `notify_one`, so the notification cannot slip past between "unlock"
//! and "start waiting". (On one thread nothing can run in between anyway,
//! but a condvar that depended on that would be a trap for the reader who
//! ports it.)
//!
//! Cancellation: a `wait` dropped after a `notify_one` chose it, but before
//! it ran, passes the notification to the next waiter, so a `notify_one`
//! always reaches a task that is still waiting if there is one. A dropped
//! `notify_all` waiter passes nothing on: everyone was woken anyway. A
//! `wait` dropped while re-locking leaves the mutex's queue as any `lock`
//! does (asyncio would re-acquire the lock before raising `CancelledError`;
//! a Rust destructor cannot wait, so the guard is simply never returned).
//!
//! Chapter: docs/src/11-sync.md

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::mutex::MutexGuard;
use super::waiters::{wake_all, Notified, WaiterKey, WaiterQueue};

/// A condition variable for tasks on one loop: asyncio's `Condition`.
///
/// As with every condition variable, a wake-up only says "look again":
/// check the condition in a loop (or use [`Condvar::wait_while`]).
///
/// ```
/// use std::rc::Rc;
/// use aioli::sync::{Condvar, Mutex};
///
/// aioli::run(async {
///     let state = Rc::new((Mutex::new(false), Condvar::new()));
///     let waiter = {
///         let state = state.clone();
///         aioli::spawn(async move {
///             let (ready, changed) = &*state;
///             let mut guard = ready.lock().await;
///             while !*guard {
///                 guard = changed.wait(guard).await; // unlocks while waiting
///             }
///             "saw it"
///         })
///     };
///     aioli::task::yield_now().await;
///     *state.0.lock().await = true;
///     state.1.notify_one();
///     assert_eq!(waiter.await.unwrap(), "saw it");
/// });
/// ```
#[derive(Default)]
#[doc(alias = "Condition")]
pub struct Condvar {
    /// Tasks waiting for a notification, first come first served.
    waiters: RefCell<WaiterQueue>,
}

impl Condvar {
    /// A condition variable nobody waits on.
    pub fn new() -> Condvar {
        Condvar::default()
    }

    /// Unlocks `guard`'s mutex, waits for a notification, locks the mutex
    /// again and returns the new guard: `await cond.wait()`.
    ///
    /// Use the same mutex for every wait on one condvar.
    // ANCHOR: condvar_wait
    pub async fn wait<'a, T: ?Sized>(&self, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
        let mutex = guard.mutex;
        // In line first, unlock second: see the module header.
        let notification = Notification { condvar: self, place_in_line: Some(self.waiters.borrow_mut().push(None)) };
        drop(guard);
        notification.await;
        mutex.lock().await
    }
    // ANCHOR_END: condvar_wait

    /// Waits while `condition` holds, re-checking after every notification:
    /// asyncio's `await cond.wait_for(predicate)` (with the test inverted,
    /// as in `std::sync::Condvar::wait_while`).
    pub async fn wait_while<'a, T: ?Sized>(
        &self,
        mut guard: MutexGuard<'a, T>,
        mut condition: impl FnMut(&mut T) -> bool,
    ) -> MutexGuard<'a, T> {
        while condition(&mut guard) {
            guard = self.wait(guard).await;
        }
        guard
    }

    /// Wakes the task that has waited longest, if any.
    pub fn notify_one(&self) {
        let waker = self.waiters.borrow_mut().notify_one();
        wake_all(waker);
    }

    /// Wakes every task waiting now.
    pub fn notify_all(&self) {
        let wakers = self.waiters.borrow_mut().notify_all();
        wake_all(wakers);
    }
}

impl fmt::Debug for Condvar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Condvar").field("waiters", &self.waiters.borrow()).finish()
    }
}

/// Ready once this waiter's entry has been notified.
struct Notification<'a> {
    /// The condvar whose queue holds the entry.
    condvar: &'a Condvar,
    /// Our place in the waiter queue, until the notification is consumed.
    place_in_line: Option<WaiterKey>,
}

impl Future for Notification<'_> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let condvar = self.condvar;
        let Some(key) = self.place_in_line.take() else {
            return Poll::Ready(());
        };
        let mut waiters = condvar.waiters.borrow_mut();
        if waiters.notified(&key).is_some() {
            waiters.remove(key);
            return Poll::Ready(());
        }
        waiters.update_waker(&key, cx.waker());
        drop(waiters);
        self.place_in_line = Some(key);
        Poll::Pending
    }
}

impl Drop for Notification<'_> {
    fn drop(&mut self) {
        if let Some(key) = self.place_in_line.take() {
            let how = self.condvar.waiters.borrow_mut().remove(key);
            if how == Some(Notified::One) {
                // A notify_one chose us and we will never act on it: give it
                // to the next waiter, as if it had been chosen instead.
                self.condvar.notify_one();
            }
        }
    }
}
