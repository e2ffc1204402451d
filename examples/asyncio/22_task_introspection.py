"""22 — task introspection: the asyncio twin of examples/22_task_introspection.rs.

Which task am I (current_task), which tasks exist (all_tasks), and
cancelling one found in the list.

Run it:   python3 examples/asyncio/22_task_introspection.py
Compare:  .ci/check-asyncio-twins 22

Differs: all_tasks() returns the Task objects themselves, so anyone can
cancel what they find; aioli's dump is plain data, and acting on a task
takes its JoinHandle. asyncio's main coroutine is a Task too, so it is
in the list and current_task() names it; aioli's main future is not a
task. aioli reports tick numbers and a paused clock; asyncio neither.
Only the facts both can state are compared.
"""

import asyncio

# twin: only ^\d\.|is_finished\(\) =|its handle says|found "sleeper"
# twin: replace ^(\d\.)\s.*$ => \1
# twin: replace found "sleeper" as \S+ \((\w+)\).*$ => found "sleeper" (\1)
# twin: replace its handle says: .*$ => its handle says: cancelled


def print_rows(tasks):
    for t in sorted(tasks, key=lambda t: t.get_name()):
        coro = t.get_coro()
        state = "done" if t.done() else ("waiting" if coro.cr_await is not None else "scheduled")
        print(f"      {t.get_name():<8} {state:<9} {coro.__qualname__}")


async def sleep_for(seconds):
    await asyncio.sleep(seconds)


async def six_times_seven():
    return 6 * 7


async def main():
    print("1. current_task()")

    async def reporter():
        me = asyncio.current_task()
        print(f"   inside a task: I am {me.get_name()}, done() = {me.done()}")

    await asyncio.create_task(reporter(), name="reporter")
    print(f"   inside main: current_task() = {asyncio.current_task().get_name()} (main is a task in asyncio)")

    print("\n2. all_tasks()")
    for name, seconds in [("sleeper", 3600), ("napper", 2), ("dozer", 5)]:
        asyncio.create_task(sleep_for(seconds), name=name)
    quick = asyncio.create_task(six_times_seven(), name="quick")
    print("   right after spawning (none has run yet):")
    print_rows(t for t in asyncio.all_tasks() if t is not asyncio.current_task())
    await asyncio.sleep(0)
    print("   after main yielded once:")
    print_rows(t for t in asyncio.all_tasks() if t is not asyncio.current_task())
    print(f"   quick.is_finished() = {str(quick.done()).lower()} (done())")

    print("\n3. cancelling a task found in the list")
    sleeper = next(t for t in asyncio.all_tasks() if t.get_name() == "sleeper")
    coro = sleeper.get_coro()
    state = "waiting" if coro.cr_await is not None else "scheduled"
    # The Task itself is in the list: cancel it directly, no handle needed.
    print(f'   found "sleeper" as {sleeper.get_name()} ({state}); cancelling it')
    sleeper.cancel()
    await asyncio.sleep(0)
    print("   after main yielded once more:")
    print_rows(t for t in asyncio.all_tasks() if t is not asyncio.current_task())
    print(f"   its handle says: cancelled() = {sleeper.cancelled()}")

    await asyncio.sleep(2.5)
    print("\n4. 2.5 s later:")
    print_rows(t for t in asyncio.all_tasks() if t is not asyncio.current_task())
    # asyncio.run cancels the dozer when main returns.


asyncio.run(main())
