"""16 — Queue: the asyncio twin of examples/16_queue.rs.

Producers and consumers on a bounded queue: backpressure, task_done and
join.

Run it:   python3 examples/asyncio/16_queue.py
Compare:  .ci/check-asyncio-twins 16
"""

import asyncio
import time

# Each runtime words the cancellation and the extra task_done its own
# way (aioli returns an error value, asyncio raises ValueError).
# twin: replace task was cancelled \(.*\)$ => task was cancelled
# twin: replace (one extra task_done\(\): ).*$ => \1<error>


async def main():
    start = time.monotonic()

    def at():
        return time.monotonic() - start

    queue = asyncio.Queue(maxsize=3)

    async def consumer(name):
        while True:
            job = await queue.get()  # waits while the queue is empty
            print(f"   [{at():.1f}s] consumer {name}: working on {job}")
            await asyncio.sleep(0.2)
            queue.task_done()

    async def producer(name):
        for i in range(4):
            job = f"{name}-{i}"
            await queue.put(job)  # waits while the queue is full
            print(f"   [{at():.1f}s] producer {name}: put {job:<5}  queued: {queue.qsize()}")

    consumers = [asyncio.create_task(consumer(name)) for name in "AB"]
    await asyncio.gather(producer("p1"), producer("p2"))
    print(f"   [{at():.1f}s] both producers done; waiting for queue.join()")

    await queue.join()
    print(f"   [{at():.1f}s] join returned: every job was marked task_done")

    for task in consumers:
        task.cancel()  # they are waiting in get(), forever otherwise
        try:
            await task
            print("   consumer ended by itself")
        except asyncio.CancelledError:
            print("   consumer: task was cancelled")
    try:
        queue.task_done()
    except ValueError as error:
        print(f"   one extra task_done(): {error}")


asyncio.run(main())
