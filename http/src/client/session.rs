//! `Client`: the life of one request, from URL to response head.
//!
//! [`Client::execute`] is the whole story, in the order it happens:
//!
//! 1. the total timeout starts (`timeout_at` around everything below);
//! 2. [`Client::connection`]: ask the pool for an idle connection or a
//!    slot, waiting in line if the limits are reached; for a slot,
//!    resolve the name on the blocking pool and connect (all under the
//!    connect timeout);
//! 3. [`exchange`]: write the head and body, read the response head;
//!    if a *reused* connection turns out dead before any response byte,
//!    retry once on a fresh one (idempotent methods only);
//! 4. store the response's cookies, and for a 3xx with `Location`,
//!    drain its body and go round again with the new URL;
//! 5. hand the head and the connection to a [`Response`], which reads the
//!    body on demand and then returns the connection to the pool.
//!
//! Everything runs inside the caller's task: no task is spawned per
//! request or per connection, so cancelling the caller (dropping the
//! `send` future, a `timeout`, `abort`) drops the connection and its pool
//! slot where they stand. A connection dropped mid-request is closed,
//! never pooled, and its slot goes to the next waiter.
//!
//! aiohttp's `ClientSession._request` has the same steps; its connections
//! are asyncio protocols fed by the loop's callbacks. hyper-util's legacy
//! `Client` spawns a task per connection that owns the socket, and talks
//! to it over a channel; that lets HTTP/2 multiplex, which we do not need.
//!
//! Chapter: docs/src/30-client-request-on-the-loop.md

use std::cell::{Ref, RefCell};
use std::rc::Rc;

use aioli::time::{sleep_until, timeout, timeout_at, Instant};

use super::builder::{ClientBuilder, ClientConfig};
use super::conn::{exchange, Conn, ExchangeError, Exchanged};
use super::cookies::CookieJar;
use super::dns::Resolver;
use super::error::{Error, TimeoutKind};
use super::pool::{Checkout, Pool, PoolLimits, Slot};
use super::request::{basic_credentials, IntoUrl, Request, RequestBuilder};
use super::response::{BodyParts, Response};
use super::url::{Origin, Url};
use crate::proto::body::{response_framing, BodyDecoder, Framing};
use crate::proto::encode::write_request_head;
use crate::{HeaderMap, Method, StatusCode};

/// An HTTP/1.1 client with a keep-alive connection pool (aiohttp's
/// `ClientSession`).
///
/// Cloning is cheap and shares the pool, the DNS cache and the cookie
/// jar. A `Client` belongs to the loop's thread (it is not `Send`), like
/// everything else on an aioli loop. Dropping the last clone closes the
/// idle connections.
///
/// ```no_run
/// # aioli::run(async {
/// use aioli_http::client::Client;
///
/// let client = Client::new();
/// let response = client.get("http://127.0.0.1:8080/get").send().await?;
/// println!("{}", response.status());
/// println!("{}", response.text().await?);
/// # Ok::<(), aioli_http::client::Error>(())
/// # }).unwrap();
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Rc<ClientInner>,
}

struct ClientInner {
    config: ClientConfig,
    /// rustls's client configuration, built once from `config.tls` (or
    /// why it could not be, told to each https request).
    #[cfg(feature = "tls")]
    tls: Result<std::sync::Arc<rustls::ClientConfig>, String>,
    pool: Pool<Conn>,
    resolver: Resolver,
    cookies: RefCell<CookieJar>,
}

impl Drop for ClientInner {
    fn drop(&mut self) {
        self.pool.close_idle();
    }
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("config", &self.inner.config).field("pool", &self.pool_status()).finish()
    }
}

/// A snapshot of the pool, for examples and monitoring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStatus {
    /// Open connections: in use, idle, or being opened.
    pub open: usize,
    /// Of those, idle ones waiting for reuse.
    pub idle: usize,
    /// Requests waiting for a connection.
    pub waiting: usize,
}

impl Default for Client {
    fn default() -> Client {
        Client::new()
    }
}

impl Client {
    /// A client with the default settings (see [`ClientBuilder::new`]).
    pub fn new() -> Client {
        ClientBuilder::new().build()
    }

    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    pub(crate) fn from_config(config: ClientConfig) -> Client {
        let nonzero = |n: usize| (n > 0).then_some(n);
        let pool = Pool::new(PoolLimits {
            total: nonzero(config.limit),
            per_host: nonzero(config.limit_per_host),
            idle_timeout: config.idle_timeout,
        });
        let resolver = Resolver::new(config.dns_ttl);
        #[cfg(feature = "tls")]
        let tls = crate::tls::client_config(&config.tls.extra_roots, config.tls.public_roots)
            .map_err(|error| error.to_string());
        Client {
            inner: Rc::new(ClientInner {
                config,
                pool,
                resolver,
                cookies: RefCell::new(CookieJar::new()),
                #[cfg(feature = "tls")]
                tls,
            }),
        }
    }

    /// A GET request.
    pub fn get(&self, url: impl IntoUrl) -> RequestBuilder {
        self.request(Method::Get, url)
    }

    /// A POST request.
    pub fn post(&self, url: impl IntoUrl) -> RequestBuilder {
        self.request(Method::Post, url)
    }

    /// A PUT request.
    pub fn put(&self, url: impl IntoUrl) -> RequestBuilder {
        self.request(Method::Put, url)
    }

    /// A PATCH request.
    pub fn patch(&self, url: impl IntoUrl) -> RequestBuilder {
        self.request(Method::Patch, url)
    }

    /// A DELETE request.
    pub fn delete(&self, url: impl IntoUrl) -> RequestBuilder {
        self.request(Method::Delete, url)
    }

    /// A HEAD request: the response has headers and never a body.
    pub fn head(&self, url: impl IntoUrl) -> RequestBuilder {
        self.request(Method::Head, url)
    }

    /// A request with any method.
    pub fn request(&self, method: Method, url: impl IntoUrl) -> RequestBuilder {
        RequestBuilder::new(self.clone(), method, url.into_url())
    }

    /// The settings, for `ws_connect` (`client/ws.rs`), which opens its
    /// own connection outside the pool.
    pub(crate) fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// rustls's client configuration, shared with `ws_connect` for `wss://`.
    #[cfg(feature = "tls")]
    pub(crate) fn tls_config(&self) -> Result<std::sync::Arc<rustls::ClientConfig>, crate::tls::TlsFailure> {
        self.inner.tls.clone().map_err(crate::tls::TlsFailure::Other)
    }

    /// The cached resolver, shared with `ws_connect`.
    pub(crate) fn resolver(&self) -> &Resolver {
        &self.inner.resolver
    }

    /// The pool's state right now.
    pub fn pool_status(&self) -> PoolStatus {
        let pool = &self.inner.pool;
        PoolStatus { open: pool.open(), idle: pool.idle(), waiting: pool.waiting() }
    }

    /// The cookies received so far.
    pub fn cookies(&self) -> Ref<'_, CookieJar> {
        self.inner.cookies.borrow()
    }

    /// How many names went to the system resolver (cache misses).
    pub fn dns_lookups(&self) -> u64 {
        self.inner.resolver.lookups()
    }

    /// Closes every idle connection now.
    pub fn close_idle(&self) {
        self.inner.pool.close_idle();
    }

    // ANCHOR: execute
    /// Sends a built request: redirects followed, under the total timeout.
    pub async fn execute(&self, request: Request) -> Result<Response, Error> {
        let limit = request.timeout.or(self.inner.config.timeout);
        let deadline = limit.and_then(|limit| Instant::now().checked_add(limit).map(|at| (at, limit)));
        let host = request.url.origin().to_string();
        let sending = self.follow_redirects(request, deadline);
        match deadline {
            Some((at, limit)) => match timeout_at(at, sending).await {
                Ok(result) => result,
                Err(_) => Err(Error::timeout(&host, TimeoutKind::Total, limit)),
            },
            None => sending.await,
        }
    }
    // ANCHOR_END: execute

    // ANCHOR: redirects
    async fn follow_redirects(
        &self,
        request: Request,
        deadline: Option<(Instant, std::time::Duration)>,
    ) -> Result<Response, Error> {
        let Request { mut method, mut url, mut headers, mut body, .. } = request;
        let max_redirects = self.inner.config.max_redirects;
        let mut redirects = 0;
        loop {
            let response = self.send_once(&method, &url, &headers, body.as_deref(), deadline).await?;
            let status = response.status().as_u16();
            let follow = max_redirects > 0 && matches!(status, 301 | 302 | 303 | 307 | 308);
            let location = match response.headers().get("location") {
                Some(location) if follow => location.to_string(),
                // Not a redirect, following is off, or nowhere to go.
                _ => return Ok(response),
            };
            if redirects == max_redirects {
                let host = url.origin().to_string();
                return Err(Error::TooManyRedirects { host, url: url.to_string(), limit: max_redirects });
            }
            let next = url.join(&location)?;
            // Read the small body of the redirect so its connection can be
            // reused; a large one is cheaper to close.
            response.discard(64 * 1024).await;
            // 303 always, and 301/302 after a POST (what browsers do),
            // turn into a GET without a body; 307 and 308 repeat as sent.
            if status == 303 || (matches!(status, 301 | 302) && method == Method::Post) {
                if method != Method::Head {
                    method = Method::Get;
                }
                body = None;
                headers.remove("content-type");
            }
            // Credentials were meant for the original host only.
            if next.origin() != url.origin() {
                headers.remove("authorization");
            }
            url = next;
            redirects += 1;
        }
    }
    // ANCHOR_END: redirects

    /// One request and its response head, with the one retry on a fresh
    /// connection when a reused one was found dead.
    async fn send_once(
        &self,
        method: &Method,
        url: &Url,
        headers: &HeaderMap,
        body: Option<&[u8]>,
        deadline: Option<(Instant, std::time::Duration)>,
    ) -> Result<Response, Error> {
        let config = &self.inner.config;
        let origin = url.origin();
        let host = origin.to_string();
        let head = self.encode_head(method, url, headers, body)?;
        let body = body.unwrap_or(&[]);
        let mut fresh_only = false;
        // ANCHOR: retry
        loop {
            let (mut conn, slot) = self.connection(&origin, &host, url, fresh_only).await?;
            let reused = conn.requests > 0;
            match exchange(&mut conn, &head, body, config.read_timeout, &host).await {
                Ok(exchanged) => {
                    conn.requests += 1;
                    let asked_to_close = headers.has_token("connection", "close");
                    return self.make_response(method, url, exchanged, asked_to_close, (conn, slot), deadline);
                }
                Err(ExchangeError { error, nothing_received }) => {
                    // The server closed this idle connection before our
                    // request reached it: nothing was done, so an
                    // idempotent request may go again, once, on a new one.
                    let stale = reused && nothing_received && matches!(error, Error::Io { .. });
                    if stale && method.is_idempotent() && !fresh_only {
                        fresh_only = true;
                        continue;
                    }
                    return Err(error);
                }
            }
        }
        // ANCHOR_END: retry
    }

    /// The request head's bytes: request line, the caller's headers over
    /// the defaults, and the ones the client owns.
    fn encode_head(
        &self,
        method: &Method,
        url: &Url,
        headers: &HeaderMap,
        body: Option<&[u8]>,
    ) -> Result<Vec<u8>, Error> {
        let config = &self.inner.config;
        let mut all = HeaderMap::with_capacity(headers.len() + config.default_headers.len() + 4);
        // HTTP/1.1 requires Host (RFC 9112 §3.2); a caller's own wins.
        if !headers.contains("host") {
            all.insert("Host", url.authority());
        }
        for (name, value) in config.default_headers.iter() {
            if !headers.contains(name) {
                all.append(name, value);
            }
        }
        for (name, value) in headers.iter() {
            all.append(name, value);
        }
        if let Some((user, password)) = url.userinfo() {
            if !all.contains("authorization") {
                all.insert("Authorization", basic_credentials(user, Some(password)));
            }
        }
        match body {
            Some(body) => all.insert("Content-Length", body.len().to_string()),
            // A POST with no body still says so, or a server may wait for one.
            None if matches!(method, Method::Post | Method::Put | Method::Patch) => all.insert("Content-Length", "0"),
            None => {
                all.remove("content-length");
            }
        }
        all.remove("transfer-encoding");
        if config.cookie_store {
            if let Some(cookies) = self.inner.cookies.borrow().header_for(url) {
                let value = match headers.get("cookie") {
                    Some(own) => format!("{own}; {cookies}"),
                    None => cookies,
                };
                all.insert("Cookie", value);
            }
        }
        if config.force_close {
            all.insert("Connection", "close");
        }
        let mut out = Vec::with_capacity(256);
        write_request_head(&mut out, method, &url.request_target(), &all)
            .map_err(|error| Error::InvalidRequest { what: error.to_string() })?;
        Ok(out)
    }

    // ANCHOR: connection
    /// An idle connection from the pool, or a new one: waiting for a slot,
    /// resolving and connecting all count against the connect timeout.
    /// With `fresh_only`, idle connections met on the way are closed.
    async fn connection(
        &self,
        origin: &Origin,
        host: &str,
        url: &Url,
        fresh_only: bool,
    ) -> Result<(Conn, Slot<Conn>), Error> {
        if !fresh_only {
            if let Some(reused) = self.inner.pool.take_idle(origin) {
                return Ok(reused);
            }
        }
        let getting = async {
            loop {
                match self.inner.pool.acquire(origin.clone()).await {
                    Checkout::Reused(conn, slot) if !fresh_only => return Ok((conn, slot)),
                    Checkout::Reused(conn, slot) => drop((conn, slot)),
                    Checkout::Fresh(slot) => {
                        let addrs = self
                            .inner
                            .resolver
                            .resolve(url.host(), url.port())
                            .await
                            .map_err(|source| Error::Resolve { host: url.host().to_string(), source })?;
                        let conn = Conn::connect(&addrs)
                            .await
                            .map_err(|source| Error::Connect { host: host.to_string(), source })?;
                        #[cfg(feature = "tls")]
                        let conn = if url.scheme() == "https" { self.start_tls(conn, url, host).await? } else { conn };
                        return Ok((conn, slot));
                    }
                }
            }
        };
        match self.inner.config.connect_timeout {
            Some(limit) => {
                timeout(limit, getting).await.unwrap_or_else(|_| Err(Error::timeout(host, TimeoutKind::Connect, limit)))
            }
            None => getting.await,
        }
    }
    // ANCHOR_END: connection

    /// The TLS handshake of a fresh `https://` connection; its failure is
    /// an [`Error::Tls`] that names the cause.
    #[cfg(feature = "tls")]
    async fn start_tls(&self, conn: Conn, url: &Url, host: &str) -> Result<Conn, Error> {
        let settings = &self.inner.config.tls;
        let fail = |failure| Error::Tls { host: host.to_string(), failure };
        let config = self.inner.tls.clone().map_err(|what| fail(crate::tls::TlsFailure::Other(what)))?;
        conn.start_tls(url.host(), config, settings.observer.clone(), settings.handshake_timeout).await.map_err(fail)
    }

    /// Wraps a response head and its connection into a `Response`.
    fn make_response(
        &self,
        method: &Method,
        url: &Url,
        exchanged: Exchanged,
        asked_to_close: bool,
        (conn, slot): (Conn, Slot<Conn>),
        deadline: Option<(Instant, std::time::Duration)>,
    ) -> Result<Response, Error> {
        let Exchanged { head, request_sent } = exchanged;
        let config = &self.inner.config;
        let host = url.origin().to_string();
        if config.cookie_store {
            let mut jar = self.inner.cookies.borrow_mut();
            for value in head.headers.get_all("set-cookie") {
                jar.store(url, value);
            }
        }
        let framing = response_framing(method, head.status, &head.headers)
            .map_err(|error| Error::protocol(&host, format!("cannot tell where the body ends: {error}")))?;
        let reusable = head.keep_alive()
            && request_sent
            && framing != Framing::UntilClose
            && !config.force_close
            // We said `Connection: close` ourselves (force_close, or the
            // caller's header): the server will close after this answer.
            && !asked_to_close
            // Both framings at once: the server is confused, do not trust
            // this connection with another request.
            && !(head.headers.contains("transfer-encoding") && head.headers.contains("content-length"))
            && head.status != StatusCode::SWITCHING_PROTOCOLS;
        let parts = BodyParts {
            conn,
            slot,
            decoder: BodyDecoder::new(framing),
            reusable,
            host,
            read_timeout: config.read_timeout,
            total: deadline.map(|(at, limit)| (sleep_until(at), limit)),
            max_body_bytes: config.max_body_bytes,
        };
        Ok(Response::new(head, url.clone(), parts))
    }
}
