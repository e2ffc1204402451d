//! `TcpStream`: a connection; reads and writes wait on the reactor.
//!
//! Chapter: docs/src/10-reactor.md

use std::future::poll_fn;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, ToSocketAddrs};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use super::split::{OwnedReadHalf, OwnedWriteHalf, ReadHalf, WriteHalf};
use super::{first_that_works, resolve};
use crate::io::{AsyncRead, AsyncWrite};
use crate::reactor::source::IoSource;
use crate::reactor::Direction;

/// A TCP connection (asyncio's `open_connection` reader and writer in one).
///
/// Read and write with [`AsyncReadExt`](crate::io::AsyncReadExt) and
/// [`AsyncWriteExt`](crate::io::AsyncWriteExt); split it to read in one
/// task and write in another. Dropping it closes the connection.
#[derive(Debug)]
pub struct TcpStream {
    source: IoSource<mio::net::TcpStream>,
}

impl TcpStream {
    /// Connects to `addr`, trying each address it resolves to. A refused
    /// connection is an `io::Error` of kind `ConnectionRefused` whose
    /// message names the address: no server listens there (yet), so check
    /// the port, and that the server was started and is bound to it.
    ///
    /// # Panics
    ///
    /// Outside an aioli loop.
    #[doc(alias = "open_connection")]
    pub async fn connect(addr: impl ToSocketAddrs) -> io::Result<TcpStream> {
        let addrs = resolve(addr, "TcpStream::connect")?;
        first_that_works(addrs, "could not connect to", TcpStream::connect_to).await
    }

    async fn connect_to(addr: SocketAddr) -> io::Result<TcpStream> {
        // A non-blocking connect returns at once with the handshake under
        // way; the socket turns writable when it has succeeded or failed.
        let stream = TcpStream::from_mio(mio::net::TcpStream::connect(addr)?)?;
        poll_fn(|cx| {
            stream.source.poll_io(cx, Direction::Write, |socket| {
                // mio's recipe: a pending error means the connect failed;
                // "not connected" means it has not finished yet.
                if let Some(error) = socket.take_error()? {
                    return Err(error);
                }
                match socket.peer_addr() {
                    Ok(_) => Ok(()),
                    Err(error) if error.kind() == io::ErrorKind::NotConnected => Err(io::ErrorKind::WouldBlock.into()),
                    Err(error) => Err(error),
                }
            })
        })
        .await?;
        Ok(stream)
    }

    pub(crate) fn from_mio(stream: mio::net::TcpStream) -> io::Result<TcpStream> {
        Ok(TcpStream { source: IoSource::new(stream)? })
    }

    /// Wraps a connected std stream (it is switched to non-blocking mode).
    pub fn from_std(stream: std::net::TcpStream) -> io::Result<TcpStream> {
        stream.set_nonblocking(true)?;
        TcpStream::from_mio(mio::net::TcpStream::from_std(stream))
    }

    /// The remote address.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.source.peer_addr()
    }

    /// The local address.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.source.local_addr()
    }

    /// Turns Nagle's algorithm off (`true`): small writes go out at once
    /// instead of waiting to be merged. Request/response protocols want it.
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.source.set_nodelay(nodelay)
    }

    /// Whether Nagle's algorithm is off.
    pub fn nodelay(&self) -> io::Result<bool> {
        self.source.nodelay()
    }

    /// Borrowed halves: read with one and write with the other, in two
    /// futures of the same task (for example under `join`).
    pub fn split(&mut self) -> (ReadHalf<'_>, WriteHalf<'_>) {
        (ReadHalf::new(self), WriteHalf::new(self))
    }

    /// Owned halves that can move into two tasks. Dropping the write half
    /// shuts the write direction down, so the peer reads EOF.
    pub fn into_split(self) -> (OwnedReadHalf, OwnedWriteHalf) {
        let shared = Rc::new(self);
        (OwnedReadHalf::new(shared.clone()), OwnedWriteHalf::new(shared))
    }

    /// Reading, through a shared reference: both halves use it.
    pub(crate) fn poll_read_shared(&self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        let capacity = buf.len();
        let result = self.source.poll_io(cx, Direction::Read, |mut socket| socket.read(buf));
        // A short read (fewer bytes than asked for) means the kernel's
        // buffer is now empty, so the next read would only say WouldBlock.
        // Forget "readable" now and skip that wasted system call: with
        // edge-triggered epoll, bytes arriving later raise a new event
        // anyway. tokio does the same on Linux. (0 is end of stream, which
        // stays readable.)
        if let Poll::Ready(Ok(n)) = result {
            if n > 0 && n < capacity && cfg!(target_os = "linux") {
                self.source.clear_ready(Direction::Read);
            }
        }
        result
    }

    /// Writing, through a shared reference.
    pub(crate) fn poll_write_shared(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.source.poll_io(cx, Direction::Write, |mut socket| socket.write(buf))
    }

    /// Closes the write direction (FIN): the peer's reads return 0.
    pub(crate) fn shutdown_write(&self) -> io::Result<()> {
        match self.source.shutdown(Shutdown::Write) {
            // Already closed by the peer: there is nothing left to shut.
            Err(error) if error.kind() == io::ErrorKind::NotConnected => Ok(()),
            other => other,
        }
    }
}

impl AsyncRead for TcpStream {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        self.poll_read_shared(cx, buf)
    }
}

impl AsyncWrite for TcpStream {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.poll_write_shared(cx, buf)
    }

    /// TCP keeps no buffer in user space: the kernel has every byte that
    /// `poll_write` reported written.
    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(self.shutdown_write())
    }
}
