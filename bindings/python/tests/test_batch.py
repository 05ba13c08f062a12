"""A batch on a local Dask cluster gives the command line's results, job by job.

One LocalCluster with two worker processes runs a few dozen jobs: golden
cases of both contracts (with their --set and --skip-invalid), rule text,
events made on the worker by a function, Monte Carlo samples, a broken rule
file, invalid events, a missing file and an unknown parameter.  Every result
must equal what `contract` prints for the same inputs, and every failure
must come back as that job's error, with the command line's message.  The
same cluster runs Sweeps (their figures are `contract sweep --scenario`'s),
a scenario that the sandbox stops on some seeds (the other seeds are as when
run alone) and, last, a job that kills its worker among twenty good ones.
"""

import contextlib
import csv
import decimal
import functools
import glob
import io
import json
import os
import shlex
import subprocess
import sys
import tempfile
import threading
import unittest

from support import CLI, EVENT_FILES, RULES, SCENARIO, SOURCE_DIR, have_cli, run_cli, write_file

try:
    import distributed
except ImportError:  # scripts/setup.sh python3-distributed installs it (scripts/test.sh does)
    distributed = None

from libcontract import _dispatch as batch_dispatch  # noqa: E402  (support set the path)
from libcontract import batch  # noqa: E402

SLA_RULES = os.path.join(SOURCE_DIR, "examples", "hosting-sla", "rules.lua")
GOLDEN = {RULES: os.path.join(SOURCE_DIR, "tests", "golden", "reference"),
          SLA_RULES: os.path.join(SOURCE_DIR, "examples", "hosting-sla", "tests")}
STUDY = os.path.join(SOURCE_DIR, "examples", "scale-out", "study.py")
BROKEN_RULES = 'contract {\n  id = "broken",\n'
INVALID_EVENTS = ('{"type": "ticket", "id": "t-1", "opened": "2026-04-01T10:00:00+08:00"}\n'
                  '{"type": "ticket", "id": "t-2", "opened": "2026-02-30T10:00:00+08:00"}\n')
#: The command line's exit status for each kind of failure (INTERFACE.md).
EXIT_STATUS = {"usage": 2, "io": 2, "rules": 3, "event": 4}
SEEDS = range(11, 15)
SLA_EVENTS = sorted(glob.glob(os.path.join(SOURCE_DIR, "examples", "hosting-sla", "events", "*.jsonl")))
ROUGH_YEAR = os.path.join(SOURCE_DIR, "examples", "scale-out", "rough-year.lua")
#: A scenario the sandbox stops on about a third of the seeds (a loop past the
#: instruction limit); on the others it adds an outage that depends on the seed.
STOPPING_SCENARIO = """
local JUNE = time("2026-06-01T10:00:00+08:00")
return {
  extra = function(rng)
    if rng:chance(0.3) then while true do end end
    local start = JUNE + rng:int(0, 20) * DAY
    return { { type = "outage", id = "scenario-outage", start = start, ["end"] = start + rng:int(30, 600) * MINUTE,
               affected_users = rng:int(10, 400), impact = "incident" } }
  end,
}
"""
STOPPING_SEEDS = range(0, 12)


def read_lines(paths):
    """The lines of the files: an events function that runs on the worker."""
    lines = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            lines += f.read().splitlines()
    return lines


def kill_the_worker():
    """An events function that ends its worker process, as a crash would."""
    os._exit(70)


def case_options(case):
    """A golden case's args file as (params, skip_invalid, the CLI's options)."""
    path = os.path.join(case, "args")
    if not os.path.exists(path):
        return {}, False, []
    with open(path, encoding="utf-8") as f:
        options = shlex.split(f.read(), comments=True)
    params = dict(value.split("=", 1) for flag, value in zip(options, options[1:]) if flag == "--set")
    return params, "--skip-invalid" in options, options


# A golden case that stops with exit 4, taken whatever cases the sampling picks.
FAILING_CASE = "score-unknown-item-invalid"


def golden_cases(rules, every):
    """Every `every`-th case of a contract's golden cases, each case with --set, and FAILING_CASE;
    not the cases with --line-limit (an engine option a Job does not carry)."""
    cases = sorted(d for d in glob.glob(os.path.join(GOLDEN[rules], "*"))
                   if os.path.isdir(d) and "--line-limit" not in case_options(d)[2])
    return [case for i, case in enumerate(cases)
            if i % every == 0 or case_options(case)[0] or os.path.basename(case) == FAILING_CASE]


def case_job(rules, case):
    """A job for a golden case, and the CLI's arguments for the same inputs."""
    params, skip_invalid, options = case_options(case)
    events = sorted(glob.glob(os.path.join(case, "*.jsonl")))
    job = batch.Job(rules, events, params=params, skip_invalid=skip_invalid, label=os.path.basename(case))
    return job, ["eval", rules, *events, "--format", "json", *options]


def cli_samples(seeds, scenario=SCENARIO):
    """`contract sweep --per-sample` rows for the example year under the scenario, by seed."""
    code, out, err = run_cli("sweep", RULES, *EVENT_FILES, "--scenario", scenario, "--samples", str(len(seeds)),
                             "--seed", str(seeds[0]), "--per-sample", "--format", "csv")
    if code != 0:
        raise AssertionError("contract sweep failed (%d): %s" % (code, err))
    return list(csv.DictReader(io.StringIO(out)))


def cli_sweep(rules, events, scenario, samples, seed):
    """The figures of `contract sweep --scenario ... --format json`, as a dict."""
    code, out, err = run_cli("sweep", rules, *events, "--scenario", scenario, "--samples", str(samples),
                             "--seed", str(seed), "--format", "json")
    if code != 0:
        raise AssertionError("contract sweep failed (%d): %s" % (code, err))
    figures = json.loads(out)
    del figures["stamp"]  # the command line's run, not a figure
    return figures


def alone(seed, scenario):
    """Seed `seed` of the scenario run alone by the command line: (exit code, its totals row, stderr)."""
    code, out, err = run_cli("sweep", RULES, *EVENT_FILES, "--scenario", scenario, "--samples", "1",
                             "--seed", str(seed), "--per-sample", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    return code, rows[0] if rows else None, err.strip()


TOTALS_KEYS = ("amount", "amount_uncapped", "capped", "breaches", "termination_right")


def totals_row(totals):
    """Totals as `contract sweep --per-sample` writes them."""
    flag = {True: "true", False: "false"}
    return {"amount": str(totals.amount), "amount_uncapped": str(totals.amount_uncapped),
            "capped": flag[totals.capped], "breaches": str(totals.breaches),
            "termination_right": flag[totals.termination_right]}


@unittest.skipIf(distributed is None, "python3-dask and python3-distributed are not installed")
@unittest.skipUnless(have_cli(), "the command line is not built: " + CLI)
class BatchOnLocalCluster(unittest.TestCase):
    """run_batch on LocalCluster(n_workers=2) against `contract eval` and `contract sweep`."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.broken = write_file(cls.tmp.name, "broken.lua", BROKEN_RULES)
        cls.invalid = write_file(cls.tmp.name, "invalid.jsonl", INVALID_EVENTS)
        cls.stopping = write_file(cls.tmp.name, "stopping.lua", STOPPING_SCENARIO)
        cls.jobs, cls.cli_args = [], []
        cls.add_cases()
        cls.add_edge_cases()
        cls.samples = cls.add_samples()
        # local_client: one worker death fails its task at once (KilledWorker), not after three.
        cls.stack = contextlib.ExitStack()
        cls.client = cls.stack.enter_context(batch.local_client(n_workers=2))
        cls.cluster = cls.client.cluster
        cls.results = batch.run_batch(cls.jobs, cls.client, chunk_size=1)

    @classmethod
    def tearDownClass(cls):
        cls.stack.close()
        cls.tmp.cleanup()

    @classmethod
    def add(cls, job, cli_args):
        """Adds a job and the CLI's arguments for the same inputs (None: compared otherwise)."""
        cls.jobs.append(job)
        cls.cli_args.append(cli_args)

    @classmethod
    def add_cases(cls):
        """Golden cases of both contracts."""
        for rules, every in ((RULES, 16), (SLA_RULES, 4)):
            for case in golden_cases(rules, every):
                cls.add(*case_job(rules, case))

    @classmethod
    def add_edge_cases(cls):
        """Rule text, events from a function, and the failures."""
        year = ["eval", RULES, *EVENT_FILES, "--format", "json"]
        with open(RULES, encoding="utf-8") as f:
            text = f.read()
        cls.add(batch.Job(batch.Text(text, name=RULES), EVENT_FILES, label="rule text"), year)
        cls.add(batch.Job(RULES, functools.partial(read_lines, EVENT_FILES), label="events function"), year)
        cls.add(batch.Job(cls.broken, EVENT_FILES, label="broken rules"), ["eval", cls.broken, *EVENT_FILES])
        cls.add(batch.Job(RULES, cls.invalid, label="invalid events"), ["eval", RULES, cls.invalid])
        cls.add(batch.Job(RULES, cls.invalid, skip_invalid=True, label="skipped"),
                ["eval", RULES, cls.invalid, "--format", "json", "--skip-invalid"])
        missing = os.path.join(cls.tmp.name, "missing.jsonl")
        cls.add(batch.Job(RULES, missing, label="missing file"), ["eval", RULES, missing])
        cls.add(batch.Job(RULES, EVENT_FILES, params={"no_such_parameter": 1}, label="unknown parameter"),
                ["eval", RULES, *EVENT_FILES, "--set", "no_such_parameter=1"])

    @classmethod
    def add_samples(cls):
        """Monte Carlo samples of the example year: their indices in the batch."""
        first = len(cls.jobs)
        for seed in SEEDS:
            cls.add(batch.Job(RULES, EVENT_FILES, scenario=SCENARIO, seed=seed, label="seed %d" % seed), None)
        return range(first, len(cls.jobs))

    def cli_jobs(self):
        """(job, result, CLI arguments) of the jobs compared with `contract eval`."""
        return [(job, result, args) for job, result, args in zip(self.jobs, self.results, self.cli_args) if args]

    def test_a_few_dozen_jobs_in_job_order(self):
        self.assertGreaterEqual(len(self.jobs), 36)
        self.assertEqual([r.index for r in self.results], list(range(len(self.jobs))))
        self.assertEqual([r.label for r in self.results], [job.label for job in self.jobs])

    def test_both_workers_ran_jobs(self):
        self.assertEqual(len({r.worker for r in self.results}), 2)

    def test_every_result_is_the_command_lines(self):
        for job, result, args in self.cli_jobs():
            with self.subTest(job.label):
                code, out, err = run_cli(*args)
                if code == 0:
                    self.assertTrue(result.ok, result.error)
                    self.assertEqual(result.data, json.loads(out))
                else:
                    self.assertFalse(result.ok)
                    self.assertEqual(EXIT_STATUS[result.error.kind], code)
                    self.assertEqual(str(result.error), err.strip())

    def test_failures_are_reported_per_job(self):
        failed = {r.label: r.error for r in self.results if not r.ok}
        self.assertEqual(failed["broken rules"].kind, "rules")
        self.assertEqual((failed["broken rules"].file, failed["broken rules"].line), (self.broken, 3))
        self.assertEqual(failed["invalid events"].kind, "event")
        self.assertEqual((failed["invalid events"].file, failed["invalid events"].line), (self.invalid, 2))
        self.assertEqual(failed["missing file"].kind, "io")
        self.assertEqual(failed["unknown parameter"].kind, "usage")
        self.assertIn(FAILING_CASE, failed)
        self.assertTrue(all(r.ok for r in self.results if r.label not in failed))

    def test_samples_are_the_sweeps(self):
        expected = cli_samples(SEEDS)
        got = [totals_row(self.results[i].totals) for i in self.samples]
        self.assertEqual(got, [{key: row[key] for key in got[0]} for row in expected])
        self.assertGreater(len({row["amount"] for row in got}), 1, "seeds should give different years")

    def test_run_local_gives_the_same_results(self):
        local = batch.run_local(self.jobs)
        self.assertEqual([(r.ok, r.totals, r.json, r.error) for r in local],
                         [(r.ok, r.totals, r.json, r.error) for r in self.results])

    def test_chunks_and_totals_only(self):
        for chunk_size in (5, None):  # None: sized from the measured job time
            results = batch.run_batch(self.jobs, self.client, detail="totals", chunk_size=chunk_size)
            self.assertEqual([(r.index, r.ok, r.totals, r.error) for r in results],
                             [(r.index, r.ok, r.totals, r.error) for r in self.results])
            self.assertTrue(all(r.json is None for r in results))
            self.assertEqual((results.retried, results.killers), (0, 0))
            if chunk_size:
                self.assertEqual(results.tasks, -(-len(self.jobs) // chunk_size))

    def test_caps_reached(self):
        for job, result in zip(self.jobs, self.results):
            with self.subTest(job.label):
                if result.ok:
                    reached = {cap["cap"] for cap in result.data["totals"]["caps"]}
                    self.assertEqual({cap for cap, cut in result.caps.items() if cut}, reached)
                    self.assertTrue(result.caps)  # every cap the contract declares

    def test_sweeps_are_contract_sweeps(self):
        """A Sweep's figures are `contract sweep --scenario --format json`'s, per-cap shares included."""
        sweeps = [batch.Sweep(RULES, EVENT_FILES, scenario=SCENARIO, samples=60, seed=11, label="late answers"),
                  batch.Sweep(SLA_RULES, SLA_EVENTS, scenario=ROUGH_YEAR, samples=40, seed=1, label="rough year")]
        expected = [cli_sweep(RULES, EVENT_FILES, SCENARIO, 60, 11),
                    cli_sweep(SLA_RULES, SLA_EVENTS, ROUGH_YEAR, 40, 1)]
        self.assertEqual(expected[1]["p_cap"], {"monthly": 1, "annual": 0.175})
        for chunk_size in (None, 7):
            summaries = batch.run_batch(sweeps, self.client, chunk_size=chunk_size)
            self.assertEqual([s.sweep_json() for s in summaries], expected)
            self.assertTrue(all(s.ok for s in summaries))
            self.assertGreater(summaries.tasks, 2)  # the seeds were spread
        self.assertEqual([s.sweep_json() for s in batch.run_local(sweeps)], expected)

    def test_a_stopped_sandbox_poisons_nothing(self):
        """Seeds the sandbox stops fail alone, naming the scenario; the others are as when run alone."""
        jobs = [batch.Job(RULES, EVENT_FILES, scenario=self.stopping, seed=s, label=s) for s in STOPPING_SEEDS]
        expected = {seed: alone(seed, self.stopping) for seed in STOPPING_SEEDS}
        stopped = [seed for seed, (code, _row, _err) in expected.items() if code != 0]
        self.assertTrue(0 < len(stopped) < len(STOPPING_SEEDS) - 2, stopped)
        for results in (batch.run_batch(jobs, self.client, detail="totals", chunk_size=len(jobs)),
                        batch.run_local(jobs, detail="totals")):  # every job on one thread, in order
            for result in results:
                code, row, err = expected[result.label]
                with self.subTest(seed=result.label):
                    if code == 0:
                        self.assertTrue(result.ok, result.error)
                        self.assertEqual(totals_row(result.totals), {key: row[key] for key in TOTALS_KEYS})
                    else:
                        self.assertEqual((EXIT_STATUS[result.error.kind], str(result.error)), (code, err))
                        self.assertEqual(result.error.file, self.stopping)
                        self.assertIn("instruction limit", result.error.message)
        sweep = batch.Sweep(RULES, EVENT_FILES, scenario=self.stopping, samples=len(STOPPING_SEEDS), seed=0)
        [summary] = batch.run_batch([sweep], self.client, chunk_size=len(STOPPING_SEEDS))
        self.assertEqual([seed for seed, _error in summary.failures], stopped)
        self.assertEqual(summary.count, len(STOPPING_SEEDS) - len(stopped))
        self.assertTrue(all(error.kind == "rules" for _seed, error in summary.failures))

    def test_python_errors_are_the_jobs(self):
        job = batch.Job(RULES, functools.partial(read_lines, [self.invalid, "no-such-file"]), label="oops")
        [result] = batch.run_batch([job], self.client)
        self.assertFalse(result.ok)
        self.assertEqual(result.error.kind, "python")
        self.assertIn("FileNotFoundError", result.error.message)

    def test_a_job_that_cannot_be_sent_fails_alone(self):
        unpicklable = functools.partial(read_lines, threading.Lock())
        jobs = [batch.Job(RULES, EVENT_FILES), batch.Job(RULES, unpicklable), batch.Job(RULES, EVENT_FILES)]
        for chunk_size in (1, 3):
            results = batch.run_batch(jobs, self.client, detail="totals", chunk_size=chunk_size)
            self.assertEqual([r.ok for r in results], [True, False, True])
            self.assertEqual(results[1].error.kind, "python")
            self.assertIn("pickle", results[1].error.message)

    def test_zz_a_job_that_kills_its_worker_fails_alone(self):  # last: the nanny restarts the workers
        """Twenty good jobs and one that kills its worker: the twenty are the CLI's, the killer alone fails."""
        seeds = range(21, 41)
        jobs = [batch.Job(RULES, EVENT_FILES, scenario=SCENARIO, seed=s, label=s) for s in seeds]
        jobs.insert(7, batch.Job(RULES, kill_the_worker, label="crash"))
        results = batch.run_batch(jobs, self.client, detail="totals", chunk_size=4, timeout=600)
        self.client.wait_for_workers(2)  # the restarted workers, before anything else runs
        failed = [r for r in results if not r.ok]
        self.assertEqual([(r.label, r.error.kind) for r in failed], [("crash", "worker")], [r.error for r in failed])
        self.assertIn("KilledWorker", failed[0].error.message)
        good = [r for r in results if r.label != "crash"]
        self.assertEqual([totals_row(r.totals) for r in good],
                         [{key: row[key] for key in TOTALS_KEYS} for row in cli_samples(seeds)])
        self.assertEqual(results.killers, 1)
        # The three jobs that shared the killer's first task were re-run, and say so.
        self.assertGreaterEqual(results.retried, 3)
        self.assertTrue(all(r.retried for r in results[4:7]))
        self.assertIn(batch_dispatch.RETRY_SHARED, results.reasons)

    def test_study_on_this_cluster(self):
        """examples/scale-out/study.py through --scheduler: the sweep's figures, each cap's, no progress."""
        out = os.path.join(self.tmp.name, "study")
        done = subprocess.run([sys.executable, STUDY, "--samples", "8", "--seed", "3", "--out", out,
                               "--scheduler", self.cluster.scheduler_address],
                              capture_output=True, text=True, check=False)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertNotIn("\r", done.stderr)  # progress only on a terminal
        with open(os.path.join(out, "summary.csv"), encoding="utf-8") as f:
            rows = {(row["contract"], row["scenario"]): row for row in csv.DictReader(f)}
        for (rules, events), scenario, key in (((RULES, EVENT_FILES), SCENARIO, ("beijing-secops", "late-answers")),
                                               ((SLA_RULES, SLA_EVENTS), ROUGH_YEAR, ("hosting-sla", "rough-year"))):
            expected, row = cli_sweep(rules, events, scenario, 8, 3), rows[key]
            for figure in ("mean", "min", "p50", "p95", "max"):
                self.assertEqual(row[figure], expected[figure], (key, figure))
            self.assertEqual(int(row["capped"]) / 8, expected["p_capped"])
            self.assertEqual({cap: int(row["capped:" + cap]) / 8 for cap in expected["p_cap"]}, expected["p_cap"])
        self.assertEqual(rows[("beijing-secops", "as-recorded")]["mean"], "44709.60")
        self.assertEqual(rows[("hosting-sla", "as-recorded")]["capped:monthly"], "1")
        with open(os.path.join(out, "summary.json"), encoding="utf-8") as f:
            report = json.load(f)
        self.assertEqual(report["retries"], {"retried": 0, "reasons": {}})
        self.assertEqual(report["rows"][-1]["caps"], {"monthly": 8, "annual": int(rows[key]["capped:annual"])})


class Jobs(unittest.TestCase):
    """What a Job refuses before anything is sent."""

    def test_a_generator_cannot_be_shipped(self):
        with self.assertRaisesRegex(TypeError, "generator"):
            batch.Job(RULES, (line for line in read_lines(EVENT_FILES)))

    def test_float_parameters_are_refused(self):
        with self.assertRaises(TypeError):
            batch.Job(RULES, EVENT_FILES, params={"availability_target": 99.5})

    def test_rules_must_be_a_path_or_text(self):
        with self.assertRaises(TypeError):
            batch.Job(42, EVENT_FILES)

    def test_seed_range(self):
        with self.assertRaises(ValueError):
            batch.Job(RULES, EVENT_FILES, scenario=SCENARIO, seed=-1)

    def test_local_run_of_dicts(self):
        def events():
            return [{"type": "ticket", "id": "t-1", "opened": "2026-04-01T10:00:00+08:00",
                     "responded": "2026-04-01T11:30:00+08:00"}]
        [result] = batch.run_local([batch.Job(RULES, events, params={"base_pct": decimal.Decimal("100")})])
        self.assertTrue(result.ok, result.error)
        self.assertEqual(result.data["stamp"]["params"]["base_pct"], "100")


if __name__ == "__main__":
    unittest.main()
