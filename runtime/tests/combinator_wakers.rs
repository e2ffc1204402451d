//! join_all / try_join_all / select_all / as_completed poll only the
//! children that were woken: every child counts its own polls.
//!
//! Most tests poll the combinator by hand, with a waker that counts how
//! often the combinator asked to be polled again, so each step is exact.

use std::cell::{Cell, RefCell};
use std::future::{poll_fn, Future};
use std::pin::pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use aioli::stream::Stream;
use aioli::Runtime;

/// A child future that waits until its gate opens, counting its polls.
#[derive(Default)]
struct Gate {
    open: Cell<bool>,
    polls: Cell<u32>,
    waker: RefCell<Option<Waker>>,
}

impl Gate {
    fn many(count: usize) -> Vec<Rc<Gate>> {
        (0..count).map(|_| Rc::new(Gate::default())).collect()
    }

    /// Resolves to `output` once the gate is open.
    fn pass<T>(self: &Rc<Self>, output: T) -> impl Future<Output = T> {
        let gate = self.clone();
        let mut output = Some(output);
        poll_fn(move |cx| {
            gate.polls.set(gate.polls.get() + 1);
            if gate.open.get() {
                if let Some(output) = output.take() {
                    return Poll::Ready(output);
                }
            }
            *gate.waker.borrow_mut() = Some(cx.waker().clone());
            Poll::Pending
        })
    }

    fn open(&self) {
        self.open.set(true);
        self.nudge();
    }

    /// Wakes the child without opening the gate (a spurious wake).
    fn nudge(&self) {
        if let Some(waker) = self.waker.borrow().as_ref() {
            waker.wake_by_ref();
        }
    }
}

fn polls(gates: &[Rc<Gate>]) -> Vec<u32> {
    gates.iter().map(|gate| gate.polls.get()).collect()
}

/// The combinator's own waker: counts the wakes it receives.
#[derive(Default)]
struct CountingWaker(AtomicUsize);

impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

fn counting_waker() -> (Arc<CountingWaker>, Waker) {
    let counter = Arc::new(CountingWaker::default());
    (counter.clone(), Waker::from(counter))
}

#[test]
fn join_all_polls_only_the_children_that_were_woken() {
    let gates = Gate::many(1000);
    let mut gather = pin!(aioli::join_all(gates.iter().enumerate().map(|(index, gate)| gate.pass(index))));
    let (wakes, waker) = counting_waker();
    let mut cx = Context::from_waker(&waker);

    assert!(gather.as_mut().poll(&mut cx).is_pending());
    assert!(polls(&gates).iter().all(|&count| count == 1), "the first poll starts every child once");

    gates[500].nudge();
    assert_eq!(wakes.0.load(Ordering::SeqCst), 1, "a child's wake reaches the task");
    assert!(gather.as_mut().poll(&mut cx).is_pending());
    assert_eq!(gates[500].polls.get(), 2);
    assert_eq!(polls(&gates).iter().sum::<u32>(), 1001, "no other child was polled");

    gates[3].open();
    gates[997].open();
    assert!(gather.as_mut().poll(&mut cx).is_pending());
    assert_eq!((gates[3].polls.get(), gates[997].polls.get()), (2, 2));
    assert_eq!(polls(&gates).iter().sum::<u32>(), 1003);

    for gate in &gates {
        gate.open();
    }
    match gather.as_mut().poll(&mut cx) {
        Poll::Ready(outputs) => assert_eq!(outputs, (0..1000).collect::<Vec<_>>(), "outputs in input order"),
        Poll::Pending => panic!("every gate is open, yet join_all is pending"),
    }
    // Children 3 and 997 had finished: opening their gate again woke
    // nobody, since a finished child's future is dropped.
    assert_eq!(polls(&gates).iter().sum::<u32>(), 1003 + 998);
}

#[test]
fn a_child_woken_twice_before_the_poll_is_polled_once() {
    let gates = Gate::many(10);
    let mut gather = pin!(aioli::join_all(gates.iter().map(|gate| gate.pass(()))));
    let (wakes, waker) = counting_waker();
    let mut cx = Context::from_waker(&waker);
    assert!(gather.as_mut().poll(&mut cx).is_pending());

    gates[4].nudge();
    gates[4].nudge();
    gates[6].nudge();
    assert_eq!(wakes.0.load(Ordering::SeqCst), 1, "the task is woken once for the whole batch");
    assert!(gather.as_mut().poll(&mut cx).is_pending());
    assert_eq!(polls(&gates), [1, 1, 1, 1, 2, 1, 2, 1, 1, 1]);
}

#[test]
fn try_join_all_polls_only_the_woken_child_and_stops_at_its_error() {
    let gates = Gate::many(100);
    let results =
        gates.iter().enumerate().map(|(index, gate)| gate.pass(if index == 42 { Err(index) } else { Ok(index) }));
    let mut gather = pin!(aioli::try_join_all(results));
    let (_wakes, waker) = counting_waker();
    let mut cx = Context::from_waker(&waker);
    assert!(gather.as_mut().poll(&mut cx).is_pending());

    gates[42].open();
    assert_eq!(gather.as_mut().poll(&mut cx), Poll::Ready(Err(42)));
    assert_eq!(gates[42].polls.get(), 2);
    assert_eq!(polls(&gates).iter().sum::<u32>(), 101, "only the failing child was polled again");
}

#[test]
fn select_all_polls_only_the_woken_child() {
    let gates = Gate::many(100);
    let mut race = pin!(aioli::select_all(gates.iter().map(|gate| gate.pass("won"))));
    let (_wakes, waker) = counting_waker();
    let mut cx = Context::from_waker(&waker);
    assert!(race.as_mut().poll(&mut cx).is_pending());

    gates[7].nudge();
    assert!(race.as_mut().poll(&mut cx).is_pending());
    gates[63].open();
    assert_eq!(race.as_mut().poll(&mut cx), Poll::Ready((63, "won")));
    assert_eq!(polls(&gates).iter().sum::<u32>(), 102, "child 7 and child 63 once more each");
}

#[test]
fn as_completed_hands_out_woken_children_in_wake_order() {
    let gates = Gate::many(50);
    let mut finished = pin!(aioli::as_completed(gates.iter().enumerate().map(|(index, gate)| gate.pass(index))));
    let (_wakes, waker) = counting_waker();
    let mut cx = Context::from_waker(&waker);
    assert!(finished.as_mut().poll_next(&mut cx).is_pending());
    assert_eq!(finished.size_hint(), (50, Some(50)));

    gates[30].open();
    gates[2].open();
    assert_eq!(finished.as_mut().poll_next(&mut cx), Poll::Ready(Some(30)));
    // Child 2 was woken too; it is polled on the next call, with no wake needed.
    assert_eq!(finished.as_mut().poll_next(&mut cx), Poll::Ready(Some(2)));
    assert!(finished.as_mut().poll_next(&mut cx).is_pending());
    assert_eq!(polls(&gates).iter().sum::<u32>(), 52);
    assert_eq!(finished.size_hint(), (48, Some(48)));
}

#[test]
fn a_big_gather_of_sleeps_polls_each_child_twice() {
    // One poll to start its sleep, one when the sleep is due. The task's
    // cooperative budget runs out after 128 sleeps per poll: join_all
    // stops there and keeps the rest for its next poll, instead of
    // polling them only to hear "not now".
    let runtime = Runtime::builder().paused_clock(true).build().unwrap();
    let children = 10_000;
    let counts: Rc<Vec<Cell<u32>>> = Rc::new((0..children).map(|_| Cell::new(0)).collect());
    let outputs = runtime.block_on(aioli::join_all((0..children).map(|index| {
        let counts = counts.clone();
        let mut sleep = Box::pin(aioli::time::sleep(Duration::from_millis(1 + index as u64 % 10)));
        poll_fn(move |cx| {
            counts[index].set(counts[index].get() + 1);
            sleep.as_mut().poll(cx).map(|()| index)
        })
    })));
    assert_eq!(outputs, (0..children).collect::<Vec<_>>());
    let most = counts.iter().map(Cell::get).max();
    assert_eq!(most, Some(2), "no child was polled more than twice");
}

#[test]
fn a_child_woken_from_another_thread_is_polled() {
    aioli::run(async {
        let (from_thread, later) = aioli::sync::oneshot::channel::<u32>();
        let (from_here, now) = aioli::sync::oneshot::channel::<u32>();
        let thread = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(10));
            let _ = from_thread.send(7);
        });
        let _ = from_here.send(1);
        assert_eq!(aioli::join_all([later, now]).await, [Ok(7), Ok(1)]);
        thread.join().unwrap();
    });
}
