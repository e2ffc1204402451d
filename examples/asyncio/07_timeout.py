"""07 — timeout: the asyncio twin of examples/07_timeout.rs (Python 3.11+).

Give an operation a time limit; if it runs over, it is cancelled.

Run it:   python3 examples/asyncio/07_timeout.py
Compare:  .ci/check-asyncio-twins 07
"""

import asyncio
import time

# The messages differ: aioli's Elapsed explains itself at length, a
# TimeoutError has no message. The time at which it comes must agree.
# twin: replace (\] Err: ).*$ => \1<timed out>
# Section titles name each runtime's own types.
# twin: ignore ^\d+\.\s


def at(start):
    return f"{time.monotonic() - start:.1f}s"


async def operation(name, seconds, start):
    completed = False
    try:
        await asyncio.sleep(seconds)
        completed = True
        return f"{name} finished after {seconds:.1f} s"
    finally:
        if not completed:
            print(f"   [{at(start)}] {name} was dropped before it finished (cancelled)")


async def main():
    limit = 0.5
    print("1. a 0.2 s operation with a 0.5 s limit")
    start = time.monotonic()
    try:
        async with asyncio.timeout(limit):
            result = await operation("fast op", 0.2, start)
        print(f"   [{at(start)}] Ok: {result}")
    except TimeoutError as error:
        print(f"   [{at(start)}] Err: {error!r}")

    print("\n2. a 2 s operation with a 0.5 s limit")
    start = time.monotonic()
    try:
        async with asyncio.timeout(limit):
            result = await operation("slow op", 2.0, start)
        print(f"   [{at(start)}] Ok: {result}")
    except TimeoutError as error:
        print(f"   [{at(start)}] Err: {error!r}")

    print("\n3. a timeout around a task")
    start = time.monotonic()

    async def background():
        await asyncio.sleep(0.6)
        print(f"   [{at(start)}] the task finished anyway: the timeout dropped only its handle")

    task = asyncio.create_task(background())
    try:
        # Differs: wait_for(task, 0.3) would cancel the task on timeout.
        # shield() is how asyncio says "stop waiting, let it run", which
        # is what a timeout around an aioli JoinHandle does by itself.
        await asyncio.wait_for(asyncio.shield(task), 0.3)
        print(f"   [{at(start)}] the task finished in time")
    except TimeoutError:
        print(f"   [{at(start)}] timed out waiting for the task (not aborted, still running)")
    await asyncio.sleep(0.4)


asyncio.run(main())
