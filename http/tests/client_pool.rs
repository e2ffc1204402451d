//! The pool seen from the server's side: limits hold, waiters are served
//! in order, and cancelling a request at any await point leaves the pool
//! consistent (a later request still gets a connection).

mod common;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use aioli::time::{sleep, timeout};
use aioli_http::client::{Client, PoolStatus};
use common::raw_server::{run, RawServer};

/// A keep-alive server that takes `delay` to answer each request.
fn slow_server(delay: Duration) -> RawServer {
    RawServer::start(move |peer| {
        while let Some(request) = peer.read_request() {
            std::thread::sleep(delay);
            peer.respond(&request.target);
        }
    })
}

#[test]
fn the_total_limit_holds_from_the_servers_side() {
    let server = slow_server(Duration::from_millis(40));
    run(async {
        let client = Client::builder().limit(3).build();
        let requests = (0..12).map(|i| {
            let (client, url) = (client.clone(), server.url(&format!("/{i}")));
            async move { client.get(url).send().await?.text().await }
        });
        let bodies = aioli::join_all(requests).await;
        for (i, body) in bodies.into_iter().enumerate() {
            assert_eq!(body.unwrap(), format!("/{i}"));
        }
        assert_eq!(client.pool_status(), PoolStatus { open: 3, idle: 3, waiting: 0 });
    });
    assert_eq!(server.peak(), 3);
    assert_eq!(server.accepted(), 3);
}

#[test]
fn the_per_host_limit_holds_per_origin() {
    let server = slow_server(Duration::from_millis(40));
    let by_name = format!("http://localhost:{}/", server.addr.port());
    run(async {
        let client = Client::builder().limit(10).limit_per_host(2).build();
        let mut requests = Vec::new();
        for i in 0..8 {
            // Two origins on one server: 127.0.0.1:P and localhost:P.
            let url = if i % 2 == 0 { server.url("/") } else { by_name.clone() };
            let client = client.clone();
            requests.push(async move { client.get(url).send().await?.text().await });
        }
        for body in aioli::join_all(requests).await {
            body.unwrap();
        }
    });
    assert_eq!(server.peak(), 4, "two per origin, two origins");
}

#[test]
fn waiters_are_served_first_come_first_served() {
    let server = slow_server(Duration::from_millis(10));
    run(async {
        let client = Client::builder().limit(1).build();
        let order = Rc::new(RefCell::new(Vec::new()));
        let mut handles = Vec::new();
        for i in 0..6 {
            let (client, url, order) = (client.clone(), server.url("/"), order.clone());
            handles.push(aioli::spawn(async move {
                let body = client.get(url).send().await.unwrap().text().await.unwrap();
                order.borrow_mut().push(i);
                body
            }));
            // Each task starts (and queues) before the next is spawned.
            aioli::task::yield_now().await;
        }
        for handle in handles {
            handle.await.unwrap();
        }
        assert_eq!(*order.borrow(), [0, 1, 2, 3, 4, 5]);
    });
    assert_eq!(server.accepted(), 1);
}

#[test]
fn an_unread_response_holds_its_slot_until_read() {
    let server = slow_server(Duration::ZERO);
    run(async {
        let client = Client::builder().limit(1).build();
        let held = client.get(server.url("/a")).send().await.unwrap();
        let waiter = {
            let (client, url) = (client.clone(), server.url("/b"));
            aioli::spawn(async move { client.get(url).send().await.unwrap().text().await.unwrap() })
        };
        sleep(Duration::from_millis(30)).await;
        assert_eq!(client.pool_status().waiting, 1, "the second request waits for the first's slot");
        assert_eq!(held.text().await.unwrap(), "/a");
        assert_eq!(waiter.await.unwrap(), "/b");
    });
    assert_eq!(server.accepted(), 1);
}

/// A server that answers in stages, so a request can be cancelled while
/// connecting, writing, waiting for the head, or reading the body.
fn staged_server() -> RawServer {
    RawServer::start(|peer| {
        while peer.read_request().is_some() {
            std::thread::sleep(Duration::from_millis(15));
            peer.write("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n");
            std::thread::sleep(Duration::from_millis(15));
            peer.write("01234");
            std::thread::sleep(Duration::from_millis(15));
            peer.write("56789");
        }
    })
}

#[test]
fn cancelling_at_every_await_point_leaves_the_pool_consistent() {
    let server = staged_server();
    // By name, so the DNS lookup on the blocking pool is one of the
    // await points that gets cancelled.
    let url = format!("http://localhost:{}/", server.addr.port());
    run(async {
        let client = Client::builder().limit(1).dns_ttl(Duration::ZERO).connect_timeout(Duration::from_secs(3)).build();
        for cancel_after_ms in (0..=60).step_by(3) {
            let request = async { client.get(&url).send().await?.bytes().await };
            let outcome = timeout(Duration::from_millis(cancel_after_ms), request).await;
            if let Ok(result) = outcome {
                assert_eq!(result.unwrap(), b"0123456789");
            }
            let status = client.pool_status();
            assert!(status.open <= 1 && status.waiting == 0, "after {cancel_after_ms} ms: {status:?}");
            // The slot was freed: the next request gets a connection.
            let body = client.get(&url).send().await.unwrap().bytes().await.unwrap();
            assert_eq!(body, b"0123456789", "after cancelling at {cancel_after_ms} ms");
        }
    });
}

#[test]
fn an_aborted_task_frees_its_slot_and_a_cancelled_waiter_its_place() {
    let server = staged_server();
    run(async {
        let client = Client::builder().limit(1).build();
        // A request in flight, aborted mid-body.
        let in_flight = {
            let (client, url) = (client.clone(), server.url("/"));
            aioli::spawn(async move { client.get(url).send().await?.bytes().await })
        };
        sleep(Duration::from_millis(25)).await;
        in_flight.abort();
        assert!(in_flight.await.unwrap_err().is_cancelled());
        assert_eq!(client.pool_status().open, 0, "the aborted request's connection was closed");

        // A waiter cancelled while the only slot is held.
        let held = client.get(server.url("/")).send().await.unwrap();
        let waiting = timeout(Duration::from_millis(20), client.get(server.url("/")).send()).await;
        assert!(waiting.is_err());
        assert_eq!(client.pool_status().waiting, 0, "the cancelled waiter left the queue");
        assert_eq!(held.bytes().await.unwrap(), b"0123456789");
        let body = client.get(server.url("/")).send().await.unwrap().bytes().await.unwrap();
        assert_eq!(body, b"0123456789");
    });
}
