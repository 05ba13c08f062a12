"""Diffs, replays and Monte Carlo scenarios."""

import csv
import decimal
import io
import os
import subprocess
import sys
import unittest

from support import (CLI, EVENT_FILES, RULES, SCENARIO, SOURCE_DIR, WHAT_IF_SCRIPT, cli_json, have_cli,
                     libcontract, run_cli)


class Diff(unittest.TestCase):
    """libcontract.diff of two results."""

    def evaluate(self, **params):
        """The example year under the reference rules with params."""
        with libcontract.Engine(RULES, params=params) as engine:
            return engine.evaluate(files=EVENT_FILES)

    def test_two_parameter_sets_differ(self):
        with self.evaluate() as old, self.evaluate(availability_target="99.5") as new:
            differs, report = libcontract.diff(old, new)
            self.assertTrue(differs)
            self.assertEqual(report["totals"]["delta"], "-8598.00")
            self.assertEqual([b["rule"] for b in report["removed"]], ["minor.1"])
            text_differs, text = libcontract.diff(old, new, format="text", lang="en")
            self.assertTrue(text_differs)
            self.assertIsInstance(text, str)

    def test_same_parameters_do_not_differ(self):
        with self.evaluate() as old, self.evaluate() as new:
            differs, report = libcontract.diff(old, new)
            self.assertFalse(differs)
            self.assertTrue(report["identical"])

    @unittest.skipUnless(have_cli(), "the command line is not built: " + CLI)
    def test_same_report_as_cli_diff(self):
        expected = cli_json("diff", RULES, RULES, *EVENT_FILES, "--set-new", "availability_target=99.5",
                            "--format", "json")
        with self.evaluate() as old, self.evaluate(availability_target="99.5") as new:
            self.assertEqual(libcontract.diff(old, new)[1], expected)


class Replay(unittest.TestCase):
    """Evaluation.replay, with and without a scenario."""

    def setUp(self):
        self.engine = libcontract.Engine(RULES)
        self.addCleanup(self.engine.close)
        self.source = self.engine.evaluation(keep_events=True)
        for path in EVENT_FILES:
            self.source.push_file(path)

    def replayed(self, scenario=None, seed=0):
        """The result of replaying the source (through scenario)."""
        with self.engine.evaluation() as evaluation:
            evaluation.replay(self.source, scenario=scenario, seed=seed)
            return evaluation.result()

    def test_replay_without_scenario_equals_the_original(self):
        with self.source.result() as original, self.replayed() as replayed:
            self.assertEqual(replayed.json, original.json)
            self.assertFalse(libcontract.diff(original, replayed)[0])

    def test_scenario_is_deterministic_per_seed(self):
        with libcontract.Scenario(SCENARIO) as scenario:
            first = [self.replayed(scenario, seed).json for seed in range(1, 6)]
            again = [self.replayed(scenario, seed).json for seed in range(1, 6)]
        self.assertEqual(first, again)
        self.assertGreater(len(set(first)), 1, "different seeds should give different years")

    def test_scenario_only_adds_penalties(self):
        with self.source.result() as original, libcontract.Scenario(SCENARIO) as scenario:
            for seed in range(3):
                with self.replayed(scenario, seed) as result:
                    self.assertGreaterEqual(result.totals.amount, original.totals.amount)

    @unittest.skipUnless(have_cli(), "the command line is not built: " + CLI)
    def test_same_samples_as_cli_sweep(self):
        code, out, err = run_cli("sweep", RULES, *EVENT_FILES, "--scenario", SCENARIO, "--samples", "4",
                                 "--seed", "7", "--per-sample", "--format", "csv")
        self.assertEqual(code, 0, err)
        expected = [decimal.Decimal(row["amount"]) for row in csv.DictReader(io.StringIO(out))]
        with libcontract.Scenario(SCENARIO) as scenario:
            amounts = [self.replayed(scenario, 7 + k).totals.amount for k in range(4)]
        self.assertEqual(amounts, expected)

    def test_scenario_from_string(self):
        text = "return { perturb = function(e, rng) if e.type == 'ticket' then return nil end return e end }"
        with libcontract.Scenario.from_string(text, name="no-tickets.lua") as scenario:
            with self.replayed(scenario) as result:
                rules = {b.rule for b in result.breaches}
        self.assertNotIn("minor.5", rules)
        self.assertNotIn("minor.7", rules)

    def test_bad_scenario(self):
        with self.assertRaises(libcontract.ContractError):
            libcontract.Scenario.from_string("return {", name="broken.lua")

    def test_source_must_keep_events(self):
        with self.engine.evaluation() as plain, self.engine.evaluation() as target:
            with self.assertRaises(libcontract.UsageError):
                target.replay(plain)

    def test_source_must_share_the_engine(self):
        with libcontract.Engine(RULES) as other, other.evaluation() as target:
            with self.assertRaises(libcontract.UsageError):
                target.replay(self.source)


class WhatIfScript(unittest.TestCase):
    """examples/what-if/what_if.py runs and reports a change."""

    def run_script(self, *args):
        """Runs the script from the repository root; its output."""
        done = subprocess.run([sys.executable, WHAT_IF_SCRIPT, *args], cwd=SOURCE_DIR, capture_output=True,
                              text=True, check=False)
        self.assertEqual(done.returncode, 0, done.stderr)
        return done.stdout

    @unittest.skipUnless(os.path.exists(WHAT_IF_SCRIPT), "no what_if.py")
    def test_ten_minutes_change_nothing(self):
        out = self.run_script()
        self.assertIn("answered 10 minutes later", out)
        self.assertRegex(out, r"total as it was: +44709\.60 CNY")
        self.assertRegex(out, r"difference: +0\.00 CNY")
        self.assertIn("(none)", out)

    @unittest.skipUnless(os.path.exists(WHAT_IF_SCRIPT), "no what_if.py")
    def test_fifteen_minutes_add_monthly_breaches(self):
        out = self.run_script("--minutes", "15")
        self.assertRegex(out, r"total answered later: +106615\.20 CNY")
        self.assertRegex(out, r"difference: +61905\.60 CNY")
        self.assertEqual(out.count("minor.5 "), 12)


if __name__ == "__main__":
    unittest.main()
