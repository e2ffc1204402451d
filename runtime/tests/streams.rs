//! Streams: `iter`, the adapters, hand-written streams, channels as
//! streams, and `from_task` (async generators), on a paused clock.

use std::cell::Cell;
use std::collections::HashMap;
use std::future::Future;
use std::marker::PhantomPinned;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

use aioli::stream::{self, Stream, StreamExt};
use aioli::sync::mpsc;
use aioli::task::yield_now;
use aioli::time::{sleep, Instant, Sleep};

mod common;
use common::{paused, DropCounter};

/// A hand-written stream: yields 0, 1, … `count - 1`, sleeping `gap`
/// before each. It holds a `Sleep` by value, so it is the kind of state
/// machine an async iterator turns into.
struct Ticker {
    next: u32,
    count: u32,
    gap: Duration,
    sleep: Option<Pin<Box<Sleep>>>,
}

impl Stream for Ticker {
    type Item = u32;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<u32>> {
        if self.next == self.count {
            return Poll::Ready(None);
        }
        let gap = self.gap;
        let sleep = self.sleep.get_or_insert_with(|| Box::pin(sleep(gap)));
        if sleep.as_mut().poll(cx).is_pending() {
            return Poll::Pending;
        }
        self.sleep = None;
        self.next += 1;
        Poll::Ready(Some(self.next - 1))
    }
}

#[test]
fn iter_yields_each_item_then_none() {
    paused().block_on(async {
        let mut numbers = stream::iter(vec![1, 2, 3]);
        assert_eq!(numbers.size_hint(), (3, Some(3)));
        assert_eq!(numbers.next().await, Some(1));
        assert_eq!(numbers.next().await, Some(2));
        assert_eq!(numbers.next().await, Some(3));
        assert_eq!(numbers.next().await, None);
        assert_eq!(numbers.next().await, None);
    });
}

#[test]
fn map_filter_take_collect_chain() {
    paused().block_on(async {
        let squares_of_odds: Vec<u64> =
            stream::iter(1..).filter(|n| n % 2 == 1).map(|n: u64| n * n).take(4).collect().await;
        assert_eq!(squares_of_odds, [1, 9, 25, 49]);

        let text: String = stream::iter(["a", "b", "c"]).map(str::to_uppercase).collect().await;
        assert_eq!(text, "ABC");

        let lengths: HashMap<&str, usize> = stream::iter(["one", "three"]).map(|w| (w, w.len())).collect().await;
        assert_eq!(lengths["three"], 5);

        let nothing: Vec<u8> = stream::iter(Vec::<u8>::new()).collect().await;
        assert!(nothing.is_empty());
    });
}

#[test]
fn size_hints_flow_through_the_adapters() {
    let items = stream::iter(0..10);
    assert_eq!(items.size_hint(), (10, Some(10)));
    assert_eq!(stream::iter(0..10).map(|x| x + 1).size_hint(), (10, Some(10)));
    assert_eq!(stream::iter(0..10).filter(|x| *x > 3).size_hint(), (0, Some(10)));
    assert_eq!(stream::iter(0..10).take(3).size_hint(), (3, Some(3)));
    assert_eq!(stream::iter(0..2).take(3).size_hint(), (2, Some(2)));
    assert_eq!(stream::iter(0..).take(3).size_hint(), (3, Some(3)));
}

#[test]
fn take_stops_polling_the_stream_below() {
    paused().block_on(async {
        let polled = Rc::new(Cell::new(0));
        let counting = {
            let polled = polled.clone();
            stream::iter(0..).map(move |n| {
                polled.set(polled.get() + 1);
                n
            })
        };
        let mut first_two = counting.take(2);
        assert_eq!(first_two.next().await, Some(0));
        assert_eq!(first_two.next().await, Some(1));
        assert_eq!(first_two.next().await, None);
        assert_eq!(first_two.next().await, None);
        assert_eq!(polled.get(), 2, "no item is pulled past the limit");
    });
}

#[test]
fn a_hand_written_stream_waits_between_items() {
    paused().block_on(async {
        let start = Instant::now();
        let mut ticker = Ticker { next: 0, count: 3, gap: Duration::from_millis(100), sleep: None };
        let mut seen = Vec::new();
        while let Some(n) = ticker.next().await {
            seen.push((n, start.elapsed().as_millis()));
        }
        assert_eq!(seen, [(0, 100), (1, 200), (2, 300)]);
    });
}

#[test]
fn take_ends_an_endless_interval() {
    paused().block_on(async {
        let start = Instant::now();
        let ticks: Vec<Instant> = aioli::time::interval(Duration::from_millis(10)).take(4).collect().await;
        assert_eq!(ticks.len(), 4);
        assert_eq!(start.elapsed(), Duration::from_millis(30), "the first tick is immediate");
    });
}

#[test]
fn a_stream_that_is_not_unpin_goes_in_a_box() {
    /// Not `Unpin` (PhantomPinned), like a stream holding an async block.
    struct Pinned {
        left: u32,
        _pinned: PhantomPinned,
    }

    impl Stream for Pinned {
        type Item = u32;

        fn poll_next(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<u32>> {
            // Changing a field through a pin would need projection; replacing
            // the whole value with `Pin::set` needs nothing.
            let left = self.left;
            if left == 0 {
                return Poll::Ready(None);
            }
            self.set(Pinned { left: left - 1, _pinned: PhantomPinned });
            Poll::Ready(Some(left))
        }
    }

    paused().block_on(async {
        let boxed = Box::pin(Pinned { left: 3, _pinned: PhantomPinned });
        let doubled: Vec<u32> = boxed.map(|n| n * 2).collect().await;
        assert_eq!(doubled, [6, 4, 2]);
    });
}

#[test]
fn filter_over_an_endless_ready_stream_still_yields_to_other_tasks() {
    // Every item of `iter` is ready at once; the cooperative budget makes
    // the stream step aside now and then so others can run (coop.rs).
    paused().block_on(async {
        let other_ran = Rc::new(Cell::new(false));
        let flag = other_ran.clone();
        let _other = aioli::spawn(async move { flag.set(true) });
        let checked = Rc::new(Cell::new(0u32));
        let counter = checked.clone();
        let mut big = stream::iter(0u32..).filter(move |n| {
            counter.set(counter.get() + 1);
            *n >= 10_000
        });
        assert_eq!(big.next().await, Some(10_000));
        assert_eq!(checked.get(), 10_001);
        assert!(other_ran.get(), "the other task ran during the long search");
    });
}

#[test]
fn a_channel_receiver_is_a_stream() {
    paused().block_on(async {
        let (tx, rx) = mpsc::channel(2);
        let _producer = aioli::spawn(async move {
            for n in 0..5 {
                tx.send(n).await.unwrap();
                sleep(Duration::from_millis(1)).await;
            }
        });
        let evens: Vec<i32> = rx.filter(|n| n % 2 == 0).collect().await;
        assert_eq!(evens, [0, 2, 4]);
    });
}

#[test]
fn from_task_streams_what_the_producer_sends() {
    paused().block_on(async {
        let start = Instant::now();
        let mut numbers = stream::from_task(|tx| async move {
            for n in 0..3 {
                sleep(Duration::from_millis(100)).await;
                tx.send(n).await;
            }
        });
        let mut seen = Vec::new();
        while let Some(n) = numbers.next().await {
            seen.push((n, start.elapsed().as_millis()));
        }
        assert_eq!(seen, [(0, 100), (1, 200), (2, 300)]);
        assert_eq!(numbers.next().await, None, "ended for good when the producer returned");
    });
}

#[test]
fn from_task_producer_runs_at_most_one_item_ahead() {
    paused().block_on(async {
        let produced = Rc::new(Cell::new(0u32));
        let counter = produced.clone();
        let mut numbers = stream::from_task(move |tx| async move {
            for n in 0..100u32 {
                tx.send(n).await;
                counter.set(counter.get() + 1);
            }
        });
        for _ in 0..5 {
            yield_now().await;
        }
        // Item 0 sits in the channel (room for one); the send of 1 waits.
        assert_eq!(produced.get(), 1, "the producer waits for the consumer");
        assert_eq!(numbers.next().await, Some(0));
        for _ in 0..5 {
            yield_now().await;
        }
        assert_eq!(produced.get(), 2, "one item taken, one more made");
    });
}

#[test]
fn dropping_a_from_task_stream_stops_the_producer() {
    paused().block_on(async {
        let produced = Rc::new(Cell::new(0u32));
        let dropped = Rc::new(Cell::new(0u32));
        let (counter, drops) = (produced.clone(), dropped.clone());
        let numbers = stream::from_task(move |tx| async move {
            let _guard = DropCounter(drops);
            for n in 0.. {
                tx.send(n).await;
                counter.set(counter.get() + 1);
                sleep(Duration::from_millis(10)).await;
            }
        });
        // take(3) ends after three items, and collect drops the stream.
        let first: Vec<u64> = numbers.take(3).collect().await;
        assert_eq!(first, [0, 1, 2]);
        yield_now().await;
        assert_eq!(dropped.get(), 1, "the producer task was aborted and its locals dropped");
        let made = produced.get();
        sleep(Duration::from_secs(1)).await;
        assert_eq!(produced.get(), made, "and it makes nothing more");
    });
}

#[test]
fn a_panicking_producer_ends_the_stream() {
    paused().block_on(async {
        let numbers = stream::from_task(|tx| async move {
            tx.send(1).await;
            panic!("producer failed on purpose (this message is expected in the test output)");
        });
        let got: Vec<u32> = numbers.collect().await;
        assert_eq!(got, [1]);
    });
}
