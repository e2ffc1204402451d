"""18 — blocking work: the asyncio twin of examples/18_blocking.rs.

A ticker prints every 100 ms while a blocking call runs: first on the
loop (the ticker goes silent for a second), then in a thread with
asyncio.to_thread (the ticker stays on time).

Run it:   python3 examples/asyncio/18_blocking.py
Compare:  .ci/check-asyncio-twins 18

Differs: to_thread/run_in_executor take a function and its arguments,
aioli's spawn_blocking a closure. Neither can stop the function once it
runs: cancelling only stops the waiting.
"""

import asyncio
import sys
import time

# How many ticks land in each part depends on the machine: the gaps
# between them are what must agree.
# twin: ignore \] tick$
# twin: replace spawn_blocking, on a pool thread => to_thread, on a pool thread


def print(line=""):  # noqa: A001 (shadows the builtin on purpose)
    """One write per line: print() writes the text and the newline
    separately, so lines from two threads could mix on one line."""
    sys.stdout.write(f"{line}\n")


def blocking_call(start):
    print(f"   [{time.monotonic() - start:.2f}s] blocking call starts")
    time.sleep(1)  # holds its thread, and cannot be interrupted
    print(f"   [{time.monotonic() - start:.2f}s] blocking call ends")
    return "result"


async def with_ticker(start, work):
    """Runs `work` while a ticker prints every 100 ms; returns the longest
    gap between two ticks, in seconds."""
    ticks = []

    async def ticker():
        while True:
            await asyncio.sleep(0.1)
            now = time.monotonic()
            print(f"   [{now - start:.2f}s] tick")
            ticks.append(now)

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0.25)
    await work
    await asyncio.sleep(0.25)
    task.cancel()
    return max(b - a for a, b in zip(ticks, ticks[1:]))


async def main():
    start = time.monotonic()

    print("1. the blocking call inside a task, on the loop:")

    async def on_the_loop():
        # No await while it sleeps: the loop cannot run the ticker.
        return blocking_call(start)

    async def in_a_task():
        # A coroutine, so the task starts only when with_ticker awaits it.
        return await asyncio.create_task(on_the_loop())

    gap = await with_ticker(start, in_a_task())
    print(f"   the ticker's longest gap: {gap:.2f}s (the loop was stuck)\n")

    print("2. the same call in to_thread, on a pool thread:")
    gap = await with_ticker(start, asyncio.to_thread(blocking_call, start))
    print(f"   the ticker's longest gap: {gap:.2f}s (the loop went on)")


asyncio.run(main())
