//! 25 — the loop by hand: new_event_loop, set_event_loop, run_until_complete, ensure_future, close.
//!
//! asyncio:   loop = asyncio.new_event_loop()
//!            asyncio.set_event_loop(loop)
//!            background = loop.create_task(heartbeat())       # or asyncio.ensure_future(...)
//!            print(loop.run_until_complete(add(1, 2)))
//!            print(loop.run_until_complete(add(3, 4)))        # the heartbeat ran during both
//!            loop.close()
//! aioli:     let runtime = Runtime::new()?;                    // new_event_loop
//!            let three = runtime.block_on(add(1, 2));          // run_until_complete
//!            let seven = runtime.block_on(add(3, 4));
//!            drop(runtime);                                    // close
//!
//! Watch: part 1 — one runtime runs two futures one after the other and
//! returns each one's value; its tick count keeps growing across the two
//! calls: it is the same loop. Part 2 — a background task spawned during
//! the first call is cancelled (its Drop prints) when that call returns,
//! so it does not run during the second: here aioli differs from asyncio.
//! Part 3 — outside `block_on` there is no current loop: `aioli::spawn`
//! panics with a message that says where to call it, and main prints that
//! message. Part 4 — another thread makes its own runtime, as each thread
//! needs its own event loop in asyncio; both loops run at the same time.
//! Differences: asyncio has a loop object you can get, set and pass
//! around; a task spawned on it lives until it ends or the loop closes,
//! across run_until_complete calls. An aioli Runtime is "current" only
//! inside `block_on` (there is nothing to set), and `block_on` is
//! `asyncio.run` in small: when its future returns, the tasks left are
//! cancelled, so no task outlives the call that runs it. ensure_future
//! has no counterpart: every Rust future is already a future, and `spawn`
//! is what turns one into a running task (create_task).

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use aioli::time::{sleep, Instant};
use aioli::Runtime;

async fn add(a: u32, b: u32) -> u32 {
    sleep(Duration::from_millis(100)).await;
    a + b
}

fn main() -> std::io::Result<()> {
    let start = Instant::now();

    println!("1. one loop, two run_until_complete calls");
    let runtime = Runtime::new()?;
    let three = runtime.block_on(add(1, 2));
    println!("   block_on(add(1, 2)) = {three}; the loop has made {} ticks", runtime.ticks());
    let seven = runtime.block_on(add(3, 4));
    println!("   block_on(add(3, 4)) = {seven}; the loop has made {} ticks (counting on)", runtime.ticks());

    println!("\n2. a background task does not outlive the block_on that spawned it");
    let beats = Rc::new(Cell::new(0));
    let counted = beats.clone();
    runtime.block_on(async move {
        let _background = aioli::spawn(heartbeat(counted, start));
        sleep(Duration::from_millis(250)).await;
        println!("   [{:.2}s] first call returns", start.elapsed().as_secs_f64());
    });
    let before = beats.get();
    runtime.block_on(sleep(Duration::from_millis(250)));
    println!(
        "   [{:.2}s] second call returns: heartbeats during it: {} (asyncio: about 2)",
        start.elapsed().as_secs_f64(),
        beats.get() - before
    );
    // loop.close(): the poller, its waker and the timers go with the runtime.
    drop(runtime);

    println!("\n3. no loop is current outside block_on");
    let quiet = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {})); // we print the message ourselves
    let attempt = std::panic::catch_unwind(|| aioli::spawn(async {}));
    std::panic::set_hook(quiet);
    match attempt {
        Err(payload) => {
            let message = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied())
                .unwrap_or("(not a text)");
            println!("   aioli::spawn outside a loop panicked with:\n     {message}");
        }
        Ok(_) => println!("   aioli::spawn outside a loop worked?"),
    }

    println!("\n4. a loop per thread");
    let other = std::thread::spawn(move || -> std::io::Result<u32> {
        // new_event_loop() + set_event_loop() in the thread: one call here.
        let runtime = Runtime::new()?;
        Ok(runtime.block_on(async move {
            let sum = add(10, 20).await;
            println!("   [{:.2}s] the other thread's loop computed {sum}", start.elapsed().as_secs_f64());
            sum
        }))
    });
    let here = Runtime::new()?.block_on(async {
        let sum = add(100, 200).await;
        println!("   [{:.2}s] this thread's loop computed {sum}", start.elapsed().as_secs_f64());
        sum
    });
    match other.join() {
        Ok(Ok(there)) => println!("   both loops ran at once: {here} here, {there} there"),
        Ok(Err(error)) => println!("   the other thread could not make a loop: {error}"),
        Err(_) => println!("   the other thread panicked"),
    }
    Ok(())
}

/// Beats every 100 ms until cancelled; its Drop says when that happened.
async fn heartbeat(beats: Rc<Cell<u32>>, start: Instant) {
    struct Goodbye(Instant);
    impl Drop for Goodbye {
        fn drop(&mut self) {
            println!("   [{:.2}s] background task cancelled (its Drop ran)", self.0.elapsed().as_secs_f64());
        }
    }
    let _goodbye = Goodbye(start);
    loop {
        sleep(Duration::from_millis(100)).await;
        beats.set(beats.get() + 1);
        println!("   [{:.2}s] background heartbeat {}", start.elapsed().as_secs_f64(), beats.get());
    }
}
