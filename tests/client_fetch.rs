//! `examples/fetch.rs`, the small curl, run as a program against a raw
//! std-socket server: what it prints, and its exit status for complete
//! responses (0, whatever the status code) and for failures (1, one line
//! on stderr).
//!
//! Cargo gives integration tests the path of `[[bin]]` targets but not of
//! examples, so the test builds the example itself with the same cargo.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

const LIMIT: Duration = Duration::from_secs(60);

fn fetch_binary() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
            let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
            let status = Command::new(cargo)
                .args(["build", "--quiet", "--example", "fetch"])
                .current_dir(&root)
                .status()
                .expect("cargo runs");
            assert!(status.success(), "cargo build --example fetch failed");
            let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"));
            target.join("debug").join("examples").join("fetch")
        })
        .clone()
}

/// Runs fetch with `args`, killed after [`LIMIT`].
fn fetch(args: &[&str]) -> Output {
    let mut child = Command::new(fetch_binary())
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("fetch starts");
    let start = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            panic!("fetch {args:?} did not finish within {LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.wait_with_output().expect("output")
}

/// A one-thread server answering each connection with `answer(request
/// head, body)`, for `connections` connections, on 127.0.0.1:0.
struct Server {
    addr: SocketAddr,
    accepted: Arc<AtomicUsize>,
}

impl Server {
    fn start(connections: usize, answer: fn(&str, &[u8]) -> Reply) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let accepted = Arc::new(AtomicUsize::new(0));
        let count = accepted.clone();
        std::thread::spawn(move || {
            for _ in 0..connections {
                let Ok((stream, _)) = listener.accept() else { return };
                count.fetch_add(1, Ordering::SeqCst);
                serve(stream, answer);
            }
        });
        Server { addr, accepted }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

fn serve(stream: TcpStream, answer: fn(&str, &[u8]) -> Reply) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    loop {
        let mut head = String::new();
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            head.push_str(&line);
            if line == "\r\n" {
                break;
            }
        }
        let length = head
            .lines()
            .find_map(|line| line.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_string()))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        match answer(&head, &body) {
            Reply::Send(bytes) => {
                let _ = writer.write_all(&bytes);
            }
            Reply::SendAndClose(bytes) => {
                let _ = writer.write_all(&bytes);
                return;
            }
            Reply::Silent => {
                // Never answer: hold the connection until the client leaves.
                let _ = reader.read_to_end(&mut Vec::new());
                return;
            }
        }
    }
}

/// What the server does with one request.
enum Reply {
    /// Answer, and wait for the next request on the connection.
    Send(Vec<u8>),
    /// Answer, then close the connection.
    SendAndClose(Vec<u8>),
    /// Never answer.
    Silent,
}

fn ok(body: &str) -> Vec<u8> {
    format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nX-Served-By: raw\r\n\r\n{body}", body.len()).into_bytes()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn prints_the_body_and_exits_0_whatever_the_status() {
    let server = Server::start(2, |head, _| {
        if head.starts_with("GET /missing") {
            Reply::Send(b"HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\nnope".to_vec())
        } else {
            Reply::Send(ok("hello\n"))
        }
    });
    let output = fetch(&[&server.url("/")]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout), "hello\n");
    let output = fetch(&[&server.url("/missing")]);
    assert!(output.status.success());
    assert_eq!(text(&output.stdout), "nope");
}

#[test]
fn include_prints_the_status_line_and_headers_first() {
    let server = Server::start(1, |_, _| Reply::Send(ok("body")));
    let output = fetch(&["-i", &server.url("/")]);
    assert!(output.status.success());
    let out = text(&output.stdout);
    assert!(out.starts_with("HTTP/1.1 200 OK\r\n"), "{out}");
    assert!(out.contains("X-Served-By: raw\r\n"), "{out}");
    assert!(out.ends_with("\r\n\r\nbody"), "{out}");
}

#[test]
fn method_headers_and_bodies_are_sent() {
    let server = Server::start(2, |head, body| {
        let method = head.split_whitespace().next().unwrap_or("");
        let custom = head.lines().find(|line| line.starts_with("X-Test:")).unwrap_or("X-Test: -");
        Reply::Send(ok(&format!("{method} {custom} {}", text(body))))
    });
    let output = fetch(&["-X", "PUT", "-H", "X-Test: yes", "--data", "hello", &server.url("/")]);
    assert_eq!(text(&output.stdout), "PUT X-Test: yes hello");
    let file = std::env::temp_dir().join(format!("aioli-fetch-{}.txt", std::process::id()));
    std::fs::write(&file, "from a file").unwrap();
    let output = fetch(&["--post", file.to_str().unwrap(), &server.url("/")]);
    let _ = std::fs::remove_file(&file);
    assert_eq!(text(&output.stdout), "POST X-Test: - from a file");
}

#[test]
fn twice_reuses_one_connection_across_the_sleep() {
    let server = Server::start(2, |_, _| Reply::Send(ok("again\n")));
    let output = fetch(&["--twice", "--sleep", "0.2", &server.url("/")]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout), "again\nagain\n");
    assert_eq!(server.accepted.load(Ordering::SeqCst), 1);
}

#[test]
fn failures_exit_1_with_one_line_on_stderr() {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let refused = fetch(&[&format!("http://127.0.0.1:{port}/")]);
    assert_eq!(refused.status.code(), Some(1));
    let message = text(&refused.stderr);
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(message.contains("refused") && message.contains(&port.to_string()), "{message}");

    let cut =
        Server::start(1, |_, _| Reply::SendAndClose(b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nshort".to_vec()));
    let output = fetch(&[&cut.url("/")]);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("protocol"), "{}", text(&output.stderr));

    let silent = Server::start(1, |_, _| Reply::Silent);
    let output = fetch(&["--timeout", "0.3", &silent.url("/")]);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("timeout"), "{}", text(&output.stderr));

    let usage = fetch(&["--bogus"]);
    assert_eq!(usage.status.code(), Some(2));
}
