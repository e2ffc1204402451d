//! TLS with no outside peer: aioli's client against aioli's server, and
//! raw std sockets that misbehave (plain HTTP on the TLS port, a client
//! that never starts its handshake, a server that never answers one).
//! Certificates come from rcgen, made in the test itself.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use aioli_http::client::Client;
use aioli_http::tls::TlsFailure;
use aioli_http::{testing, Server, ServerHandle};

struct Certificates {
    ca_pem: String,
    cert_pem: String,
    key_pem: String,
}

/// A CA, and a certificate for `names` signed by it.
fn certificates(names: &[&str]) -> Certificates {
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params.distinguished_name.push(rcgen::DnType::CommonName, "aioli test CA");
    let ca = rcgen::CertifiedIssuer::self_signed(ca_params, rcgen::KeyPair::generate().expect("key")).expect("CA");
    let params =
        rcgen::CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).expect("params");
    let key = rcgen::KeyPair::generate().expect("key");
    let cert = params.signed_by(&key, &ca).expect("sign");
    Certificates { ca_pem: ca.pem(), cert_pem: cert.pem(), key_pem: key.serialize_pem() }
}

fn client_for(certs: &Certificates) -> Client {
    Client::builder()
        .add_root_certificate(certs.ca_pem.as_bytes())
        .expect("CA PEM")
        .tls_public_roots(false)
        .timeout(Duration::from_secs(10))
        .build()
}

/// The testing app served over TLS with `certs`, on 127.0.0.1:0.
async fn tls_testing_server(certs: &Certificates) -> ServerHandle {
    Server::bind("127.0.0.1:0")
        .tls(certs.cert_pem.as_bytes(), certs.key_pem.as_bytes())
        .start(testing::app())
        .await
        .expect("start the TLS server")
}

/// Reads until the peer closes; true if it did within `limit`.
fn closed_within(socket: &mut TcpStream, limit: Duration) -> bool {
    socket.set_read_timeout(Some(limit)).expect("read timeout");
    let mut sink = [0u8; 4096];
    loop {
        match socket.read(&mut sink) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(error) if matches!(error.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                return false
            }
            Err(_) => return true, // reset: closed too
        }
    }
}

#[test]
fn client_and_server_keep_alive_big_bodies_and_one_handshake() {
    let certs = certificates(&["127.0.0.1"]);
    aioli::run(async {
        let server = tls_testing_server(&certs).await;
        assert!(server.is_tls());
        let base = format!("https://{}", server.local_addr());
        let client = client_for(&certs);

        // 3 MiB down: more than rustls's and the socket's buffers hold.
        let body = client.get(format!("{base}/bytes/3145728?seed=7")).send().await.expect("GET").bytes().await;
        assert_eq!(body.expect("body").len(), 3 * 1024 * 1024);
        // 1 MiB up, echoed back.
        let upload: Vec<u8> = (0..1024 * 1024).map(|i| (i % 251) as u8).collect();
        let echoed = client.post(format!("{base}/echo")).body(upload.clone()).send().await.expect("POST");
        assert_eq!(echoed.bytes().await.expect("echo"), upload);
        // All of it over one connection: one handshake.
        assert_eq!(client.pool_status().open, 1);
        assert_eq!(server.open_connections(), 1);

        drop(client);
        assert_eq!(server.shutdown(Duration::from_secs(2)).await, 0);
    });
}

#[test]
fn plaintext_and_stalled_handshakes_close_and_the_server_goes_on() {
    let certs = certificates(&["127.0.0.1"]);
    aioli::run(async {
        let server = Server::bind("127.0.0.1:0")
            .tls(certs.cert_pem.as_bytes(), certs.key_pem.as_bytes())
            .head_timeout(Duration::from_millis(300))
            .start(testing::app())
            .await
            .expect("start");
        let addr = server.local_addr();
        let (plain_closed, stalled) = aioli::spawn_blocking(move || {
            let mut plain = TcpStream::connect(addr).expect("connect");
            plain.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").expect("write");
            let plain_closed = closed_within(&mut plain, Duration::from_secs(5));
            // Connects and sends nothing: the head timeout ends it.
            let mut idle = TcpStream::connect(addr).expect("connect");
            let started = Instant::now();
            let idle_closed = closed_within(&mut idle, Duration::from_secs(5));
            (plain_closed, idle_closed.then(|| started.elapsed()))
        })
        .await
        .expect("the blocking client");
        assert!(plain_closed, "a plaintext request on the TLS port must close the connection");
        let stalled = stalled.expect("a stalled handshake must be closed by the head timeout");
        assert!(stalled < Duration::from_secs(5), "{stalled:?}");

        // Still serving.
        let client = client_for(&certs);
        let response = client.get(format!("https://{addr}/get")).send().await.expect("GET after the bad ones");
        assert_eq!(response.status().as_u16(), 200);
        drop(response);
        drop(client);
        server.shutdown(Duration::from_secs(2)).await;
    });
}

#[test]
fn a_server_that_never_answers_the_handshake_times_out() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let holder = std::thread::spawn(move || {
        // Accept, read the ClientHello, say nothing, until the client gives up.
        if let Ok((mut socket, _)) = listener.accept() {
            let mut sink = [0u8; 4096];
            socket.set_read_timeout(Some(Duration::from_secs(5))).ok();
            while matches!(socket.read(&mut sink), Ok(n) if n > 0) {}
        }
    });
    let certs = certificates(&["127.0.0.1"]);
    let error = aioli::run(async {
        let client = Client::builder()
            .add_root_certificate(certs.ca_pem.as_bytes())
            .expect("CA")
            .tls_handshake_timeout(Duration::from_millis(200))
            .build();
        client.get(format!("https://{addr}/")).send().await.expect_err("no handshake, no response")
    });
    holder.join().expect("holder thread");
    assert_eq!(error.tls_failure(), Some(&TlsFailure::TimedOut(Duration::from_millis(200))), "{error}");
    assert!(error.is_timeout());
    assert!(error.to_string().contains("TLS handshake timed out"), "{error}");
}

#[test]
fn the_name_checked_is_the_one_in_the_url() {
    // A certificate for 127.0.0.1 only: "localhost" is another name, even
    // if it resolves to the same address.
    let certs = certificates(&["127.0.0.1"]);
    aioli::run(async {
        let server = tls_testing_server(&certs).await;
        let port = server.local_addr().port();
        let client = client_for(&certs);
        let error = client.get(format!("https://localhost:{port}/")).send().await.expect_err("wrong name");
        assert!(
            matches!(error.tls_failure(), Some(TlsFailure::NotValidForHost { expected }) if expected == "localhost"),
            "{error}"
        );
        let ok = client.get(format!("https://127.0.0.1:{port}/get")).send().await.expect("right name");
        assert_eq!(ok.status().as_u16(), 200);
        drop(ok);
        drop(client);
        server.shutdown(Duration::from_secs(2)).await;
    });
}

#[test]
fn http_and_https_to_one_port_never_share_a_pooled_connection() {
    // If the pool keyed connections by host and port only, the second
    // request of each pair would be handed the first one's idle
    // connection and succeed: plain HTTP inside TLS, or TLS skipped.
    let certs = certificates(&["127.0.0.1"]);
    aioli::run(async {
        let tls_server = tls_testing_server(&certs).await;
        let plain_server = Server::bind("127.0.0.1:0").start(testing::app()).await.expect("start the plain server");
        let client = client_for(&certs);

        let tls_addr = tls_server.local_addr();
        let ok = client.get(format!("https://{tls_addr}/get")).send().await.expect("https GET");
        ok.bytes().await.expect("body");
        assert_eq!(client.pool_status().idle, 1, "the https connection is parked for reuse");
        let error = client.get(format!("http://{tls_addr}/get")).send().await.expect_err("http:// on the TLS port");
        assert!(error.tls_failure().is_none(), "a plain request makes no handshake: {error}");

        let plain_addr = plain_server.local_addr();
        let ok = client.get(format!("http://{plain_addr}/get")).send().await.expect("http GET");
        ok.bytes().await.expect("body");
        let error =
            client.get(format!("https://{plain_addr}/get")).send().await.expect_err("https:// on the plain port");
        assert_eq!(error.tls_failure(), Some(&TlsFailure::NotTls), "{error}");

        // Both parked connections are still there and still work.
        assert_eq!(client.pool_status().idle, 2);
        let again = client.get(format!("https://{tls_addr}/get")).send().await.expect("https GET again");
        assert_eq!(again.status().as_u16(), 200);
        drop(again);
        drop(client);
        tls_server.shutdown(Duration::from_secs(2)).await;
        plain_server.shutdown(Duration::from_secs(2)).await;
    });
}

#[test]
fn bad_pem_is_reported_by_start() {
    let error = aioli::run(async {
        Server::bind("127.0.0.1:0").tls(b"not pem", b"nor this").start(testing::app()).await.expect_err("bad PEM")
    });
    assert!(error.to_string().contains("Server::tls"), "{error}");
}

#[test]
fn wss_echo_over_the_tls_server() {
    let certs = certificates(&["127.0.0.1"]);
    aioli::run(async {
        let server = tls_testing_server(&certs).await;
        let client = client_for(&certs);
        let url = format!("wss://{}/ws/echo", server.local_addr());
        let mut socket = client.ws_connect(&url).await.expect("wss handshake");
        socket.send("over TLS").await.expect("send");
        let echoed = socket.recv().await.expect("a message").expect("no error");
        assert_eq!(echoed, aioli_http::ws::Message::Text("over TLS".into()));
        drop(socket);

        // The same trust rules as https: a client without our CA is refused.
        let error = Client::new().ws_connect(&url).await.expect_err("unknown CA");
        assert!(error.to_string().contains("unknown issuer"), "{error}");
        server.shutdown(Duration::from_secs(2)).await;
    });
}
