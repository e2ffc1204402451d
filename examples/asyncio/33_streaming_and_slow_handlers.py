"""33 — slow handlers and streaming: the aiohttp twin of examples/33_streaming_and_slow_handlers.rs.

Part 1 sends 50 requests at once to a handler that awaits a 500 ms
sleep: they overlap. Part 2 sends 4 to a handler that calls time.sleep:
they queue, because the whole loop sleeps. Part 3 reads a StreamResponse
raw off the socket: the head, then a chunk every 200 ms, in chunked
framing, ending with the zero-size chunk.

Run it:   target/ws-venv/bin/python examples/asyncio/33_streaming_and_slow_handlers.py
Compare:  .ci/check-asyncio-twins 33      (needs aiohttp: see README.md)

Differs: the handler writes the stream itself (`await response.write`)
where aioli's handler returns a stream the server pulls from. aioli's
debug build names the task that blocked the loop on stderr; asyncio
does the same only in debug mode (PYTHONASYNCIODEBUG=1, "Executing
<Task…> took 0.150 seconds"), which the twin leaves off like the check.
"""

import asyncio
import time

from aiohttp import web

# Part 1 starts 50 connections at once, and each side's times are
# taken on a machine running the other side too: 0.3 s of slack, not 0.2.
# twin: tolerance 0.3
# aiohttp writes the last chunk and the end-of-body chunk in two writes;
# a read may see them together (as aioli sends them) or apart: the twin
# joins them.
# twin: python-only ^\s+\[\s*\d+ ms\] "0\\r\\n\\r\\n"$
# twin: replace "8\\r\\nliftoff\\n\\r\\n(0\\r\\n\\r\\n)?" => "8\\r\\nliftoff\\n\\r\\n0\\r\\n\\r\\n"


async def slow(request):
    """Waits the way a handler should: the task parks, the loop moves on."""
    ms = min(int(request.query.get("ms", "500")), 5000)
    await asyncio.sleep(ms / 1000)
    return web.Response(text=f"done after {ms} ms\n")


async def blocking(request):
    """Waits the way a handler must not: the thread sleeps, and the loop with it."""
    ms = min(int(request.query.get("ms", "150")), 1000)
    time.sleep(ms / 1000)
    return web.Response(text=f"blocked the loop for {ms} ms\n")


async def countdown(request):
    """Five lines, 200 ms apart, each sent as soon as it exists."""
    response = web.StreamResponse(headers={"Content-Type": "text/plain; charset=utf-8"})
    response.enable_chunked_encoding()
    await response.prepare(request)
    for n in range(5, 0, -1):
        await response.write(f"{n}...\n".encode())
        await asyncio.sleep(0.2)
    await response.write(b"liftoff\n")
    await response.write_eof()
    return response


def make_app():
    app = web.Application()
    app.router.add_get("/slow", slow)
    app.router.add_get("/blocking", blocking)
    app.router.add_get("/countdown", countdown)
    return app


async def get_status(port, path):
    """One GET over a raw socket; its status code."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        await writer.drain()
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        length = [line.split(":", 1)[1] for line in head.split("\r\n") if line.lower().startswith("content-length:")]
        await reader.readexactly(int(length[0]) if length else 0)
        return int(head.split(" ")[1])
    finally:
        writer.close()
        await writer.wait_closed()


async def at_once(port, path, count):
    """`count` GETs of `path` at once; how long until the last answer, how many were 200."""
    start = time.monotonic()
    statuses = await asyncio.gather(*(get_status(port, path) for _ in range(count)))
    return time.monotonic() - start, statuses.count(200)


def quoted(text):
    """Bytes the way Rust's `{:?}` prints a str: double quotes, \\r and \\n escaped."""
    return '"' + text.replace("\r", "\\r").replace("\n", "\\n") + '"'


async def watch_stream(port):
    """Reads a streaming answer raw, printing each piece as it arrives."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET /countdown HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode())
    await writer.drain()
    start = time.monotonic()
    head_seen = False
    try:
        while True:
            async with asyncio.timeout(5):
                data = await reader.read(4096)
            ms = int((time.monotonic() - start) * 1000)
            if not data:
                print(f"   [{ms:>4} ms] connection closed by the server")
                return
            text = data.decode("utf-8", "replace")
            # Show the head's first line only; show chunk framing in full.
            if not head_seen and "\r\n\r\n" in text:
                head_seen = True
                head, rest = text.split("\r\n\r\n", 1)
                if not rest:
                    # aiohttp sends the head by itself at prepare(): read
                    # on, so the line shows the first chunk with it.
                    async with asyncio.timeout(5):
                        rest = (await reader.read(4096)).decode("utf-8", "replace")
                shown = f"{head.splitlines()[0]} …head…  {quoted(rest)}"
            else:
                shown = quoted(text)
            print(f"   [{ms:>4} ms] {shown}")
    finally:
        writer.close()


async def demo():
    runner = web.AppRunner(make_app())
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]

    print("1. 50 requests at once to a handler that awaits a 500 ms sleep")
    took, ok = await at_once(port, "/slow?ms=500", 50)
    print(f"   {ok} answers in {took:.2f} s: the waits overlapped (one after another would be 25 s)\n")

    print("2. 4 requests at once to a handler that blocks the thread for 150 ms")
    took, ok = await at_once(port, "/blocking?ms=150", 4)
    print(f"   {ok} answers in {took:.2f} s: one at a time, the loop could do nothing else\n")

    print("3. a streaming answer, read raw off the socket")
    await watch_stream(port)
    await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(demo())
