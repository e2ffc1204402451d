//! `Children`: many futures inside one task, each with its own waker.
//!
//! A combinator over many futures must answer, each time its task is
//! woken, "which child was that?" If every child holds the task's own
//! waker, it cannot tell, and polls them all: a gather of 100k sleeps
//! would poll 100k children for every timer that fires. So each child gets
//! a waker of its own, a [`ChildWaker`] that knows the child's index.
//! Waking it puts the index in a [`ReadyList`] shared by all the children
//! and wakes the task (the *parent* waker). The next poll takes the indices
//! out of the list and polls only those children: O(woken) per wake, not
//! O(children).
//!
//! ```text
//!  child 7's event ──► ChildWaker{7}.wake() ──► ReadyList.woken += [7]
//!                                              └─► parent waker.wake()
//!  task polled ──► Children::poll_next_ready ──► poll child 7 only
//! ```
//!
//! [`Children::poll_next_ready`] is the one operation: "poll the woken
//! children; give me the next one that finished, with its index". It is
//! a `Stream::poll_next` in all but name, and the combinators are short
//! loops over it: `join_all` collects every output, `try_join_all` stops
//! at the first `Err`, `select_all` takes the first, `as_completed` hands
//! them out one by one. The children start out all queued, in input
//! order, so the first poll polls each once, like asyncio's `gather`
//! starting every coroutine.
//!
//! It runs inside the task that awaits the combinator: the loop polls that
//! task, the task polls this. Two details keep it fair to the loop. A
//! child woken while the batch is being polled waits for the next poll, so
//! a child that wakes itself every time cannot keep this poll going
//! forever. And the polling stops when the task's cooperative budget is
//! spent (`coop.rs`): past that point every leaf future would only answer
//! "not now" and ask again, so the rest of the batch is kept for the next
//! poll instead of being polled for nothing.
//!
//! futures-rs's `FuturesUnordered` (behind `futures::future::join_all` for
//! big sets) works the same way, with a lock-free intrusive list instead
//! of a `Mutex<Vec>`, and tokio's `JoinSet` gets the same effect from
//! tasks, each with its own waker already. The `Mutex` is uncontended
//! unless a child is woken from another thread; it costs a little per
//! wake and keeps the code free of `unsafe`.
//!
//! Chapter: docs/src/06-join-select-wait.md

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Wake, Waker};

use crate::coop;

/// The children of one combinator, each with its own waker.
pub(crate) struct Children<F> {
    /// The futures by input index; `None` once finished (it is dropped
    /// right away, so whatever it held is released before its siblings end).
    futures: Vec<Option<Pin<Box<F>>>>,
    /// One waker per child, made once; polling child `i` passes `wakers[i]`.
    wakers: Vec<Waker>,
    /// What the wakers write to: which children were woken.
    ready: Arc<ReadyList>,
    /// Indices taken out of `ready` and not polled yet (the current batch).
    batch: VecDeque<usize>,
    /// How many children have not finished.
    running: usize,
}

/// Shared by a combinator and all its children's wakers.
struct ReadyList {
    /// Locked by the wakers (any thread) and by the combinator's poll.
    state: Mutex<ReadyState>,
}

struct ReadyState {
    /// Children woken since the combinator last looked, in wake order.
    woken: Vec<usize>,
    /// `queued[i]`: child `i` is in `woken` already, so a second wake
    /// before it is polled adds nothing.
    queued: Vec<bool>,
    /// The waker of the task awaiting the combinator; replaced when the
    /// combinator is polled with a different one.
    parent: Option<Waker>,
}

/// The waker of one child: "child `index` can make progress".
struct ChildWaker {
    index: usize,
    ready: Arc<ReadyList>,
}

impl ReadyList {
    fn lock(&self) -> MutexGuard<'_, ReadyState> {
        // A panic while this lock was held cannot leave the state half
        // changed (each change is one push or one flag), so poisoning is
        // ignored, as in the rest of `sync`.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Wake for ChildWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let parent = {
            let mut state = self.ready.lock();
            if state.queued[self.index] {
                return;
            }
            state.queued[self.index] = true;
            state.woken.push(self.index);
            // Only the first wake after the combinator emptied the list
            // needs to wake the task; later ones find it woken already.
            if state.woken.len() > 1 {
                return;
            }
            state.parent.clone()
        };
        // Woken with the lock released: waking may run code of its own.
        if let Some(parent) = parent {
            parent.wake();
        }
    }
}

impl<F> Children<F> {
    /// How many children there are, finished or not.
    pub(crate) fn len(&self) -> usize {
        self.futures.len()
    }

    /// How many children have not finished.
    pub(crate) fn running(&self) -> usize {
        self.running
    }
}

impl<F: Future> Children<F> {
    /// Boxes each future and gives it a waker; all start out woken.
    pub(crate) fn new(futures: impl IntoIterator<Item = F>) -> Children<F> {
        let futures: Vec<Option<Pin<Box<F>>>> = futures.into_iter().map(|future| Some(Box::pin(future))).collect();
        let count = futures.len();
        let ready = Arc::new(ReadyList {
            state: Mutex::new(ReadyState { woken: (0..count).collect(), queued: vec![true; count], parent: None }),
        });
        let wakers =
            (0..count).map(|index| Waker::from(Arc::new(ChildWaker { index, ready: ready.clone() }))).collect();
        Children { futures, wakers, ready, batch: VecDeque::new(), running: count }
    }

    /// Polls the woken children until one finishes:
    /// `Ready(Some((index, output)))` for it, `Ready(None)` once every
    /// child has finished, `Pending` when the woken ones are all waiting.
    pub(crate) fn poll_next_ready(&mut self, cx: &mut Context<'_>) -> Poll<Option<(usize, F::Output)>> {
        if self.running == 0 {
            return Poll::Ready(None);
        }
        {
            let mut guard = self.ready.lock();
            let ReadyState { woken, queued, parent } = &mut *guard;
            if !parent.as_ref().is_some_and(|parent| parent.will_wake(cx.waker())) {
                *parent = Some(cx.waker().clone());
            }
            // The batch is what was woken before this call. From here on a
            // wake finds `woken` empty, so it wakes the task, and its child
            // is polled in the next call, not in this one.
            for index in woken.drain(..) {
                queued[index] = false;
                self.batch.push_back(index);
            }
        }
        while let Some(index) = self.batch.pop_front() {
            if coop::budget_spent() {
                // Every leaf below would say "not now": keep the batch,
                // and ask to be polled again after the others had a turn.
                self.batch.push_front(index);
                cx.waker().wake_by_ref();
                return Poll::Pending;
            }
            // A finished child can still be woken, by a clone of its waker
            // that it left somewhere; it was dropped already, skip it.
            let Some(future) = self.futures[index].as_mut() else { continue };
            let mut child_cx = Context::from_waker(&self.wakers[index]);
            if let Poll::Ready(output) = future.as_mut().poll(&mut child_cx) {
                self.futures[index] = None;
                self.running -= 1;
                return Poll::Ready(Some((index, output)));
            }
        }
        Poll::Pending
    }
}

impl<F> std::fmt::Debug for Children<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Children")
            .field("len", &self.futures.len())
            .field("running", &self.running)
            .field("batch", &self.batch.len())
            .finish()
    }
}
