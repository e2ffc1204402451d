//! TCP side by side: aioli against tokio's current-thread runtime.
//!
//! | workload      | what it does                                                  |
//! |---------------|---------------------------------------------------------------|
//! | `echo 64 B`   | one connection, 64-byte request and echo, 20k round trips      |
//! | `stream 1 MiB`| one connection, 512 MiB sent in 1 MiB writes, read and dropped |
//!
//! Client and server run as two tasks on the same single-threaded loop,
//! over 127.0.0.1, for both runtimes: what differs is only the runtime's
//! reactor, wakers and scheduling. Each figure is the median of [`REPS`]
//! runs after one warm-up; the ratio is aioli's time over tokio's, against
//! the target of 1.2.
//!
//! ```text
//! cargo bench --bench net
//! AIOLI_BENCH_QUICK=1 cargo bench --bench net    # 1/10 size, one run
//! ```

use std::time::{Duration, Instant};

const REPS: usize = 5;
const TARGET: f64 = 1.2;

fn quick() -> bool {
    std::env::var_os("AIOLI_BENCH_QUICK").is_some_and(|value| value != "0")
}

fn main() {
    let scale = if quick() { 10 } else { 1 };
    let reps = if quick() { 1 } else { REPS };
    let rounds = 20_000 / scale;
    let total_mib = 512 / scale;
    println!("aioli vs tokio (current_thread), TCP over 127.0.0.1; median of {reps} run(s)\n");
    println!("{:<14} {:>12} {:>12} {:>7} {:>7}", "workload", "aioli", "tokio", "ratio", "target");
    let rows = [
        ("echo 64 B", measure(reps, || aioli_echo(rounds)), measure(reps, || tokio_echo(rounds))),
        ("stream 1 MiB", measure(reps, || aioli_stream(total_mib)), measure(reps, || tokio_stream(total_mib))),
    ];
    for (name, aioli, tokio) in rows {
        let ratio = aioli.as_secs_f64() / tokio.as_secs_f64();
        let verdict = if ratio <= TARGET { "ok" } else { "over" };
        println!("{name:<14} {:>12.2?} {:>12.2?} {ratio:>7.2} {TARGET:>5.1} {verdict}", aioli, tokio);
    }
    println!(
        "\necho: {} round trips per run; stream: {total_mib} MiB per run ({:.0} MiB/s aioli, {:.0} MiB/s tokio)",
        rounds,
        total_mib as f64 / rows[1].1.as_secs_f64(),
        total_mib as f64 / rows[1].2.as_secs_f64()
    );
}

/// One warm-up, then the median of `reps` timed runs.
fn measure(reps: usize, mut run: impl FnMut() -> Duration) -> Duration {
    run();
    let mut times: Vec<Duration> = (0..reps).map(|_| run()).collect();
    times.sort();
    times[times.len() / 2]
}

// Each workload is written once, as a macro over the runtime's crate
// name: aioli and tokio spell `net::TcpListener`, `net::TcpStream` and
// `io::{AsyncReadExt, AsyncWriteExt}` alike, so the two sides run the same
// code and differ only in the runtime under it (and in how a non-`Send`
// task is spawned, passed as `$spawn`).

/// Runs `workload` on a fresh aioli loop with its debug aids off.
fn on_aioli<F: std::future::Future>(workload: F) -> F::Output {
    let runtime = aioli::Runtime::builder().debug(false).build().expect("runtime");
    runtime.block_on(workload)
}

/// Runs `workload` on a fresh tokio current-thread runtime, inside a
/// `LocalSet` so that its tasks need not be `Send` either.
fn on_tokio<F: std::future::Future>(workload: F) -> F::Output {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    tokio::task::LocalSet::new().block_on(&runtime, workload)
}

/// `rounds` round trips of 64 bytes to an echo task; the time they took.
macro_rules! echo {
    ($rt:ident, $spawn:path, $rounds:expr) => {
        async {
            use $rt::io::{AsyncReadExt, AsyncWriteExt};
            let listener = $rt::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
            let addr = listener.local_addr().expect("addr");
            let server = $spawn(async move {
                let (mut socket, _) = listener.accept().await?;
                socket.set_nodelay(true)?;
                let mut buf = [0u8; 64];
                loop {
                    socket.read_exact(&mut buf).await?;
                    socket.write_all(&buf).await?;
                }
                #[allow(unreachable_code)]
                Ok::<(), std::io::Error>(())
            });
            let mut client = $rt::net::TcpStream::connect(addr).await.expect("connect");
            client.set_nodelay(true).expect("nodelay");
            let (message, mut reply) = ([7u8; 64], [0u8; 64]);
            let start = Instant::now();
            for _ in 0..$rounds {
                client.write_all(&message).await.expect("write");
                client.read_exact(&mut reply).await.expect("read");
            }
            let elapsed = start.elapsed();
            server.abort();
            elapsed
        }
    };
}

fn aioli_echo(rounds: usize) -> Duration {
    on_aioli(echo!(aioli, aioli::spawn, rounds))
}

fn tokio_echo(rounds: usize) -> Duration {
    on_tokio(echo!(tokio, tokio::task::spawn_local, rounds))
}

const MIB: usize = 1024 * 1024;

/// `total_mib` writes of 1 MiB to a task that reads and drops them; the
/// time until it has read the last byte.
macro_rules! stream {
    ($rt:ident, $spawn:path, $total_mib:expr) => {
        async {
            use $rt::io::{AsyncReadExt, AsyncWriteExt};
            let total_mib: usize = $total_mib;
            let listener = $rt::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
            let addr = listener.local_addr().expect("addr");
            let sink = $spawn(async move {
                let (mut socket, _) = listener.accept().await?;
                let mut buf = vec![0u8; 256 * 1024];
                let mut received = 0;
                while received < total_mib * MIB {
                    let n = socket.read(&mut buf).await?;
                    if n == 0 {
                        break;
                    }
                    received += n;
                }
                Ok::<usize, std::io::Error>(received)
            });
            let mut client = $rt::net::TcpStream::connect(addr).await.expect("connect");
            let block = vec![1u8; MIB];
            let start = Instant::now();
            for _ in 0..total_mib {
                client.write_all(&block).await.expect("write");
            }
            let received = sink.await.expect("sink task").expect("sink io");
            assert_eq!(received, total_mib * MIB);
            start.elapsed()
        }
    };
}

fn aioli_stream(total_mib: usize) -> Duration {
    on_aioli(stream!(aioli, aioli::spawn, total_mib))
}

fn tokio_stream(total_mib: usize) -> Duration {
    on_tokio(stream!(tokio, tokio::task::spawn_local, total_mib))
}
