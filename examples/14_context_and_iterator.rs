//! 14 — async context managers and async iterators: `Drop` and `Stream`.
//!
//! asyncio:   class Connection:                          # async context manager
//!                async def __aenter__(self): await connect(); return self
//!                async def __aexit__(self, *exc): await say_goodbye()
//!            async with Connection("db") as conn:
//!                await conn.query("SELECT 1")
//!
//!            async def countdown(n):                    # async generator
//!                for i in range(n, 0, -1):
//!                    await asyncio.sleep(0.1); yield i
//!            async for i in countdown(3): print(i)
//!            evens = [i * 10 async for i in countdown(6) if i % 2 == 0][:2]
//! aioli:     let conn = Connection::open("db").await;  conn.query(..).await;  conn.close().await;
//!            while let Some(i) = countdown.next().await { .. }
//!            let evens: Vec<_> = stream::from_task(..).filter(..).map(..).take(2).collect().await;
//!
//! Watch: part 1 — one connection is closed with its async goodbye; a
//! second one, held by a task that is aborted mid-query, is cleaned up by
//! its Drop, which says that it could not send the goodbye. Part 2 — a
//! hand-written Stream counts 3, 2, 1, one number every 0.1 s. Part 3 — the
//! same countdown written as a task (`stream::from_task`) counts 6 … 1;
//! with filter/map/take it stops after two even numbers ([60, 40]) and
//! the producer task is cancelled (its "stopped" line shows when).
//! Differences: Rust has no `async with`. Acquire with an `async fn`,
//! release in `Drop`; but `Drop` cannot await, so cleanup that must wait
//! (a goodbye over the network, a flush) is an explicit `close().await`,
//! with `Drop` as the safety net. Rust has no async generators yet either:
//! a hand-written `Stream` is the state machine a generator compiles to,
//! and `from_task` runs the generator's body as a task feeding a channel.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use aioli::stream::{self, Stream, StreamExt};
use aioli::time::{sleep, Instant, Sleep};

/// Prints a line with the time since the start of the program.
fn say(start: Instant, line: &str) {
    println!("   [{:.1}s] {line}", start.elapsed().as_secs_f64());
}

/// A pretend network connection: the async context manager.
struct Connection {
    name: &'static str,
    start: Instant,
    /// Set by `close`, so `Drop` knows the goodbye was said.
    closed: bool,
}

impl Connection {
    /// `__aenter__`: connecting takes a while.
    async fn open(name: &'static str, start: Instant) -> Connection {
        sleep(Duration::from_millis(100)).await;
        say(start, &format!("{name}: connected"));
        Connection { name, start, closed: false }
    }

    async fn query(&self, sql: &str, takes: Duration) -> usize {
        say(self.start, &format!("{}: running {sql:?}", self.name));
        sleep(takes).await;
        sql.len()
    }

    /// `__aexit__`: the cleanup that must itself await.
    async fn close(mut self) {
        sleep(Duration::from_millis(50)).await;
        say(self.start, &format!("{}: said goodbye and closed", self.name));
        self.closed = true;
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        // The safety net: runs however the owner ended (returned, failed,
        // was cancelled), but it cannot `.await` the goodbye.
        if !self.closed {
            say(self.start, &format!("{}: dropped without close(): socket shut, no goodbye sent", self.name));
        }
    }
}

// ANCHOR: countdown
/// A hand-written async iterator: n, n-1, … 1, one every `gap`.
struct Countdown {
    next: u32,
    gap: Duration,
    /// The sleep before the next number, created when first needed.
    timer: Option<Sleep>,
}

impl Stream for Countdown {
    type Item = u32;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<u32>> {
        if self.next == 0 {
            return Poll::Ready(None);
        }
        let gap = self.gap;
        let timer = self.timer.get_or_insert_with(|| sleep(gap));
        // Sleep is Unpin, so it can be polled through a plain &mut.
        if Pin::new(timer).poll(cx).is_pending() {
            return Poll::Pending; // the Sleep stored our waker
        }
        self.timer = None;
        self.next -= 1;
        Poll::Ready(Some(self.next + 1))
    }
}
// ANCHOR_END: countdown

fn main() {
    let start = Instant::now();
    aioli::run(async move {
        println!("1. async context manager: open, use, close().await; Drop as the safety net");
        let conn = Connection::open("db-1", start).await;
        let rows = conn.query("SELECT 1", Duration::from_millis(100)).await;
        say(start, &format!("db-1: query returned {rows}"));
        conn.close().await;

        let worker = aioli::spawn(async move {
            let conn = Connection::open("db-2", start).await;
            conn.query("SELECT slow", Duration::from_secs(10)).await;
            conn.close().await; // never reached: the task is aborted first
        });
        sleep(Duration::from_millis(300)).await;
        say(start, "main: aborting the task that holds db-2");
        worker.abort();
        let _ = worker.await;
        println!();

        println!("2. async iterator: a hand-written Stream, consumed with while let");
        let mut countdown = Countdown { next: 3, gap: Duration::from_millis(100), timer: None };
        while let Some(n) = countdown.next().await {
            say(start, &format!("countdown: {n}"));
        }
        println!();

        println!("3. async generator: stream::from_task, with filter / map / take / collect");
        let generator = stream::from_task(move |tx| async move {
            struct Stopped(Instant);
            impl Drop for Stopped {
                fn drop(&mut self) {
                    say(self.0, "generator: stopped (task cancelled or finished)");
                }
            }
            let _stopped = Stopped(start);
            for n in (1..=6).rev() {
                sleep(Duration::from_millis(100)).await;
                say(start, &format!("generator: yield {n}"));
                tx.send(n).await; // `yield n`: waits until the consumer takes the last one
            }
        });
        let evens: Vec<u32> = generator.filter(|n| n % 2 == 0).map(|n| n * 10).take(2).collect().await;
        say(start, &format!("collected {evens:?}; the stream was dropped, so its task is cancelled"));
        // Let the loop run the cancellation before printing the last line.
        aioli::task::yield_now().await;
        say(start, "done");
    });
}
