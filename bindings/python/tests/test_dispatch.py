"""How a batch deals with dying workers, lost results and its timeout, on a fake client.

FakeClient runs each task at once, in this thread, on one of its fake
workers; a task holding a job marked to kill kills its worker: that task and
every task of that worker whose outcome the batch has not taken yet fail with
KilledWorker, as the scheduler reports them when allowed-failures is 0.  So
every path of libcontract._dispatch runs here, deterministically and in a
fraction of a second; test_batch.py runs the same on a real LocalCluster.
"""

import collections
import io
import pickle
import types
import unittest

from support import EVENT_FILES, RULES, SCENARIO

try:
    import distributed
except ImportError:  # scripts/setup.sh python3-distributed installs it
    distributed = None

from libcontract import _dispatch, batch  # noqa: E402  (support set the path)


def kills(piece):
    """True when running this piece kills its worker (by the labels of the tests)."""
    item = piece[2]
    if item.label == "killer" or item.label == "kills-setup":
        return True
    if item.label == "kills-seed-7":
        return piece[3] <= 7 < piece[4]
    return False


class FakeFuture:
    """A future whose outcome the FakeClient sets."""

    def __init__(self, worker):
        self.worker, self.status = worker, "pending"
        self.outcomes = self.exc = None
        self.collected = False
        self.callbacks = []

    def settle(self, status, outcomes=None, exc=None):
        self.status, self.outcomes, self.exc = status, outcomes, exc
        callbacks, self.callbacks = self.callbacks, []
        for callback in callbacks:
            callback(self)

    def add_done_callback(self, callback):
        if self.status == "pending":
            self.callbacks.append(callback)
        else:
            callback(self)

    def result(self, timeout=None):
        self.collected = True
        if self.status == "error":
            raise self.exc
        return self.outcomes

    def exception(self):
        self.collected = True
        return self.exc

    def cancel(self):
        self.status = "cancelled"

    def release(self):
        pass


class FakeClient:
    """Runs tasks at once on `workers` fake workers of one thread each (see the module's docstring).

    lose: numbers of tasks whose result is lost with their worker once
    finished (the scheduler recomputes it: result() still gives it).
    hang: a task holding a job labelled "hang" never finishes.
    """

    def __init__(self, workers=2, lose=()):
        self.workers, self.lose = workers, set(lose)
        self.futures, self.deaths, self.sent = [], 0, 0
        self.sizes = []  # units of each task, in the order sent

    def nthreads(self):
        return {"tcp://fake:%d" % i: 1 for i in range(self.workers)}

    def submit(self, function, pieces, detail, pure=True):
        pickle.dumps(pieces)  # as Dask does: what cannot be pickled cannot be sent
        number, self.sent = self.sent, self.sent + 1
        self.sizes.append(sum(max(piece[4] - piece[3], 1) if piece[0] == "seeds" else 1 for piece in pieces))
        future = FakeFuture(number % self.workers)
        self.futures.append(future)
        if any(kills(piece) for piece in pieces):
            self.deaths += 1
            dead = types.SimpleNamespace(address="tcp://fake:%d" % future.worker)
            for victim in self.futures:
                if victim.worker == future.worker and not victim.collected and victim.status != "cancelled":
                    victim.settle("error", exc=distributed.KilledWorker("run_task-%d" % number, dead, 0))
        elif not any(piece[2].label == "hang" for piece in pieces):
            future.settle("finished", function(pieces, detail))
            if number in self.lose:
                future.status = "lost"
        return future


def sample_jobs(seeds):
    return [batch.Job(RULES, EVENT_FILES, scenario=SCENARIO, seed=s, label=s) for s in seeds]


def totals(results):
    return [(r.label, r.ok, r.totals) for r in results]


@unittest.skipIf(distributed is None, "python3-distributed is not installed")
class WorkerDeaths(unittest.TestCase):
    """A job that kills its worker fails alone, identified; everything else comes back ok."""

    def run_fake(self, items, client=None, **options):
        client = client or FakeClient()
        results = batch.run_batch(items, client, detail="totals", progress=False, **options)
        return results, client

    def test_the_killer_alone_fails(self):
        jobs = sample_jobs(range(12))
        jobs.insert(5, batch.Job(RULES, EVENT_FILES, label="killer"))
        for chunk_size in (4, 1, None):
            with self.subTest(chunk_size=chunk_size):
                results, client = self.run_fake(jobs, chunk_size=chunk_size)
                self.assertEqual([r.label for r in results if not r.ok], ["killer"])
                self.assertEqual(results[5].error.kind, "worker")
                self.assertIn("then again when it ran alone", results[5].error.message)
                self.assertIn("KilledWorker", results[5].error.message)
                self.assertEqual(totals(results[:5] + results[6:]), totals(batch.run_local(jobs[:5] + jobs[6:])))
                self.assertEqual(results.killers, 1)
                self.assertLessEqual(client.deaths, 3)  # in its task, in a task of its own, alone
                self.assertNotIn("timeout", [r.error.kind for r in results if not r.ok])

    def test_neighbours_say_why_they_ran_again(self):
        jobs = sample_jobs(range(8))
        jobs.insert(2, batch.Job(RULES, EVENT_FILES, label="killer"))
        results, _client = self.run_fake(jobs, chunk_size=4)
        for result in results[:4]:  # the killer's task
            if result.ok:
                self.assertEqual(result.retried[0], _dispatch.RETRY_SHARED)
        self.assertTrue(all(r.retried == [] for r in results[4:8]))  # a task another worker ran
        self.assertGreaterEqual(results.reasons[_dispatch.RETRY_SHARED], 3)
        self.assertEqual(results.retries["retried"], results.retried)

    def test_a_sweep_whose_loading_kills_fails_whole_and_once(self):
        sweep = batch.Sweep(RULES, EVENT_FILES, scenario=SCENARIO, samples=40, seed=1, label="kills-setup")
        jobs = sample_jobs(range(6))
        results, client = self.run_fake([sweep] + jobs, chunk_size=8)
        summary = results[0]
        self.assertEqual((summary.count, summary.failed), (0, 40))
        self.assertEqual({error.kind for _seed, error in summary.failures}, {"worker"})
        self.assertIn("loading what this Sweep needs", summary.failures[0][1].message)
        for figure in ("mean", "min", "p_capped", "sweep_json"):
            with self.assertRaisesRegex(ValueError, "no sample"):
                value = getattr(summary, figure)
                value() if callable(value) else value
        self.assertTrue(all(r.ok for r in results[1:]))
        self.assertLessEqual(client.deaths, 6)  # its tasks in flight, then its loading alone: not one per seed

    def test_a_seed_that_kills_fails_alone(self):
        sweep = batch.Sweep(RULES, EVENT_FILES, scenario=SCENARIO, samples=30, seed=0, label="kills-seed-7")
        results, _client = self.run_fake([sweep], chunk_size=10)
        [summary] = results
        self.assertEqual([(seed, error.kind) for seed, error in summary.failures], [(7, "worker")])
        expected = batch.run_local([batch.Sweep(RULES, EVENT_FILES, scenario=SCENARIO, samples=7, seed=0),
                                    batch.Sweep(RULES, EVENT_FILES, scenario=SCENARIO, samples=22, seed=8)])
        self.assertEqual(summary.amounts, expected[0].amounts + expected[1].amounts)
        self.assertEqual(summary.count, 29)
        self.assertGreaterEqual(sum(summary.retried.values()), 10)  # at least the seeds of the task that died

    def test_a_lost_result_is_recomputed_not_a_timeout(self):
        jobs = sample_jobs(range(6))
        results, _client = self.run_fake(jobs, client=FakeClient(lose={0}), chunk_size=2, timeout=600)
        self.assertTrue(all(r.ok for r in results))
        self.assertEqual([r.retried for r in results[:2]], [[_dispatch.RETRY_LOST]] * 2)
        self.assertEqual(results.reasons, {_dispatch.RETRY_LOST: 2})

    def test_the_timeout_names_itself(self):
        jobs = sample_jobs(range(2)) + [batch.Job(RULES, EVENT_FILES, label="hang")]
        results, _client = self.run_fake(jobs, chunk_size=1, timeout=1.5)
        self.assertEqual([r.ok for r in results], [True, True, False])
        self.assertEqual(results[2].error.kind, "timeout")
        self.assertIn("timeout of 1.5 s expired", results[2].error.message)

    def test_chunks_are_sized_from_the_job_time(self):
        results, client = self.run_fake(sample_jobs(range(60)))
        self.assertTrue(all(r.ok for r in results))
        self.assertEqual(client.sizes[:4], [_dispatch.PROBE_UNITS] * 4)  # two per worker, before any was timed
        self.assertEqual(sum(client.sizes), 60)
        self.assertEqual(sum(results.chunk_sizes.values()), client.sent)


class Progress(unittest.TestCase):
    """Progress goes to a terminal only, unless asked for."""

    def test_not_on_a_file(self):
        out = io.StringIO()
        progress = _dispatch.Progress(10, None, stream=out)
        progress.tick(10)
        progress.finish()
        self.assertEqual(out.getvalue(), "")

    def test_asked_for(self):
        out = io.StringIO()
        progress = _dispatch.Progress(10, True, stream=out)
        progress.tick(4)
        progress.show(final=True)
        self.assertIn("4/10 done", out.getvalue())
        self.assertIn("/s", out.getvalue())

    def test_a_function(self):
        calls = []
        progress = _dispatch.Progress(3, lambda done, total, seconds: calls.append((done, total)))
        for _ in range(3):
            progress.tick()
        progress.finish()
        self.assertEqual(calls[-1], (3, 3))

    def test_run_local_counts_samples(self):
        calls = collections.Counter()
        sweep = batch.Sweep(RULES, EVENT_FILES, scenario=SCENARIO, samples=5, seed=1)
        batch.run_local([sweep, batch.Job(RULES, EVENT_FILES)],
                        progress=lambda done, total, seconds: calls.update([(done, total)]))
        self.assertIn((6, 6), calls)


if __name__ == "__main__":
    unittest.main()
