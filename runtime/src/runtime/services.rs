//! What the rest of the crate asks of the loop: timers, sockets, and the
//! count of `spawn_blocking` jobs.
//!
//! `Core`'s fields are private to `runtime/`. A `Sleep`, a socket's
//! `IoSource` or `spawn_blocking` reach the loop through the methods here,
//! each named for what it does (`arm_timer`, `register_socket`,
//! `count_blocking_job`), never by borrowing a field: the `RefCell`s stay
//! in one module, so each borrow here is visibly released before any code
//! that is not the loop's runs. tokio hides its driver behind a `Handle`
//! the same way; asyncio exposes `loop.call_at`, `add_reader` and
//! `run_in_executor` as methods of the loop object. The timers are
//! chapter 5's (`05-timers.md`), the job count chapter 13's
//! (`13-blocking-pool.md`); the sockets are this chapter's.
//!
//! Chapter: docs/src/10-reactor.md

use std::io;
use std::sync::{Arc, Weak};
use std::task::Waker;

use mio::event::Source;
use mio::{Interest, Token};

use super::core::Core;
use super::events::LoopEvent;
use crate::blocking::pool::Pool;
use crate::blocking::running::JobTicket;
use crate::reactor::Direction;
use crate::task::waker::Shared;
use crate::time::timers::TimerKey;
use crate::time::Instant;

impl Core {
    // ----- Time --------------------------------------------------------------

    /// The loop's clock: real, or paused and moved by phase 3.
    pub(crate) fn now(&self) -> Instant {
        self.clock.now()
    }

    /// Arms a timer that phase 1 fires at `deadline` by calling `waker`.
    pub(crate) fn arm_timer(&self, deadline: Instant, waker: Waker) -> TimerKey {
        let key = self.timers.borrow_mut().insert(deadline, waker);
        self.emit(|| LoopEvent::TimerArmed { deadline });
        key
    }

    /// Points an armed timer at `waker`; false if it is no longer armed.
    pub(crate) fn rearm_timer(&self, key: TimerKey, waker: &Waker) -> bool {
        self.timers.borrow_mut().update_waker(key, waker)
    }

    /// Disarms a timer (nothing happens if it fired already).
    pub(crate) fn disarm_timer(&self, key: TimerKey) {
        let disarmed = self.timers.borrow_mut().remove(key);
        if let Some(deadline) = disarmed {
            self.emit(|| LoopEvent::TimerCancelled { deadline });
        }
    }

    /// How many timers are armed.
    #[cfg(test)]
    pub(crate) fn armed_timers(&self) -> usize {
        self.timers.borrow().len()
    }

    // ----- Blocking jobs -----------------------------------------------------

    /// Counts a job `spawn_blocking` sends to the pool until its result is
    /// back; the `Weak` names this loop to [`uncount_blocking_job`](Self::uncount_blocking_job).
    pub(crate) fn count_blocking_job(&self) -> Weak<Shared> {
        let in_flight = self.blocking_in_flight.get() + 1;
        self.blocking_in_flight.set(in_flight);
        self.emit(|| LoopEvent::BlockingQueued { in_flight });
        Arc::downgrade(&self.shared)
    }

    /// The loop stopped waiting for a job counted by `counted_by` (its
    /// result came, or its task ended). Nothing happens if another loop
    /// counted it.
    pub(crate) fn uncount_blocking_job(&self, counted_by: &Weak<Shared>, received: bool) {
        if !std::ptr::eq(counted_by.as_ptr(), Arc::as_ptr(&self.shared)) {
            return;
        }
        let in_flight = self.blocking_in_flight.get().saturating_sub(1);
        self.blocking_in_flight.set(in_flight);
        self.emit(|| LoopEvent::BlockingDone { in_flight, received });
    }

    /// This loop's own blocking pool, if its `Builder` set
    /// `max_blocking_threads`; `None` means the process-wide pool.
    pub(crate) fn own_blocking_pool(&self) -> Option<Arc<Pool>> {
        self.blocking_pool.clone()
    }

    /// A ticket that keeps `block_on` from returning while the job that
    /// carries it runs on a pool thread.
    pub(crate) fn blocking_job_ticket(&self) -> JobTicket {
        self.blocking_jobs.ticket()
    }

    /// How many blocking jobs a task of this loop still waits for.
    #[cfg(test)]
    pub(crate) fn blocking_jobs_in_flight(&self) -> usize {
        self.blocking_in_flight.get()
    }

    // ----- Sockets -----------------------------------------------------------

    /// Registers `io` with the reactor and the OS poller, for both
    /// directions and for its whole life; the token names it from now on.
    pub(crate) fn register_socket(&self, io: &mut impl Source) -> io::Result<Token> {
        let token = self.reactor.borrow_mut().insert()?;
        let registered = self.poller.borrow().registry().register(io, token, Interest::READABLE | Interest::WRITABLE);
        if let Err(error) = registered {
            // Free the slot, or a socket that failed to register would
            // leak one for the life of the loop.
            self.reactor.borrow_mut().remove(token);
            return Err(error);
        }
        Ok(token)
    }

    /// Removes a socket from the OS poller and frees its reactor slot.
    pub(crate) fn deregister_socket(&self, io: &mut impl Source, token: Token) {
        // An error means the OS forgot the socket already; closing it
        // (which comes next) would have removed it from the poller anyway.
        let _ = self.poller.borrow().registry().deregister(io);
        self.reactor.borrow_mut().remove(token);
        self.report_io_closed(token);
    }

    /// Whether the reactor believes `direction` of the socket ready; if
    /// not, `waker` is woken by the phase-4 event that says it is.
    pub(crate) fn socket_ready_or_wake(&self, token: Token, direction: Direction, waker: &Waker) -> bool {
        self.reactor.borrow_mut().poll_ready(token, direction, waker)
    }

    /// The socket said `WouldBlock`: `direction` is not ready until the
    /// next event says so.
    pub(crate) fn socket_not_ready(&self, token: Token, direction: Direction) {
        self.reactor.borrow_mut().clear_ready(token, direction);
    }
}
