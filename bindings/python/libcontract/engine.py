"""Engine: a loaded rule file and its parameters (lc_engine)."""

import ctypes
import decimal
import json
import os
import weakref

from . import _native
from ._handle import Handle
from .errors import check, usage
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

    Evaluations made from an engine need it: close() closes them first, and
    when the garbage collector finds an engine whose evaluations are still
    open, the engine is freed after the last of them.
    """

    _kind = "engine"
    _free_function = _lib.lc_engine_free
    _close_requested = False
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
        self._open_evaluations = 0
        self._close_requested = False
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

    @property
    def closed(self):
        """True once close() was called."""
        return self._close_requested or not self._ptr

    def _pointer(self):
        """The live engine pointer; UsageError once closed."""
        if self.closed:
            raise usage("this engine is closed")
        return self._ptr

    def close(self):
        """Closes the engine's open evaluations, then frees the engine."""
        for evaluation in list(getattr(self, "_evaluations", ())):  # () when __init__ failed early
            evaluation.close()
        self._close_requested = True
        self._free_if_unused()

    def _free_if_unused(self):
        """Frees the C engine once it is closed and no evaluation uses it."""
        if self._close_requested and self._open_evaluations == 0:
            Handle.close(self)

    def _evaluation_opened(self, evaluation):
        """Called by an Evaluation made from this engine."""
        self._evaluations.add(evaluation)
        self._open_evaluations += 1

    def _evaluation_closed(self):
        """Called when an Evaluation of this engine frees its C object."""
        self._open_evaluations -= 1
        self._free_if_unused()

    # ---- parameters --------------------------------------------------------

    def set(self, name, value):
        """Overrides a declared parameter (`--set NAME=VALUE`).

        value: str ("99.5"), int or decimal.Decimal; floats are refused.
        UsageError for an unknown name or a value the parameter cannot take.
        """
        err = _native.lc_error()
        status = _lib.lc_engine_set_param(self._pointer(), _native.encode(name),
                                          _native.encode(param_text(value)), ctypes.byref(err))
        check(status, err)

    def update(self, params):
        """Sets every NAME: VALUE of a mapping, in its order."""
        for name, value in dict(params).items():
            self.set(name, value)

    def assign(self, assignment):
        """Applies a "NAME=VALUE" assignment, exactly as `--set` does."""
        err = _native.lc_error()
        status = _lib.lc_engine_set_assignment(self._pointer(), _native.encode(assignment), ctypes.byref(err))
        check(status, err)

    @property
    def params(self):
        """Every declared parameter: a dict of name -> current value (str)."""
        ptr = self._pointer()
        count = _lib.lc_engine_param_count(ptr)
        return {_native.decode(_lib.lc_engine_param_name(ptr, i)): _native.decode(_lib.lc_engine_param_value(ptr, i))
                for i in range(count)}

    # ---- what the rule file declares ------------------------------------------

    @property
    def contract_id(self):
        """The rule file's contract id."""
        return _native.decode(_lib.lc_engine_contract_id(self._pointer()))

    def rules(self):
        """The declared rules in order: dicts of id, kind, class, clause, line."""
        ptr = self._pointer()
        rules = []
        info = _native.lc_rule_info()
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
        status = _lib.lc_engine_check(self._pointer(), _CHECK_FORMATS[format], ctypes.byref(out),
                                      ctypes.byref(length), ctypes.byref(count), ctypes.byref(err))
        check(status, err)
        text = _native.take_text(out, length)
        return count.value, json.loads(text) if format == "json" else text

    # ---- evaluating --------------------------------------------------------

    def evaluation(self, skip_invalid=False, keep_events=False):
        """A new Evaluation under this engine (also a context manager).

        skip_invalid: invalid events become warnings instead of errors;
        keep_events: keep the parsed events for Evaluation.replay.
        """
        from .evaluation import Evaluation
        return Evaluation(self, skip_invalid=skip_invalid, keep_events=keep_events)

    def evaluate(self, events=(), files=(), skip_invalid=False):
        """Evaluates event files, then events (dicts or JSON text): a Result."""
        with self.evaluation(skip_invalid=skip_invalid) as evaluation:
            for path in files:
                evaluation.push_file(path)
            for event in events:
                if isinstance(event, (str, bytes)):
                    evaluation.push_line(event)
                else:
                    evaluation.push(event)
            return evaluation.result()

    def __repr__(self):
        if self.closed:
            return "<libcontract.Engine closed>"
        return "<libcontract.Engine %s>" % self.contract_id
