//! The "current loop" of a thread.
//!
//! `aioli::spawn` and `aioli::time::sleep` take no runtime argument, yet
//! they must reach the loop that will run the task or fire the timer. As in
//! asyncio (`get_running_loop`), the loop is found through a thread-local:
//! `Runtime::block_on` puts its core here on entry and takes it out on exit.
//! Everything else asks [`with_core`].
//!
//! Chapter: docs/src/03-executor.md

use std::cell::RefCell;
use std::rc::Rc;

use crate::runtime::core::Core;

// ANCHOR: current
thread_local! {
    /// The loop running on this thread, if any. Set only by [`enter`].
    static CURRENT: RefCell<Option<Rc<Core>>> = const { RefCell::new(None) };
}
// ANCHOR_END: current

/// The message every loop-less call panics with: it says what to do.
pub(crate) const NO_LOOP: &str = "no aioli event loop is running on this thread: \
call this inside aioli::run(...) or a task spawned by it";

/// Runs `f` with the current loop, or panics with [`NO_LOOP`].
#[track_caller]
pub(crate) fn with_core<R>(f: impl FnOnce(&Core) -> R) -> R {
    match try_with_core(f) {
        Some(result) => result,
        None => panic!("{NO_LOOP}"),
    }
}

/// Runs `f` with the current loop if there is one.
///
/// Destructors use this (a `Sleep` dropped after its loop ended has no
/// timer left to remove), so it must also survive thread-local teardown.
pub(crate) fn try_with_core<R>(f: impl FnOnce(&Core) -> R) -> Option<R> {
    CURRENT.try_with(|current| current.borrow().as_ref().map(|core| f(core))).ok().flatten()
}

/// Makes `core` the current loop until the guard is dropped.
///
/// `#[track_caller]`, like `run` and `block_on` above it: a nested `run`
/// panics naming the user's line, not this file. The panic is raised
/// outside the `with` closure because a closure does not pass the
/// caller's location on.
#[track_caller]
pub(crate) fn enter(core: Rc<Core>) -> EnterGuard {
    let entered = CURRENT.with(|current| {
        let mut current = current.borrow_mut();
        if current.is_some() {
            return false;
        }
        *current = Some(core);
        true
    });
    if !entered {
        panic!(
            "an aioli event loop is already running on this thread: \
             a task cannot block_on another future; spawn it or .await it instead"
        );
    }
    EnterGuard { _private: () }
}

/// Clears the current loop when dropped, also when unwinding from a panic.
pub(crate) struct EnterGuard {
    _private: (),
}

impl Drop for EnterGuard {
    fn drop(&mut self) {
        // Take the core out first and drop it after the borrow ends: its
        // destructor may run task destructors that look for a loop again.
        let core = CURRENT.try_with(|current| current.borrow_mut().take());
        drop(core);
    }
}
