//! 02 — tasks: `spawn` starts a future running on its own, so waits overlap.
//!
//! asyncio:   t1 = asyncio.create_task(job("A", 2))
//!            t2 = asyncio.create_task(job("B", 1))
//!            await t1; await t2          # about 2 s in all, not 3
//! aioli:     let t1 = aioli::spawn(job("A", Duration::from_secs(2)));
//!            let t2 = aioli::spawn(job("B", Duration::from_secs(1)));
//!            t1.await; t2.await;         // each gives Result<T, JoinError>
//!
//! Watch: part 1 — both jobs say "started" at 0.0s, B finishes at 1.0s,
//! A at 2.0s, and the total is about 2.0s: the two sleeps overlapped.
//! Part 2 — two `fetch_data` calls awaited one after the other take twice
//! as long as the same calls spawned as tasks.
//! Differences: a spawned task starts at the loop's next turn, as in
//! asyncio. Awaiting a JoinHandle gives `Result<T, JoinError>` instead of
//! re-raising the task's exception. `spawn` needs a `'static` future (it
//! may outlive the caller), so tasks take owned values, not borrows.

use std::time::Duration;

use aioli::time::{sleep, Instant};

/// Seconds since `start`, rounded for printing: "1.0s".
fn at(start: Instant) -> String {
    format!("{:.1}s", start.elapsed().as_secs_f64())
}

/// A job that only waits, standing in for a network call.
async fn job(name: &'static str, duration: Duration, start: Instant) -> String {
    println!("   [{}] job {name} started", at(start));
    sleep(duration).await;
    println!("   [{}] job {name} finished", at(start));
    format!("result of {name}")
}

/// A pretend download: half a second of waiting, then the data.
async fn fetch_data(url: String) -> String {
    sleep(Duration::from_millis(500)).await;
    format!("data from {url}")
}

fn main() {
    aioli::run(async {
        println!("1. two tasks: job A waits 2 s, job B waits 1 s");
        let start = Instant::now();
        let a = aioli::spawn(job("A", Duration::from_secs(2), start));
        let b = aioli::spawn(job("B", Duration::from_secs(1), start));
        // Nothing printed yet: spawn only queued the tasks. They start when
        // this main future gives the loop a turn, at its first await.
        println!("   spawned both; they start at our first await");
        // Awaiting A first does not hold B back: B is a task of its own and
        // the loop runs it while we wait for A.
        for handle in [a, b] {
            match handle.await {
                Ok(result) => println!("   got {result:?}"),
                Err(error) => println!("   a job did not finish: {error}"),
            }
        }
        println!("   total {} (2 s + 1 s overlapped, not 3 s)\n", at(start));

        let urls = ["https://example.com/a", "https://example.com/b"];

        println!("2a. fetch_data awaited in sequence (each waits 0.5 s):");
        let start = Instant::now();
        for url in urls {
            // Awaiting a plain future runs it right here, to the end, before
            // the next line: the second fetch waits for the first.
            let data = fetch_data(url.to_string()).await;
            println!("   [{}] {data}", at(start));
        }
        println!("   total {}\n", at(start));

        println!("2b. the same fetches spawned as tasks:");
        let start = Instant::now();
        // Spawn every task first, await them afterwards: spawning inside
        // the loop above and awaiting at once would be sequential again.
        let handles: Vec<_> = urls.iter().map(|url| aioli::spawn(fetch_data(url.to_string()))).collect();
        for handle in handles {
            match handle.await {
                Ok(data) => println!("   [{}] {data}", at(start)),
                Err(error) => println!("   a fetch did not finish: {error}"),
            }
        }
        println!("   total {} (the waits overlapped)", at(start));
    });
}
