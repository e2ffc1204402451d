//! Test support: a server on its own thread and loop, and a small blocking
//! HTTP client written independently of the crate's own parser.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use aioli_http::{App, Server};

/// A server running on a thread of its own (with its own aioli loop), so
/// the test thread can be a plain blocking client.
pub struct TestServer {
    pub addr: SocketAddr,
    stop: Option<aioli::sync::oneshot::Sender<Duration>>,
    thread: Option<thread::JoinHandle<usize>>,
}

impl TestServer {
    /// Starts `app()` (built on the server's thread: apps are not `Send`).
    pub fn start(server: Server, app: fn() -> App) -> TestServer {
        let (addr_tx, addr_rx) = mpsc::channel();
        let (stop_tx, stop_rx) = aioli::sync::oneshot::channel::<Duration>();
        let thread = thread::spawn(move || {
            aioli::run(async move {
                let handle = server.start(app()).await.expect("server starts");
                addr_tx.send(handle.local_addr()).expect("test thread waits");
                let deadline = stop_rx.await.unwrap_or(Duration::from_millis(100));
                handle.shutdown(deadline).await
            })
        });
        let addr = addr_rx.recv_timeout(Duration::from_secs(10)).expect("server reports its address");
        TestServer { addr, stop: Some(stop_tx), thread: Some(thread) }
    }

    pub fn connect(&self) -> Client {
        Client::connect(self.addr)
    }

    /// Shuts down with `deadline`; returns how many connections were forced.
    pub fn shutdown(mut self, deadline: Duration) -> usize {
        self.stop_now(deadline)
    }

    fn stop_now(&mut self, deadline: Duration) -> usize {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(deadline);
        }
        self.thread.take().map(|thread| thread.join().expect("server thread ends")).unwrap_or(0)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if !thread::panicking() {
            self.stop_now(Duration::from_millis(100));
        } else if let Some(stop) = self.stop.take() {
            let _ = stop.send(Duration::ZERO);
        }
    }
}

/// A parsed response, as the test client saw it.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub head: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A blocking client over one connection.
pub struct Client {
    pub reader: BufReader<TcpStream>,
}

impl Client {
    pub fn connect(addr: SocketAddr) -> Client {
        let stream = TcpStream::connect(addr).expect("connect");
        stream.set_read_timeout(Some(Duration::from_secs(5))).expect("read timeout");
        Client { reader: BufReader::new(stream) }
    }

    pub fn send(&mut self, bytes: impl AsRef<[u8]>) {
        self.reader.get_mut().write_all(bytes.as_ref()).expect("send");
    }

    /// Sends a bare `GET path` with Host and reads the reply.
    pub fn get(&mut self, path: &str) -> Reply {
        self.send(format!("GET {path} HTTP/1.1\r\nHost: test\r\n\r\n"));
        self.read_reply(false)
    }

    /// Reads one response. `head_request`: no body follows whatever the
    /// headers say.
    pub fn read_reply(&mut self, head_request: bool) -> Reply {
        let mut head = String::new();
        loop {
            let mut line = String::new();
            let n = self.reader.read_line(&mut line).expect("read a response line");
            assert!(n > 0, "connection closed before a full response head; got {head:?}");
            head.push_str(&line);
            if line == "\r\n" {
                break;
            }
        }
        let mut lines = head.split("\r\n");
        let status_line = lines.next().unwrap_or("");
        let status: u16 = status_line.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("status code");
        let headers: Vec<(String, String)> = lines
            .filter(|line| !line.is_empty())
            .map(|line| {
                let (name, value) = line.split_once(':').expect("header colon");
                (name.to_string(), value.trim().to_string())
            })
            .collect();
        let mut reply = Reply { status, head: head.clone(), headers, body: Vec::new() };
        if head_request || status < 200 || status == 204 || status == 304 {
            return reply;
        }
        if let Some(length) = reply.header("content-length") {
            let mut body = vec![0; length.parse().expect("numeric length")];
            self.reader.read_exact(&mut body).expect("read body");
            reply.body = body;
        } else if reply.header("transfer-encoding").is_some_and(|te| te.eq_ignore_ascii_case("chunked")) {
            loop {
                let mut size_line = String::new();
                self.reader.read_line(&mut size_line).expect("chunk size");
                let size = usize::from_str_radix(size_line.trim(), 16).expect("hex size");
                let mut chunk = vec![0; size + 2];
                self.reader.read_exact(&mut chunk).expect("chunk");
                assert_eq!(&chunk[size..], b"\r\n");
                if size == 0 {
                    break;
                }
                reply.body.extend_from_slice(&chunk[..size]);
            }
        } else {
            self.reader.read_to_end(&mut reply.body).expect("body until close");
        }
        reply
    }

    /// Whether the server closed the connection (EOF within the read timeout).
    pub fn is_closed(&mut self) -> bool {
        let mut byte = [0u8; 1];
        matches!(self.reader.read(&mut byte), Ok(0) | Err(_))
    }

    /// Whether nothing arrives for `wait` (the connection stays open, idle).
    pub fn is_silent_for(&mut self, wait: Duration) -> bool {
        let stream = self.reader.get_ref();
        stream.set_read_timeout(Some(wait)).expect("timeout");
        let mut byte = [0u8; 1];
        let silent = match self.reader.read(&mut byte) {
            Err(error) => matches!(error.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut),
            Ok(_) => false,
        };
        self.reader.get_ref().set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
        silent
    }
}
