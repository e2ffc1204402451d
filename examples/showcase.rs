//! showcase — a tour of aioli in a few seconds: tasks, gather, timeout, select, TaskGroup, a paused clock.
//!
//! asyncio:   tasks = [asyncio.create_task(asyncio.sleep(0.1)) for _ in range(10_000)]
//!            await asyncio.gather(*tasks)                        # ~0.1 s, not 1000 s
//!            await asyncio.wait_for(slow(), timeout=0.2)         # TimeoutError
//!            async with asyncio.TaskGroup() as tg: ...           # one fails, all stop
//! aioli:     let handles: Vec<_> = (0..10_000).map(|_| spawn(sleep(Duration::from_millis(100)))).collect();
//!            aioli::join_all(handles).await;
//!            aioli::time::timeout(Duration::from_millis(200), slow()).await;        // Err(Elapsed)
//!            let mut group = TaskGroup::new(); …; group.join().await   // Err(first failure)
//!
//! Watch: six numbered sections. 10,000 sleeping tasks finish in about
//! 0.1 s; gather takes as long as its slowest member; the timeout fires at
//! 0.2 s; select picks the cache; the TaskGroup's failure cancels its two
//! siblings; and a whole simulated day of timers passes in milliseconds of
//! real time on a paused clock.
//! Differences: see examples 02–08, one idea each; this file only strings
//! them together.

use std::time::Duration;

use aioli::time::{sleep, timeout, Instant};
use aioli::{Either, Runtime, TaskGroup};

const HOUR: Duration = Duration::from_secs(3600);

fn secs(since: Instant) -> String {
    format!("{:.2}s", since.elapsed().as_secs_f64())
}

/// A pretend lookup that takes `ms` milliseconds.
async fn lookup(source: &'static str, ms: u64) -> String {
    sleep(Duration::from_millis(ms)).await;
    format!("{source} ({ms} ms)")
}

/// Shows that a cancelled TaskGroup child really stopped.
struct Sibling(&'static str);

impl Drop for Sibling {
    fn drop(&mut self) {
        println!("   {} was cancelled; its destructors ran", self.0);
    }
}

async fn tour() {
    println!("1. 10,000 tasks, each sleeping 100 ms");
    let start = Instant::now();
    // Each sleeping task is a few hundred bytes and one timer entry; no thread.
    let handles: Vec<_> = (0..10_000).map(|_| aioli::spawn(sleep(Duration::from_millis(100)))).collect();
    let finished = aioli::join_all(handles).await.into_iter().filter(Result::is_ok).count();
    println!("   {finished} tasks finished in {} (one after another: 1000 s)\n", secs(start));

    println!("2. gather three lookups of 100, 300 and 200 ms");
    let start = Instant::now();
    let (a, b, c) = aioli::join3(lookup("users", 100), lookup("orders", 300), lookup("prices", 200)).await;
    println!("   got [{a}, {b}, {c}] in {} (the slowest one)\n", secs(start));

    println!("3. timeout: a 1 s lookup with a 0.2 s limit");
    let start = Instant::now();
    match timeout(Duration::from_millis(200), lookup("slow service", 1000)).await {
        Ok(answer) => println!("   answered: {answer}\n"),
        Err(elapsed) => println!("   after {}: {elapsed}\n", secs(start)),
    }

    println!("4. select: cache (50 ms) against database (400 ms)");
    let start = Instant::now();
    match aioli::select(lookup("cache", 50), lookup("database", 400)).await {
        Either::Left(hit) => println!("   {hit} won after {}; the database query was dropped\n", secs(start)),
        Either::Right(row) => println!("   {row} won after {}\n", secs(start)),
    }

    println!("5. TaskGroup: three children, one fails after 100 ms");
    let start = Instant::now();
    let mut group = TaskGroup::new();
    for name in ["resize image", "send email"] {
        group.spawn(async move {
            let _guard = Sibling(name);
            sleep(Duration::from_secs(1)).await;
            Ok(name)
        });
    }
    group.spawn(async {
        sleep(Duration::from_millis(100)).await;
        Err("payment declined")
    });
    match group.join().await {
        Ok(done) => println!("   all done: {done:?}\n"),
        Err(error) => println!("   after {}: {error}\n", secs(start)),
    }
}

/// A day of timers on a paused clock: time jumps to the next deadline
/// whenever every task is waiting, so nothing here waits for real.
async fn simulated_day() {
    let midnight = Instant::now();
    let clock = move || {
        let minutes = (Instant::now() - midnight).as_secs() / 60;
        format!("{:02}:{:02}", minutes / 60, minutes % 60)
    };
    let backup = aioli::spawn(async move {
        sleep(HOUR * 2 + HOUR / 2).await;
        println!("   {} nightly backup ran", clock());
    });
    let report = aioli::spawn(async move {
        sleep(HOUR * 17).await;
        println!("   {} daily report sent", clock());
    });
    // 24 hourly health checks: an interval's first tick is immediate (00:00).
    let checks = aioli::spawn(async {
        let mut hourly = aioli::time::interval(HOUR);
        for _ in 0..24 {
            hourly.tick().await;
        }
        24
    });
    if timeout(HOUR / 2, sleep(HOUR * 8)).await.is_err() {
        println!("   {} an idle session timed out after 30 min", clock());
    }
    let (backup, report, checks) = aioli::join3(backup, report, checks).await;
    aioli::time::sleep_until(midnight + HOUR * 24).await;
    match (backup, report, checks) {
        (Ok(()), Ok(()), Ok(checks)) => {
            println!("   {} day over: {checks} health checks, backup and report done", clock())
        }
        _ => println!("   {} day over, but a job failed", clock()),
    }
}

fn main() -> std::io::Result<()> {
    let real_start = std::time::Instant::now();
    aioli::run(tour());

    println!("6. a simulated day on a paused clock");
    let runtime = Runtime::builder().paused_clock(true).build()?;
    let day_start = std::time::Instant::now();
    runtime.block_on(simulated_day());
    println!("   the day took {:.1?} of real time, in {} loop ticks\n", day_start.elapsed(), runtime.ticks());

    println!("tour finished in {:.1}s", real_start.elapsed().as_secs_f64());
    Ok(())
}
