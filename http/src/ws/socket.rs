//! The socket: messages in and out over one connection, on the loop.
//!
//! A [`WebSocket`] is two halves that share the connection: a
//! [`WsSender`] (encodes a message as one frame, masks it if this end is
//! the client, writes it under an async lock so two tasks' frames never
//! interleave) and a [`WsReceiver`] (reads bytes into a buffer, feeds the
//! frame decoder and the message assembler, and answers what the protocol
//! says must be answered: a ping with a pong, a Close with a Close, a
//! broken frame with a Close carrying the right code). Used whole, the
//! socket is `send`/`recv`/`close`; [`WebSocket::split`] hands the halves
//! to two tasks, as a chat room does (one task reads a client, another
//! writes what an `mpsc` channel brings it).
//!
//! On the loop, a server's WebSocket is the connection's task, still: the
//! upgrade function runs in it and `recv().await` parks it until the
//! reactor reports the socket readable, exactly like an HTTP request read.
//! The two halves share one `Rc<RefCell<..>>` and borrow it only inside a
//! single `poll`, never across an `.await`, so a reading task and a
//! writing task take turns at the socket without ever holding it both.
//!
//! The closing handshake (RFC 6455 §7): one side sends Close, the other
//! answers Close, and the server closes the TCP connection.
//! [`WebSocket::close`] sends, then reads until the answer comes (or
//! `Config::close_timeout` passes); a received Close is answered in
//! `recv`, which then returns `None`.
//!
//! tokio-tungstenite is a `Stream + Sink` of messages, split with
//! `StreamExt::split`; aiohttp's `WebSocketResponse` has `send_str`,
//! `receive`, `close` and answers pings itself (`autoping`), as here.
//!
//! Chapter: docs/src/40-websocket.md

use std::cell::{Cell, RefCell};
use std::fmt;
use std::future::poll_fn;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::rc::Rc;
use std::time::Duration;

use aioli::io::{AsyncRead, AsyncWrite};
use aioli::sync::Mutex;

use super::close::{CloseCode, CloseFrame};
use super::error::Error;
use super::frame::{self, Frame, FrameDecoder, Opcode, ProtocolError, Role, MAX_CONTROL_PAYLOAD};
use super::message::{Assembler, Message};
use super::random;

/// What a WebSocket runs over: the server's `Upgraded`, the client's
/// `TcpStream`, anything that reads and writes bytes.
pub(crate) trait Transport: AsyncRead + AsyncWrite + Unpin {}
impl<T: AsyncRead + AsyncWrite + Unpin> Transport for T {}

/// Limits and timeouts of a WebSocket.
#[derive(Debug, Clone)]
pub struct Config {
    /// The largest message (all its fragments together) accepted, in
    /// bytes; a larger one closes the connection with 1009.
    pub max_message_bytes: usize,
    /// How long [`WebSocket::close`] waits for the peer's Close.
    pub close_timeout: Duration,
}

impl Default for Config {
    /// 4 MiB messages (aiohttp's default `max_msg_size`), 5 s to close.
    fn default() -> Config {
        Config { max_message_bytes: 4 * 1024 * 1024, close_timeout: Duration::from_secs(5) }
    }
}

impl Config {
    /// Sets [`max_message_bytes`](Self::max_message_bytes).
    pub fn max_message_bytes(mut self, bytes: usize) -> Config {
        self.max_message_bytes = bytes;
        self
    }

    /// Sets [`close_timeout`](Self::close_timeout).
    pub fn close_timeout(mut self, limit: Duration) -> Config {
        self.close_timeout = limit;
        self
    }
}

/// What both halves share.
struct Shared {
    /// The connection. Borrowed only inside one `poll`.
    io: RefCell<Box<dyn Transport>>,
    /// Held while one frame is written, so frames never interleave.
    write_lock: Mutex<()>,
    /// Which end we are: the client masks what it sends.
    role: Role,
    /// Set once our Close frame is out: after it, no more frames (§5.5.1).
    close_sent: Cell<bool>,
    /// The peer's address, for logs and chat rooms.
    peer: Option<SocketAddr>,
}

impl Shared {
    /// Encodes and writes one frame, masked when we are the client.
    async fn write_frame(&self, frame: Frame) -> Result<(), Error> {
        let mask = match self.role {
            Role::Client => Some(random::mask_key()),
            Role::Server => None,
        };
        let mut bytes = Vec::with_capacity(frame.payload.len() + 14);
        frame::encode(&frame, mask, &mut bytes);
        let _turn = self.write_lock.lock().await;
        let mut written = 0;
        while written < bytes.len() {
            let n = poll_fn(|cx| Pin::new(&mut **self.io.borrow_mut()).poll_write(cx, &bytes[written..])).await?;
            if n == 0 {
                return Err(Error::Io(io::ErrorKind::WriteZero.into()));
            }
            written += n;
        }
        poll_fn(|cx| Pin::new(&mut **self.io.borrow_mut()).poll_flush(cx)).await?;
        Ok(())
    }

    /// Sends our Close frame, once.
    async fn send_close(&self, close: Option<&CloseFrame>) -> Result<(), Error> {
        if self.close_sent.replace(true) {
            return Ok(());
        }
        let payload = close.map_or_else(Vec::new, |close| frame::close_payload(close.code, &close.reason));
        self.write_frame(Frame::new(Opcode::Close, payload)).await
    }

    /// Ends our direction of the TCP connection (the peer reads end-of-file).
    async fn shutdown(&self) {
        let _turn = self.write_lock.lock().await;
        let _ = poll_fn(|cx| Pin::new(&mut **self.io.borrow_mut()).poll_shutdown(cx)).await;
    }
}

/// A WebSocket connection: [`send`](Self::send), [`recv`](Self::recv),
/// [`close`](Self::close), or [`split`](Self::split) into halves.
pub struct WebSocket {
    sender: WsSender,
    receiver: WsReceiver,
    /// For `close`'s wait for the peer's answer.
    close_timeout: Duration,
}

/// The sending half of a [`WebSocket`]. Clones send on the same socket.
#[derive(Clone)]
pub struct WsSender {
    shared: Rc<Shared>,
}

/// The receiving half of a [`WebSocket`].
pub struct WsReceiver {
    shared: Rc<Shared>,
    /// Bytes read and not yet decoded: `buf[start..]`.
    buf: Vec<u8>,
    /// Where undecoded bytes begin in `buf`.
    start: usize,
    /// The frame rules for our role and limit.
    decoder: FrameDecoder,
    /// Fragments of the message being received.
    assembler: Assembler,
    /// Set after a Close, an error or end-of-file: `recv` returns `None`.
    done: bool,
}

/// How much to read at a time.
const READ_CHUNK: usize = 8 * 1024;

impl WebSocket {
    /// A WebSocket over `io`, as `role`, with `already_read` bytes that
    /// arrived behind the handshake.
    pub(crate) fn new(
        io: Box<dyn Transport>,
        role: Role,
        config: &Config,
        peer: Option<SocketAddr>,
        already_read: Vec<u8>,
    ) -> WebSocket {
        let shared = Rc::new(Shared {
            io: RefCell::new(io),
            write_lock: Mutex::new(()),
            role,
            close_sent: Cell::new(false),
            peer,
        });
        let receiver = WsReceiver {
            shared: shared.clone(),
            buf: already_read,
            start: 0,
            decoder: FrameDecoder::new(role, config.max_message_bytes),
            assembler: Assembler::new(config.max_message_bytes),
            done: false,
        };
        WebSocket { sender: WsSender { shared }, receiver, close_timeout: config.close_timeout }
    }

    /// Sends a message. See [`WsSender::send`].
    pub async fn send(&self, message: impl Into<Message>) -> Result<(), Error> {
        self.sender.send(message).await
    }

    /// The next message; `None` once the connection is closed. See
    /// [`WsReceiver::recv`].
    pub async fn recv(&mut self) -> Option<Result<Message, Error>> {
        self.receiver.recv().await
    }

    // ANCHOR: close
    /// The closing handshake from our side: sends Close with `code` and
    /// `reason`, then reads (dropping any data still in flight) until the
    /// peer's Close comes back or `Config::close_timeout` passes. After
    /// the peer's Close was received (and answered), there is nothing to do.
    pub async fn close(&mut self, code: CloseCode, reason: &str) -> Result<(), Error> {
        if !self.sender.shared.close_sent.get() {
            self.sender.close(code, reason).await?;
        }
        let answer = async {
            while let Some(result) = self.receiver.recv().await {
                if let Ok(Message::Close(_)) | Err(_) = result {
                    break;
                }
            }
        };
        // A peer that never answers must not keep us here forever.
        let _ = aioli::time::timeout(self.close_timeout, answer).await;
        self.receiver.done = true;
        self.sender.shared.shutdown().await;
        Ok(())
    }
    // ANCHOR_END: close

    /// The peer's address.
    pub fn peer_addr(&self) -> Option<SocketAddr> {
        self.sender.shared.peer
    }

    /// Two halves for two tasks: one sends, one receives.
    pub fn split(self) -> (WsSender, WsReceiver) {
        (self.sender, self.receiver)
    }
}

impl WsSender {
    /// Sends a message as one frame: text, binary, a ping or pong (at most
    /// 125 bytes), or a Close (same as [`close`](Self::close)).
    ///
    /// Not cancel-safe: dropping this future halfway through a large
    /// frame leaves a partial frame on the wire, and the peer will close.
    pub async fn send(&self, message: impl Into<Message>) -> Result<(), Error> {
        let (opcode, payload) = match message.into() {
            Message::Text(text) => (Opcode::Text, text.into_bytes()),
            Message::Binary(bytes) => (Opcode::Binary, bytes),
            Message::Ping(bytes) => (Opcode::Ping, bytes),
            Message::Pong(bytes) => (Opcode::Pong, bytes),
            Message::Close(None) => return self.close_frame(None).await,
            Message::Close(Some(close)) => return self.close_frame(Some(close)).await,
        };
        if opcode.is_control() && payload.len() > MAX_CONTROL_PAYLOAD {
            return Err(Error::Io(io::Error::new(
                io::ErrorKind::InvalidInput,
                "a ping or pong payload may be at most 125 bytes",
            )));
        }
        if self.shared.close_sent.get() {
            return Err(Error::Closed);
        }
        self.shared.write_frame(Frame::new(opcode, payload)).await
    }

    /// Sends a Close frame with `code` and `reason` (cut to 123 bytes).
    /// Starts the closing handshake; the peer's answer arrives through
    /// the receiving half's `recv` as [`Message::Close`].
    pub async fn close(&self, code: CloseCode, reason: &str) -> Result<(), Error> {
        self.close_frame(Some(CloseFrame::new(code, reason))).await
    }

    async fn close_frame(&self, close: Option<CloseFrame>) -> Result<(), Error> {
        if let Some(close) = &close {
            if !close.code.is_sendable() {
                return Err(Error::InvalidCloseCode(close.code.0));
            }
        }
        if self.shared.close_sent.get() {
            return Err(Error::Closed);
        }
        self.shared.send_close(close.as_ref()).await
    }

    /// The peer's address.
    pub fn peer_addr(&self) -> Option<SocketAddr> {
        self.shared.peer
    }
}

impl WsReceiver {
    // ANCHOR: recv
    /// The next message, or `None` once the connection is closed (after a
    /// Close, an error, or the peer's end-of-file).
    ///
    /// Answers what it must on the way: a ping with a pong, a Close with a
    /// Close (then the server ends the TCP connection), and a frame that
    /// breaks the protocol with a Close carrying the code that says why
    /// (returned as `Err(Error::Protocol)`). Cancel-safe while waiting for
    /// bytes: no byte read is lost if this future is dropped.
    pub async fn recv(&mut self) -> Option<Result<Message, Error>> {
        loop {
            if self.done {
                return None;
            }
            match self.decoder.decode(&self.buf[self.start..]) {
                Ok(Some((frame, used))) => {
                    self.start += used;
                    match self.assembler.push(frame) {
                        Ok(None) => continue, // a fragment: keep reading
                        Ok(Some(message)) => return Some(self.answer(message).await),
                        Err(error) => return Some(Err(self.fail(error).await)),
                    }
                }
                Ok(None) => {
                    if let Err(error) = self.read_more().await {
                        self.done = true;
                        return Some(Err(error));
                    }
                }
                Err(error) => return Some(Err(self.fail(error).await)),
            }
        }
    }
    // ANCHOR_END: recv

    /// Does what the protocol asks on receiving `message`, then hands it on.
    async fn answer(&mut self, message: Message) -> Result<Message, Error> {
        match &message {
            Message::Ping(payload) if !self.shared.close_sent.get() => {
                self.shared.write_frame(Frame::new(Opcode::Pong, payload.clone())).await?;
            }
            Message::Close(close) => {
                self.done = true;
                // Echo the code (§5.5.1), unless we had already sent ours.
                let echoed = close.as_ref().map(|close| CloseFrame::new(close.code, ""));
                let sent = self.shared.send_close(echoed.as_ref()).await;
                if self.shared.role == Role::Server {
                    // The server ends TCP first, so the client's port is
                    // not left in TIME_WAIT (§7.1.1).
                    self.shared.shutdown().await;
                }
                sent?;
            }
            _ => {}
        }
        Ok(message)
    }

    /// The peer broke the protocol: tell it why with a Close, and stop.
    async fn fail(&mut self, error: ProtocolError) -> Error {
        self.done = true;
        let close = CloseFrame::new(error.code, error.reason);
        let _ = self.shared.send_close(Some(&close)).await;
        self.shared.shutdown().await;
        Error::Protocol(error)
    }

    /// Reads what the socket has into the buffer; end-of-file is an error
    /// here, since a WebSocket ends with a Close frame, not a bare EOF.
    async fn read_more(&mut self) -> Result<(), Error> {
        if self.start > 0 {
            self.buf.drain(..self.start);
            self.start = 0;
        }
        let old = self.buf.len();
        self.buf.resize(old + READ_CHUNK, 0);
        let read = poll_fn(|cx| Pin::new(&mut **self.shared.io.borrow_mut()).poll_read(cx, &mut self.buf[old..])).await;
        let n = match read {
            Ok(n) => n,
            Err(error) => {
                self.buf.truncate(old);
                return Err(Error::Io(error));
            }
        };
        self.buf.truncate(old + n);
        if n == 0 {
            return Err(Error::Io(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the peer closed the connection without a Close frame (1006, abnormal closure)",
            )));
        }
        Ok(())
    }

    /// The peer's address.
    pub fn peer_addr(&self) -> Option<SocketAddr> {
        self.shared.peer
    }
}

impl fmt::Debug for WebSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebSocket")
            .field("role", &self.sender.shared.role)
            .field("peer", &self.sender.shared.peer)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for WsSender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WsSender").field("peer", &self.shared.peer).finish_non_exhaustive()
    }
}

impl fmt::Debug for WsReceiver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WsReceiver").field("peer", &self.shared.peer).field("done", &self.done).finish_non_exhaustive()
    }
}
