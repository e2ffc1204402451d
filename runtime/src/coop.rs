//! Cooperative budget: why a busy task cannot starve the loop.
//!
//! A task only gives the loop back when its `poll` returns. A loop such as
//! `loop { sleep(Duration::ZERO).await }` never returns `Pending` by
//! itself: every sleep is already due, so the task would spin forever
//! inside one poll and no timer, IO event or other task would ever run.
//!
//! So each poll of a task starts with a budget of [`BUDGET_PER_POLL`]
//! units, and aioli's own leaf futures (a `Sleep`, and every socket
//! operation through `IoSource::poll_io`) spend one unit each time they
//! are polled. When the budget is gone, the leaf pretends not to
//! be ready: it wakes its task at once and returns `Pending`. The task goes
//! to the back of the ready queue, and the tick moves on. tokio calls the
//! same idea "cooperative scheduling" (`tokio::task::coop`); asyncio has
//! nothing like it, and there such a loop does hang the program.
//!
//! Chapter: docs/src/04-the-tick.md

use std::cell::Cell;
use std::task::{Context, Poll};

/// How many leaf-future polls one task poll may make before yielding.
/// tokio uses 128 too; the exact number matters little.
pub(crate) const BUDGET_PER_POLL: u32 = 128;

thread_local! {
    /// Units left in the current task poll. Outside any task (a future
    /// polled by hand) it stays at the maximum and never runs out.
    static BUDGET: Cell<u32> = const { Cell::new(u32::MAX) };
}

/// Gives the task that is about to be polled a fresh budget.
pub(crate) fn reset() {
    BUDGET.with(|budget| budget.set(BUDGET_PER_POLL));
}

/// The task poll is over: outside a task the budget is unlimited again,
/// so a future polled by hand later on this thread is never refused.
pub(crate) fn end_poll() {
    BUDGET.with(|budget| budget.set(u32::MAX));
}

/// True when the current task poll has no budget left: every leaf future
/// polled now would answer `Pending` and ask to be polled again. The
/// combinators over many children check it to stop early (`combine/children.rs`).
pub(crate) fn budget_spent() -> bool {
    BUDGET.with(|budget| budget.get() == 0)
}

/// Spends one unit; when none is left, wakes the task and says `Pending`.
pub(crate) fn poll_proceed(cx: &mut Context<'_>) -> Poll<()> {
    let left = BUDGET.with(|budget| {
        let left = budget.get();
        budget.set(left.saturating_sub(1));
        left
    });
    if left > 0 {
        Poll::Ready(())
    } else {
        // Ask to be polled again, then step aside for everyone else.
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
