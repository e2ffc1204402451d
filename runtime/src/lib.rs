//! aioli: an async runtime written to be read.
//!
//! The crate is the whole of what Python's asyncio does, spelled out in
//! Rust a layer at a time, so a reader can follow a `.await` all the way
//! down to the system call that puts the thread to sleep:
//!
//! - [`task`]: a spawned future, its id, its waker and its [`JoinHandle`];
//! - [`runtime`]: the event loop whose tick, `run_once`, turns the wheel,
//!   and the typed [`LoopEvent`](runtime::LoopEvent)s it reports to
//!   observers (trace mode, the hang detectors, your own);
//! - [`time`]: sleeps, timeouts and intervals from one ordered timer map;
//! - the combinators ([`join_all`], [`select`], [`wait`], [`as_completed`],
//!   [`TaskGroup`]) that run several futures at once;
//! - [`stream`]: the async counterpart of `Iterator`;
//! - [`sync`]: `Mutex`, `Semaphore`, `Event`, `Condvar`, `Queue`,
//!   `oneshot` and `mpsc`, for tasks that coordinate;
//! - [`net`] and [`io`]: TCP and UDP sockets on the loop's reactor, and the
//!   async read/write traits with buffering;
//! - [`fs`] and [`spawn_blocking`]: files and blocking work on a thread pool.
//!
//! ```
//! use std::time::Duration;
//!
//! let total = aioli::run(async {
//!     let a = aioli::spawn(async { aioli::time::sleep(Duration::from_millis(10)).await; 1 });
//!     let b = aioli::spawn(async { 2 });
//!     a.await.unwrap() + b.await.unwrap()
//! });
//! assert_eq!(total, 3);
//! ```
//!
//! Start reading at `docs/src/00-introduction.md`, chapter 0 of the book;
//! every chapter links back to the file it explains.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod asyncio_names;
mod blocking;
mod combine;
mod context;
mod coop;
mod debug;
pub mod fs;
pub mod io;
pub mod net;
mod reactor;
pub mod runtime;
#[cfg(unix)]
pub mod signal;
pub mod stream;
pub mod sync;
pub mod task;
mod task_group;
pub mod time;

#[allow(deprecated)]
#[doc(hidden)]
pub use asyncio_names::{create_task, ensure_future, gather};
pub use blocking::spawn_blocking;
pub use combine::as_completed::{as_completed, AsCompleted};
pub use combine::join::{join, join3, join_all, try_join_all};
pub use combine::select::{select, select_all, Either};
pub use combine::wait::{wait, WaitFor};
pub use runtime::{run, Runtime};
pub use task::{spawn, JoinError, JoinHandle};
pub use task_group::{TaskGroup, TaskGroupError};

/// The snippets of docs/src/16-porting-from-asyncio.md, compiled by
/// rustdoc: each error the chapter shows must still be that error, and
/// each fix must still compile and run. Only built for `cargo test --doc`.
#[cfg(doctest)]
mod porting_errors {
    /// Error 1: an async fn called without `.await` (a warning, made an
    /// error here so the test can see it).
    ///
    /// ```compile_fail
    #[doc = include_str!("../../docs/porting/not_awaited.rs")]
    /// ```
    struct NotAwaited;

    /// Error 2: a spawned task borrows a local.
    ///
    /// ```compile_fail,E0373
    #[doc = include_str!("../../docs/porting/borrow_in_spawn.rs")]
    /// ```
    struct BorrowInSpawn;

    /// The fix for error 2.
    ///
    /// ```
    #[doc = include_str!("../../docs/porting/rc_fix.rs")]
    /// ```
    struct RcFix;

    /// Error 3: gather over two different async blocks.
    ///
    /// ```compile_fail,E0308
    #[doc = include_str!("../../docs/porting/gather_two_blocks.rs")]
    /// ```
    struct GatherTwoBlocks;

    /// The fixes for error 3.
    ///
    /// ```
    #[doc = include_str!("../../docs/porting/gather_fix.rs")]
    /// ```
    struct GatherFix;

    /// Error 4: wait_for's argument order.
    ///
    /// ```compile_fail,E0308
    #[doc = include_str!("../../docs/porting/timeout_order.rs")]
    /// ```
    struct TimeoutOrder;

    /// timeout on a JoinHandle, and abort on timeout.
    ///
    /// ```
    #[doc = include_str!("../../docs/porting/timeout_on_task.rs")]
    /// ```
    struct TimeoutOnTask;

    /// Error 5: `.await` in `Drop`.
    ///
    /// ```compile_fail,E0728
    #[doc = include_str!("../../docs/porting/await_in_drop.rs")]
    /// ```
    struct AwaitInDrop;

    /// The fix for error 5: cancel by asking; async cleanup in the task.
    ///
    /// ```
    #[doc = include_str!("../../docs/porting/cleanup.rs")]
    /// ```
    struct Cleanup;

    /// A RefCell borrow held across an `.await` panics at run time.
    ///
    /// ```should_panic
    #[doc = include_str!("../../docs/porting/refcell_across_await.rs")]
    /// ```
    struct RefCellAcrossAwait;

    /// A nested `run` panics, naming the caller's line.
    ///
    /// ```should_panic
    #[doc = include_str!("../../docs/porting/nested_run.rs")]
    /// ```
    struct NestedRun;

    /// A blocking call in a task: runs, and the detector warns.
    ///
    /// ```
    #[doc = include_str!("../../docs/porting/blocking_call.rs")]
    /// ```
    struct BlockingCall;
}
