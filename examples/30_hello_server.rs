//! 30 — a web server: routes, a path parameter, and a handler that reads the body.
//!
//! aiohttp:   async def hello(request):
//!                return web.Response(text="Hello, World!")
//!            async def greet(request):
//!                name = request.match_info.get("name", "Anonymous")
//!                return web.Response(text=f"Hello, {name}!")
//!            async def echo(request):
//!                return web.Response(body=await request.read())
//!            app = web.Application()
//!            app.router.add_get("/", hello)
//!            app.router.add_get("/greet/{name}", greet)
//!            app.router.add_post("/echo", echo)
//!            web.run_app(app, host="127.0.0.1", port=8080)
//! aioli:     let app = App::new().get("/", hello).get("/greet/{name}", greet).post("/echo", echo);
//!            Server::bind("127.0.0.1:0").start(app).await?;   // or .serve(app) until Ctrl-C
//!
//! Watch: the server starts on a free port, then the example sends itself
//! requests written out byte for byte (what curl would send) and prints
//! each answer: `GET /` is `Hello, World!` as text/plain, `/greet/Ada`
//! greets Ada and `/greet` falls back to "Anonymous", `POST /echo` sends
//! the body back. A path nobody routed is 404; `DELETE /` is 405 with an
//! `Allow: GET, HEAD` header: the router knows the path, not the method.
//! Run with `-- --serve [--port 8080]` to keep it up and try
//! `curl -i http://127.0.0.1:8080/greet/you`; stop with Ctrl-C. With
//! `AIOLI_TRACE=1` the loop prints the accept, the socket turning
//! readable, the handler's poll and the write (docs/src/20-…).
//! Differences: a handler is an `async fn(Request) -> impl IntoResponse`;
//! returning a `&str` or `String` is a 200 text/plain answer, the way
//! `web.Response(text=…)` is. aiohttp's optional path part needs a second
//! route here (`/greet`), since a `{name}` segment is never empty.

mod common;

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use aioli_http::{testing, App, Error, Request, Response, Server};

async fn hello(_req: Request) -> &'static str {
    "Hello, World!"
}

async fn greet(req: Request) -> String {
    // `match_info.get("name", "Anonymous")`: the parameter, or a default.
    let name = req.param("name").unwrap_or("Anonymous");
    format!("Hello, {name}!")
}

/// Reading the body is an await: its bytes may still be on the way. A
/// body that is too large or broken is an `Error`, which `?` turns into
/// the right status (413, 400) without more code here.
async fn echo(mut req: Request) -> Result<Response, Error> {
    let body = req.bytes().await?;
    Ok(Response::bytes(body))
}

fn app() -> App {
    App::new().get("/", hello).get("/greet/{name}", greet).get("/greet", greet).post("/echo", echo)
}

/// Sends one raw request and prints its first line and the answer.
async fn show(addr: SocketAddr, request: String) -> io::Result<()> {
    let first_line = request.lines().next().unwrap_or_default().to_owned();
    let response = testing::send(addr, request).await?;
    let content_type = response.header("content-type").unwrap_or("-");
    println!("   {first_line:<36} -> {} {} ({content_type})", response.status, response.reason);
    if let Some(allow) = response.header("allow") {
        println!("   {:<36}    Allow: {allow}", "");
    }
    println!("   {:<36}    {:?}", "", response.text());
    Ok(())
}

async fn demo() -> io::Result<()> {
    let server = Server::bind("127.0.0.1:0").start(app()).await?;
    let addr = server.local_addr();
    println!("1. serving on http://{addr}; each request below is written out as bytes\n");
    let host = format!("Host: {addr}\r\n");
    show(addr, format!("GET / HTTP/1.1\r\n{host}\r\n")).await?;
    show(addr, format!("GET /greet/Ada HTTP/1.1\r\n{host}\r\n")).await?;
    // Percent-encoding in a path parameter is decoded for the handler.
    show(addr, format!("GET /greet/Grace%20Hopper HTTP/1.1\r\n{host}\r\n")).await?;
    show(addr, format!("GET /greet HTTP/1.1\r\n{host}\r\n")).await?;
    let body = "ping from a raw socket";
    show(addr, format!("POST /echo HTTP/1.1\r\n{host}Content-Length: {}\r\n\r\n{body}", body.len())).await?;

    println!("\n2. what the router answers by itself");
    show(addr, format!("GET /nowhere HTTP/1.1\r\n{host}\r\n")).await?;
    show(addr, format!("DELETE / HTTP/1.1\r\n{host}\r\n")).await?;

    // Graceful: every connection above is already closed, so none is forced.
    let forced = server.shutdown(Duration::from_secs(1)).await;
    println!("\n3. shut down; {forced} connections had to be forced closed");
    Ok(())
}

fn main() -> io::Result<()> {
    match common::serve_port() {
        Some(port) => aioli::run(Server::bind(("127.0.0.1", port)).serve(app())),
        None => aioli::run(demo()),
    }
}
