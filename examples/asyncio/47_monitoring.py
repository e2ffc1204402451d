"""47 — request monitoring: the asyncio twin of examples/47_monitoring.rs.

Forty requests over a mix of endpoints, at most eight in flight, each
filed by outcome (2xx, error status, timeout, connection error) with its
latency; then the counts and p50/p95/max/min.

Run it:   target/ws-venv/bin/python examples/asyncio/47_monitoring.py
Compare:  .ci/check-asyncio-twins 47

Differs: each request returns (outcome, latency) and the counting is
done once at the end, as in the Rust example, rather than in a shared
defaultdict; aiohttp's timeout is an exception class, aioli's an
`is_timeout()` on the error value.
"""

import asyncio
import math
import socket
import time
from collections import Counter

import aiohttp

import testing_app


def percentile(ordered, fraction):
    """The value at `fraction` of the sorted latencies (nearest rank)."""
    rank = min(max(math.ceil(len(ordered) * fraction), 1), len(ordered))
    return ordered[rank - 1]


async def measure(session, limit, url):
    async with limit:
        began = time.monotonic()
        try:
            async with session.get(url) as response:
                await response.read()
            outcome = "success (2xx)" if 200 <= response.status < 300 else f"http error {response.status}"
        except asyncio.TimeoutError:
            outcome = "timeout"
        except aiohttp.ClientConnectorError:
            outcome = "connection error"
        except aiohttp.ClientError:
            outcome = "other error"
        return outcome, time.monotonic() - began


async def main():
    runner, base = await testing_app.start()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    mix = [
        f"{base}/get",
        f"{base}/delay/0.05",
        f"{base}/delay/0.1",
        f"{base}/status/500",
        f"{base}/status/404",
        f"{base}/delay/2",
        f"{base}/posts/1",
        f"http://127.0.0.1:{closed_port}/",
    ]
    urls = [mix[i % len(mix)] for i in range(40)]
    limit = asyncio.Semaphore(8)
    start = time.monotonic()
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=0.4)) as session:
        measured = await asyncio.gather(*(measure(session, limit, url) for url in urls))
    counts = Counter(outcome for outcome, _ in measured)
    print(f"{len(measured)} requests in {time.monotonic() - start:.2f} s, at most 8 at a time")
    for what in sorted(counts):
        print(f"  {what:<18} {counts[what]:>3}")
    latencies = sorted(latency for _, latency in measured)
    print(
        f"\nlatency: p50 {percentile(latencies, 0.5) * 1000:.1f} ms, p95 {percentile(latencies, 0.95) * 1000:.1f} ms, "
        f"max {latencies[-1] * 1000:.1f} ms, min {latencies[0] * 1000:.2f} ms"
    )
    await runner.cleanup()


asyncio.run(main())
