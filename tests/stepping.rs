//! Seeing the loop from outside: the deterministic example really prints
//! the same text on every run, and gdb really stops in the tick and shows
//! the task about to be polled, as docs/src/09-debugging.md says.
//!
//! Both tests run the built example binary. Cargo gives integration tests
//! the path of `[[bin]]` targets (`CARGO_BIN_EXE_*`) but not of examples,
//! so the tests build the example themselves with the same cargo.

mod common;
use common::peers;

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const EXAMPLE: &str = "10_trace_walkthrough";
const LIMIT: Duration = Duration::from_secs(60);

/// The example's binary, built once per test process (both tests need it;
/// a second concurrent `cargo build` would only wait for the first).
fn example_binary() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
            let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
            let mut build = Command::new(cargo);
            build.args(["build", "--quiet", "--example", EXAMPLE]).current_dir(&root);
            let output = run_bounded(build, "cargo build");
            assert!(
                output.status.success(),
                "cargo build --example {EXAMPLE} failed:\n{}",
                String::from_utf8_lossy(&output.stderr)
            );
            let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"));
            let binary = target.join("debug").join("examples").join(EXAMPLE);
            assert!(binary.exists(), "built, but {} does not exist", binary.display());
            binary
        })
        .clone()
}

/// Runs `command` to the end, killing it after [`LIMIT`]. Output is read
/// on threads so a chatty child cannot fill a pipe and stall.
fn run_bounded(mut command: Command, what: &str) -> Output {
    // The example's output must not depend on the caller's environment.
    for variable in ["AIOLI_TRACE", "AIOLI_DEBUG", "AIOLI_TRACE_FILE"] {
        command.env_remove(variable);
    }
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| panic!("could not start {what}: {error}"));
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        stdout.read_to_end(&mut bytes).map(|_| bytes)
    });
    let err_reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        stderr.read_to_end(&mut bytes).map(|_| bytes)
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} did not finish within {LIMIT:?} and was killed");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output { status, stdout: out_reader.join().unwrap().unwrap(), stderr: err_reader.join().unwrap().unwrap() }
}

#[test]
fn deterministic_example_prints_the_same_every_run() {
    let binary = example_binary();
    let first = run_bounded(Command::new(&binary), EXAMPLE);
    let second = run_bounded(Command::new(&binary), EXAMPLE);
    assert!(first.status.success(), "{EXAMPLE} failed:\n{}", String::from_utf8_lossy(&first.stderr));
    assert!(second.status.success(), "{EXAMPLE} failed:\n{}", String::from_utf8_lossy(&second.stderr));

    // Part 3 uses real sockets and a real clock; only parts 1 and 2 are
    // promised to repeat exactly.
    let deterministic_part = |stdout: &[u8]| {
        let text = String::from_utf8_lossy(stdout).into_owned();
        match text.find("Part 3: a TCP exchange") {
            Some(end) => text[..end].to_string(),
            None => panic!("{EXAMPLE} printed no part 3:\n{text}"),
        }
    };
    let full = String::from_utf8_lossy(&first.stdout).into_owned();
    assert!(full.contains("read back \"pong!\"") && full.contains("IoReady {"), "part 3 shows no IO:\n{full}");
    let (text, second) = (deterministic_part(&first.stdout), deterministic_part(&second.stdout));
    if text != second {
        let (line, (a, b)) = text
            .lines()
            .zip(second.lines())
            .enumerate()
            .find(|(_, (a, b))| a != b)
            .unwrap_or((0, ("(one output is a prefix of the other)", "")));
        panic!("two runs differ, first at line {}:\n  run 1: {a}\n  run 2: {b}", line + 1);
    }

    let expected = [
        "[100ms] worker: fetched 42",
        "[200ms] main: the waiter says Cancelled",
        "── tick 0: before the first turn of the loop ──\n  Woken { main, cause: Loop }",
        "  Spawned { task#1 \"worker\", site: examples/10_trace_walkthrough.rs:",
        "── tick 1, phase 3 (wait for events) ──\n  ClockJumped { by: 100ms }",
        "── tick 2, phase 1 (fire due timers) ──\n  TimerFired { due: +100ms }",
        "  Woken { task#1 \"worker\", cause: Timer }",
        "  Woken { task#2 \"waiter\", cause: Task(task#1 \"worker\") }",
        "  Cancelled { task#2 \"waiter\", reason: Aborted }",
        "  Polled { main, result: Ready }",
        "Ticks in all: 3.",
    ];
    for line in expected {
        assert!(text.contains(line), "the output has no line containing {line:?}:\n{text}");
    }
    // A paused clock: the loop never really blocks in parts 1 and 2.
    assert!(!text.contains("Waited {"), "a real wait in a deterministic run:\n{text}");
    assert!(first.stderr.is_empty(), "unexpected stderr:\n{}", String::from_utf8_lossy(&first.stderr));
}

#[test]
fn gdb_stops_in_the_tick_and_shows_the_task() {
    if !peers::peer_available("gdb", "--version") {
        return;
    }
    let binary = example_binary();

    let mut gdb = Command::new("gdb");
    gdb.args(["-batch", "-nx"]);
    for command in [
        "set debuginfod enabled off",
        "break aioli::runtime::core::Core::run_once",
        "break aioli::runtime::core::stop_here_before_each_poll",
        "run",
        // Stopped at the start of tick 1: the counter is still 0.
        "print self.tick",
        // Main spawns the two tasks in tick 1; the first poll_task is the worker's.
        "continue",
        "info args",
        "continue",
        "info args",
        "kill",
    ] {
        gdb.args(["-ex", command]);
    }
    gdb.arg(&binary);
    let output = run_bounded(gdb, "gdb");
    let text = format!("{}\n{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));

    assert!(
        text.contains("Breakpoint 1, aioli::runtime::core::Core::run_once"),
        "gdb did not stop in run_once:\n{text}"
    );
    // gdb prints `$1 = core::cell::Cell<u64> {value: ... {value: 0}}`, or
    // `$1 = Cell = {value = 0}` with Rust's pretty printers loaded.
    let tick = text.lines().find(|line| line.starts_with("$1 = ")).unwrap_or_else(|| panic!("no print:\n{text}"));
    assert!(tick.contains("Cell") && tick.contains("value") && tick.contains('0'), "odd tick value: {tick}\n{text}");

    assert!(
        text.contains("Breakpoint 2, aioli::runtime::core::stop_here_before_each_poll (tick=1"),
        "gdb did not stop before a task poll:\n{text}"
    );
    for (number, name) in [(1, "worker"), (2, "waiter")] {
        assert!(text.contains(&format!("task_number = {number}\n")), "no task_number = {number}:\n{text}");
        // `Some("worker")`, possibly as `core::option::Option<&str>::Some("worker")`.
        let name_line = text
            .lines()
            .find(|line| line.starts_with("task_name = ") && line.contains(&format!("\"{name}\"")))
            .unwrap_or_else(|| panic!("no task_name line naming {name:?}:\n{text}"));
        assert!(name_line.contains("Some"), "{name_line}");
    }
    assert!(text.contains("tick = 1\n") && text.contains("still_queued = "), "no tick/still_queued args:\n{text}");
}
