//! aioli-http's server with the handler of examples/30_hello_server.rs,
//! on aioli's single-threaded loop with its debug aids off.

use std::net::SocketAddr;
use std::sync::mpsc::Sender;
use std::time::Duration;

use aioli_http::{App, Request, Server};

async fn hello(_req: Request) -> &'static str {
    "Hello, World!"
}

/// Binds 127.0.0.1:0, reports the address, serves until the process ends.
pub fn serve(addr_tx: Sender<SocketAddr>) {
    let runtime = aioli::Runtime::builder().debug(false).build().expect("aioli runtime");
    runtime.block_on(async move {
        let app = App::new().get("/", hello);
        // hyper has no connection cap and no idle timeout; lift aioli's
        // (1024 connections, 15 s idle) so the 10k idle connections of the
        // memory table all stay open, as they do on hyper.
        let server = Server::bind("127.0.0.1:0")
            .max_connections(1 << 20)
            .keep_alive_timeout(Duration::from_secs(3600))
            .head_timeout(Duration::from_secs(3600))
            .start(app)
            .await
            .expect("aioli-http server");
        addr_tx.send(server.local_addr()).expect("report the address");
        std::future::pending::<()>().await;
    });
}
