//! `Event`: a flag that tasks can wait for (asyncio's `Event`).
//!
//! A boolean and a waiter queue. `wait` is ready at once while the flag is
//! set; otherwise the task queues. `set` raises the flag and notifies
//! *every* waiter ([`WaiterQueue::notify_all`]). A woken waiter is ready
//! because it was notified, not because the flag is still up: if `clear`
//! runs before the waiter gets its turn, the wait still ends, as in asyncio.
//!
//! Cancellation: a dropped `wait` only leaves the line. Nothing is handed
//! to one waiter alone, so there is nothing to pass on.
//!
//! Chapter: docs/src/11-sync.md

use std::cell::{Cell, RefCell};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use super::waiters::{wake_all, WaiterKey, WaiterQueue};
use crate::coop;

/// A flag that tasks on one loop can wait for: asyncio's `Event`.
///
/// ```
/// use std::rc::Rc;
/// use aioli::sync::Event;
///
/// aioli::run(async {
///     let ready = Rc::new(Event::new());
///     let waiters: Vec<_> = (0..3)
///         .map(|i| {
///             let ready = ready.clone();
///             aioli::spawn(async move {
///                 ready.wait().await;
///                 i
///             })
///         })
///         .collect();
///     aioli::task::yield_now().await; // let them start waiting
///     ready.set(); // releases all three at once
///     let done: Vec<_> = aioli::join_all(waiters).await;
///     assert_eq!(done, [Ok(0), Ok(1), Ok(2)]);
/// });
/// ```
#[derive(Default)]
pub struct Event {
    /// The flag. Set by `set`, lowered by `clear`.
    is_set: Cell<bool>,
    /// Tasks waiting for the flag.
    waiters: RefCell<WaiterQueue>,
}

impl Event {
    /// An event whose flag is down.
    pub fn new() -> Event {
        Event::default()
    }

    /// Raises the flag and wakes every task waiting: they all return from
    /// `wait`. Waits that start later return at once, until `clear`.
    pub fn set(&self) {
        if self.is_set.replace(true) {
            return;
        }
        let wakers = self.waiters.borrow_mut().notify_all();
        wake_all(wakers);
    }

    /// Lowers the flag: later `wait`s wait again. Waiters already woken by
    /// `set` still return.
    pub fn clear(&self) {
        self.is_set.set(false);
    }

    /// Whether the flag is up.
    pub fn is_set(&self) -> bool {
        self.is_set.get()
    }

    /// Waits until the flag is set (at once if it is): `await event.wait()`.
    pub fn wait(&self) -> EventWait<'_> {
        EventWait { event: self, place_in_line: None }
    }
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Event").field("is_set", &self.is_set.get()).field("waiters", &self.waiters.borrow()).finish()
    }
}

/// The future returned by [`Event::wait`].
#[must_use = "futures do nothing unless you .await them"]
pub struct EventWait<'a> {
    /// The event waited for.
    event: &'a Event,
    /// The place in the waiter queue, from the first `Pending` poll on.
    place_in_line: Option<WaiterKey>,
}

impl Future for EventWait<'_> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        ready!(coop::poll_proceed(cx));
        let event = self.event;
        let mut waiters = event.waiters.borrow_mut();
        let notified = match &self.place_in_line {
            Some(key) => waiters.notified(key).is_some(),
            None => false,
        };
        if notified || event.is_set.get() {
            if let Some(key) = self.place_in_line.take() {
                waiters.remove(key);
            }
            return Poll::Ready(());
        }
        match &self.place_in_line {
            Some(key) => waiters.update_waker(key, cx.waker()),
            None => {
                let key = waiters.push(Some(cx.waker()));
                drop(waiters);
                self.place_in_line = Some(key);
            }
        }
        Poll::Pending
    }
}

impl Drop for EventWait<'_> {
    fn drop(&mut self) {
        if let Some(key) = self.place_in_line.take() {
            self.event.waiters.borrow_mut().remove(key);
        }
    }
}

impl fmt::Debug for EventWait<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventWait").field("waiting", &self.place_in_line.is_some()).finish()
    }
}
