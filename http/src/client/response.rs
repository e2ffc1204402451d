//! `Response`: the status and headers at once, the body when you ask.
//!
//! `send().await` returns as soon as the response *head* has arrived; the
//! body is still on the socket. The response holds the connection (and
//! its pool slot) until the body has been read to its end, and only then
//! gives the connection back to the pool, because the next request on it
//! must not find the rest of this body waiting. Read the body all at once
//! ([`Response::bytes`], [`Response::text`], [`Response::json`], capped by
//! `ClientBuilder::max_body_bytes`) or piece by piece ([`Response::chunk`],
//! [`Response::lines`], [`Response::chunks`]). Dropping a response whose
//! body is half read closes its connection: that is cheaper than reading
//! the rest of a body nobody wants, and always correct.
//!
//! Underneath, `Body::poll_data` feeds the buffered bytes to the shared
//! `BodyDecoder` (Content-Length, chunked, or until close) and reads more
//! from the socket when it says "need more". A body that ends early or a
//! chunk size that is not hex is an [`Error::Protocol`], never a short
//! success. Each read is bounded by the read timeout, and the whole body
//! by what is left of the total timeout.
//!
//! aiohttp's `ClientResponse` is the same idea (`read()`, `text()`,
//! `json()`, `content.iter_chunked(n)`, `async for line in content`) and
//! also releases the connection on EOF; reqwest's `Response::chunk()` is
//! where the name comes from.
//!
//! Chapter: docs/src/30-client-request-on-the-loop.md

use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use aioli::stream::Stream;
use aioli::time::Sleep;

use super::conn::{Conn, ReadTimer};
use super::error::{Error, TimeoutKind};
use super::pool::Slot;
use super::url::Url;
use crate::proto::body::{BodyDecoder, Decoded};
use crate::proto::response_head::ResponseHead;
use crate::{HeaderMap, StatusCode, Version};

/// A response whose head has arrived; its body is read on demand.
#[derive(Debug)]
pub struct Response {
    head: ResponseHead,
    /// The URL that answered (after redirects).
    url: Url,
    body: Body,
}

/// The body's reader: the connection while it is in use, and the clocks.
pub(crate) struct Body {
    /// The connection and its pool slot, until the body ends (then they go
    /// back to the pool, or are closed).
    conn: Option<(Conn, Slot<Conn>)>,
    decoder: BodyDecoder,
    /// Whether the connection may carry another request after this body.
    reusable: bool,
    /// `host:port`, for errors.
    host: String,
    read_timer: ReadTimer,
    /// The total timeout's deadline and its length.
    total: Option<(Sleep, Duration)>,
    /// The cap for `bytes`, `text` and `json`.
    max_body_bytes: usize,
    /// Body bytes handed out so far.
    received: u64,
}

impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Body")
            .field("open", &self.conn.is_some())
            .field("done", &self.decoder.is_done())
            .field("received", &self.received)
            .finish()
    }
}

/// What a finished exchange hands to the response.
pub(crate) struct BodyParts {
    pub(crate) conn: Conn,
    pub(crate) slot: Slot<Conn>,
    pub(crate) decoder: BodyDecoder,
    pub(crate) reusable: bool,
    pub(crate) host: String,
    pub(crate) read_timeout: Option<Duration>,
    pub(crate) total: Option<(Sleep, Duration)>,
    pub(crate) max_body_bytes: usize,
}

impl Response {
    pub(crate) fn new(head: ResponseHead, url: Url, parts: BodyParts) -> Response {
        let mut body = Body {
            conn: Some((parts.conn, parts.slot)),
            decoder: parts.decoder,
            reusable: parts.reusable,
            host: parts.host,
            read_timer: ReadTimer::new(parts.read_timeout),
            total: parts.total,
            max_body_bytes: parts.max_body_bytes,
            received: 0,
        };
        // No body at all (HEAD, 204, 304, Content-Length: 0): the
        // connection is free right away.
        if body.decoder.is_done() {
            body.finish();
        }
        Response { head, url, body }
    }

    /// The status code.
    pub fn status(&self) -> StatusCode {
        self.head.status
    }

    /// The reason phrase the server sent (`OK`, `Not Found`).
    pub fn reason(&self) -> &str {
        &self.head.reason
    }

    /// HTTP/1.0 or HTTP/1.1.
    pub fn version(&self) -> Version {
        self.head.version
    }

    /// The header fields.
    pub fn headers(&self) -> &HeaderMap {
        &self.head.headers
    }

    /// The URL that answered: the request's, or the last redirect's.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The `Content-Length`, when the server sent one.
    pub fn content_length(&self) -> Option<u64> {
        self.head.headers.get("content-length").and_then(|value| value.trim().parse().ok())
    }

    /// The response as it is for a 2xx or 3xx status, else an
    /// [`Error::Status`] (aiohttp's `raise_for_status()`). The body of a
    /// failed response is dropped, closing its connection if unread.
    pub fn error_for_status(self) -> Result<Response, Error> {
        let status = self.head.status;
        if status.is_client_error() || status.is_server_error() {
            return Err(Error::Status {
                host: self.body.host.clone(),
                status: status.as_u16(),
                reason: self.head.reason.clone(),
                url: self.url.to_string(),
            });
        }
        Ok(self)
    }

    /// The next piece of the body as it arrives, `None` at its end.
    ///
    /// The pieces are as the network delivers them (no fixed size); see
    /// [`Response::chunks`] for that. Reading up to `None` is what gives
    /// the connection back to the pool.
    pub async fn chunk(&mut self) -> Result<Option<Vec<u8>>, Error> {
        poll_fn(|cx| self.body.poll_chunk(cx)).await
    }

    /// The whole body, up to `max_body_bytes`.
    pub async fn bytes(mut self) -> Result<Vec<u8>, Error> {
        let limit = self.body.max_body_bytes;
        // A Content-Length body says its size up front: refuse at once, and
        // otherwise reserve it all (HEAD and 304 have a length but no body,
        // which the decoder knows: it is already done).
        let announced = self.body.decoder.remaining().unwrap_or(0);
        if announced > limit as u64 {
            return Err(self.body.fail(Error::BodyTooLarge { host: self.body.host.clone(), limit }));
        }
        let mut all = Vec::with_capacity(announced as usize);
        while poll_fn(|cx| self.body.poll_data(cx, &mut all)).await? > 0 {
            if all.len() > limit {
                return Err(self.body.fail(Error::BodyTooLarge { host: self.body.host.clone(), limit }));
            }
        }
        Ok(all)
    }

    /// The whole body as UTF-8 text.
    pub async fn text(self) -> Result<String, Error> {
        let host = self.body.host.clone();
        let bytes = self.bytes().await?;
        String::from_utf8(bytes).map_err(|error| Error::Decode {
            host,
            what: format!("the body is not UTF-8 text (invalid byte at offset {})", error.utf8_error().valid_up_to()),
        })
    }

    /// The whole body parsed as JSON into `T`.
    #[cfg(feature = "json")]
    pub async fn json<T: serde::de::DeserializeOwned>(self) -> Result<T, Error> {
        let host = self.body.host.clone();
        let bytes = self.bytes().await?;
        serde_json::from_slice(&bytes).map_err(|error| Error::Decode { host, what: format!("invalid JSON: {error}") })
    }

    /// Reads the body to its end and throws it away, so the connection
    /// can go back to the pool (what a redirect does with its body).
    pub(crate) async fn discard(mut self, up_to: u64) {
        while self.body.received <= up_to {
            match self.chunk().await {
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => return,
            }
        }
    }

    /// The body as a stream of lines, without their `\n` or `\r\n`
    /// (aiohttp: `async for line in resp.content`). A line longer than
    /// `max_body_bytes` is an error.
    pub fn lines(self) -> Lines {
        Lines { response: self, pending: Vec::new(), ended: false }
    }

    /// The body as a stream of `size`-byte pieces, the last one shorter
    /// (aiohttp: `resp.content.iter_chunked(size)`). A `size` of 0 is
    /// taken as 1.
    pub fn chunks(self, size: usize) -> Chunks {
        Chunks { response: self, size: size.max(1), pending: Vec::new(), ended: false }
    }
}

impl Body {
    /// The next piece of the body in a `Vec` of its own, `None` at the end.
    fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Result<Option<Vec<u8>>, Error>> {
        let mut piece = Vec::new();
        match self.poll_data(cx, &mut piece) {
            Poll::Ready(Ok(0)) => Poll::Ready(Ok(None)),
            Poll::Ready(Ok(_)) => Poll::Ready(Ok(Some(piece))),
            Poll::Ready(Err(error)) => Poll::Ready(Err(error)),
            Poll::Pending => Poll::Pending,
        }
    }

    /// One step of the [`Lines`] and [`Chunks`] streams: more body onto
    /// `pending`, with `ended` set once the body is over. On an error the
    /// partial item is thrown away, so a broken body never yields a short
    /// line or chunk that looks whole.
    fn poll_fill(&mut self, cx: &mut Context<'_>, pending: &mut Vec<u8>, ended: &mut bool) -> Poll<Result<(), Error>> {
        match ready!(self.poll_data(cx, pending)) {
            Ok(0) => *ended = true,
            Ok(_) => {}
            Err(error) => {
                *ended = true;
                pending.clear();
                return Poll::Ready(Err(error));
            }
        }
        Poll::Ready(Ok(()))
    }

    /// The heart of body reading: decode what is buffered, read more when
    /// the decoder needs it, and hand the connection back at the end.
    /// Appends the next piece of body to `out` and says how long it was;
    /// 0 means the body is over. Appending (rather than returning a new
    /// `Vec`) lets `bytes()` and the streams decode straight into their
    /// own buffer, with no copy in between.
    fn poll_data(&mut self, cx: &mut Context<'_>, out: &mut Vec<u8>) -> Poll<Result<usize, Error>> {
        loop {
            let Some((conn, _)) = self.conn.as_mut() else {
                // Finished (or failed, and the error was returned then).
                return Poll::Ready(Ok(0));
            };
            if !conn.buffered().is_empty() {
                match self.decoder.decode(conn.buffered()) {
                    Ok((used, Decoded::Data(data))) => {
                        let length = data.len();
                        out.extend_from_slice(data);
                        conn.consume(used);
                        self.received += length as u64;
                        if self.decoder.is_done() {
                            self.finish();
                        }
                        return Poll::Ready(Ok(length));
                    }
                    Ok((used, Decoded::Done)) => {
                        conn.consume(used);
                        self.finish();
                        return Poll::Ready(Ok(0));
                    }
                    Ok((used, Decoded::NeedMore)) => conn.consume(used),
                    Err(error) => {
                        let what = format!("bad body framing: {error}");
                        return Poll::Ready(Err(self.fail(Error::protocol(&self.host, what))));
                    }
                }
            }
            if let Some((deadline, limit)) = self.total.as_mut() {
                if Pin::new(deadline).poll(cx).is_ready() {
                    let error = Error::timeout(&self.host, TimeoutKind::Total, *limit);
                    return Poll::Ready(Err(self.fail(error)));
                }
            }
            let Some((conn, _)) = self.conn.as_mut() else {
                return Poll::Ready(Ok(0));
            };
            match conn.poll_fill(cx) {
                Poll::Ready(Ok(0)) => {
                    return match self.decoder.finish_at_eof() {
                        Ok(()) => {
                            // A read-until-close body: complete, and its
                            // connection is spent.
                            self.reusable = false;
                            self.finish();
                            Poll::Ready(Ok(0))
                        }
                        Err(_) => {
                            let what = match self.decoder.remaining() {
                                Some(left) => format!(
                                    "the connection closed {left} bytes before the end of the body \
                                     (after {} bytes)",
                                    self.received
                                ),
                                None => format!(
                                    "the connection closed in the middle of a chunked body (after {} bytes)",
                                    self.received
                                ),
                            };
                            Poll::Ready(Err(self.fail(Error::protocol(&self.host, what))))
                        }
                    };
                }
                Poll::Ready(Ok(_)) => self.read_timer.reset(),
                Poll::Ready(Err(error)) => {
                    let error = Error::io(&self.host, "reading the response body", error);
                    return Poll::Ready(Err(self.fail(error)));
                }
                Poll::Pending => {
                    return match self.read_timer.poll_expired(cx) {
                        Poll::Ready(limit) => {
                            Poll::Ready(Err(self.fail(Error::timeout(&self.host, TimeoutKind::Read, limit))))
                        }
                        Poll::Pending => Poll::Pending,
                    };
                }
            }
        }
    }

    // ANCHOR: finish
    /// The body is over: the connection goes back to the pool if it can
    /// carry another request, else it is closed (its slot freed).
    fn finish(&mut self) {
        if let Some((conn, slot)) = self.conn.take() {
            // Stray bytes after the body would be read as the next
            // response's head: such a connection is not reused.
            if self.reusable && conn.buffered().is_empty() {
                slot.park(conn);
            }
        }
    }
    // ANCHOR_END: finish

    /// The body failed: close the connection, keep the error for the caller.
    fn fail(&mut self, error: Error) -> Error {
        self.conn = None;
        error
    }
}

/// The lines of a body: see [`Response::lines`].
#[derive(Debug)]
pub struct Lines {
    response: Response,
    /// Bytes received after the last full line.
    pending: Vec<u8>,
    ended: bool,
}

impl Lines {
    /// The response the lines come from (status, headers).
    pub fn response(&self) -> &Response {
        &self.response
    }

    fn take_line(&mut self, end: usize, skip: usize) -> Result<String, Error> {
        let mut line: Vec<u8> = self.pending.drain(..end + skip).collect();
        line.truncate(end);
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        String::from_utf8(line).map_err(|_| Error::Decode {
            host: self.response.body.host.clone(),
            what: "a line of the body is not UTF-8 text".to_string(),
        })
    }
}

impl Stream for Lines {
    type Item = Result<String, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<String, Error>>> {
        let this = self.get_mut();
        loop {
            if let Some(newline) = this.pending.iter().position(|&byte| byte == b'\n') {
                return Poll::Ready(Some(this.take_line(newline, 1)));
            }
            if this.ended {
                if this.pending.is_empty() {
                    return Poll::Ready(None);
                }
                let end = this.pending.len();
                return Poll::Ready(Some(this.take_line(end, 0)));
            }
            if this.pending.len() > this.response.body.max_body_bytes {
                this.ended = true;
                let limit = this.response.body.max_body_bytes;
                this.pending.clear();
                let error =
                    this.response.body.fail(Error::BodyTooLarge { host: this.response.body.host.clone(), limit });
                return Poll::Ready(Some(Err(error)));
            }
            if let Err(error) = ready!(this.response.body.poll_fill(cx, &mut this.pending, &mut this.ended)) {
                return Poll::Ready(Some(Err(error)));
            }
        }
    }
}

/// Fixed-size pieces of a body: see [`Response::chunks`].
#[derive(Debug)]
pub struct Chunks {
    response: Response,
    size: usize,
    pending: Vec<u8>,
    ended: bool,
}

impl Stream for Chunks {
    type Item = Result<Vec<u8>, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Vec<u8>, Error>>> {
        let this = self.get_mut();
        loop {
            if this.pending.len() >= this.size {
                let rest = this.pending.split_off(this.size);
                return Poll::Ready(Some(Ok(std::mem::replace(&mut this.pending, rest))));
            }
            if this.ended {
                if this.pending.is_empty() {
                    return Poll::Ready(None);
                }
                return Poll::Ready(Some(Ok(std::mem::take(&mut this.pending))));
            }
            if let Err(error) = ready!(this.response.body.poll_fill(cx, &mut this.pending, &mut this.ended)) {
                return Poll::Ready(Some(Err(error)));
            }
        }
    }
}
