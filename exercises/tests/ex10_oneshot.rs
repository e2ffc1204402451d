//! Exercise 10: a oneshot channel. Against your code:
//! `cargo test -p aioli-exercises --features mine --test ex10_oneshot`

use std::time::Duration;

use aioli::time::{sleep, timeout, Instant};
use aioli_exercises::ex10_oneshot::{channel, Canceled};
use aioli_exercises::test_runtime;

#[test]
fn a_value_sent_later_wakes_the_receiver() {
    let runtime = test_runtime().expect("a runtime");
    runtime.block_on(async {
        let (sender, receiver) = channel::<u32>();
        let start = Instant::now();
        let _setter = aioli::spawn(async move {
            sleep(Duration::from_millis(300)).await;
            assert_eq!(sender.send(42), Ok(()), "the receiver is waiting: send must succeed");
        });
        let value = timeout(Duration::from_secs(1), receiver).await;
        assert_eq!(value, Ok(Ok(42)), "the value sent at 300 ms must reach the waiting receiver");
        assert_eq!(start.elapsed(), Duration::from_millis(300), "the receiver goes on as soon as the value is sent");
    });
}

#[test]
fn a_value_sent_before_the_await_is_there_at_once() {
    let runtime = test_runtime().expect("a runtime");
    runtime.block_on(async {
        let (sender, receiver) = channel();
        assert_eq!(sender.send("early"), Ok(()));
        assert_eq!(timeout(Duration::from_millis(1), receiver).await, Ok(Ok("early")));
    });
}

#[test]
fn a_dropped_sender_ends_the_wait_with_an_error() {
    let runtime = test_runtime().expect("a runtime");
    runtime.block_on(async {
        let (sender, receiver) = channel::<u32>();
        let _giver_up = aioli::spawn(async move {
            sleep(Duration::from_millis(100)).await;
            drop(sender);
        });
        let outcome = timeout(Duration::from_secs(1), receiver).await;
        assert_eq!(
            outcome,
            Ok(Err(Canceled)),
            "the sender was dropped at 100 ms without sending: the receiver must get Err(Canceled), not hang"
        );
    });
}

#[test]
fn a_send_after_the_receiver_left_gives_the_value_back() {
    let runtime = test_runtime().expect("a runtime");
    runtime.block_on(async {
        let (sender, receiver) = channel::<String>();
        assert!(!sender.is_closed());
        drop(receiver);
        assert!(sender.is_closed(), "the receiver is gone: is_closed() must say so");
        assert_eq!(sender.send("lost?".to_string()), Err("lost?".to_string()), "send hands the value back");
    });
}
