//! `Queue`: asyncio's `Queue`, for producers and consumers on one loop.
//!
//! A `VecDeque` of items and two waiter queues: getters waiting for an
//! item, putters waiting for room (only when a `maxsize` is set). A `put`
//! that adds an item notifies the first getter; a `get` that frees a slot
//! notifies the first putter. A notification is a *reservation*: the woken
//! getter is promised one of the items already there, the woken putter one
//! of the free slots. Newcomers (and `try_get`/`try_put`) only use what is
//! not reserved, so they cannot take what a woken task is on its way to
//! pick up, and tasks are served in the order they started waiting.
//!
//! `task_done` and `join` count work, not items, exactly as in asyncio:
//! every `put` adds one unfinished task, every `task_done` removes one,
//! and `join` waits until none is left (an [`Event`] set at zero, which is
//! how asyncio writes it too).
//!
//! Cancellation: a `get` dropped while waiting takes no item; one dropped
//! after it was notified passes its reservation to the next getter, so the
//! item is not left sitting while someone waits for it. A `put` dropped
//! before it completed added nothing (the value is dropped with the
//! future); if it had been notified, its slot goes to the next putter.
//!
//! Chapter: docs/src/11-sync.md

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use super::event::Event;
use super::waiters::{wake_all, WaiterKey, WaiterQueue};
use crate::coop;

/// A first-in first-out queue for tasks on one loop: asyncio's `Queue`.
///
/// ```
/// use std::rc::Rc;
/// use aioli::sync::Queue;
///
/// aioli::run(async {
///     let queue = Rc::new(Queue::new(2)); // room for two items
///     let consumer = {
///         let queue = queue.clone();
///         aioli::spawn(async move {
///             let mut sum = 0;
///             loop {
///                 let n: u32 = queue.get().await;
///                 sum += n;
///                 queue.task_done().unwrap();
///                 if n == 5 {
///                     return sum;
///                 }
///             }
///         })
///     };
///     for n in 1..=5 {
///         queue.put(n).await; // waits while the queue is full
///     }
///     queue.join().await; // every item taken and marked done
///     assert_eq!(consumer.await.unwrap(), 15);
/// });
/// ```
pub struct Queue<T> {
    /// The items, oldest at the front.
    items: RefCell<VecDeque<T>>,
    /// Room for this many items; 0 means no limit (as in asyncio).
    maxsize: usize,
    /// Tasks waiting in `get` for an item.
    getters: RefCell<WaiterQueue>,
    /// Tasks waiting in `put` for room.
    putters: RefCell<WaiterQueue>,
    /// Items put and not yet marked done with `task_done`.
    unfinished: Cell<usize>,
    /// Set while `unfinished` is zero: what `join` waits for.
    finished: Event,
}

/// [`Queue::try_put`] found the queue full; the item is given back in
/// `.0`. `put(item).await` waits for room instead.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct QueueFull<T>(pub T);

/// [`Queue::try_get`] found no item (asyncio's `QueueEmpty`).
/// `get().await` waits for one instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueEmpty;

/// [`Queue::task_done`] was called more times than items were put
/// (asyncio raises `ValueError` here). Call it once per item taken with
/// `get`, after the work on that item is finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskDoneError;

impl<T> fmt::Debug for QueueFull<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // No `T: Debug` needed to report the error.
        f.write_str("QueueFull(..)")
    }
}

impl<T> fmt::Display for QueueFull<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the queue is full")
    }
}

impl<T> std::error::Error for QueueFull<T> {}

impl fmt::Display for QueueEmpty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the queue is empty")
    }
}

impl std::error::Error for QueueEmpty {}

impl fmt::Display for TaskDoneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "task_done() was called more times than items were put")
    }
}

impl std::error::Error for TaskDoneError {}

impl<T> Queue<T> {
    /// A queue with room for `maxsize` items; `0` means no limit.
    pub fn new(maxsize: usize) -> Queue<T> {
        let finished = Event::new();
        finished.set();
        Queue {
            items: RefCell::new(VecDeque::new()),
            maxsize,
            getters: RefCell::new(WaiterQueue::new()),
            putters: RefCell::new(WaiterQueue::new()),
            unfinished: Cell::new(0),
            finished,
        }
    }

    /// A queue with no size limit: `put` never waits.
    pub fn unbounded() -> Queue<T> {
        Queue::new(0)
    }

    /// Waits for room, then adds `item` at the back: `await queue.put(item)`.
    pub fn put(&self, item: T) -> Put<'_, T> {
        Put { queue: self, item: Some(item), place_in_line: None }
    }

    /// Adds `item` if there is room now: `queue.put_nowait(item)`.
    ///
    /// ```
    /// use aioli::sync::{Queue, QueueFull};
    ///
    /// let queue = Queue::new(1);
    /// assert_eq!(queue.try_put("a"), Ok(()));
    /// assert_eq!(queue.try_put("b"), Err(QueueFull("b")));
    /// ```
    #[doc(alias = "put_nowait")]
    pub fn try_put(&self, item: T) -> Result<(), QueueFull<T>> {
        if !self.has_free_slot() {
            return Err(QueueFull(item));
        }
        self.push(item);
        Ok(())
    }

    /// Waits for an item, then takes the oldest: `await queue.get()`.
    pub fn get(&self) -> Get<'_, T> {
        Get { queue: self, place_in_line: None }
    }

    /// Takes the oldest item if there is one not promised to a waiting
    /// getter: `queue.get_nowait()`.
    ///
    /// ```
    /// use aioli::sync::{Queue, QueueEmpty};
    ///
    /// let queue = Queue::new(0);
    /// queue.try_put(7).unwrap();
    /// assert_eq!(queue.try_get(), Ok(7));
    /// assert_eq!(queue.try_get(), Err(QueueEmpty));
    /// ```
    #[doc(alias = "get_nowait")]
    pub fn try_get(&self) -> Result<T, QueueEmpty> {
        let reserved = self.getters.borrow().notified_len();
        if self.items.borrow().len() <= reserved {
            return Err(QueueEmpty);
        }
        self.pop().ok_or(QueueEmpty)
    }

    /// Marks one item taken with `get` as processed: `queue.task_done()`.
    ///
    /// When every item put so far has been marked, `join` returns.
    /// Calling it more times than items were put is an error, as in
    /// asyncio (which raises `ValueError`).
    pub fn task_done(&self) -> Result<(), TaskDoneError> {
        match self.unfinished.get() {
            0 => Err(TaskDoneError),
            1 => {
                self.unfinished.set(0);
                self.finished.set();
                Ok(())
            }
            n => {
                self.unfinished.set(n - 1);
                Ok(())
            }
        }
    }

    /// Waits until every item ever put has been marked with `task_done`:
    /// `await queue.join()`. Returns at once if there is nothing unfinished.
    pub async fn join(&self) {
        self.finished.wait().await;
    }

    /// How many items are in the queue: `queue.qsize()`.
    pub fn len(&self) -> usize {
        self.items.borrow().len()
    }

    /// Whether the queue holds no item: `queue.empty()`.
    pub fn is_empty(&self) -> bool {
        self.items.borrow().is_empty()
    }

    /// Whether the queue holds `maxsize` items: `queue.full()`. Never true
    /// for an unbounded queue.
    pub fn is_full(&self) -> bool {
        self.maxsize > 0 && self.len() >= self.maxsize
    }

    /// The size limit given to [`Queue::new`]; 0 for none: `queue.maxsize`.
    pub fn maxsize(&self) -> usize {
        self.maxsize
    }

    // ANCHOR: has_free_slot
    /// True if a new item may go in now without taking a slot promised to
    /// a woken putter.
    fn has_free_slot(&self) -> bool {
        self.maxsize == 0 || self.len() + self.putters.borrow().notified_len() < self.maxsize
    }
    // ANCHOR_END: has_free_slot

    /// Adds an item (room already checked) and tells the first getter.
    fn push(&self, item: T) {
        self.items.borrow_mut().push_back(item);
        self.unfinished.set(self.unfinished.get() + 1);
        self.finished.clear();
        let getter = self.getters.borrow_mut().notify_one();
        wake_all(getter);
    }

    /// Takes the oldest item and tells the first putter there is room.
    fn pop(&self) -> Option<T> {
        let item = self.items.borrow_mut().pop_front()?;
        let putter = self.putters.borrow_mut().notify_one();
        wake_all(putter);
        Some(item)
    }
}

impl<T> fmt::Debug for Queue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Queue")
            .field("len", &self.len())
            .field("maxsize", &self.maxsize)
            .field("unfinished", &self.unfinished.get())
            .field("getters", &self.getters.borrow())
            .field("putters", &self.putters.borrow())
            .finish()
    }
}

/// The future returned by [`Queue::get`].
#[must_use = "futures do nothing unless you .await them"]
pub struct Get<'a, T> {
    /// The queue to take from.
    queue: &'a Queue<T>,
    /// The place among the getters, from the first `Pending` poll on.
    place_in_line: Option<WaiterKey>,
}

impl<T> Future for Get<'_, T> {
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        ready!(coop::poll_proceed(cx));
        let queue = self.queue;
        match self.place_in_line.take() {
            None => {
                if let Ok(item) = queue.try_get() {
                    return Poll::Ready(item);
                }
                self.place_in_line = Some(queue.getters.borrow_mut().push(Some(cx.waker())));
                Poll::Pending
            }
            Some(key) => {
                let mut getters = queue.getters.borrow_mut();
                if getters.notified(&key).is_none() {
                    getters.update_waker(&key, cx.waker());
                    drop(getters);
                    self.place_in_line = Some(key);
                    return Poll::Pending;
                }
                // Our reservation ends as we take the item it promised.
                getters.remove(key);
                drop(getters);
                match queue.pop() {
                    Some(item) => Poll::Ready(item),
                    // Unreachable while reservations are respected; wait
                    // again rather than panic if that ever breaks.
                    None => {
                        self.place_in_line = Some(queue.getters.borrow_mut().push(Some(cx.waker())));
                        Poll::Pending
                    }
                }
            }
        }
    }
}

impl<T> Drop for Get<'_, T> {
    fn drop(&mut self) {
        if let Some(key) = self.place_in_line.take() {
            let mut getters = self.queue.getters.borrow_mut();
            if getters.remove(key).is_some() {
                // An item was promised to us: promise it to the next getter.
                let next = getters.notify_one();
                drop(getters);
                wake_all(next);
            }
        }
    }
}

impl<T> fmt::Debug for Get<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Get").field("waiting", &self.place_in_line.is_some()).finish()
    }
}

/// The future returned by [`Queue::put`].
#[must_use = "futures do nothing unless you .await them"]
pub struct Put<'a, T> {
    /// The queue to add to.
    queue: &'a Queue<T>,
    /// The item, until it goes in.
    item: Option<T>,
    /// The place among the putters, from the first `Pending` poll on.
    place_in_line: Option<WaiterKey>,
}

// `Put` never pins its item (it only moves it into the queue), so it can
// be moved even when `T` cannot.
impl<T> Unpin for Put<'_, T> {}

impl<T> Future for Put<'_, T> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        ready!(coop::poll_proceed(cx));
        let this = &mut *self;
        let queue = this.queue;
        if let Some(key) = this.place_in_line.take() {
            let mut putters = queue.putters.borrow_mut();
            if putters.notified(&key).is_none() {
                putters.update_waker(&key, cx.waker());
                drop(putters);
                this.place_in_line = Some(key);
                return Poll::Pending;
            }
            // The slot reserved for us becomes ours as the item goes in.
            putters.remove(key);
        } else if !queue.has_free_slot() {
            this.place_in_line = Some(queue.putters.borrow_mut().push(Some(cx.waker())));
            return Poll::Pending;
        }
        match this.item.take() {
            Some(item) => queue.push(item),
            None => panic!("Queue::put future polled after it completed"),
        }
        Poll::Ready(())
    }
}

impl<T> Drop for Put<'_, T> {
    fn drop(&mut self) {
        if let Some(key) = self.place_in_line.take() {
            let mut putters = self.queue.putters.borrow_mut();
            if putters.remove(key).is_some() {
                // A slot was kept for us: keep it for the next putter.
                let next = putters.notify_one();
                drop(putters);
                wake_all(next);
            }
        }
    }
}

impl<T> fmt::Debug for Put<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Put").field("waiting", &self.place_in_line.is_some()).finish()
    }
}
