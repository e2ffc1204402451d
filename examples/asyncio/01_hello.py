"""01 — hello: the asyncio twin of examples/01_hello.rs.

A coroutine is a recipe: calling `hello()` builds a coroutine object and
runs none of its body; `await` runs it.

Run it:   python3 examples/asyncio/01_hello.py
Compare:  .ci/check-asyncio-twins 01
"""

import asyncio
import json
import sys
import time

# Differs: the sizes. A Rust future holds its whole state machine inline
# (48 bytes here, on the stack); getsizeof counts only the header of a
# heap-allocated coroutine object, whose frame lives elsewhere.
# twin: replace a future of \d+ bytes => a future of N bytes


async def hello():
    print("   hello")
    # The await hands control back to the loop; for a second the thread
    # sleeps in the selector (select/epoll), not in this function.
    await asyncio.sleep(1)
    print("   world")


async def greet(name):
    await asyncio.sleep(0.1)
    return f"Hello, {name}!"


async def main():
    print("1. calling an async fn only builds a future:")
    never_awaited = hello()
    print(f"   built a future of {sys.getsizeof(never_awaited)} bytes; its body has printed nothing")
    # Differs: dropping it makes Python print "RuntimeWarning: coroutine
    # 'hello' was never awaited" on stderr, now, at run time. Rust says it
    # at compile time (#[must_use]) and prints nothing when it runs.
    del never_awaited
    print("   dropped it: 'hello' was never printed\n")

    print("2. awaiting the future runs it:")
    start = time.monotonic()
    await hello()
    print(f"   took {time.monotonic() - start:.1f}s (the sleep)\n")

    print("3. an async fn returns its value through await:")
    message = await greet("Alice")
    # json.dumps quotes a string the way Rust's {:?} does.
    print(f'   greet("Alice") gave {json.dumps(message)}')


asyncio.run(main())
