"""31 — a REST API: the aiohttp twin of examples/31_rest_api.rs.

A small library API: JSON in and out, status codes (201 with Location,
400, 422, 404, 204), a urlencoded login form that sets an HttpOnly
cookie, a `/me` that needs it, and an X-Request-Id header echoed back.
The state is a plain object in the Application: one loop, one thread.

Run it:   target/ws-venv/bin/python examples/asyncio/31_rest_api.py
Compare:  .ci/check-asyncio-twins 31      (needs aiohttp: see README.md)

Differs: errors are raised (`web.HTTPNotFound(text=…)`) where aioli
returns them as values; the JSON parser's message for a broken body is
json's own, not serde's.
"""

import asyncio
import json

from aiohttp import web

from raw_http import send

# Ports are the OS's choice, different on every run.
# twin: replace 127\.0\.0\.1:\d+ => 127.0.0.1:PORT
# Why a body is not JSON: each parser says it in its own words.
# twin: replace (the request body is not valid JSON for this endpoint): .*$ => \1: <the parser's reason>
# 422's reason phrase: RFC 9110 renamed it "Unprocessable Content";
# aiohttp takes Python's http.HTTPStatus, which keeps the older name.
# twin: replace 422 Unprocessable Entity => 422 Unprocessable Content
# The cookie's attributes: aiohttp writes them in its own order and case.
# twin: replace set-cookie: session=session-1.*$ => set-cookie: session=session-1; HttpOnly; Path=/

ACCOUNT = ("ada", "lovelace")
LIBRARY = web.AppKey("library", dict)


def as_json(value, status=200, headers=None):
    # Compact and with sorted keys, as serde_json writes a Value (its
    # objects are BTreeMaps); Python keeps insertion order by default.
    def dumps(v):
        return json.dumps(v, separators=(",", ":"), sort_keys=True)

    return web.json_response(value, status=status, headers=headers, dumps=dumps)


def not_found(book_id):
    return web.HTTPNotFound(text=f"no book with id {book_id}")


async def list_books(request):
    author = request.query.get("author")
    books = [book for book in request.app[LIBRARY]["books"].values() if author is None or book["author"] == author]
    response = as_json(books)
    # A header in, the same header out: a request id follows a call.
    if "X-Request-Id" in request.headers:
        response.headers["X-Request-Id"] = request.headers["X-Request-Id"]
    return response


async def add_book(request):
    try:
        book = await request.json()
    except json.JSONDecodeError as error:
        raise web.HTTPBadRequest(text=f"the request body is not valid JSON for this endpoint: {error}")
    # JSON that is not an object has no title either (serde's Value
    # answers Null for a missing key; a Python list has no .get).
    title = book.get("title") if isinstance(book, dict) else None
    if not isinstance(title, str) or not title.strip():
        raise web.HTTPUnprocessableEntity(text='a book needs a non-empty "title"')
    library = request.app[LIBRARY]
    library["next_id"] += 1
    book_id = library["next_id"]
    book["id"] = book_id
    library["books"][book_id] = book
    return as_json(book, status=201, headers={"Location": f"/books/{book_id}"})


async def get_book(request):
    book_id = request.match_info["id"]
    book = request.app[LIBRARY]["books"].get(int(book_id)) if book_id.isdigit() else None
    if book is None:
        raise not_found(book_id)
    return as_json(book)


async def delete_book(request):
    book_id = request.match_info["id"]
    books = request.app[LIBRARY]["books"]
    if not book_id.isdigit() or books.pop(int(book_id), None) is None:
        raise not_found(book_id)
    return web.Response(status=204)


async def login(request):
    form = await request.post()  # user=ada&password=lovelace
    if (form.get("user"), form.get("password")) != ACCOUNT:
        raise web.HTTPUnauthorized(text="wrong user or password")
    sessions = request.app[LIBRARY]["sessions"]
    token = f"session-{len(sessions) + 1}"
    sessions[token] = ACCOUNT[0]
    response = as_json({"hello": ACCOUNT[0]})
    # HttpOnly: page scripts cannot read it; Path=/: sent with every request.
    response.set_cookie("session", token, path="/", httponly=True)
    return response


async def me(request):
    user = request.app[LIBRARY]["sessions"].get(request.cookies.get("session"))
    if user is None:
        raise web.HTTPUnauthorized(text="log in first: POST /login sets the session cookie")
    return as_json({"user": user, "user_agent": request.headers.get("User-Agent")})


def make_app():
    app = web.Application()
    app[LIBRARY] = {"books": {}, "next_id": 0, "sessions": {}}
    app.router.add_get("/books", list_books)
    app.router.add_post("/books", add_book)
    app.router.add_get("/books/{id}", get_book)
    app.router.add_delete("/books/{id}", delete_book)
    app.router.add_post("/login", login)
    app.router.add_get("/me", me)
    return app


async def call(port, method, path, headers, body):
    addr = f"127.0.0.1:{port}"
    request = f"{method} {path} HTTP/1.1\r\nHost: {addr}\r\n{headers}Content-Length: {len(body.encode())}\r\n\r\n{body}"
    status_line, answer, text = await send(port, request)
    _, status, reason = status_line.split(" ", 2)
    print(f"   {method:<6} {path:<22} -> {status} {reason}")
    for name in ["location", "set-cookie", "x-request-id"]:
        if name in answer:
            print(f"   {'':<29}    {name}: {answer[name]}")
    if text:
        print(f"   {'':<29}    {text.rstrip()}")


async def demo():
    runner = web.AppRunner(make_app())
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    as_json_header = "Content-Type: application/json\r\n"
    print(f"1. JSON in, JSON out, and the status codes that say what happened (http://127.0.0.1:{port})")
    await call(port, "POST", "/books", as_json_header, '{"title": "Dune", "author": "Herbert"}')
    await call(port, "POST", "/books", as_json_header, '{"title": "Solaris", "author": "Lem"}')
    await call(port, "POST", "/books", as_json_header, '{"title": "Dune", "author": ')
    await call(port, "POST", "/books", as_json_header, '{"author": "Nobody"}')
    await call(port, "GET", "/books/2", "", "")
    await call(port, "GET", "/books/99", "", "")
    await call(port, "GET", "/books?author=Lem", "X-Request-Id: demo-42\r\n", "")

    print("\n2. a form logs in and sets a cookie; the cookie opens /me")
    form = "Content-Type: application/x-www-form-urlencoded\r\n"
    await call(port, "GET", "/me", "", "")
    await call(port, "POST", "/login", form, "user=ada&password=guess")
    await call(port, "POST", "/login", form, "user=ada&password=lovelace")
    # A browser would send the cookie back by itself; here we write it.
    await call(port, "GET", "/me", "Cookie: session=session-1\r\nUser-Agent: demo/1.0\r\n", "")

    print("\n3. deleting: 204 and no body, then 404")
    await call(port, "DELETE", "/books/1", "", "")
    await call(port, "DELETE", "/books/1", "", "")
    await call(port, "GET", "/books", "", "")
    await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(demo())
