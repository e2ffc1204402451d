//! `App`: routes, handlers and middleware: what the server calls.
//!
//! An app is a list of routes (a pattern, a method, a handler) and a list
//! of middleware. For each request the server asks the app for a response:
//! the router picks the handler (or 404 / 405), and the middleware run
//! around it in the order they were added, each deciding whether to call
//! the rest of the chain (`next.run(req).await`) or to answer itself:
//!
//! ```text
//!   request ─▶ middleware 1 ─▶ middleware 2 ─▶ handler
//!   response ◀──────────────◀────────────────◀──┘
//! ```
//!
//! Handlers are `async fn(Request) -> impl IntoResponse`; middleware are
//! `async fn(Request, Next) -> impl IntoResponse`. Both are stored behind
//! `Rc<dyn Trait>` and return one boxed future per call: a `dyn` call is
//! what lets routes hold different function types in one list, and the
//! box is the price of returning a future from a `dyn` call. Everything
//! lives on one loop's thread, so neither needs to be `Send`: a handler
//! may capture an `Rc<RefCell<State>>`.
//!
//! aiohttp's `web.Application` is the model (`app.router.add_get`,
//! `@web.middleware` with `handler(request)` as next); axum builds the
//! same chain out of tower `Service`s, statically typed and `Send`.
//!
//! Chapter: docs/src/23-routing-and-middleware.md

mod middleware;
pub(crate) mod router;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

pub use middleware::{Middleware, Next};
use router::{Pattern, Resolved, Route};

use crate::{IntoResponse, Method, Request, Response};

/// The future a handler or middleware call returns.
pub type HandlerFuture = Pin<Box<dyn Future<Output = Response>>>;

/// Something that answers a request. Implemented for every
/// `async fn(Request) -> impl IntoResponse` and every closure returning
/// such a future.
pub trait Handler: 'static {
    /// Starts answering `req`.
    fn call(&self, req: Request) -> HandlerFuture;
}

// ANCHOR: handler_for_async_fn
impl<F, Fut> Handler for F
where
    F: Fn(Request) -> Fut + 'static,
    Fut: Future + 'static,
    Fut::Output: IntoResponse,
{
    fn call(&self, req: Request) -> HandlerFuture {
        let future = self(req);
        Box::pin(async move { future.await.into_response() })
    }
}
// ANCHOR_END: handler_for_async_fn

/// A web application: routes and middleware.
///
/// ```
/// use aioli_http::{App, Method, Request, Response, StatusCode};
///
/// async fn hello(_req: Request) -> &'static str {
///     "hello"
/// }
///
/// async fn greet(req: Request) -> String {
///     format!("hello, {}", req.param("name").unwrap_or("stranger"))
/// }
///
/// let app = App::new().get("/", hello).get("/greet/{name}", greet);
/// aioli::run(async move {
///     let response = app.call(Request::new(Method::Get, "/greet/Ada")).await;
///     assert_eq!(response.body_bytes(), Some(&b"hello, Ada"[..]));
///     let response = app.call(Request::new(Method::Post, "/")).await;
///     assert_eq!(response.status_code(), StatusCode::METHOD_NOT_ALLOWED);
///     assert_eq!(response.headers().get("allow"), Some("GET, HEAD"));
/// });
/// ```
///
/// Shared state is captured by the handler closures. Everything runs on
/// one thread, so `Rc<RefCell<_>>` is enough (no `Arc<Mutex<_>>`); clone
/// the `Rc` into each closure, and once more into each call's future:
///
/// ```
/// use std::cell::RefCell;
/// use std::rc::Rc;
/// use aioli_http::{App, Method, Request};
///
/// let hits = Rc::new(RefCell::new(0u32));
/// let counter = hits.clone();
/// let app = App::new().get("/count", move |_req: Request| {
///     let hits = counter.clone();
///     async move {
///         *hits.borrow_mut() += 1;
///         format!("{} hits", hits.borrow())
///     }
/// });
/// aioli::run(async move {
///     app.call(Request::new(Method::Get, "/count")).await;
///     let response = app.call(Request::new(Method::Get, "/count")).await;
///     assert_eq!(response.body_bytes(), Some(&b"2 hits"[..]));
/// });
/// assert_eq!(*hits.borrow(), 2);
/// ```
#[derive(Default)]
pub struct App {
    routes: Vec<Route>,
    /// Shared with every `Next`, so a request's chain costs no copy.
    middleware: Rc<Vec<Rc<dyn Middleware>>>,
}

impl App {
    /// An app with no routes: every request is 404.
    pub fn new() -> App {
        App::default()
    }

    /// Adds a route for `method` and `pattern` (see the router's docs for
    /// patterns: `/users/{id}`, `/static/{*path}`).
    ///
    /// # Panics
    ///
    /// If `pattern` is malformed, with a message that says how; routes are
    /// written by the programmer, so this fails at startup, not per request.
    pub fn route(mut self, method: Method, pattern: &str, handler: impl Handler) -> App {
        let parsed = match Pattern::parse(pattern) {
            Ok(parsed) => parsed,
            Err(message) => panic!("{message}"),
        };
        let handler: Rc<dyn Handler> = Rc::new(handler);
        match self.routes.iter_mut().find(|route| route.pattern == parsed) {
            Some(route) => {
                route.handlers.retain(|(m, _)| *m != method);
                route.handlers.push((method, handler));
            }
            None => self.routes.push(Route { pattern: parsed, handlers: vec![(method, handler)] }),
        }
        self
    }

    /// Adds a GET route (which also answers HEAD).
    pub fn get(self, pattern: &str, handler: impl Handler) -> App {
        self.route(Method::Get, pattern, handler)
    }

    /// Adds a POST route.
    pub fn post(self, pattern: &str, handler: impl Handler) -> App {
        self.route(Method::Post, pattern, handler)
    }

    /// Adds a PUT route.
    pub fn put(self, pattern: &str, handler: impl Handler) -> App {
        self.route(Method::Put, pattern, handler)
    }

    /// Adds a DELETE route.
    pub fn delete(self, pattern: &str, handler: impl Handler) -> App {
        self.route(Method::Delete, pattern, handler)
    }

    /// Adds a PATCH route.
    pub fn patch(self, pattern: &str, handler: impl Handler) -> App {
        self.route(Method::Patch, pattern, handler)
    }

    /// Adds a middleware. The first added runs first (outermost).
    pub fn middleware(mut self, middleware: impl Middleware) -> App {
        Rc::make_mut(&mut self.middleware).push(Rc::new(middleware));
        self
    }

    /// Answers `req` without a server: routing, middleware, handler. The
    /// server calls this (through `dispatch`) for every request; tests and
    /// tools can too.
    pub async fn call(&self, req: Request) -> Response {
        self.dispatch(req).await
    }

    /// The route for `req`, run through the middleware: one boxed future.
    pub(crate) fn dispatch(&self, mut req: Request) -> HandlerFuture {
        let endpoint = match router::resolve(&self.routes, req.method(), req.path()) {
            Resolved::Found(handler, params) => {
                req.set_params(params);
                middleware::Endpoint::Handler(handler)
            }
            Resolved::MethodNotAllowed(allow) => middleware::Endpoint::MethodNotAllowed(allow),
            Resolved::NotFound => middleware::Endpoint::NotFound,
        };
        if self.middleware.is_empty() {
            // The common fast path: no chain to walk.
            return endpoint.call(req);
        }
        Next::new(self.middleware.clone(), endpoint).run_boxed(req)
    }
}

impl fmt::Debug for App {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let routes: Vec<String> = self
            .routes
            .iter()
            .flat_map(|route| route.handlers.iter().map(move |(m, _)| format!("{m} {}", route.pattern.as_str())))
            .collect();
        f.debug_struct("App").field("routes", &routes).field("middleware", &self.middleware.len()).finish()
    }
}
