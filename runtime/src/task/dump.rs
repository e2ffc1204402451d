//! Task dump: what every live task is doing, as a table.
//!
//! asyncio has `asyncio.all_tasks()` and debuggers print its tasks'
//! stacks; aioli prints, for each task in the table, its id and name,
//! whether it is running, queued or waiting, how often it was polled and
//! when last, where it was spawned, and the type of its future (which
//! names the `async fn` it came from). `run` prints this automatically
//! when it ends with tasks still alive and trace or debug mode is on:
//! those are the tasks it is about to cancel, often a leak.
//!
//! The dump is read from the task table, not collected by an observer
//! like the trace: it must answer with every debug aid off, when nothing
//! observes the loop. The loop keeps the few counters it needs (polls,
//! last tick) in each task's slot whatever the settings; the time of the
//! last poll only when the loop is observed.
//!
//! Chapter: docs/src/09-debugging.md

use std::fmt;
use std::panic::Location;
use std::time::Duration;

use super::table::{TaskSlot, TaskTable};
use super::Id;
use crate::context::{try_with_core, with_core};
use crate::time::Instant;

/// Where a task stands in the loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskState {
    /// Being polled right now (the task that asked for the dump).
    Running,
    /// Woken, waiting in the ready queue for its turn.
    Scheduled,
    /// Waiting for something (a timer, IO, another task) to wake it.
    Waiting,
}

impl fmt::Display for TaskState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            TaskState::Running => "running",
            TaskState::Scheduled => "scheduled",
            TaskState::Waiting => "waiting",
        })
    }
}

/// One row of a [`TaskDump`].
#[derive(Debug, Clone)]
pub struct TaskSummary {
    /// The task's id.
    pub id: Id,
    /// Its name, if it was spawned with one.
    pub name: Option<String>,
    /// Running, scheduled or waiting.
    pub state: TaskState,
    /// How many times the loop has polled it.
    pub polls: u64,
    /// The tick of its last poll, if it was ever polled.
    pub last_polled_tick: Option<u64>,
    /// Time since its last poll, when the loop times polls (debug mode
    /// with its slow-poll warning, trace mode, a timeline, or an observer
    /// of the program's own); by the loop's clock, so virtual under a
    /// paused clock.
    pub since_last_poll: Option<Duration>,
    /// The line that spawned it.
    pub spawned_at: &'static Location<'static>,
    /// The type of its future, which names the `async fn` or block.
    pub future_type: &'static str,
    /// The task (or `main`) that spawned it, if it was spawned inside a
    /// poll. asyncio does not record this; gdb's `aioli pstree` draws it.
    pub spawned_by: Option<Id>,
    /// The task that awaits its `JoinHandle`, if one has (the last to
    /// poll the handle and find it unfinished).
    pub awaited_by: Option<Id>,
}

/// The live tasks of a loop at one moment; `Display` prints a table.
#[derive(Debug, Clone)]
pub struct TaskDump {
    /// The tick during which the dump was taken.
    pub tick: u64,
    /// Every live task, by spawn order.
    pub tasks: Vec<TaskSummary>,
}

/// The live tasks of the current loop.
///
/// ```
/// aioli::run(async {
///     let _idle = aioli::task::Builder::new()
///         .name("idler")
///         .spawn(aioli::time::sleep(std::time::Duration::from_secs(60)));
///     aioli::task::yield_now().await;
///     let dump = aioli::task::dump();
///     assert_eq!(dump.tasks.len(), 1);
///     assert_eq!(dump.tasks[0].name.as_deref(), Some("idler"));
///     println!("{dump}");
/// });
/// ```
///
/// # Panics
///
/// Outside a running aioli loop.
#[track_caller]
#[doc(alias = "all_tasks")]
pub fn dump() -> TaskDump {
    with_core(|core| core.dump())
}

/// The task being polled right now, or `None` in the main future or
/// outside a loop: asyncio's `current_task()`.
///
/// ```
/// aioli::run(async {
///     assert!(aioli::task::current().is_none(), "the main future is not a task");
///     let name = aioli::task::Builder::new()
///         .name("worker")
///         .spawn(async { aioli::task::current().and_then(|task| task.name) });
///     assert_eq!(name.await.unwrap().as_deref(), Some("worker"));
/// });
/// ```
#[doc(alias = "current_task")]
pub fn current() -> Option<TaskSummary> {
    try_with_core(|core| {
        let id = core.running_task()?;
        core.dump().tasks.into_iter().find(|task| task.id == id)
    })
    .flatten()
}

impl TaskTable {
    /// A snapshot of the table, taken during `tick` at `now`.
    pub(crate) fn dump(&self, tick: u64, now: Instant) -> TaskDump {
        let mut rows: Vec<TaskSummary> = self.iter().map(|(id, slot)| summarize(id, slot, now)).collect();
        rows.sort_by_key(|row| row.id.number());
        TaskDump { tick, tasks: rows }
    }
}

fn summarize(id: Id, slot: &TaskSlot, now: Instant) -> TaskSummary {
    let state = if slot.is_being_polled() {
        TaskState::Running
    } else if slot.waker_state().is_scheduled() {
        TaskState::Scheduled
    } else {
        TaskState::Waiting
    };
    TaskSummary {
        id,
        name: slot.name.as_deref().map(str::to_string),
        state,
        polls: slot.polls,
        last_polled_tick: (slot.polls > 0).then_some(slot.last_poll_tick),
        since_last_poll: slot.last_poll_at.map(|at| now.saturating_duration_since(at)),
        spawned_at: slot.spawned_at,
        future_type: slot.future_type,
        spawned_by: slot.spawned_by,
        awaited_by: slot.awaited_by,
    }
}

impl fmt::Display for TaskDump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.tasks.len();
        writeln!(f, "aioli task dump at tick {}: {count} live task{}", self.tick, if count == 1 { "" } else { "s" })?;
        for task in &self.tasks {
            let name = task.name.as_deref().map(|name| format!("\"{name}\"")).unwrap_or_else(|| "-".into());
            let last = match (task.last_polled_tick, task.since_last_poll) {
                (None, _) => "never polled".to_string(),
                (Some(tick), Some(ago)) => format!("last polled at tick {tick} ({ago:.1?} ago)"),
                (Some(tick), None) => format!("last polled at tick {tick}"),
            };
            writeln!(f, "  {:<9} {:<14} {:<9} {:>4} polls, {last}", task.id.to_string(), name, task.state, task.polls)?;
            writeln!(f, "            spawned at {}; future: {}", task.spawned_at, task.future_type)?;
        }
        Ok(())
    }
}
