//! 03 — gather: run several futures at once and collect their results in order.
//!
//! asyncio:   results = await asyncio.gather(*(worker(i) for i in range(5)))
//!            t1, t2 = create_task(worker(1)), create_task(worker(2))
//!            await asyncio.gather(t1, t2)
//! aioli:     let results = aioli::join_all((0..5).map(worker)).await;
//!            let results = aioli::join_all([spawn(worker(1)), spawn(worker(2))]).await;
//!
//! Watch: five workers that each sleep 1 s finish together in about 1.0s,
//! not 5 s, and the results come back in the order the workers were given,
//! whatever order they finished in. Part 2 does the same with tasks.
//! Part 3 stops at the first error after 0.2s instead of waiting 1 s.
//! Differences: `join_all` of plain futures runs them all inside the
//! current task, no tasks are created (asyncio's gather wraps each
//! coroutine in a Task). Gathering JoinHandles gives one
//! `Result<T, JoinError>` per task, which is gather's
//! `return_exceptions=True`. `try_join_all` stops at the first `Err` and
//! cancels the rest; asyncio's gather raises but leaves the others running.

use std::time::Duration;

use aioli::time::{sleep, Instant};

/// Waits a little differently per id, so they finish out of order.
async fn worker(id: u64) -> String {
    // 1.0 s, minus a few ms for higher ids: worker 4 finishes first.
    sleep(Duration::from_millis(1000 - id * 10)).await;
    println!("   worker {id} finished");
    format!("worker {id} done")
}

fn main() {
    aioli::run(async {
        println!("1. join_all over five futures, each waiting about 1 s:");
        let start = Instant::now();
        // join_all polls all five in turn with the same waker; each one's
        // sleep arms its own timer, so all five wait at the same time.
        let results = aioli::join_all((0..5).map(worker)).await;
        println!("   results, in the order given: {results:?}");
        println!("   elapsed {:.1}s (not 5 s)\n", start.elapsed().as_secs_f64());

        println!("2. gather over spawned tasks (JoinHandles are futures too):");
        let start = Instant::now();
        let handles = vec![aioli::spawn(worker(1)), aioli::spawn(worker(2))];
        // Each handle resolves to Result<String, JoinError>: a failed task
        // shows up as an Err in its slot instead of aborting the gather.
        for (index, outcome) in aioli::join_all(handles).await.into_iter().enumerate() {
            match outcome {
                Ok(result) => println!("   task {index}: {result}"),
                Err(error) => println!("   task {index} failed: {error}"),
            }
        }
        println!("   elapsed {:.1}s\n", start.elapsed().as_secs_f64());

        println!("3. try_join_all: the first Err ends the gather");
        let start = Instant::now();
        let checks = (0..3).map(|id| async move {
            if id == 1 {
                sleep(Duration::from_millis(200)).await;
                return Err(format!("check {id} failed"));
            }
            sleep(Duration::from_secs(1)).await;
            Ok(id)
        });
        match aioli::try_join_all(checks).await {
            Ok(ids) => println!("   all passed: {ids:?}"),
            // The two 1 s checks were still sleeping: try_join_all dropped
            // them, which cancels them (asyncio's gather would leave them
            // running in the background).
            Err(error) => {
                println!("   {error}, after {:.1}s; the other checks were dropped", start.elapsed().as_secs_f64())
            }
        }
    });
}
