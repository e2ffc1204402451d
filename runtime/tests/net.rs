//! TCP and UDP through the reactor, against aioli peers and std's
//! blocking sockets as raw peers. Everything on 127.0.0.1, port 0.

use std::io::{Read, Write};
use std::time::Duration;

use aioli::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use aioli::net::{TcpListener, TcpStream, UdpSocket};
use aioli::stream::StreamExt;
use aioli::time::timeout;

/// A bound on every test's network waits, so a bug fails instead of hanging.
const LIMIT: Duration = Duration::from_secs(60);

/// Starts an echo server task: every connection gets its bytes back.
async fn echo_server() -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(aioli::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else { break };
            drop(aioli::spawn(async move {
                let (mut reader, mut writer) = socket.into_split();
                let _ = aioli::io::copy(&mut reader, &mut writer).await;
            }));
        }
    }));
    addr
}

/// Deterministic bytes for connection `seed`: every client's are distinct.
fn pattern(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}

/// How many connections this process may open at once, from
/// /proc/self/limits (Linux); None where that file does not exist.
fn open_files_limit() -> Option<usize> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|line| line.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

#[test]
fn a_thousand_concurrent_echo_connections_are_byte_exact() {
    // Each connection needs two descriptors here (both ends are in this
    // process). Fall back to what the limit allows, and say so.
    let wanted = 1000;
    let count = match open_files_limit() {
        Some(limit) if limit < 2 * wanted + 100 => {
            eprintln!("note: open-file limit {limit} allows only {} connections", (limit - 100) / 2);
            (limit - 100) / 2
        }
        _ => wanted,
    };
    aioli::run(async move {
        let addr = echo_server().await;
        let clients: Vec<_> = (0..count as u64)
            .map(|id| {
                aioli::spawn(async move {
                    let payload = pattern(id, 1024 + (id as usize % 7) * 100);
                    let mut stream = TcpStream::connect(addr).await?;
                    stream.write_all(&payload).await?;
                    stream.shutdown().await?;
                    let mut echoed = Vec::new();
                    stream.read_to_end(&mut echoed).await?;
                    Ok::<bool, std::io::Error>(echoed == payload)
                })
            })
            .collect();
        let results = timeout(LIMIT, aioli::join_all(clients)).await.expect("echo clients finished in time");
        let exact = results.into_iter().filter(|result| matches!(result, Ok(Ok(true)))).count();
        assert_eq!(exact, count, "every connection got exactly its own bytes back");
    });
}

/// FNV-1a: a small checksum that notices reordered or changed bytes.
fn fnv1a(mut hash: u64, bytes: &[u8]) -> u64 {
    for &byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

const FNV_START: u64 = 0xcbf2_9ce4_8422_2325;

#[test]
fn a_hundred_megabytes_arrive_intact() {
    const TOTAL: usize = 100 * 1024 * 1024;
    const WRITE: usize = 1024 * 1024;
    aioli::run(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let receiver = aioli::spawn(async move {
            let (mut socket, _) = listener.accept().await?;
            let mut buf = vec![0u8; 256 * 1024];
            let (mut received, mut hash) = (0usize, FNV_START);
            loop {
                let n = socket.read(&mut buf).await?;
                if n == 0 {
                    return Ok::<_, std::io::Error>((received, hash));
                }
                received += n;
                hash = fnv1a(hash, &buf[..n]);
            }
        });
        let block = pattern(7, WRITE);
        let mut sender = TcpStream::connect(addr).await.unwrap();
        let mut sent_hash = FNV_START;
        let send_all = async {
            for _ in 0..TOTAL / WRITE {
                sender.write_all(&block).await?;
                sent_hash = fnv1a(sent_hash, &block);
            }
            sender.shutdown().await
        };
        timeout(LIMIT, send_all).await.expect("sent in time").unwrap();
        let (received, hash) = timeout(LIMIT, receiver).await.expect("received in time").unwrap().unwrap();
        assert_eq!(received, TOTAL);
        assert_eq!(hash, sent_hash, "same bytes, same order");
    });
}

#[test]
fn half_close_lets_the_peer_answer_after_our_eof() {
    aioli::run(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = aioli::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut request = Vec::new();
            // Reads to EOF: only possible because the client shut down writing.
            socket.read_to_end(&mut request).await.unwrap();
            socket.write_all(format!("got {} bytes", request.len()).as_bytes()).await.unwrap();
        });
        let mut client = TcpStream::connect(addr).await.unwrap();
        client.write_all(b"all of my request").await.unwrap();
        client.shutdown().await.unwrap();
        let mut reply = String::new();
        timeout(LIMIT, client.read_to_string(&mut reply)).await.unwrap().unwrap();
        assert_eq!(reply, "got 17 bytes");
        server.await.unwrap();
    });
}

#[test]
fn a_refused_connection_is_an_error_that_names_the_address() {
    aioli::run(async {
        // Find a port nobody listens on: bind one, then let it go.
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let error = TcpStream::connect(("127.0.0.1", port)).await.unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::ConnectionRefused);
        let message = error.to_string();
        assert!(
            message.contains(&format!("127.0.0.1:{port}")) && message.contains("nothing is listening on that port"),
            "{message}"
        );
    });
}

#[test]
fn a_reset_from_the_peer_is_an_error_not_a_panic() {
    // std's blocking socket as the raw peer: it closes with our bytes
    // still unread, which makes its kernel answer with a reset (RST).
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let peer = std::thread::spawn(move || {
        let (socket, _) = listener.accept().unwrap();
        std::thread::sleep(Duration::from_millis(100)); // let our bytes arrive unread
        drop(socket);
    });
    aioli::run(async move {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream.write_all(b"data the peer never reads").await.unwrap();
        let mut buf = [0u8; 64];
        let outcome = timeout(LIMIT, stream.read(&mut buf)).await.expect("the reset arrived in time");
        match outcome {
            Err(error) => assert_eq!(error.kind(), std::io::ErrorKind::ConnectionReset, "{error}"),
            Ok(n) => panic!("expected a reset, read {n} bytes"),
        }
    });
    peer.join().unwrap();
}

#[test]
fn a_blocking_std_client_talks_to_an_aioli_server() {
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    let client = std::thread::spawn(move || {
        let addr: std::net::SocketAddr = addr_rx.recv().unwrap();
        let mut socket = std::net::TcpStream::connect(addr).unwrap();
        socket.set_read_timeout(Some(LIMIT)).unwrap();
        socket.write_all(b"hello\nworld\n").unwrap();
        socket.shutdown(std::net::Shutdown::Write).unwrap();
        let mut reply = String::new();
        socket.read_to_string(&mut reply).unwrap();
        reply
    });
    aioli::run(async move {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        addr_tx.send(listener.local_addr().unwrap()).unwrap();
        let (socket, _) = timeout(LIMIT, listener.accept()).await.unwrap().unwrap();
        let (reader, mut writer) = socket.into_split();
        let mut lines = BufReader::new(reader).lines();
        while let Some(line) = lines.next().await {
            let line = line.unwrap();
            writer.write_all(format!("{}\n", line.to_uppercase()).as_bytes()).await.unwrap();
        }
        // Dropping the owned write half sends FIN: the client's read ends.
    });
    assert_eq!(client.join().unwrap(), "HELLO\nWORLD\n");
}

#[test]
fn read_line_reads_line_by_line_over_tcp() {
    aioli::run(async {
        let addr = echo_server().await;
        let stream = TcpStream::connect(addr).await.unwrap();
        let (reader, mut writer) = stream.into_split();
        let mut reader = BufReader::new(reader);
        for word in ["alpha", "beta", "gamma"] {
            writer.write_all(format!("{word}\n").as_bytes()).await.unwrap();
            let mut line = String::new();
            timeout(LIMIT, reader.read_line(&mut line)).await.unwrap().unwrap();
            assert_eq!(line, format!("{word}\n"));
        }
    });
}

#[test]
fn a_reader_task_and_a_writer_task_share_one_socket() {
    aioli::run(async {
        let addr = echo_server().await;
        let (mut reader, mut writer) = TcpStream::connect(addr).await.unwrap().into_split();
        let sent = pattern(99, 200_000);
        let expected = sent.clone();
        // The reader waits on "readable" while the writer waits on
        // "writable": two wakers on one socket.
        let read_task = aioli::spawn(async move {
            let mut got = Vec::new();
            reader.read_to_end(&mut got).await.map(|_| got)
        });
        let write_task = aioli::spawn(async move {
            writer.write_all(&sent).await?;
            writer.shutdown().await
        });
        write_task.await.unwrap().unwrap();
        let got = timeout(LIMIT, read_task).await.unwrap().unwrap().unwrap();
        assert!(got == expected, "got {} bytes, expected {}", got.len(), expected.len());
    });
}

#[test]
fn udp_datagrams_go_both_ways() {
    aioli::run(async {
        let server = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let client = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        client.connect(server.local_addr().unwrap()).unwrap();
        let responder = aioli::spawn(async move {
            let mut buf = [0u8; 64];
            for _ in 0..3 {
                let (n, from) = server.recv_from(&mut buf).await.unwrap();
                let mut reply = buf[..n].to_vec();
                reply.reverse();
                server.send_to(&reply, from).await.unwrap();
            }
        });
        for word in ["abc", "hello", "x"] {
            client.send(word.as_bytes()).await.unwrap();
            let mut buf = [0u8; 64];
            let n = timeout(LIMIT, client.recv(&mut buf)).await.unwrap().unwrap();
            let expected: Vec<u8> = word.bytes().rev().collect();
            assert_eq!(&buf[..n], expected.as_slice());
        }
        responder.await.unwrap();
    });
}

#[test]
fn binding_a_taken_address_says_so() {
    aioli::run(async {
        let first = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = first.local_addr().unwrap();
        let error = TcpListener::bind(addr).await.unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::AddrInUse);
        assert!(error.to_string().contains(&addr.to_string()), "{error}");
    });
}

#[test]
#[should_panic(expected = "no aioli event loop is running")]
fn sockets_need_a_loop() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let _ = TcpListener::from_std(listener);
}

#[test]
fn two_tasks_waiting_on_one_socket_are_both_woken() {
    // Both receivers wait for "readable" on the same socket; each must get
    // a datagram. (With one waker slot per direction, the second waiter
    // would replace the first, which would then hang.)
    aioli::run(async {
        let shared = std::rc::Rc::new(UdpSocket::bind("127.0.0.1:0").await.unwrap());
        let addr = shared.local_addr().unwrap();
        let receivers: Vec<_> = (0..2)
            .map(|_| {
                let socket = shared.clone();
                aioli::spawn(async move {
                    let mut buf = [0u8; 16];
                    socket.recv_from(&mut buf).await.map(|(n, _)| buf[..n].to_vec())
                })
            })
            .collect();
        // Let both receivers reach their wait before anything arrives.
        for _ in 0..3 {
            aioli::task::yield_now().await;
        }
        let sender = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        sender.send_to(b"one", addr).await.unwrap();
        sender.send_to(b"two", addr).await.unwrap();
        let mut got: Vec<Vec<u8>> = timeout(LIMIT, aioli::join_all(receivers))
            .await
            .expect("both receivers were woken")
            .into_iter()
            .map(|result| result.unwrap().unwrap())
            .collect();
        got.sort();
        assert_eq!(got, [b"one".to_vec(), b"two".to_vec()]);
    });
}
