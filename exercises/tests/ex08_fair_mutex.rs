//! Exercise 8: an async mutex with a fairness bug. Against your code:
//! `cargo test -p aioli-exercises --features mine --test ex08_fair_mutex`

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use aioli::time::{sleep, timeout};
use aioli_exercises::ex08_fair_mutex::SimpleMutex;
use aioli_exercises::test_runtime;

#[test]
fn a_waiter_is_served_before_a_latecomer() {
    let runtime = test_runtime().expect("a runtime");
    let order = runtime.block_on(async {
        let mutex = Rc::new(SimpleMutex::new(()));
        let order = Rc::new(RefCell::new(Vec::new()));
        // "greedy" holds the lock 10 ms at a time, three times, and asks
        // again the moment it lets go.
        let greedy = {
            let (mutex, order) = (mutex.clone(), order.clone());
            aioli::spawn(async move {
                for _ in 0..3 {
                    let _guard = mutex.lock().await;
                    order.borrow_mut().push("greedy");
                    sleep(Duration::from_millis(10)).await;
                }
            })
        };
        aioli::task::yield_now().await; // greedy takes the lock first
        let patient = {
            let (mutex, order) = (mutex.clone(), order.clone());
            aioli::spawn(async move {
                let _guard = mutex.lock().await;
                order.borrow_mut().push("patient");
                sleep(Duration::from_millis(10)).await;
            })
        };
        let done = timeout(Duration::from_secs(1), aioli::join(greedy, patient)).await;
        assert!(done.is_ok(), "both tasks should be done after 40 ms");
        order.take()
    });
    assert_eq!(
        order,
        ["greedy", "patient", "greedy", "greedy"],
        "\"patient\" asked while \"greedy\" held the lock, so it must get the lock next, before greedy's \
         second lock(): hand the lock to the first waiter instead of setting it free"
    );
}

#[test]
fn the_mutex_still_excludes() {
    let runtime = test_runtime().expect("a runtime");
    let balance = runtime.block_on(async {
        let account = Rc::new(SimpleMutex::new(0));
        let deposits: Vec<_> = (0..5)
            .map(|_| {
                let account = account.clone();
                aioli::spawn(async move {
                    let mut balance = account.lock().await;
                    let read = *balance;
                    sleep(Duration::from_millis(10)).await;
                    *balance = read + 10;
                })
            })
            .collect();
        let done = timeout(Duration::from_secs(1), aioli::join_all(deposits)).await;
        assert!(done.is_ok(), "five deposits of 10 ms should be done after 50 ms");
        let balance = *account.lock().await;
        assert!(!account.is_locked());
        balance
    });
    assert_eq!(balance, 50, "each deposit read, waited and wrote under the lock: none lost");
}

#[test]
fn a_cancelled_waiter_passes_the_lock_on() {
    let runtime = test_runtime().expect("a runtime");
    runtime.block_on(async {
        let mutex = Rc::new(SimpleMutex::new(()));
        let guard = mutex.lock().await;
        let spawn_waiter = |name: &'static str| {
            let mutex = mutex.clone();
            aioli::spawn(async move {
                let _guard = mutex.lock().await;
                name
            })
        };
        let first = spawn_waiter("first");
        let second = spawn_waiter("second");
        aioli::task::yield_now().await; // both are in line now
                                        // Unlock, which gives the lock to "first", and cancel "first"
                                        // before it has run: the lock must go on to "second".
        drop(guard);
        first.abort();
        match timeout(Duration::from_secs(1), second).await {
            Ok(Ok(name)) => assert_eq!(name, "second"),
            Ok(Err(error)) => panic!("the second waiter failed: {error}"),
            Err(_) => panic!(
                "the first waiter was cancelled while the lock was on its way to it; the second still waits after 1 s"
            ),
        }
        assert!(!mutex.is_locked(), "everyone is done: the lock is free");
    });
}
