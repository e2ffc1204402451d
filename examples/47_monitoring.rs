//! 47 — request monitoring: outcomes counted, timeouts apart, latency percentiles.
//!
//! aiohttp:   stats = defaultdict(int)
//!            try:
//!                async with session.get(url) as r:
//!                    stats["requests"] += 1; stats[f"status_{r.status}"] += 1
//!            except asyncio.TimeoutError: stats["timeout_errors"] += 1
//!            except Exception: stats["other_errors"] += 1
//!            finally: latencies.append(loop.time() - start)
//! aioli:     match client.get(url).send().await {
//!                Ok(r) => *stats.entry(format!("status_{}", r.status())).or_default() += 1,
//!                Err(e) if e.is_timeout() => … , Err(e) => …,
//!            }
//!
//! Watch: 40 requests over a mix of endpoints (fast ones, slow ones, a
//! 500, a 404, one that times out at 0.4 s, one to a closed port) run with
//! at most 8 in flight. The table counts them by outcome: 2xx, each error
//! status, timeouts (kept apart from the other errors, as the seed does),
//! and connection errors. Then the latency of every request: p50, p95 and
//! max; the timeouts sit at the top, near 400 ms, and the refused
//! connections at the bottom, under a millisecond.
//! Differences: instead of a shared `defaultdict` mutated from every
//! coroutine, each request returns its outcome and latency as a value and
//! the counting happens once at the end: no shared state to get wrong.

use std::collections::BTreeMap;
use std::rc::Rc;
use std::time::Duration;

use aioli::sync::Semaphore;
use aioli::time::Instant;
use aioli_http::client::{Client, Error};
use aioli_http::{testing, Server};

/// One request's outcome, as the monitor files it.
fn outcome(result: &Result<u16, Error>) -> String {
    match result {
        Ok(status) if (200..300).contains(status) => "success (2xx)".to_string(),
        Ok(status) => format!("http error {status}"),
        Err(error) if error.is_timeout() => "timeout".to_string(),
        Err(error) if error.is_connect() => "connection error".to_string(),
        Err(_) => "other error".to_string(),
    }
}

/// The value at `fraction` of the sorted latencies (nearest rank).
fn percentile(sorted: &[Duration], fraction: f64) -> Duration {
    let rank = ((sorted.len() as f64 * fraction).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn main() {
    let result = aioli::run(async {
        let server = Server::bind("127.0.0.1:0").start(testing::app()).await?;
        let base = format!("http://{}", server.local_addr());
        let closed_port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let mix = [
            format!("{base}/get"),
            format!("{base}/delay/0.05"),
            format!("{base}/delay/0.1"),
            format!("{base}/status/500"),
            format!("{base}/status/404"),
            format!("{base}/delay/2"),
            format!("{base}/posts/1"),
            format!("http://127.0.0.1:{closed_port}/"),
        ];
        let urls: Vec<&String> = mix.iter().cycle().take(40).collect();

        let client = Client::builder().timeout(Duration::from_millis(400)).build();
        let limit = Rc::new(Semaphore::new(8));
        let start = Instant::now();
        let measured = aioli::join_all(urls.iter().map(|url| {
            let (client, limit) = (client.clone(), limit.clone());
            async move {
                let _permit = limit.acquire().await;
                let began = Instant::now();
                let result = async {
                    let response = client.get(*url).send().await?;
                    let status = response.status().as_u16();
                    response.bytes().await?;
                    Ok(status)
                }
                .await;
                (result, began.elapsed())
            }
        }))
        .await;

        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for (result, _) in &measured {
            *counts.entry(outcome(result)).or_default() += 1;
        }
        println!("{} requests in {:.2} s, at most 8 at a time", measured.len(), start.elapsed().as_secs_f64());
        for (what, count) in &counts {
            println!("  {what:<18} {count:>3}");
        }
        let mut latencies: Vec<Duration> = measured.iter().map(|(_, latency)| *latency).collect();
        latencies.sort();
        println!(
            "\nlatency: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms, min {:.2} ms",
            percentile(&latencies, 0.50).as_secs_f64() * 1000.0,
            percentile(&latencies, 0.95).as_secs_f64() * 1000.0,
            latencies.last().map_or(0.0, |max| max.as_secs_f64() * 1000.0),
            latencies.first().map_or(0.0, |min| min.as_secs_f64() * 1000.0),
        );
        server.shutdown(Duration::from_secs(1)).await;
        Ok::<(), Box<dyn std::error::Error>>(())
    });
    if let Err(error) = result {
        eprintln!("47_monitoring: {error}");
        std::process::exit(1);
    }
}
