//! 50 — memory: what one task and one connection cost, from /proc/self/statm.
//!
//! aiohttp:   process = psutil.Process(os.getpid())
//!            before = process.memory_info().rss
//!            tasks = [asyncio.create_task(event.wait()) for _ in range(10_000)]
//!            await asyncio.sleep(0)
//!            print((process.memory_info().rss - before) / 10_000, "bytes per task")
//! aioli:     let before = resident_bytes();                 // /proc/self/statm, field 2
//!            let tasks: Vec<_> = (0..10_000).map(|_| aioli::spawn(waiter)).collect();
//!            println!("{} bytes per task", (resident_bytes() - before) / 10_000);
//!
//! Watch: 10,000 tasks parked on one `Event` add a few hundred bytes each
//! to the resident set: a task is its future's state machine plus a slot
//! in the task table, no stack of its own (a thread has 8 MiB reserved
//! for its stack). Then 200 HTTP requests are held open at once against
//! `/delay/0.5`: each connection costs tens of KiB, mostly the read
//! buffers on both ends (this process is the client *and* the server).
//! After the answers, the 200 connections sit idle in the pool until the
//! client is dropped. Figures vary a little between runs: the allocator
//! keeps freed memory for reuse rather than returning it at once.
//! Differences: asyncio's tasks are Python objects of about 1-2 KiB each
//! plus their coroutine frames; psutil's `rss` is the same number as
//! statm's resident pages times the page size. On systems without /proc
//! (macOS, Windows) the example says so and stops.

use std::rc::Rc;
use std::time::Duration;

use aioli::sync::Event;
use aioli::time::sleep;
use aioli_http::client::Client;
use aioli_http::{testing, Server};

/// Linux's page size on the machines this runs on; statm counts pages.
const PAGE: u64 = 4096;

/// Resident memory of this process in bytes: /proc/self/statm's second
/// field is the number of resident pages.
fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * PAGE)
}

fn kib(bytes: u64) -> f64 {
    bytes as f64 / 1024.0
}

fn main() {
    let Some(start) = resident_bytes() else {
        println!("/proc/self/statm is not readable here (not Linux?): nothing to measure");
        return;
    };
    println!("resident at start: {:.0} KiB", kib(start));
    let result = aioli::run(async {
        // Tasks.
        const TASKS: usize = 10_000;
        let gate = Rc::new(Event::new());
        let before = resident_bytes().unwrap_or(0);
        let tasks: Vec<_> = (0..TASKS)
            .map(|_| {
                let gate = gate.clone();
                aioli::spawn(async move { gate.wait().await })
            })
            .collect();
        sleep(Duration::from_millis(10)).await; // let every task run once and park
        let after = resident_bytes().unwrap_or(0);
        println!(
            "{TASKS} parked tasks: +{:.0} KiB, {} bytes per task",
            kib(after.saturating_sub(before)),
            after.saturating_sub(before) / TASKS as u64
        );
        gate.set();
        for task in tasks {
            task.await?;
        }

        // Connections.
        const CONNECTIONS: usize = 200;
        let server = Server::bind("127.0.0.1:0").start(testing::app()).await?;
        let url = format!("http://{}/delay/0.5", server.local_addr());
        let client = Client::builder().limit(CONNECTIONS).build();
        let before = resident_bytes().unwrap_or(0);
        let requests =
            aioli::join_all((0..CONNECTIONS).map(|_| async { client.get(&url).send().await?.bytes().await }));
        let measure_mid_flight = async {
            sleep(Duration::from_millis(250)).await;
            let during = resident_bytes().unwrap_or(0);
            println!(
                "{CONNECTIONS} requests in flight ({} connections open on the server): +{:.0} KiB, {:.1} KiB per connection (client and server side)",
                server.open_connections(),
                kib(during.saturating_sub(before)),
                kib(during.saturating_sub(before)) / CONNECTIONS as f64
            );
        };
        let (results, ()) = aioli::join(requests, measure_mid_flight).await;
        let ok = results.iter().filter(|result| result.is_ok()).count();
        let idle = resident_bytes().unwrap_or(0);
        println!(
            "{ok} answers read; {} connections idle in the pool: +{:.0} KiB over the start of the burst",
            client.pool_status().idle,
            kib(idle.saturating_sub(before))
        );
        drop(client);
        server.shutdown(Duration::from_secs(1)).await;
        let end = resident_bytes().unwrap_or(0);
        println!("client dropped, server stopped: resident {:.0} KiB", kib(end));
        Ok::<(), Box<dyn std::error::Error>>(())
    });
    if let Err(error) = result {
        eprintln!("50_memory: {error}");
        std::process::exit(1);
    }
}
