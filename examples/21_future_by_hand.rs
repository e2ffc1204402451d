//! 21 — a future completed by hand: asyncio's `Future` is aioli's `oneshot` channel.
//!
//! asyncio:   fut = loop.create_future()
//!            loop.call_later(0.3, fut.set_result, 42)       # or from a thread:
//!            # loop.call_soon_threadsafe(fut.set_exception, OSError("disk full"))
//!            fut.add_done_callback(lambda f: print("done:", f.result()))
//!            print(fut.done()); print(await fut); print(fut.done())
//!            fut.cancel()                                    # the awaiter gets CancelledError
//! aioli:     let (tx, rx) = aioli::sync::oneshot::channel::<Result<u32, String>>();
//!            tx.send(Ok(42));          // set_result       tx.send(Err(e))   // set_exception
//!            rx.await                  // await fut        rx.try_recv()     // done() + result()
//!            drop(tx)                  // cancel(): the awaiter gets RecvError
//!            aioli::spawn(async move { callback(rx.await) })   // add_done_callback
//!
//! Watch (times count from the start of the program): part 1 — `try_recv`
//! says "not done yet" at 0.0s, a task sets the result at 0.3s and the
//! await returns 42 at once. Part 2 — a std thread (not a task) sets an
//! error 0.2 s later (0.5s); the loop sleeps in the OS until that
//! thread's wake rings it. Part 3 — a "done callback" is a task that
//! awaits the receiver and then calls a closure. Part 4 — cancelling from
//! either side: the setter gives up (the awaiter gets RecvError, asyncio's
//! CancelledError), or the awaiter gives up (the setter's `send` hands
//! the value back and `is_closed()` tells it to stop working).
//! Differences: an asyncio Future is one object with both halves; aioli
//! splits it in two, so the type system says who may set it (the one
//! holding the Sender, once: `send` consumes it, where asyncio raises
//! InvalidStateError on a second set_result) and who may await it (the
//! one holding the Receiver: one awaiter, where a Future allows many;
//! for many, send into an `Event`-guarded cell or use `mpsc`). "Exception"
//! is a type parameter: `Result<T, E>` inside the channel. The Sender is
//! `Send`, so the other thread needs no `call_soon_threadsafe`: `send`
//! is thread-safe by itself and rings the loop's waker.

use std::time::Duration;

use aioli::sync::oneshot::{self, TryRecvError};
use aioli::time::{sleep, Instant};

fn main() {
    aioli::run(async {
        let start = Instant::now();
        set_by_a_task(start).await;
        set_by_a_thread(start).await;
        done_callback(start).await;
        cancelled(start).await;
    });
}

/// Part 1: `set_result` from another task; `done()` and `result()`.
async fn set_by_a_task(start: Instant) {
    println!("1. a result set by another task");
    let (tx, mut rx) = oneshot::channel::<Result<u32, String>>();
    // try_recv is done() and result() in one call: it takes the value if
    // there is one. (A Rust value has one owner, so there is no looking
    // at the result without taking it.)
    match rx.try_recv() {
        Err(TryRecvError::Empty) => println!("   [{:.1}s] done()? no: nothing sent yet", secs(start)),
        other => println!("   [{:.1}s] unexpected: {other:?}", secs(start)),
    }
    let _setter = aioli::spawn(async move {
        sleep(Duration::from_millis(300)).await;
        println!("   [{:.1}s] setter task: set_result(42)", secs(start));
        // send consumes tx: a second set_result cannot even be written.
        let _ = tx.send(Ok(42));
    });
    match rx.await {
        Ok(Ok(value)) => println!("   [{:.1}s] await gave {value}", secs(start)),
        Ok(Err(error)) => println!("   [{:.1}s] await gave the error {error:?}", secs(start)),
        Err(oneshot::RecvError) => println!("   [{:.1}s] the setter gave up", secs(start)),
    }
}

/// Part 2: `set_exception` from a std thread, which knows nothing of the loop.
async fn set_by_a_thread(start: Instant) {
    println!("2. an error set by another thread");
    let (tx, rx) = oneshot::channel::<Result<u32, String>>();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        println!("   [{:.1}s] std thread: set_exception(\"disk full\")", secs(start));
        // Thread-safe by itself: it stores the value and wakes the task,
        // and the wake rings the mio::Waker of the loop asleep in phase 3.
        let _ = tx.send(Err("disk full".to_string()));
    });
    match rx.await {
        Ok(Ok(value)) => println!("   [{:.1}s] await gave {value}", secs(start)),
        Ok(Err(error)) => println!("   [{:.1}s] await gave the error {error:?} (the 'exception')", secs(start)),
        Err(oneshot::RecvError) => println!("   [{:.1}s] the thread gave up", secs(start)),
    }
}

/// Part 3: `add_done_callback` is a task that awaits, then calls.
async fn done_callback(start: Instant) {
    println!("3. a done callback");
    let (tx, rx) = oneshot::channel::<Result<u32, String>>();
    let on_done = move |outcome: Result<Result<u32, String>, oneshot::RecvError>| {
        println!("   [{:.1}s] callback: the future is done with {outcome:?}", secs(start));
    };
    // The JoinHandle of this task is itself a future that the loop
    // completes by hand: awaiting it waits for the callback to have run.
    let callback = aioli::spawn(async move { on_done(rx.await) });
    sleep(Duration::from_millis(100)).await;
    println!("   [{:.1}s] main: set_result(7)", secs(start));
    let _ = tx.send(Ok(7));
    let _ = callback.await;
}

/// Part 4: cancelling, from the setter's side and from the awaiter's.
async fn cancelled(start: Instant) {
    println!("4. cancelling");
    // The setter gives up: dropping the Sender is fut.cancel() as seen by
    // whoever awaits it.
    let (tx, rx) = oneshot::channel::<Result<u32, String>>();
    let _giver_up = aioli::spawn(async move {
        sleep(Duration::from_millis(100)).await;
        println!("   [{:.1}s] setter: giving up (drops its Sender)", secs(start));
        drop(tx);
    });
    match rx.await {
        Err(error) => println!("   [{:.1}s] awaiter: {error}", secs(start)),
        Ok(value) => println!("   [{:.1}s] awaiter: unexpected {value:?}", secs(start)),
    }

    // The awaiter gives up: dropping the Receiver (what a `timeout` or a
    // lost `select` branch does to it). The setter notices and stops.
    let (tx, rx) = oneshot::channel::<Result<u32, String>>();
    let worker = aioli::spawn(async move {
        for step in 1.. {
            if tx.is_closed() {
                println!("   [{:.1}s] worker: nobody waits any more, stopping after {step} steps", secs(start));
                return;
            }
            sleep(Duration::from_millis(50)).await;
        }
    });
    match aioli::time::timeout(Duration::from_millis(120), rx).await {
        Err(_elapsed) => println!("   [{:.1}s] awaiter: timed out after 120 ms, drops its Receiver", secs(start)),
        Ok(value) => println!("   [{:.1}s] awaiter: unexpected {value:?}", secs(start)),
    }
    let _ = worker.await;

    // And a value sent after the awaiter left comes back to the sender.
    let (tx, rx) = oneshot::channel::<u32>();
    drop(rx);
    match tx.send(99) {
        Err(value) => println!("   [{:.1}s] send(99) after the Receiver left gives it back: {value}", secs(start)),
        Ok(()) => println!("   [{:.1}s] unexpected: the send was accepted", secs(start)),
    }
}

fn secs(start: Instant) -> f64 {
    start.elapsed().as_secs_f64()
}
