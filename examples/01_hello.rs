//! 01 — hello: an async fn is a recipe; nothing runs until it is awaited.
//!
//! asyncio:   async def hello():
//!                print("hello"); await asyncio.sleep(1); print("world")
//!            asyncio.run(hello())
//! aioli:     async fn hello() {
//!                println!("hello"); sleep(Duration::from_secs(1)).await; println!("world");
//!            }
//!            aioli::run(hello());
//!
//! Watch: "hello", a pause of about 1 s, then "world". Before that, a
//! future is created and dropped without a single line printed by it: its
//! body never ran, because nobody awaited it.
//! Differences: both languages make coroutines lazy. Python warns at run
//! time ("coroutine was never awaited"); Rust warns at compile time
//! (`#[must_use]` on futures), and a dropped future is simply gone: there
//! is no object left behind for the garbage collector to complain about.

use std::time::Duration;

use aioli::time::{sleep, Instant};

/// The classic first coroutine: print, wait without blocking, print.
async fn hello() {
    println!("   hello");
    // The await hands control back to the loop. For one second the thread
    // sleeps in the OS poller (phase 3 of run_once), not in this function.
    sleep(Duration::from_secs(1)).await;
    println!("   world");
}

/// A coroutine that returns a value, like any function.
async fn greet(name: &str) -> String {
    sleep(Duration::from_millis(100)).await;
    format!("Hello, {name}!")
}

fn main() {
    // `aioli::run` is `asyncio.run`: make a loop, run this future to the end,
    // cancel whatever tasks are left, close the loop.
    aioli::run(async {
        println!("1. calling an async fn only builds a future:");
        let never_awaited = hello();
        println!("   built a future of {} bytes; its body has printed nothing", std::mem::size_of_val(&never_awaited));
        // Dropping it throws the recipe away. In Python this is the
        // "coroutine 'hello' was never awaited" warning.
        drop(never_awaited);
        println!("   dropped it: 'hello' was never printed\n");

        println!("2. awaiting the future runs it:");
        let start = Instant::now();
        hello().await;
        println!("   took {:.1}s (the sleep)\n", start.elapsed().as_secs_f64());

        println!("3. an async fn returns its value through await:");
        let message = greet("Alice").await;
        println!("   greet(\"Alice\") gave {message:?}");
    });
}
