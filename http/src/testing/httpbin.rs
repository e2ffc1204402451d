//! The httpbin-like routes: endpoints that describe the request they got.
//!
//! httpbin.org answers every request with what it saw (the method, the
//! query arguments, the headers, the body, the caller's address) or with
//! a behaviour asked for in the URL (a status, a delay, a redirect chain,
//! a stream of lines). The seeds' client code calls it to show what a
//! client sends; these routes give the same JSON shapes offline.
//!
//! Every answer is built from a [`Request`] by a few helpers
//! ([`describe`] for the common fields, [`describe_body`] for the body
//! ones) so `/get`, `/post`, `/anything`, `/delay` and `/stream` agree on
//! field names. Everything that could grow without bound is capped (a
//! delay at 10 s, a stream at 100 lines, bytes at 10 MiB), so the test app
//! is safe to leave running on a shared machine.
//!
//! Differences from httpbin: `/bytes` is deterministic (its default seed is
//! fixed), `/echo` is ours (the body back with its content type), and
//! there is no gzip/deflate/brotli, images, or HTML forms.
//!
//! Chapter: docs/src/23-routing-and-middleware.md

use std::time::Duration;

use aioli::stream;
use serde_json::{json, Map, Value};

use super::{base64, fake_text};
use crate::{App, Cookie, Error, Method, Request, Response, StatusCode};

/// Longest `/delay` and `/drip`.
const MAX_DELAY: Duration = Duration::from_secs(10);
/// Most lines `/stream/{n}` sends.
const MAX_STREAM_LINES: usize = 100;
/// Most bytes `/bytes`, `/stream-bytes` and `/drip` send.
const MAX_BYTES: usize = 10 * 1024 * 1024;
/// Most bytes `/drip` sends (one chunk each).
const MAX_DRIP_BYTES: usize = 10 * 1024;
/// The seed `/bytes` and `/stream-bytes` use when none is given.
const DEFAULT_SEED: u64 = 42;

/// Every method a route registered "for any method" answers.
const ANY_METHOD: [Method; 7] =
    [Method::Get, Method::Post, Method::Put, Method::Patch, Method::Delete, Method::Options, Method::Trace];

/// Adds the httpbin-like routes to `app`.
pub(crate) fn routes(app: App) -> App {
    let mut app = app
        .get("/", index)
        .get("/get", get)
        .post("/post", with_body)
        .put("/put", with_body)
        .patch("/patch", with_body)
        .delete("/delete", with_body)
        .get("/headers", headers)
        .get("/user-agent", user_agent)
        .get("/ip", ip)
        .get("/status/{code}", status)
        .post("/status/{code}", status)
        .get("/delay/{secs}", delay)
        .get("/stream/{n}", stream_lines)
        .get("/bytes/{n}", bytes)
        .get("/stream-bytes/{n}", stream_bytes)
        .get("/redirect/{n}", redirect)
        .get("/relative-redirect/{n}", relative_redirect)
        .get("/cookies", cookies)
        .get("/cookies/set", cookies_set)
        .get("/cookies/delete", cookies_delete)
        .get("/basic-auth/{user}/{pass}", basic_auth)
        .get("/drip", drip);
    for method in ANY_METHOD {
        app = app.route(method.clone(), "/echo", echo).route(method.clone(), "/anything", anything).route(
            method,
            "/anything/{*path}",
            anything,
        );
    }
    app
}

/// `/`: what this app serves, one line per route.
async fn index(_req: Request) -> Response {
    Response::text(INDEX)
}

const INDEX: &str = "\
aioli-http test app: an offline stand-in for httpbin.org, jsonplaceholder and a small site.

httpbin-like
  ANY  /echo                      the request body back, same Content-Type
  GET  /get                       the request's args, headers, origin and url as JSON
  POST /post (also PUT /put, PATCH /patch, DELETE /delete)
                                  the same, plus data, form and json from the body
  ANY  /anything[/{path}]         the same, plus the method
  GET  /headers                   the request headers
  GET  /user-agent                the User-Agent header
  GET  /ip                        the caller's address
  GET  /status/{code}             an empty answer with that status (200-599)
  GET  /delay/{secs}              /get's answer after secs seconds (fractions allowed, at most 10)
  GET  /stream/{n}                n JSON lines, chunked (at most 100)
  GET  /bytes/{n}?seed=           n pseudo-random bytes, the same for the same seed (at most 10 MiB)
  GET  /stream-bytes/{n}?chunk_size=&seed=
                                  the same bytes, chunked, chunk_size at a time
  GET  /redirect/{n}              302 to an absolute URL, n times, then /get
  GET  /relative-redirect/{n}     302 to a relative URL, n times, then /get
  GET  /cookies                   the cookies the request carried
  GET  /cookies/set?name=value    sets the cookies, then 302 to /cookies
  GET  /cookies/delete?name       expires the cookies, then 302 to /cookies
  GET  /basic-auth/{user}/{pass}  200 with the right Basic credentials, else 401
  GET  /drip?numbytes=&duration=&delay=&code=
                                  numbytes bytes (at most 10 KiB) spread over duration seconds

jsonplaceholder-like
  GET  /posts[?userId=]  /posts/{id}  /posts/{id}/comments  POST /posts (201)
  GET  /users  /users/{id}  /comments[?postId=]  /todos[?userId=]  /todos/{id}

a linked HTML site for crawlers
  GET  /site/   (relative links, one cycle, one broken link)

WebSocket
  GET  /ws/echo[?max_message_bytes=N]  upgrades; sends every text and binary message back
";

/// Header names as httpbin shows them: `user-agent` becomes `User-Agent`.
fn title_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = true;
    for c in name.chars() {
        out.push(if upper { c.to_ascii_uppercase() } else { c.to_ascii_lowercase() });
        upper = c == '-';
    }
    out
}

/// The query arguments as a JSON object; a repeated name becomes a list.
fn args(req: &Request) -> Value {
    let mut map = Map::new();
    for (name, value) in req.query() {
        match map.get_mut(&name) {
            None => {
                map.insert(name, Value::String(value));
            }
            Some(Value::Array(values)) => values.push(Value::String(value)),
            Some(first) => *first = Value::Array(vec![first.take(), Value::String(value)]),
        }
    }
    Value::Object(map)
}

/// The headers as a JSON object; repeats are joined with commas, as a
/// proxy would fold them.
fn headers_json(req: &Request) -> Value {
    let mut map: Map<String, Value> = Map::new();
    for (name, value) in req.headers().iter() {
        let value = String::from_utf8_lossy(value).into_owned();
        let name = title_case(name);
        match map.get_mut(&name) {
            Some(Value::String(existing)) => {
                existing.push(',');
                existing.push_str(&value);
            }
            _ => {
                map.insert(name, Value::String(value));
            }
        }
    }
    Value::Object(map)
}

/// The URL the client asked for, rebuilt from Host and the target.
fn url(req: &Request) -> String {
    format!("http://{}{}", req.host().unwrap_or("localhost"), req.target())
}

/// The fields every describing route shares: args, headers, origin, url.
pub(crate) fn describe(req: &Request) -> Map<String, Value> {
    let mut map = Map::new();
    map.insert("args".into(), args(req));
    map.insert("headers".into(), headers_json(req));
    map.insert("origin".into(), Value::String(req.remote_addr().ip().to_string()));
    map.insert("url".into(), Value::String(url(req)));
    map
}

/// Reads the body and adds httpbin's body fields: `data` (the text, or a
/// base64 `data:` URL if it is not UTF-8), `form`, `json` and `files`.
async fn describe_body(req: &mut Request) -> Result<Map<String, Value>, Error> {
    let body = req.bytes().await?;
    let content_type = req.header("content-type").unwrap_or("").to_ascii_lowercase();
    let mut map = describe(req);
    let data = match std::str::from_utf8(&body) {
        Ok(text) => text.to_owned(),
        Err(_) => format!("data:application/octet-stream;base64,{}", base64::encode(&body)),
    };
    let form: Map<String, Value> = if content_type.starts_with("application/x-www-form-urlencoded") {
        crate::percent::parse_pairs(&data).into_iter().map(|(k, v)| (k, Value::String(v))).collect()
    } else {
        Map::new()
    };
    // Like httpbin: `json` is the body parsed as JSON whatever the
    // Content-Type says, or null when it is not JSON.
    let parsed = serde_json::from_slice(&body).unwrap_or(Value::Null);
    map.insert("data".into(), Value::String(if form.is_empty() { data } else { String::new() }));
    map.insert("form".into(), Value::Object(form));
    map.insert("json".into(), parsed);
    map.insert("files".into(), Value::Object(Map::new()));
    Ok(map)
}

async fn get(req: Request) -> Response {
    Response::json(&describe(&req))
}

async fn with_body(mut req: Request) -> Result<Response, Error> {
    Ok(Response::json(&describe_body(&mut req).await?))
}

async fn anything(mut req: Request) -> Result<Response, Error> {
    let mut map = describe_body(&mut req).await?;
    map.insert("method".into(), Value::String(req.method().to_string()));
    Ok(Response::json(&map))
}

/// `/echo`: the body back, under the Content-Type it came with.
async fn echo(mut req: Request) -> Result<Response, Error> {
    let content_type = req.header("content-type").unwrap_or("application/octet-stream").to_owned();
    let body = req.bytes().await?;
    Ok(Response::bytes(body).header("Content-Type", content_type))
}

async fn headers(req: Request) -> Response {
    Response::json(&json!({ "headers": headers_json(&req) }))
}

async fn user_agent(req: Request) -> Response {
    Response::json(&json!({ "user-agent": req.header("user-agent") }))
}

async fn ip(req: Request) -> Response {
    Response::json(&json!({ "origin": req.remote_addr().ip().to_string() }))
}

/// A path parameter parsed as `T`, or a 400 that names it.
fn param<T: std::str::FromStr>(req: &Request, name: &str) -> Result<T, Error> {
    let raw = req.param(name).unwrap_or("");
    raw.parse().map_err(|_| Error::bad_request(format!("{name} must be a number, got {raw:?}")))
}

/// A query parameter parsed as `T`, `default` when absent, 400 when bad.
fn query<T: std::str::FromStr>(req: &Request, name: &str, default: T) -> Result<T, Error> {
    match req.query_param(name) {
        None => Ok(default),
        Some(raw) => {
            raw.parse().map_err(|_| Error::bad_request(format!("query parameter {name} is not valid: {raw:?}")))
        }
    }
}

/// A delay in seconds from text: fractions allowed, capped at `MAX_DELAY`.
fn seconds(raw: f64, name: &str) -> Result<Duration, Error> {
    if !raw.is_finite() || raw < 0.0 {
        return Err(Error::bad_request(format!("{name} must be a number of seconds ≥ 0")));
    }
    Ok(Duration::from_secs_f64(raw).min(MAX_DELAY))
}

async fn status(req: Request) -> Result<Response, Error> {
    let code: u16 = param(&req, "code")?;
    // 1xx are not final answers, and codes past 599 are not HTTP's.
    let status = StatusCode::from_u16(code)
        .ok()
        .filter(|_| (200..=599).contains(&code))
        .ok_or_else(|| Error::bad_request(format!("/status/{{code}} takes 200 to 599, not {code}")))?;
    let mut response = Response::empty().status(status);
    if status.is_redirection() {
        response = response.header("Location", "/redirect/1");
    }
    if code == 401 {
        response = response.header("WWW-Authenticate", "Basic realm=\"aioli test app\"");
    }
    Ok(response)
}

async fn delay(req: Request) -> Result<Response, Error> {
    let wait = seconds(param(&req, "secs")?, "the delay")?;
    aioli::time::sleep(wait).await;
    Ok(Response::json(&describe(&req)))
}

async fn stream_lines(req: Request) -> Result<Response, Error> {
    let n: usize = param(&req, "n")?;
    let base = describe(&req);
    let lines: Vec<Vec<u8>> = (0..n.min(MAX_STREAM_LINES))
        .map(|id| {
            let mut line = base.clone();
            line.insert("id".into(), Value::from(id));
            let mut bytes = Value::Object(line).to_string().into_bytes();
            bytes.push(b'\n');
            bytes
        })
        .collect();
    // Each line is one chunk on the wire: a client reading line by line
    // sees them arrive separately.
    Ok(Response::stream(stream::iter(lines)).header("Content-Type", "application/json"))
}

async fn bytes(req: Request) -> Result<Response, Error> {
    let n: usize = param(&req, "n")?;
    let seed = query(&req, "seed", DEFAULT_SEED)?;
    Ok(Response::bytes(fake_text::bytes(seed, n.min(MAX_BYTES))))
}

async fn stream_bytes(req: Request) -> Result<Response, Error> {
    let n: usize = param(&req, "n")?;
    let seed = query(&req, "seed", DEFAULT_SEED)?;
    let chunk_size = query(&req, "chunk_size", 10 * 1024usize)?.max(1);
    let all = fake_text::bytes(seed, n.min(MAX_BYTES));
    let chunks: Vec<Vec<u8>> = all.chunks(chunk_size).map(<[u8]>::to_vec).collect();
    Ok(Response::stream(stream::iter(chunks)))
}

/// The redirect count, at least 1.
fn hops(req: &Request) -> Result<u32, Error> {
    let n: u32 = param(req, "n")?;
    if n == 0 {
        return Err(Error::bad_request("a redirect chain needs n ≥ 1"));
    }
    Ok(n)
}

async fn redirect(req: Request) -> Result<Response, Error> {
    let n = hops(&req)?;
    let host = req.host().unwrap_or("localhost");
    let next = if n == 1 { "/get".to_owned() } else { format!("/redirect/{}", n - 1) };
    Ok(Response::redirect(format!("http://{host}{next}")))
}

async fn relative_redirect(req: Request) -> Result<Response, Error> {
    let n = hops(&req)?;
    Ok(Response::redirect(if n == 1 { "/get".to_owned() } else { format!("/relative-redirect/{}", n - 1) }))
}

async fn cookies(req: Request) -> Response {
    let cookies: Map<String, Value> =
        req.cookies().map(|(name, value)| (name.to_owned(), Value::String(value.to_owned()))).collect();
    Response::json(&json!({ "cookies": cookies }))
}

async fn cookies_set(req: Request) -> Response {
    let mut response = Response::redirect("/cookies");
    for (name, value) in req.query() {
        response = response.set_cookie(Cookie::new(name, value).path("/"));
    }
    response
}

async fn cookies_delete(req: Request) -> Response {
    let mut response = Response::redirect("/cookies");
    for (name, _) in req.query() {
        response = response.set_cookie(Cookie::removal(name).path("/"));
    }
    response
}

/// `Authorization: Basic base64(user:pass)`, decoded, if well-formed.
fn basic_credentials(req: &Request) -> Option<(String, String)> {
    let header = req.header("authorization")?;
    let (scheme, encoded) = header.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(base64::decode(encoded.trim())?).ok()?;
    let (user, pass) = decoded.split_once(':')?;
    Some((user.to_owned(), pass.to_owned()))
}

async fn basic_auth(req: Request) -> Response {
    let expected = (req.param("user").unwrap_or(""), req.param("pass").unwrap_or(""));
    match basic_credentials(&req) {
        Some((user, pass)) if (user.as_str(), pass.as_str()) == expected => {
            Response::json(&json!({ "authenticated": true, "user": user }))
        }
        _ => Response::json(&json!({ "authenticated": false }))
            .status(StatusCode::UNAUTHORIZED)
            .header("WWW-Authenticate", "Basic realm=\"aioli test app\""),
    }
}

/// `/drip`: after `delay` seconds, `numbytes` asterisks spread evenly
/// over `duration` seconds, one chunk each, with status `code`.
async fn drip(req: Request) -> Result<Response, Error> {
    let duration = seconds(query(&req, "duration", 2.0)?, "duration")?;
    let delay = seconds(query(&req, "delay", 0.0)?, "delay")?;
    let numbytes = query(&req, "numbytes", 10usize)?.min(MAX_DRIP_BYTES);
    let code: u16 = query(&req, "code", 200)?;
    let status = StatusCode::from_u16(code)
        .ok()
        .filter(|_| (200..=599).contains(&code))
        .ok_or_else(|| Error::bad_request(format!("code must be 200 to 599, not {code}")))?;
    let pause = if numbytes > 0 { duration / numbytes as u32 } else { Duration::ZERO };
    // The handler returns at once; the body is produced by a task that
    // sleeps between bytes, and the server sends each as it comes.
    let body = stream::from_task(move |tx| async move {
        aioli::time::sleep(delay).await;
        for _ in 0..numbytes {
            tx.send(b"*".to_vec()).await;
            aioli::time::sleep(pause).await;
        }
    });
    Ok(Response::stream(body).status(status))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_names_are_title_cased() {
        assert_eq!(title_case("user-agent"), "User-Agent");
        assert_eq!(title_case("X-REQUEST-ID"), "X-Request-Id");
        assert_eq!(title_case("host"), "Host");
    }
}
