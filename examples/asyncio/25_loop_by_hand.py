"""25 — the loop by hand: the asyncio twin of examples/25_loop_by_hand.rs.

new_event_loop, run_until_complete (twice), a background task, no loop
outside, and a loop per thread.

Run it:   python3 examples/asyncio/25_loop_by_hand.py
Compare:  .ci/check-asyncio-twins 25

Differs, and this example is about it: an asyncio loop is an object
whose tasks live until they end or the loop closes, across
run_until_complete calls; the background heartbeat keeps beating during
the second call. aioli's block_on is asyncio.run in small: the tasks
left when its future returns are cancelled, so nothing outlives it.
"""

import asyncio
import sys
import threading
import time

# aioli counts its loop's ticks; asyncio does not.
# twin: replace ; the loop has made \d+ ticks.*$ => 
# twin: replace ^   (block_on|loop\.run_until_complete)\( =>    run(
# The heartbeat survives the first call in asyncio, not in aioli.
# twin: rust-only background task cancelled
# twin: python-only background heartbeat [3-9]|background task still alive|cancelled \(loop\.close
# The two loops of part 4 finish at the same moment, in either order.
# twin: unordered loop computed \d+$
# twin: replace heartbeats during it: \d+ \(asyncio: about 2\)$ => heartbeats during it: N
# twin: replace heartbeats during it: \d+ \(aioli: 0\)$ => heartbeats during it: N
# Each runtime's words for "no loop here".
# twin: replace ^   (aioli::spawn|asyncio\.create_task) outside a loop .*$ =>    spawning outside a loop fails
# twin: ignore ^     \S
# twin: replace ^(\d\.)\s.*$ => \1


def print(line=""):  # noqa: A001 (shadows the builtin on purpose)
    """One write per line: print() writes the text and the newline
    separately, so lines from two threads could mix on one line."""
    sys.stdout.write(f"{line}\n")


async def add(a, b):
    await asyncio.sleep(0.1)
    return a + b


async def heartbeat(beats, start):
    try:
        while True:
            await asyncio.sleep(0.1)
            beats[0] += 1
            print(f"   [{time.monotonic() - start:.2f}s] background heartbeat {beats[0]}")
    finally:
        print(f"   [{time.monotonic() - start:.2f}s] background task cancelled (loop.close() cleaned it up)")


def main():
    start = time.monotonic()

    print("1. one loop, two run_until_complete calls")
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    three = loop.run_until_complete(add(1, 2))
    print(f"   loop.run_until_complete(add(1, 2)) = {three}")
    seven = loop.run_until_complete(add(3, 4))
    print(f"   loop.run_until_complete(add(3, 4)) = {seven}")

    print("\n2. a background task outlives the run_until_complete that created it")
    beats = [0]

    async def first_call():
        loop.create_task(heartbeat(beats, start))
        await asyncio.sleep(0.25)
        print(f"   [{time.monotonic() - start:.2f}s] first call returns")

    loop.run_until_complete(first_call())
    before = beats[0]
    print(f"   [{time.monotonic() - start:.2f}s] background task still alive between the calls")
    loop.run_until_complete(asyncio.sleep(0.25))
    print(
        f"   [{time.monotonic() - start:.2f}s] second call returns: heartbeats during it: {beats[0] - before} (aioli: 0)"
    )
    # Cancel what is left and let it finish, then close: asyncio.run does
    # this for you; with a loop by hand it is yours to do.
    for task in asyncio.all_tasks(loop):
        task.cancel()
    loop.run_until_complete(asyncio.sleep(0))
    loop.close()
    asyncio.set_event_loop(None)

    print("\n3. no loop is current outside run_until_complete")
    coroutine = add(0, 0)
    try:
        asyncio.get_running_loop()
    except RuntimeError as error:
        print(f"   asyncio.create_task outside a loop raises RuntimeError:\n     {error}")
    coroutine.close()  # never awaited, on purpose: close it so Python does not warn

    print("\n4. a loop per thread")
    result = {}

    def other_thread():
        async def compute():
            total = await add(10, 20)
            print(f"   [{time.monotonic() - start:.2f}s] the other thread's loop computed {total}")
            return total

        result["there"] = asyncio.run(compute())  # a new loop, for this thread

    thread = threading.Thread(target=other_thread)
    thread.start()

    async def here():
        total = await add(100, 200)
        print(f"   [{time.monotonic() - start:.2f}s] this thread's loop computed {total}")
        return total

    mine = asyncio.run(here())
    thread.join()
    print(f"   both loops ran at once: {mine} here, {result['there']} there")


main()
