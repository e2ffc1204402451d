//! TLS against peers not written here: curl and Python's `ssl` module
//! (both OpenSSL) as clients of aioli's TLS server, and Python's
//! `http.server` wrapped in `ssl` as a server for aioli's client. The
//! certificates come from the `openssl` command (tests/common/tls.rs):
//! good, expired, for the wrong host, from an unknown CA. Each bad case
//! must fail with its own cause, and the server must go on serving.
//! Last, the two programs a reader runs by hand: `httpbin --tls-cert
//! --tls-key` serving https, and `fetch --cacert` checking it.
//!
//! Skipped with a visible line when a peer is missing (CI installs them
//! all and sets AIOLI_REQUIRE_PEERS=1: see tests/common/peers.rs).

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use aioli_http::client::Client;
use aioli_http::tls::TlsFailure;
use aioli_http::ServerConfig;
use common::http::TestServer;
use common::peers::peer_available;
use common::tls::Pki;

fn curl(args: &[&str]) -> Output {
    Command::new("curl").args(["-sS", "--max-time", "10"]).args(args).output().expect("run curl")
}

fn good_server(pki: &Pki) -> TestServer {
    TestServer::start_tls(ServerConfig::default(), Pki::read(&pki.good.0), Pki::read(&pki.good.1))
}

#[test]
fn curl_trusts_the_server_with_cacert_and_refuses_it_without() {
    if !peer_available("curl", "--version") {
        return;
    }
    let Some(pki) = Pki::make("curl") else { return };
    let server = good_server(&pki);
    let url = format!("https://{}/get?from=curl", server.addr);
    let ca = pki.ca.to_string_lossy().into_owned();

    let ok = curl(&["--cacert", &ca, &url]);
    assert!(ok.status.success(), "curl --cacert failed: {}", String::from_utf8_lossy(&ok.stderr));
    let json: serde_json::Value = serde_json::from_slice(&ok.stdout).expect("/get answers JSON");
    assert_eq!(json["args"]["from"], "curl");

    // Trusting another CA: curl refuses the certificate (exit 60)...
    let other_ca = pki.dir.join("other-ca.pem").to_string_lossy().into_owned();
    let refused = curl(&["--cacert", &other_ca, &url]);
    assert_eq!(refused.status.code(), Some(60), "{}", String::from_utf8_lossy(&refused.stderr));
    // ...and plain http on the https port gets no answer...
    let plain = curl(&[&format!("http://{}/get", server.addr)]);
    assert!(!plain.status.success());
    // ...and the server goes on serving, over one keep-alive connection.
    let twice = curl(&["--cacert", &ca, &url, &url]);
    assert!(twice.status.success(), "{}", String::from_utf8_lossy(&twice.stderr));
}

#[test]
fn curl_refuses_an_expired_certificate() {
    if !peer_available("curl", "--version") {
        return;
    }
    let Some(pki) = Pki::make("curl-expired") else { return };
    let server = TestServer::start_tls(ServerConfig::default(), Pki::read(&pki.expired.0), Pki::read(&pki.expired.1));
    let ca = pki.ca.to_string_lossy().into_owned();
    let out = curl(&["--cacert", &ca, &format!("https://{}/get", server.addr)]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(60), "{stderr}");
    assert!(stderr.contains("expired"), "{stderr}");
}

/// Python's ssl client: verifies with the CA, offers ALPN http/1.1,
/// sends one request and reads to EOF. Python raises SSLEOFError if the
/// server closes without close_notify, so a clean exit also shows that
/// the server sends it.
const PYTHON_CLIENT: &str = r#"
import socket, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[1])
ctx.set_alpn_protocols(["http/1.1"])
with socket.create_connection(("127.0.0.1", int(sys.argv[2])), timeout=10) as raw:
    # suppress_ragged_eofs=False: a bare FIN without close_notify raises.
    with ctx.wrap_socket(raw, server_hostname="127.0.0.1", suppress_ragged_eofs=False) as tls:
        print(tls.version(), tls.selected_alpn_protocol())
        tls.sendall(b"GET /get?from=python HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        data = b""
        while True:
            piece = tls.recv(65536)
            if not piece:
                break
            data += piece
sys.stdout.write(data.decode())
"#;

#[test]
fn python_ssl_client_talks_to_the_server_and_gets_close_notify() {
    if !peer_available("python3", "--version") {
        return;
    }
    let Some(pki) = Pki::make("python-client") else { return };
    let server = good_server(&pki);
    let out = Command::new("python3")
        .args(["-c", PYTHON_CLIENT, &pki.ca.to_string_lossy(), &server.addr.port().to_string()])
        .output()
        .expect("run python3");
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "python's ssl client failed: {stderr}");
    assert!(stdout.starts_with("TLSv1.3 http/1.1\nHTTP/1.1 200 OK\r\n"), "{stdout}");
    assert!(stdout.contains(r#""from":"python""#), "{stdout}");
}

/// Python's http.server behind ssl: prints its port, serves until killed.
/// Mode `rsa-kx-only` allows one TLS 1.2 suite without forward secrecy,
/// which rustls never offers: OpenSSL answers with an alert.
const PYTHON_SERVER: &str = r#"
import http.server, ssl, sys
class Hello(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        body = b"hello from python's ssl\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
if sys.argv[3] == "rsa-kx-only":
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    ctx.set_ciphers("AES128-SHA")
server = http.server.HTTPServer(("127.0.0.1", 0), Hello)
server.socket = ctx.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
server.serve_forever()
"#;

/// A running Python https server, killed when dropped.
struct PythonServer {
    child: Child,
    port: u16,
}

impl PythonServer {
    fn start(cert: &(std::path::PathBuf, std::path::PathBuf), mode: &str) -> PythonServer {
        let mut child = Command::new("python3")
            .args(["-c", PYTHON_SERVER, &cert.0.to_string_lossy(), &cert.1.to_string_lossy(), mode])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start python3");
        let mut line = String::new();
        if let Some(stdout) = child.stdout.take() {
            let _ = BufReader::new(stdout).read_line(&mut line);
        }
        let port = line.trim().parse().unwrap_or_else(|_| {
            let _ = child.kill();
            panic!("python's https server did not print its port (got {line:?})")
        });
        PythonServer { child, port }
    }
}

impl Drop for PythonServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One GET from aioli's client, trusting `ca` only.
fn aioli_get(ca: &[u8], port: u16) -> Result<String, aioli_http::client::Error> {
    aioli::run(async {
        let client = Client::builder()
            .add_root_certificate(ca)
            .expect("the CA's PEM")
            .tls_public_roots(false)
            .timeout(Duration::from_secs(10))
            .build();
        client.get(format!("https://127.0.0.1:{port}/")).send().await?.text().await
    })
}

fn failure(result: Result<String, aioli_http::client::Error>) -> (TlsFailure, String) {
    match result {
        Ok(body) => panic!("expected a TLS failure, got the body {body:?}"),
        Err(error) => match error.tls_failure() {
            Some(failure) => (failure.clone(), error.to_string()),
            None => panic!("expected a TLS failure, got: {error}"),
        },
    }
}

#[test]
fn aioli_client_against_python_ssl_server_good_and_bad_certificates() {
    if !peer_available("python3", "--version") {
        return;
    }
    let Some(pki) = Pki::make("python-server") else { return };
    let ca = Pki::read(&pki.ca);

    let good = PythonServer::start(&pki.good, "normal");
    assert_eq!(aioli_get(&ca, good.port).expect("the good certificate is accepted"), "hello from python's ssl\n");

    let (cause, message) = failure(aioli_get(&ca, PythonServer::start(&pki.expired, "normal").port));
    assert_eq!(cause, TlsFailure::Expired, "{message}");
    assert!(message.contains("the certificate has expired"), "{message}");

    let (cause, message) = failure(aioli_get(&ca, PythonServer::start(&pki.wrong_host, "normal").port));
    assert!(matches!(&cause, TlsFailure::NotValidForHost { expected } if expected == "127.0.0.1"), "{message}");
    assert!(message.contains("not valid for 127.0.0.1"), "{message}");

    let (cause, message) = failure(aioli_get(&ca, PythonServer::start(&pki.unknown_ca, "normal").port));
    assert_eq!(cause, TlsFailure::UnknownIssuer, "{message}");
    assert!(message.contains("unknown issuer"), "{message}");

    let (cause, message) = failure(aioli_get(&ca, PythonServer::start(&pki.good, "rsa-kx-only").port));
    assert_eq!(cause, TlsFailure::AlertReceived("handshake_failure".into()), "{message}");
    assert!(message.contains("alert handshake_failure"), "{message}");

    // The good server is still fine after all that (nothing else failed).
    assert!(aioli_get(&ca, good.port).is_ok());
}

/// Builds the `httpbin` and `fetch` examples with the same cargo (tests
/// get no path to examples) and returns their paths.
fn example_programs() -> (std::path::PathBuf, std::path::PathBuf) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let status = Command::new(cargo)
        .args(["build", "--quiet", "--example", "httpbin", "--example", "fetch"])
        .current_dir(&root)
        .status()
        .expect("cargo runs");
    assert!(status.success(), "cargo build --example httpbin --example fetch failed");
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map(std::path::PathBuf::from).unwrap_or_else(|| root.join("target"));
    let examples = target.join("debug").join("examples");
    (examples.join("httpbin"), examples.join("fetch"))
}

/// A running `httpbin --tls-cert --tls-key`, killed when dropped.
struct Httpbin {
    child: Child,
    addr: String,
}

impl Drop for Httpbin {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn httpbin_serves_https_and_fetch_checks_it_with_cacert() {
    if !peer_available("openssl", "version") {
        return;
    }
    let Some(pki) = Pki::make("programs") else { return };
    let (httpbin, fetch) = example_programs();
    let mut child = Command::new(httpbin)
        .args(["--tls-cert", &pki.good.0.to_string_lossy(), "--tls-key", &pki.good.1.to_string_lossy()])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start httpbin");
    // "aioli-http: serving on https://127.0.0.1:PORT (press Ctrl-C to stop)"
    let mut line = String::new();
    if let Some(stdout) = child.stdout.take() {
        let _ = BufReader::new(stdout).read_line(&mut line);
    }
    let addr = line.split("https://").nth(1).and_then(|rest| rest.split_whitespace().next()).map(str::to_owned);
    let server =
        Httpbin { addr: addr.unwrap_or_else(|| panic!("httpbin did not say it serves https: {line:?}")), child };

    let run_fetch = |ca: &std::path::Path, url: String| {
        let out = Command::new(&fetch)
            .args(["--timeout", "10", "--cacert", &ca.to_string_lossy(), &url])
            .stdin(Stdio::null())
            .output()
            .expect("run fetch");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };

    let (code, stdout, stderr) = run_fetch(&pki.ca, format!("https://{}/get?from=fetch", server.addr));
    assert_eq!(code, Some(0), "fetch --cacert ca.pem failed: {stderr}");
    assert!(stdout.contains(r#""from":"fetch""#), "{stdout}");

    // Another CA: the certificate is refused, one line on stderr, exit 60.
    let (code, stdout, stderr) = run_fetch(&pki.dir.join("other-ca.pem"), format!("https://{}/get", server.addr));
    assert_eq!(code, Some(60), "stdout: {stdout} stderr: {stderr}");
    assert!(stderr.contains("unknown issuer"), "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");

    // The certificate names 127.0.0.1, not localhost.
    let port = server.addr.rsplit(':').next().unwrap_or_default();
    let (code, _, stderr) = run_fetch(&pki.ca, format!("https://localhost:{port}/get"));
    assert_eq!(code, Some(60), "{stderr}");
    assert!(stderr.contains("not valid for localhost"), "{stderr}");
}
