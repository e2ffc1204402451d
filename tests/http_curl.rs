//! curl against the server: the client most people test a server with.
//!
//! Each test runs curl as a child process against the test app on
//! 127.0.0.1:0 with `--max-time`, so a hung server fails the test instead
//! of hanging it. Skipped, with a visible line, when curl is missing
//! (CI installs it and requires it: see tests/common/peers.rs).

mod common;

use std::process::{Command, Output};

use aioli_http::ServerConfig;
use common::http::TestServer;
use common::peers::peer_available;

/// Runs curl with `args` (plus `-sS --max-time 10`) and returns its output.
fn curl(args: &[&str]) -> Output {
    let output = Command::new("curl").args(["-sS", "--max-time", "10"]).args(args).output().expect("run curl");
    assert!(
        output.status.success(),
        "curl {args:?} failed: {}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn curl_get_sees_its_own_headers_and_query() {
    if !peer_available("curl", "--version") {
        return;
    }
    let server = TestServer::start(ServerConfig::default());
    let url = format!("http://{}/get?color=green&n=1", server.addr);
    let out = curl(&["-H", "X-Test: from-curl", &url]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("/get answers JSON");
    assert_eq!(json["args"]["color"], "green");
    assert_eq!(json["args"]["n"], "1");
    assert_eq!(json["headers"]["X-Test"], "from-curl");
    assert!(json["headers"]["User-Agent"].as_str().is_some_and(|ua| ua.starts_with("curl/")));
    assert_eq!(json["url"], url.as_str());
}

#[test]
fn curl_post_form_and_json() {
    if !peer_available("curl", "--version") {
        return;
    }
    let server = TestServer::start(ServerConfig::default());
    let url = format!("http://{}/post", server.addr);
    let form: serde_json::Value =
        serde_json::from_slice(&curl(&["-d", "name=aioli&kind=runtime+lib", &url]).stdout).expect("JSON");
    assert_eq!(form["form"]["name"], "aioli");
    assert_eq!(form["form"]["kind"], "runtime lib");

    let json: serde_json::Value = serde_json::from_slice(
        &curl(&["-H", "Content-Type: application/json", "-d", r#"{"answer": 42}"#, &url]).stdout,
    )
    .expect("JSON");
    assert_eq!(json["json"]["answer"], 42);
}

#[test]
fn curl_chunked_upload_is_echoed_whole() {
    if !peer_available("curl", "--version") {
        return;
    }
    let server = TestServer::start(ServerConfig::default());
    // 300 KB from a file: curl sends it chunked because we say so.
    let body: Vec<u8> = (0..300_000u32).map(|i| b"0123456789abcdef"[(i * 7 % 16) as usize]).collect();
    let path = std::env::temp_dir().join(format!("aioli-curl-upload-{}", std::process::id()));
    std::fs::write(&path, &body).expect("write the upload file");
    let out = curl(&[
        "-H",
        "Transfer-Encoding: chunked",
        "-H",
        "Content-Type: application/octet-stream",
        "--data-binary",
        &format!("@{}", path.display()),
        &format!("http://{}/echo", server.addr),
    ]);
    let _ = std::fs::remove_file(&path);
    assert_eq!(out.stdout.len(), body.len());
    assert!(out.stdout == body, "the echoed body differs from the upload");
}

#[test]
fn curl_reuses_one_connection_for_two_urls() {
    if !peer_available("curl", "--version") {
        return;
    }
    let server = TestServer::start(ServerConfig::default());
    let first = format!("http://{}/get", server.addr);
    let second = format!("http://{}/headers", server.addr);
    let out = curl(&["-v", "-o", "/dev/null", "-o", "/dev/null", &first, &second]);
    let log = text(&out.stderr);
    // curl 7 says "Re-using existing connection #0", curl 8 "Re-using
    // existing connection with host": either way, no second connect.
    assert!(log.contains("Re-using existing connection"), "curl opened a second connection:\n{log}");
    assert_eq!(log.matches("Connected to").count(), 1, "{log}");
}

#[test]
fn curl_head_gets_headers_and_no_body() {
    if !peer_available("curl", "--version") {
        return;
    }
    let server = TestServer::start(ServerConfig::default());
    let out = curl(&["-I", &format!("http://{}/get", server.addr)]);
    let head = text(&out.stdout);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(head.to_ascii_lowercase().contains("content-length:"), "{head}");
    // -I prints only the head: it ends with the blank line, no body bytes.
    assert!(head.ends_with("\r\n\r\n"), "{head:?}");
}
