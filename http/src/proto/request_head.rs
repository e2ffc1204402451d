//! Parsing a request head: bytes in, `RequestHead` or a `ParseError` out.
//!
//! A request head is a request line (`GET /path?q=1 HTTP/1.1`), header
//! lines, and an empty line. `parse_request_head` takes whatever bytes
//! have arrived so far and answers one of three things: not complete yet
//! (`Ok(None)`, read more and call again), complete (`Ok(Some((head,
//! used)))`, the head took the first `used` bytes; the body and any
//! pipelined request follow), or wrong (`Err`, answer `error.status()`
//! and close). It keeps no state between calls: a partial head is simply
//! parsed again from the start when more bytes arrive, which costs little
//! because heads are short and usually arrive in one read.
//!
//! The tokenizing is `httparse`'s (the same one hyper uses). httparse
//! already rejects a bad method token, control bytes in the target, a
//! version other than HTTP/1.0 or 1.1, whitespace before a header's
//! colon, a header name that is not a token, control bytes in a value and
//! obs-fold continuation lines. What RFC 9112 asks beyond that is checked
//! here: the target's length (414) and form, the head's size and field
//! count (431), telling a *malformed* version (400) from an *unsupported*
//! one such as HTTP/2's preface (505), and Host (exactly one in 1.1).
//! Body framing (Content-Length vs Transfer-Encoding) is `body.rs`'s job.
//!
//! hyper parses the same way (httparse, reparse on partial input);
//! aiohttp has a C parser (llhttp) with a pure-Python fallback.
//!
//! Chapter: docs/src/21-parsing-requests.md

use std::mem::MaybeUninit;

use super::error::ParseError;
use super::headers::HeaderMap;
use super::method::{Method, Version};

/// The limits a head must fit in. The server's builder sets them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeadLimits {
    /// Bytes in the whole head, request line to the empty line (431).
    pub max_head_bytes: usize,
    /// Header fields (431).
    pub max_headers: usize,
    /// Bytes in the request target (414).
    pub max_target_bytes: usize,
}

impl Default for HeadLimits {
    /// 64 KiB, 100 fields, 8 KiB: roomy for browsers, tight for abuse.
    fn default() -> HeadLimits {
        HeadLimits { max_head_bytes: 64 * 1024, max_headers: 100, max_target_bytes: 8 * 1024 }
    }
}

/// A parsed request head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestHead {
    /// The method.
    pub method: Method,
    /// The target in origin form (`/path?query`), or `*`. An absolute-form
    /// target (`http://host/path`, what proxies are sent) is reduced to
    /// its path and query, with its authority kept in `authority`.
    pub target: String,
    /// The `host[:port]` of an absolute-form target, which RFC 9112 §3.2.2
    /// says overrides the Host header.
    pub authority: Option<String>,
    /// HTTP/1.0 or HTTP/1.1.
    pub version: Version,
    /// The header fields, in the order they arrived.
    pub headers: HeaderMap,
}

impl RequestHead {
    /// The path part of the target, without the query (`/search`).
    pub fn path(&self) -> &str {
        self.target.split_once('?').map_or(&self.target, |(path, _)| path)
    }

    /// The query part of the target, without the `?` (`q=1`), or `""`.
    pub fn query(&self) -> &str {
        self.target.split_once('?').map_or("", |(_, query)| query)
    }

    /// Whether the client asked to keep the connection open afterwards:
    /// by default in 1.1 unless `Connection: close`; in 1.0 only with
    /// `Connection: keep-alive` (RFC 9112 §9.3).
    ///
    /// An HTTP/1.0 message with Transfer-Encoding closes regardless: 1.0
    /// has no transfer codings, so RFC 9112 §6.1 says to treat its framing
    /// as faulty and close after answering, whatever else it says.
    pub fn wants_keep_alive(&self) -> bool {
        match self.version {
            Version::Http11 => !self.headers.has_token("connection", "close"),
            Version::Http10 => {
                self.headers.has_token("connection", "keep-alive") && !self.headers.contains("transfer-encoding")
            }
        }
    }
}

/// How many header slots live on the stack; beyond this a `Vec` is used.
const STACK_HEADERS: usize = 100;

/// Parses the request head at the start of `buf`.
///
/// ```
/// use aioli_http::proto::request_head::{parse_request_head, HeadLimits};
///
/// let limits = HeadLimits::default();
/// let bytes = b"GET /hi?x=1 HTTP/1.1\r\nHost: a\r\n\r\nBODY";
/// assert_eq!(parse_request_head(&bytes[..10], &limits), Ok(None)); // not yet
/// let (head, used) = parse_request_head(bytes, &limits).unwrap().unwrap();
/// assert_eq!((head.path(), head.query(), used), ("/hi", "x=1", bytes.len() - 4));
/// ```
// ANCHOR: parse_request_head
pub fn parse_request_head(buf: &[u8], limits: &HeadLimits) -> Result<Option<(RequestHead, usize)>, ParseError> {
    // The target's length is checked before httparse sees the bytes, so a
    // client sending an endless target gets 414 as soon as it passes the
    // limit, not 431 once the whole head limit is reached.
    check_target_length(buf, limits.max_target_bytes)?;

    // The slots httparse fills start uninitialized (`MaybeUninit`): filling
    // 100 empty headers first would write 3.2 KB per request, more work
    // than parsing a small head. httparse writes each slot before it
    // reads it; that promise is its own, so no `unsafe` appears here.
    // hyper hands httparse uninitialized slots the same way.
    let mut on_stack = [const { MaybeUninit::<httparse::Header<'_>>::uninit() }; STACK_HEADERS];
    let mut on_heap = Vec::new();
    let slots: &mut [MaybeUninit<httparse::Header<'_>>] = if limits.max_headers <= STACK_HEADERS {
        &mut on_stack[..limits.max_headers]
    } else {
        on_heap.resize(limits.max_headers, MaybeUninit::uninit());
        &mut on_heap
    };
    let mut request = httparse::Request::new(&mut []);
    let used = match request.parse_with_uninit_headers(buf, slots) {
        Ok(httparse::Status::Complete(used)) => used,
        Ok(httparse::Status::Partial) => {
            if buf.len() >= limits.max_head_bytes {
                return Err(ParseError::HeadTooLarge);
            }
            return Ok(None);
        }
        Err(httparse::Error::TooManyHeaders) => return Err(ParseError::TooManyHeaders),
        Err(httparse::Error::Version) => return Err(version_error(buf)),
        Err(httparse::Error::Token) => return Err(ParseError::BadRequestLine),
        Err(httparse::Error::HeaderName | httparse::Error::HeaderValue) => return Err(ParseError::BadHeader),
        // A bad line ending may be in the request line or a header; both
        // are plain 400s.
        Err(httparse::Error::NewLine | httparse::Error::Status) => return Err(ParseError::BadRequestLine),
    };
    if used > limits.max_head_bytes {
        return Err(ParseError::HeadTooLarge);
    }

    // httparse fills every field of a Complete parse; the fallbacks below
    // are for its API's Options, not for anything a peer can cause.
    let method = Method::from_bytes(request.method.unwrap_or("").as_bytes()).ok_or(ParseError::BadRequestLine)?;
    if method == Method::Connect {
        // A tunnel is a proxy's job; CONNECT's authority-form target has
        // no path to route on.
        return Err(ParseError::UnsupportedMethod);
    }
    let version = match request.version {
        Some(0) => Version::Http10,
        Some(1) => Version::Http11,
        _ => return Err(ParseError::UnsupportedVersion),
    };
    let (target, authority) = split_target(request.path.unwrap_or(""), &method)?;

    let mut headers = HeaderMap::with_capacity(request.headers.len());
    let mut hosts = 0;
    for header in request.headers.iter() {
        if header.name.eq_ignore_ascii_case("host") {
            hosts += 1;
            if !is_valid_host(header.value) {
                return Err(ParseError::BadHost);
            }
        }
        headers.append(header.name, header.value);
    }
    // RFC 9112 §3.2: a 1.1 request without Host, or any with two, is 400.
    match (hosts, version) {
        (0, Version::Http11) => return Err(ParseError::MissingHost),
        (2.., _) => return Err(ParseError::DuplicateHost),
        _ => {}
    }
    Ok(Some((RequestHead { method, target, authority, version, headers }, used)))
}
// ANCHOR_END: parse_request_head

/// Fails with 414 if the target at the start of `buf` (possibly not yet
/// complete) is longer than `max`.
fn check_target_length(buf: &[u8], max: usize) -> Result<(), ParseError> {
    // Skip the empty lines a server may ignore before a request (§2.2),
    // then the method, to the first byte of the target.
    let start = buf.iter().position(|&byte| byte != b'\r' && byte != b'\n').unwrap_or(buf.len());
    let Some(space) = buf[start..].iter().position(|&byte| byte == b' ') else { return Ok(()) };
    let target = &buf[start + space + 1..];
    let length = target.iter().position(|&byte| matches!(byte, b' ' | b'\r' | b'\n')).unwrap_or(target.len());
    if length > max {
        return Err(ParseError::UriTooLong);
    }
    Ok(())
}

/// httparse says "bad version" both for `HTTP/2.0` (well-formed but not
/// served: 505) and for `HTPT/1.1` (malformed: 400). Look at the version
/// token to tell them apart. The version is everything after the second
/// space: in `GET /a b HTTP/1.1` that is `b HTTP/1.1`, an unencoded space
/// in the target (400), not a version this server lacks.
fn version_error(buf: &[u8]) -> ParseError {
    // Skip the empty lines a server may ignore before a request (§2.2).
    let start = buf.iter().position(|&byte| byte != b'\r' && byte != b'\n').unwrap_or(buf.len());
    let buf = &buf[start..];
    let line_end = buf.iter().position(|&byte| byte == b'\n').unwrap_or(buf.len());
    let line = buf[..line_end].trim_ascii_end();
    let version = line.splitn(3, |&byte| byte == b' ').nth(2).unwrap_or(b"");
    match version {
        [b'H', b'T', b'T', b'P', b'/', major, rest @ ..] if major.is_ascii_digit() => {
            // HTTP/DIGIT.DIGIT, or a prefix of it still arriving.
            let well_formed = match rest {
                [] | [b'.'] => true,
                [b'.', minor] => minor.is_ascii_digit(),
                _ => false,
            };
            if well_formed {
                ParseError::UnsupportedVersion
            } else {
                ParseError::BadRequestLine
            }
        }
        _ => ParseError::BadRequestLine,
    }
}

/// Checks the target's form (RFC 9112 §3.2) and reduces absolute form to
/// origin form: returns (`/path?query`, authority).
fn split_target(target: &str, method: &Method) -> Result<(String, Option<String>), ParseError> {
    // httparse lets bytes 0x80-0xFF through; a target is ASCII, and a
    // fragment (`#...`) is never sent to a server.
    if !target.is_ascii() || target.contains('#') {
        return Err(ParseError::BadTarget);
    }
    if target.starts_with('/') {
        return Ok((target.to_owned(), None));
    }
    if target == "*" {
        return match method {
            Method::Options => Ok((target.to_owned(), None)),
            _ => Err(ParseError::BadTarget),
        };
    }
    let lower_scheme = target.get(..8).map(str::to_ascii_lowercase).unwrap_or_default();
    let rest = if lower_scheme.starts_with("http://") {
        &target[7..]
    } else if lower_scheme.starts_with("https://") {
        &target[8..]
    } else {
        return Err(ParseError::BadTarget);
    };
    let path_start = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(path_start);
    if authority.is_empty() || !is_valid_host(authority.as_bytes()) {
        return Err(ParseError::BadTarget);
    }
    let path = if path.starts_with('/') { path.to_owned() } else { format!("/{path}") };
    Ok((path, Some(authority.to_owned())))
}

/// Whether `value` can be a Host (RFC 9110 §7.2): a host made of the
/// characters a URI authority allows, or a bracketed IPv6 literal, then an
/// optional `:port` of digits. No userinfo (`@`), no path, and no second
/// colon: `a:b:c` would leave a router or proxy guessing which part is
/// the port. (An empty value is allowed: §3.2 of RFC 9112 lets a client
/// send it when the target has no authority.)
fn is_valid_host(value: &[u8]) -> bool {
    let (host_ok, after_host) = match value.strip_prefix(b"[") {
        Some(rest) => match rest.iter().position(|&byte| byte == b']') {
            Some(close) => {
                let literal = &rest[..close];
                let ok = !literal.is_empty()
                    && literal.iter().all(|&byte| byte.is_ascii_hexdigit() || byte == b':' || byte == b'.');
                (ok, &rest[close + 1..])
            }
            None => (false, &rest[rest.len()..]),
        },
        None => {
            let end = value.iter().position(|&byte| byte == b':').unwrap_or(value.len());
            let ok = value[..end].iter().all(|&byte| is_reg_name_byte(byte));
            (ok, &value[end..])
        }
    };
    let port_ok = match after_host {
        [] => true,
        [b':', port @ ..] => port.iter().all(u8::is_ascii_digit),
        _ => false,
    };
    host_ok && port_ok
}

/// A byte allowed in a Host's name: RFC 3986's reg-name (unreserved
/// characters, sub-delims, and `%` of percent-encoding). A `matches!` of
/// ranges and bytes compiles to a table lookup; searching a string of
/// allowed bytes (`"-._~".contains(..)`) walked it once per byte of every
/// Host, a visible share of a small request.
fn is_reg_name_byte(byte: u8) -> bool {
    matches!(byte,
        b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9'
        | b'-' | b'.' | b'_' | b'~' | b'!' | b'$' | b'&' | b'\'' | b'(' | b')'
        | b'*' | b'+' | b',' | b';' | b'=' | b'%')
}
