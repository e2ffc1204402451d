"""60 — WebSocket echo: the aiohttp twin of examples/60_websocket_echo.rs.

A route that upgrades to a WebSocket (web.WebSocketResponse) and echoes
text and binary messages; a client (ClientSession.ws_connect) that sends
a text, four bytes and a ping, closes with 1000, then sends a message
over the route's 1 KiB limit and is closed with 1009.

Run it:   target/ws-venv/bin/python examples/asyncio/60_websocket_echo.py
Compare:  .ci/check-asyncio-twins 60      (needs aiohttp: see README.md)

Differs: aiohttp answers pings by itself and hides them (autoping=True);
to see the ping the twin turns that off and the handler answers with
`pong()`, where aioli's socket answers and still reports it. aiohttp's
`async for msg in ws` ends at the Close without showing it; the twin
calls `receive()` to see it, as aioli's `recv` does.
"""

import asyncio

import aiohttp
from aiohttp import WSMsgType, web

# Ports are the OS's choice, different on every run.
# twin: replace 127\.0\.0\.1:\d+ => 127.0.0.1:PORT
# Who answers the ping: aioli's socket, or (autoping off) the twin's handler.
# twin: replace \(answered by the (socket|handler)\) => (answered)
# Why the big message was refused: each library's words, after the code.
# twin: replace ^(\s+\[server\] 127\.0\.0\.1:PORT): .*\(closing with 1009 \(message too big\)\)$ => \1: too big, closing with 1009
# aiohttp's Close for it has no reason text.
# twin: replace (close 1009 \(message too big\))(: ".*")?$ => \1
# aiohttp's cleanup does not count the connections it forced closed.
# twin: replace ^5\. server shut down.*$ => 5. server shut down

CLOSE_NAMES = {1000: "normal closure", 1009: "message too big"}


def close_code(code, reason):
    """A close code the way aioli prints one: 1000 (normal closure): "done"."""
    text = f"{code} ({CLOSE_NAMES.get(code, 'other')})"
    return f'{text}: "{reason}"' if reason else text


def describe(message):
    """A message in words, as the Rust example says them."""
    if message.type == WSMsgType.TEXT:
        return f'text "{message.data}"'
    if message.type == WSMsgType.BINARY:
        return f"binary [{', '.join(str(byte) for byte in message.data)}]"
    if message.type in (WSMsgType.PING, WSMsgType.PONG):
        return f'{message.type.name.lower()} "{message.data.decode("utf-8", "replace")}"'
    if message.type == WSMsgType.CLOSE:
        return f"close {close_code(message.data, message.extra)}"
    return "nothing: the connection is closed"


async def echo(request):
    """The echo route: what the handler does after the 101."""
    # max_msg_size: over 1 KiB, aiohttp closes with 1009.
    ws = web.WebSocketResponse(max_msg_size=1024, autoping=False)
    await ws.prepare(request)
    host, port = request.transport.get_extra_info("peername")[:2]
    peer = f"{host}:{port}"
    while True:
        message = await ws.receive()
        if message.type in (WSMsgType.TEXT, WSMsgType.BINARY):
            if message.type == WSMsgType.TEXT:
                await ws.send_str(message.data)
            else:
                await ws.send_bytes(message.data)
        elif message.type == WSMsgType.PING:
            print(f"   [server] {peer} sent {describe(message)} (answered by the handler)")
            await ws.pong(message.data)
        elif message.type == WSMsgType.CLOSE:
            # autoclose: receive() has already answered with a Close.
            print(f"   [server] {peer} closed: {close_code(message.data, message.extra)}")
        elif message.type == WSMsgType.ERROR:
            # The error carries the close code aiohttp sent (1009 here).
            code = getattr(message.data, "code", 1006)
            print(f"   [server] {peer}: {message.data} (closing with {close_code(code, '')})")
        else:
            break  # CLOSING / CLOSED: the conversation is over
    print(f"   [server] the handler for {peer} returns; its connection task ends")
    return ws


async def receive(ws):
    return describe(await ws.receive())


async def demo():
    app = web.Application()
    app.router.add_get("/echo", echo)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    url = f"ws://127.0.0.1:{runner.addresses[0][1]}/echo"

    async with aiohttp.ClientSession() as session:
        print(f"1. connect to {url}: a GET with Upgrade: websocket, answered 101")
        # autoping off: the client sees the pong as a message.
        ws = await session.ws_connect(url, autoping=False)
        print("   connected")

        print("\n2. messages go out and come back")
        await ws.send_str("hello, WebSocket")
        print(f"   sent text      -> got {await receive(ws)}")
        await ws.send_bytes(bytes([0, 1, 2, 255]))
        print(f"   sent 4 bytes   -> got {await receive(ws)}")
        await ws.ping(b"are you there?")
        print(f"   sent a ping    -> got {await receive(ws)}")

        print("\n3. the closing handshake: Close 1000 out, Close back")
        # close() sends Close and waits for the server's Close.
        await ws.close(code=1000, message=b"done")
        await asyncio.sleep(0.05)
        print(f"   closed; recv now gives {await receive(ws)}")

        print("\n4. a message over the route's 1 KiB limit")
        ws = await session.ws_connect(url, autoping=False)
        await ws.send_str("x" * 2000)
        print(f"   the server answered with {await receive(ws)}")
        await asyncio.sleep(0.05)
        await ws.close()

    await runner.cleanup()
    print("\n5. server shut down with runner.cleanup()")


if __name__ == "__main__":
    asyncio.run(demo())
