//! `Semaphore`: at most N at a time (asyncio's `Semaphore`).
//!
//! A counter of permits plus a waiter queue. `acquire` takes a permit if
//! one is free; otherwise the task queues. A permit coming back (a
//! [`SemaphorePermit`] dropped, or [`Semaphore::add_permits`]) goes straight
//! to the first waiter if there is one, marked as notified, and only
//! returns to the counter when nobody waits. Since a free permit and a
//! waiting task never exist together, waiters are served strictly in order
//! and a newcomer cannot take the permit a woken waiter is about to pick
//! up.
//!
//! Cancellation: an `acquire` dropped while waiting leaves the line; one
//! dropped after a permit was handed to it (notified, not yet polled)
//! gives the permit to the next waiter. No permit is ever lost.
//!
//! Chapter: docs/src/11-sync.md

use std::cell::{Cell, RefCell};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use super::waiters::{WaiterKey, WaiterQueue};
use crate::coop;

/// A set of permits for tasks on one loop: asyncio's `Semaphore`.
///
/// ```
/// use std::rc::Rc;
/// use std::time::Duration;
/// use aioli::sync::Semaphore;
///
/// aioli::run(async {
///     let limit = Rc::new(Semaphore::new(2));
///     let jobs = (0..5).map(|_| {
///         let limit = limit.clone();
///         async move {
///             let _permit = limit.acquire().await; // released when dropped
///             aioli::time::sleep(Duration::from_millis(5)).await;
///         }
///     });
///     aioli::join_all(jobs).await; // at most two sleep at once
///     assert_eq!(limit.available_permits(), 2);
/// });
/// ```
pub struct Semaphore {
    /// Free permits. Changed by `acquire`/`try_acquire` (down), and by a
    /// release that finds nobody waiting (up).
    permits: Cell<usize>,
    /// Tasks waiting for a permit, first come first served.
    waiters: RefCell<WaiterQueue>,
}

/// Why [`Semaphore::try_acquire`] gave no permit: all are taken.
/// `acquire().await` waits for one instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TryAcquireError;

impl fmt::Display for TryAcquireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "every permit of the semaphore is taken")
    }
}

impl std::error::Error for TryAcquireError {}

impl Semaphore {
    /// A semaphore with `permits` free permits.
    pub fn new(permits: usize) -> Semaphore {
        Semaphore { permits: Cell::new(permits), waiters: RefCell::new(WaiterQueue::new()) }
    }

    /// Waits for a permit, in line behind the tasks that asked before:
    /// `async with sem:`. The permit goes back when dropped.
    pub fn acquire(&self) -> Acquire<'_> {
        Acquire { semaphore: self, state: AcquireState::Start }
    }

    /// Takes a permit if one is free right now.
    ///
    /// ```
    /// use aioli::sync::{Semaphore, TryAcquireError};
    ///
    /// let semaphore = Semaphore::new(1);
    /// let permit = semaphore.try_acquire();
    /// assert!(permit.is_ok());
    /// assert_eq!(semaphore.try_acquire().err(), Some(TryAcquireError));
    /// ```
    pub fn try_acquire(&self) -> Result<SemaphorePermit<'_>, TryAcquireError> {
        // A free permit means nobody waits (see the module header), so
        // taking it jumps no queue.
        match self.permits.get() {
            0 => Err(TryAcquireError),
            n => {
                self.permits.set(n - 1);
                Ok(SemaphorePermit { semaphore: self })
            }
        }
    }

    /// How many permits are free now.
    pub fn available_permits(&self) -> usize {
        self.permits.get()
    }

    /// Adds `n` permits, handing them to waiters first (asyncio: calling
    /// `release()` without an `acquire`).
    pub fn add_permits(&self, n: usize) {
        let mut left = n;
        // One permit per waiter, first in line first...
        while left > 0 {
            let next = self.waiters.borrow_mut().notify_one();
            match next {
                Some(waker) => {
                    waker.wake();
                    left -= 1;
                }
                None => break,
            }
        }
        // ...and the rest to the counter, in one step (n may be huge).
        self.permits.set(self.permits.get().saturating_add(left));
    }

    /// One permit comes back: to the first waiter, or to the counter.
    fn release(&self) {
        self.add_permits(1);
    }
}

impl fmt::Debug for Semaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Semaphore")
            .field("permits", &self.permits.get())
            .field("waiters", &self.waiters.borrow())
            .finish()
    }
}

/// One permit of a [`Semaphore`], given back when dropped.
#[must_use = "the permit is given back as soon as it is dropped"]
pub struct SemaphorePermit<'a> {
    /// Where the permit goes back to.
    semaphore: &'a Semaphore,
}

impl SemaphorePermit<'_> {
    /// Keeps the permit out for good: the semaphore has one permit fewer.
    pub fn forget(self) {
        std::mem::forget(self);
    }
}

impl Drop for SemaphorePermit<'_> {
    fn drop(&mut self) {
        self.semaphore.release();
    }
}

impl fmt::Debug for SemaphorePermit<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SemaphorePermit").finish_non_exhaustive()
    }
}

/// Where an [`Acquire`] future is.
enum AcquireState {
    /// Not polled yet.
    Start,
    /// In the waiter queue under this key.
    Waiting(WaiterKey),
    /// Returned its permit.
    Done,
}

/// The future returned by [`Semaphore::acquire`].
#[must_use = "futures do nothing unless you .await them"]
pub struct Acquire<'a> {
    /// The semaphore to take a permit from.
    semaphore: &'a Semaphore,
    /// Where this future is; its `Waiting` key is removed on drop.
    state: AcquireState,
}

impl<'a> Future for Acquire<'a> {
    type Output = SemaphorePermit<'a>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<SemaphorePermit<'a>> {
        ready!(coop::poll_proceed(cx));
        let semaphore = self.semaphore;
        match std::mem::replace(&mut self.state, AcquireState::Done) {
            AcquireState::Start => match semaphore.try_acquire() {
                Ok(permit) => Poll::Ready(permit),
                Err(TryAcquireError) => {
                    self.state = AcquireState::Waiting(semaphore.waiters.borrow_mut().push(Some(cx.waker())));
                    Poll::Pending
                }
            },
            AcquireState::Waiting(key) => {
                let mut waiters = semaphore.waiters.borrow_mut();
                if waiters.notified(&key).is_some() {
                    // A release handed its permit to us; the counter never saw it.
                    waiters.remove(key);
                    return Poll::Ready(SemaphorePermit { semaphore });
                }
                waiters.update_waker(&key, cx.waker());
                drop(waiters);
                self.state = AcquireState::Waiting(key);
                Poll::Pending
            }
            AcquireState::Done => panic!("Semaphore::acquire future polled after it returned its permit"),
        }
    }
}

impl Drop for Acquire<'_> {
    fn drop(&mut self) {
        if let AcquireState::Waiting(key) = std::mem::replace(&mut self.state, AcquireState::Done) {
            let was_notified = self.semaphore.waiters.borrow_mut().remove(key).is_some();
            if was_notified {
                // Handed a permit we will never use: pass it on.
                self.semaphore.release();
            }
        }
    }
}

impl fmt::Debug for Acquire<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Acquire").field("waiting", &matches!(self.state, AcquireState::Waiting(_))).finish()
    }
}
