"""11 — pitfalls: the asyncio twin of examples/11_pitfalls.rs.

Four classic async bugs, and what asyncio's debug mode says about each:
(a) a forgotten await, (b) blocking the loop, (c) a leaked task, (d) a
waiter that nothing will ever wake.

Run it:   python3 examples/asyncio/11_pitfalls.py
Compare:  .ci/check-asyncio-twins 11

Differs: the warnings, each runtime's own, are not compared; the facts
are (what ran, how late a timer fired, how many heartbeats, when the
fixed waiter finished). (a) Python warns at run time ("coroutine ... was
never awaited", on stderr here); Rust at compile time. (b) asyncio's
debug mode logs "Executing <Task ...> took 0.303 seconds"; aioli names
the task and its spawn site. (c) asyncio.run cancels leftover tasks
silently; aioli lists them first. (d) asyncio has no lost-waker check: a
Future that nobody resolves hangs just the same, and says nothing.
"""

import asyncio
import logging
import sys
import time

# Only the lines that state facts both programs observe.
# twin: only ^   (bug|fix):|did work run\?|woke after|has beaten|the waiter is done
# The heartbeat beats every 50 ms for 200 ms: whether the fourth beat
# lands before main wakes at 200 ms is a tie, decided by microseconds.
# twin: replace has beaten \d+ times => has beaten N times
# twin: replace after \d+ beats\. => after N beats.
# Rust and Python spell the outcome of an aborted task differently.
# twin: replace abort\(\) it when done: Err\(Cancelled\) => cancel it when done: CancelledError
# twin: replace work\(\.\.\)\.await; => await work(..);
# twin: replace std::thread::sleep => time.sleep
# twin: replace let _unawaited => _unawaited
# twin: replace inside its poll\. => inside its step.
# twin: replace JoinHandle was dropped at spawn => task was never kept or cancelled
# twin: replace store cx\.waker\(\) before Pending, wake it in set\(\) => wait on an asyncio.Event, set() wakes it


def section(title):
    print(f"\n── {title} {'─' * max(0, 70 - len(title))}")


def debug_loop_run(coroutine, slow=0.05):
    """asyncio.run in debug mode, slow-callback threshold `slow` seconds;
    its log lines go to stderr."""
    with asyncio.Runner(debug=True) as runner:
        runner.get_loop().slow_callback_duration = slow
        return runner.run(coroutine)


async def work(ran):
    print("      work: running")
    ran[0] = True


async def forgotten_await():
    ran = [False]
    _unawaited = work(ran)  # the bug: a coroutine object, never run
    await asyncio.sleep(0.02)
    print("   bug: _unawaited = work(..); then 20 ms of waiting.")
    print(f"        did work run? {str(ran[0]).lower()}. Nothing was printed by it either:")
    print("        calling an async fn only builds a future; nobody polled it.")
    await work(ran)
    print(f"   fix: await work(..); did work run? {str(ran[0]).lower()}")
    print("        (asyncio.create_task(work(..)) would run it too, as a task, without awaiting.)")
    # When _unawaited is collected, Python prints on stderr:
    # RuntimeWarning: coroutine 'work' was never awaited


async def blocking(block):
    async def ticker():
        asked_at = time.monotonic()
        await asyncio.sleep(0.1)
        return time.monotonic() - asked_at

    async def blocker():
        if block:
            time.sleep(0.3)  # the bug: the loop's one thread sits here
        else:
            await asyncio.sleep(0.3)  # the fix: give the thread back

    tick = asyncio.create_task(ticker(), name="ticker")
    await asyncio.create_task(blocker(), name="blocker")
    return await tick


async def heartbeat(beats):
    while True:
        await asyncio.sleep(0.05)
        beats[0] += 1


async def leaked(keep_handle):
    beats = [0]
    task = asyncio.create_task(heartbeat(beats), name="heartbeat")
    await asyncio.sleep(0.2)
    if not keep_handle:
        print("   bug: the heartbeat's task was never kept or cancelled. Main is done after")
        print(f"        200 ms; the heartbeat has beaten {beats[0]} times and is still running.")
        return task  # asyncio.run cancels it, silently
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        print(f"   fix: keep the handle; cancel it when done: CancelledError after {beats[0]} beats.")


async def lost_wakeup(fixed):
    start = time.monotonic()
    if not fixed:
        # The bug: the waiter awaits a Future that the setter never
        # resolves; it only flips a flag nobody is watching.
        flag = {"set": False}
        never_resolved = asyncio.get_running_loop().create_future()

        async def setter():
            await asyncio.sleep(0.1)
            flag["set"] = True  # nobody hears this

        async def wait_for_flag():
            await never_resolved

        waiter = asyncio.create_task(wait_for_flag(), name="waiter")
        asyncio.create_task(setter(), name="setter")
        try:
            await asyncio.wait_for(asyncio.shield(waiter), 0.3)
        except TimeoutError:
            print('   bug: the flag was set at 100 ms, yet after 300 ms the task "waiter"')
            print("        is still waiting: nothing it awaits will ever be resolved, so")
            print("        nothing tells the loop to run it again. Cancelling it to move on.")
            waiter.cancel()
        return
    event = asyncio.Event()

    async def setter():
        await asyncio.sleep(0.1)
        event.set()  # wakes every waiter

    asyncio.create_task(setter(), name="setter")
    await asyncio.wait_for(event.wait(), 0.3)
    elapsed = round((time.monotonic() - start) * 1000)
    print(f"   fix: wait on an asyncio.Event, set() wakes it: the waiter is done at {elapsed} ms.")


def main():
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING)

    section("(a) A forgotten await")
    debug_loop_run(forgotten_await())

    section("(b) Blocking the loop with time.sleep")
    waited = round(debug_loop_run(blocking(True)) * 1000)
    print('   bug: task "blocker" calls time.sleep(300 ms) inside its step.')
    print(f'        task "ticker" asked for a 100 ms sleep and woke after {waited} ms:')
    print("        (debug mode logged 'Executing <Task ...> took 0.3 seconds' on stderr)")
    waited = round(debug_loop_run(blocking(False)) * 1000)
    print(f'   fix: await sleep(300 ms) instead. "ticker" woke after {waited} ms, on time.')

    section("(c) A leaked task")
    debug_loop_run(leaked(False))
    debug_loop_run(leaked(True))

    section("(d) A waiter that nothing will ever wake")
    debug_loop_run(lost_wakeup(False))
    debug_loop_run(lost_wakeup(True))


main()
