"""Python `websockets` as a server for aioli-http's WebSocket client.

Driven by tests/ws_python.rs: python ws_server.py
Prints "port N" once listening, then, for each connection that ends,
"closed <path> <code> <reason>". Each path asks for one behaviour:

  /echo        send every message back
  /fragments   send a text message in three fragments, then a binary in two
  /ping        ping the client and report whether its pong came: "pong ok"
  /close       close with 4001 "server says bye"
  /bad-utf8    send a Text frame that is not UTF-8 (the client must close 1007)
  /big         send a 2000-byte message (the client's limit is 1000: 1009)
"""

import asyncio

from websockets.asyncio.server import serve
from websockets.exceptions import ConnectionClosed


async def handler(ws):
    path = ws.request.path
    try:
        if path == "/echo":
            async for message in ws:
                await ws.send(message)
        elif path == "/fragments":
            await ws.send(["frag", "men", "ted"])
            await ws.send([b"\x01\x02", b"\x03"])
            await ws.wait_closed()
        elif path == "/ping":
            pong = await ws.ping(b"beat")
            await asyncio.wait_for(pong, 5)
            print("pong ok", flush=True)
            await ws.wait_closed()
        elif path == "/close":
            await ws.close(4001, "server says bye")
        elif path == "/bad-utf8":
            await ws.send(b"\xc3\x28", text=True)
            await ws.wait_closed()
        elif path == "/big":
            await ws.send("y" * 2000)
            await ws.wait_closed()
    except ConnectionClosed:
        pass
    print("closed", path, ws.close_code, repr(ws.close_reason), flush=True)


async def main():
    async with serve(handler, "127.0.0.1", 0, ping_interval=None, close_timeout=5) as server:
        port = server.sockets[0].getsockname()[1]
        print("port", port, flush=True)
        # The test kills this process when it is done; this bound is for
        # a test that died without doing so.
        await asyncio.sleep(60)


asyncio.run(main())
