//! Solution to exercise 10: a oneshot channel for one thread. The exercise,
//! its hints and its tests: `exercises/src/ex10_oneshot.rs`,
//! `exercises/tests/ex10_oneshot.rs`.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

/// What the two halves share.
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
    slot: Rc<RefCell<Slot<T>>>,
}

/// The receiving half: a future of the value.
pub struct Receiver<T> {
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
        let waker = {
            let mut slot = self.slot.borrow_mut();
            if !slot.receiver_alive {
                return Err(value);
            }
            slot.value = Some(value);
            slot.waker.take()
        };
        // Woken outside the borrow; our Drop runs next and finds the value
        // there, so it wakes no one a second time.
        if let Some(waker) = waker {
            waker.wake();
        }
        Ok(())
    }

    /// Whether the receiver was dropped: nobody will read a value now.
    pub fn is_closed(&self) -> bool {
        !self.slot.borrow().receiver_alive
    }
}

impl<T> Future for Receiver<T> {
    type Output = Result<T, Canceled>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<T, Canceled>> {
        let mut slot = self.slot.borrow_mut();
        if let Some(value) = slot.value.take() {
            return Poll::Ready(Ok(value));
        }
        if !slot.sender_alive {
            return Poll::Ready(Err(Canceled));
        }
        // The promise behind Pending: the sender (its send or its Drop)
        // will call this waker.
        slot.waker = Some(cx.waker().clone());
        Poll::Pending
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let waker = {
            let mut slot = self.slot.borrow_mut();
            slot.sender_alive = false;
            // After a send the value is there and its waker was taken
            // already: nothing to do. Without one, the receiver must hear
            // that nothing will come.
            if slot.value.is_some() {
                None
            } else {
                slot.waker.take()
            }
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        let mut slot = self.slot.borrow_mut();
        slot.receiver_alive = false;
        slot.waker = None;
    }
}
