"""43 — an API aggregator: the asyncio twin of examples/43_api_aggregator.rs.

Four users collected at once: each user and their posts as two
concurrent requests, then the comments of every post together; user 99
does not exist and its 404 is reported while the others succeed.

Run it:   target/ws-venv/bin/python examples/asyncio/43_api_aggregator.py
Compare:  .ci/check-asyncio-twins 43

Differs: `raise_for_status=True` makes a 404 an exception, which
`gather(..., return_exceptions=True)` turns back into a value; in aioli
`error_for_status()?` returns an `Err` and `?` ends that user's chain.
"""

import asyncio
import time

import aiohttp

import testing_app

# Each side words the 404 its own way: compare that it is one.
# twin: replace ^(user 99: not collected: ).*404.*$ => \1404
# How many connections the pool opened for ~40 concurrent requests is
# each client's own policy (and timing): not compared.
# twin: replace over \d+ connections => over N connections
# The total is a few milliseconds of CPU work on each side (a debug
# build's JSON against Python's), which a busy machine stretches to a
# second: printed, not compared.
# twin: replace in [\d.]+ ms => in T ms


async def get_json(session, url, params=None):
    async with session.get(url, params=params) as response:
        return await response.json()


async def collect(session, base, user_id):
    user, posts = await asyncio.gather(
        get_json(session, f"{base}/users/{user_id}"),
        get_json(session, f"{base}/posts", {"userId": user_id}),
    )
    lists = await asyncio.gather(*(get_json(session, f"{base}/comments", {"postId": post["id"]}) for post in posts))
    return user["name"], len(posts), sum(len(comments) for comments in lists), 2 + len(posts)


async def main():
    runner, base = await testing_app.start()
    async with aiohttp.ClientSession(raise_for_status=True) as session:
        start = time.monotonic()
        users = [1, 2, 3, 99]
        results = await asyncio.gather(*(collect(session, base, i) for i in users), return_exceptions=True)
        for user_id, result in zip(users, results):
            if isinstance(result, BaseException):
                print(f"user {user_id:>2}: not collected: {result}")
            else:
                name, posts, comments, requests = result
                print(f"user {user_id:>2}: {name:<20} {posts:>2} posts, {comments:>3} comments ({requests} requests)")
        opened, _ = testing_app.pool_status(session.connector)
        print(f"\nall users in {(time.monotonic() - start) * 1000:.1f} ms over {opened} connections")
    await runner.cleanup()


asyncio.run(main())
