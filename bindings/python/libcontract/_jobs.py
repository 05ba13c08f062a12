"""What a batch is made of and what it gives back (libcontract.batch re-exports these).

A Job is one evaluation; a Sweep is a Monte Carlo study of one contract under
one scenario (many seeds), summarised as `contract sweep --scenario` does.
Their outcomes are a JobResult and a Summary.  These classes travel between
the client and the workers, so they hold plain, picklable values only.
"""

import collections
import collections.abc
import dataclasses
import json
import os
import types
from typing import Any, Optional

from . import _native
from .engine import param_text
from .errors import ContractError
from .result import Totals, fen_to_decimal

#: Error kinds of the library's statuses (JobError.kind).
KINDS = {
    _native.LC_EUSAGE: "usage",
    _native.LC_ERULES: "rules",
    _native.LC_EEVENT: "event",
    _native.LC_ENOMEM: "memory",
    _native.LC_EIO: "io",
    _native.LC_EINTERNAL: "internal",
}

#: What a JobResult can carry back: the whole result or its totals only.
DETAILS = ("json", "totals")

#: The percentiles `contract sweep --scenario` reports.
SWEEP_PERCENTILES = (50, 90, 95, 99)


@dataclasses.dataclass(frozen=True)
class Text:
    """Rule or scenario text given inline instead of a file.

    name names it in messages and in the result's stamp, as a path does.
    Use it when the workers cannot read the client's files.
    """

    text: str
    name: str = "rules"


@dataclasses.dataclass
class Job:
    """One evaluation to run.

    rules: a rule file's path (read on the worker) or a Text.
    params: NAME -> value overrides, as `--set` (str, int or Decimal).
    events: an event file's path, a list of paths (pushed in order, as
        `contract eval` reads them), or a picklable function of no argument
        that returns the events on the worker: an iterable of dicts or JSON
        lines, or one str of JSON Lines.  A generator cannot be shipped to a
        worker: pass the function that makes it (a module-level function or
        functools.partial).  events_name names such events in messages.
    scenario: None, or a scenario script's path or Text: the events are then
        replayed through it with `seed` (a Monte Carlo sample; the same seed
        gives the same year, as `contract sweep --seed` does).
    skip_invalid: invalid events become warnings (`--skip-invalid`).
    label: anything picklable, handed back in the JobResult (e.g. the
        contract's and the scenario's names).
    """

    rules: Any
    events: Any = ()
    params: dict = dataclasses.field(default_factory=dict)
    scenario: Any = None
    seed: int = 0
    skip_invalid: bool = False
    events_name: str = "events"
    label: Any = None

    def __post_init__(self):
        """Refuses what cannot run on a worker now, not in the middle of a batch."""
        self.rules = _source(self.rules, "rules")
        if self.scenario is not None:
            self.scenario = _source(self.scenario, "scenario")
        self.events = _event_source(self.events)
        self.params = dict(self.params)
        for value in self.params.values():
            param_text(value)  # TypeError for floats and other types, here
        _check_seed(self.seed, 1)


@dataclasses.dataclass
class Sweep(Job):
    """A Monte Carlo study: `samples` replays of the events through `scenario`,
    seeded seed, seed + 1, ... as `contract sweep --scenario FILE --samples N
    --seed S` runs them.

    The fields are a Job's (the scenario is required), plus samples.  Its
    outcome is a Summary: the workers reduce the samples they run to the
    figures a summary needs (how many samples gave each amount, how many
    reached each cap or a termination right), so the samples never travel
    one by one.  An events function is called once per task on the worker
    (not once per sample): it must make the same events every time.
    """

    samples: int = 1000

    def __post_init__(self):
        super().__post_init__()
        if self.scenario is None:
            raise ValueError("a Sweep needs a scenario (a path or a libcontract.batch.Text)")
        if isinstance(self.samples, bool) or not isinstance(self.samples, int) or self.samples < 1:
            raise ValueError("samples must be an int >= 1, not %r" % (self.samples,))
        _check_seed(self.seed, self.samples)


def _check_seed(seed, count):
    """seed .. seed + count - 1 must be seeds (uint64); ValueError otherwise."""
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed or seed + count > 2 ** 64:
        raise ValueError("seeds must be ints in [0, 2**64): seed %r, %d sample(s)" % (seed, count))


def _source(value, what):
    """A path (as str) or a Text; TypeError otherwise."""
    if isinstance(value, Text):
        return value
    if isinstance(value, (str, os.PathLike)):
        return os.fspath(value)
    raise TypeError("%s must be a path or a libcontract.batch.Text, not %s" % (what, type(value).__name__))


def _event_source(events):
    """A tuple of paths, or a callable; TypeError for what cannot be shipped."""
    if isinstance(events, (str, os.PathLike)):
        return (os.fspath(events),)
    if isinstance(events, (list, tuple)):
        return tuple(_source(path, "an event file") for path in events)
    if isinstance(events, (types.GeneratorType, collections.abc.Iterator)):
        raise TypeError("events cannot be a generator or an iterator: it cannot be sent to a worker; "
                        "pass the function that makes it")
    if callable(events):
        return events
    raise TypeError("events must be a path, a list of paths or a function returning the events, not %s"
                    % type(events).__name__)


def source_name(source):
    """The name a path or Text goes by in messages."""
    return source.name if isinstance(source, Text) else source


@dataclasses.dataclass
class JobError:
    """Why a job (or one sample of a Sweep) failed.

    kind: "rules", "event", "usage", "io", "memory" or "internal" (the
    library's statuses: `code` is the lc_status, `file` and `line` name the
    place), "python" (an exception in Python, e.g. in an events function,
    or a job that cannot be sent), "worker" (the job killed the worker
    running it: it died with it, then again when run alone), "cancelled" or
    "timeout" (the batch's timeout expired first).  str() is
    "file:line: message", as the command line prints the library's errors.
    """

    kind: str
    message: str
    file: str = ""
    line: int = 0
    code: Optional[int] = None

    @classmethod
    def from_exception(cls, exc, kind=None):
        """The error of an exception: the library's own, or a Python one."""
        if isinstance(exc, ContractError):
            return cls(KINDS.get(exc.code, "internal"), exc.message, exc.file, exc.line, exc.code)
        return cls(kind or "python", "%s: %s" % (type(exc).__name__, exc))

    def __str__(self):
        return str(ContractError(self.code, self.file, self.line, self.message))


@dataclasses.dataclass
class JobResult:
    """The outcome of one job.

    index: the job's position in the list; label: the job's label; ok: True
    when it was evaluated.  Then totals (a libcontract.Totals, Decimal
    amounts) and, with detail="json", json: the INTERFACE.md JSON text
    (`data` parses it); else error, a JobError.  worker names the process
    that ran it (host:pid), seconds the time it took there.  caps maps
    the id of every cap the rule file declares to True when it cut
    something.  retried says why it was run again, if it was (a worker that
    died under it, a result lost with its worker).
    """

    index: int
    label: Any = None
    ok: bool = False
    totals: Optional[Totals] = None
    json: Optional[str] = None
    error: Optional[JobError] = None
    worker: str = ""
    seconds: float = 0.0
    caps: dict = dataclasses.field(default_factory=dict)
    retried: list = dataclasses.field(default_factory=list)

    @property
    def data(self):
        """The result's JSON as a dict (None without it)."""
        return None if self.json is None else json.loads(self.json)


def _c_division(a, b):
    """a / b truncated toward zero, as C divides."""
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


def _share(count, n):
    """count / n as `contract sweep` prints it (%.6g), read back as a number."""
    return float("%.6g" % (count / n))


def money_text(fen):
    """Fen as the decimal text of the command line ("1234.50")."""
    sign = "-" if fen < 0 else ""
    return "%s%d.%02d" % (sign, abs(fen) // 100, abs(fen) % 100)


@dataclasses.dataclass
class Summary:
    """The outcome of a Sweep: the distribution of its samples' capped totals.

    index and label as a JobResult's; seed and samples as asked; scenario
    names the script.  amounts counts the samples by amount (in fen: exact,
    and all a percentile needs), capped the samples a cap cut (any cap),
    terminations those that gave a termination right, caps the samples each
    declared cap cut something in (by cap id, in declaration order).
    failures lists (seed, JobError) of the samples that failed, by seed;
    retried counts the samples run again, by reason; seconds is the time the
    workers spent on it.  The figures (mean, percentile(), p_capped, ...)
    are those of the samples that succeeded, computed as `contract sweep`
    computes them (ValueError when none did); sweep_json() is that
    command's JSON figures (its stamp names the command's own run).
    """

    index: int
    label: Any = None
    seed: int = 0
    samples: int = 0
    scenario: str = ""
    amounts: collections.Counter = dataclasses.field(default_factory=collections.Counter)
    capped: int = 0
    terminations: int = 0
    caps: dict = dataclasses.field(default_factory=dict)
    failures: list = dataclasses.field(default_factory=list)
    retried: collections.Counter = dataclasses.field(default_factory=collections.Counter)
    seconds: float = 0.0
    unit_seconds: float = 0.0  # a typical sample's time (a worker's part; the dispatcher sizes tasks with it)

    # ---- filled on the workers, merged on the client --------------------------

    def add(self, fen, capped, termination, caps):
        """Counts one sample: its amount in fen, its flags, the ids of the caps that cut in it."""
        self.amounts[fen] += 1
        self.capped += bool(capped)
        self.terminations += bool(termination)
        for cap in caps:
            self.caps[cap] = self.caps.get(cap, 0) + 1

    def declare_caps(self, ids):
        """Every cap the rule file declares is reported, at 0 when it never cut."""
        for cap in ids:
            self.caps.setdefault(cap, 0)

    def fail(self, seeds, error):
        """Records that these seeds failed with error."""
        self.failures += [(seed, error) for seed in seeds]

    def merge(self, part):
        """Adds the figures of another part of the same Sweep."""
        self.amounts.update(part.amounts)
        self.capped += part.capped
        self.terminations += part.terminations
        self.declare_caps(part.caps)
        for cap, count in part.caps.items():
            self.caps[cap] += count
        self.failures += part.failures  # put in seed order once all parts are in (DaskBatch.run)
        self.retried.update(part.retried)
        self.seconds += part.seconds

    # ---- the figures ------------------------------------------------------------

    @property
    def count(self):
        """The samples that succeeded."""
        return sum(self.amounts.values())

    @property
    def failed(self):
        """The samples that failed."""
        return len(self.failures)

    @property
    def ok(self):
        """True when every sample succeeded."""
        return not self.failures and self.count == self.samples

    def _succeeded(self):
        """count, or ValueError when no sample succeeded (there is no figure to give)."""
        if not self.amounts:
            raise ValueError("no sample of this Sweep succeeded")
        return self.count

    def percentile_fen(self, p):
        """Nearest rank, as `contract sweep`: the smallest amount with p% of the samples at or below it."""
        rank, seen = max((p * self._succeeded() + 99) // 100, 1), 0
        for fen in sorted(self.amounts):
            seen += self.amounts[fen]
            if seen >= rank:
                return fen
        raise AssertionError("rank %d past %d samples" % (rank, seen))

    def percentile(self, p):
        """percentile_fen(p) as a Decimal."""
        return fen_to_decimal(self.percentile_fen(p))

    @property
    def mean_fen(self):
        """The mean amount in fen, rounded half up as `contract sweep` rounds it."""
        n = self._succeeded()
        total = sum(fen * count for fen, count in self.amounts.items())
        return _c_division(total * 2 + n, 2 * n)

    @property
    def mean(self):
        return fen_to_decimal(self.mean_fen)

    @property
    def min(self):
        self._succeeded()
        return fen_to_decimal(min(self.amounts))

    @property
    def max(self):
        self._succeeded()
        return fen_to_decimal(max(self.amounts))

    @property
    def p_capped(self):
        """The share of the samples a cap cut (any cap)."""
        return self.capped / self._succeeded()

    @property
    def p_termination(self):
        """The share of the samples that gave a termination right."""
        return self.terminations / self._succeeded()

    @property
    def p_cap(self):
        """By cap id, the share of the samples in which that cap cut something."""
        n = self._succeeded()
        return {cap: count / n for cap, count in self.caps.items()}

    def sweep_json(self):
        """The figures of `contract sweep --scenario ... --format json` for these samples, as a dict."""
        n = self._succeeded()
        data = {"samples": n, "seed": self.seed, "scenario": self.scenario, "mean": money_text(self.mean_fen),
                "min": money_text(min(self.amounts))}
        data.update(("p%d" % p, money_text(self.percentile_fen(p))) for p in SWEEP_PERCENTILES)
        data.update({"max": money_text(max(self.amounts)), "p_capped": _share(self.capped, n),
                     "p_termination": _share(self.terminations, n),
                     "p_cap": {cap: _share(count, n) for cap, count in self.caps.items()}})
        return data
