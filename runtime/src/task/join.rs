//! `JoinHandle`: where a task's result comes back.
//!
//! The handle and the task share one `Rc<JoinShared<T>>`. When the task's
//! future finishes, its output is stored there and the task awaiting the
//! handle (if any) is woken. When the task panics or is cancelled, the loop
//! stores a [`JoinError`] instead, through the type-erased [`Completion`]
//! trait, since the loop does not know `T`.
//!
//! ```text
//!             complete(Ok(v)) / finish_with_error(e)
//!   Running ─────────────────────────────────────────▶ Done(result)
//!                                                          │ handle.await
//!                                                          ▼
//!                                                        Taken
//! ```
//!
//! Dropping the handle detaches the task: it keeps running and its output
//! is dropped when it ends. `abort()` sets a flag and wakes the task; the
//! loop sees the flag before the next poll, drops the future (running its
//! destructors) and stores `JoinError::Cancelled`.
//!
//! Chapter: docs/src/07-cancellation.md

use std::cell::{Cell, RefCell};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use super::Id;

/// Why a task produced no output.
#[derive(Debug, Clone, PartialEq, Eq)]
// ANCHOR: join_error
pub enum JoinError {
    /// The task was aborted (`JoinHandle::abort`, a `TaskGroup` whose
    /// sibling failed) or the loop shut down before it finished. asyncio
    /// raises `CancelledError` in the same situations.
    #[doc(alias = "CancelledError")]
    Cancelled,
    /// The task panicked; the panic message is kept. The loop caught the
    /// panic and went on running the other tasks.
    Panicked(String),
}
// ANCHOR_END: join_error

impl JoinError {
    /// True for [`JoinError::Cancelled`] (tokio's name for the check).
    ///
    /// ```
    /// aioli::run(async {
    ///     let handle = aioli::spawn(std::future::pending::<()>());
    ///     handle.abort();
    ///     assert!(handle.await.unwrap_err().is_cancelled());
    /// });
    /// ```
    pub fn is_cancelled(&self) -> bool {
        matches!(self, JoinError::Cancelled)
    }

    /// True for [`JoinError::Panicked`] (tokio's name for the check).
    pub fn is_panic(&self) -> bool {
        matches!(self, JoinError::Panicked(_))
    }
}

impl fmt::Display for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JoinError::Cancelled => {
                write!(f, "task was cancelled (JoinHandle::abort was called, or the loop ended before it finished)")
            }
            JoinError::Panicked(message) => write!(f, "task panicked: {message}"),
        }
    }
}

impl std::error::Error for JoinError {}

/// What the loop needs from a task's shared state without knowing `T`.
pub(crate) trait Completion {
    /// Has `abort()` been called on the handle?
    fn abort_requested(&self) -> bool;
    /// Ends the task without output (panic or cancellation).
    fn finish_with_error(&self, error: JoinError);
}

/// Where the task's result waits for its handle.
enum JoinState<T> {
    /// The task has not finished.
    Running,
    /// Finished; the result has not been taken yet.
    Done(Result<T, JoinError>),
    /// The handle took the result: awaiting again is a bug in the caller.
    Taken,
}

/// State shared by a task and its [`JoinHandle`].
pub(crate) struct JoinShared<T> {
    /// The result, once there is one.
    state: RefCell<JoinState<T>>,
    /// Whoever awaits the handle; woken when `state` leaves `Running`.
    joiner: RefCell<Option<Waker>>,
    /// Set by `JoinHandle::abort`, read by the loop before each poll.
    abort_requested: Cell<bool>,
    /// The task's own waker, so `abort` can get it polled (and cancelled)
    /// even when it is waiting for something that may never come.
    task_waker: Waker,
}

impl<T> JoinShared<T> {
    pub(crate) fn new(task_waker: Waker) -> JoinShared<T> {
        JoinShared {
            state: RefCell::new(JoinState::Running),
            joiner: RefCell::new(None),
            abort_requested: Cell::new(false),
            task_waker,
        }
    }

    /// Stores the task's result and wakes whoever awaits it.
    pub(crate) fn complete(&self, result: Result<T, JoinError>) {
        {
            let mut state = self.state.borrow_mut();
            if !matches!(*state, JoinState::Running) {
                return;
            }
            *state = JoinState::Done(result);
        }
        // Take the waker out before waking: wake may run arbitrary code.
        let joiner = self.joiner.borrow_mut().take();
        if let Some(joiner) = joiner {
            joiner.wake();
        }
    }

    fn is_finished(&self) -> bool {
        !matches!(*self.state.borrow(), JoinState::Running)
    }

    fn has_failed(&self) -> bool {
        matches!(*self.state.borrow(), JoinState::Done(Err(_)))
    }

    /// Remembers `waker` as the one to wake on completion.
    fn register_joiner(&self, waker: &Waker) {
        let mut joiner = self.joiner.borrow_mut();
        match joiner.as_ref() {
            // Same task as last time: keep the old clone, skip a refcount.
            Some(old) if old.will_wake(waker) => {}
            _ => *joiner = Some(waker.clone()),
        }
    }
}

impl<T> Completion for JoinShared<T> {
    fn abort_requested(&self) -> bool {
        self.abort_requested.get()
    }

    fn finish_with_error(&self, error: JoinError) {
        self.complete(Err(error));
    }
}

/// An owned permission to await a spawned task's result.
///
/// `handle.await` gives `Ok(output)`, or `Err(JoinError)` if the task
/// panicked or was cancelled. Dropping the handle detaches the task (it
/// keeps running), exactly like dropping an asyncio `Task` reference
/// (except that aioli's loop keeps the task alive, so it is never garbage
/// collected mid-flight).
///
/// ```
/// use aioli::JoinError;
///
/// aioli::run(async {
///     let ok = aioli::spawn(async { 1 });
///     assert_eq!(ok.await, Ok(1));
///
///     let stuck = aioli::spawn(std::future::pending::<()>());
///     stuck.abort();
///     assert_eq!(stuck.await, Err(JoinError::Cancelled));
/// });
/// ```
#[must_use = "dropping a JoinHandle detaches the task; bind it with `let _handle =` to keep it"]
#[doc(alias = "Task")]
pub struct JoinHandle<T> {
    shared: Rc<JoinShared<T>>,
    id: Id,
}

impl<T> JoinHandle<T> {
    pub(crate) fn new(shared: Rc<JoinShared<T>>, id: Id) -> JoinHandle<T> {
        JoinHandle { shared, id }
    }

    /// Cancels the task: at its next turn the loop drops its future, so
    /// every value it held is dropped (destructors run), and the handle
    /// resolves to [`JoinError::Cancelled`]. Aborting a finished task
    /// does nothing. asyncio: `task.cancel()`.
    #[doc(alias = "cancel")]
    pub fn abort(&self) {
        if self.shared.is_finished() {
            return;
        }
        self.shared.abort_requested.set(true);
        self.shared.task_waker.wake_by_ref();
    }

    /// Whether the task has ended, by finishing, panicking or being
    /// cancelled. asyncio: `task.done()`.
    #[doc(alias = "done")]
    pub fn is_finished(&self) -> bool {
        self.shared.is_finished()
    }

    /// The task's id, as shown in traces and task dumps.
    pub fn id(&self) -> Id {
        self.id
    }

    /// True if the task ended with a [`JoinError`] (panic or cancel).
    pub(crate) fn has_failed(&self) -> bool {
        self.shared.has_failed()
    }

    /// Ready once the task has ended, without taking its result: what
    /// `wait` needs to sort handles into done and pending.
    pub(crate) fn poll_finished(&self, cx: &mut Context<'_>) -> Poll<()> {
        if self.shared.is_finished() {
            Poll::Ready(())
        } else {
            self.shared.register_joiner(cx.waker());
            Poll::Pending
        }
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut state = self.shared.state.borrow_mut();
        match std::mem::replace(&mut *state, JoinState::Taken) {
            JoinState::Done(result) => Poll::Ready(result),
            JoinState::Running => {
                *state = JoinState::Running;
                drop(state);
                self.shared.register_joiner(cx.waker());
                // For `aioli pstree` in gdb: who waits for whom.
                crate::context::try_with_core(|core| core.note_awaited(self.id));
                Poll::Pending
            }
            JoinState::Taken => panic!(
                "JoinHandle for {} polled after it returned its result: \
                 a handle can be awaited to completion once",
                self.id
            ),
        }
    }
}

impl<T> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinHandle").field("id", &self.id).field("finished", &self.is_finished()).finish()
    }
}
