"""14 — async context managers and async iterators: the twin of examples/14_context_and_iterator.rs.

`async with` (__aenter__/__aexit__), `async for` over a hand-written
async iterator (__anext__), and an async generator cut short.

Run it:   python3 examples/asyncio/14_context_and_iterator.py
Compare:  .ci/check-asyncio-twins 14
"""

import asyncio
import time

# THE difference of this example. A cancelled asyncio task still runs
# __aexit__, which may await: db-2 says its goodbye. In aioli the task's
# future is dropped, and Drop cannot await: db-2 is shut without one.
# twin: rust-only db-2: dropped without close\(\)
# twin: python-only db-2: said goodbye and closed
# Section titles name each runtime's own constructs.
# twin: replace ^(\d+\.)\s.*$ => \1
# twin: replace ; the stream was dropped, so its task is cancelled$ => ; the generator is closed


def say(start, line):
    print(f"   [{time.monotonic() - start:.1f}s] {line}")


class Connection:
    """A pretend network connection: the async context manager."""

    def __init__(self, name, start):
        self.name, self.start = name, start

    async def __aenter__(self):
        await asyncio.sleep(0.1)
        say(self.start, f"{self.name}: connected")
        return self

    async def query(self, sql, seconds):
        say(self.start, f'{self.name}: running "{sql}"')
        await asyncio.sleep(seconds)
        return len(sql)

    async def __aexit__(self, *exc_info):
        # Runs on success, failure and cancellation alike, and can await.
        await asyncio.sleep(0.05)
        say(self.start, f"{self.name}: said goodbye and closed")


class Countdown:
    """A hand-written async iterator: n, n-1, ... 1, one every `gap` s."""

    def __init__(self, n, gap):
        self.next, self.gap = n, gap

    def __aiter__(self):
        return self

    async def __anext__(self):
        if self.next == 0:
            raise StopAsyncIteration
        await asyncio.sleep(self.gap)
        self.next -= 1
        return self.next + 1


async def generator(start):
    try:
        for n in range(6, 0, -1):
            await asyncio.sleep(0.1)
            say(start, f"generator: yield {n}")
            yield n
    finally:
        say(start, "generator: stopped (task cancelled or finished)")


async def main(start):
    print("1. async context manager: async with, and a task cancelled inside one")
    async with Connection("db-1", start) as conn:
        rows = await conn.query("SELECT 1", 0.1)
        say(start, f"db-1: query returned {rows}")

    async def hold_db2():
        async with Connection("db-2", start) as conn:
            await conn.query("SELECT slow", 10)

    worker = asyncio.create_task(hold_db2())
    await asyncio.sleep(0.3)
    say(start, "main: aborting the task that holds db-2")
    worker.cancel()
    try:
        await worker
    except asyncio.CancelledError:
        pass
    print()

    print("2. async iterator: __aiter__/__anext__, consumed with async for")
    async for n in Countdown(3, 0.1):
        say(start, f"countdown: {n}")
    print()

    print("3. async generator, filtered and cut after two items")
    numbers = generator(start)
    evens = []
    async for n in numbers:
        if n % 2 == 0:
            evens.append(n * 10)
            if len(evens) == 2:
                break
    say(start, f"collected {evens}; the generator is closed")
    # Differs: breaking out of `async for` does not close an async
    # generator; aclose() throws GeneratorExit in at its yield, so its
    # finally runs now. In aioli, dropping the stream cancels its task.
    await numbers.aclose()
    say(start, "done")


asyncio.run(main(time.monotonic()))
