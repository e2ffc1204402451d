//! One connection, one task, one loop: read head → route → handler →
//! write → keep alive or close.
//!
//! `serve_connection` is the function to step through. Each turn of its
//! loop serves one request:
//!
//! 1. **Read the head** (`read_head`): parse what is buffered; if it is
//!    not a whole head yet, flush any answers we owe and wait for bytes,
//!    bounded by the idle timeout before the first byte and by the head
//!    timeout after it (a client sending a byte a second gets 408).
//! 2. **Frame the body**: Content-Length or chunked, refusing smuggling
//!    shapes; note `Expect: 100-continue`. The body stays in the socket.
//! 3. **Run the app**: router, middleware, handler, under a panic guard
//!    so a panicking handler becomes a 500 for this request only.
//! 4. **Decide keep-alive or close**: the client's wish, the server
//!    shutting down, and a body left unread that is too large to drain.
//! 5. **Write the response** into the reused output buffer, and to the
//!    socket unless another pipelined request is already waiting.
//! 6. **Settle the body**: whatever body the handler left unread is
//!    drained (up to a limit) so its bytes are never parsed as a
//!    request; then go round again, or close.
//!
//! Errors in the head are answered with their status and `Connection:
//! close`, and the connection closes *lingering*: we stop writing, then
//! read and discard what the client still sends for a moment. Closing a
//! socket with unread bytes in it makes the kernel send a reset, which
//! can destroy the error response before the client reads it.
//!
//! hyper splits this into a `Dispatcher` and a `Conn` state machine polled
//! by hand; aiohttp's `RequestHandler.start` is a coroutine with this
//! same loop, which is the shape we keep.
//!
//! Chapter: docs/src/20-http-request-on-the-loop.md

use std::any::Any;
use std::cell::RefCell;
use std::future::{poll_fn, Future};
use std::net::SocketAddr;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

use aioli::io::AsyncWrite;
use aioli::sync::Event;
use aioli::time::{sleep_until, timeout_at, Instant, Sleep};
use aioli::{select, Either};

use super::io::{BodyState, ConnIo, ReadBuf, Shared};
use super::upgrade::{OnUpgrade, Upgraded};
use super::write::{flush, write_response, Answering, FLUSH_AT};
use super::ServerShared;
use crate::app::HandlerFuture;
use crate::proto::body::{request_framing, Framing};
use crate::proto::request_head::{parse_request_head, RequestHead};
use crate::proto::ParseError;
use crate::request::{BodyLimits, RequestBody};
use crate::transport::Transport;
use crate::{IntoResponse, Request, Response, StatusCode, Version};

/// How long a closing connection keeps reading (and discarding) what the
/// client still sends, so the kernel does not reset the connection under
/// our last response.
const LINGER: Duration = Duration::from_secs(1);

/// Serves requests on `stream` until the client leaves, a limit closes
/// it, or the server shuts down.
// ANCHOR: serve_connection
pub(crate) async fn serve_connection(stream: Transport, peer: SocketAddr, server: Rc<ServerShared>, stop: Rc<Event>) {
    let config = &server.config;
    let io: Shared = Rc::new(RefCell::new(ConnIo {
        stream,
        buf: ReadBuf::new(),
        body: BodyState::new(Framing::Empty, false),
        request_number: 0,
    }));
    // Grows to fit the first response and keeps that size: an idle
    // connection holds a few hundred bytes here, not a preallocated 8 KiB.
    let mut out: Vec<u8> = Vec::new();
    let mut first = true;
    let mut idle = IdleTimer { sleep: sleep_until(deadline_after(config.head_timeout)) };

    loop {
        // 1. Read the next request head.
        let head = match read_head(&io, &mut out, &server, &stop, &mut idle, first).await {
            HeadRead::Head(head) => head,
            HeadRead::Closed => return close(&io).await,
            HeadRead::Failed(error) => {
                let response = error_response(error.status(), &error.to_string());
                return close_with(&io, &mut out, response, &server).await;
            }
            HeadRead::TimedOut => {
                let message = format!(
                    "the request head did not arrive within {:?} (limit: ServerConfig::head_timeout)",
                    config.head_timeout
                );
                let response = error_response(StatusCode::REQUEST_TIMEOUT, &message);
                return close_with(&io, &mut out, response, &server).await;
            }
        };
        first = false;

        // 2. Frame the body and read the client's wishes.
        let framing = match request_framing(&head.headers) {
            Ok(framing) => framing,
            Err(error) => {
                let response = error_response(error.status(), &error.to_string());
                return close_with(&io, &mut out, response, &server).await;
            }
        };
        let mut keep_alive = head.wants_keep_alive();
        let (is_head, version) = (head.method == crate::Method::Head, head.version);
        let expectation = Expectation::of(&head);
        let request_number = {
            let mut io = io.borrow_mut();
            io.request_number += 1;
            io.body = BodyState::new(framing, expectation == Expectation::Continue);
            io.request_number
        };
        if expectation == Expectation::Continue && !out.is_empty() {
            // `100 Continue` is written by the body reader, straight to
            // the socket: earlier answers still buffered must go first.
            if flush(&io, &mut out, config.write_timeout).await.is_err() {
                return;
            }
        }

        // 3. Run the app (or answer an unmet expectation without it).
        let response = if expectation == Expectation::Unsupported {
            error_response(StatusCode::EXPECTATION_FAILED, "only `Expect: 100-continue` is supported")
        } else {
            let limits = BodyLimits { max_buffered: config.max_body_bytes, read_timeout: config.body_timeout };
            let body = RequestBody::from_connection(io.clone(), request_number, framing, limits);
            let request = Request::from_parts(head, peer, body);
            CatchPanic { future: server.app.dispatch(request) }.await
        };

        // 4. Decide whether the connection stays open, before the head
        //    goes out, because the head says so (`Connection: close`).
        //    Unread body: drain it later if small, else close.
        let body_left = settle_plan(&io, config.max_drain_bytes);
        let (response, upgrade) = check_upgrade(response, body_left);
        if body_left == BodyLeft::Abandon || stop.is_set() {
            keep_alive = false;
        }

        // 5. Write the response.
        let answering = Answering {
            is_head,
            version,
            keep_alive: &mut keep_alive,
            server_name: &config.server_name,
            write_timeout: config.write_timeout,
        };
        if write_response(&io, &mut out, response, answering).await.is_err() {
            return;
        }
        if let Some(on_upgrade) = upgrade {
            // The 101 is out: from here the connection speaks the new
            // protocol, in this same task, until that code is done.
            if flush(&io, &mut out, config.write_timeout).await.is_ok() {
                on_upgrade.run(Upgraded::new(io.clone(), peer)).await;
            }
            return;
        }
        // Is the next request already buffered (pipelining)? Then keep
        // this answer in `out` and serve that one first, so both answers
        // leave in one write. (The price: this answer waits for the next
        // handler. A client that pipelines has accepted in-order waiting.)
        let pipelined = body_left == BodyLeft::Done && !io.borrow().buf.is_empty();
        if (!pipelined || out.len() >= FLUSH_AT || !keep_alive)
            && flush(&io, &mut out, config.write_timeout).await.is_err()
        {
            return;
        }

        // 6. Settle the body: drain what the handler left, or close.
        if !keep_alive {
            if body_left != BodyLeft::Done {
                linger(&io).await;
            } else {
                close(&io).await;
            }
            return;
        }
        if body_left == BodyLeft::Drain && !drain_body(&io, config.max_drain_bytes, config.body_timeout).await {
            return linger(&io).await;
        }
    }
}
// ANCHOR_END: serve_connection

/// Separates a 101's upgrade function from the response, refusing the
/// shapes that cannot work: an interim status without one (the client
/// would wait for a final answer that never comes), and an upgrade over a
/// request body still unread (its bytes would be taken for the new
/// protocol's).
fn check_upgrade(mut response: Response, body_left: BodyLeft) -> (Response, Option<OnUpgrade>) {
    let upgrade = response.take_upgrade();
    let status = response.status_code();
    match upgrade {
        Some(on_upgrade) if status == StatusCode::SWITCHING_PROTOCOLS && body_left == BodyLeft::Done => {
            (response, Some(on_upgrade))
        }
        Some(_) if status == StatusCode::SWITCHING_PROTOCOLS => {
            (error_response(StatusCode::BAD_REQUEST, "a request with an unread body cannot switch protocols"), None)
        }
        _ if status.is_informational() => {
            eprintln!("aioli-http: a handler answered {status} without Response::upgrade; answering 500 instead");
            (
                error_response(StatusCode::INTERNAL_SERVER_ERROR, "the handler gave an interim status as its answer"),
                None,
            )
        }
        _ => (response, None),
    }
}

/// What `read_head` found.
enum HeadRead {
    Head(RequestHead),
    /// EOF, an idle timeout, a socket error, or shutdown: close quietly.
    Closed,
    Failed(ParseError),
    /// Part of a head arrived, the rest did not in time: 408.
    TimedOut,
}

/// Waits for and parses the next request head. Flushes `out` before it
/// waits: the client may be waiting for those answers before it sends.
// ANCHOR: read_head
async fn read_head(
    io: &Shared,
    out: &mut Vec<u8>,
    server: &ServerShared,
    stop: &Event,
    idle: &mut IdleTimer,
    first: bool,
) -> HeadRead {
    let config = &server.config;
    let limits = config.head_limits();
    // Before the first byte: the keep-alive timeout (the head timeout on
    // a brand-new connection). From the first byte: the head timeout.
    let idle_limit = if first { config.head_timeout } else { config.keep_alive_timeout };
    let idle_deadline = deadline_after(idle_limit);
    let mut head_deadline: Option<Instant> = None;
    loop {
        {
            let mut conn = io.borrow_mut();
            if !conn.buf.is_empty() {
                match parse_request_head(conn.buf.data(), &limits) {
                    Ok(Some((head, used))) => {
                        conn.buf.consume(used);
                        return HeadRead::Head(head);
                    }
                    Ok(None) => {
                        head_deadline.get_or_insert_with(|| deadline_after(config.head_timeout));
                    }
                    Err(error) => return HeadRead::Failed(error),
                }
            }
        }
        if flush(io, out, config.write_timeout).await.is_err() {
            return HeadRead::Closed;
        }
        let read = poll_fn(|cx| {
            let conn = &mut *io.borrow_mut();
            conn.buf.poll_read_from(&mut conn.stream, cx)
        });
        let result = match head_deadline {
            Some(deadline) => timeout_at(deadline, read).await,
            // Idle between requests: the idle deadline, or a shutdown,
            // closes us here (quietly: no request was started).
            None => match select(select(read, idle.until(idle_deadline)), stop.wait()).await {
                Either::Left(Either::Left(result)) => Ok(result),
                Either::Left(Either::Right(())) | Either::Right(()) => return HeadRead::Closed,
            },
        };
        match result {
            Ok(Ok(0)) | Ok(Err(_)) => return HeadRead::Closed,
            Ok(Ok(_)) => {}
            Err(_elapsed) if head_deadline.is_some() => return HeadRead::TimedOut,
            Err(_elapsed) => return HeadRead::Closed,
        }
    }
}
// ANCHOR_END: read_head

/// The deadline a connection waits for its next request by, kept on one
/// timer for the connection's whole life.
///
/// A fresh `timeout_at` for every wait would insert a timer into the
/// loop's timer map and take it out again on every keep-alive request:
/// about a ninth of the server's own instructions per request under
/// callgrind (`cargo bench --bench http`'s load, 50 connections). So each
/// connection keeps one `Sleep`, and moves it only when it fires before
/// the deadline that now applies, because requests came meanwhile: at
/// most once per keep-alive period. (A busy connection may get one
/// spurious wake-up from it; the next poll sees nothing to do.)
struct IdleTimer {
    sleep: Sleep,
}

impl IdleTimer {
    /// Completes once `deadline` has passed.
    async fn until(&mut self, deadline: Instant) {
        if self.sleep.deadline() > deadline {
            // A shorter limit than the timer was armed for: it must not
            // fire late.
            self.sleep.reset(deadline);
        }
        loop {
            (&mut self.sleep).await;
            if Instant::now() >= deadline {
                return;
            }
            // Armed for an earlier wait: move it to this wait's deadline.
            self.sleep.reset(deadline);
        }
    }
}

fn deadline_after(limit: Duration) -> Instant {
    // A limit of Duration::MAX means "never"; a century is never enough.
    let now = Instant::now();
    now.checked_add(limit).or_else(|| now.checked_add(Duration::from_secs(100 * 365 * 86_400))).unwrap_or(now)
}

/// The `Expect` header's wish (RFC 9110 §10.1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expectation {
    None,
    /// `100-continue` in HTTP/1.1: send `100 Continue` before reading.
    Continue,
    /// Anything else: 417.
    Unsupported,
}

impl Expectation {
    fn of(head: &RequestHead) -> Expectation {
        match head.headers.get_bytes("expect") {
            None => Expectation::None,
            Some(value) if value.trim_ascii().eq_ignore_ascii_case(b"100-continue") => {
                // An HTTP/1.0 client cannot understand a 1xx: ignore it.
                if head.version == Version::Http11 {
                    Expectation::Continue
                } else {
                    Expectation::None
                }
            }
            Some(_) => Expectation::Unsupported,
        }
    }
}

/// What to do with the body after the handler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
// ANCHOR: body_left
enum BodyLeft {
    /// Read to the end: nothing to do.
    Done,
    /// Unread, small or of unknown size: read and discard it.
    Drain,
    /// Unread and too large, broken, or never invited (100-continue not
    /// sent, so the client may never send it): close the connection.
    Abandon,
}
// ANCHOR_END: body_left

// ANCHOR: settle_plan
fn settle_plan(io: &Shared, max_drain: usize) -> BodyLeft {
    let conn = io.borrow();
    let body = &conn.body;
    if body.failed {
        BodyLeft::Abandon
    } else if body.decoder.is_done() {
        BodyLeft::Done
    } else if body.continue_owed || body.decoder.remaining().is_some_and(|n| n > max_drain as u64) {
        BodyLeft::Abandon
    } else {
        BodyLeft::Drain
    }
}
// ANCHOR_END: settle_plan

/// Reads and discards the rest of the body, up to `max` bytes. Returns
/// whether the body ended within that (so the connection can go on).
async fn drain_body(io: &Shared, max: usize, limit: Duration) -> bool {
    let number = io.borrow().request_number;
    let mut scratch = Vec::new();
    let mut total = 0;
    loop {
        scratch.clear();
        let read = poll_fn(|cx| io.borrow_mut().poll_body(cx, number, &mut scratch));
        match aioli::time::timeout(limit, read).await {
            Ok(Ok(true)) => {
                total += scratch.len();
                if total > max {
                    return false;
                }
            }
            Ok(Ok(false)) => return true,
            Ok(Err(_)) | Err(_) => return false,
        }
    }
}

/// Answers `response` with `Connection: close`, then closes lingering.
async fn close_with(io: &Shared, out: &mut Vec<u8>, response: Response, server: &ServerShared) {
    let config = &server.config;
    let mut keep_alive = false;
    let answering = Answering {
        is_head: false,
        version: Version::Http11,
        keep_alive: &mut keep_alive,
        server_name: &config.server_name,
        write_timeout: config.write_timeout,
    };
    if write_response(io, out, response, answering).await.is_ok() && flush(io, out, config.write_timeout).await.is_ok()
    {
        linger(io).await;
    }
}

/// Closes our direction cleanly: over TLS that sends `close_notify`, so
/// the client can tell "the server is done" from "the connection was
/// cut" (docs/src/34-tls-on-the-loop.md); over TCP it is the FIN that
/// dropping the socket would send anyway. Bounded, since a client that
/// reads nothing could leave it waiting.
async fn close(io: &Shared) {
    let shut = poll_fn(|cx| Pin::new(&mut io.borrow_mut().stream).poll_shutdown(cx));
    let _ = aioli::time::timeout(LINGER, shut).await;
}

/// Half-closes, then reads and discards for a moment (see the module
/// header: without it the kernel may reset away our last response).
// ANCHOR: linger
async fn linger(io: &Shared) {
    let shut = poll_fn(|cx| Pin::new(&mut io.borrow_mut().stream).poll_shutdown(cx)).await;
    if shut.is_err() {
        return;
    }
    let discard = async {
        let mut total = 0;
        while total < 256 * 1024 {
            let read = poll_fn(|cx| {
                let conn = &mut *io.borrow_mut();
                let result = conn.buf.poll_read_from(&mut conn.stream, cx);
                let len = conn.buf.data().len();
                conn.buf.consume(len);
                result
            });
            match read.await {
                Ok(0) | Err(_) => return,
                Ok(n) => total += n,
            }
        }
    };
    let _ = aioli::time::timeout(LINGER, discard).await;
}
// ANCHOR_END: linger

/// A plain-text error answer.
pub(crate) fn error_response(status: StatusCode, message: &str) -> Response {
    crate::Error::new(status, message).into_response()
}

/// Polls a handler's future and turns a panic inside it into a 500.
///
/// aioli's tasks catch panics too, but that would end the whole
/// connection task; catching here, per request, answers the client and
/// keeps its connection. `AssertUnwindSafe` is honest: after a panic the
/// future is dropped, never polled again, so no broken state is observed.
// ANCHOR: catch_panic
struct CatchPanic {
    future: HandlerFuture,
}

impl Future for CatchPanic {
    type Output = Response;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Response> {
        let future = &mut self.future;
        match catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(cx))) {
            Ok(poll) => poll,
            Err(payload) => {
                eprintln!("aioli-http: a handler panicked ({}); answered 500", panic_message(&*payload));
                Poll::Ready(error_response(StatusCode::INTERNAL_SERVER_ERROR, "the handler failed; see the server log"))
            }
        }
    }
}
// ANCHOR_END: catch_panic

fn panic_message(payload: &(dyn Any + Send)) -> &str {
    if let Some(text) = payload.downcast_ref::<&str>() {
        text
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text
    } else {
        "a non-text panic payload"
    }
}
