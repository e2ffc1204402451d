//! The tick: one turn of the event loop, `run_once`.
//!
//! This is the function to put a breakpoint on. Each call is one turn, in
//! four numbered phases (the docs chapter uses the same numbers):
//!
//! ```text
//!   ┌──────────────────────────────────────────────────────────┐
//!   │ 1. fire due timers    wake every sleep whose time came   │
//!   │ 2. run ready tasks    pop ≤ tick_batch ids, poll each    │
//!   │ 3. wait for events    block in mio::Poll until IO, the   │
//!   │                       next deadline, or a wake; 0 s if   │
//!   │                       anything is ready already          │
//!   │ 4. dispatch IO        hand readiness to wakers           │
//!   └───────────────────────────── repeat ─────────────────────┘
//! ```
//!
//! Why timers come first. asyncio's `BaseEventLoop._run_once` does, in
//! order: compute the timeout, select, process the IO events, move the
//! due timers to the ready queue, run the ready callbacks. Going round,
//! aioli's loop makes the same four moves in the same cycle (wait → IO →
//! timers → run → wait…); it only starts the count at the timers. So
//! everything the wait and the IO dispatch find ready (a timer that ended
//! the wait, a socket that turned readable) is run in the *next* tick's
//! phases 1 and 2, with no turn in between, exactly as in asyncio, where
//! it runs later in the same call. An earlier order (run tasks first, then
//! timers) cost a fired timer one extra turn: its task was woken after
//! that tick's run phase and had to wait for the next. Starting at the
//! timers rather than at the wait keeps two things simple: the first tick
//! polls the main future without a system call before it, and when the
//! main future finishes in phase 2, `run_once` returns at once instead of
//! blocking for anyone else.
//!
//! tokio's current-thread scheduler runs a batch of tasks and then
//! "parks" on its driver (which fires timers and IO) in the same way.
//!
//! Each tick reports a [`LoopEvent::TickStarted`], and each phase, as it
//! begins, a [`LoopEvent::PhaseEntered`] to the loop's observers (one
//! branch each when there are none).
//!
//! Chapter: docs/src/04-the-tick.md

use std::io;
use std::time::Duration;

use super::core::{Activity, Core, WAKER_TOKEN};
use super::events::{Direction, LoopEvent, Phase, WaitEnd};
use super::main_task::MainTask;
use crate::reactor::Reactor;
use crate::task::Id;

impl Core {
    // ANCHOR: run_once
    /// One turn of the loop. `block_on` calls it until `main` is finished.
    pub(crate) fn run_once(&self, main: &mut MainTask<'_>) {
        self.tick.set(self.tick.get() + 1);
        self.emit(|| LoopEvent::TickStarted { tick: self.tick.get() });

        // Phase 1: wake the tasks whose timers are due.
        self.fire_due_timers();
        // Phase 2: poll a bounded batch of ready tasks.
        self.run_ready_tasks(main);
        if main.is_finished() {
            return; // the program is done; do not block for anyone else
        }
        // Phase 3: sleep in the OS poller until something can happen.
        self.wait_for_events();
        // Phase 4: hand the readiness the poller reported to its wakers.
        self.dispatch_io_events();
    }
    // ANCHOR_END: run_once

    /// Phase 1. Wakes every timer whose deadline is not after "now".
    fn fire_due_timers(&self) {
        self.emit(|| LoopEvent::PhaseEntered { phase: Phase::FireTimers });
        let now = self.clock.now();
        self.activity.set(Activity::FiringTimers);
        loop {
            // One at a time, with the borrow released before `wake`: a
            // waker is user code as far as this loop knows.
            let due = self.timers.borrow_mut().pop_due(now);
            let Some((deadline, waker)) = due else { break };
            self.emit(|| LoopEvent::TimerFired { deadline });
            waker.wake();
        }
        self.activity.set(Activity::Idle);
    }

    /// Phase 2. At most `tick_batch` polls, so a task that keeps waking
    /// itself cannot keep timers and IO (phases 1, 3 and 4) from ever running.
    fn run_ready_tasks(&self, main: &mut MainTask<'_>) {
        self.emit(|| LoopEvent::PhaseEntered { phase: Phase::RunReady });
        {
            // Wakes from other threads came through the channel; line them
            // up behind the local ones.
            let mut ready = self.ready_queue.borrow_mut();
            while let Ok(id) = self.cross_thread_wakes.try_recv() {
                ready.push_back(id);
            }
        }
        for _ in 0..self.tick_batch {
            let next = self.ready_queue.borrow_mut().pop_front();
            let Some(id) = next else { break };
            if id == Id::MAIN {
                main.poll(self);
            } else {
                self.poll_task(id);
            }
        }
    }

    /// Phase 3. Blocks in `mio::Poll::poll` for as long as nothing can run.
    fn wait_for_events(&self) {
        self.emit(|| LoopEvent::PhaseEntered { phase: Phase::Wait });
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

        // A wait with a zero timeout does not block: it is not timed, and
        // reported only if it found something.
        let blocking = timeout != Some(Duration::ZERO);
        let blocked_at = (self.is_observed() && self.times_polls && blocking).then(std::time::Instant::now);
        let mut events = self.io_events.borrow_mut();
        let polled = self.poller.borrow_mut().poll(&mut events, timeout);
        self.shared.end_park();
        match polled {
            Ok(()) => {}
            // A signal arrived while we slept: just go round again.
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => panic!("the OS poller failed, the loop cannot go on: {error}"),
        }
        if self.is_observed() {
            self.report_wait(timeout, blocked_at, &events);
        }

        // A paused clock moves only here, when nothing at all is ready and
        // no blocking job is out: it jumps to the next deadline instead of
        // sleeping until it.
        let idle = events.is_empty() && self.nothing_queued() && self.blocking_in_flight.get() == 0;
        if self.clock.is_paused() && idle {
            if let Some(deadline) = self.timers.borrow().next_deadline() {
                let by = deadline.saturating_duration_since(self.clock.now());
                self.clock.advance_to(deadline);
                self.emit(|| LoopEvent::ClockJumped { by });
            }
        }
        self.report_remote_wakes();
    }

    /// Reports a phase-3 wait that could block or found something. Out of
    /// line: with no observer, `wait_for_events` stays as it was.
    #[inline(never)]
    fn report_wait(&self, timeout: Option<Duration>, blocked_at: Option<std::time::Instant>, events: &mio::Events) {
        if timeout == Some(Duration::ZERO) && events.is_empty() {
            return;
        }
        let blocked = blocked_at.map(|at| at.elapsed()).unwrap_or_default();
        let ended_by = if events.iter().any(|event| event.token() == WAKER_TOKEN) {
            WaitEnd::CrossThreadWake
        } else if !events.is_empty() {
            WaitEnd::Io { events: events.iter().count() }
        } else {
            WaitEnd::Timeout
        };
        self.deliver(&LoopEvent::Waited { timeout, blocked, ended_by });
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

    // ANCHOR: dispatch_io_events
    /// Phase 4. Each event names a registered socket by its token; the
    /// reactor records the readiness and hands back the wakers of the
    /// tasks waiting on it. The cross-thread waker's event needs no
    /// handling: the woken task's id is already in the channel, and the
    /// event's only job was to end phase 3.
    fn dispatch_io_events(&self) {
        self.emit(|| LoopEvent::PhaseEntered { phase: Phase::DispatchIo });
        let events = self.io_events.borrow();
        for event in events.iter() {
            if event.token() == WAKER_TOKEN {
                continue;
            }
            let waiters = self.reactor.borrow_mut().on_event(event);
            let source = Reactor::source_number(event.token());
            for (waiters, direction) in [(waiters.readers, Direction::Readable), (waiters.writers, Direction::Writable)]
            {
                if !waiters.is_empty() {
                    self.emit(|| LoopEvent::IoReady { source, direction });
                    self.activity.set(Activity::DispatchingIo { source, direction });
                    waiters.wake_all();
                }
            }
        }
        self.activity.set(Activity::Idle);
    }
    // ANCHOR_END: dispatch_io_events
}
