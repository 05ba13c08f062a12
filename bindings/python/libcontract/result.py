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

LANGS = {"both": _native.LC_LANG_BOTH, "zh": _native.LC_LANG_ZH, "en": _native.LC_LANG_EN,
         None: _native.LC_LANG_CONTRACT}


def fen_to_decimal(fen):
    """An amount in fen (int) as a Decimal with two places: 515880 -> 5158.80."""
    return decimal.Decimal(fen).scaleb(-2)


def _choice(table, value, what):
    """The C constant for a format or language name; ValueError otherwise."""
    try:
        return table[value]
    except KeyError:
        raise ValueError("%s must be one of %s, not %r" % (what, ", ".join(map(str, table)), value)) from None


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
class CapBreach:
    """A breach a cap cut (totals.caps[].breaches): breach is its index in
    Result.breaches, cut what the cap took off it."""

    rule: str
    period: Optional[str]
    at: Optional[str]
    cut: decimal.Decimal
    breach: int


@dataclasses.dataclass
class CapCut:
    """What one cap took off (totals.caps of the JSON): cap is the id the rule
    file gives it, window "term", "month", "rolling_months" or
    "trailing_months", period the month of a cut by month ("2026-08"), else
    None; breaches the breaches it cut and by how much."""

    cap: str
    window: str
    period: Optional[str]
    limit: decimal.Decimal
    cut: decimal.Decimal
    breaches: List[CapBreach] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Breach:
    """One breach: its rule and clause, its amount and what it counts after
    the caps (counted), exact.

    pct is the percentage of the penalty base for a breach priced as one,
    else None; period is the month ("2026-04") of a month's breach, else
    None; at is the RFC 3339 time of an event's breach, else None; events
    are the ids behind it.
    """

    rule: str
    class_: str
    clause: str
    reason: str
    pct: Optional[decimal.Decimal]
    amount: decimal.Decimal
    period: Optional[str]
    at: Optional[str]
    events: List[str]
    counted: Optional[decimal.Decimal] = None


@dataclasses.dataclass
class Incident:
    """One incident (a class such as A or B, no money)."""

    rule: str
    class_: str
    at: Optional[str]
    clause: str
    text: Optional[str]
    events: List[str]


@dataclasses.dataclass
class Headroom:
    """How far a threshold is, as of an instant (Result.headroom): kind
    "downtime", "count", "average", "cluster", "deadline", "late", "cap" or
    "termination"; rule the rule, cap or termination reason; left what is
    left before it applies, in unit ("min", "events", "d", "money",
    "incidents"...), None when the kind has no distance (an average);
    amount what it costs then, None for no money; at when it happens (a
    deadline, or the instant a month's room runs out at the rate so far);
    used and gone the burn rate (% of the month's room used, % of the month
    gone); crossed whether it applies already (provisionally); what all of
    it in words."""

    kind: str
    rule: str
    crossed: bool
    left: Optional[decimal.Decimal]
    unit: Optional[str]
    amount: Optional[decimal.Decimal]
    at: Optional[str]
    used: Optional[decimal.Decimal]
    gone: Optional[decimal.Decimal]
    what: str


def _decimal_or_none(text):
    return None if text is None else decimal.Decimal(text)


@dataclasses.dataclass
class Finding:
    """One finding: what was noticed, without money."""

    kind: str
    message: str
    clause: Optional[str]
    events: List[str]


def _value(ptr, name, i, field):
    """Field `field` of item i of list `name`, by its type: str, Decimal
    (money), int, float, bool, or None (null or absent)."""
    kind = _lib.lc_result_type(ptr, name, i, field)
    if kind == _native.LC_VALUE_TEXT:
        return _native.decode(_lib.lc_result_text(ptr, name, i, field))
    if kind in (_native.LC_VALUE_FEN, _native.LC_VALUE_INT, _native.LC_VALUE_BOOL):
        out = ctypes.c_int64()
        getter = _lib.lc_result_fen if kind == _native.LC_VALUE_FEN else _lib.lc_result_int
        if kind == _native.LC_VALUE_BOOL:
            flag = ctypes.c_int()
            _lib.lc_result_bool(ptr, name, i, field, ctypes.byref(flag))
            return bool(flag.value)
        getter(ptr, name, i, field, ctypes.byref(out))
        return fen_to_decimal(out.value) if kind == _native.LC_VALUE_FEN else out.value
    if kind == _native.LC_VALUE_NUMBER:
        out = ctypes.c_double()
        _lib.lc_result_number(ptr, name, i, field, ctypes.byref(out))
        return out.value
    return None


def _events(ptr, name, i):
    """The event ids behind item i of a list."""
    return [_native.decode(_lib.lc_result_event(ptr, name, i, j)) for j in range(_lib.lc_result_event_count(ptr, name, i))]


def _items(ptr, name, make):
    """make(get, i) for every item of a list, get(field) reading item i."""
    return [make(lambda field, i=i: _value(ptr, name, i, field), i) for i in range(_lib.lc_result_count(ptr, name))]


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
    def totals(self):
        """The Totals, read by name from the result."""
        with self._using() as ptr:
            return Totals(
                amount_uncapped=_value(ptr, b"totals", 0, b"amount_uncapped"),
                amount=_value(ptr, b"totals", 0, b"amount"),
                capped=_value(ptr, b"totals", 0, b"capped"),
                cap=_value(ptr, b"contract", 0, b"cap"),
                termination_right=_value(ptr, b"termination", 0, b"right"),
                breaches=_lib.lc_result_count(ptr, b"breaches"),
                incidents=_lib.lc_result_count(ptr, b"incidents"),
                warnings=_lib.lc_result_count(ptr, b"warnings"),
            )

    @property
    def caps(self):
        """What each cap cut, as CapCut objects, in the JSON's order (only caps that cut)."""
        with self._using() as ptr:  # the strings are the result's: copied inside
            caps = _items(ptr, b"caps", lambda get, i: CapCut(
                cap=get(b"cap"), window=get(b"window"), period=get(b"period"), limit=get(b"limit"), cut=get(b"cut")))
            for cut in range(_lib.lc_result_count(ptr, b"cap_cuts")):
                def get(field):
                    return _value(ptr, b"cap_cuts", cut, field)
                caps[get(b"cap_index")].breaches.append(CapBreach(
                    rule=get(b"rule"), period=get(b"period"), at=get(b"at"), cut=get(b"cut"), breach=get(b"breach")))
            return caps

    @property
    def caps_reached(self):
        """The ids of the caps that cut something, each once, in the JSON's order."""
        return list(dict.fromkeys(cut.cap for cut in self.caps if cut.cut > 0))

    @property
    def breaches(self):
        """Every breach in order, as Breach objects."""
        with self._using() as ptr:
            return _items(ptr, b"breaches", lambda get, i: Breach(
                rule=get(b"rule"), class_=get(b"class"), clause=get(b"clause"), reason=get(b"reason"),
                pct=None if get(b"pct") is None else decimal.Decimal(get(b"pct")), amount=get(b"amount"),
                period=get(b"period"), at=get(b"at"), events=_events(ptr, b"breaches", i), counted=get(b"counted")))

    @property
    def incidents(self):
        """Every incident in order, as Incident objects."""
        with self._using() as ptr:
            return _items(ptr, b"incidents", lambda get, i: Incident(
                rule=get(b"rule"), class_=get(b"class"), at=get(b"at"), clause=get(b"clause"), text=get(b"text"),
                events=_events(ptr, b"incidents", i)))

    @property
    def findings(self):
        """Every finding in order, as Finding objects."""
        with self._using() as ptr:
            return _items(ptr, b"findings", lambda get, i: Finding(
                kind=get(b"kind"), message=get(b"message"), clause=get(b"clause"),
                events=_events(ptr, b"findings", i)))

    @property
    def headroom(self):
        """As of an instant (Evaluation.result(as_of=...)): how far each
        threshold is, as Headroom objects; [] for a result not as of one."""
        with self._using() as ptr:
            return _items(ptr, b"headroom", lambda get, i: Headroom(
                kind=get(b"kind"), rule=get(b"rule"), crossed=get(b"crossed"), left=_decimal_or_none(get(b"left")),
                unit=get(b"unit"), amount=get(b"amount"), at=get(b"at"), used=_decimal_or_none(get(b"used")),
                gone=_decimal_or_none(get(b"gone")), what=get(b"what")))

    @property
    def warnings(self):
        """The warnings: dicts of file, line and message."""
        with self._using() as ptr:
            return _items(ptr, b"warnings", lambda get, i: {
                "file": get(b"file"), "line": get(b"line"), "message": get(b"message")})

    def render(self, format="text", lang=None, explain=False, bom=False):
        """The report as text: format "text", "json", "csv" or "html".

        lang: "both", "zh" or "en" (labels of text, CSV and HTML); None:
        the language the contract declares, else both;
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


def diff(old, new, format="json", lang=None):
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
