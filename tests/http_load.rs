//! A bounded load test: 200 connections at once, each sending its own
//! bodies through `/echo` over keep-alive, every byte checked.
//!
//! The bodies differ per connection and per request (a pattern seeded by
//! both), so an answer delivered to the wrong connection, a body cut
//! short, or bytes from one request leaking into the next all show up as
//! a mismatch. Clients are std threads (blocking sockets): a peer written
//! without aioli.

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use aioli_http::ServerConfig;
use common::http::TestServer;

const CONNECTIONS: usize = 200;
const REQUESTS_PER_CONNECTION: usize = 5;

/// The body connection `conn` sends in its request `req`: 1 to ~20 KiB
/// of bytes no other (conn, req) pair produces at the same offsets.
fn body(conn: usize, req: usize) -> Vec<u8> {
    let len = 1 + (conn * 7919 + req * 104_729) % (20 * 1024);
    let mut state = (conn as u32).wrapping_mul(2_654_435_761) ^ (req as u32).wrapping_mul(40_503);
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state as u8
        })
        .collect()
}

/// Sends this connection's requests one after another on one socket and
/// returns how many body bytes came back wrong (0 when all is well).
fn client(addr: SocketAddr, conn: usize) -> Result<usize, String> {
    let mut stream = TcpStream::connect(addr).map_err(|e| format!("connection {conn}: connect: {e}"))?;
    stream.set_read_timeout(Some(Duration::from_secs(20))).map_err(|e| e.to_string())?;
    let mut mismatched = 0;
    for req in 0..REQUESTS_PER_CONNECTION {
        let sent = body(conn, req);
        let head = format!(
            "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\n\r\n",
            sent.len()
        );
        stream.write_all(head.as_bytes()).map_err(|e| format!("connection {conn}: send: {e}"))?;
        stream.write_all(&sent).map_err(|e| format!("connection {conn}: send: {e}"))?;
        let got = read_response_body(&mut stream).map_err(|e| format!("connection {conn} request {req}: {e}"))?;
        mismatched += sent.len().abs_diff(got.len());
        mismatched += sent.iter().zip(&got).filter(|(a, b)| a != b).count();
    }
    Ok(mismatched)
}

/// Reads one `200` response with a Content-Length body; returns the body.
fn read_response_body(stream: &mut TcpStream) -> Result<Vec<u8>, String> {
    let mut data = Vec::new();
    let mut buf = [0u8; 8192];
    let head_end = loop {
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        let n = stream.read(&mut buf).map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("closed before the head ended".into());
        }
        data.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    if !head.starts_with("HTTP/1.1 200") {
        return Err(format!("answered {head:?}"));
    }
    let length: usize = head
        .lines()
        .find_map(|line| line.split_once(':').filter(|(name, _)| name.eq_ignore_ascii_case("content-length")))
        .and_then(|(_, value)| value.trim().parse().ok())
        .ok_or_else(|| format!("no Content-Length in {head:?}"))?;
    let mut body = data.split_off(head_end + 4);
    while body.len() < length {
        let n = stream.read(&mut buf).map_err(|e| e.to_string())?;
        if n == 0 {
            return Err(format!("closed after {} of {length} body bytes", body.len()));
        }
        body.extend_from_slice(&buf[..n]);
    }
    if body.len() > length {
        return Err("bytes after the body, before any next request".into());
    }
    Ok(body)
}

#[test]
fn two_hundred_connections_echo_their_own_bodies() {
    let server = TestServer::start(ServerConfig::default());
    let addr = server.addr;
    let clients: Vec<_> = (0..CONNECTIONS).map(|conn| std::thread::spawn(move || client(addr, conn))).collect();
    let mut mismatched = 0;
    let mut failures = Vec::new();
    for handle in clients {
        match handle.join().expect("client thread panicked") {
            Ok(bad) => mismatched += bad,
            Err(e) => failures.push(e),
        }
    }
    assert!(failures.is_empty(), "{} connections failed, first: {}", failures.len(), failures[0]);
    assert_eq!(mismatched, 0, "bytes echoed wrong across {CONNECTIONS} connections");
}
