"""19 — async files: the asyncio twin of examples/19_files.rs.

Write, read back, append and remove files without blocking the loop.
The stdlib has no async files; aiofiles (not stdlib) does exactly what
this twin does by hand: every call is a plain blocking call sent to a
thread with asyncio.to_thread.

Run it:   python3 examples/asyncio/19_files.py
Compare:  .ci/check-asyncio-twins 19
"""

import asyncio
import json
import os
import tempfile
from pathlib import Path

# The scratch directory is named after the process id.
# twin: replace aioli-example-19-\d+ => aioli-example-19-PID
# Both name the error kind; the messages are each standard library's own.
# twin: replace (error \(NotFound\)): .*$ => \1


async def write(path, text, mode="w"):
    def blocking():
        with open(path, mode, encoding="utf-8") as f:
            f.write(text)

    await asyncio.to_thread(blocking)


async def main(directory):
    print(f"1. a scratch directory: {directory}")
    await asyncio.to_thread(os.makedirs, directory, exist_ok=True)

    notes = directory / "notes.txt"
    print("\n2. write a file, read it back")
    await write(notes, "first line\n")
    data = await asyncio.to_thread(notes.read_bytes)
    print(f"   wrote and read back {len(data)} bytes: {json.dumps(data.decode())}")

    print("\n3. append three lines through an open File, then read it all")
    for number in range(1, 4):
        # Each append is one trip to a pool thread and back.
        await write(notes, f"line {number}\n", mode="a")
    text = await asyncio.to_thread(notes.read_text, encoding="utf-8")
    for line in text.splitlines():
        print(f"   | {line}")
    size = (await asyncio.to_thread(notes.stat)).st_size
    print(f"   metadata: {size} bytes")

    print("\n4. five files written at once")
    parts = [directory / f"part-{number}.txt" for number in range(1, 6)]
    await asyncio.gather(*(write(path, f"part {number}\n" * 1000) for number, path in enumerate(parts, 1)))
    for path in parts:
        size = (await asyncio.to_thread(path.stat)).st_size
        print(f"   {path.name} ({size} bytes)")

    print("\n5. reading a file that is not there")
    try:
        await asyncio.to_thread((directory / "missing.txt").read_text)
        print("   unexpectedly found it")
    except FileNotFoundError as error:
        print(f"   error (NotFound): {error}")

    print("\n6. clean up")
    for path in parts + [notes]:
        await asyncio.to_thread(path.unlink)
    await asyncio.to_thread(directory.rmdir)
    print(f"   removed {directory}")


directory = Path(tempfile.gettempdir()) / f"aioli-example-19-{os.getpid()}"
try:
    asyncio.run(main(directory))
finally:
    # If a step failed on the way, the directory is still there.
    if directory.exists():
        for leftover in directory.iterdir():
            leftover.unlink()
        directory.rmdir()
