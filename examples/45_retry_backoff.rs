//! 45 — retry with exponential backoff against a flaky endpoint.
//!
//! aiohttp:   for attempt in range(max_retries):
//!                try:
//!                    async with session.get(url, timeout=1) as r:
//!                        if r.status < 500:
//!                            return await r.json()
//!                except (aiohttp.ClientError, asyncio.TimeoutError) as e:
//!                    if attempt == max_retries - 1: raise
//!                await asyncio.sleep(base * 2 ** attempt)
//! aioli:     for attempt in 0..max_retries {
//!                match client.get(url).timeout(secs(1)).send().await { … }
//!                sleep(base * 2u32.pow(attempt)).await;
//!            }
//!
//! Watch: `/flaky` (added to the testing app by this example) answers 503
//! twice, then 200: the client waits 100 ms, then 200 ms, and the third
//! attempt succeeds. `/status/500` fails every time: four attempts, with
//! waits of 100, 200 and 400 ms, then the last error is returned.
//! `/status/404` is not retried: a client error will not fix itself.
//! `/delay/2` times out after 0.3 s on each try: timeouts are retried too.
//! The four jobs run concurrently, so the whole thing takes about as
//! long as the slowest one.
//! Differences: the error is a value, so "retry or give up" is a `match`
//! on its variant (`is_timeout()`, `Error::Connect`, a 5xx status) rather
//! than a list of exception classes in an `except`.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use aioli::time::{sleep, Instant};
use aioli_http::client::{Client, Error};
use aioli_http::{testing, Request, Response, Server, StatusCode};
use serde_json::{json, Value};

/// GETs `url`, retrying server errors, timeouts and refused connections
/// up to `max_retries` times with waits of `base`, 2×`base`, 4×`base`…
async fn fetch_with_retry(client: &Client, url: &str, max_retries: u32, base: Duration) -> Result<Value, Error> {
    let start = Instant::now();
    let mut attempt = 0;
    loop {
        let outcome = async {
            let response = client.get(url).timeout(Duration::from_millis(300)).send().await?;
            response.error_for_status()?.json::<Value>().await
        }
        .await;
        let retryable = match &outcome {
            Ok(_) => false,
            Err(Error::Status { status, .. }) => *status >= 500,
            Err(error) => error.is_timeout() || error.is_connect(),
        };
        let short = url.rsplit_once('/').map_or(url, |(_, last)| last);
        let what = match &outcome {
            Ok(_) => "ok".to_string(),
            Err(Error::Status { status, .. }) => format!("status {status}"),
            Err(error) if error.is_timeout() => "timeout".to_string(),
            Err(error) => error.to_string(),
        };
        println!("  [{:4.2}s] {short:<8} attempt {}: {what}", start.elapsed().as_secs_f64(), attempt + 1);
        attempt += 1;
        if !retryable || attempt == max_retries {
            return outcome;
        }
        let wait = base * 2u32.pow(attempt - 1);
        sleep(wait).await;
    }
}

fn main() {
    let result = aioli::run(async {
        // The testing app plus one endpoint that fails twice, then works.
        let calls = Rc::new(Cell::new(0u32));
        let flaky = {
            let calls = calls.clone();
            move |_req: Request| {
                calls.set(calls.get() + 1);
                let n = calls.get();
                async move {
                    if n <= 2 {
                        Response::json(&json!({ "error": "try again" })).status(StatusCode::SERVICE_UNAVAILABLE)
                    } else {
                        Response::json(&json!({ "ok": true, "call": n }))
                    }
                }
            }
        };
        let app = testing::app().get("/flaky", flaky);
        let server = Server::bind("127.0.0.1:0").start(app).await?;
        let base = format!("http://{}", server.local_addr());
        let client = Client::new();

        let start = Instant::now();
        let urls = ["/flaky", "/status/500", "/status/404", "/delay/2"].map(|path| format!("{base}{path}"));
        let results =
            aioli::join_all(urls.iter().map(|url| fetch_with_retry(&client, url, 4, Duration::from_millis(100)))).await;

        println!();
        for (url, result) in urls.iter().zip(results) {
            match result {
                Ok(value) => println!("{url}: {value}"),
                Err(error) => println!("{url}: gave up: {error}"),
            }
        }
        println!("\nall done in {:.2} s; /flaky was called {} times", start.elapsed().as_secs_f64(), calls.get());
        server.shutdown(Duration::from_secs(1)).await;
        Ok::<(), Box<dyn std::error::Error>>(())
    });
    if let Err(error) = result {
        eprintln!("45_retry_backoff: {error}");
        std::process::exit(1);
    }
}
