//! Close codes: the number a Close frame carries to say why.
//!
//! A Close frame's payload is empty, or a 2-byte big-endian code followed
//! by a UTF-8 reason of at most 123 bytes (the whole payload of a control
//! frame fits in 125). [`CloseCode`] is that number; [`CloseFrame`] is the
//! code with its reason. RFC 6455 §7.4 reserves some codes for reports
//! that never travel: 1005 ("no code was given") and 1006 ("the TCP
//! connection ended without a Close frame") are what an endpoint *tells
//! its program*, so [`CloseCode::is_sendable`] refuses them on the wire.
//!
//! Python's `websockets` has the same numbers in `websockets.frames.CloseCode`;
//! aiohttp's are `aiohttp.WSCloseCode`.
//!
//! Chapter: docs/src/40-websocket.md

use std::fmt;

/// A WebSocket close code (RFC 6455 §7.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CloseCode(pub u16);

impl CloseCode {
    /// 1000: the purpose of the connection is fulfilled.
    pub const NORMAL: CloseCode = CloseCode(1000);
    /// 1001: the endpoint is going away (a server shutting down, a page
    /// being left).
    pub const GOING_AWAY: CloseCode = CloseCode(1001);
    /// 1002: the peer broke the protocol (an unmasked frame from a
    /// client, a fragmented ping, reserved bits set, …).
    pub const PROTOCOL_ERROR: CloseCode = CloseCode(1002);
    /// 1003: a kind of data this endpoint does not accept.
    pub const UNSUPPORTED_DATA: CloseCode = CloseCode(1003);
    /// 1005: no code was in the Close frame. Reported, never sent.
    pub const NO_STATUS: CloseCode = CloseCode(1005);
    /// 1006: the connection ended without a Close frame. Reported, never sent.
    pub const ABNORMAL: CloseCode = CloseCode(1006);
    /// 1007: a text message that is not UTF-8.
    pub const INVALID_DATA: CloseCode = CloseCode(1007);
    /// 1008: a message that breaks the endpoint's policy.
    pub const POLICY: CloseCode = CloseCode(1008);
    /// 1009: a message larger than the endpoint accepts.
    pub const TOO_BIG: CloseCode = CloseCode(1009);
    /// 1010: (client) the server did not agree to an extension it needs.
    pub const MISSING_EXTENSION: CloseCode = CloseCode(1010);
    /// 1011: the server hit an unexpected condition.
    pub const INTERNAL_ERROR: CloseCode = CloseCode(1011);

    /// Whether this code may travel in a Close frame: 1000–1003, 1007–1014
    /// (registered with IANA) and 3000–4999 (for libraries and
    /// applications). Anything else in a received Close frame is a
    /// protocol error.
    ///
    /// ```
    /// use aioli_http::ws::CloseCode;
    /// assert!(CloseCode::NORMAL.is_sendable());
    /// assert!(CloseCode(4000).is_sendable());
    /// assert!(!CloseCode::ABNORMAL.is_sendable());
    /// assert!(!CloseCode(999).is_sendable());
    /// ```
    pub fn is_sendable(self) -> bool {
        matches!(self.0, 1000..=1003 | 1007..=1014 | 3000..=4999)
    }
}

impl fmt::Display for CloseCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.0 {
            1000 => "normal closure",
            1001 => "going away",
            1002 => "protocol error",
            1003 => "unsupported data",
            1005 => "no status code",
            1006 => "abnormal closure",
            1007 => "invalid data",
            1008 => "policy violation",
            1009 => "message too big",
            1010 => "missing extension",
            1011 => "internal error",
            3000..=4999 => "application code",
            _ => "unknown code",
        };
        write!(f, "{} ({name})", self.0)
    }
}

/// The code and reason of a Close frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloseFrame {
    /// Why the connection closes.
    pub code: CloseCode,
    /// Words for people (at most 123 bytes of UTF-8 on the wire; a longer
    /// reason is cut at a character boundary when sent).
    pub reason: String,
}

impl CloseFrame {
    /// A close frame with `code` and `reason`.
    pub fn new(code: CloseCode, reason: impl Into<String>) -> CloseFrame {
        CloseFrame { code, reason: reason.into() }
    }
}

impl fmt::Display for CloseFrame {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.reason.is_empty() {
            write!(f, "{}", self.code)
        } else {
            write!(f, "{}: {:?}", self.code, self.reason)
        }
    }
}
