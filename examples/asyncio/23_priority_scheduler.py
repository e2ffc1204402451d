"""23 — a priority scheduler: the asyncio twin of examples/23_priority_scheduler.rs.

Part 1: a heap of tasks already started orders only the reports. Part 2:
real priority decides what starts next: a PriorityQueue of jobs not
started yet, and two workers taking the most urgent.

Run it:   python3 examples/asyncio/23_priority_scheduler.py
Compare:  .ci/check-asyncio-twins 23

Differs: asyncio has PriorityQueue; aioli builds one from a BinaryHeap,
a Mutex and a Condvar. The Rust example runs on a paused clock, this
twin on the real one: the times agree within the check's tolerance.
"""

import asyncio
import heapq
import itertools
import time


def secs(start):
    return time.monotonic() - start


async def heap_of_started_tasks():
    print("1. a heap of tasks that are already running")
    start = time.monotonic()
    heap = []

    async def work(priority, seconds):
        await asyncio.sleep(seconds)
        print(f"   [{secs(start):.2f}s] task with priority {priority} finished its {seconds} s of work")
        return priority

    for priority, seconds in [(3, 1.0), (1, 2.0), (2, 1.5)]:
        heapq.heappush(heap, (priority, asyncio.create_task(work(priority, seconds))))
    while heap:
        priority, task = heapq.heappop(heap)
        await task
        print(f"   [{secs(start):.2f}s] reported priority {priority}")
    print("   the heap ordered the reports; the work ran in the order the sleeps ended\n")


async def heap_of_waiting_jobs():
    print("2. a heap of jobs not started yet, two workers taking the most urgent")
    start = time.monotonic()
    queue = asyncio.PriorityQueue()
    sequence = itertools.count()  # first come, first served among equals
    done = object()

    async def put(priority, name):
        await queue.put((priority, next(sequence), name, time.monotonic()))

    for priority, name in [(3, "low-a"), (3, "low-b"), (2, "medium"), (3, "low-c"), (3, "low-d")]:
        await put(priority, name)
        print(f"   [{secs(start):.2f}s] submitted {name} (priority {priority})")

    async def worker(name):
        while True:
            priority, _, job, submitted = await queue.get()
            if job is done:
                return
            waited = time.monotonic() - submitted
            print(f"   [{secs(start):.2f}s] worker {name} starts {job:<6} (priority {priority}, waited {waited:.2f}s)")
            await asyncio.sleep(0.5)  # the work

    workers = [asyncio.create_task(worker(name)) for name in "AB"]
    await asyncio.sleep(0.25)
    await put(1, "urgent")
    print(f"   [{secs(start):.2f}s] submitted urgent (priority 1) while both workers are busy")
    # Closing: one "done" marker per worker, behind every real job.
    for _ in workers:
        await queue.put((99, next(sequence), done, 0.0))
    await asyncio.gather(*workers)
    print(f"   [{secs(start):.2f}s] all jobs done")


async def main():
    await heap_of_started_tasks()
    await heap_of_waiting_jobs()


asyncio.run(main())
