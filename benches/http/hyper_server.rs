//! The reference: hyper 1.x's HTTP/1.1 server on tokio's current-thread
//! runtime, one task per connection, answering every request with the
//! same `Hello, World!` as examples/30_hello_server.rs.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::mpsc::Sender;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;

pub async fn hello(_request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let mut response = Response::new(Full::new(Bytes::from_static(b"Hello, World!")));
    response.headers_mut().insert("content-type", hyper::header::HeaderValue::from_static("text/plain; charset=utf-8"));
    Ok(response)
}

/// Binds 127.0.0.1:0, reports the address, serves until the process ends.
pub fn serve(addr_tx: Sender<SocketAddr>) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime");
    let local = tokio::task::LocalSet::new();
    local.block_on(&runtime, async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
        addr_tx.send(listener.local_addr().expect("local addr")).expect("report the address");
        loop {
            let Ok((stream, _)) = listener.accept().await else { continue };
            let _ = stream.set_nodelay(true);
            tokio::task::spawn_local(async move {
                let service = hyper::service::service_fn(hello);
                let _ =
                    hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
            });
        }
    });
}
