//! `TaskGroup`: structured concurrency, asyncio 3.11's `TaskGroup`.
//!
//! A group owns the tasks spawned through it. `join()` waits for all of
//! them and returns their outputs in spawn order. The first child that
//! fails (returns `Err`, panics, or is cancelled from outside) makes the
//! group cancel every sibling still running, wait until they are gone,
//! and return that first failure. Dropping a group (or a `join()` that is
//! itself cancelled) aborts every child: no task outlives its group.
//!
//! ```text
//!   spawn, spawn, …        join()
//!   ───────────────▶ Open ────────▶ Joining ──all Ok──────────▶ Ok(outputs)
//!                                      │
//!                                      └─first failure─▶ abort the rest,
//!                                                        wait for them ─▶ Err(first)
//! ```
//!
//! Chapter: docs/src/08-task-group.md

use std::fmt;
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::task::Poll;

use crate::task::{self, Id, JoinError, JoinHandle};

/// Why a [`TaskGroup`] stopped: the first child that failed, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskGroupError<E> {
    /// A child returned `Err(error)`.
    Failed {
        /// The child that failed.
        task: Id,
        /// What it returned.
        error: E,
    },
    /// A child panicked.
    Panicked {
        /// The child that panicked.
        task: Id,
        /// Its panic message.
        message: String,
    },
    /// A child was aborted by someone other than the group.
    Cancelled {
        /// The child that was aborted.
        task: Id,
    },
}

impl<E: fmt::Display> fmt::Display for TaskGroupError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TaskGroupError::Failed { task, error } => {
                write!(f, "{task} in the task group failed: {error} (its siblings were cancelled)")
            }
            TaskGroupError::Panicked { task, message } => {
                write!(f, "{task} in the task group panicked: {message} (its siblings were cancelled)")
            }
            TaskGroupError::Cancelled { task } => {
                write!(f, "{task} in the task group was aborted from outside the group (its siblings were cancelled)")
            }
        }
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for TaskGroupError<E> {}

/// A set of tasks that succeed together or are cancelled together.
///
/// ```
/// use std::time::Duration;
/// use aioli::TaskGroup;
/// use aioli::time::sleep;
///
/// async fn work(id: u32, ms: u64) -> Result<String, String> {
///     sleep(Duration::from_millis(ms)).await;
///     Ok(format!("task {id} done"))
/// }
///
/// aioli::run(async {
///     let mut group = TaskGroup::new();
///     group.spawn(work(1, 20));
///     group.spawn(work(2, 10));
///     let results = group.join().await.unwrap();
///     assert_eq!(results, ["task 1 done", "task 2 done"]);
/// });
/// ```
pub struct TaskGroup<T, E> {
    /// Every child, in spawn order; `None` once its result was taken.
    children: Vec<Option<JoinHandle<Result<T, E>>>>,
}

impl<T: 'static, E: 'static> TaskGroup<T, E> {
    /// An empty group.
    pub fn new() -> TaskGroup<T, E> {
        TaskGroup { children: Vec::new() }
    }

    /// Spawns `future` as a child of the group: `tg.create_task(coro)`.
    /// It starts running at once; its output is in `join()`'s result at
    /// the position of this call.
    #[track_caller]
    pub fn spawn<F>(&mut self, future: F) -> Id
    where
        F: Future<Output = Result<T, E>> + 'static,
    {
        let handle = task::spawn(future);
        let id = handle.id();
        self.children.push(Some(handle));
        id
    }

    /// How many children were spawned.
    pub fn len(&self) -> usize {
        self.children.len()
    }

    /// True if no child was spawned.
    pub fn is_empty(&self) -> bool {
        self.children.is_empty()
    }

    // ANCHOR: join
    /// Waits for every child. All succeed: their outputs, in spawn order.
    /// One fails: the others are cancelled, and once they are gone the
    /// first failure is returned.
    pub async fn join(mut self) -> Result<Vec<T>, TaskGroupError<E>> {
        let mut outputs: Vec<Option<T>> = self.children.iter().map(|_| None).collect();
        let first_failure = poll_fn(|cx| {
            let mut all_done = true;
            for (slot, output) in self.children.iter_mut().zip(outputs.iter_mut()) {
                let Some(handle) = slot else { continue };
                let Poll::Ready(result) = Pin::new(&mut *handle).poll(cx) else {
                    all_done = false;
                    continue;
                };
                let task = handle.id();
                *slot = None;
                match result {
                    Ok(Ok(value)) => *output = Some(value),
                    Ok(Err(error)) => return Poll::Ready(Some(TaskGroupError::Failed { task, error })),
                    Err(JoinError::Panicked(message)) => {
                        return Poll::Ready(Some(TaskGroupError::Panicked { task, message }))
                    }
                    Err(JoinError::Cancelled) => return Poll::Ready(Some(TaskGroupError::Cancelled { task })),
                }
            }
            if all_done {
                Poll::Ready(None)
            } else {
                Poll::Pending
            }
        })
        .await;

        match first_failure {
            None => Ok(outputs.into_iter().flatten().collect()),
            Some(failure) => {
                self.cancel_and_wait().await;
                Err(failure)
            }
        }
    }
    // ANCHOR_END: join

    // ANCHOR: cancel_and_wait
    /// Aborts every child still running, then waits until each has really
    /// ended, so their destructors have run when `join` returns.
    async fn cancel_and_wait(&mut self) {
        self.abort_all();
        poll_fn(|cx| {
            let mut all_gone = true;
            for handle in self.children.iter().flatten() {
                all_gone &= handle.poll_finished(cx).is_ready();
            }
            if all_gone {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
        .await;
    }
    // ANCHOR_END: cancel_and_wait

    fn abort_all(&self) {
        for handle in self.children.iter().flatten() {
            handle.abort();
        }
    }
}

impl<T: 'static, E: 'static> Default for TaskGroup<T, E> {
    fn default() -> Self {
        TaskGroup::new()
    }
}

impl<T, E> Drop for TaskGroup<T, E> {
    /// A group dropped before `join` finished (never joined, or its `join`
    /// was cancelled) takes its children with it.
    fn drop(&mut self) {
        for handle in self.children.iter().flatten() {
            handle.abort();
        }
    }
}

impl<T, E> fmt::Debug for TaskGroup<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let running = self.children.iter().flatten().filter(|h| !h.is_finished()).count();
        f.debug_struct("TaskGroup").field("children", &self.children.len()).field("running", &running).finish()
    }
}
