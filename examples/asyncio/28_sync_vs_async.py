"""28 — sync versus async: the asyncio twin of examples/28_sync_vs_async.rs.

Twenty requests to a slow line service (100 ms per answer): one by one
with blocking sockets, on twenty threads, and as twenty asyncio tasks on
one thread.

Run it:   python3 examples/asyncio/28_sync_vs_async.py
Compare:  .ci/check-asyncio-twins 28

The same as the Rust example: the blocking clients run outside any
loop, and the service runs its own loop on another thread. The speedups
vary from run to run (about 20x); the times are compared.
"""

import asyncio
import socket
import threading
import time

# twin: replace 127\.0\.0\.1:\d+ => 127.0.0.1:PORT
# twin: replace \d+\.\dx => Nx
# twin: replace one by one \((std::net|socket)\) => one by one (blocking)

REQUESTS = 20
SERVICE_TIME = 0.1


def start_server():
    """Runs the slow service on a loop of its own, on a thread."""
    ready = threading.Event()
    box = {}

    async def answer_slowly(reader, writer):
        line = await reader.readline()
        await asyncio.sleep(SERVICE_TIME)
        writer.write(b"reply to " + line)
        await writer.drain()
        writer.close()

    async def serve():
        server = await asyncio.start_server(answer_slowly, "127.0.0.1", 0)
        box["port"] = server.sockets[0].getsockname()[1]
        box["loop"] = asyncio.get_running_loop()
        box["stop"] = asyncio.Event()
        ready.set()
        async with server:
            await box["stop"].wait()

    thread = threading.Thread(target=asyncio.run, args=(serve(),))
    thread.start()
    ready.wait(10)
    return box, thread


def blocking_request(port, i):
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(f"request {i}\n".encode())
        return sock.makefile().readline()


async def request(port, i):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"request {i}\n".encode())
    await writer.drain()
    reply = await reader.readline()
    writer.close()
    return reply


def report(way, seconds, sync_seconds, threads):
    print(f"   {way:<24} {seconds:>7.2f}s {sync_seconds / seconds:>8.1f}x {threads:>9}")


def main():
    box, server = start_server()
    port = box["port"]
    print(f"a slow line service on 127.0.0.1:{port} answers each request after {SERVICE_TIME * 1000:.0f} ms\n")
    print(f"   {'way':<24} {'time':>8} {'speedup':>9} {'threads':>9}")

    start = time.monotonic()
    for i in range(REQUESTS):
        blocking_request(port, i)
    sync_time = time.monotonic() - start
    report("one by one (socket)", sync_time, sync_time, 1)

    start = time.monotonic()
    threads = [threading.Thread(target=blocking_request, args=(port, i)) for i in range(REQUESTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    report("a thread per request", time.monotonic() - start, sync_time, REQUESTS)

    async def all_at_once():
        return await asyncio.gather(*(request(port, i) for i in range(REQUESTS)))

    start = time.monotonic()
    asyncio.run(all_at_once())
    report("a task per request", time.monotonic() - start, sync_time, 1)

    box["loop"].call_soon_threadsafe(box["stop"].set)
    server.join()


main()
