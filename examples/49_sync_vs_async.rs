//! 49 — sync vs async: the same N requests, one after another, then all at once.
//!
//! aiohttp:   def sync_test():                              # requests, blocking
//!                with requests.Session() as s:
//!                    for url in urls: s.get(url)
//!            async def async_test():
//!                async with aiohttp.ClientSession() as s:
//!                    await asyncio.gather(*(s.get(url) for url in urls))
//!            print(f"Speedup: {sync_time / async_time:.2f}x")
//! aioli:     spawn_blocking(move || for url in urls { blocking_get(url) })   // std TcpStream
//!            aioli::join_all(urls.iter().map(|u| client.get(u).send())).await;
//!
//! Watch: 20 requests to `/delay/0.1` (each answer takes 100 ms on the
//! server). With std's blocking `TcpStream`, one after another, they take
//! 20 × 0.1 = about 2 s; with aioli's client, all in flight at once, about
//! 0.1 s: a speedup of about 20, which is N, because the time is all
//! waiting and the waits overlap. The answers are compared to check both
//! did the same work.
//! Differences: the blocking client runs on `spawn_blocking`'s thread,
//! since the server it calls lives on this program's loop: blocking the
//! loop's thread would stop the server too (and deadlock). The seed's
//! sync side uses a keep-alive Session; ours opens a connection per
//! request, which costs well under a millisecond on 127.0.0.1.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use aioli::time::Instant;
use aioli_http::client::Client;
use aioli_http::{testing, Server};

const N: usize = 20;

/// A whole HTTP/1.1 exchange on a blocking socket: the bytes a client
/// sends, and everything until the server closes.
fn blocking_get(addr: SocketAddr, path: &str) -> std::io::Result<Vec<u8>> {
    let mut socket = TcpStream::connect(addr)?;
    socket.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(socket, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n")?;
    let mut reply = Vec::new();
    socket.read_to_end(&mut reply)?; // blocks this thread until the answer is complete
    let body_at = reply.windows(4).position(|w| w == b"\r\n\r\n").map_or(reply.len(), |i| i + 4);
    Ok(reply.split_off(body_at))
}

fn main() {
    let result = aioli::run(async {
        let server = Server::bind("127.0.0.1:0").start(testing::app()).await?;
        let addr = server.local_addr();
        let path = "/delay/0.1";

        // Sync: one after another, on a blocking-pool thread.
        let sync_run = aioli::spawn_blocking(move || {
            let start = std::time::Instant::now();
            let bodies: std::io::Result<Vec<Vec<u8>>> = (0..N).map(|_| blocking_get(addr, path)).collect();
            (bodies, start.elapsed())
        });
        let (sync_bodies, sync_time) = sync_run.await?;
        let sync_bodies = sync_bodies?;
        println!("sync  (std TcpStream, one by one): {N} requests in {:.2} s", sync_time.as_secs_f64());

        // Async: all at once on this loop.
        let client = Client::new();
        let url = format!("http://{addr}{path}");
        let start = Instant::now();
        let results = aioli::join_all((0..N).map(|_| async { client.get(&url).send().await?.bytes().await })).await;
        let async_time = start.elapsed();
        let async_bodies: Result<Vec<Vec<u8>>, _> = results.into_iter().collect();
        let async_bodies = async_bodies?;
        println!("async (aioli client, concurrent):  {N} requests in {:.2} s", async_time.as_secs_f64());

        // The answers describe the request (its headers differ: the two
        // clients send different ones), so compare the URL each saw.
        let seen_url = |body: &[u8]| serde_json::from_slice::<serde_json::Value>(body).map(|v| v["url"].clone()).ok();
        let same =
            sync_bodies.iter().zip(&async_bodies).all(|(a, b)| seen_url(a).is_some() && seen_url(a) == seen_url(b));
        println!("every answer names the same URL both ways: {same}");
        println!("speedup: {:.1}x", sync_time.as_secs_f64() / async_time.as_secs_f64());
        server.shutdown(Duration::from_secs(1)).await;
        Ok::<(), Box<dyn std::error::Error>>(())
    });
    if let Err(error) = result {
        eprintln!("49_sync_vs_async: {error}");
        std::process::exit(1);
    }
}
