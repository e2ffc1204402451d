//! 13 — TCP streams: an echo server and its clients, asyncio's `start_server` / `open_connection`.
//!
//! asyncio:   async def handle(reader, writer):
//!                async for line in reader:             # one task per connection
//!                    writer.write(line); await writer.drain()
//!                writer.close()
//!            server = await asyncio.start_server(handle, "127.0.0.1", 0)
//!            reader, writer = await asyncio.open_connection("127.0.0.1", port)
//!            writer.write(b"hello\n"); await writer.drain()
//!            print(await reader.readline())
//!            writer.write_eof()                        # half-close, then read the rest
//!            server.close(); await server.wait_closed()
//! aioli:     let listener = TcpListener::bind("127.0.0.1:0").await?;
//!            loop { let (socket, peer) = listener.accept().await?; spawn(handle(socket)); }
//!            let mut lines = BufReader::new(read_half).lines();
//!            while let Some(line) = lines.next().await { write_half.write_all(…).await? }
//!            let stream = TcpStream::connect(addr).await?;
//!            stream.shutdown().await?;                 // write_eof
//!            accept_loop.abort();                      // server.close()
//!
//! Watch: part 1 — three clients talk to the server at the same time:
//! their lines interleave (client 1, 2, 3, 1, 2, 3, …) about 50 ms apart,
//! each echo comes back at once, and the server reports every connection
//! closed after 3 lines. Stopping the server is `abort()` on the accept
//! loop, which resolves to "cancelled". Part 2 — `io::copy` echoes raw
//! bytes; the client half-closes with `shutdown()` and still reads the
//! whole echo after it. Part 3 — connecting where nobody listens is an
//! `io::Error` that names the address and asks whether a server is there.
//! Run it with `AIOLI_TRACE=1` to see lines like
//! `wake task#2 "conn 1" by IO: source 4 is readable`.
//! Differences: asyncio hands the handler a (reader, writer) pair; aioli
//! hands over one `TcpStream`, which `into_split()` turns into a read half
//! and a write half. asyncio's `write` buffers without limit and `drain`
//! waits; `write_all` waits until the kernel took every byte. There is no
//! `Server` object: the accept loop is an ordinary task, and closing the
//! server means aborting it. Connections already accepted live on until
//! their peer hangs up, as after asyncio's `server.close()`; waiting for
//! them is what `wait_closed()` does since Python 3.12.

use std::cell::RefCell;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::rc::Rc;
use std::time::Duration;

use aioli::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use aioli::net::{TcpListener, TcpStream};
use aioli::stream::StreamExt;
use aioli::task::Builder;
use aioli::time::{sleep, timeout, Instant};
use aioli::{JoinError, JoinHandle};

/// No wait in this example may take longer: a bug fails instead of hanging.
const LIMIT: Duration = Duration::from_secs(2);

/// Runs `future` for at most `LIMIT`; running over is an `io::Error`.
async fn within<T>(what: &str, future: impl Future<Output = io::Result<T>>) -> io::Result<T> {
    match timeout(LIMIT, future).await {
        Ok(result) => result,
        Err(elapsed) => Err(io::Error::new(io::ErrorKind::TimedOut, format!("{what}: {elapsed}"))),
    }
}

fn at(start: Instant) -> String {
    format!("{:.2}s", start.elapsed().as_secs_f64())
}

// ANCHOR: serve_lines
/// One connection of the line server: asyncio's `handle(reader, writer)`.
async fn serve_lines(socket: TcpStream, peer: SocketAddr) -> io::Result<usize> {
    // Two halves, so the reader can be wrapped in a BufReader while the
    // writer stays free for replies.
    let (read_half, mut write_half) = socket.into_split();
    let mut lines = BufReader::new(read_half).lines();
    let mut count = 0;
    // `async for line in reader`: each `next()` waits for a whole line
    // (the BufReader reads what has arrived and keeps the rest).
    while let Some(line) = lines.next().await {
        let line = line?;
        write_half.write_all(format!("{line}\n").as_bytes()).await?;
        count += 1;
    }
    // `None`: the client closed its side. Returning drops `write_half`,
    // which closes ours (asyncio: writer.close()).
    println!("   server: {peer} hung up after {count} lines");
    Ok(count)
}
// ANCHOR_END: serve_lines

// ANCHOR: accept_loop
/// The accept loop: asyncio's `start_server`, written out. Each
/// connection gets its own task; their handles go into `connections` so
/// that main can wait for them (asyncio's `wait_closed`).
async fn accept_loop(listener: TcpListener, connections: Rc<RefCell<Vec<JoinHandle<io::Result<usize>>>>>) {
    let mut accepted = 0;
    loop {
        // Waiting here costs nothing: the task is parked in the reactor
        // until the listening socket turns readable (a connection came).
        let (socket, peer) = match listener.accept().await {
            Ok(connection) => connection,
            // A failed accept (out of file descriptors, say) is about one
            // connection, not about the server: report it and go on.
            Err(error) => {
                println!("   server: accept failed: {error}");
                continue;
            }
        };
        accepted += 1;
        println!("   server: accepted connection {accepted} from {peer}");
        let handle = Builder::new()
            .name(format!("conn {accepted}"))
            .spawn(async move { within("serving a connection", serve_lines(socket, peer)).await });
        // No await while borrowed: the RefCell is released at once.
        connections.borrow_mut().push(handle);
    }
}
// ANCHOR_END: accept_loop

/// One client: asyncio's `open_connection`, then write a line and
/// `readline()` its echo, three times.
async fn client(id: u64, addr: SocketAddr, start: Instant) -> io::Result<()> {
    let mut stream = TcpStream::connect(addr).await?;
    // Borrowed halves: reading and writing in the same task.
    let (read_half, mut write_half) = stream.split();
    let mut reader = BufReader::new(read_half);
    for n in 1..=3 {
        let line = format!("client {id}, line {n}");
        write_half.write_all(format!("{line}\n").as_bytes()).await?;
        let mut echo = String::new();
        reader.read_line(&mut echo).await?;
        println!("   [{}] client {id}: sent {line:?}, echo {:?}", at(start), echo.trim_end());
        // Everyone waits the same, so the three clients take turns.
        sleep(Duration::from_millis(50)).await;
    }
    Ok(())
    // `stream` is dropped here: the connection closes, the server's
    // `lines.next()` returns None.
}

fn main() -> io::Result<()> {
    let start = Instant::now();
    aioli::run(async move {
        println!("1. a line echo server and three concurrent clients");
        let listener = TcpListener::bind("127.0.0.1:0").await?; // port 0: the OS picks one
        let addr = listener.local_addr()?;
        println!("   server: listening on {addr}");
        let connections = Rc::new(RefCell::new(Vec::new()));
        let server = Builder::new().name("accept loop").spawn(accept_loop(listener, connections.clone()));

        let clients = (1..=3).map(|id| client(id, addr, start));
        // join_all runs the three clients at once inside main; any error
        // is reported per client.
        let results = within("the clients", async { Ok(aioli::join_all(clients).await) }).await?;
        for (id, result) in (1..).zip(results) {
            if let Err(error) = result {
                println!("   client {id} failed: {error}");
            }
        }

        // server.close(): stop accepting. The accept loop is parked in
        // accept(); abort() drops it there, which closes the listener.
        server.abort();
        match timeout(LIMIT, server).await {
            Ok(Err(JoinError::Cancelled)) => println!("   server: accept loop cancelled by abort(), listener closed"),
            Ok(outcome) => println!("   server: accept loop ended otherwise: {outcome:?}"),
            Err(elapsed) => println!("   server: {elapsed}"),
        }
        // server.wait_closed(): wait for the connections still being served.
        let handlers = std::mem::take(&mut *connections.borrow_mut());
        let served = within("closing connections", async { Ok(aioli::join_all(handlers).await) }).await?;
        let lines: usize = served.into_iter().filter_map(|outcome| outcome.ok()?.ok()).sum();
        println!("   [{}] server closed; {lines} lines echoed in all\n", at(start));

        println!("2. a raw echo with io::copy, and a half-close");
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let copier = Builder::new().name("copy echo").spawn(async move {
            let (socket, _) = within("accept", listener.accept()).await?;
            let (mut reader, mut writer) = socket.into_split();
            // copy reads until EOF, so it returns only after the client's
            // shutdown(); dropping `writer` then closes our side too.
            within("copy", aioli::io::copy(&mut reader, &mut writer)).await
        });
        let mut stream = within("connect", TcpStream::connect(addr)).await?;
        let parts: [&[u8]; 2] = [b"bytes in, ", b"the same bytes out"];
        for part in parts {
            within("write", stream.write_all(part)).await?;
        }
        // asyncio's write_eof(): send FIN. We can write no more, but the
        // read direction stays open for the rest of the echo.
        within("shutdown", stream.shutdown()).await?;
        println!("   client: sent {} bytes, then shutdown() (half-close)", parts.concat().len());
        let mut echo = String::new();
        within("read the rest", stream.read_to_string(&mut echo)).await?;
        println!("   client: read {echo:?} after the half-close, then EOF");
        match within("the copy task", async { Ok(copier.await) }).await? {
            Ok(Ok(copied)) => println!("   server: io::copy returned after {copied} bytes\n"),
            other => println!("   server: {other:?}\n"),
        }

        println!("3. connecting where nobody listens");
        // Bind a port, then free it: now nobody listens there.
        let free_port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        match within("connect", TcpStream::connect(("127.0.0.1", free_port))).await {
            Ok(_) => println!("   connected?! someone took the port meanwhile"),
            Err(error) => println!("   {:?}: {error}", error.kind()),
        }
        println!("   [{}] done", at(start));
        Ok(())
    })
}
