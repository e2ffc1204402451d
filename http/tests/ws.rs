//! WebSocket end to end on 127.0.0.1: aioli's client against the test
//! app's `/ws/echo`, and raw bytes against both ends to see each rule
//! enforced on a live connection (unmasked frames, oversized messages,
//! a bad handshake, a server that masks).

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use aioli::io::{AsyncReadExt, AsyncWriteExt};
use aioli::net::{TcpListener, TcpStream};
use aioli_http::client::Client;
use aioli_http::ws::frame::{encode, Frame, FrameDecoder, Opcode, Role};
use aioli_http::ws::{self, CloseCode, CloseFrame, Message};
use aioli_http::{testing, App, Request, Response, Server};

/// Starts the test app, runs `test` with its address, stops the server.
fn with_app<F, Fut>(test: F)
where
    F: FnOnce(SocketAddr) -> Fut,
    Fut: Future<Output = ()>,
{
    aioli::run(async move {
        let server = Server::bind("127.0.0.1:0").start(testing::app()).await.expect("start the test app");
        if aioli::time::timeout(Duration::from_secs(15), test(server.local_addr())).await.is_err() {
            panic!("the test hung for 15 s");
        }
        server.shutdown(Duration::from_secs(1)).await;
    });
}

#[test]
fn echo_text_binary_ping_and_close() {
    with_app(|addr| async move {
        let mut socket = Client::new().ws_connect(&format!("ws://{addr}/ws/echo")).await.unwrap();
        socket.send("héllo").await.unwrap();
        assert_eq!(socket.recv().await.unwrap().unwrap(), Message::text("héllo"));
        let big: Vec<u8> = (0..100_000u32).map(|i| i as u8).collect();
        socket.send(big.clone()).await.unwrap();
        assert_eq!(socket.recv().await.unwrap().unwrap(), Message::Binary(big));
        socket.send(Message::Ping(b"beat".to_vec())).await.unwrap();
        assert_eq!(socket.recv().await.unwrap().unwrap(), Message::Pong(b"beat".to_vec()));
        socket.close(CloseCode::NORMAL, "done").await.unwrap();
        assert!(socket.recv().await.is_none());
        assert!(matches!(socket.send("late").await, Err(ws::Error::Closed)));
    });
}

#[test]
fn the_server_closes_first_and_the_client_sees_the_code() {
    async fn bye(req: Request) -> Response {
        ws::upgrade(&req, |mut socket| async move {
            let _ = socket.close(CloseCode(4001), "bye now").await;
        })
    }
    aioli::run(async {
        let server = Server::bind("127.0.0.1:0").start(App::new().get("/bye", bye)).await.unwrap();
        let mut socket = Client::new().ws_connect(&format!("ws://{}/bye", server.local_addr())).await.unwrap();
        let close = aioli::time::timeout(Duration::from_secs(5), socket.recv()).await.unwrap();
        assert_eq!(close.unwrap().unwrap(), Message::Close(Some(CloseFrame::new(CloseCode(4001), "bye now"))));
        assert!(socket.recv().await.is_none());
        server.shutdown(Duration::from_secs(1)).await;
    });
}

/// A raw client: sends the handshake, returns the socket after the 101.
async fn raw_handshake(addr: SocketAddr, target: &str) -> TcpStream {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "GET {target} HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        let mut byte = [0u8];
        assert_eq!(stream.read(&mut byte).await.unwrap(), 1, "closed during the handshake");
        head.push(byte[0]);
    }
    let head = String::from_utf8(head).unwrap();
    assert!(head.starts_with("HTTP/1.1 101"), "{head}");
    assert!(head.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), "{head}");
    stream
}

/// Reads frames as a client until the server's Close; returns its code.
async fn read_until_close(stream: &mut TcpStream) -> Option<u16> {
    let decoder = FrameDecoder::new(Role::Client, 1 << 20);
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some((frame, used)) = decoder.decode(&buf).unwrap() {
            buf.drain(..used);
            if frame.opcode == Opcode::Close {
                return Some(u16::from_be_bytes([frame.payload[0], frame.payload[1]]));
            }
            continue;
        }
        let n = stream.read(&mut chunk).await.unwrap();
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

fn masked(fin: bool, opcode: Opcode, payload: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::new();
    encode(&Frame { fin, opcode, payload: payload.to_vec() }, Some([1, 2, 3, 4]), &mut bytes);
    bytes
}

#[test]
fn the_server_enforces_masking_utf8_and_size_on_a_live_connection() {
    with_app(|addr| async move {
        // Unmasked: 1002.
        let mut stream = raw_handshake(addr, "/ws/echo").await;
        stream.write_all(&[0x81, 0x02, b'h', b'i']).await.unwrap();
        assert_eq!(read_until_close(&mut stream).await, Some(1002));
        // Invalid UTF-8: 1007.
        let mut stream = raw_handshake(addr, "/ws/echo").await;
        stream.write_all(&masked(true, Opcode::Text, &[0xFF, 0xFE])).await.unwrap();
        assert_eq!(read_until_close(&mut stream).await, Some(1007));
        // Over the route's limit: 1009.
        let mut stream = raw_handshake(addr, "/ws/echo?max_message_bytes=10").await;
        stream.write_all(&masked(true, Opcode::Binary, &[0; 11])).await.unwrap();
        assert_eq!(read_until_close(&mut stream).await, Some(1009));
    });
}

#[test]
fn fragments_sent_with_a_ping_between_come_back_whole() {
    with_app(|addr| async move {
        let mut stream = raw_handshake(addr, "/ws/echo").await;
        let bytes = [
            masked(false, Opcode::Text, b"frag"),
            masked(true, Opcode::Ping, b"p"),
            masked(true, Opcode::Continuation, b"ments"),
            masked(true, Opcode::Close, &[0x03, 0xE8]),
        ]
        .concat();
        // One byte per write: the server must reassemble across reads.
        for byte in bytes {
            stream.write_all(&[byte]).await.unwrap();
        }
        let decoder = FrameDecoder::new(Role::Client, 1 << 20);
        let mut received = Vec::new();
        stream.read_to_end(&mut received).await.unwrap();
        let mut frames = Vec::new();
        while let Some((frame, used)) = decoder.decode(&received).unwrap() {
            received.drain(..used);
            frames.push((frame.opcode, frame.payload));
        }
        assert_eq!(
            frames,
            [(Opcode::Pong, b"p".to_vec()), (Opcode::Text, b"fragments".to_vec()), (Opcode::Close, vec![0x03, 0xE8]),]
        );
    });
}

#[test]
fn a_bad_handshake_gets_400_or_426() {
    with_app(|addr| async move {
        let ask = |request: &'static str| async move {
            let mut stream = TcpStream::connect(addr).await.unwrap();
            stream.write_all(request.as_bytes()).await.unwrap();
            let mut answer = Vec::new();
            stream.read_to_end(&mut answer).await.unwrap();
            String::from_utf8_lossy(&answer).into_owned()
        };
        let plain = ask("GET /ws/echo HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").await;
        assert!(plain.starts_with("HTTP/1.1 426"), "{plain}");
        assert!(plain.contains("Upgrade: websocket"), "{plain}");
        let version = ask("GET /ws/echo HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade, close\r\n\
             Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n")
        .await;
        assert!(version.starts_with("HTTP/1.1 426") && version.contains("Sec-WebSocket-Version: 13"), "{version}");
        let no_key = ask("GET /ws/echo HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade, close\r\n\
             Sec-WebSocket-Version: 13\r\n\r\n")
        .await;
        assert!(no_key.starts_with("HTTP/1.1 400") && no_key.contains("Sec-WebSocket-Key"), "{no_key}");
    });
}

#[test]
fn the_client_refuses_a_masked_frame_and_a_wrong_accept() {
    aioli::run(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = aioli::spawn(async move {
            // First connection: a correct 101, then a masked frame.
            let (mut stream, _) = listener.accept().await.unwrap();
            let mut head = [0u8; 1024];
            let _ = stream.read(&mut head).await.unwrap();
            let text = String::from_utf8_lossy(&head).into_owned();
            let key = text.lines().find_map(|line| line.strip_prefix("Sec-WebSocket-Key: ")).unwrap().trim().to_owned();
            let answer = format!(
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
                 Sec-WebSocket-Accept: {}\r\n\r\n",
                ws::handshake::accept_key(&key)
            );
            stream.write_all(answer.as_bytes()).await.unwrap();
            stream.write_all(&masked(true, Opcode::Text, b"no")).await.unwrap();
            let mut rest = Vec::new();
            stream.read_to_end(&mut rest).await.unwrap();
            let close = FrameDecoder::new(Role::Server, 1024).decode(&rest).unwrap().unwrap().0;
            assert_eq!((close.opcode, &close.payload[..2]), (Opcode::Close, &[0x03, 0xEA][..]));
            // Second connection: a 101 with the wrong accept key.
            let (mut stream, _) = listener.accept().await.unwrap();
            let _ = stream.read(&mut head).await.unwrap();
            let wrong = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
                         Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
            stream.write_all(wrong.as_bytes()).await.unwrap();
        });
        let client = Client::new();
        let mut socket = client.ws_connect(&format!("ws://{addr}/")).await.unwrap();
        let error = socket.recv().await.unwrap().unwrap_err();
        assert!(error.to_string().contains("masked"), "{error}");
        assert!(socket.recv().await.is_none());
        drop(socket);
        let refused = client.ws_connect(&format!("ws://{addr}/")).await.unwrap_err();
        assert!(refused.to_string().contains("Sec-WebSocket-Accept"), "{refused}");
        aioli::time::timeout(Duration::from_secs(5), server).await.unwrap().unwrap();
    });
}

#[test]
fn wss_to_a_plain_server_fails_with_a_clear_error() {
    // With the `tls` feature the TLS handshake meets plain HTTP and says
    // so; without it, the URL is refused before connecting, naming the
    // feature. (wss:// that works: tests/tls.rs, against Server::tls.)
    with_app(|addr| async move {
        let error = Client::new().ws_connect(&format!("wss://{addr}/ws/echo")).await.unwrap_err();
        let message = error.to_string();
        if cfg!(feature = "tls") {
            assert!(message.contains("does not speak TLS"), "{message}");
        } else {
            assert!(message.contains("`tls` feature"), "{message}");
        }
    });
}
