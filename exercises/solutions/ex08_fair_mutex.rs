//! Solution to exercise 8: an async mutex that hands the lock to the
//! first waiter. The exercise, its hints and its tests:
//! `exercises/src/ex08_fair_mutex.rs`, `exercises/tests/ex08_fair_mutex.rs`.

use std::cell::{RefCell, RefMut};
use std::collections::VecDeque;
use std::future::Future;
use std::ops::{Deref, DerefMut};
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

/// The lock's bookkeeping.
#[derive(Default)]
struct State {
    /// Whether some guard exists, or the lock is on its way to a waiter.
    locked: bool,
    /// Waiters in the order they came: their ticket and their waker.
    line: VecDeque<(u64, Option<Waker>)>,
    /// The next waiter's ticket.
    next_ticket: u64,
    /// The waiter the lock was handed to, if it has not taken it yet.
    handed_to: Option<u64>,
}

/// An async mutex, one thread only.
pub struct SimpleMutex<T> {
    state: RefCell<State>,
    value: RefCell<T>,
}

/// Proof of holding the lock; unlocks when dropped.
pub struct SimpleGuard<'a, T> {
    mutex: &'a SimpleMutex<T>,
    value: RefMut<'a, T>,
}

/// The future returned by [`SimpleMutex::lock`].
pub struct LockFuture<'a, T> {
    mutex: &'a SimpleMutex<T>,
    /// Our place in the line, once we had to wait.
    ticket: Option<u64>,
}

impl<T> SimpleMutex<T> {
    /// An unlocked mutex holding `value`.
    pub fn new(value: T) -> SimpleMutex<T> {
        SimpleMutex { state: RefCell::new(State::default()), value: RefCell::new(value) }
    }

    /// Waits for the lock.
    pub fn lock(&self) -> LockFuture<'_, T> {
        LockFuture { mutex: self, ticket: None }
    }

    /// Whether the lock is held (or on its way to a waiter).
    pub fn is_locked(&self) -> bool {
        self.state.borrow().locked
    }

    fn guard(&self) -> SimpleGuard<'_, T> {
        SimpleGuard { mutex: self, value: self.value.borrow_mut() }
    }

    /// Called when a guard is dropped, or by a waiter that gives up after
    /// the lock was handed to it.
    fn unlock(&self) {
        let mut state = self.state.borrow_mut();
        match state.line.pop_front() {
            // Someone waits: the lock goes to them and stays locked on the
            // way, so a task that calls lock() before they run must queue.
            Some((ticket, waker)) => {
                state.handed_to = Some(ticket);
                drop(state);
                if let Some(waker) = waker {
                    waker.wake();
                }
            }
            None => state.locked = false,
        }
    }
}

impl<'a, T> Future for LockFuture<'a, T> {
    type Output = SimpleGuard<'a, T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<SimpleGuard<'a, T>> {
        let mutex = self.mutex;
        let mut state = mutex.state.borrow_mut();
        match self.ticket {
            // First poll: the lock is ours only if it is free and nobody
            // is ahead of us; otherwise, to the back of the line.
            None => {
                if !state.locked && state.line.is_empty() {
                    state.locked = true;
                    drop(state);
                    return Poll::Ready(mutex.guard());
                }
                let ticket = state.next_ticket;
                state.next_ticket += 1;
                state.line.push_back((ticket, Some(cx.waker().clone())));
                drop(state);
                self.ticket = Some(ticket);
                Poll::Pending
            }
            // Waiting: ours once unlock handed it to our ticket.
            Some(ticket) if state.handed_to == Some(ticket) => {
                state.handed_to = None;
                drop(state);
                self.ticket = None; // nothing left for our Drop to undo
                Poll::Ready(mutex.guard())
            }
            // Still in line: keep the newest waker (the task may have been
            // moved into a select since the last poll).
            Some(ticket) => {
                if let Some(entry) = state.line.iter_mut().find(|(waiting, _)| *waiting == ticket) {
                    entry.1 = Some(cx.waker().clone());
                }
                Poll::Pending
            }
        }
    }
}

impl<T> Drop for LockFuture<'_, T> {
    fn drop(&mut self) {
        let Some(ticket) = self.ticket else { return };
        let mut state = self.mutex.state.borrow_mut();
        if state.handed_to == Some(ticket) {
            // The lock was on its way to us: pass it on, or the next
            // waiter would wait for a hand-off that never comes.
            state.handed_to = None;
            drop(state);
            self.mutex.unlock();
        } else {
            state.line.retain(|(waiting, _)| *waiting != ticket);
        }
    }
}

impl<T> Deref for SimpleGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> DerefMut for SimpleGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.value
    }
}

impl<T> Drop for SimpleGuard<'_, T> {
    fn drop(&mut self) {
        // The next holder cannot borrow the value before this borrow
        // ends: unlock only wakes it, and it runs after this drop is over.
        self.mutex.unlock();
    }
}
