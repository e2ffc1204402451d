//! The https row: aioli-http's TLS server against hyper over tokio-rustls.
//!
//! Both servers use the same rustls configuration (built by
//! `aioli_http::tls::server_config` from one rcgen certificate: ECDSA
//! P-256, ring, ALPN http/1.1), so the cryptography is identical and the
//! figures compare what is around it: how each drives the engine from
//! its loop. The load is a tokio-rustls client on a current-thread
//! runtime in the parent (the other core), with session resumption off,
//! so every new connection pays a full handshake:
//!
//! - keep-alive: 50 connections, one handshake each, then `GET /` one at
//!   a time for the run's length (requests/s);
//! - handshakes: 8 workers, each looping connect → handshake → `GET /`
//!   with `Connection: close` → close (new connections/s).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::mpsc::Sender;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hyper_util::rt::TokioIo;
use tokio::io::AsyncWriteExt;

const CERT_ENV: &str = "AIOLI_BENCH_TLS_CERT";
const KEY_ENV: &str = "AIOLI_BENCH_TLS_KEY";

/// The CA's PEM, for the load's client; the server's files are in the
/// environment for the children.
pub struct Certificates {
    pub ca_pem: String,
    files: Vec<PathBuf>,
}

impl Drop for Certificates {
    fn drop(&mut self) {
        for file in &self.files {
            let _ = std::fs::remove_file(file);
        }
    }
}

/// Makes a CA and a server certificate for 127.0.0.1, writes the
/// server's to temporary files and names them in the environment the
/// server children inherit.
pub fn make_certificates() -> Certificates {
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let ca = rcgen::CertifiedIssuer::self_signed(ca_params, rcgen::KeyPair::generate().expect("key")).expect("CA");
    let params = rcgen::CertificateParams::new(vec!["127.0.0.1".to_string()]).expect("params");
    let key = rcgen::KeyPair::generate().expect("key");
    let cert = params.signed_by(&key, &ca).expect("sign");
    let dir = std::env::temp_dir();
    let cert_file = dir.join(format!("aioli-bench-tls-{}.pem", std::process::id()));
    let key_file = dir.join(format!("aioli-bench-tls-{}.key", std::process::id()));
    std::fs::write(&cert_file, cert.pem()).expect("write the certificate");
    std::fs::write(&key_file, key.serialize_pem()).expect("write the key");
    std::env::set_var(CERT_ENV, &cert_file);
    std::env::set_var(KEY_ENV, &key_file);
    Certificates { ca_pem: ca.pem(), files: vec![cert_file, key_file] }
}

/// The server's PEM files, as the parent named them.
fn server_pem() -> (Vec<u8>, Vec<u8>) {
    let read = |var: &str| std::fs::read(std::env::var_os(var).expect("set by the parent")).expect("read PEM");
    (read(CERT_ENV), read(KEY_ENV))
}

async fn hello(_req: aioli_http::Request) -> &'static str {
    "Hello, World!"
}

/// aioli-http with `Server::tls`, limits lifted as in aioli_server.rs.
pub fn serve_aioli(addr_tx: Sender<SocketAddr>) {
    let (cert, key) = server_pem();
    let runtime = aioli::Runtime::builder().debug(false).build().expect("aioli runtime");
    runtime.block_on(async move {
        let server = aioli_http::Server::bind("127.0.0.1:0")
            .tls(&cert, &key)
            .max_connections(1 << 20)
            .keep_alive_timeout(Duration::from_secs(3600))
            .start(aioli_http::App::new().get("/", hello))
            .await
            .expect("aioli-http TLS server");
        addr_tx.send(server.local_addr()).expect("report the address");
        std::future::pending::<()>().await;
    });
}

/// hyper's HTTP/1.1 server over tokio-rustls, one task per connection.
pub fn serve_hyper(addr_tx: Sender<SocketAddr>) {
    let (cert, key) = server_pem();
    let config = aioli_http::tls::server_config(&cert, &key).expect("the same rustls config");
    let acceptor = tokio_rustls::TlsAcceptor::from(config);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime");
    let local = tokio::task::LocalSet::new();
    local.block_on(&runtime, async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
        addr_tx.send(listener.local_addr().expect("local addr")).expect("report the address");
        loop {
            let Ok((stream, _)) = listener.accept().await else { continue };
            let _ = stream.set_nodelay(true);
            let acceptor = acceptor.clone();
            tokio::task::spawn_local(async move {
                let Ok(tls) = acceptor.accept(stream).await else { return };
                let service = hyper::service::service_fn(super::hyper_server::hello);
                let _ = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(tls), service).await;
            });
        }
    });
}

/// The load's client configuration: trusts the bench's CA, no resumption.
fn client_config(ca_pem: &str) -> Arc<rustls::ClientConfig> {
    let roots = aioli_http::tls::load_certificates(ca_pem.as_bytes(), "the bench's CA").expect("CA PEM");
    let config = aioli_http::tls::client_config(&roots, false).expect("client config");
    let mut config = Arc::unwrap_or_clone(config);
    config.resumption = rustls::client::Resumption::disabled();
    Arc::new(config)
}

async fn connect(
    addr: SocketAddr,
    connector: &tokio_rustls::TlsConnector,
) -> std::io::Result<tokio_rustls::client::TlsStream<tokio::net::TcpStream>> {
    let tcp = tokio::net::TcpStream::connect(addr).await?;
    tcp.set_nodelay(true)?;
    let name = rustls::pki_types::ServerName::IpAddress(addr.ip().into());
    connector.connect(name, tcp).await
}

/// Keep-alive requests per second over `connections` TLS connections.
pub fn keep_alive(addr: SocketAddr, ca_pem: &str, connections: usize, time: Duration) -> f64 {
    let connector = tokio_rustls::TlsConnector::from(client_config(ca_pem));
    on_tokio(async move {
        let start = Instant::now();
        let end = start + time;
        let tasks: Vec<_> = (0..connections)
            .map(|_| {
                let connector = connector.clone();
                tokio::task::spawn_local(async move {
                    let mut stream = connect(addr, &connector).await?;
                    let mut buf = vec![0u8; 4096];
                    let mut requests = 0u64;
                    while Instant::now() < end {
                        stream.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").await?;
                        super::load::read_response(&mut stream, &mut buf).await?;
                        requests += 1;
                    }
                    Ok::<_, std::io::Error>(requests)
                })
            })
            .collect();
        let mut total = 0;
        for task in tasks {
            total += task.await.expect("load task").expect("TLS keep-alive connection failed");
        }
        total as f64 / start.elapsed().as_secs_f64()
    })
}

/// New connections per second: each a full handshake and one request.
pub fn handshakes(addr: SocketAddr, ca_pem: &str, workers: usize, time: Duration) -> f64 {
    let connector = tokio_rustls::TlsConnector::from(client_config(ca_pem));
    on_tokio(async move {
        let start = Instant::now();
        let end = start + time;
        let tasks: Vec<_> = (0..workers)
            .map(|_| {
                let connector = connector.clone();
                tokio::task::spawn_local(async move {
                    let mut buf = vec![0u8; 4096];
                    let mut done = 0u64;
                    while Instant::now() < end {
                        let mut stream = connect(addr, &connector).await?;
                        stream.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").await?;
                        super::load::read_response(&mut stream, &mut buf).await?;
                        let _ = stream.shutdown().await;
                        done += 1;
                    }
                    Ok::<_, std::io::Error>(done)
                })
            })
            .collect();
        let mut total = 0;
        for task in tasks {
            total += task.await.expect("load task").expect("TLS handshake loop failed");
        }
        total as f64 / start.elapsed().as_secs_f64()
    })
}

fn on_tokio<T>(future: impl std::future::Future<Output = T>) -> T {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime");
    tokio::task::LocalSet::new().block_on(&runtime, future)
}
