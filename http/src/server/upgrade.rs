//! Protocol upgrades: after `101 Switching Protocols`, the connection
//! belongs to someone else.
//!
//! HTTP/1.1 lets a client ask to switch protocols on the same connection
//! (`Connection: upgrade`, `Upgrade: websocket`). If the handler agrees it
//! answers with [`Response::upgrade`](crate::Response::upgrade): a 101
//! carrying a function. The connection loop writes the 101 head, stops
//! speaking HTTP, and calls that function with an [`Upgraded`]: the same
//! socket as an `AsyncRead + AsyncWrite`, which first hands out any bytes
//! the client sent right behind its request (they were already read into
//! the connection's buffer). The function runs in the connection's task;
//! when it returns, the connection closes.
//!
//! hyper does the same with `hyper::upgrade::on(req)`, a future that
//! resolves to an `Upgraded` once the 101 is sent; aiohttp's
//! `WebSocketResponse.prepare(request)` takes over the transport the same
//! way.
//!
//! Chapter: docs/src/22-bodies-and-keep-alive.md

use std::fmt;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};

use aioli::io::{AsyncRead, AsyncWrite};

use super::io::Shared;

/// The connection after a `101 Switching Protocols`: read and write the
/// new protocol's bytes with `aioli::io::{AsyncReadExt, AsyncWriteExt}`.
pub struct Upgraded {
    io: Shared,
    peer: SocketAddr,
}

impl Upgraded {
    pub(crate) fn new(io: Shared, peer: SocketAddr) -> Upgraded {
        Upgraded { io, peer }
    }

    /// The client's address.
    pub fn peer_addr(&self) -> SocketAddr {
        self.peer
    }
}

impl AsyncRead for Upgraded {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        let conn = &mut *self.io.borrow_mut();
        // Bytes that arrived with the request head come first.
        if !conn.buf.is_empty() {
            let data = conn.buf.data();
            let n = data.len().min(buf.len());
            buf[..n].copy_from_slice(&data[..n]);
            conn.buf.consume(n);
            return Poll::Ready(Ok(n));
        }
        Pin::new(&mut conn.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Upgraded {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io.borrow_mut().stream).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io.borrow_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io.borrow_mut().stream).poll_shutdown(cx)
    }
}

impl fmt::Debug for Upgraded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Upgraded").field("peer", &self.peer).finish_non_exhaustive()
    }
}

/// The future an upgrade function returns, boxed.
pub(crate) type UpgradeFuture = Pin<Box<dyn Future<Output = ()>>>;

/// What a 101 response carries: the code that takes the connection over.
pub(crate) struct OnUpgrade(pub(crate) Box<dyn FnOnce(Upgraded) -> UpgradeFuture>);

impl OnUpgrade {
    /// Hands the connection over.
    pub(crate) fn run(self, upgraded: Upgraded) -> UpgradeFuture {
        (self.0)(upgraded)
    }
}

impl fmt::Debug for OnUpgrade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OnUpgrade(..)")
    }
}
