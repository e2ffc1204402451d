//! Loop events: everything the loop does, as values a program can watch.
//!
//! The loop reports each step it takes as one [`LoopEvent`]: a tick
//! starts, a phase begins, a task is spawned, polled, woken (with the
//! cause), a timer is armed or fires, phase 3 returns from the OS poller,
//! a socket turns ready, a blocking job leaves or comes back, a task is
//! cancelled or ends. The core hands each event, in order, to the
//! *observers* its [`Builder`](super::Builder) was given. The trace lines
//! (`AIOLI_TRACE=1`), the hang detectors, and the timeline file are such
//! observers, built in `debug/`; a program adds its own with
//! [`Builder::observe`](super::Builder::observe).
//!
//! An event holds only small owned values: task [`Id`]s, numbers,
//! durations, `&'static` spawn sites and type names, and the one thing a
//! program chooses at run time, a task's name, as an `Arc<str>`. Nothing
//! borrows the loop, so an observer may clone an event and send it to
//! another thread without slowing the loop for more than the clone: the
//! live view in a browser (`aioli_http::live`, docs/src/41-live-view.md)
//! is fed this way.
//!
//! With no observer, each place that reports an event costs one branch
//! (`Core::emit` checks one `bool`); task polls check it once and run a
//! copy of the poll with every report compiled out.
//!
//! asyncio has no such stream: its debug mode logs slow callbacks, and
//! `sys.monitoring` or a debugger is how one sees each step. tokio reports
//! through the `tracing` crate (spans and events that tokio-console
//! reads), which needs a subscriber and allocates per event; aioli's enum
//! is plainer: one match in the observer and no dependency.
//!
//! Chapter: docs/src/09-debugging.md

use std::fmt;
use std::panic::Location;
use std::sync::Arc;
use std::time::Duration;

use crate::task::Id;
use crate::time::Instant;

/// One step of the event loop, as observers see it.
///
/// Events come in the order they happen, all on the loop's thread. The
/// tick an event belongs to is the last [`LoopEvent::TickStarted`] before
/// it (tick 0 is before the first `run_once`, when `block_on` queues the
/// main future).
///
/// ```
/// use aioli::runtime::LoopEvent;
/// use aioli::Runtime;
/// use std::cell::RefCell;
/// use std::rc::Rc;
///
/// let polls = Rc::new(RefCell::new(0));
/// let counter = polls.clone();
/// let runtime = Runtime::builder()
///     .observe(move |event| {
///         if let LoopEvent::PollStarted { .. } = event {
///             *counter.borrow_mut() += 1;
///         }
///     })
///     .build()
///     .unwrap();
/// runtime.block_on(async { aioli::task::yield_now().await });
/// assert_eq!(*polls.borrow(), 2, "main is polled, yields, and is polled again");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum LoopEvent {
    /// `run_once` began tick number `tick` (the first is 1).
    TickStarted {
        /// How many ticks have started, this one included.
        tick: u64,
    },
    /// The tick entered one of its four phases.
    PhaseEntered {
        /// Which one.
        phase: Phase,
    },
    /// A task was created and queued for its first poll.
    Spawned {
        /// The new task.
        task: Id,
        /// Its name, if it was spawned through `task::Builder::name`.
        name: Option<Arc<str>>,
        /// The line of user code that spawned it.
        site: &'static Location<'static>,
        /// The type of its future, which names the `async fn` or block.
        future_type: &'static str,
    },
    /// Phase 2 is about to poll `task` ([`Id`] `main` for `block_on`'s future).
    PollStarted {
        /// The task about to run.
        task: Id,
    },
    /// The poll returned.
    Polled {
        /// The task that ran.
        task: Id,
        /// What its future returned.
        result: PollResult,
        /// Real time the poll took (not the paused clock's).
        spent: Duration,
    },
    /// A waker was called: the task is queued for phase 2, unless it was
    /// queued already. (Wakes from other threads are reported after
    /// phase 3, when the loop notices them.)
    Woken {
        /// The task woken.
        task: Id,
        /// Who or what called the waker.
        cause: WakeCause,
        /// The task was already in the ready queue, so it is not queued twice.
        already_queued: bool,
    },
    /// A sleep armed a timer.
    TimerArmed {
        /// When it is due, by the loop's clock.
        deadline: Instant,
    },
    /// A sleep was dropped before its deadline (a timeout that was not
    /// needed, a cancelled task): its timer will not fire.
    TimerCancelled {
        /// The deadline it had.
        deadline: Instant,
    },
    /// Phase 1 found a timer due and calls its waker (a `Woken` follows).
    TimerFired {
        /// The deadline it had.
        deadline: Instant,
    },
    /// Phase 3 came back from the OS poller. Only waits that could block
    /// (a timeout other than zero) or that found something are reported:
    /// the zero-timeout look for IO between batches is left out.
    Waited {
        /// How long it was allowed to block: zero when work was waiting,
        /// `None` for "until something happens".
        timeout: Option<Duration>,
        /// Real time it spent in the poller.
        blocked: Duration,
        /// What ended the wait.
        ended_by: WaitEnd,
    },
    /// Phase 3 found nothing ready under a paused clock, and moved the
    /// clock to the next timer's deadline instead of sleeping until it.
    ClockJumped {
        /// How far the clock moved.
        by: Duration,
    },
    /// Phase 4: a registered socket is ready in one direction.
    IoReady {
        /// The socket's slot in the reactor ("source 3" in traces).
        source: usize,
        /// Readable or writable.
        direction: Direction,
    },
    /// A task tried to read or write a socket that was not ready: it now
    /// waits for phase 4 to find the socket ready that way.
    IoWaiting {
        /// The task waiting.
        task: Id,
        /// The socket's slot in the reactor.
        source: usize,
        /// Which way it waits.
        direction: Direction,
    },
    /// A socket was closed and left the reactor; its slot may be reused.
    IoClosed {
        /// The socket's slot in the reactor.
        source: usize,
    },
    /// `spawn_blocking` sent a job to the blocking pool.
    BlockingQueued {
        /// Jobs of this loop out on the pool now, this one included.
        in_flight: usize,
    },
    /// The loop stopped waiting for a blocking job.
    BlockingDone {
        /// Jobs of this loop still out on the pool.
        in_flight: usize,
        /// The job's result arrived (false: its task was aborted or
        /// cancelled before it did).
        received: bool,
    },
    /// The loop drops a task's future instead of polling it.
    Cancelled {
        /// The task cancelled.
        task: Id,
        /// Why.
        reason: CancelReason,
        /// The type of the future being dropped.
        future_type: &'static str,
    },
    /// A task left the task table; its id is never used again.
    TaskEnded {
        /// The task.
        task: Id,
        /// How it ended.
        end: TaskEnd,
    },
    /// A hang detector found something wrong with the `Polled` event just
    /// before this one. Reported only when the detectors are on (debug
    /// builds, `AIOLI_DEBUG=1`, `Builder::debug`), each time they print
    /// their `aioli warning:` line, so a view can show where it happened.
    Warned {
        /// The task (or `main`) the warning is about.
        task: Id,
        /// What was found.
        warning: Warning,
    },
}

/// What a hang detector found (`debug/detectors.rs` explains each check).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Warning {
    /// One poll ran longer than the slow-poll threshold: nothing else ran
    /// meanwhile.
    SlowPoll {
        /// How long the poll took.
        spent: Duration,
        /// The threshold it crossed (`Builder::slow_poll_threshold`).
        threshold: Duration,
    },
    /// The task returned `Pending` and nothing holds its waker: it can
    /// never be woken again. Given once per task.
    LostWaker,
    /// The task woke itself in this many polls in a row: it spins. Given
    /// once per run of such polls.
    BusyLoop {
        /// The polls in a row (`Builder::busy_loop_threshold`).
        polls: u32,
    },
}

impl Warning {
    /// A short name for the warning: "slow poll", "lost waker", "busy loop".
    pub fn name(&self) -> &'static str {
        match self {
            Warning::SlowPoll { .. } => "slow poll",
            Warning::LostWaker => "lost waker",
            Warning::BusyLoop { .. } => "busy loop",
        }
    }
}

/// The four phases of one tick, numbered as in `runtime/tick.rs` and
/// docs chapter 4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    /// 1: wake the tasks whose timers are due.
    FireTimers,
    /// 2: poll a bounded batch of ready tasks.
    RunReady,
    /// 3: block in the OS poller until IO, a deadline or a wake.
    Wait,
    /// 4: hand the readiness the poller reported to the tasks waiting.
    DispatchIo,
}

impl Phase {
    /// The phase's number in `run_once`, 1 to 4.
    pub fn number(self) -> u8 {
        match self {
            Phase::FireTimers => 1,
            Phase::RunReady => 2,
            Phase::Wait => 3,
            Phase::DispatchIo => 4,
        }
    }

    /// The phase's name, as the docs write it ("fire due timers").
    pub fn name(self) -> &'static str {
        match self {
            Phase::FireTimers => "fire due timers",
            Phase::RunReady => "run ready tasks",
            Phase::Wait => "wait for events",
            Phase::DispatchIo => "dispatch IO",
        }
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "phase {} ({})", self.number(), self.name())
    }
}

/// What a poll returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PollResult {
    /// The future is waiting.
    Pending {
        /// It was woken again during this very poll (it will run again
        /// soon; a task that always is busy-loops).
        woken_during_poll: bool,
        /// Something outside the loop holds a clone of its waker. When
        /// this is false and it was not woken, nothing can ever wake it:
        /// the lost-waker bug.
        waker_held: bool,
    },
    /// The future finished; for a task, its output went to its `JoinHandle`.
    Ready,
    /// The future panicked; the loop goes on.
    Panicked {
        /// The panic's message.
        message: Arc<str>,
    },
}

/// Why a task was woken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WakeCause {
    /// The task called its own waker during its poll (`yield_now` does).
    Itself,
    /// Another task (or `main`) called it during its poll.
    Task(Id),
    /// Phase 1 fired the timer it waited on.
    Timer,
    /// Phase 4 found the socket it waited on ready.
    Io {
        /// The socket's slot in the reactor.
        source: usize,
        /// Which way it is ready.
        direction: Direction,
    },
    /// Cancelling this task resolved a handle it awaited.
    Cancellation(Id),
    /// `block_on` is over and cancels the tasks left.
    Shutdown,
    /// The loop itself, outside any phase (`block_on` queueing `main`).
    Loop,
    /// Another thread (a blocking job, a timer thread, a channel).
    AnotherThread,
}

/// What ended a wait in phase 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitEnd {
    /// The timeout ran out (a timer is due, or it was zero).
    Timeout,
    /// The OS reported readiness on this many sockets.
    Io {
        /// How many readiness events came back.
        events: usize,
    },
    /// A waker called from another thread rang the loop's `mio::Waker`.
    CrossThreadWake,
}

/// A direction of IO readiness.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Bytes (or a connection, or EOF) to read.
    Readable,
    /// Room to write.
    Writable,
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Direction::Readable => "readable",
            Direction::Writable => "writable",
        })
    }
}

/// Why the loop cancelled a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelReason {
    /// Its `JoinHandle::abort` was called.
    Aborted,
    /// `block_on`'s main future returned with the task still alive.
    Shutdown,
}

impl fmt::Display for CancelReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CancelReason::Aborted => "abort() was called",
            CancelReason::Shutdown => "the main future returned",
        })
    }
}

/// How a task ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskEnd {
    /// Its future returned a value.
    Finished,
    /// Its future panicked.
    Panicked,
    /// The loop dropped its future.
    Cancelled,
}

/// An observer as the core keeps it. Shared (`Rc`) because a `Builder`
/// is `Clone`; in a `RefCell` because an observer is `FnMut`.
pub(crate) type ObserverCell = std::rc::Rc<std::cell::RefCell<dyn FnMut(&LoopEvent)>>;
