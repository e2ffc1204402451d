"""21 — a future completed by hand: the asyncio twin of examples/21_future_by_hand.rs.

asyncio's Future is one object: someone calls set_result (or
set_exception, or cancel), someone awaits it. aioli splits it into a
oneshot channel's Sender and Receiver.

Run it:   python3 examples/asyncio/21_future_by_hand.py
Compare:  .ci/check-asyncio-twins 21

Differs: one Future may have many awaiters and many done callbacks;
a oneshot has one Receiver. A second set_result raises
InvalidStateError; a Sender's send consumes it. From another thread a
Future needs call_soon_threadsafe; a Sender is thread-safe by itself.
"""

import asyncio
import sys
import threading
import time

# The outcome is spelled Ok(Ok(7)) in Rust, 7 here.
# twin: replace done with Ok\(Ok\((\d+)\)\)$ => done with \1
# Each runtime names the cancellation its own way.
# twin: replace (\] awaiter: )(the oneshot Sender was dropped|CancelledError).*$ => \1<cancelled>
# A value set after the awaiter left: Rust hands it back to the sender,
# asyncio raises InvalidStateError.
# How each side gives up is spelled in each runtime's terms.
# twin: replace giving up \(.*\)$ => giving up
# twin: replace timed out after 120 ms, .*$ => timed out after 120 ms
# twin: rust-only send\(99\) after the Receiver left
# twin: python-only set_result\(99\) on the cancelled future


def print(line=""):  # noqa: A001 (shadows the builtin on purpose)
    """One write per line: print() writes the text and the newline
    separately, so lines from two threads could mix on one line."""
    sys.stdout.write(f"{line}\n")


def secs(start):
    return time.monotonic() - start


async def set_by_a_task(start):
    print("1. a result set by another task")
    fut = asyncio.get_running_loop().create_future()
    if not fut.done():
        print(f"   [{secs(start):.1f}s] done()? no: nothing sent yet")

    async def setter():
        await asyncio.sleep(0.3)
        print(f"   [{secs(start):.1f}s] setter task: set_result(42)")
        fut.set_result(42)

    asyncio.create_task(setter())
    value = await fut
    print(f"   [{secs(start):.1f}s] await gave {value}")


async def set_by_a_thread(start):
    print("2. an error set by another thread")
    loop = asyncio.get_running_loop()
    fut = loop.create_future()

    def thread():
        time.sleep(0.2)
        print(f'   [{secs(start):.1f}s] std thread: set_exception("disk full")')
        # Not fut.set_exception(...): a Future belongs to its loop's thread.
        loop.call_soon_threadsafe(fut.set_exception, OSError("disk full"))

    threading.Thread(target=thread).start()
    try:
        value = await fut
        print(f"   [{secs(start):.1f}s] await gave {value}")
    except OSError as error:
        print(f"   [{secs(start):.1f}s] await gave the error \"{error}\" (the 'exception')")


async def done_callback(start):
    print("3. a done callback")
    fut = asyncio.get_running_loop().create_future()
    called = asyncio.Event()

    def on_done(f):
        print(f"   [{secs(start):.1f}s] callback: the future is done with {f.result()}")
        called.set()

    fut.add_done_callback(on_done)  # a plain function, run by the loop
    await asyncio.sleep(0.1)
    print(f"   [{secs(start):.1f}s] main: set_result(7)")
    fut.set_result(7)
    await called.wait()


async def cancelled(start):
    print("4. cancelling")
    fut = asyncio.get_running_loop().create_future()

    async def giver_up():
        await asyncio.sleep(0.1)
        print(f"   [{secs(start):.1f}s] setter: giving up (fut.cancel())")
        fut.cancel()

    asyncio.create_task(giver_up())
    try:
        value = await fut
        print(f"   [{secs(start):.1f}s] awaiter: unexpected {value}")
    except asyncio.CancelledError:
        print(f"   [{secs(start):.1f}s] awaiter: CancelledError")

    fut = asyncio.get_running_loop().create_future()

    async def worker():
        step = 1
        while True:
            if fut.done():  # the awaiter's timeout cancelled it
                print(f"   [{secs(start):.1f}s] worker: nobody waits any more, stopping after {step} steps")
                return
            await asyncio.sleep(0.05)
            step += 1

    task = asyncio.create_task(worker())
    try:
        await asyncio.wait_for(fut, 0.12)  # cancels fut on timeout
    except TimeoutError:
        print(f"   [{secs(start):.1f}s] awaiter: timed out after 120 ms, and wait_for cancelled the future")
    await task

    try:
        fut.set_result(99)
    except asyncio.InvalidStateError as error:
        print(f"   [{secs(start):.1f}s] set_result(99) on the cancelled future raises InvalidStateError: {error}")


async def main():
    start = time.monotonic()
    await set_by_a_task(start)
    await set_by_a_thread(start)
    await done_callback(start)
    await cancelled(start)


asyncio.run(main())
