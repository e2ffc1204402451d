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
use std::future::Future;
use std::io;
use std::panic::{catch_unwind, AssertUnwindSafe, Location};
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use crossbeam_channel::Receiver;

use super::Builder;
use crate::coop;
use crate::task::table::{NewTask, TaskFuture, TaskTable};
use crate::task::waker::{Shared, TaskWaker};
use crate::task::{Id, JoinError, JoinHandle, JoinShared};
use crate::time::clock::Clock;
use crate::time::timers::TimerQueue;

/// The `mio` token of the cross-thread waker. IO sources use small tokens
/// (slab indices), so the largest one can never collide with them.
pub(crate) const WAKER_TOKEN: mio::Token = mio::Token(usize::MAX);

/// Everything one event loop owns. Lives in an `Rc` on the loop's thread;
/// only `shared` is visible to other threads.
pub(crate) struct Core {
    /// Every live task, by id.
    pub(crate) tasks: RefCell<TaskTable>,
    /// Ids of tasks to poll, in wake order. Wakers on any thread send here.
    pub(crate) run_queue: Receiver<Id>,
    /// The sending half of the run queue, plus the `mio::Waker`.
    pub(crate) shared: Arc<Shared>,
    /// Pending timers, ordered by deadline.
    pub(crate) timers: RefCell<TimerQueue>,
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
}

impl Core {
    pub(crate) fn new(settings: &Builder) -> io::Result<Core> {
        let poller = mio::Poll::new()?;
        let io_waker = mio::Waker::new(poller.registry(), WAKER_TOKEN)?;
        let (sender, receiver) = crossbeam_channel::unbounded();
        Ok(Core {
            tasks: RefCell::new(TaskTable::default()),
            run_queue: receiver,
            shared: Arc::new(Shared::new(sender, io_waker)),
            timers: RefCell::new(TimerQueue::default()),
            clock: Clock::new(settings.paused_clock),
            poller: RefCell::new(poller),
            events: RefCell::new(mio::Events::with_capacity(settings.events_capacity)),
            tick: Cell::new(0),
            tick_batch: settings.tick_batch,
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
            NewTask { future: wrapped, waker: waker.clone(), waker_state, completion: join.clone(), name, spawned_at },
        );
        drop(tasks);
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
        let taken = self.tasks.borrow_mut().take_for_poll(id);
        let Some(mut task) = taken else { return };

        // Cancellation happens here, between two polls, never inside one.
        if task.completion.abort_requested() {
            self.tasks.borrow_mut().remove(id);
            drop_quietly(task.future);
            task.completion.finish_with_error(JoinError::Cancelled);
            return;
        }

        let mut cx = Context::from_waker(&task.waker);
        coop::reset();
        // A panic unwinds out of `poll` to here. AssertUnwindSafe is sound
        // because a panicked task is never polled again: whatever state it
        // broke is dropped right below.
        let outcome = catch_unwind(AssertUnwindSafe(|| task.future.as_mut().poll(&mut cx)));
        match outcome {
            Ok(Poll::Pending) => self.tasks.borrow_mut().put_back(id, task.future),
            Ok(Poll::Ready(())) => {
                // The wrapper already stored the output for the JoinHandle.
                self.tasks.borrow_mut().remove(id);
            }
            Err(payload) => {
                let slot = self.tasks.borrow_mut().remove(id);
                drop_quietly(task.future);
                let message = panic_message(&*payload);
                // The panic hook already printed where it happened; this
                // line says which task it was, and that the loop goes on.
                if let Some(slot) = slot {
                    eprintln!(
                        "aioli: {id}{} (spawned at {}) panicked; the loop goes on and its JoinHandle gets JoinError::Panicked",
                        slot.name.as_deref().map(|name| format!(" '{name}'")).unwrap_or_default(),
                        slot.spawned_at,
                    );
                }
                task.completion.finish_with_error(JoinError::Panicked(message));
            }
        }
    }

    /// Cancels and drops every task left: the end of `asyncio.run`.
    pub(crate) fn cancel_all_tasks(&self) {
        loop {
            // Remove first, drop after: a destructor may touch the table.
            let slot = self.tasks.borrow_mut().pop_any();
            let Some(mut slot) = slot else { break };
            if let Some(future) = slot.take_future() {
                drop_quietly(future);
            }
            slot.completion.finish_with_error(JoinError::Cancelled);
        }
        // Ids of the tasks just removed may still sit in the run queue.
        while self.run_queue.try_recv().is_ok() {}
    }
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
