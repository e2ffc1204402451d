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
//! With `--tls-cert FILE --tls-key FILE` (PEM: the certificate chain and
//! its private key) it speaks https on the same port instead:
//!
//! ```text
//! cargo run --release --example httpbin -- --port 8443 --tls-cert server.pem --tls-key server.key
//! curl -s --cacert ca.pem https://127.0.0.1:8443/get
//! cargo run --example fetch -- --cacert ca.pem https://127.0.0.1:8443/get
//! ```
//!
//! Without `--port` it takes a free port (port 0) and prints it. Not a
//! numbered lesson: it runs until stopped, so CI does not run it.

use aioli_http::{testing, Server};

const USAGE: &str = "usage: httpbin [--port P] [--tls-cert FILE --tls-key FILE]";

/// What the command line asked for.
struct Options {
    /// `--port P`, or 0 (the OS picks a free port).
    port: u16,
    /// `--tls-cert` and `--tls-key`: the PEM files' contents.
    tls: Option<(Vec<u8>, Vec<u8>)>,
}

fn parse_args() -> Result<Options, String> {
    let mut args = std::env::args().skip(1);
    let (mut port, mut cert, mut key) = (0, None, None);
    let read = |flag: &str, path: Option<String>| -> Result<Vec<u8>, String> {
        let path = path.ok_or(format!("{flag} needs a PEM file"))?;
        std::fs::read(&path).map_err(|error| format!("{flag}: cannot read {path}: {error}"))
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => {
                let value = args.next().ok_or("--port needs a number, like --port 8080")?;
                port = value.parse().map_err(|_| format!("--port takes a number from 0 to 65535, not {value:?}"))?;
            }
            "--tls-cert" => cert = Some(read("--tls-cert", args.next())?),
            "--tls-key" => key = Some(read("--tls-key", args.next())?),
            other => return Err(format!("unknown argument {other:?}; {USAGE}")),
        }
    }
    let tls = match (cert, key) {
        (Some(cert), Some(key)) => Some((cert, key)),
        (None, None) => None,
        _ => return Err(format!("--tls-cert and --tls-key go together; {USAGE}")),
    };
    Ok(Options { port, tls })
}

fn main() -> std::io::Result<()> {
    let options = match parse_args() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    let mut server = Server::bind(("127.0.0.1", options.port));
    if let Some((cert, key)) = &options.tls {
        server = server.tls(cert, key);
    }
    // serve() prints the address, waits for Ctrl-C, then lets requests in
    // flight finish before returning.
    aioli::run(server.serve(testing::app()))
}
