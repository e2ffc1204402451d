//! `Error`: an HTTP error a handler can return with `?`.
//!
//! Reading a body can fail in ways that each have a proper answer: bad
//! JSON is 400, a form posted as something else is 415, a body past the
//! limit is 413, a client that stops sending is 408. `Error` carries that
//! status and a message, and is itself a response (`IntoResponse`), so a
//! handler written as
//!
//! ```text
//! async fn create(mut req: Request) -> Result<Response, Error> {
//!     let user: User = req.json().await?;   // bad JSON → 400 naming the error
//!     ...
//! }
//! ```
//!
//! answers each failure correctly without a `match`. aiohttp does the same
//! with exceptions (`raise web.HTTPBadRequest(text=...)`); axum splits it
//! into one "rejection" type per extractor.
//!
//! Chapter: docs/src/23-routing-and-middleware.md

use std::fmt;

use crate::proto::ParseError;
use crate::StatusCode;

/// An HTTP error: a status and a message for the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    status: StatusCode,
    message: String,
}

impl Error {
    /// An error answered with `status` and `message` as plain text.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Error {
        Error { status, message: message.into() }
    }

    /// 400 Bad Request.
    pub fn bad_request(message: impl Into<String>) -> Error {
        Error::new(StatusCode::BAD_REQUEST, message)
    }

    /// 404 Not Found.
    pub fn not_found(message: impl Into<String>) -> Error {
        Error::new(StatusCode::NOT_FOUND, message)
    }

    /// 500 Internal Server Error.
    pub fn internal(message: impl Into<String>) -> Error {
        Error::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }

    /// The status it is answered with.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.status, self.message)
    }
}

impl std::error::Error for Error {}

impl From<ParseError> for Error {
    fn from(error: ParseError) -> Error {
        Error::new(error.status(), error.to_string())
    }
}
