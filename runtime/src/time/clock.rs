//! The loop's clock: real time, or a paused clock that jumps.
//!
//! A paused clock starts at the real time the runtime was built and then
//! moves only when the loop tells it to: in phase 3 of the tick, when no
//! task is ready and no IO arrived, the loop advances it straight to the
//! next timer's deadline. So `sleep(1 hour)` ends at once, and a program's
//! timers still fire in exactly the order and at the virtual times they
//! would for real: reproducible tests and examples.
//!
//! Chapter: docs/src/05-timers.md

use std::cell::Cell;
use std::time::Duration;

use super::Instant;

/// Where `Instant::now()` comes from on one loop.
pub(crate) struct Clock {
    /// Whether time is virtual.
    paused: bool,
    /// The real time at which the (paused) clock started.
    base: std::time::Instant,
    /// How far a paused clock has been moved forward from `base`.
    advanced: Cell<Duration>,
}

impl Clock {
    pub(crate) fn new(paused: bool) -> Clock {
        Clock { paused, base: std::time::Instant::now(), advanced: Cell::new(Duration::ZERO) }
    }

    pub(crate) fn is_paused(&self) -> bool {
        self.paused
    }

    pub(crate) fn now(&self) -> Instant {
        if self.paused {
            Instant::from_std(self.base + self.advanced.get())
        } else {
            Instant::from_std(std::time::Instant::now())
        }
    }

    /// Moves a paused clock forward to `deadline` (never backward).
    pub(crate) fn advance_to(&self, deadline: Instant) {
        if self.paused {
            let target = deadline.into_std().saturating_duration_since(self.base);
            if target > self.advanced.get() {
                self.advanced.set(target);
            }
        }
    }
}
