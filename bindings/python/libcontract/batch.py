"""Batches of evaluations: many contracts and scenarios on a Dask cluster.

A Job names the rules (a file, or Text), parameter overrides, the events (event
files, or a picklable function that makes them on the worker) and, for a
Monte Carlo sample, a scenario and its seed.  A Sweep is a whole Monte Carlo
study of one contract under one scenario: its seeds are spread over the
workers, which reduce them to what its Summary needs.  run_batch() runs a
list of Jobs and Sweeps on a dask.distributed Client; run_local() runs them
in this process.  Both return one outcome per item, in item order (a
JobResult for a Job, a Summary for a Sweep): a job that fails gives a failed
JobResult whose error says what (kind, file, line, message, as the command
line prints it), never an exception and never a missing entry.

Every thread that runs jobs (a worker's thread, or the caller for run_local)
keeps its own engines, scenarios and parsed events between tasks (see
libcontract._worker), and drops an engine or scenario the library failed a
job with, so that no job can fail the next.  How tasks are sized, how a
worker that dies is dealt with and what "timeout" means: see
libcontract._dispatch.  The engine itself is not changed for any of this:
the batch only drives the binding.

Dask is imported by run_batch() and local_client() only; the rest of this
module, and the binding, work without it.
"""

import contextlib

from . import _dispatch
from ._jobs import DETAILS, KINDS, Job, JobError, JobResult, Summary, Sweep, Text
from ._worker import CACHE_SIZE, clear_cache, run_job, run_piece

__all__ = ["CACHE_SIZE", "DETAILS", "KINDS", "BatchResults", "Job", "JobError", "JobResult", "Summary", "Sweep",
           "Text", "clear_cache", "local_client", "run_batch", "run_job", "run_local"]


class BatchResults(list):
    """The outcomes of a batch, in item order, and what happened on the way.

    A list of JobResult (for a Job) and Summary (for a Sweep).  Attributes:
    tasks (Dask tasks sent; 0 in process), chunk_sizes (units per task ->
    tasks of that size), retried (jobs and samples run again) and reasons
    (why: reason -> jobs and samples), killers (jobs and samples that
    killed their worker), seconds (the batch's wall time).
    """

    def __init__(self, outcomes, report=None):
        super().__init__(outcomes)
        report = report or _dispatch.Report()
        self.tasks = report.tasks
        self.chunk_sizes = dict(report.chunk_sizes)
        self.retried = report.retried_units
        self.reasons = dict(report.reasons)
        self.killers = report.killers
        self.seconds = report.seconds

    @property
    def retries(self):
        """{"retried": jobs and samples run again, "reasons": {reason: how many}} (for a report)."""
        return {"retried": self.retried, "reasons": self.reasons}


def _checked(items, detail):
    """The items as a list; TypeError or ValueError for what is not a batch."""
    items = list(items)
    for item in items:
        if not isinstance(item, Job):
            raise TypeError("a batch holds libcontract.batch.Job and Sweep objects, not %s" % type(item).__name__)
    if detail not in DETAILS:
        raise ValueError("detail must be one of %s, not %r" % (", ".join(DETAILS), detail))
    return items


def run_local(items, detail="json", progress=False):
    """Runs the Jobs and Sweeps one after the other in this thread: outcomes in item order.

    The same outcomes as run_batch(), without Dask: the reference for what
    distributing costs, and the way to run a small batch.  progress as
    run_batch's (off by default here).
    """
    items = _checked(items, detail)
    shown = _dispatch.Progress(sum(item.samples if isinstance(item, Sweep) else 1 for item in items), progress)
    outcomes = []
    for index, item in enumerate(items):
        piece = ("seeds", index, item, item.seed, item.seed + item.samples) if isinstance(item, Sweep) \
            else ("job", index, item)
        outcomes.append(run_piece(piece, detail, tick=shown.tick))
    shown.finish()
    return BatchResults(outcomes)


def _default_client():
    """The client this process already uses (dask's default), or None."""
    import distributed
    try:
        return distributed.get_client()
    except ValueError:
        return None


def run_batch(items, client=None, detail="json", chunk_size=None, timeout=None, progress=None):
    """Runs Jobs and Sweeps on a dask.distributed cluster: outcomes in item order (a BatchResults).

    client: a dask.distributed.Client; None uses the default client, or
    starts a LocalCluster for this call (local_client()).  detail: "json"
    brings each Job's whole JSON back, "totals" only its totals.
    chunk_size: jobs or seeds per Dask task; None (the default) sizes tasks
    from the time the first ones took on the workers (about 0.2 s of work
    each).  timeout: seconds for the whole batch; what has not finished by
    then is cancelled and fails with kind "timeout", naming the timeout.
    progress: done/total, rate and time left on stderr; None shows it when
    stderr is a terminal, True always, False never, or a function called
    with (done, total, seconds).

    Every Job gives a JobResult and every Sweep a Summary.  A job whose
    worker died is run again; one that kills its worker (it died with it,
    then again run alone) fails with kind "worker", and only it.  The
    workers must reach the rule, scenario and event files by the paths
    given (a shared file system), or get them as Text and functions.
    """
    items = _checked(items, detail)
    if chunk_size is not None and (isinstance(chunk_size, bool) or not isinstance(chunk_size, int)
                                   or chunk_size < 1):
        raise ValueError("chunk_size must be None or an int >= 1, not %r" % (chunk_size,))
    client = client or _default_client()
    if client is None:
        with local_client() as own:
            return run_batch(items, own, detail, chunk_size, timeout, progress)
    batch = _dispatch.DaskBatch(client, items, detail, chunk_size, timeout, progress)
    return BatchResults(batch.run(), batch.report)


@contextlib.contextmanager
def local_client(n_workers=None, threads_per_worker=1, allowed_failures=0, **cluster_options):
    """A Client of a new LocalCluster on this machine, closed at the end of the block.

    One worker process per core by default, each with one thread: part of
    every job (pushing events, reading results) runs Python under the
    interpreter's lock, so processes, not threads, run jobs side by side.
    The workers inherit this process's environment (LIBCONTRACT_LIBRARY,
    PYTHONPATH) and so find the same library and binding.

    allowed_failures is the scheduler's distributed.scheduler.allowed-failures:
    0 (the default here; Dask's is 3) reports a task whose worker died at
    once, so that run_batch re-runs its jobs apart and a job that kills
    workers kills one at a time, instead of Dask moving it to the next
    worker until several died.
    """
    import dask
    import distributed
    cluster_options.setdefault("dashboard_address", None)
    with dask.config.set({"distributed.scheduler.allowed-failures": allowed_failures}):
        cluster = distributed.LocalCluster(n_workers=n_workers, threads_per_worker=threads_per_worker,
                                           processes=True, **cluster_options)
    with cluster, distributed.Client(cluster) as client:
        yield client
