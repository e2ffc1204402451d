//! `Interval`: a timer that fires every period, and what to do when late.
//!
//! One `Sleep` is re-armed after each tick. If the program was busy and a
//! tick comes late (or several periods were missed), the
//! [`MissedTickBehavior`] says when the next one is due.
//!
//! Chapter: docs/src/05-timers.md

use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use super::{sleep_until, Instant, Sleep};

/// What an [`Interval`] does after a tick came later than scheduled.
///
/// Say the period is 10 ms and a tick due at 10 ms is only taken at 35 ms:
///
/// ```text
///   Burst: 10 (taken at 35), 20, 30 fire at once, then 40, 50, …
///   Delay: 10 (taken at 35), then 45, 55, …   (period counted from now)
///   Skip:  10 (taken at 35), then 40, 50, …   (missed ones dropped, grid kept)
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MissedTickBehavior {
    /// Fire the missed ticks back to back until caught up (the default,
    /// as in tokio): the count of ticks stays right.
    #[default]
    Burst,
    /// Start the period again from the late tick: spacing stays right.
    Delay,
    /// Drop the missed ticks and keep the original grid.
    Skip,
}

/// Creates an interval whose first tick is immediate, then every `period`.
///
/// ```
/// use std::time::Duration;
///
/// aioli::run(async {
///     let mut every = aioli::time::interval(Duration::from_millis(5));
///     let first = every.tick().await;
///     let second = every.tick().await;
///     assert_eq!(second - first, Duration::from_millis(5));
/// });
/// ```
///
/// # Panics
///
/// If `period` is zero: an interval of nothing would never let the loop go.
#[track_caller]
pub fn interval(period: Duration) -> Interval {
    interval_at(Instant::now(), period)
}

/// Creates an interval whose first tick is at `start`.
///
/// # Panics
///
/// If `period` is zero.
#[track_caller]
pub fn interval_at(start: Instant, period: Duration) -> Interval {
    assert!(!period.is_zero(), "aioli::time::interval needs a period greater than zero");
    Interval { period, timer: sleep_until(start), missed: MissedTickBehavior::default() }
}

/// A stream of evenly spaced ticks; see [`interval`].
#[derive(Debug)]
pub struct Interval {
    /// Time between ticks.
    period: Duration,
    /// Armed for the next tick; its deadline is that tick's scheduled time.
    timer: Sleep,
    /// Policy for late ticks.
    missed: MissedTickBehavior,
}

impl Interval {
    /// Waits for the next tick and returns the time it was scheduled for.
    ///
    /// Cancellation-safe: dropping the returned future loses no tick.
    pub async fn tick(&mut self) -> Instant {
        poll_fn(|cx| self.poll_tick(cx)).await
    }

    /// The poll behind [`tick`](Self::tick), for hand-written futures.
    pub fn poll_tick(&mut self, cx: &mut Context<'_>) -> Poll<Instant> {
        ready!(Pin::new(&mut self.timer).poll(cx));
        let scheduled = self.timer.deadline();
        let next = self.next_after(scheduled, Instant::now());
        self.timer.reset(next);
        Poll::Ready(scheduled)
    }

    /// When the tick after one scheduled at `scheduled` is due, at `now`.
    fn next_after(&self, scheduled: Instant, now: Instant) -> Instant {
        let on_grid = scheduled.far_add(self.period);
        if on_grid > now {
            return on_grid; // on time: every policy agrees
        }
        match self.missed {
            MissedTickBehavior::Burst => on_grid,
            MissedTickBehavior::Delay => now.far_add(self.period),
            MissedTickBehavior::Skip => {
                let behind = (now - scheduled).as_nanos();
                let periods = behind / self.period.as_nanos() + 1;
                let offset = self.period.as_nanos().saturating_mul(periods);
                scheduled.far_add(Duration::from_nanos(u64::try_from(offset).unwrap_or(u64::MAX)))
            }
        }
    }

    /// Sets the policy for late ticks.
    pub fn set_missed_tick_behavior(&mut self, behavior: MissedTickBehavior) {
        self.missed = behavior;
    }

    /// The policy for late ticks.
    pub fn missed_tick_behavior(&self) -> MissedTickBehavior {
        self.missed
    }

    /// Time between ticks.
    pub fn period(&self) -> Duration {
        self.period
    }

    /// Makes the next tick due one period from now.
    pub fn reset(&mut self) {
        self.timer.reset(Instant::now().far_add(self.period));
    }
}
