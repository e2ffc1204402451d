//! `Client::ws_connect`: open a WebSocket to a `ws://` URL.
//!
//! A WebSocket connection is never reused for another request, so it does
//! not come from the pool: `ws_connect` resolves the host with the
//! client's cached resolver, connects, writes the handshake request
//! (`ws::handshake::client_request`, with the client's default headers
//! such as `User-Agent`), reads the response head with the same parser as
//! every response, checks the `101` and its `Sec-WebSocket-Accept`, and
//! hands the socket (and any frame bytes that came behind the head) to a
//! client-side [`WebSocket`]. It all runs in the awaiting task, bounded
//! by the client's `connect_timeout` (resolve and connect) and `timeout`
//! (the whole handshake).
//!
//! `wss://` runs a TLS handshake (`tls::connect`, with the client's roots
//! and handshake timeout) between the TCP connect and the HTTP request,
//! and the WebSocket then speaks over the TLS stream.
//!
//! aiohttp's `ClientSession.ws_connect(url)` does the same steps on its
//! own connector.
//!
//! Chapter: docs/src/40-websocket.md

use std::io;
use std::time::Duration;

use aioli::io::{AsyncReadExt, AsyncWriteExt};
use aioli::net::TcpStream;

use super::session::Client;
use super::url::Url;
use crate::proto::response_head::parse_response_head;
use crate::transport::Transport;
use crate::ws::frame::Role;
use crate::ws::{handshake, Config, Error, WebSocket};

/// The largest response head accepted for the handshake.
const MAX_HEAD: usize = 64 * 1024;

impl Client {
    /// Opens a WebSocket to `url` (`ws://host[:port]/path`, or `wss://`
    /// over TLS), with the default [`ws::Config`](crate::ws::Config).
    pub async fn ws_connect(&self, url: &str) -> Result<WebSocket, Error> {
        self.ws_connect_with(url, Config::default()).await
    }

    /// [`ws_connect`](Self::ws_connect) with other limits.
    pub async fn ws_connect_with(&self, url: &str, config: Config) -> Result<WebSocket, Error> {
        let (parsed, tls) = ws_url(url)?;
        let handshake = self.ws_handshake(&parsed, tls, url, &config);
        match self.config().timeout {
            Some(limit) => match aioli::time::timeout(limit, handshake).await {
                Ok(result) => result,
                Err(_) => Err(timed_out(url, "the WebSocket handshake", limit)),
            },
            None => handshake.await,
        }
    }

    async fn ws_handshake(&self, parsed: &Url, tls: bool, url: &str, config: &Config) -> Result<WebSocket, Error> {
        let connect_error = |source| Error::Connect { url: url.to_owned(), source };
        let connect = async {
            let addrs = self.resolver().resolve(parsed.host(), parsed.port()).await?;
            TcpStream::connect(&addrs[..]).await
        };
        let tcp = match self.config().connect_timeout {
            Some(limit) => match aioli::time::timeout(limit, connect).await {
                Ok(result) => result.map_err(connect_error)?,
                Err(_) => return Err(timed_out(url, "connecting", limit)),
            },
            None => connect.await.map_err(connect_error)?,
        };
        let _ = tcp.set_nodelay(true);
        let peer = tcp.peer_addr().ok();
        let mut stream = if tls { self.ws_start_tls(tcp, parsed, url).await? } else { Transport::Plain(tcp) };

        let key = handshake::new_key();
        let request = handshake::client_request(
            &parsed.authority(),
            &parsed.request_target(),
            &key,
            &self.config().default_headers,
        );
        stream.write_all(&request).await.map_err(connect_error)?;

        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        let (head, used) = loop {
            match parse_response_head(&buf, MAX_HEAD, 100) {
                Ok(Some(parsed_head)) => break parsed_head,
                Ok(None) => {}
                Err(error) => return Err(Error::Handshake(error.to_string())),
            }
            let n = stream.read(&mut chunk).await.map_err(connect_error)?;
            if n == 0 {
                return Err(Error::Handshake("the server closed the connection before answering".to_owned()));
            }
            buf.extend_from_slice(&chunk[..n]);
        };
        handshake::check_response(head.status, &head.headers, &key).map_err(Error::Handshake)?;
        let rest = buf.split_off(used);
        Ok(WebSocket::new(Box::new(stream), Role::Client, config, peer, rest))
    }
}

impl Client {
    /// The TLS handshake of a `wss://` connection.
    #[cfg(feature = "tls")]
    async fn ws_start_tls(&self, tcp: TcpStream, parsed: &Url, url: &str) -> Result<Transport, Error> {
        use crate::tls::TlsFailure;
        let fail = |failure| Error::Tls { url: url.to_owned(), failure };
        let config = self.tls_config().map_err(fail)?;
        let settings = &self.config().tls;
        let limit = settings.handshake_timeout;
        let handshake = crate::tls::connect(tcp, parsed.host(), config, settings.observer.clone());
        match aioli::time::timeout(limit, handshake).await {
            Ok(Ok(stream)) => Ok(Transport::Tls(Box::new(stream))),
            Ok(Err(error)) => Err(fail(
                TlsFailure::from_io(&error, parsed.host()).unwrap_or_else(|| TlsFailure::Other(error.to_string())),
            )),
            Err(_) => Err(fail(TlsFailure::TimedOut(limit))),
        }
    }

    /// Without the `tls` feature `ws_url` refuses `wss://`, so this is
    /// never reached; it exists so the call site reads the same.
    #[cfg(not(feature = "tls"))]
    async fn ws_start_tls(&self, _tcp: TcpStream, _parsed: &Url, url: &str) -> Result<Transport, Error> {
        Err(Error::Url(format!("invalid URL {url:?}: wss:// needs the `tls` feature")))
    }
}

/// Parses a `ws://` or `wss://` URL through the HTTP URL parser (as
/// `http://` or `https://`: the same host, port and path rules); true
/// for `wss://`. Other schemes get an error naming the fix.
fn ws_url(url: &str) -> Result<(Url, bool), Error> {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let parse = |http: &str| Url::parse(&format!("{http}://{rest}")).map_err(|error| Error::Url(error.to_string()));
    match scheme.to_ascii_lowercase().as_str() {
        "ws" => Ok((parse("http")?, false)),
        "wss" if cfg!(feature = "tls") => Ok((parse("https")?, true)),
        "wss" => Err(Error::Url(format!(
            "invalid URL {url:?}: wss:// needs TLS, and aioli-http was built without its `tls` feature; use ws://"
        ))),
        _ => Err(Error::Url(format!("invalid URL {url:?}: a WebSocket URL starts with ws:// or wss://"))),
    }
}

fn timed_out(url: &str, what: &str, limit: Duration) -> Error {
    Error::Connect {
        url: url.to_owned(),
        source: io::Error::new(io::ErrorKind::TimedOut, format!("{what} took longer than {limit:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_ws_urls_are_accepted() {
        assert_eq!(
            ws_url("ws://h.test:81/chat?room=1").map(|(url, _)| url.request_target()).ok().as_deref(),
            Some("/chat?room=1")
        );
        if cfg!(feature = "tls") {
            let (url, tls) = ws_url("wss://h.test/chat").unwrap();
            assert!(tls);
            assert_eq!((url.port(), url.request_target()), (443, "/chat".to_string()));
        } else {
            let tls = ws_url("wss://h.test/").unwrap_err().to_string();
            assert!(tls.contains("TLS") && tls.contains("`tls` feature"), "{tls}");
        }
        let other = ws_url("http://h.test/").unwrap_err().to_string();
        assert!(other.contains("ws://"), "{other}");
    }
}
