//! asyncio's names, kept only so the compiler can answer with aioli's.
//!
//! An asyncio user's fingers type `task.cancel()`, `queue.put_nowait(x)`
//! or `loop.run_until_complete(f)`. `#[doc(alias)]` makes rustdoc's search
//! find the aioli item under those names, but rustc does not read doc
//! aliases of another crate when it says "no method named `cancel`". So
//! each name below exists, hidden from the docs, deprecated, and forwards
//! to the aioli item: the code compiles, and the deprecation warning is
//! the compiler saying which name to use instead. Nothing here adds
//! behaviour; delete a call's warning by renaming the call.
//!
//! `wait_for` is deliberately absent: `timeout(d, f)` takes its arguments
//! in the other order and, on a `JoinHandle`, does not cancel the task,
//! so a silent forward would mislead. Chapter 16 explains both.
//!
//! Chapter: docs/src/16-porting-from-asyncio.md
#![allow(missing_docs)]

use std::future::Future;

use crate::sync::{Queue, QueueEmpty, QueueFull};
use crate::task::JoinHandle;
use crate::Runtime;

impl<T> JoinHandle<T> {
    #[doc(hidden)]
    #[deprecated(note = "aioli calls this `JoinHandle::abort()` (asyncio: Task.cancel)")]
    pub fn cancel(&self) {
        self.abort();
    }
}

impl<T> Queue<T> {
    #[doc(hidden)]
    #[deprecated(note = "aioli calls this `Queue::try_put(item)` (asyncio: Queue.put_nowait)")]
    pub fn put_nowait(&self, item: T) -> Result<(), QueueFull<T>> {
        self.try_put(item)
    }

    #[doc(hidden)]
    #[deprecated(note = "aioli calls this `Queue::try_get()` (asyncio: Queue.get_nowait)")]
    pub fn get_nowait(&self) -> Result<T, QueueEmpty> {
        self.try_get()
    }
}

impl Runtime {
    #[doc(hidden)]
    #[deprecated(note = "aioli calls this `Runtime::block_on(future)` (asyncio: loop.run_until_complete)")]
    #[track_caller]
    pub fn run_until_complete<F: Future>(&self, future: F) -> F::Output {
        self.block_on(future)
    }
}

#[doc(hidden)]
#[deprecated(note = "aioli calls this `aioli::spawn(future)` (asyncio: create_task)")]
#[track_caller]
pub fn create_task<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    crate::spawn(future)
}

#[doc(hidden)]
#[deprecated(note = "aioli calls this `aioli::spawn(future)` (asyncio: ensure_future)")]
#[track_caller]
pub fn ensure_future<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    crate::spawn(future)
}

#[doc(hidden)]
#[deprecated(note = "aioli calls this `aioli::join_all(futures)` (asyncio: gather)")]
pub async fn gather<I>(futures: I) -> Vec<<I::Item as Future>::Output>
where
    I: IntoIterator,
    I::Item: Future,
{
    crate::join_all(futures).await
}
