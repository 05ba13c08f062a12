"""Engine: a loaded rule file and its parameters (lc_engine)."""

import ctypes
import decimal
import json
import os
import weakref

from . import _native
from ._handle import Handle
from .errors import UsageError, check
from .options import options_pointer

_lib = _native.lib

_CHECK_FORMATS = {"text": _native.LC_FORMAT_TEXT, "json": _native.LC_FORMAT_JSON}


def param_text(value):
    """A parameter value as the decimal text lc_engine_set_param takes.

    str, int and decimal.Decimal are accepted.  Floats are refused: a binary
    float cannot say 99.9 exactly, and the contract's money must stay exact.
    """
    if isinstance(value, bool):
        raise TypeError("a parameter value must be str, int or Decimal, not bool")
    if isinstance(value, float):
        raise TypeError("floats are refused for parameters (money stays exact): "
                        "pass %r as a str or decimal.Decimal" % value)
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, (int, str)):
        return str(value)
    raise TypeError("a parameter value must be str, int or Decimal, not %s" % type(value).__name__)


class Engine(Handle):
    """A rule file loaded into the engine, with its parameters.

    ``Engine(path, params={...})`` loads a rule file;
    ``Engine.from_string(text, name=...)`` loads rule text.  ``params``
    overrides declared parameters as ``--set`` does.  ``options`` (a
    libcontract.Options) sets sandbox limits.

    Threads: C lets one thread at a time use an engine and the evaluations
    made from it, so their calls run one at a time: a call from another
    thread waits until the call in progress ends.

    Evaluations made from an engine need it.  close() refuses new calls and
    new evaluations at once, waits for the call in progress, then closes
    the engine's evaluations and frees it (results already taken stay
    valid).  An evaluation keeps its engine referenced, so the garbage
    collector frees an engine only with its last evaluation, after it.
    """

    _kind = "engine"
    _free_function = _lib.lc_engine_free
    _open_evaluations = 0

    def __init__(self, path, params=None, options=None):
        path_bytes = _native.encode(os.fspath(path))
        self._setup(options, lambda ptr, err: _lib.lc_engine_load_file(ptr, path_bytes, err), params)

    @classmethod
    def from_string(cls, text, name="rules", params=None, options=None):
        """An engine loaded from rule text; `name` names it in messages."""
        data = _native.encode(text)
        name_bytes = _native.encode(name)
        engine = cls.__new__(cls)
        engine._setup(options, lambda ptr, err: _lib.lc_engine_load_string(ptr, name_bytes, data, len(data), err),
                      params)
        return engine

    def _setup(self, options, load, params):
        """Creates the C engine, loads the rules and applies `params`."""
        self._evaluations = weakref.WeakSet()
        err = _native.lc_error()
        ptr = _native.ENGINE_P()
        check(_lib.lc_engine_new(ctypes.byref(ptr), options_pointer(options), ctypes.byref(err)), err)
        self._adopt(ptr)
        try:
            check(load(ptr, ctypes.byref(err)), err)
            self.update(params or {})
        except BaseException:
            self.close()
            raise

    # ---- life cycle -------------------------------------------------------

    def _free(self):
        """Frees the open evaluations, then the engine (alone on the engine's gate).

        In a garbage cycle an evaluation may outlive this call: the engine
        is then freed with the last of them.
        """
        for evaluation in list(self._evaluations):
            evaluation._free()
        if not self._open_evaluations:
            Handle._free(self)

    def _evaluation_opened(self, evaluation):
        """Called, on the engine's gate, by an Evaluation made from this engine."""
        self._evaluations.add(evaluation)
        self._open_evaluations += 1

    def _evaluation_closed(self):
        """Called, on the engine's gate, when an Evaluation of this engine is freed."""
        self._open_evaluations -= 1
        if self._closing and not self._open_evaluations:
            Handle._free(self)

    # ---- parameters --------------------------------------------------------

    def set(self, name, value):
        """Overrides a declared parameter (`--set NAME=VALUE`).

        value: str ("99.5"), int or decimal.Decimal; floats are refused.
        UsageError for an unknown name or a value the parameter cannot take.
        """
        name, value = _native.encode(name), _native.encode(param_text(value))
        err = _native.lc_error()
        with self._using() as ptr:
            status = _lib.lc_engine_set_param(ptr, name, value, ctypes.byref(err))
        check(status, err)

    def update(self, params):
        """Sets every NAME: VALUE of a mapping, in its order."""
        for name, value in dict(params).items():
            self.set(name, value)

    def assign(self, assignment):
        """Applies a "NAME=VALUE" assignment, exactly as `--set` does."""
        err = _native.lc_error()
        with self._using() as ptr:
            status = _lib.lc_engine_set_assignment(ptr, _native.encode(assignment), ctypes.byref(err))
        check(status, err)

    @property
    def params(self):
        """Every declared parameter: a dict of name -> current value (str)."""
        with self._using() as ptr:  # the strings are the engine's: copied inside
            return {_native.decode(_lib.lc_engine_param_name(ptr, i)):
                    _native.decode(_lib.lc_engine_param_value(ptr, i))
                    for i in range(_lib.lc_engine_param_count(ptr))}

    # ---- what the rule file declares ------------------------------------------

    @property
    def contract_id(self):
        """The rule file's contract id."""
        with self._using() as ptr:
            return _native.decode(_lib.lc_engine_contract_id(ptr))

    def rules(self):
        """The declared rules in order: dicts of id, kind, class, clause, line."""
        rules = []
        info = _native.lc_rule_info()
        with self._using() as ptr:  # the strings are the engine's: copied inside
            for i in range(_lib.lc_engine_rule_count(ptr)):
                if not _lib.lc_engine_rule(ptr, i, ctypes.byref(info)):
                    break
                rules.append({
                    "id": _native.decode(info.id),
                    "kind": _native.decode(info.kind),
                    "class": _native.decode(info.class_),
                    "clause": _native.decode(info.clause),
                    "line": info.line,
                })
        return rules

    @property
    def caps(self):
        """The declared caps in order: dicts of id and window ("term", "month", "rolling_months")."""
        with self._using() as ptr:  # the strings are the engine's: copied inside
            return [{"id": _native.decode(_lib.lc_engine_cap_id(ptr, i)),
                     "window": _native.decode(_lib.lc_engine_cap_window(ptr, i))}
                    for i in range(_lib.lc_engine_cap_count(ptr))]

    def check(self, format="text"):
        """Lints the rules (`contract check`): (number of findings, report).

        The report is text, or a dict for format="json".
        """
        if format not in _CHECK_FORMATS:
            raise ValueError("format must be 'text' or 'json', not %r" % (format,))
        err = _native.lc_error()
        out = ctypes.c_void_p()
        length = ctypes.c_size_t()
        count = ctypes.c_size_t()
        with self._using() as ptr:
            status = _lib.lc_engine_check(ptr, _CHECK_FORMATS[format], ctypes.byref(out),
                                          ctypes.byref(length), ctypes.byref(count), ctypes.byref(err))
        check(status, err)
        text = _native.take_text(out, length)
        return count.value, json.loads(text) if format == "json" else text

    # ---- evaluating --------------------------------------------------------

    def evaluation(self, skip_invalid=False, keep_events=False, strict=False, updates=False):
        """A new Evaluation under this engine (also a context manager).

        skip_invalid: invalid events become warnings instead of errors;
        keep_events: keep the parsed events for Evaluation.replay;
        strict: a field an event's type does not declare makes the event
        invalid (`--strict`; else each such field is a warning);
        updates: an event pushed again with other content revises it, and
        Evaluation.retract takes one back (`--updates`).
        """
        from .evaluation import Evaluation
        return Evaluation(self, skip_invalid=skip_invalid, keep_events=keep_events, strict=strict, updates=updates)

    def evaluate(self, events=(), files=(), skip_invalid=False, strict=False):
        """Evaluates event files, then events (dicts or JSON text): a Result."""
        with self.evaluation(skip_invalid=skip_invalid, strict=strict) as evaluation:
            for path in files:
                evaluation.push_file(path)
            for event in events:
                if isinstance(event, (str, bytes)):
                    evaluation.push_line(event)
                else:
                    evaluation.push(event)
            return evaluation.result()

    def __repr__(self):
        try:
            return "<libcontract.Engine %s>" % self.contract_id
        except UsageError:  # closed, maybe by another thread
            return "<libcontract.Engine closed>"
