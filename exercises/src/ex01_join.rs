//! Exercise 1 — `join(a, b)` by hand: run two futures at once, return both outputs.
//!
//! asyncio's `await asyncio.gather(a, b)` and aioli's `aioli::join(a, b)`
//! run two futures *inside one task*: every time the task is polled,
//! poll each future that has not finished yet; when both have finished,
//! return both outputs. Nothing is spawned. Because both futures are
//! polled with the same `Context`, whichever of them makes progress
//! (a timer, a socket) wakes the one task, and the task polls both again.
//!
//! Write [`join`]. The tests (`exercises/tests/ex01_join.rs`) check that
//! the outputs come back in argument order, that two 100 ms sleeps take
//! 100 ms together, not 200, and that a future which has finished is
//! never polled again (polling a finished future is a bug: many panic).
//!
//! Hints:
//! - `std::future::poll_fn(|cx| { ... })` turns a closure into a future:
//!   the closure is your `poll`, called with the task's `Context`.
//! - To poll `a` you need `Pin<&mut A>`: `let mut a = std::pin::pin!(a);`
//!   then `a.as_mut().poll(cx)`.
//! - Keep each output in an `Option` once it is `Ready`, and only poll a
//!   future whose output you do not have yet.
//! - Return `Poll::Pending` while either is missing: the futures that
//!   returned `Pending` have stored `cx.waker()`, so someone will wake you.
//!
//! Run the tests: `cargo test -p aioli-exercises --features mine --test ex01_join`
//! Read: docs/src/06-join-select-wait.md; the real one is runtime/src/combine/join.rs.

use std::future::Future;

/// Runs `a` and `b` at the same time in the calling task and returns both
/// outputs, `a`'s first, once both have finished.
pub async fn join<A: Future, B: Future>(a: A, b: B) -> (A::Output, B::Output) {
    let _ = (a, b); // delete this line when you start
    unimplemented!("exercise 1: write join(a, b) with poll_fn")
}
