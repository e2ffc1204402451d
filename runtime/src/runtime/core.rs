//! The loop's state, and what it does to one task.
//!
//! [`Core`] holds everything the tick works on. This file has the parts
//! that concern a single task: creating it ([`Core::spawn`]), polling it
//! once ([`Core::poll_task`], where panics are caught and cancellation
//! happens) and cancelling everything at shutdown. The tick itself, which
//! decides *when* each of these happens, is in `tick.rs`.
//!
//! Chapter: docs/src/03-executor.md

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::io;
use std::panic::{catch_unwind, AssertUnwindSafe, Location};
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use crossbeam_channel::Receiver;

use super::Builder;
use crate::blocking::pool::Pool;
use crate::blocking::running::RunningJobs;
use crate::coop;
use crate::debug::timeline::task_track;
use crate::debug::{trace_event, Activity, Diagnostics};
use crate::reactor::Reactor;
use crate::task::table::{NewTask, TaskFuture, TaskTable};
use crate::task::waker::{Shared, TaskWaker};
use crate::task::{Completion, Id, JoinError, JoinHandle, JoinShared};
use crate::time::clock::Clock;
use crate::time::timers::TimerQueue;

/// The `mio` token of the cross-thread waker. Socket tokens are a slab
/// index plus a generation that never reaches the top bit (see
/// `reactor::GENERATION_MASK`), so no socket can have this one.
pub(crate) const WAKER_TOKEN: mio::Token = mio::Token(usize::MAX);

/// Everything one event loop owns. Lives in an `Rc` on the loop's thread;
/// only `shared` is visible to other threads.
pub(crate) struct Core {
    /// Every live task, by id.
    pub(crate) tasks: RefCell<TaskTable>,
    /// Ids of tasks woken from other threads. Phase 1 moves them onto
    /// `local_queue`; the channel is what makes such wakes thread-safe.
    pub(crate) run_queue: Receiver<Id>,
    /// Ids woken on the loop's own thread (nearly all wakes): a plain
    /// queue, with no channel, atomics or fences. Phase 1 moves the ids
    /// other threads sent through `run_queue` in here first.
    pub(crate) local_queue: RefCell<VecDeque<Id>>,
    /// The sending half of the run queue, plus the `mio::Waker`.
    pub(crate) shared: Arc<Shared>,
    /// Pending timers, ordered by deadline.
    pub(crate) timers: RefCell<TimerQueue>,
    /// Registered sockets and the tasks waiting on them.
    pub(crate) reactor: RefCell<Reactor>,
    /// Real or paused time; `time::Instant::now()` reads it.
    pub(crate) clock: Clock,
    /// The OS poller (epoll on Linux, kqueue on macOS) that phase 3 blocks in.
    pub(crate) poller: RefCell<mio::Poll>,
    /// Readiness events filled by the last poll, read by phase 4.
    pub(crate) events: RefCell<mio::Events>,
    /// How many ticks have started. Traces and the debugger show it.
    pub(crate) tick: Cell<u64>,
    /// At most this many tasks are polled in phase 1 of one tick.
    pub(crate) tick_batch: usize,
    /// Trace, hang detectors, timeline: the debug aids (all off = no cost).
    pub(crate) diag: Diagnostics,
    /// `spawn_blocking` jobs whose results have not come back yet. While
    /// any is running, a paused clock must not jump: the job's result is
    /// "about to happen" even though no task or timer shows it.
    pub(crate) blocking_in_flight: Cell<usize>,
    /// `spawn_blocking` jobs whose closures have not returned, shared with
    /// the pool threads: `block_on` waits for them before it returns.
    pub(crate) blocking_jobs: Arc<RunningJobs>,
    /// This loop's own blocking pool (`Builder::max_blocking_threads`),
    /// or `None` for the process-wide one; see `blocking/pool.rs`.
    pub(crate) blocking_pool: Option<Arc<Pool>>,
}

impl Core {
    pub(crate) fn new(settings: &Builder) -> io::Result<Core> {
        let poller = mio::Poll::new()?;
        let io_waker = mio::Waker::new(poller.registry(), WAKER_TOKEN)?;
        let (sender, receiver) = crossbeam_channel::unbounded();
        let debug = settings.debug.clone();
        let reports_wakes = debug.trace || debug.timeline_file.is_some();
        let shared = Shared::new(sender, io_waker, settings.cross_thread_wakeups, reports_wakes);
        Ok(Core {
            tasks: RefCell::new(TaskTable::default()),
            run_queue: receiver,
            local_queue: RefCell::new(VecDeque::new()),
            shared: Arc::new(shared),
            timers: RefCell::new(TimerQueue::default()),
            reactor: RefCell::new(Reactor::default()),
            clock: Clock::new(settings.paused_clock),
            poller: RefCell::new(poller),
            events: RefCell::new(mio::Events::with_capacity(settings.events_capacity)),
            tick: Cell::new(0),
            tick_batch: settings.tick_batch,
            diag: Diagnostics::new(debug),
            blocking_in_flight: Cell::new(0),
            blocking_jobs: Arc::default(),
            blocking_pool: crate::blocking::pool::for_loop(settings.max_blocking_threads),
        })
    }

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
        let waker_state = Arc::new(TaskWaker::new(id, self.shared.clone()));
        let waker = Waker::from(waker_state.clone());
        let join = Rc::new(JoinShared::new(waker.clone()));

        // The loop polls futures of one type, `Output = ()`. This wrapper
        // turns the user's future into one: it awaits it and stores the
        // output where the JoinHandle will find it.
        let output = join.clone();
        let wrapped: TaskFuture = Box::pin(async move {
            let value = future.await;
            output.complete(Ok(value));
        });

        tasks.insert(
            id,
            NewTask {
                future: wrapped,
                waker: waker.clone(),
                waker_state,
                completion: join.clone(),
                name: name.map(Rc::from),
                spawned_at,
                future_type: std::any::type_name::<F>(),
            },
        );
        drop(tasks);
        self.on_spawn(id);
        // A new task is ready at once: asyncio also schedules a task's first
        // step as soon as create_task returns.
        waker.wake();
        JoinHandle::new(join, id)
    }

    /// Polls task `id` once: the heart of phase 1.
    ///
    /// Ids come from the run queue, which may hold stale ones (a waker that
    /// outlived its task): those find no slot and are skipped.
    pub(crate) fn poll_task(&self, id: Id) {
        // The body below is compiled twice: with the debug aids (trace,
        // detectors, timeline, the debugger stop) and without them. With
        // every aid off (release builds, unless asked) this one branch is
        // all they cost; docs chapter 9, "What the aids cost", counts it.
        if self.diag.watched {
            self.poll_task_as::<true>(id);
        } else {
            self.poll_task_as::<false>(id);
        }
    }

    /// [`poll_task`](Self::poll_task), with the debug hooks compiled in or out.
    fn poll_task_as<const WATCHED: bool>(&self, id: Id) {
        let poll_time = (WATCHED && self.diag.times_polls()).then(|| self.clock.now());
        let taken = self.tasks.borrow_mut().take_for_poll(id, self.tick.get(), poll_time);
        let Some(mut task) = taken else { return };

        // Cancellation happens here, between two polls, never inside one.
        if task.completion.abort_requested() {
            self.cancel_task(id, task.future, task.completion, "abort() was called");
            return;
        }

        if WATCHED {
            self.before_watched_poll(id);
        }
        // Timed after the debugger hook, so a pause there is no "slow poll".
        let started = poll_time.map(|_| std::time::Instant::now());
        let mut cx = Context::from_waker(&task.waker);
        coop::reset();
        self.diag.activity.set(Activity::Polling(id));
        // A panic unwinds out of `poll` to here. AssertUnwindSafe is sound
        // because a panicked task is never polled again: whatever state it
        // broke is dropped right below.
        let outcome = catch_unwind(AssertUnwindSafe(|| task.future.as_mut().poll(&mut cx)));
        coop::end_poll();
        self.diag.activity.set(Activity::Idle);
        if let Some(started) = started {
            self.after_timed_poll(id, started);
        }

        match outcome {
            Ok(Poll::Pending) => {
                if WATCHED {
                    trace_event!(self, "  {} -> Pending", self.task_label(id));
                }
                let mut tasks = self.tasks.borrow_mut();
                let slot = tasks.put_back(id, task.future, task.waker);
                if WATCHED {
                    if let Some(slot) = slot {
                        self.check_pending_task(id, slot);
                    }
                }
            }
            Ok(Poll::Ready(())) => {
                // The wrapper already stored the output for the JoinHandle.
                if WATCHED {
                    trace_event!(self, "  {} -> Ready (finished)", self.task_label(id));
                }
                self.tasks.borrow_mut().remove(id);
            }
            Err(payload) => {
                let message = panic_message(&*payload);
                trace_event!(self, "  {} -> panicked: {message}", self.task_label(id));
                let label = self.task_label(id);
                let slot = self.tasks.borrow_mut().remove(id);
                drop_quietly(task.future);
                // The panic hook already printed where it happened; this
                // line says which task it was, and that the loop goes on.
                if let Some(slot) = slot {
                    eprintln!(
                        "aioli: {label} (spawned at {}) panicked; the loop goes on and its JoinHandle gets \
                         JoinError::Panicked",
                        slot.spawned_at,
                    );
                }
                task.completion.finish_with_error(JoinError::Panicked(message));
            }
        }
    }

    /// Ends a task without output: drops its future (running the
    /// destructors of everything it held) and resolves its handle to
    /// `JoinError::Cancelled`.
    fn cancel_task(&self, id: Id, future: TaskFuture, completion: Rc<dyn Completion>, why: &str) {
        let future_type = self.tasks.borrow().get(id).map(|slot| slot.future_type).unwrap_or("?");
        trace_event!(self, "cancel {} ({why}): dropping its future {future_type}", self.task_label(id));
        let before = self.diag.activity.replace(Activity::Cancelling(id));
        drop_quietly(future);
        completion.finish_with_error(JoinError::Cancelled);
        self.diag.activity.set(before);
        // Removed last, so traces of the wakes above can still name it.
        self.tasks.borrow_mut().remove(id);
    }

    /// How many ids wait in the two run queues together.
    #[cfg(test)]
    pub(crate) fn queued(&self) -> usize {
        self.local_queue.borrow().len() + self.run_queue.len()
    }

    /// True when no task id waits in either run queue.
    pub(crate) fn nothing_queued(&self) -> bool {
        self.local_queue.borrow().is_empty() && self.run_queue.is_empty()
    }

    /// Cancels and drops every task left: the end of `asyncio.run`.
    pub(crate) fn cancel_all_tasks(&self) {
        self.diag.activity.set(Activity::ShuttingDown);
        loop {
            // One pass over the table per round, not one `iter().next()`
            // per task: that scan walks every slot freed so far, which made
            // shutting down n tasks cost n² steps. A destructor may spawn
            // (hence the outer loop) or end another task (then its id finds
            // no slot and is skipped).
            let ids: Vec<Id> = self.tasks.borrow().iter().map(|(id, _)| id).collect();
            if ids.is_empty() {
                break;
            }
            for id in ids {
                // Take the future out first and drop it after: a destructor
                // may touch the table (spawn, abort, look up a name).
                let taken = self.tasks.borrow_mut().take_for_poll(id, self.tick.get(), None);
                match taken {
                    Some(task) => self.cancel_task(id, task.future, task.completion, "the main future returned"),
                    None => {
                        self.tasks.borrow_mut().remove(id);
                    }
                }
            }
        }
        // Ids of the tasks just removed may still sit in the run queue.
        while self.run_queue.try_recv().is_ok() {}
        self.local_queue.borrow_mut().clear();
        self.diag.activity.set(Activity::Idle);
    }

    /// The end of `block_on`, after `cancel_all_tasks`: wait until every
    /// `spawn_blocking` closure this loop started has returned, saying so
    /// if that takes more than a second.
    pub(crate) fn wait_for_blocking_jobs(&self) {
        self.blocking_jobs.wait_for_all(std::time::Duration::from_secs(1), |left| {
            self.diag.warn(format_args!(
                "the main future returned; waiting for {left} spawn_blocking job(s) still running on the pool \
                 (asyncio.run and tokio wait too). A job that never returns keeps the program from ending."
            ));
        });
    }

    /// At the end of `block_on`, in debug or trace mode: list the tasks
    /// about to be cancelled. A task nobody awaited is often a leak.
    pub(crate) fn report_at_exit(&self) {
        let left = self.tasks.borrow().len();
        if left == 0 || !self.diag.settings.dump_at_exit {
            return;
        }
        let dump = self.dump();
        self.diag.warn(format_args!(
            "the main future returned with {left} task(s) still alive; they are cancelled now. \
             Await or abort tasks you spawn if this is not what you meant.\n{dump}"
        ));
    }

    /// Writes the timeline file, if one was asked for.
    pub(crate) fn write_timeline(&self) {
        let (Some(timeline), Some(path)) = (&self.diag.timeline, &self.diag.settings.timeline_file) else {
            return;
        };
        let timeline = timeline.borrow();
        match timeline.write_to(path) {
            Ok(()) => eprintln!(
                "aioli: wrote a timeline of {} events to {}; open it at https://ui.perfetto.dev or chrome://tracing",
                timeline.len(),
                path.display()
            ),
            Err(error) => eprintln!("aioli: could not write the timeline to {}: {error}", path.display()),
        }
    }

    /// The task being polled right now, if any (not the main future).
    pub(crate) fn running_task(&self) -> Option<Id> {
        match self.diag.activity.get() {
            Activity::Polling(id) if id != Id::MAIN => Some(id),
            _ => None,
        }
    }

    /// Trace and timeline bookkeeping for a new task.
    fn on_spawn(&self, id: Id) {
        if self.diag.tracer.is_some() {
            let site = self.tasks.borrow().get(id).map(|slot| slot.spawned_at.to_string()).unwrap_or_default();
            trace_event!(self, "spawn {} at {site}", self.task_label(id));
        }
        if let Some(timeline) = &self.diag.timeline {
            let label = self.task_label(id);
            timeline.borrow_mut().name_track(task_track(id), label);
        }
    }

    /// Before a poll while debug aids are on: the trace line, and the
    /// call a debugger breaks on.
    fn before_watched_poll(&self, id: Id) {
        trace_event!(self, "poll {}", self.task_label(id));
        // Phase 1 drained the cross-thread channel into the local queue at
        // the start of the tick, so its length is all that still waits.
        let still_queued = self.local_queue.borrow().len();
        let tasks = self.tasks.borrow();
        let name = tasks.get(id).and_then(|slot| slot.name.as_deref());
        stop_here_before_each_poll(self.tick.get(), still_queued, id.number(), name);
    }

    /// After a timed poll: the slow-poll warning and the timeline slice.
    pub(crate) fn after_timed_poll(&self, id: Id, started: std::time::Instant) {
        let spent = started.elapsed();
        self.check_poll_duration(id, spent);
        if let Some(timeline) = &self.diag.timeline {
            let track = task_track(id);
            timeline.borrow_mut().slice(track, format!("poll {}", self.task_label(id)), "poll", started, spent);
        }
    }
}

/// Does nothing: it exists for debuggers. `break stop_here_before_each_poll`
/// in gdb (or a function breakpoint in VS Code) stops the loop right
/// before it polls a task, with the tick number, how many more task ids
/// wait in the run queue, and the task's number and name as plain
/// arguments (`info args`), no digging through `RefCell`s needed.
///
/// It is called whenever a debug aid is on: always in debug builds, and in
/// release builds with `AIOLI_DEBUG=1`, `AIOLI_TRACE=1` or the `Builder`
/// switches (off, the loop skips it with the other hooks).
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
