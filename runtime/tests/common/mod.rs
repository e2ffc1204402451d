//! Helpers shared by the integration tests. Each test binary compiles
//! this file as its own `mod common` and uses part of it, hence the
//! `allow(dead_code)` on each item.

use std::cell::Cell;
use std::future::{poll_fn, Future};
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::task::{Poll, Waker};
use std::thread::JoinHandle;
use std::time::Duration;

use aioli::Runtime;

/// A runtime whose clock is paused: it jumps to the next timer whenever
/// every task waits, so tests about time take no time.
#[allow(dead_code)]
pub fn paused() -> Runtime {
    Runtime::builder().paused_clock(true).build().unwrap()
}

/// Counts its own drops, shared among clones of the counter.
#[allow(dead_code)]
pub struct DropCounter(pub Rc<Cell<u32>>);

impl Drop for DropCounter {
    fn drop(&mut self) {
        self.0.set(self.0.get() + 1);
    }
}

/// A future that a plain std thread completes after `delay` (or right
/// away, after a `yield_now`, when `delay` is zero), by calling the waker
/// the future stored. The wake comes from outside the loop's thread, so
/// it must go through the cross-thread channel and the `mio::Waker`.
///
/// Returns the future and the thread, to join after awaiting.
#[allow(dead_code)]
pub fn completed_by_another_thread(delay: Duration) -> (impl Future<Output = ()>, JoinHandle<()>) {
    // (the waker to call, whether the thread has fired)
    let slot: Arc<Mutex<(Option<Waker>, bool)>> = Arc::default();
    let remote = slot.clone();
    let thread = std::thread::spawn(move || {
        if delay.is_zero() {
            std::thread::yield_now();
        } else {
            std::thread::sleep(delay);
        }
        let waker = match remote.lock() {
            Ok(mut state) => {
                state.1 = true;
                state.0.take()
            }
            Err(_) => None,
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    });
    let future = poll_fn(move |cx| {
        let mut state = slot.lock().unwrap();
        if state.1 {
            Poll::Ready(())
        } else {
            state.0 = Some(cx.waker().clone());
            Poll::Pending
        }
    });
    (future, thread)
}
