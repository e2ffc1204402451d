//! Every class of bad input the server must refuse, sent from a raw std
//! socket: the status it answers, that it closes the connection, and that
//! it still answers a good request on a new connection afterwards.
//!
//! The parsing rules themselves are unit-tested at every split point in
//! `http/src/proto/`; this file checks the whole path, socket to socket,
//! on a real server with the test app behind it.

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use aioli_http::ServerConfig;
use common::http::TestServer;

/// Writes `bytes` while reading until the server closes (or 5 s pass),
/// and returns everything it answered. A reset after the answer counts as
/// a close; a server that never answers fails the test by timing out.
///
/// The writing happens on a second thread, as a real client reads while
/// it sends: a server that refuses a large body answers early and stops
/// reading, and a client that insisted on writing everything first could
/// block, then lose the answer to the reset of the close.
fn exchange(addr: SocketAddr, bytes: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).expect("connect to the test server");
    stream.set_read_timeout(Some(Duration::from_secs(5))).expect("read timeout");
    let mut writer = stream.try_clone().expect("clone the socket");
    let bytes = bytes.to_vec();
    // The server may close before reading everything (that is the point of
    // a limit), so a failed write is not an error here.
    let sender = std::thread::spawn(move || {
        let _ = writer.write_all(&bytes);
    });
    let answer = read_until_close(&mut stream);
    // Closing our end unblocks a writer the server no longer reads from.
    let _ = stream.shutdown(std::net::Shutdown::Both);
    let _ = sender.join();
    answer
}

fn read_until_close(stream: &mut TcpStream) -> String {
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break,
            Err(e) => panic!(
                "the server neither answered nor closed in 5 s: {e}; got so far: {:?}",
                String::from_utf8_lossy(&answer)
            ),
        }
    }
    String::from_utf8_lossy(&answer).into_owned()
}

/// The status code of the first response in `answer`.
fn status(answer: &str) -> u16 {
    answer
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP/1.1 response: {answer:?}"))
}

/// After each bad request: the server still serves a good one.
fn assert_still_serving(addr: SocketAddr, after: &str) {
    let answer = exchange(addr, b"GET /get HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    assert_eq!(status(&answer), 200, "after {after}, a good request got {answer:?}");
}

/// Sends `bytes`, expects `expected` and a closed connection, then checks
/// the server still serves.
fn refused(server: &TestServer, what: &str, bytes: &[u8], expected: u16) {
    let answer = exchange(server.addr, bytes);
    assert_eq!(status(&answer), expected, "{what}: answered {answer:?}");
    assert!(answer.contains("onnection: close"), "{what}: the refusal must say it closes: {answer:?}");
    // Exactly one response: nothing after the refusal was treated as a request.
    let responses = answer.lines().filter(|line| line.starts_with("HTTP/1.1 ")).count();
    assert_eq!(responses, 1, "{what}: more than one response: {answer:?}");
    assert_still_serving(server.addr, what);
}

#[test]
fn malformed_request_lines_are_400() {
    let server = TestServer::start(ServerConfig::default());
    refused(&server, "no target or version", b"GET\r\nHost: t\r\n\r\n", 400);
    refused(&server, "two spaces", b"GET  / HTTP/1.1\r\nHost: t\r\n\r\n", 400);
    refused(&server, "a fourth word", b"GET / HTTP/1.1 extra\r\nHost: t\r\n\r\n", 400);
    refused(
        &server,
        "a bare LF request line then garbage",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n",
        400,
    );
    refused(&server, "a target that is not a path", b"GET index.html HTTP/1.1\r\nHost: t\r\n\r\n", 400);
}

#[test]
fn malformed_headers_are_400() {
    let server = TestServer::start(ServerConfig::default());
    refused(&server, "a header line with no colon", b"GET / HTTP/1.1\r\nHost: t\r\nX-Broken\r\n\r\n", 400);
    refused(&server, "whitespace before the colon", b"GET / HTTP/1.1\r\nHost : t\r\n\r\n", 400);
    refused(&server, "a control byte in a value", b"GET / HTTP/1.1\r\nHost: t\r\nX-A: a\x01b\r\n\r\n", 400);
    refused(&server, "a NUL in a value", b"GET / HTTP/1.1\r\nHost: t\r\nX-A: a\x00b\r\n\r\n", 400);
    refused(&server, "a control byte in the target", b"GET /a\x7fb HTTP/1.1\r\nHost: t\r\n\r\n", 400);
    refused(&server, "a header name with a space", b"GET / HTTP/1.1\r\nHost: t\r\nX Y: z\r\n\r\n", 400);
    refused(&server, "a header name with a parenthesis", b"GET / HTTP/1.1\r\nHost: t\r\nX(Y): z\r\n\r\n", 400);
    refused(&server, "an obs-fold continuation line", b"GET / HTTP/1.1\r\nHost: t\r\nX-A: a\r\n b\r\n\r\n", 400);
}

#[test]
fn host_must_appear_exactly_once_in_http_1_1() {
    let server = TestServer::start(ServerConfig::default());
    refused(&server, "no Host", b"GET / HTTP/1.1\r\nX-A: b\r\n\r\n", 400);
    refused(&server, "two Hosts", b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400);
}

#[test]
fn content_length_must_be_one_number() {
    let server = TestServer::start(ServerConfig::default());
    refused(&server, "a word", b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: abc\r\n\r\n", 400);
    refused(&server, "a negative number", b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: -1\r\n\r\n", 400);
    refused(&server, "a plus sign", b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: +5\r\n\r\nhello", 400);
    refused(
        &server,
        "two differing Content-Lengths",
        b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
        400,
    );
    refused(&server, "a differing list", b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5, 6\r\n\r\nhello!", 400);
    refused(
        &server,
        "a number past 64 bits",
        b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 99999999999999999999999\r\n\r\n",
        400,
    );
}

#[test]
fn ambiguous_or_unknown_transfer_encodings_are_refused() {
    let server = TestServer::start(ServerConfig::default());
    refused(
        &server,
        "Content-Length and Transfer-Encoding together",
        b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        400,
    );
    refused(
        &server,
        "a coding list not ending in chunked",
        b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
        400,
    );
    refused(
        &server,
        "chunked twice",
        b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked, chunked\r\n\r\n",
        400,
    );
    refused(
        &server,
        "an unknown coding before chunked",
        b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: frobnicate, chunked\r\n\r\n0\r\n\r\n",
        501,
    );
    refused(
        &server,
        "gzip, which this server does not decode",
        b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
        501,
    );
}

#[test]
fn bad_chunks_are_400() {
    let server = TestServer::start(ServerConfig::default());
    let head = "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (what, body) in [
        ("a chunk size that is not hex", "zz\r\nhello\r\n0\r\n\r\n"),
        ("an empty chunk size", "\r\nhello\r\n0\r\n\r\n"),
        ("a chunk size past 64 bits", "10000000000000000\r\nx\r\n0\r\n\r\n"),
        ("chunk data longer than its size", "3\r\nhello\r\n0\r\n\r\n"),
        ("chunk data without its CRLF", "5\r\nhelloXX0\r\n\r\n"),
    ] {
        refused(&server, what, format!("{head}{body}").as_bytes(), 400);
    }
}

#[test]
fn other_versions_are_505() {
    let server = TestServer::start(ServerConfig::default());
    refused(&server, "HTTP/2.0 in a request line", b"GET / HTTP/2.0\r\nHost: t\r\n\r\n", 505);
    refused(&server, "HTTP/2's connection preface", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505);
    refused(&server, "HTTP/1.2", b"GET / HTTP/1.2\r\nHost: t\r\n\r\n", 505);
}

#[test]
fn oversized_heads_are_414_or_431() {
    let server = TestServer::start(ServerConfig::default());
    let long_target = format!("GET /{} HTTP/1.1\r\nHost: t\r\n\r\n", "a".repeat(9 * 1024));
    refused(&server, "a 9 KiB target", long_target.as_bytes(), 414);
    let big_header = format!("GET / HTTP/1.1\r\nHost: t\r\nX-Big: {}\r\n\r\n", "b".repeat(70 * 1024));
    refused(&server, "a 70 KiB head", big_header.as_bytes(), 431);
    let many: String = (0..120).map(|i| format!("X-H{i}: v\r\n")).collect();
    let many_headers = format!("GET / HTTP/1.1\r\nHost: t\r\n{many}\r\n");
    refused(&server, "120 header fields", many_headers.as_bytes(), 431);
}

#[test]
fn bodies_over_the_limit_are_413() {
    let server = TestServer::start(ServerConfig { max_body_bytes: 64 * 1024, ..ServerConfig::default() });
    // Refused from the Content-Length alone, before any body byte is read.
    refused(
        &server,
        "a Content-Length over the limit",
        b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1000000\r\n\r\n",
        413,
    );
    // A chunked body has no length up front: the handler's read fails once
    // it passes the limit. The rest of a body that size is drained (up to
    // ServerConfig::max_drain_bytes), never parsed as a request: the GET
    // pipelined after it is answered as the second response.
    let chunk = format!("8000\r\n{}\r\n", "c".repeat(0x8000));
    let chunked = format!(
        "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n{}0\r\n\r\n\
         GET /get HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
        chunk.repeat(3)
    );
    let answer = exchange(server.addr, chunked.as_bytes());
    let statuses: Vec<&str> = answer.lines().filter(|line| line.starts_with("HTTP/1.1 ")).collect();
    assert_eq!(statuses.len(), 2, "a 413 then the pipelined GET's 200: {answer:?}");
    assert!(statuses[0].starts_with("HTTP/1.1 413") && statuses[1].starts_with("HTTP/1.1 200"), "{statuses:?}");
    // Past the drain limit the server stops reading and closes instead.
    let huge = format!("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n{}", chunk.repeat(40));
    let answer = exchange(server.addr, huge.as_bytes());
    assert_eq!(status(&answer), 413, "a 1.3 MB chunked body answered {answer:?}");
    assert_still_serving(server.addr, "an oversized chunked body");
}

#[test]
fn a_slow_head_is_408_after_the_timeout() {
    let server =
        TestServer::start(ServerConfig { head_timeout: Duration::from_millis(300), ..ServerConfig::default() });
    // Slowloris: a head that never ends, one header every 50 ms, each
    // arrival well inside any per-read timeout. The deadline is for the
    // whole head, so the trickle does not keep the connection alive.
    let mut stream = TcpStream::connect(server.addr).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(5))).expect("read timeout");
    let start = Instant::now();
    let _ = stream.write_all(b"GET / HTTP/1.1\r\nHost: t\r\n");
    stream.set_nonblocking(true).expect("nonblocking");
    let mut answer = Vec::new();
    let mut buf = [0u8; 1024];
    for i in 0..100 {
        let _ = stream.write_all(format!("X-Slow-{i}: a\r\n").as_bytes());
        std::thread::sleep(Duration::from_millis(50));
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(_) => break,
        }
    }
    let answer = String::from_utf8_lossy(&answer);
    assert_eq!(status(&answer), 408, "slow head answered {answer:?}");
    let elapsed = start.elapsed();
    assert!(elapsed < Duration::from_secs(3), "the 300 ms head timeout took {elapsed:?}");
    assert_still_serving(server.addr, "a slow head");
}
