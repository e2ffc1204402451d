//! `IoSource`: a mio socket registered with the current loop.
//!
//! Sockets (`TcpStream`, `TcpListener`, `UdpSocket`) keep their mio object
//! in an `IoSource`, which registers it on creation and deregisters it on
//! drop. All their operations go through [`IoSource::poll_io`], the one
//! place where the edge-triggered rule is applied: try the operation while
//! the reactor believes the direction ready; on `WouldBlock`, clear that
//! belief and wait for the next event.
//!
//! Chapter: docs/src/10-reactor.md

use std::io;
use std::ops::Deref;
use std::task::{ready, Context, Poll};

use mio::event::Source;
use mio::Interest;

use super::Direction;
use crate::context::{try_with_core, with_core};
use crate::coop;

/// A mio socket plus its registration.
pub(crate) struct IoSource<S: Source> {
    /// The socket.
    io: S,
    /// Its token in the loop's reactor and poller.
    token: mio::Token,
}

impl<S: Source> IoSource<S> {
    /// Registers `io` with the current loop for both directions.
    ///
    /// # Panics
    ///
    /// Outside an aioli loop, with the usual advice.
    #[track_caller]
    // ANCHOR: io_source_new
    pub(crate) fn new(mut io: S) -> io::Result<IoSource<S>> {
        with_core(|core| {
            let token = core.reactor.borrow_mut().insert()?;
            let registered =
                core.poller.borrow().registry().register(&mut io, token, Interest::READABLE | Interest::WRITABLE);
            match registered {
                Ok(()) => Ok(IoSource { io, token }),
                Err(error) => {
                    core.reactor.borrow_mut().remove(token);
                    Err(error)
                }
            }
        })
    }
    // ANCHOR_END: io_source_new

    // ANCHOR: poll_io
    /// Runs `operation` once `direction` is ready, as many times as it
    /// takes: the operation's own result, or `Pending` until an event.
    ///
    /// The loop matters: `ready` may be a belief left over from an earlier
    /// event, so the operation can still say `WouldBlock`. Then the belief
    /// is cleared and `poll_ready` registers the waker for the next event.
    pub(crate) fn poll_io<R>(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
        mut operation: impl FnMut(&S) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        // IO spends the cooperative budget too, so a socket that is always
        // ready (a fast peer) cannot keep its task from ever yielding.
        ready!(coop::poll_proceed(cx));
        loop {
            let ready = with_core(|core| core.reactor.borrow_mut().poll_ready(self.token, direction, cx.waker()));
            if !ready {
                with_core(|core| core.report_io_wait(self.token, direction));
                return Poll::Pending;
            }
            match operation(&self.io) {
                Err(error) if error.kind() == io::ErrorKind::WouldBlock => {
                    with_core(|core| core.reactor.borrow_mut().clear_ready(self.token, direction));
                }
                // EINTR: a signal interrupted the call; nothing happened, retry.
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                result => return Poll::Ready(result),
            }
        }
    }
    // ANCHOR_END: poll_io

    /// Forgets that `direction` is ready, so the next `poll_io` waits for
    /// an event instead of trying the operation first. For callers that
    /// know the operation would fail with `WouldBlock` (a short read).
    pub(crate) fn clear_ready(&self, direction: Direction) {
        with_core(|core| core.reactor.borrow_mut().clear_ready(self.token, direction));
    }

    // ANCHOR: deregister
    fn deregister(&mut self) {
        let (io, token) = (&mut self.io, self.token);
        // After the loop has ended there is nothing to deregister from:
        // closing the socket removes it from the OS poller anyway.
        try_with_core(|core| {
            let _ = core.poller.borrow().registry().deregister(io);
            core.reactor.borrow_mut().remove(token);
            core.report_io_closed(token);
        });
    }
    // ANCHOR_END: deregister
}

impl<S: Source> Deref for IoSource<S> {
    type Target = S;

    /// The socket, for calls that never block (addresses, options).
    fn deref(&self) -> &S {
        &self.io
    }
}

impl<S: Source + std::fmt::Debug> std::fmt::Debug for IoSource<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IoSource").field("io", &self.io).field("token", &self.token.0).finish()
    }
}

impl<S: Source> Drop for IoSource<S> {
    fn drop(&mut self) {
        self.deregister();
    }
}
