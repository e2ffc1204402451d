"""44 — streaming responses: the asyncio twin of examples/44_streaming.rs.

JSON lines read one by one from `response.content` (stopping after ten),
a 5000-byte body in 1 KiB pieces with `iter_chunked`, and the raw
pieces of a chunked body with `iter_chunks`.

Run it:   target/ws-venv/bin/python examples/asyncio/44_streaming.py
Compare:  .ci/check-asyncio-twins 44

Differs: `iter_chunked(1024)` yields *up to* 1024 bytes, whatever is
buffered; aioli's `chunks(1024)` yields exactly 1024 (the last shorter).
Here the 5000 bytes have all arrived before the first read, so both
print the same pieces. `iter_chunks()` yields each HTTP chunk as the
server framed it; aioli's `chunk()` yields what came off the socket.
"""

import asyncio
import json

import aiohttp

import testing_app

# The lines echo the request headers, which name each client.
# twin: replace \(\d+ bytes of JSON\) => (N bytes of JSON)
# aioli closes the half-read connection, aiohttp had received it all (see below).
# twin: rust-only ^  stopped after \d+; the unread rest
# twin: python-only ^  stopped after \d+; the rest had arrived
# aioli prints its PoolStatus struct, the twin the same two numbers.
# twin: replace PoolStatus \{ open: (\d+), idle: (\d+).*\}$ => open \1, idle \2


async def main():
    runner, base = await testing_app.start()
    async with aiohttp.ClientSession() as session:
        print("JSON lines from /stream/20, stopping after ten:")
        count = 0
        async with session.get(f"{base}/stream/20") as response:
            print(f"  Transfer-Encoding: {response.headers.get('Transfer-Encoding', '-')}")
            async for line in response.content:  # one line at a time
                item = json.loads(line)
                count += 1
                size = len(json.dumps(item, separators=(",", ":")))
                print(f"  item {count:>2}: id {item['id']} ({size} bytes of JSON)")
                await asyncio.sleep(0.02)  # processing time
                if count >= 10:
                    break
        # Leaving `async with` with the body half read would close the
        # connection; but these 20 short lines arrived in one go, and
        # aiohttp hands the connection back once the whole body has been
        # received, read or not: it stays open and idle.
        opened, idle = testing_app.pool_status(session.connector)
        print(f"  stopped after {count}; the rest had arrived, the connection is back: open {opened}, idle {idle}")

        print("\n/bytes/5000 in 1 KiB pieces:")
        async with session.get(f"{base}/bytes/5000") as response:
            expected = response.content_length or 0
            total = 0
            async for piece in response.content.iter_chunked(1024):
                total += len(piece)
                print(f"  piece of {len(piece):>4} bytes (total {total})")
        print(f"  {total} bytes, Content-Length said {expected}: {'equal' if total == expected else 'DIFFERENT'}")

        print("\nthe raw pieces of a chunked body (/stream-bytes/3000?chunk_size=700):")
        async with session.get(f"{base}/stream-bytes/3000?chunk_size=700") as response:
            async for piece, _end_of_chunk in response.content.iter_chunks():
                print(f"  {len(piece)} bytes")
        opened, idle = testing_app.pool_status(session.connector)
        print(f"  end of body; the connection is back in the pool: open {opened}, idle {idle}")
    await runner.cleanup()


asyncio.run(main())
