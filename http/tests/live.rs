//! The live view without a browser: what `/state.json` and the WebSocket
//! say about a small observed program, and that the view stops with the
//! runtime it watches. (The page itself is tested in a real browser by
//! tests/live_view.rs at the workspace root.)

use std::future::poll_fn;
use std::io::{Read, Write};
use std::net::SocketAddr;
use std::task::Poll;
use std::time::{Duration, Instant};

use aioli::task::Builder as TaskBuilder;
use aioli::Runtime;
use aioli_http::live::LiveView;
use aioli_http::ws::Message;

/// A runtime observed by `view`, with the detectors on whatever the build.
fn observed(view: &LiveView) -> Runtime {
    Runtime::builder()
        .ignore_environment()
        .debug(true)
        .trace_to(|_line| {})
        .observe(view.observer())
        .build()
        .expect("runtime")
}

/// `GET /state.json` with a plain blocking socket, on the blocking pool
/// so the observed loop keeps running.
async fn state_json(addr: SocketAddr) -> String {
    aioli::spawn_blocking(move || {
        let mut socket = std::net::TcpStream::connect(addr)?;
        socket.set_read_timeout(Some(Duration::from_secs(10)))?;
        socket.write_all(b"GET /state.json HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")?;
        let mut reply = String::new();
        socket.read_to_string(&mut reply)?;
        Ok::<_, std::io::Error>(reply)
    })
    .await
    .expect("the client thread")
    .expect("the view answers")
}

#[test]
fn the_state_names_tasks_timers_sources_and_warnings() {
    let view = LiveView::start("127.0.0.1:0").expect("the view listens");
    let addr = view.local_addr();
    let reply = observed(&view).block_on(async move {
        let sleeper = TaskBuilder::new().name("sleeper").spawn(aioli::time::sleep(Duration::from_secs(30)));
        let forgetful = TaskBuilder::new().name("forgetful").spawn(poll_fn(|_cx| Poll::<()>::Pending));
        let listener = aioli::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let acceptor = TaskBuilder::new().name("acceptor").spawn(async move {
            let _ = listener.accept().await;
        });
        // Long enough for the pump to drain and write a snapshot (every
        // 250 ms); the view's loop runs on its own thread meanwhile.
        aioli::time::sleep(Duration::from_millis(700)).await;
        let reply = state_json(addr).await;
        for task in [sleeper, forgetful, acceptor] {
            task.abort();
        }
        reply
    });
    assert!(reply.starts_with("HTTP/1.1 200 OK"), "{reply}");
    assert!(reply.to_ascii_lowercase().contains("content-type: application/json"), "{reply}");
    let body = reply.split_once("\r\n\r\n").map(|(_, body)| body).unwrap_or_default();
    for needle in [
        "\"label\":\"task#1 \\\"sleeper\\\"\"",
        "\"label\":\"task#2 \\\"forgetful\\\"\"",
        "\"warnings\":[\"lost waker\"]",
        "\"kind\":\"lost waker\"",
        "\"by\":\"task#1 \\\"sleeper\\\"\"",
        "\"waiting\":[{\"task\":\"task#3 \\\"acceptor\\\"\",\"direction\":\"readable\"}]",
        "\"dropped\":0",
        "\"ended\":false",
    ] {
        assert!(body.contains(needle), "no {needle} in the state:\n{body}");
    }
}

#[test]
fn the_websocket_pushes_snapshots_and_the_view_stops_with_the_runtime() {
    let view = LiveView::start("127.0.0.1:0").expect("the view listens");
    let addr = view.local_addr();
    let ticks = observed(&view).block_on(async move {
        let url = format!("ws://{addr}/ws");
        let mut socket = aioli_http::client::Client::new().ws_connect(&url).await.expect("the view's WebSocket");
        let mut ticks = Vec::new();
        while ticks.len() < 3 {
            let message = aioli::time::timeout(Duration::from_secs(5), socket.recv())
                .await
                .expect("a push within 5 s")
                .expect("the socket stays open")
                .expect("a good message");
            let Message::Text(json) = message else { continue };
            let tick: u64 = json
                .strip_prefix("{\"tick\":")
                .and_then(|rest| rest.split(',').next())
                .and_then(|number| number.parse().ok())
                .unwrap_or_else(|| panic!("a snapshot starts with the tick: {json}"));
            ticks.push(tick);
        }
        ticks
    });
    assert!(ticks.windows(2).all(|pair| pair[0] < pair[1]), "each push shows a later tick: {ticks:?}");

    // The runtime (and its observer) is gone; with `view` dropped too,
    // the channel closes and the view's server shuts down soon after.
    drop(view);
    let start = Instant::now();
    while std::net::TcpStream::connect(addr).is_ok() {
        assert!(start.elapsed() < Duration::from_secs(10), "the view still listens 10 s after its runtime ended");
        std::thread::sleep(Duration::from_millis(50));
    }
}
