//! Streams: the async counterpart of `Iterator` (asyncio's `async for`).
//!
//! An `Iterator` answers "next?" with `Some(item)` or `None`. A [`Stream`]
//! may also answer "not yet": `poll_next` returns `Poll::Pending` and
//! arranges a wake-up, exactly like a future. A stream is a future that
//! can be ready many times. [`StreamExt::next`] turns one step of it into
//! a future, so `while let Some(x) = stream.next().await` is Rust's
//! `async for x in stream`.
//!
//! Where streams come from:
//! - [`iter`]: the items of an iterator, each ready at once;
//! - a hand-written `impl Stream` (a small state machine, as `Interval`);
//! - [`from_task`]: the counterpart of an async generator. Rust has no
//!   `yield` in async code (yet), so the generator body runs as a task that
//!   sends its items into a bounded [`mpsc`] channel; the stream is the
//!   receiving end. Dropping the stream aborts the task, as closing an async
//!   generator stops it at its `yield`;
//! - channels: an [`mpsc::Receiver`] is a stream of its messages.
//!
//! The adapters ([`StreamExt::map`], [`filter`](StreamExt::filter),
//! [`take`](StreamExt::take), [`collect`](StreamExt::collect)) are plain
//! structs that wrap the stream below them. They need that stream to be
//! `Unpin`, so they can poll it through an ordinary `&mut` with
//! `Pin::new`; a stream that is not `Unpin` (one holding an `async` block,
//! say) goes in a `Box::pin(..)` first, which is `Unpin`. The `futures`
//! crate avoids the box with pin projection (the `pin-project` crate, or
//! `unsafe`); one allocation per adapter chain is the price of code with
//! no pinning tricks at all.
//!
//! Chapter: docs/src/12-streams.md

use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use crate::coop;
use crate::sync::mpsc;
use crate::task::JoinHandle;
use crate::time::{Instant, Interval};

// ANCHOR: stream_trait
/// A source of values that arrive over time.
pub trait Stream {
    /// What the stream yields.
    type Item;

    /// `Ready(Some(item))`: here is the next one; `Ready(None)`: there will
    /// be no more; `Pending`: not yet, `cx`'s waker will be woken.
    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>>;

    /// Bounds on how many items are left, as `Iterator::size_hint`.
    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, None)
    }
}
// ANCHOR_END: stream_trait

impl<S: Stream + Unpin + ?Sized> Stream for &mut S {
    type Item = S::Item;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        Pin::new(&mut **self).poll_next(cx)
    }
}

impl<S: Stream + ?Sized> Stream for Pin<Box<S>> {
    type Item = S::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        self.get_mut().as_mut().poll_next(cx)
    }
}

/// Ticks of an [`Interval`], forever.
impl Stream for Interval {
    type Item = Instant;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Instant>> {
        self.get_mut().poll_tick(cx).map(Some)
    }
}

/// The messages of a channel, until every sender is gone.
impl<T> Stream for mpsc::Receiver<T> {
    type Item = T;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        self.get_mut().poll_recv(cx)
    }
}

/// Helpers for every [`Stream`].
pub trait StreamExt: Stream {
    /// The next item, as a future: `Some(item)`, or `None` at the end.
    ///
    /// ```
    /// use std::time::Duration;
    /// use aioli::stream::StreamExt;
    ///
    /// aioli::run(async {
    ///     let mut ticks = aioli::time::interval(Duration::from_millis(1));
    ///     let first = ticks.next().await;
    ///     assert!(first.is_some());
    /// });
    /// ```
    fn next(&mut self) -> Next<'_, Self>
    where
        Self: Unpin,
    {
        Next { stream: self }
    }

    /// Each item passed through `f`: `(f(x) async for x in stream)`.
    ///
    /// ```
    /// use aioli::stream::{self, StreamExt};
    ///
    /// aioli::run(async {
    ///     let doubled: Vec<i32> = stream::iter([1, 2, 3]).map(|x| x * 2).collect().await;
    ///     assert_eq!(doubled, [2, 4, 6]);
    /// });
    /// ```
    fn map<T, F>(self, f: F) -> Map<Self, F>
    where
        Self: Sized,
        F: FnMut(Self::Item) -> T,
    {
        Map { stream: self, f }
    }

    /// Only the items for which `keep` returns true:
    /// `(x async for x in stream if keep(x))`.
    ///
    /// ```
    /// use aioli::stream::{self, StreamExt};
    ///
    /// aioli::run(async {
    ///     let even: Vec<u32> = stream::iter(1..=6).filter(|x| x % 2 == 0).collect().await;
    ///     assert_eq!(even, [2, 4, 6]);
    /// });
    /// ```
    fn filter<F>(self, keep: F) -> Filter<Self, F>
    where
        Self: Sized,
        F: FnMut(&Self::Item) -> bool,
    {
        Filter { stream: self, keep }
    }

    /// At most the first `n` items; the stream below is not polled again
    /// after the `n`th. The way to end an endless stream such as an interval.
    ///
    /// ```
    /// use std::time::Duration;
    /// use aioli::stream::StreamExt;
    ///
    /// aioli::run(async {
    ///     let ticks: Vec<_> = aioli::time::interval(Duration::from_millis(1)).take(3).collect().await;
    ///     assert_eq!(ticks.len(), 3);
    /// });
    /// ```
    fn take(self, n: usize) -> Take<Self>
    where
        Self: Sized,
    {
        Take { stream: self, remaining: n }
    }

    /// Runs the stream to its end and gathers every item into a collection
    /// (a `Vec`, a `String`, a `HashMap`, anything `Default + Extend`):
    /// `[x async for x in stream]`.
    ///
    /// ```
    /// use std::collections::BTreeSet;
    /// use aioli::stream::{self, StreamExt};
    ///
    /// aioli::run(async {
    ///     let set: BTreeSet<char> = stream::iter("hello".chars()).collect().await;
    ///     assert_eq!(set.into_iter().collect::<String>(), "ehlo");
    /// });
    /// ```
    // `async fn` in a public trait draws a lint, because callers cannot ask
    // for the future to be `Send`. aioli's tasks never leave their thread,
    // so that is no loss here, and the async fn reads as what it is.
    #[allow(async_fn_in_trait)]
    async fn collect<C>(mut self) -> C
    where
        Self: Sized + Unpin,
        C: Default + Extend<Self::Item>,
    {
        let mut collection = C::default();
        while let Some(item) = self.next().await {
            collection.extend(std::iter::once(item));
        }
        collection
    }
}

impl<S: Stream + ?Sized> StreamExt for S {}

/// The future returned by [`StreamExt::next`].
#[derive(Debug)]
#[must_use = "futures do nothing unless you .await them"]
pub struct Next<'a, S: ?Sized> {
    stream: &'a mut S,
}

impl<S: Stream + Unpin + ?Sized> Future for Next<'_, S> {
    type Output = Option<S::Item>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut *self.stream).poll_next(cx)
    }
}

/// A stream over the items of an iterator, each ready at once:
/// the counterpart of an `async for` over a plain list.
///
/// ```
/// use aioli::stream::{self, StreamExt};
///
/// aioli::run(async {
///     let mut numbers = stream::iter(vec![1, 2]);
///     assert_eq!(numbers.next().await, Some(1));
///     assert_eq!(numbers.next().await, Some(2));
///     assert_eq!(numbers.next().await, None);
/// });
/// ```
pub fn iter<I: IntoIterator>(items: I) -> Iter<I::IntoIter> {
    Iter { items: items.into_iter() }
}

/// The stream returned by [`iter`].
#[derive(Debug, Clone)]
#[must_use = "streams do nothing unless polled"]
pub struct Iter<I> {
    /// Where the items come from.
    items: I,
}

// No field is ever pinned: an `Iter` may move even if the iterator may not.
impl<I> Unpin for Iter<I> {}

impl<I: Iterator> Stream for Iter<I> {
    type Item = I::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<I::Item>> {
        // Every item is ready at once, so without the budget an endless
        // iterator behind a `filter` that rejects everything would never
        // give the loop back (see coop.rs).
        ready!(coop::poll_proceed(cx));
        Poll::Ready(self.get_mut().items.next())
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.items.size_hint()
    }
}

/// The stream returned by [`StreamExt::map`].
#[must_use = "streams do nothing unless polled"]
pub struct Map<S, F> {
    /// The stream below.
    stream: S,
    /// Applied to each of its items.
    f: F,
}

// The closure is never pinned, so the adapter can move whenever the stream
// below can (this is the one line pin projection would otherwise need).
impl<S: Unpin, F> Unpin for Map<S, F> {}

impl<S, F, T> Stream for Map<S, F>
where
    S: Stream + Unpin,
    F: FnMut(S::Item) -> T,
{
    type Item = T;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let this = self.get_mut();
        let item = ready!(Pin::new(&mut this.stream).poll_next(cx));
        Poll::Ready(item.map(&mut this.f))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.stream.size_hint()
    }
}

impl<S: std::fmt::Debug, F> std::fmt::Debug for Map<S, F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Map").field("stream", &self.stream).finish_non_exhaustive()
    }
}

/// The stream returned by [`StreamExt::filter`].
#[must_use = "streams do nothing unless polled"]
pub struct Filter<S, F> {
    /// The stream below.
    stream: S,
    /// Decides which of its items go on.
    keep: F,
}

impl<S: Unpin, F> Unpin for Filter<S, F> {}

impl<S, F> Stream for Filter<S, F>
where
    S: Stream + Unpin,
    F: FnMut(&S::Item) -> bool,
{
    type Item = S::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        let this = self.get_mut();
        // Skip rejected items until one passes, the stream ends, or it has
        // nothing ready (then its `Pending` has stored our waker).
        loop {
            match ready!(Pin::new(&mut this.stream).poll_next(cx)) {
                Some(item) if (this.keep)(&item) => return Poll::Ready(Some(item)),
                Some(_rejected) => continue,
                None => return Poll::Ready(None),
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        // Anywhere from none to all of them may pass.
        (0, self.stream.size_hint().1)
    }
}

impl<S: std::fmt::Debug, F> std::fmt::Debug for Filter<S, F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Filter").field("stream", &self.stream).finish_non_exhaustive()
    }
}

/// The stream returned by [`StreamExt::take`].
#[derive(Debug)]
#[must_use = "streams do nothing unless polled"]
pub struct Take<S> {
    /// The stream below.
    stream: S,
    /// How many items may still go through.
    remaining: usize,
}

impl<S: Stream + Unpin> Stream for Take<S> {
    type Item = S::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        let this = self.get_mut();
        if this.remaining == 0 {
            // Done: do not even poll the stream below, which may never end.
            return Poll::Ready(None);
        }
        let item = ready!(Pin::new(&mut this.stream).poll_next(cx));
        this.remaining = match item {
            Some(_) => this.remaining - 1,
            None => 0,
        };
        Poll::Ready(item)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        if self.remaining == 0 {
            return (0, Some(0));
        }
        let (lower, upper) = self.stream.size_hint();
        let upper = match upper {
            Some(upper) => upper.min(self.remaining),
            None => self.remaining,
        };
        (lower.min(self.remaining), Some(upper))
    }
}

/// A stream whose items are produced by a task: the counterpart of an
/// async generator (`async def gen(): ... yield x`).
///
/// `producer` gets a [`Yielder`] and returns the generator's body; it is
/// spawned as a task at once. Each `yielder.send(x).await` is a `yield x`:
/// the item goes into a channel with room for one, so the producer runs
/// at most one item ahead of the consumer and then waits. The stream ends
/// when the producer returns (or panics).
///
/// Dropping the stream aborts the producer task: it stops at the `send`
/// it is waiting in (or at whatever `.await` it is at), and its
/// destructors run, much as closing an async generator raises
/// `GeneratorExit` at its `yield`.
///
/// ```
/// use std::time::Duration;
/// use aioli::stream::{self, StreamExt};
///
/// aioli::run(async {
///     let countdown = stream::from_task(|tx| async move {
///         for n in (1..=3).rev() {
///             aioli::time::sleep(Duration::from_millis(1)).await;
///             tx.send(n).await;
///         }
///     });
///     let numbers: Vec<u32> = countdown.collect().await;
///     assert_eq!(numbers, [3, 2, 1]);
/// });
/// ```
///
/// # Panics
///
/// Outside an aioli loop, since it spawns a task.
// ANCHOR: from_task
#[track_caller]
#[doc(alias = "async_generator")]
pub fn from_task<T, F, Fut>(producer: F) -> FromTask<T>
where
    T: 'static,
    F: FnOnce(Yielder<T>) -> Fut,
    Fut: Future<Output = ()> + 'static,
{
    let (sender, receiver) = mpsc::channel(1);
    let task = crate::spawn(producer(Yielder { sender }));
    FromTask { receiver, task }
}
// ANCHOR_END: from_task

/// The stream returned by [`from_task`].
#[must_use = "streams do nothing unless polled; dropping this one aborts its producer task"]
pub struct FromTask<T> {
    /// Where the producer's items arrive.
    receiver: mpsc::Receiver<T>,
    /// The producer, aborted when the stream is dropped.
    task: JoinHandle<()>,
}

impl<T> Stream for FromTask<T> {
    type Item = T;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        self.get_mut().receiver.poll_recv(cx)
    }
}

// ANCHOR: from_task_drop
impl<T> Drop for FromTask<T> {
    fn drop(&mut self) {
        // Nobody will read what the producer makes, so stop it making it.
        // (Dropping the receiver alone would leave a task blocked forever.)
        self.task.abort();
    }
}
// ANCHOR_END: from_task_drop

impl<T> std::fmt::Debug for FromTask<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FromTask").field("task", &self.task).finish_non_exhaustive()
    }
}

/// The producer's end of a [`from_task`] stream: `send` is its `yield`.
pub struct Yielder<T> {
    sender: mpsc::Sender<T>,
}

impl<T> Yielder<T> {
    /// Hands `item` to the stream, waiting while the consumer has not taken
    /// the previous one.
    ///
    /// If the stream has been dropped, this never returns: the producer
    /// task has been aborted, and this `.await` is where it stops.
    ///
    /// That holds for the producer task itself. If you hand the `Yielder`
    /// to a task of your own, that task is *not* aborted with the stream,
    /// and it would wait here forever: check [`is_closed`](Self::is_closed)
    /// there before sending, or keep sends in the producer.
    pub async fn send(&self, item: T) {
        if self.sender.send(item).await.is_err() {
            // Only a dropped `FromTask` closes the channel. That drop also
            // aborted the producer task, which is already queued to be
            // dropped: for the producer, waiting here is waiting for that.
            // (A task the Yielder was handed to waits for good; the doc
            // comment above warns about it.)
            std::future::pending::<()>().await;
        }
    }

    /// Whether the stream has been dropped (so the task is being aborted).
    pub fn is_closed(&self) -> bool {
        self.sender.is_closed()
    }
}

impl<T> std::fmt::Debug for Yielder<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Yielder").field("closed", &self.is_closed()).finish()
    }
}
