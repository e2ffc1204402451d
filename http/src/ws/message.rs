//! Messages: what a program sends and receives, built from frames.
//!
//! A program thinks in [`Message`]s; the wire carries frames. A text or
//! binary message may be cut into fragments (a first frame with `fin`
//! unset, continuation frames, a last one with `fin` set), and control
//! frames (ping, pong, close) may come between those fragments. The
//! [`Assembler`] takes decoded frames one at a time and gives back a whole
//! message when one is complete, checking what only the message level can
//! see: a continuation with nothing to continue, a new message before the
//! last one ended, the total size against the limit (1009), text that is
//! not UTF-8 (1007), a Close payload that is malformed. Like the frame
//! codec it is sans-IO.
//!
//! aiohttp's `WSMessage` has a `type` (TEXT, BINARY, PING, PONG, CLOSE)
//! and `data`; tungstenite's `Message` is an enum like this one.
//!
//! Chapter: docs/src/40-websocket.md

use super::close::{CloseCode, CloseFrame};
use super::frame::{Frame, Opcode, ProtocolError};

/// One WebSocket message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// A UTF-8 text message.
    Text(String),
    /// A binary message.
    Binary(Vec<u8>),
    /// A ping and its payload (at most 125 bytes). The socket answers a
    /// received ping with a pong by itself; it is reported so a program
    /// can see it.
    Ping(Vec<u8>),
    /// A pong and its payload.
    Pong(Vec<u8>),
    /// The peer's Close frame (`None`: it gave no code). The socket
    /// answers it by itself; after this, `recv` returns `None`.
    Close(Option<CloseFrame>),
}

impl Message {
    /// A text message.
    pub fn text(text: impl Into<String>) -> Message {
        Message::Text(text.into())
    }

    /// A binary message.
    pub fn binary(bytes: impl Into<Vec<u8>>) -> Message {
        Message::Binary(bytes.into())
    }

    /// The text, if this is a text message.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Message::Text(text) => Some(text),
            _ => None,
        }
    }

    /// Whether this is a text or binary message (not a control message).
    pub fn is_data(&self) -> bool {
        matches!(self, Message::Text(_) | Message::Binary(_))
    }
}

impl From<&str> for Message {
    fn from(text: &str) -> Message {
        Message::Text(text.to_owned())
    }
}

impl From<String> for Message {
    fn from(text: String) -> Message {
        Message::Text(text)
    }
}

impl From<Vec<u8>> for Message {
    fn from(bytes: Vec<u8>) -> Message {
        Message::Binary(bytes)
    }
}

/// The kind of the message being reassembled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Binary,
}

/// Reassembles fragmented messages from frames.
///
/// ```text
///   Idle ──Text/Binary, fin──────────────────▶ message
///     │
///     └──Text/Binary, !fin──▶ Partial ──Continuation, !fin──▶ Partial
///                                │
///                                └──Continuation, fin──▶ message, Idle
///   (ping/pong/close pass through in either state)
/// ```
#[derive(Debug)]
pub struct Assembler {
    /// The message being reassembled, if a fragment has arrived.
    partial: Option<(Kind, Vec<u8>)>,
    /// The largest message accepted, in bytes; more is a 1009.
    max_message: usize,
}

impl Assembler {
    /// An assembler that refuses messages over `max_message` bytes.
    pub fn new(max_message: usize) -> Assembler {
        Assembler { partial: None, max_message }
    }

    /// Takes the next frame; gives back a message when one is complete.
    ///
    /// ```
    /// use aioli_http::ws::frame::{Frame, Opcode};
    /// use aioli_http::ws::message::Assembler;
    /// use aioli_http::ws::Message;
    ///
    /// let mut assembler = Assembler::new(1024);
    /// let first = Frame { fin: false, opcode: Opcode::Text, payload: b"hel".to_vec() };
    /// assert_eq!(assembler.push(first), Ok(None));
    /// let last = Frame { fin: true, opcode: Opcode::Continuation, payload: b"lo".to_vec() };
    /// assert_eq!(assembler.push(last), Ok(Some(Message::text("hello"))));
    /// ```
    pub fn push(&mut self, frame: Frame) -> Result<Option<Message>, ProtocolError> {
        let protocol = |reason| Err(ProtocolError::new(CloseCode::PROTOCOL_ERROR, reason));
        let kind = match frame.opcode {
            Opcode::Ping => return Ok(Some(Message::Ping(frame.payload))),
            Opcode::Pong => return Ok(Some(Message::Pong(frame.payload))),
            Opcode::Close => return parse_close(&frame.payload).map(|close| Some(Message::Close(close))),
            Opcode::Text | Opcode::Binary if self.partial.is_some() => {
                return protocol("a new message started before the fragmented one ended");
            }
            Opcode::Continuation if self.partial.is_none() => {
                return protocol("a continuation frame came with no message to continue");
            }
            Opcode::Text => Kind::Text,
            Opcode::Binary => Kind::Binary,
            Opcode::Continuation => self.partial.as_ref().map_or(Kind::Binary, |(kind, _)| *kind),
        };
        let mut bytes = match self.partial.take() {
            Some((_, mut so_far)) => {
                if so_far.len() + frame.payload.len() > self.max_message {
                    return Err(ProtocolError::new(CloseCode::TOO_BIG, "a message is larger than the size limit"));
                }
                so_far.extend_from_slice(&frame.payload);
                so_far
            }
            None => frame.payload,
        };
        if bytes.len() > self.max_message {
            return Err(ProtocolError::new(CloseCode::TOO_BIG, "a message is larger than the size limit"));
        }
        if !frame.fin {
            // Reserve nothing up front: the total size is unknown until the
            // last fragment, and a lying peer must not make us allocate.
            self.partial = Some((kind, std::mem::take(&mut bytes)));
            return Ok(None);
        }
        match kind {
            Kind::Binary => Ok(Some(Message::Binary(bytes))),
            Kind::Text => match String::from_utf8(bytes) {
                Ok(text) => Ok(Some(Message::Text(text))),
                Err(_) => Err(ProtocolError::new(CloseCode::INVALID_DATA, "a text message is not valid UTF-8")),
            },
        }
    }
}

/// Reads a Close payload: nothing, or a sendable code and a UTF-8 reason.
fn parse_close(payload: &[u8]) -> Result<Option<CloseFrame>, ProtocolError> {
    match payload {
        [] => Ok(None),
        [_] => Err(ProtocolError::new(CloseCode::PROTOCOL_ERROR, "a close frame has a 1-byte payload")),
        [high, low, reason @ ..] => {
            let code = CloseCode(u16::from_be_bytes([*high, *low]));
            if !code.is_sendable() {
                return Err(ProtocolError::new(CloseCode::PROTOCOL_ERROR, "a close frame carries an invalid code"));
            }
            let Ok(reason) = std::str::from_utf8(reason) else {
                return Err(ProtocolError::new(CloseCode::INVALID_DATA, "a close reason is not valid UTF-8"));
            };
            Ok(Some(CloseFrame::new(code, reason)))
        }
    }
}
