//! The HTTP/1.1 client: aiohttp's `ClientSession`, written out.
//!
//! ```text
//!  Client::get(url) ─▶ RequestBuilder ─send()─▶ Client::execute
//!                                                 │ total timeout around all of it
//!      ┌──────────────────────────────────────────┘
//!      ▼
//!  Pool::acquire ──idle──▶ Conn ──────────────┐
//!      │ slot                                 │
//!      ▼                                      ▼
//!  Resolver (blocking pool) ─▶ Conn::connect ─▶ exchange: write head+body,
//!                                              read the response head
//!                                                 │
//!  Response { head, Body { Conn, Slot, BodyDecoder } } ─▶ chunk()/bytes()/lines()
//!                                                 │ body read to its end
//!                                                 ▼
//!                                      Slot::park(conn): back to the pool
//! ```
//!
//! The parts, one file each: [`url`] (parsing by hand), `dns` (lookups on
//! the blocking pool, cached), `pool` (limits and the FIFO queue), `conn`
//! (a socket, its buffer, and one request/response exchange), `session`
//! ([`Client`]: a request's life, redirects, the stale-connection retry),
//! `request` ([`RequestBuilder`]), `response` ([`Response`] and its body
//! streams), [`cookies`], and [`error`].
//!
//! Every request runs in the task that awaits it; the client spawns no
//! task of its own. So cancelling a request is dropping its future, and
//! the connection and pool slot it held are released by their `Drop`.
//! aiohttp runs the same way on asyncio (protocol callbacks feed the
//! awaiting coroutine); hyper-util's client spawns a task per connection.
//!
//! `https://` runs a TLS handshake on the fresh connection before the
//! exchange (`Conn::start_tls`, rustls pumped by `tls/stream.rs`), and the
//! connection goes back to the pool under its own scheme.
//!
//! Chapter: docs/src/30-client-request-on-the-loop.md

mod builder;
mod conn;
pub mod cookies;
mod dns;
pub mod error;
mod pool;
mod request;
mod response;
mod session;
pub mod url;
mod ws;

pub use builder::{ClientBuilder, DEFAULT_USER_AGENT};
pub use cookies::{Cookie, CookieJar};
pub use error::{Error, TimeoutKind};
pub use request::{IntoUrl, Request, RequestBuilder};
pub use response::{Chunks, Lines, Response};
pub use session::{Client, PoolStatus};
pub use url::{Host, Origin, Url, UrlError, UrlErrorKind};
