//! 61 — a chat room: many WebSocket clients, one broadcast.
//!
//! aiohttp:   clients = set()
//!            async def chat(request):
//!                ws = web.WebSocketResponse(); await ws.prepare(request)
//!                clients.add(ws)
//!                try:
//!                    async for msg in ws:
//!                        for other in clients: await other.send_str(f"{name}: {msg.data}")
//!                finally:
//!                    clients.discard(ws)
//!                return ws
//! aioli:     let (sender, mut receiver) = socket.split();
//!            let (tx, mut rx) = mpsc::unbounded_channel();   // this client's outbox
//!            aioli::spawn(async move { while let Some(line) = rx.recv().await { sender.send(line).await; } });
//!            room.join(name, tx);
//!            while let Some(Ok(Message::Text(text))) = receiver.recv().await { room.broadcast(...) }
//!            room.leave(name);
//!
//! Watch: three clients (alice, bob, carol) join one after the other and
//! every member sees each arrival; alice speaks and all three see her line;
//! bob leaves mid-way with a Close and the two who remain see him go;
//! carol speaks to the two left. Each line of the transcript is what one
//! client received, in the order the room sent it. Run with `-- --serve
//! [--port 8080]` and open `/` in two browser tabs to chat; Ctrl-C stops.
//! Differences: aiohttp's handler awaits `send_str` on every other socket
//! in turn, so one slow client slows the broadcast; here each client has
//! an outbox (an `mpsc` channel) drained by its own writer task, so the
//! broadcast only queues. A real room bounds each outbox and drops the
//! client whose outbox stays full; this one is unbounded to stay short.

mod common;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::time::Duration;

use aioli::sync::mpsc;
use aioli_http::client::Client;
use aioli_http::ws::{self, CloseCode, Message, WebSocket};
use aioli_http::{App, Request, Response, Server};

/// Who is in the room: each member's outbox, by name.
#[derive(Default)]
struct Room {
    members: RefCell<BTreeMap<String, mpsc::UnboundedSender<String>>>,
}

impl Room {
    /// Queues `line` for every member. Never awaits: a slow member's
    /// writer task falls behind on its own.
    fn broadcast(&self, line: &str) {
        for outbox in self.members.borrow().values() {
            // A member whose writer ended is about to leave; skip it.
            let _ = outbox.send(line.to_owned());
        }
    }
}

/// One member's connection: a writer task drains the outbox into the
/// socket; this task reads the socket and broadcasts.
async fn chat(room: Rc<Room>, req: Request) -> Response {
    let name = req.query_param("name").unwrap_or_else(|| "anonymous".to_owned());
    if room.members.borrow().contains_key(&name) {
        return Response::text(format!("the name {name:?} is taken\n")).status(aioli_http::StatusCode::CONFLICT);
    }
    ws::upgrade(&req, move |socket| async move {
        let (sender, mut receiver) = socket.split();
        let (outbox, mut inbox) = mpsc::unbounded_channel::<String>();
        let writer = aioli::spawn(async move {
            while let Some(line) = inbox.recv().await {
                if sender.send(line).await.is_err() {
                    break;
                }
            }
        });
        room.members.borrow_mut().insert(name.clone(), outbox);
        room.broadcast(&format!("* {name} joined ({} here)", room.members.borrow().len()));

        while let Some(Ok(message)) = receiver.recv().await {
            if let Message::Text(text) = message {
                room.broadcast(&format!("{name}: {text}"));
            }
        }

        // Gone (a Close, an error or a dropped connection): dropping the
        // outbox ends the writer task, then the others hear of it.
        room.members.borrow_mut().remove(&name);
        let _ = writer.await;
        room.broadcast(&format!("* {name} left ({} here)", room.members.borrow().len()));
    })
}

fn app() -> App {
    let room = Rc::new(Room::default());
    App::new().get("/", page).get("/chat", move |req| chat(room.clone(), req))
}

async fn page(_req: Request) -> Response {
    Response::html(PAGE)
}

const PAGE: &str = r#"<!doctype html><meta charset="utf-8"><title>aioli chat</title>
<input id="text" placeholder="say something" autofocus> <button id="send">send</button><pre id="log"></pre>
<script>
const log = (line) => document.getElementById("log").textContent += line + "\n";
const name = prompt("your name?") || "guest" + Math.floor(Math.random() * 1000);
const socket = new WebSocket(`ws://${location.host}/chat?name=${encodeURIComponent(name)}`);
socket.onmessage = (event) => log(event.data);
socket.onclose = (event) => log(`(closed: ${event.code})`);
document.getElementById("send").onclick = () => { const box = document.getElementById("text"); socket.send(box.value); box.value = ""; };
</script>"#;

/// A client in the demo: its name and its socket.
struct Member {
    name: &'static str,
    socket: WebSocket,
}

/// Prints the next line `member` receives, bounded in time.
async fn hear(member: &mut Member) -> Result<(), Box<dyn std::error::Error>> {
    match aioli::time::timeout(Duration::from_secs(5), member.socket.recv()).await? {
        Some(Ok(Message::Text(line))) => println!("   {:>5} hears  {line}", member.name),
        other => println!("   {:>5} got    {other:?}", member.name),
    }
    Ok(())
}

async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    let server = Server::bind("127.0.0.1:0").start(app()).await?;
    let base = format!("ws://{}/chat", server.local_addr());
    let client = Client::new();
    let mut members: Vec<Member> = Vec::new();

    println!("1. three clients join, one after the other");
    for name in ["alice", "bob", "carol"] {
        let socket = client.ws_connect(&format!("{base}?name={name}")).await?;
        members.push(Member { name, socket });
        for member in members.iter_mut() {
            hear(member).await?;
        }
    }

    println!("\n2. alice speaks; the room broadcasts to everyone");
    members[0].socket.send("hello, room").await?;
    for member in members.iter_mut() {
        hear(member).await?;
    }

    println!("\n3. bob leaves mid-way: Close 1000, the closing handshake, then the room tells the rest");
    let mut bob = members.remove(1);
    bob.socket.close(CloseCode::NORMAL, "bye").await?;
    println!("   bob's socket is closed");
    for member in members.iter_mut() {
        hear(member).await?;
    }

    println!("\n4. carol speaks to the two who remain");
    members[1].socket.send("just us now").await?;
    for member in members.iter_mut() {
        hear(member).await?;
    }

    println!("\n5. alice and carol close too");
    for member in members.iter_mut() {
        member.socket.close(CloseCode::GOING_AWAY, "done").await?;
    }
    let forced = server.shutdown(Duration::from_secs(1)).await;
    println!("   server shut down; {forced} connections had to be forced closed");
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    match common::serve_port() {
        Some(port) => Ok(aioli::run(Server::bind(("127.0.0.1", port)).serve(app()))?),
        None => aioli::run(demo()),
    }
}
