//! `join`, `join3`, `join_all`, `try_join_all`: asyncio's `gather`.
//!
//! Chapter: docs/src/06-join-select-wait.md

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::task::Poll;

use super::Child;

/// Runs two futures at once and returns both outputs.
///
/// ```
/// aioli::run(async {
///     let (a, b) = aioli::join(async { 1 }, async { "two" }).await;
///     assert_eq!((a, b), (1, "two"));
/// });
/// ```
pub async fn join<A: Future, B: Future>(a: A, b: B) -> (A::Output, B::Output) {
    let (mut a, mut b) = (pin!(a), pin!(b));
    let (mut out_a, mut out_b) = (None, None);
    poll_fn(|cx| {
        if out_a.is_none() {
            if let Poll::Ready(value) = a.as_mut().poll(cx) {
                out_a = Some(value);
            }
        }
        if out_b.is_none() {
            if let Poll::Ready(value) = b.as_mut().poll(cx) {
                out_b = Some(value);
            }
        }
        match (out_a.take(), out_b.take()) {
            (Some(a), Some(b)) => Poll::Ready((a, b)),
            (a, b) => {
                (out_a, out_b) = (a, b);
                Poll::Pending
            }
        }
    })
    .await
}

/// Runs three futures at once and returns all three outputs.
pub async fn join3<A: Future, B: Future, C: Future>(a: A, b: B, c: C) -> (A::Output, B::Output, C::Output) {
    let ((a, b), c) = join(join(a, b), c).await;
    (a, b, c)
}

/// Runs every future at once and returns their outputs in input order:
/// `await asyncio.gather(*coros)`.
///
/// Plain futures, not tasks: they make progress only while `join_all` is
/// being awaited. To gather tasks, pass their `JoinHandle`s.
///
/// ```
/// use std::time::Duration;
///
/// aioli::run(async {
///     let work = (1..=3).map(|n| async move {
///         aioli::time::sleep(Duration::from_millis(10 * (4 - n))).await;
///         n * 10
///     });
///     assert_eq!(aioli::join_all(work).await, vec![10, 20, 30]);
/// });
/// ```
pub async fn join_all<I>(futures: I) -> Vec<<I::Item as Future>::Output>
where
    I: IntoIterator,
    I::Item: Future,
{
    let mut children: Vec<Child<I::Item>> = futures.into_iter().map(Child::new).collect();
    poll_fn(|cx| {
        let mut all_done = true;
        for child in children.iter_mut() {
            all_done &= child.poll_done(cx);
        }
        if all_done {
            Poll::Ready(children.iter_mut().filter_map(Child::take_output).collect())
        } else {
            Poll::Pending
        }
    })
    .await
}

/// Like [`join_all`] for futures that return `Result`: the first `Err`
/// is returned at once and every future still running is dropped
/// (cancelled). `gather` without `return_exceptions`, but with the
/// siblings cancelled instead of left running.
///
/// ```
/// async fn half(n: u32) -> Result<u32, String> {
///     if n % 2 == 0 { Ok(n / 2) } else { Err(format!("{n} is odd")) }
/// }
///
/// aioli::run(async {
///     assert_eq!(aioli::try_join_all([2, 4].map(half)).await, Ok(vec![1, 2]));
///     assert_eq!(aioli::try_join_all([2, 3].map(half)).await, Err("3 is odd".to_string()));
/// });
/// ```
pub async fn try_join_all<I, T, E>(futures: I) -> Result<Vec<T>, E>
where
    I: IntoIterator,
    I::Item: Future<Output = Result<T, E>>,
{
    let mut children: Vec<Child<I::Item>> = futures.into_iter().map(Child::new).collect();
    poll_fn(|cx| {
        let mut all_done = true;
        for child in children.iter_mut() {
            if !child.poll_done(cx) {
                all_done = false;
                continue;
            }
            // Look at a fresh output at once, so an error stops the rest.
            if let Child::Done(Err(_)) = child {
                if let Some(Err(error)) = child.take_output() {
                    return Poll::Ready(Err(error));
                }
            }
        }
        if !all_done {
            return Poll::Pending;
        }
        let outputs = children.iter_mut().filter_map(Child::take_output);
        Poll::Ready(outputs.collect::<Result<Vec<T>, E>>())
    })
    .await
    // Returning drops `children`: any future still running is cancelled.
}
