"""Running a batch on a dask.distributed cluster: tasks, retries, progress.

The batch is cut into tasks of several jobs or seeds ("units").  Unless the
caller fixes the chunk size, the first tasks are small probes, and every
task after them is sized from the time the units took on the workers: about
TARGET_TASK_SECONDS of work, smaller towards the end so that the workers
finish together, but not under MIN_TASK_SECONDS (a task costs a few
milliseconds whatever it holds).  At most two tasks per worker thread are in flight, and
each task's outcomes are fetched as soon as it finishes, so a worker holds
no result for long and a worker that dies loses little.

When a worker dies, the scheduler reports KilledWorker for the tasks it was
processing (local_client() lets no task be retried on another worker, so
that a job that kills workers kills one at a time).  The units of such a
task are re-run one per task; a unit whose single task dies too is re-run
alone, with nothing else in flight, at the end of the batch; if it dies
again it is the one that kills workers, and it alone fails, with kind
"worker".  A Sweep's seeds go one per task only after a task that only
loads what the Sweep needs (rules, scenario, events) ran alone: when that
kills its worker, every seed of the Sweep fails at once rather than one
worker death per seed.  A result lost with its worker after its task
finished is recomputed by the scheduler (the batch holds its future until
it has the result).  Only the caller's timeout gives kind "timeout".
"""

import collections
import math
import queue
import statistics
import sys
import time

from ._jobs import JobError, JobResult, Summary, Sweep, source_name
from ._worker import run_task

#: Seconds of work per task when the caller gives no chunk size...
TARGET_TASK_SECONDS = 0.2
#: ... and at the end of a batch, at least (a task costs about 3-5 ms, measured by bench.py).
MIN_TASK_SECONDS = 0.02
#: Units in each first task, before any was timed.
PROBE_UNITS = 4
#: Units of one task at most.
MAX_CHUNK = 100000
#: How often one unit may be sent before it fails (a last guard against loops).
MAX_ATTEMPTS = 6
#: Why units were run again (BatchReport.reasons, Summary.retried, JobResult.retried).
RETRY_SHARED = "its task's worker died: re-run in a task of its own"
RETRY_ALONE = "its own task's worker died: re-run alone"
RETRY_LOST = "its result was lost with its worker: recomputed"


class Piece:
    """A job, or a range of a Sweep's seeds, on its way through the batch."""

    def __init__(self, index, item, start=0, stop=0, retried=(), attempts=0):
        self.index, self.item = index, item
        self.start, self.stop = start, stop
        self.retried = list(retried)
        self.attempts = attempts

    @property
    def seeds(self):
        return isinstance(self.item, Sweep)

    @property
    def units(self):
        """Jobs or seeds it holds (a probe, no seed, counts as one)."""
        return max(self.stop - self.start, 1) if self.seeds else 1

    def wire(self):
        """What is sent to the worker (_worker's piece tuples)."""
        if self.seeds:
            return ("seeds", self.index, self.item, self.start, self.stop)
        return ("job", self.index, self.item)

    def cut(self, units):
        """(the first `units` seeds, the rest)."""
        head = Piece(self.index, self.item, self.start, self.start + units, self.retried, self.attempts)
        rest = Piece(self.index, self.item, self.start + units, self.stop, self.retried, self.attempts)
        return head, rest

    def singles(self, reason):
        """One piece per seed (or this job), each noting why it is re-run."""
        if not self.seeds:
            return [Piece(self.index, self.item, retried=self.retried + [reason], attempts=self.attempts)]
        return [Piece(self.index, self.item, seed, seed + 1, self.retried + [reason], self.attempts)
                for seed in range(self.start, self.stop)]


class Progress:
    """done/total, rate and time left on a terminal's stderr, at most twice a second.

    progress: None (when stderr is a terminal), True, False, or a function
    called with (done, total, seconds) instead of printing.
    """

    def __init__(self, total, progress=None, stream=None):
        self.total, self.done = total, 0
        self.stream = stream or sys.stderr
        if progress is None:
            progress = self.stream.isatty() if hasattr(self.stream, "isatty") else False
        self.call = progress if callable(progress) else None
        self.on = bool(progress)
        self.began = self.shown = time.monotonic()
        self.printed = False

    def tick(self, count=1):
        self.done += count
        self.show()

    def show(self, final=False):
        if not self.on:
            return
        now = time.monotonic()
        if not final and now - self.shown < 0.5:
            return
        self.shown = now
        seconds = now - self.began
        if self.call is not None:
            self.call(self.done, self.total, seconds)
            return
        rate = self.done / seconds if seconds > 0 else 0.0
        left = "%.0f s left" % ((self.total - self.done) / rate) if rate and self.done < self.total else ""
        self.stream.write("\r%d/%d done, %.0f/s, %s   " % (self.done, self.total, rate, left or "%.1f s" % seconds))
        if final:
            self.stream.write("\n")
        self.stream.flush()
        self.printed = True

    def finish(self):
        if self.on and (self.printed or self.call is not None):
            self.show(final=True)


class Report:
    """What happened to a batch: tasks, chunk sizes, what was run again and why."""

    def __init__(self):
        self.tasks = 0
        self.chunk_sizes = collections.Counter()
        self.reasons = collections.Counter()  # reason -> units
        self.retried_units = 0
        self.killers = 0
        self.seconds = 0.0


def is_worker_loss(exc):
    """True for the errors of a task whose worker died or could not be reached."""
    import distributed
    from distributed.comm.core import CommClosedError
    return isinstance(exc, (distributed.KilledWorker, CommClosedError, ConnectionError))


class Expired(Exception):
    """The caller's timeout expired."""


class DaskBatch:
    """One batch on a client: items in, one outcome per item out (see the module's docstring)."""

    def __init__(self, client, items, detail, chunk_size, timeout, progress):
        self.client, self.detail, self.chunk_size = client, detail, chunk_size
        self.deadline = None if timeout is None else time.monotonic() + timeout
        self.timeout = timeout
        self.outcomes = [None] * len(items)
        self.todo = collections.deque()
        for index, item in enumerate(items):
            if isinstance(item, Sweep):
                self.outcomes[index] = Summary(index, item.label, seed=item.seed, samples=item.samples,
                                               scenario=source_name(item.scenario))
                self.todo.append(Piece(index, item, item.seed, item.seed + item.samples))
            else:
                self.todo.append(Piece(index, item))
        self.todo_units = sum(piece.units for piece in self.todo)
        self.singles = collections.deque()  # one piece per task
        self.alone = collections.deque()  # one piece per task, nothing else in flight
        self.parked = collections.defaultdict(list)  # Sweep index -> seed ranges waiting for its probe
        self.probed = {}  # Sweep index -> None (probe sent) or True (its setup survived alone)
        self.killed = {}  # Sweep index -> the JobError of a setup that kills workers
        self.flight = {}  # future -> (pieces, alone)
        self.finished = queue.Queue()
        self.times = collections.deque(maxlen=64)  # recent seconds per unit on the workers
        self.threads, self.threads_at = 1, None
        self.report = Report()
        self.progress = Progress(self.todo_units, progress)

    # ---- the loop ---------------------------------------------------------------

    def run(self):
        """Every item's outcome, in item order."""
        began = time.monotonic()
        try:
            while True:
                self.fill()
                if not self.flight:  # fill() sent everything it could: what is left runs alone
                    if not self.alone:
                        break
                    self.submit([self.alone.popleft()], alone=True)
                    continue
                self.handle(self.next_finished())
        except Expired:
            self.expire()
        finally:
            self.progress.finish()
            self.report.seconds = time.monotonic() - began
        for outcome in self.outcomes:
            if isinstance(outcome, Summary):
                outcome.failures.sort(key=lambda failure: failure[0])
        return self.outcomes

    def left(self):
        """Seconds until the caller's timeout (None: no timeout); Expired when none are left."""
        if self.deadline is None:
            return None
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise Expired()
        return left

    def next_finished(self):
        """The next future that finished, erred or was cancelled (progress shown while waiting)."""
        while True:
            left = self.left()
            try:
                return self.finished.get(timeout=0.5 if left is None else min(left, 0.5))
            except queue.Empty:
                self.progress.show()

    # ---- sending ---------------------------------------------------------------

    def workers_threads(self):
        """Threads of the cluster's workers (asked again every few seconds; at least 1)."""
        now = time.monotonic()
        if self.threads_at is None or now - self.threads_at > 5:
            try:
                self.threads = max(1, sum(self.client.nthreads().values()))
            except Exception:  # the scheduler is busy or unreachable: keep the last count
                pass
            self.threads_at = now
        return self.threads

    def next_chunk(self):
        """Units for the next task: the caller's, a probe, or sized from the measured unit time."""
        if self.chunk_size is not None:
            return self.chunk_size
        if not self.times:
            return PROBE_UNITS
        unit = max(statistics.median(self.times), 1e-6)
        share = math.ceil(self.todo_units / (2 * self.workers_threads()))
        return max(1, min(int(TARGET_TASK_SECONDS / unit), MAX_CHUNK, max(share, int(MIN_TASK_SECONDS / unit))))

    def take(self, units):
        """Pieces of `units` units (fewer at the end) from the front of todo, a Sweep's seeds cut as needed."""
        pieces, taken = [], 0
        while self.todo and taken < units:
            piece = self.todo[0]
            if piece.units <= units - taken:
                self.todo.popleft()
            else:  # only seeds: a job is one unit
                piece, self.todo[0] = piece.cut(units - taken)
            pieces.append(piece)
            taken += piece.units
        self.todo_units -= taken
        return pieces

    def fill(self):
        """Sends tasks until two per worker thread are in flight: each has the next at hand."""
        while self.singles or self.todo:
            if len(self.flight) >= 2 * self.workers_threads():
                return
            if self.singles:
                self.submit([self.singles.popleft()])
            else:
                pieces = self.take(self.next_chunk())
                self.report.chunk_sizes[sum(piece.units for piece in pieces)] += 1
                self.submit(pieces)

    def submit(self, pieces, alone=False):
        """Sends one task; a task that cannot be sent is split, or its one piece fails."""
        for piece in pieces:
            piece.attempts += 1
        try:
            future = self.client.submit(run_task, [piece.wire() for piece in pieces], self.detail, pure=False)
        except Exception as exc:  # e.g. a job that cannot be pickled: it fails alone
            if len(pieces) > 1:
                self.singles.extendleft(reversed(pieces))
            else:
                self.fail(pieces[0], JobError.from_exception(exc, kind="python"))
            return
        self.report.tasks += 1
        self.flight[future] = (pieces, alone)
        future.add_done_callback(self.finished.put)

    # ---- what came back ---------------------------------------------------------

    def handle(self, future):
        """Takes one task's outcomes, or deals with its failure."""
        pieces, alone = self.flight[future]
        if future.status == "cancelled":
            del self.flight[future]
            for piece in pieces:
                self.fail(piece, JobError("cancelled", "the job's task was cancelled"))
            return
        recomputed = future.status not in ("finished", "error")  # lost with its worker since it finished
        try:
            outcomes = future.result(timeout=self.left())  # waits while the scheduler recomputes it
        except Exception as exc:  # the task's error, or its worker's death
            if isinstance(exc, (Expired, TimeoutError)) and self.deadline is not None:
                raise Expired() from exc
            del self.flight[future]
            self.failed_task(pieces, alone, exc)
            return
        del self.flight[future]
        future.release()
        for piece, outcome in zip(pieces, outcomes):
            if recomputed:
                piece.retried.append(RETRY_LOST)
            self.record(piece, outcome)

    def failed_task(self, pieces, alone, exc):
        """A task that raised: its worker died, or it could not run there (e.g. a job it cannot unpickle)."""
        if is_worker_loss(exc):
            self.died(pieces, alone, exc)
        elif len(pieces) > 1:  # each piece on its own: only the bad one fails
            self.singles.extend(pieces)
        else:
            self.fail(pieces[0], JobError.from_exception(exc, kind="python"))

    def record(self, piece, outcome):
        """Keeps a piece's outcome: a job's JobResult, or a part of a Sweep's Summary."""
        if piece.seeds:
            if piece.start == piece.stop:  # a probe: the Sweep's setup survived alone
                self.probed[piece.index] = True
                for parked, single in self.parked.pop(piece.index, []):
                    self.retry_apart(parked, single)
                return
            outcome.retried.update({reason: piece.units for reason in piece.retried})
            self.outcomes[piece.index].merge(outcome)
            if outcome.unit_seconds:  # not when loading failed and no sample ran
                self.times.append(outcome.unit_seconds)
        else:
            outcome.retried = piece.retried
            self.outcomes[piece.index] = outcome
            self.times.append(outcome.seconds)
        self.count_retries(piece)
        self.progress.tick(piece.units)

    def count_retries(self, piece):
        if piece.retried:
            self.report.retried_units += piece.units
            for reason in piece.retried:
                self.report.reasons[reason] += piece.units

    def fail(self, piece, error):
        """Fails every unit of a piece with error."""
        if piece.seeds:
            self.outcomes[piece.index].fail(range(piece.start, piece.stop), error)
            self.outcomes[piece.index].retried.update({reason: piece.units for reason in piece.retried})
        else:
            self.outcomes[piece.index] = JobResult(piece.index, piece.item.label, error=error,
                                                   retried=piece.retried)
        if piece.start != piece.stop or not piece.seeds:
            self.count_retries(piece)
            self.progress.tick(piece.units)

    def died(self, pieces, alone, exc):
        """A task whose worker died: its units re-run apart, or, run alone, the killer identified."""
        what = "%s: %s" % (type(exc).__name__, exc)
        single = len(pieces) == 1 and pieces[0].units == 1
        for piece in pieces:
            if piece.seeds and piece.index in self.killed:
                self.fail(piece, self.killed[piece.index])
            elif piece.attempts >= MAX_ATTEMPTS:
                self.fail(piece, JobError("worker", "its worker died on each of %d attempts (%s)"
                                          % (piece.attempts, what)))
            elif alone:
                self.killer(piece, what)
            elif piece.seeds and self.probed.get(piece.index) is not True:
                self.park(piece, single)
            else:
                self.retry_apart(piece, single)

    def retry_apart(self, piece, single):
        """Re-runs a piece of a task whose worker died: alone when it was the task's one unit, else unit by unit."""
        if single:
            piece.retried.append(RETRY_ALONE)
            self.alone.append(piece)
        else:
            self.singles.extend(piece.singles(RETRY_SHARED))

    def killer(self, piece, what):
        """A piece that killed its worker when nothing else ran: it fails, with kind "worker"."""
        self.report.killers += piece.units
        if piece.seeds and piece.start == piece.stop:  # the Sweep's setup kills: every seed of it fails
            error = JobError("worker", "loading what this Sweep needs (rules, scenario, events) killed the "
                                       "worker running it, alone (%s)" % what)
            self.killed[piece.index] = error
            for parked, _single in self.parked.pop(piece.index, []):
                self.fail(parked, error)
            return
        self.fail(piece, JobError("worker", "this job killed the worker running it: its worker died with it, "
                                            "then again when it ran alone (%s)" % what))

    def park(self, piece, single):
        """Holds a Sweep's seeds until a task that only loads its setup has run alone."""
        self.parked[piece.index].append((piece, single))
        if piece.index not in self.probed:
            self.probed[piece.index] = None
            self.alone.append(Piece(piece.index, piece.item, piece.start, piece.start))

    def expire(self):
        """The caller's timeout expired: whatever has not finished fails with kind "timeout"."""
        for future in self.flight:
            future.cancel()
        running = [piece for pieces, _alone in self.flight.values() for piece in pieces]
        waiting = list(self.singles) + list(self.alone) + list(self.todo)
        waiting += [piece for parked in self.parked.values() for piece, _single in parked]
        self.flight.clear()
        for pieces, state in ((running, "it was running"), (waiting, "it had not started")):
            error = JobError("timeout", "the batch's timeout of %g s expired before this job finished (%s)"
                             % (self.timeout, state))
            for piece in pieces:
                if not (piece.seeds and piece.start == piece.stop):
                    self.fail(piece, error)
