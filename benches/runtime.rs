//! Side-by-side benchmarks: aioli against tokio's current-thread runtime.
//!
//! Every workload is written once, generically over the small `Rt` trait
//! in `benches/common/mod.rs`, and run on both runtimes, so the two
//! columns time the same code:
//!
//! | workload         | what it does                                              |
//! |------------------|-----------------------------------------------------------|
//! | `spawn+join`     | spawn 100k tasks that return a number, then await them all |
//! | `yield 1×1M`     | one task calls `yield_now` 1M times                        |
//! | `yield 10×100k`  | ten tasks call `yield_now` 100k times each, interleaved    |
//! | `timers`         | 100k tasks each sleep 1–11 ms (100 µs steps), then return  |
//! | `join_all`       | one `join_all` of 100k futures that each sleep 1–11 ms (tokio: a `JoinSet`) |
//! | `ping-pong`      | two tasks pass a baton back and forth 100k times (200k wakes) |
//! | `shutdown`       | 20k tasks that never finish, cancelled when the main future returns |
//!
//! Each figure is the wall time of one `block_on` plus the runtime's
//! teardown (the runtime is built before the clock starts). Every cell of
//! the table is measured in a fresh child process (this same program,
//! re-run with `AIOLI_BENCH_CHILD` set), so neither runtime inherits a heap
//! shaped by the other; in it, one warm-up run is followed by [`REPS`]
//! timed runs. The table shows the median and, in brackets, the fastest
//! run, and the ratio of the two medians against the target (aioli within
//! 1.5× of tokio).
//!
//! Run it in release mode (what `cargo bench` does):
//!
//! ```text
//! cargo bench --bench runtime                    # everything
//! cargo bench --bench runtime -- yield ping      # only names containing "yield" or "ping"
//! AIOLI_BENCH_QUICK=1 cargo bench --bench runtime  # smoke test: 1/10 size, one run, seconds
//! AIOLI_BENCH_REPS=11 cargo bench --bench runtime  # more repetitions
//! AIOLI_BENCH_VERBOSE=1 cargo bench --bench runtime  # also every run's time, in order (stderr)
//! ```
//!
//! For a profiler, run one side in one process and point the tool at the
//! binary cargo prints (`cargo bench --bench runtime --no-run`):
//!
//! ```text
//! AIOLI_BENCH_SIDE=aioli AIOLI_BENCH_IN_PROCESS=1 AIOLI_BENCH_REPS=1 \
//!     valgrind --tool=callgrind target/release/deps/runtime-<hash> ping
//! ```
//!
//! The numbers are only as quiet as the machine: on a shared or busy one,
//! check `uptime` and re-run; the header prints the load average.
//!
//! ## Why `spawn_local` in a `LocalSet` on the tokio side
//!
//! aioli tasks are not `Send`: they never leave the loop's thread, exactly
//! like tokio's `spawn_local` tasks, and the ping-pong baton below is built
//! on `Rc`, which `tokio::spawn` would refuse. So the counterpart is a
//! `current_thread` runtime (`enable_all`) running a `LocalSet`, with
//! `tokio::task::spawn_local`: same threading model, same "no `Send`"
//! contract, one code path for every workload.
//!
//! ## The join_all row
//!
//! aioli's side is one `aioli::join_all` of 100k plain futures inside the
//! main task; tokio's is a `JoinSet` with one task per future, since tokio
//! itself has no join of plain futures. futures-rs's `join_all` on tokio
//! would be the closer shape, but it re-polls children while tokio's
//! cooperative budget is spent and took over 3 s here, which would make
//! the target meaningless; `JoinSet` is what a tokio program uses for 100k
//! concurrent jobs, and it keeps the bench free of another dependency.
//!
//! ## Reading the yield rows
//!
//! The two `yield_now`s do not promise the same thing. tokio's defers the
//! wake until its scheduler next checks timers and IO (a zero-timeout park
//! of its drivers), so a lone yielding task pays that check on every
//! yield; that is what the `1 task` row mostly measures on the tokio side.
//! aioli's wakes the task at once, and its loop checks timers and IO only
//! once per tick, after up to 64 polls (`Builder::tick_batch`). A ratio
//! far below 1 there reflects that design choice, not a faster scheduler;
//! the `10 tasks` row, where tokio's check is shared by ten yields, is the
//! fairer comparison of the two.

use std::future::Future;
use std::hint::black_box;
use std::time::Duration;

/// Timed repetitions per workload and runtime (after one warm-up run).
const REPS: usize = 7;

/// aioli's goal: at most this many times tokio's time on every workload.
const TARGET_RATIO: f64 = 1.5;

mod common;

use common::{join_all_sleeps, ping_pong, shutdown, spawn_join, timers, yield_many, Aioli, Rt, Tokio};

// ---------------------------------------------------------------------
// The harness
// ---------------------------------------------------------------------

/// One runnable measurement: a fresh runtime, one timed `block_on`.
type Run = fn(usize) -> (Duration, u64);

struct Workload {
    name: String,
    /// Full size; quick mode divides it by ten.
    size: usize,
    aioli: Run,
    tokio: Run,
}

fn workloads(scale: usize) -> Vec<Workload> {
    fn run<R: Rt, F: Future<Output = u64>>(body: impl FnOnce() -> F) -> (Duration, u64) {
        R::block_on(body())
    }
    let k = |n: usize| {
        let n = n / scale;
        match n {
            n if n >= 1_000_000 && n / 1_000_000 * 1_000_000 == n => format!("{}M", n / 1_000_000),
            n if n >= 1_000 && n / 1_000 * 1_000 == n => format!("{}k", n / 1_000),
            n => n.to_string(),
        }
    };
    vec![
        Workload {
            name: format!("spawn+join {} tasks", k(100_000)),
            size: 100_000,
            aioli: |n| run::<Aioli, _>(|| spawn_join::<Aioli>(n)),
            tokio: |n| run::<Tokio, _>(|| spawn_join::<Tokio>(n)),
        },
        Workload {
            name: format!("yield 1 task × {}", k(1_000_000)),
            size: 1_000_000,
            aioli: |n| run::<Aioli, _>(|| yield_many::<Aioli>(1, n)),
            tokio: |n| run::<Tokio, _>(|| yield_many::<Tokio>(1, n)),
        },
        Workload {
            name: format!("yield 10 tasks × {}", k(100_000)),
            size: 100_000,
            aioli: |n| run::<Aioli, _>(|| yield_many::<Aioli>(10, n)),
            tokio: |n| run::<Tokio, _>(|| yield_many::<Tokio>(10, n)),
        },
        Workload {
            name: format!("timers {} × 1–11 ms", k(100_000)),
            size: 100_000,
            aioli: |n| run::<Aioli, _>(|| timers::<Aioli>(n)),
            tokio: |n| run::<Tokio, _>(|| timers::<Tokio>(n)),
        },
        Workload {
            name: format!("join_all {} sleeps", k(100_000)),
            size: 100_000,
            aioli: |n| run::<Aioli, _>(|| join_all_sleeps::<Aioli>(n)),
            tokio: |n| run::<Tokio, _>(|| join_all_sleeps::<Tokio>(n)),
        },
        Workload {
            name: format!("ping-pong {} round trips", k(100_000)),
            size: 100_000,
            aioli: |n| run::<Aioli, _>(|| ping_pong::<Aioli>(n as u64)),
            tokio: |n| run::<Tokio, _>(|| ping_pong::<Tokio>(n as u64)),
        },
        Workload {
            name: format!("shutdown {} live tasks", k(20_000)),
            size: 20_000,
            aioli: |n| run::<Aioli, _>(|| shutdown::<Aioli>(n)),
            tokio: |n| run::<Tokio, _>(|| shutdown::<Tokio>(n)),
        },
    ]
}

/// Which runtime a measurement runs on.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Aioli,
    Tokio,
}

impl Side {
    fn name(self) -> &'static str {
        match self {
            Side::Aioli => "aioli",
            Side::Tokio => "tokio",
        }
    }

    fn parse(name: &str) -> Option<Side> {
        match name {
            "aioli" => Some(Side::Aioli),
            "tokio" => Some(Side::Tokio),
            _ => None,
        }
    }
}

/// How every measurement is run, from the environment.
struct Settings {
    /// Divides every workload's size (10 in quick mode).
    scale: usize,
    warm_up: bool,
    reps: usize,
}

/// Median and minimum of the timed runs, and the workload's checksum.
struct Stats {
    median: Duration,
    min: Duration,
    checksum: u64,
}

/// Runs one workload on one side in this process: warm-up, then `reps`.
fn measure(workload: &Workload, side: Side, settings: &Settings) -> Stats {
    let run = match side {
        Side::Aioli => workload.aioli,
        Side::Tokio => workload.tokio,
    };
    let size = workload.size / settings.scale;
    if settings.warm_up {
        black_box(run(size));
    }
    let mut times = Vec::with_capacity(settings.reps);
    let mut checksum = None;
    for _ in 0..settings.reps {
        let (elapsed, sum) = run(size);
        assert!(checksum.unwrap_or(sum) == sum, "{}: two runs gave different checksums", workload.name);
        checksum = Some(sum);
        times.push(elapsed);
    }
    if env_flag("AIOLI_BENCH_VERBOSE") {
        let list: Vec<String> = times.iter().map(|time| format_time(*time)).collect();
        eprintln!("{} on {}: {}", workload.name, side.name(), list.join(", "));
    }
    times.sort();
    Stats { median: times[times.len() / 2], min: times[0], checksum: checksum.unwrap_or_default() }
}

/// The environment variable that turns this program into a child that
/// makes one measurement (`<workload index> <side>`) and prints it.
const CHILD_VAR: &str = "AIOLI_BENCH_CHILD";

/// Runs one measurement in a fresh copy of this program.
///
/// Why a process each: both runtimes allocate a lot (100k tasks), and
/// glibc's malloc adapts its trim and mmap thresholds to what was freed
/// before. Run in one process, a workload was up to 2× faster or slower
/// depending on which runtime had run before it. A fresh process gives
/// every side the same starting heap; its own warm-up run then counts.
fn measure_in_child(index: usize, side: Side) -> Stats {
    let program = std::env::current_exe().expect("cannot find this benchmark's own executable");
    let output = std::process::Command::new(program)
        .env(CHILD_VAR, format!("{index} {}", side.name()))
        .stderr(std::process::Stdio::inherit())
        .output()
        .expect("cannot start a child benchmark process");
    assert!(output.status.success(), "the child benchmark process failed: {}", output.status);
    let text = String::from_utf8_lossy(&output.stdout);
    let numbers: Vec<u64> = text.split_whitespace().map(|word| word.parse().expect("child output")).collect();
    let [median, min, checksum] = numbers[..] else { panic!("unexpected child output: {text:?}") };
    Stats { median: Duration::from_nanos(median), min: Duration::from_nanos(min), checksum }
}

fn format_time(time: Duration) -> String {
    let ms = time.as_secs_f64() * 1e3;
    if ms >= 100.0 {
        format!("{ms:.0} ms")
    } else if ms >= 10.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.2} ms")
    }
}

fn format_stats(stats: Option<&Stats>) -> String {
    match stats {
        Some(stats) => format!("{} ({})", format_time(stats.median), format_time(stats.min)),
        None => "-".to_string(),
    }
}

fn env_flag(name: &str) -> bool {
    std::env::var(name).is_ok_and(|value| value == "1")
}

fn main() {
    let quick = env_flag("AIOLI_BENCH_QUICK");
    let settings = Settings {
        scale: if quick { 10 } else { 1 },
        warm_up: !quick,
        reps: match std::env::var("AIOLI_BENCH_REPS") {
            Ok(reps) => reps.parse::<usize>().expect("AIOLI_BENCH_REPS must be a number").max(1),
            Err(_) if quick => 1,
            Err(_) => REPS,
        },
    };
    let workloads = workloads(settings.scale);

    // A child process: one measurement, printed as three numbers.
    if let Ok(spec) = std::env::var(CHILD_VAR) {
        let (index, side) = spec.split_once(' ').expect("AIOLI_BENCH_CHILD is `<index> <side>`");
        let index: usize = index.parse().expect("AIOLI_BENCH_CHILD index");
        let side = Side::parse(side).expect("AIOLI_BENCH_CHILD side");
        let stats = measure(&workloads[index], side, &settings);
        println!("{} {} {}", stats.median.as_nanos(), stats.min.as_nanos(), stats.checksum);
        return;
    }

    let sides: Vec<Side> = match std::env::var("AIOLI_BENCH_SIDE").as_deref() {
        Ok("") | Err(_) => vec![Side::Aioli, Side::Tokio],
        Ok(name) => vec![Side::parse(name).expect("AIOLI_BENCH_SIDE must be `aioli` or `tokio`")],
    };
    // One process for everything: what profilers want.
    let in_process = env_flag("AIOLI_BENCH_IN_PROCESS");
    // `cargo bench` passes `--bench`; every argument not starting with a
    // dash filters workloads by name.
    let filters: Vec<String> = std::env::args().skip(1).filter(|arg| !arg.starts_with('-')).collect();

    let load = std::fs::read_to_string("/proc/loadavg")
        .map(|text| text.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".to_string());
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!(
        "aioli vs tokio current_thread + LocalSet | {} | {} | {} | load average {load} on {cpus} CPUs",
        if quick { "QUICK (1/10 size)" } else { "full size" },
        if settings.warm_up {
            format!("1 warm-up + {} runs, median (min)", settings.reps)
        } else {
            format!("{} run(s), no warm-up", settings.reps)
        },
        if in_process { "one process" } else { "a fresh process per cell" },
    );
    println!();

    let widths = [30, 22, 22, 11, 7, 4];
    let line = |cells: [&str; 6]| {
        let mut text = String::new();
        for (cell, width) in cells.iter().zip(widths) {
            text.push_str(&format!("{cell:<width$}  "));
        }
        println!("{}", text.trim_end());
    };
    line(["workload", "aioli", "tokio", "aioli/tokio", "target", ""]);
    line(widths.map(|width| "-".repeat(width)).each_ref().map(String::as_str));

    let mut over_target = 0;
    for (index, workload) in workloads.iter().enumerate() {
        if !filters.is_empty() && !filters.iter().any(|filter| workload.name.contains(filter.as_str())) {
            continue;
        }
        let stats = |side: Side| {
            sides.contains(&side).then(|| {
                if in_process {
                    measure(workload, side, &settings)
                } else {
                    measure_in_child(index, side)
                }
            })
        };
        let aioli = stats(Side::Aioli);
        let tokio = stats(Side::Tokio);
        let (ratio, verdict) = match (&aioli, &tokio) {
            (Some(aioli), Some(tokio)) => {
                assert_eq!(
                    aioli.checksum, tokio.checksum,
                    "{}: the runtimes computed different results",
                    workload.name
                );
                let ratio = aioli.median.as_secs_f64() / tokio.median.as_secs_f64();
                let ok = ratio <= TARGET_RATIO;
                over_target += usize::from(!ok);
                (format!("{ratio:.2}"), if ok { "ok" } else { "SLOW" })
            }
            _ => ("-".to_string(), ""),
        };
        line([
            &workload.name,
            &format_stats(aioli.as_ref()),
            &format_stats(tokio.as_ref()),
            &ratio,
            &format!("≤ {TARGET_RATIO}"),
            verdict,
        ]);
    }
    println!();
    if over_target > 0 {
        println!("{over_target} workload(s) above the {TARGET_RATIO}× target");
    }
}
