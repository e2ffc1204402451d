//! The load generator both servers meet: `connections` keep-alive
//! connections, each sending `GET /` and reading the whole answer before
//! the next, for a fixed time. It runs on a tokio current-thread runtime
//! in a thread of the bench's parent process, so it takes the other core
//! and never shares a loop with the server it measures.
//!
//! When `wrk` is installed it is used instead (one thread, the same number
//! of connections): a load generator neither server was written with.

use std::io;
use std::net::SocketAddr;
use std::process::Command;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// What one run of the load produced.
pub struct Load {
    pub requests: u64,
    pub elapsed: Duration,
    pub p50: Duration,
    pub p99: Duration,
    pub tool: &'static str,
}

impl Load {
    pub fn per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }
}

const REQUEST: &[u8] = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
pub const BODY: &[u8] = b"Hello, World!";

/// Runs the load against `addr` for `time`; every request is counted (a
/// caller wanting a warm-up runs this once before).
pub fn run(addr: SocketAddr, connections: usize, time: Duration) -> Load {
    if wrk_available() {
        if let Some(load) = wrk(addr, connections, time) {
            return load;
        }
    }
    own_client(addr, connections, time)
}

/// wrk is used when it runs, unless `AIOLI_HTTP_LOAD=own` asks for the
/// client below (to compare the two load generators).
fn wrk_available() -> bool {
    let own = std::env::var_os("AIOLI_HTTP_LOAD").is_some_and(|value| value == "own");
    !own && Command::new("wrk").arg("--version").output().is_ok()
}

/// `wrk -t1 -cN -dT --latency`; parses "Requests/sec:" and the latency
/// distribution's 50% and 99% lines.
fn wrk(addr: SocketAddr, connections: usize, time: Duration) -> Option<Load> {
    let seconds = time.as_secs().max(1);
    let output = Command::new("wrk")
        .args(["-t1", &format!("-c{connections}"), &format!("-d{seconds}s"), "--latency"])
        .arg(format!("http://{addr}/"))
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    let mut requests = None;
    let (mut p50, mut p99) = (None, None);
    for line in text.lines().map(str::trim) {
        let mut fields = line.split_whitespace();
        match (fields.next(), fields.next()) {
            (Some("50%"), Some(value)) => p50 = parse_wrk_duration(value),
            (Some("99%"), Some(value)) => p99 = parse_wrk_duration(value),
            (Some(count), Some("requests")) => requests = count.parse().ok(),
            _ => {}
        }
    }
    Some(Load { requests: requests?, elapsed: Duration::from_secs(seconds), p50: p50?, p99: p99?, tool: "wrk" })
}

/// wrk prints durations as `123.45us`, `1.20ms` or `2.00s`.
fn parse_wrk_duration(text: &str) -> Option<Duration> {
    let split = text.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let seconds = match unit {
        "us" => number / 1e6,
        "ms" => number / 1e3,
        "s" => number,
        "m" => number * 60.0,
        _ => return None,
    };
    Some(Duration::from_secs_f64(seconds))
}

/// The fallback: one tokio current-thread runtime, one task per connection.
fn own_client(addr: SocketAddr, connections: usize, time: Duration) -> Load {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime");
    let local = tokio::task::LocalSet::new();
    local.block_on(&runtime, async move {
        let start = Instant::now();
        let end = start + time;
        let tasks: Vec<_> = (0..connections).map(|_| tokio::task::spawn_local(connection(addr, end))).collect();
        let mut latencies = Vec::new();
        for task in tasks {
            let mine = task.await.expect("load task panicked").expect("load connection failed");
            latencies.extend(mine);
        }
        // The last requests end a little after `end`: count that time too.
        let elapsed = start.elapsed();
        latencies.sort_unstable();
        let at = |q: f64| latencies.get(((latencies.len() as f64 - 1.0) * q) as usize).copied().unwrap_or_default();
        Load { requests: latencies.len() as u64, elapsed, p50: at(0.50), p99: at(0.99), tool: "own client" }
    })
}

/// One keep-alive connection: request, whole response, repeat until `end`;
/// returns the latency of each request.
async fn connection(addr: SocketAddr, end: Instant) -> io::Result<Vec<Duration>> {
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let mut buf = vec![0u8; 4096];
    let mut latencies = Vec::with_capacity(1 << 16);
    loop {
        let sent = Instant::now();
        if sent >= end {
            return Ok(latencies);
        }
        stream.write_all(REQUEST).await?;
        read_response(&mut stream, &mut buf).await?;
        latencies.push(sent.elapsed());
    }
}

/// Reads one response with a `Content-Length` body and checks it is the
/// expected `200` and `Hello, World!`, so a server that answered anything
/// else fails the bench instead of winning it.
pub async fn read_response<S: tokio::io::AsyncRead + Unpin>(stream: &mut S, buf: &mut [u8]) -> io::Result<()> {
    let mut filled = 0;
    loop {
        let n = stream.read(&mut buf[filled..]).await?;
        if n == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "server closed the connection"));
        }
        filled += n;
        if let Some(head_end) = buf[..filled].windows(4).position(|w| w == b"\r\n\r\n") {
            let head = std::str::from_utf8(&buf[..head_end]).map_err(|_| bad("head is not UTF-8"))?;
            if !head.starts_with("HTTP/1.1 200") {
                return Err(bad(&format!("unexpected answer: {head}")));
            }
            let length: usize = head
                .lines()
                .find_map(|line| {
                    let (name, value) = line.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length").then(|| value.trim().parse().ok())?
                })
                .ok_or_else(|| bad("no Content-Length in the answer"))?;
            let total = head_end + 4 + length;
            while filled < total {
                let n = stream.read(&mut buf[filled..]).await?;
                if n == 0 {
                    return Err(bad("server closed the connection mid-body"));
                }
                filled += n;
            }
            if &buf[head_end + 4..total] != BODY || filled != total {
                return Err(bad("unexpected body, or bytes after it"));
            }
            return Ok(());
        }
    }
}

fn bad(message: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.to_string())
}
