#!/usr/bin/env python3
"""What if every ticket were answered 10 minutes later?

Reads the example year (examples/events/*.jsonl) as dicts, moves every
ticket's `responded` and `restored` 10 minutes later (keeping the offset
they are written in), evaluates the original and the changed year under the
reference contract with the Python binding, and prints both totals, the
difference and the breaches that appear (or go).

Run from the repository root:

    LIBCONTRACT_LIBRARY=build/lib/libcontract.so.0.3 python3 examples/what-if/what_if.py
    python3 examples/what-if/what_if.py --minutes 15     # another delay

(The example year answers tickets in 18 minutes on average and restores
them in 45, against thresholds of 30 and 60: 10 minutes later changes no
penalty; 15 minutes does.)

Without LIBCONTRACT_LIBRARY the script uses build/lib/libcontract.so.0.3 of
this repository when it exists.
"""

import argparse
import datetime
import glob
import json
import os
import sys

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
RULES = os.path.join(REPO, "rules", "beijing-sme-secops-2026.lua")
EVENTS = os.path.join(REPO, "examples", "events", "*.jsonl")
DEFAULT_MINUTES = 10
SHIFTED_FIELDS = ("responded", "restored")


def import_binding():
    """Imports libcontract from bindings/python, finding the built library."""
    if "LIBCONTRACT_LIBRARY" not in os.environ:
        built = os.path.join(REPO, "build", "lib", "libcontract.so.0.3")
        if os.path.exists(built):
            os.environ["LIBCONTRACT_LIBRARY"] = built
    sys.path.insert(0, os.path.join(REPO, "bindings", "python"))
    import libcontract
    return libcontract


def read_events(pattern):
    """Every event of the files matching pattern, as dicts, file by file."""
    events = []
    for path in sorted(glob.glob(pattern)):
        with open(path, encoding="utf-8") as f:
            events.extend(json.loads(line) for line in f if line.strip())
    return events


def later(timestamp, delta):
    """An RFC 3339 timestamp moved by delta, written with the same offset."""
    moved = datetime.datetime.fromisoformat(timestamp) + delta
    return moved.isoformat()


def answered_later(event, delta):
    """A copy of the event; a ticket's answer and restoration moved by delta."""
    changed = dict(event)
    if event.get("type") == "ticket":
        for field in SHIFTED_FIELDS:
            if field in changed:
                changed[field] = later(changed[field], delta)
    return changed


def evaluate(engine, events):
    """The Result of the events (dicts) under the engine."""
    return engine.evaluate(events=events)


def breach_label(breach):
    """One line describing a breach."""
    when = breach.period or breach.at
    return "%-9s %-25s %10s  %s  %s" % (breach.rule, when, breach.amount, breach.clause, breach.reason)


def breach_key(breach):
    """What identifies a breach across the two evaluations."""
    return (breach.rule, breach.period, breach.at)


def print_breaches(title, breaches):
    """Prints a titled list of breaches, or that there are none."""
    print(title)
    if not breaches:
        print("  (none)")
    for breach in breaches:
        print("  " + breach_label(breach))


def parse_minutes(argv):
    """The delay in minutes from the command line (default 10)."""
    parser = argparse.ArgumentParser(description="What if every ticket were answered later?")
    parser.add_argument("--minutes", type=int, default=DEFAULT_MINUTES,
                        help="how much later (default %(default)s)")
    return parser.parse_args(argv).minutes


def main(argv=None):
    """Evaluates the year as it was and with every ticket answered later."""
    minutes = parse_minutes(argv)
    libcontract = import_binding()
    original = read_events(EVENTS)
    changed = [answered_later(event, datetime.timedelta(minutes=minutes)) for event in original]
    with libcontract.Engine(RULES) as engine:
        with evaluate(engine, original) as before, evaluate(engine, changed) as after:
            old_keys = {breach_key(b) for b in before.breaches}
            new_keys = {breach_key(b) for b in after.breaches}
            appeared = [b for b in after.breaches if breach_key(b) not in old_keys]
            gone = [b for b in before.breaches if breach_key(b) not in new_keys]
            old_total, new_total = before.totals.amount, after.totals.amount
    print("What if every ticket were answered %d minutes later?" % minutes)
    print("total as it was:        %12s CNY" % old_total)
    print("total answered later:   %12s CNY" % new_total)
    print("difference:             %12s CNY" % (new_total - old_total))
    print_breaches("breaches that appear:", appeared)
    if gone:
        print_breaches("breaches that go:", gone)
    return 0


if __name__ == "__main__":
    sys.exit(main())
