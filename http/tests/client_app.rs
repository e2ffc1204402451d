//! Each client feature against `aioli_http::testing::app()`, the offline
//! httpbin/jsonplaceholder stand-in, served on 127.0.0.1:0 by aioli-http's
//! own server in the same loop.

use std::future::Future;
use std::time::Duration;

use aioli::stream::StreamExt;
use aioli_http::client::{Client, Error, TimeoutKind};
use aioli_http::{testing, Method, Server};
use serde_json::{json, Value};

/// Starts the test app, runs `test` with its base URL, stops the server.
fn with_app<F, Fut>(test: F)
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = ()>,
{
    aioli::run(async move {
        let server = Server::bind("127.0.0.1:0").start(testing::app()).await.expect("start the test app");
        let base = format!("http://{}", server.local_addr());
        match aioli::time::timeout(Duration::from_secs(15), test(base)).await {
            Ok(()) => {}
            Err(_) => panic!("the test hung for 15 s"),
        }
        server.shutdown(Duration::from_secs(1)).await;
    });
}

#[test]
fn get_with_query_headers_and_user_agent() {
    with_app(|base| async move {
        let client = Client::builder().user_agent("aioli-test/1.0").build();
        let response = client
            .get(format!("{base}/get?fixed=1"))
            .query([("name", "Ada Lovelace"), ("lang", "en&fr")])
            .header("X-Trace", "abc")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200);
        assert_eq!(response.headers().get("content-type"), Some("application/json"));
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["args"], json!({ "fixed": "1", "name": "Ada Lovelace", "lang": "en&fr" }));
        assert_eq!(body["headers"]["User-Agent"], "aioli-test/1.0");
        assert_eq!(body["headers"]["X-Trace"], "abc");
        let default_agent = Client::new().get(format!("{base}/user-agent")).send().await.unwrap();
        let agent: Value = default_agent.json().await.unwrap();
        assert!(agent["user-agent"].as_str().unwrap().starts_with("aioli-http/"), "{agent}");
    });
}

#[test]
fn json_form_and_the_other_methods() {
    with_app(|base| async move {
        let client = Client::new();
        let sent = json!({ "title": "hello", "tags": ["a", "b"] });
        let body: Value = client.post(format!("{base}/post")).json(&sent).send().await.unwrap().json().await.unwrap();
        assert_eq!(body["json"], sent);
        let body: Value =
            client.post(format!("{base}/post")).form([("k", "v w")]).send().await.unwrap().json().await.unwrap();
        assert_eq!(body["form"], json!({ "k": "v w" }));
        for (method, path) in [(Method::Put, "/put"), (Method::Patch, "/patch"), (Method::Delete, "/delete")] {
            let response = client.request(method.clone(), format!("{base}{path}")).body("raw").send().await.unwrap();
            assert_eq!(response.status().as_u16(), 200, "{method}");
            let body: Value = response.json().await.unwrap();
            assert_eq!(body["data"], "raw", "{method}");
        }
        let created = client.post(format!("{base}/posts")).json(&json!({ "title": "t" })).send().await.unwrap();
        assert_eq!(created.status().as_u16(), 201);
    });
}

#[test]
fn statuses_are_values_until_asked() {
    with_app(|base| async move {
        let client = Client::new();
        let teapot = client.get(format!("{base}/status/418")).send().await.unwrap();
        assert_eq!(teapot.status().as_u16(), 418);
        let error = teapot.error_for_status().unwrap_err();
        assert!(matches!(error, Error::Status { status: 418, .. }), "{error}");
        let head = client.head(format!("{base}/get")).send().await.unwrap();
        assert_eq!(head.status().as_u16(), 200);
        assert!(head.bytes().await.unwrap().is_empty());
    });
}

#[test]
fn redirects_are_followed_to_the_final_url() {
    with_app(|base| async move {
        let client = Client::new();
        for path in ["/redirect/3", "/relative-redirect/3"] {
            let response = client.get(format!("{base}{path}")).send().await.unwrap();
            assert_eq!(response.status().as_u16(), 200, "{path}");
            assert_eq!(response.url().path(), "/get", "{path}");
        }
        let error = Client::builder().max_redirects(2).build().get(format!("{base}/redirect/3")).send().await;
        assert!(matches!(error, Err(Error::TooManyRedirects { limit: 2, .. })));
    });
}

#[test]
fn cookies_set_by_the_app_come_back() {
    with_app(|base| async move {
        let client = Client::new();
        let body: Value =
            client.get(format!("{base}/cookies/set?flavour=oat&size=big")).send().await.unwrap().json().await.unwrap();
        assert_eq!(body["cookies"], json!({ "flavour": "oat", "size": "big" }));
        let body: Value = client.get(format!("{base}/cookies/delete?size")).send().await.unwrap().json().await.unwrap();
        assert_eq!(body["cookies"], json!({ "flavour": "oat" }));
    });
}

#[test]
fn basic_auth_is_sent() {
    with_app(|base| async move {
        let client = Client::new();
        let url = format!("{base}/basic-auth/ada/secret");
        let body: Value =
            client.get(&url).basic_auth("ada", Some("secret")).send().await.unwrap().json().await.unwrap();
        assert_eq!(body["authenticated"], true);
        let with_userinfo = url.replace("http://", "http://ada:secret@");
        let body: Value = client.get(with_userinfo).send().await.unwrap().json().await.unwrap();
        assert_eq!(body["authenticated"], true);
    });
}

#[test]
fn bodies_are_byte_exact_whatever_the_framing() {
    with_app(|base| async move {
        let client = Client::new();
        let whole = client.get(format!("{base}/bytes/100000?seed=7")).send().await.unwrap();
        assert_eq!(whole.content_length(), Some(100_000));
        let whole = whole.bytes().await.unwrap();
        let streamed = client.get(format!("{base}/stream-bytes/100000?seed=7&chunk_size=777")).send().await.unwrap();
        assert_eq!(streamed.headers().get("transfer-encoding"), Some("chunked"));
        let mut pieces = streamed.chunks(1024);
        let mut joined = Vec::new();
        while let Some(piece) = pieces.next().await {
            let piece = piece.unwrap();
            assert!(piece.len() == 1024 || joined.len() + piece.len() == 100_000);
            joined.extend(piece);
        }
        assert_eq!(joined, whole);
        assert_eq!(client.pool_status().open, 1, "both bodies were read to the end on one connection");
    });
}

#[test]
fn json_lines_stream_one_by_one() {
    with_app(|base| async move {
        let client = Client::new();
        let mut lines = client.get(format!("{base}/stream/20")).send().await.unwrap().lines();
        let mut ids = Vec::new();
        while let Some(line) = lines.next().await {
            let record: Value = serde_json::from_str(&line.unwrap()).unwrap();
            ids.push(record["id"].as_u64().unwrap());
            if ids.len() == 10 {
                break;
            }
        }
        assert_eq!(ids, (0..10).collect::<Vec<_>>());
        drop(lines);
        assert_eq!(client.pool_status().open, 0, "a stream dropped half-read closes its connection");
    });
}

#[test]
fn timeouts_against_a_slow_endpoint() {
    with_app(|base| async move {
        let client = Client::builder().read_timeout(Duration::from_millis(100)).build();
        let error = client.get(format!("{base}/delay/1")).send().await.unwrap_err();
        assert_eq!(error.timeout_kind(), Some(TimeoutKind::Read));
        let error =
            Client::new().get(format!("{base}/delay/1")).timeout(Duration::from_millis(100)).send().await.unwrap_err();
        assert_eq!(error.timeout_kind(), Some(TimeoutKind::Total));
        let fine = Client::new().get(format!("{base}/delay/0.05")).send().await.unwrap();
        assert_eq!(fine.status().as_u16(), 200);
    });
}

#[test]
fn a_user_their_posts_and_comments_concurrently() {
    with_app(|base| async move {
        let client = Client::new();
        let (user, posts) =
            aioli::join(async { client.get(format!("{base}/users/1")).send().await?.json::<Value>().await }, async {
                client.get(format!("{base}/posts")).query([("userId", "1")]).send().await?.json::<Value>().await
            })
            .await;
        let (user, posts) = (user.unwrap(), posts.unwrap());
        assert_eq!(user["id"], 1);
        let posts = posts.as_array().unwrap();
        assert!(!posts.is_empty() && posts.iter().all(|post| post["userId"] == 1));
        assert!(client.pool_status().open <= 2);
    });
}
