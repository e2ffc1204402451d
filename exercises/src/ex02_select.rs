//! Exercise 2 — `select(a, b)` by hand: the first to finish wins, the other is dropped.
//!
//! asyncio's `asyncio.wait(..., return_when=FIRST_COMPLETED)` leaves the
//! loser running; aioli's `select(a, b)` (tokio's `select!`) *drops* it,
//! which cancels it where it was waiting: its destructors run, its timer
//! is removed, none of its code runs again. That is how `timeout` works.
//!
//! Write [`select`]: poll `a`, then `b`; the first `Ready` wins and is
//! returned as [`Either::Left`] or [`Either::Right`]. When both are ready
//! in the same poll, `a` wins (it was polled first). The loser must be
//! dropped by the time `select` returns, not later.
//!
//! Hints:
//! - The shape is exercise 1's: `pin!` both, then `poll_fn`.
//! - Dropping comes for free: `a` and `b` live in `select`'s own state,
//!   so they are dropped when `select` returns.
//! - `Either` is `aioli::Either`: `Left(A::Output)` or `Right(B::Output)`.
//!
//! Run the tests: `cargo test -p aioli-exercises --features mine --test ex02_select`
//! Read: docs/src/06-join-select-wait.md and docs/src/07-cancellation.md;
//! the real one is runtime/src/combine/select.rs.

use std::future::Future;

pub use aioli::Either;

/// Runs `a` and `b` at the same time; returns the output of the first to
/// finish and drops the other.
pub async fn select<A: Future, B: Future>(a: A, b: B) -> Either<A::Output, B::Output> {
    let _ = (a, b); // delete this line when you start
    unimplemented!("exercise 2: write select(a, b) with poll_fn")
}
