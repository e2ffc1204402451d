//! Helpers shared by the integration tests.

use std::future::{poll_fn, Future};
use std::sync::{Arc, Mutex};
use std::task::{Poll, Waker};
use std::thread::JoinHandle;
use std::time::Duration;

/// A future that a plain std thread completes after `delay` (or right
/// away, after a `yield_now`, when `delay` is zero), by calling the waker
/// the future stored. The wake comes from outside the loop's thread, so
/// it must go through the run queue and the `mio::Waker`.
///
/// Returns the future and the thread, to join after awaiting.
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
