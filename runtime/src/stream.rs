//! Streams: the async counterpart of `Iterator` (asyncio's `async for`).
//!
//! An `Iterator` answers "next?" with `Some(item)` or `None`. A [`Stream`]
//! may also answer "not yet": `poll_next` returns `Poll::Pending` and
//! arranges a wake-up, exactly like a future. A stream is a future that
//! can be ready many times. [`StreamExt::next`] turns one step of it into
//! a future, so `while let Some(x) = stream.next().await` is Rust's
//! `async for x in stream`.
//!
//! Chapter: docs/src/06-join-select-wait.md

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::time::{Instant, Interval};

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
