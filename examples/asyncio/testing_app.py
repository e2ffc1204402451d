"""The testing app of the client twins: aiohttp.web, on 127.0.0.1, port 0.

The Rust client examples (40-52) start `aioli_http::testing::app()`, an
offline httpbin and jsonplaceholder, in the same program. Their twins
start this instead: the routes they call, answering in the same JSON
shapes (http/src/testing/), and the same generated records and bytes,
so the twins can print the same titles, names and sizes.

Not a twin of its own: `python3 examples/asyncio/40_client_get_post.py`
imports it (it sits beside them). Needs aiohttp (the venv `.ci/run`
makes, target/ws-venv).

Differs from the Rust app: only the routes the twins use; a handler
here is a coroutine taking an aiohttp `web.Request`, where aioli's takes
its own `Request` by value.
"""

import asyncio
import json

from aiohttp import web

MASK = (1 << 64) - 1


class SplitMix64:
    """The generator of http/src/testing/fake_text.rs, so the same seed
    gives the same words and bytes as the Rust app."""

    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, bound):
        return self.next() % bound


WORDS = (
    "alda benet corva dulis enta ferro gavia humus ilex juva kappa lumen mora nexa orbis pavo quies rana silva "
    "tela umbra vela xenia zephyr arca brevis civis domus equus flumen gratia hora iter lex mare nox opus pax "
    "ratio sol terra urbs via vox"
).split()


def words(seed, count):
    rng = SplitMix64(seed)
    return " ".join(WORDS[rng.below(len(WORDS))] for _ in range(count))


def title(seed):
    return words(seed, 3 + SplitMix64(seed ^ 0x007469746C65).below(5))


def paragraph(seed):
    rng = SplitMix64(seed ^ 0x626F6479)
    lines = []
    for line in range(4):
        # The Rust code draws the seed first, then the length.
        line_seed = rng.next() ^ line
        lines.append(words(line_seed, 6 + rng.below(5)))
    return "\n".join(lines)


def fake_bytes(seed, n):
    rng = SplitMix64(seed)
    out = bytearray()
    while len(out) < n:
        out += rng.next().to_bytes(8, "little")
    return bytes(out[:n])


# ---- jsonplaceholder-like records, generated from their ids ----

FIRST = ["Ada", "Brendan", "Chiara", "Dmitri", "Esi", "Farah", "Goran", "Hana", "Ilse", "Jun"]
LAST = ["Lindqvist", "Okafor", "Moreau", "Takeda", "Novak", "Haddad", "Brennan", "Silva", "Kowalski", "Mbeki"]


def post(i):
    return {"userId": (i - 1) // 10 + 1, "id": i, "title": title(i), "body": paragraph(i)}


def comment(i):
    seed = 1000 + i
    rng = SplitMix64(seed)
    email = f"{words(rng.next(), 1)}.{words(rng.next(), 1)}@example.net"
    return {"postId": (i - 1) // 5 + 1, "id": i, "name": words(seed, 4), "email": email, "body": paragraph(seed)}


def user(i):
    # The name fields only: the twins print nothing else of a user.
    first, last = FIRST[(i - 1) % 10], LAST[(i - 1) % 10]
    username = (first + last[0]).lower()
    return {"id": i, "name": f"{first} {last}", "username": username, "email": f"{username}@example.org"}


# ---- httpbin-like answers ----


def json_response(data, status=200):
    """JSON as serde_json writes a Value: keys sorted, no spaces."""
    return web.json_response(data, status=status, dumps=lambda value: json.dumps(value, sort_keys=True, separators=(",", ":")))


def describe(request):
    """args, headers, origin, url: what every describing route shares."""
    args = {}
    for name, value in request.query.items():
        if name in args:
            args[name] = (args[name] if isinstance(args[name], list) else [args[name]]) + [value]
        else:
            args[name] = value
    headers = {}
    for name, value in request.headers.items():
        name = "-".join(part.capitalize() for part in name.split("-"))
        headers[name] = f"{headers[name]},{value}" if name in headers else value
    return {"args": args, "headers": headers, "origin": request.remote, "url": f"http://{request.host}{request.path_qs}"}


async def get(request):
    return json_response(describe(request))


async def post_echo(request):
    body = await request.read()
    answer = describe(request)
    try:
        parsed = json.loads(body)
    except ValueError:
        parsed = None
    answer.update(data=body.decode("utf-8", "replace"), form={}, json=parsed, files={})
    return json_response(answer)


async def headers(request):
    return json_response({"headers": describe(request)["headers"]})


async def user_agent(request):
    return json_response({"user-agent": request.headers.get("User-Agent")})


async def status(request):
    return web.Response(status=int(request.match_info["code"]))


async def delay(request):
    await asyncio.sleep(min(float(request.match_info["secs"]), 10.0))
    return json_response(describe(request))


async def stream_lines(request):
    response = web.StreamResponse(headers={"Content-Type": "application/json"})
    response.enable_chunked_encoding()
    await response.prepare(request)
    base = describe(request)
    for i in range(min(int(request.match_info["n"]), 100)):
        # One line per write: a client reading lines sees them separately.
        await response.write((json.dumps({**base, "id": i}, separators=(",", ":")) + "\n").encode())
    await response.write_eof()
    return response


async def some_bytes(request):
    seed = int(request.query.get("seed", 42))
    return web.Response(body=fake_bytes(seed, int(request.match_info["n"])))


async def stream_bytes(request):
    seed = int(request.query.get("seed", 42))
    size = max(1, int(request.query.get("chunk_size", 10240)))
    data = fake_bytes(seed, int(request.match_info["n"]))
    response = web.StreamResponse()
    response.enable_chunked_encoding()
    await response.prepare(request)
    for at in range(0, len(data), size):
        await response.write(data[at : at + size])
        # Let the loop send this chunk before the next: the Rust server
        # writes each chunk of a stream as its own write.
        await asyncio.sleep(0)
    await response.write_eof()
    return response


async def drip(request):
    duration = float(request.query.get("duration", 2))
    numbytes = min(int(request.query.get("numbytes", 10)), 10 * 1024)
    response = web.StreamResponse()
    response.enable_chunked_encoding()
    await response.prepare(request)
    try:
        for _ in range(numbytes):
            await response.write(b"*")
            await asyncio.sleep(duration / numbytes)
        await response.write_eof()
    except ConnectionResetError:
        pass  # the client gave up (a timeout): nobody to drip to
    return response


async def list_of(request, field, count, per_parent, make):
    """`count` records, or those whose `field` equals the query's: record
    i belongs to parent (i - 1) // per_parent + 1, so the matching ids
    are computed, not searched for (generating all 500 comments for each
    request is slow in Python)."""
    wanted = request.query.get(field)
    if wanted is None:
        ids = range(1, count + 1)
    else:
        parent = int(wanted) if wanted.isdigit() else 0
        ids = range(max(1, (parent - 1) * per_parent + 1), min(count, parent * per_parent) + 1)
    return json_response([make(i) for i in ids])


async def posts(request):
    return await list_of(request, "userId", 100, 10, post)


async def comments(request):
    return await list_of(request, "postId", 500, 5, comment)


def by_id(count, make):
    async def handler(request):
        i = int(request.match_info["id"]) if request.match_info["id"].isdigit() else 0
        if 1 <= i <= count:
            return json_response(make(i))
        return json_response({}, status=404)

    return handler


async def create_post(request):
    posted = await request.json()
    return json_response({**posted, "id": 101}, status=201)


# ---- the linked site under /site/ (http/src/testing/site.rs) ----

HOME_LINKS = ["about.html", "/site/blog/", "docs/intro.html"]
PAGES = {
    "/site/": ("Home", HOME_LINKS),
    "/site/index.html": ("Home", HOME_LINKS),
    "/site/about.html": ("About", ["index.html", "team.html", "blog/post-1.html"]),
    "/site/team.html": ("Team", ["/site/about.html", "missing.html"]),
    "/site/blog/": ("Blog", ["post-1.html", "post-2.html", "../about.html"]),
    "/site/blog/post-1.html": ("First post", ["post-2.html", "/site/blog/"]),
    "/site/blog/post-2.html": ("Second post", ["../index.html", "post-1.html"]),
    "/site/docs/intro.html": ("Introduction", ["../about.html", "../blog/"]),
}


def page(path):
    page_title, links = PAGES[path]

    async def handler(request):
        items = "".join(f'  <li><a href="{link}">{link}</a></li>\n' for link in links)
        html = (
            f'<!DOCTYPE html>\n<html>\n<head><meta charset="utf-8"><title>{page_title}</title></head>\n<body>\n'
            f"<h1>{page_title}</h1>\n<p>A page of the aioli test site, at {path}.</p>\n<ul>\n{items}</ul>\n</body>\n</html>\n"
        )
        return web.Response(text=html, content_type="text/html")

    return handler


def app(middlewares=()):
    """The routes the twins use, on a fresh aiohttp Application."""
    application = web.Application(middlewares=middlewares)
    application.add_routes(
        [
            web.get("/get", get),
            web.post("/post", post_echo),
            web.get("/headers", headers),
            web.get("/user-agent", user_agent),
            web.get("/status/{code}", status),
            web.get("/delay/{secs}", delay),
            web.get("/stream/{n}", stream_lines),
            web.get("/bytes/{n}", some_bytes),
            web.get("/stream-bytes/{n}", stream_bytes),
            web.get("/drip", drip),
            web.get("/posts", posts),
            web.post("/posts", create_post),
            web.get("/posts/{id}", by_id(100, post)),
            web.get("/users/{id}", by_id(10, user)),
            web.get("/comments", comments),
        ]
        + [web.get(path, page(path)) for path in PAGES]
    )
    return application


async def start(application=None, ssl_context=None):
    """Serves `application` (default: app()) on 127.0.0.1, a free port.
    Returns (runner, base URL); `await runner.cleanup()` stops it."""
    runner = web.AppRunner(application or app(), access_log=None)
    await runner.setup()
    # A backlog above the 128 default: 50_memory opens 200 connections at once.
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=ssl_context, backlog=1024)
    await site.start()
    port = runner.addresses[0][1]
    scheme = "https" if ssl_context else "http"
    return runner, f"{scheme}://127.0.0.1:{port}"


def pool_status(connector):
    """(open, idle) connections of an aiohttp connector, like aioli's
    `client.pool_status()`. aiohttp has no public call for this: these are
    its private `_acquired` (in use) and `_conns` (idle, per host) fields,
    read only to print them."""
    idle = sum(len(conns) for conns in connector._conns.values())
    return len(connector._acquired) + idle, idle
