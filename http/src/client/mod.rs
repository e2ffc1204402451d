//! The HTTP/1.1 client (placeholder header, rewritten below).
pub mod cookies;
mod dns;
pub mod error;
mod pool;
pub mod url;
pub use url::{Host, Origin, Url, UrlError, UrlErrorKind};
