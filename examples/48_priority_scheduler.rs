//! 48 — a priority job scheduler: HTTP jobs taken highest priority first.
//!
//! aiohttp:   heap = []                                    # (priority, seq, job)
//!            heapq.heappush(heap, (3, 0, "report"))       # lower number = more urgent
//!            heapq.heappush(heap, (1, 1, "alert"))
//!            async def worker():
//!                while heap:
//!                    priority, _, job = heapq.heappop(heap)
//!                    async with session.get(job.url) as r: ...
//!            await asyncio.gather(*(worker() for _ in range(2)))
//! aioli:     jobs.borrow_mut().push(Job { priority: 3, seq: 0, .. });   // BinaryHeap
//!            while let Some(job) = jobs.borrow_mut().pop() { client.get(&job.url).send().await?; }
//!            aioli::join_all((0..2).map(worker)).await;
//!
//! Watch: eight jobs are submitted in a jumbled order with priorities 1
//! (urgent) to 3 (background); two workers take them off a heap, so the
//! "start" lines come in priority order, and within one priority in the
//! order they were submitted (the sequence number breaks ties). At 0.15 s
//! an urgent job arrives late and is the very next one started, ahead of
//! every waiting background job. Each job is a real request to the
//! testing app (`/delay/…`, `/posts/{id}`).
//! Differences: the seed's scheduler creates every task when it is added
//! and only *awaits* them in priority order, so all of them run at once
//! and priority changes nothing but the order of the printouts. Here a
//! job does not start until a worker picks it: priority decides who gets
//! the scarce workers, which is what a scheduler is for.

use std::cell::{Cell, RefCell};
use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::time::Duration;

use aioli::time::{sleep, Instant};
use aioli_http::client::Client;
use aioli_http::{testing, Server};

/// One job: what to fetch, and how urgent it is.
#[derive(Debug, PartialEq, Eq)]
struct Job {
    priority: u8,
    seq: u64,
    name: &'static str,
    path: String,
}

/// The heap's order: lower priority number first, then lower `seq`
/// (BinaryHeap is a max-heap, hence the `Reverse`).
impl Ord for Job {
    fn cmp(&self, other: &Job) -> Ordering {
        Reverse((self.priority, self.seq)).cmp(&Reverse((other.priority, other.seq)))
    }
}

impl PartialOrd for Job {
    fn partial_cmp(&self, other: &Job) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The scheduler: a heap of waiting jobs and a sequence counter.
struct Scheduler {
    jobs: RefCell<BinaryHeap<Job>>,
    next_seq: Cell<u64>,
}

impl Scheduler {
    fn submit(&self, priority: u8, name: &'static str, path: String) {
        let seq = self.next_seq.get();
        self.next_seq.set(seq + 1);
        self.jobs.borrow_mut().push(Job { priority, seq, name, path });
    }
}

fn main() {
    let result = aioli::run(async {
        let server = Server::bind("127.0.0.1:0").start(testing::app()).await?;
        let base = format!("http://{}", server.local_addr());
        let client = Client::new();
        let scheduler = Scheduler { jobs: RefCell::new(BinaryHeap::new()), next_seq: Cell::new(0) };

        let submitted = [
            (3, "nightly report", "/delay/0.1"),
            (1, "page on-call", "/posts/1"),
            (2, "refresh cache", "/delay/0.1"),
            (3, "rebuild index", "/delay/0.1"),
            (1, "fraud check", "/delay/0.1"),
            (2, "sync users", "/users/2"),
            (3, "archive logs", "/delay/0.1"),
            (3, "send digest", "/delay/0.1"),
        ];
        for (priority, name, path) in submitted {
            scheduler.submit(priority, name, format!("{base}{path}"));
            println!("submitted  p{priority} {name}");
        }
        println!();

        let start = Instant::now();
        let worker = |id: usize| {
            let (client, scheduler) = (&client, &scheduler);
            async move {
                loop {
                    // Take the borrow, pop, and drop the borrow before awaiting.
                    let Some(job) = scheduler.jobs.borrow_mut().pop() else { break };
                    println!(
                        "[{:.2}s] worker {id} starts p{} {}",
                        start.elapsed().as_secs_f64(),
                        job.priority,
                        job.name
                    );
                    let outcome = match client.get(&job.path).send().await {
                        Ok(response) => {
                            let status = response.status().as_u16();
                            response.bytes().await.map(|_| status)
                        }
                        Err(error) => Err(error),
                    };
                    match outcome {
                        Ok(status) => println!(
                            "[{:.2}s] worker {id} done   {} ({status})",
                            start.elapsed().as_secs_f64(),
                            job.name
                        ),
                        Err(error) => {
                            println!("[{:.2}s] worker {id} failed {}: {error}", start.elapsed().as_secs_f64(), job.name)
                        }
                    }
                }
            }
        };
        let late_arrival = async {
            sleep(Duration::from_millis(150)).await;
            println!("[{:.2}s] submitted  p1 database failover (late)", start.elapsed().as_secs_f64());
            scheduler.submit(1, "database failover", format!("{base}/get"));
        };
        aioli::join(aioli::join_all((1..=2).map(worker)), late_arrival).await;

        println!("\nall jobs done in {:.2} s", start.elapsed().as_secs_f64());
        server.shutdown(Duration::from_secs(1)).await;
        Ok::<(), Box<dyn std::error::Error>>(())
    });
    if let Err(error) = result {
        eprintln!("48_priority_scheduler: {error}");
        std::process::exit(1);
    }
}
