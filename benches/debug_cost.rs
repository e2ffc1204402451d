//! What the debug aids cost: the same workloads with every aid off, with
//! the debug aids on, and with trace mode on.
//!
//! | configuration | `Builder` calls                    | what runs on each poll and wake          |
//! |---------------|------------------------------------|------------------------------------------|
//! | `off`         | `.debug(false).trace(false)`       | no observer: one branch per event site (`Core::poll_task` once per poll, one per wake) |
//! | `debug`       | `.debug(true)`                     | the detectors observe: the debugger stop, poll timing, `PollStarted`/`Polled`/`Spawned`/`TaskEnded` events to the lost-waker, busy-loop and slow-poll checks (wakes are not reported: no observer wants them) |
//! | `trace`       | `.trace(true).trace_to(sink)`      | the trace printer observes: every event, wakes included, and one formatted line per printed event, handed to a sink that counts and drops it |
//! | `live`        | `.observe(view.observer())`        | the live view observes (`aioli_http::live`): every event, wakes included, is stamped, cloned and `try_send` into its bounded channel; what does not fit is dropped and counted (the `dropped` column), and the view's thread folds the rest on the other core |
//!
//! `off` is what a release build does by default. Its cost, compared with a
//! loop that has no hooks at all, cannot be timed from inside one build:
//! the hooks are compiled in. It is counted instead, in instructions, which
//! `valgrind --tool=callgrind` gives repeatably on a noisy machine: delete
//! the branch to `poll_task_as::<true>` and the `reports_wakes` check in
//! `TaskWaker::wake_by_ref`, and compare the totals of
//!
//! ```text
//! AIOLI_BENCH_SIDE=aioli AIOLI_BENCH_IN_PROCESS=1 AIOLI_BENCH_REPS=1 \
//!     valgrind --tool=callgrind target/release/deps/runtime-<hash> ping
//! ```
//!
//! The trace row uses a sink rather than stderr so that it measures the
//! loop's work (building each line), not the terminal's. Writing to a
//! terminal costs far more: `AIOLI_TRACE=1` is for reading a small
//! program, not for timing one.
//!
//! ```text
//! cargo bench --bench debug_cost              # 1 warm-up + 5 runs of each
//! AIOLI_BENCH_QUICK=1 cargo bench --bench debug_cost   # 1/10 size, one run
//! ```
//!
//! Wall time on a shared machine moves by tens of percent from run to run.
//! To compare builds, count instructions instead: `AIOLI_BENCH_ONE=AIDS:WORKLOAD`
//! (AIDS `off`, `debug`, `trace` or `live`; WORKLOAD `ping`, `yield` or `spawn`)
//! runs that one cell once, which callgrind counts to the instruction:
//!
//! ```text
//! AIOLI_BENCH_QUICK=1 AIOLI_BENCH_ONE=debug:ping \
//!     valgrind --tool=callgrind target/release/deps/debug_cost-<hash>
//! ```
//!
//! Chapter: docs/src/09-debugging.md ("What the aids cost").

use std::cell::Cell;
use std::hint::black_box;
use std::rc::Rc;
use std::time::{Duration, Instant};

use std::sync::OnceLock;

use aioli::Runtime;
use aioli_http::live::LiveView;

mod common;

use common::{ping_pong, spawn_join, yield_many, Aioli};

/// Timed runs per workload and configuration, after one warm-up round.
const REPS: usize = 5;

/// The four ways the loop is built, in the table's column order.
#[derive(Clone, Copy)]
enum Aids {
    Off,
    Debug,
    Trace,
    Live,
}

/// One live view for the whole run (one view thread, as a program has);
/// each `live` runtime gets a new observer of it.
fn live_view() -> &'static LiveView {
    static VIEW: OnceLock<LiveView> = OnceLock::new();
    VIEW.get_or_init(|| LiveView::start("127.0.0.1:0").expect("the live view could not listen on 127.0.0.1"))
}

impl Aids {
    const ALL: [Aids; 4] = [Aids::Off, Aids::Debug, Aids::Trace, Aids::Live];

    /// A runtime with these aids; trace lines are counted into `lines`.
    fn runtime(self, lines: &Rc<Cell<u64>>) -> Runtime {
        let builder = Runtime::builder().debug(false).trace(false);
        let builder = match self {
            Aids::Off => builder,
            // The busy-loop detector still counts self-wakes on every poll;
            // the yield workload is a busy loop on purpose, so no warning.
            Aids::Debug => builder.debug(true).busy_loop_threshold(Some(u32::MAX)),
            Aids::Trace => {
                let lines = lines.clone();
                builder.trace(true).trace_to(move |line| {
                    black_box(line);
                    lines.set(lines.get() + 1);
                })
            }
            Aids::Live => builder.serves_live_view().observe(live_view().observer()),
        };
        builder.build().expect("aioli could not create its event loop")
    }
}

/// One workload: a name, its full size, and how to run it at a size.
struct Workload {
    name: &'static str,
    size: usize,
    run: fn(&Runtime, usize) -> u64,
}

/// The workloads of benches/runtime.rs where per-poll costs show most.
const WORKLOADS: [Workload; 3] = [
    Workload { name: "ping-pong, round trips", size: 100_000, run: |rt, n| rt.block_on(ping_pong::<Aioli>(n as u64)) },
    Workload { name: "yield 10 tasks, each", size: 100_000, run: |rt, n| rt.block_on(yield_many::<Aioli>(10, n)) },
    Workload { name: "spawn+join, tasks", size: 100_000, run: |rt, n| rt.block_on(spawn_join::<Aioli>(n)) },
];

/// Times one run: a fresh runtime (built before the clock starts), one
/// `block_on`, the teardown. Returns the time, the trace lines written,
/// and the events the live view dropped.
fn time_once(workload: &Workload, aids: Aids, size: usize) -> (Duration, u64, u64) {
    let lines = Rc::new(Cell::new(0));
    let runtime = aids.runtime(&lines);
    let dropped_before = live_view().dropped();
    let start = Instant::now();
    black_box((workload.run)(&runtime, size));
    drop(runtime);
    let time = start.elapsed();
    let dropped = match aids {
        Aids::Live => live_view().dropped() - dropped_before,
        _ => 0,
    };
    // Let the view's thread drain what it was sent, so it does not take
    // the other core from the next configuration's run.
    std::thread::sleep(Duration::from_millis(if matches!(aids, Aids::Live) { 120 } else { 0 }));
    (time, lines.get(), dropped)
}

fn format_ms(time: Duration) -> String {
    format!("{:.1} ms", time.as_secs_f64() * 1e3)
}

/// `AIOLI_BENCH_ONE=AIDS:WORKLOAD`: runs that one cell once, untimed.
fn run_one(cell: &str, scale: usize) {
    let (aids, workload) = cell.split_once(':').unwrap_or((cell, ""));
    let aids = match aids {
        "off" => Aids::Off,
        "debug" => Aids::Debug,
        "trace" => Aids::Trace,
        "live" => Aids::Live,
        other => panic!("AIOLI_BENCH_ONE: no configuration {other:?}; use off, debug, trace or live"),
    };
    let workload = match workload {
        "ping" => &WORKLOADS[0],
        "yield" => &WORKLOADS[1],
        "spawn" => &WORKLOADS[2],
        other => panic!("AIOLI_BENCH_ONE: no workload {other:?}; use ping, yield or spawn"),
    };
    let (_, lines, _) = time_once(workload, aids, workload.size / scale);
    println!("ran {cell} once ({} {}, {lines} trace lines)", workload.name, workload.size / scale);
}

fn main() {
    let quick = std::env::var("AIOLI_BENCH_QUICK").is_ok_and(|value| value == "1");
    let (scale, reps) = if quick { (10, 1) } else { (1, REPS) };
    if let Ok(cell) = std::env::var("AIOLI_BENCH_ONE") {
        return run_one(&cell, scale);
    }
    let load = std::fs::read_to_string("/proc/loadavg")
        .map(|text| text.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".to_string());
    println!(
        "aioli with its debug aids off / on | {} | {} | load average {load}",
        if quick { "QUICK (1/10 size)" } else { "full size" },
        if quick { "1 run".to_string() } else { format!("1 warm-up + {reps} runs, median") },
    );
    println!();
    println!(
        "{:<28}  {:>10}  {:>18}  {:>18}  {:>18}  {:>12}  {:>12}",
        "workload", "off", "debug (×off)", "trace (×off)", "live view (×off)", "trace lines", "live dropped"
    );
    println!("{}", "-".repeat(28 + 10 + 18 + 18 + 18 + 12 + 12 + 12));

    for workload in &WORKLOADS {
        let size = workload.size / scale;
        if !quick {
            for aids in Aids::ALL {
                black_box(time_once(workload, aids, size));
            }
        }
        // Rounds interleave the configurations, so a burst of load on
        // this shared machine hits all of them alike.
        let mut times: [Vec<Duration>; 4] = Default::default();
        let (mut trace_lines, mut live_dropped) = (0, 0);
        for _ in 0..reps {
            for (column, aids) in Aids::ALL.into_iter().enumerate() {
                let (time, lines, dropped) = time_once(workload, aids, size);
                times[column].push(time);
                trace_lines = trace_lines.max(lines);
                live_dropped = live_dropped.max(dropped);
            }
        }
        let [off, debug, trace, live] = times.map(|mut runs| {
            runs.sort();
            runs[runs.len() / 2]
        });
        let ratio = |time: Duration| time.as_secs_f64() / off.as_secs_f64();
        println!(
            "{:<28}  {:>10}  {:>18}  {:>18}  {:>18}  {:>12}  {:>12}",
            format!("{} {size}", workload.name),
            format_ms(off),
            format!("{} ({:.2})", format_ms(debug), ratio(debug)),
            format!("{} ({:.2})", format_ms(trace), ratio(trace)),
            format!("{} ({:.2})", format_ms(live), ratio(live)),
            trace_lines,
            live_dropped,
        );
    }
}
