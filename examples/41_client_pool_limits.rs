//! 41 — the connection pool: limits, waiting for a slot, and timeouts.
//!
//! aiohttp:   connector = aiohttp.TCPConnector(limit=4, limit_per_host=2, ttl_dns_cache=300)
//!            timeout = aiohttp.ClientTimeout(total=2, sock_read=0.5)
//!            async with aiohttp.ClientSession(connector=connector, timeout=timeout) as s:
//!                await asyncio.gather(*(s.get(url) for _ in range(10)))
//! aioli:     let client = Client::builder().limit(4).limit_per_host(2).dns_ttl(secs(300))
//!                .timeout(secs(2)).read_timeout(ms(500)).build();
//!            aioli::join_all((0..10).map(|_| client.get(url).send())).await;
//!
//! Watch: ten requests to `/delay/0.2` start at once, but the server never
//! sees more than 2 connections (the per-host limit): the requests wait
//! in line and finish in five waves of two, about 1 s in all. Then the
//! same with `limit_per_host` lifted: all 4 slots of `limit(4)` are used,
//! about 0.6 s. Then an unread response holds its slot: with `limit(1)`
//! a second request waits until the first body is read. Finally the
//! three timeouts, each named in its error: read (`sock_read`), total,
//! and connect (which includes waiting for a slot).
//! Differences: aiohttp counts only connections in use against `limit`;
//! here idle ones count too, so `limit(4)` means at most 4 sockets, ever.
//! aiohttp's `session.get()` without reading also holds the connection
//! until `release()` or the `async with` ends; here, until the body is
//! read or the response dropped.

use std::cell::Cell;
use std::time::Duration;

use aioli::time::{sleep, Instant};
use aioli_http::client::Client;
use aioli_http::{testing, Server, ServerHandle};

/// Runs `requests` GETs of `url` at once and reports the most
/// connections the server had open at the same time.
async fn burst(client: &Client, server: &ServerHandle, url: &str, requests: usize) -> usize {
    let peak = Cell::new(0);
    let done = Cell::new(false);
    let start = Instant::now();
    let all_requests = async {
        let results =
            aioli::join_all((0..requests).map(|_| async { client.get(url).send().await?.bytes().await })).await;
        done.set(true);
        results
    };
    // Beside the requests, in the same task, sample the server's count of
    // open connections every few milliseconds.
    let watch = async {
        while !done.get() {
            peak.set(peak.get().max(server.open_connections()));
            sleep(Duration::from_millis(5)).await;
        }
    };
    let (results, ()) = aioli::join(all_requests, watch).await;
    let ok = results.iter().filter(|result| result.is_ok()).count();
    println!("  {ok}/{requests} succeeded in {:.2} s", start.elapsed().as_secs_f64());
    peak.get()
}

fn main() {
    let result = aioli::run(async {
        let server = Server::bind("127.0.0.1:0").start(testing::app()).await?;
        let base = format!("http://{}", server.local_addr());
        let slow = format!("{base}/delay/0.2");

        println!("10 requests, limit(4), limit_per_host(2):");
        let client = Client::builder().limit(4).limit_per_host(2).dns_ttl(Duration::from_secs(300)).build();
        let peak = burst(&client, &server, &slow, 10).await;
        println!("  the server saw at most {peak} connections at once");

        // Dropping the client closes its idle connections, so the server's
        // count starts from zero again.
        drop(client);
        sleep(Duration::from_millis(20)).await;

        println!("\n10 requests, limit(4), no per-host limit:");
        let client = Client::builder().limit(4).build();
        let peak = burst(&client, &server, &slow, 10).await;
        println!("  the server saw at most {peak} connections at once");

        println!("\nan unread response holds its slot (limit 1):");
        let client = Client::builder().limit(1).connect_timeout(Duration::from_millis(300)).build();
        let first = client.get(format!("{base}/get")).send().await?;
        println!("  first response: {} (body not read yet), pool: {:?}", first.status().as_u16(), client.pool_status());
        match client.get(format!("{base}/get")).send().await {
            Ok(_) => println!("  second request: got a connection (unexpected)"),
            Err(error) => println!("  second request: {error}"),
        }
        let body = first.bytes().await?;
        println!("  first body read ({} bytes): the slot is free, pool: {:?}", body.len(), client.pool_status());
        let second = client.get(format!("{base}/get")).send().await?;
        println!("  second request again: {}", second.status().as_u16());
        drop(second);

        println!("\ntimeouts:");
        let client = Client::builder().timeout(Duration::from_secs(2)).read_timeout(Duration::from_millis(500)).build();
        if let Err(error) = client.get(format!("{base}/delay/1")).send().await {
            println!("  read:    {error}");
        }
        let request = client.get(format!("{base}/drip?numbytes=10&duration=3")).timeout(Duration::from_millis(700));
        match request.send().await {
            Ok(response) => {
                if let Err(error) = response.bytes().await {
                    println!("  total:   {error}");
                }
            }
            Err(error) => println!("  total:   {error}"),
        }
        let tight = Client::builder().limit(1).connect_timeout(Duration::from_millis(200)).build();
        let holder = tight.get(format!("{base}/get")).send().await?;
        if let Err(error) = tight.get(format!("{base}/get")).send().await {
            println!("  connect: {error}");
        }
        drop(holder);

        server.shutdown(Duration::from_secs(1)).await;
        Ok::<(), Box<dyn std::error::Error>>(())
    });
    if let Err(error) = result {
        eprintln!("41_client_pool_limits: {error}");
        std::process::exit(1);
    }
}
