"""Python `websockets` as a client of aioli-http's WebSocket server.

Driven by tests/ws_python.rs, which serves aioli_http::testing::app() and
runs: python ws_client.py ws://127.0.0.1:PORT
Each check prints "ok <name>"; any failure raises, so the exit code is 1.
"""

import asyncio
import sys

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosedError, ConnectionClosedOK

BASE = sys.argv[1]
OPTIONS = dict(proxy=None, open_timeout=5, close_timeout=5, ping_interval=None)


def ok(name):
    print("ok", name, flush=True)


async def expect_closed_with(ws, code):
    """Waits until the server closes; returns the code it sent."""
    try:
        message = await asyncio.wait_for(ws.recv(), 5)
        raise AssertionError(f"expected a close {code}, got a message {message!r}")
    except (ConnectionClosedError, ConnectionClosedOK) as closed:
        assert closed.rcvd is not None, "the server closed TCP without a Close frame"
        assert closed.rcvd.code == code, f"expected close {code}, got {closed.rcvd.code} {closed.rcvd.reason!r}"
        return closed.rcvd


async def main():
    async with connect(f"{BASE}/ws/echo", **OPTIONS) as ws:
        await ws.send("héllo ✓")
        assert await ws.recv() == "héllo ✓"
        ok("text")

        payload = bytes(range(256)) * 400  # 100 KiB: a 64-bit length
        await ws.send(payload)
        assert await ws.recv() == payload
        ok("binary")

        # An iterable sends one message in fragments: Text, then continuations.
        await ws.send(["frag", "men", "ted"])
        assert await ws.recv() == "fragmented"
        await ws.send([b"\x00\x01", b"\x02"])
        assert await ws.recv() == b"\x00\x01\x02"
        ok("fragments")

        pong = await ws.ping(b"are you there")
        await asyncio.wait_for(pong, 5)
        ok("ping")

        await ws.close(4000, "custom bye")
        assert ws.close_code == 4000, f"the server echoed {ws.close_code}"
        ok("close code")

    async with connect(f"{BASE}/ws/echo?max_message_bytes=1000", **OPTIONS) as ws:
        await ws.send("x" * 2000)
        await expect_closed_with(ws, 1009)
        ok("oversized message")

    async with connect(f"{BASE}/ws/echo", **OPTIONS) as ws:
        # text=True sends these bytes as a Text frame without checking them.
        await ws.send(b"\xff\xfe not utf-8", text=True)
        await expect_closed_with(ws, 1007)
        ok("invalid utf-8")


asyncio.run(asyncio.wait_for(main(), 30))
