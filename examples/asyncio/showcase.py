"""showcase — the asyncio twin of examples/showcase.rs: a tour in a few seconds.

Ten thousand sleeping tasks, gather, a timeout, a race, a TaskGroup
whose failure cancels its siblings, and a simulated day of timers on a
paused clock, which asyncio does not have: part 6 builds one, an event
loop whose time() only moves when nothing is ready, and then jumps to
the next timer.

Run it:   python3 examples/asyncio/showcase.py
Compare:  .ci/check-asyncio-twins showcase
"""

import asyncio
import time

# Each runtime words its timeout and its group failure its own way.
# twin: replace (after \S+): (the future did not finish|timed out).*$ => \1: timed out
# twin: replace (after \S+): .*payment declined.*$ => \1: payment declined
# The group cancels the siblings in its own order (asyncio: a set's).
# twin: unordered was cancelled; its destructors ran$
# Ten thousand tasks cost CPython a few times aioli's CPU: allow more.
# twin: tolerance 0.3
# How fast the simulated day went, and in how many turns, is each loop's own.
# twin: ignore ^   the day took

HOUR = 3600.0


def secs(start):
    return f"{time.monotonic() - start:.2f}s"


async def lookup(source, ms):
    await asyncio.sleep(ms / 1000)
    return f"{source} ({ms} ms)"


async def child(name):
    try:
        await asyncio.sleep(1)
        return name
    except asyncio.CancelledError:
        print(f"   {name} was cancelled; its destructors ran")
        raise


async def payment():
    await asyncio.sleep(0.1)
    raise RuntimeError("payment declined")


async def tour():
    print("1. 10,000 tasks, each sleeping 100 ms")
    start = time.monotonic()
    tasks = [asyncio.create_task(asyncio.sleep(0.1)) for _ in range(10_000)]
    outcomes = await asyncio.gather(*tasks, return_exceptions=True)
    finished = sum(not isinstance(outcome, BaseException) for outcome in outcomes)
    print(f"   {finished} tasks finished in {secs(start)} (one after another: 1000 s)\n")

    print("2. gather three lookups of 100, 300 and 200 ms")
    start = time.monotonic()
    a, b, c = await asyncio.gather(lookup("users", 100), lookup("orders", 300), lookup("prices", 200))
    print(f"   got [{a}, {b}, {c}] in {secs(start)} (the slowest one)\n")

    print("3. timeout: a 1 s lookup with a 0.2 s limit")
    start = time.monotonic()
    try:
        answer = await asyncio.wait_for(lookup("slow service", 1000), 0.2)
        print(f"   answered: {answer}\n")
    except TimeoutError:
        print(f"   after {secs(start)}: timed out (wait_for cancelled the lookup)\n")

    print("4. select: cache (50 ms) against database (400 ms)")
    start = time.monotonic()
    cache = asyncio.create_task(lookup("cache", 50))
    database = asyncio.create_task(lookup("database", 400))
    done, _ = await asyncio.wait({cache, database}, return_when=asyncio.FIRST_COMPLETED)
    if cache in done:
        database.cancel()  # FIRST_COMPLETED leaves it running otherwise
        print(f"   {cache.result()} won after {secs(start)}; the database query was dropped\n")
    else:
        print(f"   {database.result()} won after {secs(start)}\n")

    print("5. TaskGroup: three children, one fails after 100 ms")
    start = time.monotonic()
    try:
        async with asyncio.TaskGroup() as group:
            for name in ["resize image", "send email"]:
                group.create_task(child(name))
            group.create_task(payment())
        print("   all done\n")
    except* RuntimeError as failures:
        print(f"   after {secs(start)}: {failures.exceptions[0]} (its siblings were cancelled)\n")


class PausedClockLoop(asyncio.SelectorEventLoop):
    """An event loop whose clock only moves when every task waits.

    asyncio's loop asks its selector to wait until the next timer
    (`select(timeout)`). Here the selector looks for IO without waiting,
    and the clock jumps forward by the timeout instead. `_selector` is a
    private name of CPython's selector loop: fine for a demonstration.
    """

    def __init__(self):
        super().__init__()
        self.virtual_now = 0.0
        real_select = self._selector.select

        def select(timeout=None):
            events = real_select(0)
            if not events and timeout:
                self.virtual_now += timeout
            return events

        self._selector.select = select

    def time(self):
        return self.virtual_now


async def simulated_day():
    loop = asyncio.get_running_loop()
    midnight = loop.time()

    def clock():
        minutes = int(loop.time() - midnight) // 60
        return f"{minutes // 60:02}:{minutes % 60:02}"

    async def backup():
        await asyncio.sleep(HOUR * 2.5)
        print(f"   {clock()} nightly backup ran")

    async def report():
        await asyncio.sleep(HOUR * 17)
        print(f"   {clock()} daily report sent")

    async def checks():
        # 24 hourly checks on a fixed grid, the first at 00:00.
        for n in range(24):
            await asyncio.sleep(max(0.0, midnight + n * HOUR - loop.time()))
        return 24

    jobs = [asyncio.create_task(backup()), asyncio.create_task(report()), asyncio.create_task(checks())]
    try:
        async with asyncio.timeout(HOUR / 2):
            await asyncio.sleep(HOUR * 8)
    except TimeoutError:
        print(f"   {clock()} an idle session timed out after 30 min")
    _, _, count = await asyncio.gather(*jobs)
    await asyncio.sleep(midnight + HOUR * 24 - loop.time())
    print(f"   {clock()} day over: {count} health checks, backup and report done")


def main():
    real_start = time.monotonic()
    asyncio.run(tour())

    print("6. a simulated day on a paused clock")
    loop = PausedClockLoop()
    day_start = time.monotonic()
    try:
        loop.run_until_complete(simulated_day())
    finally:
        loop.close()
    print(f"   the day took {(time.monotonic() - day_start) * 1000:.1f} ms of real time\n")

    print(f"tour finished in {time.monotonic() - real_start:.1f}s")


main()
