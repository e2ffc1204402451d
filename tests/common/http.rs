//! A test server: `aioli_http::testing::app()` on 127.0.0.1:0, on a
//! thread of its own, stopped (gracefully, then joined) when dropped.
//!
//! The tests' clients are blocking std sockets and curl, so the server
//! needs its own thread and loop. The address comes back over a std
//! channel; the stop signal goes in over aioli's `oneshot`, which wakes
//! the loop from another thread.

use std::net::SocketAddr;
use std::thread::JoinHandle;
use std::time::Duration;

use aioli::sync::oneshot;
use aioli_http::{Server, ServerConfig};

pub struct TestServer {
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl TestServer {
    /// Starts the test app with `config` and waits until it listens.
    pub fn start(config: ServerConfig) -> TestServer {
        TestServer::start_with(config, None)
    }

    /// The same over https, with a PEM certificate chain and key.
    pub fn start_tls(config: ServerConfig, cert_pem: Vec<u8>, key_pem: Vec<u8>) -> TestServer {
        TestServer::start_with(config, Some((cert_pem, key_pem)))
    }

    fn start_with(config: ServerConfig, tls: Option<(Vec<u8>, Vec<u8>)>) -> TestServer {
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            aioli::run(async move {
                let mut builder = Server::bind("127.0.0.1:0").config(config);
                if let Some((cert, key)) = &tls {
                    builder = builder.tls(cert, key);
                }
                let server = match builder.start(aioli_http::testing::app()).await {
                    Ok(server) => server,
                    Err(error) => panic!("the test server could not start: {error}"),
                };
                let _ = addr_tx.send(server.local_addr());
                // Until the test drops its TestServer (or panics, which
                // drops the sender too).
                let _ = stop_rx.await;
                server.shutdown(Duration::from_secs(2)).await;
            })
        });
        let addr = addr_rx.recv_timeout(Duration::from_secs(10)).expect("the test server did not start in 10 s");
        TestServer { addr, stop: Some(stop_tx), thread: Some(thread) }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            // A panic on the server thread shows up as this test's failure.
            if thread.join().is_err() && !std::thread::panicking() {
                panic!("the test server's thread panicked");
            }
        }
    }
}
