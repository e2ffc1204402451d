//! `TcpListener`: a server socket; `accept` is a future.
//!
//! Chapter: docs/src/10-reactor.md

use std::future::poll_fn;
use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::task::{Context, Poll};

use super::{first_that_works, resolve, TcpStream};
use crate::reactor::source::IoSource;
use crate::reactor::Direction;

/// How many finished handshakes the kernel queues for `accept`. A
/// connection that arrives when the queue is full is dropped or reset, so
/// a burst bigger than this fails before the accept loop can run (asyncio's
/// `start_server` uses 100, tokio 1024; Linux caps it at `somaxconn`).
const BACKLOG: i32 = 1024;

/// A non-blocking listening socket with SO_REUSEADDR (a restarted server
/// can bind again at once) and a backlog of [`BACKLOG`].
fn listen(addr: SocketAddr) -> io::Result<std::net::TcpListener> {
    let socket = socket2::Socket::new(socket2::Domain::for_address(addr), socket2::Type::STREAM, None)?;
    #[cfg(unix)]
    socket.set_reuse_address(true)?;
    socket.set_nonblocking(true)?;
    socket.bind(&addr.into())?;
    socket.listen(BACKLOG)?;
    Ok(socket.into())
}

/// A TCP socket listening for connections (asyncio's `start_server`).
///
/// ```
/// use aioli::io::{AsyncReadExt, AsyncWriteExt};
/// use aioli::net::{TcpListener, TcpStream};
///
/// aioli::run(async {
///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
///     let addr = listener.local_addr().unwrap();
///     let server = aioli::spawn(async move {
///         let (mut socket, _peer) = listener.accept().await.unwrap();
///         socket.write_all(b"hi").await.unwrap();
///     });
///     let mut client = TcpStream::connect(addr).await.unwrap();
///     let mut reply = Vec::new();
///     client.read_to_end(&mut reply).await.unwrap();
///     assert_eq!(reply, b"hi");
///     server.await.unwrap();
/// });
/// ```
#[derive(Debug)]
pub struct TcpListener {
    source: IoSource<mio::net::TcpListener>,
}

impl TcpListener {
    /// Binds and listens. Port 0 lets the OS pick a free port; read it
    /// back with [`local_addr`](Self::local_addr).
    ///
    /// An address another socket holds gives an error of kind
    /// `AddrInUse`: pick another port, or port 0, which never clashes.
    ///
    /// # Panics
    ///
    /// Outside an aioli loop.
    #[doc(alias = "start_server")]
    pub async fn bind(addr: impl ToSocketAddrs) -> io::Result<TcpListener> {
        let addrs = resolve(addr, "TcpListener::bind")?;
        first_that_works(addrs, "could not listen on", |addr| async move {
            let listener = mio::net::TcpListener::from_std(listen(addr)?);
            Ok(TcpListener { source: IoSource::new(listener)? })
        })
        .await
    }

    /// Wraps a std listener (it is switched to non-blocking mode).
    pub fn from_std(listener: std::net::TcpListener) -> io::Result<TcpListener> {
        listener.set_nonblocking(true)?;
        Ok(TcpListener { source: IoSource::new(mio::net::TcpListener::from_std(listener))? })
    }

    /// Waits for the next connection. Cancellation-safe: a connection is
    /// never taken from the OS and then lost.
    pub async fn accept(&self) -> io::Result<(TcpStream, SocketAddr)> {
        poll_fn(|cx| self.poll_accept(cx)).await
    }

    /// The poll behind [`accept`](Self::accept).
    pub fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(TcpStream, SocketAddr)>> {
        match self.source.poll_io(cx, Direction::Read, |listener| listener.accept()) {
            Poll::Ready(Ok((stream, peer))) => Poll::Ready(TcpStream::from_mio(stream).map(|stream| (stream, peer))),
            Poll::Ready(Err(error)) => Poll::Ready(Err(error)),
            Poll::Pending => Poll::Pending,
        }
    }

    /// The address it listens on (with the real port if bound to 0).
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.source.local_addr()
    }
}
