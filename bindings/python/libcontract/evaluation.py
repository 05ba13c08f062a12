"""Evaluation: events pushed one at a time (lc_eval), and Scenario (lc_scenario)."""

import contextlib
import ctypes
import datetime
import decimal
import json
import os

from . import _native
from ._handle import Handle
from .errors import check, usage
from .options import options_pointer
from .result import Result

_lib = _native.lib


def _json_default(value):
    """JSON for the values json.dumps does not know.

    decimal.Decimal becomes a decimal string (what money fields such as an
    outage's `loss` take, exactly); an aware datetime becomes RFC 3339.
    """
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, datetime.datetime):
        if value.utcoffset() is None:
            raise ValueError("event times need an offset: %s has none" % value.isoformat())
        return value.isoformat()
    raise TypeError("cannot write a %s in an event" % type(value).__name__)


def event_json(event):
    """One event (a dict) as one line of JSON text."""
    if not isinstance(event, dict):
        raise TypeError("an event is a dict, not %s (use push_line for JSON text)" % type(event).__name__)
    return json.dumps(event, ensure_ascii=False, default=_json_default)


def _with_newline(line):
    """A line (str or bytes) as UTF-8 bytes ending with a newline."""
    data = _native.encode(line)
    return data if data.endswith(b"\n") else data + b"\n"


def _check_seed(seed):
    """Refuses a seed that does not fit uint64_t."""
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError("seed must be an int, not %s" % type(seed).__name__)
    if not 0 <= seed < 2 ** 64:
        raise ValueError("seed must be in [0, 2**64), not %d" % seed)


class Scenario(Handle):
    """A what-if scenario script (Lua) for Evaluation.replay.

    ``Scenario(path)`` loads a file; ``Scenario.from_string(text, name=...)``
    loads script text.  The script returns ``{ perturb = function(event, rng)
    ... end, extra = function(rng) ... end }`` (see libcontract.h).
    One thread at a time uses it: replays through it from several threads
    run one after the other.
    """

    _kind = "scenario"
    _free_function = _lib.lc_scenario_free

    def __init__(self, path, options=None):
        err = _native.lc_error()
        ptr = _native.SCENARIO_P()
        status = _lib.lc_scenario_load_file(ctypes.byref(ptr), options_pointer(options),
                                            _native.encode(os.fspath(path)), ctypes.byref(err))
        check(status, err)
        self._adopt(ptr)

    @classmethod
    def from_string(cls, text, name="scenario", options=None):
        """A scenario from script text; `name` names it in messages."""
        data = _native.encode(text)
        err = _native.lc_error()
        ptr = _native.SCENARIO_P()
        status = _lib.lc_scenario_new(ctypes.byref(ptr), options_pointer(options), _native.encode(name),
                                      data, len(data), ctypes.byref(err))
        check(status, err)
        scenario = cls.__new__(cls)
        scenario._adopt(ptr)
        return scenario


class Evaluation(Handle):
    """One evaluation under an engine: push events, then take results.

    Made by ``engine.evaluation(skip_invalid=False, keep_events=False, strict=False)``.
    A context manager: the C evaluation is freed at the end of the block
    (results already taken stay valid).

    It shares its engine's gate: calls on the engine and on all its
    evaluations run one at a time, and close() waits for the call in
    progress.  It keeps its engine referenced; Engine.close() closes it.
    """

    _kind = "evaluation"
    _free_function = _lib.lc_eval_free

    def __init__(self, engine, skip_invalid=False, keep_events=False, strict=False, updates=False):
        flags = 0
        if skip_invalid:
            flags |= _native.LC_EVAL_SKIP_INVALID
        if keep_events:
            flags |= _native.LC_EVAL_KEEP_EVENTS
        if strict:
            flags |= _native.LC_EVAL_STRICT
        if updates:
            flags |= _native.LC_EVAL_UPDATES
        err = _native.lc_error()
        ptr = _native.EVAL_P()
        self._engine = engine
        self._items = 0  # dicts and lines pushed one by one, to name them
        with engine._using() as engine_ptr:  # a closing engine makes no evaluation
            check(_lib.lc_eval_new(ctypes.byref(ptr), engine_ptr, flags, ctypes.byref(err)), err)
            self._adopt(ptr, gate=engine._gate)
            engine._evaluation_opened(self)

    @property
    def engine(self):
        """The Engine this evaluation belongs to."""
        return self._engine

    def _free(self):
        """Frees the C evaluation, then tells its engine (alone on the engine's gate)."""
        if self._ptr:
            Handle._free(self)
            self._engine._evaluation_closed()

    def _call(self, function, *args):
        """Calls an lc_eval_* function on this evaluation; raises on failure."""
        err = _native.lc_error()
        with self._using() as ptr:
            status = function(ptr, *args, ctypes.byref(err))
        check(status, err)

    # ---- events in -----------------------------------------------------------

    def push(self, event, file=None, line=0):
        """Pushes one event given as a dict (json.dumps of it).

        file and line (optional) name it in messages and warnings; without
        them it is named by its place among the events pushed one by one
        (push and push_line), as `events[2]` for the third.  Decimal values
        are written as decimal strings, aware datetimes as RFC 3339.
        """
        self.push_line(event_json(event), file=file, line=line)

    def push_line(self, text, file=None, line=0):
        """Pushes one event given as one JSON object (str or bytes), named
        as push names it."""
        data = _native.encode(text)
        if file is None and line == 0:
            file = "events[%d]" % self._items
        self._items += 1
        self._call(_lib.lc_eval_push_json, data, len(data), _native.encode(file), line)

    def push_lines(self, lines, file=None):
        """Pushes JSON Lines and ends the stream.

        lines: an iterable of lines (str or bytes, newline optional, e.g. an
        open file), or one str/bytes holding the whole text.  Line numbers
        count from 1 per file name.
        """
        if isinstance(lines, (str, bytes)):
            lines = [lines]
        name = _native.encode(file)
        for line in lines:
            data = _with_newline(line)
            self._call(_lib.lc_eval_push_lines, name, data, len(data))
        self._call(_lib.lc_eval_end_stream)

    def push_file(self, path):
        """Reads a whole JSON Lines file ("-" is stdin)."""
        self._call(_lib.lc_eval_push_file, _native.encode(os.fspath(path)))

    def replay(self, source, scenario=None, seed=0):
        """Pushes the events `source` kept, through `scenario` when given.

        source: an Evaluation of the same engine made with keep_events=True;
        scenario: a Scenario or None; seed: the generator's seed (the same
        seed gives the same events).
        """
        if not isinstance(source, Evaluation):
            raise TypeError("source must be an Evaluation, not %s" % type(source).__name__)
        if source._engine is not self._engine:  # one gate for both, so no lock-order deadlock
            raise usage("replays need evaluations of the same engine")
        _check_seed(seed)
        with source._using() as source_ptr, \
                (scenario._using() if scenario is not None else contextlib.nullcontext()) as scenario_ptr:
            self._call(_lib.lc_eval_replay, source_ptr, scenario_ptr, seed)

    # ---- results out ----------------------------------------------------------

    def retract(self, type, id):
        """Takes back the event of that type and id (an evaluation made with updates=True)."""
        err = _native.lc_error()
        with self._using() as ev:
            status = _lib.lc_eval_retract(ev, type.encode("utf-8"), id.encode("utf-8"), ctypes.byref(err))
        check(status, err)
        return self

    def result(self, as_of=None):
        """The Result of the events pushed so far under the current parameters.

        as_of: an RFC 3339 time ("2026-06-16T11:00:00+08:00") or ns since
        1970: the contract as it stands then (later events have not
        happened, its month is in progress and its breaches provisional);
        the evaluation must keep its events (keep_events=True or updates=True).
        """
        err = _native.lc_error()
        ptr = _native.RESULT_P()
        if isinstance(as_of, str):
            ns = ctypes.c_int64()
            text = as_of.encode("utf-8")
            check(_lib.lc_time_parse(text, len(text), ctypes.byref(ns), None, ctypes.byref(err)), err)
            as_of = ns.value
        with self._using() as ev:
            if as_of is None:
                status = _lib.lc_eval_result(ev, ctypes.byref(ptr), ctypes.byref(err))
            else:
                status = _lib.lc_eval_result_as_of(ev, as_of, ctypes.byref(ptr), ctypes.byref(err))
        check(status, err)
        return Result(ptr)
