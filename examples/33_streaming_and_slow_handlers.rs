//! 33 — slow handlers and streaming answers: waiting costs nothing, blocking costs everyone.
//!
//! aiohttp:   async def slow(request):
//!                await asyncio.sleep(0.5)           # the loop serves others meanwhile
//!                return web.Response(text="done")
//!            async def countdown(request):
//!                response = web.StreamResponse()
//!                await response.prepare(request)    # head sent, body chunked
//!                for n in range(5, 0, -1):
//!                    await response.write(f"{n}...\n".encode())
//!                    await asyncio.sleep(0.2)
//!                await response.write_eof()
//!                return response
//! aioli:     async fn slow(_req: Request) -> &'static str { sleep(500 ms).await; "done" }
//!            Response::stream(aioli::stream::from_task(|tx| async move {
//!                for n in (1..=5).rev() { tx.send(format!("{n}...\n")).await; sleep(200 ms).await; }
//!            }))
//!
//! Watch: part 1 sends 50 requests at once to a handler that sleeps 500 ms:
//! all 50 answers arrive after about 0.5 s, not 25 s, because a sleeping
//! handler is a parked task and the loop serves the others meanwhile.
//! Part 2 does the wrong thing on purpose: a handler that calls
//! `std::thread::sleep(150 ms)` blocks the whole loop, so 4 requests take
//! about 0.6 s one after another (debug builds also print aioli's
//! slow-poll warning on stderr, naming the task). Part 3 reads a
//! streaming answer straight off the socket: the head arrives at once,
//! then each chunk ~200 ms apart, in chunked framing (`5\r\n5...\n\r\n`,
//! size in hex, data, CRLF), ending with the zero-size chunk `0\r\n\r\n`.
//! `-- --serve [--port 8080]` keeps it up: `curl -N localhost:8080/countdown`.
//! Differences: aiohttp's StreamResponse is written to imperatively from
//! the handler; here the handler returns at once with a stream, and the
//! server pulls pieces from it as the socket accepts them. A producer
//! task (`from_task`) makes the pieces; it is cancelled if the client
//! leaves, as aiohttp's handler would be.

mod common;

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use aioli::io::{AsyncReadExt, AsyncWriteExt};
use aioli::net::TcpStream;
use aioli::time::{sleep, Instant};
use aioli_http::{testing, App, Request, Response, Server};

/// Waits the way a handler should: the task parks, the loop moves on.
async fn slow(req: Request) -> String {
    let ms: u64 = req.query_param("ms").and_then(|ms| ms.parse().ok()).unwrap_or(500).min(5_000);
    sleep(Duration::from_millis(ms)).await;
    format!("done after {ms} ms\n")
}

/// Waits the way a handler must not: the thread sleeps, and with it the
/// loop and every other connection.
async fn blocking(req: Request) -> String {
    let ms: u64 = req.query_param("ms").and_then(|ms| ms.parse().ok()).unwrap_or(150).min(1_000);
    std::thread::sleep(Duration::from_millis(ms));
    format!("blocked the loop for {ms} ms\n")
}

/// Five lines, 200 ms apart, each sent as soon as it exists.
async fn countdown(_req: Request) -> Response {
    let body = aioli::stream::from_task(|tx| async move {
        for n in (1..=5).rev() {
            tx.send(format!("{n}...\n")).await;
            sleep(Duration::from_millis(200)).await;
        }
        tx.send("liftoff\n".to_owned()).await;
    });
    Response::stream(body).header("Content-Type", "text/plain; charset=utf-8")
}

fn app() -> App {
    App::new().get("/slow", slow).get("/blocking", blocking).get("/countdown", countdown)
}

/// Sends `count` GETs of `path` at once (one task each); returns how long
/// until the last answer, and how many were 200.
async fn at_once(addr: SocketAddr, path: &str, count: usize) -> io::Result<(Duration, usize)> {
    let start = Instant::now();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    let clients = (0..count).map(|_| aioli::spawn(testing::send(addr, request.clone())));
    let mut ok = 0;
    for outcome in aioli::join_all(clients).await {
        match outcome {
            Ok(Ok(response)) if response.status == 200 => ok += 1,
            Ok(Ok(response)) => println!("   unexpected answer: {} {}", response.status, response.text()),
            Ok(Err(error)) => println!("   a request failed: {error}"),
            Err(error) => println!("   a client task failed: {error}"),
        }
    }
    Ok((start.elapsed(), ok))
}

/// Reads a streaming answer raw, printing each piece as it arrives.
async fn watch_stream(addr: SocketAddr) -> io::Result<()> {
    let mut socket = TcpStream::connect(addr).await?;
    socket
        .write_all(format!("GET /countdown HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes())
        .await?;
    let start = Instant::now();
    let mut buf = [0u8; 4096];
    let mut head_seen = false;
    loop {
        let n = aioli::time::timeout(Duration::from_secs(5), socket.read(&mut buf))
            .await
            .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "the stream stalled for 5 s"))??;
        if n == 0 {
            println!("   [{:>4} ms] connection closed by the server", start.elapsed().as_millis());
            return Ok(());
        }
        let text = String::from_utf8_lossy(&buf[..n]);
        // Show the head's first line only; show chunk framing in full.
        let shown = match text.split_once("\r\n\r\n").filter(|_| !head_seen) {
            Some((head, rest)) => {
                head_seen = true;
                format!("{} …head…  {rest:?}", head.lines().next().unwrap_or_default())
            }
            None => format!("{text:?}"),
        };
        println!("   [{:>4} ms] {shown}", start.elapsed().as_millis());
    }
}

async fn demo() -> io::Result<()> {
    let server = Server::bind("127.0.0.1:0").start(app()).await?;
    let addr = server.local_addr();

    println!("1. 50 requests at once to a handler that awaits a 500 ms sleep");
    let (took, ok) = at_once(addr, "/slow?ms=500", 50).await?;
    println!(
        "   {ok} answers in {:.2} s: the waits overlapped (one after another would be 25 s)\n",
        took.as_secs_f64()
    );

    println!("2. 4 requests at once to a handler that blocks the thread for 150 ms");
    let (took, ok) = at_once(addr, "/blocking?ms=150", 4).await?;
    println!("   {ok} answers in {:.2} s: one at a time, the loop could do nothing else\n", took.as_secs_f64());

    println!("3. a streaming answer, read raw off the socket");
    watch_stream(addr).await?;
    server.shutdown(Duration::from_secs(1)).await;
    Ok(())
}

fn main() -> io::Result<()> {
    match common::serve_port() {
        Some(port) => aioli::run(Server::bind(("127.0.0.1", port)).serve(app())),
        None => aioli::run(demo()),
    }
}
