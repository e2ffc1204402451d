"""17 — Semaphore: the asyncio twin of examples/17_semaphore.rs.

Ten jobs, at most three at a time.

Run it:   python3 examples/asyncio/17_semaphore.py
Compare:  .ci/check-asyncio-twins 17

Differs: `async with limit` is what guarantees the release on failure or
cancellation; aioli's permit gives itself back when dropped.
"""

import asyncio
import time

# Jobs that end or start at the same moment (at 0.4 s job 2 and job 3
# end, job 5 and job 6 start) may be reported in any order: which of two
# timers due together fires first depends on microseconds. So the count
# at each line may differ too; the peak at the end must agree.
# twin: unordered \] job \d (ends|starts)
# twin: replace running: \d+.*$ => running: N


async def main():
    start = time.monotonic()
    limit = asyncio.Semaphore(3)
    running = 0
    peak = 0

    def report(what):
        print(f"   [{time.monotonic() - start:.1f}s] {what:<16} running: {running} {'#' * running}")

    async def job(job_id):
        nonlocal running, peak
        async with limit:  # waits while 3 jobs hold it
            running += 1
            peak = max(peak, running)
            report(f"job {job_id} starts")
            await asyncio.sleep(0.2 + 0.1 * (job_id % 3))
            running -= 1
            report(f"job {job_id} ends")

    await asyncio.gather(*(job(i) for i in range(10)))
    print(
        f"   all 10 jobs done in {time.monotonic() - start:.1f}s; peak concurrency {peak}; "
        f"permits back: {limit._value}"  # asyncio has no public count of free permits
    )


asyncio.run(main())
