//! 60 — WebSocket echo: a route that upgrades, and a client that talks to it.
//!
//! aiohttp:   async def echo(request):
//!                ws = web.WebSocketResponse()
//!                await ws.prepare(request)
//!                async for msg in ws:
//!                    if msg.type in (WSMsgType.TEXT, WSMsgType.BINARY):
//!                        await ws.send_str(msg.data) if msg.type == WSMsgType.TEXT else await ws.send_bytes(msg.data)
//!                return ws
//!            async with session.ws_connect(url) as ws:
//!                await ws.send_str("hello"); print(await ws.receive())
//! aioli:     ws::upgrade(&req, |mut socket| async move {
//!                while let Some(Ok(msg)) = socket.recv().await { if msg.is_data() { socket.send(msg).await; } }
//!            })
//!            let mut socket = client.ws_connect(&url).await?;
//!            socket.send("hello").await?; socket.recv().await;
//!
//! Watch: the client's handshake is an ordinary GET that the server answers
//! with `101 Switching Protocols`; from then on the same TCP connection
//! carries frames. A text and a binary message come back unchanged, a
//! ping is answered with a pong by the socket itself (no code in the
//! handler does it), and a message over the route's 1 KiB limit makes the
//! server close with 1009. The last connection ends with the closing
//! handshake: the client sends Close 1000, the server answers, and the
//! handler's loop sees `Close` and returns, which ends the connection's
//! task. Run with `-- --serve [--port 8080]` and open the page at `/` in a
//! browser to type into the echo; stop with Ctrl-C.
//! Differences: aiohttp's `receive()` hides pings unless `autoping=False`;
//! here `recv` answers them and still reports them, so a program sees the
//! whole conversation. The handler runs inside the connection's task:
//! returning from it closes the connection.

mod common;

use std::time::Duration;

use aioli_http::client::Client;
use aioli_http::ws::{self, CloseCode, Config, Message};
use aioli_http::{App, Request, Response, Server};

/// The echo route: what the handler does after the 101.
async fn echo(req: Request) -> Response {
    let config = Config::default().max_message_bytes(1024);
    ws::upgrade_with(&req, config, |mut socket| async move {
        let peer = socket.peer_addr().map(|addr| addr.to_string()).unwrap_or_default();
        while let Some(received) = socket.recv().await {
            match received {
                Ok(message) if message.is_data() => {
                    if socket.send(message).await.is_err() {
                        break;
                    }
                }
                Ok(Message::Close(close)) => {
                    let close = close.map_or_else(|| "no code".to_owned(), |close| close.to_string());
                    println!("   [server] {peer} closed: {close}");
                }
                Ok(other) => println!("   [server] {peer} sent {} (answered by the socket)", describe(&other)),
                Err(error) => println!("   [server] {peer}: {error}"),
            }
        }
        println!("   [server] the handler for {peer} returns; its connection task ends");
    })
}

/// A message in words: control payloads are short text here.
fn describe(message: &Message) -> String {
    match message {
        Message::Text(text) => format!("text {text:?}"),
        Message::Binary(bytes) => format!("binary {bytes:?}"),
        Message::Ping(payload) => format!("ping {:?}", String::from_utf8_lossy(payload)),
        Message::Pong(payload) => format!("pong {:?}", String::from_utf8_lossy(payload)),
        Message::Close(Some(close)) => format!("close {close}"),
        Message::Close(None) => "close (no code)".to_owned(),
    }
}

/// Receives one message and says what it was.
async fn next(socket: &mut ws::WebSocket) -> String {
    match socket.recv().await {
        Some(Ok(message)) => describe(&message),
        Some(Err(error)) => format!("error: {error}"),
        None => "nothing: the connection is closed".to_owned(),
    }
}

/// A page to try the echo from a browser (`--serve`).
async fn page(_req: Request) -> Response {
    Response::html(PAGE)
}

const PAGE: &str = r#"<!doctype html><meta charset="utf-8"><title>aioli echo</title>
<input id="text" value="hello" autofocus> <button id="send">send</button><pre id="log"></pre>
<script>
const log = (line) => document.getElementById("log").textContent += line + "\n";
const socket = new WebSocket(`ws://${location.host}/echo`);
socket.onopen = () => log("open");
socket.onmessage = (event) => log("echo: " + event.data);
socket.onclose = (event) => log(`closed: ${event.code} ${event.reason}`);
document.getElementById("send").onclick = () => socket.send(document.getElementById("text").value);
</script>"#;

fn app() -> App {
    App::new().get("/", page).get("/echo", echo)
}

async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    let server = Server::bind("127.0.0.1:0").start(app()).await?;
    let url = format!("ws://{}/echo", server.local_addr());
    let client = Client::new();

    println!("1. connect to {url}: a GET with Upgrade: websocket, answered 101");
    let mut socket = client.ws_connect(&url).await?;
    println!("   connected");

    println!("\n2. messages go out and come back");
    socket.send("hello, WebSocket").await?;
    println!("   sent text      -> got {}", next(&mut socket).await);
    socket.send(vec![0u8, 1, 2, 255]).await?;
    println!("   sent 4 bytes   -> got {}", next(&mut socket).await);
    socket.send(Message::Ping(b"are you there?".to_vec())).await?;
    println!("   sent a ping    -> got {}", next(&mut socket).await);

    println!("\n3. the closing handshake: Close 1000 out, Close back");
    socket.close(CloseCode::NORMAL, "done").await?;
    // The server's task prints as it handles the Close; a short pause
    // lets its lines come before the next part's.
    aioli::time::sleep(Duration::from_millis(50)).await;
    println!("   closed; recv now gives {}", next(&mut socket).await);

    println!("\n4. a message over the route's 1 KiB limit");
    let mut socket = client.ws_connect(&url).await?;
    socket.send("x".repeat(2000)).await?;
    println!("   the server answered with {}", next(&mut socket).await);
    aioli::time::sleep(Duration::from_millis(50)).await;

    let forced = server.shutdown(Duration::from_secs(1)).await;
    println!("\n5. server shut down; {forced} connections had to be forced closed");
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    match common::serve_port() {
        Some(port) => Ok(aioli::run(Server::bind(("127.0.0.1", port)).serve(app()))?),
        None => aioli::run(demo()),
    }
}
