"""42 — a concurrent scraper: the asyncio twin of examples/42_scraper.rs.

Eight URLs, at most three in flight behind an asyncio.Semaphore, each
fetch turning its exception into a value, gathered in the URLs' order.

Run it:   target/ws-venv/bin/python examples/asyncio/42_scraper.py
Compare:  .ci/check-asyncio-twins 42

Differs: here an error is an exception, caught inside `fetch` and kept
as a value; in aioli it is a `Result` from the start.
"""

import asyncio
import socket
import time

import aiohttp

import testing_app

# Ports are the OS's choice, different on every run.
# twin: replace 127\.0\.0\.1:\d+ => 127.0.0.1:PORT
# The describing routes echo the request headers, which name each client.
# twin: replace (/(get|delay/[\d.]+)\s+200), \d+ bytes => \1, N bytes
# The log's order depends on which of two near-simultaneous answers
# comes first (at 0.8 s two delays end together) and on each side's
# first-connection cost, at a 0.1 s grid: the log is compared as a set
# of events, and an in-flight count depends on how many answers were in
# before the next start: compared as "at most 3" (a 4 would differ). The
# per-URL times below are compared as times.
# twin: replace in flight: [123]$ => in flight: at most 3
# twin: replace ^\[ *[\d.]+s\] (start|done) => \1
# twin: unordered ^(start|done) 
# The errors in each side's words: compare the kind only.
# twin: replace (error\s+\S+/delay/3)\s+.*$ => \1 timed out
# twin: replace (error\s+http://127\.0\.0\.1:PORT/)\s+.*$ => \1 refused


async def main():
    runner, base = await testing_app.start()
    # A port with nothing behind it: bound, then closed.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    urls = [
        f"{base}/delay/0.4",
        f"{base}/delay/0.8",
        f"{base}/get",
        f"{base}/delay/3",
        f"{base}/status/500",
        f"{base}/delay/0.4",
        f"http://127.0.0.1:{closed_port}/",
        f"{base}/site/",
    ]
    limit = asyncio.Semaphore(3)
    in_flight = 0
    start = time.monotonic()

    async def fetch(session, url):
        nonlocal in_flight
        async with limit:  # at most 3 past this line
            in_flight += 1
            began = time.monotonic()
            print(f"[{time.monotonic() - start:4.1f}s] start  {url:<40} in flight: {in_flight}")
            try:
                async with session.get(url, timeout=aiohttp.ClientTimeout(total=1)) as response:
                    outcome = (response.status, len(await response.text()))
            except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                outcome = error
            in_flight -= 1
            print(f"[{time.monotonic() - start:4.1f}s] done   {url}")
            return url, outcome, time.monotonic() - began

    async with aiohttp.ClientSession() as session:
        results = await asyncio.gather(*(fetch(session, url) for url in urls))

    print("\nresults, in the order of the URLs:")
    for url, outcome, seconds in results:
        if isinstance(outcome, tuple):
            status, length = outcome
            print(f"  ok    {url:<40} {status}, {length} bytes, {seconds:.2f} s")
        else:
            print(f"  error {url:<40} {type(outcome).__name__}: {outcome}")
    ok = sum(isinstance(outcome, tuple) for _, outcome, _ in results)
    timeouts = sum(isinstance(outcome, asyncio.TimeoutError) for _, outcome, _ in results)
    print(f"\n{ok} fetched, {timeouts} timed out, {len(results) - ok - timeouts} other errors; total {time.monotonic() - start:.2f} s")
    await runner.cleanup()


asyncio.run(main())
