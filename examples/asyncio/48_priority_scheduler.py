"""48 — a priority job scheduler: the asyncio twin of examples/48_priority_scheduler.rs.

Eight HTTP jobs pushed on a heapq in a jumbled order, two workers taking
the most urgent first (ties by submission order), and an urgent job
arriving late at 0.15 s that is the next one started.

Run it:   target/ws-venv/bin/python examples/asyncio/48_priority_scheduler.py
Compare:  .ci/check-asyncio-twins 48

Differs: `heapq` is a min-heap of tuples, so (priority, seq, job) sorts
itself; Rust's BinaryHeap is a max-heap and the Job's `Ord` reverses it.
"""

import asyncio
import heapq
import time

import aiohttp

import testing_app

# Two /delay/0.1 jobs end together at 0.1 s and 0.2 s: which worker sees
# its answer first, and so takes the next job, is a tie either runtime
# may break either way. Worker ids are not compared, and lines within
# 20 ms of each other may swap; the jobs still start in priority order.
# twin: replace worker \d => worker N
# twin: unordered ^\[[\d.]+s\] worker


async def main():
    runner, base = await testing_app.start()
    heap, seq = [], 0

    def submit(priority, name, path):
        nonlocal seq
        heapq.heappush(heap, (priority, seq, name, path))
        seq += 1

    submitted = [
        (3, "nightly report", "/delay/0.1"),
        (1, "page on-call", "/posts/1"),
        (2, "refresh cache", "/delay/0.1"),
        (3, "rebuild index", "/delay/0.1"),
        (1, "fraud check", "/delay/0.1"),
        (2, "sync users", "/users/2"),
        (3, "archive logs", "/delay/0.1"),
        (3, "send digest", "/delay/0.1"),
    ]
    for priority, name, path in submitted:
        submit(priority, name, f"{base}{path}")
        print(f"submitted  p{priority} {name}")
    print()
    start = time.monotonic()

    async def worker(session, worker_id):
        while heap:
            priority, _, name, url = heapq.heappop(heap)
            print(f"[{time.monotonic() - start:.2f}s] worker {worker_id} starts p{priority} {name}")
            try:
                async with session.get(url) as response:
                    await response.read()
                print(f"[{time.monotonic() - start:.2f}s] worker {worker_id} done   {name} ({response.status})")
            except aiohttp.ClientError as error:
                print(f"[{time.monotonic() - start:.2f}s] worker {worker_id} failed {name}: {error}")

    async def late_arrival():
        await asyncio.sleep(0.15)
        print(f"[{time.monotonic() - start:.2f}s] submitted  p1 database failover (late)")
        submit(1, "database failover", f"{base}/get")

    async with aiohttp.ClientSession() as session:
        await asyncio.gather(worker(session, 1), worker(session, 2), late_arrival())
    print(f"\nall jobs done in {time.monotonic() - start:.2f} s")
    await runner.cleanup()


asyncio.run(main())
