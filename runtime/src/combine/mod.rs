//! Combinators: running several futures at once inside one task.
//!
//! `join` and friends (asyncio's `gather`), `select` (first completed),
//! `wait` (done/pending with a timeout) and `as_completed` are each one
//! future that, when polled, polls its children. The children take turns
//! inside one task's poll: concurrency without tasks. It is also why a
//! child that never returns `Pending` stalls its siblings, and why
//! dropping the combinator drops (cancels) every child still running.
//!
//! Two ways to wake the children live here. `join` and `select` of two
//! futures pass the task's own waker to both: whichever is woken, both are
//! polled again, which for two costs nothing. `join_all`, `try_join_all`,
//! `select_all` and `as_completed` take any number, so they give each
//! child its own waker ([`children::Children`]): a wake polls only the
//! child that was woken, and a gather of 100k futures costs O(woken) per
//! wake, not O(100k). futures-rs's `join_all` (through
//! `FuturesUnordered`) does the same, and tokio's `JoinSet` gets it from
//! tasks, which each have a waker of their own.
//!
//! Each is an `async fn` around `std::future::poll_fn`, with `pin!` or a
//! `Box` to fix the children in place: readable, and no `unsafe` pin
//! projection.
//!
//! Chapter: docs/src/06-join-select-wait.md

pub(crate) mod as_completed;
pub(crate) mod children;
pub(crate) mod join;
pub(crate) mod select;
pub(crate) mod wait;
