//! `/ws/echo`: a WebSocket that sends every text and binary message back.
//!
//! What `wss://echo.websocket.org` was to tutorials, on 127.0.0.1: the
//! route upgrades with `ws::upgrade`, then loops `recv` → `send` in the
//! connection's task until the client closes (the socket answers pings
//! and the closing handshake by itself). `?max_message_bytes=N` lowers the
//! message size limit so a test can see the 1009 close without sending
//! megabytes.
//!
//! Chapter: docs/src/40-websocket.md

use crate::ws::{self, Config};
use crate::{App, Request, Response};

/// Adds the WebSocket routes to `app`.
pub(crate) fn routes(app: App) -> App {
    app.get("/ws/echo", echo)
}

// ANCHOR: echo
async fn echo(req: Request) -> Response {
    let mut config = Config::default();
    if let Some(limit) = req.query_param("max_message_bytes").and_then(|value| value.parse().ok()) {
        config = config.max_message_bytes(limit);
    }
    ws::upgrade_with(&req, config, |mut socket| async move {
        while let Some(Ok(message)) = socket.recv().await {
            if message.is_data() && socket.send(message).await.is_err() {
                break;
            }
        }
    })
}
// ANCHOR_END: echo
