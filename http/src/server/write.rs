//! Writing a response: head, body, and as few system calls as possible.
//!
//! The head and, when it is small, the body are appended to one buffer,
//! `out`, that the connection reuses for every response. The buffer goes
//! to the socket in one `write` (or a few, if the kernel takes less) when
//! the connection is about to wait for the client, not after every
//! response: with pipelined requests already in the read buffer, several
//! answers leave in one write. A large body is written straight from the
//! handler's buffer after the head, to avoid copying it; a streamed body
//! goes out chunk by chunk as the stream yields.
//!
//! The rules that depend on the request are applied here: no body for
//! HEAD (but the GET's Content-Length), none for 1xx, 204 and 304; a
//! stream to an HTTP/1.0 client, which does not know chunked coding, is
//! sent raw and ended by closing the connection.
//!
//! hyper does the same with a write buffer that flattens small bodies
//! into the head and queues large ones for vectored writes; asyncio's
//! transports buffer every write and flush when the loop comes around.
//!
//! Chapter: docs/src/22-bodies-and-keep-alive.md

use std::future::poll_fn;
use std::io;
use std::pin::Pin;
use std::task::Poll;
use std::time::Duration;

use aioli::io::AsyncWrite;
use aioli::stream::StreamExt;

use super::io::Shared;
use crate::proto::date;
use crate::proto::encode::{write_chunk, write_response_head, HeadExtras, ResponseFraming, LAST_CHUNK};
use crate::response::ResponseBody;
use crate::{Response, StatusCode, Version};

/// Bodies up to this size are copied behind the head (one write); larger
/// ones are written from their own buffer (no copy).
const COPY_BODY_UP_TO: usize = 16 * 1024;

/// Above this much buffered output, write it even if more pipelined
/// requests are waiting.
pub(crate) const FLUSH_AT: usize = 64 * 1024;

/// What the writer needs to know about the request being answered.
pub(crate) struct Answering<'a> {
    pub(crate) is_head: bool,
    pub(crate) version: Version,
    /// Whether the connection stays open; the writer may turn it off
    /// (an HTTP/1.0 stream, or a handler's `Connection: close`).
    pub(crate) keep_alive: &'a mut bool,
    pub(crate) server_name: &'a str,
    pub(crate) write_timeout: Duration,
}

/// Appends `response` to `out`, writing to the socket when a streamed or
/// large body requires it. Small responses stay in `out` for the caller
/// to flush.
// ANCHOR: write_response
pub(crate) async fn write_response(
    io: &Shared,
    out: &mut Vec<u8>,
    response: Response,
    answering: Answering<'_>,
) -> io::Result<()> {
    let (status, headers, body) = response.into_parts();
    if headers.has_token("connection", "close") {
        *answering.keep_alive = false;
    }
    let no_body = answering.is_head || status.forbids_body();
    let framing = match &body {
        _ if status.forbids_body() => ResponseFraming::None,
        ResponseBody::Empty if answering.is_head => {
            // A HEAD handler of its own may say how long the GET's body
            // would be; keep its Content-Length then.
            let declared = headers.get("content-length").and_then(|v| v.trim().parse().ok());
            ResponseFraming::Length(declared.unwrap_or(0))
        }
        ResponseBody::Empty => ResponseFraming::Length(0),
        ResponseBody::Bytes(bytes) => ResponseFraming::Length(bytes.len() as u64),
        ResponseBody::Stream(_) if answering.version == Version::Http10 => {
            // HTTP/1.0 has no chunked coding: the body ends at close.
            if !answering.is_head {
                *answering.keep_alive = false;
            }
            ResponseFraming::None
        }
        ResponseBody::Stream(_) => ResponseFraming::Chunked,
    };
    let connection = match (*answering.keep_alive, answering.version) {
        // A 101 names the protocol switch in Connection (RFC 9110 §7.8).
        _ if status == StatusCode::SWITCHING_PROTOCOLS => Some("upgrade"),
        (false, _) => Some("close"),
        (true, Version::Http10) => Some("keep-alive"),
        (true, Version::Http11) => None,
    };
    let today = date::now_bytes();
    let server = (!answering.server_name.is_empty()).then_some(answering.server_name);
    let extras = HeadExtras { framing, connection, date: Some(&today), server };
    let mark = out.len();
    if let Err(error) = write_response_head(out, status, &headers, extras) {
        // The handler built a header that cannot be sent safely. Answer
        // 500 instead and say why in the log, not to the client.
        eprintln!("aioli-http: {error}; answering 500 instead");
        out.truncate(mark);
        let message = b"500 Internal Server Error: the response had an invalid header\n";
        let extras = HeadExtras { framing: ResponseFraming::Length(message.len() as u64), ..extras };
        let plain = crate::HeaderMap::from_iter([("Content-Type", "text/plain; charset=utf-8")]);
        write_response_head(out, StatusCode::INTERNAL_SERVER_ERROR, &plain, extras)
            .map_err(|error| io::Error::new(io::ErrorKind::InvalidData, error))?;
        if !answering.is_head {
            out.extend_from_slice(message);
        }
        return Ok(());
    }
    if no_body {
        return Ok(());
    }
    match body {
        ResponseBody::Empty => Ok(()),
        ResponseBody::Bytes(bytes) if bytes.len() <= COPY_BODY_UP_TO => {
            out.extend_from_slice(&bytes);
            Ok(())
        }
        ResponseBody::Bytes(bytes) => {
            flush(io, out, answering.write_timeout).await?;
            write_all(io, &bytes, answering.write_timeout).await
        }
        ResponseBody::Stream(mut stream) => {
            let chunked = framing == ResponseFraming::Chunked;
            // The head goes out now: a streamed response may take a while
            // (server-sent events never end), and the client should see
            // the status as soon as we know it.
            flush(io, out, answering.write_timeout).await?;
            while let Some(piece) = stream.next().await {
                if chunked {
                    write_chunk(out, &piece);
                } else {
                    out.extend_from_slice(&piece);
                }
                flush(io, out, answering.write_timeout).await?;
            }
            if chunked {
                out.extend_from_slice(LAST_CHUNK);
            }
            Ok(())
        }
    }
}
// ANCHOR_END: write_response

/// Writes all of `out` to the socket and empties it.
pub(crate) async fn flush(io: &Shared, out: &mut Vec<u8>, limit: Duration) -> io::Result<()> {
    if out.is_empty() {
        return Ok(());
    }
    let result = write_all(io, out, limit).await;
    out.clear();
    result
}

/// Writes all of `bytes`, failing with `TimedOut` if the client takes
/// none of them for `limit` (a client that never reads would otherwise
/// hold the connection forever).
pub(crate) async fn write_all(io: &Shared, bytes: &[u8], limit: Duration) -> io::Result<()> {
    let mut written = 0;
    while written < bytes.len() {
        // Try once without a clock: a small response fits in the socket's
        // send buffer and is taken at once, and `timeout` would read the
        // time and build a timer for nothing on every request. Only when
        // the socket is full does the wait start, with its limit.
        let attempt =
            poll_fn(|cx| Poll::Ready(Pin::new(&mut io.borrow_mut().stream).poll_write(cx, &bytes[written..]))).await;
        let result = match attempt {
            Poll::Ready(result) => result,
            Poll::Pending => {
                let write = poll_fn(|cx| Pin::new(&mut io.borrow_mut().stream).poll_write(cx, &bytes[written..]));
                match aioli::time::timeout(limit, write).await {
                    Ok(result) => result,
                    Err(_) => {
                        let message =
                            format!("the client read nothing for {limit:?} (limit: ServerConfig::write_timeout)");
                        return Err(io::Error::new(io::ErrorKind::TimedOut, message));
                    }
                }
            }
        };
        let n = result?;
        if n == 0 {
            return Err(io::ErrorKind::WriteZero.into());
        }
        written += n;
    }
    Ok(())
}
