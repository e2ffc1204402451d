//! The timer queue: every pending sleep, ordered by deadline.
//!
//! A `BTreeMap` keyed by `(deadline, sequence number)`: the sequence number
//! makes keys unique when two sleeps share a deadline, and makes equal
//! deadlines fire in the order they were armed. The map answers the two
//! questions the loop asks in O(log n): "when is the next deadline?"
//! (phase 3's poll timeout) and "which timers are due?" (phase 1).
//!
//! Production runtimes use a hierarchical timing wheel instead (tokio:
//! O(1) insert and cancel for millions of timers, at millisecond
//! resolution); an ordered map keeps the idea visible at O(log n).
//!
//! Chapter: docs/src/05-timers.md

use std::collections::BTreeMap;
use std::task::Waker;

use super::Instant;

// ANCHOR: timer_queue
/// Identifies one armed timer; a `Sleep` keeps it to update or cancel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct TimerKey {
    deadline: Instant,
    /// Arming order: keys are unique, and equal deadlines fire in the
    /// order they were armed.
    sequence: u64,
}

/// All armed timers of one loop.
#[derive(Default)]
pub(crate) struct TimerQueue {
    /// Deadline order; the value is the waker of the sleeping task.
    entries: BTreeMap<TimerKey, Waker>,
    /// Counter that makes keys unique.
    armed: u64,
}
// ANCHOR_END: timer_queue

impl TimerQueue {
    /// Arms a timer that will wake `waker` at `deadline`.
    pub(crate) fn insert(&mut self, deadline: Instant, waker: Waker) -> TimerKey {
        self.armed += 1;
        let key = TimerKey { deadline, sequence: self.armed };
        self.entries.insert(key, waker);
        key
    }

    /// Points an armed timer at a new waker (a sleep moved to another task,
    /// or was polled by a combinator with its own waker). Returns false if
    /// the timer is no longer armed.
    pub(crate) fn update_waker(&mut self, key: TimerKey, waker: &Waker) -> bool {
        match self.entries.get_mut(&key) {
            Some(stored) => {
                if !stored.will_wake(waker) {
                    *stored = waker.clone();
                }
                true
            }
            None => false,
        }
    }

    /// Disarms a timer; nothing happens if it already fired. Returns the
    /// deadline it had if it was still armed.
    pub(crate) fn remove(&mut self, key: TimerKey) -> Option<Instant> {
        self.entries.remove(&key).map(|_| key.deadline)
    }

    /// The earliest deadline, if any timer is armed.
    pub(crate) fn next_deadline(&self) -> Option<Instant> {
        self.entries.keys().next().map(|key| key.deadline)
    }

    /// Removes the earliest timer if it is due, and returns its deadline
    /// and waker.
    pub(crate) fn pop_due(&mut self, now: Instant) -> Option<(Instant, Waker)> {
        let entry = self.entries.first_entry()?;
        let deadline = entry.key().deadline;
        if deadline > now {
            return None;
        }
        Some((deadline, entry.remove()))
    }

    /// How many timers are armed.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }
}
