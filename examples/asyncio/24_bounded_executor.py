"""24 — a bounded executor: the asyncio twin of examples/24_bounded_executor.rs.

At most N blocking jobs at once: ThreadPoolExecutor(max_workers=2);
the loop's default executor; and a Semaphore(2) around the calls.

Run it:   python3 examples/asyncio/24_bounded_executor.py
Compare:  .ci/check-asyncio-twins 24

Differs: asyncio lets each run_in_executor call name its executor;
aioli has one pool per loop. asyncio's default executor has
min(32, CPUs + 4) threads and reuses idle ones before starting more, so
part 3 runs on fewer distinct threads than aioli's, whose idle threads
from part 2 take turns: the thread counts are not compared.
"""

import asyncio
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

# Thread ids are the OS's; jobs and ticks due at the same moment may
# print in any order.
# twin: replace on ThreadId\(\d+\)$ => on a thread
# twin: replace , on \d+ distinct thread\(s\)$ => 
# twin: unordered ^\s+\[
# The ticker only shows the loop is free; when its ticks land among the
# jobs' starts is a race of threads against timers.
# twin: ignore \(ticker: the loop is free
# Section titles name each runtime's own pools.
# twin: replace ^(\d\.)\s.*$ => \1

JOBS = 6
JOB_TIME = 0.3


def print(line=""):  # noqa: A001 (shadows the builtin on purpose)
    """One write per line: print() writes the text and the newline
    separately, so lines from two threads could mix on one line."""
    sys.stdout.write(f"{line}\n")


async def six_jobs(executor, bound, with_ticker):
    loop = asyncio.get_running_loop()
    start = time.monotonic()
    threads = set()
    lock = threading.Lock()

    def job(i):
        started = time.monotonic() - start
        with lock:  # also keeps two threads' lines from interleaving
            threads.add(threading.get_ident())
            print(f"   [{started:.1f}s] job {i} starts on ThreadId({threading.get_ident()})")
        time.sleep(JOB_TIME)  # the blocking call

    async def ticker():
        while True:
            await asyncio.sleep(0.2)
            print(f"   [{time.monotonic() - start:.1f}s] (ticker: the loop is free while the jobs run)")

    ticking = asyncio.create_task(ticker()) if with_ticker else None

    async def submit(i):
        if bound is None:
            return await loop.run_in_executor(executor, job, i)
        async with bound:  # the permit is taken before the job goes to a thread
            return await loop.run_in_executor(executor, job, i)

    results = await asyncio.gather(*(submit(i) for i in range(JOBS)), return_exceptions=True)
    if ticking:
        ticking.cancel()
    failed = sum(isinstance(r, BaseException) for r in results)
    print(f"   [{time.monotonic() - start:.1f}s] all {JOBS} jobs done ({failed} failed), on {len(threads)} distinct thread(s)")


def main():
    print("1. a runtime with a pool of its own: ThreadPoolExecutor(max_workers=2)")
    with ThreadPoolExecutor(max_workers=2) as pool:
        asyncio.run(six_jobs(pool, None, True))

    # The default executor has min(32, CPUs + 4) threads: on a small
    # machine, fewer than six. A 32-thread pool stands in for aioli's
    # process-wide one (up to 64), so all six start at once anywhere.
    print("\n2. a big shared pool: ThreadPoolExecutor(max_workers=32)")
    with ThreadPoolExecutor(max_workers=32) as big:
        asyncio.run(six_jobs(big, None, False))

        print("\n3. the big pool again, with a Semaphore(2) around the calls")
        asyncio.run(six_jobs(big, asyncio.Semaphore(2), False))


main()
