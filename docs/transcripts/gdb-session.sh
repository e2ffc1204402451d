#!/usr/bin/env bash
# Regenerates docs/src/transcripts/gdb-session.txt, the gdb session that
# docs/src/09-debugging.md includes, by running the stepping test that
# drives it (tests/stepping.rs): the book shows what gdb really printed
# for the current code, not a session typed in once and left to rot.
# Needs gdb. The test checks the session before it writes the file.
set -euo pipefail
cd "$(dirname "$0")/../.."
AIOLI_WRITE_TRANSCRIPT=1 cargo test --test stepping gdb_stops_in_the_tick_and_shows_the_task -- --exact
echo "wrote docs/src/transcripts/gdb-session.txt"
