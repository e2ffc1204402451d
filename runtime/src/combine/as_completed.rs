//! `as_completed`: the outputs of many futures, in the order they finish.
//!
//! Chapter: docs/src/06-join-select-wait.md

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::stream::Stream;

/// A stream of the outputs of `futures`, each as soon as it is ready:
/// `for f in asyncio.as_completed(aws): result = await f`.
///
/// ```
/// use std::time::Duration;
/// use aioli::stream::StreamExt;
/// use aioli::time::sleep;
///
/// aioli::run(async {
///     let jobs = [30, 10, 20].map(|ms| async move {
///         sleep(Duration::from_millis(ms)).await;
///         ms
///     });
///     let mut finished = aioli::as_completed(jobs);
///     let mut order = Vec::new();
///     while let Some(ms) = finished.next().await {
///         order.push(ms);
///     }
///     assert_eq!(order, vec![10, 20, 30]);
/// });
/// ```
pub fn as_completed<I>(futures: I) -> AsCompleted<I::Item>
where
    I: IntoIterator,
    I::Item: Future,
{
    AsCompleted { running: futures.into_iter().map(Box::pin).collect() }
}

/// The stream returned by [`as_completed`].
#[must_use = "streams do nothing unless polled"]
pub struct AsCompleted<F> {
    /// The futures that have not finished, in no particular order.
    running: Vec<Pin<Box<F>>>,
}

impl<F: Future> Stream for AsCompleted<F> {
    type Item = F::Output;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<F::Output>> {
        if self.running.is_empty() {
            return Poll::Ready(None);
        }
        for index in 0..self.running.len() {
            if let Poll::Ready(output) = self.running[index].as_mut().poll(cx) {
                // Order does not matter here, so removal can be O(1).
                drop(self.running.swap_remove(index));
                return Poll::Ready(Some(output));
            }
        }
        Poll::Pending
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.running.len(), Some(self.running.len()))
    }
}

impl<F> std::fmt::Debug for AsCompleted<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsCompleted").field("running", &self.running.len()).finish()
    }
}
