//! Why an `mpsc` send or receive failed: [`SendError`], [`TrySendError`],
//! [`TryRecvError`].
//!
//! A failed send gives the value back inside its error (`.0`, or
//! `into_inner`), so nothing is lost when the receiver is gone; `Debug`
//! prints no value, so `T` needs no `Debug` for `unwrap` to work. The
//! `Display` texts are one sentence naming the cause. tokio's errors have
//! the same shapes; asyncio's `Queue` raises `QueueFull` / `QueueEmpty`
//! instead, with no value attached (see `sync/queue.rs`).
//!
//! Chapter: docs/src/11-sync.md

use std::fmt;

/// The receiver is gone (or closed the channel); here is the value back.
///
/// No later send on this channel can succeed either: a sender that gets
/// this error can stop producing. The value is in `.0`, to retry
/// elsewhere or to log.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SendError<T>(pub T);

/// Why [`Sender::try_send`](super::Sender::try_send) did not send; both give the value back.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum TrySendError<T> {
    /// No room now; `send(value).await` would wait for some, and
    /// `into_inner` gives the value back to try again later.
    Full(T),
    /// The receiver is gone or closed the channel; no send will succeed.
    Closed(T),
}

/// Why [`Receiver::try_recv`](super::Receiver::try_recv) returned no message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TryRecvError {
    /// Nothing buffered now; senders are still alive, so
    /// `recv().await` would wait for the next message.
    Empty,
    /// Nothing buffered and nothing ever will be: every sender is gone.
    Disconnected,
}

impl<T> TrySendError<T> {
    /// The value that was not sent.
    pub fn into_inner(self) -> T {
        match self {
            TrySendError::Full(value) | TrySendError::Closed(value) => value,
        }
    }
}

impl<T> fmt::Debug for SendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SendError(..)")
    }
}

impl<T> fmt::Display for SendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the channel is closed: its receiver was dropped or closed it")
    }
}

impl<T> std::error::Error for SendError<T> {}

impl<T> fmt::Debug for TrySendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrySendError::Full(_) => f.write_str("Full(..)"),
            TrySendError::Closed(_) => f.write_str("Closed(..)"),
        }
    }
}

impl<T> fmt::Display for TrySendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrySendError::Full(_) => write!(f, "the channel's buffer is full"),
            TrySendError::Closed(_) => write!(f, "the channel is closed: its receiver was dropped or closed it"),
        }
    }
}

impl<T> std::error::Error for TrySendError<T> {}

impl fmt::Display for TryRecvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TryRecvError::Empty => write!(f, "the channel has no message buffered"),
            TryRecvError::Disconnected => write!(f, "the channel is empty and every sender was dropped"),
        }
    }
}

impl std::error::Error for TryRecvError {}
