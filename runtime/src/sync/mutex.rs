//! `Mutex`: asyncio's `Lock`, with the data it protects inside.
//!
//! A `std::sync::Mutex` blocks the *thread* while it waits, and here the
//! thread is the loop: one task waiting for a lock that another task holds
//! across an `.await` would stop every task, the holder included, forever.
//! This mutex makes the *task* wait instead: `lock().await` returns
//! `Pending` and the loop runs someone else.
//!
//! The lock is handed over, not released: when a guard drops and a task
//! waits, the lock goes straight to the first waiter (it stays `locked`
//! the whole time) and the waiter is woken to pick it up. A task that calls
//! `lock()` meanwhile finds it locked and queues behind. So waiters get
//! the lock strictly in the order they asked, and nobody can barge in
//! while a woken waiter is on its way (asyncio's `Lock` is FIFO too; tokio's
//! `Mutex` does the same, over its semaphore).
//!
//! Cancellation: a `lock()` future dropped while waiting leaves the line;
//! one dropped after the lock was handed to it passes the lock on, so a
//! cancelled waiter never stalls the ones behind it.
//!
//! Chapter: docs/src/11-sync.md

use std::cell::{Cell, RefCell, RefMut};
use std::fmt;
use std::future::Future;
use std::ops::{Deref, DerefMut};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use super::waiters::{WaiterKey, WaiterQueue};
use crate::coop;

/// An async mutual-exclusion lock for tasks on one loop: asyncio's `Lock`.
///
/// Unlike asyncio's `Lock`, it owns the value it protects (as every Rust
/// mutex does), so the only way to the value is through the guard that
/// `lock().await` returns. Dropping the guard unlocks.
///
/// ```
/// use std::rc::Rc;
/// use std::time::Duration;
/// use aioli::sync::Mutex;
///
/// aioli::run(async {
///     let counter = Rc::new(Mutex::new(0));
///     let tasks: Vec<_> = (0..3)
///         .map(|_| {
///             let counter = counter.clone();
///             aioli::spawn(async move {
///                 let mut value = counter.lock().await;
///                 let read = *value;
///                 // Held across an await: nobody else sees the half-done update.
///                 aioli::time::sleep(Duration::from_millis(1)).await;
///                 *value = read + 1;
///             })
///         })
///         .collect();
///     aioli::join_all(tasks).await;
///     assert_eq!(*counter.lock().await, 3);
/// });
/// ```
// ANCHOR: mutex
#[doc(alias = "Lock")]
pub struct Mutex<T: ?Sized> {
    /// True from a successful lock until the last guard is gone and no one
    /// waits. Stays true while the lock is handed from one owner to the next.
    locked: Cell<bool>,
    /// Tasks waiting for the lock, first come first served.
    waiters: RefCell<WaiterQueue>,
    /// The protected value. A `RefCell` rather than `UnsafeCell` because the
    /// crate has no `unsafe`; the lock guarantees its `borrow_mut` never
    /// finds another borrow, so it never panics.
    value: RefCell<T>,
}
// ANCHOR_END: mutex

impl<T> Mutex<T> {
    /// An unlocked mutex holding `value`.
    pub fn new(value: T) -> Mutex<T> {
        Mutex { locked: Cell::new(false), waiters: RefCell::new(WaiterQueue::new()), value: RefCell::new(value) }
    }

    /// The value, taking the mutex apart: no lock needed, nobody else can hold it.
    pub fn into_inner(self) -> T {
        self.value.into_inner()
    }
}

impl<T: ?Sized> Mutex<T> {
    /// Waits for the lock, in line behind the tasks that asked before:
    /// `async with lock:`. The guard unlocks when dropped.
    pub fn lock(&self) -> Lock<'_, T> {
        Lock { mutex: self, state: LockState::Start }
    }

    /// Takes the lock if it is free right now, without waiting: `None` if
    /// another task holds it or is first in line for it.
    ///
    /// ```
    /// let mutex = aioli::sync::Mutex::new("data");
    /// let guard = mutex.try_lock();
    /// assert!(guard.is_some());
    /// assert!(mutex.try_lock().is_none(), "already held");
    /// drop(guard);
    /// assert!(mutex.try_lock().is_some());
    /// ```
    pub fn try_lock(&self) -> Option<MutexGuard<'_, T>> {
        if self.locked.get() {
            return None;
        }
        self.locked.set(true);
        Some(self.guard())
    }

    /// Whether some task holds the lock (or it is on its way to a waiter):
    /// asyncio's `lock.locked()`.
    pub fn is_locked(&self) -> bool {
        self.locked.get()
    }

    /// A mutable reference to the value: `&mut self` proves no guard exists.
    pub fn get_mut(&mut self) -> &mut T {
        self.value.get_mut()
    }

    /// Makes the guard for a lock the caller now owns.
    fn guard(&self) -> MutexGuard<'_, T> {
        MutexGuard { mutex: self, value: self.value.borrow_mut() }
    }

    // ANCHOR: release
    /// Gives the lock up: to the first waiter if there is one, else unlocks.
    fn release(&self) {
        let next = self.waiters.borrow_mut().notify_one();
        match next {
            // `locked` stays true: the lock now belongs to that waiter.
            Some(waker) => waker.wake(),
            None => self.locked.set(false),
        }
    }
    // ANCHOR_END: release
}

impl<T: Default> Default for Mutex<T> {
    fn default() -> Mutex<T> {
        Mutex::new(T::default())
    }
}

impl<T: ?Sized> fmt::Debug for Mutex<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mutex").field("locked", &self.locked.get()).field("waiters", &self.waiters.borrow()).finish()
    }
}

/// Where a [`Lock`] future is.
enum LockState {
    /// Not polled yet.
    Start,
    /// In the waiter queue under this key.
    Waiting(WaiterKey),
    /// Returned the guard.
    Done,
}

/// The future returned by [`Mutex::lock`].
#[must_use = "futures do nothing unless you .await them"]
pub struct Lock<'a, T: ?Sized> {
    /// The mutex to lock.
    mutex: &'a Mutex<T>,
    /// Where this future is; its `Waiting` key is removed on drop.
    state: LockState,
}

// ANCHOR: lock_poll
impl<'a, T: ?Sized> Future for Lock<'a, T> {
    type Output = MutexGuard<'a, T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<MutexGuard<'a, T>> {
        // Even an uncontended lock spends budget, so a task that locks in
        // a loop still lets the others run (see coop.rs).
        ready!(coop::poll_proceed(cx));
        let mutex = self.mutex;
        match std::mem::replace(&mut self.state, LockState::Done) {
            LockState::Start => {
                // Free means free for us: if anyone waited, the lock would
                // have been handed to them and still be `locked`.
                if !mutex.locked.get() {
                    mutex.locked.set(true);
                    return Poll::Ready(mutex.guard());
                }
                self.state = LockState::Waiting(mutex.waiters.borrow_mut().push(Some(cx.waker())));
                Poll::Pending
            }
            LockState::Waiting(key) => {
                let mut waiters = mutex.waiters.borrow_mut();
                if waiters.notified(&key).is_some() {
                    // The releasing owner handed the lock to us.
                    waiters.remove(key);
                    drop(waiters);
                    return Poll::Ready(mutex.guard());
                }
                waiters.update_waker(&key, cx.waker());
                drop(waiters);
                self.state = LockState::Waiting(key);
                Poll::Pending
            }
            LockState::Done => panic!("Mutex::lock future polled after it returned its guard"),
        }
    }
}
// ANCHOR_END: lock_poll

// ANCHOR: lock_drop
impl<T: ?Sized> Drop for Lock<'_, T> {
    fn drop(&mut self) {
        if let LockState::Waiting(key) = std::mem::replace(&mut self.state, LockState::Done) {
            let was_notified = self.mutex.waiters.borrow_mut().remove(key).is_some();
            if was_notified {
                // We were handed the lock but will never use it: pass it on,
                // or every task behind us would wait forever.
                self.mutex.release();
            }
        }
    }
}
// ANCHOR_END: lock_drop

impl<T: ?Sized> fmt::Debug for Lock<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Lock").field("waiting", &matches!(self.state, LockState::Waiting(_))).finish()
    }
}

/// Access to a locked [`Mutex`]'s value; unlocks when dropped.
///
/// Holding a guard across an `.await` is fine (that is what an async mutex
/// is for), but every task that wants the lock waits that long.
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct MutexGuard<'a, T: ?Sized> {
    /// The mutex to release on drop; `Condvar::wait` also uses it to lock again.
    pub(super) mutex: &'a Mutex<T>,
    /// The borrow of the value, held as long as the lock.
    value: RefMut<'a, T>,
}

impl<T: ?Sized> Deref for MutexGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: ?Sized> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.value
    }
}

impl<T: ?Sized> Drop for MutexGuard<'_, T> {
    fn drop(&mut self) {
        // The `RefMut` is still alive here (fields drop after this body);
        // that is fine, a waiter only borrows the value once it is polled.
        self.mutex.release();
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.value, f)
    }
}

#[cfg(test)]
mod tests {
    use std::pin::pin;
    use std::task::{Context, Poll, Waker};

    use super::*;

    #[test]
    fn the_lock_is_handed_to_the_first_waiter_not_unlocked() {
        let mutex = Mutex::new(1);
        let mut cx = Context::from_waker(Waker::noop());
        let guard = mutex.try_lock();
        let mut waiter = pin!(mutex.lock());
        assert!(waiter.as_mut().poll(&mut cx).is_pending());
        drop(guard);
        assert!(mutex.is_locked(), "handed over, still locked");
        assert!(mutex.try_lock().is_none(), "a newcomer cannot barge in");
        match waiter.as_mut().poll(&mut cx) {
            Poll::Ready(guard) => assert_eq!(*guard, 1),
            Poll::Pending => panic!("the waiter should own the lock"),
        }
        assert!(!mutex.is_locked());
    }
}
