//! Exercise 1: `join(a, b)` by hand. Against your code:
//! `cargo test -p aioli-exercises --features mine --test ex01_join`

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use aioli::time::{sleep, Instant};
use aioli_exercises::ex01_join::join;
use aioli_exercises::test_runtime;

#[test]
fn outputs_come_back_in_argument_order() {
    let runtime = test_runtime().expect("a runtime");
    let outputs = runtime.block_on(join(
        async {
            sleep(Duration::from_millis(20)).await;
            1
        },
        async { "two" },
    ));
    assert_eq!(outputs, (1, "two"), "join(a, b) returns (a's output, b's output), whichever finished first");
}

#[test]
fn both_futures_wait_at_the_same_time() {
    let runtime = test_runtime().expect("a runtime");
    let elapsed = runtime.block_on(async {
        let start = Instant::now();
        join(sleep(Duration::from_millis(100)), sleep(Duration::from_millis(100))).await;
        start.elapsed()
    });
    assert_eq!(
        elapsed,
        Duration::from_millis(100),
        "two 100 ms sleeps joined should take 100 ms, not {elapsed:?}: poll both before returning Pending"
    );
}

/// Ready at its first poll; panics if polled after that.
struct ReadyOnce {
    done: bool,
}

impl Future for ReadyOnce {
    type Output = &'static str;

    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<&'static str> {
        assert!(!self.done, "a finished future was polled again: keep its output and skip it next time");
        self.done = true;
        Poll::Ready("ready")
    }
}

#[test]
fn a_finished_future_is_not_polled_again() {
    let runtime = test_runtime().expect("a runtime");
    // The sleep makes join poll several times; ReadyOnce must be polled once.
    let outputs = runtime.block_on(join(ReadyOnce { done: false }, async {
        aioli::task::yield_now().await;
        sleep(Duration::from_millis(10)).await;
        aioli::task::yield_now().await;
        7
    }));
    assert_eq!(outputs, ("ready", 7));
}

#[test]
fn works_for_many_futures_nested() {
    let runtime = test_runtime().expect("a runtime");
    let (elapsed, outputs) = runtime.block_on(async {
        let start = Instant::now();
        let wait = |ms: u64| async move {
            sleep(Duration::from_millis(ms)).await;
            ms
        };
        let outputs = join(join(wait(30), wait(10)), join(wait(20), wait(40))).await;
        (start.elapsed(), outputs)
    });
    assert_eq!(outputs, ((30, 10), (20, 40)));
    assert_eq!(elapsed, Duration::from_millis(40), "four joined sleeps take as long as the longest");
}
