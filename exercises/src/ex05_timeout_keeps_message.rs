//! Exercise 5 — a timeout that must not lose a message.
//!
//! `timeout(limit, future)` cancels `future` by dropping it when the time
//! is up, wherever it was waiting. That is safe when the future holds
//! nothing that matters at that point ("cancellation safe"), and a bug
//! when it does: a message already taken out of a channel, but not yet
//! delivered, is dropped with it.
//!
//! [`Forwarder::forward_one`] moves the next message from an inbox (an
//! `aioli::sync::mpsc` channel) to a slow outbox (each delivery takes
//! [`DELIVERY`], like a write to a slow peer), and gives up waiting
//! after `limit`. It passes a quick test, and loses messages under load:
//! the tests send messages while deliveries run into the limit, and
//! count what arrives. Fix it so that every message is delivered exactly
//! once, in order, while a call that finds no message within `limit`
//! still returns `Err(Elapsed)`.
//!
//! Hints:
//! - `recv()` itself is cancellation safe (its docs say so): dropping it
//!   while it waits takes no message out. The delivery is not: which part
//!   of the future is running when the timer fires?
//! - Two fixes work. Put only the *waiting* under the timeout, and
//!   deliver outside it; or keep a message taken from the inbox in
//!   `self.held` until it is delivered, so the next call finds it there.
//! - asyncio has the same trap: `wait_for(queue.get(), t)` is safe, a
//!   `wait_for` around "get, then send" is not.
//!
//! Run the tests: `cargo test -p aioli-exercises --features mine --test ex05_timeout_keeps_message`
//! Read: docs/src/07-cancellation.md (cancellation safety).

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use aioli::sync::mpsc;
use aioli::time::{sleep, timeout, Elapsed};

/// How long one delivery to the outbox takes.
pub const DELIVERY: Duration = Duration::from_millis(50);

/// Moves messages from an inbox to a slow outbox.
pub struct Forwarder {
    /// Where messages come from.
    inbox: mpsc::Receiver<String>,
    /// Where they go: every delivered message, in order.
    outbox: Rc<RefCell<Vec<String>>>,
    /// A message taken from the inbox and not delivered yet, if you want
    /// one (see the hints).
    held: Option<String>,
}

impl Forwarder {
    /// A forwarder from `inbox` to `outbox`.
    pub fn new(inbox: mpsc::Receiver<String>, outbox: Rc<RefCell<Vec<String>>>) -> Forwarder {
        Forwarder { inbox, outbox, held: None }
    }

    /// Waits at most `limit` for a message, then delivers it. `Ok(true)`:
    /// one message delivered; `Ok(false)`: the inbox is closed and empty;
    /// `Err(Elapsed)`: no message came within `limit`. No message may be
    /// lost, whatever the outcome.
    pub async fn forward_one(&mut self, limit: Duration) -> Result<bool, Elapsed> {
        let _ = &self.held; // not used yet: see the hints
        timeout(limit, async {
            match self.inbox.recv().await {
                Some(message) => {
                    deliver(&self.outbox, message).await;
                    true
                }
                None => false,
            }
        })
        .await
    }
}

/// Delivers one message: it is in the outbox only once this returns.
async fn deliver(outbox: &RefCell<Vec<String>>, message: String) {
    sleep(DELIVERY).await;
    outbox.borrow_mut().push(message);
}
