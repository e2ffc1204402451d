//! 23 — a priority scheduler: a heap of started tasks orders nothing but the reports; real priority picks what starts next.
//!
//! asyncio:   # the common recipe: start the tasks, keep them in a heap, await in order
//!            heap = []
//!            for prio, secs in [(3, 1.0), (1, 2.0), (2, 1.5)]:
//!                heapq.heappush(heap, (prio, asyncio.create_task(asyncio.sleep(secs))))
//!            while heap: prio, task = heapq.heappop(heap); await task
//!            # real priority: a heap of jobs *not started yet*, and N workers taking from it
//!            queue = asyncio.PriorityQueue(); ...; prio, job = await queue.get()
//! aioli:     heap.push(Reverse((prio, aioli::spawn(..))));  while let Some(..) = heap.pop() { h.await }
//!            struct PriorityQueue { heap: Mutex<BinaryHeap<Job>>, more: Condvar }   // N workers call get()
//!
//! Watch: part 1 — the three tasks *finish* in the order of their sleeps
//! (priority 3 at 1.0s, 2 at 1.5s, 1 at 2.0s), because create_task/spawn
//! started them all at once; the heap only decides the order in which the
//! results are *reported*, all at 2.0s, priority 1 first. Part 2 — six
//! jobs wait in a heap that two workers take from: a worker always starts
//! the most urgent job waiting (lowest number; first come first served
//! among equals), so "medium", submitted third, starts first, and an urgent job submitted at 0.25s starts at 0.50s,
//! ahead of low-priority jobs that had waited since 0.00s. A paused clock
//! makes every time exact and the output the same on every run.
//! Differences: asyncio has `PriorityQueue`; aioli has no priority queue
//! of its own, so part 2 builds one from a `BinaryHeap`, a `Mutex` and a
//! `Condvar`, which is also how asyncio's is built (heapq under a
//! Condition-like waiter list). The loop itself has no task priorities,
//! in aioli, asyncio or tokio: a woken task waits its turn in one FIFO run
//! queue, so priority must be decided before the work starts.

use std::cell::Cell;
use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::rc::Rc;
use std::time::Duration;

use aioli::sync::{Condvar, Mutex};
use aioli::time::{sleep, Instant};
use aioli::Runtime;

fn main() -> std::io::Result<()> {
    let runtime = Runtime::builder().deterministic(true).build()?;
    runtime.block_on(async {
        heap_of_started_tasks().await;
        heap_of_waiting_jobs().await;
    });
    Ok(())
}

/// Part 1: the recipe from the articles, and what it really orders.
async fn heap_of_started_tasks() {
    println!("1. a heap of tasks that are already running");
    let start = Instant::now();
    let mut heap = BinaryHeap::new();
    for (priority, seconds) in [(3, 1.0), (1, 2.0), (2, 1.5)] {
        let task = aioli::spawn(async move {
            sleep(Duration::from_secs_f64(seconds)).await;
            println!("   [{:.2}s] task with priority {priority} finished its {seconds} s of work", secs(start));
            priority
        });
        // Reverse: BinaryHeap pops the largest; we want the smallest number
        // (the most urgent) first, as heapq does. The handle is not
        // comparable, so the priority alone orders the entries.
        heap.push(Reverse(ByPriority(priority, task)));
    }
    while let Some(Reverse(ByPriority(priority, task))) = heap.pop() {
        let _ = task.await;
        println!("   [{:.2}s] reported priority {priority}", secs(start));
    }
    println!("   the heap ordered the reports; the work ran in the order the sleeps ended\n");
}

/// A heap entry ordered by its priority only.
struct ByPriority<T>(u8, T);

impl<T> PartialEq for ByPriority<T> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}
impl<T> Eq for ByPriority<T> {}
impl<T> PartialOrd for ByPriority<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<T> Ord for ByPriority<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.cmp(&other.0)
    }
}

/// A job not started yet. The heap holds these, not tasks.
struct Job {
    priority: u8,
    /// Submission number: among equal priorities, first come first served.
    seq: u64,
    name: &'static str,
    submitted: Instant,
}

impl Job {
    /// Smaller = more urgent: by priority, then by submission order.
    fn urgency(&self) -> (u8, u64) {
        (self.priority, self.seq)
    }
}

impl PartialEq for Job {
    fn eq(&self, other: &Self) -> bool {
        self.urgency() == other.urgency()
    }
}
impl Eq for Job {}
impl PartialOrd for Job {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Job {
    fn cmp(&self, other: &Self) -> Ordering {
        self.urgency().cmp(&other.urgency())
    }
}

/// asyncio's `PriorityQueue`, in a few lines: a min-heap of jobs, and a
/// condvar that wakes a worker when a job arrives or the queue closes.
#[derive(Default)]
struct PriorityQueue {
    state: Mutex<QueueState>,
    changed: Condvar,
    next_seq: Cell<u64>,
}

#[derive(Default)]
struct QueueState {
    jobs: BinaryHeap<Reverse<Job>>,
    /// No more jobs will come: workers leave once the heap is empty.
    closed: bool,
}

impl PriorityQueue {
    async fn put(&self, priority: u8, name: &'static str) {
        let seq = self.next_seq.get();
        self.next_seq.set(seq + 1);
        let job = Job { priority, seq, name, submitted: Instant::now() };
        self.state.lock().await.jobs.push(Reverse(job));
        self.changed.notify_one();
    }

    /// The most urgent job waiting, or `None` once closed and empty.
    async fn get(&self) -> Option<Job> {
        let guard = self.state.lock().await;
        let mut state = self.changed.wait_while(guard, |state| state.jobs.is_empty() && !state.closed).await;
        state.jobs.pop().map(|Reverse(job)| job)
    }

    async fn close(&self) {
        self.state.lock().await.closed = true;
        self.changed.notify_all();
    }
}

/// Part 2: real priority — the heap decides what *starts*.
async fn heap_of_waiting_jobs() {
    println!("2. a heap of jobs not started yet, two workers taking the most urgent");
    let start = Instant::now();
    let queue = Rc::new(PriorityQueue::default());
    for (priority, name) in [(3, "low-a"), (3, "low-b"), (2, "medium"), (3, "low-c"), (3, "low-d")] {
        queue.put(priority, name).await;
        println!("   [{:.2}s] submitted {name} (priority {priority})", secs(start));
    }
    let workers: Vec<_> = ["A", "B"]
        .into_iter()
        .map(|worker| {
            let queue = queue.clone();
            aioli::spawn(async move {
                while let Some(job) = queue.get().await {
                    let waited = job.submitted.elapsed().as_secs_f64();
                    println!(
                        "   [{:.2}s] worker {worker} starts {:<6} (priority {}, waited {waited:.2}s)",
                        secs(start),
                        job.name,
                        job.priority
                    );
                    sleep(Duration::from_millis(500)).await; // the work
                }
            })
        })
        .collect();

    sleep(Duration::from_millis(250)).await;
    queue.put(1, "urgent").await;
    println!("   [{:.2}s] submitted urgent (priority 1) while both workers are busy", secs(start));
    queue.close().await;
    for worker in workers {
        let _ = worker.await;
    }
    println!("   [{:.2}s] all jobs done", secs(start));
}

fn secs(start: Instant) -> f64 {
    start.elapsed().as_secs_f64()
}
