//! The methods one calls: `read`, `read_exact`, `write_all`, `read_line`…
//!
//! Each returns a future built from the trait's poll method with
//! `std::future::poll_fn`. Whether a method is *cancellation-safe* (may be
//! dropped mid-way, for example by `select` or `timeout`, without losing
//! data) is stated on each: `read` is; `read_exact` is not (bytes already
//! read into `buf` are there, but how many is not reported).
//!
//! Chapter: docs/src/15-io.md

use std::future::{poll_fn, Future};
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use super::{AsyncBufRead, AsyncRead, AsyncWrite};

/// Size of the stack buffer `read_to_end` reads through.
const CHUNK: usize = 8 * 1024;

/// Reading helpers for every [`AsyncRead`].
pub trait AsyncReadExt: AsyncRead {
    // ANCHOR: read
    /// Reads some bytes into `buf`; `Ok(0)` means end of stream.
    /// Cancellation-safe: if dropped before it completes, nothing was read.
    fn read<'a>(&'a mut self, buf: &'a mut [u8]) -> impl Future<Output = io::Result<usize>> + 'a
    where
        Self: Unpin,
    {
        poll_fn(move |cx| Pin::new(&mut *self).poll_read(cx, buf))
    }
    // ANCHOR_END: read

    // ANCHOR: read_exact
    /// Fills all of `buf`, or fails with `UnexpectedEof` if the stream
    /// ends first. Not cancellation-safe.
    fn read_exact<'a>(&'a mut self, buf: &'a mut [u8]) -> impl Future<Output = io::Result<()>> + 'a
    where
        Self: Unpin,
    {
        async move {
            let mut filled = 0;
            while filled < buf.len() {
                let n = poll_fn(|cx| Pin::new(&mut *self).poll_read(cx, &mut buf[filled..])).await?;
                if n == 0 {
                    let message = format!("the stream ended after {filled} of {} bytes (read_exact)", buf.len());
                    return Err(io::Error::new(io::ErrorKind::UnexpectedEof, message));
                }
                filled += n;
            }
            Ok(())
        }
    }
    // ANCHOR_END: read_exact

    /// Reads until end of stream, appending to `buf`; returns how many
    /// bytes it appended.
    fn read_to_end<'a>(&'a mut self, buf: &'a mut Vec<u8>) -> impl Future<Output = io::Result<usize>> + 'a
    where
        Self: Unpin,
    {
        async move {
            let mut chunk = [0u8; CHUNK];
            let mut total = 0;
            loop {
                let n = poll_fn(|cx| Pin::new(&mut *self).poll_read(cx, &mut chunk)).await?;
                if n == 0 {
                    return Ok(total);
                }
                buf.extend_from_slice(&chunk[..n]);
                total += n;
            }
        }
    }

    /// Reads until end of stream, appending UTF-8 text to `buf`. Bytes
    /// that are not UTF-8 give an error of kind `InvalidData`; for data
    /// that may not be text, use `read_to_end` and decode it yourself.
    fn read_to_string<'a>(&'a mut self, buf: &'a mut String) -> impl Future<Output = io::Result<usize>> + 'a
    where
        Self: Unpin,
    {
        async move {
            let mut bytes = Vec::new();
            let n = self.read_to_end(&mut bytes).await?;
            buf.push_str(&utf8(bytes, "read_to_string")?);
            Ok(n)
        }
    }
}

impl<R: AsyncRead + ?Sized> AsyncReadExt for R {}

/// Writing helpers for every [`AsyncWrite`].
pub trait AsyncWriteExt: AsyncWrite {
    /// Writes some of `buf`; returns how many bytes were accepted.
    fn write<'a>(&'a mut self, buf: &'a [u8]) -> impl Future<Output = io::Result<usize>> + 'a
    where
        Self: Unpin,
    {
        poll_fn(move |cx| Pin::new(&mut *self).poll_write(cx, buf))
    }

    /// Writes all of `buf` (`writer.write(data)` + `await drain()` in
    /// asyncio). Not cancellation-safe: a prefix may have been written.
    #[doc(alias = "drain")]
    fn write_all<'a>(&'a mut self, buf: &'a [u8]) -> impl Future<Output = io::Result<()>> + 'a
    where
        Self: Unpin,
    {
        async move {
            let mut written = 0;
            while written < buf.len() {
                let n = poll_fn(|cx| Pin::new(&mut *self).poll_write(cx, &buf[written..])).await?;
                if n == 0 {
                    let message = format!("the writer accepted 0 bytes after {written} of {} (write_all)", buf.len());
                    return Err(io::Error::new(io::ErrorKind::WriteZero, message));
                }
                written += n;
            }
            Ok(())
        }
    }

    /// Pushes out buffered bytes.
    fn flush(&mut self) -> impl Future<Output = io::Result<()>> + '_
    where
        Self: Unpin,
    {
        poll_fn(move |cx| Pin::new(&mut *self).poll_flush(cx))
    }

    /// Flushes and closes the write direction (asyncio: `write_eof`).
    fn shutdown(&mut self) -> impl Future<Output = io::Result<()>> + '_
    where
        Self: Unpin,
    {
        poll_fn(move |cx| Pin::new(&mut *self).poll_shutdown(cx))
    }
}

impl<W: AsyncWrite + ?Sized> AsyncWriteExt for W {}

/// Line and delimiter helpers for every [`AsyncBufRead`].
pub trait AsyncBufReadExt: AsyncBufRead {
    /// Appends bytes to `buf` up to and including `delimiter` (or to end
    /// of stream); returns how many it appended, 0 at end of stream.
    /// Cancellation-safe in the sense that bytes already consumed are in
    /// `buf`; call again to continue the same line.
    fn read_until<'a>(&'a mut self, delimiter: u8, buf: &'a mut Vec<u8>) -> impl Future<Output = io::Result<usize>> + 'a
    where
        Self: Unpin,
    {
        let mut appended = 0;
        poll_fn(move |cx| poll_read_until(&mut *self, cx, delimiter, buf, &mut appended))
    }

    /// Appends one line, newline included, to `buf` (asyncio:
    /// `await reader.readline()`); returns its length, 0 at end of stream.
    /// Not cancellation-safe: a partly read line is lost if dropped.
    /// A line that is not UTF-8 gives an error of kind `InvalidData`; for
    /// lines that may not be text, use `read_until(b'\n', ..)`.
    #[doc(alias = "readline")]
    fn read_line<'a>(&'a mut self, buf: &'a mut String) -> impl Future<Output = io::Result<usize>> + 'a
    where
        Self: Unpin,
    {
        async move {
            let mut bytes = Vec::new();
            let n = self.read_until(b'\n', &mut bytes).await?;
            buf.push_str(&utf8(bytes, "read_line")?);
            Ok(n)
        }
    }

    /// The lines of the stream, without their `\n` or `\r\n`, as a
    /// [`Stream`](crate::stream::Stream): `async for line in reader`.
    /// A line that is not UTF-8 is an `InvalidData` error; for lines that
    /// may not be text, use `read_until(b'\n', ..)`.
    fn lines(self) -> super::Lines<Self>
    where
        Self: Sized,
    {
        super::Lines::new(self)
    }
}

impl<R: AsyncBufRead + ?Sized> AsyncBufReadExt for R {}

/// The poll behind `read_until` and `Lines`: copy buffered bytes into
/// `buf` until `delimiter` is copied or the stream ends. `appended` keeps
/// count across `Pending`s.
pub(crate) fn poll_read_until<R: AsyncBufRead + Unpin + ?Sized>(
    reader: &mut R,
    cx: &mut Context<'_>,
    delimiter: u8,
    buf: &mut Vec<u8>,
    appended: &mut usize,
) -> Poll<io::Result<usize>> {
    loop {
        let available = ready!(Pin::new(&mut *reader).poll_fill_buf(cx))?;
        let (found, used) = match available.iter().position(|&byte| byte == delimiter) {
            Some(index) => (true, index + 1),
            None => (available.is_empty(), available.len()),
        };
        buf.extend_from_slice(&available[..used]);
        Pin::new(&mut *reader).consume(used);
        *appended += used;
        if found {
            return Poll::Ready(Ok(std::mem::take(appended)));
        }
    }
}

/// Bytes to text, with an error that says which call found bad UTF-8.
pub(crate) fn utf8(bytes: Vec<u8>, call: &str) -> io::Result<String> {
    String::from_utf8(bytes).map_err(|error| {
        let message = format!("{call}: the data is not valid UTF-8 ({error})");
        io::Error::new(io::ErrorKind::InvalidData, message)
    })
}
