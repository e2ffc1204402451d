"""04 — wait: the asyncio twin of examples/04_wait.rs.

Sort tasks into done and pending, with a timeout; nothing is cancelled
for you.

Run it:   python3 examples/asyncio/04_wait.py
Compare:  .ci/check-asyncio-twins 04
"""

import asyncio
import time

# aioli's JoinError says more than "cancelled" (what cancels a task);
# a CancelledError carries no message at all.
# twin: replace task was cancelled \(.*\)$ => task was cancelled


async def task(name, ms, start):
    try:
        await asyncio.sleep(ms / 1000)
        return f"{name} result (after {ms} ms)"
    finally:
        # Runs however the task ends, as the Guard's Drop does in Rust.
        print(f"   [{time.monotonic() - start:.1f}s] {name}'s state was dropped")


async def quick(name, ms):
    await asyncio.sleep(ms / 1000)
    return f"{name} result (after {ms} ms)"


async def main():
    print("1. wait(ALL, timeout 1.5 s) on tasks of 2 s and 1 s:")
    start = time.monotonic()
    tasks = [asyncio.create_task(task("task 1", 2000, start)), asyncio.create_task(task("task 2", 1000, start))]
    done, pending = await asyncio.wait(tasks, timeout=1.5)
    print(f"   at {time.monotonic() - start:.1f}s: {len(done)} done, {len(pending)} pending")
    for t in done:
        try:
            print(f"   done: {t.result()}")
        except Exception as error:
            print(f"   done, but failed: {error}")
    for t in pending:
        # wait() left the decision to us; cancel() throws CancelledError
        # into the task at its await, and its finally runs.
        t.cancel()
        try:
            result = await t
            print(f"   pending task finished anyway: {result}")
        except asyncio.CancelledError:
            print("   pending task aborted: task was cancelled")
    print(f"   elapsed {time.monotonic() - start:.1f}s (not 2 s: the slow task was stopped)\n")

    print("2. wait(FIRST) on tasks of 0.6 s, 0.3 s and 0.9 s:")
    start = time.monotonic()
    tasks = [
        asyncio.create_task(quick("middle", 600)),
        asyncio.create_task(quick("fast", 300)),
        asyncio.create_task(quick("slow", 900)),
    ]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    print(f"   at {time.monotonic() - start:.1f}s: {len(done)} done, {len(pending)} pending")
    for t in done:
        print(f"   first done: {t.result()}")
    # Differs: wait() returns sets; aioli returns Vecs in the order given.
    # Walk the sets in the order given, so both print alike.
    for t in [t for t in tasks if t in pending]:
        result = await t
        print(f"   [{time.monotonic() - start:.1f}s] later: {result}")


asyncio.run(main())
