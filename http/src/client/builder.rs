//! `ClientBuilder`: every knob of a `Client`, with aiohttp's defaults.
//!
//! One builder gathers what aiohttp spreads over `ClientSession`,
//! `TCPConnector` and `ClientTimeout`: the pool's limits (`limit`,
//! `limit_per_host`), the three timeouts (`total`, `connect`,
//! `sock_read`), default headers, redirects, idle expiry
//! (`keepalive_timeout`), `force_close`, the cookie jar, the DNS cache's
//! lifetime (`ttl_dns_cache`), and a cap on buffered bodies (which aiohttp
//! lacks: `await resp.read()` there grows without bound).
//!
//! Chapter: docs/src/33-client-aiohttp-names.md

use std::time::Duration;

use super::Client;
use crate::HeaderMap;

/// What the client sends as `User-Agent` unless told otherwise.
pub const DEFAULT_USER_AGENT: &str = concat!("aioli-http/", env!("CARGO_PKG_VERSION"));

/// The settings a `Client` was built with.
#[derive(Debug, Clone)]
pub(crate) struct ClientConfig {
    /// Open connections in total; 0 = no limit.
    pub limit: usize,
    /// Open connections per (scheme, host, port); 0 = no limit.
    pub limit_per_host: usize,
    /// From `send` to the last body byte.
    pub timeout: Option<Duration>,
    /// Waiting for the pool, resolving and connecting.
    pub connect_timeout: Option<Duration>,
    /// Each read from the socket.
    pub read_timeout: Option<Duration>,
    /// Sent with every request unless the request sets the same name.
    pub default_headers: HeaderMap,
    /// Redirects followed per request; 0 turns following off.
    pub max_redirects: usize,
    /// How long an idle connection is kept for reuse.
    pub idle_timeout: Duration,
    /// Close every connection after its response (no reuse).
    pub force_close: bool,
    /// Keep cookies from responses and send them back.
    pub cookie_store: bool,
    /// The cap for `bytes`, `text`, `json` and a line of `lines`.
    pub max_body_bytes: usize,
    /// How long a DNS answer is reused.
    pub dns_ttl: Duration,
    /// What `https://` connections trust, and how long a handshake may take.
    #[cfg(feature = "tls")]
    pub tls: TlsSettings,
}

/// The client's TLS settings (feature `tls`).
#[cfg(feature = "tls")]
#[derive(Debug, Clone)]
pub(crate) struct TlsSettings {
    /// Roots trusted besides (or instead of) the public ones.
    pub extra_roots: Vec<rustls::pki_types::CertificateDer<'static>>,
    /// Trust `webpki-roots`' public authorities.
    pub public_roots: bool,
    /// Longest a TLS handshake may take (it also counts against the
    /// connect timeout).
    pub handshake_timeout: Duration,
    /// Told every step of every TLS connection.
    pub observer: Option<crate::tls::TlsObserver>,
}

impl Default for ClientConfig {
    fn default() -> ClientConfig {
        let mut default_headers = HeaderMap::new();
        default_headers.insert("User-Agent", DEFAULT_USER_AGENT);
        default_headers.insert("Accept", "*/*");
        ClientConfig {
            limit: 100,
            limit_per_host: 0,
            // aiohttp's ClientTimeout(): 5 minutes in total, sock_connect 30 s.
            timeout: Some(Duration::from_secs(300)),
            connect_timeout: Some(Duration::from_secs(30)),
            read_timeout: None,
            default_headers,
            max_redirects: 10,
            idle_timeout: Duration::from_secs(15),
            force_close: false,
            cookie_store: true,
            max_body_bytes: 16 * 1024 * 1024,
            dns_ttl: Duration::from_secs(10),
            #[cfg(feature = "tls")]
            tls: TlsSettings {
                extra_roots: Vec::new(),
                public_roots: true,
                handshake_timeout: Duration::from_secs(10),
                observer: None,
            },
        }
    }
}

/// Configures and builds a [`Client`].
///
/// ```
/// use std::time::Duration;
/// use aioli_http::client::Client;
///
/// let client = Client::builder()
///     .limit(10)
///     .limit_per_host(2)
///     .timeout(Duration::from_secs(5))
///     .connect_timeout(Duration::from_secs(1))
///     .read_timeout(Duration::from_millis(500))
///     .user_agent("demo/1.0")
///     .build();
/// # drop(client);
/// ```
#[derive(Debug, Default)]
#[must_use = "call .build() to get the Client"]
pub struct ClientBuilder {
    config: ClientConfig,
}

impl ClientBuilder {
    /// A builder with the defaults: 100 connections, no per-host limit,
    /// 300 s total and 30 s connect timeouts, no read timeout, 10
    /// redirects, 15 s idle expiry, cookies on, 16 MiB buffered bodies.
    pub fn new() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// Open connections in total (aiohttp's `limit`); 0 means no limit.
    pub fn limit(mut self, connections: usize) -> ClientBuilder {
        self.config.limit = connections;
        self
    }

    /// Open connections per scheme, host and port (aiohttp's
    /// `limit_per_host`); 0 means no limit, the default.
    pub fn limit_per_host(mut self, connections: usize) -> ClientBuilder {
        self.config.limit_per_host = connections;
        self
    }

    /// The total timeout, from `send` to the last byte of the body
    /// (aiohttp's `ClientTimeout(total=...)`).
    pub fn timeout(mut self, limit: Duration) -> ClientBuilder {
        self.config.timeout = Some(limit);
        self
    }

    /// No total timeout at all.
    pub fn no_timeout(mut self) -> ClientBuilder {
        self.config.timeout = None;
        self
    }

    /// The time to get a connection: waiting for a pool slot, resolving
    /// the name and connecting (aiohttp's `connect`).
    pub fn connect_timeout(mut self, limit: Duration) -> ClientBuilder {
        self.config.connect_timeout = Some(limit);
        self
    }

    /// The longest wait for the next bytes from the server, while waiting
    /// for the head and for each piece of the body (aiohttp's `sock_read`).
    pub fn read_timeout(mut self, limit: Duration) -> ClientBuilder {
        self.config.read_timeout = Some(limit);
        self
    }

    /// A header sent with every request (a request's own header of the
    /// same name wins).
    pub fn default_header(mut self, name: &str, value: &str) -> ClientBuilder {
        self.config.default_headers.insert(name, value);
        self
    }

    /// The `User-Agent` of every request (default `aioli-http/VERSION`).
    pub fn user_agent(self, value: &str) -> ClientBuilder {
        self.default_header("User-Agent", value)
    }

    /// How many redirects to follow (default 10); 0 returns 3xx responses
    /// as they are.
    pub fn max_redirects(mut self, redirects: usize) -> ClientBuilder {
        self.config.max_redirects = redirects;
        self
    }

    /// How long an idle keep-alive connection is kept (aiohttp's
    /// `keepalive_timeout`, default 15 s).
    pub fn idle_timeout(mut self, limit: Duration) -> ClientBuilder {
        self.config.idle_timeout = limit;
        self
    }

    /// Close each connection after its response (aiohttp's `force_close`):
    /// every request opens a new one, and sends `Connection: close`.
    pub fn force_close(mut self, on: bool) -> ClientBuilder {
        self.config.force_close = on;
        self
    }

    /// Keep and send cookies (default on); off, `Set-Cookie` is ignored
    /// (aiohttp's `DummyCookieJar`).
    pub fn cookie_store(mut self, on: bool) -> ClientBuilder {
        self.config.cookie_store = on;
        self
    }

    /// The largest body `bytes`, `text` and `json` will buffer (default
    /// 16 MiB); stream bigger ones with `chunk`.
    pub fn max_body_bytes(mut self, bytes: usize) -> ClientBuilder {
        self.config.max_body_bytes = bytes;
        self
    }

    /// How long a resolved name is reused (aiohttp's `ttl_dns_cache`,
    /// default 10 s); zero turns the cache off.
    pub fn dns_ttl(mut self, ttl: Duration) -> ClientBuilder {
        self.config.dns_ttl = ttl;
        self
    }

    /// Trusts the certificate authorities in `pem` (one or more
    /// `-----BEGIN CERTIFICATE-----` blocks) for `https://`, besides the
    /// public ones of `webpki-roots` (see [`tls_public_roots`](Self::tls_public_roots)).
    /// An error names what is wrong with the PEM.
    ///
    /// ```
    /// use aioli_http::client::Client;
    ///
    /// let error = Client::builder().add_root_certificate(b"not a certificate").unwrap_err();
    /// assert!(error.to_string().contains("holds no PEM certificate"));
    /// ```
    #[cfg(feature = "tls")]
    pub fn add_root_certificate(mut self, pem: &[u8]) -> std::io::Result<ClientBuilder> {
        let what = "the PEM given to ClientBuilder::add_root_certificate";
        let roots = crate::tls::load_certificates(pem, what)?;
        // Check each one now, where the caller can still be told.
        let mut check = rustls::RootCertStore::empty();
        for root in &roots {
            check.add(root.clone()).map_err(|error| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    format!("{what} is not a usable CA certificate: {error}"),
                )
            })?;
        }
        self.config.tls.extra_roots.extend(roots);
        Ok(self)
    }

    /// Whether to trust the public certificate authorities of
    /// `webpki-roots` (default true). `false` trusts only the roots given
    /// to [`add_root_certificate`](Self::add_root_certificate): a client
    /// for one private service that should accept nothing else.
    #[cfg(feature = "tls")]
    pub fn tls_public_roots(mut self, on: bool) -> ClientBuilder {
        self.config.tls.public_roots = on;
        self
    }

    /// The longest a TLS handshake may take (default 10 s); past it the
    /// request fails with a [`TlsFailure::TimedOut`](crate::tls::TlsFailure::TimedOut).
    #[cfg(feature = "tls")]
    pub fn tls_handshake_timeout(mut self, limit: Duration) -> ClientBuilder {
        self.config.tls.handshake_timeout = limit;
        self
    }

    /// Calls `observer` with every step of every TLS connection (example
    /// 52 prints them beside the loop's ticks).
    #[cfg(feature = "tls")]
    pub fn tls_observer(mut self, observer: crate::tls::TlsObserver) -> ClientBuilder {
        self.config.tls.observer = Some(observer);
        self
    }

    /// The client.
    pub fn build(self) -> Client {
        Client::from_config(self.config)
    }
}
