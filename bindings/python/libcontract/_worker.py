"""What runs on a worker: a task's pieces, with this thread's engines, scenarios and events.

A task is a list of pieces, each a tuple:

    ("job", index, job)                    one Job: its JobResult
    ("seeds", index, sweep, start, stop)   seeds start .. stop - 1 of a Sweep: a
                                           Summary of them (start == stop: only
                                           load what the Sweep needs)

Every thread that runs pieces (a worker's thread, or the caller for
run_local) keeps its own engines, scenarios and parsed events, keyed by what
made them (rule text and name, parameters, file contents), so nothing is
shared between workers or threads, and a thousand seeds of one scenario load
the rules and read the events once per thread, not once per task.

A failed evaluation may have stopped a sandbox for good (a limit reached in
the rule file or in the scenario), and the library refuses every later call
on that engine or scenario: whenever the library fails a job, the engine
(with its kept events) and the scenario the job used leave the cache, and
the next job builds its own.  Nothing a job did can fail the next one.
"""

import collections
import contextlib
import os
import socket
import statistics
import threading
import time

from . import _native
from ._jobs import JobError, JobResult, Summary, Text, source_name
from .engine import Engine, param_text
from .errors import ContractError
from .evaluation import Scenario

#: Engines (each with its kept events) and scenarios one thread keeps.
CACHE_SIZE = 16


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

    def drop(self, key):
        """Closes and forgets the value for key, if there is one."""
        value = self._items.pop(key, None)
        if value is not None:
            value.close()

    def close(self):
        """Closes every value."""
        while self._items:
            self._items.popitem()[1].close()


class _Loaded:
    """An engine, the caps it declares and the events kept for replays under it (by files)."""

    def __init__(self, engine):
        self.engine = engine
        self.caps = [cap["id"] for cap in engine.caps]
        self.sources = _Lru()

    def close(self):
        self.sources.close()
        self.engine.close()


class _Cache:
    """What one thread keeps between tasks: engines and scenarios."""

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


class _Inputs:
    """The files one task reads, each read (or stat'ed) once per task, not once per job."""

    def __init__(self):
        self._texts = {}
        self._stamps = {}

    def read(self, source):
        """(name, text or None) of a path or Text; None when the file cannot be read.

        The file is read here so that the cache is keyed by its text; when it
        cannot be read the library is asked to load the path, so that the
        error is the library's own, as the command line prints it.
        """
        if source not in self._texts:
            self._texts[source] = _read(source)
        return self._texts[source]

    def stamp(self, paths):
        """What identifies the files' contents: path, size and modification time of each; None when one is missing."""
        if paths not in self._stamps:
            try:
                self._stamps[paths] = tuple((path, st.st_size, st.st_mtime_ns)
                                            for path, st in ((p, os.stat(p)) for p in paths))
            except OSError:
                self._stamps[paths] = None
        return self._stamps[paths]


def _read(source):
    """(name, text or None) of a path or Text (see _Inputs.read)."""
    if isinstance(source, Text):
        return source.name, _native.encode(source.text)
    try:
        with open(source, "rb") as f:
            return source, f.read()
    except OSError:
        return source, None


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


class _Setup:
    """What a job needs, loaded on first use: its engine, scenario and kept events.

    Cached ones come from this thread's cache; forget() takes them out of it
    (after the library failed the job), close() frees what is this setup's own.
    """

    def __init__(self, job, inputs):
        self.job = job
        self._inputs = inputs
        self._loaded = self._scenario = self._source = None
        self._engine_key = self._scenario_key = None
        self._own = []  # what is not cached: closed with the setup

    def loaded(self):
        """The _Loaded engine for the job's rule text and parameters."""
        if self._loaded is None:
            job = self.job
            name, text = self._inputs.read(job.rules)
            params = tuple((key, param_text(value)) for key, value in job.params.items())
            if text is None:  # the library's own error, as the command line reports it
                self._loaded = _Loaded(Engine(name, params=dict(params)))
                self._own.append(self._loaded)
            else:
                self._engine_key = (name, text, params)
                self._loaded = _cache().engines.get(self._engine_key, lambda: _Loaded(
                    Engine.from_string(text, name=name, params=dict(params))))
        return self._loaded

    def scenario(self):
        """The job's Scenario."""
        if self._scenario is None:
            name, text = self._inputs.read(self.job.scenario)
            if text is None:  # the library's own error
                self._scenario = Scenario(name)
                self._own.append(self._scenario)
            else:
                self._scenario_key = (name, text)
                self._scenario = _cache().scenarios.get(self._scenario_key,
                                                        lambda: Scenario.from_string(text, name=name))
        return self._scenario

    def source(self):
        """The evaluation that kept the job's events: cached by file stamps, made once per setup from a function."""
        if self._source is None:
            job, loaded = self.job, self.loaded()
            stamp = self._inputs.stamp(job.events) if isinstance(job.events, tuple) else None
            if stamp is not None:
                self._source = loaded.sources.get((stamp, job.skip_invalid), self._new_source)
            else:
                self._source = self._new_source()
                self._own.append(self._source)
        return self._source

    def _new_source(self):
        source = self.loaded().engine.evaluation(skip_invalid=self.job.skip_invalid, keep_events=True)
        try:
            _push_events(source, self.job)
        except BaseException:
            source.close()
            raise
        return source

    def prepare(self):
        """Loads everything a replay needs (errors here are every seed's)."""
        self.scenario()
        self.source()

    def result(self, seed):
        """The job's libcontract.Result for seed (the caller closes it)."""
        job, engine = self.job, self.loaded().engine
        with engine.evaluation(skip_invalid=job.skip_invalid) as evaluation:
            if job.scenario is None:
                _push_events(evaluation, job)
            else:
                evaluation.replay(self.source(), scenario=self.scenario(), seed=seed)
            return evaluation.result()

    def forget(self):
        """Takes the engine and scenario out of this thread's cache: the next job rebuilds them."""
        cache = _cache()
        if self._engine_key is not None:
            cache.engines.drop(self._engine_key)
        if self._scenario_key is not None:
            cache.scenarios.drop(self._scenario_key)
        self._loaded = self._scenario = self._source = None
        self._engine_key = self._scenario_key = None

    def close(self):
        while self._own:
            self._own.pop().close()


@contextlib.contextmanager
def _setup(job, inputs):
    """A _Setup for the job, closed at the end of the block."""
    setup = _Setup(job, inputs)
    try:
        yield setup
    finally:
        setup.close()


_worker = (None, "")


def worker_name():
    """host:pid of this process."""
    global _worker
    if _worker[0] != os.getpid():
        _worker = (os.getpid(), "%s:%d" % (socket.gethostname(), os.getpid()))
    return _worker[1]


def run_job(index, job, detail="json", inputs=None):
    """Evaluates one job here: its JobResult, failed rather than raising."""
    start = time.perf_counter()
    outcome = JobResult(index, job.label, worker=worker_name())
    with _setup(job, inputs or _Inputs()) as setup:
        try:
            with setup.result(job.seed) as result:
                outcome.totals = result.totals
                outcome.json = result.json if detail == "json" else None
                reached = set(result.caps_reached) if outcome.totals.capped else ()
            outcome.caps = {cap: cap in reached for cap in setup.loaded().caps}
            outcome.ok = True
        except Exception as exc:  # every failure is the job's, reported in its result
            outcome.error = JobError.from_exception(exc)
            if isinstance(exc, ContractError):
                setup.forget()
    outcome.seconds = time.perf_counter() - start
    return outcome


def _sample(result):
    """What a summary needs of one sample: (amount in fen, capped, termination right, caps that cut)."""
    totals = result.totals
    amount = int(totals.amount.scaleb(2))
    return amount, totals.capped, totals.termination_right, result.caps_reached if totals.capped else ()


def run_seeds(index, sweep, start, stop, inputs=None, tick=None):
    """Runs seeds start .. stop - 1 of a Sweep here: their Summary, failures included.

    An error while loading (rules, scenario, events) is every remaining
    seed's; an error of one sample is that seed's, and the engine and
    scenario it used are rebuilt for the next.  tick(n) is told of every n
    samples done.
    """
    began = time.perf_counter()
    part = Summary(index, sweep.label, seed=start, samples=stop - start, scenario=source_name(sweep.scenario))
    inputs = inputs or _Inputs()
    times = []
    seed = start
    while True:
        with _setup(sweep, inputs) as setup:
            try:
                setup.prepare()
                part.declare_caps(setup.loaded().caps)
            except Exception as exc:  # nothing can run: every remaining seed fails alike
                part.fail(range(seed, stop), JobError.from_exception(exc))
                if isinstance(exc, ContractError):
                    setup.forget()
                break
            seed = _replay_seeds(setup, part, seed, stop, times, tick)
        if seed == stop:
            break
    part.seconds = time.perf_counter() - began
    part.unit_seconds = statistics.median(times) if times else 0.0
    return part


def _replay_seeds(setup, part, seed, stop, times, tick):
    """Replays seeds from seed on into part until one fails: the seed to go on from."""
    while seed < stop:
        start = time.perf_counter()
        try:
            with setup.result(seed) as result:
                part.add(*_sample(result))
        except Exception as exc:  # the seed's failure; the library's may have stopped a sandbox
            part.fail([seed], JobError.from_exception(exc))
            if isinstance(exc, ContractError):
                setup.forget()
                return seed + 1
        finally:
            times.append(time.perf_counter() - start)
            if tick is not None:
                tick(1)
        seed += 1
    return seed


def run_piece(piece, detail, inputs=None, tick=None):
    """The outcome of one piece (see the module's docstring)."""
    if piece[0] == "job":
        _kind, index, job = piece
        outcome = run_job(index, job, detail, inputs)
        if tick is not None:
            tick(1)
        return outcome
    _kind, index, sweep, start, stop = piece
    return run_seeds(index, sweep, start, stop, inputs, tick)


def run_task(pieces, detail):
    """Runs a task's pieces on a worker: their outcomes, in order."""
    inputs = _Inputs()
    return [run_piece(piece, detail, inputs) for piece in pieces]
