//! The opening handshake: an HTTP request that asks to become a WebSocket.
//!
//! The client sends an ordinary HTTP/1.1 GET with `Upgrade: websocket`,
//! `Connection: Upgrade`, `Sec-WebSocket-Version: 13` and a
//! `Sec-WebSocket-Key` (16 random bytes in base64). The server answers
//! `101 Switching Protocols` with `Sec-WebSocket-Accept`: the SHA-1 of the
//! key followed by a fixed GUID, in base64 ([`accept_key`]). From then on
//! both sides speak frames on the same socket.
//!
//! The accept key is not security: it proves the server *understood* a
//! WebSocket request (a plain HTTP server or a cache could never produce
//! it by accident), so a client never mistakes some other answer for a
//! WebSocket. That is why SHA-1, long broken for signatures, is fine here.
//!
//! [`check_request`] is the server's side (a wrong request gets a 400, or
//! a 426 Upgrade Required naming what to send); [`client_request`] and
//! [`check_response`] are the client's. All three take and give heads
//! and bytes, no socket. aiohttp's `WebSocketResponse._handshake` and
//! Python `websockets`' `server.process_request` check the same fields.
//!
//! Chapter: docs/src/40-websocket.md

use crate::proto::base64;
use crate::proto::headers::HeaderMap;
use crate::proto::method::{Method, Version};
use crate::proto::status::StatusCode;

/// The GUID RFC 6455 §1.3 appends to the key before hashing.
const GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

// ANCHOR: accept_key
/// `Sec-WebSocket-Accept` for a client's `Sec-WebSocket-Key`.
///
/// ```
/// // The example of RFC 6455 §1.3.
/// let accept = aioli_http::ws::handshake::accept_key("dGhlIHNhbXBsZSBub25jZQ==");
/// assert_eq!(accept, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
/// ```
pub fn accept_key(key: &str) -> String {
    let mut sha1 = sha1_smol::Sha1::new();
    sha1.update(key.as_bytes());
    sha1.update(GUID.as_bytes());
    base64::encode(&sha1.digest().bytes())
}
// ANCHOR_END: accept_key

/// Why the server refused a handshake, and the status to answer with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandshakeError {
    /// 400 Bad Request, or 426 Upgrade Required.
    pub status: StatusCode,
    /// The cause, in one sentence, sent as the response body.
    pub reason: &'static str,
}

// ANCHOR: check_request
/// Checks a WebSocket opening request; gives back the client's key.
///
/// ```
/// use aioli_http::{HeaderMap, Method, Version};
/// use aioli_http::ws::handshake::check_request;
///
/// let mut headers = HeaderMap::new();
/// headers.insert("Upgrade", "websocket");
/// headers.insert("Connection", "keep-alive, Upgrade");
/// headers.insert("Sec-WebSocket-Version", "13");
/// headers.insert("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
/// assert_eq!(check_request(&Method::Get, Version::Http11, &headers).unwrap(), "dGhlIHNhbXBsZSBub25jZQ==");
///
/// headers.insert("Sec-WebSocket-Version", "8");
/// assert_eq!(check_request(&Method::Get, Version::Http11, &headers).unwrap_err().status.as_u16(), 426);
/// ```
pub fn check_request(method: &Method, version: Version, headers: &HeaderMap) -> Result<String, HandshakeError> {
    let bad = |reason| Err(HandshakeError { status: StatusCode::BAD_REQUEST, reason });
    if !headers.has_token("upgrade", "websocket") {
        // A plain GET (a browser tab, curl): say what this URL wants.
        return Err(HandshakeError {
            status: StatusCode::UPGRADE_REQUIRED,
            reason: "this URL speaks WebSocket only: send Upgrade: websocket and Connection: Upgrade",
        });
    }
    if *method != Method::Get {
        return bad("a WebSocket handshake must be a GET request");
    }
    if version != Version::Http11 {
        return bad("a WebSocket handshake needs HTTP/1.1");
    }
    if !headers.has_token("connection", "upgrade") {
        return bad("a WebSocket handshake needs Connection: Upgrade");
    }
    if headers.get("sec-websocket-version").map(str::trim) != Some("13") {
        return Err(HandshakeError {
            status: StatusCode::UPGRADE_REQUIRED,
            reason: "only WebSocket version 13 is supported: send Sec-WebSocket-Version: 13",
        });
    }
    let key = headers.get("sec-websocket-key").map(str::trim).unwrap_or("");
    if base64::decode(key).map(|bytes| bytes.len()) != Some(16) {
        return bad("Sec-WebSocket-Key must be 16 bytes in base64");
    }
    Ok(key.to_owned())
}
// ANCHOR_END: check_request

/// The opening request a client sends, for `host` (`Host` header value)
/// and `target` (path and query), with `key` from [`new_key`].
pub fn client_request(host: &str, target: &str, key: &str, extra: &HeaderMap) -> Vec<u8> {
    let mut head = format!(
        "GET {target} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
    )
    .into_bytes();
    for (name, value) in extra.iter() {
        head.extend_from_slice(name.as_bytes());
        head.extend_from_slice(b": ");
        head.extend_from_slice(value);
        head.extend_from_slice(b"\r\n");
    }
    head.extend_from_slice(b"\r\n");
    head
}

/// A fresh `Sec-WebSocket-Key`.
pub fn new_key() -> String {
    base64::encode(&super::random::nonce())
}

/// Checks the server's answer to [`client_request`]; `Err` says why it is
/// not a WebSocket.
pub fn check_response(status: StatusCode, headers: &HeaderMap, key: &str) -> Result<(), String> {
    if status != StatusCode::SWITCHING_PROTOCOLS {
        return Err(format!("the server answered {status} instead of 101 Switching Protocols"));
    }
    if !headers.has_token("upgrade", "websocket") || !headers.has_token("connection", "upgrade") {
        return Err("the server's 101 lacks Upgrade: websocket and Connection: Upgrade".to_owned());
    }
    if headers.get("sec-websocket-accept").map(str::trim) != Some(accept_key(key).as_str()) {
        return Err("the server's Sec-WebSocket-Accept does not match our key".to_owned());
    }
    if headers.contains("sec-websocket-extensions") {
        return Err("the server chose an extension, but we offered none".to_owned());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("Upgrade", "WebSocket");
        headers.insert("Connection", "Upgrade");
        headers.insert("Sec-WebSocket-Version", "13");
        headers.insert("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
        headers
    }

    #[test]
    fn each_wrong_field_has_its_status() {
        let status = |method: Method, version, edit: &dyn Fn(&mut HeaderMap)| {
            let mut headers = good();
            edit(&mut headers);
            check_request(&method, version, &headers).map_err(|error| error.status.as_u16())
        };
        let v11 = Version::Http11;
        assert!(status(Method::Get, v11, &|_| {}).is_ok());
        assert_eq!(status(Method::Post, v11, &|_| {}), Err(400));
        assert_eq!(status(Method::Get, Version::Http10, &|_| {}), Err(400));
        assert_eq!(
            status(Method::Get, v11, &|h| {
                h.remove("upgrade");
            }),
            Err(426)
        );
        assert_eq!(status(Method::Get, v11, &|h| h.insert("Connection", "keep-alive")), Err(400));
        assert_eq!(
            status(Method::Get, v11, &|h| {
                h.remove("sec-websocket-version");
            }),
            Err(426)
        );
        assert_eq!(status(Method::Get, v11, &|h| h.insert("Sec-WebSocket-Key", "c2hvcnQ=")), Err(400));
        assert_eq!(
            status(Method::Get, v11, &|h| {
                h.remove("sec-websocket-key");
            }),
            Err(400)
        );
    }

    #[test]
    fn a_client_key_round_trips_through_a_server_answer() {
        let key = new_key();
        let mut headers = HeaderMap::new();
        headers.insert("Upgrade", "websocket");
        headers.insert("Connection", "Upgrade");
        headers.insert("Sec-WebSocket-Accept", accept_key(&key));
        assert_eq!(check_response(StatusCode::SWITCHING_PROTOCOLS, &headers, &key), Ok(()));
        assert!(check_response(StatusCode::OK, &headers, &key).is_err());
        assert!(check_response(StatusCode::SWITCHING_PROTOCOLS, &headers, &new_key()).is_err());
    }
}
