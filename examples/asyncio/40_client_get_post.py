"""40 — an HTTP client: the asyncio twin of examples/40_client_get_post.rs.

GET with a query, POST with JSON, and a custom User-Agent, with one
aiohttp.ClientSession against the testing app (testing_app.py) served
in the same program.

Run it:   target/ws-venv/bin/python examples/asyncio/40_client_get_post.py
Compare:  .ci/check-asyncio-twins 40

Differs: `async with session.get(...)` releases the connection when the
block ends; aioli releases it when the body has been read (or the
response dropped). aiohttp's default User-Agent names Python and aiohttp.
"""

import asyncio
import json

import aiohttp

import testing_app

# Ports are the OS's choice, different on every run.
# twin: replace 127\.0\.0\.1:\d+ => 127.0.0.1:PORT
# Each client's default User-Agent names itself.
# twin: replace "(aioli-http/[^"]*|Python/[^"]*)" => "DEFAULT"
# aiohttp's json_response names the charset; aioli's JSON has none (UTF-8 is JSON's only one).
# twin: replace application/json; charset=utf-8 => application/json


def compact(value):
    """JSON as serde_json prints a Value: no spaces, keys sorted."""
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


async def main():
    runner, base = await testing_app.start()
    print(f"testing app on {base}\n")
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{base}/get", params={"page": "1"}) as response:
            print(f"GET /get?page=1 -> {response.status} {response.reason}")
            print(f"  Content-Type: {response.headers.get('Content-Type', '-')}")
            body = await response.json()
        print(f"  args: {compact(body['args'])}")
        print(f"  the server saw User-Agent: {compact(body['headers']['User-Agent'])}")

        async with session.post(f"{base}/post", json={"key": "value", "name": "test"}) as response:
            print(f"\nPOST /post -> {response.status}")
            body = await response.json()
        print(f"  the server parsed our JSON as: {compact(body['json'])}")

        async with session.get(f"{base}/headers", headers={"User-Agent": "MyApp/1.0"}) as response:
            print(f"\nGET /headers with User-Agent: MyApp/1.0 -> {response.status}")
            body = await response.json()
        print(f"  the server saw User-Agent: {compact(body['headers']['User-Agent'])}")

        opened, idle = testing_app.pool_status(session.connector)
        print(f"\nconnections opened by the client: {opened} (idle now: {idle})")
    await runner.cleanup()


asyncio.run(main())
