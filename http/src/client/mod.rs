//! The HTTP/1.1 client (placeholder header, rewritten below).
mod dns;
mod pool;
pub mod url;
pub use url::{Host, Origin, Url, UrlError, UrlErrorKind};
