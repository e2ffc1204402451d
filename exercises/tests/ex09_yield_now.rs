//! Exercise 9: `yield_now` by hand. Against your code:
//! `cargo test -p aioli-exercises --features mine --test ex09_yield_now`

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use aioli::time::timeout;
use aioli_exercises::ex09_yield_now::yield_now;
use aioli_exercises::test_runtime;

#[test]
fn two_tasks_take_turns() {
    let runtime = test_runtime().expect("a runtime");
    let order = runtime.block_on(async {
        let order = Rc::new(RefCell::new(Vec::new()));
        let tasks: Vec<_> = ["a", "b"]
            .into_iter()
            .map(|name| {
                let order = order.clone();
                aioli::spawn(async move {
                    for step in 0..3 {
                        order.borrow_mut().push(format!("{name}{step}"));
                        yield_now().await;
                    }
                })
            })
            .collect();
        let done = timeout(Duration::from_secs(1), aioli::join_all(tasks)).await;
        assert!(done.is_ok(), "a task that yields must be polled again: wake the waker before returning Pending");
        order.take()
    });
    assert_eq!(order, ["a0", "b0", "a1", "b1", "a2", "b2"], "each yield lets the other task run one step");
}

#[test]
fn yield_now_finishes() {
    let runtime = test_runtime().expect("a runtime");
    let outcome = runtime.block_on(timeout(Duration::from_secs(1), async {
        yield_now().await;
        yield_now().await;
        "done"
    }));
    assert_eq!(outcome, Ok("done"));
}
