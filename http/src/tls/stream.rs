//! `TlsStream`: rustls's sans-IO engine driven by an aioli `TcpStream`.
//!
//! rustls never touches a socket. It is a box with four openings:
//! `read_tls` takes ciphertext in, `process_new_packets` decrypts and runs
//! the handshake's state machine on it, `reader()` hands out plaintext,
//! `writer()` takes plaintext in and `write_tls` gives ciphertext out.
//! This file is the pump between that box and the socket: each `poll_*`
//! moves bytes as far as they can go *now*, and where the socket says
//! "not yet" (`WouldBlock`), returns `Pending` with the task's waker
//! registered on the reactor for that direction. The loop wakes the task
//! when the socket is ready, the task polls again, and the pump moves on.
//!
//! So bytes wait in two places: in the kernel's socket buffers (the loop
//! watches those with epoll), and in rustls's own buffers (ciphertext
//! not yet written, plaintext not yet read; the loop cannot see those).
//! The rule that keeps nothing stranded in the second place: **every
//! poll, in either direction, first pushes out what rustls has to send**.
//! A server that wrote a response and went back to reading the next
//! request still gets its last records out as soon as the socket drains.
//!
//! tokio-rustls has the same shape (a `Stream` over `AsyncRead` +
//! `AsyncWrite` with a sync adapter); asyncio's `SSLProtocol` drives
//! OpenSSL's memory BIOs (`ssl.MemoryBIO`) from protocol callbacks the
//! same way, which is why `loop.start_tls` exists at all.
//!
//! Chapter: docs/src/34-tls-on-the-loop.md

use std::future::poll_fn;
use std::io::{self, Read, Write};
use std::pin::Pin;
use std::task::{Context, Poll};

use aioli::io::{AsyncRead, AsyncWrite};
use aioli::net::TcpStream;

use super::{Side, TlsEvent, TlsObserver};

/// A TLS connection over an aioli [`TcpStream`], read and written as
/// plaintext through [`AsyncRead`] and [`AsyncWrite`].
///
/// Made by [`connect`](super::connect) (client) and
/// [`accept`](super::accept) (server), which return once the handshake
/// is done. [`poll_shutdown`](AsyncWrite::poll_shutdown) sends
/// `close_notify`, so the peer can tell "the data ended" from "the
/// connection was cut".
pub struct TlsStream {
    /// The socket: ciphertext in both directions.
    tcp: TcpStream,
    /// The engine: handshake state, keys, and its buffers.
    conn: rustls::Connection,
    /// Who gets told what moved ([`TlsEvent`]); `None` costs one branch.
    observer: Option<TlsObserver>,
    /// `close_notify` has been queued; writing again is an error.
    closed_by_us: bool,
    /// Where several queued records are joined into one write (see
    /// `SocketIo::write_vectored`); kept, so it is allocated once.
    scratch: Vec<u8>,
}

impl std::fmt::Debug for TlsStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsStream")
            .field("tcp", &self.tcp)
            .field("handshaking", &self.conn.is_handshaking())
            .field("closed_by_us", &self.closed_by_us)
            .finish_non_exhaustive()
    }
}

/// The bridge from rustls's blocking-style `io::Read`/`io::Write` calls
/// to aioli's polls: `Pending` becomes `WouldBlock`, which rustls passes
/// back to us untouched, and the waker stays registered with the reactor.
struct SocketIo<'a, 'b> {
    tcp: &'a mut TcpStream,
    cx: &'a mut Context<'b>,
    scratch: &'a mut Vec<u8>,
}

impl Read for SocketIo<'_, '_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match Pin::new(&mut *self.tcp).poll_read(self.cx, buf) {
            Poll::Ready(result) => result,
            Poll::Pending => Err(io::ErrorKind::WouldBlock.into()),
        }
    }
}

impl Write for SocketIo<'_, '_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match Pin::new(&mut *self.tcp).poll_write(self.cx, buf) {
            Poll::Ready(result) => result,
            Poll::Pending => Err(io::ErrorKind::WouldBlock.into()),
        }
    }

    /// rustls hands over its queued records as a list of slices (a
    /// handshake flight is three or four). One `write` per slice would be
    /// one system call each, and with small writes in flight Nagle's
    /// algorithm may hold the later ones back; so they are copied into
    /// one buffer and written at once. (aioli has no vectored write; a
    /// `writev` would save the copy.)
    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        if bufs.iter().filter(|buf| !buf.is_empty()).count() <= 1 {
            let only = bufs.iter().find(|buf| !buf.is_empty()).map_or(&[][..], |buf| &buf[..]);
            return self.write(only);
        }
        self.scratch.clear();
        for buf in bufs {
            if self.scratch.len() + buf.len() > SCRATCH_MAX && !self.scratch.is_empty() {
                break;
            }
            self.scratch.extend_from_slice(buf);
        }
        match Pin::new(&mut *self.tcp).poll_write(self.cx, self.scratch) {
            Poll::Ready(result) => result,
            Poll::Pending => Err(io::ErrorKind::WouldBlock.into()),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The most bytes joined into one write: a few full TLS records.
const SCRATCH_MAX: usize = 64 * 1024;

impl TlsStream {
    pub(crate) fn new(tcp: TcpStream, conn: rustls::Connection, observer: Option<TlsObserver>) -> TlsStream {
        TlsStream { tcp, conn, observer, closed_by_us: false, scratch: Vec::new() }
    }

    /// The underlying socket (for its addresses).
    pub fn tcp(&self) -> &TcpStream {
        &self.tcp
    }

    /// The protocol both sides agreed on with ALPN (`b"http/1.1"`), if any.
    pub fn alpn_protocol(&self) -> Option<&[u8]> {
        self.conn.alpn_protocol()
    }

    /// The TLS version in use (`"TLSv1_3"`), once the handshake is done.
    pub fn protocol_version(&self) -> Option<String> {
        self.conn.protocol_version().map(|version| format!("{version:?}"))
    }

    fn side(&self) -> Side {
        match self.conn {
            rustls::Connection::Client(_) => Side::Client,
            rustls::Connection::Server(_) => Side::Server,
        }
    }

    fn tell(&self, event: TlsEvent) {
        if let Some(observer) = &self.observer {
            observer.notify(self.side(), &event);
        }
    }

    // ANCHOR: push
    /// Writes rustls's queued ciphertext to the socket until rustls has
    /// none left (`Ready(Ok)`) or the socket's buffer is full (`Pending`,
    /// woken when it is writable again).
    fn poll_push(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.conn.wants_write() {
            let mut socket = SocketIo { tcp: &mut self.tcp, cx, scratch: &mut self.scratch };
            match self.conn.write_tls(&mut socket) {
                Ok(0) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Ok(bytes) => self.tell(TlsEvent::Sent { bytes, handshaking: self.conn.is_handshaking() }),
                Err(error) if error.kind() == io::ErrorKind::WouldBlock => {
                    self.tell(TlsEvent::WaitingForRoom);
                    return Poll::Pending;
                }
                Err(error) => return Poll::Ready(Err(error)),
            }
        }
        Poll::Ready(Ok(()))
    }
    // ANCHOR_END: push

    // ANCHOR: pull
    /// Reads what ciphertext the socket has into rustls and lets rustls
    /// process it (decrypt records, advance the handshake). `Ready(Ok(0))`
    /// is the socket's end of stream.
    ///
    /// A TLS error (a bad certificate, an alert from the peer, bytes that
    /// are not TLS at all) comes back as an `io::Error` of kind
    /// `InvalidData` whose inner error is the `rustls::Error`, after the
    /// alert rustls queued for the peer has been sent if the socket takes
    /// it at once: the peer then learns why, not just that we hung up.
    fn poll_pull(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let mut socket = SocketIo { tcp: &mut self.tcp, cx, scratch: &mut self.scratch };
        let bytes = match self.conn.read_tls(&mut socket) {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == io::ErrorKind::WouldBlock => {
                self.tell(TlsEvent::WaitingForBytes);
                return Poll::Pending;
            }
            Err(error) => return Poll::Ready(Err(error)),
        };
        if bytes == 0 {
            return Poll::Ready(Ok(0));
        }
        let was_handshaking = self.conn.is_handshaking();
        self.tell(TlsEvent::Received { bytes, handshaking: was_handshaking });
        match self.conn.process_new_packets() {
            Ok(state) => {
                if state.peer_has_closed() {
                    self.tell(TlsEvent::CloseNotifyReceived);
                }
            }
            Err(error) => {
                // Best effort: the alert goes out now or never.
                let _ = self.poll_push(cx);
                return Poll::Ready(Err(io::Error::new(io::ErrorKind::InvalidData, error)));
            }
        }
        if was_handshaking && !self.conn.is_handshaking() {
            self.tell(TlsEvent::HandshakeDone {
                version: self.protocol_version().unwrap_or_default(),
                alpn: self.alpn_protocol().map(|p| String::from_utf8_lossy(p).into_owned()),
            });
        }
        Poll::Ready(Ok(bytes))
    }
    // ANCHOR_END: pull

    // ANCHOR: handshake
    /// Drives the handshake to its end: send what rustls wants sent,
    /// then wait for the peer's answer, until rustls says it is done and
    /// its last flight (the client's `Finished`) has left.
    pub(crate) fn poll_handshake(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        loop {
            let pushed = self.poll_push(cx)?;
            if !self.conn.is_handshaking() {
                return pushed.map(Ok);
            }
            // Still handshaking: the next step needs the peer's bytes
            // (whether or not our own flight is fully out yet).
            match self.poll_pull(cx)? {
                Poll::Ready(0) => {
                    let message = "the peer closed the connection during the TLS handshake";
                    return Poll::Ready(Err(io::Error::new(io::ErrorKind::UnexpectedEof, message)));
                }
                Poll::Ready(_) => continue,
                Poll::Pending => return Poll::Pending,
            }
        }
    }
    // ANCHOR_END: handshake

    /// Runs the handshake to its end (see [`poll_handshake`](Self::poll_handshake)).
    pub(crate) async fn handshake(&mut self) -> io::Result<()> {
        self.tell(TlsEvent::HandshakeStarted);
        poll_fn(|cx| self.poll_handshake(cx)).await
    }
}

// ANCHOR: poll_read
impl AsyncRead for TlsStream {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        if this.conn.is_handshaking() {
            std::task::ready!(this.poll_handshake(cx))?;
        }
        // Ciphertext queued earlier (a response the socket could not take
        // at once) goes out first; `Pending` here only means the reactor
        // will wake us for writing too, which is what we want.
        if let Poll::Ready(Err(error)) = this.poll_push(cx) {
            return Poll::Ready(Err(error));
        }
        loop {
            // Plaintext rustls has already decrypted comes first.
            match this.conn.reader().read(buf) {
                // Ok(0) here means the peer sent close_notify: a clean end.
                Ok(n) => return Poll::Ready(Ok(n)),
                Err(error) if error.kind() == io::ErrorKind::WouldBlock => {}
                // UnexpectedEof: the socket ended with no close_notify, so
                // the data may have been cut short by an attacker.
                Err(error) => return Poll::Ready(Err(error)),
            }
            match this.poll_pull(cx) {
                // End of the socket: the reader above now reports whether
                // it was clean (close_notify came first) or not.
                Poll::Ready(Ok(_)) => {}
                Poll::Ready(Err(error)) => return Poll::Ready(Err(error)),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}
// ANCHOR_END: poll_read

impl AsyncWrite for TlsStream {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        if this.conn.is_handshaking() {
            std::task::ready!(this.poll_handshake(cx))?;
        }
        if this.closed_by_us {
            return Poll::Ready(Err(io::Error::new(io::ErrorKind::BrokenPipe, "the TLS stream was shut down")));
        }
        // Backpressure: take new plaintext only once the last records have
        // left, so rustls's buffer holds at most one write's worth.
        std::task::ready!(this.poll_push(cx))?;
        let n = this.conn.writer().write(buf)?;
        // Encrypted now; send at once if the socket takes it. If it does
        // not, the bytes wait in rustls and the next poll pushes them.
        if let Poll::Ready(Err(error)) = this.poll_push(cx) {
            return Poll::Ready(Err(error));
        }
        Poll::Ready(Ok(n))
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_push(cx)
    }

    // ANCHOR: shutdown
    /// Sends `close_notify` (once), pushes it out, then closes the TCP
    /// write direction.
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        if !this.closed_by_us {
            this.conn.send_close_notify();
            this.closed_by_us = true;
            this.tell(TlsEvent::CloseNotifySent);
        }
        std::task::ready!(this.poll_push(cx))?;
        Pin::new(&mut this.tcp).poll_shutdown(cx)
    }
    // ANCHOR_END: shutdown
}
