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
use crate::time::Instant;

/// References to a task's `Arc<TaskWaker>` that the runtime itself holds
/// while the task waits: the slot's `Arc`, the slot's `Waker`, and the
/// `Waker` in its `JoinShared` (used by `abort`). Anything above this is a
/// clone some future kept in order to wake the task later; with none, and
/// no wake pending, nothing can ever wake it (the lost-waker detector).
pub(crate) const OWN_WAKER_REFS: usize = 3;

/// A spawned future with its result type erased: it stores its own output.
pub(crate) type TaskFuture = Pin<Box<dyn Future<Output = ()>>>;

/// One live task.
pub(crate) struct TaskSlot {
    /// Which spawn this is; must match the id's generation on lookup.
    generation: u64,
    /// The task's future. `None` only while the loop is polling it.
    future: Option<TaskFuture>,
    /// The task's one waker, made once at spawn. `None` only while the
    /// loop is polling the task: like the future, it is moved out for the
    /// poll and back after, never cloned (a clone and its drop are two
    /// atomic read-modify-writes on every poll).
    waker: Option<Waker>,
    /// The state behind `waker`: its "scheduled" flag lives here.
    waker_state: Arc<TaskWaker>,
    /// Where the result, panic or cancellation is reported.
    pub(crate) completion: Rc<dyn Completion>,
    /// `task::Builder::name`, if one was given. An `Arc`: the `Spawned`
    /// event carries it to observers, which may send it to other threads.
    pub(crate) name: Option<Arc<str>>,
    /// The line of user code that called `spawn`.
    pub(crate) spawned_at: &'static Location<'static>,
    /// The type of the spawned future (it names the `async fn`), for dumps
    /// and cancellation events.
    pub(crate) future_type: &'static str,
    /// How many times the loop has polled this task.
    pub(crate) polls: u64,
    /// The tick of the last poll.
    pub(crate) last_poll_tick: u64,
    /// When the last poll started; recorded only when the loop is observed.
    pub(crate) last_poll_at: Option<Instant>,
    /// The task that was being polled when this one was spawned
    /// (`Id::MAIN` for the main future); `None` if spawned outside any
    /// poll. Kept for the debugger's `aioli pstree` (gdb/aioli_gdb.py).
    pub(crate) spawned_by: Option<Id>,
    /// The task that last awaited this one's `JoinHandle` and got
    /// `Pending`: set by `JoinHandle::poll`, read by `aioli pstree`.
    pub(crate) awaited_by: Option<Id>,
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
    pub(crate) name: Option<Arc<str>>,
    pub(crate) spawned_at: &'static Location<'static>,
    pub(crate) future_type: &'static str,
    pub(crate) spawned_by: Option<Id>,
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
            waker: Some(task.waker),
            waker_state: task.waker_state,
            completion: task.completion,
            name: task.name,
            spawned_at: task.spawned_at,
            future_type: task.future_type,
            polls: 0,
            last_poll_tick: 0,
            last_poll_at: None,
            spawned_by: task.spawned_by,
            awaited_by: None,
        });
    }

    // ANCHOR: get
    /// The slot of `id`, or `None` if that task has ended (a stale id).
    pub(crate) fn get(&self, id: Id) -> Option<&TaskSlot> {
        self.slots.get(id.index).filter(|slot| slot.generation == id.generation)
    }
    // ANCHOR_END: get

    fn get_mut(&mut self, id: Id) -> Option<&mut TaskSlot> {
        self.slots.get_mut(id.index).filter(|slot| slot.generation == id.generation)
    }

    /// Takes the future out for a poll and clears the "scheduled" flag, so
    /// wakes that happen during the poll queue the task again. Records the
    /// tick (and, if given, the time) of the poll for task dumps.
    pub(crate) fn take_for_poll(&mut self, id: Id, tick: u64, now: Option<Instant>) -> Option<TakenTask> {
        let slot = self.get_mut(id)?;
        let future = slot.future.take()?;
        let waker = slot.waker.take()?;
        slot.waker_state.clear_scheduled();
        slot.polls += 1;
        slot.last_poll_tick = tick;
        slot.last_poll_at = now;
        Some(TakenTask { future, waker, completion: slot.completion.clone() })
    }

    /// Puts the future back after a poll that returned `Pending`, and
    /// returns the slot (the loop reads its waker for the `Polled` event).
    pub(crate) fn put_back(&mut self, id: Id, future: TaskFuture, waker: Waker) -> Option<&mut TaskSlot> {
        let slot = self.get_mut(id)?;
        slot.future = Some(future);
        slot.waker = Some(waker);
        Some(slot)
    }

    /// Records that `by` awaits the `JoinHandle` of `id` (a stale id, a
    /// task that has ended, is ignored).
    pub(crate) fn set_awaited_by(&mut self, id: Id, by: Id) {
        if let Some(slot) = self.get_mut(id) {
            slot.awaited_by = Some(by);
        }
    }

    /// Frees the slot of a task that has ended.
    pub(crate) fn remove(&mut self, id: Id) -> Option<TaskSlot> {
        self.get(id)?;
        Some(self.slots.remove(id.index))
    }

    /// How many tasks are alive.
    pub(crate) fn len(&self) -> usize {
        self.slots.len()
    }

    /// Every live task with its id.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (Id, &TaskSlot)> {
        self.slots.iter().map(|(index, slot)| (Id { index, generation: slot.generation }, slot))
    }
}

impl TaskSlot {
    /// True while the loop is polling this task (its future is out).
    pub(crate) fn is_being_polled(&self) -> bool {
        self.future.is_none()
    }

    /// The state behind the task's waker.
    pub(crate) fn waker_state(&self) -> &Arc<TaskWaker> {
        &self.waker_state
    }
}
