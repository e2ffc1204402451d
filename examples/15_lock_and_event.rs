//! 15 — Lock and Event: protect state across awaits; release many waiters at once.
//!
//! asyncio:   lock = asyncio.Lock()
//!            async def deposit():
//!                async with lock:
//!                    balance = account["balance"]; await asyncio.sleep(0.1)
//!                    account["balance"] = balance + 10
//!            ready = asyncio.Event()
//!            async def runner(i): await ready.wait(); print(i, "go")
//!            ready.set()                                   # every runner goes at once
//! aioli:     let account = Rc::new(Mutex::new(0));
//!            let mut balance = account.lock().await; ... *balance = read + 10;
//!            let ready = Rc::new(Event::new());  ready.wait().await;  ready.set();
//!
//! Watch: part 1 — five deposits of 10 that read, wait 0.1 s, then write.
//! Without a lock they all read 0 and the balance ends at 10 (four
//! updates lost) after 0.1 s; with the Mutex it ends at 50, after 0.5 s,
//! because each deposit waits its turn, in the order they asked. Part 2 —
//! three runners wait on an Event; the starter sets it at 0.3 s and all
//! three go at that same moment.
//! Differences: asyncio's Lock guards nothing by itself, you must remember
//! to take it. aioli's Mutex *owns* the data, so the only way to the
//! balance is through the guard `lock().await` returns, and dropping the
//! guard is the `async with` exit. One loop thread means no data race is
//! possible even without a lock; the lost updates come from the await in
//! the middle of read-modify-write, exactly as in asyncio.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use aioli::sync::{Event, Mutex};
use aioli::time::{sleep, Instant};

fn main() {
    aioli::run(async {
        println!("1. five deposits of 10, each read-wait-write");
        let start = Instant::now();
        // Without a lock: a Cell on one thread is safe, but not atomic across an await.
        let unguarded = Rc::new(Cell::new(0));
        let deposits = (0..5).map(|_| {
            let account = unguarded.clone();
            async move {
                let read = account.get();
                sleep(Duration::from_millis(100)).await; // another deposit runs here
                account.set(read + 10);
            }
        });
        aioli::join_all(deposits).await;
        println!(
            "   without a lock: balance {} after {:.1}s (expected 50: updates were lost)",
            unguarded.get(),
            start.elapsed().as_secs_f64()
        );

        let start = Instant::now();
        let account = Rc::new(Mutex::new(0));
        let deposits: Vec<_> = (0..5)
            .map(|id| {
                let account = account.clone();
                aioli::spawn(async move {
                    let mut balance = account.lock().await; // `async with lock:`
                    let read = *balance;
                    sleep(Duration::from_millis(100)).await; // others wait in line meanwhile
                    *balance = read + 10;
                    println!("   [{:.1}s] deposit {id}: {read} -> {}", start.elapsed().as_secs_f64(), *balance);
                    // the guard drops here: the lock goes to the next in line
                })
            })
            .collect();
        aioli::join_all(deposits).await;
        println!("   with the Mutex: balance {} after {:.1}s\n", *account.lock().await, start.elapsed().as_secs_f64());

        println!("2. an Event releases every waiter at once");
        let start = Instant::now();
        let ready = Rc::new(Event::new());
        let runners: Vec<_> = (0..3)
            .map(|id| {
                let ready = ready.clone();
                aioli::spawn(async move {
                    println!("   [{:.1}s] runner {id}: waiting for the signal", start.elapsed().as_secs_f64());
                    ready.wait().await;
                    println!("   [{:.1}s] runner {id}: go!", start.elapsed().as_secs_f64());
                })
            })
            .collect();
        sleep(Duration::from_millis(300)).await;
        println!("   [{:.1}s] starter: set()", start.elapsed().as_secs_f64());
        ready.set();
        aioli::join_all(runners).await;
        println!("   is_set() = {}; a wait() now would return at once", ready.is_set());
    });
}
