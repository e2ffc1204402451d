//! A raw HTTP peer on std's blocking sockets, for client tests.
//!
//! Each test hands [`RawServer::start`] a function that plays the server
//! on one connection, byte by byte, so it can misbehave on purpose: close
//! mid-body, send a bad chunk size, never answer, answer before reading.
//! The server counts connections (accepted in total, open at once, the
//! peak), so pool limits are checked from the server's side. It listens
//! on 127.0.0.1:0, every socket has a read timeout, and dropping the
//! `RawServer` stops the accept loop; nothing outlives the test.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// No test needs its server for longer than this.
const LIFETIME: Duration = Duration::from_secs(20);

/// One request as the server read it.
#[derive(Debug, Clone, Default)]
pub struct RawRequest {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// The server's end of one connection.
pub struct Peer {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
    /// Which connection this is, counting from 0.
    pub index: usize,
}

impl Peer {
    /// Reads one request head and its Content-Length body; `None` when the
    /// client closed (or went quiet past the socket's read timeout).
    pub fn read_request(&mut self) -> Option<RawRequest> {
        let request = self.read_head()?;
        let length: usize = request.header("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body).ok()?;
        Some(RawRequest { body, ..request })
    }

    /// Reads only the head, leaving any body unread.
    pub fn read_head(&mut self) -> Option<RawRequest> {
        let mut line = String::new();
        if self.reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let mut words = line.split_whitespace();
        let method = words.next()?.to_string();
        let target = words.next()?.to_string();
        let mut headers = Vec::new();
        loop {
            let mut line = String::new();
            if self.reader.read_line(&mut line).ok()? == 0 {
                return None;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            let (name, value) = line.split_once(':')?;
            headers.push((name.trim().to_string(), value.trim().to_string()));
        }
        Some(RawRequest { method, target, headers, body: Vec::new() })
    }

    /// Writes raw bytes (errors ignored: the client may be gone).
    pub fn write(&mut self, bytes: impl AsRef<[u8]>) {
        let _ = self.writer.write_all(bytes.as_ref());
        let _ = self.writer.flush();
    }

    /// A `200 OK` with `body` and a Content-Length.
    pub fn respond(&mut self, body: &str) {
        self.write(format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}", body.len()));
    }

    /// Waits until the client closes (or the read timeout passes).
    pub fn wait_for_close(&mut self) {
        let mut sink = Vec::new();
        let _ = self.reader.read_to_end(&mut sink);
    }
}

/// Connection counts, shared with the server threads.
#[derive(Default)]
struct Counts {
    accepted: AtomicUsize,
    open: AtomicUsize,
    peak: AtomicUsize,
}

/// A server whose every connection runs `handler` on its own thread.
pub struct RawServer {
    pub addr: SocketAddr,
    stop: Arc<AtomicBool>,
    counts: Arc<Counts>,
    accept_loop: Option<JoinHandle<()>>,
    /// Requests seen, for tests that look at what the client sent.
    pub seen: Arc<Mutex<Vec<RawRequest>>>,
}

impl RawServer {
    pub fn start<F>(handler: F) -> RawServer
    where
        F: Fn(&mut Peer) + Send + Sync + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        listener.set_nonblocking(true).expect("nonblocking listener");
        let stop = Arc::new(AtomicBool::new(false));
        let counts = Arc::new(Counts::default());
        let handler = Arc::new(handler);
        let accept_loop = {
            let (stop, counts) = (stop.clone(), counts.clone());
            std::thread::spawn(move || {
                let started = Instant::now();
                let mut workers = Vec::new();
                while !stop.load(Ordering::SeqCst) && started.elapsed() < LIFETIME {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            let index = counts.accepted.fetch_add(1, Ordering::SeqCst);
                            let open = counts.open.fetch_add(1, Ordering::SeqCst) + 1;
                            counts.peak.fetch_max(open, Ordering::SeqCst);
                            let (handler, counts) = (handler.clone(), counts.clone());
                            workers.push(std::thread::spawn(move || {
                                let _ = stream.set_nonblocking(false);
                                let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                                let _ = stream.set_nodelay(true);
                                if let Ok(writer) = stream.try_clone() {
                                    let mut peer = Peer { reader: BufReader::new(stream), writer, index };
                                    handler(&mut peer);
                                }
                                counts.open.fetch_sub(1, Ordering::SeqCst);
                            }));
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(2)),
                    }
                }
                for worker in workers {
                    let _ = worker.join();
                }
            })
        };
        RawServer { addr, stop, counts, accept_loop: Some(accept_loop), seen: Arc::default() }
    }

    /// `http://127.0.0.1:PORT{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Connections accepted so far.
    pub fn accepted(&self) -> usize {
        self.counts.accepted.load(Ordering::SeqCst)
    }

    /// Connections open right now (as the server sees them).
    pub fn open(&self) -> usize {
        self.counts.open.load(Ordering::SeqCst)
    }

    /// The most connections that were open at once.
    pub fn peak(&self) -> usize {
        self.counts.peak.load(Ordering::SeqCst)
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(accept_loop) = self.accept_loop.take() {
            let _ = accept_loop.join();
        }
    }
}

/// A keep-alive server that answers every request with `body`.
pub fn echo_server(body: &'static str) -> RawServer {
    RawServer::start(move |peer| {
        while peer.read_request().is_some() {
            peer.respond(body);
        }
    })
}

/// Runs `future` on a fresh aioli loop, bounded to 15 s so a hang fails
/// the test instead of stalling the suite.
pub fn run<F: std::future::Future>(future: F) -> F::Output {
    aioli::run(async move {
        match aioli::time::timeout(Duration::from_secs(15), future).await {
            Ok(output) => output,
            Err(_) => panic!("the test's client side hung for 15 s"),
        }
    })
}
