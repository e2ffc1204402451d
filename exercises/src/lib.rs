//! Exercises: write the pieces of an async runtime's toolbox yourself, and
//! let the tests tell you when they work.
//!
//! Each exercise is one file in `exercises/src/`, `exNN_name.rs`: its doc
//! comment explains the idea, gives hints and names the book chapter; its
//! functions are yours to write. Some start as `unimplemented!(...)` (you
//! build the thing), some start as working-looking code with a bug in it
//! (you find and fix it). Its tests are in `exercises/tests/exNN_name.rs`.
//!
//! | exercise | you write | chapter |
//! |---|---|---|
//! | [`ex01_join`] | `join(a, b)` by hand, with `poll_fn` | `docs/src/06-join-select-wait.md` |
//! | [`ex02_select`] | `select(a, b)` by hand; the loser is dropped | `docs/src/06-join-select-wait.md` |
//! | [`ex03_lost_waker`] | fix a future that never stores its waker | `docs/src/02-wakers.md` |
//! | [`ex04_semaphore`] | a semaphore from a `Mutex` and an `Event` | `docs/src/11-sync.md` |
//! | [`ex05_timeout_keeps_message`] | a timeout that must not lose a message | `docs/src/07-cancellation.md` |
//! | [`ex06_rate_limiter`] | start jobs at most one per tick of an `interval` | `docs/src/05-timers.md` |
//! | [`ex07_graceful_shutdown`] | workers in a `TaskGroup` that finish their job, then stop | `docs/src/08-task-group.md` |
//! | [`ex08_fair_mutex`] | fix an async mutex that lets a latecomer barge in | `docs/src/11-sync.md` |
//! | [`ex09_yield_now`] | `yield_now`: step aside once, by hand | `docs/src/03-executor.md` |
//! | [`ex10_oneshot`] | a oneshot channel: a future another task completes | `docs/src/02-wakers.md` |
//!
//! # Two ways to run the tests
//!
//! ```text
//! cargo test -p aioli-exercises --features mine                  # against YOUR code, every exercise
//! cargo test -p aioli-exercises --features mine --test ex01_join # one exercise
//! cargo test -p aioli-exercises                                  # against the solutions
//! ```
//!
//! Without `--features mine`, this crate compiles the files in
//! `exercises/solutions/` in place of yours. That is what `cargo test
//! --workspace` and CI run, so a fresh clone passes its tests while your
//! exercises are still unsolved. Try an exercise before you open its
//! solution: the tests say what is wrong, and the hints say where to look.
//!
//! # Why the starting code says `unimplemented!`
//!
//! The rest of aioli has no placeholder anywhere. Here, a body that says
//! `unimplemented!("exercise 1: ...")` *is* the exercise: it compiles, so
//! the tests can run; it panics with the exercise's name, so the test
//! that reaches it fails and says which function is yours to write. The
//! solutions contain none. (A `Drop` you are to write starts empty
//! instead: a panic in a destructor that runs while a test is already
//! failing would abort the whole test run rather than report it.)
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "mine")]
#[path = "ex01_join.rs"]
pub mod ex01_join;
#[cfg(not(feature = "mine"))]
#[path = "../solutions/ex01_join.rs"]
pub mod ex01_join;

#[cfg(feature = "mine")]
#[path = "ex02_select.rs"]
pub mod ex02_select;
#[cfg(not(feature = "mine"))]
#[path = "../solutions/ex02_select.rs"]
pub mod ex02_select;

#[cfg(feature = "mine")]
#[path = "ex03_lost_waker.rs"]
pub mod ex03_lost_waker;
#[cfg(not(feature = "mine"))]
#[path = "../solutions/ex03_lost_waker.rs"]
pub mod ex03_lost_waker;

#[cfg(feature = "mine")]
#[path = "ex04_semaphore.rs"]
pub mod ex04_semaphore;
#[cfg(not(feature = "mine"))]
#[path = "../solutions/ex04_semaphore.rs"]
pub mod ex04_semaphore;

#[cfg(feature = "mine")]
#[path = "ex05_timeout_keeps_message.rs"]
pub mod ex05_timeout_keeps_message;
#[cfg(not(feature = "mine"))]
#[path = "../solutions/ex05_timeout_keeps_message.rs"]
pub mod ex05_timeout_keeps_message;

#[cfg(feature = "mine")]
#[path = "ex06_rate_limiter.rs"]
pub mod ex06_rate_limiter;
#[cfg(not(feature = "mine"))]
#[path = "../solutions/ex06_rate_limiter.rs"]
pub mod ex06_rate_limiter;

#[cfg(feature = "mine")]
#[path = "ex07_graceful_shutdown.rs"]
pub mod ex07_graceful_shutdown;
#[cfg(not(feature = "mine"))]
#[path = "../solutions/ex07_graceful_shutdown.rs"]
pub mod ex07_graceful_shutdown;

#[cfg(feature = "mine")]
#[path = "ex08_fair_mutex.rs"]
pub mod ex08_fair_mutex;
#[cfg(not(feature = "mine"))]
#[path = "../solutions/ex08_fair_mutex.rs"]
pub mod ex08_fair_mutex;

#[cfg(feature = "mine")]
#[path = "ex09_yield_now.rs"]
pub mod ex09_yield_now;
#[cfg(not(feature = "mine"))]
#[path = "../solutions/ex09_yield_now.rs"]
pub mod ex09_yield_now;

#[cfg(feature = "mine")]
#[path = "ex10_oneshot.rs"]
pub mod ex10_oneshot;
#[cfg(not(feature = "mine"))]
#[path = "../solutions/ex10_oneshot.rs"]
pub mod ex10_oneshot;

/// A runtime for the tests: a paused clock, so a 100 ms sleep takes no
/// real time and every time a test measures is exact.
///
/// # Errors
///
/// When the OS refuses the loop's poller (out of file descriptors).
pub fn test_runtime() -> std::io::Result<aioli::Runtime> {
    aioli::Runtime::builder().paused_clock(true).build()
}
