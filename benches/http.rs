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
//! |              | (`/proc/self/task/<tid>/schedstat`, read by the child before and after), and  |
//! |              | its split into user and kernel time (`/proc/self/task/<tid>/stat`)            |
//! | syscalls     | system calls per keep-alive request (`strace -f -c` on the server process,    |
//! |              | minus a run of the same server with no load); only when strace is installed  |
//! | memory       | resident memory per idle keep-alive connection: 10,000 connections, each      |
//! |              | having been answered once, held open by a third process (`/proc/self/statm`) |
//! | https        | the same server behind TLS (rustls, one configuration for both) against     |
//! |              | hyper over tokio-rustls: keep-alive requests/s, and new connections/s each  |
//! |              | paying a full handshake (`benches/http/tls.rs`)                              |
//!
//! ```text
//! cargo bench --bench http
//! AIOLI_BENCH_QUICK=1 cargo bench --bench http    # short runs, 1,000 idle connections, no strace
//! AIOLI_HTTP_LOAD=own cargo bench --bench http    # the client in benches/http/load.rs even if wrk is there
//! ```
//! Targets: requests/s ≥ 1.0× hyper, CPU per request ≤ 0.9× hyper,
//! ≤ 3 syscalls per request, ≤ 100 MiB for 10k idle connections; https
//! keep-alive requests/s and handshakes/s ≥ 1.0× hyper + tokio-rustls.
//! Linux only (it reads /proc).

#[path = "http/aioli_server.rs"]
mod aioli_server;
#[path = "http/hyper_server.rs"]
mod hyper_server;
#[path = "http/load.rs"]
mod load;
#[path = "http/tls.rs"]
mod tls;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::SocketAddr;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Duration;

const CONNECTIONS: usize = 50;
/// Runs per server in a full run; the tables show medians.
const REPS: usize = 5;

fn quick() -> bool {
    std::env::var_os("AIOLI_BENCH_QUICK").is_some_and(|value| value != "0")
}

fn main() {
    match std::env::var("AIOLI_HTTP_CHILD").ok().as_deref() {
        Some("serve:aioli") => child_server(aioli_server::serve),
        Some("serve:hyper") => child_server(hyper_server::serve),
        Some("serve:aioli-tls") => child_server(tls::serve_aioli),
        Some("serve:hyper-tls") => child_server(tls::serve_hyper),
        Some(spec) if spec.starts_with("idle:") => hold_idle(&spec["idle:".len()..]),
        Some(spec) if spec.starts_with("load:") => load_only(&spec["load:".len()..]),
        _ => parent(),
    }
}

// ---------------------------------------------------------------------
// The parent: runs the children, prints the tables
// ---------------------------------------------------------------------

fn parent() {
    let (warmup, time, reps) = if quick() {
        (Duration::from_millis(200), Duration::from_secs(1), 1)
    } else {
        (Duration::from_secs(1), Duration::from_secs(5), REPS)
    };
    let idle = if quick() { 1_000 } else { 10_000 };
    let servers = ["aioli", "hyper"];

    println!("aioli-http vs hyper 1.x (tokio current_thread): GET / -> \"Hello, World!\"");
    println!(
        "{CONNECTIONS} keep-alive connections, {} s per run, median of {reps} run(s) per server, alternating\n",
        time.as_secs()
    );
    // Alternate the servers, so a busy moment of the machine hurts both.
    let mut runs: [Vec<Run>; 2] = [Vec::new(), Vec::new()];
    for _ in 0..reps {
        for (i, name) in servers.iter().enumerate() {
            runs[i].push(throughput(name, warmup, time));
        }
    }
    let medians: Vec<Run> = runs.iter().map(|r| Run::median(r)).collect();
    println!(
        "{:<8} {:>12} {:>10} {:>10} {:>12} {:>10} {:>10}   load: {}",
        "server", "requests/s", "p50", "p99", "CPU µs/req", "user", "sys", medians[0].tool
    );
    for (name, run) in servers.iter().zip(&medians) {
        println!(
            "{name:<8} {:>12.0} {:>10.1?} {:>10.1?} {:>12.2} {:>10.2} {:>10.2}",
            run.per_second, run.p50, run.p99, run.cpu_us, run.user_us, run.sys_us
        );
    }
    let rps = medians[0].per_second / medians[1].per_second;
    let cpu = medians[0].cpu_us / medians[1].cpu_us;
    let (user, sys) = (medians[0].user_us / medians[1].user_us, medians[0].sys_us / medians[1].sys_us);
    println!("ratio    {rps:>12.2} {:>10} {:>10} {cpu:>12.2} {user:>10.2} {sys:>10.2}", "", "");
    println!(
        "targets  {:>12} {:>10} {:>10} {:>12}   ({} requests/s, {} CPU)\n",
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

    https(warmup, time, reps);
}

/// The https table: keep-alive requests/s and full handshakes/s.
fn https(warmup: Duration, time: Duration, reps: usize) {
    let certificates = tls::make_certificates();
    const WORKERS: usize = 8;
    println!(
        "\nhttps: rustls + ring on both servers (one configuration), TLS 1.3, ECDSA P-256; \
         load: tokio-rustls, no resumption"
    );
    println!(
        "{:<8} {:>22} {:>24}",
        "server",
        format!("keep-alive req/s ({CONNECTIONS})"),
        format!("handshakes/s ({WORKERS} loops)")
    );
    let mut figures = [(Vec::new(), Vec::new()), (Vec::new(), Vec::new())];
    for _ in 0..reps {
        for (i, name) in ["aioli-tls", "hyper-tls"].iter().enumerate() {
            let server = Server::start(name, None);
            tls::keep_alive(server.addr, &certificates.ca_pem, CONNECTIONS, warmup);
            figures[i].0.push(tls::keep_alive(server.addr, &certificates.ca_pem, CONNECTIONS, time));
            figures[i].1.push(tls::handshakes(server.addr, &certificates.ca_pem, WORKERS, time));
            server.stop();
        }
    }
    let median = |mut values: Vec<f64>| {
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    };
    let medians: Vec<(f64, f64)> = figures.into_iter().map(|(k, h)| (median(k), median(h))).collect();
    for (name, (keep, hand)) in ["aioli", "hyper"].iter().zip(&medians) {
        println!("{name:<8} {keep:>22.0} {hand:>24.0}");
    }
    let (keep_ratio, hand_ratio) = (medians[0].0 / medians[1].0, medians[0].1 / medians[1].1);
    println!("ratio    {keep_ratio:>22.2} {hand_ratio:>24.2}");
    println!(
        "targets  {:>22} {:>24}   ({} keep-alive, {} handshakes)",
        "≥ 1.00",
        "≥ 1.00",
        verdict(keep_ratio >= 1.0),
        verdict(hand_ratio >= 1.0)
    );
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

/// One timed run against one server.
struct Run {
    per_second: f64,
    p50: Duration,
    p99: Duration,
    /// The server thread's CPU time per request (schedstat, ns precision).
    cpu_us: f64,
    /// The same split into user and kernel time (/proc stat, 10 ms ticks).
    user_us: f64,
    sys_us: f64,
    tool: &'static str,
}

impl Run {
    /// Each figure's median over `runs` (figure by figure).
    fn median(runs: &[Run]) -> Run {
        fn mid<T: Copy + PartialOrd>(mut values: Vec<T>) -> T {
            values.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
            values[values.len() / 2]
        }
        Run {
            per_second: mid(runs.iter().map(|r| r.per_second).collect()),
            p50: mid(runs.iter().map(|r| r.p50).collect()),
            p99: mid(runs.iter().map(|r| r.p99).collect()),
            cpu_us: mid(runs.iter().map(|r| r.cpu_us).collect()),
            user_us: mid(runs.iter().map(|r| r.user_us).collect()),
            sys_us: mid(runs.iter().map(|r| r.sys_us).collect()),
            tool: runs[0].tool,
        }
    }
}

/// Requests/s and latency from the load; CPU per request from the child.
fn throughput(name: &str, warmup: Duration, time: Duration) -> Run {
    let mut server = Server::start(name, None);
    load::run(server.addr, CONNECTIONS, warmup);
    let (cpu0, user0, sys0) = (server.ask("cpu"), server.ask("user"), server.ask("sys"));
    let load = load::run(server.addr, CONNECTIONS, time);
    let (cpu1, user1, sys1) = (server.ask("cpu"), server.ask("user"), server.ask("sys"));
    server.stop();
    let requests = load.requests.max(1) as f64;
    // /proc counts in clock ticks of 10 ms (USER_HZ = 100 on Linux).
    let tick_us = 10_000.0;
    Run {
        per_second: load.per_second(),
        p50: load.p50,
        p99: load.p99,
        cpu_us: (cpu1 - cpu0) as f64 / 1000.0 / requests,
        user_us: (user1 - user0) as f64 * tick_us / requests,
        sys_us: (sys1 - sys0) as f64 * tick_us / requests,
        tool: load.tool,
    }
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

/// `AIOLI_HTTP_CHILD=load:ADDR:SECONDS`: only the load, against a server
/// started some other way (to profile it with perf or strace, say).
fn load_only(spec: &str) {
    let (addr, seconds) = spec.rsplit_once(':').expect("load:ADDR:SECONDS");
    let addr: SocketAddr = addr.parse().expect("an address like 127.0.0.1:8080");
    let seconds: u64 = seconds.parse().expect("whole seconds");
    let run = load::run(addr, CONNECTIONS, Duration::from_secs(seconds));
    println!(
        "{} requests in {:.2?}: {:.0}/s, p50 {:.1?}, p99 {:.1?}",
        run.requests,
        run.elapsed,
        run.per_second(),
        run.p50,
        run.p99
    );
}

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
            "user" => format!("user {}", thread_ticks(&tid).0),
            "sys" => format!("sys {}", thread_ticks(&tid).1),
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

/// User and kernel CPU time of thread `tid`, in clock ticks (fields 14
/// and 15 of its stat line, counted after the `)` that ends its name).
fn thread_ticks(tid: &str) -> (u64, u64) {
    let text = std::fs::read_to_string(format!("/proc/self/task/{tid}/stat")).expect("stat (Linux only)");
    let after_name = text.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<u64> = after_name.split_whitespace().skip(11).take(2).filter_map(|f| f.parse().ok()).collect();
    (fields.first().copied().unwrap_or(0), fields.get(1).copied().unwrap_or(0))
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
