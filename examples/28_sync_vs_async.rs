//! 28 — sync versus async: twenty slow requests one by one, on twenty threads, and as twenty tasks on one thread.
//!
//! asyncio:   start = time.perf_counter()
//!            for i in range(20): blocking_request(i)                  # sync: one after another
//!            sync_time = time.perf_counter() - start
//!            start = time.perf_counter()
//!            await asyncio.gather(*(request(i) for i in range(20)))   # async: all at once
//!            print(f"speedup {sync_time / (time.perf_counter() - start):.1f}x")
//! aioli:     for i in 0..20 { blocking_request(addr, i)?; }                     // std::net
//!            aioli::join_all((0..20).map(|i| request(addr, i))).await;         // aioli::net
//!
//! Watch: a small line server on 127.0.0.1 answers every request after
//! 100 ms, as a slow service would. Sent one after another with
//! std::net, twenty requests take about 2.0 s: each waits for the one
//! before. On twenty threads they take about 0.1 s. As twenty aioli tasks
//! on this one thread they also take about 0.1 s, so the speedup against
//! one-by-one is close to 20x either way: the gain comes from waiting
//! concurrently, not from more CPU. The last column counts the threads
//! each way used to wait. Times vary a little from run to run; the ratios
//! are the point (benches/ has the careful measurements).
//! Differences: the articles make this comparison over HTTP (requests vs
//! aiohttp); a line protocol over TCP keeps this example to the runtime.
//! As in Python, the blocking client must not run inside the loop (it
//! would stop every task while it waits), so parts 1 and 2 run outside
//! any loop, and the service has a loop of its own on another thread.

use std::io::{self, BufRead, Write};
use std::net::SocketAddr;
use std::sync::mpsc;
use std::time::Duration;

use aioli::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use aioli::net::{TcpListener, TcpStream};
use aioli::sync::oneshot;
use aioli::time::sleep;
use std::time::Instant;

const REQUESTS: u32 = 20;
const SERVICE_TIME: Duration = Duration::from_millis(100);

fn main() -> io::Result<()> {
    let (addr, stop, server) = start_server()?;
    println!("a slow line service on {addr} answers each request after {} ms\n", SERVICE_TIME.as_millis());
    println!("   {:<24} {:>8} {:>9} {:>9}", "way", "time", "speedup", "threads");

    // 1. One after another, blocking: `requests.get` in a for loop.
    let start = Instant::now();
    for i in 0..REQUESTS {
        blocking_request(addr, i)?;
    }
    let sync_time = start.elapsed().as_secs_f64();
    report("one by one (std::net)", sync_time, sync_time, 1);

    // 2. One thread per request: what a ThreadPoolExecutor would do.
    let start = Instant::now();
    let threads: Vec<_> =
        (0..REQUESTS).map(|i| std::thread::spawn(move || blocking_request(addr, i).map(|_| ()))).collect();
    for thread in threads {
        match thread.join() {
            Ok(result) => result?,
            Err(_) => return Err(io::Error::other("a request thread panicked")),
        }
    }
    report("a thread per request", start.elapsed().as_secs_f64(), sync_time, REQUESTS as usize);

    // 3. One task per request, all on this thread's loop: asyncio.gather.
    let start = Instant::now();
    let replies = aioli::run(aioli::join_all((0..REQUESTS).map(|i| request(addr, i))));
    if let Some(Err(error)) = replies.into_iter().find(Result::is_err) {
        return Err(error);
    }
    report("a task per request", start.elapsed().as_secs_f64(), sync_time, 1);

    // Stop the server's loop and wait for its thread.
    let _ = stop.send(());
    match server.join() {
        Ok(result) => result,
        Err(_) => Err(io::Error::other("the server thread panicked")),
    }
}

fn report(way: &str, seconds: f64, sync_seconds: f64, threads: usize) {
    println!("   {way:<24} {seconds:>7.2}s {:>8.1}x {threads:>9}", sync_seconds / seconds);
}

/// A blocking client: connect, send one line, read the reply line.
fn blocking_request(addr: SocketAddr, i: u32) -> io::Result<String> {
    let mut stream = std::net::TcpStream::connect(addr)?;
    stream.write_all(format!("request {i}\n").as_bytes())?;
    let mut reply = String::new();
    std::io::BufReader::new(stream).read_line(&mut reply)?;
    Ok(reply)
}

/// The same on aioli: each await lets the other requests go on.
async fn request(addr: SocketAddr, i: u32) -> io::Result<String> {
    let mut stream = TcpStream::connect(addr).await?;
    stream.write_all(format!("request {i}\n").as_bytes()).await?;
    let mut reply = String::new();
    BufReader::new(stream).read_line(&mut reply).await?;
    Ok(reply)
}

/// Starts the slow service on its own thread with its own loop; returns
/// its address, a switch to stop it, and the thread to join.
#[allow(clippy::type_complexity)]
fn start_server() -> io::Result<(SocketAddr, oneshot::Sender<()>, std::thread::JoinHandle<io::Result<()>>)> {
    let (stop, stopped) = oneshot::channel::<()>();
    let (tell_addr, addr) = mpsc::channel();
    let thread = std::thread::spawn(move || -> io::Result<()> {
        aioli::run(async move {
            let listener = TcpListener::bind("127.0.0.1:0").await?;
            // The main thread waits for this before sending anything.
            let _ = tell_addr.send(listener.local_addr()?);
            let accept_loop = async {
                loop {
                    let (socket, _) = listener.accept().await?;
                    // Detached: each connection is answered on its own.
                    drop(aioli::spawn(answer_slowly(socket)));
                }
            };
            // Serve until told to stop (or until accept fails).
            match aioli::select(accept_loop, stopped).await {
                aioli::Either::Left(result) => result,
                aioli::Either::Right(_) => Ok(()),
            }
        })
    });
    match addr.recv() {
        Ok(addr) => Ok((addr, stop, thread)),
        // The thread ended before it had an address: report its error.
        Err(_) => match thread.join() {
            Ok(Err(error)) => Err(error),
            _ => Err(io::Error::other("the server thread ended before it listened")),
        },
    }
}

/// One connection of the service: read a line, wait, answer.
async fn answer_slowly(socket: TcpStream) -> io::Result<()> {
    let (read_half, mut write_half) = socket.into_split();
    let mut line = String::new();
    BufReader::new(read_half).read_line(&mut line).await?;
    sleep(SERVICE_TIME).await;
    write_half.write_all(format!("reply to {}", line).as_bytes()).await
}
