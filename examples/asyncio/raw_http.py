"""One raw HTTP/1.1 exchange over a plain asyncio stream, for the server twins.

The Rust server examples talk to themselves with aioli_http::testing::send
(a request written by hand, one answer read back); the twins 30-32 do the
same with this, so both sides see exactly the bytes on the wire, not a
client library's idea of them.
"""

import asyncio


async def send(port, request):
    """Writes one raw request, reads one answer: (status line, headers, body)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(request.encode())
        await writer.drain()
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        status_line, *header_lines = head.rstrip("\r\n").split("\r\n")
        headers = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        return status_line, headers, body.decode("utf-8", "replace")
    finally:
        writer.close()
        await writer.wait_closed()
