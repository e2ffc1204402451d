//! Exercise 10 — a oneshot channel: a future that another task completes by hand.
//!
//! asyncio's `fut = loop.create_future()` is an empty box: one side calls
//! `fut.set_result(v)`, the other `await fut`. aioli splits the box in
//! two, a [`Sender`] that fills it once and a [`Receiver`] that awaits it
//! (`aioli::sync::oneshot`, and example 21). Here you write your own,
//! for one thread: the two halves share an `Rc<RefCell<Slot<T>>>`.
//!
//! Write [`Sender::send`], [`Receiver`]'s `poll`, and both `Drop`s:
//! - `send(value)` puts the value in the slot and wakes the receiver; if
//!   the receiver is gone, it gives the value back as `Err(value)`;
//! - awaiting the receiver gives `Ok(value)` once sent; if the sender is
//!   dropped without sending, it gives `Err(Canceled)` (asyncio's
//!   `CancelledError` when a future is cancelled) instead of hanging;
//! - dropping the receiver tells the sender nobody listens any more.
//!
//! Hints:
//! - The slot needs: the value (`Option<T>`), the receiver's waker
//!   (`Option<Waker>`), and whether each side is still there.
//! - `poll`: value there? take it, `Ready(Ok)`. Sender gone? `Ready(Err)`.
//!   Otherwise store `cx.waker().clone()` and return `Pending`.
//! - The sender's `Drop` must wake the receiver too: "the sender is gone"
//!   is news the receiver is waiting for. `send` takes `self`, so its
//!   `Drop` runs after every send as well: make that harmless.
//!
//! Run the tests: `cargo test -p aioli-exercises --features mine --test ex10_oneshot`
//! Read: docs/src/02-wakers.md and docs/src/11-sync.md; example 21
//! (`cargo run --example 21_future_by_hand`); the real one is
//! runtime/src/sync/oneshot.rs, thread-safe.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

/// What the two halves share. Add what you need.
#[allow(dead_code)] // until you use the fields
struct Slot<T> {
    /// The value, once sent and until received.
    value: Option<T>,
    /// The receiver's waker, kept while it waits.
    waker: Option<Waker>,
    /// Whether the sender still exists (it has not sent, nor been dropped).
    sender_alive: bool,
    /// Whether the receiver still exists.
    receiver_alive: bool,
}

/// The sending half: fills the channel once.
pub struct Sender<T> {
    #[allow(dead_code)] // until you use it
    slot: Rc<RefCell<Slot<T>>>,
}

/// The receiving half: a future of the value.
pub struct Receiver<T> {
    #[allow(dead_code)] // until you use it
    slot: Rc<RefCell<Slot<T>>>,
}

/// The sender was dropped without sending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Canceled;

impl fmt::Display for Canceled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the sender was dropped without sending a value")
    }
}

impl std::error::Error for Canceled {}

/// A new channel: its two halves.
pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let slot = Rc::new(RefCell::new(Slot { value: None, waker: None, sender_alive: true, receiver_alive: true }));
    (Sender { slot: slot.clone() }, Receiver { slot })
}

impl<T> Sender<T> {
    /// Sends `value`; gives it back if the receiver is gone.
    pub fn send(self, value: T) -> Result<(), T> {
        let _ = value; // delete this line when you start
        unimplemented!("exercise 10: fill the slot and wake the receiver")
    }

    /// Whether the receiver was dropped: nobody will read a value now.
    pub fn is_closed(&self) -> bool {
        unimplemented!("exercise 10: is the receiver still there?")
    }
}

impl<T> Future for Receiver<T> {
    type Output = Result<T, Canceled>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<T, Canceled>> {
        let _ = cx; // delete this line when you start
        unimplemented!("exercise 10: the value, the sender's absence, or wait")
    }
}

// The two Drops start empty rather than unimplemented!: a panic in a
// Drop that runs while a test is already failing would abort the whole
// test run instead of reporting the failure.
impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        // Exercise 10: mark the sender gone and wake the receiver.
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        // Exercise 10: mark the receiver gone.
    }
}
