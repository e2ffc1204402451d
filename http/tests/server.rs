//! The real server over real sockets: a blocking std `TcpStream` client
//! against `Server` on 127.0.0.1:0, one server per test, each stopped at
//! the end. Timeouts are configured short so the limit tests run fast.

mod server_support;

use std::io::Write;
use std::time::{Duration, Instant};

use aioli::stream::StreamExt;
use aioli_http::{App, Cookie, Next, Request, Response, Server, StatusCode};
use server_support::{Client, TestServer};

fn app() -> App {
    App::new()
        .get("/", |_req| async { "hello" })
        .get("/greet/{name}", |req: Request| async move { format!("hello, {}", req.param("name").unwrap_or("?")) })
        .get("/static/{*path}", |req: Request| async move { format!("file {}", req.param("path").unwrap_or("?")) })
        .post("/echo", |mut req: Request| async move {
            let body = req.bytes().await?;
            Ok::<_, aioli_http::Error>(Response::bytes(body))
        })
        .post("/ignore", |_req| async { "ignored" })
        .post("/text", |mut req: Request| async move { req.text().await })
        .post("/json", |mut req: Request| async move {
            let value: serde_json::Value = req.json().await?;
            Ok::<_, aioli_http::Error>(Response::json(&value))
        })
        .post("/form", |mut req: Request| async move {
            let pairs = req.form().await?;
            Ok::<_, aioli_http::Error>(pairs.iter().map(|(k, v)| format!("{k}={v};")).collect::<String>())
        })
        .post("/chunks", |mut req: Request| async move {
            let mut sizes = Vec::new();
            while let Some(piece) = req.chunk().await? {
                sizes.push(piece.len());
            }
            Ok::<_, aioli_http::Error>(format!("{} bytes", sizes.iter().sum::<usize>()))
        })
        .post("/stream-body", |mut req: Request| async move {
            // The body as an aioli Stream of pieces.
            let mut pieces = 0;
            let mut total = 0;
            while let Some(piece) = req.body_mut().next().await {
                total += piece?.len();
                pieces += 1;
            }
            Ok::<_, aioli_http::Error>(format!("{total} bytes in {pieces} pieces"))
        })
        .get("/huge", |_req| async { Response::bytes(vec![b'h'; 16 * 1024 * 1024]) })
        .get("/upgrade", |req: Request| async move {
            if req.header("upgrade") != Some("shout") {
                return Response::text("ask for `Upgrade: shout`").status(StatusCode::BAD_REQUEST);
            }
            Response::upgrade("shout", |mut conn| async move {
                use aioli::io::{AsyncReadExt, AsyncWriteExt};
                let mut buf = [0u8; 64];
                while let Ok(n @ 1..) = conn.read(&mut buf).await {
                    if conn.write_all(&buf[..n].to_ascii_uppercase()).await.is_err() {
                        break;
                    }
                }
            })
        })
        .get("/interim", |_req| async { Response::new(StatusCode::CONTINUE) })
        .put("/greet/{name}", |_req| async { "put" })
        .get("/panic", |_req| async {
            if true {
                panic!("deliberate test panic");
            }
            "unreachable"
        })
        .get("/slow", |_req| async {
            aioli::time::sleep(Duration::from_millis(300)).await;
            "slow"
        })
        .get("/forever", |_req| async {
            std::future::pending::<()>().await;
            "never"
        })
        .get("/stream", |_req| async { Response::stream(aioli::stream::iter(["one ", "two ", "three"])) })
        .get("/big", |_req| async { Response::bytes(vec![b'x'; 100 * 1024]) })
        .get("/cookie", |req: Request| async move {
            let seen = req.cookie("visits").unwrap_or("none").to_string();
            Response::text(format!("visits={seen}")).set_cookie(Cookie::new("visits", "1").path("/").http_only(true))
        })
        .get("/admin", |_req| async { "secret" })
        .get("/no-content", |_req| async { Response::empty() })
        .middleware(order_outer)
        .middleware(order_inner)
        .middleware(require_auth)
}

async fn order_outer(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let response = next.run(req).await;
    let elapsed = started.elapsed().as_micros().to_string();
    let order = format!("outer,{}", response.headers().get("x-order").unwrap_or(""));
    response.header("X-Order", order).header("X-Elapsed-Us", elapsed)
}

async fn order_inner(req: Request, next: Next) -> Response {
    let response = next.run(req).await;
    response.header("X-Order", "inner")
}

async fn require_auth(req: Request, next: Next) -> Response {
    if req.path().starts_with("/admin") && req.header("authorization") != Some("Bearer letmein") {
        return Response::text("who are you?\n").status(StatusCode::UNAUTHORIZED);
    }
    next.run(req).await
}

fn start() -> TestServer {
    TestServer::start(Server::bind("127.0.0.1:0"), app)
}

#[test]
fn routes_params_404_and_405() {
    let server = start();
    let mut client = server.connect();
    let reply = client.get("/");
    assert_eq!((reply.status, reply.text().as_str()), (200, "hello"));
    assert_eq!(reply.header("content-length"), Some("5"));
    assert_eq!(reply.header("server"), Some("aioli-http"));
    let date = reply.header("date").expect("a Date header");
    assert!(date.ends_with(" GMT") && date.len() == 29, "{date}");
    assert_eq!(client.get("/greet/Ada%20Lovelace").text(), "hello, Ada Lovelace");
    assert_eq!(client.get("/static/css/site.css").text(), "file css/site.css");
    let missing = client.get("/nowhere");
    assert_eq!(missing.status, 404);
    assert!(missing.text().contains("/nowhere"));

    client.send("DELETE /greet/x HTTP/1.1\r\nHost: t\r\n\r\n");
    let reply = client.read_reply(false);
    assert_eq!(reply.status, 405);
    assert_eq!(reply.header("allow"), Some("GET, HEAD, PUT"));
}

#[test]
fn head_is_get_without_the_body() {
    let server = start();
    let mut client = server.connect();
    client.send("HEAD /big HTTP/1.1\r\nHost: t\r\n\r\n");
    let reply = client.read_reply(true);
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-length"), Some("102400"));
    // No body followed: the next response starts right away.
    let next = client.get("/");
    assert_eq!(next.text(), "hello");
    client.send("HEAD /stream HTTP/1.1\r\nHost: t\r\n\r\n");
    let reply = client.read_reply(true);
    assert_eq!(reply.header("transfer-encoding"), Some("chunked"));
    assert_eq!(client.get("/").text(), "hello");
}

#[test]
fn no_body_for_204() {
    let server = start();
    let mut client = server.connect();
    let reply = client.get("/no-content");
    assert_eq!(reply.status, 204);
    assert_eq!(reply.header("content-length"), None);
    assert_eq!(client.get("/").text(), "hello");
}

#[test]
fn middleware_run_in_order_answer_early_and_time_the_rest() {
    let server = start();
    let mut client = server.connect();
    let reply = client.get("/");
    assert_eq!(reply.header("x-order"), Some("outer,inner"));
    assert!(reply.header("x-elapsed-us").is_some_and(|us| us.parse::<u64>().is_ok()));
    let denied = client.get("/admin");
    assert_eq!(denied.status, 401);
    client.send("GET /admin HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer letmein\r\n\r\n");
    assert_eq!(client.read_reply(false).text(), "secret");
    // Middleware see 404s too.
    assert_eq!(client.get("/nope").header("x-order"), Some("outer,inner"));
}

#[test]
fn keep_alive_rules_of_1_0_and_1_1() {
    let server = start();
    let mut client = server.connect();
    for _ in 0..3 {
        assert_eq!(client.get("/").status, 200);
    }
    client.send("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    let reply = client.read_reply(false);
    assert_eq!(reply.header("connection"), Some("close"));
    assert!(client.is_closed());

    let mut old = server.connect();
    old.send("GET / HTTP/1.0\r\n\r\n");
    let reply = old.read_reply(false);
    assert_eq!(reply.header("connection"), Some("close"));
    assert!(old.is_closed());

    let mut old_kept = server.connect();
    old_kept.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    assert_eq!(old_kept.read_reply(false).header("connection"), Some("keep-alive"));
    old_kept.send("GET /greet/again HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    assert_eq!(old_kept.read_reply(false).text(), "hello, again");
}

#[test]
fn pipelined_requests_are_answered_in_order() {
    let server = start();
    let mut client = server.connect();
    client.send(
        "GET /greet/1 HTTP/1.1\r\nHost: t\r\n\r\nPOST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc\
         GET /slow HTTP/1.1\r\nHost: t\r\n\r\nGET /greet/3 HTTP/1.1\r\nHost: t\r\n\r\n",
    );
    let bodies: Vec<String> = (0..4).map(|_| client.read_reply(false).text()).collect();
    assert_eq!(bodies, ["hello, 1", "abc", "slow", "hello, 3"]);
}

#[test]
fn a_request_split_into_single_bytes_is_served() {
    let server = start();
    let mut client = server.connect();
    let request =
        b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=1\r\nde\r\n0\r\n\r\n";
    for byte in request {
        client.send([*byte]);
    }
    assert_eq!(client.read_reply(false).text(), "abcde");
}

#[test]
fn absolute_form_targets() {
    let server = start();
    let mut client = server.connect();
    client.send("GET http://example.com/greet/proxy HTTP/1.1\r\nHost: example.com\r\n\r\n");
    assert_eq!(client.read_reply(false).text(), "hello, proxy");
}

#[test]
fn bodies_chunked_and_streamed() {
    let server = start();
    let mut client = server.connect();
    let reply = client.get("/stream");
    assert_eq!(reply.header("transfer-encoding"), Some("chunked"));
    assert_eq!(reply.text(), "one two three");
    // To HTTP/1.0, a stream is sent raw and ends with the connection.
    let mut old = server.connect();
    old.send("GET /stream HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    let reply = old.read_reply(false);
    assert_eq!(reply.header("connection"), Some("close"));
    assert_eq!(reply.text(), "one two three");
    // A chunked upload read piece by piece.
    client.send(
        "POST /chunks HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n3\r\nefg\r\n0\r\n\r\n",
    );
    assert_eq!(client.read_reply(false).text(), "7 bytes");
    client.send("POST /stream-body HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n");
    assert_eq!(client.read_reply(false).text(), "2 bytes in 1 pieces");
    assert_eq!(client.get("/big").body.len(), 100 * 1024);
}

#[test]
fn json_form_and_text_errors_name_the_problem() {
    let server = start();
    let mut client = server.connect();
    let send = |client: &mut Client, path: &str, content_type: &str, body: &str| {
        client.send(format!(
            "POST {path} HTTP/1.1\r\nHost: t\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ));
        client.read_reply(false)
    };
    let good = send(&mut client, "/json", "application/json", r#"{"a":[1,2]}"#);
    assert_eq!((good.status, good.text().as_str()), (200, r#"{"a":[1,2]}"#));
    assert_eq!(good.header("content-type"), Some("application/json"));
    let bad = send(&mut client, "/json", "application/json", "{oops");
    assert_eq!(bad.status, 400);
    assert!(bad.text().contains("not valid JSON") && bad.text().contains("line 1"), "{}", bad.text());
    let form = send(&mut client, "/form", "application/x-www-form-urlencoded", "name=Ada+L&x=%26");
    assert_eq!(form.text(), "name=Ada L;x=&;");
    let wrong = send(&mut client, "/form", "text/plain", "name=Ada");
    assert_eq!(wrong.status, 415);
    assert!(wrong.text().contains("text/plain"));
    client.send(b"POST /text HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\n\xff\xfe");
    assert_eq!(client.read_reply(false).status, 400);
}

#[test]
fn cookies_in_and_out() {
    let server = start();
    let mut client = server.connect();
    client.send("GET /cookie HTTP/1.1\r\nHost: t\r\nCookie: theme=dark; visits=41\r\n\r\n");
    let reply = client.read_reply(false);
    assert_eq!(reply.text(), "visits=41");
    assert_eq!(reply.header("set-cookie"), Some("visits=1; Path=/; HttpOnly"));
}

#[test]
fn expect_100_continue_only_when_the_handler_reads() {
    let server = start();
    let mut client = server.connect();
    client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
    let interim = client.read_reply(false);
    assert_eq!(interim.status, 100);
    client.send("hello");
    assert_eq!(client.read_reply(false).text(), "hello");

    // A handler that answers without reading: no 100, and the connection
    // closes, since the client may or may not send the body now.
    client.send("POST /ignore HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
    let reply = client.read_reply(false);
    assert_eq!((reply.status, reply.header("connection")), (200, Some("close")));

    let mut other = server.connect();
    other.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: something-else\r\n\r\nhello");
    assert_eq!(other.read_reply(false).status, 417);
}

#[test]
fn an_unread_body_is_drained_never_parsed_as_a_request() {
    let server = start();
    let mut client = server.connect();
    let smuggled = "GET /admin HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer letmein\r\n\r\n";
    client.send(format!("POST /ignore HTTP/1.1\r\nHost: t\r\nContent-Length: {}\r\n\r\n{smuggled}", smuggled.len()));
    assert_eq!(client.read_reply(false).text(), "ignored");
    // Had the body been parsed as a request, this would read "secret".
    assert_eq!(client.get("/").text(), "hello");

    // The answer does not wait for the rest of an unread body to arrive.
    client.send("POST /ignore HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc");
    assert_eq!(client.read_reply(false).text(), "ignored");
    client.send("defghij");
    assert_eq!(client.get("/").text(), "hello");

    // Same with a chunked body.
    client.send("POST /ignore HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nGET /\r\n0\r\n\r\n");
    assert_eq!(client.read_reply(false).text(), "ignored");
    assert_eq!(client.get("/").text(), "hello");
}

#[test]
fn malformed_requests_get_their_status_and_the_connection_closes() {
    let server = start();
    let cases: &[(&[u8], u16)] = &[
        (b"GET / HTTP/1.1\r\nHost : t\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\n\r\n", 400),
        (b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        (b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400),
        (b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: br, chunked\r\n\r\n0\r\n\r\n", 501),
        (b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505),
        (b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n", 400),
        (b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n", 400),
    ];
    for (input, status) in cases {
        let mut client = server.connect();
        client.send(input);
        let reply = client.read_reply(false);
        assert_eq!(reply.status, *status, "{}", String::from_utf8_lossy(input));
        assert_eq!(reply.header("connection"), Some("close"));
        assert!(client.is_closed(), "{}", String::from_utf8_lossy(input));
    }
}

#[test]
fn head_limits_give_414_and_431() {
    let server =
        TestServer::start(Server::bind("127.0.0.1:0").max_head_bytes(1024).max_headers(5).max_target_bytes(64), app);
    let mut client = server.connect();
    client.send(format!("GET /{} HTTP/1.1\r\nHost: t\r\n\r\n", "a".repeat(100)));
    assert_eq!(client.read_reply(false).status, 414);

    let mut client = server.connect();
    let headers: String = (0..6).map(|n| format!("X-{n}: {n}\r\n")).collect();
    client.send(format!("GET / HTTP/1.1\r\nHost: t\r\n{headers}\r\n"));
    assert_eq!(client.read_reply(false).status, 431);

    let mut client = server.connect();
    client.send(format!("GET / HTTP/1.1\r\nHost: t\r\nX-Big: {}\r\n\r\n", "b".repeat(2000)));
    let reply = client.read_reply(false);
    assert_eq!(reply.status, 431);
    assert!(reply.text().contains("max_head_bytes"));
}

#[test]
fn buffered_body_limit_gives_413() {
    let server = TestServer::start(Server::bind("127.0.0.1:0").max_body_bytes(1000), app);
    // Declared too large: refused before reading, and no 100 Continue.
    let mut client = server.connect();
    client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n");
    let reply = client.read_reply(false);
    assert_eq!(reply.status, 413);
    assert!(reply.text().contains("max_body_bytes"));
    assert_eq!(reply.header("connection"), Some("close"));

    // Chunked, found too large while reading.
    let mut client = server.connect();
    let chunk = format!("{:x}\r\n{}\r\n", 600, "c".repeat(600));
    client.send(format!("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n{chunk}{chunk}0\r\n\r\n"));
    assert_eq!(client.read_reply(false).status, 413);

    // Just under the limit is fine.
    let mut client = server.connect();
    client.send(format!("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\n{}", "d".repeat(1000)));
    assert_eq!(client.read_reply(false).body.len(), 1000);
}

#[test]
fn slowloris_gets_408_and_is_closed() {
    let server = TestServer::start(Server::bind("127.0.0.1:0").head_timeout(Duration::from_millis(300)), app);
    let mut client = server.connect();
    let started = Instant::now();
    for byte in b"GET / HTTP/1.1\r\nHost: t\r\n" {
        client.send([*byte]);
        std::thread::sleep(Duration::from_millis(40));
        if started.elapsed() > Duration::from_millis(600) {
            break;
        }
    }
    let reply = client.read_reply(false);
    assert_eq!(reply.status, 408);
    assert!(client.is_closed());
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[test]
fn body_timeout_gives_408() {
    let server = TestServer::start(Server::bind("127.0.0.1:0").body_timeout(Duration::from_millis(200)), app);
    let mut client = server.connect();
    client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc");
    let reply = client.read_reply(false);
    assert_eq!(reply.status, 408);
    assert!(reply.text().contains("body_timeout"));
    assert!(client.is_closed());
}

#[test]
fn idle_keep_alive_connections_are_closed() {
    let server = TestServer::start(Server::bind("127.0.0.1:0").keep_alive_timeout(Duration::from_millis(200)), app);
    let mut client = server.connect();
    assert_eq!(client.get("/").status, 200);
    let started = Instant::now();
    assert!(client.is_closed());
    assert!(started.elapsed() >= Duration::from_millis(150));
}

#[test]
fn a_client_that_does_not_read_is_dropped_after_the_write_timeout() {
    let server = TestServer::start(Server::bind("127.0.0.1:0").write_timeout(Duration::from_millis(200)), app);
    let mut client = server.connect();
    client.send("GET /huge HTTP/1.1\r\nHost: t\r\n\r\n");
    // 16 MiB is more than the kernel buffers on both sides hold.
    std::thread::sleep(Duration::from_millis(800));
    let mut received = Vec::new();
    // The server closed (EOF, or a reset for the bytes it never took):
    // not the client's 5 s read timeout.
    match std::io::Read::read_to_end(&mut client.reader, &mut received) {
        Ok(_) => {}
        Err(error) => assert_eq!(error.kind(), std::io::ErrorKind::ConnectionReset, "{error}"),
    }
    assert!(received.len() < 16 * 1024 * 1024, "the server gave up before sending everything");
    assert!(received.starts_with(b"HTTP/1.1 200 OK"));
}

#[test]
fn upgrade_hands_the_connection_over_after_101() {
    let server = start();
    let mut client = server.connect();
    // The first bytes of the new protocol travel with the request.
    client.send("GET /upgrade HTTP/1.1\r\nHost: t\r\nConnection: upgrade\r\nUpgrade: shout\r\n\r\nhello");
    let reply = client.read_reply(false);
    assert_eq!(reply.status, 101);
    assert_eq!((reply.header("connection"), reply.header("upgrade")), (Some("upgrade"), Some("shout")));
    let mut echoed = [0u8; 5];
    std::io::Read::read_exact(&mut client.reader, &mut echoed).expect("echo");
    assert_eq!(&echoed, b"HELLO");
    client.send("again");
    std::io::Read::read_exact(&mut client.reader, &mut echoed).expect("echo");
    assert_eq!(&echoed, b"AGAIN");

    // An interim status without an upgrade is a handler bug: 500.
    assert_eq!(server.connect().get("/interim").status, 500);
}

#[test]
fn connection_cap_pauses_accept_instead_of_dropping() {
    let server = TestServer::start(Server::bind("127.0.0.1:0").max_connections(1), app);
    let mut first = server.connect();
    assert_eq!(first.get("/").status, 200);
    // The second connection completes its TCP handshake (the kernel's
    // backlog) but is not served while the first one is open.
    let mut second = server.connect();
    second.send("GET /greet/second HTTP/1.1\r\nHost: t\r\n\r\n");
    assert!(second.is_silent_for(Duration::from_millis(300)));
    drop(first);
    assert_eq!(second.read_reply(false).text(), "hello, second");
}

#[test]
fn a_panicking_handler_gets_500_and_the_server_goes_on() {
    let server = start();
    let mut client = server.connect();
    let reply = client.get("/panic");
    assert_eq!(reply.status, 500);
    assert!(!reply.text().contains("deliberate"), "the panic message stays in the log");
    // Same connection, and a new one, still served.
    assert_eq!(client.get("/").text(), "hello");
    assert_eq!(server.connect().get("/").text(), "hello");
}

#[test]
fn shutdown_finishes_in_flight_requests_and_closes_idle_ones() {
    let server = start();
    let mut idle = server.connect();
    assert_eq!(idle.get("/").status, 200);
    let mut busy = server.connect();
    busy.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n");
    std::thread::sleep(Duration::from_millis(100)); // the handler is now sleeping
    let addr = server.addr;
    let started = Instant::now();
    let forced = server.shutdown(Duration::from_secs(5));
    assert_eq!(forced, 0);
    assert!(started.elapsed() < Duration::from_secs(4));
    let reply = busy.read_reply(false);
    assert_eq!((reply.text().as_str(), reply.header("connection")), ("slow", Some("close")));
    assert!(idle.is_closed());
    assert!(std::net::TcpStream::connect(addr).is_err(), "the listener is closed");
}

#[test]
fn shutdown_forces_what_is_left_after_the_deadline() {
    let server = start();
    let mut stuck = server.connect();
    stuck.send("GET /forever HTTP/1.1\r\nHost: t\r\n\r\n");
    std::thread::sleep(Duration::from_millis(100));
    let started = Instant::now();
    assert_eq!(server.shutdown(Duration::from_millis(200)), 1);
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(stuck.is_closed());
}

#[test]
fn the_client_sees_every_response_of_a_burst() {
    // Many small requests written at once, answered in few writes.
    let server = start();
    let mut client = server.connect();
    let burst: String = (0..200).map(|n| format!("GET /greet/{n} HTTP/1.1\r\nHost: t\r\n\r\n")).collect();
    client.reader.get_mut().write_all(burst.as_bytes()).expect("send burst");
    for n in 0..200 {
        assert_eq!(client.read_reply(false).text(), format!("hello, {n}"));
    }
}
