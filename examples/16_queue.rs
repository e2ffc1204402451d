//! 16 — Queue: producers and consumers, backpressure, task_done and join.
//!
//! asyncio:   queue = asyncio.Queue(maxsize=3)
//!            async def producer(name):
//!                for i in range(4): await queue.put(f"{name}-{i}")   # waits while full
//!            async def consumer(name):
//!                while True:
//!                    job = await queue.get(); await asyncio.sleep(0.2); queue.task_done()
//!            consumers = [asyncio.create_task(consumer(n)) for n in "AB"]
//!            await asyncio.gather(producer("p1"), producer("p2"))
//!            await queue.join()                                       # every job done
//!            for c in consumers: c.cancel()
//! aioli:     let queue = Rc::new(Queue::new(3));
//!            queue.put(job).await;  let job = queue.get().await;  queue.task_done()?;
//!            queue.join().await;  consumer.abort();
//!
//! Watch: two producers make 8 jobs, two consumers take 0.2 s per job. The
//! queue never holds more than 3 ("queued" column), so the producers stall
//! until consumers catch up: that is backpressure. All puts are done long
//! before the work is; `join` returns only when the last job is marked
//! done (about 0.8 s: 8 jobs / 2 consumers x 0.2 s). Then the consumers,
//! idle in `get()`, are cancelled, and each reports it was.
//! Differences: task_done returns a Result: calling it once too often is
//! `Err(TaskDoneError)` where asyncio raises ValueError. A cancelled
//! `get()` takes no item, as in asyncio.

use std::rc::Rc;
use std::time::Duration;

use aioli::sync::Queue;
use aioli::time::{sleep, Instant};

fn main() {
    aioli::run(async {
        let start = Instant::now();
        let at = move || start.elapsed().as_secs_f64();
        let queue: Rc<Queue<String>> = Rc::new(Queue::new(3));

        let consumers: Vec<_> = ["A", "B"]
            .into_iter()
            .map(|name| {
                let queue = queue.clone();
                aioli::spawn(async move {
                    loop {
                        let job = queue.get().await; // waits while the queue is empty
                        println!("   [{:.1}s] consumer {name}: working on {job}", at());
                        sleep(Duration::from_millis(200)).await;
                        if let Err(error) = queue.task_done() {
                            println!("   consumer {name}: {error}");
                        }
                    }
                })
            })
            .collect();

        let producers = ["p1", "p2"].map(|name| {
            let queue = queue.clone();
            async move {
                for i in 0..4 {
                    let job = format!("{name}-{i}");
                    queue.put(job.clone()).await; // waits while the queue is full
                    println!("   [{:.1}s] producer {name}: put {job:<5}  queued: {}", at(), queue.len());
                }
            }
        });
        aioli::join_all(producers).await;
        println!("   [{:.1}s] both producers done; waiting for queue.join()", at());

        queue.join().await;
        println!("   [{:.1}s] join returned: every job was marked task_done", at());

        for consumer in consumers {
            consumer.abort(); // they are waiting in get(), forever otherwise
            match consumer.await {
                Err(error) => println!("   consumer: {error}"),
                Ok(()) => println!("   consumer ended by itself"),
            }
        }
        // One task_done too many is an error value, not a crash.
        if let Err(error) = queue.task_done() {
            println!("   one extra task_done(): {error}");
        }
    });
}
