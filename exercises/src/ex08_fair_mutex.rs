//! Exercise 8 — an async mutex with a fairness bug: the latecomer barges in.
//!
//! [`SimpleMutex`] works: one holder at a time, waiters sleep until the
//! lock is free, and a waiter that is cancelled leaves the line. But
//! watch a task that unlocks and locks again at once, in a loop, while
//! another task waits: on unlock, the mutex marks itself free and wakes
//! the waiter; the waiter only *runs* later, and before it does, the
//! first task (still running) calls `lock()` again, finds the mutex
//! free, and takes it back. The waiter wakes to a locked mutex, goes to
//! the back of the line, and starves for as long as the loop goes on.
//!
//! Fix it with a **hand-off**: when a guard is dropped and someone is
//! waiting, the lock is not set free but handed straight to the first
//! waiter; it stays locked in between, so a latecomer must queue. Then
//! waiters are served first come, first served. The tests check the
//! order in which tasks get the lock, that the mutex still excludes,
//! and that a waiter cancelled after the lock was handed to it passes
//! the lock on (or the next waiter would hang).
//!
//! Hints:
//! - Give each waiter a ticket (`State::next_ticket`) and keep
//!   `(ticket, Option<Waker>)` in the line. On unlock, if the line is not
//!   empty, pop the first, record `handed_to = Some(ticket)`, keep
//!   `locked = true`, and wake it.
//! - A waiter's `poll`: if `handed_to` is its ticket, the lock is its own.
//!   A new `lock()` may take the lock only if it is free *and* nobody
//!   waits.
//! - `Drop for LockFuture`: a waiter that gives up leaves the line; if the
//!   lock was already handed to it, hand it on (the same code as unlock).
//! - aioli's `Mutex` (runtime/src/sync/mutex.rs) hands off the same way.
//!   asyncio's Lock does not quite: it lets a newcomer take a lock that
//!   was released while the woken waiter had not run yet.
//!
//! Run the tests: `cargo test -p aioli-exercises --features mine --test ex08_fair_mutex`
//! Read: docs/src/11-sync.md (fairness and hand-off).

use std::cell::{RefCell, RefMut};
use std::collections::VecDeque;
use std::future::Future;
use std::ops::{Deref, DerefMut};
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

/// The lock's bookkeeping.
#[derive(Default)]
struct State {
    /// Whether some guard exists (or, once you add the hand-off, the lock
    /// is on its way to a waiter).
    locked: bool,
    /// Waiters in the order they came: their ticket and their waker.
    line: VecDeque<(u64, Option<Waker>)>,
    /// The next waiter's ticket.
    next_ticket: u64,
    /// The waiter the lock was handed to, if it has not taken it yet.
    /// (Unused until you write the hand-off.)
    #[allow(dead_code)]
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

    // ANCHOR: unlock
    /// Called when a guard is dropped.
    fn unlock(&self) {
        let mut state = self.state.borrow_mut();
        // THE BUG is here: the lock is set free, and the first waiter is
        // only told to come and look. Whoever runs first takes it.
        state.locked = false;
        if let Some((_, Some(waker))) = state.line.pop_front() {
            drop(state);
            waker.wake();
        }
    }
    // ANCHOR_END: unlock
}

impl<'a, T> Future for LockFuture<'a, T> {
    type Output = SimpleGuard<'a, T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<SimpleGuard<'a, T>> {
        let mutex = self.mutex;
        let mut state = mutex.state.borrow_mut();
        if !state.locked {
            state.locked = true;
            if let Some(ticket) = self.ticket.take() {
                state.line.retain(|(waiting, _)| *waiting != ticket);
            }
            drop(state);
            return Poll::Ready(mutex.guard());
        }
        // Locked: get in line (again, at the back, if unlock took us out).
        let ticket = match self.ticket {
            Some(ticket) if state.line.iter().any(|(waiting, _)| *waiting == ticket) => ticket,
            _ => {
                let ticket = state.next_ticket;
                state.next_ticket += 1;
                state.line.push_back((ticket, None));
                ticket
            }
        };
        if let Some(entry) = state.line.iter_mut().find(|(waiting, _)| *waiting == ticket) {
            entry.1 = Some(cx.waker().clone());
        }
        drop(state);
        self.ticket = Some(ticket);
        Poll::Pending
    }
}

impl<T> Drop for LockFuture<'_, T> {
    fn drop(&mut self) {
        if let Some(ticket) = self.ticket {
            self.mutex.state.borrow_mut().line.retain(|(waiting, _)| *waiting != ticket);
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
