"""26 — errors: the asyncio twin of examples/26_errors.rs.

An exception raised three awaits down comes up through each await,
gaining context (`raise ... from e`); `finally` runs either way. An
exception inside a task reaches whoever awaits it, and the loop goes
on. gather with return_exceptions=True lists every outcome; plain
gather raises the first.

Run it:   python3 examples/asyncio/26_errors.py
Compare:  .ci/check-asyncio-twins 26

Differs: Rust has no exceptions. An expected failure is a Result that
`?` passes up; a panic (a bug, like dividing by zero) is caught at the
task's edge and becomes JoinError::Panicked. Python raises both kinds
the same way, and ZeroDivisionError is an ordinary exception.
"""

import asyncio
import time

# The panic message and Rust's Debug spelling of the outcomes differ
# from Python's; what happened, and when, must agree.
# twin: replace the task failed: .*$ => the task failed: division by zero
# twin: replace ^   (Ok\("sibling finished"\)|'sibling finished')$ =>    sibling finished
# twin: replace try_join_all: Err\("the fast one failed"\) => first error: the fast one failed
# twin: replace gather: the fast one failed => first error: the fast one failed
# twin: replace join_all \[ => gather [
# twin: replace ^(\d\.)\s.*$ => \1


class ConfigError(Exception):
    pass


async def read_file(path):
    await asyncio.sleep(0.05)
    if path == "app.toml":
        raise FileNotFoundError(f"reading {path}: no such file")
    return f"contents of {path}"


async def load_config(path):
    text = await read_file(path)  # an exception here goes straight up
    return text.upper()


async def parent(path):
    try:
        return await load_config(path)
    except FileNotFoundError as error:
        raise ConfigError(f"loading config: {error}") from error
    finally:
        print(f"   parent({path}): cleanup ran (the `finally`)")


async def crashes():
    await asyncio.sleep(0.1)
    return 10 // 0


async def attempt(name, seconds, succeeds):
    await asyncio.sleep(seconds)
    if succeeds:
        print(f"   (the {name} one finished: it was not cancelled?)")
        return 1
    raise RuntimeError(f"the {name} one failed")


async def main():
    start = time.monotonic()
    print("1. an exception travels up through the awaits")
    for path in ["defaults.toml", "app.toml"]:
        try:
            config = await parent(path)
            print(f'   parent({path}) = "{config}"')
        except ConfigError as error:
            print(f"   parent({path}) failed: {error}")
            print(f"   caused by: {error.__cause__}")

    print("\n2. an exception inside a task")

    async def sibling():
        for beat in range(1, 4):
            await asyncio.sleep(0.06)
            print(f"   [{time.monotonic() - start:.2f}s] sibling: still running ({beat}/3)")
        return "sibling finished"

    sibling_task = asyncio.create_task(sibling())
    try:
        value = await asyncio.create_task(crashes())
        print(f"   the task returned {value}?")
    except ZeroDivisionError as error:
        print(f"   [{time.monotonic() - start:.2f}s] the task failed: {error!r}")
    print(f"   {await sibling_task!r}")

    print("\n3. several tasks, some failing")
    tasks = [asyncio.create_task(parent(path)) for path in ["a.toml", "app.toml", "b.toml"]]
    outcomes = await asyncio.gather(*tasks, return_exceptions=True)
    for index, outcome in enumerate(outcomes):
        if isinstance(outcome, BaseException):
            print(f"   gather [{index}]: the task returned an error: {outcome}")
        else:
            print(f'   gather [{index}]: ok "{outcome}"')
    attempts = [asyncio.create_task(attempt("slow", 0.5, True)), asyncio.create_task(attempt("fast", 0.05, False))]
    try:
        await asyncio.gather(*attempts)
    except RuntimeError as error:
        # gather raised, but left the slow one running: cancel it, as
        # aioli's try_join_all does by dropping it.
        for task in attempts:
            task.cancel()
        await asyncio.gather(*attempts, return_exceptions=True)
        print(
            f"   [{time.monotonic() - start:.2f}s] gather: {error} (the slow one was dropped: no 0.5 s wait)"
        )


asyncio.run(main())
