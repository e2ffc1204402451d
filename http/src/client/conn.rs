//! One client connection: a socket, its read buffer, and one exchange.
//!
//! [`Conn`] is what the pool keeps: a [`Transport`] (plain TCP, or TLS over
//! it for `https://`, started by [`Conn::start_tls`]) plus the bytes read from
//! it that nobody has used yet (a read can bring the end of one response
//! and nothing else, or the head and half the body at once). [`exchange`]
//! is the heart of a request on the wire: it writes the request head and
//! body while reading the response head, both from one `poll_fn`, so that
//! a server that answers early (a `413` before it has read a large upload)
//! and stops reading is heard, instead of the client blocking forever on a
//! full send buffer. A read that brings nothing for `read_timeout` fails
//! with [`TimeoutKind::Read`]; [`ReadTimer`] is that clock, re-armed on
//! every byte that moves.
//!
//! When an exchange fails, [`ExchangeError::nothing_received`] tells the
//! caller whether any byte of a response came back: if none did on a
//! reused connection, the server most likely closed it while it sat idle,
//! and an idempotent request may be retried on a fresh one.
//!
//! hyper splits this into a `Dispatcher` and a `Conn` state machine that
//! read and write independently; aiohttp writes the request, then starts
//! its `ResponseHandler` protocol reading. One function that does both is
//! the smallest shape that handles the early answer.
//!
//! Chapter: docs/src/30-client-request-on-the-loop.md

use std::future::{poll_fn, Future};
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use aioli::io::{AsyncRead, AsyncWrite};
use aioli::net::TcpStream;

use crate::transport::Transport;
use aioli::time::{sleep, Instant, Sleep};

use super::error::{Error, TimeoutKind};
use crate::proto::response_head::{parse_response_head, ResponseHead};

/// How much is read from the socket at a time.
const READ_SIZE: usize = 16 * 1024;

/// The largest response head the client accepts, and its field count.
pub(crate) const MAX_HEAD_BYTES: usize = 64 * 1024;
pub(crate) const MAX_HEADERS: usize = 100;

/// A connection to one origin.
#[derive(Debug)]
pub(crate) struct Conn {
    stream: Transport,
    /// Read buffer; the unused bytes are `buf[start..end]`.
    buf: Vec<u8>,
    start: usize,
    end: usize,
    /// Requests this connection has carried; more than 0 means reused.
    pub(crate) requests: u32,
}

impl Conn {
    /// Connects to the first address that answers.
    pub(crate) async fn connect(addrs: &[SocketAddr]) -> io::Result<Conn> {
        let mut last_error = io::Error::new(io::ErrorKind::NotFound, "no address to connect to");
        for addr in addrs {
            match TcpStream::connect(*addr).await {
                Ok(stream) => {
                    // Requests are small writes that want an answer: do not
                    // let Nagle's algorithm hold them back for 40 ms.
                    stream.set_nodelay(true)?;
                    let stream = Transport::Plain(stream);
                    return Ok(Conn { stream, buf: vec![0; READ_SIZE], start: 0, end: 0, requests: 0 });
                }
                Err(error) => last_error = error,
            }
        }
        Err(last_error)
    }

    // ANCHOR: start_tls
    /// Runs a TLS handshake over this fresh connection, checking that the
    /// server's certificate is valid for `server_name`, within `limit`.
    #[cfg(feature = "tls")]
    pub(crate) async fn start_tls(
        self,
        server_name: &str,
        config: std::sync::Arc<rustls::ClientConfig>,
        observer: Option<crate::tls::TlsObserver>,
        limit: Duration,
    ) -> Result<Conn, crate::tls::TlsFailure> {
        use crate::tls::{connect, TlsFailure};
        let Conn { stream: Transport::Plain(tcp), buf, start, end, requests } = self else {
            return Err(TlsFailure::Other("TLS was already started on this connection".to_owned()));
        };
        match aioli::time::timeout(limit, connect(tcp, server_name, config, observer)).await {
            Ok(Ok(tls)) => Ok(Conn { stream: Transport::Tls(Box::new(tls)), buf, start, end, requests }),
            Ok(Err(error)) => {
                Err(TlsFailure::from_io(&error, server_name).unwrap_or_else(|| TlsFailure::Other(error.to_string())))
            }
            Err(_elapsed) => Err(TlsFailure::TimedOut(limit)),
        }
    }
    // ANCHOR_END: start_tls

    /// Bytes read but not used yet.
    pub(crate) fn buffered(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }

    /// Marks `n` buffered bytes as used.
    pub(crate) fn consume(&mut self, n: usize) {
        self.start += n;
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        }
    }

    /// Reads more bytes into the buffer: `Ready(Ok(0))` at end of stream.
    pub(crate) fn poll_fill(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        if self.end == self.buf.len() {
            if self.start > 0 {
                // Slide the unused bytes to the front to make room.
                self.buf.copy_within(self.start..self.end, 0);
                self.end -= self.start;
                self.start = 0;
            } else {
                // Full of one unfinished thing (a long head): grow. The
                // head limit stops this before it gets out of hand.
                self.buf.resize(self.buf.len() * 2, 0);
            }
        }
        let end = self.end;
        let result = Pin::new(&mut self.stream).poll_read(cx, &mut self.buf[end..]);
        if let Poll::Ready(Ok(n)) = result {
            self.end += n;
        }
        result
    }
}

/// The read timeout's clock: reset whenever bytes move, fires when none
/// have for `limit`.
pub(crate) struct ReadTimer {
    limit: Option<Duration>,
    sleep: Option<Sleep>,
}

impl ReadTimer {
    pub(crate) fn new(limit: Option<Duration>) -> ReadTimer {
        ReadTimer { limit, sleep: None }
    }

    /// Progress was made: the clock starts again.
    pub(crate) fn reset(&mut self) {
        if let (Some(limit), Some(sleep)) = (self.limit, self.sleep.as_mut()) {
            sleep.reset(Instant::now().checked_add(limit).unwrap_or_else(Instant::now));
        }
    }

    /// Ready with the limit once it has passed with no progress.
    pub(crate) fn poll_expired(&mut self, cx: &mut Context<'_>) -> Poll<Duration> {
        let Some(limit) = self.limit else {
            return Poll::Pending;
        };
        let sleep = self.sleep.get_or_insert_with(|| sleep(limit));
        match Pin::new(sleep).poll(cx) {
            Poll::Ready(()) => Poll::Ready(limit),
            Poll::Pending => Poll::Pending,
        }
    }
}

/// A response head that arrived, and whether the whole request went out.
pub(crate) struct Exchanged {
    pub(crate) head: ResponseHead,
    /// False when the server answered before reading all of the body;
    /// the connection then cannot carry another request.
    pub(crate) request_sent: bool,
}

/// An exchange that failed.
pub(crate) struct ExchangeError {
    pub(crate) error: Error,
    /// No byte of a response came back before the failure.
    pub(crate) nothing_received: bool,
}

// ANCHOR: exchange
/// Writes `head` then `body`, and reads until a complete response head
/// has arrived (its bytes consumed from `conn`'s buffer; the body's first
/// bytes may follow in it).
pub(crate) async fn exchange(
    conn: &mut Conn,
    head: &[u8],
    body: &[u8],
    read_timeout: Option<Duration>,
    host: &str,
) -> Result<Exchanged, ExchangeError> {
    let total = head.len() + body.len();
    let mut written = 0;
    let mut write_error: Option<io::Error> = None;
    let mut timer = ReadTimer::new(read_timeout);
    let fail = |error: Error, nothing_received: bool| Poll::Ready(Err(ExchangeError { error, nothing_received }));

    poll_fn(|cx| {
        // 1. Write as much of the request as the socket takes now.
        while written < total && write_error.is_none() {
            let rest = if written < head.len() { &head[written..] } else { &body[written - head.len()..] };
            match Pin::new(&mut conn.stream).poll_write(cx, rest) {
                Poll::Ready(Ok(0)) => write_error = Some(io::ErrorKind::WriteZero.into()),
                Poll::Ready(Ok(n)) => {
                    written += n;
                    timer.reset();
                }
                Poll::Ready(Err(error)) => write_error = Some(error),
                Poll::Pending => break,
            }
        }

        // 2. Read, and look for a complete response head.
        loop {
            match parse_response_head(conn.buffered(), MAX_HEAD_BYTES, MAX_HEADERS) {
                Ok(Some((head, used))) => {
                    conn.consume(used);
                    return Poll::Ready(Ok(Exchanged { head, request_sent: written == total }));
                }
                Ok(None) => {}
                Err(error) => return fail(Error::protocol(host, error.to_string()), false),
            }
            let received_before = !conn.buffered().is_empty();
            match conn.poll_fill(cx) {
                Poll::Ready(Ok(0)) => {
                    // The server closed. If our write failed, that failure
                    // is the better explanation of what happened.
                    let error = match write_error.take() {
                        Some(error) => Error::io(host, "sending the request", error),
                        None if received_before => {
                            Error::protocol(host, "the connection closed in the middle of the response head")
                        }
                        None => Error::io(
                            host,
                            "waiting for the response",
                            io::Error::new(
                                io::ErrorKind::UnexpectedEof,
                                "the server closed the connection without answering",
                            ),
                        ),
                    };
                    return fail(error, !received_before);
                }
                Poll::Ready(Ok(_)) => timer.reset(),
                Poll::Ready(Err(error)) => {
                    let during = if written < total { "sending the request" } else { "waiting for the response" };
                    let error = write_error.take().unwrap_or(error);
                    return fail(Error::io(host, during, error), !received_before);
                }
                Poll::Pending => break,
            }
        }

        // 3. Neither side can move: wait, unless the read timeout is up.
        match timer.poll_expired(cx) {
            // A slow server is not a closed one: a timeout is never retried.
            Poll::Ready(limit) => fail(Error::timeout(host, TimeoutKind::Read, limit), false),
            Poll::Pending => Poll::Pending,
        }
    })
    .await
}
// ANCHOR_END: exchange
