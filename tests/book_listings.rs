//! The book's own programs, compiled and run.
//!
//! Every complete program in docs/src (and a few fragments of them) lives
//! in docs/listings/, and the chapters show it with `{{#include}}`, so a
//! listing cannot drift from the API: if it stops compiling or starts
//! failing, this test says so. Each listing file carries its own `#[test]`
//! functions, outside the lines the book shows.

#[path = "../docs/listings/01_futures.rs"]
mod ch01_futures;
#[path = "../docs/listings/03_using_tasks.rs"]
mod ch03_using_tasks;
#[path = "../docs/listings/05_paused_clock.rs"]
mod ch05_paused_clock;
#[path = "../docs/listings/06_as_completed.rs"]
mod ch06_as_completed;
#[path = "../docs/listings/06_join_all.rs"]
mod ch06_join_all;
#[path = "../docs/listings/07_cancel_safety.rs"]
mod ch07_cancel_safety;
#[path = "../docs/listings/08_task_group.rs"]
mod ch08_task_group;
#[path = "../docs/listings/11_mutex_balance.rs"]
mod ch11_mutex_balance;
#[path = "../docs/listings/11_oneshot_thread.rs"]
mod ch11_oneshot_thread;
#[path = "../docs/listings/12_adapters.rs"]
mod ch12_adapters;
#[path = "../docs/listings/12_from_task.rs"]
mod ch12_from_task;
#[path = "../docs/listings/13_blocking_panic.rs"]
mod ch13_blocking_panic;
#[path = "../docs/listings/13_spawn_blocking.rs"]
mod ch13_spawn_blocking;
#[path = "../docs/listings/15_half_lines.rs"]
mod ch15_half_lines;
