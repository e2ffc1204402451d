//! `oneshot`: one value, sent once, from anywhere (asyncio's `Future`
//! used as a result slot, `loop.create_future()` + `set_result`).
//!
//! Sender and receiver share an `Arc` holding, behind a
//! `std::sync::Mutex`, a `Slot` and the receiver's waker. `send` fills
//! the slot and wakes the receiver; dropping the sender without sending
//! marks the slot so the receiver gets [`RecvError`] instead of waiting
//! forever. The receiver *is* the future. The mutex makes both halves
//! `Send` (for `T: Send`): the classic use is a thread that computes
//! something and sends the answer to a task.
//!
//! ```text
//!          send(v)                    receiver polled
//!   Empty ─────────▶ Full(v) ─────────────────────────▶ Taken
//!     │                                                   ▲
//!     └─ sender dropped ─▶ SenderDropped ── polled ───────┘ (Err(RecvError))
//! ```
//!
//! Cancellation: dropping the receiver (say, in a `select` that another
//! branch won) drops a value already sent and makes later `send`s return
//! the value back to the sender.
//!
//! Chapter: docs/src/11-sync.md

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};

use super::park::block_on;

/// A channel for exactly one value.
///
/// ```
/// use aioli::sync::oneshot;
///
/// aioli::run(async {
///     let (tx, rx) = oneshot::channel();
///     // Another thread computes, a task awaits: the loop sleeps meanwhile.
///     std::thread::spawn(move || {
///         let _ = tx.send(6 * 7);
///     });
///     assert_eq!(rx.await, Ok(42));
/// });
/// ```
#[doc(alias("create_future", "Future"))]
pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let inner =
        Arc::new(Inner { state: Mutex::new(State { slot: Slot::Empty, receiver_gone: false, receiver_waker: None }) });
    (Sender { inner: Some(inner.clone()) }, Receiver { inner })
}

/// Where the value is; see the diagram in the module header.
enum Slot<T> {
    /// Nothing sent yet.
    Empty,
    /// Sent, waiting for the receiver.
    Full(T),
    /// The sender was dropped without sending.
    SenderDropped,
    /// The receiver has returned its result.
    Taken,
}

struct State<T> {
    /// The value's journey.
    slot: Slot<T>,
    /// Set when the receiver is dropped or closed: sending is pointless.
    receiver_gone: bool,
    /// The task awaiting the receiver.
    receiver_waker: Option<Waker>,
}

struct Inner<T> {
    state: Mutex<State<T>>,
}

impl<T> Inner<T> {
    /// Locks the state, taking over a poisoned lock: no user code runs
    /// under it, so the state is consistent (see the same in mpsc.rs).
    fn lock(&self) -> MutexGuard<'_, State<T>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The sending half of a [`oneshot::channel`](channel).
pub struct Sender<T> {
    /// `None` once `send` has used it, so `Drop` knows not to report a
    /// sender that vanished without sending.
    inner: Option<Arc<Inner<T>>>,
}

/// The receiving half of a [`oneshot::channel`](channel): a future that
/// gives the value, or [`RecvError`] if the sender was dropped first.
pub struct Receiver<T> {
    inner: Arc<Inner<T>>,
}

/// The sender was dropped without sending a value.
///
/// Usually the task or thread that held the [`Sender`] failed or returned
/// early; its own error (a `JoinError`, a log line) says why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecvError;

impl fmt::Display for RecvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the oneshot Sender was dropped without sending a value")
    }
}

impl std::error::Error for RecvError {}

/// Why [`Receiver::try_recv`] returned no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TryRecvError {
    /// Nothing sent yet; the sender is alive, so awaiting the receiver
    /// would wait for the value.
    Empty,
    /// The sender was dropped without sending, or the value was taken already.
    Closed,
}

impl fmt::Display for TryRecvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TryRecvError::Empty => write!(f, "no value has been sent yet"),
            TryRecvError::Closed => write!(f, "the sender was dropped without sending, or the value was taken already"),
        }
    }
}

impl std::error::Error for TryRecvError {}

impl<T> Sender<T> {
    /// Sends the value and wakes the receiver. If the receiver is gone,
    /// the value comes back as `Err(value)`.
    #[doc(alias("set_result", "set_exception"))]
    pub fn send(mut self, value: T) -> Result<(), T> {
        let Some(inner) = self.inner.take() else {
            // Unreachable: `send` consumes the sender, the only place that
            // empties `inner`. Give the value back rather than panic.
            return Err(value);
        };
        let mut state = inner.lock();
        if state.receiver_gone {
            // Nothing was sent, so put `inner` back: when `self` drops at
            // the end of this function, `Drop` marks the slot
            // `SenderDropped` and wakes a receiver that was closed but is
            // still awaited, so it gets `RecvError` instead of waiting forever.
            drop(state);
            self.inner = Some(inner);
            return Err(value);
        }
        state.slot = Slot::Full(value);
        let receiver = state.receiver_waker.take();
        drop(state);
        if let Some(waker) = receiver {
            waker.wake();
        }
        Ok(())
    }

    /// Whether the receiver is gone, so there is no point computing the value.
    pub fn is_closed(&self) -> bool {
        match &self.inner {
            Some(inner) => inner.lock().receiver_gone,
            None => true,
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let Some(inner) = self.inner.take() else { return };
        let mut state = inner.lock();
        if matches!(state.slot, Slot::Empty) {
            state.slot = Slot::SenderDropped;
        }
        let receiver = state.receiver_waker.take();
        drop(state);
        if let Some(waker) = receiver {
            waker.wake();
        }
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("oneshot::Sender").field("closed", &self.is_closed()).finish()
    }
}

impl<T> Receiver<T> {
    /// Takes the value if it has been sent, without waiting.
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        let mut state = self.inner.lock();
        match std::mem::replace(&mut state.slot, Slot::Taken) {
            Slot::Full(value) => Ok(value),
            Slot::Empty => {
                state.slot = Slot::Empty;
                Err(TryRecvError::Empty)
            }
            Slot::SenderDropped | Slot::Taken => Err(TryRecvError::Closed),
        }
    }

    /// Makes later `send`s fail (returning their value), without dropping
    /// the receiver: a value already sent can still be received.
    pub fn close(&mut self) {
        self.inner.lock().receiver_gone = true;
    }

    /// Waits for the value on a std thread (not a task).
    ///
    /// # Panics
    ///
    /// When called on a thread that is running an aioli loop; `.await`
    /// the receiver there.
    #[track_caller]
    pub fn blocking_recv(self) -> Result<T, RecvError> {
        block_on("oneshot::Receiver::blocking_recv", self)
    }
}

impl<T> Future for Receiver<T> {
    type Output = Result<T, RecvError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<T, RecvError>> {
        let mut state = self.inner.lock();
        match std::mem::replace(&mut state.slot, Slot::Taken) {
            Slot::Full(value) => Poll::Ready(Ok(value)),
            Slot::SenderDropped => Poll::Ready(Err(RecvError)),
            Slot::Empty => {
                state.slot = Slot::Empty;
                match &state.receiver_waker {
                    Some(old) if old.will_wake(cx.waker()) => {}
                    _ => state.receiver_waker = Some(cx.waker().clone()),
                }
                Poll::Pending
            }
            Slot::Taken => {
                drop(state);
                panic!("oneshot::Receiver polled after it returned its result: await it once")
            }
        }
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        let mut state = self.inner.lock();
        state.receiver_gone = true;
        let unread = std::mem::replace(&mut state.slot, Slot::Taken);
        drop(state);
        // A value nobody will read is dropped here, outside the lock.
        drop(unread);
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.inner.lock();
        let slot = match state.slot {
            Slot::Empty => "empty",
            Slot::Full(_) => "full",
            Slot::SenderDropped => "sender dropped",
            Slot::Taken => "taken",
        };
        f.debug_struct("oneshot::Receiver").field("slot", &slot).finish()
    }
}
