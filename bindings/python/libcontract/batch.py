"""Batches of evaluations: many contracts and scenarios on a Dask cluster.

A Job names the rules (a file, or Text), parameter overrides, the events (event
files, or a picklable function that makes them on the worker) and, for a
Monte Carlo sample, a scenario and its seed.  run_batch() evaluates jobs on a
dask.distributed Client; run_local() evaluates them in this process.  Both
return one JobResult per job, in job order: a job that fails gives a failed
JobResult whose error says what (kind, file, line, message, as the command
line prints it), never an exception and never a missing entry.

Every thread that runs jobs (a worker's thread, or the caller for run_local)
keeps its own engines, scenarios and parsed events, keyed by what made them
(rule text and name, parameters, file contents), so nothing is shared between
workers or threads, and a thousand seeds of one scenario load the rules and
read the events once per thread, not once per job.  The engine itself is not
changed for any of this: the batch only drives the binding.

Dask is imported by run_batch() and local_client() only; the rest of this
module, and the binding, work without it.
"""

import collections
import collections.abc
import contextlib
import dataclasses
import json
import os
import socket
import threading
import time
import types
from typing import Any, Optional

from . import _native
from .engine import Engine, param_text
from .errors import ContractError
from .evaluation import Scenario
from .result import Totals

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

#: Engines (each with its kept events) and scenarios one thread keeps.
CACHE_SIZE = 16


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
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or not 0 <= self.seed < 2 ** 64:
            raise ValueError("seed must be an int in [0, 2**64), not %r" % (self.seed,))


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


@dataclasses.dataclass
class JobError:
    """Why a job failed.

    kind: "rules", "event", "usage", "io", "memory" or "internal" (the
    library's statuses: `code` is the lc_status, `file` and `line` name the
    place), "python" (an exception in Python, e.g. in an events function),
    "worker" (the worker running it died or the task could not run there),
    "cancelled" or "timeout".  str() is "file:line: message", as the
    command line prints the library's errors.
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
    that ran it (host:pid), seconds the time it took there.
    """

    index: int
    label: Any = None
    ok: bool = False
    totals: Optional[Totals] = None
    json: Optional[str] = None
    error: Optional[JobError] = None
    worker: str = ""
    seconds: float = 0.0

    @property
    def data(self):
        """The result's JSON as a dict (None without it)."""
        return None if self.json is None else json.loads(self.json)


# ---- one thread's engines, scenarios and kept events ---------------------------


class _Lru:
    """At most `size` values by key; the least recently used is closed first."""

    def __init__(self, size=CACHE_SIZE):
        self._size = size
        self._items = collections.OrderedDict()

    def get(self, key, make):
        """The value for key, made by make() when absent."""
        value = self._items.pop(key, None)
        if value is None:
            value = make()
        self._items[key] = value
        while len(self._items) > self._size:
            self._items.popitem(last=False)[1].close()
        return value

    def close(self):
        """Closes every value."""
        while self._items:
            self._items.popitem()[1].close()


class _Loaded:
    """An engine and the events kept for replays under it (by files)."""

    def __init__(self, engine):
        self.engine = engine
        self.sources = _Lru()

    def close(self):
        self.sources.close()
        self.engine.close()


class _Cache:
    """What one thread keeps between jobs: engines and scenarios."""

    def __init__(self):
        self.engines = _Lru()
        self.scenarios = _Lru()


_thread = threading.local()


def _cache():
    """This thread's cache (made on first use)."""
    if not hasattr(_thread, "cache"):
        _thread.cache = _Cache()
    return _thread.cache


def clear_cache():
    """Frees the engines and scenarios this thread keeps."""
    cache = getattr(_thread, "cache", None)
    if cache is not None:
        cache.engines.close()
        cache.scenarios.close()


def _read(source):
    """(name, text or None) of a path or Text; None when the file cannot be read.

    The file is read here so that the cache is keyed by its text; when it
    cannot be read the library is asked to load the path, so that the error
    is the library's own, as the command line prints it.
    """
    if isinstance(source, Text):
        return source.name, _native.encode(source.text)
    try:
        with open(source, "rb") as f:
            return source, f.read()
    except OSError:
        return source, None


def _engine(job):
    """The cached engine for the job's rule text and parameters."""
    name, text = _read(job.rules)
    params = tuple((key, param_text(value)) for key, value in job.params.items())

    if text is None:  # the library's own error, as the command line reports it
        return _Loaded(Engine(name, params=dict(params)))
    return _cache().engines.get((name, text, params),
                                lambda: _Loaded(Engine.from_string(text, name=name, params=dict(params))))


def _scenario(source):
    """The cached scenario of a path or Text."""
    name, text = _read(source)
    if text is None:  # the library's own error
        return Scenario(name)
    return _cache().scenarios.get((name, text), lambda: Scenario.from_string(text, name=name))


def _file_stamp(paths):
    """What identifies the files' contents: path, size and modification time of each."""
    try:
        return tuple((path, st.st_size, st.st_mtime_ns) for path, st in ((p, os.stat(p)) for p in paths))
    except OSError:
        return None


def _push_events(evaluation, job):
    """Pushes the job's events: its files in order, or what its function returns."""
    if isinstance(job.events, tuple):
        for path in job.events:
            evaluation.push_file(path)
        return
    events = job.events()
    if isinstance(events, (str, bytes)):
        evaluation.push_lines(events, file=job.events_name)
        return
    for number, event in enumerate(events, start=1):
        if isinstance(event, (str, bytes)):
            if event.strip():
                evaluation.push_line(event, file=job.events_name, line=number)
        else:
            evaluation.push(event, file=job.events_name, line=number)


def _new_source(loaded, job):
    """An evaluation that kept the job's events (for replays)."""
    source = loaded.engine.evaluation(skip_invalid=job.skip_invalid, keep_events=True)
    try:
        _push_events(source, job)
    except BaseException:
        source.close()
        raise
    return source


@contextlib.contextmanager
def _source_events(loaded, job):
    """The kept events to replay: cached for files, made anew from a function."""
    stamp = _file_stamp(job.events) if isinstance(job.events, tuple) else None
    if stamp is not None:
        yield loaded.sources.get((stamp, job.skip_invalid), lambda: _new_source(loaded, job))
        return
    with _new_source(loaded, job) as source:
        yield source


def _evaluate(job):
    """The job's libcontract.Result (the caller closes it)."""
    loaded = _engine(job)
    with loaded.engine.evaluation(skip_invalid=job.skip_invalid) as evaluation:
        if job.scenario is None:
            _push_events(evaluation, job)
        else:
            scenario = _scenario(job.scenario)
            with _source_events(loaded, job) as source:
                evaluation.replay(source, scenario=scenario, seed=job.seed)
        return evaluation.result()


def _worker_name():
    """host:pid of this process."""
    return "%s:%d" % (socket.gethostname(), os.getpid())


def run_job(index, job, detail="json"):
    """Evaluates one job here: its JobResult, failed rather than raising."""
    start = time.perf_counter()
    outcome = JobResult(index, job.label, worker=_worker_name())
    try:
        with _evaluate(job) as result:
            outcome.totals = result.totals
            outcome.json = result.json if detail == "json" else None
        outcome.ok = True
    except Exception as exc:  # every failure is the job's, reported in its result
        outcome.error = JobError.from_exception(exc)
    outcome.seconds = time.perf_counter() - start
    return outcome


def _run_chunk(chunk, detail):
    """Runs (index, job) pairs on a worker: their JobResults."""
    return [run_job(index, job, detail) for index, job in chunk]


# ---- batches ---------------------------------------------------------------------


def _checked(jobs, detail):
    """The jobs as a list; TypeError or ValueError for what is not a batch."""
    jobs = list(jobs)
    for job in jobs:
        if not isinstance(job, Job):
            raise TypeError("a batch holds libcontract.batch.Job objects, not %s" % type(job).__name__)
    if detail not in DETAILS:
        raise ValueError("detail must be one of %s, not %r" % (", ".join(DETAILS), detail))
    return jobs


def run_local(jobs, detail="json"):
    """Evaluates the jobs one after the other in this thread: JobResults in job order.

    The same results as run_batch(), without Dask: the reference for what
    distributing costs, and the way to run a small batch.
    """
    jobs = _checked(jobs, detail)
    return [run_job(index, job, detail) for index, job in enumerate(jobs)]


def _chunks(jobs, chunk_size):
    """(index, job) pairs in lists of at most chunk_size, in order."""
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        raise ValueError("chunk_size must be an int >= 1, not %r" % (chunk_size,))
    pairs = list(enumerate(jobs))
    return [pairs[i:i + chunk_size] for i in range(0, len(pairs), chunk_size)]


def _failed(chunk, error):
    """A failed JobResult for every job of a chunk that did not run."""
    return [JobResult(index, job.label, error=error) for index, job in chunk]


def _submit(client, chunk, detail):
    """A future running the chunk, or the exception submitting it raised."""
    try:
        return client.submit(_run_chunk, chunk, detail, pure=False)
    except Exception as exc:  # e.g. a job that cannot be pickled
        return exc


def _submit_all(client, chunks, detail):
    """(chunk, future) of every chunk; a chunk that cannot be sent goes job by job.

    So a job that cannot be pickled fails alone, not with its neighbours.
    """
    submitted = []
    for chunk in chunks:
        future = _submit(client, chunk, detail)
        if isinstance(future, Exception) and len(chunk) > 1:
            submitted += [([pair], _submit(client, [pair], detail)) for pair in chunk]
        else:
            submitted.append((chunk, future))
    return submitted


def _outcome(client, chunk, future):
    """The JobResults of one chunk, whatever happened to its task."""
    if isinstance(future, Exception):
        return _failed(chunk, JobError.from_exception(future, kind="python"))
    if future.status == "finished":
        try:
            return client.gather(future)
        except Exception as exc:  # the result was lost with its worker
            return _failed(chunk, JobError.from_exception(exc, kind="worker"))
    if future.status == "error":
        return _failed(chunk, JobError.from_exception(future.exception(), kind="worker"))
    if future.status == "cancelled":
        return _failed(chunk, JobError("cancelled", "the job's task was cancelled"))
    status = future.status
    future.cancel()
    return _failed(chunk, JobError("timeout", "the job did not finish in time (it was %s)" % status))


def _gather(client, submitted):
    """Every chunk's JobResults, gathered at once when all of them finished."""
    futures = [future for _chunk, future in submitted]
    if all(not isinstance(f, Exception) and f.status == "finished" for f in futures):
        try:
            return client.gather(futures)
        except Exception:  # some result was lost: fall back to one chunk at a time
            pass
    return [_outcome(client, chunk, future) for chunk, future in submitted]


def _in_order(jobs, outcomes):
    """The results by job index; a job nothing came back for is reported, not dropped."""
    results = [None] * len(jobs)
    for outcome in outcomes:
        for result in outcome:
            results[result.index] = result
    lost = JobError("worker", "no result came back for this job")
    return [result if result is not None else JobResult(index, job.label, error=lost)
            for index, (job, result) in enumerate(zip(jobs, results))]


def _run_on(client, jobs, detail, chunk_size, timeout):
    """Submits the jobs to client in chunks and waits: JobResults in job order."""
    import distributed
    submitted = _submit_all(client, _chunks(jobs, chunk_size), detail)
    try:
        distributed.wait([f for _chunk, f in submitted if not isinstance(f, Exception)], timeout=timeout)
    except Exception:  # a timeout or a cancelled task: reported below, job by job
        pass
    return _in_order(jobs, _gather(client, submitted))


def _default_client():
    """The client this process already uses (dask's default), or None."""
    import distributed
    try:
        return distributed.get_client()
    except ValueError:
        return None


def run_batch(jobs, client=None, detail="json", chunk_size=1, timeout=None):
    """Evaluates the jobs on a dask.distributed cluster: JobResults in job order.

    client: a dask.distributed.Client; None uses the default client, or
    starts a LocalCluster for this call (local_client()).  detail: "json"
    brings each result's whole JSON back, "totals" only its totals (for
    thousands of samples).  chunk_size: jobs per Dask task (more per task
    costs less scheduling per job; 1 spreads best).  timeout: seconds to
    wait; jobs not finished by then are cancelled and reported.

    Every job gives a JobResult; a job that failed on its worker, whose
    worker died, or that could not be sent has ok=False and its error.
    The workers must reach the rule, scenario and event files by the paths
    given (a shared file system), or get them as Text and functions.
    """
    jobs = _checked(jobs, detail)
    client = client or _default_client()
    if client is not None:
        return _run_on(client, jobs, detail, chunk_size, timeout)
    with local_client() as own:
        return _run_on(own, jobs, detail, chunk_size, timeout)


@contextlib.contextmanager
def local_client(n_workers=None, threads_per_worker=1, **cluster_options):
    """A Client of a new LocalCluster on this machine, closed at the end of the block.

    One worker process per core by default, each with one thread: part of
    every job (pushing events, reading results) runs Python under the
    interpreter's lock, so processes, not threads, run jobs side by side.
    The workers inherit this process's environment (LIBCONTRACT_LIBRARY,
    PYTHONPATH) and so find the same library and binding.
    """
    import distributed
    cluster_options.setdefault("dashboard_address", None)
    with distributed.LocalCluster(n_workers=n_workers, threads_per_worker=threads_per_worker, processes=True,
                                  **cluster_options) as cluster:
        with distributed.Client(cluster) as client:
            yield client
