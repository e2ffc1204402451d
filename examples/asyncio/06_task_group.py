"""06 — TaskGroup: the asyncio twin of examples/06_task_group.rs (Python 3.11+).

Tasks that succeed together, or are cancelled together.

Run it:   python3 examples/asyncio/06_task_group.py
Compare:  .ci/check-asyncio-twins 06
"""

import asyncio
import json
import time

# Task names: aioli numbers its tasks (task#5); here each task is named
# after its job. The names differ only in the number.
# twin: replace task#\d+ => task#N
# The group cancels the siblings in an order of its own: aioli in spawn
# order, asyncio in the order of a set. Both cancel them at 0.3 s.
# twin: unordered cancelled: its cleanup ran$


def at(start):
    return f"{time.monotonic() - start:.1f}s"


async def job(job_id, seconds, start):
    print(f"   [{at(start)}] job {job_id} started ({seconds:.1f} s)")
    try:
        await asyncio.sleep(seconds)
    except asyncio.CancelledError:
        # Differs: this is code running inside the cancelled task; in aioli
        # it is a guard's Drop. Either way it runs before the group returns.
        print(f"   [{at(start)}] job {job_id} cancelled: its cleanup ran")
        raise
    print(f"   [{at(start)}] job {job_id} finished")
    return f"job {job_id} result"


class ServerUnreachable(Exception):
    pass


async def failing_job(job_id, seconds, start):
    await asyncio.sleep(seconds)
    print(f"   [{at(start)}] job {job_id} fails")
    raise ServerUnreachable(f"job {job_id} could not reach its server")


async def main():
    print("1. a group of three jobs that all succeed")
    start = time.monotonic()
    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(job(i, s, start)) for i, s in [(1, 1.0), (2, 0.5), (3, 1.5)]]
    # Leaving the `async with` waited for every child (aioli: join().await).
    print(f"   [{at(start)}] all jobs done; results in spawn order:")
    for task in tasks:
        print(f"     {task.result()}")

    print("\n2. a group where one job fails at 0.3 s")
    start = time.monotonic()
    tasks = []
    try:
        async with asyncio.TaskGroup() as group:
            tasks.append(group.create_task(job(4, 1.0, start), name="task#4"))
            tasks.append(group.create_task(failing_job(5, 0.3, start), name="task#5"))
            tasks.append(group.create_task(job(6, 1.0, start), name="task#6"))
        print(f"   unexpected success: {[t.result() for t in tasks]}")
    except* ServerUnreachable as group_error:
        # Differs: the ExceptionGroup holds every failure, but not which
        # task raised it; aioli reports the first failure and its task.
        failed = next(t for t in tasks if not t.cancelled() and t.exception())
        error = group_error.exceptions[0]
        print(f"   [{at(start)}] join returned the first failure: {failed.get_name()} said {json.dumps(str(error))}")


asyncio.run(main())
