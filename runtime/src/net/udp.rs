//! `UdpSocket`: datagrams, each sent or received whole.
//!
//! Chapter: docs/src/10-reactor.md

use std::future::poll_fn;
use std::io;
use std::net::{SocketAddr, ToSocketAddrs};

use super::{first_that_works, resolve};
use crate::reactor::source::IoSource;
use crate::reactor::Direction;

/// A UDP socket (asyncio's `create_datagram_endpoint`, without protocols).
///
/// ```
/// use aioli::net::UdpSocket;
///
/// aioli::run(async {
///     let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
///     let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
///     a.send_to(b"ping", b.local_addr().unwrap()).await.unwrap();
///     let mut buf = [0u8; 16];
///     let (n, from) = b.recv_from(&mut buf).await.unwrap();
///     assert_eq!((&buf[..n], from), (&b"ping"[..], a.local_addr().unwrap()));
/// });
/// ```
#[derive(Debug)]
#[doc(alias = "create_datagram_endpoint")]
pub struct UdpSocket {
    source: IoSource<mio::net::UdpSocket>,
}

impl UdpSocket {
    /// Binds to `addr` (port 0: any free port).
    pub async fn bind(addr: impl ToSocketAddrs) -> io::Result<UdpSocket> {
        let addrs = resolve(addr, "UdpSocket::bind")?;
        first_that_works(addrs, "could not bind", |addr| async move {
            Ok(UdpSocket { source: IoSource::new(mio::net::UdpSocket::bind(addr)?)? })
        })
        .await
    }

    /// Sends one datagram to `target`; returns the bytes sent.
    pub async fn send_to(&self, buf: &[u8], target: impl ToSocketAddrs) -> io::Result<usize> {
        let target = resolve(target, "UdpSocket::send_to")?[0];
        poll_fn(|cx| self.source.poll_io(cx, Direction::Write, |socket| socket.send_to(buf, target))).await
    }

    /// Receives one datagram; returns its length and sender. A datagram
    /// longer than `buf` is cut to fit (the rest is lost, as in the OS).
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        poll_fn(|cx| self.source.poll_io(cx, Direction::Read, |socket| socket.recv_from(buf))).await
    }

    /// Sets the default peer for [`send`](Self::send) and [`recv`](Self::recv),
    /// and filters out datagrams from anyone else.
    pub fn connect(&self, addr: SocketAddr) -> io::Result<()> {
        self.source.connect(addr)
    }

    /// Sends to the connected peer.
    pub async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        poll_fn(|cx| self.source.poll_io(cx, Direction::Write, |socket| socket.send(buf))).await
    }

    /// Receives from the connected peer.
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        poll_fn(|cx| self.source.poll_io(cx, Direction::Read, |socket| socket.recv(buf))).await
    }

    /// The local address.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.source.local_addr()
    }
}
