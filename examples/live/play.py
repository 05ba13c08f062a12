#!/usr/bin/env python3
"""Plays the example year back as a live feed, in accelerated time.

The event files (examples/events/*.jsonl by default) are merged in the
order of each event's time and written, one line at a time, to stdout or
appended to a file, SPEED times faster than real time: with --speed 86400
a day of the contract passes in a second and the year in about six
minutes.  Standard library only.

An event's time is the first field of the line (after "type" and "id")
that holds an RFC 3339 time: the anchor of every event type of the
reference contract, whose examples write it first.  A work item, scored by
month ("month": "2026-04"), comes at the first instant of the next month,
when its month is over.  Lines without a time come first.

    python3 examples/live/play.py --speed 86400 | \\
        build/bin/contract watch rules/beijing-sme-secops-2026.lua - --clock events
"""
import argparse
import datetime as dt
import glob
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
EVENTS = os.path.join(HERE, "..", "events", "*.jsonl")


def parse_time(text):
    """An RFC 3339 time with its offset as an aware datetime, else None."""
    if not isinstance(text, str) or len(text) < 20 or text[10] != "T":
        return None
    try:
        t = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo else None


def month_end(text):
    """The first instant after the month "YYYY-MM" (at +08:00), else None."""
    try:
        y, m = (int(part) for part in text.split("-"))
        if len(text) != 7:
            return None
    except (AttributeError, ValueError):
        return None
    y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return dt.datetime(y, m, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def event_time(event):
    """When the event happens in the feed: its anchor, or the end of its month."""
    if not isinstance(event, dict):
        return None
    for key, value in event.items():
        if key in ("type", "id"):
            continue
        t = parse_time(value)
        if t:
            return t
    return month_end(event.get("month"))


def read_events(paths):
    """(time, file order, line order, text) of every non-blank line."""
    out = []
    for f, path in enumerate(paths):
        with open(path, encoding="utf-8") as fh:
            for n, line in enumerate(fh):
                text = line.rstrip("\r\n")
                if not text.strip():
                    continue
                try:
                    t = event_time(json.loads(text))
                except ValueError:
                    t = None  # an invalid line is played too: watch reports it
                out.append((t, f, n, text))
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
    out.sort(key=lambda e: (e[0] or epoch, e[1], e[2]))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="*", help="JSON Lines event files (default: examples/events/*.jsonl)")
    ap.add_argument("--speed", type=float, default=86400,
                    help="seconds of the feed per second of real time (default 86400: a day a second; 0: no waiting)")
    ap.add_argument("--from", dest="start", metavar="TIME",
                    help="write the events before TIME (RFC 3339) at once, then play on from there")
    ap.add_argument("--output", metavar="FILE", help="append to FILE (default: stdout)")
    args = ap.parse_args()
    if args.speed < 0:
        ap.error("--speed must not be negative")
    start = parse_time(args.start) if args.start else None
    if args.start and not start:
        ap.error("--from wants an RFC 3339 time with its offset, like 2026-06-01T00:00:00+08:00")
    paths = args.files or sorted(glob.glob(EVENTS))
    events = read_events(paths)
    out = open(args.output, "a", encoding="utf-8") if args.output else sys.stdout
    began, origin = time.monotonic(), None
    try:
        for t, _, _, text in events:
            if t and args.speed > 0 and not (start and t < start):
                if origin is None:
                    origin, began = t, time.monotonic()
                wait = (t - origin).total_seconds() / args.speed - (time.monotonic() - began)
                if wait > 0:
                    time.sleep(wait)
            out.write(text + "\n")
            out.flush()
    except KeyboardInterrupt:
        pass
    except BrokenPipeError:  # the reader went away: so does the feed
        os.dup2(os.open(os.devnull, os.O_WRONLY), out.fileno())
    finally:
        if args.output:
            out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
