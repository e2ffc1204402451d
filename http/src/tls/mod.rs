//! TLS on the loop: rustls's sans-IO engine, driven by aioli's sockets.
//!
//! The cryptography is rustls's (with its `ring` provider) and the list
//! of public certificate authorities is `webpki-roots`; nothing here
//! computes a cipher or checks a signature. What this module writes out
//! is the part between: [`TlsStream`] (`stream.rs`) pumps ciphertext
//! between rustls's buffers and an aioli `TcpStream`, so a handshake is a
//! handful of ordinary polls, `Pending`s and readiness events in the
//! loop's trace. `config.rs` turns PEM text into rustls configurations
//! (the client's trusted roots, the server's certificate chain and key)
//! and turns rustls's errors into one-sentence causes ([`TlsFailure`]).
//!
//! [`connect`] and [`accept`] wrap a connected `TcpStream` and run the
//! handshake; the HTTP client calls `connect` for `https://` URLs
//! (`client/conn.rs`) and the server calls `accept` on every socket when
//! it was given `Server::tls` (`server/mod.rs`). A [`TlsObserver`] sees
//! every step ([`TlsEvent`]): example 52 prints them beside the loop's
//! ticks.
//!
//! tokio-rustls is the same pump for tokio; Python's `ssl` module drives
//! OpenSSL, whose `SSLObject` + `MemoryBIO` is the same sans-IO shape
//! that asyncio's `SSLProtocol` feeds from its callbacks. We write the
//! pump ourselves because it is the part a reader of an event loop needs
//! to see.
//!
//! Chapter: docs/src/34-tls-on-the-loop.md

mod config;
mod stream;

use std::fmt;
use std::io;
use std::sync::Arc;

use aioli::net::TcpStream;

pub use config::{client_config, load_certificates, server_config, TlsFailure};
pub use stream::TlsStream;

/// Which end of a connection a [`TlsEvent`] happened at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The end that connected (and checks the certificate).
    Client,
    /// The end that accepted (and presents the certificate).
    Server,
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Side::Client => "client",
            Side::Server => "server",
        })
    }
}

/// One step of a TLS stream, as a [`TlsObserver`] sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TlsEvent {
    /// The handshake begins (nothing is sent yet).
    HandshakeStarted,
    /// Ciphertext left rustls's buffer for the socket.
    Sent {
        /// How many bytes the socket took.
        bytes: usize,
        /// Sent while the handshake was still under way.
        handshaking: bool,
    },
    /// Ciphertext came from the socket into rustls.
    Received {
        /// How many bytes.
        bytes: usize,
        /// Received while the handshake was still under way.
        handshaking: bool,
    },
    /// The socket had nothing to read: the task waits for "readable".
    WaitingForBytes,
    /// The socket's send buffer was full: the task waits for "writable".
    WaitingForRoom,
    /// Both sides have their keys.
    HandshakeDone {
        /// The TLS version agreed (`"TLSv1_3"`).
        version: String,
        /// The application protocol agreed by ALPN (`"http/1.1"`).
        alpn: Option<String>,
    },
    /// We queued `close_notify`: no more data from us.
    CloseNotifySent,
    /// The peer's `close_notify` arrived: no more data from it.
    CloseNotifyReceived,
}

impl fmt::Display for TlsEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let phase = |handshaking: &bool| if *handshaking { ", handshaking" } else { "" };
        match self {
            TlsEvent::HandshakeStarted => f.write_str("handshake starts"),
            TlsEvent::Sent { bytes, handshaking } => write!(f, "sent {bytes} bytes{}", phase(handshaking)),
            TlsEvent::Received { bytes, handshaking } => {
                write!(f, "received {bytes} bytes{}", phase(handshaking))
            }
            TlsEvent::WaitingForBytes => f.write_str("socket empty: Pending until readable"),
            TlsEvent::WaitingForRoom => f.write_str("socket full: Pending until writable"),
            TlsEvent::HandshakeDone { version, alpn } => {
                write!(f, "handshake done: {version}, ALPN {}", alpn.as_deref().unwrap_or("none"))
            }
            TlsEvent::CloseNotifySent => f.write_str("close_notify queued"),
            TlsEvent::CloseNotifyReceived => f.write_str("close_notify received"),
        }
    }
}

/// A function told every [`TlsEvent`] of the streams it is given to
/// (`ClientBuilder::tls_observer`, `Server::tls_observer`). Cloning
/// shares the function.
#[derive(Clone)]
pub struct TlsObserver(Arc<ObserverFn>);

/// What a [`TlsObserver`] calls. `Send + Sync`, so that a `Server` being
/// configured can still be moved to the thread that runs its loop.
type ObserverFn = dyn Fn(Side, &TlsEvent) + Send + Sync;

impl TlsObserver {
    /// Wraps `f`.
    pub fn new(f: impl Fn(Side, &TlsEvent) + Send + Sync + 'static) -> TlsObserver {
        TlsObserver(Arc::new(f))
    }

    pub(crate) fn notify(&self, side: Side, event: &TlsEvent) {
        (self.0)(side, event)
    }
}

impl fmt::Debug for TlsObserver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TlsObserver(..)")
    }
}

// ANCHOR: connect
/// Starts TLS as a client on `tcp` and runs the handshake: rustls checks
/// that the server's certificate chains to one of `config`'s roots and
/// names `server_name` (a DNS name or an IP address).
///
/// A failed check is an `io::Error` of kind `InvalidData` whose
/// [`TlsFailure::from_io`] names the cause.
pub async fn connect(
    tcp: TcpStream,
    server_name: &str,
    config: Arc<rustls::ClientConfig>,
    observer: Option<TlsObserver>,
) -> io::Result<TlsStream> {
    let name = rustls::pki_types::ServerName::try_from(server_name.to_owned()).map_err(|_| {
        let message = format!("{server_name:?} is neither a DNS name nor an IP address, so no certificate can name it");
        io::Error::new(io::ErrorKind::InvalidInput, message)
    })?;
    let conn = rustls::ClientConnection::new(config, name).map_err(io::Error::other)?;
    let mut stream = TlsStream::new(tcp, conn.into(), observer);
    stream.handshake().await?;
    Ok(stream)
}
// ANCHOR_END: connect

/// Accepts TLS as a server on `tcp` and runs the handshake, presenting
/// `config`'s certificate. Bounded by the caller (the server puts it
/// under its head timeout, so a stalled handshake cannot hold a slot).
pub async fn accept(
    tcp: TcpStream,
    config: Arc<rustls::ServerConfig>,
    observer: Option<TlsObserver>,
) -> io::Result<TlsStream> {
    let conn = rustls::ServerConnection::new(config).map_err(io::Error::other)?;
    let mut stream = TlsStream::new(tcp, conn.into(), observer);
    stream.handshake().await?;
    Ok(stream)
}
