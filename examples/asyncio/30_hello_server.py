"""30 — a web server: the aiohttp twin of examples/30_hello_server.rs.

An aiohttp.web Application with three handlers (text, a path parameter
with a default, an echo of the body), started on a free port with
AppRunner and TCPSite; the twin then writes requests to it as raw bytes
over asyncio streams and prints each answer, as the Rust example does.

Run it:   target/ws-venv/bin/python examples/asyncio/30_hello_server.py
Compare:  .ci/check-asyncio-twins 30      (needs aiohttp: see README.md)

Differs: aiohttp's `{name}` can be made optional by a second route, as
here, or by a regex in the route; the router's own 404 and 405 answers
say it in other words than aioli's.
"""

import asyncio

from aiohttp import web

from raw_http import send

# Ports are the OS's choice, different on every run.
# twin: replace 127\.0\.0\.1:\d+ => 127.0.0.1:PORT
# The router's own error pages are each framework's words: the status
# line and the Allow header are compared, the body text is not.
# twin: replace ^(\s+)"(404|405)[^"]*"$ => \1"<the router's error page>"
# aiohttp lists the allowed methods without a space after the comma.
# twin: replace Allow: GET,\s?HEAD => Allow: GET, HEAD
# aiohttp's cleanup does not count the connections it forced closed.
# twin: replace ^3\. shut down.*$ => 3. shut down


async def hello(request):
    return web.Response(text="Hello, World!")


async def greet(request):
    # The route without {name} has no parameter: the default applies.
    name = request.match_info.get("name", "Anonymous")
    return web.Response(text=f"Hello, {name}!")


async def echo(request):
    # Reading the body is an await: its bytes may still be on the way.
    return web.Response(body=await request.read())


def make_app():
    app = web.Application()
    app.router.add_get("/", hello)
    app.router.add_get("/greet/{name}", greet)
    app.router.add_get("/greet", greet)
    app.router.add_post("/echo", echo)
    return app


async def show(port, request):
    first_line = request.split("\r\n", 1)[0]
    status_line, headers, body = await send(port, request)
    _, status, reason = status_line.split(" ", 2)
    print(f"   {first_line:<36} -> {status} {reason} ({headers.get('content-type', '-')})")
    if "allow" in headers:
        print(f"   {'':<36}    Allow: {headers['allow']}")
    # repr() of a str quotes with '...'; the Rust example prints {:?}, "...".
    print(f"   {'':<36}    \"{body}\"")


async def demo():
    runner = web.AppRunner(make_app())
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    addr = f"127.0.0.1:{port}"
    print(f"1. serving on http://{addr}; each request below is written out as bytes\n")
    host = f"Host: {addr}\r\n"
    await show(port, f"GET / HTTP/1.1\r\n{host}\r\n")
    await show(port, f"GET /greet/Ada HTTP/1.1\r\n{host}\r\n")
    # Percent-encoding in a path parameter is decoded for the handler.
    await show(port, f"GET /greet/Grace%20Hopper HTTP/1.1\r\n{host}\r\n")
    await show(port, f"GET /greet HTTP/1.1\r\n{host}\r\n")
    body = "ping from a raw socket"
    await show(port, f"POST /echo HTTP/1.1\r\n{host}Content-Length: {len(body)}\r\n\r\n{body}")

    print("\n2. what the router answers by itself")
    await show(port, f"GET /nowhere HTTP/1.1\r\n{host}\r\n")
    await show(port, f"DELETE / HTTP/1.1\r\n{host}\r\n")

    # cleanup() stops accepting, lets requests in flight finish, then
    # closes what is left; it does not say how many it had to force.
    await runner.cleanup()
    print("\n3. shut down with runner.cleanup()")


if __name__ == "__main__":
    asyncio.run(demo())
