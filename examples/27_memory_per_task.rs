//! 27 — memory per task: a task is a heap-allocated state machine of known size; a thread is a stack.
//!
//! asyncio:   import psutil, os
//!            before = psutil.Process(os.getpid()).memory_info().rss
//!            tasks = [asyncio.create_task(asyncio.sleep(3600)) for _ in range(10_000)]
//!            await asyncio.sleep(0)
//!            print((psutil.Process(os.getpid()).memory_info().rss - before) / 10_000, "bytes per task")
//! aioli:     let before = rss();
//!            let tasks: Vec<_> = (0..10_000).map(|_| aioli::spawn(idle())).collect();
//!            aioli::task::yield_now().await;
//!            println!("{} bytes per task", (rss() - before) / 10_000);
//!
//! Watch: part 1 — the compiler knows every future's size before it runs:
//! an `async fn` that keeps a 1 KiB buffer across an await is a struct of
//! over 1 KiB, one that keeps a number is a few dozen bytes. Part 2 — ten
//! thousand idle tasks add a few hundred bytes each to the process's
//! resident memory (the future, its slot in the task table, its waker and
//! JoinHandle state). Part 3 — a hundred idle threads add about 10 KiB
//! each of resident memory and megabytes each of address space (a 2 MiB
//! stack apiece, and with glibc a share of the malloc arenas it reserves
//! for threads): resident memory is what a thread costs now, address
//! space what limits how many a 32-bit or ulimit-bound process can have.
//! The figures vary with the allocator and the build; the ratio is the
//! point. Linux only for parts 2 and 3 (they read /proc/self/status).
//! Differences: a Python coroutine frame is a heap object of a few hundred
//! bytes plus the Task around it (about 1–2 KiB together); a Rust future's
//! size is fixed at compile time and can be printed with `size_of_val`.
//! Neither needs a stack of its own: the loop's one stack runs whichever
//! task it polls. `benches/memory.rs` measures the same side by side with
//! tokio, in fresh processes.

use std::sync::mpsc;
use std::time::Duration;

const TASKS: usize = 10_000;
const THREADS: usize = 100;

/// Keeps a number across its await: the state machine stores it.
async fn counter(start: u64) -> u64 {
    aioli::time::sleep(Duration::from_secs(3600)).await;
    start + 1
}

/// Keeps a 1 KiB buffer across its await: the state machine stores that too.
async fn with_buffer() -> usize {
    let buffer = [7u8; 1024];
    aioli::time::sleep(Duration::from_secs(3600)).await;
    buffer.iter().map(|&byte| byte as usize).sum()
}

/// What /proc/self/status says about this process, in bytes:
/// (resident, virtual). `None` where there is no /proc.
fn memory() -> Option<(usize, usize)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| -> Option<usize> {
        let line = status.lines().find(|line| line.starts_with(name))?;
        let kib: usize = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib * 1024)
    };
    Some((field("VmRSS:")?, field("VmSize:")?))
}

fn main() {
    println!("1. a future's size is known at compile time");
    println!("   counter(1)    : {:>5} bytes", std::mem::size_of_val(&counter(1)));
    println!("   with_buffer() : {:>5} bytes", std::mem::size_of_val(&with_buffer()));
    println!("   (a future is a struct: the variables alive at each .await, plus which .await it is at)");

    let Some(baseline) = memory() else {
        println!("\nno /proc/self/status here: parts 2 and 3 need Linux");
        return;
    };

    aioli::run(async move {
        println!("\n2. {TASKS} idle tasks");
        let before = memory().unwrap_or(baseline);
        let tasks: Vec<_> = (0..TASKS as u64).map(|i| aioli::spawn(counter(i))).collect();
        // Let each task run once, so each has armed its timer and is
        // waiting, as an idle connection's task would be.
        aioli::task::yield_now().await;
        let after = memory().unwrap_or(before);
        report(TASKS, "task", before, after);
        // Cancel them and wait until the loop has dropped every one, so
        // `run` ends with no task left (debug builds would list them all).
        for task in &tasks {
            task.abort();
        }
        let cancelled = aioli::join_all(tasks).await.iter().filter(|result| result.is_err()).count();
        println!("   ({cancelled} tasks cancelled)");
    });

    println!("\n3. {THREADS} idle threads");
    let before = memory().unwrap_or(baseline);
    let mut stops = Vec::new();
    let mut threads = Vec::new();
    for _ in 0..THREADS {
        let (stop, stopped) = mpsc::channel::<()>();
        stops.push(stop);
        // Each waits on a channel, as a blocking server's thread waits on
        // its socket. `spawn` may fail if the system is out of threads.
        match std::thread::Builder::new().spawn(move || stopped.recv().is_ok()) {
            Ok(thread) => threads.push(thread),
            Err(error) => {
                println!("   could not start more than {} threads: {error}", threads.len());
                break;
            }
        }
    }
    // Let every thread reach its recv (touching its stack's first pages).
    std::thread::sleep(Duration::from_millis(100));
    let after = memory().unwrap_or(before);
    report(threads.len(), "thread", before, after);
    drop(stops); // every recv returns Err: the threads end
    for thread in threads {
        let _ = thread.join();
    }
}

fn report(count: usize, what: &str, before: (usize, usize), after: (usize, usize)) {
    if count == 0 {
        return;
    }
    let resident = after.0.saturating_sub(before.0) / count;
    let virtual_ = after.1.saturating_sub(before.1) / count;
    println!("   resident memory: {resident:>7} bytes per {what}");
    println!("   address space  : {virtual_:>7} bytes per {what}");
}
