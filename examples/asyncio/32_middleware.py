"""32 — middleware: the aiohttp twin of examples/32_middleware.rs.

Three middlewares around every handler, in the order they are listed:
an access log (address, method, path, status, time taken), an auth check
that answers 401 by itself for /admin without the token, and one that
adds an X-Served-By header to every answer on its way out.

Run it:   target/ws-venv/bin/python examples/asyncio/32_middleware.py
Compare:  .ci/check-asyncio-twins 32      (needs aiohttp: see README.md)

Differs: aiohttp's router raises HTTPNotFound for a path nobody routed,
and the exception passes through the middlewares on its way out: one
that changes answers must catch it (served_by below) where aioli hands
every middleware a plain Response, 404s included.
"""

import asyncio
import time

from aiohttp import web

from raw_http import send

# Ports are the OS's choice, different on every run.
# twin: replace 127\.0\.0\.1:\d+ => 127.0.0.1:PORT
# The header names each runtime's own example.
# twin: replace x-served-by: aio\S+ example 32 => x-served-by: example 32
# The router's own 404 page is each framework's words.
# twin: replace "404[^"]*" => "<the router's 404 page>"


def took(seconds):
    """A duration the way Rust's `{:.1?}` prints one: 15.2µs, 102.4ms."""
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f}µs"
    if seconds < 1:
        return f"{seconds * 1e3:.1f}ms"
    return f"{seconds:.1f}s"


@web.middleware
async def log_requests(request, handler):
    """The access log: one line per request, written after the answer exists."""
    start = time.monotonic()
    host, port = request.transport.get_extra_info("peername")[:2]
    try:
        response = await handler(request)
        status = response.status
    except web.HTTPException as answer:
        status = answer.status
        raise
    finally:
        print(f"   log: {host}:{port} {request.method} {request.path_qs} -> {status} in {took(time.monotonic() - start)}")
    return response


@web.middleware
async def require_token(request, handler):
    """/admin/… needs a bearer token; without it this answers 401 itself."""
    if request.path.startswith("/admin") and request.headers.get("Authorization") != "Bearer s3cret":
        return web.Response(
            text="401: /admin needs `Authorization: Bearer <token>`\n",
            status=401,
            headers={"WWW-Authenticate": 'Bearer realm="admin"'},
        )
    return await handler(request)


@web.middleware
async def served_by(request, handler):
    """Changes every answer on its way out, the raised ones too."""
    try:
        response = await handler(request)
    except web.HTTPException as answer:
        answer.headers["X-Served-By"] = "aiohttp example 32"
        raise
    response.headers["X-Served-By"] = "aiohttp example 32"
    return response


async def public(request):
    return web.Response(text="public page\n")


async def stats(request):
    return web.Response(text="42 requests served, 0 lost\n")


async def slow(request):
    await asyncio.sleep(0.1)
    return web.Response(text="that took a while\n")


def make_app():
    # First in the list, outermost: the log sees the 401s too.
    app = web.Application(middlewares=[log_requests, require_token, served_by])
    app.router.add_get("/", public)
    app.router.add_get("/admin/stats", stats)
    app.router.add_get("/slow", slow)
    return app


def quoted(text):
    """A string the way Rust's `{:?}` prints it: double quotes, \\n escaped."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


async def call(port, path, extra_headers):
    status_line, headers, body = await send(port, f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{extra_headers}\r\n")
    notes = [f"{name}: {headers[name]}" for name in ["www-authenticate", "x-served-by"] if name in headers]
    print(f"   client: GET {path} -> {status_line.split(' ')[1]} {quoted(body)}  [{'; '.join(notes)}]")


async def demo():
    runner = web.AppRunner(make_app())
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    print(f"middleware order: log_requests -> require_token -> served_by -> handler (http://127.0.0.1:{port})\n")
    await call(port, "/", "")
    await call(port, "/admin/stats", "")
    await call(port, "/admin/stats", "Authorization: Bearer wrong\r\n")
    await call(port, "/admin/stats", "Authorization: Bearer s3cret\r\n")
    await call(port, "/slow", "")
    await call(port, "/missing", "")
    await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(demo())
