//! aioli-http: a minimal HTTP/1.1 server and client on the aioli runtime.
//!
//! What aiohttp is to asyncio: a web server (`App`, routes, handlers,
//! middleware) and a client, both written so a reader can see how bytes on
//! a socket become a request, a handler's answer becomes bytes again, and
//! where the event loop turns in between.
//!
//! The crate is in two layers. The framing (the head parser, the body
//! decoders, the response encoder) is sans-IO: it takes and gives bytes
//! and never touches a socket, so it is tested at every split point of its
//! input ([`proto`]). The connections are tasks on aioli's loop that drive
//! that framing with aioli's `TcpStream` (`server/`, `client/`), or with
//! a TLS stream over it (`tls/`, feature `tls`, on by default: rustls's
//! sans-IO engine pumped by the loop).
//!
//! # A server in one screen
//!
//! Build an [`App`] of routes and middleware, start it with
//! [`Server::bind`], talk to it, and shut it down, all inside one
//! `aioli::run`:
//!
//! ```
//! use std::io::{Read, Write};
//! use std::time::Duration;
//! use aioli_http::{App, Next, Request, Response, Server, StatusCode};
//!
//! async fn greet(req: Request) -> String {
//!     format!("hello, {}\n", req.param("name").unwrap_or("stranger"))
//! }
//!
//! async fn echo(mut req: Request) -> Result<Response, aioli_http::Error> {
//!     let text = req.text().await?; // a bad body becomes a 400 by itself
//!     Ok(Response::text(text).status(StatusCode::CREATED))
//! }
//!
//! async fn log(req: Request, next: Next) -> Response {
//!     let line = format!("{} {}", req.method(), req.path());
//!     let response = next.run(req).await;
//!     println!("{line} -> {}", response.status_code().as_u16());
//!     response
//! }
//!
//! aioli::run(async {
//!     let app = App::new().get("/greet/{name}", greet).post("/echo", echo).middleware(log);
//!     let server = Server::bind("127.0.0.1:0").start(app).await?;
//!     let addr = server.local_addr();
//!
//!     // A plain blocking client, on a thread so the loop keeps serving.
//!     let reply = aioli::spawn_blocking(move || {
//!         let mut socket = std::net::TcpStream::connect(addr)?;
//!         socket.write_all(b"GET /greet/Ada HTTP/1.1\r\nHost: demo\r\nConnection: close\r\n\r\n")?;
//!         let mut reply = String::new();
//!         socket.read_to_string(&mut reply)?;
//!         Ok::<_, std::io::Error>(reply)
//!     }).await.expect("client thread")?;
//!     assert!(reply.starts_with("HTTP/1.1 200 OK"));
//!     assert!(reply.ends_with("hello, Ada\n"));
//!
//!     let forced = server.shutdown(Duration::from_secs(1)).await;
//!     assert_eq!(forced, 0);
//!     Ok::<_, std::io::Error>(())
//! }).unwrap();
//! ```
//!
//! Chapter: docs/src/20-http-request-on-the-loop.md
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod app;
pub mod client;
pub mod cookie;
mod error;
pub mod live;
pub mod proto;
mod request;
mod response;
pub mod server;
#[cfg(feature = "json")]
pub mod testing;
#[cfg(feature = "tls")]
pub mod tls;
pub mod transport;
pub mod ws;

pub use app::{App, Handler, Middleware, Next};
pub use cookie::{Cookie, SameSite};
pub use error::Error;
pub use proto::headers::HeaderMap;
pub use proto::method::{Method, Version};
pub use proto::status::StatusCode;
pub use proto::{date, percent};
pub use request::{Request, RequestBody};
pub use response::{BodyStream, IntoResponse, Response, ResponseBody};
pub use server::upgrade::Upgraded;
pub use server::{serve, Server, ServerConfig, ServerHandle};
