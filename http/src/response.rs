//! `Response` and `IntoResponse`: what a handler gives back.
//!
//! A response is a status, header fields and a body. The body is either
//! bytes known in full (written with a `Content-Length`) or a stream of
//! pieces produced while the response is being sent (written with
//! `Transfer-Encoding: chunked`, or, to an HTTP/1.0 client, until the
//! connection closes). Constructors set the usual `Content-Type`:
//! `Response::text`, `html`, `json`, `bytes`, `stream`, `redirect`.
//!
//! Handlers may return anything that implements `IntoResponse`: a
//! `Response`, a `String` or `&'static str` (text/plain), a
//! `(StatusCode, body)` pair, an [`Error`](crate::Error), or a
//! `Result<T, E>` of two such types, which is what makes `?` work in
//! handlers. aiohttp handlers must return a `web.Response` (or raise an
//! `HTTPException`); axum has the same `IntoResponse` trait.
//!
//! Chapter: docs/src/22-bodies-and-keep-alive.md

use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use aioli::stream::Stream;

use crate::cookie::Cookie;
use crate::server::upgrade::{OnUpgrade, Upgraded};
use crate::{Error, HeaderMap, StatusCode};

/// A stream of body pieces, as the server pulls it while sending.
pub type BodyStream = Pin<Box<dyn Stream<Item = Vec<u8>>>>;

/// The body of a [`Response`].
pub enum ResponseBody {
    /// No body (`Content-Length: 0` unless the status forbids a body).
    Empty,
    /// Bytes known in full. `Cow` lets a `&'static` body go out without
    /// being copied into a new allocation.
    Bytes(Cow<'static, [u8]>),
    /// Pieces produced while the response is sent.
    Stream(BodyStream),
}

impl fmt::Debug for ResponseBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResponseBody::Empty => f.write_str("Empty"),
            ResponseBody::Bytes(bytes) => write!(f, "Bytes({} bytes)", bytes.len()),
            ResponseBody::Stream(_) => f.write_str("Stream(..)"),
        }
    }
}

/// An HTTP response under construction.
///
/// ```
/// use aioli_http::{Cookie, Response, StatusCode};
///
/// let response = Response::text("created")
///     .status(StatusCode::CREATED)
///     .header("X-Request-Id", "42")
///     .set_cookie(Cookie::new("seen", "1").path("/"));
/// assert_eq!(response.status_code(), StatusCode::CREATED);
/// assert_eq!(response.headers().get("content-type"), Some("text/plain; charset=utf-8"));
/// assert_eq!(response.body_bytes(), Some(&b"created"[..]));
/// ```
#[derive(Debug)]
pub struct Response {
    status: StatusCode,
    headers: HeaderMap,
    body: ResponseBody,
    /// For a 101: what takes the connection over once the head is sent.
    upgrade: Option<OnUpgrade>,
}

impl Response {
    /// A response with `status`, no headers and no body.
    pub fn new(status: StatusCode) -> Response {
        Response { status, headers: HeaderMap::new(), body: ResponseBody::Empty, upgrade: None }
    }

    fn with_body(content_type: &str, body: Cow<'static, [u8]>) -> Response {
        let mut response = Response::new(StatusCode::OK);
        // Room for Content-Type and a few more at once: grown from empty,
        // the map reallocated twice per response (~5% of a small request's
        // instructions under callgrind).
        response.headers = HeaderMap::with_capacity(4);
        response.headers.insert("Content-Type", content_type);
        response.body = ResponseBody::Bytes(body);
        response
    }

    /// 200 with a `text/plain; charset=utf-8` body.
    pub fn text(body: impl Into<Cow<'static, str>>) -> Response {
        Response::with_body("text/plain; charset=utf-8", cow_bytes(body.into()))
    }

    /// 200 with a `text/html; charset=utf-8` body.
    pub fn html(body: impl Into<Cow<'static, str>>) -> Response {
        Response::with_body("text/html; charset=utf-8", cow_bytes(body.into()))
    }

    /// 200 with an `application/octet-stream` body (set another
    /// `Content-Type` with [`header`](Self::header)).
    pub fn bytes(body: impl Into<Cow<'static, [u8]>>) -> Response {
        Response::with_body("application/octet-stream", body.into())
    }

    /// 200 with `value` serialized as `application/json`. A value that
    /// cannot be serialized (a map with non-string keys) gives a 500 that
    /// says so.
    #[cfg(feature = "json")]
    pub fn json<T: serde::Serialize + ?Sized>(value: &T) -> Response {
        match serde_json::to_vec(value) {
            Ok(body) => Response::with_body("application/json", Cow::Owned(body)),
            Err(error) => {
                Error::internal(format!("the response could not be serialized as JSON: {error}")).into_response()
            }
        }
    }

    /// 200 whose body is the pieces of `stream`, sent as they come
    /// (chunked), with `Content-Type: application/octet-stream`.
    ///
    /// ```
    /// use aioli_http::Response;
    /// let response = Response::stream(aioli::stream::iter(["one ", "two"]));
    /// assert!(response.body_bytes().is_none());
    /// ```
    pub fn stream<S, B>(stream: S) -> Response
    where
        S: Stream<Item = B> + 'static,
        B: Into<Vec<u8>> + 'static,
    {
        let mut response = Response::new(StatusCode::OK);
        response.headers.insert("Content-Type", "application/octet-stream");
        response.body = ResponseBody::Stream(Box::pin(IntoPieces { inner: Box::pin(stream) }));
        response
    }

    /// 302 Found with `Location: location` (change the status with
    /// [`status`](Self::status): 301, 303, 307, 308).
    pub fn redirect(location: impl AsRef<str>) -> Response {
        Response::new(StatusCode::FOUND).header("Location", location.as_ref())
    }

    /// `101 Switching Protocols` to `protocol` (the `Upgrade` header's
    /// value): once the head is written, the server stops speaking HTTP on
    /// this connection and runs `on_upgrade` with it; the connection closes
    /// when that future ends. A server shutdown does not wait for it beyond
    /// its deadline.
    ///
    /// ```
    /// use aioli::io::{AsyncReadExt, AsyncWriteExt};
    /// use aioli_http::{Request, Response, StatusCode};
    ///
    /// // A toy protocol: after the switch, echo one read back.
    /// async fn echo(req: Request) -> Response {
    ///     if req.header("upgrade") != Some("echo") {
    ///         return Response::text("ask for `Upgrade: echo`\n").status(StatusCode::BAD_REQUEST);
    ///     }
    ///     Response::upgrade("echo", |mut conn| async move {
    ///         let mut buf = [0u8; 1024];
    ///         if let Ok(n) = conn.read(&mut buf).await {
    ///             let _ = conn.write_all(&buf[..n]).await;
    ///         }
    ///     })
    /// }
    /// ```
    pub fn upgrade<F, Fut>(protocol: &str, on_upgrade: F) -> Response
    where
        F: FnOnce(Upgraded) -> Fut + 'static,
        Fut: Future<Output = ()> + 'static,
    {
        let mut response = Response::new(StatusCode::SWITCHING_PROTOCOLS).header("Upgrade", protocol);
        response.upgrade = Some(OnUpgrade(Box::new(move |upgraded| Box::pin(on_upgrade(upgraded)))));
        response
    }

    /// 204 No Content.
    pub fn empty() -> Response {
        Response::new(StatusCode::NO_CONTENT)
    }

    /// Sets the status.
    pub fn status(mut self, status: StatusCode) -> Response {
        self.status = status;
        self
    }

    /// Sets a header, replacing any earlier value of that name. Use
    /// [`headers_mut`](Self::headers_mut)`.append` to repeat one.
    pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<[u8]>) -> Response {
        self.headers.insert(name, value);
        self
    }

    /// Adds a `Set-Cookie` header (one per cookie).
    pub fn set_cookie(mut self, cookie: Cookie) -> Response {
        self.headers.append("Set-Cookie", cookie.to_string());
        self
    }

    /// The status.
    pub fn status_code(&self) -> StatusCode {
        self.status
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The headers, to change.
    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        &mut self.headers
    }

    /// The body, if it is known in full (`None` for a stream).
    pub fn body_bytes(&self) -> Option<&[u8]> {
        match &self.body {
            ResponseBody::Empty => Some(&[]),
            ResponseBody::Bytes(bytes) => Some(bytes),
            ResponseBody::Stream(_) => None,
        }
    }

    /// The body.
    pub fn body(&self) -> &ResponseBody {
        &self.body
    }

    /// Replaces the body (the headers are left as they are).
    pub fn set_body(&mut self, body: ResponseBody) {
        self.body = body;
    }

    /// Whether this is an upgrade made by [`Response::upgrade`].
    pub fn is_upgrade(&self) -> bool {
        self.upgrade.is_some()
    }

    /// Takes the upgrade function out (the connection loop does, before
    /// writing the head).
    pub(crate) fn take_upgrade(&mut self) -> Option<OnUpgrade> {
        self.upgrade.take()
    }

    /// Takes the response apart (an upgrade function is dropped).
    pub fn into_parts(self) -> (StatusCode, HeaderMap, ResponseBody) {
        (self.status, self.headers, self.body)
    }
}

fn cow_bytes(text: Cow<'static, str>) -> Cow<'static, [u8]> {
    match text {
        Cow::Borrowed(text) => Cow::Borrowed(text.as_bytes()),
        Cow::Owned(text) => Cow::Owned(text.into_bytes()),
    }
}

/// Turns a stream of `B: Into<Vec<u8>>` into a stream of `Vec<u8>`.
struct IntoPieces<B> {
    inner: Pin<Box<dyn Stream<Item = B>>>,
}

impl<B: Into<Vec<u8>>> Stream for IntoPieces<B> {
    type Item = Vec<u8>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Vec<u8>>> {
        self.inner.as_mut().poll_next(cx).map(|piece| piece.map(Into::into))
    }
}

/// What a handler may return.
pub trait IntoResponse {
    /// The response this value stands for.
    fn into_response(self) -> Response;
}

impl IntoResponse for Response {
    fn into_response(self) -> Response {
        self
    }
}

impl IntoResponse for String {
    fn into_response(self) -> Response {
        Response::text(self)
    }
}

impl IntoResponse for &'static str {
    fn into_response(self) -> Response {
        Response::text(self)
    }
}

impl IntoResponse for Vec<u8> {
    fn into_response(self) -> Response {
        Response::bytes(self)
    }
}

/// The status with its reason phrase as the body.
impl IntoResponse for StatusCode {
    fn into_response(self) -> Response {
        if self.forbids_body() {
            return Response::new(self);
        }
        Response::text(format!("{self}\n")).status(self)
    }
}

/// A body with another status: `(StatusCode::CREATED, "done")`.
impl<T: IntoResponse> IntoResponse for (StatusCode, T) {
    fn into_response(self) -> Response {
        self.1.into_response().status(self.0)
    }
}

impl<T: IntoResponse, E: IntoResponse> IntoResponse for Result<T, E> {
    fn into_response(self) -> Response {
        match self {
            Ok(value) => value.into_response(),
            Err(error) => error.into_response(),
        }
    }
}

/// The status and the message as text.
impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let body = format!("{}\n", self.message());
        Response::text(body).status(self.status())
    }
}
