//! Body framing: where a message's body ends, and the decoders that find it.
//!
//! HTTP/1.1 has three ways to delimit a body (RFC 9112 §6): a
//! `Content-Length` of N bytes; `Transfer-Encoding: chunked`, where the
//! body comes in pieces each preceded by its size in hex and ends with a
//! zero-size piece; or (responses only) "until the connection closes".
//! `request_framing` and `response_framing` read the headers and pick one,
//! refusing the ambiguous combinations request smuggling feeds on: both
//! headers at once, Content-Lengths that disagree, a coding list that does
//! not end in `chunked`.
//!
//! `BodyDecoder` then walks the body incrementally. Feed it whatever bytes
//! have arrived; it answers with a slice of body data, "need more", or
//! "done", and says how many input bytes it used. The chunked decoder is a
//! state machine that remembers where it stopped, so a chunk-size line or
//! a CRLF split across two reads is no problem:
//!
//! ```text
//!   Size ──';'──▶ Extension ──CR──▶ SizeLf ──LF, size>0──▶ Data ──▶ DataCr ──▶ DataLf ──▶ Size
//!    │ CR                              │ LF, size=0
//!    └────────────▶ SizeLf             ▼
//!                            TrailerStart ──CR──▶ FinalLf ──LF──▶ Done
//!                                 │ other          ▲
//!                                 ▼                │
//!                            TrailerLine ──CR──▶ TrailerLf ──LF──┘(back to TrailerStart)
//! ```
//!
//! Chunk extensions (`5;name=value`) and trailer fields are accepted and
//! dropped, up to a size limit. The same decoders serve the client, which
//! reads response bodies. hyper's `Decoder` is this same machine; aiohttp's
//! `HttpPayloadParser` does it in Python.
//!
//! Chapter: docs/src/21-parsing-requests.md

use super::error::ParseError;
use super::headers::HeaderMap;
use super::method::Method;
use super::status::StatusCode;

/// How a message's body is delimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// No body at all.
    Empty,
    /// Exactly this many bytes (`Content-Length`).
    Length(u64),
    /// `Transfer-Encoding: chunked`.
    Chunked,
    /// Until the peer closes the connection (responses without either
    /// header; never requests).
    UntilClose,
}

/// Bytes of chunk extensions plus trailer fields one body may carry.
pub const MAX_CHUNK_METADATA: usize = 16 * 1024;

/// The framing of a request body, from its headers (RFC 9112 §6.3).
///
/// ```
/// use aioli_http::{HeaderMap, proto::body::{request_framing, Framing}, proto::ParseError};
///
/// let headers: HeaderMap = [("Content-Length", "5")].into_iter().collect();
/// assert_eq!(request_framing(&headers), Ok(Framing::Length(5)));
/// let smuggle: HeaderMap = [("Content-Length", "5"), ("Transfer-Encoding", "chunked")].into_iter().collect();
/// assert_eq!(request_framing(&smuggle), Err(ParseError::ContentLengthAndTransferEncoding));
/// ```
// ANCHOR: request_framing
pub fn request_framing(headers: &HeaderMap) -> Result<Framing, ParseError> {
    let length = content_length(headers)?;
    if headers.contains("transfer-encoding") {
        if length.is_some() {
            return Err(ParseError::ContentLengthAndTransferEncoding);
        }
        return match transfer_coding(headers)? {
            Coding::Chunked => Ok(Framing::Chunked),
            // A request cannot be delimited by closing: the server could
            // not answer. So a list not ending in chunked is unreadable.
            Coding::NotChunkedLast => Err(ParseError::ChunkedNotLast),
        };
    }
    match length {
        Some(0) | None => Ok(Framing::Empty),
        Some(n) => Ok(Framing::Length(n)),
    }
}
// ANCHOR_END: request_framing

/// The framing of a response body (RFC 9112 §6.3), for a client that
/// sent `method` and received `status`.
pub fn response_framing(method: &Method, status: StatusCode, headers: &HeaderMap) -> Result<Framing, ParseError> {
    if *method == Method::Head || status.forbids_body() {
        return Ok(Framing::Empty);
    }
    if headers.contains("transfer-encoding") {
        // In a response Transfer-Encoding overrides Content-Length (the
        // server is trusted more than a client is; RFC 9112 §6.3 rule 3).
        return match transfer_coding(headers) {
            Ok(Coding::Chunked) => Ok(Framing::Chunked),
            Ok(Coding::NotChunkedLast) => Ok(Framing::UntilClose),
            Err(ParseError::UnknownTransferCoding) => Ok(Framing::UntilClose),
            Err(error) => Err(error),
        };
    }
    match content_length(headers)? {
        Some(0) => Ok(Framing::Empty),
        Some(n) => Ok(Framing::Length(n)),
        None => Ok(Framing::UntilClose),
    }
}

/// The one Content-Length of `headers`, if any. Repeats (as separate
/// fields or as a list `5, 5`) must agree; anything but digits is wrong.
fn content_length(headers: &HeaderMap) -> Result<Option<u64>, ParseError> {
    let mut found = None;
    for value in headers.get_all_bytes("content-length") {
        for item in value.split(|&byte| byte == b',') {
            let item = item.trim_ascii();
            // u64::from_str would accept a leading `+`; the grammar is 1*DIGIT.
            if item.is_empty() || !item.iter().all(u8::is_ascii_digit) {
                return Err(ParseError::BadContentLength);
            }
            let mut n: u64 = 0;
            for &digit in item {
                n = n
                    .checked_mul(10)
                    .and_then(|n| n.checked_add(u64::from(digit - b'0')))
                    .ok_or(ParseError::BadContentLength)?;
            }
            match found {
                Some(previous) if previous != n => return Err(ParseError::BadContentLength),
                _ => found = Some(n),
            }
        }
    }
    Ok(found)
}

enum Coding {
    Chunked,
    NotChunkedLast,
}

/// Reads every Transfer-Encoding field as one list of codings.
// ANCHOR: transfer_coding
fn transfer_coding(headers: &HeaderMap) -> Result<Coding, ParseError> {
    let mut chunked_seen = false;
    let mut last_is_chunked = false;
    let mut other_coding = false;
    for value in headers.get_all_bytes("transfer-encoding") {
        for item in value.split(|&byte| byte == b',') {
            let item = item.trim_ascii();
            if item.is_empty() {
                continue; // `chunked, ` : empty list elements are allowed
            }
            // A coding may carry parameters (`gzip;q=1` is not one, but
            // `token;param=x` is the grammar); its name is before `;`.
            let name = item.split(|&byte| byte == b';').next().unwrap_or(item).trim_ascii();
            if !super::headers::is_token(name) {
                return Err(ParseError::BadHeader);
            }
            if name.eq_ignore_ascii_case(b"chunked") {
                if chunked_seen {
                    return Err(ParseError::ChunkedNotLast);
                }
                chunked_seen = true;
                last_is_chunked = true;
            } else {
                other_coding = true;
                last_is_chunked = false;
            }
        }
    }
    if !last_is_chunked {
        return Ok(Coding::NotChunkedLast);
    }
    if other_coding {
        // `gzip, chunked`: framed correctly, but we cannot undo gzip.
        return Err(ParseError::UnknownTransferCoding);
    }
    Ok(Coding::Chunked)
}
// ANCHOR_END: transfer_coding

/// What one call to [`BodyDecoder::decode`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum Decoded<'a> {
    /// Body bytes (a slice of the input). Call again with the rest.
    Data(&'a [u8]),
    /// All input used, the body is not over: read more and call again.
    NeedMore,
    /// The body is over; bytes after it belong to the next message.
    Done,
}

/// Walks a body framed by [`Framing`], incrementally.
///
/// ```
/// use aioli_http::proto::body::{BodyDecoder, Decoded, Framing};
///
/// let mut decoder = BodyDecoder::new(Framing::Chunked);
/// let input = b"3\r\nabc\r\n0\r\n\r\nNEXT";
/// let (used, found) = decoder.decode(input).unwrap();
/// assert_eq!(found, Decoded::Data(b"abc"));
/// let (used2, found) = decoder.decode(&input[used..]).unwrap();
/// assert_eq!(found, Decoded::Done);
/// assert_eq!(&input[used + used2..], b"NEXT");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyDecoder {
    state: State,
    /// Chunk-extension and trailer bytes seen so far (limit: MAX_CHUNK_METADATA).
    metadata: usize,
}

/// Where the decoder stopped. See the diagram in the module header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Content-Length: this many bytes still to come.
    Length(u64),
    /// Until the connection closes.
    UntilClose,
    /// Reading a chunk size's hex digits.
    Size { size: u64, digits: u32 },
    /// Whitespace after the size, before `;` (RFC 9112 allows BWS there).
    SizeSpace { size: u64 },
    /// In a chunk extension, until CR.
    Extension { size: u64 },
    /// After the CR ending a size line.
    SizeLf { size: u64 },
    /// This many chunk data bytes still to come.
    Data(u64),
    /// After chunk data, expecting CR.
    DataCr,
    /// Expecting the LF after chunk data.
    DataLf,
    /// At the start of a trailer line (or of the final empty line).
    TrailerStart,
    /// Inside a trailer field line.
    TrailerLine,
    /// After the CR of a trailer line.
    TrailerLf,
    /// After the CR of the final empty line.
    FinalLf,
    /// The body is over.
    Done,
}

impl BodyDecoder {
    /// A decoder for a body framed as `framing`.
    pub fn new(framing: Framing) -> BodyDecoder {
        let state = match framing {
            Framing::Empty | Framing::Length(0) => State::Done,
            Framing::Length(n) => State::Length(n),
            Framing::Chunked => State::Size { size: 0, digits: 0 },
            Framing::UntilClose => State::UntilClose,
        };
        BodyDecoder { state, metadata: 0 }
    }

    /// Whether the whole body has been seen.
    pub fn is_done(&self) -> bool {
        self.state == State::Done
    }

    /// Body bytes still expected, when the framing says (Content-Length).
    pub fn remaining(&self) -> Option<u64> {
        match self.state {
            State::Length(n) => Some(n),
            State::Done => Some(0),
            _ => None,
        }
    }

    /// Consumes body framing from `input`: returns how many bytes of
    /// `input` were used and what they were.
    pub fn decode<'a>(&mut self, input: &'a [u8]) -> Result<(usize, Decoded<'a>), ParseError> {
        let mut used = 0;
        loop {
            match self.state {
                State::Done => return Ok((used, Decoded::Done)),
                State::Length(remaining) => {
                    let rest = &input[used..];
                    if rest.is_empty() {
                        return Ok((used, Decoded::NeedMore));
                    }
                    let take = rest.len().min(usize::try_from(remaining).unwrap_or(usize::MAX));
                    let left = remaining - take as u64;
                    self.state = if left == 0 { State::Done } else { State::Length(left) };
                    return Ok((used + take, Decoded::Data(&rest[..take])));
                }
                State::UntilClose => {
                    let rest = &input[used..];
                    if rest.is_empty() {
                        return Ok((used, Decoded::NeedMore));
                    }
                    return Ok((input.len(), Decoded::Data(rest)));
                }
                State::Data(remaining) => {
                    let rest = &input[used..];
                    if rest.is_empty() {
                        return Ok((used, Decoded::NeedMore));
                    }
                    let take = rest.len().min(usize::try_from(remaining).unwrap_or(usize::MAX));
                    let left = remaining - take as u64;
                    self.state = if left == 0 { State::DataCr } else { State::Data(left) };
                    return Ok((used + take, Decoded::Data(&rest[..take])));
                }
                _ => {
                    // Framing bytes: one at a time through the state machine.
                    let Some(&byte) = input.get(used) else { return Ok((used, Decoded::NeedMore)) };
                    used += 1;
                    self.state = self.step(byte)?;
                }
            }
        }
    }

    /// One framing byte of a chunked body.
    // ANCHOR: chunked_step
    fn step(&mut self, byte: u8) -> Result<State, ParseError> {
        Ok(match self.state {
            State::Size { size, digits } => match byte {
                b'0'..=b'9' | b'a'..=b'f' | b'A'..=b'F' => {
                    let digit = u64::from((byte as char).to_digit(16).unwrap_or(0));
                    // 16 hex digits fill 64 bits; one more overflows.
                    if size >> 60 != 0 {
                        return Err(ParseError::ChunkSizeOverflow);
                    }
                    State::Size { size: size << 4 | digit, digits: digits + 1 }
                }
                _ if digits == 0 => return Err(ParseError::BadChunkSize),
                b'\r' => State::SizeLf { size },
                b';' => State::Extension { size },
                b' ' | b'\t' => State::SizeSpace { size },
                _ => return Err(ParseError::BadChunkSize),
            },
            State::SizeSpace { size } => match byte {
                b' ' | b'\t' => {
                    self.count_metadata()?;
                    State::SizeSpace { size }
                }
                b';' => State::Extension { size },
                _ => return Err(ParseError::BadChunkSize),
            },
            State::Extension { size } => match byte {
                b'\r' => State::SizeLf { size },
                // A bare LF or another control byte: how two parsers come
                // to disagree about where a line ends.
                b'\t' => State::Extension { size },
                0..=0x1f | 0x7f => return Err(ParseError::BadChunkFraming),
                _ => {
                    self.count_metadata()?;
                    State::Extension { size }
                }
            },
            State::SizeLf { size } => match byte {
                b'\n' if size == 0 => State::TrailerStart,
                b'\n' => State::Data(size),
                _ => return Err(ParseError::BadChunkFraming),
            },
            State::DataCr => match byte {
                b'\r' => State::DataLf,
                _ => return Err(ParseError::BadChunkFraming),
            },
            State::DataLf => match byte {
                b'\n' => State::Size { size: 0, digits: 0 },
                _ => return Err(ParseError::BadChunkFraming),
            },
            State::TrailerStart => match byte {
                b'\r' => State::FinalLf,
                b'\n' => return Err(ParseError::BadChunkFraming),
                _ => {
                    self.count_metadata()?;
                    State::TrailerLine
                }
            },
            State::TrailerLine => match byte {
                b'\r' => State::TrailerLf,
                b'\t' => State::TrailerLine,
                0..=0x1f | 0x7f => return Err(ParseError::BadChunkFraming),
                _ => {
                    self.count_metadata()?;
                    State::TrailerLine
                }
            },
            State::TrailerLf => match byte {
                b'\n' => State::TrailerStart,
                _ => return Err(ParseError::BadChunkFraming),
            },
            State::FinalLf => match byte {
                b'\n' => State::Done,
                _ => return Err(ParseError::BadChunkFraming),
            },
            // `decode` handles the data-carrying states itself.
            other => other,
        })
    }
    // ANCHOR_END: chunked_step

    fn count_metadata(&mut self) -> Result<(), ParseError> {
        self.metadata += 1;
        if self.metadata > MAX_CHUNK_METADATA {
            return Err(ParseError::TrailersTooLarge);
        }
        Ok(())
    }

    /// Called when the peer closed the connection: fine for a body that
    /// runs until close or is already done, an error otherwise.
    pub fn finish_at_eof(&mut self) -> Result<(), ParseError> {
        match self.state {
            State::Done => Ok(()),
            State::UntilClose => {
                self.state = State::Done;
                Ok(())
            }
            _ => Err(ParseError::IncompleteBody),
        }
    }
}
