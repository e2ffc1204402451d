//! The server: a listening socket, an accept loop, a task per connection,
//! limits, and graceful shutdown.
//!
//! `Server::bind(addr)` is a builder holding the address and a
//! [`ServerConfig`] (every limit has a setter and a default). `start(app)`
//! binds and spawns the **accept loop** as a task on the current aioli
//! loop and returns a [`ServerHandle`] at once, so the caller can talk to
//! the server from the same `aioli::run` and later stop it. `serve(app)`
//! is the one-liner for programs: start, print the address, wait for
//! Ctrl-C, shut down.
//!
//! The accept loop takes a **connection slot** (a `Semaphore` permit)
//! before each `accept`: at the connection cap it simply stops accepting,
//! and new clients wait in the kernel's backlog instead of being dropped,
//! which is backpressure rather than refusal. Each accepted socket gets a
//! task running `connection::serve_connection`.
//!
//! **Shutdown** (`ServerHandle::shutdown(deadline)`) raises the `stopping`
//! event: the accept loop ends and closes the listener. Each connection
//! has a stop event of its own, raised too: idle keep-alive connections
//! wait on it and close; busy ones finish their request and close after
//! answering it. (One event per connection rather than one shared by all:
//! a waiter leaves an event's queue in O(waiters), and every request ends
//! such a wait, so a shared one would cost O(open connections) per request.) After `deadline` the ones still
//! open are aborted (their tasks are cancelled, which closes the socket).
//!
//! **TLS** (`Server::tls`, feature `tls`): each accepted socket's task
//! first runs the TLS handshake (`tls::accept`), bounded by the head
//! timeout, then serves the connection over the TLS stream exactly as it
//! would over plain TCP. A handshake that fails (plain HTTP sent to the
//! TLS port, a client that distrusts our certificate) or stalls ends that
//! task only, and frees its slot.
//!
//! Compared with hyper + tokio: hyper leaves accept loops, connection caps
//! and graceful shutdown to the caller (hyper-util's `GracefulShutdown`);
//! aiohttp's `AppRunner`/`TCPSite` do all of it, as this module does, on
//! one thread.
//!
//! Chapter: docs/src/24-server-limits.md

mod connection;
pub(crate) mod io;
pub(crate) mod upgrade;
mod write;

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::io as stdio;
use std::net::{SocketAddr, ToSocketAddrs};
use std::rc::Rc;
use std::time::Duration;

use aioli::net::{TcpListener, TcpStream};
use aioli::sync::{Event, Semaphore};
use aioli::{select, Either, JoinHandle};

use crate::proto::request_head::HeadLimits;
use crate::transport::Transport;
use crate::App;

/// Every limit and timeout of the server, with defaults that protect it.
///
/// Set them through [`Server`]'s methods of the same names.
#[derive(Debug, Clone, PartialEq, Eq)]
// ANCHOR: server_config
pub struct ServerConfig {
    /// Largest request head, request line to blank line (431). 64 KiB.
    pub max_head_bytes: usize,
    /// Most header fields in a request (431). 100.
    pub max_headers: usize,
    /// Longest request target (414). 8 KiB.
    pub max_target_bytes: usize,
    /// Largest body `Request::bytes`/`text`/`json`/`form` will buffer
    /// (413). 2 MiB. Streaming reads (`chunk`) are not limited.
    pub max_body_bytes: usize,
    /// Largest unread body the server reads and discards to keep the
    /// connection; a larger one closes it. 256 KiB.
    pub max_drain_bytes: usize,
    /// Time for a request head to arrive once it has started, and for a
    /// new connection's first request (408). 10 s.
    pub head_timeout: Duration,
    /// Longest wait for the next piece of a body (408). 30 s.
    pub body_timeout: Duration,
    /// How long an idle keep-alive connection is kept. 15 s.
    pub keep_alive_timeout: Duration,
    /// Longest a client may leave our writes unread. 30 s.
    pub write_timeout: Duration,
    /// Most connections open at once; beyond it accepting pauses. 1024.
    pub max_connections: usize,
    /// The `Server` header's value (`""`: none). `aioli-http`.
    pub server_name: String,
    /// How long `serve` lets in-flight requests finish after Ctrl-C. 10 s.
    pub shutdown_timeout: Duration,
}
// ANCHOR_END: server_config

// ANCHOR: server_defaults
impl Default for ServerConfig {
    fn default() -> ServerConfig {
        let head = HeadLimits::default();
        ServerConfig {
            max_head_bytes: head.max_head_bytes,
            max_headers: head.max_headers,
            max_target_bytes: head.max_target_bytes,
            max_body_bytes: 2 * 1024 * 1024,
            max_drain_bytes: 256 * 1024,
            head_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            keep_alive_timeout: Duration::from_secs(15),
            write_timeout: Duration::from_secs(30),
            max_connections: 1024,
            server_name: "aioli-http".to_owned(),
            shutdown_timeout: Duration::from_secs(10),
        }
    }
}
// ANCHOR_END: server_defaults

impl ServerConfig {
    pub(crate) fn head_limits(&self) -> HeadLimits {
        HeadLimits {
            max_head_bytes: self.max_head_bytes,
            max_headers: self.max_headers,
            max_target_bytes: self.max_target_bytes,
        }
    }
}

/// A server being configured: `Server::bind(addr)`, limits, then
/// [`start`](Self::start) or [`serve`](Self::serve).
///
/// ```
/// use std::io::{Read, Write};
/// use std::time::Duration;
/// use aioli_http::{App, Server};
///
/// aioli::run(async {
///     let app = App::new().get("/", |_req| async { "hello\n" });
///     let server = Server::bind("127.0.0.1:0").keep_alive_timeout(Duration::from_secs(5)).start(app).await?;
///     let addr = server.local_addr();
///
///     // A blocking client on another thread, so the loop keeps serving.
///     let reply = aioli::spawn_blocking(move || {
///         let mut socket = std::net::TcpStream::connect(addr)?;
///         socket.write_all(b"GET / HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")?;
///         let mut reply = String::new();
///         socket.read_to_string(&mut reply)?;
///         Ok::<_, std::io::Error>(reply)
///     }).await.expect("the client thread finished")?;
///     assert!(reply.starts_with("HTTP/1.1 200 OK\r\n"));
///     assert!(reply.ends_with("\r\n\r\nhello\n"));
///
///     server.shutdown(Duration::from_secs(1)).await;
///     Ok::<_, std::io::Error>(())
/// }).unwrap();
/// ```
#[derive(Debug)]
pub struct Server {
    /// Resolved now, so `bind` needs no loop; a resolution error waits
    /// for `start` to be reported.
    addrs: stdio::Result<Vec<SocketAddr>>,
    config: ServerConfig,
    /// Set by [`Server::tls`]: the rustls configuration, or the reason
    /// the PEM given was refused (reported by `start`).
    #[cfg(feature = "tls")]
    tls: Option<stdio::Result<std::sync::Arc<rustls::ServerConfig>>>,
    /// Told every step of every TLS connection (example 52 prints them).
    #[cfg(feature = "tls")]
    tls_observer: Option<crate::tls::TlsObserver>,
}

macro_rules! setters {
    ($($(#[$doc:meta])* $name:ident: $ty:ty;)*) => {
        $(
            $(#[$doc])*
            pub fn $name(mut self, value: $ty) -> Server {
                self.config.$name = value;
                self
            }
        )*
    };
}

impl Server {
    /// A server that will listen on `addr` (`"127.0.0.1:8080"`; port 0
    /// picks a free port), with the default [`ServerConfig`].
    pub fn bind(addr: impl ToSocketAddrs) -> Server {
        let addrs = addr.to_socket_addrs().map(Iterator::collect);
        Server {
            addrs,
            config: ServerConfig::default(),
            #[cfg(feature = "tls")]
            tls: None,
            #[cfg(feature = "tls")]
            tls_observer: None,
        }
    }

    /// Serves https: every connection starts with a TLS handshake that
    /// presents `cert_chain_pem` (the server's certificate first, then
    /// any intermediates) and proves it holds `key_pem`. PEM that cannot
    /// be used is reported by [`start`](Self::start).
    ///
    /// The handshake counts against [`head_timeout`](Self::head_timeout).
    #[cfg(feature = "tls")]
    pub fn tls(mut self, cert_chain_pem: &[u8], key_pem: &[u8]) -> Server {
        self.tls = Some(crate::tls::server_config(cert_chain_pem, key_pem));
        self
    }

    /// Calls `observer` with every step of every TLS connection.
    #[cfg(feature = "tls")]
    pub fn tls_observer(mut self, observer: crate::tls::TlsObserver) -> Server {
        self.tls_observer = Some(observer);
        self
    }

    /// Replaces the whole configuration.
    pub fn config(mut self, config: ServerConfig) -> Server {
        self.config = config;
        self
    }

    setters! {
        /// Largest request head (431).
        max_head_bytes: usize;
        /// Most header fields (431).
        max_headers: usize;
        /// Longest request target (414).
        max_target_bytes: usize;
        /// Largest buffered body (413).
        max_body_bytes: usize;
        /// Largest unread body drained to keep a connection.
        max_drain_bytes: usize;
        /// Time allowed for a request head (408).
        head_timeout: Duration;
        /// Longest wait for body bytes (408).
        body_timeout: Duration;
        /// Idle keep-alive time.
        keep_alive_timeout: Duration;
        /// Longest a client may leave our writes unread.
        write_timeout: Duration;
        /// Most open connections (accept pauses at the cap).
        max_connections: usize;
        /// The `Server` header (`""` for none).
        server_name: String;
        /// Grace period `serve` gives in-flight requests on Ctrl-C.
        shutdown_timeout: Duration;
    }

    /// Binds, starts the accept loop as a task on the current loop, and
    /// returns a handle to find the address and to shut down.
    ///
    /// # Panics
    ///
    /// Outside an aioli loop.
    pub async fn start(self, app: App) -> stdio::Result<ServerHandle> {
        let addrs = self.addrs?;
        #[cfg(feature = "tls")]
        let tls = match self.tls {
            Some(config) => Some((config?, self.tls_observer)),
            None => None,
        };
        let listener = TcpListener::bind(&addrs[..]).await?;
        let local_addr = listener.local_addr()?;
        let shared = Rc::new(ServerShared {
            slots: Semaphore::new(self.config.max_connections.max(1)),
            config: self.config,
            app,
            stopping: Event::new(),
            all_closed: Event::new(),
            open: Cell::new(0),
            connections: RefCell::new(HashMap::new()),
            next_id: Cell::new(0),
            #[cfg(feature = "tls")]
            tls,
        });
        let accept = aioli::task::Builder::new().name("http-accept").spawn(accept_loop(listener, shared.clone()));
        Ok(ServerHandle { shared, local_addr, accept: Some(accept) })
    }

    /// Serves `app` until Ctrl-C, then shuts down gracefully (see
    /// [`ServerHandle::shutdown`]), printing where it listens.
    pub async fn serve(self, app: App) -> stdio::Result<()> {
        let grace = self.config.shutdown_timeout;
        let handle = self.start(app).await?;
        let scheme = if handle.is_tls() { "https" } else { "http" };
        println!("aioli-http: serving on {scheme}://{} (press Ctrl-C to stop)", handle.local_addr());
        aioli::signal::ctrl_c().await?;
        println!("aioli-http: Ctrl-C received, finishing requests in flight (up to {grace:?})");
        handle.shutdown(grace).await;
        Ok(())
    }
}

/// Serves `app` on `addr` until Ctrl-C: `Server::bind(addr).serve(app)`.
///
/// ```no_run
/// use aioli_http::{App, Request};
///
/// async fn hello(_req: Request) -> &'static str {
///     "hello, world\n"
/// }
///
/// aioli::run(async {
///     aioli_http::serve(App::new().get("/", hello), "127.0.0.1:8080").await
/// }).unwrap();
/// ```
pub async fn serve(app: App, addr: impl ToSocketAddrs) -> stdio::Result<()> {
    Server::bind(addr).serve(app).await
}

/// What the accept loop and every connection task share.
pub(crate) struct ServerShared {
    pub(crate) config: ServerConfig,
    pub(crate) app: App,
    /// Raised by `shutdown`: stop accepting, close idle connections.
    pub(crate) stopping: Event,
    /// Raised when `stopping` and the last connection has closed.
    all_closed: Event,
    /// Connections open now.
    open: Cell<usize>,
    /// The open connections: their stop events, and their tasks, to
    /// abort the stragglers at the deadline.
    connections: RefCell<HashMap<u64, Connection>>,
    next_id: Cell<u64>,
    /// One permit per connection that may still open.
    slots: Semaphore,
    /// With `Server::tls`: the configuration every handshake uses.
    #[cfg(feature = "tls")]
    tls: Option<(std::sync::Arc<rustls::ServerConfig>, Option<crate::tls::TlsObserver>)>,
}

/// An open connection, as the server keeps track of it.
struct Connection {
    /// Raised at shutdown; the connection waits on it while idle.
    stop: Rc<Event>,
    task: JoinHandle<()>,
}

/// Decrements the count and frees the slot when a connection task ends,
/// whether it returned or was aborted (this runs in both cases).
struct ConnectionGuard {
    shared: Rc<ServerShared>,
    id: u64,
}

impl Drop for ConnectionGuard {
    fn drop(&mut self) {
        let shared = &self.shared;
        shared.connections.borrow_mut().remove(&self.id);
        shared.open.set(shared.open.get() - 1);
        shared.slots.add_permits(1);
        if shared.open.get() == 0 && shared.stopping.is_set() {
            shared.all_closed.set();
        }
    }
}

// ANCHOR: accept_loop
async fn accept_loop(listener: TcpListener, shared: Rc<ServerShared>) {
    loop {
        // Backpressure: at the cap, wait here (not in accept) for a slot.
        match select(shared.slots.acquire(), shared.stopping.wait()).await {
            Either::Left(permit) => permit.forget(), // given back by ConnectionGuard
            Either::Right(()) => break,
        }
        let (stream, peer) = match select(listener.accept(), shared.stopping.wait()).await {
            Either::Left(Ok(accepted)) => accepted,
            Either::Left(Err(error)) => {
                shared.slots.add_permits(1);
                // Out of file descriptors (EMFILE) and friends: accepting
                // again at once would fail again at once, in a hot loop.
                eprintln!("aioli-http: accept failed: {error}; retrying in 100 ms");
                aioli::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
            Either::Right(()) => {
                shared.slots.add_permits(1);
                break;
            }
        };
        let id = shared.next_id.get();
        shared.next_id.set(id + 1);
        shared.open.set(shared.open.get() + 1);
        let guard = ConnectionGuard { shared: shared.clone(), id };
        let conn_shared = shared.clone();
        let stop = Rc::new(Event::new());
        let conn_stop = stop.clone();
        // Named, so `task::dump()` and traces say which peer a task serves.
        let task = aioli::task::Builder::new().name(format!("http {peer}")).spawn(async move {
            let _guard = guard;
            let Some(transport) = start_transport(stream, peer, &conn_shared).await else {
                return;
            };
            connection::serve_connection(transport, peer, conn_shared, conn_stop).await;
        });
        shared.connections.borrow_mut().insert(id, Connection { stop, task });
    }
    // The listener is dropped here: new connections are refused from now.
}
// ANCHOR_END: accept_loop

// ANCHOR: start_transport
/// Plain TCP as it is; with TLS, the handshake first, under the head
/// timeout. `None`: the handshake failed or stalled, and the connection
/// is closed (dropped) with nothing more said.
async fn start_transport(stream: TcpStream, peer: SocketAddr, shared: &ServerShared) -> Option<Transport> {
    // Responses are written whole, and a handshake's flights must not
    // wait for an ACK: Nagle's delay would only hold them back.
    let _ = stream.set_nodelay(true);
    #[cfg(feature = "tls")]
    if let Some((config, observer)) = &shared.tls {
        let handshake = crate::tls::accept(stream, config.clone(), observer.clone());
        return match aioli::time::timeout(shared.config.head_timeout, handshake).await {
            Ok(Ok(tls)) => Some(Transport::Tls(Box::new(tls))),
            Ok(Err(error)) => {
                let cause = crate::tls::TlsFailure::from_io(&error, &peer.to_string())
                    .map_or_else(|| error.to_string(), |failure| failure.to_string());
                eprintln!("aioli-http: TLS handshake with {peer} failed: {cause}; connection closed");
                None
            }
            Err(_elapsed) => {
                eprintln!(
                    "aioli-http: TLS handshake with {peer} did not finish within {:?} \
                     (limit: ServerConfig::head_timeout); connection closed",
                    shared.config.head_timeout
                );
                None
            }
        };
    }
    let _ = (peer, shared);
    Some(Transport::Plain(stream))
}
// ANCHOR_END: start_transport

/// A running server: its address, and the way to stop it.
///
/// Dropping the handle without calling [`shutdown`](Self::shutdown) leaves
/// the server running, like dropping a `JoinHandle` leaves its task
/// running; it stops with the loop (`aioli::run` cancels the remaining
/// tasks when its main future returns).
#[derive(Debug)]
pub struct ServerHandle {
    shared: Rc<ServerShared>,
    local_addr: SocketAddr,
    accept: Option<JoinHandle<()>>,
}

impl ServerHandle {
    /// The address the server listens on (with the real port if bound to 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Whether the server speaks TLS (`Server::tls`).
    pub fn is_tls(&self) -> bool {
        #[cfg(feature = "tls")]
        return self.shared.tls.is_some();
        #[cfg(not(feature = "tls"))]
        false
    }

    /// Connections open right now.
    pub fn open_connections(&self) -> usize {
        self.shared.open.get()
    }

    /// Stops the server: no new connections; idle keep-alive connections
    /// close; requests in flight finish and their connections close. Any
    /// connection still open after `deadline` is aborted. Returns how many
    /// were aborted (0 for a fully graceful shutdown).
    // ANCHOR: shutdown
    pub async fn shutdown(mut self, deadline: Duration) -> usize {
        let shared = self.shared.clone();
        shared.stopping.set();
        if let Some(accept) = self.accept.take() {
            let _ = accept.await;
        }
        // The accept loop is over, so no connection can appear after this.
        for connection in shared.connections.borrow().values() {
            connection.stop.set();
        }
        if shared.open.get() == 0 {
            return 0;
        }
        if aioli::time::timeout(deadline, shared.all_closed.wait()).await.is_ok() {
            return 0;
        }
        let stragglers: Vec<JoinHandle<()>> =
            shared.connections.borrow_mut().drain().map(|(_, connection)| connection.task).collect();
        let forced = stragglers.len();
        for task in &stragglers {
            task.abort();
        }
        for task in stragglers {
            let _ = task.await;
        }
        forced
    }
    // ANCHOR_END: shutdown
}

impl std::fmt::Debug for ServerShared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerShared").field("open", &self.open.get()).finish_non_exhaustive()
    }
}
