//! Timers and the loop's turning: order, scale, paused time, fairness,
//! and wakes from other threads.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use aioli::time::{interval, sleep, sleep_until, timeout, Instant, MissedTickBehavior};
use aioli::Runtime;

mod common;

fn paused() -> Runtime {
    Runtime::builder().paused_clock(true).build().unwrap()
}

#[test]
fn timers_fire_in_deadline_order() {
    let order = paused().block_on(async {
        let order = Rc::new(RefCell::new(Vec::new()));
        // Spawned in an order unrelated to the deadlines; two share one.
        let deadlines = [50u64, 10, 40, 10, 30, 20];
        let handles: Vec<_> = deadlines
            .iter()
            .enumerate()
            .map(|(index, &ms)| {
                let order = order.clone();
                aioli::spawn(async move {
                    sleep(Duration::from_millis(ms)).await;
                    order.borrow_mut().push((ms, index));
                })
            })
            .collect();
        for handle in handles {
            handle.await.unwrap();
        }
        order.take()
    });
    // Equal deadlines fire in the order they were armed.
    assert_eq!(order, [(10, 1), (10, 3), (20, 5), (30, 4), (40, 2), (50, 0)]);
}

#[test]
fn one_hundred_thousand_concurrent_sleeps_complete() {
    // The real clock: 100k timers spread over 1..=20 ms.
    let completed = aioli::run(async {
        let completed = Rc::new(Cell::new(0u32));
        let handles: Vec<_> = (0..100_000u64)
            .map(|i| {
                let completed = completed.clone();
                aioli::spawn(async move {
                    sleep(Duration::from_millis(1 + i % 20)).await;
                    completed.set(completed.get() + 1);
                })
            })
            .collect();
        for handle in handles {
            handle.await.unwrap();
        }
        completed.get()
    });
    assert_eq!(completed, 100_000);
}

#[test]
fn a_paused_clock_runs_long_sleeps_instantly_and_exactly() {
    let wall = std::time::Instant::now();
    let virtual_elapsed = paused().block_on(async {
        let start = Instant::now();
        let day = aioli::spawn(sleep(Duration::from_secs(24 * 3600)));
        sleep(Duration::from_secs(3600)).await;
        assert_eq!(start.elapsed(), Duration::from_secs(3600));
        day.await.unwrap();
        start.elapsed()
    });
    assert_eq!(virtual_elapsed, Duration::from_secs(24 * 3600));
    // Not a speed assertion: a real day would never get here at all. This
    // only documents that the clock jumped rather than slept.
    assert!(wall.elapsed() < Duration::from_secs(3600));
}

#[test]
fn the_paused_clock_does_not_move_while_a_task_is_ready() {
    paused().block_on(async {
        let start = Instant::now();
        let _sleeper = aioli::spawn(sleep(Duration::from_secs(10)));
        for _ in 0..1000 {
            aioli::task::yield_now().await;
        }
        assert_eq!(start.elapsed(), Duration::ZERO, "time moves only when every task waits");
    });
}

#[test]
fn sleep_until_a_past_deadline_is_ready_at_once() {
    aioli::run(async {
        let past = Instant::now();
        sleep(Duration::from_millis(2)).await;
        sleep_until(past).await;
        assert!(sleep_until(past).is_elapsed());
    });
}

#[test]
fn timeout_gives_the_output_or_elapsed() {
    paused().block_on(async {
        assert_eq!(timeout(Duration::from_secs(1), async { 9 }).await, Ok(9));
        let line = line!() + 1;
        let late = timeout(Duration::from_secs(1), sleep(Duration::from_secs(2))).await;
        let error = late.unwrap_err();
        assert_eq!(error.limit(), Duration::from_secs(1));
        // The message names the line that called timeout, not timeout.rs.
        assert_eq!((error.called_at().file(), error.called_at().line()), (file!(), line));
        assert_eq!(
            error.to_string(),
            format!(
                "timed out: the future given to timeout at {} did not finish within 1s, so it was dropped",
                error.called_at()
            )
        );
        assert!(!error.to_string().contains("JoinHandle"), "no handle was involved: {error}");
    });
}

#[test]
fn timeout_drops_the_future_it_gave_up_on() {
    paused().block_on(async {
        let dropped = Rc::new(Cell::new(false));
        struct Flag(Rc<Cell<bool>>);
        impl Drop for Flag {
            fn drop(&mut self) {
                self.0.set(true);
            }
        }
        let flag = Flag(dropped.clone());
        let slow = async move {
            let _held = flag;
            sleep(Duration::from_secs(5)).await;
        };
        assert!(timeout(Duration::from_millis(10), slow).await.is_err());
        assert!(dropped.get());
    });
}

/// The scheduled instants of `count` ticks, as offsets from the first,
/// with the loop blocked for `stall` after the first tick.
fn ticks_after_stall(behavior: MissedTickBehavior, stall: Duration, count: usize) -> Vec<u64> {
    paused().block_on(async move {
        let mut ticks = interval(Duration::from_millis(10));
        ticks.set_missed_tick_behavior(behavior);
        let first = ticks.tick().await;
        // A stall the interval cannot see coming: a sleep elsewhere.
        sleep(stall).await;
        let mut seen = Vec::new();
        for _ in 0..count {
            let at = ticks.tick().await;
            seen.push((at - first).as_millis() as u64);
        }
        seen
    })
}

#[test]
fn interval_ticks_every_period() {
    assert_eq!(ticks_after_stall(MissedTickBehavior::Burst, Duration::ZERO, 4), [10, 20, 30, 40]);
}

#[test]
fn interval_missed_tick_policies() {
    let stall = Duration::from_millis(35);
    // Burst: the missed ticks (10, 20, 30) come back to back, then the grid.
    assert_eq!(ticks_after_stall(MissedTickBehavior::Burst, stall, 5), [10, 20, 30, 40, 50]);
    // Delay: a late tick restarts the period from when it was taken (35).
    assert_eq!(ticks_after_stall(MissedTickBehavior::Delay, stall, 3), [10, 45, 55]);
    // Skip: missed ticks vanish, the grid is kept.
    assert_eq!(ticks_after_stall(MissedTickBehavior::Skip, stall, 3), [10, 40, 50]);
}

#[test]
#[should_panic(expected = "period greater than zero")]
fn an_interval_of_zero_is_refused() {
    let _ = interval(Duration::ZERO);
}

#[test]
fn a_yielding_task_cannot_starve_timers_or_other_tasks() {
    // The real clock: the busy task is always ready, yet the 5 ms timer
    // must still fire, because each tick polls a bounded batch and then
    // runs phases 2-4.
    aioli::run(async {
        let stop = Rc::new(Cell::new(false));
        let spins = Rc::new(Cell::new(0u64));
        let (flag, count) = (stop.clone(), spins.clone());
        let busy = aioli::spawn(async move {
            while !flag.get() {
                count.set(count.get() + 1);
                aioli::task::yield_now().await;
            }
        });
        let other = aioli::spawn(async { 1 });
        assert_eq!(other.await, Ok(1));
        sleep(Duration::from_millis(5)).await;
        stop.set(true);
        busy.await.unwrap();
        assert!(spins.get() >= 1);
    });
}

#[test]
fn a_task_that_never_returns_pending_by_itself_still_yields() {
    // `sleep(ZERO)` is always due, so without the cooperative budget this
    // loop would never give the loop back and the timer below never fires.
    aioli::run(async {
        let stop = Rc::new(Cell::new(false));
        let flag = stop.clone();
        let spinner = aioli::spawn(async move {
            let mut laps = 0u64;
            while !flag.get() {
                sleep(Duration::ZERO).await;
                laps += 1;
            }
            laps
        });
        sleep(Duration::from_millis(5)).await;
        stop.set(true);
        let laps = spinner.await.unwrap();
        assert!(laps > 0);
    });
}

#[test]
fn a_wake_from_another_thread_ends_a_blocking_poll() {
    // The loop has no timer and no ready task, so phase 3 blocks with no
    // timeout: only the mio::Waker can end it. The loop runs on its own
    // thread so that, if the wake were lost, this test fails after a
    // bound instead of hanging.
    let (report, outcome) = std::sync::mpsc::channel();
    let loop_thread = std::thread::spawn(move || {
        let waited = aioli::run(async {
            let (woken, waker_thread) = common::completed_by_another_thread(Duration::from_millis(30));
            woken.await;
            waker_thread.join().is_ok()
        });
        let _ = report.send(waited);
    });
    let woke = outcome.recv_timeout(Duration::from_secs(30));
    assert_eq!(woke, Ok(true), "the loop stayed asleep: the cross-thread wake was lost");
    loop_thread.join().unwrap();
}

#[test]
fn many_cross_thread_wakes_are_never_lost() {
    // Races the wakers against the loop parking, 200 times: half the
    // threads fire at once, half after a short sleep.
    aioli::run(async {
        for round in 0..200u32 {
            let delay = if round % 2 == 0 { Duration::ZERO } else { Duration::from_micros(200) };
            let (woken, thread) = common::completed_by_another_thread(delay);
            let woke = timeout(Duration::from_secs(10), woken).await;
            assert!(woke.is_ok(), "round {round}: a wake from another thread was lost");
            thread.join().unwrap();
        }
    });
}
