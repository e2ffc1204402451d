"""03 — gather: the asyncio twin of examples/03_gather.rs.

Run several coroutines at once and collect their results in order.

Run it:   python3 examples/asyncio/03_gather.py
Compare:  .ci/check-asyncio-twins 03
"""

import asyncio
import json
import time

# Section titles name each runtime's own function (join_all, gather).
# twin: ignore ^\d+\.\s
# The workers finish 10 ms apart: on a busy machine two timers can come
# due in the same turn of either loop, and then the order of the lines
# is the order in which the joined futures are polled. The order of the
# *results* is what gather/join_all promise, and it is compared.
# twin: unordered ^   worker \d finished$


async def worker(worker_id):
    await asyncio.sleep(1.0 - worker_id * 0.01)
    print(f"   worker {worker_id} finished")
    return f"worker {worker_id} done"


class CheckFailed(Exception):
    pass


async def check(check_id):
    if check_id == 1:
        await asyncio.sleep(0.2)
        raise CheckFailed(f"check {check_id} failed")
    await asyncio.sleep(1)
    return check_id


async def main():
    print("1. gather over five coroutines, each waiting about 1 s:")
    start = time.monotonic()
    # Differs underneath: gather wraps each coroutine in a Task; aioli's
    # join_all polls the five futures inside the current task.
    results = await asyncio.gather(*(worker(i) for i in range(5)))
    print(f"   results, in the order given: {json.dumps(results)}")
    print(f"   elapsed {time.monotonic() - start:.1f}s (not 5 s)\n")

    print("2. gather over tasks, with return_exceptions=True:")
    start = time.monotonic()
    tasks = [asyncio.create_task(worker(1)), asyncio.create_task(worker(2))]
    # return_exceptions=True is what gathering JoinHandles gives in aioli:
    # a failure is a value in its slot, not an exception out of gather.
    outcomes = await asyncio.gather(*tasks, return_exceptions=True)
    for index, outcome in enumerate(outcomes):
        if isinstance(outcome, BaseException):
            print(f"   task {index} failed: {outcome}")
        else:
            print(f"   task {index}: {outcome}")
    print(f"   elapsed {time.monotonic() - start:.1f}s\n")

    print("3. gather raises the first exception")
    start = time.monotonic()
    checks = [asyncio.create_task(check(i)) for i in range(3)]
    try:
        ids = await asyncio.gather(*checks)
        print(f"   all passed: {ids}")
    except CheckFailed as error:
        # Differs: gather leaves the other checks running after it raises;
        # aioli's try_join_all drops them. Cancelling them here makes the
        # two programs end the same way.
        for task in checks:
            task.cancel()
        await asyncio.gather(*checks, return_exceptions=True)
        print(f"   {error}, after {time.monotonic() - start:.1f}s; the other checks were dropped")


asyncio.run(main())
