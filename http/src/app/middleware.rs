//! Middleware and `Next`: code that runs around every handler.
//!
//! A middleware is `async fn(Request, Next) -> impl IntoResponse`. It may
//! look at or change the request, call `next.run(req).await` to get the
//! response from the rest of the chain, and look at or change that; or
//! answer on its own without calling `next` (an auth check answering 401).
//! `Next` is a position in the chain: which middleware comes next, and the
//! endpoint at the end (the route's handler, or the 404/405 answer, so
//! logging middleware sees those too).
//!
//! aiohttp's middleware receive `(request, handler)` and call
//! `await handler(request)`: the same shape with `Next` as the handler.
//!
//! Chapter: docs/src/23-routing-and-middleware.md

use std::future::Future;
use std::rc::Rc;

use super::{Handler, HandlerFuture};
use crate::{IntoResponse, Request, Response, StatusCode};

/// Something that runs around handlers. Implemented for every
/// `async fn(Request, Next) -> impl IntoResponse`.
///
/// ```
/// use aioli_http::{App, Method, Next, Request, Response, StatusCode};
///
/// async fn require_token(req: Request, next: Next) -> Response {
///     if req.header("authorization") != Some("Bearer secret") {
///         return Response::text("no entry\n").status(StatusCode::UNAUTHORIZED);
///     }
///     next.run(req).await
/// }
///
/// let app = App::new().get("/", |_req| async { "welcome" }).middleware(require_token);
/// aioli::run(async move {
///     let denied = app.call(Request::new(Method::Get, "/")).await;
///     assert_eq!(denied.status_code(), StatusCode::UNAUTHORIZED);
///     let allowed = app.call(Request::new(Method::Get, "/").with_header("Authorization", "Bearer secret")).await;
///     assert_eq!(allowed.status_code(), StatusCode::OK);
/// });
/// ```
pub trait Middleware: 'static {
    /// Handles `req`, usually by calling `next.run(req)` somewhere inside.
    fn call(&self, req: Request, next: Next) -> HandlerFuture;
}

impl<F, Fut> Middleware for F
where
    F: Fn(Request, Next) -> Fut + 'static,
    Fut: Future + 'static,
    Fut::Output: IntoResponse,
{
    fn call(&self, req: Request, next: Next) -> HandlerFuture {
        let future = self(req, next);
        Box::pin(async move { future.await.into_response() })
    }
}

/// What the chain ends in.
#[derive(Clone)]
pub(crate) enum Endpoint {
    Handler(Rc<dyn Handler>),
    NotFound,
    /// The value of the `Allow` header.
    MethodNotAllowed(String),
}

impl Endpoint {
    pub(crate) fn call(self, req: Request) -> HandlerFuture {
        match self {
            Endpoint::Handler(handler) => handler.call(req),
            Endpoint::NotFound => {
                let message = format!("404 Not Found: no route matches {}\n", req.path());
                Box::pin(async move { Response::text(message).status(StatusCode::NOT_FOUND) })
            }
            Endpoint::MethodNotAllowed(allow) => {
                let message = format!("405 Method Not Allowed: {} allows {allow}\n", req.path());
                Box::pin(async move {
                    Response::text(message).status(StatusCode::METHOD_NOT_ALLOWED).header("Allow", allow)
                })
            }
        }
    }
}

/// The rest of the middleware chain, ending in the handler.
pub struct Next {
    chain: Rc<Vec<Rc<dyn Middleware>>>,
    /// Index in `chain` of the middleware to run next.
    position: usize,
    endpoint: Endpoint,
}

impl Next {
    pub(crate) fn new(chain: Rc<Vec<Rc<dyn Middleware>>>, endpoint: Endpoint) -> Next {
        Next { chain, position: 0, endpoint }
    }

    /// Runs the rest of the chain on `req` and returns its response.
    pub async fn run(self, req: Request) -> Response {
        self.run_boxed(req).await
    }

    // ANCHOR: next_run
    pub(crate) fn run_boxed(self, req: Request) -> HandlerFuture {
        match self.chain.get(self.position).cloned() {
            Some(middleware) => {
                let next = Next { chain: self.chain, position: self.position + 1, endpoint: self.endpoint };
                middleware.call(req, next)
            }
            None => self.endpoint.call(req),
        }
    }
    // ANCHOR_END: next_run
}

impl std::fmt::Debug for Next {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Next").field("remaining", &(self.chain.len() - self.position)).finish()
    }
}
