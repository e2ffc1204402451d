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
//! input. The connections are tasks on aioli's loop that drive that framing
//! with aioli's `TcpStream`.
//!
//! Chapter: docs/src/20-http-request-on-the-loop.md
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod client;
