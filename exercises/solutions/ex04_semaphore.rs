//! Solution to exercise 4: a semaphore from a `Mutex` and an `Event`. The
//! exercise, its hints and its tests: `exercises/src/ex04_semaphore.rs`,
//! `exercises/tests/ex04_semaphore.rs`.
//!
//! Unlike aioli's own `Semaphore`, this one is not fair: `set()` wakes
//! every waiter and the first to run takes the permit, so a newcomer may
//! beat a task that waited longer. Exercise 8 is about that difference.

use std::rc::Rc;

use aioli::sync::{Event, Mutex};

/// What the semaphore and its permits share.
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
        loop {
            {
                let mut free = self.shared.free.lock().await;
                if *free > 0 {
                    *free -= 1;
                    return MyPermit { shared: self.shared.clone() };
                }
                // Lowered while the count is locked: a release cannot slip
                // in between "none free" and this clear, so the set() it
                // does next is never erased.
                self.shared.released.clear();
            } // the guard drops here, before the wait: no lock held across it
            self.shared.released.wait().await;
            // Woken: a permit came back, but another waiter may take it
            // first. Go round and look again.
        }
    }
}

impl Drop for MyPermit {
    fn drop(&mut self) {
        // No lock is ever held across an await, so on this one thread
        // nobody can be holding it now, and try_lock succeeds.
        if let Some(mut free) = self.shared.free.try_lock() {
            *free += 1;
            drop(free);
            self.shared.released.set();
            return;
        }
        // Were that ever not so, Drop still must not lose the permit, and
        // it cannot await the lock: a task can.
        let shared = self.shared.clone();
        drop(aioli::spawn(async move {
            *shared.free.lock().await += 1;
            shared.released.set();
        }));
    }
}
