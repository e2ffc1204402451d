//! aioli: an async runtime written to be read.
//!
//! The crate is the whole of what Python's asyncio does, spelled out in
//! Rust a layer at a time, so a reader can follow a `.await` all the way
//! down to the system call that puts the thread to sleep:
//!
//! - [`task`]: a spawned future, its id, its waker and its [`JoinHandle`];
//! - [`runtime`]: the event loop whose tick, `run_once`, turns the wheel;
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

pub use blocking::spawn_blocking;
pub use combine::as_completed::{as_completed, AsCompleted};
pub use combine::join::{join, join3, join_all, try_join_all};
pub use combine::select::{select, select_all, Either};
pub use combine::wait::{wait, WaitFor};
pub use runtime::{run, Runtime};
pub use task::{spawn, JoinError, JoinHandle};
pub use task_group::{TaskGroup, TaskGroupError};
