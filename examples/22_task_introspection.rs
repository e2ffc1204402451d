//! 22 — task introspection: which task am I, which tasks exist, and cancelling one found in the list.
//!
//! asyncio:   me = asyncio.current_task(); print(me.get_name())
//!            for t in asyncio.all_tasks():
//!                print(t.get_name(), t.done(), t.get_coro())
//!                if t.get_name() == "sleeper": t.cancel()
//!            quick.done(); quick.result()
//! aioli:     let me = aioli::task::current();          // Option<TaskSummary>
//!            for t in aioli::task::dump().tasks {         // the live tasks, as data
//!                if t.name.as_deref() == Some("sleeper") { handles[&t.id].abort(); }
//!            }
//!            quick.is_finished();  quick.await            // done(), result()
//!
//! Watch: part 1 — a task asks who it is and sees itself "running"; main
//! asks too and gets None (main is not a task). Part 2 — the dump right
//! after spawning shows four tasks "scheduled" and never polled; once main
//! has yielded, the sleepers are "waiting", and `quick`, finished, is gone
//! from the list while its handle still holds its result. All of that is
//! tick 1: tasks woken during phase 1 are polled in the same phase while
//! the batch has room. Part 3 — main finds "sleeper" in the dump by name,
//! aborts it through its handle (found by the id the dump gives), sees it
//! "scheduled" (abort wakes it so the loop can drop it), and after one
//! more yield it is gone; its handle says Cancelled. Part 4 — 2.5 s later
//! the napper has finished, and the dump's own table shows the dozer with
//! its spawn site and future type. The loop runs with a paused clock, so
//! every number is the same on each run.
//! Differences: asyncio's all_tasks() returns the Task objects themselves,
//! so you can cancel what you find. aioli's dump is a snapshot of plain
//! data (id, name, state, polls, spawn site, future type): to act on a
//! task, keep its JoinHandle and look it up by the id the dump shows.
//! Only the spawner owns a task; a list anyone can read cannot cancel it.
//! In asyncio the main coroutine is a Task; in aioli the main future is
//! not, so `current()` is None there. Finished tasks leave the dump at
//! once, as they leave all_tasks().

use std::collections::HashMap;
use std::time::Duration;

use aioli::task::{self, Builder as TaskBuilder, Id, TaskDump};
use aioli::time::sleep;
use aioli::{JoinHandle, Runtime};

fn main() -> std::io::Result<()> {
    // A paused clock: the sleeps cost no real time, and every tick number
    // and "ago" below is the same on every run.
    let runtime = Runtime::builder().deterministic(true).build()?;
    runtime.block_on(async {
        who_am_i().await;
        let (quick, mut handles) = all_tasks().await;
        cancel_through_the_dump(&mut handles).await;
        // 2.5 s of the paused clock: the napper's 2 s sleep ends, the
        // dozer's 5 s one does not.
        sleep(Duration::from_millis(2500)).await;
        println!("\n4. 2.5 s later, the dump as the loop prints it (the end of run prints it too, in debug mode):\n");
        print!("{}", task::dump());
        // The dozer is still alive: `block_on` cancels it when main returns.
        drop(quick);
    });
    Ok(())
}

/// Part 1: `current_task()`.
async fn who_am_i() {
    println!("1. current_task()");
    let me = TaskBuilder::new().name("reporter").spawn(async {
        match task::current() {
            Some(me) => println!(
                "   inside a task: I am {} {:?}, state {}, polled {} time(s) so far",
                me.id, me.name, me.state, me.polls
            ),
            None => println!("   inside a task, yet current() is None?"),
        }
    });
    let _ = me.await;
    println!("   inside main: current() = {:?} (the main future is not a task)", task::current().map(|t| t.id));
}

/// Part 2: `all_tasks()`, and `done()`/`result()` of a finished one.
async fn all_tasks() -> (JoinHandle<u32>, HashMap<Id, JoinHandle<()>>) {
    println!("\n2. all_tasks()");
    let mut handles = HashMap::new();
    for (name, seconds) in [("sleeper", 3600), ("napper", 2), ("dozer", 5)] {
        let handle = TaskBuilder::new().name(name).spawn(sleep(Duration::from_secs(seconds)));
        handles.insert(handle.id(), handle);
    }
    let quick = TaskBuilder::new().name("quick").spawn(async { 6 * 7 });
    println!("   right after spawning (none has run yet):");
    print_rows(&task::dump());

    // One yield: main goes to the back of the run queue, behind the four
    // new tasks, so they all get their first poll before main runs again,
    // all within phase 1 of the same tick (the batch has room for them).
    task::yield_now().await;
    println!("   after main yielded once:");
    print_rows(&task::dump());
    println!("   quick.is_finished() = {} (done())", quick.is_finished());
    (quick, handles)
}

/// Part 3: find a task in the dump by name and cancel it.
async fn cancel_through_the_dump(handles: &mut HashMap<Id, JoinHandle<()>>) {
    println!("\n3. cancelling a task found in the dump");
    let found = task::dump().tasks.into_iter().find(|t| t.name.as_deref() == Some("sleeper"));
    let Some(sleeper) = found else {
        println!("   no task named sleeper is alive");
        return;
    };
    println!("   found \"sleeper\" as {} ({}); aborting it through its handle", sleeper.id, sleeper.state);
    let Some(handle) = handles.remove(&sleeper.id) else {
        println!("   no handle kept for {}: only its spawner could have cancelled it", sleeper.id);
        return;
    };
    handle.abort();
    print_rows(&task::dump());
    // The loop drops the future at the task's next turn, which comes
    // before main's: abort() queued it first.
    task::yield_now().await;
    println!("   after main yielded once more:");
    print_rows(&task::dump());
    println!("   its handle says: {:?}", handle.await);
}

/// One line per task, the columns asyncio's Task repr would show.
fn print_rows(dump: &TaskDump) {
    for t in &dump.tasks {
        let name = t.name.as_deref().unwrap_or("-");
        let polled = match t.last_polled_tick {
            Some(tick) => format!("{} poll(s), last at tick {tick}", t.polls),
            None => "never polled".to_string(),
        };
        println!(
            "      tick {:>2}  {:<8} {:<8} {:<9} {polled}",
            dump.tick,
            t.id.to_string(),
            name,
            t.state.to_string()
        );
    }
    if dump.tasks.is_empty() {
        println!("      tick {:>2}  (no live task)", dump.tick);
    }
}
