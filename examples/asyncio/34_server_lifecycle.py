"""34 — a server's life: the aiohttp twin of examples/34_server_lifecycle.rs.

Part 1 starts a server with AppRunner and TCPSite: `site.start()`
returns at once, and a ticker task prints while the server answers on
the same loop. Part 2 calls `runner.cleanup()` with a request in flight
and an idle keep-alive connection open: new connections are refused, the
idle one is closed, the request in flight still gets its answer. Part 3
does the same with a deadline (shutdown_timeout) shorter than the
request: the handler is cancelled and its client gets no answer.

Run it:   target/ws-venv/bin/python examples/asyncio/34_server_lifecycle.py
Compare:  .ci/check-asyncio-twins 34      (needs aiohttp: see README.md)

Differs: aiohttp has three steps (AppRunner.setup, TCPSite.start,
runner.cleanup) where aioli has `start` and `shutdown` on one handle,
and its deadline is set when the runner is made, not when shutting down.
`cleanup()` returns nothing: the twin counts the handlers the deadline
cancelled itself (the `forced` count below), which is what aioli's
`shutdown` returns.
"""

import asyncio
import time

from aiohttp import web

# Ports are the OS's choice, different on every run.
# twin: replace 127\.0\.0\.1:\d+ => 127.0.0.1:PORT
# The answer to the request in flight and the end of shutdown happen in
# the same instant: either may print first.
# twin: unordered (shutdown returned|in-flight GET /slow\?ms=600)
# aioli marks the last answer of a closing server `Connection: close`;
# aiohttp sends it without the header and closes the connection after.
# twin: replace (in-flight GET /slow\?ms=600: .*), Connection: \S+$ => \1
# A client whose request was cut off: aioli's client says the server
# closed before a whole head came; asyncio's stream says how many bytes
# of it were read.
# twin: replace (in-flight GET /slow\?ms=3000: no answer) \(.*\)$ => \1
# The ticker is cancelled at about 150 ms and its fourth tick is due at
# 160 ms: on a loaded machine either runtime may get it out first.
# twin: ignore ^\s+\[\s*\d+ ms\] tick [4-9]$
# Every time is since the start of part 1, and each part starts and
# stops a server of its own: on a loaded machine that adds up to more
# than the default 0.2 s slack by part 3.
# twin: tolerance 0.25

FORCED = web.AppKey("forced", list)


def at(start):
    return f"[{int((time.monotonic() - start) * 1000):>4} ms]"


async def hello(request):
    return web.Response(text="hello\n")


async def slow(request):
    ms = min(int(request.query.get("ms", "600")), 5000)
    try:
        await asyncio.sleep(ms / 1000)
    except asyncio.CancelledError:
        # The shutdown deadline passed: aiohttp cancels the handler and
        # closes its connection. Counted, as aioli's shutdown counts it.
        request.app[FORCED].append(request.path_qs)
        raise
    return web.Response(text=f"finished after {ms} ms\n")


async def start_server(shutdown_timeout):
    app = web.Application()
    app[FORCED] = []
    app.router.add_get("/", hello)
    app.router.add_get("/slow", slow)
    # The deadline of runner.cleanup(): how long requests in flight may
    # take before their handlers are cancelled.
    runner = web.AppRunner(app, shutdown_timeout=shutdown_timeout)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner, app, runner.addresses[0][1]


class RawConnection:
    """One kept-alive connection: a request, an answer, again."""

    def __init__(self, port, reader, writer):
        self.port, self.reader, self.writer = port, reader, writer

    @classmethod
    async def connect(cls, port):
        return cls(port, *await asyncio.open_connection("127.0.0.1", port))

    async def send(self, path):
        """(status, headers, body) of one GET on this connection."""
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n\r\n".encode())
        await self.writer.drain()
        head = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        status_line, *lines = head.rstrip("\r\n").split("\r\n")
        headers = {}
        for line in lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        body = await self.reader.readexactly(int(headers.get("content-length", "0")))
        return int(status_line.split(" ")[1]), headers, body.decode()

    def close(self):
        self.writer.close()


def kind(error):
    """An error's kind in the words of Rust's io::ErrorKind."""
    if isinstance(error, asyncio.IncompleteReadError):
        return "UnexpectedEof"  # the peer closed before a whole answer came
    return type(error).__name__.removesuffix("Error")


async def send(port, path):
    connection = await RawConnection.connect(port)
    try:
        return await connection.send(path)
    finally:
        connection.close()


def quoted(text):
    return '"' + text.replace("\n", "\\n") + '"'


def request_in_flight(port, path, start):
    """A request started now, reported when it ends (or fails)."""

    async def run():
        try:
            status, headers, body = await send(port, path)
            print(f"   {at(start)} in-flight GET {path}: {status} {quoted(body)}, Connection: {headers.get('connection', '-')}")
        except (OSError, asyncio.IncompleteReadError) as error:
            print(f"   {at(start)} in-flight GET {path}: no answer ({error})")

    return asyncio.create_task(run())


async def part1(start):
    print("1. start() returns at once; the server and a ticker share the loop")
    runner, _, port = await start_server(1.0)
    print(f"   {at(start)} listening on 127.0.0.1:{port}")

    async def tick():
        n = 1
        while True:
            await asyncio.sleep(0.04)
            print(f"   {at(start)} tick {n}")
            n += 1

    ticker = asyncio.create_task(tick())
    for _ in range(3):
        status, _, body = await send(port, "/")
        print(f"   {at(start)} GET / -> {status} {quoted(body)}")
        await asyncio.sleep(0.05)
    ticker.cancel()
    await runner.cleanup()


async def part2(start):
    print("\n2. graceful shutdown with a request in flight and an idle keep-alive connection")
    runner, app, port = await start_server(2.0)
    idle = await RawConnection.connect(port)
    await idle.send("/")
    in_flight = request_in_flight(port, "/slow?ms=600", start)
    await asyncio.sleep(0.1)
    print(f"   {at(start)} shutdown begins; open connections: {len(runner.server.connections)}")

    async def stop():
        await runner.cleanup()
        print(f"   {at(start)} shutdown returned; {len(app[FORCED])} connections forced")

    stopping = asyncio.create_task(stop())
    await asyncio.sleep(0.05)
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.close()
        print(f"   {at(start)} a new connection was accepted?!")
    except OSError as error:
        print(f"   {at(start)} a new connection is refused: {kind(error)}")
    try:
        status, _, _ = await idle.send("/")
        print(f"   {at(start)} the idle connection still answered {status}")
    except (OSError, asyncio.IncompleteReadError) as error:
        print(f"   {at(start)} the idle keep-alive connection was closed: {kind(error)}")
    idle.close()
    await in_flight
    await stopping


async def part3(start):
    print("\n3. a deadline shorter than the request: shutdown aborts it")
    # aiohttp spends its shutdown_timeout twice on a handler that does not
    # finish: once waiting for it, once more after cancelling its request
    # (which a handler asleep in asyncio.sleep does not notice), and only
    # then cancels the handler's task. 0.1 s here is 200 ms in all, the
    # deadline the Rust example gives.
    runner, app, port = await start_server(0.1)
    in_flight = request_in_flight(port, "/slow?ms=3000", start)
    await asyncio.sleep(0.1)
    print(f"   {at(start)} shutdown with a 200 ms deadline")
    await runner.cleanup()
    print(f"   {at(start)} shutdown returned; {len(app[FORCED])} connection forced")
    await in_flight


async def main():
    start = time.monotonic()
    await part1(start)
    await part2(start)
    await part3(start)


if __name__ == "__main__":
    asyncio.run(main())
