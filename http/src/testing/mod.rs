//! `testing::app()`: an offline stand-in for the public services the
//! seeds' examples call, so every HTTP example and test runs on 127.0.0.1.
//!
//! Client examples usually talk to httpbin.org (which describes the
//! request it got), jsonplaceholder.typicode.com (a fake REST API) and some
//! web page to crawl. A test that needs the network is slow, flaky, and
//! fails on a train; so this module serves look-alikes of all three from
//! one [`App`], split by concept:
//!
//! - `httpbin.rs`: `/get`, `/post`, `/anything`, `/echo`, `/status/{code}`,
//!   `/delay/{secs}`, `/stream/{n}`, `/redirect/{n}`, cookies, basic auth…
//! - `placeholder.rs`: `/posts`, `/users/{id}`, `/comments?postId=`,
//!   `/todos/{id}`, with records generated from their ids (`fake_text.rs`);
//! - `site.rs`: a few linked HTML pages under `/site/` for a crawler;
//! - `websocket.rs`: `/ws/echo`, a WebSocket that echoes messages;
//! - `raw.rs`: [`send`] and [`RawConnection`], a tiny client that writes
//!   request bytes you spell out and parses the response.
//!
//! `GET /` lists every route. `cargo run --release --example httpbin --
//! --port 8080` serves it until Ctrl-C. The app is ordinary aioli-http
//! code: reading it is also a tour of handlers, path parameters, query
//! strings, JSON, cookies, redirects and streaming responses.
//!
//! Chapter: docs/src/23-routing-and-middleware.md

/// Base64 moved to [`crate::proto::base64`] (the client and the WebSocket
/// handshake use it too); this path keeps working.
pub use crate::proto::base64;
mod fake_text;
mod httpbin;
mod placeholder;
mod raw;
mod site;
mod websocket;

pub use raw::{get, send, RawConnection, RawResponse};

use crate::App;

/// The whole test app: httpbin-like, jsonplaceholder-like, the site and
/// the WebSocket echo.
///
/// ```
/// use aioli_http::{testing, Method, Request};
///
/// aioli::run(async {
///     let app = testing::app();
///     let response = app.call(Request::new(Method::Get, "/posts/7")).await;
///     let post: serde_json::Value = serde_json::from_slice(response.body_bytes().unwrap()).unwrap();
///     assert_eq!((post["id"].as_u64(), post["userId"].as_u64()), (Some(7), Some(1)));
/// });
/// ```
pub fn app() -> App {
    websocket::routes(site::routes(placeholder::routes(httpbin::routes(App::new()))))
}
