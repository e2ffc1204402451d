//! Tasks: a future the loop owns and polls until it is done.
//!
//! `spawn(future)` is asyncio's `create_task`. The future is boxed and put
//! in a slot of the loop's task table (`task/table.rs`); the task gets an
//! [`Id`] made of the slot index and a generation, one waker for its whole
//! life (`task/waker.rs`), and the caller gets a [`JoinHandle`] (`task/join.rs`) through
//! which the result, a panic or a cancellation comes back.
//!
//! Tasks never leave the loop's thread, so `spawn` accepts futures that are
//! not `Send`: `Rc` and `RefCell` work inside tasks, as they would in an
//! asyncio coroutine. (tokio's `spawn` needs `Send` because its scheduler
//! may move tasks between threads; `tokio::task::spawn_local` is the
//! counterpart of this one.)
//!
//! Chapter: docs/src/03-executor.md

mod dump;
mod join;
pub(crate) mod table;
pub(crate) mod waker;
mod yield_now;

use std::fmt;
use std::future::Future;
use std::panic::Location;

use crate::context::with_core;

pub use crate::blocking::{BLOCKING_KEEP_ALIVE, MAX_BLOCKING_THREADS};
pub use dump::{current, dump, TaskDump, TaskState, TaskSummary};
pub(crate) use join::{Completion, JoinShared};
pub use join::{JoinError, JoinHandle};
pub use yield_now::{yield_now, YieldNow};

/// A task's identity: its slot in the task table plus a generation.
///
/// Slots are reused when tasks end. The generation is a counter that grows
/// with every spawn, so an old id (held by a waker that outlived its task)
/// never matches the new task living in the same slot: the loop compares
/// both numbers and ignores the stale one instead of waking a stranger.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
// ANCHOR: id
pub struct Id {
    /// Index into the loop's task table.
    pub(crate) index: usize,
    /// Spawn counter at the time this task was created; unique per loop.
    pub(crate) generation: u64,
}
// ANCHOR_END: id

impl Id {
    /// The id the loop's main future (the one given to `block_on`) wakes
    /// with. It names no slot: the main future lives on `block_on`'s stack.
    pub(crate) const MAIN: Id = Id { index: usize::MAX, generation: 0 };

    /// The task's spawn number on its loop: 1 for the first task, then 2…
    /// Unlike the slot index it is never reused.
    pub fn number(&self) -> u64 {
        self.generation
    }

    /// True for the id of `block_on`'s main future, which is not a task
    /// (loop events name it like one; it prints as `main`).
    pub fn is_main(&self) -> bool {
        *self == Id::MAIN
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == Id::MAIN {
            write!(f, "main")
        } else {
            write!(f, "task#{}", self.generation)
        }
    }
}

impl fmt::Debug for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == Id::MAIN {
            write!(f, "Id(main)")
        } else {
            write!(f, "Id(#{} in slot {})", self.generation, self.index)
        }
    }
}

/// Runs `future` as a new task on the current loop: asyncio's `create_task`.
///
/// The task starts at the loop's next turn, not inside this call. Await the
/// returned handle for its output; drop the handle to let it run detached.
///
/// # Panics
///
/// When no aioli loop is running on this thread, with a message that says
/// to call it inside `aioli::run`.
///
/// ```
/// aioli::run(async {
///     let handle = aioli::spawn(async { 6 * 7 });
///     assert_eq!(handle.await.unwrap(), 42);
/// });
/// ```
///
/// # Why `'static`, and the `Rc` fix
///
/// The task may outlive the function that spawned it (drop its handle and
/// it runs on), so the future must own everything it uses: `F: 'static`.
/// An asyncio coroutine can use any variable it closes over, because the
/// garbage collector keeps it alive; in Rust, borrowing a local into a
/// task is the first error an asyncio user meets (docs chapter 16 shows
/// it in full):
///
/// ```text
/// error[E0373]: async block may outlive the current function, but it borrows `counter`, ...
/// ```
///
/// The fix: give each task its own handle on the shared state. Put the
/// state in an `Rc` (shared ownership on one thread) around a `RefCell`
/// (mutation checked at run time), and `move` a clone into each task.
/// Tasks stay on the loop's thread, so `Rc` is enough; tokio's `spawn`
/// would need `Arc` and a lock, because its tasks may change threads.
///
/// ```
/// use std::cell::RefCell;
/// use std::rc::Rc;
///
/// aioli::run(async {
///     let counter = Rc::new(RefCell::new(0));
///     let mut handles = Vec::new();
///     for _ in 0..3 {
///         let counter = Rc::clone(&counter); // this task's own clone
///         handles.push(aioli::spawn(async move {
///             // Borrow briefly: never hold a RefCell borrow across an .await.
///             *counter.borrow_mut() += 1;
///         }));
///     }
///     for handle in handles {
///         handle.await.unwrap();
///     }
///     assert_eq!(*counter.borrow(), 3);
/// });
/// ```
///
/// Only `spawn` needs `'static`: a future awaited in place, or passed to
/// [`join_all`](crate::join_all), may borrow locals.
// ANCHOR: spawn
#[track_caller]
#[doc(alias("create_task", "ensure_future"))]
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    Builder::new().spawn(future)
}
// ANCHOR_END: spawn

/// Spawns a task with options: today a name, shown in errors and traces.
///
/// ```
/// aioli::run(async {
///     let handle = aioli::task::Builder::new()
///         .name("fetcher")
///         .spawn(async { "done" });
///     assert_eq!(handle.await.unwrap(), "done");
/// });
/// ```
#[derive(Debug, Default, Clone)]
pub struct Builder {
    name: Option<String>,
}

impl Builder {
    /// A builder with no name set.
    pub fn new() -> Builder {
        Builder::default()
    }

    /// Names the task, like asyncio's `create_task(coro, name=...)`.
    pub fn name(mut self, name: impl Into<String>) -> Builder {
        self.name = Some(name.into());
        self
    }

    /// Spawns `future` on the current loop; see [`spawn`].
    #[track_caller]
    #[doc(alias = "create_task")]
    pub fn spawn<F>(self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        // #[track_caller] all the way down makes this the line that called
        // spawn in the user's code: the "spawn site" traces will print.
        let spawned_at = Location::caller();
        with_core(|core| core.spawn(future, self.name, spawned_at))
    }
}
