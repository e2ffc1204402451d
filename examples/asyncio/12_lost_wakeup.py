"""12 — lost wakeup: the asyncio twin of examples/12_lost_wakeup.rs.

A plain thread wakes a coroutine that waits on the loop, once the right
way (call_soon_threadsafe) and once the wrong way (call_soon from the
thread). A "backstop" task sleeps 1 s meanwhile.

Run it:   python3 examples/asyncio/12_lost_wakeup.py
Compare:  .ci/check-asyncio-twins 12

Run 1 notices the wake after about 50 ms: call_soon_threadsafe queues the
callback *and* writes a byte to the loop's self-pipe, so select() returns.
Run 2 notices it only after about 1000 ms: call_soon queued it all the
same, but the loop, asleep in select() until the backstop's timer, was
not told. Without the backstop it would sleep forever. (asyncio's debug
mode would refuse run 2's call_soon from another thread with an error;
this twin runs without it, as most programs do.)

Differs: aioli's wakers do the ringing themselves (through mio's Waker,
an eventfd) and only when the loop says it is parked; run 2 switches
that off with Runtime::builder().cross_thread_wakeups(false).
"""

import asyncio
import threading
import time

# The programs agree on when the wake was noticed; the rest of the text
# describes each runtime's own machinery.
# twin: only the wake was noticed after|^Same wake, \d+ ms apart
# twin: replace ^(Same wake, \d+ ms apart)\..*$ => \1

WAKE_AFTER = 0.05
BACKSTOP = 1.0


async def program(ring_the_loop):
    loop = asyncio.get_running_loop()
    backstop = asyncio.create_task(asyncio.sleep(BACKSTOP), name="backstop")
    done = loop.create_future()

    def from_thread():
        time.sleep(WAKE_AFTER)
        if ring_the_loop:
            loop.call_soon_threadsafe(done.set_result, "done")
        else:
            # The bug: call_soon is not thread-safe. It appends to the
            # ready queue, but does not wake the loop from select().
            loop.call_soon(done.set_result, "done")

    start = time.monotonic()
    thread = threading.Thread(target=from_thread)
    thread.start()
    await done
    noticed_after = time.monotonic() - start
    thread.join()
    backstop.cancel()
    return noticed_after


def main():
    print(f"A thread wakes the main coroutine {WAKE_AFTER * 1000:.0f} ms after it starts waiting;")
    print(f'a task named "backstop" sleeps {BACKSTOP * 1000:.0f} ms meanwhile.\n')

    print("Run 1: call_soon_threadsafe (wakes the loop through its self-pipe)")
    normal = asyncio.run(program(True))
    print(f"   the wake was noticed after {normal * 1000:.0f} ms")

    print("\nRun 2: call_soon from the other thread (the loop is not told)")
    broken = asyncio.run(program(False))
    print(f"   the wake was noticed after {broken * 1000:.0f} ms")

    print(f"\nSame wake, {(broken - normal) * 1000:.0f} ms apart. In run 2 the callback was in the")
    print("ready queue at 50 ms, but the loop slept on in select() until the")
    print("backstop's timer ended the sleep: a lost wakeup.")


main()
