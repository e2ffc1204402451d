//! What can go wrong on a WebSocket, as one error type.
//!
//! Three families: the peer broke the protocol (the socket has already
//! sent the Close frame with the right code, [`Error::Protocol`]); the
//! connection failed underneath ([`Error::Io`], including a peer that
//! vanished without a Close frame, which RFC 6455 calls 1006); or the
//! program used the socket after closing it ([`Error::Closed`]). The
//! client adds the ways connecting fails. Each message names the cause.
//!
//! Chapter: docs/src/40-websocket.md

use std::fmt;
use std::io;

use super::frame::ProtocolError;

/// A WebSocket error.
#[derive(Debug)]
pub enum Error {
    /// The peer sent something RFC 6455 forbids; the socket closed the
    /// connection with the code inside.
    Protocol(ProtocolError),
    /// Reading or writing the socket failed, or the peer closed the TCP
    /// connection without a Close frame (`UnexpectedEof`).
    Io(io::Error),
    /// A send after the Close frame was sent: the connection is closing.
    Closed,
    /// (client) The URL is not one we can connect to.
    Url(String),
    /// (client) Resolving, connecting or the HTTP part of the handshake
    /// failed (a timeout is an `io::ErrorKind::TimedOut`).
    Connect {
        /// The URL being connected to.
        url: String,
        /// What failed.
        source: io::Error,
    },
    /// (client) The server did not accept the WebSocket handshake.
    Handshake(String),
    /// (client, `wss://`) The TLS handshake failed: the certificate was
    /// refused, the peer sent an alert, or it timed out.
    #[cfg(feature = "tls")]
    Tls {
        /// The URL being connected to.
        url: String,
        /// Why, in terms a person can act on.
        failure: crate::tls::TlsFailure,
    },
    /// A close code that may not travel in a Close frame (1005, 1006,
    /// below 1000, …).
    InvalidCloseCode(u16),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Protocol(error) => write!(f, "WebSocket protocol error from the peer: {error}"),
            Error::Io(error) => write!(f, "WebSocket connection failed: {error}"),
            Error::Closed => f.write_str("the WebSocket is closing (a Close frame was sent); nothing more can be sent"),
            Error::Url(message) => f.write_str(message),
            Error::Connect { url, source } => write!(f, "WebSocket connect to {url} failed: {source}"),
            Error::Handshake(message) => write!(f, "WebSocket handshake refused: {message}"),
            #[cfg(feature = "tls")]
            Error::Tls { url, failure } => write!(f, "TLS with {url} failed: {failure}"),
            Error::InvalidCloseCode(code) => write!(
                f,
                "close code {code} may not be sent (use 1000-1003, 1007-1014 or 3000-4999; 1000 is a normal close)"
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Protocol(error) => Some(error),
            Error::Io(error) => Some(error),
            Error::Connect { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl From<io::Error> for Error {
    fn from(error: io::Error) -> Error {
        Error::Io(error)
    }
}

impl From<ProtocolError> for Error {
    fn from(error: ProtocolError) -> Error {
        Error::Protocol(error)
    }
}
