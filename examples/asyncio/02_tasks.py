"""02 — tasks: the asyncio twin of examples/02_tasks.rs.

`create_task` starts a coroutine running on its own, so waits overlap.

Run it:   python3 examples/asyncio/02_tasks.py
Compare:  .ci/check-asyncio-twins 02
"""

import asyncio
import json
import time


def at(start):
    return f"{time.monotonic() - start:.1f}s"


async def job(name, seconds, start):
    print(f"   [{at(start)}] job {name} started")
    await asyncio.sleep(seconds)
    print(f"   [{at(start)}] job {name} finished")
    return f"result of {name}"


async def fetch_data(url):
    await asyncio.sleep(0.5)
    return f"data from {url}"


async def main():
    print("1. two tasks: job A waits 2 s, job B waits 1 s")
    start = time.monotonic()
    a = asyncio.create_task(job("A", 2, start))
    b = asyncio.create_task(job("B", 1, start))
    # As in aioli, create_task only schedules: nothing has printed yet.
    print("   spawned both; they start at our first await")
    for task in [a, b]:
        # Where aioli gives Result<T, JoinError>, awaiting a task re-raises
        # whatever the task raised.
        try:
            print(f"   got {json.dumps(await task)}")
        except Exception as error:
            print(f"   a job did not finish: {error}")
    print(f"   total {at(start)} (2 s + 1 s overlapped, not 3 s)\n")

    urls = ["https://example.com/a", "https://example.com/b"]

    print("2a. fetch_data awaited in sequence (each waits 0.5 s):")
    start = time.monotonic()
    for url in urls:
        data = await fetch_data(url)
        print(f"   [{at(start)}] {data}")
    print(f"   total {at(start)}\n")

    print("2b. the same fetches spawned as tasks:")
    start = time.monotonic()
    tasks = [asyncio.create_task(fetch_data(url)) for url in urls]
    for task in tasks:
        data = await task  # before at(start): an f-string reads left to right
        print(f"   [{at(start)}] {data}")
    print(f"   total {at(start)} (the waits overlapped)")


asyncio.run(main())
