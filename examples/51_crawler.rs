//! 51 — a link crawler: a Queue of URLs, a visited set, workers, a depth limit.
//!
//! aiohttp:   queue, visited = asyncio.Queue(), {start}
//!            await queue.put((start, 0))
//!            async def worker():
//!                while True:
//!                    url, depth = await queue.get()
//!                    async with session.get(url) as r: html = await r.text()
//!                    for link in links(html):
//!                        if link not in visited and depth < max_depth:
//!                            visited.add(link); await queue.put((link, depth + 1))
//!                    queue.task_done()
//!            workers = [asyncio.create_task(worker()) for _ in range(3)]
//!            await queue.join(); for w in workers: w.cancel()
//! aioli:     the same shape: Rc<Queue<(Url, usize)>>, a RefCell<HashSet>, three
//!            aioli::spawn'ed workers, queue.join().await, then handle.abort().
//!
//! Watch: three workers crawl the testing app's small site from `/site/`.
//! Each line names the worker, the page's depth, its status and title,
//! and how many new links it queued. Links are resolved against the
//! page's URL (`../about.html`, `/site/blog/`) with `Url::join`; the
//! visited set stops the cycle between the two blog posts, and the depth
//! limit (3) stops the crawl at pages three links from the start. The one
//! broken link shows up as a 404, reported and not followed. At the end
//! `queue.join()` returns because every queued URL was marked done, and
//! the idle workers, still waiting on `get()`, are aborted.
//! Differences: the seed's crawler fetches one page at a time from a
//! plain list and follows only absolute `http…` links, so a site of
//! relative links (like this one) stops at its first page; here links
//! are resolved, and three workers fetch at once. Cancelling a worker
//! parked in `queue.get()` is safe, as in asyncio: it holds nothing, and
//! `abort()` is `task.cancel()`.

use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;
use std::time::Duration;

use aioli::sync::Queue;
use aioli::time::Instant;
use aioli_http::client::{Client, Url};
use aioli_http::{testing, Server};

const MAX_DEPTH: usize = 3;
const WORKERS: usize = 3;

/// The `href="..."` values of an HTML page (enough for the test site;
/// a real crawler wants an HTML parser).
fn links(html: &str) -> Vec<String> {
    html.split("href=\"").skip(1).filter_map(|rest| rest.split('"').next()).map(str::to_string).collect()
}

/// The text between `<title>` and `</title>`.
fn title(html: &str) -> &str {
    html.split_once("<title>").and_then(|(_, rest)| rest.split_once("</title>")).map_or("-", |(title, _)| title)
}

fn main() {
    let result = aioli::run(async {
        let server = Server::bind("127.0.0.1:0").start(testing::app()).await?;
        let start_url = Url::parse(&format!("http://{}/site/", server.local_addr()))?;
        let client = Client::new();
        let queue: Rc<Queue<(Url, usize)>> = Rc::new(Queue::unbounded());
        let visited = Rc::new(RefCell::new(HashSet::from([start_url.to_string()])));
        let began = Instant::now();
        queue.put((start_url.clone(), 0)).await;

        let workers: Vec<_> = (1..=WORKERS)
            .map(|id| {
                let (client, queue, visited, origin) =
                    (client.clone(), queue.clone(), visited.clone(), start_url.clone());
                aioli::spawn(async move {
                    loop {
                        let (url, depth) = queue.get().await;
                        let page = async { client.get(&url).send().await?.error_for_status()?.text().await }.await;
                        match page {
                            Ok(html) => {
                                let mut queued = 0;
                                for href in links(&html) {
                                    let Ok(link) = url.join(&href) else { continue };
                                    // Same site only, within the depth limit, once.
                                    let same_site = link.host() == origin.host() && link.port() == origin.port();
                                    if depth < MAX_DEPTH && same_site && visited.borrow_mut().insert(link.to_string()) {
                                        queue.put((link, depth + 1)).await;
                                        queued += 1;
                                    }
                                }
                                println!(
                                    "[{:5.1} ms] worker {id}  depth {depth}  200  {:<24} {:<14} +{queued} links",
                                    began.elapsed().as_secs_f64() * 1000.0,
                                    url.path(),
                                    title(&html)
                                );
                            }
                            Err(error) => println!(
                                "[{:5.1} ms] worker {id}  depth {depth}  {}  {:<24} {error}",
                                began.elapsed().as_secs_f64() * 1000.0,
                                error.status().map_or("---".to_string(), |status| status.to_string()),
                                url.path()
                            ),
                        }
                        let _ = queue.task_done();
                    }
                })
            })
            .collect();

        queue.join().await; // every queued URL has been processed
        for worker in &workers {
            worker.abort(); // they are all parked in queue.get()
        }
        for worker in workers {
            let _ = worker.await;
        }
        let mut seen: Vec<String> = visited.borrow().iter().cloned().collect();
        seen.sort();
        println!(
            "\n{} URLs seen within depth {MAX_DEPTH}, {:.1} ms:",
            seen.len(),
            began.elapsed().as_secs_f64() * 1000.0
        );
        for url in seen {
            println!("  {url}");
        }
        server.shutdown(Duration::from_secs(1)).await;
        Ok::<(), Box<dyn std::error::Error>>(())
    });
    if let Err(error) = result {
        eprintln!("51_crawler: {error}");
        std::process::exit(1);
    }
}
