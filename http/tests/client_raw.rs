//! The client against raw std-socket servers, well-behaved and not:
//! framing byte-exact, misbehaviour giving the right typed error (never a
//! hang, never a short success), the stale-connection retry, timeouts.

mod common;

use std::io::ErrorKind;
use std::time::Duration;

use aioli_http::client::{Client, Error, TimeoutKind};
use common::raw_server::{echo_server, run, RawServer};

#[test]
fn keep_alive_reuses_one_connection() {
    let server = echo_server("hello");
    run(async {
        let client = Client::new();
        for _ in 0..3 {
            let response = client.get(server.url("/")).send().await.unwrap();
            assert_eq!(response.status().as_u16(), 200);
            assert_eq!(response.text().await.unwrap(), "hello");
        }
        assert_eq!(client.pool_status().idle, 1);
    });
    assert_eq!(server.accepted(), 1);
}

#[test]
fn chunked_body_with_extensions_and_trailers_is_byte_exact() {
    let server = RawServer::start(|peer| {
        while peer.read_request().is_some() {
            peer.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
            peer.write("5;name=value\r\nhello\r\n");
            peer.write("1\r\n \r\n");
            peer.write("5\r\nworld\r\n0\r\nX-Checksum: 42\r\n\r\n");
        }
    });
    run(async {
        let client = Client::new();
        for _ in 0..2 {
            let body = client.get(server.url("/")).send().await.unwrap().bytes().await.unwrap();
            assert_eq!(body, b"hello world");
        }
    });
    assert_eq!(server.accepted(), 1, "a chunked body read to its end leaves a reusable connection");
}

#[test]
fn read_until_close_body_is_complete_and_not_reused() {
    let server = RawServer::start(|peer| {
        if peer.read_request().is_some() {
            peer.write("HTTP/1.1 200 OK\r\n\r\nall of this, until the close");
        }
    });
    run(async {
        let client = Client::new();
        for _ in 0..2 {
            let text = client.get(server.url("/")).send().await.unwrap().text().await.unwrap();
            assert_eq!(text, "all of this, until the close");
        }
        assert_eq!(client.pool_status().open, 0);
    });
    assert_eq!(server.accepted(), 2);
}

#[test]
fn interim_1xx_responses_are_skipped_for_the_final_one() {
    // RFC 9110 §15.2: a client must read any number of 1xx responses
    // before the final one, asked for or not. Taking the 100 as the answer
    // would leave the real one in the buffer, to be read as the answer to
    // the next request on this connection.
    let server = RawServer::start(|peer| {
        let mut round = 0;
        while peer.read_request().is_some() {
            round += 1;
            peer.write("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n");
            peer.write(format!("HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nround {round}"));
        }
    });
    run(async {
        let client = Client::new();
        for round in 1..=2 {
            let response = client.post(server.url("/")).body("x").send().await.unwrap();
            assert_eq!(response.status().as_u16(), 200);
            assert_eq!(response.text().await.unwrap(), format!("round {round}"));
        }
    });
    assert_eq!(server.accepted(), 1);
}

#[test]
fn connection_close_responses_are_not_reused() {
    let server = RawServer::start(|peer| {
        if peer.read_request().is_some() {
            peer.write("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok");
        }
    });
    run(async {
        let client = Client::new();
        for _ in 0..2 {
            assert_eq!(client.get(server.url("/")).send().await.unwrap().text().await.unwrap(), "ok");
        }
    });
    assert_eq!(server.accepted(), 2);
}

#[test]
fn a_body_cut_short_is_an_error() {
    let server = RawServer::start(|peer| {
        if peer.read_request().is_some() {
            peer.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b");
        }
    });
    run(async {
        let error = Client::new().get(server.url("/")).send().await.unwrap().bytes().await.unwrap_err();
        match &error {
            Error::Protocol { host, what } => {
                assert_eq!(host, &server.addr.to_string());
                assert!(what.contains("90 bytes before the end"), "{what}");
            }
            other => panic!("expected a protocol error, got {other:?}"),
        }
    });
}

#[test]
fn a_chunked_body_cut_short_is_an_error() {
    let server = RawServer::start(|peer| {
        if peer.read_request().is_some() {
            peer.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\nonly");
        }
    });
    run(async {
        let mut response = Client::new().get(server.url("/")).send().await.unwrap();
        assert_eq!(response.chunk().await.unwrap(), Some(b"only".to_vec()));
        let error = response.chunk().await.unwrap_err();
        assert!(matches!(&error, Error::Protocol { what, .. } if what.contains("chunked")), "{error}");
    });
}

#[test]
fn a_bad_chunk_size_is_an_error() {
    let server = RawServer::start(|peer| {
        if peer.read_request().is_some() {
            peer.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n");
        }
    });
    run(async {
        let error = Client::new().get(server.url("/")).send().await.unwrap().text().await.unwrap_err();
        assert!(matches!(&error, Error::Protocol { what, .. } if what.contains("chunk size")), "{error}");
    });
}

#[test]
fn a_malformed_status_line_is_an_error() {
    let server = RawServer::start(|peer| {
        if peer.read_request().is_some() {
            peer.write("HTTP/1.1 OK 200\r\n\r\n");
        }
    });
    run(async {
        let error = Client::new().get(server.url("/")).send().await.unwrap_err();
        assert!(matches!(&error, Error::Protocol { what, .. } if what.contains("status line")), "{error}");
    });
}

#[test]
fn a_server_that_never_answers_times_out_on_read() {
    let server = RawServer::start(|peer| {
        let _ = peer.read_request();
        peer.wait_for_close();
    });
    run(async {
        let client = Client::builder().read_timeout(Duration::from_millis(100)).build();
        let error = client.get(server.url("/")).send().await.unwrap_err();
        assert_eq!(error.timeout_kind(), Some(TimeoutKind::Read), "{error}");
        assert!(error.to_string().contains(&server.addr.to_string()), "{error}");
        assert_eq!(client.pool_status().open, 0, "the timed-out connection was closed");
    });
}

#[test]
fn the_total_timeout_covers_the_body() {
    let server = RawServer::start(|peer| {
        if peer.read_request().is_some() {
            peer.write("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
            peer.wait_for_close();
        }
    });
    run(async {
        let client = Client::builder().timeout(Duration::from_millis(150)).build();
        let response = client.get(server.url("/")).send().await.unwrap();
        let error = response.bytes().await.unwrap_err();
        assert_eq!(error.timeout_kind(), Some(TimeoutKind::Total), "{error}");
        // A per-request timeout replaces the client's.
        let response = client.get(server.url("/")).timeout(Duration::from_millis(50)).send().await.unwrap();
        let error = response.bytes().await.unwrap_err();
        match error {
            Error::Timeout { kind: TimeoutKind::Total, after, .. } => assert_eq!(after, Duration::from_millis(50)),
            other => panic!("expected the request's own total timeout, got {other}"),
        }
    });
}

#[test]
fn waiting_for_a_full_pool_counts_against_the_connect_timeout() {
    let server = echo_server("x");
    run(async {
        let client = Client::builder().limit(1).connect_timeout(Duration::from_millis(100)).build();
        let held = client.get(server.url("/")).send().await.unwrap();
        // `held` has not been read: its connection is still in use.
        let error = client.get(server.url("/")).send().await.unwrap_err();
        assert_eq!(error.timeout_kind(), Some(TimeoutKind::Connect), "{error}");
        assert_eq!(held.text().await.unwrap(), "x");
        assert_eq!(client.get(server.url("/")).send().await.unwrap().text().await.unwrap(), "x");
    });
}

#[test]
fn a_refused_connection_names_the_address() {
    // Bind, note the port, close: nothing listens there any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    run(async {
        let error = Client::new().get(format!("http://127.0.0.1:{port}/")).send().await.unwrap_err();
        match &error {
            Error::Connect { host, source } => {
                assert_eq!(host, &format!("127.0.0.1:{port}"));
                assert_eq!(source.kind(), ErrorKind::ConnectionRefused);
            }
            other => panic!("expected a connect error, got {other:?}"),
        }
        assert!(error.to_string().contains(&format!("127.0.0.1:{port}")), "{error}");
    });
}

#[test]
fn an_unknown_host_is_a_resolve_error() {
    run(async {
        let error = Client::new().get("http://no-such-host.invalid/").send().await.unwrap_err();
        assert!(matches!(&error, Error::Resolve { host, .. } if host == "no-such-host.invalid"), "{error}");
    });
}

#[cfg(feature = "tls")]
#[test]
fn https_to_a_plain_http_server_says_it_does_not_speak_tls() {
    // A plain HTTP/1.1 server answers the ClientHello's bytes with a 400.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = std::thread::spawn(move || {
        let (mut socket, _) = listener.accept().unwrap();
        let mut hello = [0u8; 512];
        let _ = std::io::Read::read(&mut socket, &mut hello);
        let _ = std::io::Write::write_all(&mut socket, b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
    });
    run(async move {
        let error = Client::new().get(format!("https://{addr}/")).send().await.unwrap_err();
        assert_eq!(error.tls_failure(), Some(&aioli_http::tls::TlsFailure::NotTls), "{error}");
        assert!(error.to_string().contains("does not speak TLS"), "{error}");
    });
    server.join().unwrap();
}

#[cfg(not(feature = "tls"))]
#[test]
fn https_without_the_tls_feature_is_an_invalid_url() {
    run(async {
        let error = Client::new().get("https://example.com/").send().await.unwrap_err();
        assert!(matches!(error, Error::InvalidUrl(_)));
        assert!(error.to_string().contains("TLS"), "{error}");
    });
}

#[test]
fn a_redirect_loop_stops_at_the_limit() {
    let server = RawServer::start(|peer| {
        while let Some(request) = peer.read_request() {
            let next: u32 = request.target.trim_start_matches("/r/").parse().unwrap_or(0) + 1;
            peer.write(format!("HTTP/1.1 302 Found\r\nLocation: /r/{next}\r\nContent-Length: 4\r\n\r\nmove"));
        }
    });
    run(async {
        let client = Client::builder().max_redirects(3).build();
        let error = client.get(server.url("/r/0")).send().await.unwrap_err();
        match &error {
            Error::TooManyRedirects { url, limit, .. } => {
                assert_eq!(*limit, 3);
                assert!(url.ends_with("/r/3"), "{url}");
            }
            other => panic!("expected too many redirects, got {other:?}"),
        }
        let off = Client::builder().max_redirects(0).build();
        let response = off.get(server.url("/r/0")).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 302);
    });
    assert_eq!(server.accepted(), 2, "each client reused one connection through its redirects");
}

#[test]
fn a_303_after_post_becomes_a_get_and_the_final_url_is_kept() {
    let server = RawServer::start(|peer| {
        while let Some(request) = peer.read_request() {
            if request.target == "/form" {
                assert_eq!(request.method, "POST");
                peer.write("HTTP/1.1 303 See Other\r\nLocation: /done?x=1\r\nContent-Length: 0\r\n\r\n");
            } else {
                let body = format!("{} {} {}", request.method, request.target, request.body.len());
                peer.respond(&body);
            }
        }
    });
    run(async {
        let client = Client::new();
        let response = client.post(server.url("/form")).body("a=1").send().await.unwrap();
        assert_eq!(response.url().path(), "/done");
        assert_eq!(response.text().await.unwrap(), "GET /done?x=1 0");
    });
}

#[test]
fn a_keep_alive_connection_closed_by_the_server_is_retried_once() {
    // The server answers two requests per connection, then closes it
    // without saying so: the client's next request finds it dead.
    let server = RawServer::start(|peer| {
        for _ in 0..2 {
            if peer.read_request().is_none() {
                return;
            }
            peer.respond("ok");
        }
    });
    run(async {
        let client = Client::new();
        for round in 0..5 {
            let response = client.get(server.url("/")).send().await;
            let response = response.unwrap_or_else(|error| panic!("GET {round} failed: {error}"));
            assert_eq!(response.text().await.unwrap(), "ok");
            // Let the server's close arrive before the next request.
            aioli::time::sleep(Duration::from_millis(20)).await;
        }
        // POST is not idempotent: no retry, the error surfaces.
        let _ = client.get(server.url("/")).send().await.unwrap().text().await;
        aioli::time::sleep(Duration::from_millis(20)).await;
        let error = client.post(server.url("/")).body("x").send().await.unwrap_err();
        assert!(matches!(error, Error::Io { .. }), "{error}");
    });
    // 2 + 2 + 2 requests over three connections; GETs 2 and 4 and the
    // POST each found a dead connection.
    assert_eq!(server.accepted(), 3);
}

#[test]
fn an_early_answer_before_the_body_is_written_is_heard() {
    // The server refuses the upload after reading only its head, and
    // stops reading: a client that wrote the whole body first would block
    // on a full socket buffer forever.
    let server = RawServer::start(|peer| {
        if peer.read_head().is_some() {
            peer.write("HTTP/1.1 413 Content Too Large\r\nContent-Length: 8\r\nConnection: close\r\n\r\ntoo big!");
            std::thread::sleep(Duration::from_millis(500));
        }
    });
    run(async {
        let client = Client::new();
        let body = vec![b'x'; 32 * 1024 * 1024];
        let response = client.post(server.url("/upload")).body(body).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 413);
        assert_eq!(response.text().await.unwrap(), "too big!");
        assert_eq!(client.pool_status().open, 0, "a connection whose request was not fully sent is closed");
    });
}

#[test]
fn a_body_dropped_half_read_closes_its_connection() {
    let server = RawServer::start(|peer| {
        while peer.read_request().is_some() {
            peer.write("HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n0123456789");
            std::thread::sleep(Duration::from_millis(30));
            peer.write("abcdefghij");
        }
    });
    run(async {
        let client = Client::new();
        let mut response = client.get(server.url("/")).send().await.unwrap();
        assert_eq!(response.chunk().await.unwrap().as_deref(), Some(&b"0123456789"[..]));
        drop(response);
        assert_eq!(client.pool_status().open, 0);
        let body = client.get(server.url("/")).send().await.unwrap().bytes().await.unwrap();
        assert_eq!(body, b"0123456789abcdefghij");
        assert_eq!(client.pool_status(), aioli_http::client::PoolStatus { open: 1, idle: 1, waiting: 0 });
    });
    assert_eq!(server.accepted(), 2);
}

#[test]
fn head_responses_have_no_body_and_free_the_connection_at_once() {
    let server = RawServer::start(|peer| {
        while let Some(request) = peer.read_request() {
            assert_eq!(request.method, "HEAD");
            peer.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
        }
    });
    run(async {
        let client = Client::new();
        for _ in 0..3 {
            let response = client.head(server.url("/")).send().await.unwrap();
            assert_eq!(response.content_length(), Some(1000));
            assert_eq!(client.pool_status().idle, 1, "back in the pool before the body is asked for");
            assert!(response.bytes().await.unwrap().is_empty());
        }
    });
    assert_eq!(server.accepted(), 1);
}

#[test]
fn force_close_opens_a_connection_per_request() {
    let server = RawServer::start(|peer| {
        while let Some(request) = peer.read_request() {
            assert_eq!(request.header("connection"), Some("close"));
            peer.respond("ok");
        }
    });
    run(async {
        let client = Client::builder().force_close(true).build();
        for _ in 0..3 {
            client.get(server.url("/")).send().await.unwrap().text().await.unwrap();
        }
    });
    assert_eq!(server.accepted(), 3);
}

#[test]
fn the_body_cap_stops_buffering() {
    let server = RawServer::start(|peer| {
        while peer.read_request().is_some() {
            peer.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
            for _ in 0..10 {
                peer.write("64\r\n");
                peer.write([b'a'; 100]);
                peer.write("\r\n");
            }
            peer.write("0\r\n\r\n");
        }
    });
    run(async {
        let client = Client::builder().max_body_bytes(500).build();
        let error = client.get(server.url("/")).send().await.unwrap().bytes().await.unwrap_err();
        assert!(matches!(error, Error::BodyTooLarge { limit: 500, .. }), "{error}");
        // Streaming is not capped.
        let mut response = client.get(server.url("/")).send().await.unwrap();
        let mut total = 0;
        while let Some(piece) = response.chunk().await.unwrap() {
            total += piece.len();
        }
        assert_eq!(total, 1000);
    });
}

#[test]
fn headers_sent_include_host_user_agent_and_length() {
    let server = RawServer::start(|peer| {
        while let Some(request) = peer.read_request() {
            let answer = format!(
                "{}|{}|{}|{}|{}",
                request.header("host").unwrap_or("-"),
                request.header("user-agent").unwrap_or("-"),
                request.header("content-length").unwrap_or("-"),
                request.header("x-custom").unwrap_or("-"),
                request.header("authorization").unwrap_or("-"),
            );
            peer.respond(&answer);
        }
    });
    run(async {
        let client = Client::builder().default_header("X-Custom", "default").build();
        let text = client.get(server.url("/")).send().await.unwrap().text().await.unwrap();
        let host = server.addr.to_string();
        assert_eq!(text, format!("{host}|aioli-http/0.1.0|-|default|-"));
        let text = client
            .post(server.url("/"))
            .header("User-Agent", "demo/1.0")
            .header("x-custom", "mine")
            .basic_auth("Aladdin", Some("open sesame"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(text, format!("{host}|demo/1.0|0|mine|Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="));
    });
}

#[test]
fn cookies_come_back_unless_the_jar_is_off() {
    let server = RawServer::start(|peer| {
        while let Some(request) = peer.read_request() {
            let cookie = request.header("cookie").unwrap_or("none").to_string();
            peer.write(format!(
                "HTTP/1.1 200 OK\r\nSet-Cookie: visit=1; Path=/\r\nSet-Cookie: theme=dark\r\nContent-Length: {}\r\n\r\n{cookie}",
                cookie.len()
            ));
        }
    });
    run(async {
        let client = Client::new();
        assert_eq!(client.get(server.url("/")).send().await.unwrap().text().await.unwrap(), "none");
        assert_eq!(client.get(server.url("/x")).send().await.unwrap().text().await.unwrap(), "visit=1; theme=dark");
        assert_eq!(client.cookies().get("visit"), Some("1"));
        let plain = Client::builder().cookie_store(false).build();
        plain.get(server.url("/")).send().await.unwrap().text().await.unwrap();
        assert_eq!(plain.get(server.url("/")).send().await.unwrap().text().await.unwrap(), "none");
    });
}

#[test]
fn lines_and_fixed_size_chunks_stream_the_body() {
    use aioli::stream::StreamExt;
    let server = RawServer::start(|peer| {
        while peer.read_request().is_some() {
            peer.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
            for piece in ["3\r\none\r\n", "6\r\n\ntwo\r\n\r\n", "5\r\nthree\r\n", "0\r\n\r\n"] {
                peer.write(piece);
                std::thread::sleep(Duration::from_millis(2));
            }
        }
    });
    run(async {
        let client = Client::new();
        let mut lines = client.get(server.url("/")).send().await.unwrap().lines();
        let mut seen = Vec::new();
        while let Some(line) = lines.next().await {
            seen.push(line.unwrap());
        }
        assert_eq!(seen, ["one", "two", "three"]);

        let mut chunks = client.get(server.url("/")).send().await.unwrap().chunks(4);
        let mut sizes = Vec::new();
        let mut all = Vec::new();
        while let Some(piece) = chunks.next().await {
            let piece = piece.unwrap();
            sizes.push(piece.len());
            all.extend(piece);
        }
        assert_eq!(all, b"one\ntwo\r\nthree");
        assert_eq!(sizes, [4, 4, 4, 2]);
    });
    assert_eq!(server.accepted(), 1);
}

#[test]
fn error_for_status_turns_4xx_and_5xx_into_errors() {
    let server = RawServer::start(|peer| {
        while let Some(request) = peer.read_request() {
            let code = request.target.trim_start_matches('/');
            peer.write(format!("HTTP/1.1 {code} Whatever\r\nContent-Length: 0\r\n\r\n"));
        }
    });
    run(async {
        let client = Client::new();
        let ok = client.get(server.url("/204")).send().await.unwrap();
        assert_eq!(ok.status().as_u16(), 204, "non-2xx is not an error by itself");
        let missing = client.get(server.url("/404")).send().await.unwrap();
        assert_eq!(missing.status().as_u16(), 404);
        let error = missing.error_for_status().unwrap_err();
        assert_eq!(error.status(), Some(404));
        assert!(error.to_string().contains("404"), "{error}");
        assert!(client.get(server.url("/200")).send().await.unwrap().error_for_status().is_ok());
    });
}

#[test]
fn a_callers_host_and_connection_close_are_respected() {
    let server = RawServer::start(|peer| {
        while let Some(request) = peer.read_request() {
            let hosts: Vec<&str> = request
                .headers
                .iter()
                .filter(|(n, _)| n.eq_ignore_ascii_case("host"))
                .map(|(_, v)| v.as_str())
                .collect();
            peer.respond(&hosts.join(","));
        }
    });
    run(async {
        let client = Client::new();
        let text = client.get(server.url("/")).header("Host", "virtual.test").send().await.unwrap().text().await;
        assert_eq!(text.unwrap(), "virtual.test", "one Host header, the caller's");
        assert_eq!(client.pool_status().idle, 1);
        let response = client.get(server.url("/")).header("Connection", "close").send().await.unwrap();
        response.text().await.unwrap();
        assert_eq!(client.pool_status().open, 0, "we asked to close: the connection is not pooled");
    });
}

#[test]
fn an_announced_length_over_the_cap_is_refused_before_reading() {
    let server = RawServer::start(|peer| {
        while let Some(request) = peer.read_request() {
            peer.write("HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n");
            if request.method == "GET" {
                peer.write([b'z'; 5000]);
            }
        }
    });
    run(async {
        let client = Client::builder().max_body_bytes(1000).build();
        let error = client.get(server.url("/")).send().await.unwrap().bytes().await.unwrap_err();
        assert!(matches!(error, Error::BodyTooLarge { limit: 1000, .. }), "{error}");
        // HEAD announces the same length but has no body: nothing to refuse.
        let head = client.head(server.url("/")).send().await.unwrap();
        assert!(head.bytes().await.unwrap().is_empty());
    });
}

#[test]
fn a_response_trickling_in_one_byte_at_a_time_is_read_exactly() {
    // Every split point of the head, the chunk sizes, the extensions, the
    // data, the CRLFs and the trailers lands between two reads.
    const RESPONSE: &str = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Note: slow\r\n\r\n\
                            4;ext=1\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nTrailer: yes\r\n\r\n";
    let server = RawServer::start(|peer| {
        while peer.read_request().is_some() {
            for byte in RESPONSE.bytes() {
                peer.write([byte]);
                std::thread::sleep(Duration::from_micros(200));
            }
        }
    });
    run(async {
        let client = Client::new();
        for _ in 0..2 {
            let response = client.get(server.url("/")).send().await.unwrap();
            assert_eq!(response.headers().get("x-note"), Some("slow"));
            assert_eq!(response.text().await.unwrap(), "Wikipedia in\r\n\r\nchunks.");
        }
    });
    assert_eq!(server.accepted(), 1, "the trailers were consumed: the connection was reused");
}
