//! 08 — first completed: take whichever result comes first, or each one as it comes.
//!
//! asyncio:   done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
//!            for t in pending: t.cancel()
//!            for next_done in asyncio.as_completed(coros):
//!                print(await next_done)             # in order of finishing
//! aioli:     match aioli::select(a, b).await { Either::Left(x) => …, Either::Right(y) => … }
//!            let (index, output) = aioli::select_all(futures).await;
//!            let mut results = aioli::as_completed(futures);
//!            while let Some(output) = results.next().await { … }   // StreamExt::next
//!
//! Watch: part 1 — the mirror (0.2 s) beats the primary (0.4 s): select
//! returns Right at 0.2s and the primary prints that it was dropped.
//! Part 2 — select_all names replica 2 (the fastest) as the winner at 0.1s;
//! the other two are dropped. Part 3 — jobs A, B, C, D of 0.4, 0.1, 0.3 and
//! 0.2 s come out of as_completed as B, D, C, A, each at its own time.
//! Differences: select and select_all run plain futures inside the current
//! task and *drop* the losers, which cancels them; asyncio's
//! FIRST_COMPLETED leaves the pending tasks running until you cancel them
//! (aioli's `wait(.., WaitFor::First, ..)` does that, see 04).
//! as_completed yields outputs directly, not awaitables to await one by one.

use std::time::Duration;

use aioli::stream::StreamExt;
use aioli::time::{sleep, Instant};
use aioli::Either;

fn at(start: Instant) -> String {
    format!("{:.1}s", start.elapsed().as_secs_f64())
}

/// Prints if the future holding it is dropped before finishing.
struct LoserGuard {
    name: String,
    start: Instant,
    finished: bool,
}

impl Drop for LoserGuard {
    fn drop(&mut self) {
        if !self.finished {
            println!("   [{}] {} was dropped (it lost the race)", at(self.start), self.name);
        }
    }
}

/// A request that answers after `ms` milliseconds.
async fn request(name: String, ms: u64, start: Instant) -> String {
    let mut guard = LoserGuard { name: name.clone(), start, finished: false };
    sleep(Duration::from_millis(ms)).await;
    guard.finished = true;
    format!("{name} answered after {ms} ms")
}

fn main() {
    aioli::run(async {
        println!("1. select: primary server (0.4 s) against a mirror (0.2 s)");
        let start = Instant::now();
        let primary = request("primary".to_string(), 400, start);
        let mirror = request("mirror".to_string(), 200, start);
        // Either::Left is the first argument's output, Right the second's.
        match aioli::select(primary, mirror).await {
            Either::Left(answer) => println!("   [{}] Left won: {answer}", at(start)),
            Either::Right(answer) => println!("   [{}] Right won: {answer}", at(start)),
        }

        println!("\n2. select_all: three replicas, keep the first answer");
        let start = Instant::now();
        let delays = [300, 250, 100];
        let replicas = delays.iter().enumerate().map(|(i, &ms)| request(format!("replica {i}"), ms, start));
        // The futures must all have the same type (here: the same async fn),
        // so select_all can hold them in one Vec.
        let (index, answer) = aioli::select_all(replicas).await;
        println!("   [{}] winner is index {index}: {answer}", at(start));

        println!("\n3. as_completed: results in the order they finish");
        let start = Instant::now();
        let jobs = [("A", 400), ("B", 100), ("C", 300), ("D", 200)]
            .map(|(name, ms)| request(format!("job {name}"), ms, start));
        // AsCompleted is a Stream: `next().await` is one step of
        // Python's `async for`, and gives None when every job is done.
        let mut finished = aioli::as_completed(jobs);
        let mut rank = 0;
        while let Some(answer) = finished.next().await {
            rank += 1;
            println!("   [{}] #{rank}: {answer}", at(start));
        }
    });
}
