//! 46 — a TTL cache in front of a client, and the duplicate fetch of a concurrent miss.
//!
//! aiohttp:   cache = {}                                   # url -> (data, time)
//!            async def fetch_with_cache(url):
//!                if url in cache and time.time() - cache[url][1] < ttl:
//!                    return cache[url][0]                 # hit
//!                async with session.get(url) as r:       # miss: fetch
//!                    data = await r.json()
//!                cache[url] = (data, time.time())
//!                return data
//! aioli:     if let Some((data, at)) = cache.borrow().get(url) { if at.elapsed() < ttl { return data } }
//!            let data = client.get(url).send().await?.json().await?;
//!            cache.borrow_mut().insert(url, (data, Instant::now()));
//!
//! Watch: round 1 fetches three URLs (one of them `/delay/0.3`) in about
//! 0.3 s; round 2 is served from the cache in microseconds. After the TTL
//! (0.5 s) the entries are stale and round 3 fetches again. Then the
//! pitfall: five tasks ask for the same uncached URL at once; each checks
//! the cache, finds nothing (the first fetch has not come back yet), and
//! fetches: the server counts 5 requests. The fix keeps an in-flight
//! entry per URL: the first task fetches, the other four wait on its
//! `Event` and share the result: the server counts 1.
//! Differences: none in the pitfall itself, which the Python cache in
//! the seed has too; Rust's `RefCell` borrows must not be held across an
//! `.await`, which is why each lookup takes and drops its borrow.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use std::time::Duration;

use aioli::sync::Event;
use aioli::time::{sleep, Instant};
use aioli_http::client::{Client, Error};
use aioli_http::{testing, Next, Request, Server};
use serde_json::Value;

const TTL: Duration = Duration::from_millis(500);

/// The seed's cache: a map of URL to (data, when fetched).
struct TtlCache {
    client: Client,
    entries: RefCell<HashMap<String, (Value, Instant)>>,
}

impl TtlCache {
    async fn get(&self, url: &str) -> Result<Value, Error> {
        if let Some((data, fetched)) = self.entries.borrow().get(url) {
            if fetched.elapsed() < TTL {
                return Ok(data.clone()); // hit
            }
        }
        let data: Value = self.client.get(url).send().await?.json().await?; // miss
        self.entries.borrow_mut().insert(url.to_string(), (data.clone(), Instant::now()));
        Ok(data)
    }
}

/// One fetch in progress: the others wait for `done` and read `result`.
struct InFlight {
    done: Event,
    result: RefCell<Option<Result<Value, String>>>,
}

/// The fix: a miss that finds a fetch of the same URL already in flight
/// waits for it instead of starting a second one ("single flight").
struct SingleFlightCache {
    inner: TtlCache,
    in_flight: RefCell<HashMap<String, Rc<InFlight>>>,
}

impl SingleFlightCache {
    async fn get(&self, url: &str) -> Result<Value, String> {
        if let Some((data, fetched)) = self.inner.entries.borrow().get(url) {
            if fetched.elapsed() < TTL {
                return Ok(data.clone());
            }
        }
        let existing = self.in_flight.borrow().get(url).cloned();
        if let Some(flight) = existing {
            flight.done.wait().await; // someone else is fetching it
            return flight.result.borrow().clone().unwrap_or_else(|| Err("the fetch was cancelled".into()));
        }
        let flight = Rc::new(InFlight { done: Event::new(), result: RefCell::new(None) });
        self.in_flight.borrow_mut().insert(url.to_string(), flight.clone());
        let result = self.inner.get(url).await.map_err(|error| error.to_string());
        *flight.result.borrow_mut() = Some(result.clone());
        self.in_flight.borrow_mut().remove(url);
        flight.done.set();
        result
    }
}

async fn timed_round(cache: &TtlCache, urls: &[String], label: &str) {
    let start = Instant::now();
    let results = aioli::join_all(urls.iter().map(|url| cache.get(url))).await;
    let ok = results.iter().filter(|result| result.is_ok()).count();
    println!("{label}: {ok}/{} in {:.3} ms", urls.len(), start.elapsed().as_secs_f64() * 1000.0);
}

fn main() {
    let result = aioli::run(async {
        // The testing app, with a middleware that counts the requests that
        // reach the server.
        let hits = Rc::new(Cell::new(0u32));
        let counter = {
            let hits = hits.clone();
            move |req: Request, next: Next| {
                hits.set(hits.get() + 1);
                next.run(req)
            }
        };
        let server = Server::bind("127.0.0.1:0").start(testing::app().middleware(counter)).await?;
        let base = format!("http://{}", server.local_addr());
        let urls: Vec<String> =
            ["/delay/0.3", "/headers", "/user-agent"].iter().map(|p| format!("{base}{p}")).collect();

        let cache = TtlCache { client: Client::new(), entries: RefCell::new(HashMap::new()) };
        timed_round(&cache, &urls, "round 1 (cold cache)   ").await;
        timed_round(&cache, &urls, "round 2 (from cache)   ").await;
        sleep(TTL).await;
        timed_round(&cache, &urls, "round 3 (after the TTL)").await;
        println!("requests that reached the server: {}", hits.get());

        println!("\nfive tasks ask for one uncached URL at once:");
        let slow = format!("{base}/delay/0.2");
        hits.set(0);
        let naive = TtlCache { client: Client::new(), entries: RefCell::new(HashMap::new()) };
        aioli::join_all((0..5).map(|_| naive.get(&slow))).await;
        println!("  plain TTL cache:    the server got {} requests", hits.get());

        hits.set(0);
        let fixed = SingleFlightCache {
            inner: TtlCache { client: Client::new(), entries: RefCell::new(HashMap::new()) },
            in_flight: RefCell::new(HashMap::new()),
        };
        let shared = aioli::join_all((0..5).map(|_| fixed.get(&slow))).await;
        let ok = shared.iter().filter(|result| result.is_ok()).count();
        println!("  single-flight cache: the server got {} request, {ok} callers got the answer", hits.get());

        server.shutdown(Duration::from_secs(1)).await;
        Ok::<(), Box<dyn std::error::Error>>(())
    });
    if let Err(error) = result {
        eprintln!("46_ttl_cache: {error}");
        std::process::exit(1);
    }
}
