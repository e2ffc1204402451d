//! A tiny raw HTTP/1.1 client for examples and tests: write the request
//! bytes yourself, get the response back parsed.
//!
//! The examples of the server part send themselves requests before the
//! real client exists (and to show what goes over the wire): the request
//! is a string you can read, `"GET /greet/Ada HTTP/1.1\r\nHost: x\r\n\r\n"`.
//! [`RawConnection::send`] writes it, reads a response head (httparse, as
//! the server does), finds how the body is framed with the same
//! [`response_framing`] the crate uses and walks it with the same
//! [`BodyDecoder`], so a chunked answer comes back whole. The connection
//! stays open for the next request (keep-alive); [`send`] is the one-shot
//! form. Every wait is bounded by [`RawConnection::TIMEOUT`], so a server
//! that never answers fails an example instead of hanging it.
//!
//! This is not the HTTP client (no pooling, redirects, URLs or retries):
//! it is what `curl` would be in a shell session.
//!
//! Chapter: docs/src/20-http-request-on-the-loop.md

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use aioli::io::{AsyncReadExt, AsyncWriteExt};
use aioli::net::TcpStream;

use crate::proto::body::{response_framing, BodyDecoder, Decoded};
use crate::{HeaderMap, Method, StatusCode};

/// A response as [`RawConnection::send`] read it.
#[derive(Debug, Clone)]
pub struct RawResponse {
    /// The status code (`200`).
    pub status: u16,
    /// The reason phrase (`OK`).
    pub reason: String,
    /// The header fields, as sent.
    pub headers: HeaderMap,
    /// The body, with any chunked framing removed.
    pub body: Vec<u8>,
}

impl RawResponse {
    /// The first value of header `name`.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)
    }

    /// The body as text (invalid UTF-8 shown as `�`).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One open connection to a server, for requests one after another.
#[derive(Debug)]
pub struct RawConnection {
    stream: TcpStream,
    /// Bytes read past the end of the last response.
    buffered: Vec<u8>,
}

impl RawConnection {
    /// How long any one request may take before `send` gives up.
    pub const TIMEOUT: Duration = Duration::from_secs(10);

    /// Connects to `addr`.
    pub async fn connect(addr: SocketAddr) -> io::Result<RawConnection> {
        let stream = TcpStream::connect(addr).await?;
        Ok(RawConnection { stream, buffered: Vec::new() })
    }

    /// Writes `request` (a whole HTTP/1.1 request: head, blank line, body)
    /// and reads one response.
    pub async fn send(&mut self, request: impl AsRef<[u8]>) -> io::Result<RawResponse> {
        let request = request.as_ref();
        match aioli::time::timeout(RawConnection::TIMEOUT, self.exchange(request)).await {
            Ok(result) => result,
            Err(_) => Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!("no complete response within {:?}", RawConnection::TIMEOUT),
            )),
        }
    }

    async fn exchange(&mut self, request: &[u8]) -> io::Result<RawResponse> {
        self.stream.write_all(request).await?;
        // HEAD's answer has headers but no body, whatever they say.
        let method = if request.starts_with(b"HEAD ") { Method::Head } else { Method::Get };
        let (mut response, framing) = loop {
            if let Some((response, used, framing)) = parse_head(&self.buffered, &method)? {
                self.buffered.drain(..used);
                break (response, framing);
            }
            if self.read_more().await? == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the server closed the connection before a whole response head arrived",
                ));
            }
        };
        let mut decoder = BodyDecoder::new(framing);
        loop {
            let (used, found) = decoder.decode(&self.buffered).map_err(invalid)?;
            match found {
                Decoded::Data(data) => {
                    response.body.extend_from_slice(data);
                    self.buffered.drain(..used);
                }
                Decoded::Done => {
                    self.buffered.drain(..used);
                    return Ok(response);
                }
                Decoded::NeedMore => {
                    self.buffered.drain(..used);
                    if self.read_more().await? == 0 {
                        // Only a body framed "until close" may end here.
                        decoder.finish_at_eof().map_err(invalid)?;
                        return Ok(response);
                    }
                }
            }
        }
    }

    /// Reads what has arrived into `buffered`; 0 at end of stream.
    async fn read_more(&mut self) -> io::Result<usize> {
        // Read straight into the Vec's tail. (A `[u8; 16 * 1024]` here
        // would live inside this future across the await, making every
        // future that awaits `send` 16 KiB larger.)
        let start = self.buffered.len();
        self.buffered.resize(start + 16 * 1024, 0);
        let result = self.stream.read(&mut self.buffered[start..]).await;
        let n = *result.as_ref().unwrap_or(&0);
        self.buffered.truncate(start + n);
        result
    }
}

/// Connects to `addr`, sends `request`, reads one response, closes.
///
/// ```
/// use aioli_http::{testing, App, Server};
///
/// aioli::run(async {
///     let server = Server::bind("127.0.0.1:0").start(App::new().get("/", |_req| async { "hi" })).await?;
///     let response = testing::send(server.local_addr(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n").await?;
///     assert_eq!((response.status, response.text().as_str()), (200, "hi"));
///     server.shutdown(std::time::Duration::from_secs(1)).await;
///     Ok::<_, std::io::Error>(())
/// }).unwrap();
/// ```
pub async fn send(addr: SocketAddr, request: impl AsRef<[u8]>) -> io::Result<RawResponse> {
    RawConnection::connect(addr).await?.send(request).await
}

/// `GET path` with a Host header and `Connection: close`, via [`send`].
pub async fn get(addr: SocketAddr, path: &str) -> io::Result<RawResponse> {
    send(addr, format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n")).await
}

type Parsed = (RawResponse, usize, crate::proto::body::Framing);

/// A response head at the start of `buf`, if it is all there.
fn parse_head(buf: &[u8], method: &Method) -> io::Result<Option<Parsed>> {
    let mut fields = [httparse::EMPTY_HEADER; 100];
    let mut head = httparse::Response::new(&mut fields);
    let used = match head.parse(buf) {
        Ok(httparse::Status::Complete(used)) => used,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(error) => return Err(invalid(format!("malformed response head: {error}"))),
    };
    let status = head.code.unwrap_or(0);
    let mut headers = HeaderMap::new();
    for field in head.headers.iter() {
        headers.append(field.name, field.value);
    }
    let code = StatusCode::from_u16(status).map_err(invalid)?;
    let framing = response_framing(method, code, &headers).map_err(invalid)?;
    let reason = head.reason.unwrap_or("").to_owned();
    Ok(Some((RawResponse { status, reason, headers, body: Vec::new() }, used, framing)))
}

fn invalid(error: impl ToString) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, error.to_string())
}
