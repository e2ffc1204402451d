//! `BufReader`: read in big chunks, hand out small pieces.
//!
//! Reading a line byte by byte from a socket would cost a system call per
//! byte. A `BufReader` reads up to its capacity (8 KiB by default) at once
//! and serves `read_line`, `read_until` and small reads from that buffer,
//! going back to the socket only when it is empty.
//!
//! ```text
//!   buf: [ consumed | pos .. filled: still to hand out | free ]
//! ```
//!
//! Chapter: docs/src/15-io.md

use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use super::ext::{poll_read_until, utf8};
use super::{AsyncBufRead, AsyncRead};
use crate::stream::Stream;

const DEFAULT_CAPACITY: usize = 8 * 1024;

/// Adds a read buffer to any [`AsyncRead`] (asyncio's `StreamReader`).
///
/// ```
/// use aioli::io::{AsyncBufReadExt, BufReader};
///
/// aioli::run(async {
///     let mut reader = BufReader::new(&b"first\nsecond\n"[..]);
///     let mut line = String::new();
///     reader.read_line(&mut line).await.unwrap();
///     assert_eq!(line, "first\n");
/// });
/// ```
#[derive(Debug)]
pub struct BufReader<R> {
    inner: R,
    /// The buffer; its length is the capacity.
    buf: Box<[u8]>,
    /// Next byte to hand out.
    pos: usize,
    /// End of the bytes read from `inner`.
    filled: usize,
}

impl<R: AsyncRead> BufReader<R> {
    /// A reader with an 8 KiB buffer.
    pub fn new(inner: R) -> BufReader<R> {
        BufReader::with_capacity(DEFAULT_CAPACITY, inner)
    }

    /// A reader with a buffer of `capacity` bytes (at least 1).
    pub fn with_capacity(capacity: usize, inner: R) -> BufReader<R> {
        BufReader { inner, buf: vec![0; capacity.max(1)].into_boxed_slice(), pos: 0, filled: 0 }
    }
}

impl<R> BufReader<R> {
    /// The wrapped reader.
    pub fn get_ref(&self) -> &R {
        &self.inner
    }

    /// The wrapped reader, mutably. Reading from it directly skips
    /// whatever is still buffered.
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.inner
    }

    /// The bytes read from the inner reader but not handed out yet.
    pub fn buffer(&self) -> &[u8] {
        &self.buf[self.pos..self.filled]
    }

    /// The inner reader; buffered bytes are lost.
    pub fn into_inner(self) -> R {
        self.inner
    }
}

impl<R: AsyncRead + Unpin> AsyncRead for BufReader<R> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, out: &mut [u8]) -> Poll<io::Result<usize>> {
        if out.is_empty() {
            return Poll::Ready(Ok(0)); // as the trait promises, without touching the reader
        }
        // Nothing buffered and a big read: skip the copy, read straight
        // into the caller's buffer.
        if self.pos == self.filled && out.len() >= self.buf.len() {
            return Pin::new(&mut self.inner).poll_read(cx, out);
        }
        let available = ready!(self.as_mut().poll_fill_buf(cx))?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Poll::Ready(Ok(n))
    }
}

impl<R: AsyncRead + Unpin> AsyncBufRead for BufReader<R> {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        let this = self.get_mut();
        if this.pos == this.filled {
            let n = ready!(Pin::new(&mut this.inner).poll_read(cx, &mut this.buf))?;
            this.pos = 0;
            this.filled = n;
        }
        Poll::Ready(Ok(&this.buf[this.pos..this.filled]))
    }

    fn consume(mut self: Pin<&mut Self>, amount: usize) {
        self.pos = (self.pos + amount).min(self.filled);
    }
}

/// The lines of a buffered reader as a [`Stream`]; see
/// [`AsyncBufReadExt::lines`](super::AsyncBufReadExt::lines).
///
/// Cancellation-safe: a partly read line stays in the `Lines` and the
/// next `next().await` continues it.
#[derive(Debug)]
#[must_use = "streams do nothing unless polled"]
pub struct Lines<R> {
    reader: R,
    /// The line read so far.
    line: Vec<u8>,
    /// Bytes appended to `line` during the current call.
    appended: usize,
}

impl<R> Lines<R> {
    pub(crate) fn new(reader: R) -> Lines<R> {
        Lines { reader, line: Vec::new(), appended: 0 }
    }

    /// The reader, for example to write a reply on the same stream.
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.reader
    }

    /// The next line, or `None` at end of stream.
    pub async fn next_line(&mut self) -> io::Result<Option<String>>
    where
        R: AsyncBufRead + Unpin,
    {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await.transpose()
    }
}

impl<R: AsyncBufRead + Unpin> Stream for Lines<R> {
    type Item = io::Result<String>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<io::Result<String>>> {
        let this = self.get_mut();
        let n = ready!(poll_read_until(&mut this.reader, cx, b'\n', &mut this.line, &mut this.appended))?;
        if n == 0 && this.line.is_empty() {
            return Poll::Ready(None);
        }
        let mut line = std::mem::take(&mut this.line);
        if line.last() == Some(&b'\n') {
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
        }
        Poll::Ready(Some(utf8(line, "lines")))
    }
}
