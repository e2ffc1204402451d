//! HTTP client side by side: aioli-http's `Client` against hyper-util's
//! legacy pooled client on tokio's current-thread runtime.
//!
//! | workload        | what it does                                                   |
//! |-----------------|----------------------------------------------------------------|
//! | `sequential`    | one task, GET after GET on one keep-alive connection           |
//! | `100 concurrent`| 100 tasks, each GETs in a loop; `limit(100)` / 100 idle per host |
//!
//! Both clients talk to the same server: aioli-http's own, on a thread of
//! its own with its own aioli loop, answering `GET /hello` with 13 bytes.
//! Each client runs on one thread (aioli's loop, or tokio's
//! `current_thread`), so what differs is the client: its pool, its
//! parsing, its runtime. Figures are requests per second, the median of
//! [`REPS`] runs after one warm-up, the two clients taking turns run by
//! run; the ratio is aioli's rate over hyper's, against a target of 1.0
//! (at least as fast).
//!
//! ```text
//! cargo bench --bench http_client
//! AIOLI_BENCH_QUICK=1 cargo bench --bench http_client   # 1/10 size, one run
//! ```

use std::net::SocketAddr;
use std::time::{Duration, Instant};

const REPS: usize = 5;
const TARGET: f64 = 1.0;
const BODY: &str = "hello, world!";

fn quick() -> bool {
    std::env::var_os("AIOLI_BENCH_QUICK").is_some_and(|value| value != "0")
}

fn main() {
    let scale = if quick() { 10 } else { 1 };
    let reps = if quick() { 1 } else { REPS };
    let sequential = 10_000 / scale;
    let per_task = 100 / scale;
    let addr = start_server();

    println!("aioli-http Client vs hyper-util legacy Client (tokio current_thread), GET over 127.0.0.1");
    println!("one aioli-http server on its own thread; median of {reps} run(s), requests per second\n");
    println!("{:<16} {:>12} {:>12} {:>7} {:>7}", "workload", "aioli-http", "hyper", "ratio", "target");
    let rows = [
        (
            "sequential",
            sequential,
            measure_pair(reps, || aioli_sequential(addr, sequential), || hyper_sequential(addr, sequential)),
        ),
        (
            "100 concurrent",
            100 * per_task,
            measure_pair(reps, || aioli_concurrent(addr, 100, per_task), || hyper_concurrent(addr, 100, per_task)),
        ),
    ];
    for (name, requests, (aioli, hyper)) in rows {
        let (aioli_rate, hyper_rate) = (requests as f64 / aioli.as_secs_f64(), requests as f64 / hyper.as_secs_f64());
        let ratio = aioli_rate / hyper_rate;
        let verdict = if ratio >= TARGET { "ok" } else { "under" };
        println!("{name:<16} {aioli_rate:>12.0} {hyper_rate:>12.0} {ratio:>7.2} {TARGET:>5.1} {verdict}");
    }
    println!("\nsequential: {sequential} GETs per run; concurrent: 100 tasks x {per_task} GETs per run");
}

/// One warm-up of each, then `reps` timed runs of each, taking turns so
/// that a burst of load from elsewhere on the machine hits both sides
/// alike; the medians.
fn measure_pair(
    reps: usize,
    mut aioli: impl FnMut() -> Duration,
    mut hyper: impl FnMut() -> Duration,
) -> (Duration, Duration) {
    aioli();
    hyper();
    let (mut aioli_times, mut hyper_times) = (Vec::new(), Vec::new());
    for _ in 0..reps {
        aioli_times.push(aioli());
        hyper_times.push(hyper());
    }
    (median(aioli_times), median(hyper_times))
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// The server both clients talk to, on its own thread for the whole run
/// (the process ends it).
fn start_server() -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        aioli::Runtime::builder().debug(false).build().expect("server runtime").block_on(async move {
            let app = aioli_http::App::new().get("/hello", |_req: aioli_http::Request| async { BODY });
            let server = aioli_http::Server::bind("127.0.0.1:0").start(app).await.expect("bind the bench server");
            tx.send(server.local_addr()).expect("send the address");
            // Serve until the process exits.
            std::future::pending::<()>().await;
        });
    });
    rx.recv().expect("server address")
}

fn aioli_sequential(addr: SocketAddr, requests: usize) -> Duration {
    let runtime = aioli::Runtime::builder().debug(false).build().expect("runtime");
    runtime.block_on(async move {
        let client = aioli_http::client::Client::new();
        let url = aioli_http::client::Url::parse(&format!("http://{addr}/hello")).expect("url");
        let start = Instant::now();
        for _ in 0..requests {
            let body = client.get(&url).send().await.expect("send").bytes().await.expect("body");
            assert_eq!(body.len(), BODY.len());
        }
        start.elapsed()
    })
}

fn aioli_concurrent(addr: SocketAddr, tasks: usize, per_task: usize) -> Duration {
    let runtime = aioli::Runtime::builder().debug(false).build().expect("runtime");
    runtime.block_on(async move {
        let client = aioli_http::client::Client::builder().limit(100).build();
        let url = aioli_http::client::Url::parse(&format!("http://{addr}/hello")).expect("url");
        let start = Instant::now();
        let handles: Vec<_> = (0..tasks)
            .map(|_| {
                let (client, url) = (client.clone(), url.clone());
                aioli::spawn(async move {
                    for _ in 0..per_task {
                        let body = client.get(&url).send().await.expect("send").bytes().await.expect("body");
                        assert_eq!(body.len(), BODY.len());
                    }
                })
            })
            .collect();
        for handle in handles {
            handle.await.expect("task");
        }
        start.elapsed()
    })
}

type HyperClient = hyper_util::client::legacy::Client<
    hyper_util::client::legacy::connect::HttpConnector,
    http_body_util::Empty<hyper::body::Bytes>,
>;

fn hyper_client() -> HyperClient {
    hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .pool_max_idle_per_host(100)
        .build_http()
}

async fn hyper_get(client: &HyperClient, uri: &hyper::Uri) {
    use http_body_util::BodyExt;
    let request = hyper::Request::get(uri.clone()).body(http_body_util::Empty::new()).expect("request");
    let response = client.request(request).await.expect("send");
    let body = response.into_body().collect().await.expect("body").to_bytes();
    assert_eq!(body.len(), BODY.len());
}

fn tokio_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime")
}

fn hyper_sequential(addr: SocketAddr, requests: usize) -> Duration {
    tokio_runtime().block_on(async move {
        let client = hyper_client();
        let uri: hyper::Uri = format!("http://{addr}/hello").parse().expect("uri");
        let start = Instant::now();
        for _ in 0..requests {
            hyper_get(&client, &uri).await;
        }
        start.elapsed()
    })
}

fn hyper_concurrent(addr: SocketAddr, tasks: usize, per_task: usize) -> Duration {
    tokio_runtime().block_on(async move {
        let client = hyper_client();
        let uri: hyper::Uri = format!("http://{addr}/hello").parse().expect("uri");
        let start = Instant::now();
        let handles: Vec<_> = (0..tasks)
            .map(|_| {
                let (client, uri) = (client.clone(), uri.clone());
                tokio::spawn(async move {
                    for _ in 0..per_task {
                        hyper_get(&client, &uri).await;
                    }
                })
            })
            .collect();
        for handle in handles {
            handle.await.expect("task");
        }
        start.elapsed()
    })
}
