//! The live view: a page in the browser that shows an aioli loop as it runs.
//!
//! [`LiveView::start`] binds a small web server and returns an observer to
//! give to `aioli::runtime::Builder::observe`. On the observed loop's
//! thread the observer only stamps each [`LoopEvent`] with the time,
//! clones it, and `try_send`s it into a bounded crossbeam channel: if the
//! channel is full the event is counted as dropped, never waited for, so
//! the loop is not slowed by more than a clone and a clock read. On the
//! other end, the view's own thread runs a second aioli loop (`view.rs`):
//! it folds the events into a picture of the loop (`model.rs`), writes it
//! as JSON a few times a second (`snapshot.rs`), and serves the page
//! (`page.html`, compiled in with `include_str!`) and a WebSocket that
//! pushes each snapshot to it.
//!
//! ```text
//!  observed loop's thread                 view thread (its own aioli loop)
//!  Core::emit ─► observer ─try_send─► [bounded channel] ─► pump ─► Model
//!                    └─ full? dropped += 1                          │ every 250 ms
//!                                              page ◄─WebSocket─ snapshot JSON
//! ```
//!
//! Why here: `aioli` cannot depend on `aioli-http` (which depends on it),
//! so the view is an observer this crate builds, and a program opts in
//! by building its runtime with [`runtime_builder`] (which reads
//! `AIOLI_LIVE=127.0.0.1:PORT`) or by calling [`LiveView::start`] itself.
//! A program that did not opt in still reads `AIOLI_LIVE` in `aioli`,
//! which prints one line saying that the view needs this module, instead
//! of ignoring the variable.
//!
//! tokio-console does this with a `tracing` layer in the program that
//! streams over gRPC to a separate terminal app; asyncio has no live view
//! (aiomonitor offers a telnet console). Here the program serves the page
//! itself, so a browser is the only other program needed.
//!
//! Chapter: docs/src/41-live-view.md

mod model;
mod snapshot;
mod view;

use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use aioli::runtime::{Builder, LoopEvent, Phase};
use crossbeam_channel::{Sender, TrySendError};

use self::model::Stamped;

/// Events the channel holds, in batches of [`BATCH_EVENTS`]: about 50 ms
/// of a loop reporting a million events a second. The view drains it
/// every 50 ms; what does not fit is dropped and counted, and the page
/// says so.
pub const CHANNEL_CAPACITY: usize = 64 * 1024;

/// Events the observer gathers before one `try_send`: one handover (and
/// one cache line passed between the cores) per batch, not per event.
pub const BATCH_EVENTS: usize = 256;

/// What goes through the channel.
type Batch = Vec<Stamped>;

/// The environment variable that asks for a live view: `AIOLI_LIVE=127.0.0.1:8700`.
pub const ENV_VAR: &str = "AIOLI_LIVE";

/// A running live view: where its page is, and the observer that feeds it.
///
/// ```
/// use aioli_http::live::LiveView;
///
/// let view = LiveView::start("127.0.0.1:0")?;
/// println!("live view on http://{}/", view.local_addr());
/// let runtime = aioli::Runtime::builder().serves_live_view().observe(view.observer()).build()?;
/// runtime.block_on(async { aioli::time::sleep(std::time::Duration::from_millis(10)).await });
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct LiveView {
    addr: SocketAddr,
    sender: Sender<Batch>,
    dropped: Arc<AtomicU64>,
}

impl LiveView {
    /// Starts the view's thread and its server on `addr` (use a
    /// 127.0.0.1 address: the page shows task names and source paths).
    /// Returns once the server listens, or with the error binding gave.
    pub fn start(addr: impl ToSocketAddrs) -> io::Result<LiveView> {
        let addr = addr.to_socket_addrs()?.next().ok_or_else(|| {
            io::Error::new(io::ErrorKind::InvalidInput, "the live view's address resolved to nothing")
        })?;
        let (sender, receiver) = crossbeam_channel::bounded(CHANNEL_CAPACITY / BATCH_EVENTS);
        let dropped = Arc::new(AtomicU64::new(0));
        let addr = view::spawn(addr, receiver, dropped.clone())?;
        Ok(LiveView { addr, sender, dropped })
    }

    /// Where the page is: `http://{local_addr}/`.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Events dropped so far because the channel was full.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// The observer to pass to `Builder::observe`. When the runtime (and
    /// so the observer) is dropped, the view's thread sees the channel
    /// close, pushes a last snapshot and stops its server.
    pub fn observer(&self) -> impl FnMut(&LoopEvent) + 'static {
        let mut batcher = Batcher {
            sender: self.sender.clone(),
            dropped: self.dropped.clone(),
            batch: Vec::with_capacity(BATCH_EVENTS),
        };
        move |event: &LoopEvent| batcher.on_event(event)
    }
}

/// The observer's state, on the observed loop's thread: the batch being
/// filled, and the channel it goes to.
struct Batcher {
    sender: Sender<Batch>,
    dropped: Arc<AtomicU64>,
    batch: Batch,
}

impl Batcher {
    // ANCHOR: observer
    /// Called by the loop with every event: clone, stamp if it starts
    /// something, and hand over a full batch, or the batch so far when the
    /// loop is about to wait (so the page is never behind by more than one
    /// busy stretch).
    fn on_event(&mut self, event: &LoopEvent) {
        // Reading the clock costs as much as the rest of this function, so
        // only the events that start a stretch of work are stamped: a tick,
        // a phase, a poll. The others happen inside one of those, and the
        // view gives them its time.
        let starts_something = matches!(
            event,
            LoopEvent::TickStarted { .. } | LoopEvent::PhaseEntered { .. } | LoopEvent::PollStarted { .. }
        );
        let at = starts_something.then(Instant::now);
        self.batch.push(Stamped { at, event: event.clone() });
        let about_to_wait = matches!(event, LoopEvent::PhaseEntered { phase: Phase::Wait });
        if self.batch.len() >= BATCH_EVENTS || about_to_wait {
            self.hand_over();
        }
    }

    /// Sends the batch if the channel has room, or drops and counts it.
    /// Never waits: the loop goes on at once either way.
    fn hand_over(&mut self) {
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH_EVENTS));
        if let Err(TrySendError::Full(mut batch) | TrySendError::Disconnected(mut batch)) = self.sender.try_send(batch)
        {
            self.dropped.fetch_add(batch.len() as u64, Ordering::Relaxed);
            // Keep the allocation for the next batch.
            batch.clear();
            self.batch = batch;
        }
    }
    // ANCHOR_END: observer
}

impl Drop for Batcher {
    /// The runtime is being dropped: send the last events (its end).
    fn drop(&mut self) {
        if !self.batch.is_empty() {
            self.hand_over();
        }
    }
}

/// Starts a live view on `addr` and returns its observer: the short form
/// of [`LiveView::start`] then [`LiveView::observer`]. The view's thread
/// ends when the observer is dropped.
pub fn observer(addr: impl ToSocketAddrs) -> io::Result<impl FnMut(&LoopEvent) + 'static> {
    Ok(LiveView::start(addr)?.observer())
}

/// A runtime builder that serves a live view if `AIOLI_LIVE` asks for one,
/// printing the page's address on stderr; otherwise `Runtime::builder()`.
///
/// ```no_run
/// let runtime = aioli_http::live::runtime_builder()?.build()?;
/// runtime.block_on(async { /* the program */ });
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// # Errors
///
/// `AIOLI_LIVE` is not an address, or the view could not listen on it.
// ANCHOR: runtime_builder
pub fn runtime_builder() -> io::Result<Builder> {
    let builder = aioli::Runtime::builder().serves_live_view();
    let Some(addr) = std::env::var(ENV_VAR).ok().filter(|value| !value.trim().is_empty()) else {
        return Ok(builder);
    };
    let view = LiveView::start(addr.trim()).map_err(|error| {
        io::Error::new(error.kind(), format!("{ENV_VAR}={addr}: cannot serve the live view there: {error}"))
    })?;
    eprintln!("aioli: live view on http://{}/", view.local_addr());
    Ok(builder.observe(view.observer()))
}
// ANCHOR_END: runtime_builder

/// Runs `main` like `aioli::run`, on a runtime from [`runtime_builder`]:
/// the one-line way to make a program honour `AIOLI_LIVE`.
///
/// # Errors
///
/// Building the runtime or the view failed.
pub fn run<F: std::future::Future>(main: F) -> io::Result<F::Output> {
    let runtime = runtime_builder()?.build()?;
    Ok(runtime.block_on(main))
}
