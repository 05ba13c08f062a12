"""Result: an immutable evaluation result (lc_result), and diff()."""

import ctypes
import dataclasses
import decimal
import json
from typing import List, Optional

from . import _native
from ._handle import Handle
from .errors import UsageError, check

_lib = _native.lib

FORMATS = {
    "json": _native.LC_FORMAT_JSON,
    "text": _native.LC_FORMAT_TEXT,
    "csv": _native.LC_FORMAT_CSV,
    "html": _native.LC_FORMAT_HTML,
}

LANGS = {"both": _native.LC_LANG_BOTH, "zh": _native.LC_LANG_ZH, "en": _native.LC_LANG_EN}


def fen_to_decimal(fen):
    """An amount in fen (int) as a Decimal with two places: 515880 -> 5158.80."""
    return decimal.Decimal(fen).scaleb(-2)


def _choice(table, value, what):
    """The C constant for a format or language name; ValueError otherwise."""
    try:
        return table[value]
    except KeyError:
        raise ValueError("%s must be one of %s, not %r" % (what, ", ".join(table), value)) from None


@dataclasses.dataclass
class Totals:
    """The totals of a result; amounts are Decimal in the currency unit."""

    amount_uncapped: decimal.Decimal
    amount: decimal.Decimal
    capped: bool
    cap: Optional[decimal.Decimal]
    termination_right: bool
    breaches: int
    incidents: int
    warnings: int


@dataclasses.dataclass
class CapCut:
    """What one cap took off (totals.caps of the JSON): cap is the id the rule
    file gives it, window "term", "month" or "rolling_months", period the
    month of a monthly or rolling cut ("2026-08"), else None."""

    cap: str
    window: str
    period: Optional[str]
    limit: decimal.Decimal
    cut: decimal.Decimal


@dataclasses.dataclass
class Breach:
    """One breach: its rule and clause, the percentage and the exact amount.

    period is the month ("2026-04") of a month's breach, else None; at is
    the RFC 3339 time of an event's breach, else None; events are the ids
    behind it.
    """

    rule: str
    class_: str
    clause: str
    reason: str
    pct: decimal.Decimal
    amount: decimal.Decimal
    period: Optional[str]
    at: Optional[str]
    events: List[str]


class Result(Handle):
    """An evaluation result, independent of its engine once made.

    ``data`` is the INTERFACE.md JSON as a dict (amounts stay decimal
    strings), ``totals`` and ``breaches`` come from the C accessors with
    Decimal amounts, ``render()`` gives the reports.

    Threads: C lets several threads read one result at once, so calls on a
    result run side by side; close() refuses new calls at once and frees
    the result when the calls in progress end.
    """

    _kind = "result"
    _free_function = _lib.lc_result_free
    _shared = True

    def __init__(self, ptr):
        """Takes ownership of an lc_result pointer (see Evaluation.result)."""
        self._adopt(ptr)
        self._json = None

    @property
    def json(self):
        """The INTERFACE.md JSON text."""
        if self._json is None:
            err = _native.lc_error()
            out = ctypes.c_void_p()
            length = ctypes.c_size_t()
            with self._using() as ptr:
                status = _lib.lc_result_json(ptr, ctypes.byref(out), ctypes.byref(length), ctypes.byref(err))
            check(status, err)
            self._json = _native.take_text(out, length)
        return self._json

    @property
    def data(self):
        """The JSON as a new dict each time (amounts stay decimal strings)."""
        return json.loads(self.json)

    @property
    def warnings(self):
        """The warnings: dicts of file, line and message."""
        return self.data["warnings"]

    @property
    def totals(self):
        """The Totals, from lc_result_totals."""
        raw = self._totals_raw()
        return Totals(
            amount_uncapped=fen_to_decimal(raw.amount_uncapped),
            amount=fen_to_decimal(raw.amount),
            capped=bool(raw.capped),
            cap=None if raw.cap < 0 else fen_to_decimal(raw.cap),
            termination_right=bool(raw.termination_right),
            breaches=raw.breaches,
            incidents=raw.incidents,
            warnings=raw.warnings,
        )

    def _totals_raw(self):
        """The lc_totals of the result (amounts in fen)."""
        raw = _native.lc_totals()
        with self._using() as ptr:
            _lib.lc_result_totals(ptr, ctypes.byref(raw))
        return raw

    @property
    def caps(self):
        """What each cap cut, as CapCut objects, in the JSON's order (only caps that cut)."""
        with self._using() as ptr:  # the strings are the result's: copied inside
            return [self._cap(ptr, i) for i in range(_lib.lc_result_count(ptr, b"caps"))]

    @property
    def caps_reached(self):
        """The ids of the caps that cut something, each once, in the JSON's order."""
        return list(dict.fromkeys(cut.cap for cut in self.caps if cut.cut > 0))

    @staticmethod
    def _cap(ptr, i):
        """Item i of totals.caps, copied: call it in use."""
        def text(field):
            return _native.decode(_lib.lc_result_text(ptr, b"caps", i, field))

        def money(field):
            fen = ctypes.c_int64()
            return fen_to_decimal(fen.value) if _lib.lc_result_fen(ptr, b"caps", i, field, ctypes.byref(fen)) else None

        return CapCut(cap=text(b"cap"), window=text(b"window"), period=text(b"period"), limit=money(b"limit"),
                      cut=money(b"cut"))

    @property
    def breaches(self):
        """Every breach in order, as Breach objects (lc_result_breach)."""
        with self._using() as ptr:
            return [self._breach(ptr, i) for i in range(_lib.lc_result_breach_count(ptr))]

    @staticmethod
    def _breach(ptr, i):
        """Breach i, with its event ids (lc_result_breach_event), copied: call it in use."""
        raw = _native.lc_breach()
        if not _lib.lc_result_breach(ptr, i, ctypes.byref(raw)):
            raise IndexError("breach %d is out of range" % i)
        events = [_native.decode(_lib.lc_result_breach_event(ptr, i, j)) for j in range(raw.event_count)]
        return Breach(
            rule=_native.decode(raw.rule),
            class_=_native.decode(raw.class_),
            clause=_native.decode(raw.clause),
            reason=_native.decode(raw.reason),
            pct=decimal.Decimal(_native.decode(raw.pct)),
            amount=fen_to_decimal(raw.amount),
            period=_native.decode(raw.period),
            at=_native.decode(raw.at),
            events=events,
        )

    def render(self, format="text", lang="both", explain=False, bom=False):
        """The report as text: format "text", "json", "csv" or "html".

        lang: "both", "zh" or "en" (labels of text, CSV and HTML);
        explain: the numbers and events behind each breach (text);
        bom: start CSV with a UTF-8 BOM (for Excel).
        """
        flags = (_native.LC_RENDER_EXPLAIN if explain else 0) | (_native.LC_RENDER_BOM if bom else 0)
        err = _native.lc_error()
        out = ctypes.c_void_p()
        length = ctypes.c_size_t()
        format, lang = _choice(FORMATS, format, "format"), _choice(LANGS, lang, "lang")
        with self._using() as ptr:
            status = _lib.lc_result_render(ptr, format, lang, flags, ctypes.byref(out), ctypes.byref(length),
                                           ctypes.byref(err))
        check(status, err)
        return _native.take_text(out, length)

    def __repr__(self):
        try:
            totals = self.totals
        except UsageError:  # closed, maybe by another thread
            return "<libcontract.Result closed>"
        return "<libcontract.Result %d breaches, total %s>" % (totals.breaches, totals.amount)


def diff(old, new, format="json", lang="both"):
    """Compares two results breach by breach: (differs, report).

    The report is a dict for format="json", else text (format="text").
    """
    if format not in ("json", "text"):
        raise ValueError("format must be 'json' or 'text', not %r" % (format,))
    err = _native.lc_error()
    out = ctypes.c_void_p()
    length = ctypes.c_size_t()
    differs = ctypes.c_int()
    lang = _choice(LANGS, lang, "lang")
    with old._using() as old_ptr, new._using() as new_ptr:
        status = _lib.lc_result_diff(old_ptr, new_ptr, FORMATS[format], lang, ctypes.byref(out),
                                     ctypes.byref(length), ctypes.byref(differs), ctypes.byref(err))
    check(status, err)
    text = _native.take_text(out, length)
    return bool(differs.value), json.loads(text) if format == "json" else text
