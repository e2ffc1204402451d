//! The task table: every live task in one `slab`, addressed by [`Id`].
//!
//! A slab is a `Vec` with a free list: insertion reuses the most recently
//! freed slot, so ids stay small and memory stays dense. Because slots are
//! reused, each slot also remembers the generation of the task in it, and
//! every lookup checks both halves of the id (see [`Id`]).
//!
//! While a task is being polled its future is *taken out* of the slot. The
//! table is behind a `RefCell`, and the task being polled may well spawn
//! another task, which needs to borrow the table: holding the borrow
//! during the poll would panic. Taking the future out makes the poll
//! happen with no borrow held.
//!
//! Chapter: docs/src/03-executor.md

use std::future::Future;
use std::panic::Location;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::task::Waker;

use slab::Slab;

use super::waker::TaskWaker;
use super::{Completion, Id};

/// A spawned future with its result type erased: it stores its own output.
pub(crate) type TaskFuture = Pin<Box<dyn Future<Output = ()>>>;

/// One live task.
pub(crate) struct TaskSlot {
    /// Which spawn this is; must match the id's generation on lookup.
    generation: u64,
    /// The task's future. `None` only while the loop is polling it.
    future: Option<TaskFuture>,
    /// The task's one waker, made once at spawn.
    pub(crate) waker: Waker,
    /// The state behind `waker`: its "scheduled" flag lives here.
    waker_state: Arc<TaskWaker>,
    /// Where the result, panic or cancellation is reported.
    pub(crate) completion: Rc<dyn Completion>,
    /// `task::Builder::name`, if one was given.
    pub(crate) name: Option<String>,
    /// The line of user code that called `spawn`.
    pub(crate) spawned_at: &'static Location<'static>,
    /// How many times the loop has polled this task.
    pub(crate) polls: u64,
}

/// A task taken out of its slot for one poll.
pub(crate) struct TakenTask {
    pub(crate) future: TaskFuture,
    pub(crate) waker: Waker,
    pub(crate) completion: Rc<dyn Completion>,
}

/// All live tasks of one loop.
#[derive(Default)]
pub(crate) struct TaskTable {
    slots: Slab<TaskSlot>,
    /// Generation for the next spawn; starts at 1, 0 is the main future's.
    spawned: u64,
}

/// What `TaskTable::insert` needs to build a slot around the new id.
pub(crate) struct NewTask {
    pub(crate) future: TaskFuture,
    pub(crate) waker: Waker,
    pub(crate) waker_state: Arc<TaskWaker>,
    pub(crate) completion: Rc<dyn Completion>,
    pub(crate) name: Option<String>,
    pub(crate) spawned_at: &'static Location<'static>,
}

impl TaskTable {
    /// The id the next inserted task will get.
    pub(crate) fn next_id(&self) -> Id {
        Id { index: self.slots.vacant_key(), generation: self.spawned + 1 }
    }

    /// Stores a task under `id`, which must come from [`next_id`](Self::next_id)
    /// with no insert in between.
    pub(crate) fn insert(&mut self, id: Id, task: NewTask) {
        debug_assert_eq!(id, self.next_id());
        self.spawned = id.generation;
        self.slots.insert(TaskSlot {
            generation: id.generation,
            future: Some(task.future),
            waker: task.waker,
            waker_state: task.waker_state,
            completion: task.completion,
            name: task.name,
            spawned_at: task.spawned_at,
            polls: 0,
        });
    }

    /// The slot of `id`, or `None` if that task has ended (a stale id).
    pub(crate) fn get(&self, id: Id) -> Option<&TaskSlot> {
        self.slots.get(id.index).filter(|slot| slot.generation == id.generation)
    }

    fn get_mut(&mut self, id: Id) -> Option<&mut TaskSlot> {
        self.slots.get_mut(id.index).filter(|slot| slot.generation == id.generation)
    }

    /// Takes the future out for a poll and clears the "scheduled" flag, so
    /// wakes that happen during the poll queue the task again.
    pub(crate) fn take_for_poll(&mut self, id: Id) -> Option<TakenTask> {
        let slot = self.get_mut(id)?;
        let future = slot.future.take()?;
        slot.waker_state.clear_scheduled();
        slot.polls += 1;
        Some(TakenTask { future, waker: slot.waker.clone(), completion: slot.completion.clone() })
    }

    /// Puts the future back after a poll that returned `Pending`.
    pub(crate) fn put_back(&mut self, id: Id, future: TaskFuture) {
        if let Some(slot) = self.get_mut(id) {
            slot.future = Some(future);
        }
    }

    /// Frees the slot of a task that has ended.
    pub(crate) fn remove(&mut self, id: Id) -> Option<TaskSlot> {
        self.get(id)?;
        Some(self.slots.remove(id.index))
    }

    /// Takes any one remaining task out (used at shutdown).
    pub(crate) fn pop_any(&mut self) -> Option<TaskSlot> {
        let index = self.slots.iter().next().map(|(index, _)| index)?;
        Some(self.slots.remove(index))
    }

    /// How many tasks are alive.
    pub(crate) fn len(&self) -> usize {
        self.slots.len()
    }
}

impl TaskSlot {
    /// The future, if the slot holds it (not during its own poll).
    pub(crate) fn take_future(&mut self) -> Option<TaskFuture> {
        self.future.take()
    }
}
