//! 17 — Semaphore: many jobs, at most N at a time.
//!
//! asyncio:   limit = asyncio.Semaphore(3)
//!            async def job(i):
//!                async with limit:                     # waits while 3 are running
//!                    await asyncio.sleep(0.2 + 0.1 * (i % 3))
//!            await asyncio.gather(*(job(i) for i in range(10)))
//! aioli:     let limit = Rc::new(Semaphore::new(3));
//!            let _permit = limit.acquire().await;      // released when dropped
//!            aioli::join_all((0..10).map(job)).await;
//!
//! Watch: ten jobs start together but "running" never goes above 3; a new
//! job starts the moment one finishes (same timestamp), in the order they
//! asked for a permit (job 3 first, job 9 last). The bar shows the level
//! over time. All ten take about 1.0 s instead of 2.9 s one by one.
//! Differences: acquire returns a permit that gives itself back when
//! dropped, so a job that fails or is cancelled cannot leak its slot;
//! asyncio needs the `async with` to get the same guarantee.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use aioli::sync::Semaphore;
use aioli::time::{sleep, Instant};

fn main() {
    aioli::run(async {
        let start = Instant::now();
        let limit = Rc::new(Semaphore::new(3));
        let running = Rc::new(Cell::new(0));
        let peak = Rc::new(Cell::new(0));

        let report = {
            let running = running.clone();
            move |what: String| {
                let level = running.get();
                println!(
                    "   [{:.1}s] {what:<16} running: {level} {}",
                    start.elapsed().as_secs_f64(),
                    "#".repeat(level)
                );
            }
        };

        let jobs = (0..10u64).map(|id| {
            let (limit, running, peak, report) = (limit.clone(), running.clone(), peak.clone(), report.clone());
            async move {
                let _permit = limit.acquire().await; // waits while 3 jobs hold permits
                running.set(running.get() + 1);
                peak.set(peak.get().max(running.get()));
                report(format!("job {id} starts"));
                sleep(Duration::from_millis(200 + 100 * (id % 3))).await;
                running.set(running.get() - 1);
                report(format!("job {id} ends"));
                // _permit drops here: the next waiting job gets it at once
            }
        });
        aioli::join_all(jobs).await;

        println!(
            "   all 10 jobs done in {:.1}s; peak concurrency {}; permits back: {}",
            start.elapsed().as_secs_f64(),
            peak.get(),
            limit.available_permits()
        );
    });
}
