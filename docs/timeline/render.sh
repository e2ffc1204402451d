#!/usr/bin/env bash
# Redraws docs/src/img/timeline-wake-arrows.svg, the picture of wake arrows
# in docs/src/09-debugging.md ("A timeline"): runs example 13 (a TCP echo
# server and three clients) with AIOLI_TRACE_FILE, then draws the first
# 57 ms of its timeline with docs/timeline/timeline_svg.py. Needs cargo and
# python3; no browser. Timings differ a little from run to run.
set -euo pipefail
cd "$(dirname "$0")/../.."
target=${CARGO_TARGET_DIR:-target}
cargo build --quiet --example 13_tcp_echo
AIOLI_TRACE_FILE="$target/timeline-13_tcp_echo.json" "$target/debug/examples/13_tcp_echo" >/dev/null
python3 docs/timeline/timeline_svg.py "$target/timeline-13_tcp_echo.json" docs/src/img/timeline-wake-arrows.svg 57
echo "wrote docs/src/img/timeline-wake-arrows.svg"
