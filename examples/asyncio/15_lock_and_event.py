"""15 — Lock and Event: the asyncio twin of examples/15_lock_and_event.rs.

A lock held across awaits keeps read-modify-write whole; an Event
releases every waiter at once.

Run it:   python3 examples/asyncio/15_lock_and_event.py
Compare:  .ci/check-asyncio-twins 15

Differs: asyncio's Lock guards nothing by itself (the balance is a
plain dict you must remember to lock); aioli's Mutex owns the data, and
its guard is the only way to it.
"""

import asyncio
import time


async def main():
    print("1. five deposits of 10, each read-wait-write")
    start = time.monotonic()
    unguarded = {"balance": 0}

    async def deposit_unlocked():
        read = unguarded["balance"]
        await asyncio.sleep(0.1)  # another deposit runs here
        unguarded["balance"] = read + 10

    await asyncio.gather(*(deposit_unlocked() for _ in range(5)))
    print(
        f"   without a lock: balance {unguarded['balance']} after {time.monotonic() - start:.1f}s"
        " (expected 50: updates were lost)"
    )

    start = time.monotonic()
    lock = asyncio.Lock()
    account = {"balance": 0}

    async def deposit(deposit_id):
        async with lock:
            read = account["balance"]
            await asyncio.sleep(0.1)  # others wait in line meanwhile
            account["balance"] = read + 10
            print(f"   [{time.monotonic() - start:.1f}s] deposit {deposit_id}: {read} -> {account['balance']}")

    await asyncio.gather(*(asyncio.create_task(deposit(i)) for i in range(5)))
    async with lock:
        print(f"   with the Mutex: balance {account['balance']} after {time.monotonic() - start:.1f}s\n")

    print("2. an Event releases every waiter at once")
    start = time.monotonic()
    ready = asyncio.Event()

    async def runner(runner_id):
        print(f"   [{time.monotonic() - start:.1f}s] runner {runner_id}: waiting for the signal")
        await ready.wait()
        print(f"   [{time.monotonic() - start:.1f}s] runner {runner_id}: go!")

    runners = [asyncio.create_task(runner(i)) for i in range(3)]
    await asyncio.sleep(0.3)
    print(f"   [{time.monotonic() - start:.1f}s] starter: set()")
    ready.set()
    await asyncio.gather(*runners)
    print(f"   is_set() = {str(ready.is_set()).lower()}; a wait() now would return at once")


asyncio.run(main())
