//! aioli-http's server with the handler of examples/30_hello_server.rs,
//! on aioli's single-threaded loop with its debug aids off.

use std::net::SocketAddr;
use std::sync::mpsc::Sender;

use aioli_http::{App, Request, Server};

async fn hello(_req: Request) -> &'static str {
    "Hello, World!"
}

/// Binds 127.0.0.1:0, reports the address, serves until the process ends.
pub fn serve(addr_tx: Sender<SocketAddr>) {
    let runtime = aioli::Runtime::builder().debug(false).build().expect("aioli runtime");
    runtime.block_on(async move {
        let app = App::new().get("/", hello);
        let server = Server::bind("127.0.0.1:0").start(app).await.expect("aioli-http server");
        addr_tx.send(server.local_addr()).expect("report the address");
        std::future::pending::<()>().await;
    });
}
