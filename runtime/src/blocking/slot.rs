//! The slot a blocking job's result travels back through.
//!
//! A pool thread cannot touch the loop's task table (it lives in an `Rc`
//! on the loop's thread), so the result comes back the way every result
//! from another thread does: it is put somewhere both threads can reach,
//! and the waiting task's `Waker` (which is `Send`) is called. Here that
//! somewhere is one `Arc<Mutex<..>>` per job, with two handles on it:
//!
//! - the [`Completer`] goes to the pool thread, inside the job; it stores
//!   the closure's outcome (its value, or the payload of its panic) and
//!   wakes the task;
//! - the [`BlockingResult`] future stays with the loop task that
//!   `spawn_blocking` spawned; it is `Pending` until the outcome is there.
//!
//! ```text
//!   loop thread                                  pool thread
//!   ───────────                                  ───────────
//!   BlockingResult::poll: empty,                 runs f()
//!     store cx.waker() ──────▶ Slot ◀─────────── Completer::complete(outcome)
//!                              │                   takes the waker, wakes it
//!   next tick: poll again  ◀───┘ (channel + mio::Waker)
//!     finds the outcome: Ready
//! ```
//!
//! It is a oneshot channel, written out: tokio's blocking pool hands the
//! result back the same way (its `BlockingTask` completes a task whose
//! `JoinHandle` holds the waker).
//!
//! Chapter: docs/src/13-blocking-pool.md

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};

/// What a job produced: its value, or the payload of the panic that
/// ended it (as `std::panic::catch_unwind` returns it).
pub(crate) type Outcome<T> = std::thread::Result<T>;

/// The state both sides share.
struct Slot<T> {
    state: Mutex<SlotState<T>>,
}

// ANCHOR: slot_state
struct SlotState<T> {
    /// Set once by the pool thread, taken once by the loop task.
    outcome: Option<Outcome<T>>,
    /// The loop task to wake when `outcome` arrives. Stored by every
    /// `Pending` poll, taken by `complete`.
    waker: Option<Waker>,
    /// The loop side is gone (its task was aborted or the loop ended): a
    /// job not started yet need not run, and a result has nowhere to go.
    abandoned: bool,
}
// ANCHOR_END: slot_state

impl<T> Slot<T> {
    /// Locks the state. Nothing that runs under this lock can panic (it
    /// only moves values in and out), so a poisoned lock can only come
    /// from a waker's destructor; the state is still consistent, so use it.
    fn lock(&self) -> MutexGuard<'_, SlotState<T>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A new, empty slot: the pool thread's end and the loop's end.
pub(crate) fn slot<T>() -> (Completer<T>, BlockingResult<T>) {
    let slot = Arc::new(Slot { state: Mutex::new(SlotState { outcome: None, waker: None, abandoned: false }) });
    (Completer { slot: Some(slot.clone()) }, BlockingResult { slot })
}

/// The pool thread's end: stores the outcome and wakes the loop task.
pub(crate) struct Completer<T> {
    /// `None` once the outcome has been delivered.
    slot: Option<Arc<Slot<T>>>,
}

impl<T> Completer<T> {
    /// Whether nobody waits for the outcome any more.
    pub(crate) fn is_abandoned(&self) -> bool {
        match &self.slot {
            Some(slot) => slot.lock().abandoned,
            None => true,
        }
    }

    /// Delivers the outcome and wakes the task waiting for it.
    pub(crate) fn complete(mut self, outcome: Outcome<T>) {
        if let Some(slot) = self.slot.take() {
            deliver(&slot, outcome);
        }
    }
}

impl<T> Drop for Completer<T> {
    /// A job dropped before it delivered anything (the pool could not run
    /// it) must still end the wait, or its task would hang forever. It
    /// ends it with a panic payload, which the task re-raises, so the
    /// handle reports `JoinError::Panicked` with this message.
    fn drop(&mut self) {
        if let Some(slot) = self.slot.take() {
            let message = "the blocking pool dropped this job before running it (it could not start a thread)";
            deliver(&slot, Err(Box::new(message)));
        }
    }
}

fn deliver<T>(slot: &Slot<T>, outcome: Outcome<T>) {
    let mut state = slot.lock();
    if state.abandoned {
        // Nobody will read it. `outcome` is dropped here, on this pool
        // thread, after the lock is released (its destructor is user code).
        drop(state);
        drop(outcome);
        return;
    }
    state.outcome = Some(outcome);
    let waker = state.waker.take();
    // Wake after unlocking: the loop may poll the task at once, and its
    // poll takes this same lock.
    drop(state);
    if let Some(waker) = waker {
        waker.wake();
    }
}

/// The loop's end: a future that is ready once the job's outcome is in.
pub(crate) struct BlockingResult<T> {
    slot: Arc<Slot<T>>,
}

impl<T> Future for BlockingResult<T> {
    type Output = Outcome<T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Outcome<T>> {
        let mut state = self.slot.lock();
        if let Some(outcome) = state.outcome.take() {
            return Poll::Ready(outcome);
        }
        // Store the waker under the same lock the pool thread takes to
        // deliver: either we see the outcome above, or it sees our waker.
        match &state.waker {
            Some(old) if old.will_wake(cx.waker()) => {}
            _ => state.waker = Some(cx.waker().clone()),
        }
        Poll::Pending
    }
}

impl<T> Drop for BlockingResult<T> {
    fn drop(&mut self) {
        let mut state = self.slot.lock();
        state.abandoned = true;
        state.waker = None;
        // An outcome that arrived but was never taken: dropped with the
        // slot (here or on the pool thread, whichever lets go last).
    }
}
