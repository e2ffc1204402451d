"""49 — sync vs async: the asyncio twin of examples/49_sync_vs_async.rs.

Twenty requests to /delay/0.1: one after another on a blocking socket
(in a thread, since the server runs on this loop), then all at once with
aiohttp; about 2 s against 0.1 s.

Run it:   target/ws-venv/bin/python examples/asyncio/49_sync_vs_async.py
Compare:  .ci/check-asyncio-twins 49

Differs: the blocking side runs in `asyncio.to_thread`, aioli's in
`spawn_blocking`: the same reason (blocking the loop's thread would stop
the server it calls), the same shape.
"""

import asyncio
import json
import socket
import time

import aiohttp

import testing_app

# Each side names its own clients.
# twin: replace \(std TcpStream, one by one\) => (blocking, one by one)
# twin: replace \(blocking socket, one by one\) => (blocking, one by one)
# twin: replace \((aioli client|aiohttp), concurrent\) => (concurrent)
# The speedup is the ratio of the two times compared above; a busy
# machine moves it by several units either way.
# twin: replace speedup: [\d.]+x => speedup: Nx

N = 20


def blocking_get(port, path):
    """A whole HTTP/1.1 exchange on a blocking socket; returns the body."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode())
        reply = b""
        while chunk := sock.recv(65536):  # blocks this thread until the answer is complete
            reply += chunk
    return reply.split(b"\r\n\r\n", 1)[1]


def sync_run(port, path):
    start = time.monotonic()
    bodies = [blocking_get(port, path) for _ in range(N)]
    return bodies, time.monotonic() - start


async def main():
    runner, base = await testing_app.start()
    port, path = int(base.rsplit(":", 1)[1]), "/delay/0.1"

    sync_bodies, sync_time = await asyncio.to_thread(sync_run, port, path)
    print(f"sync  (blocking socket, one by one): {N} requests in {sync_time:.2f} s")

    async def one(session):
        async with session.get(f"{base}{path}") as response:
            return await response.read()

    async with aiohttp.ClientSession() as session:
        start = time.monotonic()
        async_bodies = await asyncio.gather(*(one(session) for _ in range(N)))
        async_time = time.monotonic() - start
    print(f"async (aiohttp, concurrent):  {N} requests in {async_time:.2f} s")

    def seen_url(body):
        return json.loads(body)["url"]

    same = all(seen_url(a) == seen_url(b) for a, b in zip(sync_bodies, async_bodies))
    print(f"every answer names the same URL both ways: {str(same).lower()}")
    print(f"speedup: {sync_time / async_time:.1f}x")
    await runner.cleanup()


asyncio.run(main())
