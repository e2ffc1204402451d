//! The waiter queue: the one data structure behind every primitive here.
//!
//! A future that cannot go on (the lock is held, no permit is left, the
//! queue is empty) puts an entry at the back of its primitive's
//! [`WaiterQueue`] and returns `Pending`. The entry holds the task's waker
//! and a `notified` mark. Whoever makes progress possible (an unlock, a
//! released permit, a new item) calls [`WaiterQueue::notify_one`]: the
//! *first* entry still waiting is marked as notified, which, for a lock or
//! a permit, means "this is yours now", and its waker is handed back to be
//! woken. When the woken future is polled it sees the mark, takes what it
//! was given and removes its entry.
//!
//! ```text
//!            push                    notify_one                 remove
//!   (none) ───────▶ Waiting ─────────────────────────▶ Notified ───────▶ (none)
//!                     │   (first in line only)                      ▲
//!                     └──────────────── remove (dropped) ───────────┘
//! ```
//!
//! Entries live in a [`Slab`] so an entry's key stays valid while others
//! come and go. The ones still waiting form a doubly linked list threaded
//! through the slab by key: each entry knows the key before and after it,
//! and the queue knows the first and the last. A key is owned by exactly
//! one future, which removes its entry when it completes or is dropped, so
//! a key is never stale (no generation is needed, unlike task ids).
//! [`remove`](WaiterQueue::remove) reports whether the entry had been
//! notified: a dropped future that was handed a lock or a permit must pass
//! it on, or it would be lost.
//!
//! Why a list: a waiter leaving from the middle of the line (a `select`
//! that another branch won, a timeout) is common, and with a `VecDeque`
//! of keys leaving is a scan of everyone waiting. An HTTP server's ten
//! thousand idle connections all wait on one "stopping" `Event` and each
//! leaves it on every request: a scan would make each request cost O(n).
//! Linked by key, leaving is O(1). tokio uses an intrusive linked list of
//! pointers (with `unsafe`); keys into a slab give the same shape safely.
//!
//! The queue holds only plain data (`Waker` is `Send`), so the thread-safe
//! channels can keep one inside a `std::sync::Mutex` too.
//!
//! Chapter: docs/src/11-sync.md

use std::fmt;
use std::task::Waker;

use slab::Slab;

/// How a waiter was notified, for primitives that care (a `Condvar` passes
/// a dropped `notify_one` on, but not a dropped `notify_all`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Notified {
    /// Chosen alone by [`WaiterQueue::notify_one`]: the waiter was handed
    /// something (a lock, a permit, a slot) that must not be lost.
    One,
    /// Woken together with everyone by [`WaiterQueue::notify_all`].
    All,
}

// ANCHOR: entry
/// One waiting future's place in the queue.
#[derive(Debug)]
struct Entry {
    /// The waker to call on notification. `None` until the future's first
    /// poll (a `Condvar` registers before it is polled), and after the
    /// notification took it.
    waker: Option<Waker>,
    /// `Some` once notified; set by `notify_*`, read by the waiting future.
    notified: Option<Notified>,
    /// The waiter before this one in line (`None`: first, or notified).
    prev: Option<usize>,
    /// The waiter after this one in line (`None`: last, or notified).
    next: Option<usize>,
}
// ANCHOR_END: entry

/// The key of one entry, held by the future that waits.
///
/// Deliberately not `Clone`: one owner, who must give it back through
/// [`WaiterQueue::remove`].
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct WaiterKey(usize);

/// A FIFO queue of waiting futures; see the module documentation.
#[derive(Default)]
// ANCHOR: waiter_queue
pub(crate) struct WaiterQueue {
    /// Every entry, waiting or notified, until its owner removes it.
    entries: Slab<Entry>,
    /// The first entry in line not notified yet (the list's head).
    first: Option<usize>,
    /// The last entry in line (the list's tail), where `push` appends.
    last: Option<usize>,
    /// How many entries are in line (not notified yet).
    waiting: usize,
    /// How many entries are notified but not yet removed: things handed
    /// out but not yet picked up (a `Queue` must not let a newcomer take
    /// an item that a woken getter is about to take).
    notified_count: usize,
}
// ANCHOR_END: waiter_queue

impl WaiterQueue {
    /// An empty queue.
    pub(crate) fn new() -> WaiterQueue {
        WaiterQueue::default()
    }

    /// Adds a waiter at the back of the line.
    pub(crate) fn push(&mut self, waker: Option<&Waker>) -> WaiterKey {
        let entry = Entry { waker: waker.cloned(), notified: None, prev: self.last, next: None };
        let key = self.entries.insert(entry);
        match self.last {
            Some(last) => self.entries[last].next = Some(key),
            None => self.first = Some(key),
        }
        self.last = Some(key);
        self.waiting += 1;
        WaiterKey(key)
    }

    /// Takes `key` out of the line, joining its neighbours: O(1).
    fn unlink(&mut self, key: usize) {
        let (prev, next) = {
            let entry = &mut self.entries[key];
            (entry.prev.take(), entry.next.take())
        };
        match prev {
            Some(prev) => self.entries[prev].next = next,
            None => self.first = next,
        }
        match next {
            Some(next) => self.entries[next].prev = prev,
            None => self.last = prev,
        }
        self.waiting -= 1;
    }

    /// How `key` was notified, if it was.
    pub(crate) fn notified(&self, key: &WaiterKey) -> Option<Notified> {
        self.entries.get(key.0).and_then(|entry| entry.notified)
    }

    /// Stores the waker of the latest poll: a future may move to another
    /// task (inside a `select`, say), and the old waker would wake the wrong one.
    pub(crate) fn update_waker(&mut self, key: &WaiterKey, waker: &Waker) {
        if let Some(entry) = self.entries.get_mut(key.0) {
            if entry.notified.is_some() {
                return;
            }
            match &entry.waker {
                // Same task as last time: skip the clone.
                Some(old) if old.will_wake(waker) => {}
                _ => entry.waker = Some(waker.clone()),
            }
        }
    }

    /// Takes the entry out. Returns how it had been notified, so the
    /// caller can pass on whatever the notification handed it.
    pub(crate) fn remove(&mut self, key: WaiterKey) -> Option<Notified> {
        let notified = self.entries.get(key.0)?.notified;
        match notified {
            Some(_) => self.notified_count -= 1,
            // Still in line: leave the line (O(1), see the module header).
            None => self.unlink(key.0),
        }
        self.entries.remove(key.0);
        notified
    }

    /// Notifies the first waiter still waiting and returns its waker, or
    /// `None` if nobody waits.
    ///
    /// The caller wakes it *after* releasing its own borrow or lock: a
    /// waker is foreign code, and one that re-entered this primitive
    /// while it was borrowed would panic (or deadlock, for a mutex).
    #[must_use = "the returned waker must be woken, or the notified waiter sleeps forever"]
    pub(crate) fn notify_one(&mut self) -> Option<Waker> {
        let key = self.first?;
        self.unlink(key);
        let entry = &mut self.entries[key];
        entry.notified = Some(Notified::One);
        self.notified_count += 1;
        // `waker` is `None` only for a waiter never polled; it will see
        // the mark when it first is. Returning a no-op keeps `Some` meaning
        // "somebody was notified".
        Some(entry.waker.take().unwrap_or_else(|| Waker::noop().clone()))
    }

    /// Notifies everyone waiting now and returns their wakers, to be woken
    /// by the caller (see [`notify_one`](WaiterQueue::notify_one)).
    #[must_use = "the returned wakers must be woken"]
    pub(crate) fn notify_all(&mut self) -> Vec<Waker> {
        let mut wakers = Vec::with_capacity(self.waiting);
        while let Some(key) = self.first {
            self.unlink(key);
            let entry = &mut self.entries[key];
            entry.notified = Some(Notified::All);
            self.notified_count += 1;
            wakers.extend(entry.waker.take());
        }
        wakers
    }

    /// How many waiters wait and have not been notified.
    #[cfg(test)]
    pub(crate) fn waiting_len(&self) -> usize {
        self.waiting
    }

    /// The keys in line, first to last (for `Debug`).
    fn keys_in_line(&self) -> Vec<usize> {
        let mut keys = Vec::with_capacity(self.waiting);
        let mut at = self.first;
        while let Some(key) = at {
            keys.push(key);
            at = self.entries[key].next;
        }
        keys
    }

    /// How many waiters were notified but have not removed their entry:
    /// handed something they have not picked up yet.
    pub(crate) fn notified_len(&self) -> usize {
        self.notified_count
    }
}

impl fmt::Debug for WaiterQueue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaiterQueue")
            .field("waiting", &self.keys_in_line())
            .field("notified", &self.notified_count)
            .finish()
    }
}

/// Wakes every waker given: the last step of a release, once the
/// primitive's borrow or lock is gone.
pub(crate) fn wake_all(wakers: impl IntoIterator<Item = Waker>) {
    for waker in wakers {
        waker.wake();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::task::Wake;

    use super::*;

    /// A waker that counts its wakes.
    struct Counter(AtomicUsize);

    impl Wake for Counter {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn counting() -> (Arc<Counter>, Waker) {
        let counter = Arc::new(Counter(AtomicUsize::new(0)));
        (counter.clone(), Waker::from(counter))
    }

    #[test]
    fn notify_one_picks_the_oldest_waiter() {
        let mut queue = WaiterQueue::new();
        let (first_count, first) = counting();
        let (_, second) = counting();
        let a = queue.push(Some(&first));
        let b = queue.push(Some(&second));
        wake_all(queue.notify_one());
        assert_eq!(first_count.0.load(Ordering::SeqCst), 1);
        assert_eq!(queue.notified(&a), Some(Notified::One));
        assert_eq!(queue.notified(&b), None);
        assert_eq!((queue.waiting_len(), queue.notified_len()), (1, 1));
        assert_eq!(queue.remove(a), Some(Notified::One));
        assert_eq!(queue.remove(b), None);
        assert_eq!(queue.waiting_len(), 0);
        assert_eq!(queue.notified_len(), 0);
    }

    #[test]
    fn a_removed_waiter_leaves_the_line_without_a_gap() {
        let mut queue = WaiterQueue::new();
        let (_, waker) = counting();
        let a = queue.push(Some(&waker));
        let b = queue.push(Some(&waker));
        let c = queue.push(Some(&waker));
        assert_eq!(queue.remove(b), None);
        assert!(queue.notify_one().is_some());
        assert!(queue.notify_one().is_some());
        assert!(queue.notify_one().is_none(), "only two were left");
        assert_eq!(queue.notified(&a), Some(Notified::One));
        assert_eq!(queue.notified(&c), Some(Notified::One));
    }

    #[test]
    fn notify_all_marks_everyone_and_later_waiters_wait() {
        let mut queue = WaiterQueue::new();
        let (count, waker) = counting();
        let a = queue.push(Some(&waker));
        let b = queue.push(None);
        let wakers = queue.notify_all();
        assert_eq!(wakers.len(), 1, "the never-polled waiter has no waker to wake");
        wake_all(wakers);
        assert_eq!(count.0.load(Ordering::SeqCst), 1);
        let late = queue.push(Some(&waker));
        assert_eq!(queue.notified(&a), Some(Notified::All));
        assert_eq!(queue.notified(&b), Some(Notified::All));
        assert_eq!(queue.notified(&late), None);
    }

    #[test]
    fn leaving_from_anywhere_keeps_the_order_of_the_rest() {
        let mut queue = WaiterQueue::new();
        let keys: Vec<WaiterKey> = (0..6).map(|_| queue.push(None)).collect();
        let mut keys = keys.into_iter();
        let (k0, k1, k2, k3, k4, k5) = (
            keys.next().unwrap(),
            keys.next().unwrap(),
            keys.next().unwrap(),
            keys.next().unwrap(),
            keys.next().unwrap(),
            keys.next().unwrap(),
        );
        // Leave from the middle, the front and the back.
        assert_eq!(queue.remove(k2), None);
        assert_eq!(queue.remove(k0), None);
        assert_eq!(queue.remove(k5), None);
        assert_eq!(queue.keys_in_line(), [1, 3, 4]);
        // A newcomer goes to the back, into a reused slot.
        let k6 = queue.push(None);
        assert_eq!(queue.keys_in_line(), [1, 3, 4, k6.0]);
        let _ = queue.notify_one();
        assert_eq!(queue.notified(&k1), Some(Notified::One));
        assert_eq!(queue.keys_in_line(), [3, 4, k6.0]);
        let _ = queue.notify_all();
        assert_eq!(queue.waiting_len(), 0);
        assert!(queue.keys_in_line().is_empty());
        for key in [k1, k3, k4, k6] {
            assert!(queue.remove(key).is_some());
        }
        assert_eq!(queue.notified_len(), 0);
    }

    #[test]
    fn a_reused_slot_starts_fresh() {
        let mut queue = WaiterQueue::new();
        let a = queue.push(None);
        let _ = queue.notify_one();
        assert_eq!(queue.remove(a), Some(Notified::One));
        let b = queue.push(None);
        assert_eq!(queue.notified(&b), None, "the slot's old mark went with its entry");
    }
}
