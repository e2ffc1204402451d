//! The app without a server: `App::call` on hand-built requests. Routing,
//! middleware, the request accessors and every `IntoResponse`.

use std::time::Duration;

use aioli_http::{App, Cookie, Error, Method, Next, Request, Response, StatusCode};

fn call(app: &App, req: Request) -> Response {
    aioli::run(app.call(req))
}

fn body(response: &Response) -> String {
    String::from_utf8_lossy(response.body_bytes().unwrap_or(b"<stream>")).into_owned()
}

#[test]
fn request_accessors() {
    let app = App::new().get("/inspect/{id}", |req: Request| async move {
        format!(
            "method={} path={} id={:?} q={:?} tags={:?} missing={:?} ua={:?} cookie={:?} host={:?} pairs={}",
            req.method(),
            req.path(),
            req.param("id"),
            req.query_param("q"),
            req.query().iter().filter(|(k, _)| k == "tag").map(|(_, v)| v.as_str()).collect::<Vec<_>>(),
            req.query_param("nope"),
            req.header("user-agent"),
            req.cookie("session"),
            req.host(),
            req.cookies().count(),
        )
    });
    let req = Request::new(Method::Get, "/inspect/a%2Fb?q=x+y&tag=1&tag=2")
        .with_header("User-Agent", "test/1.0")
        .with_header("Host", "example.org")
        .with_header("Cookie", "session=abc; theme=dark");
    assert_eq!(
        body(&call(&app, req)),
        r#"method=GET path=/inspect/a%2Fb id=Some("a/b") q=Some("x y") tags=["1", "2"] missing=None ua=Some("test/1.0") cookie=Some("abc") host=Some("example.org") pairs=2"#
    );
}

#[test]
fn into_response_for_every_return_type() {
    let app = App::new()
        .get("/str", |_req| async { "static" })
        .get("/string", |_req| async { String::from("owned") })
        .get("/pair", |_req| async { (StatusCode::CREATED, "made") })
        .get("/status", |_req| async { StatusCode::IM_A_TEAPOT })
        .get("/ok", |_req| async { Ok::<_, Error>("fine") })
        .get("/err", |_req| async { Err::<&str, _>(Error::not_found("no such thing")) })
        .get("/json", |_req| async { Response::json(&serde_json::json!({"a": 1})) })
        .get("/html", |_req| async { Response::html("<p>hi</p>") })
        .get("/redirect", |_req| async { Response::redirect("/elsewhere").status(StatusCode::SEE_OTHER) })
        .get("/cookie", |_req| async {
            Response::text("set").set_cookie(Cookie::new("a", "1")).set_cookie(Cookie::removal("b").path("/"))
        });
    let get = |path: &str| call(&app, Request::new(Method::Get, path));
    assert_eq!(body(&get("/str")), "static");
    assert_eq!(body(&get("/string")), "owned");
    assert_eq!((get("/pair").status_code(), body(&get("/pair"))), (StatusCode::CREATED, "made".into()));
    assert_eq!(get("/status").status_code().as_u16(), 418);
    assert_eq!(body(&get("/ok")), "fine");
    let err = get("/err");
    assert_eq!((err.status_code(), body(&err)), (StatusCode::NOT_FOUND, "no such thing\n".into()));
    let json = get("/json");
    assert_eq!((json.headers().get("content-type"), body(&json).as_str()), (Some("application/json"), r#"{"a":1}"#));
    assert_eq!(get("/html").headers().get("content-type"), Some("text/html; charset=utf-8"));
    let redirect = get("/redirect");
    assert_eq!((redirect.status_code().as_u16(), redirect.headers().get("location")), (303, Some("/elsewhere")));
    let with_cookies = get("/cookie");
    let cookies: Vec<&str> = with_cookies.headers().get_all("set-cookie").collect();
    assert_eq!(cookies, ["a=1", "b=; Path=/; Max-Age=0"]);
}

#[test]
fn bodies_from_hand_built_requests() {
    let app = App::new()
        .post("/json", |mut req: Request| async move {
            let value: serde_json::Value = req.json().await?;
            Ok::<_, Error>(Response::json(&value["name"]))
        })
        .post("/form", |mut req: Request| async move {
            let pairs = req.form().await?;
            Ok::<_, Error>(format!("{pairs:?}"))
        });
    let json = |text: &str| call(&app, Request::new(Method::Post, "/json").with_body(text));
    assert_eq!(body(&json(r#"{"name":"Ada"}"#)), r#""Ada""#);
    let bad = json("[1,");
    assert_eq!(bad.status_code(), StatusCode::BAD_REQUEST);
    assert!(body(&bad).contains("not valid JSON"), "{}", body(&bad));

    let form = call(
        &app,
        Request::new(Method::Post, "/form")
            .with_header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
            .with_body("a=1&b=two+words"),
    );
    assert_eq!(body(&form), r#"[("a", "1"), ("b", "two words")]"#);
    let wrong = call(&app, Request::new(Method::Post, "/form").with_body("a=1"));
    assert_eq!(wrong.status_code(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[test]
fn routing_order_405_and_head() {
    let app = App::new()
        .get("/users/me", |_req| async { "me" })
        .get("/users/{id}", |req: Request| async move { format!("user {}", req.param("id").unwrap_or("?")) })
        .post("/users/{id}", |_req| async { "posted" })
        .delete("/only-delete", |_req| async { "gone" });
    let go = |method: Method, path: &str| call(&app, Request::new(method, path));
    assert_eq!(body(&go(Method::Get, "/users/me")), "me");
    assert_eq!(body(&go(Method::Get, "/users/7")), "user 7");
    assert_eq!(body(&go(Method::Post, "/users/7")), "posted");
    assert_eq!(body(&go(Method::Head, "/users/7")), "user 7", "HEAD runs the GET handler");
    let not_allowed = go(Method::Put, "/users/7");
    assert_eq!(not_allowed.status_code(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(not_allowed.headers().get("allow"), Some("GET, HEAD, POST"));
    assert_eq!(go(Method::Get, "/only-delete").headers().get("allow"), Some("DELETE"));
    assert_eq!(go(Method::Other("PURGE".into()), "/nothing").status_code(), StatusCode::NOT_FOUND);
}

#[test]
#[should_panic(expected = "must be the last segment")]
fn a_bad_pattern_fails_at_startup_with_the_reason() {
    let _ = App::new().get("/files/{*path}/raw", |_req| async { "" });
}

#[test]
fn middleware_can_time_and_short_circuit() {
    async fn timing(req: Request, next: Next) -> Response {
        let started = aioli::time::Instant::now();
        let response = next.run(req).await;
        let took = started.elapsed();
        response.header("X-Took-Ms", took.as_millis().to_string())
    }
    async fn maintenance(req: Request, next: Next) -> Result<Response, Error> {
        if req.header("x-maintenance").is_some() {
            return Err(Error::new(StatusCode::SERVICE_UNAVAILABLE, "down for maintenance"));
        }
        Ok(next.run(req).await)
    }
    let app = App::new()
        .get("/slow", |_req| async {
            aioli::time::sleep(Duration::from_millis(30)).await;
            "done"
        })
        .middleware(timing)
        .middleware(maintenance);
    let slow = call(&app, Request::new(Method::Get, "/slow"));
    let took: u64 = slow.headers().get("x-took-ms").and_then(|ms| ms.parse().ok()).unwrap_or(0);
    assert!(took >= 30, "took {took} ms");
    let down = call(&app, Request::new(Method::Get, "/slow").with_header("X-Maintenance", "1"));
    assert_eq!(down.status_code(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(down.headers().contains("x-took-ms"), "the outer middleware still ran");
}
