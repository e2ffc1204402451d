"""45 — retry with exponential backoff: the asyncio twin of examples/45_retry_backoff.rs.

Four concurrent jobs: /flaky (503 twice, then 200), /status/500 (always),
/status/404 (not retried) and /delay/2 (times out at 0.3 s every time),
with waits of 100, 200, 400 ms between attempts.

Run it:   target/ws-venv/bin/python examples/asyncio/45_retry_backoff.py
Compare:  .ci/check-asyncio-twins 45

Differs: "retry or give up" is an `except` per exception class here
(ClientResponseError with a 5xx status, TimeoutError,
ClientConnectorError); in aioli it is a `match` on the error value.
"""

import asyncio
import json
import time

import aiohttp
from aiohttp import web

import testing_app

# Ports are the OS's choice, different on every run.
# twin: replace 127\.0\.0\.1:\d+ => 127.0.0.1:PORT
# aioli's errors name the host and URL; the twin prints the status or
# which timeout fired, which is what both say.
# twin: replace gave up: .* answered (\d+ .*)$ => gave up: \1
# twin: replace gave up: .*took longer than the (\w+) timeout of (.*)$ => gave up: \1 timeout of \2

# The four jobs' attempts interleave by a few milliseconds either way
# (at 0.3 s three of them print within ~20 ms): the log is compared as a
# set of attempts and outcomes, and the backoff by the total time below
# (4 x 0.3 s of timeouts + 0.1 + 0.2 + 0.4 s of waits for /delay/2).
# twin: replace ^  \[[\d.]+s\] => 
# twin: unordered attempt \d

ATTEMPT_TIMEOUT = 0.3


async def fetch_with_retry(session, url, max_retries, base):
    start = time.monotonic()
    short = url.rsplit("/", 1)[1]
    for attempt in range(1, max_retries + 1):
        try:
            async with session.get(url, timeout=aiohttp.ClientTimeout(total=ATTEMPT_TIMEOUT)) as response:
                response.raise_for_status()
                result = await response.json()
            print(f"  [{time.monotonic() - start:4.2f}s] {short:<8} attempt {attempt}: ok")
            return result
        except aiohttp.ClientResponseError as error:
            print(f"  [{time.monotonic() - start:4.2f}s] {short:<8} attempt {attempt}: status {error.status}")
            if error.status < 500 or attempt == max_retries:
                raise
        except asyncio.TimeoutError:
            print(f"  [{time.monotonic() - start:4.2f}s] {short:<8} attempt {attempt}: timeout")
            if attempt == max_retries:
                raise
        except aiohttp.ClientConnectorError as error:
            print(f"  [{time.monotonic() - start:4.2f}s] {short:<8} attempt {attempt}: {error}")
            if attempt == max_retries:
                raise
        await asyncio.sleep(base * 2 ** (attempt - 1))


async def main():
    calls = 0

    async def flaky(request):
        nonlocal calls
        calls += 1
        if calls <= 2:
            return web.json_response({"error": "try again"}, status=503)
        return web.json_response({"ok": True, "call": calls})

    application = testing_app.app()
    application.router.add_get("/flaky", flaky)
    runner, base = await testing_app.start(application)
    urls = [f"{base}{path}" for path in ("/flaky", "/status/500", "/status/404", "/delay/2")]
    start = time.monotonic()
    async with aiohttp.ClientSession() as session:
        results = await asyncio.gather(
            *(fetch_with_retry(session, url, 4, 0.1) for url in urls), return_exceptions=True
        )
    print()
    for url, result in zip(urls, results):
        if isinstance(result, aiohttp.ClientResponseError):
            print(f"{url}: gave up: {result.status} {result.message}")
        elif isinstance(result, asyncio.TimeoutError):
            print(f"{url}: gave up: total timeout of {ATTEMPT_TIMEOUT * 1000:.0f}ms")
        elif isinstance(result, BaseException):
            print(f"{url}: gave up: {result}")
        else:
            print(f"{url}: {json.dumps(result, separators=(',', ':'), sort_keys=True)}")
    print(f"\nall done in {time.monotonic() - start:.2f} s; /flaky was called {calls} times")
    await runner.cleanup()


asyncio.run(main())
