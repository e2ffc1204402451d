//! Networking: TCP and UDP sockets driven by the loop's reactor.
//!
//! asyncio's `open_connection` / `start_server` become
//! [`TcpStream::connect`] and a loop over [`TcpListener::accept`] that
//! spawns a task per connection. Each socket is a non-blocking mio socket
//! in an `IoSource` (see the reactor): operations are tried, and when the
//! OS says `WouldBlock` the task waits for the next readiness event.
//!
//! Addresses are given as anything `std::net::ToSocketAddrs` takes
//! (`"127.0.0.1:8080"`, a `SocketAddr`, `("localhost", 80)`). A name that
//! is not an IP literal is looked up with the system resolver, which
//! blocks; tokio does that lookup on its blocking pool instead.
//!
//! Chapter: docs/src/10-reactor.md

mod split;
mod tcp_listener;
mod tcp_stream;
mod udp;

use std::io;
use std::net::{SocketAddr, ToSocketAddrs};

pub use split::{OwnedReadHalf, OwnedWriteHalf, ReadHalf, WriteHalf};
pub use tcp_listener::TcpListener;
pub use tcp_stream::TcpStream;
pub use udp::UdpSocket;

/// Resolves `addr`, with an error that names what could not be resolved.
fn resolve(addr: impl ToSocketAddrs, what: &str) -> io::Result<Vec<SocketAddr>> {
    let addrs: Vec<SocketAddr> = addr
        .to_socket_addrs()
        .map_err(|error| io::Error::new(error.kind(), format!("{what}: could not resolve the address: {error}")))?
        .collect();
    if addrs.is_empty() {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("{what}: the address resolved to nothing")));
    }
    Ok(addrs)
}

/// Tries `attempt` on each address in turn; the last error names the
/// address it was for.
async fn first_that_works<T, F, Fut>(addrs: Vec<SocketAddr>, what: &str, mut attempt: F) -> io::Result<T>
where
    F: FnMut(SocketAddr) -> Fut,
    Fut: std::future::Future<Output = io::Result<T>>,
{
    let mut last_error = None;
    for addr in addrs {
        match attempt(addr).await {
            Ok(value) => return Ok(value),
            Err(error) => last_error = Some(with_context(error, what, addr)),
        }
    }
    Err(last_error.unwrap_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, format!("{what}: no address"))))
}

/// Adds what was tried, where, and for the usual OS errors what they
/// mean there, keeping the error's kind. The fixes are in the docs of
/// `connect` and `bind`, not in the message.
fn with_context(error: io::Error, what: &str, addr: SocketAddr) -> io::Error {
    let meaning = match error.kind() {
        io::ErrorKind::ConnectionRefused => "; nothing is listening on that port",
        io::ErrorKind::AddrInUse => "; another socket is bound to that address",
        io::ErrorKind::PermissionDenied => "; ports below 1024 need privileges",
        _ => "",
    };
    io::Error::new(error.kind(), format!("{what} {addr}: {error}{meaning}"))
}
