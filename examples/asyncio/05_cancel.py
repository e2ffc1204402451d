"""05 — cancel: the asyncio twin of examples/05_cancel.rs.

`task.cancel()` stops a task at its current await; its `finally` runs.

Run it:   python3 examples/asyncio/05_cancel.py
Compare:  .ci/check-asyncio-twins 05

Differs: asyncio raises CancelledError inside the task, which runs its
`finally` (and could even catch the error and refuse to stop). aioli
drops the task's future: only destructors run, and a task cannot refuse.
The printed lines agree because the only cleanup here is a print.
"""

import asyncio
import time


async def ticker(name, start):
    try:
        while True:
            print(f"   [{time.monotonic() - start:.1f}s] {name}: tick")
            await asyncio.sleep(0.3)
    finally:
        print(f"   [{time.monotonic() - start:.1f}s] {name}: cleanup ran (Drop of the resource it held)")


async def main(start):
    print("1. abort a background task")
    task = asyncio.create_task(ticker("ticker", start))
    await asyncio.sleep(1)
    finished = str(task.done()).lower()
    print(f"   [{time.monotonic() - start:.1f}s] main: aborting the ticker (finished yet? {finished})")
    task.cancel()
    try:
        await task
        print("   main: the ticker ended on its own?")
    except asyncio.CancelledError:
        print("   main: the handle says Cancelled, as expected")

    print("\n2. drop the handle instead: the task keeps running (detached)")
    # Differs: asyncio's loop keeps only a weak reference to a task, so a
    # task nobody references may be garbage-collected mid-run. Keep a
    # reference somewhere (here, a set) to detach a task safely; aioli's
    # loop owns its tasks, so dropping a JoinHandle is enough.
    background = {asyncio.create_task(ticker("detached", start))}
    await asyncio.sleep(0.7)
    print(f"   [{time.monotonic() - start:.1f}s] main: returning; run() will cancel what is left")
    return background


start = time.monotonic()
asyncio.run(main(start))
print("   run() returned: no task outlives the loop")
