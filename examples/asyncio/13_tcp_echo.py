"""13 — TCP streams: the asyncio twin of examples/13_tcp_echo.rs.

A line echo server with start_server, three clients with
open_connection; a raw echo with a half-close (write_eof); and a
connection refused.

Run it:   python3 examples/asyncio/13_tcp_echo.py
Compare:  .ci/check-asyncio-twins 13

Differs: asyncio hands the handler a (reader, writer) pair where aioli
hands over one TcpStream to split. `writer.write` buffers without limit
and `drain` waits; aioli's `write_all` waits until the kernel took every
byte. asyncio has a Server object to close; in aioli the accept loop is
a task, and closing the server is aborting it.
"""

import asyncio
import json
import time

# Section titles name each runtime's own calls: only their order counts.
# twin: replace ^(\d+\.)\s.*$ => \1
# Ports are the OS's choice, different on every run.
# twin: replace 127\.0\.0\.1:\d+ => 127.0.0.1:PORT
# The line about stopping the server names each runtime's own way.
# twin: replace server: accept loop cancelled by abort\(\), listener closed => server: closed, no longer accepting
# The refused connection: the kind agrees, the messages are each OS
# binding's own.
# twin: replace ^(   ConnectionRefused): .* => \1
# twin: replace io::copy returned => the copy returned

LIMIT = 2.0


def at(start):
    return f"{time.monotonic() - start:.2f}s"


def address(writer):
    host, port = writer.get_extra_info("peername")[:2]
    return f"{host}:{port}"


async def client(client_id, port, start):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    for n in range(1, 4):
        line = f"client {client_id}, line {n}"
        writer.write(f"{line}\n".encode())
        await writer.drain()
        echo = (await reader.readline()).decode().rstrip("\n")
        print(f"   [{at(start)}] client {client_id}: sent {json.dumps(line)}, echo {json.dumps(echo)}")
        await asyncio.sleep(0.05)
    # Closed by main, after it stopped the server. In the Rust example the
    # stream closes when the client returns, but the loop only reports the
    # EOFs in a later turn, after main's next steps; here a close() could
    # reach the server's reader first, so main closes them itself.
    return writer


async def main():
    start = time.monotonic()
    print("1. a line echo server and three concurrent clients")
    handlers = []
    accepted = 0

    async def serve_lines(reader, writer):
        nonlocal accepted
        accepted += 1
        handlers.append(asyncio.current_task())
        peer = address(writer)
        print(f"   server: accepted connection {accepted} from {peer}")
        count = 0
        async for line in reader:  # one line at a time, until EOF
            writer.write(line)
            await writer.drain()
            count += 1
        print(f"   server: {peer} hung up after {count} lines")
        writer.close()
        return count

    server = await asyncio.start_server(serve_lines, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    print(f"   server: listening on 127.0.0.1:{port}")
    async with asyncio.timeout(LIMIT):
        writers = await asyncio.gather(*(client(i, port, start) for i in range(1, 4)))
    server.close()  # stop accepting; connections being served live on
    print("   server: closed, no longer accepting")
    for writer in writers:
        writer.close()
    # Python 3.12's wait_closed() waits for the handlers; 3.11's does not,
    # so wait for them here.
    async with asyncio.timeout(LIMIT):
        counts = await asyncio.gather(*handlers)
    print(f"   [{at(start)}] server closed; {sum(counts)} lines echoed in all\n")

    print("2. a raw echo with a read/write loop, and a half-close (write_eof)")
    copied = asyncio.get_running_loop().create_future()

    async def copy_echo(reader, writer):
        total = 0
        while chunk := await reader.read(4096):  # until the client's EOF
            writer.write(chunk)
            await writer.drain()
            total += len(chunk)
        writer.close()
        copied.set_result(total)

    server = await asyncio.start_server(copy_echo, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    parts = [b"bytes in, ", b"the same bytes out"]
    for part in parts:
        writer.write(part)
    await writer.drain()
    writer.write_eof()  # send FIN: no more writing, reading goes on
    print(f"   client: sent {sum(map(len, parts))} bytes, then shutdown() (half-close)")
    async with asyncio.timeout(LIMIT):
        echo = (await reader.read()).decode()
    print(f"   client: read {json.dumps(echo)} after the half-close, then EOF")
    async with asyncio.timeout(LIMIT):
        print(f"   server: the copy returned after {await copied} bytes\n")
    writer.close()
    server.close()

    print("3. connecting where nobody listens")
    probe = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    free_port = probe.sockets[0].getsockname()[1]
    probe.close()
    await probe.wait_closed()
    try:
        await asyncio.wait_for(asyncio.open_connection("127.0.0.1", free_port), LIMIT)
        print("   connected?! someone took the port meanwhile")
    except ConnectionRefusedError as error:
        print(f"   ConnectionRefused: {error}")
    print(f"   [{at(start)}] done")


asyncio.run(main())
