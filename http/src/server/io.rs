//! The connection's shared state: the socket, its read buffer, and the
//! body of the request being handled.
//!
//! Two parties read from one connection: the connection loop (request
//! heads, and draining bodies nobody read) and the handler (the body of
//! its request, through `Request::bytes`, `chunk` and friends). Both run
//! in the same task, taking turns at `.await` points, so they share one
//! `Rc<RefCell<ConnIo>>` and borrow it only inside a single `poll`, never
//! across an `.await`: a borrow can then never be held while the other
//! party runs.
//!
//! `ReadBuf` is a byte buffer with a filled window `start..end`. The
//! socket reads into the free space after `end`; parsers look at
//! `start..end` and `consume` what they used. Nothing is zeroed or
//! reallocated per request, which keeps a keep-alive connection from
//! allocating for its reads. It starts small (1 KiB: most request heads
//! fit) and doubles, up to 64 KiB, each time a read fills all its free
//! space, so an upload is read in large pieces while ten thousand idle
//! keep-alive connections hold 1 KiB each, not 8 (hyper's "adaptive" read
//! strategy does the same). tokio's `BytesMut` plays this role in hyper;
//! asyncio's `StreamReader` keeps a `bytearray`.
//!
//! Chapter: docs/src/20-http-request-on-the-loop.md

use std::cell::RefCell;
use std::io;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use aioli::io::{AsyncRead, AsyncWrite};

use crate::proto::body::{BodyDecoder, Decoded, Framing};
use crate::proto::ParseError;
use crate::transport::Transport;

/// The buffer's start size: a typical request head fits.
const READ_START: usize = 1024;
/// The size past which a full read no longer doubles the buffer.
const READ_MAX: usize = 64 * 1024;

/// A reusable read buffer: bytes `start..end` of `bytes` are data not yet
/// consumed; `end..` is free space for the next read.
pub(crate) struct ReadBuf {
    bytes: Vec<u8>,
    start: usize,
    end: usize,
}

impl ReadBuf {
    pub(crate) fn new() -> ReadBuf {
        ReadBuf { bytes: vec![0; READ_START], start: 0, end: 0 }
    }

    /// The bytes received and not yet consumed.
    pub(crate) fn data(&self) -> &[u8] {
        &self.bytes[self.start..self.end]
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// Marks `n` bytes at the front as used.
    pub(crate) fn consume(&mut self, n: usize) {
        self.start = (self.start + n).min(self.end);
        if self.start == self.end {
            // Empty: start over at the front, so the free space is whole.
            self.start = 0;
            self.end = 0;
        }
    }

    /// Free space to read into: moves the data to the front if that
    /// makes room, grows the buffer if it is full of unconsumed data (a
    /// head bigger than the buffer; the head limit stops the growth).
    fn spare(&mut self) -> &mut [u8] {
        if self.end == self.bytes.len() {
            if self.start > 0 {
                self.bytes.copy_within(self.start..self.end, 0);
                self.end -= self.start;
                self.start = 0;
            } else {
                let bigger = self.bytes.len() * 2;
                self.bytes.resize(bigger, 0);
            }
        }
        &mut self.bytes[self.end..]
    }

    /// Reads once from `stream` into the free space. `Ok(0)` is EOF.
    pub(crate) fn poll_read_from(&mut self, stream: &mut Transport, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let spare = self.spare();
        let spare_len = spare.len();
        match Pin::new(stream).poll_read(cx, spare) {
            Poll::Ready(Ok(n)) => {
                // The kernel had at least as much as we asked for: ask for
                // more next time (a body or pipelined requests are coming).
                if n > 0 && n == spare_len && self.bytes.len() < READ_MAX {
                    let bigger = self.bytes.len() * 2;
                    self.bytes.resize(bigger, 0);
                }
                self.end += n;
                Poll::Ready(Ok(n))
            }
            other => other,
        }
    }
}

/// What the current request's body is doing, shared by the handler's
/// reads and the connection loop.
pub(crate) struct BodyState {
    /// Where the body ends.
    pub(crate) decoder: BodyDecoder,
    /// The client sent `Expect: 100-continue` and waits for our
    /// `100 Continue` before sending the body; we send it on the first read.
    pub(crate) continue_owed: bool,
    /// Bytes of the `100 Continue` line already written.
    pub(crate) continue_written: usize,
    /// A read failed (bad framing, timeout, EOF): the connection's framing
    /// is lost, so it must close after the response.
    pub(crate) failed: bool,
}

impl BodyState {
    pub(crate) fn new(framing: Framing, expects_continue: bool) -> BodyState {
        BodyState {
            decoder: BodyDecoder::new(framing),
            continue_owed: expects_continue && framing != Framing::Empty,
            continue_written: 0,
            failed: false,
        }
    }
}

/// The interim response that invites the body (RFC 9110 §10.1.1).
const CONTINUE: &[u8] = b"HTTP/1.1 100 Continue\r\n\r\n";

/// Everything about one connection that both the loop and the handler's
/// body reads touch.
pub(crate) struct ConnIo {
    /// The socket, plain or TLS (`transport.rs`).
    pub(crate) stream: Transport,
    pub(crate) buf: ReadBuf,
    pub(crate) body: BodyState,
    /// Counts requests on this connection; a `RequestBody` remembers the
    /// number of its request and may read only while it is current, so a
    /// handler that keeps its `Request` past its answer cannot steal the
    /// next request's bytes.
    pub(crate) request_number: u64,
}

/// Why a body read failed.
#[derive(Debug)]
pub(crate) enum BodyReadError {
    /// The bytes break the framing.
    Parse(ParseError),
    /// The socket failed.
    Io(io::Error),
    /// The request this body belonged to has been answered.
    Stale,
}

pub(crate) type Shared = Rc<RefCell<ConnIo>>;

impl ConnIo {
    /// Appends the next piece of the current request's body to `out`:
    /// `Ok(true)` when a piece was appended, `Ok(false)` at the body's end.
    /// Sends `100 Continue` first if it is owed.
    pub(crate) fn poll_body(
        &mut self,
        cx: &mut Context<'_>,
        request_number: u64,
        out: &mut Vec<u8>,
    ) -> Poll<Result<bool, BodyReadError>> {
        if request_number != self.request_number {
            return Poll::Ready(Err(BodyReadError::Stale));
        }
        let result = self.poll_body_inner(cx, out);
        if let Poll::Ready(Err(_)) = &result {
            self.body.failed = true;
        }
        result
    }

    // ANCHOR: poll_body
    fn poll_body_inner(&mut self, cx: &mut Context<'_>, out: &mut Vec<u8>) -> Poll<Result<bool, BodyReadError>> {
        while self.body.continue_owed {
            let rest = &CONTINUE[self.body.continue_written..];
            match Pin::new(&mut self.stream).poll_write(cx, rest) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(BodyReadError::Io(io::ErrorKind::WriteZero.into()))),
                Poll::Ready(Ok(n)) => {
                    self.body.continue_written += n;
                    self.body.continue_owed = self.body.continue_written < CONTINUE.len();
                }
                Poll::Ready(Err(error)) => return Poll::Ready(Err(BodyReadError::Io(error))),
                Poll::Pending => return Poll::Pending,
            }
        }
        loop {
            // First whatever is already buffered (a body often arrives in
            // the same read as its head), then the socket.
            if !self.buf.is_empty() || self.body.decoder.is_done() {
                let (used, found) = self.body.decoder.decode(self.buf.data()).map_err(BodyReadError::Parse)?;
                match found {
                    Decoded::Data(data) => {
                        out.extend_from_slice(data);
                        self.buf.consume(used);
                        return Poll::Ready(Ok(true));
                    }
                    Decoded::Done => {
                        self.buf.consume(used);
                        return Poll::Ready(Ok(false));
                    }
                    Decoded::NeedMore => self.buf.consume(used),
                }
            }
            match self.buf.poll_read_from(&mut self.stream, cx) {
                Poll::Ready(Ok(0)) => {
                    return match self.body.decoder.finish_at_eof() {
                        Ok(()) => Poll::Ready(Ok(false)),
                        Err(error) => Poll::Ready(Err(BodyReadError::Parse(error))),
                    };
                }
                Poll::Ready(Ok(_)) => {}
                Poll::Ready(Err(error)) => return Poll::Ready(Err(BodyReadError::Io(error))),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
    // ANCHOR_END: poll_body
}
