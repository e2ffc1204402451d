//! 09 — build your own loop: a complete event loop in one file, with std only.
//!
//! asyncio:   # the same idea in Python: a ready queue, a heap of timers,
//!            # and time.sleep until the next deadline when nothing is ready
//!            while ready or timers:
//!                for callback in take_all(ready): callback()
//!                while timers and timers[0].when <= time.monotonic():
//!                    ready.append(heapq.heappop(timers).callback)
//!                if not ready and timers:
//!                    time.sleep(timers[0].when - time.monotonic())
//! aioli:     this file uses no aioli type at all; it is the skeleton that
//!            runtime/src fills in (each piece names its real counterpart).
//!
//! Watch: three workers with periods of 100, 150 and 250 ms print their
//! steps interleaved in deadline order (0.10s fast, 0.15s medium, 0.20s
//! fast, 0.25s slow, …), on one thread. Between steps the loop prints how
//! long it sleeps: that `thread::sleep` is the only place time passes.
//! At the end: how many ticks the loop took and how many polls.
//! Differences: asyncio's loop runs callbacks, and a Task is a callback
//! that steps its coroutine; here the loop polls futures, and a waker is
//! what puts a task back in the ready queue. asyncio sleeps in `select()`
//! and aioli in `mio::Poll`, so that IO and other threads can end the
//! sleep early; this toy has only timers, so a plain sleep is enough.
//! The Python sketch above runs only what was ready when the pass began
//! (asyncio's `_run_once` does); this loop, like aioli's, also polls a
//! task woken during phase 1 in the same phase, up to a batch of 64.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread;
use std::time::{Duration, Instant};

// ── The timer list ────────────────────────────────────────────────────────
// Every armed timer: (deadline, waker), kept sorted by deadline, so the
// next one to fire is always at the front. Real one: runtime/src/time/timers.rs
// (a BTreeMap keyed by deadline; aioli reaches it through the current loop's
// Core, see context.rs, where this toy uses a thread-local).
thread_local! {
    static TIMERS: RefCell<Vec<(Instant, Waker)>> = const { RefCell::new(Vec::new()) };
}

/// A future that is ready once `deadline` has passed. Real one: time/sleep.rs.
struct Sleep {
    deadline: Instant,
    armed: bool,
}

fn sleep(duration: Duration) -> Sleep {
    Sleep { deadline: Instant::now() + duration, armed: false }
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if Instant::now() >= self.deadline {
            return Poll::Ready(());
        }
        if !self.armed {
            // The contract of Pending: arrange for *someone* to call the
            // waker later. Here that someone is the loop's phase 2.
            let entry = (self.deadline, cx.waker().clone());
            TIMERS.with(|timers| {
                let mut timers = timers.borrow_mut();
                // After every equal deadline, so ties fire in arming order.
                let position = timers.partition_point(|(deadline, _)| *deadline <= entry.0);
                timers.insert(position, entry);
            });
            self.armed = true;
        }
        // (aioli's Sleep also refreshes the waker if a later poll brings a
        // new one, and removes its timer when dropped early.)
        Poll::Pending
    }
}

// ── The waker ─────────────────────────────────────────────────────────────
// Waking a task means: put its id back in the ready queue. The waker holds
// an id and a channel, never the task itself, because a Waker must be
// Send + Sync and our tasks need not be. Real one: task/waker.rs (which
// also skips queueing a task twice and rings mio when the loop is asleep).
struct TaskWaker {
    id: usize,
    ready: Sender<usize>,
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        // The loop owns the receiver for as long as any task can run.
        let _ = self.ready.send(self.id);
    }
}

// ── The loop ──────────────────────────────────────────────────────────────
/// At most this many polls in phase 1 of one tick (aioli's default is 64,
/// `Builder::tick_batch`).
const TICK_BATCH: usize = 64;

/// Tasks in slots indexed by id (`None` once finished), one waker per task
/// for its whole life, and the ready queue. Real one: runtime/core.rs.
struct Executor {
    tasks: Vec<Option<Pin<Box<dyn Future<Output = ()>>>>>,
    wakers: Vec<Waker>,
    wake_tx: Sender<usize>,
    wake_rx: Receiver<usize>,
    ready: VecDeque<usize>,
}

impl Executor {
    fn new() -> Executor {
        let (wake_tx, wake_rx) = channel();
        Executor { tasks: Vec::new(), wakers: Vec::new(), wake_tx, wake_rx, ready: VecDeque::new() }
    }

    /// asyncio's create_task: box the future, give it an id and a waker,
    /// and queue it so its first poll happens on the next tick.
    fn spawn(&mut self, future: impl Future<Output = ()> + 'static) {
        let id = self.tasks.len();
        self.tasks.push(Some(Box::pin(future)));
        self.wakers.push(Waker::from(Arc::new(TaskWaker { id, ready: self.wake_tx.clone() })));
        self.ready.push_back(id);
    }

    /// Ticks until every task is done. Real one: runtime/tick.rs, `run_once`.
    fn run(&mut self, start: Instant) {
        let (mut ticks, mut polls) = (0, 0);
        while self.tasks.iter().any(Option::is_some) {
            ticks += 1;
            // Phase 1: poll at most TICK_BATCH ready tasks. A wake made
            // during one of these polls (a task waking itself, or another)
            // joins the back of the queue and is polled in this same phase
            // if the batch has room, as in the real loop. The bound, not a
            // snapshot of the queue, is what keeps a task that keeps waking
            // itself from starving the timers. (asyncio's _run_once takes a
            // snapshot instead: callbacks added while it runs wait for the
            // next iteration. Real one: tick.rs, `run_ready_tasks`.)
            for _ in 0..TICK_BATCH {
                // All wakes come through the channel here; the real loop
                // has a plain queue for its own thread's wakes and a
                // channel only for other threads' (task/waker.rs).
                self.ready.extend(self.wake_rx.try_iter());
                let Some(id) = self.ready.pop_front() else { break };
                // A finished task may still get a late wake: skip it.
                let Some(future) = self.tasks[id].as_mut() else { continue };
                polls += 1;
                let mut cx = Context::from_waker(&self.wakers[id]);
                if future.as_mut().poll(&mut cx).is_ready() {
                    self.tasks[id] = None; // drops the finished future
                }
            }

            // Phase 2: wake every timer whose deadline has passed.
            let now = Instant::now();
            let due: Vec<Waker> = TIMERS.with(|timers| {
                let mut timers = timers.borrow_mut();
                let count = timers.partition_point(|(deadline, _)| *deadline <= now);
                timers.drain(..count).map(|(_, waker)| waker).collect()
            });
            due.into_iter().for_each(Waker::wake);

            // Phase 3: if nothing is ready, sleep until the next deadline.
            self.ready.extend(self.wake_rx.try_iter());
            if self.ready.is_empty() {
                match TIMERS.with(|timers| timers.borrow().first().map(|(deadline, _)| *deadline)) {
                    Some(deadline) => {
                        let nap = deadline.saturating_duration_since(Instant::now());
                        println!("      (loop: nothing ready, sleeping {} ms)", nap.as_millis());
                        thread::sleep(nap);
                    }
                    // Tasks left, none ready, no timer: nothing can ever wake
                    // them. aioli's lost-waker detector warns about this.
                    None if self.tasks.iter().any(Option::is_some) => {
                        println!("deadlock: tasks are waiting, but nothing will ever wake them");
                        return;
                    }
                    None => {}
                }
            }
        }
        println!("all tasks done at {:.2}s, after {ticks} ticks and {polls} polls", start.elapsed().as_secs_f64());
    }
}

/// A task: `steps` times, wait `period`, then say so.
async fn worker(name: &'static str, period: Duration, steps: u32, start: Instant) {
    for step in 1..=steps {
        sleep(period).await;
        println!("[{:.2}s] {name:<6} step {step}/{steps}", start.elapsed().as_secs_f64());
    }
}

fn main() {
    let start = Instant::now();
    let mut executor = Executor::new();
    executor.spawn(worker("fast", Duration::from_millis(100), 4, start));
    executor.spawn(worker("medium", Duration::from_millis(150), 3, start));
    executor.spawn(worker("slow", Duration::from_millis(250), 2, start));
    executor.run(start);
}
