//! Writing message heads and chunked bodies: the reverse of parsing.
//!
//! A response head is `HTTP/1.1 200 OK\r\n`, then `Name: value\r\n` per
//! field, then `\r\n`. `write_response_head` appends it to a caller's
//! buffer, so the server reuses one `Vec` for every response on a
//! connection and can put a small body right behind the head: one buffer,
//! one `write` system call. The framing fields (Content-Length or
//! Transfer-Encoding, Connection) are the encoder's, computed from the
//! body by the caller and passed in as [`ResponseFraming`]; the same
//! fields set by a handler are left out, because a wrong Content-Length
//! would desynchronize the connection for every later request.
//!
//! Every name and value is checked before it is written: a value holding
//! CR or LF would let whoever controls it (say, a redirect target taken
//! from a query string) add headers or a whole second response. hyper
//! checks the same when a `HeaderValue` is built; aiohttp when a header
//! is set.
//!
//! The chunked encoder writes `size-in-hex CRLF data CRLF` per piece and
//! `0 CRLF CRLF` at the end, for streamed bodies whose length is unknown
//! when the head goes out.
//!
//! Chapter: docs/src/22-bodies-and-keep-alive.md

use std::fmt;
use std::io::Write;

use super::date::DATE_LEN;
use super::headers::{is_token, is_valid_value, HeaderMap};
use super::method::Method;
use super::status::StatusCode;

/// A header name or value that cannot be written safely.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidHeader {
    /// The offending field's name (lossy UTF-8).
    pub name: String,
}

impl fmt::Display for InvalidHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "header `{}` cannot be sent: names must be tokens and values must not hold CR, LF or other control bytes",
            self.name
        )
    }
}

impl std::error::Error for InvalidHeader {}

/// How the body after a response head is framed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseFraming {
    /// `Content-Length: n` (also on HEAD answers, where no body follows).
    Length(u64),
    /// `Transfer-Encoding: chunked`.
    Chunked,
    /// No framing field: a body-less status (1xx, 204, 304), or a body
    /// that ends when the connection closes (HTTP/1.0 streaming).
    None,
}

/// Everything the encoder adds to the handler's own headers.
#[derive(Debug, Clone, Copy)]
pub struct HeadExtras<'a> {
    /// The body's framing.
    pub framing: ResponseFraming,
    /// `Some("close")` or `Some("keep-alive")`, or `None` to say nothing.
    pub connection: Option<&'a str>,
    /// The `Date` value, unless the handler set one.
    pub date: Option<&'a [u8; DATE_LEN]>,
    /// The `Server` value, unless the handler set one.
    pub server: Option<&'a str>,
}

/// Fields the encoder owns; a handler's copies are dropped.
fn is_framing_field(name: &[u8]) -> bool {
    name.eq_ignore_ascii_case(b"content-length")
        || name.eq_ignore_ascii_case(b"transfer-encoding")
        || name.eq_ignore_ascii_case(b"connection")
}

/// Appends a response head to `out`. On error nothing is appended.
///
/// ```
/// use aioli_http::{HeaderMap, StatusCode};
/// use aioli_http::proto::encode::{write_response_head, HeadExtras, ResponseFraming};
///
/// let mut headers = HeaderMap::new();
/// headers.insert("Content-Type", "text/plain");
/// let extras = HeadExtras { framing: ResponseFraming::Length(2), connection: None, date: None, server: None };
/// let mut out = Vec::new();
/// write_response_head(&mut out, StatusCode::OK, &headers, extras).unwrap();
/// assert_eq!(out, b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n");
/// ```
pub fn write_response_head(
    out: &mut Vec<u8>,
    status: StatusCode,
    headers: &HeaderMap,
    extras: HeadExtras<'_>,
) -> Result<(), InvalidHeader> {
    let mark = out.len();
    out.extend_from_slice(b"HTTP/1.1 ");
    push_decimal(out, u64::from(status.as_u16()));
    out.push(b' ');
    out.extend_from_slice(status.reason().as_bytes());
    out.extend_from_slice(b"\r\n");
    // Each field is checked in the same pass that copies it (one walk over
    // the map per response, not two); a bad one takes back what was written.
    // The same pass notes a handler's own Date and Server, rather than two
    // more walks by name for them below.
    let (mut has_date, mut has_server) = (false, false);
    for (name, value) in headers.iter_bytes() {
        if !is_token(name) || !is_valid_value(value) {
            out.truncate(mark);
            return Err(InvalidHeader { name: String::from_utf8_lossy(name).into_owned() });
        }
        has_date |= name.eq_ignore_ascii_case(b"date");
        has_server |= name.eq_ignore_ascii_case(b"server");
        if !is_framing_field(name) {
            push_field(out, name, value);
        }
    }
    match extras.framing {
        ResponseFraming::Length(n) => {
            out.extend_from_slice(b"Content-Length: ");
            push_decimal(out, n);
            out.extend_from_slice(b"\r\n");
        }
        ResponseFraming::Chunked => out.extend_from_slice(b"Transfer-Encoding: chunked\r\n"),
        ResponseFraming::None => {}
    }
    if let Some(connection) = extras.connection {
        push_field(out, b"Connection", connection.as_bytes());
    }
    if let Some(date) = extras.date {
        if !has_date {
            push_field(out, b"Date", date);
        }
    }
    if let Some(server) = extras.server {
        if !has_server {
            push_field(out, b"Server", server.as_bytes());
        }
    }
    out.extend_from_slice(b"\r\n");
    Ok(())
}

/// Appends a request head to `out` (the client's side): the request line
/// and `headers` exactly as given, framing fields included.
///
/// ```
/// use aioli_http::{HeaderMap, Method};
/// use aioli_http::proto::encode::write_request_head;
///
/// let headers: HeaderMap = [("Host", "example.com")].into_iter().collect();
/// let mut out = Vec::new();
/// write_request_head(&mut out, &Method::Get, "/", &headers).unwrap();
/// assert_eq!(out, b"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n");
/// ```
pub fn write_request_head(
    out: &mut Vec<u8>,
    method: &Method,
    target: &str,
    headers: &HeaderMap,
) -> Result<(), InvalidHeader> {
    check_fields(headers)?;
    if target.is_empty() || target.bytes().any(|byte| byte <= b' ' || byte == 0x7f) {
        return Err(InvalidHeader { name: "(request target)".into() });
    }
    out.extend_from_slice(method.as_str().as_bytes());
    out.push(b' ');
    out.extend_from_slice(target.as_bytes());
    out.extend_from_slice(b" HTTP/1.1\r\n");
    for (name, value) in headers.iter() {
        push_field(out, name.as_bytes(), value);
    }
    out.extend_from_slice(b"\r\n");
    Ok(())
}

fn check_fields(headers: &HeaderMap) -> Result<(), InvalidHeader> {
    for (name, value) in headers.iter() {
        if !is_token(name.as_bytes()) || !is_valid_value(value) {
            return Err(InvalidHeader { name: name.to_owned() });
        }
    }
    Ok(())
}

fn push_field(out: &mut Vec<u8>, name: &[u8], value: &[u8]) {
    out.extend_from_slice(name);
    out.extend_from_slice(b": ");
    out.extend_from_slice(value);
    out.extend_from_slice(b"\r\n");
}

fn push_decimal(out: &mut Vec<u8>, mut n: u64) {
    // Digits by hand, right to left: `write!(out, "{n}")` goes through
    // `core::fmt`, which costs more than the rest of a small response
    // head (two numbers per response: the status and Content-Length).
    let mut digits = [0u8; 20]; // u64::MAX has 20 digits
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

/// The end of a chunked body: a zero-size chunk and no trailers.
pub const LAST_CHUNK: &[u8] = b"0\r\n\r\n";

/// Appends `data` as one chunk. An empty `data` writes nothing, since a
/// zero-size chunk would end the body.
///
/// ```
/// let mut out = Vec::new();
/// aioli_http::proto::encode::write_chunk(&mut out, b"hello, world");
/// out.extend_from_slice(aioli_http::proto::encode::LAST_CHUNK);
/// assert_eq!(out, b"c\r\nhello, world\r\n0\r\n\r\n");
/// ```
pub fn write_chunk(out: &mut Vec<u8>, data: &[u8]) {
    if data.is_empty() {
        return;
    }
    write_chunk_size(out, data.len());
    out.extend_from_slice(data);
    out.extend_from_slice(b"\r\n");
}

/// Appends only a chunk's size line, for a caller that writes the data
/// itself (to avoid copying a large piece) and then `\r\n`.
pub fn write_chunk_size(out: &mut Vec<u8>, size: usize) {
    let _ = write!(out, "{size:x}\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn extras(framing: ResponseFraming) -> HeadExtras<'static> {
        HeadExtras { framing, connection: None, date: None, server: None }
    }

    #[test]
    fn decimals_are_written_like_display() {
        for n in [0, 7, 10, 99, 100, 1_234_567, u64::from(u32::MAX), u64::MAX] {
            let mut out = b"x".to_vec();
            push_decimal(&mut out, n);
            assert_eq!(out, format!("x{n}").into_bytes());
        }
    }

    #[test]
    fn the_encoder_owns_the_framing_fields() {
        let headers: HeaderMap =
            [("Content-Length", "999"), ("Transfer-Encoding", "gzip"), ("Connection", "upgrade"), ("X-A", "1")]
                .into_iter()
                .collect();
        let mut out = Vec::new();
        let date = *b"Thu, 01 Jan 1970 00:00:00 GMT";
        let extras = HeadExtras {
            framing: ResponseFraming::Chunked,
            connection: Some("close"),
            date: Some(&date),
            server: Some("aioli-http"),
        };
        write_response_head(&mut out, StatusCode::NOT_FOUND, &headers, extras).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "HTTP/1.1 404 Not Found\r\nX-A: 1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\
             Date: Thu, 01 Jan 1970 00:00:00 GMT\r\nServer: aioli-http\r\n\r\n"
        );
    }

    #[test]
    fn a_handler_may_set_its_own_date_and_server() {
        let headers: HeaderMap = [("Server", "mine"), ("Date", "yesterday")].into_iter().collect();
        let date = [b'x'; DATE_LEN];
        let extras = HeadExtras { date: Some(&date), server: Some("aioli-http"), ..extras(ResponseFraming::None) };
        let mut out = Vec::new();
        write_response_head(&mut out, StatusCode::NO_CONTENT, &headers, extras).unwrap();
        assert_eq!(out, b"HTTP/1.1 204 No Content\r\nServer: mine\r\nDate: yesterday\r\n\r\n");
    }

    #[test]
    fn response_splitting_is_refused() {
        let mut out = b"kept".to_vec();
        for (name, value) in [("Location", "/a\r\nSet-Cookie: evil=1"), ("X", "a\nb"), ("Bad Name", "v"), ("X", "\0")] {
            let headers: HeaderMap = [(name, value)].into_iter().collect();
            let error = write_response_head(&mut out, StatusCode::OK, &headers, extras(ResponseFraming::Length(0)));
            assert!(error.is_err(), "{name}: {value:?}");
            assert_eq!(out, b"kept", "nothing appended on error");
        }
        let mut request = Vec::new();
        assert!(write_request_head(&mut request, &Method::Get, "/a b", &HeaderMap::new()).is_err());
    }

    #[test]
    fn chunks() {
        let mut out = Vec::new();
        write_chunk(&mut out, b"");
        assert!(out.is_empty(), "an empty piece must not end the body");
        write_chunk(&mut out, &[b'z'; 255]);
        assert!(out.starts_with(b"ff\r\nzzz"));
        assert!(out.ends_with(b"z\r\n"));
    }
}
