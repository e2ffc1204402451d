//! Exercise 4: a semaphore from a Mutex and an Event. Against your code:
//! `cargo test -p aioli-exercises --features mine --test ex04_semaphore`

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use aioli::time::{sleep, timeout, Instant};
use aioli_exercises::ex04_semaphore::MySemaphore;
use aioli_exercises::test_runtime;

#[test]
fn at_most_three_at_a_time() {
    let runtime = test_runtime().expect("a runtime");
    let (peak, elapsed, free) = runtime.block_on(async {
        let semaphore = MySemaphore::new(3);
        let running = Rc::new(Cell::new(0));
        let peak = Rc::new(Cell::new(0));
        let start = Instant::now();
        let jobs: Vec<_> = (0..10)
            .map(|_| {
                let (semaphore, running, peak) = (semaphore.clone(), running.clone(), peak.clone());
                aioli::spawn(async move {
                    let _permit = semaphore.acquire().await;
                    running.set(running.get() + 1);
                    peak.set(peak.get().max(running.get()));
                    sleep(Duration::from_millis(100)).await;
                    running.set(running.get() - 1);
                })
            })
            .collect();
        let done = timeout(Duration::from_secs(5), aioli::join_all(jobs)).await;
        assert!(
            done.is_ok(),
            "ten jobs of 100 ms with three permits should finish in 400 ms; after 5 s some still wait"
        );
        (peak.get(), start.elapsed(), semaphore.available_permits())
    });
    assert_eq!(peak, 3, "never more than 3 holders at once, and 3 when there is work for 3");
    assert_eq!(elapsed, Duration::from_millis(400), "10 jobs, 3 at a time, 100 ms each: 4 rounds");
    assert_eq!(free, Some(3), "every permit came back");
}

#[test]
fn a_waiting_acquire_wakes_when_a_permit_comes_back() {
    let runtime = test_runtime().expect("a runtime");
    runtime.block_on(async {
        let semaphore = MySemaphore::new(1);
        let start = Instant::now();
        let holder = {
            let semaphore = semaphore.clone();
            aioli::spawn(async move {
                let _permit = semaphore.acquire().await;
                sleep(Duration::from_millis(100)).await;
            })
        };
        aioli::task::yield_now().await; // the holder takes the only permit
        let permit = timeout(Duration::from_secs(1), semaphore.acquire()).await;
        assert!(permit.is_ok(), "the holder gave its permit back at 100 ms, but acquire still waits after 1 s");
        assert_eq!(start.elapsed(), Duration::from_millis(100));
        drop(permit);
        let _ = holder.await;
    });
}

#[test]
fn a_cancelled_holder_gives_its_permit_back() {
    let runtime = test_runtime().expect("a runtime");
    runtime.block_on(async {
        let semaphore = MySemaphore::new(1);
        let holder = {
            let semaphore = semaphore.clone();
            aioli::spawn(async move {
                let _permit = semaphore.acquire().await;
                sleep(Duration::from_secs(3600)).await;
            })
        };
        aioli::task::yield_now().await;
        assert_eq!(semaphore.available_permits(), Some(0));
        holder.abort();
        let _ = holder.await;
        assert_eq!(semaphore.available_permits(), Some(1), "dropping the cancelled task dropped its permit");
        let again = timeout(Duration::from_millis(10), semaphore.acquire()).await;
        assert!(again.is_ok(), "the permit is free again");
    });
}
