//! WebSocket (RFC 6455): a route upgrades, the client connects, and both
//! speak messages over the same TCP connection.
//!
//! A WebSocket starts as an HTTP/1.1 GET that asks to switch protocols
//! (`handshake`); after the `101 Switching Protocols` both ends send
//! frames (`frame`: the sans-IO codec), which carry messages (`message`:
//! text, binary, ping, pong, close, reassembled from fragments), until a
//! closing handshake with a code from `close`. `socket` holds the
//! [`WebSocket`] type that drives all of it on aioli's loop; `random`
//! makes the client's masking keys.
//!
//! On the server, [`upgrade`] checks the handshake in a handler and
//! answers the 101 through `Response::upgrade` (`server/upgrade.rs`); the
//! function it is given then runs in the connection's task with the
//! [`WebSocket`]. On the client, `Client::ws_connect(url)` connects,
//! sends the handshake and checks the answer.
//!
//! ```
//! use aioli_http::{App, Request, Response, Server};
//! use aioli_http::ws::{self, CloseCode, Message};
//!
//! async fn echo(req: Request) -> Response {
//!     ws::upgrade(&req, |mut socket| async move {
//!         while let Some(Ok(message)) = socket.recv().await {
//!             if message.is_data() {
//!                 let _ = socket.send(message).await;
//!             }
//!         }
//!     })
//! }
//!
//! aioli::run(async {
//!     let server = Server::bind("127.0.0.1:0").start(App::new().get("/echo", echo)).await?;
//!     let url = format!("ws://{}/echo", server.local_addr());
//!     let mut socket = aioli_http::client::Client::new().ws_connect(&url).await?;
//!     socket.send("hello").await?;
//!     assert_eq!(socket.recv().await.transpose()?, Some(Message::text("hello")));
//!     socket.close(CloseCode::NORMAL, "done").await?;
//!     server.shutdown(std::time::Duration::from_secs(1)).await;
//!     Ok::<_, Box<dyn std::error::Error>>(())
//! }).unwrap();
//! ```
//!
//! aiohttp spells the server side `ws = web.WebSocketResponse(); await
//! ws.prepare(request); async for msg in ws: ...`, and the client
//! `session.ws_connect(url)`; tokio's world uses tokio-tungstenite on top
//! of hyper's upgrade. Not here: extensions (permessage-deflate is
//! refused by not offering it) and subprotocol negotiation.
//!
//! Chapter: docs/src/40-websocket.md

pub mod close;
mod error;
pub mod frame;
pub mod handshake;
pub mod message;
mod random;
mod socket;

use std::future::Future;

pub use close::{CloseCode, CloseFrame};
pub use error::Error;
pub use message::Message;
pub use socket::{Config, WebSocket, WsReceiver, WsSender};

use crate::{Request, Response};
use frame::Role;

// ANCHOR: upgrade
/// Answers a WebSocket handshake: a `101` whose connection then runs
/// `on_socket` with the [`WebSocket`], or a 400/426 naming what is wrong
/// with the request.
pub fn upgrade<F, Fut>(req: &Request, on_socket: F) -> Response
where
    F: FnOnce(WebSocket) -> Fut + 'static,
    Fut: Future<Output = ()> + 'static,
{
    upgrade_with(req, Config::default(), on_socket)
}

/// [`upgrade`] with limits other than the defaults.
pub fn upgrade_with<F, Fut>(req: &Request, config: Config, on_socket: F) -> Response
where
    F: FnOnce(WebSocket) -> Fut + 'static,
    Fut: Future<Output = ()> + 'static,
{
    let key = match handshake::check_request(req.method(), req.version(), req.headers()) {
        Ok(key) => key,
        Err(refused) => {
            let mut response = Response::text(format!("{}\n", refused.reason)).status(refused.status);
            if refused.status == crate::StatusCode::UPGRADE_REQUIRED {
                response = response.header("Upgrade", "websocket").header("Sec-WebSocket-Version", "13");
            }
            return response;
        }
    };
    Response::upgrade("websocket", move |upgraded| {
        let peer = upgraded.peer_addr();
        let socket = WebSocket::new(Box::new(upgraded), Role::Server, &config, Some(peer), Vec::new());
        on_socket(socket)
    })
    .header("Sec-WebSocket-Accept", handshake::accept_key(&key))
}
// ANCHOR_END: upgrade
