//! The loop's state, and what it does to one task.
//!
//! [`Core`] holds everything the tick works on: the task table, the ready
//! queue, the timers, the clock, the OS poller, the observers. Its fields
//! are private to `runtime/`; the rest of the crate reaches the loop
//! through methods named for what they do (`arm_timer`, `push_ready`,
//! `count_blocking_job`). This file has the parts that concern a single
//! task: creating it ([`Core::spawn`]), polling it once
//! ([`Core::poll_task`], where panics are caught and cancellation
//! happens) or cancelling it; and how the loop reports what it does, as
//! [`LoopEvent`]s handed to its observers ([`Core::emit`]). The tick,
//! which decides *when* each of these happens, is in `tick.rs`; the end of
//! `block_on` (cancelling what is left) in `shutdown.rs`.
//!
//! Chapter: docs/src/03-executor.md

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::io;
use std::panic::{catch_unwind, AssertUnwindSafe, Location};
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::{Arc, Weak};
use std::task::{Context, Poll, Waker};

use crossbeam_channel::Receiver;

use super::events::{CancelReason, Direction, LoopEvent, ObserverCell, PollResult, TaskEnd, WakeCause};
use super::Builder;
use crate::blocking::pool::Pool;
use crate::blocking::running::{JobTicket, RunningJobs};
use crate::coop;
use crate::debug::timeline::Timeline;
use crate::debug::{self, Output};
use crate::reactor::Reactor;
use crate::task::table::{NewTask, TaskFuture, TaskTable, OWN_WAKER_REFS};
use crate::task::waker::{Shared, TaskWaker};
use crate::task::{Completion, Id, JoinError, JoinHandle, JoinShared, TaskDump};
use crate::time::clock::Clock;
use crate::time::timers::{TimerKey, TimerQueue};
use crate::time::Instant;

/// The `mio` token of the cross-thread waker. Socket tokens are a slab
/// index plus a generation that never reaches the top bit (see
/// `reactor::GENERATION_MASK`), so no socket can have this one.
pub(crate) const WAKER_TOKEN: mio::Token = mio::Token(usize::MAX);

/// Everything one event loop owns. Lives in an `Rc` on the loop's thread;
/// only `shared` is visible to other threads.
pub(crate) struct Core {
    /// Every live task, by id.
    pub(super) tasks: RefCell<TaskTable>,
    /// Ids of tasks woken from other threads: the receiving end of a
    /// channel, because only a channel makes such wakes thread-safe.
    /// Phase 2 moves them onto `ready_queue` before it polls.
    pub(super) cross_thread_wakes: Receiver<Id>,
    /// Ids of the tasks to poll, first woken first: the wakes made on the
    /// loop's own thread (nearly all) go straight here, with no channel,
    /// atomics or fences.
    pub(super) ready_queue: RefCell<VecDeque<Id>>,
    /// The sending half of `cross_thread_wakes`, plus the `mio::Waker`.
    pub(super) shared: Arc<Shared>,
    /// Pending timers, ordered by deadline.
    pub(super) timers: RefCell<TimerQueue>,
    /// Registered sockets and the tasks waiting on them. Visible to the
    /// crate because `reactor/source.rs` registers sockets through it.
    pub(crate) reactor: RefCell<Reactor>,
    /// Real or paused time; `time::Instant::now()` reads it.
    pub(super) clock: Clock,
    /// The OS poller (epoll on Linux, kqueue on macOS) that phase 3 blocks
    /// in. Visible to the crate for the same reason as `reactor`.
    pub(crate) poller: RefCell<mio::Poll>,
    /// Readiness events filled by the last poll, read by phase 4.
    pub(super) io_events: RefCell<mio::Events>,
    /// How many ticks have started. Traces and the debugger show it.
    pub(super) tick: Cell<u64>,
    /// At most this many tasks are polled in phase 2 of one tick.
    pub(super) tick_batch: usize,
    /// What the loop is doing right now; a wake reads its cause here.
    pub(super) activity: Cell<Activity>,
    /// Who watches the loop: the built-in aids, then the program's own.
    observers: Vec<ObserverCell>,
    /// Events the observers found (the detectors' warnings), delivered
    /// right after the event that caused them.
    follow_ups: Option<debug::FollowUps>,
    /// `!observers.is_empty()`: the one flag each event site checks.
    observed: bool,
    /// An observer reads durations, so polls and waits are timed (only
    /// looked at when `observed`).
    pub(super) times_polls: bool,
    /// Where warnings and the exit dump go (a custom sink, or stderr).
    pub(super) output: Output,
    /// List the tasks left when `block_on` ends (debug or trace mode).
    pub(super) dump_at_exit: bool,
    /// The timeline being recorded and the file it goes to, if asked for.
    pub(super) timeline: Option<(Rc<RefCell<Timeline>>, PathBuf)>,
    /// `spawn_blocking` jobs whose results have not come back yet. While
    /// any is running, a paused clock must not jump: the job's result is
    /// "about to happen" even though no task or timer shows it.
    pub(super) blocking_in_flight: Cell<usize>,
    /// `spawn_blocking` jobs whose closures have not returned, shared with
    /// the pool threads: `block_on` waits for them before it returns.
    pub(super) blocking_jobs: Arc<RunningJobs>,
    /// This loop's own blocking pool (`Builder::max_blocking_threads`),
    /// or `None` for the process-wide one; see `blocking/pool.rs`.
    blocking_pool: Option<Arc<Pool>>,
}

/// What the loop is doing right now: a wake names its cause from this.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Activity {
    /// Between phases, or outside the loop.
    Idle,
    /// Phase 2, inside this task's poll (`Id::MAIN` for the main future).
    Polling(Id),
    /// Dropping this task's future and resolving its handle.
    Cancelling(Id),
    /// Phase 1, waking due timers.
    FiringTimers,
    /// Phase 4, handing the readiness of one socket to its wakers.
    DispatchingIo { source: usize, direction: Direction },
    /// `block_on` is over; leftover tasks are being cancelled.
    ShuttingDown,
}

impl Core {
    pub(super) fn new(settings: &Builder) -> io::Result<Core> {
        let poller = mio::Poll::new()?;
        let io_waker = mio::Waker::new(poller.registry(), WAKER_TOKEN)?;
        let (sender, receiver) = crossbeam_channel::unbounded();
        let aids = debug::observers(&settings.debug);
        let observed = !aids.observers.is_empty();
        let shared = Shared::new(sender, io_waker, settings.cross_thread_wakeups, aids.wants_wakes);
        Ok(Core {
            tasks: RefCell::new(TaskTable::default()),
            cross_thread_wakes: receiver,
            ready_queue: RefCell::new(VecDeque::new()),
            shared: Arc::new(shared),
            timers: RefCell::new(TimerQueue::default()),
            reactor: RefCell::new(Reactor::default()),
            clock: Clock::new(settings.paused_clock),
            poller: RefCell::new(poller),
            io_events: RefCell::new(mio::Events::with_capacity(settings.events_capacity)),
            tick: Cell::new(0),
            tick_batch: settings.tick_batch,
            activity: Cell::new(Activity::Idle),
            observers: aids.observers,
            follow_ups: aids.follow_ups,
            observed,
            times_polls: aids.times_polls,
            output: aids.output,
            dump_at_exit: settings.debug.dump_at_exit,
            timeline: aids.timeline,
            blocking_in_flight: Cell::new(0),
            blocking_jobs: Arc::default(),
            blocking_pool: crate::blocking::pool::for_loop(settings.max_blocking_threads),
        })
    }

    // ----- Reporting events ------------------------------------------------

    /// Reports an event to the observers. `event` builds it, and is only
    /// called when someone observes: with no observer this is one branch.
    #[inline]
    pub(super) fn emit(&self, event: impl FnOnce() -> LoopEvent) {
        if self.observed {
            self.deliver(&event());
        }
    }

    /// Hands `event` to every observer, in the order they were added.
    #[inline(never)]
    pub(super) fn deliver(&self, event: &LoopEvent) {
        for observer in &self.observers {
            // An observer that drives the loop (spawns, sleeps) would be
            // called again from inside itself: it misses those events
            // instead of panicking on the second borrow.
            if let Ok(mut observer) = observer.try_borrow_mut() {
                observer(event);
            }
        }
        if let Some(follow_ups) = &self.follow_ups {
            // Popped in its own statement, so the queue is not borrowed
            // while the observers (the detectors among them) run.
            loop {
                let next = follow_ups.borrow_mut().pop_front();
                let Some(follow_up) = next else { break };
                self.deliver(&follow_up);
            }
        }
    }

    /// Whether anyone observes the loop (the flag `emit` checks).
    pub(super) fn is_observed(&self) -> bool {
        self.observed
    }

    /// Reports a wake made on the loop's thread, naming its cause from
    /// what the loop is doing. Called only when an observer wants wakes.
    pub(crate) fn report_local_wake(&self, id: Id, queued: bool) {
        let cause = match self.activity.get() {
            Activity::Polling(waker) if waker == id => WakeCause::Itself,
            Activity::Polling(waker) => WakeCause::Task(waker),
            Activity::FiringTimers => WakeCause::Timer,
            Activity::DispatchingIo { source, direction } => WakeCause::Io { source, direction },
            Activity::ShuttingDown => WakeCause::Shutdown,
            Activity::Cancelling(task) => WakeCause::Cancellation(task),
            Activity::Idle => WakeCause::Loop,
        };
        self.deliver(&LoopEvent::Woken { task: id, cause, already_queued: !queued });
    }

    /// Reports that the task being polled waits for `direction` on the
    /// socket of `token` (its operation would block).
    pub(crate) fn report_io_wait(&self, token: mio::Token, direction: crate::reactor::Direction) {
        let Activity::Polling(task) = self.activity.get() else { return };
        let direction = match direction {
            crate::reactor::Direction::Read => Direction::Readable,
            crate::reactor::Direction::Write => Direction::Writable,
        };
        self.emit(|| LoopEvent::IoWaiting { task, source: Reactor::source_number(token), direction });
    }

    /// Reports that the socket of `token` left the reactor (it was closed).
    pub(crate) fn report_io_closed(&self, token: mio::Token) {
        self.emit(|| LoopEvent::IoClosed { source: Reactor::source_number(token) });
    }

    /// Reports the wakes other threads noted since the last call (their
    /// threads cannot call the observers, which live on this one).
    pub(super) fn report_remote_wakes(&self) {
        if !self.shared.reports_wakes {
            return;
        }
        for id in self.shared.take_remote_wakes() {
            self.deliver(&LoopEvent::Woken { task: id, cause: WakeCause::AnotherThread, already_queued: false });
        }
    }

    // ----- Tasks -----------------------------------------------------------

    /// Creates a task around `future` and queues its first poll.
    pub(crate) fn spawn<F>(
        &self,
        future: F,
        name: Option<String>,
        spawned_at: &'static Location<'static>,
    ) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let mut tasks = self.tasks.borrow_mut();
        let id = tasks.next_id();
        // ANCHOR: make_waker
        let waker_state = Arc::new(TaskWaker::new(id, self.shared.clone()));
        let waker = Waker::from(waker_state.clone());
        // ANCHOR_END: make_waker
        let join = Rc::new(JoinShared::new(waker.clone()));

        // ANCHOR: wrap_future
        // The loop polls futures of one type, `Output = ()`. This wrapper
        // turns the user's future into one: it awaits it and stores the
        // output where the JoinHandle will find it.
        let output = join.clone();
        let wrapped: TaskFuture = Box::pin(async move {
            let value = future.await;
            output.complete(Ok(value));
        });
        // ANCHOR_END: wrap_future

        let name: Option<Arc<str>> = name.map(Arc::from);
        let future_type = std::any::type_name::<F>();
        // Who is spawning: the task (or main future) being polled now.
        let spawned_by = match self.activity.get() {
            Activity::Polling(parent) => Some(parent),
            _ => None,
        };
        tasks.insert(
            id,
            NewTask {
                future: wrapped,
                waker: waker.clone(),
                waker_state,
                completion: join.clone(),
                name: name.clone(),
                spawned_at,
                future_type,
                spawned_by,
            },
        );
        drop(tasks);
        self.emit(|| LoopEvent::Spawned { task: id, name, site: spawned_at, future_type });
        // A new task is ready at once: asyncio also schedules a task's first
        // step as soon as create_task returns.
        waker.wake();
        JoinHandle::new(join, id)
    }

    /// Polls task `id` once: the heart of phase 2.
    ///
    /// Ids come from the ready queue, which may hold stale ones (a waker
    /// that outlived its task): those find no slot and are skipped.
    pub(super) fn poll_task(&self, id: Id) {
        // The body below is compiled twice: with the events and the
        // debugger stop, and without them. With no observer (release
        // builds, unless asked) this one branch is all they cost; docs
        // chapter 9, "What the aids cost", counts it.
        if self.observed {
            self.poll_task_as::<true>(id);
        } else {
            self.poll_task_as::<false>(id);
        }
    }

    /// [`poll_task`](Self::poll_task), with the events compiled in or out.
    fn poll_task_as<const OBSERVED: bool>(&self, id: Id) {
        let timed = OBSERVED && self.times_polls;
        let poll_time = timed.then(|| self.clock.now());
        let taken = self.tasks.borrow_mut().take_for_poll(id, self.tick.get(), poll_time);
        let Some(mut task) = taken else { return };

        // Cancellation happens here, between two polls, never inside one.
        if task.completion.abort_requested() {
            self.cancel_task(id, task.future, task.completion, CancelReason::Aborted);
            return;
        }

        if OBSERVED {
            self.deliver(&LoopEvent::PollStarted { task: id });
            self.stop_for_debugger(id);
        }
        // Timed after the debugger stop, so a pause there is no "slow poll".
        let started = timed.then(std::time::Instant::now);
        let mut cx = Context::from_waker(&task.waker);
        coop::reset();
        self.activity.set(Activity::Polling(id));
        // A panic unwinds out of `poll` to here. AssertUnwindSafe is sound
        // because a panicked task is never polled again: whatever state it
        // broke is dropped right below.
        let outcome = catch_unwind(AssertUnwindSafe(|| task.future.as_mut().poll(&mut cx)));
        coop::end_poll();
        self.activity.set(Activity::Idle);
        let spent = started.map(|started| started.elapsed()).unwrap_or_default();

        match outcome {
            Ok(Poll::Pending) => {
                let mut tasks = self.tasks.borrow_mut();
                let slot = tasks.put_back(id, task.future, task.waker);
                if OBSERVED {
                    // Two facts the hang detectors need, read while the
                    // slot is at hand: was it woken again, and does
                    // anything but the loop hold its waker?
                    let result = slot.map(|slot| {
                        let waker_state = slot.waker_state();
                        PollResult::Pending {
                            woken_during_poll: waker_state.is_scheduled(),
                            waker_held: Arc::strong_count(waker_state) > OWN_WAKER_REFS,
                        }
                    });
                    drop(tasks);
                    if let Some(result) = result {
                        self.deliver(&LoopEvent::Polled { task: id, result, spent });
                    }
                }
            }
            Ok(Poll::Ready(())) => {
                // The wrapper already stored the output for the JoinHandle.
                if OBSERVED {
                    self.deliver(&LoopEvent::Polled { task: id, result: PollResult::Ready, spent });
                }
                self.tasks.borrow_mut().remove(id);
                if OBSERVED {
                    self.deliver(&LoopEvent::TaskEnded { task: id, end: TaskEnd::Finished });
                }
            }
            Err(payload) => self.task_panicked(id, task.future, task.completion, payload, spent),
        }
    }

    /// After a poll that panicked: free the slot, drop the future, say
    /// which task it was, and hand the handle `JoinError::Panicked`. Cold
    /// and out of line, so the poll loop carries none of it.
    #[cold]
    #[inline(never)]
    fn task_panicked(
        &self,
        id: Id,
        future: TaskFuture,
        completion: Rc<dyn Completion>,
        payload: Box<dyn Any + Send>,
        spent: std::time::Duration,
    ) {
        let message: Arc<str> = panic_message(&*payload).into();
        self.emit(|| LoopEvent::Polled { task: id, result: PollResult::Panicked { message: message.clone() }, spent });
        let label = self.task_label(id);
        let slot = self.tasks.borrow_mut().remove(id);
        drop_quietly(future);
        // The panic hook already printed where it happened; this line
        // says which task it was, and that the loop goes on.
        if let Some(slot) = slot {
            eprintln!(
                "aioli: {label} (spawned at {}) panicked; the loop goes on and its JoinHandle gets \
                 JoinError::Panicked",
                slot.spawned_at,
            );
        }
        completion.finish_with_error(JoinError::Panicked(message.to_string()));
        self.emit(|| LoopEvent::TaskEnded { task: id, end: TaskEnd::Panicked });
    }

    /// Ends a task without output: drops its future (running the
    /// destructors of everything it held) and resolves its handle to
    /// `JoinError::Cancelled`.
    pub(super) fn cancel_task(&self, id: Id, future: TaskFuture, completion: Rc<dyn Completion>, reason: CancelReason) {
        let future_type = self.tasks.borrow().get(id).map(|slot| slot.future_type).unwrap_or("?");
        self.emit(|| LoopEvent::Cancelled { task: id, reason, future_type });
        let before = self.activity.replace(Activity::Cancelling(id));
        drop_quietly(future);
        completion.finish_with_error(JoinError::Cancelled);
        self.activity.set(before);
        // Removed last, so observers of the wakes above still know it.
        self.tasks.borrow_mut().remove(id);
        self.emit(|| LoopEvent::TaskEnded { task: id, end: TaskEnd::Cancelled });
    }

    /// Before an observed poll: the call a debugger breaks on.
    fn stop_for_debugger(&self, id: Id) {
        // Phase 2 drained the cross-thread channel into the ready queue at
        // its start, so the queue's length is all that still waits.
        let still_queued = self.ready_queue.borrow().len();
        let tasks = self.tasks.borrow();
        let name = tasks.get(id).and_then(|slot| slot.name.as_deref());
        stop_here_before_each_poll(self.tick.get(), still_queued, id.number(), name);
    }

    /// `task#3 "name"`, `task#3`, or `main`: how the loop's own messages
    /// name a task.
    fn task_label(&self, id: Id) -> String {
        if id == Id::MAIN {
            return "main".to_string();
        }
        match self.tasks.borrow().get(id).and_then(|slot| slot.name.as_deref()) {
            Some(name) => format!("{id} \"{name}\""),
            None => id.to_string(),
        }
    }

    /// Notes that the task being polled now awaits `id`'s `JoinHandle`
    /// (called when that handle returns `Pending`). Only for debuggers;
    /// a `try_borrow_mut`, because a handle may be polled while the table
    /// is borrowed (a destructor run by the loop), and then it is skipped.
    pub(crate) fn note_awaited(&self, id: Id) {
        if let Activity::Polling(by) = self.activity.get() {
            if let Ok(mut tasks) = self.tasks.try_borrow_mut() {
                tasks.set_awaited_by(id, by);
            }
        }
    }

    /// Queues `id` for phase 2: a wake on the loop's own thread.
    pub(crate) fn push_ready(&self, id: Id) {
        self.ready_queue.borrow_mut().push_back(id);
    }

    /// Whether `shared` is this loop's (a waker made by this loop).
    pub(crate) fn owns(&self, shared: &Arc<Shared>) -> bool {
        Arc::ptr_eq(&self.shared, shared)
    }

    /// True when no task id waits in either queue.
    pub(super) fn nothing_queued(&self) -> bool {
        self.ready_queue.borrow().is_empty() && self.cross_thread_wakes.is_empty()
    }

    /// How many ids wait in the two queues together.
    #[cfg(test)]
    pub(crate) fn queued(&self) -> usize {
        self.ready_queue.borrow().len() + self.cross_thread_wakes.len()
    }

    /// The task being polled right now, if any (not the main future).
    pub(crate) fn running_task(&self) -> Option<Id> {
        match self.activity.get() {
            Activity::Polling(id) if id != Id::MAIN => Some(id),
            _ => None,
        }
    }

    /// A snapshot of the live tasks (`task::dump`).
    pub(crate) fn dump(&self) -> TaskDump {
        self.tasks.borrow().dump(self.tick.get(), self.clock.now())
    }

    /// How many tasks are alive.
    pub(crate) fn task_count(&self) -> usize {
        self.tasks.borrow().len()
    }

    /// How many ticks have started.
    pub(crate) fn ticks(&self) -> u64 {
        self.tick.get()
    }

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
}

/// Does nothing: it exists for debuggers. `break stop_here_before_each_poll`
/// in gdb (or a function breakpoint in VS Code) stops the loop right
/// before it polls a task, with the tick number, how many more task ids
/// wait in the ready queue, and the task's number and name as plain
/// arguments (`info args`), no digging through `RefCell`s needed.
///
/// It is called whenever the loop is observed: always in debug builds
/// (the hang detectors observe it), and in release builds with
/// `AIOLI_DEBUG=1`, `AIOLI_TRACE=1`, the `Builder` switches or an
/// observer of the program's own (with none, the loop skips it with the
/// events).
#[inline(never)]
fn stop_here_before_each_poll(tick: u64, still_queued: usize, task_number: u64, task_name: Option<&str>) {
    // black_box keeps the optimizer from removing the call and its
    // arguments, so the breakpoint works in release builds too.
    std::hint::black_box((tick, still_queued, task_number, task_name));
}

/// Drops a task's future, keeping a panic in one of its destructors from
/// taking down the loop as well.
fn drop_quietly(future: TaskFuture) {
    let _ = catch_unwind(AssertUnwindSafe(move || drop(future)));
}

/// The text of a panic, as `JoinError::Panicked` carries it.
fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "the task panicked with a value that is not a string".to_string()
    }
}
