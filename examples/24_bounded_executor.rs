//! 24 — a bounded executor: at most N blocking jobs at once, like ThreadPoolExecutor(max_workers=N).
//!
//! asyncio:   loop = asyncio.get_running_loop()
//!            with ThreadPoolExecutor(max_workers=2) as pool:
//!                await asyncio.gather(*(loop.run_in_executor(pool, slow_read, i) for i in range(6)))
//!            # or for every run_in_executor(None, ...) of the loop:
//!            loop.set_default_executor(ThreadPoolExecutor(max_workers=2))
//! aioli:     let runtime = Runtime::builder().max_blocking_threads(2).build()?;
//!            runtime.block_on(async {
//!                aioli::join_all((0..6).map(|i| aioli::spawn_blocking(move || slow_read(i)))).await
//!            });
//!
//! Watch: part 1 — on a runtime whose pool has 2 threads, six 300 ms
//! blocking jobs start in three waves (0.0s, 0.3s, 0.6s), run on 2
//! distinct threads, and finish at about 0.9s; a ticker task keeps
//! printing meanwhile, so the loop itself is never blocked. Part 2 — the
//! same six jobs on a default runtime (the process-wide pool, up to 64
//! threads) all start at 0.0s, use 6 threads, and finish at about 0.3s.
//! Part 3 — bounding only some calls, as a per-call `run_in_executor(pool,
//! f)` does: a Semaphore of 2 around `spawn_blocking` gives the same waves
//! on the big pool, though on more than 2 distinct threads (the idle ones
//! part 2 left behind): the semaphore bounds jobs, not threads.
//! Differences: asyncio lets each run_in_executor call name its executor;
//! aioli has one pool per loop (the process-wide one unless the Builder
//! asks for a pool of its own), and a per-call bound is a Semaphore. The
//! pool's threads start on demand and leave after 10 s idle; asyncio's
//! stay until the executor shuts down. A bounded pool queues the jobs
//! beyond its cap, it never refuses them (and neither does asyncio's).

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::thread::ThreadId;
use std::time::Duration;

use aioli::sync::Semaphore;
use aioli::time::{sleep, Instant};
use aioli::Runtime;

const JOBS: u32 = 6;
const JOB_TIME: Duration = Duration::from_millis(300);

fn main() -> std::io::Result<()> {
    println!("1. a runtime with a pool of its own: max_blocking_threads(2)");
    let runtime = Runtime::builder().max_blocking_threads(2).build()?;
    runtime.block_on(six_jobs(None, true));

    println!("\n2. a default runtime: the process-wide pool (up to 64 threads)");
    Runtime::new()?.block_on(six_jobs(None, false));

    println!("\n3. the default pool again, with a Semaphore(2) around the calls");
    Runtime::new()?.block_on(async {
        let bound = Semaphore::new(2);
        six_jobs(Some(&bound), false).await
    });
    Ok(())
}

/// Submits six blocking jobs at once and reports when each starts and on
/// how many distinct threads they ran.
async fn six_jobs(bound: Option<&Semaphore>, with_ticker: bool) {
    let start = Instant::now();
    let threads: Arc<Mutex<HashSet<ThreadId>>> = Arc::default();
    let ticker = with_ticker.then(|| {
        aioli::spawn(async move {
            loop {
                sleep(Duration::from_millis(200)).await;
                println!("   [{:.1}s] (ticker: the loop is free while the jobs run)", start.elapsed().as_secs_f64());
            }
        })
    });

    let jobs = (0..JOBS).map(|i| {
        let threads = threads.clone();
        async move {
            // Part 3 waits for a permit *before* handing the job to the pool,
            // so at most two are ever sent; the permit goes back when the
            // job's result is in (the guard drops at the end of this block).
            let _permit = match bound {
                Some(semaphore) => Some(semaphore.acquire().await),
                None => None,
            };
            let handle = aioli::spawn_blocking(move || {
                let started = start.elapsed().as_secs_f64();
                let thread = std::thread::current().id();
                threads.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).insert(thread);
                println!("   [{started:.1}s] job {i} starts on {thread:?}");
                std::thread::sleep(JOB_TIME); // the blocking call
            });
            handle.await
        }
    });
    let results = aioli::join_all(jobs).await;

    if let Some(ticker) = ticker {
        ticker.abort();
    }
    let failed = results.iter().filter(|result| result.is_err()).count();
    let distinct = threads.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).len();
    println!(
        "   [{:.1}s] all {JOBS} jobs done ({failed} failed), on {distinct} distinct thread(s)",
        start.elapsed().as_secs_f64()
    );
}
