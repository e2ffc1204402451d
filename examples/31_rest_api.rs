//! 31 — a REST API: JSON in and out, a form, status codes, headers and cookies.
//!
//! aiohttp:   async def add_book(request):
//!                data = await request.json()               # 400 if it is not JSON
//!                book = library.add(data["title"], data["author"])
//!                return web.json_response(book, status=201,
//!                                         headers={"Location": f"/books/{book['id']}"})
//!            async def login(request):
//!                form = await request.post()               # a urlencoded form
//!                response = web.json_response({"hello": form["user"]})
//!                response.set_cookie("session", token, httponly=True)
//!                return response
//!            async def me(request):
//!                user = sessions.get(request.cookies.get("session"))
//!                if user is None: raise web.HTTPUnauthorized()
//! aioli:     let book: serde_json::Value = req.json().await?;
//!            Response::json(&book).status(StatusCode::CREATED).header("Location", …)
//!            let form = req.form().await?;  Response::json(…).set_cookie(Cookie::new("session", token).http_only(true))
//!            req.cookie("session"), req.header("x-request-id")
//!
//! Watch: a small library API whose state is an `Rc<RefCell<…>>` shared
//! by the handlers (one loop, one thread: no Mutex, no Send). Adding a
//! book answers 201 with a Location header; a body that is not JSON is a
//! 400 that says why, a book without a title a 422; an unknown id a 404.
//! Logging in with a form sets an HttpOnly session cookie, and `/me`
//! answers 401 until the request carries it. A request's `X-Request-Id`
//! header comes back on its answer. Deleting answers 204 with no body.
//! `-- --serve [--port 8080]` keeps it up; try
//! `curl -i -d '{"title":"Dune","author":"Herbert"}' localhost:8080/books`.
//! Differences: errors are values (`Err(Error)` with a status), not
//! raised `HTTPException`s; `?` on `req.json()` turns bad JSON into a 400.
//! aiohttp's `request.post()` also parses multipart forms; `form()` reads
//! urlencoded ones and answers 415 for anything else.

mod common;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io;
use std::net::SocketAddr;
use std::rc::Rc;
use std::time::Duration;

use aioli_http::{testing, App, Cookie, Error, Request, Response, Server, StatusCode};
use serde_json::{json, Value};

/// Everything the handlers share. `Rc<RefCell<…>>` is enough: every
/// handler runs on the loop's one thread, and no borrow is held across an
/// `.await` (each handler borrows, changes, and lets go in one step).
#[derive(Default)]
struct Library {
    books: BTreeMap<u64, Value>,
    next_id: u64,
    /// session token -> user name
    sessions: BTreeMap<String, String>,
}

type State = Rc<RefCell<Library>>;

/// The one account of this demo: (user, password).
const ACCOUNT: (&str, &str) = ("ada", "lovelace");

fn not_found(id: &str) -> Error {
    Error::not_found(format!("no book with id {id}"))
}

async fn list_books(state: State, req: Request) -> Response {
    let author = req.query_param("author");
    let books: Vec<Value> = state
        .borrow()
        .books
        .values()
        .filter(|book| author.as_deref().is_none_or(|wanted| book["author"] == wanted))
        .cloned()
        .collect();
    let mut response = Response::json(&books);
    // A header in, the same header out: how a request id follows a call
    // through several services.
    if let Some(id) = req.header("x-request-id") {
        response = response.header("X-Request-Id", id);
    }
    response
}

async fn add_book(state: State, mut req: Request) -> Result<Response, Error> {
    let mut book: Value = req.json().await?; // not JSON: 400, with serde's reason
    let title = book["title"].as_str().unwrap_or("").trim().to_owned();
    if title.is_empty() {
        return Err(Error::new(StatusCode::UNPROCESSABLE_ENTITY, "a book needs a non-empty \"title\""));
    }
    let mut library = state.borrow_mut();
    library.next_id += 1;
    let id = library.next_id;
    book["id"] = json!(id);
    library.books.insert(id, book.clone());
    Ok(Response::json(&book).status(StatusCode::CREATED).header("Location", format!("/books/{id}")))
}

async fn get_book(state: State, req: Request) -> Result<Response, Error> {
    let id = req.param("id").unwrap_or("");
    let book = id.parse().ok().and_then(|id: u64| state.borrow().books.get(&id).cloned());
    book.map(|book| Response::json(&book)).ok_or_else(|| not_found(id))
}

async fn delete_book(state: State, req: Request) -> Result<StatusCode, Error> {
    let id = req.param("id").unwrap_or("");
    let removed = id.parse().ok().and_then(|id: u64| state.borrow_mut().books.remove(&id));
    removed.map(|_| StatusCode::NO_CONTENT).ok_or_else(|| not_found(id))
}

async fn login(state: State, mut req: Request) -> Result<Response, Error> {
    let form = req.form().await?; // user=ada&password=lovelace
    let field = |name: &str| form.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str());
    if (field("user"), field("password")) != (Some(ACCOUNT.0), Some(ACCOUNT.1)) {
        return Err(Error::new(StatusCode::UNAUTHORIZED, "wrong user or password"));
    }
    let mut library = state.borrow_mut();
    let token = format!("session-{}", library.sessions.len() + 1);
    library.sessions.insert(token.clone(), ACCOUNT.0.to_owned());
    // HttpOnly: page scripts cannot read it; Path=/: sent with every request.
    let cookie = Cookie::new("session", token).path("/").http_only(true);
    Ok(Response::json(&json!({ "hello": ACCOUNT.0 })).set_cookie(cookie))
}

async fn me(state: State, req: Request) -> Result<Response, Error> {
    let user = req.cookie("session").and_then(|token| state.borrow().sessions.get(token).cloned());
    match user {
        Some(user) => Ok(Response::json(&json!({ "user": user, "user_agent": req.header("user-agent") }))),
        None => Err(Error::new(StatusCode::UNAUTHORIZED, "log in first: POST /login sets the session cookie")),
    }
}

/// Each route gets its own clone of the state. The closure is the
/// handler; it clones the `Rc` again per request, since the future it
/// returns must own what it uses.
fn app() -> App {
    let state = State::default();
    let s = state.clone();
    let app = App::new().get("/books", move |req| list_books(s.clone(), req));
    let s = state.clone();
    let app = app.post("/books", move |req| add_book(s.clone(), req));
    let s = state.clone();
    let app = app.get("/books/{id}", move |req| get_book(s.clone(), req));
    let s = state.clone();
    let app = app.delete("/books/{id}", move |req| delete_book(s.clone(), req));
    let s = state.clone();
    let app = app.post("/login", move |req| login(s.clone(), req));
    app.get("/me", move |req| me(state.clone(), req))
}

/// Sends `method path` with extra header lines and a body; prints the
/// status, the headers worth seeing, and the body.
async fn call(addr: SocketAddr, method: &str, path: &str, headers: &str, body: &str) -> io::Result<()> {
    let request =
        format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\n{headers}Content-Length: {}\r\n\r\n{body}", body.len());
    let response = testing::send(addr, request).await?;
    println!("   {method:<6} {path:<22} -> {} {}", response.status, response.reason);
    for name in ["location", "set-cookie", "x-request-id"] {
        if let Some(value) = response.header(name) {
            println!("   {:<29}    {name}: {value}", "");
        }
    }
    if !response.body.is_empty() {
        println!("   {:<29}    {}", "", response.text().trim_end());
    }
    Ok(())
}

async fn demo() -> io::Result<()> {
    let server = Server::bind("127.0.0.1:0").start(app()).await?;
    let addr = server.local_addr();
    let json = "Content-Type: application/json\r\n";
    println!("1. JSON in, JSON out, and the status codes that say what happened (http://{addr})");
    call(addr, "POST", "/books", json, r#"{"title": "Dune", "author": "Herbert"}"#).await?;
    call(addr, "POST", "/books", json, r#"{"title": "Solaris", "author": "Lem"}"#).await?;
    call(addr, "POST", "/books", json, r#"{"title": "Dune", "author": "#).await?;
    call(addr, "POST", "/books", json, r#"{"author": "Nobody"}"#).await?;
    call(addr, "GET", "/books/2", "", "").await?;
    call(addr, "GET", "/books/99", "", "").await?;
    call(addr, "GET", "/books?author=Lem", "X-Request-Id: demo-42\r\n", "").await?;

    println!("\n2. a form logs in and sets a cookie; the cookie opens /me");
    let form = "Content-Type: application/x-www-form-urlencoded\r\n";
    call(addr, "GET", "/me", "", "").await?;
    call(addr, "POST", "/login", form, "user=ada&password=guess").await?;
    call(addr, "POST", "/login", form, "user=ada&password=lovelace").await?;
    // A browser would send the cookie back by itself; here we write it.
    call(addr, "GET", "/me", "Cookie: session=session-1\r\nUser-Agent: demo/1.0\r\n", "").await?;

    println!("\n3. deleting: 204 and no body, then 404");
    call(addr, "DELETE", "/books/1", "", "").await?;
    call(addr, "DELETE", "/books/1", "", "").await?;
    call(addr, "GET", "/books", "", "").await?;
    server.shutdown(Duration::from_secs(1)).await;
    Ok(())
}

fn main() -> io::Result<()> {
    match common::serve_port() {
        Some(port) => aioli::run(Server::bind(("127.0.0.1", port)).serve(app())),
        None => aioli::run(demo()),
    }
}
