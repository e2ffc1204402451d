//! fetch — a small curl on aioli-http's client.
//!
//! ```text
//! cargo run --release --example fetch -- [OPTIONS] URL
//!
//!   -X METHOD          the method (default GET, or POST with --data/--post)
//!   -H 'Name: value'   a request header (repeatable)
//!   --data TEXT        send TEXT as the body
//!   --post FILE        send the file's bytes as the body
//!   -i                 print the status line and headers first
//!   --timeout SECS     total timeout (default 30)
//!   --twice            GET the URL twice with one Client (keep-alive)
//!   --sleep SECS       with --twice: wait SECS between the two requests
//!   --cacert FILE      for https://, trust the CA certificates in FILE
//!                      (PEM) and no others, as curl's --cacert does
//! ```
//!
//! The body goes to stdout as it arrives. The exit status is 0 whenever a
//! complete, well-formed response arrived, whatever its status code (as
//! curl without `--fail`); a connection, timeout or protocol error prints
//! one line on stderr and exits 1; a TLS failure (a certificate refused,
//! an alert, a handshake that timed out) prints its cause and exits 60,
//! curl's number for it; a usage mistake exits 2.
//!
//! aiohttp:   async with aiohttp.ClientSession() as s:
//!                async with s.get(url) as r: sys.stdout.buffer.write(await r.read())

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use aioli_http::client::{Client, Error, Response};
use aioli_http::Method;

/// What the command line asked for.
struct Options {
    url: String,
    method: Option<Method>,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
    include_head: bool,
    timeout: Duration,
    twice: bool,
    pause: Duration,
    /// `--cacert`: PEM text of the only CAs to trust.
    cacert: Option<Vec<u8>>,
}

const USAGE: &str = "usage: fetch [-X METHOD] [-H 'Name: value']... [--data TEXT | --post FILE] [-i] \
                     [--timeout SECS] [--twice [--sleep SECS]] [--cacert FILE] URL";

fn parse_args(args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        url: String::new(),
        method: None,
        headers: Vec::new(),
        body: None,
        include_head: false,
        timeout: Duration::from_secs(30),
        twice: false,
        pause: Duration::ZERO,
        cacert: None,
    };
    let mut args = args.peekable();
    let seconds = |value: Option<String>, flag: &str| -> Result<Duration, String> {
        let value = value.ok_or(format!("{flag} needs a number of seconds"))?;
        let secs: f64 = value.parse().map_err(|_| format!("{flag}: {value:?} is not a number of seconds"))?;
        Duration::try_from_secs_f64(secs).map_err(|_| format!("{flag}: {value:?} is not a duration"))
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-X" | "--request" => {
                let name = args.next().ok_or("-X needs a method")?;
                let method = name.parse::<Method>().map_err(|_| format!("-X: {name:?} is not a method name"))?;
                options.method = Some(method);
            }
            "-H" | "--header" => {
                let line = args.next().ok_or("-H needs 'Name: value'")?;
                let (name, value) =
                    line.split_once(':').ok_or(format!("-H: {line:?} has no ':' (write 'Name: value')"))?;
                options.headers.push((name.trim().to_string(), value.trim().to_string()));
            }
            "--data" | "-d" => options.body = Some(args.next().ok_or("--data needs the text to send")?.into_bytes()),
            "--post" => {
                let path = args.next().ok_or("--post needs a file name")?;
                let bytes = std::fs::read(&path).map_err(|error| format!("--post: cannot read {path}: {error}"))?;
                options.body = Some(bytes);
            }
            "--cacert" => {
                let path = args.next().ok_or("--cacert needs a PEM file of CA certificates")?;
                let pem = std::fs::read(&path).map_err(|error| format!("--cacert: cannot read {path}: {error}"))?;
                options.cacert = Some(pem);
            }
            "-i" | "--include" => options.include_head = true,
            "--timeout" => options.timeout = seconds(args.next(), "--timeout")?,
            "--twice" => options.twice = true,
            "--sleep" => options.pause = seconds(args.next(), "--sleep")?,
            "-h" | "--help" => return Err(String::new()),
            flag if flag.starts_with('-') => return Err(format!("unknown option {flag}")),
            url => {
                if !options.url.is_empty() {
                    return Err(format!("one URL only (got {:?} and {url:?})", options.url));
                }
                options.url = url.to_string();
            }
        }
    }
    if options.url.is_empty() {
        return Err("no URL given".to_string());
    }
    Ok(options)
}

fn main() -> ExitCode {
    let options = match parse_args(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(problem) => {
            if !problem.is_empty() {
                eprintln!("fetch: {problem}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let mut builder = Client::builder().timeout(options.timeout);
    if let Some(pem) = &options.cacert {
        builder = match builder.add_root_certificate(pem) {
            Ok(builder) => builder.tls_public_roots(false),
            Err(error) => {
                eprintln!("fetch: --cacert: {error}");
                return ExitCode::from(2);
            }
        };
    }
    match aioli::run(fetch(builder.build(), &options)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("fetch: {error}");
            // curl's exit status for "the peer's certificate could not be
            // verified" and its kin, so scripts can tell it apart.
            ExitCode::from(if error.tls_failure().is_some() { 60 } else { 1 })
        }
    }
}

async fn fetch(client: Client, options: &Options) -> Result<(), Error> {
    let rounds = if options.twice { 2 } else { 1 };
    for round in 0..rounds {
        if round > 0 && !options.pause.is_zero() {
            aioli::time::sleep(options.pause).await;
        }
        let method = match (&options.method, &options.body) {
            (Some(method), _) => method.clone(),
            (None, Some(_)) => Method::Post,
            (None, None) => Method::Get,
        };
        let mut request = client.request(method, options.url.as_str());
        for (name, value) in &options.headers {
            request = request.header(name, value);
        }
        if let Some(body) = &options.body {
            request = request.body(body.clone());
        }
        let response = request.send().await?;
        print_response(response, options.include_head).await?;
    }
    Ok(())
}

/// Streams the body to stdout (after the head, with `-i`).
async fn print_response(mut response: Response, include_head: bool) -> Result<(), Error> {
    let mut stdout = std::io::stdout().lock();
    if include_head {
        let mut head = format!("{} {} {}\r\n", response.version(), response.status().as_u16(), response.reason());
        for (name, value) in response.headers().iter() {
            head.push_str(&format!("{name}: {}\r\n", String::from_utf8_lossy(value)));
        }
        head.push_str("\r\n");
        let _ = stdout.write_all(head.as_bytes());
    }
    while let Some(piece) = response.chunk().await? {
        // A closed stdout (`fetch URL | head -c 10`) is not our error.
        if stdout.write_all(&piece).is_err() {
            return Ok(());
        }
    }
    let _ = stdout.flush();
    Ok(())
}
