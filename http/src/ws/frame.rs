//! The frame codec: WebSocket frames to bytes and back, with no socket.
//!
//! A WebSocket message travels as one or more frames. Each frame is a
//! 2-byte header (FIN, three reserved bits, a 4-bit opcode; MASK and a
//! 7-bit length), an extended length when the 7 bits say 126 (16 bits
//! follow) or 127 (64 bits follow), a 4-byte masking key when MASK is set,
//! and the payload:
//!
//! ```text
//!  0               1               2               3
//!  0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7
//! +-+-+-+-+-------+-+-------------+-------------------------------+
//! |F|R|R|R| opcode|M| length (7)  | extended length (16 or 64)    |
//! |I|S|S|S|  (4)  |A|  126 → 16   |   ... when length is 126/127  |
//! |N|V|V|V|       |S|  127 → 64   |                               |
//! +-+-+-+-+-------+-+-------------+-------------------------------+
//! | masking key (4 bytes, when MASK is 1) |  payload ...          |
//! +---------------------------------------+-----------------------+
//! ```
//!
//! Like the HTTP framing in `proto/`, the codec is sans-IO:
//! [`FrameDecoder::decode`] looks at the bytes received so far and answers
//! "a whole frame, and how many bytes it used", "not enough bytes yet", or
//! a [`ProtocolError`] carrying the close code to answer with; [`encode`]
//! appends a frame's bytes to a `Vec`. The socket (`ws/socket.rs`) is what
//! reads, calls these, and writes. Because the decoder keeps no state
//! between calls, a frame split at any byte decodes the same way, which is
//! what the tests check at every split point.
//!
//! What the decoder refuses, each with close code 1002 unless noted:
//! reserved bits set (no extension was agreed), an unknown opcode, a
//! control frame (close, ping, pong) that is fragmented or longer than 125
//! bytes, a length not written in its shortest form or with the top bit
//! set, a client frame without a mask or a server frame with one, and a
//! payload larger than the configured limit (1009). Fragment reassembly
//! and UTF-8 are one layer up, in `ws/message.rs`.
//!
//! tungstenite (under tokio-tungstenite) and Python's `websockets` have
//! the same split: a frame parser fed bytes, with the IO elsewhere.
//!
//! Chapter: docs/src/40-websocket.md

use std::fmt;

use super::close::CloseCode;

/// What a frame carries (RFC 6455 §5.2). Opcodes 0x3–0x7 and 0xB–0xF are
/// reserved and refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opcode {
    /// 0x0: the next piece of a fragmented message.
    Continuation,
    /// 0x1: the first (or only) frame of a UTF-8 text message.
    Text,
    /// 0x2: the first (or only) frame of a binary message.
    Binary,
    /// 0x8: the closing handshake.
    Close,
    /// 0x9: "are you there?"; the peer answers with a pong.
    Ping,
    /// 0xA: the answer to a ping (or an unasked heartbeat).
    Pong,
}

impl Opcode {
    /// The opcode's 4 bits.
    pub fn as_u8(self) -> u8 {
        match self {
            Opcode::Continuation => 0x0,
            Opcode::Text => 0x1,
            Opcode::Binary => 0x2,
            Opcode::Close => 0x8,
            Opcode::Ping => 0x9,
            Opcode::Pong => 0xA,
        }
    }

    fn from_u8(bits: u8) -> Option<Opcode> {
        match bits {
            0x0 => Some(Opcode::Continuation),
            0x1 => Some(Opcode::Text),
            0x2 => Some(Opcode::Binary),
            0x8 => Some(Opcode::Close),
            0x9 => Some(Opcode::Ping),
            0xA => Some(Opcode::Pong),
            _ => None,
        }
    }

    /// Close, ping and pong are control frames: they may come between the
    /// fragments of a message, so they must be short and whole.
    pub fn is_control(self) -> bool {
        matches!(self, Opcode::Close | Opcode::Ping | Opcode::Pong)
    }
}

/// One decoded frame, its payload already unmasked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// Whether this is the last frame of its message.
    pub fin: bool,
    /// What the frame carries.
    pub opcode: Opcode,
    /// The payload bytes.
    pub payload: Vec<u8>,
}

impl Frame {
    /// A final (unfragmented) frame.
    pub fn new(opcode: Opcode, payload: impl Into<Vec<u8>>) -> Frame {
        Frame { fin: true, opcode, payload: payload.into() }
    }
}

/// Which end of the connection decodes: the rules on masking differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The server: every frame it receives must be masked.
    Server,
    /// The client: no frame it receives may be masked.
    Client,
}

/// A frame the peer should not have sent, and the close code that says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtocolError {
    /// The code to close the connection with (1002, 1007 or 1009).
    pub code: CloseCode,
    /// What was wrong, in one sentence; also sent as the close reason.
    pub reason: &'static str,
}

impl ProtocolError {
    pub(crate) fn new(code: CloseCode, reason: &'static str) -> ProtocolError {
        ProtocolError { code, reason }
    }
}

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (closing with {})", self.reason, self.code)
    }
}

impl std::error::Error for ProtocolError {}

/// The largest payload a control frame may carry (RFC 6455 §5.5).
pub const MAX_CONTROL_PAYLOAD: usize = 125;

/// Decodes frames from received bytes. It holds only its rules, no state:
/// call [`decode`](Self::decode) again with more bytes after `Ok(None)`.
#[derive(Debug, Clone)]
pub struct FrameDecoder {
    /// Which end decodes (decides whether frames must be masked).
    role: Role,
    /// The largest payload accepted in one frame; more is a 1009.
    max_payload: usize,
}

impl FrameDecoder {
    /// A decoder for `role` that refuses payloads over `max_payload` bytes.
    pub fn new(role: Role, max_payload: usize) -> FrameDecoder {
        FrameDecoder { role, max_payload }
    }

    // ANCHOR: decode
    /// Decodes the frame at the start of `buf`: `Ok(Some((frame, used)))`
    /// when it is all there, `Ok(None)` when more bytes are needed.
    ///
    /// ```
    /// use aioli_http::ws::frame::{FrameDecoder, Opcode, Role};
    ///
    /// // A masked "Hi" from a client: FIN + text, MASK + length 2, key, payload.
    /// let bytes = [0x81, 0x82, 1, 2, 3, 4, b'H' ^ 1, b'i' ^ 2];
    /// let decoder = FrameDecoder::new(Role::Server, 1 << 20);
    /// assert_eq!(decoder.decode(&bytes[..5]), Ok(None));
    /// let (frame, used) = decoder.decode(&bytes).unwrap().unwrap();
    /// assert_eq!((frame.opcode, &frame.payload[..], used), (Opcode::Text, &b"Hi"[..], 8));
    /// ```
    pub fn decode(&self, buf: &[u8]) -> Result<Option<(Frame, usize)>, ProtocolError> {
        let protocol = |reason| Err(ProtocolError::new(CloseCode::PROTOCOL_ERROR, reason));
        let [first, second, ..] = *buf else { return Ok(None) };
        let fin = first & 0x80 != 0;
        if first & 0x70 != 0 {
            return protocol("reserved bits are set but no extension was agreed");
        }
        let Some(opcode) = Opcode::from_u8(first & 0x0F) else {
            return protocol("unknown opcode");
        };
        let masked = second & 0x80 != 0;
        match (self.role, masked) {
            (Role::Server, false) => return protocol("a client sent an unmasked frame"),
            (Role::Client, true) => return protocol("a server sent a masked frame"),
            _ => {}
        }

        // The 7-bit length, or 126/127 meaning "a 16/64-bit length follows".
        let mut at = 2;
        let length = match second & 0x7F {
            126 => {
                let Some(bytes) = buf.get(at..at + 2) else { return Ok(None) };
                at += 2;
                let length = u64::from(u16::from_be_bytes([bytes[0], bytes[1]]));
                if length < 126 {
                    return protocol("a frame length is not in its shortest form");
                }
                length
            }
            127 => {
                let Some(bytes) = buf.get(at..at + 8) else { return Ok(None) };
                at += 8;
                let mut be = [0u8; 8];
                be.copy_from_slice(bytes);
                let length = u64::from_be_bytes(be);
                if length >> 63 != 0 {
                    return protocol("a frame length has its most significant bit set");
                }
                if length <= 0xFFFF {
                    return protocol("a frame length is not in its shortest form");
                }
                length
            }
            short => u64::from(short),
        };
        if opcode.is_control() {
            if !fin {
                return protocol("a control frame is fragmented");
            }
            if length > MAX_CONTROL_PAYLOAD as u64 {
                return protocol("a control frame is longer than 125 bytes");
            }
        }
        // Refuse a too-large frame from its header, before buffering it.
        if length > self.max_payload as u64 {
            return Err(ProtocolError::new(CloseCode::TOO_BIG, "a frame is larger than the message size limit"));
        }
        let length = length as usize; // fits: it is at most max_payload

        let mut key = None;
        if masked {
            let Some(bytes) = buf.get(at..at + 4) else { return Ok(None) };
            key = Some([bytes[0], bytes[1], bytes[2], bytes[3]]);
            at += 4;
        }
        let Some(payload) = buf.get(at..at + length) else { return Ok(None) };
        let mut payload = payload.to_vec();
        if let Some(key) = key {
            apply_mask(&mut payload, key);
        }
        Ok(Some((Frame { fin, opcode, payload }, at + length)))
    }
    // ANCHOR_END: decode
}

// ANCHOR: encode
/// Appends `frame` to `out`, masked with `mask` when given (a client must
/// mask every frame; a server must not).
///
/// ```
/// use aioli_http::ws::frame::{encode, Frame, Opcode};
///
/// let mut out = Vec::new();
/// encode(&Frame::new(Opcode::Text, "Hi"), None, &mut out);
/// assert_eq!(out, [0x81, 0x02, b'H', b'i']);
/// ```
pub fn encode(frame: &Frame, mask: Option<[u8; 4]>, out: &mut Vec<u8>) {
    let fin = if frame.fin { 0x80 } else { 0 };
    out.push(fin | frame.opcode.as_u8());
    let mask_bit = if mask.is_some() { 0x80 } else { 0 };
    let length = frame.payload.len();
    // The shortest length form is required (§5.2).
    if length < 126 {
        out.push(mask_bit | length as u8);
    } else if length <= 0xFFFF {
        out.push(mask_bit | 126);
        out.extend_from_slice(&(length as u16).to_be_bytes());
    } else {
        out.push(mask_bit | 127);
        out.extend_from_slice(&(length as u64).to_be_bytes());
    }
    let start = match mask {
        Some(key) => {
            out.extend_from_slice(&key);
            out.len()
        }
        None => out.len(),
    };
    out.extend_from_slice(&frame.payload);
    if let Some(key) = mask {
        apply_mask(&mut out[start..], key);
    }
}
// ANCHOR_END: encode

// ANCHOR: mask
/// XORs `payload` with the 4-byte `key`, repeated. Masking and unmasking
/// are the same operation.
pub fn apply_mask(payload: &mut [u8], key: [u8; 4]) {
    for (i, byte) in payload.iter_mut().enumerate() {
        *byte ^= key[i % 4];
    }
}
// ANCHOR_END: mask

/// The payload of a Close frame: empty, or the code and a reason cut to
/// fit in 125 bytes at a character boundary.
pub fn close_payload(code: CloseCode, reason: &str) -> Vec<u8> {
    let mut cut = reason.len().min(MAX_CONTROL_PAYLOAD - 2);
    while !reason.is_char_boundary(cut) {
        cut -= 1;
    }
    let mut payload = code.0.to_be_bytes().to_vec();
    payload.extend_from_slice(&reason.as_bytes()[..cut]);
    payload
}
