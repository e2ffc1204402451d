//! `Request`: what a handler receives.
//!
//! The head (method, target, version, headers) was parsed before the
//! handler was called; the body was not. It is still in the socket (or
//! partly in the connection's read buffer), and the handler pulls it when
//! it wants it: all at once with `bytes`, `text`, `json` or `form`, or
//! piece by piece with `chunk` / the `Stream` impl of `RequestBody`. This
//! is what lets a handler refuse a body without reading it, and what
//! makes `Expect: 100-continue` work: the `100 Continue` goes out only
//! when the handler first asks for the body.
//!
//! Reading in full is capped (`ServerConfig::max_body_bytes`, 2 MiB by
//! default, 413 past it, refused before reading when Content-Length
//! already says so); piece by piece is not, because a streaming handler
//! decides itself what to keep. Each wait for body bytes is bounded by
//! `ServerConfig::body_timeout` (408).
//!
//! aiohttp's `web.Request` has the same shape (`await request.read()`,
//! `.text()`, `.json()`, `.post()`, `request.content` for streaming);
//! hyper hands the body over as a separate `Incoming` stream.
//!
//! Chapter: docs/src/23-routing-and-middleware.md

use std::fmt;
use std::future::{poll_fn, Future};
use std::net::{Ipv4Addr, SocketAddr};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use aioli::stream::Stream;
use aioli::time::Sleep;

use crate::proto::body::Framing;
use crate::proto::request_head::RequestHead;
use crate::server::io::{BodyReadError, Shared};
use crate::{Error, HeaderMap, Method, StatusCode, Version};

/// An HTTP request, as a handler sees it.
pub struct Request {
    head: RequestHead,
    /// `{name}` values from the route pattern, percent-decoded.
    params: Vec<(String, String)>,
    remote_addr: SocketAddr,
    body: RequestBody,
}

impl Request {
    /// A request built by hand, with no connection behind it: for calling
    /// an [`App`](crate::App) directly in tests (`App::call`). HTTP/1.1, no
    /// headers, an empty body, from 127.0.0.1:0. A `target` that is not a
    /// path is taken as `/`.
    ///
    /// ```
    /// use aioli_http::{Method, Request};
    /// let req = Request::new(Method::Post, "/echo?x=1").with_header("Host", "test").with_body("hi");
    /// assert_eq!((req.path(), req.query_param("x").as_deref()), ("/echo", Some("1")));
    /// ```
    pub fn new(method: Method, target: &str) -> Request {
        let target = if target.starts_with('/') || target == "*" { target.to_owned() } else { "/".to_owned() };
        let head = RequestHead { method, target, authority: None, version: Version::Http11, headers: HeaderMap::new() };
        Request::from_parts(head, SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), RequestBody::empty())
    }

    /// Adds a header (builder style, for hand-built requests).
    pub fn with_header(mut self, name: &str, value: impl AsRef<[u8]>) -> Request {
        self.head.headers.append(name, value);
        self
    }

    /// Sets the body (builder style, for hand-built requests).
    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> Request {
        self.body = RequestBody::buffered(body.into());
        self
    }

    /// Sets the peer address (builder style, for hand-built requests).
    pub fn with_remote_addr(mut self, addr: SocketAddr) -> Request {
        self.remote_addr = addr;
        self
    }

    pub(crate) fn from_parts(head: RequestHead, remote_addr: SocketAddr, body: RequestBody) -> Request {
        Request { head, params: Vec::new(), remote_addr, body }
    }

    pub(crate) fn set_params(&mut self, params: Vec<(String, String)>) {
        self.params = params;
    }

    /// The method.
    pub fn method(&self) -> &Method {
        &self.head.method
    }

    /// The path, as sent (percent-encoded), without the query: `/a%20b`.
    pub fn path(&self) -> &str {
        self.head.path()
    }

    /// The raw query string, without `?`: `q=rust+async&page=2`, or `""`.
    pub fn query_string(&self) -> &str {
        self.head.query()
    }

    /// The whole target as sent: path and query.
    pub fn target(&self) -> &str {
        &self.head.target
    }

    /// The query's `(name, value)` pairs, decoded, in order.
    pub fn query(&self) -> Vec<(String, String)> {
        crate::percent::parse_pairs(self.head.query())
    }

    /// The first value of the query parameter `name`, decoded.
    pub fn query_param(&self, name: &str) -> Option<String> {
        crate::percent::pairs(self.head.query()).find(|(key, _)| key == name).map(|(_, value)| value.into_owned())
    }

    /// The HTTP version.
    pub fn version(&self) -> Version {
        self.head.version
    }

    /// The header fields.
    pub fn headers(&self) -> &HeaderMap {
        &self.head.headers
    }

    /// The header fields, to change (for middleware).
    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        &mut self.head.headers
    }

    /// The first value of header `name` as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.headers.get(name)
    }

    /// The host the request was sent to: the absolute-form target's
    /// authority if there was one, else the Host header.
    pub fn host(&self) -> Option<&str> {
        self.head.authority.as_deref().or_else(|| self.header("host"))
    }

    /// Every cookie the client sent, as `(name, value)`.
    pub fn cookies(&self) -> impl Iterator<Item = (&str, &str)> {
        self.head.headers.get_all("cookie").flat_map(crate::cookie::parse_cookie_header)
    }

    /// The value of cookie `name`.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies().find(|(key, _)| *key == name).map(|(_, value)| value)
    }

    /// The peer's address.
    pub fn remote_addr(&self) -> SocketAddr {
        self.remote_addr
    }

    /// The value of the route parameter `name` (`{name}` or `{*name}` in
    /// the pattern), percent-decoded.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }

    /// Every route parameter, in pattern order.
    pub fn params(&self) -> &[(String, String)] {
        &self.params
    }

    /// The body, to read piece by piece or as a [`Stream`].
    pub fn body_mut(&mut self) -> &mut RequestBody {
        &mut self.body
    }

    /// The next piece of the body, `None` at its end. Not limited in
    /// total; each wait is bounded by the body timeout.
    pub async fn chunk(&mut self) -> Result<Option<Vec<u8>>, Error> {
        self.body.chunk().await
    }

    /// The whole body (at most `ServerConfig::max_body_bytes`, else 413).
    pub async fn bytes(&mut self) -> Result<Vec<u8>, Error> {
        self.body.read_all().await
    }

    /// The whole body as UTF-8 text (400 if it is not).
    pub async fn text(&mut self) -> Result<String, Error> {
        let bytes = self.bytes().await?;
        String::from_utf8(bytes)
            .map_err(|error| Error::bad_request(format!("the request body is not UTF-8 text: {}", error.utf8_error())))
    }

    /// The whole body parsed as JSON into `T` (400 naming the error if it
    /// is not valid JSON for `T`).
    #[cfg(feature = "json")]
    pub async fn json<T: serde::de::DeserializeOwned>(&mut self) -> Result<T, Error> {
        let bytes = self.bytes().await?;
        serde_json::from_slice(&bytes).map_err(|error| {
            Error::bad_request(format!("the request body is not valid JSON for this endpoint: {error}"))
        })
    }

    /// The whole body as `application/x-www-form-urlencoded` pairs,
    /// decoded. Another Content-Type (multipart/form-data included, which
    /// this server does not parse) is 415.
    pub async fn form(&mut self) -> Result<Vec<(String, String)>, Error> {
        let content_type = self.header("content-type").unwrap_or("");
        let media_type = content_type.split(';').next().unwrap_or("").trim();
        if !media_type.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
            let message = format!(
                "expected a form body (Content-Type: application/x-www-form-urlencoded), got {:?}",
                if content_type.is_empty() { "no Content-Type" } else { content_type }
            );
            return Err(Error::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, message));
        }
        let text = self.text().await?;
        Ok(crate::percent::parse_pairs(&text))
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.head.method)
            .field("target", &self.head.target)
            .field("version", &self.head.version)
            .field("headers", &self.head.headers)
            .field("params", &self.params)
            .field("remote_addr", &self.remote_addr)
            .finish_non_exhaustive()
    }
}

/// Limits that apply to reading one body.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BodyLimits {
    pub(crate) max_buffered: usize,
    pub(crate) read_timeout: Duration,
}

/// Where a body's bytes come from.
enum Source {
    /// Nothing (also: already read to the end).
    Empty,
    /// Bytes given up front (`Request::with_body`).
    Buffered(Vec<u8>),
    /// The connection the request arrived on.
    Connection {
        io: Shared,
        /// Which request on the connection this body belongs to.
        request_number: u64,
        framing: Framing,
    },
}

/// The body of a [`Request`], read on demand: `chunk().await`, or as a
/// `Stream` of `Result<Vec<u8>, Error>` pieces.
pub struct RequestBody {
    source: Source,
    limits: BodyLimits,
    /// The timer of the current wait for body bytes, armed lazily and
    /// dropped whenever bytes arrive.
    timer: Option<Sleep>,
}

impl RequestBody {
    fn empty() -> RequestBody {
        RequestBody {
            source: Source::Empty,
            limits: BodyLimits { max_buffered: usize::MAX, read_timeout: Duration::MAX },
            timer: None,
        }
    }

    fn buffered(bytes: Vec<u8>) -> RequestBody {
        RequestBody { source: Source::Buffered(bytes), ..RequestBody::empty() }
    }

    pub(crate) fn from_connection(
        io: Shared,
        request_number: u64,
        framing: Framing,
        limits: BodyLimits,
    ) -> RequestBody {
        let source = match framing {
            Framing::Empty => Source::Empty,
            framing => Source::Connection { io, request_number, framing },
        };
        RequestBody { source, limits, timer: None }
    }

    /// The body's length if the client declared it (Content-Length).
    pub fn declared_length(&self) -> Option<u64> {
        match &self.source {
            Source::Empty => Some(0),
            Source::Buffered(bytes) => Some(bytes.len() as u64),
            Source::Connection { framing: Framing::Length(n), .. } => Some(*n),
            Source::Connection { .. } => None,
        }
    }

    /// The next piece, `None` at the end.
    pub async fn chunk(&mut self) -> Result<Option<Vec<u8>>, Error> {
        let mut piece = Vec::new();
        let more = poll_fn(|cx| self.poll_into(cx, &mut piece)).await?;
        Ok(more.then_some(piece))
    }

    /// Reads to the end, within the buffered-body limit.
    // ANCHOR: read_all
    async fn read_all(&mut self) -> Result<Vec<u8>, Error> {
        let limit = self.limits.max_buffered;
        let too_large = || {
            Error::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("the request body is larger than {limit} bytes (limit: ServerConfig::max_body_bytes)"),
            )
        };
        // A declared length over the limit is refused before reading a
        // byte (and before `100 Continue`, so a polite client sends none).
        let declared = self.declared_length();
        if declared.is_some_and(|n| n > limit as u64) {
            return Err(too_large());
        }
        // Reserve what was declared, but not more than 64 KiB before any
        // byte has arrived: a client may declare 2 MiB and send nothing,
        // from a thousand connections at once.
        let mut all = Vec::with_capacity(declared.map_or(0, |n| n.min(64 * 1024) as usize));
        while poll_fn(|cx| self.poll_into(cx, &mut all)).await? {
            if all.len() > limit {
                return Err(too_large());
            }
        }
        Ok(all)
    }
    // ANCHOR_END: read_all

    /// Appends the next piece to `out`; `Ok(false)` at the end.
    fn poll_into(&mut self, cx: &mut Context<'_>, out: &mut Vec<u8>) -> Poll<Result<bool, Error>> {
        let (io, request_number) = match &mut self.source {
            Source::Empty => return Poll::Ready(Ok(false)),
            Source::Buffered(bytes) => {
                out.append(bytes);
                self.source = Source::Empty;
                return Poll::Ready(Ok(true));
            }
            Source::Connection { io, request_number, .. } => (io, *request_number),
        };
        // The borrow lasts for this one poll; see server/io.rs.
        let polled = io.borrow_mut().poll_body(cx, request_number, out);
        match polled {
            Poll::Ready(Ok(more)) => {
                self.timer = None;
                if !more {
                    self.source = Source::Empty;
                }
                Poll::Ready(Ok(more))
            }
            Poll::Ready(Err(error)) => {
                self.timer = None;
                Poll::Ready(Err(body_error(error)))
            }
            Poll::Pending => {
                let limit = self.limits.read_timeout;
                let timer = self.timer.get_or_insert_with(|| aioli::time::sleep(limit));
                if Pin::new(timer).poll(cx).is_ready() {
                    self.timer = None;
                    if let Source::Connection { io, .. } = &self.source {
                        io.borrow_mut().body.failed = true;
                    }
                    let message =
                        format!("no request body bytes arrived for {limit:?} (limit: ServerConfig::body_timeout)");
                    return Poll::Ready(Err(Error::new(StatusCode::REQUEST_TIMEOUT, message)));
                }
                Poll::Pending
            }
        }
    }
}

fn body_error(error: BodyReadError) -> Error {
    match error {
        BodyReadError::Parse(error) => error.into(),
        BodyReadError::Io(error) => {
            Error::bad_request(format!("the connection failed while the body was read: {error}"))
        }
        BodyReadError::Stale => {
            Error::internal("a request body can only be read while its handler runs; this request was already answered")
        }
    }
}

/// The body as a stream of pieces; an error ends it.
impl Stream for RequestBody {
    type Item = Result<Vec<u8>, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let mut piece = Vec::new();
        match this.poll_into(cx, &mut piece) {
            Poll::Ready(Ok(true)) => Poll::Ready(Some(Ok(piece))),
            Poll::Ready(Ok(false)) => Poll::Ready(None),
            Poll::Ready(Err(error)) => {
                this.source = Source::Empty;
                Poll::Ready(Some(Err(error)))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl fmt::Debug for RequestBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestBody").field("declared_length", &self.declared_length()).finish_non_exhaustive()
    }
}
