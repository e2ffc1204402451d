"""10 — trace walkthrough: the asyncio twin of examples/10_trace_walkthrough.rs.

Part 1 is the same small program: a worker fetches 42 after 100 ms, a
waiter that awaited the worker prints it, main cancels the waiter at
200 ms. Part 2 is the nearest asyncio has to aioli's trace: a loop whose
`_run_once` (asyncio's tick, the counterpart of aioli's run_once) prints
each callback it runs.

Run it:   python3 examples/asyncio/10_trace_walkthrough.py
Compare:  .ci/check-asyncio-twins 10

Differs: asyncio has no per-step trace; `asyncio.run(main(), debug=True)`
logs slow callbacks and never-retrieved exceptions, not every step. The
subclass below leans on `_run_once` and `_ready`, private names of
CPython's BaseEventLoop (3.11): fine for looking, not for building on.
And asyncio runs *callbacks*: a task's step is a callback the loop runs,
where aioli polls the task itself. aioli's trace uses a paused clock, so
its times are exact; this twin runs on the real clock.
"""

import asyncio
import time

# Part 2 shows each runtime's own machinery: only part 1 must agree.
# twin: until the waiter says Cancelled


def say(start, text):
    print(f"   [{(time.monotonic() - start) * 1000:.0f}ms] {text}")


async def worker(start):
    await asyncio.sleep(0.1)
    say(start, "worker: fetched 42")
    return 42


async def waiter(start, worker_task):
    value = await worker_task
    say(start, f"waiter: the worker gave me {value}")
    await asyncio.sleep(60)
    print("   waiter: a minute passed (never printed: main cancels this task first)")


async def program():
    start = time.monotonic()
    print("   main: spawning worker and waiter")
    worker_task = asyncio.create_task(worker(start), name="worker")
    waiter_task = asyncio.create_task(waiter(start, worker_task), name="waiter")
    await asyncio.sleep(0.2)
    say(start, "main: aborting the waiter")
    waiter_task.cancel()
    try:
        await waiter_task
        print("   main: the waiter finished on its own?")
    except asyncio.CancelledError:
        say(start, "main: the waiter says Cancelled")


class TracingLoop(asyncio.SelectorEventLoop):
    """An event loop that prints what each turn of `_run_once` does."""

    tick = 0

    def _run_once(self):
        self.tick += 1
        before = time.monotonic()
        # _run_once waits in select() first (phase 3 in aioli's numbering),
        # then moves due timers to _ready, then runs all of _ready.
        # Wrapping each ready callback shows what ran, in order.
        original_select = self._selector.select

        def select(timeout):
            events = original_select(timeout)
            waited = (time.monotonic() - before) * 1000
            shown = "none" if timeout is None else f"{timeout * 1000:.0f}ms"
            print(f"asyncio tick {self.tick:>4} | select: waited {waited:.0f}ms (timeout {shown}), {len(events)} IO event(s)")
            return events

        self._selector.select = select
        try:
            super()._run_once()
        finally:
            self._selector.select = original_select

    def call_soon(self, callback, *args, context=None):
        # Every task step, every wake-up of a task, is a call_soon.
        if type(callback).__name__ == "TaskStepMethWrapper":
            # The C implementation's wrapper around Task.__step: a new
            # task's first step (it does not say which task).
            name, who = "Task.__step", "(a new task's first step)"
        else:
            name = getattr(callback, "__qualname__", repr(callback))
            owner = getattr(callback, "__self__", None)
            who = owner.get_name() if isinstance(owner, asyncio.Task) else ""
        print(f"asyncio tick {self.tick:>4} | call_soon {name} {who}".rstrip())
        return super().call_soon(callback, *args, context=context)


def main():
    print("Part 1: what the program prints\n")
    asyncio.run(program())

    print("\nPart 2: the same program on a loop that reports each turn\n")
    print("Each turn of _run_once waits in select() for IO or the next timer,")
    print("moves due timers to the ready queue, then runs every ready callback.")
    print("A `call_soon` line is a callback queued for a later turn: a task's")
    print("first step, or a wake-up when what it awaited finished.\n")
    loop = TracingLoop()
    try:
        loop.run_until_complete(loop.create_task(program(), name="main"))
    finally:
        loop.close()


main()
