//! httpbin: the test app (`aioli_http::testing::app()`) on a port, until Ctrl-C.
//!
//! An offline stand-in for httpbin.org, jsonplaceholder.typicode.com and a
//! small HTML site, for trying the server with curl or a browser, or for
//! pointing the client examples at:
//!
//! ```text
//! cargo run --release --example httpbin -- --port 8080
//! curl -s http://127.0.0.1:8080/                 # the list of routes
//! curl -s 'http://127.0.0.1:8080/get?x=1' -H 'X-Hello: there'
//! curl -s http://127.0.0.1:8080/stream/3         # three JSON lines, chunked
//! curl -s http://127.0.0.1:8080/posts/7
//! ```
//!
//! Without `--port` it takes a free port (port 0) and prints it. Not a
//! numbered lesson: it runs until stopped, so CI does not run it.

use aioli_http::{testing, Server};

/// `--port P`, or 0 (the OS picks a free port).
fn port_from_args() -> Result<u16, String> {
    let mut args = std::env::args().skip(1);
    let mut port = 0;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => {
                let value = args.next().ok_or("--port needs a number, like --port 8080")?;
                port = value.parse().map_err(|_| format!("--port takes a number from 0 to 65535, not {value:?}"))?;
            }
            other => return Err(format!("unknown argument {other:?}; usage: httpbin [--port P]")),
        }
    }
    Ok(port)
}

fn main() -> std::io::Result<()> {
    let port = match port_from_args() {
        Ok(port) => port,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    // serve() prints the address, waits for Ctrl-C, then lets requests in
    // flight finish before returning.
    aioli::run(Server::bind(("127.0.0.1", port)).serve(testing::app()))
}
