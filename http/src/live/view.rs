//! The view's own thread: an aioli loop serving the page.
//!
//! [`spawn`] starts a thread that runs a second, separate aioli loop.
//! On it, one task (the pump) wakes every 50 ms, takes every event the
//! observed loop left in the channel, folds them into the [`Model`], and
//! every [`PUSH_EVERY`] writes a snapshot; an aioli-http server answers
//! `GET /` with the page, `GET /state.json` with the latest snapshot, and
//! `GET /ws` with a WebSocket that sends each new snapshot as it is made.
//!
//! The pump polls the channel on a timer instead of blocking on it: a
//! blocking `recv` would stop this loop's server, and a wake from the
//! observed loop per event is exactly the cost the bounded channel is
//! there to avoid. The observed loop never learns this thread exists.
//!
//! Chapter: docs/src/41-live-view.md

use std::cell::{Cell, RefCell};
use std::io;
use std::net::SocketAddr;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, TryRecvError};

use super::model::{Model, Stamped};
use super::snapshot::snapshot;
use super::{BATCH_EVENTS, CHANNEL_CAPACITY};
use crate::ws::{self, CloseCode, Message, WebSocket};
use crate::{App, Request, Response, Server};

/// How often the pump empties the channel.
const DRAIN_EVERY: Duration = Duration::from_millis(50);
/// How often a snapshot is made and pushed to the pages.
pub(crate) const PUSH_EVERY: Duration = Duration::from_millis(250);

/// The page, compiled into the crate: no files to find at run time.
const PAGE: &str = include_str!("page.html");

/// The latest snapshot, shared by the pump and the connections.
struct Latest {
    json: RefCell<Rc<str>>,
    /// Bumped at each new snapshot, so a WebSocket sends each one once.
    version: Cell<u64>,
    /// The observed loop is gone; the last snapshot says so.
    ended: Cell<bool>,
}

/// Starts the view's thread, serving on `addr`; returns once the server
/// listens, with its address, or the error binding it gave.
pub(crate) fn spawn(
    addr: SocketAddr,
    events: Receiver<Vec<Stamped>>,
    dropped: Arc<AtomicU64>,
) -> io::Result<SocketAddr> {
    let (started, bound) = mpsc::channel();
    std::thread::Builder::new().name("aioli-live-view".into()).spawn(move || {
        let runtime = match aioli::Runtime::builder().ignore_environment().build() {
            Ok(runtime) => runtime,
            Err(error) => {
                let _ = started.send(Err(error));
                return;
            }
        };
        runtime.block_on(serve(addr, events, dropped, started));
    })?;
    match bound.recv() {
        Ok(result) => result,
        Err(_) => Err(io::Error::other("the live view's thread ended before it could listen")),
    }
}

/// The view loop's main future: serve until the observed loop is gone.
async fn serve(
    addr: SocketAddr,
    events: Receiver<Vec<Stamped>>,
    dropped: Arc<AtomicU64>,
    started: mpsc::Sender<io::Result<SocketAddr>>,
) {
    let latest = Rc::new(Latest { json: RefCell::new(Rc::from("{}")), version: Cell::new(0), ended: Cell::new(false) });
    let server = match Server::bind(addr).server_name(String::new()).start(app(latest.clone())).await {
        Ok(server) => server,
        Err(error) => {
            let _ = started.send(Err(error));
            return;
        }
    };
    let _ = started.send(Ok(server.local_addr()));
    pump(events, dropped, &latest).await;
    // The observed loop dropped its observer: its runtime is gone, and
    // so, nearly always, is the program. Close, giving pages a moment to
    // read the last snapshot (which says `ended`).
    aioli::time::sleep(PUSH_EVERY * 2).await;
    server.shutdown(Duration::from_millis(200)).await;
}

// ANCHOR: pump
/// Folds events into the model and publishes snapshots, until the
/// observer is dropped.
async fn pump(events: Receiver<Vec<Stamped>>, dropped: Arc<AtomicU64>, latest: &Latest) {
    let mut model = Model::new();
    let mut next_push = Instant::now();
    loop {
        let mut drained = 0;
        loop {
            match events.try_recv() {
                Ok(batch) => {
                    drained += 1;
                    batch.into_iter().for_each(|event| model.fold(event));
                }
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    model.ended = true;
                    break;
                }
            }
        }
        let now = Instant::now();
        if now >= next_push || model.ended {
            let json = snapshot(&mut model, now, dropped.load(Ordering::Relaxed));
            *latest.json.borrow_mut() = Rc::from(json);
            latest.version.set(latest.version.get() + 1);
            next_push = now + PUSH_EVERY;
        }
        if model.ended {
            latest.ended.set(true);
            return;
        }
        // A channel found a quarter full is a loop in a hurry: come back
        // sooner, so fewer of its events are dropped.
        let hurried = drained * BATCH_EVENTS > CHANNEL_CAPACITY / 4;
        aioli::time::sleep(if hurried { DRAIN_EVERY / 10 } else { DRAIN_EVERY }).await;
    }
}
// ANCHOR_END: pump

/// The view's routes: the page, the latest snapshot, the pushes.
fn app(latest: Rc<Latest>) -> App {
    let for_state = latest.clone();
    App::new()
        .get("/", |_req: Request| async { Response::html(PAGE) })
        .get("/state.json", move |_req: Request| {
            let json = for_state.json.borrow().clone();
            async move {
                Response::text(json.to_string())
                    .header("content-type", "application/json")
                    .header("cache-control", "no-store")
            }
        })
        .get("/ws", move |req: Request| {
            let latest = latest.clone();
            async move { ws::upgrade(&req, move |socket| push_snapshots(socket, latest)) }
        })
}

// ANCHOR: push
/// One page's WebSocket: sends each new snapshot once, until the page
/// goes away or the observed loop ends.
async fn push_snapshots(socket: WebSocket, latest: Rc<Latest>) {
    let (sender, mut receiver) = socket.split();
    let pushing = async {
        let mut sent = 0;
        loop {
            let version = latest.version.get();
            if version != sent {
                let json = latest.json.borrow().clone();
                if sender.send(Message::text(json.to_string())).await.is_err() {
                    return;
                }
                sent = version;
            }
            if latest.ended.get() {
                let _ = sender.close(CloseCode::NORMAL, "the observed loop has ended").await;
                return;
            }
            // Checking a counter every 50 ms costs nothing and keeps this
            // loop plain; pushes still go out within 50 ms of a snapshot.
            aioli::time::sleep(DRAIN_EVERY).await;
        }
    };
    // The page sends nothing, but reading is how a close or a ping from
    // it is answered, and how a vanished page is noticed.
    let listening = async { while let Some(Ok(_)) = receiver.recv().await {} };
    aioli::select(pushing, listening).await;
}
// ANCHOR_END: push
