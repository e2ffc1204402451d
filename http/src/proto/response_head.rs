//! Parsing a response head: the client's mirror of `request_head`.
//!
//! A response head is a status line (`HTTP/1.1 200 OK`), header lines and
//! an empty line. [`parse_response_head`] takes the bytes that have
//! arrived and answers "not complete yet" (`Ok(None)`: read more, call
//! again), "complete" (`Ok(Some((head, used)))`: the body starts at
//! `used`), or an error that closes the connection. Like the request
//! parser it keeps no state: a head split across reads is parsed again
//! from the start, which is cheap for a few hundred bytes.
//!
//! httparse tokenizes; this file adds what a client must check on top:
//! the size of the head and the number of fields (a server that sends an
//! endless head must not grow our buffer forever), and the version. It
//! also skips interim `1xx` responses (`100 Continue`, `103 Early
//! Hints`): RFC 9112 §15.2 says a client reads past them to the final
//! response. Which framing the body uses is `body::response_framing`'s
//! answer, shared with nothing else but written for this client.
//!
//! hyper's client parses with httparse the same way; aiohttp's
//! `HttpResponseParser` is llhttp in C.
//!
//! Chapter: docs/src/30-client-request-on-the-loop.md

use std::fmt;

use super::headers::HeaderMap;
use super::method::Version;
use super::status::StatusCode;

/// A parsed response head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseHead {
    /// HTTP/1.0 or HTTP/1.1.
    pub version: Version,
    /// The status code.
    pub status: StatusCode,
    /// The reason phrase as sent (for people; clients ignore it).
    pub reason: String,
    /// The header fields, in the order they arrived.
    pub headers: HeaderMap,
}

impl ResponseHead {
    /// Whether the server keeps the connection open after this response:
    /// in 1.1 unless it says `Connection: close`, in 1.0 only if it says
    /// `Connection: keep-alive` (RFC 9112 §9.3).
    pub fn keep_alive(&self) -> bool {
        match self.version {
            Version::Http11 => !self.headers.has_token("connection", "close"),
            Version::Http10 => self.headers.has_token("connection", "keep-alive"),
        }
    }
}

/// Why a response head was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResponseHeadError {
    /// The status line is not `HTTP/1.x NNN reason`.
    BadStatusLine,
    /// A header line is not `Name: value`.
    BadHeader,
    /// A version other than HTTP/1.0 or 1.1 (an HTTP/2 server, say).
    UnsupportedVersion,
    /// The head is longer than the limit, in bytes.
    TooLarge(usize),
    /// More header fields than the limit.
    TooManyHeaders(usize),
}

impl fmt::Display for ResponseHeadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResponseHeadError::BadStatusLine => f.write_str("malformed status line (expected `HTTP/1.1 200 Reason`)"),
            ResponseHeadError::BadHeader => {
                f.write_str("malformed header line in the response (expected `Name: value`)")
            }
            ResponseHeadError::UnsupportedVersion => {
                f.write_str("the response is not HTTP/1.0 or HTTP/1.1 (this client speaks HTTP/1 only)")
            }
            ResponseHeadError::TooLarge(limit) => write!(f, "the response head is larger than {limit} bytes"),
            ResponseHeadError::TooManyHeaders(limit) => {
                write!(f, "the response has more than {limit} header fields")
            }
        }
    }
}

impl std::error::Error for ResponseHeadError {}

/// How many header slots live on the stack.
const STACK_HEADERS: usize = 100;

/// Parses the final response head at the start of `buf`, skipping any
/// interim 1xx heads before it. `used` counts the skipped heads too.
///
/// ```
/// use aioli_http::proto::response_head::parse_response_head;
///
/// let bytes = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi";
/// assert_eq!(parse_response_head(&bytes[..30], 64 * 1024, 100), Ok(None));
/// let (head, used) = parse_response_head(bytes, 64 * 1024, 100).unwrap().unwrap();
/// assert_eq!((head.status.as_u16(), &bytes[used..]), (200, &b"hi"[..]));
/// ```
pub fn parse_response_head(
    buf: &[u8],
    max_head_bytes: usize,
    max_headers: usize,
) -> Result<Option<(ResponseHead, usize)>, ResponseHeadError> {
    let mut start = 0;
    loop {
        match parse_one(&buf[start..], max_head_bytes, max_headers)? {
            None => return Ok(None),
            // 101 Switching Protocols is final: what follows is not HTTP.
            Some((head, used)) if head.status.is_informational() && head.status.as_u16() != 101 => start += used,
            Some((head, used)) => return Ok(Some((head, start + used))),
        }
    }
}

fn parse_one(
    buf: &[u8],
    max_head_bytes: usize,
    max_headers: usize,
) -> Result<Option<(ResponseHead, usize)>, ResponseHeadError> {
    let mut on_stack = [httparse::EMPTY_HEADER; STACK_HEADERS];
    let mut on_heap = Vec::new();
    let slots: &mut [httparse::Header<'_>] = if max_headers <= STACK_HEADERS {
        &mut on_stack[..max_headers]
    } else {
        on_heap.resize(max_headers, httparse::EMPTY_HEADER);
        &mut on_heap
    };
    let mut response = httparse::Response::new(slots);
    let used = match response.parse(buf) {
        Ok(httparse::Status::Complete(used)) => used,
        Ok(httparse::Status::Partial) => {
            if buf.len() >= max_head_bytes {
                return Err(ResponseHeadError::TooLarge(max_head_bytes));
            }
            return Ok(None);
        }
        Err(httparse::Error::TooManyHeaders) => return Err(ResponseHeadError::TooManyHeaders(max_headers)),
        Err(httparse::Error::Version) => {
            // "HTTP/2" or "HTTP/1.2" is a version we do not speak; anything
            // else that is not even "HTTP/" is a malformed line.
            return Err(if buf.starts_with(b"HTTP/") {
                ResponseHeadError::UnsupportedVersion
            } else {
                ResponseHeadError::BadStatusLine
            });
        }
        Err(httparse::Error::HeaderName | httparse::Error::HeaderValue | httparse::Error::NewLine) => {
            return Err(ResponseHeadError::BadHeader)
        }
        Err(_) => return Err(ResponseHeadError::BadStatusLine),
    };
    if used > max_head_bytes {
        return Err(ResponseHeadError::TooLarge(max_head_bytes));
    }
    let version = match response.version {
        Some(0) => Version::Http10,
        Some(1) => Version::Http11,
        _ => return Err(ResponseHeadError::UnsupportedVersion),
    };
    let status =
        response.code.and_then(|code| StatusCode::from_u16(code).ok()).ok_or(ResponseHeadError::BadStatusLine)?;
    let mut headers = HeaderMap::with_capacity(response.headers.len());
    for header in response.headers.iter() {
        headers.append(header.name, header.value);
    }
    let reason = response.reason.unwrap_or("").to_string();
    Ok(Some((ResponseHead { version, status, reason, headers }, used)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: usize = 64 * 1024;

    #[test]
    fn parses_at_every_split_point() {
        let bytes = b"HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\nX-A: 1\r\nx-a: 2\r\n\r\nabc";
        let body_at = bytes.len() - 3;
        for split in 0..body_at {
            assert_eq!(parse_response_head(&bytes[..split], LIMIT, 100), Ok(None), "split at {split}");
        }
        let (head, used) = parse_response_head(bytes, LIMIT, 100).unwrap().unwrap();
        assert_eq!(used, body_at);
        assert_eq!(head.status, StatusCode::NOT_FOUND);
        assert_eq!(head.reason, "Not Found");
        assert_eq!(head.headers.get_all("x-a").collect::<Vec<_>>(), ["1", "2"]);
        assert!(head.keep_alive());
    }

    #[test]
    fn keep_alive_by_version() {
        let parse = |bytes: &[u8]| parse_response_head(bytes, LIMIT, 100).unwrap().unwrap().0;
        assert!(!parse(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n").keep_alive());
        assert!(!parse(b"HTTP/1.0 200 OK\r\n\r\n").keep_alive());
        assert!(parse(b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\n").keep_alive());
    }

    #[test]
    fn skips_interim_responses() {
        let bytes =
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 201 Created\r\n\r\n";
        let (head, used) = parse_response_head(bytes, LIMIT, 100).unwrap().unwrap();
        assert_eq!((head.status.as_u16(), used), (201, bytes.len()));
    }

    #[test]
    fn rejects_what_is_not_http1() {
        let parse = |bytes: &[u8]| parse_response_head(bytes, LIMIT, 100);
        assert_eq!(parse(b"HTTP/2 200 OK\r\n\r\n"), Err(ResponseHeadError::UnsupportedVersion));
        assert_eq!(parse(b"SSH-2.0-OpenSSH\r\n\r\n"), Err(ResponseHeadError::BadStatusLine));
        assert_eq!(parse(b"HTTP/1.1 2x0 OK\r\n\r\n"), Err(ResponseHeadError::BadStatusLine));
        assert_eq!(parse(b"HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n"), Err(ResponseHeadError::BadHeader));
    }

    #[test]
    fn limits_size_and_field_count() {
        let long = format!("HTTP/1.1 200 OK\r\nX: {}", "a".repeat(100));
        assert_eq!(parse_response_head(long.as_bytes(), 64, 100), Err(ResponseHeadError::TooLarge(64)));
        let many = format!("HTTP/1.1 200 OK\r\n{}\r\n", "A: 1\r\n".repeat(5));
        assert_eq!(parse_response_head(many.as_bytes(), LIMIT, 4), Err(ResponseHeadError::TooManyHeaders(4)));
    }
}
