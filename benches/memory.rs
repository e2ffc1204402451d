//! Memory side by side: what an idle task and an idle connection cost.
//!
//! | measurement        | what is alive when RSS is read                                 |
//! |--------------------|----------------------------------------------------------------|
//! | `100k idle tasks`  | 100,000 spawned tasks, each polled once and waiting forever     |
//! | `10k idle conns`   | 10,000 accepted TCP connections, each with a task waiting to read |
//!
//! Figures are resident memory (RSS, from `/proc/self/statm`) after minus
//! before, divided by the count: heap for the tasks, wakers, futures and
//! socket registrations, not the kernel's socket buffers (those are not in
//! a process's RSS). Each measurement runs in a fresh child process (this
//! program re-run with `AIOLI_MEM_CHILD=<what>`) so no runtime inherits
//! another's heap. For the connections, the client ends live in one more
//! child process, so neither process needs 20,000 file descriptors.
//!
//! ```text
//! cargo bench --bench memory
//! AIOLI_BENCH_QUICK=1 cargo bench --bench memory   # 1/10 of the counts
//! ```
//! Linux only (it reads /proc).

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

fn quick() -> bool {
    std::env::var_os("AIOLI_BENCH_QUICK").is_some_and(|value| value != "0")
}

fn counts() -> (usize, usize) {
    if quick() {
        (10_000, 1_000)
    } else {
        (100_000, 10_000)
    }
}

/// Resident set size of this process, in bytes.
fn rss() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("/proc/self/statm (Linux only)");
    let pages: usize = statm.split_whitespace().nth(1).and_then(|field| field.parse().ok()).expect("statm format");
    pages * 4096
}

fn main() {
    match std::env::var("AIOLI_MEM_CHILD").ok().as_deref() {
        Some("aioli-tasks") => child_report(aioli_tasks(counts().0)),
        Some("tokio-tasks") => child_report(tokio_tasks(counts().0)),
        Some("aioli-conns") => child_report(aioli_conns(counts().1)),
        Some("tokio-conns") => child_report(tokio_conns(counts().1)),
        Some(clients) if clients.starts_with("clients:") => hold_clients(&clients["clients:".len()..]),
        _ => parent(),
    }
}

fn parent() {
    let (tasks, conns) = counts();
    println!("aioli vs tokio (current_thread): resident memory per idle task and per idle connection\n");
    println!("{:<18} {:>14} {:>14} {:>7}", "measurement", "aioli", "tokio", "ratio");
    for (name, what, count) in [("idle tasks", "tasks", tasks), ("idle connections", "conns", conns)] {
        let aioli = run_child(&format!("aioli-{what}"));
        let tokio = run_child(&format!("tokio-{what}"));
        let per = |bytes: usize| bytes as f64 / count as f64;
        println!(
            "{:<18} {:>9.0} B/ea {:>9.0} B/ea {:>7.2}   ({count} each)",
            name,
            per(aioli),
            per(tokio),
            per(aioli) / per(tokio)
        );
    }
}

/// Runs this program as a child measuring `what`; returns its RSS delta.
fn run_child(what: &str) -> usize {
    let exe = std::env::current_exe().expect("current exe");
    let output = Command::new(exe).env("AIOLI_MEM_CHILD", what).output().expect("spawn child");
    let text = String::from_utf8_lossy(&output.stdout);
    match text.lines().find_map(|line| line.strip_prefix("rss-delta ")).and_then(|n| n.trim().parse().ok()) {
        Some(bytes) => bytes,
        None => panic!("child {what} failed: {}\n{}", text, String::from_utf8_lossy(&output.stderr)),
    }
}

fn child_report(delta: usize) {
    println!("rss-delta {delta}");
}

fn aioli_tasks(count: usize) -> usize {
    let runtime = aioli::Runtime::builder().debug(false).build().expect("runtime");
    runtime.block_on(async move {
        let before = rss();
        for _ in 0..count {
            drop(aioli::spawn(std::future::pending::<()>()));
        }
        // Let the loop poll every task once, so each is really waiting.
        aioli::time::sleep(Duration::from_millis(50)).await;
        rss().saturating_sub(before)
    })
}

fn tokio_tasks(count: usize) -> usize {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let local = tokio::task::LocalSet::new();
    local.block_on(&runtime, async move {
        let before = rss();
        for _ in 0..count {
            drop(tokio::task::spawn_local(std::future::pending::<()>()));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        rss().saturating_sub(before)
    })
}

/// Starts the client process that opens `count` connections to `addr`
/// and holds them; returns it once every connection is made.
fn start_clients(addr: std::net::SocketAddr, count: usize) -> std::process::Child {
    let exe = std::env::current_exe().expect("current exe");
    Command::new(exe)
        .env("AIOLI_MEM_CHILD", format!("clients:{addr}:{count}"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn clients")
}

/// The client process: connect, say "ready", hold until stdin closes.
fn hold_clients(spec: &str) {
    let (addr, count) = spec.rsplit_once(':').expect("addr:count");
    let count: usize = count.parse().expect("count");
    let held: Vec<std::net::TcpStream> =
        (0..count).map(|_| std::net::TcpStream::connect(addr).expect("connect")).collect();
    println!("ready {}", held.len());
    let _ = std::io::stdout().flush();
    let mut line = String::new();
    let _ = std::io::stdin().read_line(&mut line);
}

fn wait_ready(child: &mut std::process::Child) {
    let stdout = child.stdout.take().expect("piped stdout");
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("ready line");
    assert!(line.starts_with("ready"), "client process said {line:?}");
}

fn aioli_conns(count: usize) -> usize {
    use aioli::io::AsyncReadExt;
    let runtime = aioli::Runtime::builder().debug(false).build().expect("runtime");
    runtime.block_on(async move {
        let listener = aioli::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let mut clients = start_clients(listener.local_addr().expect("addr"), count);
        let before = rss();
        for _ in 0..count {
            let (mut socket, _) = listener.accept().await.expect("accept");
            drop(aioli::spawn(async move {
                let mut buf = [0u8; 64];
                let _ = socket.read(&mut buf).await;
            }));
        }
        aioli::time::sleep(Duration::from_millis(50)).await;
        let delta = rss().saturating_sub(before);
        wait_ready(&mut clients);
        drop(clients.stdin.take());
        let _ = clients.wait();
        delta
    })
}

fn tokio_conns(count: usize) -> usize {
    use tokio::io::AsyncReadExt;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let local = tokio::task::LocalSet::new();
    local.block_on(&runtime, async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let mut clients = start_clients(listener.local_addr().expect("addr"), count);
        let before = rss();
        for _ in 0..count {
            let (mut socket, _) = listener.accept().await.expect("accept");
            drop(tokio::task::spawn_local(async move {
                let mut buf = [0u8; 64];
                let _ = socket.read(&mut buf).await;
            }));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        let delta = rss().saturating_sub(before);
        wait_ready(&mut clients);
        drop(clients.stdin.take());
        let _ = clients.wait();
        delta
    })
}
