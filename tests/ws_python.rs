//! aioli-http's WebSocket against a peer not written here: Python's
//! `websockets` package, as a client of aioli's server
//! (tests/peers/ws_client.py) and as a server for aioli's client
//! (tests/peers/ws_server.py). Text, binary, fragments, ping, close codes,
//! an oversized message and invalid UTF-8, in both directions.
//!
//! Skipped (with a visible line) when no Python with `websockets` is
//! found; `.ci/run` makes one and exports `AIOLI_PYTHON`. Every child
//! process is killed at the end, and every wait is bounded.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use aioli_http::client::Client;
use aioli_http::ws::{self, CloseCode, CloseFrame, Config, Message};
use aioli_http::{testing, Server};
use common::peers::python_websockets;

/// A child process killed (and reaped) when the test ends, even by panic.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn script(name: &str) -> String {
    format!("{}/tests/peers/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Runs `command` to its end, killing it after `limit`; returns
/// (succeeded, stdout, stderr).
fn run_bounded(mut command: Command, limit: Duration) -> (bool, String, String) {
    let child = command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn();
    let mut child = KillOnDrop(child.expect("start python"));
    let deadline = Instant::now() + limit;
    let succeeded = loop {
        match child.0.try_wait().expect("wait for python") {
            Some(status) => break status.success(),
            None if Instant::now() > deadline => break false,
            None => std::thread::sleep(Duration::from_millis(20)),
        }
    };
    let mut stdout = String::new();
    let mut stderr = String::new();
    use std::io::Read;
    if let Some(mut out) = child.0.stdout.take() {
        let _ = out.read_to_string(&mut stdout);
    }
    if let Some(mut err) = child.0.stderr.take() {
        let _ = err.read_to_string(&mut stderr);
    }
    (succeeded, stdout, stderr)
}

#[test]
fn python_websockets_client_against_aioli_server() {
    let Some(python) = python_websockets() else { return };
    let (succeeded, stdout, stderr) = aioli::run(async move {
        let server = Server::bind("127.0.0.1:0").start(testing::app()).await.expect("start the test app");
        let base = format!("ws://{}", server.local_addr());
        let mut command = Command::new(python);
        command.arg(script("ws_client.py")).arg(base);
        let result = aioli::spawn_blocking(move || run_bounded(command, Duration::from_secs(40))).await;
        server.shutdown(Duration::from_secs(1)).await;
        result.expect("the python thread")
    });
    assert!(succeeded, "python client failed\nstdout:\n{stdout}\nstderr:\n{stderr}");
    for check in ["text", "binary", "fragments", "ping", "close code", "oversized message", "invalid utf-8"] {
        assert!(stdout.lines().any(|line| line == format!("ok {check}")), "no 'ok {check}' in:\n{stdout}");
    }
}

/// The python server's stdout, line by line, read on a thread.
fn lines_of(child: &mut Child) -> mpsc::Receiver<String> {
    let stdout = child.stdout.take().expect("piped stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// The next message, with an error as its message (comparable).
async fn next(socket: &mut ws::WebSocket) -> Option<Result<Message, String>> {
    socket.recv().await.map(|result| result.map_err(|error| error.to_string()))
}

/// Waits (bounded) until the server printed every line in `wanted`.
fn expect_lines(lines: &mpsc::Receiver<String>, seen: &mut Vec<String>, wanted: &[&str]) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while !wanted.iter().all(|want| seen.iter().any(|line| line == want)) {
        let left = deadline.saturating_duration_since(Instant::now());
        match lines.recv_timeout(left) {
            Ok(line) => seen.push(line),
            Err(_) => panic!("python server did not print all of {wanted:?}; it printed {seen:?}"),
        }
    }
}

#[test]
fn aioli_client_against_python_websockets_server() {
    let Some(python) = python_websockets() else { return };
    let child = Command::new(python)
        .arg(script("ws_server.py"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start python");
    let mut child = KillOnDrop(child);
    let lines = lines_of(&mut child.0);
    let first = lines.recv_timeout(Duration::from_secs(15)).expect("python server printed its port");
    let port: u16 = first.strip_prefix("port ").and_then(|port| port.parse().ok()).expect("a 'port N' line");
    let base = format!("ws://127.0.0.1:{port}");

    let run = aioli::run(async move {
        let checks = async {
            let client = Client::new();
            let mut socket = client.ws_connect(&format!("{base}/echo")).await.unwrap();
            socket.send("héllo").await.unwrap();
            assert_eq!(next(&mut socket).await, Some(Ok(Message::text("héllo"))));
            let payload: Vec<u8> = (0..100_000u32).map(|i| i as u8).collect();
            socket.send(payload.clone()).await.unwrap();
            assert_eq!(next(&mut socket).await, Some(Ok(Message::Binary(payload))));
            socket.close(CloseCode::NORMAL, "thanks").await.unwrap();

            let mut socket = client.ws_connect(&format!("{base}/fragments")).await.unwrap();
            assert_eq!(next(&mut socket).await, Some(Ok(Message::text("fragmented"))));
            assert_eq!(next(&mut socket).await, Some(Ok(Message::Binary(vec![1, 2, 3]))));
            socket.close(CloseCode(4002), "got both").await.unwrap();

            let mut socket = client.ws_connect(&format!("{base}/ping")).await.unwrap();
            assert_eq!(next(&mut socket).await, Some(Ok(Message::Ping(b"beat".to_vec()))));
            socket.close(CloseCode::NORMAL, "").await.unwrap();

            let mut socket = client.ws_connect(&format!("{base}/close")).await.unwrap();
            let close = CloseFrame::new(CloseCode(4001), "server says bye");
            assert_eq!(next(&mut socket).await, Some(Ok(Message::Close(Some(close)))));
            assert_eq!(next(&mut socket).await, None);

            let mut socket = client.ws_connect(&format!("{base}/bad-utf8")).await.unwrap();
            let error = next(&mut socket).await.unwrap().unwrap_err();
            assert!(error.contains("UTF-8") && error.contains("1007"), "{error}");

            let small = Config::default().max_message_bytes(1000);
            let mut socket = client.ws_connect_with(&format!("{base}/big"), small).await.unwrap();
            let error = next(&mut socket).await.unwrap().unwrap_err();
            assert!(error.contains("1009"), "{error}");
        };
        aioli::time::timeout(Duration::from_secs(30), checks).await
    });
    assert!(run.is_ok(), "the checks against the python server took over 30 s");

    let mut seen = Vec::new();
    expect_lines(
        &lines,
        &mut seen,
        &[
            "closed /echo 1000 'thanks'",
            "closed /fragments 4002 'got both'",
            "pong ok",
            "closed /ping 1000 ''",
            // The server's close_code is the one it *received*: our
            // answer echoes the code (RFC 6455 §5.5.1), without a reason.
            "closed /close 4001 ''",
            "closed /bad-utf8 1007 'a text message is not valid UTF-8'",
            "closed /big 1009 'a frame is larger than the message size limit'",
        ],
    );
    drop(child);
}
