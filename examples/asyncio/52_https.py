"""52 — https: the asyncio twin of examples/52_https.rs.

The program makes its own certificate authority and a certificate for
127.0.0.1, serves the testing app over https, GETs a post and POSTs one
over one TLS connection, and shows that a client trusting only the
system's authorities refuses the server.

Run it:   target/ws-venv/bin/python examples/asyncio/52_https.py
Compare:  .ci/check-asyncio-twins 52

Differs: Python's standard library cannot make certificates (the
`cryptography` package can; it is not in the venv), so the twin runs the
`openssl` command, where the Rust example calls rcgen. Python's `ssl`
wraps OpenSSL and runs the handshake inside it: there is no step to
print, where aioli's TLS stream shows each flight, tick by tick. aiohttp
trusts the system's store by default, aioli-http Mozilla's list.
"""

import asyncio
import json
import ssl
import subprocess
import tempfile
from pathlib import Path

import aiohttp

import testing_app

# Ports are the OS's choice, different on every run.
# twin: replace 127\.0\.0\.1:\d+ => 127.0.0.1:PORT
# The handshake's flights, tick by tick: aioli's TLS pump prints them,
# OpenSSL inside Python's ssl has no such steps to show.
# twin: rust-only ^  tick +\d+ 
# The refusal in each side's words: rustls says "unknown issuer",
# OpenSSL "unable to get local issuer certificate".
# twin: replace refused: .*(unknown issuer|unable to get local issuer certificate).*$ => refused: unknown issuer


def make_certificates(directory):
    """A CA, and a certificate for 127.0.0.1 signed by it (PEM files)."""

    def openssl(*args):
        subprocess.run(["openssl", *args], cwd=directory, check=True, capture_output=True)

    curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    openssl("req", "-x509", *curve, "-keyout", "ca.key", "-out", "ca.pem", "-days", "1",
            "-subj", "/CN=aioli example CA",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign")  # fmt: skip
    openssl("req", *curve, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1")
    # The name the client will check: the IP address it connects to.
    Path(directory, "san.ext").write_text("subjectAltName=IP:127.0.0.1\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "server.pem", "-days", "1", "-extfile", "san.ext")  # fmt: skip
    return Path(directory, "ca.pem"), Path(directory, "server.pem"), Path(directory, "server.key")


async def main(directory):
    ca, chain, key = make_certificates(directory)
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(chain, key)
    runner, base = await testing_app.start(ssl_context=server_context)
    print(f"testing app on {base}, certificate for 127.0.0.1 signed by our own CA\n")

    client_context = ssl.create_default_context(cafile=str(ca))
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=client_context)) as session:
        print(f"GET {base}/posts/1: the handshake first")
        async with session.get(f"{base}/posts/1") as response:
            post = await response.json()
        print(f"\n-> {response.status}, post {post['id']} titled {json.dumps(post['title'])}")
        data = {"title": "Example", "body": "Content", "userId": 1}
        async with session.post(f"{base}/posts", json=data) as response:
            print(f"POST {base}/posts -> {response.status} {await response.text()}")
        opened, _ = testing_app.pool_status(session.connector)
        print(f"connections open: {opened} (both requests used the one handshake)")

    # The same server, as a client that trusts only the system's authorities sees it.
    async with aiohttp.ClientSession() as stranger:
        try:
            async with stranger.get(f"{base}/get") as response:
                print(f"\nunexpected: a client without our CA got {response.status}")
        except aiohttp.ClientConnectorCertificateError as error:
            print(f"\na client without our CA is refused: {error}")
    await runner.cleanup()


with tempfile.TemporaryDirectory() as workdir:
    asyncio.run(main(workdir))
