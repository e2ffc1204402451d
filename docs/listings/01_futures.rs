//! Listings for docs/src/01-futures.md: a future written by hand, polled by
//! the runtime and then by hand, and an `async fn` next to the state
//! machine the compiler makes of it.
//!
//! The book shows the lines between the ANCHOR comments; the tests below
//! (run by tests/book_listings.rs) keep the listings compiling and running.

// ANCHOR: countdown
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Ready after `left` more polls; says so on each one.
struct Countdown {
    left: u32,
}

impl Future for Countdown {
    type Output = &'static str;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<&'static str> {
        if self.left == 0 {
            return Poll::Ready("liftoff");
        }
        println!("{}...", self.left);
        self.left -= 1;
        // Keep the promise: we have nothing to wait for, so we ask to be
        // polled again right away. Without this line the task would hang.
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

fn main() {
    let said = aioli::run(Countdown { left: 3 });
    println!("{said}");
}
// ANCHOR_END: countdown

// ANCHOR: poll_by_hand
use std::sync::Arc;
use std::task::{Wake, Waker};

struct PrintWaker;

impl Wake for PrintWaker {
    fn wake(self: Arc<Self>) {
        println!("  (woken: poll me again)");
    }
}

/// No runtime at all: this function is the event loop.
fn poll_by_hand() {
    let waker = Waker::from(Arc::new(PrintWaker));
    let mut cx = Context::from_waker(&waker);
    let mut countdown = std::pin::pin!(Countdown { left: 2 });
    loop {
        match countdown.as_mut().poll(&mut cx) {
            Poll::Ready(said) => break println!("{said}"),
            Poll::Pending => println!("  got Pending"),
        }
    }
}
// ANCHOR_END: poll_by_hand

use std::time::Duration;

use aioli::time::{sleep, Sleep};

// ANCHOR: greet
async fn greet() -> String {
    println!("hello");
    sleep(Duration::from_secs(1)).await;
    "world".to_string()
}
// ANCHOR_END: greet

// ANCHOR: greet_by_hand
enum Greet {
    /// Not polled yet: the body has not started.
    Start,
    /// Stopped at the `.await`: the sleep is the only live local.
    Sleeping(Sleep),
    /// Returned its value; polling again is a bug.
    Done,
}

impl Future for Greet {
    type Output = String;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<String> {
        loop {
            match &mut *self {
                Greet::Start => {
                    println!("hello");
                    *self = Greet::Sleeping(sleep(Duration::from_secs(1)));
                }
                Greet::Sleeping(sleeping) => {
                    // `.await` is: poll the inner future; if it is Pending,
                    // return Pending too (its waker is already arranged).
                    match Pin::new(sleeping).poll(cx) {
                        Poll::Pending => return Poll::Pending,
                        Poll::Ready(()) => {
                            *self = Greet::Done;
                            return Poll::Ready("world".to_string());
                        }
                    }
                }
                Greet::Done => panic!("Greet polled after it returned"),
            }
        }
    }
}
// ANCHOR_END: greet_by_hand

#[test]
fn countdown_runs() {
    main();
}

#[test]
fn countdown_polls_by_hand() {
    poll_by_hand();
}

#[test]
fn the_hand_written_state_machine_does_what_the_async_fn_does() {
    // A paused clock: the one-second sleeps take no real time (chapter 5).
    let runtime = aioli::Runtime::builder().paused_clock(true).build().expect("a runtime");
    let by_hand = runtime.block_on(async {
        let start = aioli::time::Instant::now();
        (Greet::Start.await, start.elapsed())
    });
    let by_compiler = runtime.block_on(async {
        let start = aioli::time::Instant::now();
        (greet().await, start.elapsed())
    });
    assert_eq!(by_hand, ("world".to_string(), Duration::from_secs(1)));
    assert_eq!(by_hand, by_compiler);
}
