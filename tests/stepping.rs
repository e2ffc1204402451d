//! Seeing the loop from outside: the deterministic example really prints
//! the same text on every run, and gdb really stops in the tick, shows the
//! task about to be polled, and (with gdb/aioli_gdb.py) lists the tasks,
//! their tree and their await chains, as docs/src/09-debugging.md says.
//!
//! The gdb session is also the chapter's transcript:
//! docs/transcripts/gdb-session.sh reruns the gdb test with
//! `AIOLI_WRITE_TRANSCRIPT=1`, which writes what gdb printed to
//! docs/src/transcripts/gdb-session.txt, and the chapter includes that file.
//! A third test (no gdb needed) fails when a function the transcript
//! names no longer exists, so a rename cannot leave the book stale.
//!
//! The tests run the built example binary. Cargo gives integration tests
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

/// The gdb session of docs/src/09-debugging.md, section by section. Each
/// `Anchor` starts a part of the transcript the chapter includes on its own.
enum Step {
    Anchor(&'static str),
    Command(&'static str),
}
use Step::{Anchor, Command as Gdb};

const SESSION: &[Step] = &[
    Anchor("breakpoints"),
    Gdb("break aioli::runtime::core::Core::run_once"),
    Gdb("break aioli::runtime::core::stop_here_before_each_poll"),
    Gdb("run"),
    // Stopped at the start of tick 1: the counter is still 0.
    Gdb("print self.tick"),
    Gdb("print self.tick.value.value"),
    Anchor("before-poll"),
    // Main spawns the two tasks in tick 1; the first poll_task is the worker's.
    Gdb("continue"),
    Gdb("info args"),
    Gdb("backtrace 6"),
    Gdb("continue"),
    Gdb("info args"),
    Anchor("aioli-commands"),
    Gdb("source gdb/aioli_gdb.py"),
    Gdb("delete"),
    Gdb("aioli break-tick 2"),
    Gdb("continue"),
    Gdb("aioli tick"),
    Gdb("aioli ps"),
    Anchor("aioli-tree"),
    Gdb("aioli pstree"),
    Gdb("aioli where 2"),
    Gdb("aioli where main"),
    Anchor("end"),
    Gdb("kill"),
];

/// Runs [`SESSION`] in gdb's batch mode and returns it as a transcript:
/// each command after a `(gdb) ` prompt, followed by what it printed, with
/// `ANCHOR:` lines around the parts (mdBook's `{{#include file:anchor}}`
/// drops them). Lines that only say how gdb was set up are left out.
fn gdb_transcript(binary: &std::path::Path) -> String {
    const MARK: &str = "@@aioli-step@@ ";
    let mut gdb = Command::new("gdb");
    // -nx: no ~/.gdbinit, so the session is the same on every machine.
    gdb.args(["-batch", "-nx", "-ex", "set debuginfod enabled off", "-ex", "set width 0"]);
    for step in SESSION {
        let marker = match step {
            Anchor(name) => format!("{MARK}anchor {name}"),
            Gdb(command) => format!("{MARK}command {command}"),
        };
        gdb.args(["-ex", &format!("echo {}\\n", marker.replace('\\', "\\\\"))]);
        if let Gdb(command) = step {
            gdb.args(["-ex", command]);
        }
    }
    gdb.arg(binary).current_dir(env!("CARGO_MANIFEST_DIR"));
    let output = run_bounded(gdb, "gdb");
    // gdb writes its own messages to stdout and errors to stderr; with a
    // pipe for each, their order is lost, so stderr goes at the end (the
    // assertions below would show any error there).
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut transcript = String::new();
    let mut open: Option<String> = None;
    for line in stdout.lines() {
        if let Some(step) = line.strip_prefix(MARK) {
            if let Some(name) = step.strip_prefix("anchor ") {
                if let Some(previous) = open.take() {
                    transcript.push_str(&format!("ANCHOR_END: {previous}\n"));
                }
                if name != "end" {
                    transcript.push_str(&format!("ANCHOR: {name}\n"));
                    open = Some(name.to_string());
                }
            } else if let Some(command) = step.strip_prefix("command ") {
                transcript.push_str(&format!("(gdb) {command}\n"));
            }
            continue;
        }
        if !is_setup_noise(line) {
            transcript.push_str(line);
            transcript.push('\n');
        }
    }
    if let Some(previous) = open {
        transcript.push_str(&format!("ANCHOR_END: {previous}\n"));
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stderr: Vec<&str> = stderr.lines().filter(|line| !is_setup_noise(line)).collect();
    if !stderr.is_empty() {
        transcript.push_str("-- gdb's stderr --\n");
        transcript.push_str(&stderr.join("\n"));
        transcript.push('\n');
    }
    transcript
}

/// Lines that only say how gdb was set up (threads, the Rust pretty
/// printers that `-nx` does not load, the batch-mode `kill` question).
fn is_setup_noise(line: &str) -> bool {
    line.starts_with("[Thread debugging")
        || line.starts_with("Using host libthread_db")
        || line.starts_with("[Inferior 1 (process")
        || line.contains("Missing auto-load script")
        || line.starts_with("of file ")
        || line.starts_with("Use `info auto-load")
        || line.starts_with("Kill the program being debugged?")
}

/// Where the chapter includes the transcript from.
const TRANSCRIPT: &str = "docs/src/transcripts/gdb-session.txt";

#[test]
fn gdb_stops_in_the_tick_and_shows_the_task() {
    if !peers::peer_available("gdb", "--version") {
        return;
    }
    let binary = example_binary();
    let text = gdb_transcript(&binary);

    // docs/transcripts/gdb-session.sh sets this to rewrite the chapter's
    // transcript from this very run (after the checks below pass).
    let regenerate = std::env::var_os("AIOLI_WRITE_TRANSCRIPT").is_some();

    assert!(!text.contains("-- gdb's stderr --"), "gdb reported errors:\n{text}");
    assert!(!text.contains("Python Exception"), "a command of gdb/aioli_gdb.py failed:\n{text}");
    assert!(
        text.contains("Breakpoint 1, aioli::runtime::core::Core::run_once"),
        "gdb did not stop in run_once:\n{text}"
    );
    // gdb prints `$1 = core::cell::Cell<u64> {value: ... {value: 0}}`, or
    // `$1 = Cell = {value = 0}` with Rust's pretty printers loaded.
    let tick = text.lines().find(|line| line.starts_with("$1 = ")).unwrap_or_else(|| panic!("no print:\n{text}"));
    assert!(tick.contains("Cell") && tick.contains("value") && tick.contains('0'), "odd tick value: {tick}\n{text}");
    assert!(text.contains("$2 = 0\n"), "print self.tick.value.value is not 0:\n{text}");

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
    assert!(text.contains("aioli::runtime::core::Core::run_ready_tasks"), "no phase 2 in the backtrace:\n{text}");

    // The commands of gdb/aioli_gdb.py, stopped as tick 2 starts: the
    // worker sleeps, the waiter awaits the worker's JoinHandle, and main
    // sleeps too (examples/10_trace_walkthrough.rs, `program`).
    for expected in [
        "Breakpoint 3: stops when tick 2 starts",
        "tick 2, starting (stopped at run_once's first line; self.tick still reads 1)",
        "tick 2: 2 live tasks",
        "  task#1   worker       waiting        1  examples/10_trace_walkthrough.rs:",
        "awaits Sleep (timer armed)",
        "  task#2   waiter       waiting        1  examples/10_trace_walkthrough.rs:",
        "awaits JoinHandle of task#1",
        "main\n├── task#1 \"worker\" [waiting]  (awaited by task#2)\n└── task#2 \"waiter\" [waiting]\n",
        "task#2 \"waiter\":\n  #0 the task's wrapper (async block in Core::spawn) in Suspend0\n    #1 async fn 10_trace_walkthrough::waiter in Suspend0\n      #2 JoinHandle of task#1",
        "    #1 async fn 10_trace_walkthrough::program in Suspend0\n      #2 Sleep (timer armed)",
    ] {
        assert!(text.contains(expected), "the gdb session shows no {expected:?}:\n{text}");
    }

    if regenerate {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(TRANSCRIPT);
        std::fs::write(&path, &text).unwrap_or_else(|error| panic!("cannot write {}: {error}", path.display()));
    }
}

/// The transcript in the book was made by an older build; this check (no
/// gdb needed) fails when a function, file or example it names is gone,
/// so a rename cannot leave the chapter describing code that is not there.
/// Regenerate with docs/transcripts/gdb-session.sh.
#[test]
fn the_gdb_transcript_names_code_that_exists() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let transcript =
        std::fs::read_to_string(root.join(TRANSCRIPT)).unwrap_or_else(|error| panic!("{TRANSCRIPT}: {error}"));
    let runtime_source = rust_sources(&root.join("runtime/src"));
    let example_source = std::fs::read_to_string(root.join(format!("examples/{EXAMPLE}.rs"))).unwrap();
    let mut checked = 0;
    for word in transcript.split(|c: char| c.is_whitespace() || "()[],\"".contains(c)) {
        // Functions: aioli::runtime::core::Core::run_once, and the
        // example's own (10_trace_walkthrough::waiter).
        let word = word.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '_');
        let (source, path) = if let Some(path) = word.strip_prefix("aioli::") {
            (&runtime_source, path)
        } else if let Some(path) = word.strip_prefix(&format!("{EXAMPLE}::")) {
            (&example_source, path)
        } else if let Some((file, line)) = source_line(word) {
            // runtime/src/runtime/tick.rs:54 and the like: the file exists
            // and is that long.
            let text = std::fs::read_to_string(root.join(file))
                .unwrap_or_else(|_| panic!("{TRANSCRIPT} names {word}, but there is no file {file}"));
            assert!(text.lines().count() >= line, "{TRANSCRIPT} names {word}, past the end of {file}");
            checked += 1;
            continue;
        } else {
            continue;
        };
        let Some(function) =
            path.rsplit("::").next().filter(|name| name.chars().all(|c| c.is_alphanumeric() || c == '_'))
        else {
            continue;
        };
        if function.chars().next().is_some_and(|c| c.is_lowercase()) {
            assert!(
                source.contains(&format!("fn {function}(")) || source.contains(&format!("fn {function}<")),
                "{TRANSCRIPT} names {word}, but no `fn {function}` exists any more: rerun docs/transcripts/gdb-session.sh"
            );
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} names checked in {TRANSCRIPT}: is it the gdb session?");
}

/// `file.rs:54` or `file.rs:54:3` as (file, line), for paths in this repo.
fn source_line(word: &str) -> Option<(&str, usize)> {
    let (file, rest) = word.split_once(".rs:")?;
    let line = rest.split(':').next()?.parse().ok()?;
    let file = &word[..file.len() + 3];
    (file.starts_with("runtime/") || file.starts_with("examples/")).then_some((file, line))
}

/// Every `.rs` file under `dir`, concatenated.
fn rust_sources(dir: &std::path::Path) -> String {
    let mut all = String::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            all.push_str(&rust_sources(&path));
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            all.push_str(&std::fs::read_to_string(&path).unwrap());
        }
    }
    all
}
