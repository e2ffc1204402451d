"""09 — build your own loop: the twin of examples/09_build_your_own_loop.rs.

A complete event loop in one file, stdlib only, without asyncio: a ready
queue, a sorted list of timers, and time.sleep until the next deadline.

Run it:   python3 examples/asyncio/09_build_your_own_loop.py
Compare:  .ci/check-asyncio-twins 09

Differs: the Rust toy polls futures, and a future that is not ready
stores a *waker* that the timer calls later. A Python coroutine instead
*yields* what it waits for up to the loop (here a Sleep; in asyncio a
Future, whose __await__ is `yield self`), and the loop decides how to
resume it. Same loop, the other way round.
"""

import bisect
import time
from collections import deque

# How long the loop sleeps, and so how many ticks it takes, depends on
# how late each timer fired: those lines vary from run to run in both.
# twin: ignore ^\s*\(loop: nothing ready
# twin: replace after \d+ ticks => after N ticks
# medium's second step and fast's third are both due at 0.30 s: which
# fires first depends on microseconds of lateness, in either language.
# twin: unordered ^\[


class Sleep:
    """Awaitable: resumes its coroutine once `deadline` has passed."""

    def __init__(self, seconds):
        self.deadline = time.monotonic() + seconds

    def __await__(self):
        # `yield self` hands this object to whoever called send() on the
        # coroutine: the loop. Execution resumes here when the loop sends
        # again, after the deadline.
        if time.monotonic() < self.deadline:
            yield self


class Loop:
    def __init__(self):
        self.ready = deque()  # coroutines to step now
        self.timers = []  # (deadline, sequence, coroutine), sorted
        self.sequence = 0  # ties fire in arming order
        self.alive = 0

    def spawn(self, coroutine):
        self.alive += 1
        self.ready.append(coroutine)

    def run(self, start):
        ticks = polls = 0
        while self.alive:
            ticks += 1
            # Phase 1: step every coroutine that is ready now.
            for _ in range(len(self.ready)):
                coroutine = self.ready.popleft()
                polls += 1
                try:
                    waiting_on = coroutine.send(None)
                except StopIteration:
                    self.alive -= 1
                    continue
                # It yielded a Sleep: arm a timer for it (in Rust, the
                # Sleep arms the timer itself with the waker it was given).
                self.sequence += 1
                bisect.insort(self.timers, (waiting_on.deadline, self.sequence, coroutine))

            # Phase 2: every timer whose deadline passed makes its coroutine ready.
            now = time.monotonic()
            while self.timers and self.timers[0][0] <= now:
                self.ready.append(self.timers.pop(0)[2])

            # Phase 3: nothing ready? Sleep until the next deadline.
            if not self.ready and self.timers:
                nap = max(0.0, self.timers[0][0] - time.monotonic())
                print(f"      (loop: nothing ready, sleeping {int(nap * 1000)} ms)")
                time.sleep(nap)
            elif not self.ready and self.alive:
                print("deadlock: tasks are waiting, but nothing will ever wake them")
                return
        print(f"all tasks done at {time.monotonic() - start:.2f}s, after {ticks} ticks and {polls} polls")


async def worker(name, period, steps, start):
    for step in range(1, steps + 1):
        await Sleep(period)
        print(f"[{time.monotonic() - start:.2f}s] {name:<6} step {step}/{steps}")


start = time.monotonic()
loop = Loop()
loop.spawn(worker("fast", 0.100, 4, start))
loop.spawn(worker("medium", 0.150, 3, start))
loop.spawn(worker("slow", 0.250, 2, start))
loop.run(start)
