//! The tick: one turn of the event loop, `run_once`.
//!
//! This is the function to put a breakpoint on. Each call is one turn, in
//! four numbered phases (the docs chapter uses the same numbers):
//!
//! ```text
//!   ┌──────────────────────────────────────────────────────────┐
//!   │ 1. run ready tasks    pop ≤ tick_batch ids, poll each    │
//!   │ 2. fire due timers    wake every sleep whose time came   │
//!   │ 3. wait for events    block in mio::Poll until IO, the   │
//!   │                       next deadline, or a wake; 0 s if   │
//!   │                       anything is ready already          │
//!   │ 4. dispatch IO        hand readiness to wakers           │
//!   └───────────────────────────── repeat ─────────────────────┘
//! ```
//!
//! asyncio's `BaseEventLoop._run_once` has the same shape in another order
//! (compute timeout, select, process events, fire timers, run ready
//! callbacks); tokio's current-thread scheduler runs a batch of tasks and
//! then "parks" on the driver in the same way.
//!
//! Chapter: docs/src/04-the-tick.md

use std::io;
use std::time::Duration;

use super::core::{Core, WAKER_TOKEN};
use super::main_task::MainTask;
use crate::debug::timeline::LOOP_TRACK;
use crate::debug::{trace_event, Activity};
use crate::reactor::Reactor;
use crate::task::Id;

impl Core {
    /// One turn of the loop. `block_on` calls it until `main` is finished.
    pub(crate) fn run_once(&self, main: &mut MainTask<'_>) {
        self.tick.set(self.tick.get() + 1);

        // Phase 1: poll a bounded batch of ready tasks.
        self.run_ready_tasks(main);
        if main.is_finished() {
            return; // the program is done; do not block for anyone else
        }
        // Phase 2: wake the tasks whose timers are due.
        self.fire_due_timers();
        // Phase 3: sleep in the OS poller until something can happen.
        self.wait_for_events();
        // Phase 4: hand the readiness the poller reported to its wakers.
        self.dispatch_io_events();
    }

    /// Phase 1. At most `tick_batch` polls, so a task that keeps waking
    /// itself cannot keep timers and IO (phases 2–4) from ever running.
    fn run_ready_tasks(&self, main: &mut MainTask<'_>) {
        {
            // Wakes from other threads came through the channel; line them
            // up behind the local ones.
            let mut local = self.local_queue.borrow_mut();
            while let Ok(id) = self.run_queue.try_recv() {
                local.push_back(id);
            }
        }
        for _ in 0..self.tick_batch {
            let next = self.local_queue.borrow_mut().pop_front();
            let Some(id) = next else { break };
            if id == Id::MAIN {
                main.poll(self);
            } else {
                self.poll_task(id);
            }
        }
    }

    /// Phase 2. Wakes every timer whose deadline is not after "now".
    fn fire_due_timers(&self) {
        let now = self.clock.now();
        self.diag.activity.set(Activity::FiringTimers);
        loop {
            // One at a time, with the borrow released before `wake`: a
            // waker is user code as far as this loop knows.
            let due = self.timers.borrow_mut().pop_due(now);
            match due {
                Some(waker) => waker.wake(),
                None => break,
            }
        }
        self.diag.activity.set(Activity::Idle);
    }

    /// Phase 3. Blocks in `mio::Poll::poll` for as long as nothing can run.
    fn wait_for_events(&self) {
        let mut timeout = self.poll_timeout();
        if timeout != Some(Duration::ZERO) {
            // The lost-wakeup race: another thread may wake a task right
            // after `poll_timeout` saw an empty queue. If we then blocked
            // with no timeout, that task would wait for an unrelated event.
            // So we first announce that we are parking (wakers that see it
            // also ring the mio::Waker), and only then look at the queue a
            // last time. Every wake is now seen by one of the two checks.
            self.shared.announce_park();
            if !self.nothing_queued() {
                timeout = Some(Duration::ZERO);
            }
        }

        let blocked_at = self.diag.times_polls().then(std::time::Instant::now);
        let mut events = self.events.borrow_mut();
        let polled = self.poller.borrow_mut().poll(&mut events, timeout);
        self.shared.end_park();
        match polled {
            Ok(()) => {}
            // A signal arrived while we slept: just go round again.
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => panic!("the OS poller failed, the loop cannot go on: {error}"),
        }
        if let Some(blocked_at) = blocked_at {
            self.record_wait(blocked_at, timeout, &events);
        }

        // A paused clock moves only here, when nothing at all is ready and
        // no blocking job is out: it jumps to the next deadline instead of
        // sleeping until it.
        let idle = events.is_empty() && self.nothing_queued() && self.blocking_in_flight.get() == 0;
        if self.clock.is_paused() && idle {
            if let Some(deadline) = self.timers.borrow().next_deadline() {
                let jump = deadline.saturating_duration_since(self.clock.now());
                self.clock.advance_to(deadline);
                trace_event!(self, "wait: paused clock jumps +{jump:?} to the next timer");
            }
        }
        self.report_remote_wakes();
    }

    /// How long phase 3 may block: zero when work is waiting, until the
    /// next timer otherwise, and forever when there is no timer at all.
    fn poll_timeout(&self) -> Option<Duration> {
        if !self.nothing_queued() {
            return Some(Duration::ZERO);
        }
        let next_deadline = self.timers.borrow().next_deadline()?;
        if self.clock.is_paused() {
            if self.blocking_in_flight.get() > 0 {
                // Time is frozen until the blocking job reports back; its
                // cross-thread wake will end the wait.
                return None;
            }
            // Look for IO without waiting; the clock jumps afterwards.
            return Some(Duration::ZERO);
        }
        Some(next_deadline.saturating_duration_since(self.clock.now()))
    }

    /// Phase 4. Each event names a registered socket by its token; the
    /// reactor records the readiness and hands back the wakers of the
    /// tasks waiting on it. The cross-thread waker's event needs no handling: the woken
    /// task's id is already in the run queue, and the event's only job was
    /// to end phase 3.
    fn dispatch_io_events(&self) {
        let events = self.events.borrow();
        for event in events.iter() {
            if event.token() == WAKER_TOKEN {
                continue;
            }
            let waiters = self.reactor.borrow_mut().on_event(event);
            let source = Reactor::source_number(event.token());
            for (waiters, readable) in [(waiters.readers, true), (waiters.writers, false)] {
                if !waiters.is_empty() {
                    self.diag.activity.set(Activity::DispatchingIo { source, readable });
                    waiters.wake_all();
                }
            }
        }
        self.diag.activity.set(Activity::Idle);
    }

    /// Trace line and timeline slice for one phase-3 wait that may have
    /// blocked. Waits with a zero timeout that found nothing are skipped:
    /// they are the loop checking for IO between batches, not sleeping.
    fn record_wait(&self, blocked_at: std::time::Instant, timeout: Option<Duration>, events: &mio::Events) {
        if timeout == Some(Duration::ZERO) && events.is_empty() {
            return;
        }
        let spent = blocked_at.elapsed();
        let woke_by = if events.iter().any(|event| event.token() == WAKER_TOKEN) {
            "a wake from another thread".to_string()
        } else if !events.is_empty() {
            format!("{} IO event(s)", events.iter().count())
        } else {
            "its timeout (a timer is due)".to_string()
        };
        let limit = timeout.map(|limit| format!("{limit:.1?}")).unwrap_or_else(|| "none".into());
        trace_event!(self, "wait: blocked {spent:.1?} in poll (timeout {limit}), woken by {woke_by}");
        if let Some(timeline) = &self.diag.timeline {
            timeline.borrow_mut().slice(LOOP_TRACK, format!("wait: woken by {woke_by}"), "wait", blocked_at, spent);
        }
    }
}
