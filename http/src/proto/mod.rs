//! The sans-IO core: HTTP/1.1 as bytes in, values out, and back.
//!
//! Nothing in this module touches a socket or a clock it was not handed:
//! each part is a function or a small state machine that takes bytes and
//! returns what it found. That is what lets every piece be tested at every
//! split point of its input, with no network, and what lets the server
//! (`server/`) and the client share them:
//!
//! - `headers`: `HeaderMap`, the fields of any message;
//! - `method`, `status`: the words of the first line;
//! - `request_head`: a request line and headers, parsed and checked;
//! - `body`: which framing a message uses, and decoders that find its end;
//! - `encode`: response and request heads, and the chunked encoder;
//! - `percent`: URL and form encoding; `date`: the `Date` header.
//!
//! "Sans-IO" is the name the Python community gave to protocol libraries
//! written this way (h11, which the httpx client is built on); hyper's
//! `proto::h1` is similar but interleaved with its IO types.
//!
//! Chapter: docs/src/21-parsing-requests.md

pub mod base64;
pub mod body;
pub mod date;
pub mod encode;
mod error;
pub mod headers;
pub mod method;
pub mod percent;
pub mod request_head;
pub mod response_head;
pub mod status;

pub use error::ParseError;
