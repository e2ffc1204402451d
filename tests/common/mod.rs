//! Helpers shared by the integration tests in `tests/`.
#![allow(dead_code)]

pub mod http;
pub mod peers;
pub mod tls;
