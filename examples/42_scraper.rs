//! 42 — a concurrent scraper: a Semaphore bounds the work, errors are values.
//!
//! aiohttp:   sem = asyncio.Semaphore(3)
//!            async def fetch(session, url):
//!                async with sem:
//!                    try:
//!                        async with session.get(url, timeout=1) as r:
//!                            return {"url": url, "status": r.status, "length": len(await r.text())}
//!                    except Exception as e:
//!                        return {"url": url, "error": str(e)}
//!            results = await asyncio.gather(*(fetch(session, u) for u in urls))
//! aioli:     let _permit = limit.acquire().await;
//!            client.get(url).timeout(secs(1)).send().await   // Result<Response, Error>
//!            aioli::join_all(urls.iter().map(fetch)).await   // Vec<Outcome>
//!
//! Watch: eight URLs, at most three in flight (the "in flight" column
//! never passes 3). The fast pages finish first; `/status/500` is a
//! successful fetch of an error page (a status is not an exception); the
//! 3-second delay hits the 1-second per-request timeout; the closed port
//! is refused at once. The results come back in the order of the URLs,
//! each a value (`Ok` or `Err`) that the summary counts. The total is
//! about 1 s (the timeout), far below the 4.6 s the delays add up to.
//! Differences: `return_exceptions=True` is the default shape here:
//! `join_all` collects whatever each future returns, and a `Result` is
//! an ordinary value; nothing is raised past `gather`.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use aioli::sync::Semaphore;
use aioli::time::Instant;
use aioli_http::client::{Client, Error};
use aioli_http::{testing, Server};

/// What fetching one URL gave: the status and size, or the error.
struct Outcome {
    url: String,
    result: Result<(u16, usize), Error>,
    seconds: f64,
}

fn main() {
    let result = aioli::run(async {
        let server = Server::bind("127.0.0.1:0").start(testing::app()).await?;
        let base = format!("http://{}", server.local_addr());
        // A port with nothing behind it: bound, then closed.
        let closed_port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let urls = [
            format!("{base}/delay/0.4"),
            format!("{base}/delay/0.8"),
            format!("{base}/get"),
            format!("{base}/delay/3"),
            format!("{base}/status/500"),
            format!("{base}/delay/0.4"),
            format!("http://127.0.0.1:{closed_port}/"),
            format!("{base}/site/"),
        ];

        let client = Client::new();
        let limit = Rc::new(Semaphore::new(3));
        let in_flight = Rc::new(Cell::new(0usize));
        let start = Instant::now();

        let fetches = urls.iter().map(|url| {
            let (client, limit, in_flight) = (client.clone(), limit.clone(), in_flight.clone());
            async move {
                let _permit = limit.acquire().await; // at most 3 past this line
                in_flight.set(in_flight.get() + 1);
                let began = Instant::now();
                println!("[{:4.1}s] start  {url:<40} in flight: {}", start.elapsed().as_secs_f64(), in_flight.get());
                let result = async {
                    let response = client.get(url).timeout(Duration::from_secs(1)).send().await?;
                    let status = response.status().as_u16();
                    let text = response.text().await?;
                    Ok((status, text.len()))
                }
                .await;
                in_flight.set(in_flight.get() - 1);
                println!("[{:4.1}s] done   {url}", start.elapsed().as_secs_f64());
                Outcome { url: url.clone(), result, seconds: began.elapsed().as_secs_f64() }
            }
        });
        let outcomes = aioli::join_all(fetches).await;

        println!("\nresults, in the order of the URLs:");
        for outcome in &outcomes {
            match &outcome.result {
                Ok((status, length)) => {
                    println!("  ok    {:<40} {status}, {length} bytes, {:.2} s", outcome.url, outcome.seconds)
                }
                Err(error) => println!("  error {:<40} {error}", outcome.url),
            }
        }
        let ok = outcomes.iter().filter(|outcome| outcome.result.is_ok()).count();
        let timeouts = outcomes.iter().filter(|o| o.result.as_ref().is_err_and(Error::is_timeout)).count();
        println!(
            "\n{ok} fetched, {timeouts} timed out, {} other errors; total {:.2} s",
            outcomes.len() - ok - timeouts,
            start.elapsed().as_secs_f64()
        );
        server.shutdown(Duration::from_secs(1)).await;
        Ok::<(), Box<dyn std::error::Error>>(())
    });
    if let Err(error) = result {
        eprintln!("42_scraper: {error}");
        std::process::exit(1);
    }
}
