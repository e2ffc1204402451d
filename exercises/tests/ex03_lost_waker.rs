//! Exercise 3: a lost waker. Against your code:
//! `cargo test -p aioli-exercises --features mine --test ex03_lost_waker`

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use aioli::task::Builder as TaskBuilder;
use aioli::time::{sleep, timeout, Instant};
use aioli::Runtime;
use aioli_exercises::ex03_lost_waker::Flag;

/// A paused-clock runtime in debug mode whose warnings are collected.
fn debug_runtime() -> (Runtime, Rc<RefCell<Vec<String>>>) {
    let warnings = Rc::new(RefCell::new(Vec::new()));
    let sink = warnings.clone();
    let runtime = Runtime::builder()
        .paused_clock(true)
        .debug(true)
        .slow_poll_threshold(None)
        .trace_to(move |line| {
            if !line.starts_with("aioli tick") {
                sink.borrow_mut().push(line.to_string());
            }
        })
        .build()
        .expect("a runtime");
    (runtime, warnings)
}

/// The lost-waker warning, if the runtime gave one.
fn lost_waker_warning(warnings: &RefCell<Vec<String>>) -> Option<String> {
    warnings.borrow().iter().find(|line| line.contains("waker") && line.contains("warning")).cloned()
}

#[test]
fn a_waiter_wakes_when_the_flag_is_set() {
    let (runtime, warnings) = debug_runtime();
    let outcome = runtime.block_on(async {
        let flag = Rc::new(Flag::default());
        let start = Instant::now();
        let waiter = {
            let flag = flag.clone();
            TaskBuilder::new().name("waiter").spawn(async move {
                flag.wait().await;
                start.elapsed()
            })
        };
        let _setter = TaskBuilder::new().name("setter").spawn(async move {
            sleep(Duration::from_millis(100)).await;
            flag.set();
        });
        timeout(Duration::from_secs(1), waiter).await
    });
    let warning = lost_waker_warning(&warnings);
    assert!(
        warning.is_none(),
        "the runtime saw a task wait with no one holding its waker:\n  {}\n\
         FlagWait::poll must store cx.waker() before it returns Pending",
        warning.unwrap_or_default()
    );
    match outcome {
        Ok(Ok(waited)) => {
            assert_eq!(waited, Duration::from_millis(100), "the waiter should go on as soon as set() is called")
        }
        Ok(Err(error)) => panic!("the waiter task failed: {error}"),
        Err(_) => panic!("the flag was set at 100 ms, and the waiter still hangs after 1 s: set() must wake it"),
    }
}

#[test]
fn every_waiter_wakes() {
    let (runtime, _warnings) = debug_runtime();
    let woken = runtime.block_on(async {
        let flag = Rc::new(Flag::default());
        let waiters: Vec<_> = (0..3)
            .map(|_| {
                let flag = flag.clone();
                aioli::spawn(async move { flag.wait().await })
            })
            .collect();
        aioli::task::yield_now().await; // let all three start waiting
        flag.set();
        timeout(Duration::from_secs(1), aioli::join_all(waiters)).await
    });
    let results = woken.expect("three tasks wait on one flag; set() must wake all of them, not only the last");
    assert!(results.iter().all(Result::is_ok));
}

#[test]
fn a_raised_flag_does_not_wait() {
    let (runtime, _warnings) = debug_runtime();
    runtime.block_on(async {
        let flag = Flag::default();
        flag.set();
        assert!(flag.is_set());
        timeout(Duration::from_millis(1), flag.wait())
            .await
            .expect("the flag is already raised: wait() is ready at once");
    });
}
