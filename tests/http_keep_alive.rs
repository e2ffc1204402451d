//! The keep-alive deadline when it moves: each connection keeps one idle
//! timer and moves it lazily (see `IdleTimer` in
//! `http/src/server/connection.rs`), so these check that a timer armed
//! for an earlier, shorter wait never closes a connection early, and that
//! the real deadline still closes it.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use aioli_http::ServerConfig;
use common::http::TestServer;

/// Sends a GET on `stream` and reads its whole (small) answer.
fn get(stream: &mut TcpStream) -> String {
    stream.write_all(b"GET /ip HTTP/1.1\r\nHost: t\r\n\r\n").expect("send");
    let mut answer = Vec::new();
    let mut buf = [0u8; 1024];
    while !answer.ends_with(b"}") {
        let n = stream.read(&mut buf).expect("the server answered");
        assert!(n > 0, "the server closed a connection it should have kept");
        answer.extend_from_slice(&buf[..n]);
    }
    String::from_utf8_lossy(&answer).into_owned()
}

#[test]
fn a_timer_armed_for_a_shorter_wait_does_not_close_a_busy_connection() {
    // The first wait's limit is the head timeout (150 ms); every later one
    // is the keep-alive timeout (600 ms).
    let server = TestServer::start(ServerConfig {
        head_timeout: Duration::from_millis(150),
        keep_alive_timeout: Duration::from_millis(600),
        ..ServerConfig::default()
    });
    let mut stream = TcpStream::connect(server.addr).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(5))).expect("read timeout");
    assert!(get(&mut stream).starts_with("HTTP/1.1 200"));
    // The 150 ms timer fires while we are idle here; the connection must
    // see that 600 ms apply now, and stay open.
    std::thread::sleep(Duration::from_millis(350));
    assert!(get(&mut stream).starts_with("HTTP/1.1 200"));
    let last_answer = Instant::now();
    // And the real deadline still closes it: EOF, about 600 ms later.
    let mut buf = [0u8; 16];
    let n = stream.read(&mut buf).expect("EOF, not an error or a timeout");
    let waited = last_answer.elapsed();
    assert_eq!(n, 0, "the idle connection was closed by the server");
    assert!(waited >= Duration::from_millis(450), "closed after {waited:?}, before the keep-alive timeout");
}
