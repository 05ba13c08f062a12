"""libcontract: contract penalty clauses as rules that run (Python binding).

A ctypes binding of the libcontract C library (standard library only)::

    import libcontract

    engine = libcontract.Engine("rules/beijing-sme-secops-2026.lua", params={"base_pct": 100})
    result = engine.evaluate(files=["examples/events/tickets.jsonl"])
    for breach in result.breaches:
        print(breach.rule, breach.period or breach.at, breach.amount)
    print(result.totals.amount)

The shared library is found from LIBCONTRACT_LIBRARY (a path), else next
to an installed layout, else by the system's library search.  Amounts are
decimal.Decimal, never float.
"""

from . import _native
from .engine import Engine
from .errors import ContractError, ContractIOError, EventError, RulesError, UsageError
from .evaluation import Evaluation, Scenario
from .options import EVENT_LINE_UNLIMITED, Options
from .result import Breach, CapCut, Headroom, Result, Totals, diff

__all__ = [
    "EVENT_LINE_UNLIMITED",
    "Breach",
    "CapCut",
    "ContractError",
    "ContractIOError",
    "Engine",
    "Evaluation",
    "EventError",
    "Headroom",
    "Options",
    "Result",
    "RulesError",
    "Scenario",
    "Totals",
    "UsageError",
    "diff",
    "library_path",
    "version",
    "version_number",
]

#: The path (or name) the shared library was loaded from.
library_path = _native.library_path


def version():
    """The version of the loaded library ("0.3.0")."""
    return _native.decode(_native.lib.lc_version_string())


def version_number():
    """The loaded library's major*10000 + minor*100 + patch."""
    return _native.lib.lc_version_number()
