//! `join`, `join3`, `join_all`, `try_join_all`: asyncio's `gather`.
//!
//! `join` and `join3` poll their two or three futures with the task's own
//! waker; `join_all` and `try_join_all` are loops over
//! [`Children`](super::children::Children), which polls only the children
//! that were woken, and keep the outputs in input order.
//!
//! Chapter: docs/src/06-join-select-wait.md

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::task::{ready, Poll};

use super::children::Children;

/// Runs two futures at once and returns both outputs.
///
/// ```
/// aioli::run(async {
///     let (a, b) = aioli::join(async { 1 }, async { "two" }).await;
///     assert_eq!((a, b), (1, "two"));
/// });
/// ```
// ANCHOR: join
#[doc(alias = "gather")]
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
// ANCHOR_END: join

/// Runs three futures at once and returns all three outputs.
#[doc(alias = "gather")]
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
/// Each future gets a waker of its own, so when one is woken only that
/// one is polled again: gathering 100k futures costs no more per wake
/// than gathering ten (`combine/children.rs`).
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
#[doc(alias = "gather")]
pub async fn join_all<I>(futures: I) -> Vec<<I::Item as Future>::Output>
where
    I: IntoIterator,
    I::Item: Future,
{
    let mut children = Children::new(futures);
    // Outputs wait here, by input index, until the last child finishes.
    let mut outputs: Vec<Option<<I::Item as Future>::Output>> = (0..children.len()).map(|_| None).collect();
    poll_fn(|cx| {
        while let Some((index, output)) = ready!(children.poll_next_ready(cx)) {
            outputs[index] = Some(output);
        }
        // Every child has finished, so every slot holds its output.
        Poll::Ready(outputs.drain(..).flatten().collect())
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
#[doc(alias = "gather")]
pub async fn try_join_all<I, T, E>(futures: I) -> Result<Vec<T>, E>
where
    I: IntoIterator,
    I::Item: Future<Output = Result<T, E>>,
{
    let mut children = Children::new(futures);
    let mut outputs: Vec<Option<T>> = (0..children.len()).map(|_| None).collect();
    poll_fn(|cx| {
        // Each output is looked at as soon as its child finishes, so the
        // first error stops everything at once.
        while let Some((index, output)) = ready!(children.poll_next_ready(cx)) {
            match output {
                Ok(value) => outputs[index] = Some(value),
                Err(error) => return Poll::Ready(Err(error)),
            }
        }
        Poll::Ready(Ok(outputs.drain(..).flatten().collect()))
    })
    .await
    // Returning drops `children`: any future still running is cancelled.
}
