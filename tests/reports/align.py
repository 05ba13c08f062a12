#!/usr/bin/env python3
"""align.py FILE... — the tables of a text report line up in a terminal.

A table is a run of lines with the same indentation (no blank line) that
holds a rule: dashes under every column, two spaces apart.  Every line of
a table must have the same display width (East Asian wide and fullwidth
characters take two columns), and below the first rule every line must
have a space at each column gap of the rule.  Prints what is wrong; exits
1 when something is, or when a file holds fewer tables than MIN_TABLES
(environment, default 1)."""
import os
import re
import sys
import unicodedata

RULE = re.compile(r"^ *-+(  -+)* *$")


def width(s):
    w = 0
    for ch in s:
        if unicodedata.combining(ch) or ch == "\u200b":
            continue
        w += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return w


def columns_at(line, gaps):
    """The characters of line at the given display columns."""
    out, col = {}, 0
    for ch in line:
        w = width(ch)
        for k in range(col, col + max(w, 1)):
            if k in gaps:
                out[k] = ch if w == 1 else "<wide>"
        col += w
    return out


def blocks(lines):
    block, indent = [], None
    for no, line in enumerate(lines, 1):
        ind = len(line) - len(line.lstrip(" ")) if line.strip() else None
        if ind is None or ind != indent:
            if block:
                yield block
            block = []
        indent = ind
        if ind is not None:
            block.append((no, line))
    if block:
        yield block


def check(path):
    errors, tables = [], 0
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for block in blocks(lines):
        rules = [i for i, (_, line) in enumerate(block) if RULE.match(line)]
        if not rules:
            continue
        tables += 1
        first_no, rule = block[rules[0]]
        want = width(rule)
        gaps = {m.start() + k for m in re.finditer(r"(?<=-)  (?=-)", rule) for k in range(2)}
        for i, (no, line) in enumerate(block):
            if width(line) != want:
                errors.append(f"{path}:{no}: display width {width(line)}, the table's is {want}: {line!r}")
            elif i > rules[0]:
                bad = {k: ch for k, ch in columns_at(line, gaps).items() if ch != " "}
                if bad:
                    errors.append(f"{path}:{no}: text across the column gap at {sorted(bad)}: {line!r}")
    return errors, tables


def main():
    status = 0
    minimum = int(os.environ.get("MIN_TABLES", "1"))
    for path in sys.argv[1:]:
        errors, tables = check(path)
        for e in errors:
            print(e)
        if tables < minimum:
            print(f"{path}: {tables} tables, expected at least {minimum}")
            errors.append("few")
        status |= 1 if errors else 0
    return status


if __name__ == "__main__":
    sys.exit(main())
