//! Time: sleeps, timeouts and intervals without a thread per sleep.
//!
//! Every pending [`Sleep`] has one entry in the loop's timer queue
//! (`time/timers.rs`), an ordered map keyed by deadline. The loop uses the
//! earliest deadline as the timeout of its blocking poll (phase 3 of the
//! tick), and afterwards wakes every entry whose deadline has passed
//! (phase 1 of the next tick, right before phase 2 runs the tasks). [`timeout`] races a future against a
//! `Sleep`; [`interval`] re-arms one `Sleep` each period.
//!
//! Time itself comes from the loop's clock (`time/clock.rs`): the real monotonic clock,
//! or a paused one that only moves when every task is waiting (see
//! `Builder::paused_clock`). [`Instant::now`] reads whichever the current
//! loop uses, which is why aioli has its own `Instant` type.
//!
//! Chapter: docs/src/05-timers.md

pub(crate) mod clock;
mod interval;
mod sleep;
mod timeout;
pub(crate) mod timers;

use std::fmt;
use std::ops::{Add, AddAssign, Sub};
use std::time::Duration;

pub use interval::{interval, interval_at, Interval, MissedTickBehavior};
pub use sleep::{sleep, sleep_until, Sleep};
pub use timeout::{timeout, timeout_at, Elapsed};

use crate::context::try_with_core;

/// A point in time, as the current loop's clock sees it.
///
/// The same as `std::time::Instant`, except that under a paused clock
/// `now()` returns the loop's virtual time. Outside a loop it is the real
/// monotonic clock.
///
/// ```
/// use std::time::Duration;
/// use aioli::time::Instant;
///
/// let start = Instant::now();
/// let later = start + Duration::from_millis(5);
/// assert_eq!(later - start, Duration::from_millis(5));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant(std::time::Instant);

impl Instant {
    /// The current time of the current loop's clock.
    #[doc(alias = "time")]
    pub fn now() -> Instant {
        try_with_core(|core| core.now()).unwrap_or_else(|| Instant(std::time::Instant::now()))
    }

    /// Wraps a `std::time::Instant`.
    pub fn from_std(instant: std::time::Instant) -> Instant {
        Instant(instant)
    }

    /// The `std::time::Instant` inside.
    pub fn into_std(self) -> std::time::Instant {
        self.0
    }

    /// Time from `earlier` to `self`, or zero if `earlier` is later.
    pub fn saturating_duration_since(&self, earlier: Instant) -> Duration {
        self.0.saturating_duration_since(earlier.0)
    }

    /// Same as [`saturating_duration_since`](Self::saturating_duration_since):
    /// never panics.
    pub fn duration_since(&self, earlier: Instant) -> Duration {
        self.saturating_duration_since(earlier)
    }

    /// Time passed since `self`, by the current loop's clock.
    pub fn elapsed(&self) -> Duration {
        Instant::now().saturating_duration_since(*self)
    }

    /// `self + duration`, or `None` if that is beyond what the platform's
    /// clock can represent.
    pub fn checked_add(&self, duration: Duration) -> Option<Instant> {
        self.0.checked_add(duration).map(Instant)
    }

    /// `self + duration`, clamped to about 30 years from `self` so that
    /// `sleep(Duration::MAX)` means "practically forever" instead of an
    /// overflow panic.
    pub(crate) fn far_add(&self, duration: Duration) -> Instant {
        const THIRTY_YEARS: Duration = Duration::from_secs(30 * 365 * 24 * 3600);
        self.checked_add(duration.min(THIRTY_YEARS)).unwrap_or(*self)
    }
}

impl Add<Duration> for Instant {
    type Output = Instant;

    fn add(self, duration: Duration) -> Instant {
        Instant(self.0 + duration)
    }
}

impl AddAssign<Duration> for Instant {
    fn add_assign(&mut self, duration: Duration) {
        self.0 += duration;
    }
}

impl Sub<Duration> for Instant {
    type Output = Instant;

    fn sub(self, duration: Duration) -> Instant {
        Instant(self.0 - duration)
    }
}

impl Sub<Instant> for Instant {
    type Output = Duration;

    fn sub(self, earlier: Instant) -> Duration {
        self.saturating_duration_since(earlier)
    }
}

impl fmt::Debug for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}
