"""20 — run forever: the asyncio twin of examples/20_run_forever.rs.

A service that turns until Ctrl-C (SIGINT), then shuts down cleanly: the
heartbeat is asked to stop and finishes its own async cleanup; the
request counter, never asked, is cancelled when the loop's main
coroutine ends.

Run it:   python3 examples/asyncio/20_run_forever.py          (or with --wait, then press Ctrl-C)
Compare:  .ci/check-asyncio-twins 20

Differs: without a handler, asyncio turns Ctrl-C into KeyboardInterrupt,
raised wherever the main thread is; `loop.add_signal_handler` (Unix)
makes it a callback on the loop instead, which is what aioli's
`ctrl_c()` future always does. asyncio has no interval: the heartbeat
sleeps until the next point of a fixed grid, so it does not drift.
"""

import asyncio
import os
import signal
import sys
import time

# aioli counts its loop's ticks; asyncio does not.
# twin: rust-only ^the loop made \d+ ticks
# twin: replace \(pass `-- --wait` to press Ctrl-C yourself\) => (pass --wait to press Ctrl-C yourself)

SELF_INTERRUPT_AFTER = 2.2


def secs(start):
    return time.monotonic() - start


async def heartbeat(stop, start):
    beats = 0
    next_beat = time.monotonic()
    stopping = asyncio.create_task(stop.wait())
    while True:
        # Wait for the next point of the grid, or for the stop: a
        # select, spelled asyncio.wait(..., FIRST_COMPLETED).
        tick = asyncio.create_task(asyncio.sleep(max(0.0, next_beat - time.monotonic())))
        done, _ = await asyncio.wait({tick, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if stopping in done:
            tick.cancel()
            break
        beats += 1
        next_beat += 0.5
        print(f"[{secs(start):.1f}s] heartbeat {beats}")
    print(f"[{secs(start):.1f}s] heartbeat: stop asked; flushing {beats} beats ...")
    await asyncio.sleep(0.1)
    print(f"[{secs(start):.1f}s] heartbeat: flushed, done")
    return beats


async def count_requests(start):
    served = 0
    try:
        while True:
            await asyncio.sleep(0.3)
            served += 1
    finally:
        # Runs when asyncio.run cancels the leftover task, as the Rust
        # version's Drop does when block_on ends.
        print(f"[{secs(start):.1f}s] requests: cancelled by run's end after {served} requests (its Drop ran)")


async def main(start, wait_for_a_person):
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    got_signal = asyncio.Event()
    # The handler runs on the loop, between two callbacks: nothing is interrupted.
    loop.add_signal_handler(signal.SIGINT, got_signal.set)
    heart = asyncio.create_task(heartbeat(stop, start), name="heartbeat")
    counter = asyncio.create_task(count_requests(start), name="requests")  # noqa: F841 (kept alive)

    if wait_for_a_person:
        print(f"[{secs(start):.1f}s] running; press Ctrl-C to stop")
    else:
        print(
            f"[{secs(start):.1f}s] running; will send itself SIGINT after {SELF_INTERRUPT_AFTER:.1f}s"
            " (pass --wait to press Ctrl-C yourself)"
        )

        async def self_interrupt():
            await asyncio.sleep(SELF_INTERRUPT_AFTER)
            print(f"[{secs(start):.1f}s] (sending SIGINT to this process, as Ctrl-C in a terminal would)")
            os.kill(os.getpid(), signal.SIGINT)

        asyncio.create_task(self_interrupt())

    await got_signal.wait()
    print(f"[{secs(start):.1f}s] SIGINT received: shutting down")
    stop.set()
    beats = await heart
    print(f"[{secs(start):.1f}s] main: heartbeat stopped after {beats} beats; returning from block_on")
    loop.remove_signal_handler(signal.SIGINT)


start = time.monotonic()
asyncio.run(main(start, "--wait" in sys.argv))
