//! `as_completed`: the outputs of many futures, in the order they finish.
//!
//! A stream over [`Children`]: each `poll_next` polls the children that
//! were woken and hands out the first output it meets. That is exactly
//! what `Children::poll_next_ready` does, minus the index.
//!
//! Chapter: docs/src/06-join-select-wait.md

use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use super::children::Children;
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
    AsCompleted { children: Children::new(futures) }
}

/// The stream returned by [`as_completed`].
#[must_use = "streams do nothing unless polled"]
pub struct AsCompleted<F> {
    /// The futures, each with its own waker; finished ones are dropped.
    children: Children<F>,
}

impl<F: Future> Stream for AsCompleted<F> {
    type Item = F::Output;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<F::Output>> {
        let finished = ready!(self.children.poll_next_ready(cx));
        Poll::Ready(finished.map(|(_index, output)| output))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.children.running(), Some(self.children.running()))
    }
}

impl<F> std::fmt::Debug for AsCompleted<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsCompleted").field("running", &self.children.running()).finish()
    }
}
