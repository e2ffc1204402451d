//! The end of `block_on`: what happens after the main future returns.
//!
//! In order: list the tasks still alive if debug or trace mode is on
//! ([`Core::report_at_exit`]), cancel them ([`Core::cancel_all_tasks`]:
//! drop each future, resolve each handle to `Cancelled`), wait for the
//! `spawn_blocking` closures still running on the pool
//! ([`Core::wait_for_blocking_jobs`]), and write the timeline file if one
//! was asked for. `asyncio.run` does the same, except that it cancels
//! tasks by raising `CancelledError` in them and runs the loop a little
//! longer so they can handle it; aioli drops them (chapter 4, "Shutdown").
//!
//! Chapter: docs/src/04-the-tick.md

use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;

use super::core::{Activity, Core};
use super::events::CancelReason;
use crate::debug::timeline::Timeline;
use crate::debug::Output;
use crate::task::Id;

/// What the end of `block_on` reports, chosen by the `Builder`.
pub(super) struct AtExit {
    /// List the tasks left (debug or trace mode).
    pub(super) dump_tasks: bool,
    /// Where that list and the slow-shutdown warning go (a custom sink,
    /// or stderr).
    pub(super) output: Output,
    /// The timeline being recorded and the file it goes to, if asked for.
    pub(super) timeline: Option<(Rc<RefCell<Timeline>>, PathBuf)>,
}

impl Core {
    /// At the end of `block_on`, in debug or trace mode: list the tasks
    /// about to be cancelled. A task nobody awaited is often a leak.
    pub(super) fn report_at_exit(&self) {
        let left = self.task_count();
        if left == 0 || !self.at_exit.dump_tasks {
            return;
        }
        let dump = self.dump();
        self.at_exit.output.warn(format_args!(
            "the main future returned with {left} task(s) still alive; they are cancelled now. \
             Await or abort tasks you spawn if this is not what you meant.\n{dump}"
        ));
    }

    /// Cancels and drops every task left: the end of `asyncio.run`.
    pub(super) fn cancel_all_tasks(&self) {
        self.activity.set(Activity::ShuttingDown);
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
                    Some(task) => self.cancel_task(id, task.future, task.completion, CancelReason::Shutdown),
                    None => {
                        self.tasks.borrow_mut().remove(id);
                    }
                }
            }
        }
        // Ids of the tasks just removed may still sit in the queues.
        while self.cross_thread_wakes.try_recv().is_ok() {}
        self.ready_queue.borrow_mut().clear();
        self.activity.set(Activity::Idle);
    }

    /// The end of `block_on`, after `cancel_all_tasks`: wait until every
    /// `spawn_blocking` closure this loop started has returned, saying so
    /// if that takes more than a second.
    pub(super) fn wait_for_blocking_jobs(&self) {
        self.blocking_jobs.wait_for_all(std::time::Duration::from_secs(1), |left| {
            self.at_exit.output.warn(format_args!(
                "the main future returned; waiting for {left} spawn_blocking job(s) still running on the pool \
                 (asyncio.run and tokio wait too). A job that never returns keeps the program from ending."
            ));
        });
    }

    /// Writes the timeline file, if one was asked for.
    pub(super) fn write_timeline(&self) {
        let Some((timeline, path)) = &self.at_exit.timeline else { return };
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
}
