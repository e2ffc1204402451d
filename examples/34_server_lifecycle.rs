//! 34 — a server's life: start it in the background, serve while other tasks run, shut it down gracefully.
//!
//! aiohttp:   runner = web.AppRunner(app)
//!            await runner.setup()
//!            site = web.TCPSite(runner, "127.0.0.1", 0)
//!            await site.start()                       # returns: the server runs in the background
//!            ticker = asyncio.create_task(tick())      # other work on the same loop
//!            ...
//!            await runner.cleanup()                   # stop accepting, let requests in flight
//!                                                     # finish (shutdown_timeout), then close
//! aioli:     let server = Server::bind("127.0.0.1:0").start(app).await?;   // returns at once
//!            let ticker = aioli::spawn(tick());
//!            let forced = server.shutdown(Duration::from_secs(2)).await;   // graceful, bounded
//!
//! Watch: part 1 — `start` returns at once; a ticker task keeps printing
//! while the server answers requests on the same loop. Part 2 — a 600 ms
//! request is in flight and an idle keep-alive connection is open when
//! `shutdown` begins: a new connection is refused at once, the idle one is
//! closed, the request in flight still gets its 200 (with `Connection:
//! close`), and `shutdown` returns after it, with 0 connections forced.
//! Part 3 — the same with a 3 s request and a 200 ms deadline: `shutdown`
//! gives up waiting, aborts the connection (1 forced) and its client sees
//! the connection close with no answer.
//! `-- --serve [--port 8080]` keeps it up until Ctrl-C, which does the
//! same graceful shutdown (`Server::serve`).
//! Differences: aiohttp's runner/site/cleanup steps are `start` and
//! `shutdown` on one handle; the deadline is an argument, not a setting.
//! Dropping the handle without `shutdown` leaves the server running until
//! the loop ends, as dropping a JoinHandle leaves its task running.

mod common;

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use aioli::net::TcpStream;
use aioli::time::{sleep, Instant};
use aioli_http::testing::{self, RawConnection};
use aioli_http::{App, Request, Server};

async fn slow(req: Request) -> String {
    let ms: u64 = req.query_param("ms").and_then(|ms| ms.parse().ok()).unwrap_or(600).min(5_000);
    sleep(Duration::from_millis(ms)).await;
    format!("finished after {ms} ms\n")
}

fn app() -> App {
    App::new().get("/", |_req| async { "hello\n" }).get("/slow", slow)
}

fn at(start: Instant) -> String {
    format!("[{:>4} ms]", start.elapsed().as_millis())
}

fn get(addr: SocketAddr, path: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n")
}

/// A request started now, reported when it ends (or fails).
fn request_in_flight(addr: SocketAddr, path: &'static str, start: Instant) -> aioli::JoinHandle<()> {
    aioli::spawn(async move {
        match testing::send(addr, get(addr, path)).await {
            Ok(response) => println!(
                "   {} in-flight GET {path}: {} {:?}, Connection: {}",
                at(start),
                response.status,
                response.text(),
                response.header("connection").unwrap_or("-")
            ),
            Err(error) => println!("   {} in-flight GET {path}: no answer ({error})", at(start)),
        }
    })
}

async fn part1(start: Instant) -> io::Result<()> {
    println!("1. start() returns at once; the server and a ticker share the loop");
    let server = Server::bind("127.0.0.1:0").start(app()).await?;
    let addr = server.local_addr();
    println!("   {} listening on {addr}", at(start));
    let ticker = aioli::spawn(async move {
        for n in 1.. {
            sleep(Duration::from_millis(40)).await;
            println!("   {} tick {n}", at(start));
        }
    });
    for _ in 0..3 {
        let response = testing::send(addr, get(addr, "/")).await?;
        println!("   {} GET / -> {} {:?}", at(start), response.status, response.text());
        sleep(Duration::from_millis(50)).await;
    }
    ticker.abort();
    server.shutdown(Duration::from_secs(1)).await;
    Ok(())
}

async fn part2(start: Instant) -> io::Result<()> {
    println!("\n2. graceful shutdown with a request in flight and an idle keep-alive connection");
    let server = Server::bind("127.0.0.1:0").start(app()).await?;
    let addr = server.local_addr();
    let mut idle = RawConnection::connect(addr).await?;
    idle.send(get(addr, "/")).await?;
    let in_flight = request_in_flight(addr, "/slow?ms=600", start);
    sleep(Duration::from_millis(100)).await;
    println!("   {} shutdown begins; open connections: {}", at(start), server.open_connections());
    let stopping = aioli::spawn(async move {
        let forced = server.shutdown(Duration::from_secs(2)).await;
        println!("   {} shutdown returned; {forced} connections forced", at(start));
    });
    sleep(Duration::from_millis(50)).await;
    match TcpStream::connect(addr).await {
        Ok(_) => println!("   {} a new connection was accepted?!", at(start)),
        Err(error) => println!("   {} a new connection is refused: {:?}", at(start), error.kind()),
    }
    match idle.send(get(addr, "/")).await {
        Ok(response) => println!("   {} the idle connection still answered {}", at(start), response.status),
        Err(error) => println!("   {} the idle keep-alive connection was closed: {:?}", at(start), error.kind()),
    }
    let _ = in_flight.await;
    let _ = stopping.await;
    Ok(())
}

async fn part3(start: Instant) -> io::Result<()> {
    println!("\n3. a deadline shorter than the request: shutdown aborts it");
    let server = Server::bind("127.0.0.1:0").start(app()).await?;
    let addr = server.local_addr();
    let in_flight = request_in_flight(addr, "/slow?ms=3000", start);
    sleep(Duration::from_millis(100)).await;
    println!("   {} shutdown with a 200 ms deadline", at(start));
    let forced = server.shutdown(Duration::from_millis(200)).await;
    println!("   {} shutdown returned; {forced} connection forced", at(start));
    let _ = in_flight.await;
    Ok(())
}

fn main() -> io::Result<()> {
    if let Some(port) = common::serve_port() {
        return aioli::run(Server::bind(("127.0.0.1", port)).serve(app()));
    }
    aioli::run(async {
        let start = Instant::now();
        part1(start).await?;
        part2(start).await?;
        part3(start).await
    })
}
