"""Shared helpers of the binding's tests: paths, the CLI, the example events.

The environment (set by CTest) names the library (LIBCONTRACT_LIBRARY), the
source tree (LIBCONTRACT_SOURCE_DIR) and the command line (LIBCONTRACT_CLI).
Without it the tests fall back to the source tree around this file and its
build/ directory.
"""

import glob
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BINDING_DIR = os.path.dirname(HERE)
SOURCE_DIR = os.environ.get("LIBCONTRACT_SOURCE_DIR") or os.path.normpath(os.path.join(BINDING_DIR, "..", ".."))

if "LIBCONTRACT_LIBRARY" not in os.environ:
    _fallback = os.path.join(SOURCE_DIR, "build", "lib", "libcontract.so.0.3")
    if os.path.exists(_fallback):
        os.environ["LIBCONTRACT_LIBRARY"] = _fallback

sys.path.insert(0, BINDING_DIR)

import libcontract  # noqa: E402  (after the path is set)

# Re-exported: the tests take the package from here, after the path is set.
__all__ = ["libcontract"]

RULES = os.path.join(SOURCE_DIR, "rules", "beijing-sme-secops-2026.lua")
EVENT_FILES = sorted(glob.glob(os.path.join(SOURCE_DIR, "examples", "events", "*.jsonl")))
SCENARIO = os.path.join(SOURCE_DIR, "examples", "what-if", "late-answers.lua")
WHAT_IF_SCRIPT = os.path.join(SOURCE_DIR, "examples", "what-if", "what_if.py")
CLI = os.environ.get("LIBCONTRACT_CLI") or os.path.join(SOURCE_DIR, "build", "bin", "contract")


def have_cli():
    """True when the command line can be run."""
    return os.access(CLI, os.X_OK)


def run_cli(*args):
    """Runs `contract ARGS...`: (exit code, stdout, stderr)."""
    done = subprocess.run([CLI, *args], capture_output=True, text=True, check=False)
    return done.returncode, done.stdout, done.stderr


def cli_json(*args):
    """The JSON a successful `contract ARGS...` prints, as a dict."""
    code, out, err = run_cli(*args)
    if code not in (0, 1):
        raise AssertionError("contract %s failed (%d): %s" % (" ".join(args), code, err))
    return json.loads(out)


def cli_eval(*options):
    """`contract eval RULES EVENTS... --format json OPTIONS...` as a dict."""
    return cli_json("eval", RULES, *EVENT_FILES, "--format", "json", *options)


def example_events():
    """Every example event as (file, line number, dict), file by file."""
    events = []
    for path in EVENT_FILES:
        with open(path, encoding="utf-8") as f:
            for number, line in enumerate(f, start=1):
                if line.strip():
                    events.append((path, number, json.loads(line)))
    return events


def json_breach_key(breach):
    """What must match in a breach of the JSON: rule, amount, period, at, events."""
    return (breach["rule"], breach["amount"], breach["period"], breach["at"], list(breach["events"]))


def breach_key(breach):
    """The same for a libcontract.Breach (amounts as the JSON writes them)."""
    return (breach.rule, str(breach.amount), breach.period, breach.at, list(breach.events))


def write_file(directory, name, text):
    """Writes text to directory/name and returns the path."""
    path = os.path.join(directory, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path
