//! `ParseError`: every way the bytes of a message can be wrong.
//!
//! The sans-IO parts (head parser, framing rules, body decoders) report
//! problems as values of one enum, each with the status a server answers
//! with (`status`) and a one-sentence message naming the cause. After any
//! of them the connection is closed: once framing is in doubt, the server
//! cannot know where the next request starts, and guessing is exactly how
//! request smuggling works (two parties split the same bytes differently).
//!
//! Chapter: docs/src/21-parsing-requests.md

use std::fmt;

use super::status::StatusCode;

/// Malformed or unacceptable protocol input. `status()` is the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseError {
    /// The request line is not `method SP target SP version`.
    BadRequestLine,
    /// The method is not a token, or is one this server does not serve.
    UnsupportedMethod,
    /// A header line is malformed: no colon, whitespace before the colon,
    /// a name that is not a token, or a control byte in a value.
    BadHeader,
    /// Not HTTP/1.0 or HTTP/1.1 (HTTP/2's preface `PRI * HTTP/2.0` lands here).
    UnsupportedVersion,
    /// The request target is longer than the limit.
    UriTooLong,
    /// The target is none of the forms RFC 9112 §3.2 allows here.
    BadTarget,
    /// The head (request line and headers) is larger than the limit.
    HeadTooLarge,
    /// More header fields than the limit.
    TooManyHeaders,
    /// An HTTP/1.1 request without a Host header.
    MissingHost,
    /// More than one Host header.
    DuplicateHost,
    /// A Host header whose value cannot be a host.
    BadHost,
    /// A Content-Length that is not a number, or several that differ.
    BadContentLength,
    /// Both Content-Length and Transfer-Encoding: which one frames the
    /// body is the classic smuggling ambiguity, so neither is trusted.
    ContentLengthAndTransferEncoding,
    /// A Transfer-Encoding whose last coding is not `chunked`, or that
    /// names `chunked` twice: the body's end cannot be found.
    ChunkedNotLast,
    /// A transfer coding this server does not decode (gzip, or unknown).
    UnknownTransferCoding,
    /// A chunk-size line that is not hexadecimal digits.
    BadChunkSize,
    /// A chunk size too large for 64 bits.
    ChunkSizeOverflow,
    /// Chunk data not followed by CRLF, or a bare LF where CRLF belongs.
    BadChunkFraming,
    /// Chunk extensions or trailer fields longer than the limit.
    TrailersTooLarge,
    /// The peer closed the connection before the body ended.
    IncompleteBody,
    /// A response status line that cannot be parsed (client side).
    BadStatusLine,
}

impl ParseError {
    /// The status a server answers this error with.
    pub fn status(&self) -> StatusCode {
        match self {
            ParseError::UnsupportedVersion => StatusCode::HTTP_VERSION_NOT_SUPPORTED,
            ParseError::UriTooLong => StatusCode::URI_TOO_LONG,
            ParseError::HeadTooLarge | ParseError::TooManyHeaders | ParseError::TrailersTooLarge => {
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE
            }
            ParseError::UnknownTransferCoding | ParseError::UnsupportedMethod => StatusCode::NOT_IMPLEMENTED,
            ParseError::BadStatusLine => StatusCode::BAD_GATEWAY,
            _ => StatusCode::BAD_REQUEST,
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ParseError::BadRequestLine => "malformed request line: expected `METHOD /target HTTP/1.1` with single spaces",
            ParseError::UnsupportedMethod => "the request method is not one this server implements",
            ParseError::BadHeader => {
                "malformed header field: expected `Name: value` with a token name, no space before the colon and no control bytes"
            }
            ParseError::UnsupportedVersion => "only HTTP/1.0 and HTTP/1.1 are served on this connection",
            ParseError::UriTooLong => "the request target is longer than the limit (ServerConfig::max_target_bytes)",
            ParseError::BadTarget => "the request target must be a path starting with `/`, an absolute http URL, or `*` for OPTIONS",
            ParseError::HeadTooLarge => "the request head is larger than the limit (ServerConfig::max_head_bytes)",
            ParseError::TooManyHeaders => "the request has more header fields than the limit (ServerConfig::max_headers)",
            ParseError::MissingHost => "an HTTP/1.1 request must carry a Host header",
            ParseError::DuplicateHost => "the request carries more than one Host header",
            ParseError::BadHost => "the Host header is not a valid host[:port]",
            ParseError::BadContentLength => "Content-Length must be one decimal number (repeats must agree)",
            ParseError::ContentLengthAndTransferEncoding => {
                "the request has both Content-Length and Transfer-Encoding, so its end is ambiguous"
            }
            ParseError::ChunkedNotLast => "Transfer-Encoding must end with `chunked` and name it once",
            ParseError::UnknownTransferCoding => "the request uses a transfer coding this server does not decode (only chunked)",
            ParseError::BadChunkSize => "a chunk size must be hexadecimal digits followed by CRLF",
            ParseError::ChunkSizeOverflow => "a chunk size does not fit in 64 bits",
            ParseError::BadChunkFraming => "chunk data must be followed by CRLF",
            ParseError::TrailersTooLarge => "chunk extensions or trailer fields are longer than the limit",
            ParseError::IncompleteBody => "the connection closed before the body was complete",
            ParseError::BadStatusLine => "malformed status line: expected `HTTP/1.1 200 Reason`",
        })
    }
}

impl std::error::Error for ParseError {}
