//! Exercise 2: `select(a, b)` by hand. Against your code:
//! `cargo test -p aioli-exercises --features mine --test ex02_select`

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use aioli::time::{sleep, Instant};
use aioli_exercises::ex02_select::{select, Either};
use aioli_exercises::test_runtime;

/// Sets its flag when dropped: shows when a future's state is torn down.
struct DropFlag(Rc<Cell<bool>>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.set(true);
    }
}

async fn answer_after(ms: u64, answer: &'static str, dropped: Rc<Cell<bool>>) -> &'static str {
    let _flag = DropFlag(dropped);
    sleep(Duration::from_millis(ms)).await;
    answer
}

#[test]
fn the_faster_future_wins() {
    let runtime = test_runtime().expect("a runtime");
    let (winner, elapsed) = runtime.block_on(async {
        let start = Instant::now();
        let slow = answer_after(400, "primary", Rc::default());
        let fast = answer_after(200, "mirror", Rc::default());
        (select(slow, fast).await, start.elapsed())
    });
    assert_eq!(winner, Either::Right("mirror"));
    assert_eq!(elapsed, Duration::from_millis(200), "select returns when the first one finishes");
}

#[test]
fn the_loser_is_dropped_before_select_returns() {
    let runtime = test_runtime().expect("a runtime");
    runtime.block_on(async {
        let loser_dropped = Rc::new(Cell::new(false));
        let winner =
            select(answer_after(10, "fast", Rc::default()), answer_after(500, "slow", loser_dropped.clone())).await;
        assert_eq!(winner, Either::Left("fast"));
        assert!(loser_dropped.get(), "the losing future must be dropped (cancelled) by the time select returns");
    });
}

#[test]
fn the_first_argument_wins_a_tie() {
    let runtime = test_runtime().expect("a runtime");
    let winner = runtime.block_on(select(async { 1 }, async { 2 }));
    assert_eq!(winner, Either::Left(1), "both ready at the first poll: a was polled first, so a wins");
}

#[test]
fn a_timeout_built_from_select() {
    let runtime = test_runtime().expect("a runtime");
    runtime.block_on(async {
        let dropped = Rc::new(Cell::new(false));
        let start = Instant::now();
        let outcome = select(answer_after(2000, "slow op", dropped.clone()), sleep(Duration::from_millis(500))).await;
        assert_eq!(outcome, Either::Right(()), "the 500 ms timer wins against a 2 s operation");
        assert_eq!(start.elapsed(), Duration::from_millis(500));
        assert!(dropped.get(), "the timed-out operation was cancelled");
    });
}
