#!/usr/bin/env bash
# Regenerates docs/src/traces/20-one-request.txt, the trace chapter 20
# explains: examples/30_hello_server.rs serving with AIOLI_TRACE=1, one
# GET / sent to it over a plain bash TCP socket (no curl needed), then
# Ctrl-C (SIGINT) for a graceful shutdown. Only the server is in the
# trace: the client is bash, outside the loop.
#
#   bash docs/scripts/trace-one-request.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
out=docs/src/traces/20-one-request.txt
cargo build --quiet --example 30_hello_server
exe="${CARGO_TARGET_DIR:-target}/debug/examples/30_hello_server"
log=$(mktemp)
trap 'rm -f "$log"' EXIT

AIOLI_TRACE=1 "$exe" --serve >"$log" 2>&1 &
server=$!
for _ in $(seq 100); do
  grep -q 'serving on' "$log" && break
  sleep 0.05
done
port=$(grep -o '127\.0\.0\.1:[0-9]*' "$log" | head -n 1 | cut -d: -f2)
[ -n "$port" ] || { echo "the server did not start:"; cat "$log"; kill "$server"; exit 1; }

# Each step waits a little, so each lands in a tick of its own: connect;
# send the head without its final empty line (one write), then the empty
# line (a second write), as a slow client would; read the status line;
# hang up (the connection was kept alive: the server waits for more).
sleep 0.2
exec 3<>"/dev/tcp/127.0.0.1/$port"
sleep 0.2
printf '%s' $'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n' >&3
sleep 0.2
printf '%s' $'\r\n' >&3
IFS= read -r -t 2 reply <&3 || reply="(no answer)"
sleep 0.2
exec 3<&-
sleep 0.2
kill -INT "$server"
wait "$server" || true

{
  echo "\$ AIOLI_TRACE=1 cargo run --example 30_hello_server -- --serve"
  echo "  (from another shell: connect, send GET / in two writes, hang up; then Ctrl-C)"
  echo
  cat "$log"
} >"$out"
echo "reply was: ${reply%$'\r'}"
echo "wrote $out ($(wc -l <"$out") lines)"
