"""08 — first completed: the asyncio twin of examples/08_first_completed.rs.

Take whichever result comes first, or each one as it comes.

Run it:   python3 examples/asyncio/08_first_completed.py
Compare:  .ci/check-asyncio-twins 08
"""

import asyncio
import time

# Section titles name each runtime's own function.
# twin: ignore ^\d+\.\s


def at(start):
    return f"{time.monotonic() - start:.1f}s"


async def request(name, ms, start):
    finished = False
    try:
        await asyncio.sleep(ms / 1000)
        finished = True
        return f"{name} answered after {ms} ms"
    finally:
        if not finished:
            print(f"   [{at(start)}] {name} was dropped (it lost the race)")


async def first_of(coroutines):
    """(index, result) of the first to finish; the rest are cancelled."""
    tasks = [asyncio.create_task(c) for c in coroutines]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    # Differs: FIRST_COMPLETED leaves the losers running; aioli's select
    # drops them before it returns. Cancel them, and wait until they have
    # run their cleanup, so the lines come in the same order.
    # In the order given (a set has an order of its own): each cancel()
    # queues that task's next step, so they clean up in this order.
    for task in tasks:
        if task in pending:
            task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    winner = next(t for t in tasks if t in done)
    return tasks.index(winner), winner.result()


async def main():
    print("1. FIRST_COMPLETED: primary server (0.4 s) against a mirror (0.2 s)")
    start = time.monotonic()
    index, answer = await first_of([request("primary", 400, start), request("mirror", 200, start)])
    side = "Left" if index == 0 else "Right"  # aioli's Either names the two sides
    print(f"   [{at(start)}] {side} won: {answer}")

    print("\n2. the same over three replicas, keep the first answer")
    start = time.monotonic()
    replicas = [request(f"replica {i}", ms, start) for i, ms in enumerate([300, 250, 100])]
    index, answer = await first_of(replicas)
    print(f"   [{at(start)}] winner is index {index}: {answer}")

    print("\n3. as_completed: results in the order they finish")
    start = time.monotonic()
    jobs = [request(f"job {name}", ms, start) for name, ms in [("A", 400), ("B", 100), ("C", 300), ("D", 200)]]
    # Differs: asyncio.as_completed yields awaitables to await one by one;
    # aioli's is a Stream of the outputs themselves.
    for rank, next_done in enumerate(asyncio.as_completed(jobs), start=1):
        answer = await next_done
        print(f"   [{at(start)}] #{rank}: {answer}")


asyncio.run(main())
