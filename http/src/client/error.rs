//! The client's one error type: what failed, where, and why.
//!
//! A request can fail at each step of its life, and the step says what a
//! caller should do: a bad URL is a bug to fix, a refused connection a
//! server to start, a timeout something to retry or wait longer for, a
//! protocol violation a server to distrust. So [`Error`] is an enum with a
//! variant per step, each carrying the host it was talking to, and its
//! message is one sentence naming both the host and the cause.
//!
//! aiohttp raises a hierarchy of exceptions (`ClientConnectorError`,
//! `ServerTimeoutError`, `ClientPayloadError`, `TooManyRedirects`,
//! `ClientResponseError`, ...), caught by base class; reqwest has one
//! opaque `Error` with `is_timeout()`-style questions. A Rust enum gives
//! both: `match` on the variant, or ask [`Error::is_timeout`].
//!
//! Chapter: docs/src/32-client-timeouts.md

use std::fmt;
use std::io;
use std::time::Duration;

use super::url::UrlError;

/// Which of the client's timeouts ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutKind {
    /// Getting a connection: waiting for the pool, resolving, connecting
    /// (`ClientBuilder::connect_timeout`, aiohttp's `connect`).
    Connect,
    /// One read from the socket brought nothing for this long
    /// (`ClientBuilder::read_timeout`, aiohttp's `sock_read`).
    Read,
    /// The whole request, from `send` to the last body byte
    /// (`ClientBuilder::timeout`, aiohttp's `total`).
    Total,
}

impl fmt::Display for TimeoutKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeoutKind::Connect => "connect",
            TimeoutKind::Read => "read",
            TimeoutKind::Total => "total",
        })
    }
}

/// Why a request failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The URL could not be parsed (or uses `https://` without the `tls` feature).
    InvalidUrl(UrlError),
    /// The request itself was malformed (a header name with a space, ...).
    InvalidRequest {
        /// What was wrong, in words.
        what: String,
    },
    /// The host name could not be resolved.
    Resolve {
        /// The name.
        host: String,
        /// The resolver's error.
        source: io::Error,
    },
    /// No connection could be made (refused, unreachable).
    Connect {
        /// `host:port`.
        host: String,
        /// The OS error; `kind()` is `ConnectionRefused` for a refusal.
        source: io::Error,
    },
    /// One of the timeouts ran out.
    Timeout {
        /// `host:port`.
        host: String,
        /// Which one.
        kind: TimeoutKind,
        /// Its length.
        after: Duration,
    },
    /// The server broke HTTP/1.1: a malformed head, bad chunk framing,
    /// a body cut short.
    Protocol {
        /// `host:port`.
        host: String,
        /// What it did, in words.
        what: String,
    },
    /// The connection failed mid-request (reset, broken pipe).
    Io {
        /// `host:port`.
        host: String,
        /// What the client was doing.
        during: &'static str,
        /// The OS error.
        source: io::Error,
    },
    /// More redirects than `ClientBuilder::max_redirects` allows.
    TooManyRedirects {
        /// `host:port` of the last response.
        host: String,
        /// The URL that answered with one redirect too many.
        url: String,
        /// The limit.
        limit: usize,
    },
    /// A body longer than the buffering limit (`text`, `bytes`, `json`).
    BodyTooLarge {
        /// `host:port`.
        host: String,
        /// The limit in bytes.
        limit: usize,
    },
    /// `error_for_status` on a 4xx or 5xx response.
    Status {
        /// `host:port`.
        host: String,
        /// The status code.
        status: u16,
        /// Its reason phrase.
        reason: String,
        /// The URL that answered.
        url: String,
    },
    /// The body was not what the caller asked it to be (UTF-8, JSON).
    Decode {
        /// `host:port`.
        host: String,
        /// What went wrong.
        what: String,
    },
    /// The TLS handshake of an `https://` request failed: the server's
    /// certificate was refused, the peer sent an alert, or it timed out.
    #[cfg(feature = "tls")]
    Tls {
        /// `host:port`.
        host: String,
        /// Why, in terms a person can act on.
        failure: crate::tls::TlsFailure,
    },
}

impl Error {
    /// Whether any timeout ran out (the TLS handshake's included).
    pub fn is_timeout(&self) -> bool {
        #[cfg(feature = "tls")]
        if let Error::Tls { failure: crate::tls::TlsFailure::TimedOut(_), .. } = self {
            return true;
        }
        matches!(self, Error::Timeout { .. })
    }

    /// Why the TLS handshake failed, for an [`Error::Tls`].
    #[cfg(feature = "tls")]
    pub fn tls_failure(&self) -> Option<&crate::tls::TlsFailure> {
        match self {
            Error::Tls { failure, .. } => Some(failure),
            _ => None,
        }
    }

    /// Which timeout ran out, if one did.
    pub fn timeout_kind(&self) -> Option<TimeoutKind> {
        match self {
            Error::Timeout { kind, .. } => Some(*kind),
            _ => None,
        }
    }

    /// Whether the connection could not be made (or the name resolved).
    pub fn is_connect(&self) -> bool {
        matches!(self, Error::Connect { .. } | Error::Resolve { .. })
    }

    /// The status code, for an [`Error::Status`].
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The host the request was talking to, if it got that far.
    pub fn host(&self) -> Option<&str> {
        match self {
            Error::InvalidUrl(_) | Error::InvalidRequest { .. } => None,
            Error::Resolve { host, .. }
            | Error::Connect { host, .. }
            | Error::Timeout { host, .. }
            | Error::Protocol { host, .. }
            | Error::Io { host, .. }
            | Error::TooManyRedirects { host, .. }
            | Error::BodyTooLarge { host, .. }
            | Error::Status { host, .. }
            | Error::Decode { host, .. } => Some(host),
            #[cfg(feature = "tls")]
            Error::Tls { host, .. } => Some(host),
        }
    }

    pub(crate) fn protocol(host: &str, what: impl Into<String>) -> Error {
        Error::Protocol { host: host.to_string(), what: what.into() }
    }

    pub(crate) fn timeout(host: &str, kind: TimeoutKind, after: Duration) -> Error {
        Error::Timeout { host: host.to_string(), kind, after }
    }

    pub(crate) fn io(host: &str, during: &'static str, source: io::Error) -> Error {
        Error::Io { host: host.to_string(), during, source }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidUrl(error) => write!(f, "{error}"),
            Error::InvalidRequest { what } => write!(f, "invalid request: {what}"),
            Error::Resolve { host, source } => {
                write!(f, "could not resolve the host name {host:?}: {source}")
            }
            Error::Connect { host, source } => {
                // The OS error's kind says it plainly ("connection refused");
                // its message would repeat the address we already name.
                let hint = match source.kind() {
                    io::ErrorKind::ConnectionRefused => " (is a server listening there?)",
                    _ => "",
                };
                write!(f, "could not connect to {host}: {}{hint}", source.kind())
            }
            Error::Timeout { host, kind, after } => {
                let what = match kind {
                    TimeoutKind::Connect => "getting a connection",
                    TimeoutKind::Read => "waiting for the next bytes of the response",
                    TimeoutKind::Total => "the whole request",
                };
                write!(f, "{host}: {what} took longer than the {kind} timeout of {after:?}")
            }
            Error::Protocol { host, what } => write!(f, "{host} broke the HTTP/1.1 protocol: {what}"),
            Error::Io { host, during, source } => write!(f, "the connection to {host} failed while {during}: {source}"),
            Error::TooManyRedirects { host, url, limit } => write!(
                f,
                "{host}: {url} redirected once more after {limit} redirects \
                 (limit: ClientBuilder::max_redirects)"
            ),
            Error::BodyTooLarge { host, limit } => write!(
                f,
                "{host}: the response body is larger than {limit} bytes \
                 (limit: ClientBuilder::max_body_bytes; read it with chunk() to stream it instead)"
            ),
            Error::Status { host, status, reason, url } => {
                write!(f, "{host}: {url} answered {status} {reason}")
            }
            Error::Decode { host, what } => write!(f, "{host}: the response body could not be decoded: {what}"),
            #[cfg(feature = "tls")]
            Error::Tls { host, failure } => write!(f, "TLS with {host} failed: {failure}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::InvalidUrl(error) => Some(error),
            Error::Resolve { source, .. } | Error::Connect { source, .. } | Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl From<UrlError> for Error {
    fn from(error: UrlError) -> Error {
        Error::InvalidUrl(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_host_and_the_cause() {
        let refused = Error::Connect {
            host: "127.0.0.1:9".into(),
            source: io::Error::new(io::ErrorKind::ConnectionRefused, "connection refused"),
        };
        let text = refused.to_string();
        assert!(text.contains("127.0.0.1:9") && text.contains("refused"), "{text}");
        assert!(refused.is_connect() && !refused.is_timeout());

        let timeout = Error::timeout("h:80", TimeoutKind::Read, Duration::from_millis(50));
        assert_eq!(timeout.timeout_kind(), Some(TimeoutKind::Read));
        assert!(timeout.to_string().contains("read timeout of 50ms"), "{timeout}");
        assert_eq!(timeout.host(), Some("h:80"));

        let protocol = Error::protocol("h:80", "the body ended after 3 of 10 bytes");
        assert!(protocol.to_string().contains("h:80") && protocol.to_string().contains("3 of 10"));
    }
}
