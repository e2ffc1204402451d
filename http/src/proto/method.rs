//! `Method` and `Version`: the first and last words of a request line.
//!
//! The nine methods of RFC 9110 have variants; any other token (WebDAV's
//! `PROPFIND`, a custom `PURGE`) is kept as `Method::Other`, so the server
//! can answer it with 405 or 501 rather than fail to parse. The `http`
//! crate uses an opaque struct with constants (`Method::GET`) to save an
//! allocation for extensions; an enum reads more plainly in a `match`.
//!
//! Chapter: docs/src/21-parsing-requests.md

use std::fmt;

/// An HTTP request method.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`: fetch a representation.
    Get,
    /// `HEAD`: like GET, headers only. The server answers it from GET routes.
    Head,
    /// `POST`: process the enclosed body.
    Post,
    /// `PUT`: replace the target with the body.
    Put,
    /// `DELETE`: remove the target.
    Delete,
    /// `PATCH`: modify the target partly (RFC 5789).
    Patch,
    /// `OPTIONS`: ask what the target supports.
    Options,
    /// `CONNECT`: open a tunnel (proxies; this server does not tunnel).
    Connect,
    /// `TRACE`: echo the request (rarely enabled).
    Trace,
    /// Any other method token, as it was sent.
    Other(String),
}

impl Method {
    /// The method named by `token`. Method names are case-sensitive
    /// (RFC 9110 §9.1): `get` is an unknown method, not GET. `None` if
    /// `token` is not a valid token.
    ///
    /// ```
    /// use aioli_http::Method;
    /// assert_eq!(Method::from_bytes(b"GET"), Some(Method::Get));
    /// assert_eq!(Method::from_bytes(b"PURGE"), Some(Method::Other("PURGE".into())));
    /// assert_eq!(Method::from_bytes(b"G T"), None);
    /// ```
    pub fn from_bytes(token: &[u8]) -> Option<Method> {
        Some(match token {
            b"GET" => Method::Get,
            b"HEAD" => Method::Head,
            b"POST" => Method::Post,
            b"PUT" => Method::Put,
            b"DELETE" => Method::Delete,
            b"PATCH" => Method::Patch,
            b"OPTIONS" => Method::Options,
            b"CONNECT" => Method::Connect,
            b"TRACE" => Method::Trace,
            other if super::headers::is_token(other) => Method::Other(String::from_utf8_lossy(other).into_owned()),
            _ => return None,
        })
    }

    /// The method as it goes on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
            Method::Patch => "PATCH",
            Method::Options => "OPTIONS",
            Method::Connect => "CONNECT",
            Method::Trace => "TRACE",
            Method::Other(name) => name,
        }
    }

    /// Whether repeating the request has the same effect as sending it once
    /// (RFC 9110 §9.2.2): what a client may retry on a fresh connection.
    pub fn is_idempotent(&self) -> bool {
        matches!(self, Method::Get | Method::Head | Method::Put | Method::Delete | Method::Options | Method::Trace)
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Method {
    type Err = InvalidMethod;

    fn from_str(text: &str) -> Result<Method, InvalidMethod> {
        Method::from_bytes(text.as_bytes()).ok_or(InvalidMethod)
    }
}

/// A method name that is not an HTTP token (it has a space, a control
/// character or a separator in it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidMethod;

impl fmt::Display for InvalidMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a method must be an HTTP token: letters, digits and !#$%&'*+-.^_`|~ only")
    }
}

impl std::error::Error for InvalidMethod {}

/// The HTTP version of a message. Only the two HTTP/1 versions exist on
/// this wire; HTTP/2 is a different protocol, answered with 505.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Version {
    /// HTTP/1.0: one request per connection unless `Connection: keep-alive`.
    Http10,
    /// HTTP/1.1: connections persist unless `Connection: close`.
    Http11,
}

impl Version {
    /// `"HTTP/1.0"` or `"HTTP/1.1"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Version::Http10 => "HTTP/1.0",
            Version::Http11 => "HTTP/1.1",
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
