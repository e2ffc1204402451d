"""46 — a TTL cache: the asyncio twin of examples/46_ttl_cache.rs.

A dict of url -> (data, time) in front of a ClientSession: cold, warm
and stale rounds; then five tasks missing the same URL at once fetch it
five times, and a single-flight version (an asyncio.Event per URL in
flight) fetches it once.

Run it:   target/ws-venv/bin/python examples/asyncio/46_ttl_cache.py
Compare:  .ci/check-asyncio-twins 46

Differs: nothing in the pitfall, which is the same on both loops: a
check-then-fetch with an await between them. A dict needs no borrow
discipline; aioli's RefCell borrows must be dropped before an await.
"""

import asyncio
import time

import aiohttp
from aiohttp import web

import testing_app

TTL = 0.5


class TtlCache:
    def __init__(self, session):
        self.session = session
        self.entries = {}  # url -> (data, when fetched)

    async def get(self, url):
        if url in self.entries and time.monotonic() - self.entries[url][1] < TTL:
            return self.entries[url][0]  # hit
        async with self.session.get(url) as response:  # miss
            data = await response.json()
        self.entries[url] = (data, time.monotonic())
        return data


class SingleFlightCache:
    """A miss that finds a fetch of the same URL in flight waits for it."""

    def __init__(self, session):
        self.inner = TtlCache(session)
        self.in_flight = {}  # url -> (Event, [result])

    async def get(self, url):
        entry = self.inner.entries.get(url)
        if entry and time.monotonic() - entry[1] < TTL:
            return entry[0]
        if url in self.in_flight:
            done, result = self.in_flight[url]
            await done.wait()  # someone else is fetching it
            return result[0]
        done, result = asyncio.Event(), []
        self.in_flight[url] = (done, result)
        try:
            result.append(await self.inner.get(url))
        except aiohttp.ClientError as error:
            result.append(error)
        del self.in_flight[url]
        done.set()
        return result[0]


async def timed_round(cache, urls, label):
    start = time.monotonic()
    results = await asyncio.gather(*(cache.get(url) for url in urls), return_exceptions=True)
    ok = sum(not isinstance(result, BaseException) for result in results)
    print(f"{label}: {ok}/{len(urls)} in {(time.monotonic() - start) * 1000:.3f} ms")


async def main():
    hits = 0

    @web.middleware
    async def counter(request, handler):
        nonlocal hits
        hits += 1
        return await handler(request)

    runner, base = await testing_app.start(testing_app.app(middlewares=[counter]))
    urls = [f"{base}{path}" for path in ("/delay/0.3", "/headers", "/user-agent")]
    async with aiohttp.ClientSession() as session:
        cache = TtlCache(session)
        await timed_round(cache, urls, "round 1 (cold cache)   ")
        await timed_round(cache, urls, "round 2 (from cache)   ")
        await asyncio.sleep(TTL)
        await timed_round(cache, urls, "round 3 (after the TTL)")
        print(f"requests that reached the server: {hits}")

        print("\nfive tasks ask for one uncached URL at once:")
        slow = f"{base}/delay/0.2"
        hits = 0
        naive = TtlCache(session)
        await asyncio.gather(*(naive.get(slow) for _ in range(5)))
        print(f"  plain TTL cache:    the server got {hits} requests")
        hits = 0
        fixed = SingleFlightCache(session)
        shared = await asyncio.gather(*(fixed.get(slow) for _ in range(5)))
        ok = sum(not isinstance(result, BaseException) for result in shared)
        print(f"  single-flight cache: the server got {hits} request, {ok} callers got the answer")
    await runner.cleanup()


asyncio.run(main())
