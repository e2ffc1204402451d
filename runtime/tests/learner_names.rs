//! What an asyncio user types first: the asyncio names find aioli's items
//! in rustdoc's search (`#[doc(alias = ...)]`), and a misuse panics naming
//! the user's line, not a file inside aioli (`#[track_caller]`).
//!
//! Chapter: docs/src/16-porting-from-asyncio.md

use std::panic;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// asyncio's name → the aioli file whose item carries it as a doc alias.
/// Keep in step with the table in docs/src/00-introduction.md.
const ALIASES: &[(&str, &str)] = &[
    ("asyncio.run", "src/runtime/mod.rs"),
    ("run_until_complete", "src/runtime/mod.rs"),
    ("new_event_loop", "src/runtime/mod.rs"),
    ("create_task", "src/task/mod.rs"),
    ("ensure_future", "src/task/mod.rs"),
    ("cancel", "src/task/join.rs"),
    ("done", "src/task/join.rs"),
    ("CancelledError", "src/task/join.rs"),
    ("all_tasks", "src/task/dump.rs"),
    ("current_task", "src/task/dump.rs"),
    ("sleep0", "src/task/yield_now.rs"),
    ("gather", "src/combine/join.rs"),
    ("FIRST_COMPLETED", "src/combine/select.rs"),
    ("wait_for", "src/time/timeout.rs"),
    ("Lock", "src/sync/mutex.rs"),
    ("Condition", "src/sync/condvar.rs"),
    ("put_nowait", "src/sync/queue.rs"),
    ("get_nowait", "src/sync/queue.rs"),
    ("create_future", "src/sync/oneshot.rs"),
    ("set_result", "src/sync/oneshot.rs"),
    ("async_generator", "src/stream.rs"),
    ("open_connection", "src/net/tcp_stream.rs"),
    ("start_server", "src/net/tcp_listener.rs"),
    ("create_datagram_endpoint", "src/net/udp.rs"),
    ("readline", "src/io/ext.rs"),
    ("add_signal_handler", "src/signal.rs"),
    ("run_in_executor", "src/blocking/mod.rs"),
    ("to_thread", "src/blocking/mod.rs"),
    ("max_workers", "src/runtime/builder.rs"),
];

#[test]
fn asyncio_names_are_doc_aliases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (name, file) in ALIASES {
        let source = std::fs::read_to_string(root.join(file)).unwrap_or_else(|error| panic!("{file}: {error}"));
        let quoted = format!("\"{name}\"");
        let aliased = source.lines().any(|line| line.trim_start().starts_with("#[doc(alias") && line.contains(&quoted));
        assert!(aliased, "{file} has no #[doc(alias = {quoted})]: rustdoc search for {name} would find nothing");
    }
}

#[test]
fn the_renamed_methods_exist() {
    // The names the aliases lead to, checked by the compiler.
    aioli::run(async {
        let queue = aioli::sync::Queue::new(1);
        assert!(queue.try_put(1).is_ok()); // put_nowait
        assert!(queue.try_put(2).is_err()); // full: QueueFull hands the item back
        assert_eq!(queue.try_get().ok(), Some(1)); // get_nowait
        let handle = aioli::spawn(std::future::pending::<()>()); // create_task
        handle.abort(); // cancel
        assert!(handle.await.unwrap_err().is_cancelled()); // CancelledError
        let gathered = aioli::join_all((1..=2).map(|n| async move { n })).await; // gather
        assert_eq!(gathered, [1, 2]);
    });
}

/// Runs `f`, which must panic, and returns the panic's message and the
/// location the panic hook saw. The default hook is put back after.
fn panic_location(f: impl FnOnce() + panic::UnwindSafe) -> (String, String) {
    let seen: Arc<Mutex<Option<String>>> = Arc::default();
    let into_hook = seen.clone();
    let previous = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        let place = info.location().map(|at| format!("{}:{}", at.file(), at.line()));
        let mut seen = into_hook.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if seen.is_none() {
            *seen = place;
        }
    }));
    let result = panic::catch_unwind(f);
    panic::set_hook(previous);
    let payload = result.expect_err("the closure was expected to panic");
    let message = payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|text| text.to_string()))
        .unwrap_or_default();
    let location = seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take().unwrap_or_default();
    (message, location)
}

// One test sets the panic hook, so no other test of this file races it.
#[test]
fn misuse_panics_name_the_callers_line() {
    // A nested run: the asyncio user's `asyncio.run` inside a coroutine.
    // The panic unwinds out of the outer run too; the hook keeps the
    // first location it saw, the nested run's.
    let (message, location) = panic_location(|| aioli::run(async { aioli::run(async {}) }));
    assert!(message.contains("already running"), "unexpected message: {message}");
    assert!(location.starts_with(file!()), "a nested run names {location}, not this file ({})", file!());

    // Spawning with no loop, and a dump with no loop.
    let (message, location) = panic_location(|| drop(aioli::spawn(async {})));
    assert!(message.contains("no aioli event loop"), "{message}");
    assert!(location.starts_with(file!()), "spawn outside a loop names {location}");
    let (_, location) = panic_location(|| drop(aioli::task::dump()));
    assert!(location.starts_with(file!()), "dump outside a loop names {location}");
    let (_, location) = panic_location(|| drop(aioli::spawn_blocking(|| ())));
    assert!(location.starts_with(file!()), "spawn_blocking outside a loop names {location}");
}

/// The hidden, deprecated asyncio names (runtime/src/asyncio_names.rs)
/// compile, warn with the aioli name, and do exactly what it does.
#[test]
#[allow(deprecated)]
fn the_deprecated_asyncio_names_forward_to_aioli() {
    let runtime = aioli::Runtime::new().unwrap();
    let total = runtime.run_until_complete(async {
        let queue = aioli::sync::Queue::new(1);
        queue.put_nowait(20).unwrap();
        assert!(queue.put_nowait(99).is_err(), "a full queue refuses, as try_put does");
        let first = queue.get_nowait().unwrap();
        assert!(queue.get_nowait().is_err(), "an empty queue refuses, as try_get does");

        let stuck = aioli::create_task(std::future::pending::<()>());
        stuck.cancel();
        assert!(stuck.await.unwrap_err().is_cancelled());

        let second = aioli::ensure_future(async { 20 }).await.unwrap();
        let rest: Vec<i32> = aioli::gather((0..2).map(|_| async { 1 })).await;
        first + second + rest.iter().sum::<i32>()
    });
    assert_eq!(total, 42);
}
