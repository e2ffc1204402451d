//! Solution to exercise 5: a timeout that loses no message. The exercise,
//! its hints and its tests: `exercises/src/ex05_timeout_keeps_message.rs`,
//! `exercises/tests/ex05_timeout_keeps_message.rs`.

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
    /// A message taken from the inbox and not delivered yet: set before
    /// the delivery starts, cleared when it is done. If this call is
    /// cancelled mid-delivery (by a caller's timeout, or a select), the
    /// next call delivers it first.
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
        if self.held.is_none() {
            // Only the waiting is timed: recv() is cancellation safe, so
            // the timeout dropping it loses nothing.
            match timeout(limit, self.inbox.recv()).await? {
                Some(message) => self.held = Some(message),
                None => return Ok(false),
            }
        }
        // The delivery is not timed here, and the message stays in `held`
        // until it has arrived: even a caller that drops this future
        // midway cannot lose it.
        if let Some(message) = self.held.clone() {
            deliver(&self.outbox, message).await;
            self.held = None;
        }
        Ok(true)
    }
}

/// Delivers one message: it is in the outbox only once this returns.
async fn deliver(outbox: &RefCell<Vec<String>>, message: String) {
    sleep(DELIVERY).await;
    outbox.borrow_mut().push(message);
}
