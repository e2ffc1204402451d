//! `mpsc`: a channel with many senders and one receiver, usable across
//! threads.
//!
//! One `Arc<Chan<T>>` is shared by every handle. Inside a
//! `std::sync::Mutex` it holds the buffer, the count of live senders, a
//! `closed` flag, the receiver's waker, and (for a bounded channel) a
//! `WaiterQueue` (waiters.rs) of senders waiting for room. The mutex, not a `RefCell`,
//! is what lets a `Sender` move to another thread (a blocking-pool worker
//! sending a result back to a task); it is held only for a few pointer
//! moves, and never while a waker runs or a value is dropped.
//!
//! Bounded sending uses the same reservation as [`Queue`](super::Queue):
//! `recv` frees a slot and notifies the first waiting sender, that slot is
//! kept for it, and newcomers use only the slots nobody was promised.
//!
//! How it ends:
//! - every sender dropped → `recv` returns what is buffered, then `None`;
//! - receiver dropped or [`Receiver::close`] called → sends fail with the
//!   value given back ([`SendError`]), waiting senders are woken to fail too;
//!   after `close`, the buffered messages can still be received.
//!
//! Cancellation: a `recv` dropped before it returned took nothing, so no
//! message is lost. A `send` dropped while waiting for room sent nothing
//! (its value is dropped with it); if a slot had been kept for it, the slot
//! goes to the next waiting sender.
//!
//! tokio's channel is lock-free (a linked list of blocks and atomics); a
//! mutex around a `VecDeque` is the version that fits on one screen.
//!
//! The errors a send or a receive can end with are in `mpsc/error.rs`.
//!
//! Chapter: docs/src/11-sync.md

mod error;

use std::collections::VecDeque;
use std::fmt;
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{ready, Context, Poll, Waker};

pub use self::error::{SendError, TryRecvError, TrySendError};
use super::park::block_on;
use super::waiters::{wake_all, Notified, WaiterKey, WaiterQueue};
use crate::coop;

/// A channel holding at most `capacity` messages: `send` waits while it is
/// full, so a fast producer cannot run ahead of a slow consumer by more
/// than that (backpressure).
///
/// ```
/// aioli::run(async {
///     let (tx, mut rx) = aioli::sync::mpsc::channel(8);
///     for id in 0..3 {
///         let tx = tx.clone();
///         aioli::spawn(async move {
///             tx.send(id).await.unwrap();
///         });
///     }
///     drop(tx); // recv returns None once every sender is gone
///     let mut got = Vec::new();
///     while let Some(id) = rx.recv().await {
///         got.push(id);
///     }
///     got.sort();
///     assert_eq!(got, [0, 1, 2]);
/// });
/// ```
///
/// # Panics
///
/// If `capacity` is 0: there would be no room for even one message (use
/// [`unbounded_channel`] for no limit).
pub fn channel<T>(capacity: usize) -> (Sender<T>, Receiver<T>) {
    assert!(capacity > 0, "mpsc::channel needs a capacity of at least 1; use mpsc::unbounded_channel() for no limit");
    let chan = Chan::new(Some(capacity));
    (Sender { chan: chan.clone() }, Receiver { chan })
}

/// A channel with no limit: `send` never waits, and is not `async`.
///
/// ```
/// aioli::run(async {
///     let (tx, mut rx) = aioli::sync::mpsc::unbounded_channel();
///     // A std thread can send: the channel is thread-safe.
///     std::thread::spawn(move || tx.send("from a thread").unwrap());
///     assert_eq!(rx.recv().await, Some("from a thread"));
/// });
/// ```
pub fn unbounded_channel<T>() -> (UnboundedSender<T>, Receiver<T>) {
    let chan = Chan::new(None);
    (UnboundedSender { chan: chan.clone() }, Receiver { chan })
}

/// The state every handle of one channel shares.
struct Chan<T> {
    /// Everything, behind one lock (see the module header).
    state: Mutex<State<T>>,
}

struct State<T> {
    /// Messages sent and not yet received, oldest first.
    buffer: VecDeque<T>,
    /// Room for this many messages; `None` for an unbounded channel.
    capacity: Option<usize>,
    /// Live `Sender`s and `UnboundedSender`s. At zero the channel is
    /// finished once the buffer is empty.
    sender_count: usize,
    /// Set when the receiver is dropped or calls `close`: sends fail.
    closed: bool,
    /// The receiver's task, waiting in `recv`.
    receiver_waker: Option<Waker>,
    /// Senders waiting for room (bounded only).
    send_waiters: WaiterQueue,
}

impl<T> Chan<T> {
    fn new(capacity: Option<usize>) -> Arc<Chan<T>> {
        Arc::new(Chan {
            state: Mutex::new(State {
                buffer: VecDeque::new(),
                capacity,
                sender_count: 1,
                closed: false,
                receiver_waker: None,
                send_waiters: WaiterQueue::new(),
            }),
        })
    }

    /// Locks the state. A poisoned lock (a panic while it was held) is
    /// taken over as it is: nothing user-written runs under this lock, so
    /// the state is consistent, and a channel that fails forever would help
    /// no one.
    fn lock(&self) -> MutexGuard<'_, State<T>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The common end of every successful send: buffer the value, wake the
    /// receiver (after unlocking).
    fn push(&self, mut state: MutexGuard<'_, State<T>>, value: T) {
        state.buffer.push_back(value);
        let receiver = state.receiver_waker.take();
        drop(state);
        wake_all(receiver);
    }

    /// One sender handle fewer; the last one wakes the receiver to see the end.
    fn drop_sender(&self) {
        let mut state = self.lock();
        state.sender_count -= 1;
        let receiver = if state.sender_count == 0 { state.receiver_waker.take() } else { None };
        drop(state);
        wake_all(receiver);
    }
}

impl<T> State<T> {
    /// True if a new message fits without taking a slot kept for a
    /// notified sender.
    fn has_free_slot(&self) -> bool {
        match self.capacity {
            None => true,
            Some(capacity) => self.buffer.len() + self.send_waiters.notified_len() < capacity,
        }
    }
}

/// The sending half of a bounded [`channel`]. Clone it for more senders.
pub struct Sender<T> {
    chan: Arc<Chan<T>>,
}

/// The sending half of an [`unbounded_channel`]. Clone it for more senders.
pub struct UnboundedSender<T> {
    chan: Arc<Chan<T>>,
}

/// The receiving half of a [`channel`] or [`unbounded_channel`]; also a
/// [`Stream`](crate::stream::Stream) of the messages.
pub struct Receiver<T> {
    chan: Arc<Chan<T>>,
}

impl<T> Sender<T> {
    /// Sends `value`, first waiting for room if the channel is full.
    /// Fails, giving the value back, if the receiver is gone.
    ///
    /// Dropping the future before it completes sends nothing.
    pub async fn send(&self, value: T) -> Result<(), SendError<T>> {
        Sending { chan: &self.chan, value: Some(value), place_in_line: None }.await
    }

    /// Sends `value` if there is room now.
    ///
    /// ```
    /// use aioli::sync::mpsc::{self, TrySendError};
    ///
    /// let (tx, rx) = mpsc::channel(1);
    /// assert!(tx.try_send(1).is_ok());
    /// assert!(matches!(tx.try_send(2), Err(TrySendError::Full(2))));
    /// drop(rx);
    /// assert!(matches!(tx.try_send(3), Err(TrySendError::Closed(3))));
    /// ```
    pub fn try_send(&self, value: T) -> Result<(), TrySendError<T>> {
        let state = self.chan.lock();
        if state.closed {
            return Err(TrySendError::Closed(value));
        }
        if !state.has_free_slot() {
            return Err(TrySendError::Full(value));
        }
        self.chan.push(state, value);
        Ok(())
    }

    /// `send` for code that is not a task: a std thread blocks until there
    /// is room.
    ///
    /// # Panics
    ///
    /// When called on a thread that is running an aioli loop (it would
    /// block the loop forever); use `send(value).await` there.
    #[track_caller]
    pub fn blocking_send(&self, value: T) -> Result<(), SendError<T>> {
        block_on("mpsc::Sender::blocking_send", self.send(value))
    }

    /// Whether the receiver is gone (or closed the channel).
    pub fn is_closed(&self) -> bool {
        self.chan.lock().closed
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Sender<T> {
        self.chan.lock().sender_count += 1;
        Sender { chan: self.chan.clone() }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        self.chan.drop_sender();
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender").field("closed", &self.is_closed()).finish()
    }
}

impl<T> UnboundedSender<T> {
    /// Sends `value` at once (there is always room). Fails, giving the
    /// value back, if the receiver is gone.
    pub fn send(&self, value: T) -> Result<(), SendError<T>> {
        let state = self.chan.lock();
        if state.closed {
            return Err(SendError(value));
        }
        self.chan.push(state, value);
        Ok(())
    }

    /// Whether the receiver is gone (or closed the channel).
    pub fn is_closed(&self) -> bool {
        self.chan.lock().closed
    }
}

impl<T> Clone for UnboundedSender<T> {
    fn clone(&self) -> UnboundedSender<T> {
        self.chan.lock().sender_count += 1;
        UnboundedSender { chan: self.chan.clone() }
    }
}

impl<T> Drop for UnboundedSender<T> {
    fn drop(&mut self) {
        self.chan.drop_sender();
    }
}

impl<T> fmt::Debug for UnboundedSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnboundedSender").field("closed", &self.is_closed()).finish()
    }
}

/// The state of one bounded `send`, behind [`Sender::send`].
struct Sending<'a, T> {
    /// The channel to send into.
    chan: &'a Chan<T>,
    /// The value, until it is buffered or given back.
    value: Option<T>,
    /// The place among the waiting senders, from the first `Pending` on.
    place_in_line: Option<WaiterKey>,
}

// `Sending` never pins its value, so it may move whatever `T` is.
impl<T> Unpin for Sending<'_, T> {}

impl<T> Future for Sending<'_, T> {
    type Output = Result<(), SendError<T>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        ready!(coop::poll_proceed(cx));
        let this = &mut *self;
        let mut state = this.chan.lock();
        // A closed channel fails every send, a notified one included: the
        // close notified everyone precisely so they would find out.
        let closed = state.closed;
        let notified = match this.place_in_line.take() {
            Some(key) if closed => {
                state.send_waiters.remove(key);
                false
            }
            Some(key) if state.send_waiters.notified(&key).is_some() => {
                // The slot kept for us becomes ours as the value goes in.
                state.send_waiters.remove(key);
                true
            }
            Some(key) => {
                state.send_waiters.update_waker(&key, cx.waker());
                this.place_in_line = Some(key);
                return Poll::Pending;
            }
            None => false,
        };
        let Some(value) = this.value.take() else {
            panic!("mpsc send future polled after it completed");
        };
        if closed {
            drop(state);
            return Poll::Ready(Err(SendError(value)));
        }
        if notified || state.has_free_slot() {
            this.chan.push(state, value);
            return Poll::Ready(Ok(()));
        }
        this.value = Some(value);
        this.place_in_line = Some(state.send_waiters.push(Some(cx.waker())));
        Poll::Pending
    }
}

impl<T> Drop for Sending<'_, T> {
    fn drop(&mut self) {
        if let Some(key) = self.place_in_line.take() {
            let mut state = self.chan.lock();
            if state.send_waiters.remove(key) == Some(Notified::One) {
                // A slot was kept for us: keep it for the next sender.
                let next = state.send_waiters.notify_one();
                drop(state);
                wake_all(next);
            }
        }
    }
}

impl<T> Receiver<T> {
    /// Waits for the next message: `None` once every sender is gone and
    /// the buffer is empty (or after `close`, once it is empty).
    ///
    /// Cancellation-safe: dropping the future before it returns loses no
    /// message, so `recv` can sit in a `select` or a `timeout`.
    pub async fn recv(&mut self) -> Option<T> {
        poll_fn(|cx| self.poll_recv(cx)).await
    }

    /// One step of `recv` for hand-written futures: `Ready(Some(message))`,
    /// `Ready(None)` at the end, or `Pending` with `cx`'s waker stored.
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        ready!(coop::poll_proceed(cx));
        let mut state = self.chan.lock();
        if let Some(value) = state.buffer.pop_front() {
            // A slot opened: it goes to the first sender waiting for room.
            let sender = state.send_waiters.notify_one();
            drop(state);
            wake_all(sender);
            return Poll::Ready(Some(value));
        }
        if state.sender_count == 0 || state.closed {
            return Poll::Ready(None);
        }
        match &state.receiver_waker {
            Some(old) if old.will_wake(cx.waker()) => {}
            _ => state.receiver_waker = Some(cx.waker().clone()),
        }
        Poll::Pending
    }

    /// Takes a message if one is buffered, without waiting.
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        let mut state = self.chan.lock();
        match state.buffer.pop_front() {
            Some(value) => {
                let sender = state.send_waiters.notify_one();
                drop(state);
                wake_all(sender);
                Ok(value)
            }
            None if state.sender_count == 0 || state.closed => Err(TryRecvError::Disconnected),
            None => Err(TryRecvError::Empty),
        }
    }

    /// `recv` for code that is not a task: a std thread blocks until a
    /// message (or the end) arrives.
    ///
    /// # Panics
    ///
    /// When called on a thread that is running an aioli loop; use
    /// `recv().await` there.
    #[track_caller]
    pub fn blocking_recv(&mut self) -> Option<T> {
        block_on("mpsc::Receiver::blocking_recv", self.recv())
    }

    /// Stops new messages: later sends fail, senders waiting for room are
    /// woken and fail. Messages already buffered can still be received;
    /// then `recv` returns `None`.
    pub fn close(&mut self) {
        let mut state = self.chan.lock();
        state.closed = true;
        let senders = state.send_waiters.notify_all();
        drop(state);
        wake_all(senders);
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        let mut state = self.chan.lock();
        state.closed = true;
        let senders = state.send_waiters.notify_all();
        let unread = std::mem::take(&mut state.buffer);
        drop(state);
        wake_all(senders);
        // The unread messages are dropped here, outside the lock: their
        // destructors may do anything, even use this channel.
        drop(unread);
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.chan.lock();
        f.debug_struct("Receiver")
            .field("buffered", &state.buffer.len())
            .field("senders", &state.sender_count)
            .field("closed", &state.closed)
            .finish()
    }
}
