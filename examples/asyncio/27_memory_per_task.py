"""27 — memory per task: the asyncio twin of examples/27_memory_per_task.rs.

A coroutine and its Task are heap objects of a few hundred bytes to a
few KiB; a thread is a stack. Ten thousand idle tasks against a hundred
idle threads, measured from /proc/self/status (Linux).

Run it:   python3 examples/asyncio/27_memory_per_task.py
Compare:  .ci/check-asyncio-twins 27

Differs: the figures, by design. A Rust future's size is fixed at
compile time and printed exactly; sys.getsizeof sees only a coroutine
object's header (its frame, and the Task around it, are more objects).
Python's tasks cost several times what aioli's do; the threads cost the
same, being the same OS threads. The check compares what is measured,
not the numbers.
"""

import asyncio
import sys
import threading
import time

# twin: replace ^(\d\.)\s.*$ => \1
# twin: replace \d+ bytes per (task|thread)$ => N bytes per \1
# twin: replace ^   (counter\(1\)|with_buffer\(\)) +: +\d+ bytes$ =>    \1: N bytes
# twin: ignore ^   \(a (future|coroutine) is

TASKS = 10_000
THREADS = 100


async def counter(start):
    await asyncio.sleep(3600)
    return start + 1


async def with_buffer():
    buffer = bytes([7]) * 1024
    await asyncio.sleep(3600)
    return sum(buffer)


def memory():
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            fields = dict(line.split(":", 1) for line in status if ":" in line)
    except OSError:
        return None
    return int(fields["VmRSS"].split()[0]) * 1024, int(fields["VmSize"].split()[0]) * 1024


def report(count, what, before, after):
    print(f"   resident memory: {(after[0] - before[0]) // count:>7} bytes per {what}")
    print(f"   address space  : {(after[1] - before[1]) // count:>7} bytes per {what}")


async def idle_tasks(baseline):
    print(f"\n2. {TASKS} idle tasks")
    before = memory() or baseline
    tasks = [asyncio.create_task(counter(i)) for i in range(TASKS)]
    await asyncio.sleep(0)  # each takes its first step and parks in its sleep
    report(TASKS, "task", before, memory() or before)
    for task in tasks:
        task.cancel()
    outcomes = await asyncio.gather(*tasks, return_exceptions=True)
    cancelled = sum(isinstance(outcome, asyncio.CancelledError) for outcome in outcomes)
    print(f"   ({cancelled} tasks cancelled)")


def main():
    print("1. a coroutine object's size, as getsizeof sees it")
    for name, coroutine in [("counter(1)", counter(1)), ("with_buffer()", with_buffer())]:
        print(f"   {name:<13} : {sys.getsizeof(coroutine):>5} bytes")
        coroutine.close()
    print("   (a coroutine is a heap object; its frame and locals live in further objects)")

    baseline = memory()
    if baseline is None:
        print("\nno /proc/self/status here: parts 2 and 3 need Linux")
        return
    asyncio.run(idle_tasks(baseline))

    print(f"\n3. {THREADS} idle threads")
    before = memory() or baseline
    stop = threading.Event()
    threads = [threading.Thread(target=stop.wait) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    time.sleep(0.1)
    report(THREADS, "thread", before, memory() or before)
    stop.set()
    for thread in threads:
        thread.join()


main()
