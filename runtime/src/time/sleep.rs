//! `Sleep`: a future that is ready once its deadline has passed.
//!
//! The first poll arms a timer in the loop's queue with the task's waker,
//! and the `Sleep` keeps a copy of that waker; later polls refresh the
//! queue's waker only if it changed, and leave the queue alone when it did
//! not (all through the loop's `arm_timer`, `rearm_timer` and
//! `disarm_timer`). The loop wakes the
//! task when the deadline passes (phase 1), and the next poll sees the
//! clock past the deadline and returns `Ready`. Dropping a `Sleep` before
//! then disarms the timer, so a cancelled sleep costs nothing later.
//!
//! Chapter: docs/src/05-timers.md

use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll, Waker};
use std::time::Duration;

use super::timers::TimerKey;
use super::Instant;
use crate::context::{try_with_core, with_core};
use crate::coop;

/// Waits until `duration` has passed: `await asyncio.sleep(seconds)`.
///
/// The deadline is fixed when `sleep` is called, not when first awaited.
///
/// ```
/// use std::time::Duration;
///
/// aioli::run(async {
///     let start = aioli::time::Instant::now();
///     aioli::time::sleep(Duration::from_millis(20)).await;
///     assert!(start.elapsed() >= Duration::from_millis(20));
/// });
/// ```
///
/// # Panics
///
/// When polled outside an aioli loop.
// ANCHOR: sleep
pub fn sleep(duration: Duration) -> Sleep {
    sleep_until(Instant::now().far_add(duration))
}

/// Waits until `deadline`: ready at once if it has already passed.
pub fn sleep_until(deadline: Instant) -> Sleep {
    Sleep { deadline, timer: None }
}

/// The future returned by [`sleep`] and [`sleep_until`].
#[derive(Debug)]
#[must_use = "futures do nothing unless you .await them"]
pub struct Sleep {
    /// When the sleep ends.
    deadline: Instant,
    /// The armed timer, after the first `Pending` poll, and the waker it
    /// will wake (kept to notice when a poll brings the same one).
    timer: Option<(TimerKey, Waker)>,
}
// ANCHOR_END: sleep

impl Sleep {
    /// When this sleep ends.
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// Whether the deadline has passed by the current loop's clock.
    pub fn is_elapsed(&self) -> bool {
        Instant::now() >= self.deadline
    }

    /// Moves the deadline, disarming the old timer; the next poll arms a
    /// new one. `Interval` uses this to re-arm itself each period.
    pub fn reset(&mut self, deadline: Instant) {
        self.disarm();
        self.deadline = deadline;
    }

    fn disarm(&mut self) {
        if let Some((key, _)) = self.timer.take() {
            try_with_core(|core| core.disarm_timer(key));
        }
    }
}

// ANCHOR: sleep_poll
impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // Even a due sleep spends budget, so `loop { sleep(ZERO).await }`
        // still yields to the loop now and then (see coop.rs).
        ready!(coop::poll_proceed(cx));
        let this = &mut *self;
        with_core(|core| {
            if core.now() >= this.deadline {
                if let Some((key, _)) = this.timer.take() {
                    core.disarm_timer(key);
                }
                return Poll::Ready(());
            }
            // Polled again for the task the timer already wakes (a server
            // connection waits on one idle timer before every request): skip
            // the lookup in the loop's timer map, which was a few percent of
            // a keep-alive request. The timer is surely still armed: the loop
            // fires only timers whose deadline has passed, and the clock just
            // said this one's has not.
            if let Some((_, registered)) = &this.timer {
                if registered.will_wake(cx.waker()) {
                    return Poll::Pending;
                }
            }
            let still_armed = match &mut this.timer {
                Some((key, registered)) => {
                    let armed = core.rearm_timer(*key, cx.waker());
                    if armed {
                        registered.clone_from(cx.waker());
                    }
                    armed
                }
                None => false,
            };
            if !still_armed {
                let waker = cx.waker().clone();
                this.timer = Some((core.arm_timer(this.deadline, waker.clone()), waker));
            }
            Poll::Pending
        })
    }
}
// ANCHOR_END: sleep_poll

impl Drop for Sleep {
    fn drop(&mut self) {
        self.disarm();
    }
}
