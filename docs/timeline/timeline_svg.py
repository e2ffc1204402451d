#!/usr/bin/env python3
"""Draws an aioli timeline (Chrome Trace Event JSON) as an SVG picture.

    python3 docs/timeline/timeline_svg.py trace.json picture.svg [UNTIL_MS]

Perfetto (https://ui.perfetto.dev) is the place to explore a timeline; this
script exists so the book can *show* one without a browser or a network:
docs/timeline/render.sh runs an example with AIOLI_TRACE_FILE and calls it.
It reads what runtime/src/debug/timeline.rs writes and draws:

- one row per track ("thread_name" metadata): the event loop, main, tasks;
- each slice ("ph": "X") as a box: polls, the loop's waits, wake marks;
- each flow (an "s" event and the "f" event with the same "id") as an
  arrow from the wake to the poll it caused, labelled with the wake's
  cause (the "s" event's args.cause).

Polls take microseconds and waits take milliseconds, so a linear time axis
would show polls as invisible hairlines. The axis is squeezed instead:
every gap between two consecutive moments something happens is drawn
with a width that grows with the gap but never beyond MAX_GAP pixels
(width = MAX_GAP * gap / (gap + KNEE)). Order is kept, lengths are not;
the labels on the axis give the real times.

Standard library only, so anyone with Python 3 can rerun it.
"""

import json
import sys
from html import escape

MAX_GAP = 70.0  # pixels at most for any stretch of time
KNEE = 40.0  # microseconds: a gap this long gets half of MAX_GAP
ROW = 46  # pixels per track
LEFT = 150  # room for the track names
TOP = 34


def load(path, until_us=float("inf")):
    """Tracks, slices and flows of the trace, up to `until_us` µs."""
    with open(path, encoding="utf-8") as file:
        events = json.load(file)["traceEvents"]
    events = [e for e in events if e["ph"] == "M" or e["ts"] + e.get("dur", 0) <= until_us]
    used = {e["tid"] for e in events if e["ph"] != "M"}
    names = {
        e["tid"]: e["args"]["name"] for e in events if e["ph"] == "M" and e["name"] == "thread_name" and e["tid"] in used
    }
    order = {e["tid"]: e["args"]["sort_index"] for e in events if e["ph"] == "M" and e["name"] == "thread_sort_index"}
    slices = [e for e in events if e["ph"] == "X"]
    starts = {e["id"]: e for e in events if e["ph"] == "s"}
    flows = [(starts[e["id"]], e) for e in events if e["ph"] == "f" and e["id"] in starts]
    return names, order, slices, flows


def squeezed_axis(moments):
    """Maps a time (µs) to an x position: consecutive moments are spaced by
    a width that saturates at MAX_GAP, so long idle waits stay readable."""
    moments = sorted(set(moments))
    positions, x = {}, 0.0
    for previous, moment in zip([moments[0]] + moments, moments):
        gap = moment - previous
        x += MAX_GAP * gap / (gap + KNEE) if gap > 0 else 0.0
        positions[moment] = x

    def place(t):
        # Between two known moments, interpolate.
        lower = max((m for m in moments if m <= t), default=moments[0])
        upper = min((m for m in moments if m >= t), default=moments[-1])
        if upper == lower:
            return positions[lower]
        share = (t - lower) / (upper - lower)
        return positions[lower] + share * (positions[upper] - positions[lower])

    return place, x


def color(slice_):
    category, name = slice_.get("cat"), slice_["name"]
    if category == "wait":
        return "#d9d9d9"
    if category == "wake":
        return "#e6550d"
    return "#3182bd" if name.startswith("poll main") else "#31a354"


def draw(names, order, slices, flows):
    tracks = sorted(names, key=lambda tid: order.get(tid, tid))
    row_of = {tid: index for index, tid in enumerate(tracks)}
    moments = [s["ts"] for s in slices] + [s["ts"] + s["dur"] for s in slices]
    moments += [end["ts"] for pair in flows for end in pair]
    place, width = squeezed_axis(moments)
    width += LEFT + 170
    height = TOP + ROW * len(tracks) + 40
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height}" '
        f'font-family="sans-serif" font-size="11">',
        '<defs><marker id="head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#6a3d9a"/></marker></defs>',
        f'<rect width="{width:.0f}" height="{height}" fill="white"/>',
        f'<text x="{LEFT}" y="16" font-size="12">aioli timeline: slices are polls (green: tasks, blue: main), '
        "waits (grey) and wake marks (orange); arrows: what woke a task, into the poll it caused</text>",
    ]
    for tid in tracks:
        y = TOP + ROW * row_of[tid]
        out.append(f'<line x1="{LEFT}" y1="{y + ROW - 6}" x2="{width - 20:.0f}" y2="{y + ROW - 6}" stroke="#eee"/>')
        out.append(f'<text x="8" y="{y + 24}" font-weight="bold">{escape(names[tid])}</text>')
    for slice_ in slices:
        y = TOP + ROW * row_of[slice_["tid"]] + 10
        x0, x1 = LEFT + place(slice_["ts"]), LEFT + place(slice_["ts"] + slice_["dur"])
        out.append(
            f'<rect x="{x0:.1f}" y="{y}" width="{max(x1 - x0, 2.5):.1f}" height="22" fill="{color(slice_)}" '
            f'opacity="0.85"><title>{escape(slice_["name"])}: {slice_["dur"]:.1f} µs</title></rect>'
        )
    for start, end in flows:
        x0, y0 = LEFT + place(start["ts"]), TOP + ROW * row_of[start["tid"]] + 21
        x1, y1 = LEFT + place(end["ts"]), TOP + ROW * row_of[end["tid"]] + 21
        bend = (x0 + x1) / 2
        out.append(
            f'<path d="M{x0:.1f},{y0} C{bend:.1f},{y0} {bend:.1f},{y1} {x1:.1f},{y1}" fill="none" '
            f'stroke="#6a3d9a" stroke-width="1.4" marker-end="url(#head)"/>'
        )
        cause = start.get("args", {}).get("cause", "")
        if start["tid"] != end["tid"]:
            out.append(f'<text x="{bend + 3:.1f}" y="{(y0 + y1) / 2:.0f}" fill="#6a3d9a">{escape(cause)}</text>')
    # Real times under the squeezed axis, at the start of each wait.
    axis_y = TOP + ROW * len(tracks) + 14
    last_label = -1e9
    for slice_ in sorted(slices, key=lambda s: s["ts"]):
        x = LEFT + place(slice_["ts"])
        if x - last_label > 60:
            out.append(f'<text x="{x:.1f}" y="{axis_y}" fill="#666">{slice_["ts"] / 1000:.1f} ms</text>')
            last_label = x
    out.append(
        f'<text x="{LEFT}" y="{axis_y + 16}" fill="#666">time axis squeezed: long gaps are drawn short '
        "(docs/timeline/timeline_svg.py)</text>"
    )
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit("usage: timeline_svg.py TRACE.json OUT.svg [UNTIL_MS]")
    until_us = float(sys.argv[3]) * 1000 if len(sys.argv) == 4 else float("inf")
    svg = draw(*load(sys.argv[1], until_us))
    with open(sys.argv[2], "w", encoding="utf-8") as file:
        file.write(svg)


if __name__ == "__main__":
    main()
