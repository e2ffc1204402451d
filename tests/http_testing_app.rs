//! The test app (`aioli_http::testing::app()`) route by route, over a
//! real connection: what the client examples and tests will rely on.
//!
//! One server and the requests run on one aioli loop; every request goes
//! through `testing::send`, the raw client the server examples use, so
//! this also checks that client on chunked, empty and HEAD answers.

use std::net::SocketAddr;
use std::time::Duration;

use aioli_http::testing::{self, base64, RawResponse};
use aioli_http::Server;
use serde_json::Value;

async fn get(addr: SocketAddr, target: &str) -> RawResponse {
    Box::pin(send(addr, &format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\n\r\n"))).await
}

async fn send(addr: SocketAddr, request: &str) -> RawResponse {
    // Boxed: the test's one async block awaits this forty times, and an
    // unoptimized build gives each await its own slot in that future.
    match Box::pin(testing::send(addr, request.to_owned())).await {
        Ok(response) => response,
        Err(error) => panic!("{request:?} failed: {error}"),
    }
}

fn json(response: &RawResponse) -> Value {
    serde_json::from_slice(&response.body).unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", response.text()))
}

#[test]
fn every_kind_of_route_answers_as_documented() {
    aioli::run(async {
        let server = Server::bind("127.0.0.1:0").start(testing::app()).await.expect("start the test app");
        let addr = server.local_addr();

        // The index lists the routes.
        assert!(get(addr, "/").await.text().contains("/basic-auth/{user}/{pass}"));

        // httpbin-like: statuses, redirects, cookies, auth.
        assert_eq!(get(addr, "/status/418").await.status, 418);
        assert_eq!(get(addr, "/status/99").await.status, 400);
        let redirect = get(addr, "/redirect/2").await;
        assert_eq!((redirect.status, redirect.header("location")), (302, Some(&*format!("http://{addr}/redirect/1"))));
        assert_eq!(get(addr, "/relative-redirect/1").await.header("location"), Some("/get"));
        let set = get(addr, "/cookies/set?flavour=oat").await;
        assert_eq!((set.status, set.header("set-cookie")), (302, Some("flavour=oat; Path=/")));
        let cookies = send(addr, &format!("GET /cookies HTTP/1.1\r\nHost: {addr}\r\nCookie: a=1; b=2\r\n\r\n")).await;
        assert_eq!(json(&cookies)["cookies"], serde_json::json!({"a": "1", "b": "2"}));
        let credentials = base64::encode(b"ada:lovelace");
        let auth = format!(
            "GET /basic-auth/ada/lovelace HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Basic {credentials}\r\n\r\n"
        );
        assert_eq!(json(&send(addr, &auth).await)["authenticated"], true);
        let denied = get(addr, "/basic-auth/ada/lovelace").await;
        assert_eq!((denied.status, denied.header("www-authenticate").is_some()), (401, true));

        // Bodies: deterministic bytes, chunked streams, a drip, a delay.
        let bytes = get(addr, "/bytes/1000?seed=7").await;
        assert_eq!(bytes.body.len(), 1000);
        assert_eq!(bytes.body, get(addr, "/bytes/1000?seed=7").await.body, "same seed, same bytes");
        let stream = get(addr, "/stream/3").await;
        assert_eq!(stream.header("transfer-encoding"), Some("chunked"));
        let ids: Vec<u64> = stream
            .text()
            .lines()
            .map(|line| serde_json::from_str::<Value>(line).unwrap()["id"].as_u64().unwrap())
            .collect();
        assert_eq!(ids, [0, 1, 2]);
        let pieces = get(addr, "/stream-bytes/100?chunk_size=30&seed=7").await;
        assert_eq!(pieces.body, bytes.body[..100], "streamed in chunks, the same bytes");
        assert_eq!(get(addr, "/drip?numbytes=4&duration=0.1").await.text(), "****");
        assert_eq!(json(&get(addr, "/delay/0.05").await)["url"], format!("http://{addr}/delay/0.05"));
        let echo = send(
            addr,
            &format!(
                "PATCH /echo HTTP/1.1\r\nHost: {addr}\r\nContent-Type: text/x-note\r\nContent-Length: 4\r\n\r\nnote"
            ),
        )
        .await;
        assert_eq!((echo.text().as_str(), echo.header("content-type")), ("note", Some("text/x-note")));
        let anything =
            send(addr, &format!("DELETE /anything/a/b?x=1 HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0\r\n\r\n"))
                .await;
        assert_eq!(
            (json(&anything)["method"].as_str(), json(&anything)["args"]["x"].as_str()),
            (Some("DELETE"), Some("1"))
        );
        let head = send(addr, &format!("HEAD /get HTTP/1.1\r\nHost: {addr}\r\n\r\n")).await;
        assert!(head.body.is_empty() && head.header("content-length").is_some_and(|n| n != "0"));

        // jsonplaceholder-like.
        assert_eq!(json(&get(addr, "/posts").await).as_array().map(Vec::len), Some(100));
        assert_eq!(json(&get(addr, "/posts?userId=2").await).as_array().map(Vec::len), Some(10));
        assert_eq!(json(&get(addr, "/comments?postId=7").await).as_array().map(Vec::len), Some(5));
        assert_eq!(json(&get(addr, "/posts/7/comments").await)[0]["postId"], 7);
        assert_eq!(json(&get(addr, "/users/3").await)["id"], 3);
        assert_eq!(get(addr, "/users/11").await.status, 404);
        assert_eq!(json(&get(addr, "/todos/21").await)["userId"], 2);
        let body = r#"{"title": "hello", "userId": 1}"#;
        let created = send(addr, &format!("POST /posts HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}", body.len())).await;
        assert_eq!((created.status, json(&created)["id"].as_u64()), (201, Some(101)));

        // The site: pages link to each other, one link is broken.
        let home = get(addr, "/site/").await;
        assert_eq!(home.header("content-type"), Some("text/html; charset=utf-8"));
        assert!(home.text().contains("href=\"about.html\""));
        assert!(get(addr, "/site/team.html").await.text().contains("missing.html"));
        assert_eq!(get(addr, "/site/missing.html").await.status, 404);

        server.shutdown(Duration::from_secs(1)).await;
    });
}
