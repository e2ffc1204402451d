//! 32 — middleware: code that runs around every handler (a request log, an auth check).
//!
//! aiohttp:   @web.middleware
//!            async def log_requests(request, handler):
//!                start = time.monotonic()
//!                response = await handler(request)
//!                print(request.remote, request.method, request.path, response.status,
//!                      f"{(time.monotonic() - start) * 1e6:.1f} µs")
//!                return response
//!            @web.middleware
//!            async def require_token(request, handler):
//!                if request.path.startswith("/admin") and \
//!                   request.headers.get("Authorization") != "Bearer s3cret":
//!                    raise web.HTTPUnauthorized()
//!                return await handler(request)
//!            app = web.Application(middlewares=[log_requests, require_token])
//! aioli:     async fn log_requests(req: Request, next: Next) -> Response { … next.run(req).await … }
//!            App::new().get(…).middleware(log_requests).middleware(require_token)
//!
//! Watch: every request prints one log line with the client's address,
//! method, path, status and time taken, including the ones the auth
//! middleware refused (401, with a `WWW-Authenticate` header) and the 404
//! for a path nobody routed: the log wraps the whole chain. `/slow`
//! takes about 100 ms and its log line says so. A third middleware adds an
//! `X-Served-By` header to every answer on its way out. The order of the
//! `.middleware(…)` calls is the order they run in: the first added is the
//! outermost, as in aiohttp's list.
//! `-- --serve [--port 8080]` keeps it up; try
//! `curl -i -H 'Authorization: Bearer s3cret' localhost:8080/admin/stats`.
//! Differences: `next.run(req)` plays `handler(request)`; a middleware
//! that answers by itself just returns a Response instead of raising an
//! HTTPException. There is no `request.remote` string: `remote_addr()`
//! is a `SocketAddr` (IP and port).

mod common;

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use aioli::time::Instant;
use aioli_http::{testing, App, Next, Request, Response, Server, StatusCode};

/// The access log: one line per request, written after the answer exists.
async fn log_requests(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let (peer, method, path) = (req.remote_addr(), req.method().clone(), req.target().to_owned());
    let response = next.run(req).await;
    let took = start.elapsed();
    println!("   log: {peer} {method} {path} -> {} in {took:.1?}", response.status_code().as_u16());
    response
}

/// The auth wrapper: `/admin/…` needs a bearer token. Without it, this
/// middleware answers 401 itself and the handler never runs.
async fn require_token(req: Request, next: Next) -> Response {
    if req.path().starts_with("/admin") && req.header("authorization") != Some("Bearer s3cret") {
        return Response::text("401: /admin needs `Authorization: Bearer <token>`\n")
            .status(StatusCode::UNAUTHORIZED)
            .header("WWW-Authenticate", "Bearer realm=\"admin\"");
    }
    next.run(req).await
}

/// Changes every response on its way out.
async fn served_by(req: Request, next: Next) -> Response {
    next.run(req).await.header("X-Served-By", "aioli example 32")
}

fn app() -> App {
    App::new()
        .get("/", |_req| async { "public page\n" })
        .get("/admin/stats", |_req| async { "42 requests served, 0 lost\n" })
        .get("/slow", |_req| async {
            aioli::time::sleep(Duration::from_millis(100)).await;
            "that took a while\n"
        })
        // First added, outermost: the log sees the 401s too.
        .middleware(log_requests)
        .middleware(require_token)
        .middleware(served_by)
}

async fn call(addr: SocketAddr, path: &str, extra_headers: &str) -> io::Result<()> {
    let response = testing::send(addr, format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n{extra_headers}\r\n")).await?;
    let mut notes = Vec::new();
    for name in ["www-authenticate", "x-served-by"] {
        if let Some(value) = response.header(name) {
            notes.push(format!("{name}: {value}"));
        }
    }
    println!("   client: GET {path} -> {} {:?}  [{}]", response.status, response.text(), notes.join("; "));
    Ok(())
}

async fn demo() -> io::Result<()> {
    let server = Server::bind("127.0.0.1:0").start(app()).await?;
    let addr = server.local_addr();
    println!("middleware order: log_requests -> require_token -> served_by -> handler (http://{addr})\n");
    call(addr, "/", "").await?;
    call(addr, "/admin/stats", "").await?;
    call(addr, "/admin/stats", "Authorization: Bearer wrong\r\n").await?;
    call(addr, "/admin/stats", "Authorization: Bearer s3cret\r\n").await?;
    call(addr, "/slow", "").await?;
    call(addr, "/missing", "").await?;
    server.shutdown(Duration::from_secs(1)).await;
    Ok(())
}

fn main() -> io::Result<()> {
    match common::serve_port() {
        Some(port) => aioli::run(Server::bind(("127.0.0.1", port)).serve(app())),
        None => aioli::run(demo()),
    }
}
