"""61 — a chat room: the aiohttp twin of examples/61_chat_room.rs.

One WebSocket route, many clients, one broadcast: alice, bob and carol
join in turn and each member hears every arrival; alice speaks; bob
leaves with a Close and the two left hear it; carol speaks; all close.

Run it:   target/ws-venv/bin/python examples/asyncio/61_chat_room.py
Compare:  .ci/check-asyncio-twins 61      (needs aiohttp: see README.md)

Differs: the broadcast here is aiohttp's usual one, `await send_str` on
every member in turn, so one slow member holds up the rest; the Rust
example gives each member an outbox drained by its own writer task, and
its broadcast only queues. A room of three on one machine prints the
same transcript either way.
"""

import asyncio

import aiohttp
from aiohttp import WSMsgType, web

# aiohttp's cleanup does not count the connections it forced closed.
# twin: replace ^(\s+server shut down).*$ => \1

ROOM = web.AppKey("room", dict)


async def broadcast(room, line):
    """Sends `line` to every member, one after the other."""
    for ws in list(room.values()):
        # A member whose socket is closing is about to leave; skip it.
        if not ws.closed:
            await ws.send_str(line)


async def chat(request):
    room = request.app[ROOM]
    name = request.query.get("name", "anonymous")
    if name in room:
        raise web.HTTPConflict(text=f'the name "{name}" is taken\n')
    ws = web.WebSocketResponse()
    await ws.prepare(request)
    room[name] = ws
    await broadcast(room, f"* {name} joined ({len(room)} here)")
    try:
        # Ends at the Close (answered by aiohttp), an error or a drop.
        async for message in ws:
            if message.type == WSMsgType.TEXT:
                await broadcast(room, f"{name}: {message.data}")
    finally:
        del room[name]
    await broadcast(room, f"* {name} left ({len(room)} here)")
    return ws


async def hear(name, ws):
    """Prints the next line `name` receives, bounded in time."""
    async with asyncio.timeout(5):
        message = await ws.receive()
    if message.type == WSMsgType.TEXT:
        print(f"   {name:>5} hears  {message.data}")
    else:
        print(f"   {name:>5} got    {message.type.name} {message.data!r}")


async def demo():
    app = web.Application()
    app[ROOM] = {}
    app.router.add_get("/chat", chat)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    base = f"ws://127.0.0.1:{runner.addresses[0][1]}/chat"

    async with aiohttp.ClientSession() as session:
        members = []
        print("1. three clients join, one after the other")
        for name in ["alice", "bob", "carol"]:
            members.append((name, await session.ws_connect(f"{base}?name={name}")))
            for member in members:
                await hear(*member)

        print("\n2. alice speaks; the room broadcasts to everyone")
        await members[0][1].send_str("hello, room")
        for member in members:
            await hear(*member)

        print("\n3. bob leaves mid-way: Close 1000, the closing handshake, then the room tells the rest")
        _, bob = members.pop(1)
        await bob.close(code=1000, message=b"bye")  # sends Close, waits for the answer
        print("   bob's socket is closed")
        for member in members:
            await hear(*member)

        print("\n4. carol speaks to the two who remain")
        await members[1][1].send_str("just us now")
        for member in members:
            await hear(*member)

        print("\n5. alice and carol close too")
        for _, ws in members:
            await ws.close(code=1001, message=b"done")
    await runner.cleanup()
    print("   server shut down with runner.cleanup()")


if __name__ == "__main__":
    asyncio.run(demo())
