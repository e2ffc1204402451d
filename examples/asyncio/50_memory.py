"""50 — memory: the asyncio twin of examples/50_memory.rs.

What 10,000 tasks parked on one asyncio.Event and 200 open HTTP
connections add to the resident set, read from /proc/self/statm (what
psutil's `rss` reads, without the package).

Run it:   target/ws-venv/bin/python examples/asyncio/50_memory.py
Compare:  .ci/check-asyncio-twins 50

Differs: the figures. A Task and its coroutine frame are Python objects
of a few KiB; an aioli task is its future's state plus a table slot,
a few hundred bytes. Only the shape of the report is compared.
"""

import asyncio
import os

import aiohttp

import testing_app

# The figures are each runtime's own (that is the point of the example):
# the lines are compared without them.
# twin: replace \d+(\.\d+)? (KiB|bytes) => N \2
# twin: replace \+\d+ KiB => +N KiB

PAGE = os.sysconf("SC_PAGE_SIZE")


def resident_bytes():
    """Resident memory of this process: statm's second field, in pages."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE


def kib(n):
    return n / 1024


async def main():
    tasks_count = 10_000
    gate = asyncio.Event()
    before = resident_bytes()
    tasks = [asyncio.create_task(gate.wait()) for _ in range(tasks_count)]
    await asyncio.sleep(0.01)  # let every task run once and park
    after = resident_bytes()
    grown = max(after - before, 0)
    print(f"{tasks_count} parked tasks: +{kib(grown):.0f} KiB, {grown // tasks_count} bytes per task")
    gate.set()
    await asyncio.gather(*tasks)

    connections = 200
    runner, base = await testing_app.start()
    url = f"{base}/delay/0.5"
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=connections))
    before = resident_bytes()

    async def one():
        async with session.get(url) as response:
            return await response.read()

    async def measure_mid_flight():
        await asyncio.sleep(0.25)
        # aiohttp opens 200 connections more slowly than aioli (on a busy
        # machine, a third may still be connecting at 0.25 s): wait, a
        # little, until the server has them all. Each answer takes 0.5 s
        # from its own arrival, so they are all still in flight.
        for _ in range(40):
            if len(runner.server.connections) >= connections:
                break
            await asyncio.sleep(0.005)
        grown = max(resident_bytes() - before, 0)
        print(
            f"{connections} requests in flight ({len(runner.server.connections)} connections open on the server): "
            f"+{kib(grown):.0f} KiB, {kib(grown) / connections:.1f} KiB per connection (client and server side)"
        )

    results, _ = await asyncio.gather(asyncio.gather(*(one() for _ in range(connections)), return_exceptions=True), measure_mid_flight())
    ok = sum(not isinstance(result, BaseException) for result in results)
    _, idle = testing_app.pool_status(session.connector)
    print(f"{ok} answers read; {idle} connections idle in the pool: +{kib(max(resident_bytes() - before, 0)):.0f} KiB over the start of the burst")
    await session.close()
    await runner.cleanup()
    print(f"client dropped, server stopped: resident {kib(resident_bytes()):.0f} KiB")


print(f"resident at start: {kib(resident_bytes()):.0f} KiB")
asyncio.run(main())
