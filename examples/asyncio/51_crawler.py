"""51 — a link crawler: the asyncio twin of examples/51_crawler.rs.

Three workers take (url, depth) from an asyncio.Queue, fetch the page,
resolve its links against its URL (yarl's URL.join), and queue the new
same-site ones within depth 3; queue.join() ends the crawl and the idle
workers, parked in get(), are cancelled.

Run it:   target/ws-venv/bin/python examples/asyncio/51_crawler.py
Compare:  .ci/check-asyncio-twins 51

Differs: nothing in the shape: `task.cancel()` is aioli's `abort()`,
and a worker parked in `queue.get()` holds nothing when cancelled.
"""

import asyncio
import re
import time

import aiohttp
from yarl import URL

import testing_app

# Ports are the OS's choice, different on every run.
# twin: replace 127\.0\.0\.1:\d+ => 127.0.0.1:PORT
# Which worker fetches which page, and so which page is first to queue a
# link two pages share, is a race between three workers: the crawl log
# is compared as a set of (depth, status, page, title) lines; the URLs
# seen, below it, exactly.
# twin: replace ^\[ *[\d.]+ ms\] worker \d => worker N
# twin: replace \+\d+ links$ => +N links
# twin: unordered ^worker N
# The 404 in each side's words.
# twin: replace (404\s+/site/missing\.html)\s+.*$ => \1

MAX_DEPTH = 3
WORKERS = 3


def links(html):
    """The href="..." values (enough for the test site)."""
    return re.findall(r'href="([^"]*)"', html)


def title(html):
    match = re.search(r"<title>(.*?)</title>", html)
    return match.group(1) if match else "-"


async def main():
    runner, base = await testing_app.start()
    start_url = URL(f"{base}/site/")
    queue = asyncio.Queue()
    visited = {str(start_url)}
    began = time.monotonic()
    await queue.put((start_url, 0))

    async def worker(session, worker_id):
        while True:
            url, depth = await queue.get()
            elapsed = lambda: (time.monotonic() - began) * 1000  # noqa: E731
            try:
                async with session.get(url, raise_for_status=True) as response:
                    html = await response.text()
                queued = 0
                for href in links(html):
                    link = url.join(URL(href))
                    # Same site only, within the depth limit, once.
                    same_site = (link.host, link.port) == (start_url.host, start_url.port)
                    if depth < MAX_DEPTH and same_site and str(link) not in visited:
                        visited.add(str(link))
                        await queue.put((link, depth + 1))
                        queued += 1
                print(
                    f"[{elapsed():5.1f} ms] worker {worker_id}  depth {depth}  200  {url.path:<24} {title(html):<14} +{queued} links"
                )
            except aiohttp.ClientResponseError as error:
                print(f"[{elapsed():5.1f} ms] worker {worker_id}  depth {depth}  {error.status}  {url.path:<24} {error}")
            except aiohttp.ClientError as error:
                print(f"[{elapsed():5.1f} ms] worker {worker_id}  depth {depth}  ---  {url.path:<24} {error}")
            queue.task_done()

    async with aiohttp.ClientSession() as session:
        workers = [asyncio.create_task(worker(session, i)) for i in range(1, WORKERS + 1)]
        await queue.join()  # every queued URL has been processed
        for task in workers:
            task.cancel()  # they are all parked in queue.get()
        await asyncio.gather(*workers, return_exceptions=True)

    print(f"\n{len(visited)} URLs seen within depth {MAX_DEPTH}, {(time.monotonic() - began) * 1000:.1f} ms:")
    for url in sorted(visited):
        print(f"  {url}")
    await runner.cleanup()


asyncio.run(main())
