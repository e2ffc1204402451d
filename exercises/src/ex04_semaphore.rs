//! Exercise 4 — a semaphore built from a `Mutex` and an `Event`.
//!
//! A semaphore holds N permits: `acquire().await` takes one, waiting
//! while none is left, and the permit goes back when dropped. aioli has
//! one (`aioli::sync::Semaphore`, asyncio's `Semaphore`); here you build
//! your own out of two simpler parts:
//! - an `aioli::sync::Mutex<usize>`: the count of free permits;
//! - an `aioli::sync::Event`: "a permit was given back", raised by a
//!   release and awaited by whoever found the count at zero.
//!
//! Write [`MySemaphore::acquire`] and the [`Drop`] of [`MyPermit`]. The
//! tests check that no more than N holders run at once, that a waiting
//! acquire wakes when a permit comes back, and that a permit held by a
//! cancelled task comes back too (its `Drop` runs when the task is
//! dropped).
//!
//! Hints:
//! - acquire: loop { lock the count; if it is above zero, take one and
//!   return a permit; otherwise `clear()` the event *while you still
//!   hold the lock*, let go of the lock, and `wait()` on the event }.
//!   Why clear under the lock: a release can only happen while you are
//!   not holding it, so it always comes after your clear, and its `set()`
//!   is never lost.
//! - Never hold the count's lock across an `.await` other than `lock()`
//!   itself; then nobody can find it locked, which the next hint needs.
//! - `Drop` cannot `.await`, so it cannot `lock().await`. Use
//!   `try_lock()`, add one, and `set()` the event. If `try_lock()` ever
//!   returned `None`, hand the release to a task: `aioli::spawn(async
//!   move { ... })` can await (that is why the state is in an `Rc`).
//!
//! Run the tests: `cargo test -p aioli-exercises --features mine --test ex04_semaphore`
//! Read: docs/src/11-sync.md; the real one is runtime/src/sync/semaphore.rs.

use std::rc::Rc;

use aioli::sync::{Event, Mutex};

/// What the semaphore and its permits share.
// Until you write acquire and drop, nothing reads these fields.
#[allow(dead_code)]
struct Shared {
    /// How many permits are free.
    free: Mutex<usize>,
    /// Raised whenever a permit is given back.
    released: Event,
}

/// At most N holders at a time. Cloning gives another handle to the same
/// permits, so tasks can each own one.
#[derive(Clone)]
pub struct MySemaphore {
    shared: Rc<Shared>,
}

/// One permit: given back to its semaphore when dropped.
#[allow(dead_code)]
pub struct MyPermit {
    shared: Rc<Shared>,
}

impl MySemaphore {
    /// A semaphore with `permits` free permits.
    pub fn new(permits: usize) -> MySemaphore {
        MySemaphore { shared: Rc::new(Shared { free: Mutex::new(permits), released: Event::new() }) }
    }

    /// How many permits are free right now (`None` while the count is locked).
    pub fn available_permits(&self) -> Option<usize> {
        self.shared.free.try_lock().map(|free| *free)
    }

    /// Waits for a free permit and takes it.
    pub async fn acquire(&self) -> MyPermit {
        unimplemented!("exercise 4: take a permit, or clear the event and wait on it")
    }
}

// Empty rather than unimplemented!: a panic in a Drop that runs while a
// test is already failing would abort the whole test run.
impl Drop for MyPermit {
    fn drop(&mut self) {
        // Exercise 4: give the permit back and set the event.
    }
}
