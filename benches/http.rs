//! HTTP/1.1 side by side: aioli-http against hyper 1.x on tokio.
//!
//! Both servers answer `GET /` with `Hello, World!` (the handler of
//! examples/30_hello_server.rs), each in its own child process (this
//! program re-run with `AIOLI_HTTP_CHILD=...`) on a single-threaded loop.
//! The same load generator meets both: wrk when it is installed, else the
//! client in `benches/http/load.rs`; 50 keep-alive connections, each
//! sending one request at a time.
//!
//! | table        | what is measured                                                              |
//! |--------------|-------------------------------------------------------------------------------|
//! | throughput   | requests/s; latency p50 and p99; the server thread's CPU time per request     |
//! |              | (`/proc/self/task/<tid>/schedstat`, read by the child before and after)       |
//! | syscalls     | system calls per keep-alive request (`strace -f -c` on the server process,    |
//! |              | minus a run of the same server with no load); only when strace is installed  |
//! | memory       | resident memory per idle keep-alive connection: 10,000 connections, each      |
//! |              | having been answered once, held open by a third process (`/proc/self/statm`) |
//!
//! ```text
//! cargo bench --bench http
//! AIOLI_BENCH_QUICK=1 cargo bench --bench http    # short runs, 1,000 idle connections, no strace
//! ```
//! Targets: requests/s ≥ 1.0× hyper, CPU per request ≤ 0.9× hyper,
//! ≤ 3 syscalls per request, ≤ 100 MiB for 10k idle connections.
//! Linux only (it reads /proc).

#[path = "http/aioli_server.rs"]
mod aioli_server;
#[path = "http/hyper_server.rs"]
mod hyper_server;
#[path = "http/load.rs"]
mod load;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::SocketAddr;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Duration;

const CONNECTIONS: usize = 50;

fn quick() -> bool {
    std::env::var_os("AIOLI_BENCH_QUICK").is_some_and(|value| value != "0")
}

fn main() {
    match std::env::var("AIOLI_HTTP_CHILD").ok().as_deref() {
        Some("serve:aioli") => child_server(aioli_server::serve),
        Some("serve:hyper") => child_server(hyper_server::serve),
        Some(spec) if spec.starts_with("idle:") => hold_idle(&spec["idle:".len()..]),
        _ => parent(),
    }
}

// ---------------------------------------------------------------------
// The parent: runs the children, prints the tables
// ---------------------------------------------------------------------

fn parent() {
    let (warmup, time) = if quick() {
        (Duration::from_millis(200), Duration::from_secs(1))
    } else {
        (Duration::from_secs(1), Duration::from_secs(5))
    };
    let idle = if quick() { 1_000 } else { 10_000 };
    let servers = ["aioli", "hyper"];

    println!("aioli-http vs hyper 1.x (tokio current_thread): GET / -> \"Hello, World!\"");
    println!("{CONNECTIONS} keep-alive connections, {} s per server\n", time.as_secs());
    let runs: Vec<(load::Load, f64)> = servers.iter().map(|name| throughput(name, warmup, time)).collect();
    println!(
        "{:<8} {:>12} {:>10} {:>10} {:>14}   load: {}",
        "server", "requests/s", "p50", "p99", "CPU µs/req", runs[0].0.tool
    );
    for (name, (run, cpu)) in servers.iter().zip(&runs) {
        println!("{name:<8} {:>12.0} {:>10.1?} {:>10.1?} {cpu:>14.2}", run.per_second(), run.p50, run.p99);
    }
    let rps = runs[0].0.per_second() / runs[1].0.per_second();
    let cpu = runs[0].1 / runs[1].1;
    println!("ratio    {rps:>12.2} {:>10} {:>10} {cpu:>14.2}", "", "");
    println!(
        "targets  {:>12} {:>10} {:>10} {:>14}   ({} requests/s, {} CPU)\n",
        "≥ 1.00",
        "",
        "",
        "≤ 0.90",
        verdict(rps >= 1.0),
        verdict(cpu <= 0.9)
    );

    if !quick() && Command::new("strace").arg("-V").output().is_ok() {
        println!("{:<8} {:>14}   top calls per request", "server", "syscalls/req");
        for name in servers {
            let (per_request, top) = syscalls(name, time);
            let top: Vec<String> = top.iter().map(|(call, n)| format!("{call} {n:.2}")).collect();
            println!("{name:<8} {per_request:>14.2}   {}", top.join(", "));
        }
        println!("target   {:>14}\n", "≤ 3");
    } else {
        println!("syscalls per request: skipped (quick run, or strace not installed)\n");
    }

    println!("{:<8} {:>16} {:>14}", "server", "idle conns RSS", "per conn");
    let mut per_conn = Vec::new();
    for name in servers {
        let bytes = idle_memory(name, idle);
        per_conn.push(bytes as f64 / idle as f64);
        println!(
            "{name:<8} {:>12.1} MiB {:>10.0} B   ({idle} connections)",
            bytes as f64 / (1 << 20) as f64,
            per_conn[per_conn.len() - 1]
        );
    }
    println!("ratio    {:>16} {:>14.2}", "", per_conn[0] / per_conn[1]);
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "ok"
    } else {
        "missed"
    }
}

/// A server child: talk to it with one-word commands on its stdin.
struct Server {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    addr: SocketAddr,
}

impl Server {
    fn start(name: &str, wrapper: Option<&[&str]>) -> Server {
        let exe = std::env::current_exe().expect("current exe");
        let mut command = match wrapper {
            Some(args) => {
                let mut command = Command::new(args[0]);
                command.args(&args[1..]).arg(exe);
                command
            }
            None => Command::new(exe),
        };
        let mut child = command
            .env("AIOLI_HTTP_CHILD", format!("serve:{name}"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn the server child");
        let stdin = child.stdin.take().expect("piped stdin");
        let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        let line = read_line(&mut stdout);
        let addr = line.strip_prefix("listening ").and_then(|a| a.parse().ok());
        let addr = addr.unwrap_or_else(|| panic!("server child {name} said {line:?}"));
        Server { child, stdin, stdout, addr }
    }

    /// Sends `command` ("cpu" or "rss") and returns the number it answers.
    fn ask(&mut self, command: &str) -> u64 {
        writeln!(self.stdin, "{command}").expect("write to the server child");
        let line = read_line(&mut self.stdout);
        line.strip_prefix(command)
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or_else(|| panic!("asked {command}, the server child said {line:?}"))
    }

    fn stop(self) {
        let Server { mut child, stdin, .. } = self;
        drop(stdin); // the child exits when its stdin closes
        let _ = child.wait();
    }
}

fn read_line(reader: &mut impl BufRead) -> String {
    let mut line = String::new();
    reader.read_line(&mut line).expect("read from a child");
    line.trim_end().to_string()
}

/// Requests/s and latency from the load; CPU µs per request from the child.
fn throughput(name: &str, warmup: Duration, time: Duration) -> (load::Load, f64) {
    let mut server = Server::start(name, None);
    load::run(server.addr, CONNECTIONS, warmup);
    let before = server.ask("cpu");
    let run = load::run(server.addr, CONNECTIONS, time);
    let after = server.ask("cpu");
    server.stop();
    let cpu_us = (after - before) as f64 / 1000.0 / run.requests.max(1) as f64;
    (run, cpu_us)
}

/// Syscalls per request: `strace -f -c` counts every call of the server
/// process; a run with no load gives the start-up and shut-down calls to
/// subtract. Returns the figure and the five most frequent calls.
fn syscalls(name: &str, time: Duration) -> (f64, Vec<(String, f64)>) {
    let count = |load: bool| {
        let file = std::env::temp_dir().join(format!("aioli-http-bench-strace-{name}-{}", std::process::id()));
        let file_arg = file.to_string_lossy().into_owned();
        let server = Server::start(name, Some(&["strace", "-f", "-c", "-o", &file_arg, "--"]));
        let requests = if load { load::run(server.addr, CONNECTIONS, time).requests } else { 0 };
        server.stop();
        let mut text = String::new();
        std::fs::File::open(&file).and_then(|mut f| f.read_to_string(&mut text)).expect("strace's summary");
        let _ = std::fs::remove_file(&file);
        (requests, parse_strace(&text))
    };
    let (_, idle) = count(false);
    let (requests, busy) = count(true);
    let requests = requests.max(1) as f64;
    let mut per_call: Vec<(String, f64)> = busy
        .iter()
        .filter(|(call, _)| call != "total")
        .map(|(call, n)| {
            let base = idle.iter().find(|(c, _)| c == call).map_or(0, |(_, n)| *n);
            (call.clone(), n.saturating_sub(base) as f64 / requests)
        })
        .collect();
    per_call.sort_by(|a, b| b.1.total_cmp(&a.1));
    let total = per_call.iter().map(|(_, n)| n).sum();
    per_call.truncate(5);
    (total, per_call)
}

/// (syscall, calls) from `strace -c`'s table; the errors column may be
/// empty, so the name is the last field and the calls the fourth.
fn parse_strace(text: &str) -> Vec<(String, u64)> {
    text.lines()
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let calls = fields.get(3)?.parse().ok()?;
            Some((fields.last()?.to_string(), calls))
        })
        .collect()
}

/// The server's RSS growth while `count` keep-alive connections, each
/// answered once, sit idle in a client process.
fn idle_memory(name: &str, count: usize) -> u64 {
    let mut server = Server::start(name, None);
    let before = server.ask("rss");
    let exe = std::env::current_exe().expect("current exe");
    let mut clients = Command::new(exe)
        .env("AIOLI_HTTP_CHILD", format!("idle:{}:{count}", server.addr))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn the idle clients");
    let mut out = BufReader::new(clients.stdout.take().expect("piped stdout"));
    let line = read_line(&mut out);
    assert!(line.starts_with("ready"), "the idle clients said {line:?}");
    // The last answers are written; give the loop a moment to go idle.
    std::thread::sleep(Duration::from_millis(200));
    let after = server.ask("rss");
    // Every connection must still be open, or the figure is for fewer.
    let mut stdin = clients.stdin.take().expect("piped stdin");
    writeln!(stdin, "check").expect("ask the idle clients");
    let line = read_line(&mut out);
    assert_eq!(line, format!("open {count}"), "{name}: idle connections were closed before the measurement");
    drop(stdin);
    let _ = clients.wait();
    server.stop();
    after.saturating_sub(before)
}

// ---------------------------------------------------------------------
// The children
// ---------------------------------------------------------------------

/// A server child: serves on a thread of its own (which binds
/// 127.0.0.1:0 and reports the address), and answers the parent's "cpu"
/// (that thread's CPU time in ns) and "rss" (the process's, in bytes).
fn child_server(serve: fn(std::sync::mpsc::Sender<SocketAddr>)) {
    let (tid_tx, tid_rx) = std::sync::mpsc::channel();
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let tid = std::fs::read_link("/proc/thread-self").expect("/proc/thread-self (Linux only)");
        let _ = tid_tx.send(tid.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
        serve(addr_tx);
    });
    let tid = tid_rx.recv().expect("server thread id");
    let addr = addr_rx.recv().expect("the server's address");
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let _ = writeln!(out, "listening {addr}");
    let _ = out.flush();
    for line in std::io::stdin().lines() {
        let Ok(line) = line else { break };
        let answer = match line.trim() {
            "cpu" => format!("cpu {}", thread_cpu_ns(&tid)),
            "rss" => format!("rss {}", rss()),
            other => format!("unknown command {other}"),
        };
        let _ = writeln!(out, "{answer}");
        let _ = out.flush();
    }
    std::process::exit(0);
}

/// Time thread `tid` of this process has run on a CPU, in nanoseconds.
fn thread_cpu_ns(tid: &str) -> u64 {
    let text = std::fs::read_to_string(format!("/proc/self/task/{tid}/schedstat")).expect("schedstat (Linux only)");
    text.split_whitespace().next().and_then(|n| n.parse().ok()).expect("schedstat format")
}

/// Resident set size of this process, in bytes.
fn rss() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("/proc/self/statm (Linux only)");
    let pages: u64 = statm.split_whitespace().nth(1).and_then(|field| field.parse().ok()).expect("statm format");
    pages * 4096
}

/// The idle clients: connect `count` times, send one request on each and
/// read its answer (so the server's connection is a real keep-alive one,
/// past its first request), say "ready"; on "check", say how many are
/// still open; hold until stdin closes.
fn hold_idle(spec: &str) {
    let (addr, count) = spec.rsplit_once(':').expect("addr:count");
    let count: usize = count.parse().expect("count");
    let mut held = Vec::with_capacity(count);
    let mut buf = [0u8; 1024];
    for _ in 0..count {
        let mut stream = std::net::TcpStream::connect(addr).expect("connect");
        stream.set_read_timeout(Some(Duration::from_secs(10))).expect("read timeout");
        stream.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").expect("send");
        let mut got = 0;
        // The answer is small: read until its body has arrived.
        while !buf[..got].ends_with(load::BODY) {
            let n = stream.read(&mut buf[got..]).expect("the server did not answer an idle client in 10 s");
            assert!(n > 0, "the server closed an idle connection");
            got += n;
        }
        held.push(stream);
    }
    println!("ready {}", held.len());
    let _ = std::io::stdout().flush();
    for line in std::io::stdin().lines() {
        if !line.is_ok_and(|line| line.trim() == "check") {
            break;
        }
        // Open means a read would block; a closed one reads 0 (EOF).
        let mut open = 0;
        for stream in &mut held {
            let _ = stream.set_nonblocking(true);
            if matches!(stream.read(&mut buf), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock) {
                open += 1;
            }
        }
        println!("open {open}");
        let _ = std::io::stdout().flush();
    }
}
