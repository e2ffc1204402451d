//! The live view in a real browser: headless Chromium opens the page of
//! `examples/62_live_view.rs --serve`, and the DOM it built from the view's
//! data must show the loop moving (`#tick` grows between two loads) and
//! the example's tasks (one `#tasks` row each, with `data-task-id`). The
//! same run saves a screenshot of the page; the book's is made this way:
//!
//! ```text
//! AIOLI_LIVE_SCREENSHOT=docs/src/images/41-live-view.png cargo test --test live_view
//! ```
//!
//! Chromium is a peer (tests/common/peers.rs): skipped with a visible line
//! when it is not installed, required under `AIOLI_REQUIRE_PEERS=1`.
//!
//! Also here, as it needs an example program too: `AIOLI_LIVE` set for a
//! program that does not serve the view prints one line naming the fix.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

mod common;
use common::peers::peer_available;

/// The longest any one program here may run.
const LIMIT: Duration = Duration::from_secs(60);

/// Builds the example with the same cargo (tests get the paths of
/// `[[bin]]` targets, not of examples) and returns its path.
fn example_binary() -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let status = Command::new(cargo)
        .args(["build", "--quiet", "--example", "62_live_view"])
        .current_dir(&root)
        .status()
        .expect("cargo runs");
    assert!(status.success(), "cargo build --example 62_live_view failed");
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"));
    target.join("debug").join("examples").join("62_live_view")
}

/// The example, serving its page; killed when dropped.
struct Example {
    child: Child,
    url: String,
}

impl Example {
    fn start() -> Example {
        let mut child = Command::new(example_binary())
            .args(["--serve", "--port", "0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the example starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut lines = BufReader::new(stdout).lines();
        // Its first line: "live view: http://127.0.0.1:PORT/".
        let first = lines.next().and_then(Result::ok).unwrap_or_default();
        let url = first.strip_prefix("live view: ").unwrap_or_default().to_string();
        let mut example = Example { child, url };
        if !example.url.starts_with("http://127.0.0.1:") {
            let _ = example.child.kill();
            panic!("the example's first line should give the page's address, got {first:?}");
        }
        // Keep reading its output so it never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        example
    }
}

impl Drop for Example {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs headless Chromium on `url` with `extra` flags, in a profile
/// directory of its own, killed after [`LIMIT`].
fn chromium(profile: &Path, extra: &[&str], url: &str) -> Output {
    let mut child = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium starts");
    let start = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium {extra:?} did not finish within {LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("chromium's output")
}

/// Loads the page and returns the DOM its script built. The page draws
/// the state it fetches on load; the virtual-time budget lets that fetch
/// and the drawing finish before the dump.
fn dump_dom(profile: &Path, url: &str) -> String {
    let output = chromium(profile, &["--virtual-time-budget=3000", "--dump-dom"], url);
    assert!(output.status.success(), "chromium --dump-dom failed: {:?}", output.status);
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The number in `<b id="tick">N</b>`.
fn tick_of(dom: &str) -> u64 {
    let after = dom.split_once("id=\"tick\">").map(|(_, rest)| rest).unwrap_or_default();
    let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().unwrap_or_else(|_| panic!("no #tick number in the page:\n{}", &dom[..dom.len().min(2000)]))
}

/// The `data-task-id` of every row of `#tasks`.
fn task_ids(dom: &str) -> Vec<u64> {
    let tasks = dom.split_once("id=\"tasks\"").map(|(_, rest)| rest).unwrap_or_default();
    let tasks = tasks.split_once("</tbody>").map(|(rows, _)| rows).unwrap_or(tasks);
    tasks.split("data-task-id=\"").skip(1).filter_map(|rest| rest.split('"').next()?.parse().ok()).collect()
}

#[test]
fn the_page_shows_the_loop_moving_and_its_tasks() {
    if !peer_available("chromium", "--version") {
        return;
    }
    let example = Example::start();
    let profile = std::env::temp_dir().join(format!("aioli-live-view-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&profile);

    let first = dump_dom(&profile, &example.url);
    std::thread::sleep(Duration::from_millis(1500));
    let second = dump_dom(&profile, &example.url);

    let (tick1, tick2) = (tick_of(&first), tick_of(&second));
    assert!(tick1 > 0, "the page shows the loop's tick once loaded");
    assert!(tick2 > tick1, "#tick advances while the loop runs: {tick1} then {tick2}");

    let ids = task_ids(&second);
    assert!(ids.contains(&0), "main has a row (id 0): {ids:?}");
    assert!(ids.len() >= 8, "the workload's tasks each have a row: {ids:?}");
    for name in ["producer 1", "consumer 2", "slow poll", "forgets its waker", "echo server"] {
        assert!(
            second.contains(&format!("&quot;{name}&quot;")) || second.contains(&format!("\"{name}\"")),
            "no row for {name:?}"
        );
    }

    // By now the slow task has blocked the loop at least once (every 2 s),
    // and the forgetful one was flagged at its first poll: the screenshot
    // shows both. Saved where AIOLI_LIVE_SCREENSHOT says (the book's copy),
    // or in the temporary directory, checked and removed.
    std::thread::sleep(Duration::from_millis(1500));
    let keep = std::env::var_os("AIOLI_LIVE_SCREENSHOT");
    let shot = keep
        .clone()
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join(format!("aioli-live-view-{}.png", std::process::id())));
    let shot = if shot.is_relative() { PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(shot) } else { shot };
    let output = chromium(
        &profile,
        &[
            "--virtual-time-budget=3000",
            "--window-size=1400,900",
            "--hide-scrollbars",
            &format!("--screenshot={}", shot.display()),
        ],
        &example.url,
    );
    assert!(output.status.success(), "chromium --screenshot failed: {:?}", output.status);
    let png = std::fs::read(&shot).expect("the screenshot was written");
    assert!(png.starts_with(b"\x89PNG"), "the screenshot is a PNG");
    if keep.is_some() {
        eprintln!("live view screenshot: {}", shot.display());
    } else {
        let _ = std::fs::remove_file(&shot);
    }

    drop(example);
    let _ = std::fs::remove_dir_all(&profile);
}

/// `AIOLI_LIVE` in a program whose runtime does not serve the view gets
/// one line saying what is missing, not silence.
#[test]
fn a_program_without_the_view_says_so_once() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let status = Command::new(cargo)
        .args(["build", "--quiet", "--example", "03_gather"])
        .current_dir(&root)
        .status()
        .expect("cargo runs");
    assert!(status.success(), "cargo build --example 03_gather failed");
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"));
    let output = Command::new(target.join("debug").join("examples").join("03_gather"))
        .env("AIOLI_LIVE", "127.0.0.1:8700")
        .stdin(Stdio::null())
        .output()
        .expect("the example runs");
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    let notices: Vec<&str> = stderr.lines().filter(|line| line.contains("does not serve a live view")).collect();
    assert_eq!(notices.len(), 1, "one notice, naming the fix:\n{stderr}");
    assert!(notices[0].contains("aioli_http::live::runtime_builder()"), "{}", notices[0]);
}
