//! Exercise 5: a timeout that must not lose a message. Against your code:
//! `cargo test -p aioli-exercises --features mine --test ex05_timeout_keeps_message`

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use aioli::sync::mpsc;
use aioli::time::{sleep, timeout, Instant};
use aioli_exercises::ex05_timeout_keeps_message::Forwarder;
use aioli_exercises::test_runtime;

#[test]
fn no_message_within_the_limit_is_an_error() {
    let runtime = test_runtime().expect("a runtime");
    runtime.block_on(async {
        let (_sender, inbox) = mpsc::channel::<String>(8);
        let mut forwarder = Forwarder::new(inbox, Rc::default());
        let start = Instant::now();
        let outcome = forwarder.forward_one(Duration::from_millis(30)).await;
        assert!(outcome.is_err(), "nothing was sent: forward_one must give up after the limit");
        assert_eq!(start.elapsed(), Duration::from_millis(30));
    });
}

#[test]
fn a_closed_inbox_is_the_end() {
    let runtime = test_runtime().expect("a runtime");
    runtime.block_on(async {
        let (sender, inbox) = mpsc::channel::<String>(8);
        drop(sender);
        let mut forwarder = Forwarder::new(inbox, Rc::default());
        assert_eq!(forwarder.forward_one(Duration::from_millis(30)).await, Ok(false));
    });
}

#[test]
fn every_message_arrives_once_in_order_despite_timeouts() {
    let runtime = test_runtime().expect("a runtime");
    let (delivered, timeouts) = runtime.block_on(async {
        let (sender, inbox) = mpsc::channel::<String>(16);
        let outbox = Rc::new(RefCell::new(Vec::new()));
        let mut forwarder = Forwarder::new(inbox, outbox.clone());
        // Five messages, 30 ms apart, then silence, then the end. A
        // delivery takes 50 ms and the limit is 40 ms: a naive forwarder
        // is cut off in the middle of deliveries.
        let producer = aioli::spawn(async move {
            for n in 0..5 {
                if sender.send(format!("message {n}")).await.is_err() {
                    return;
                }
                sleep(Duration::from_millis(30)).await;
            }
            sleep(Duration::from_millis(200)).await;
        });
        let mut timeouts = 0;
        let finished = timeout(Duration::from_secs(10), async {
            loop {
                match forwarder.forward_one(Duration::from_millis(40)).await {
                    Ok(true) => {}
                    Ok(false) => break,
                    Err(_) => timeouts += 1,
                }
            }
        })
        .await;
        assert!(
            finished.is_ok(),
            "the producer closed the inbox after 350 ms; forward_one should then return Ok(false)"
        );
        let _ = producer.await;
        (outbox.take(), timeouts)
    });
    let expected: Vec<String> = (0..5).map(|n| format!("message {n}")).collect();
    assert_eq!(
        delivered, expected,
        "every message sent must be delivered once, in order; a message taken from the inbox \
         and dropped by the timeout midway through its delivery is lost"
    );
    assert!(timeouts > 0, "the silence at the end should have timed out at least once");
}
