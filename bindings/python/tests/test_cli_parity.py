"""The binding gives the command line's results on the same events."""

import decimal
import glob
import os
import unittest

from support import (CLI, EVENT_FILES, RULES, SOURCE_DIR, breach_key, cli_eval, example_events, have_cli,
                     json_breach_key, libcontract, run_cli)


@unittest.skipUnless(have_cli(), "the command line is not built: " + CLI)
class SameAsCommandLine(unittest.TestCase):
    """`contract eval RULES examples/events/*.jsonl --format json` against the binding."""

    @classmethod
    def setUpClass(cls):
        cls.expected = cli_eval()

    def setUp(self):
        self.engine = libcontract.Engine(RULES)
        self.addCleanup(self.engine.close)

    def assertSameFigures(self, result, expected):
        """Totals and breaches (rule, amount, period, at, events) match."""
        self.assertEqual(result.data["totals"], expected["totals"])
        self.assertEqual([breach_key(b) for b in result.breaches],
                         [json_breach_key(b) for b in expected["breaches"]])
        totals = result.totals
        self.assertEqual(str(totals.amount), expected["totals"]["amount"])
        self.assertEqual(str(totals.amount_uncapped), expected["totals"]["amount_uncapped"])
        self.assertEqual(totals.capped, expected["totals"]["capped"])
        self.assertEqual(totals.breaches, len(expected["breaches"]))
        self.assertEqual(totals.incidents, len(expected["incidents"]))

    def test_files_give_the_same_json(self):
        with self.engine.evaluate(files=EVENT_FILES) as result:
            self.assertSameFigures(result, self.expected)
            self.assertEqual(result.data, self.expected)

    def test_reference_total_is_the_documented_one(self):
        with self.engine.evaluate(files=EVENT_FILES) as result:
            self.assertEqual(result.totals.amount, decimal.Decimal("44709.60"))
            self.assertEqual(result.data["totals"]["pct_of_base"], 26)

    def test_events_pushed_as_dicts(self):
        with self.engine.evaluation() as evaluation:
            for _path, _line, event in example_events():
                evaluation.push(event)
            with evaluation.result() as result:
                self.assertSameFigures(result, self.expected)

    def test_events_pushed_as_lines(self):
        with self.engine.evaluation() as evaluation:
            for path in EVENT_FILES:
                with open(path, encoding="utf-8") as f:
                    evaluation.push_lines(f, file=path)
            with evaluation.result() as result:
                self.assertSameFigures(result, self.expected)
                self.assertEqual(result.data, self.expected)

    def test_events_pushed_one_line_at_a_time(self):
        with self.engine.evaluation() as evaluation:
            for path in EVENT_FILES:
                with open(path, encoding="utf-8") as f:
                    for number, line in enumerate(f, start=1):
                        evaluation.push_line(line, file=path, line=number)
            with evaluation.result() as result:
                self.assertSameFigures(result, self.expected)

    def test_breach_accessors_agree_with_the_json(self):
        with self.engine.evaluate(files=EVENT_FILES) as result:
            for breach, expected in zip(result.breaches, self.expected["breaches"], strict=True):
                self.assertEqual(breach.class_, expected["class"])
                self.assertEqual(breach.clause, expected["clause"])
                self.assertEqual(breach.reason, expected["reason"])
                self.assertEqual(breach.pct, decimal.Decimal(str(expected["pct"])))
                self.assertEqual(breach.amount, decimal.Decimal(expected["amount"]))
                self.assertEqual(breach.counted, decimal.Decimal(expected["counted"]))
                self.assertEqual(breach.events, expected["events"])

    def test_incidents_findings_warnings_agree_with_the_json(self):
        with self.engine.evaluate(files=EVENT_FILES) as result:
            data = result.data
            self.assertTrue(data["incidents"] and data["findings"])
            self.assertEqual([{"rule": i.rule, "class": i.class_, "at": i.at, "clause": i.clause, "events": i.events}
                              for i in result.incidents],
                             [{k: i[k] for k in ("rule", "class", "at", "clause", "events")} for i in data["incidents"]])
            self.assertEqual([(f.kind, f.message, f.clause) for f in result.findings],
                             [(f["kind"], f["message"], f.get("clause")) for f in data["findings"]])
            self.assertEqual(result.warnings, data["warnings"])

    def test_text_report_is_the_command_lines(self):
        code, out, _err = run_cli("eval", RULES, *EVENT_FILES)
        self.assertEqual(code, 0)
        with self.engine.evaluate(files=EVENT_FILES) as result:
            self.assertEqual(result.render("text"), out)

    def test_english_report_is_the_command_lines(self):
        code, out, _err = run_cli("eval", RULES, *EVENT_FILES, "--lang", "en", "--explain")
        self.assertEqual(code, 0)
        with self.engine.evaluate(files=EVENT_FILES) as result:
            self.assertEqual(result.render("text", lang="en", explain=True), out)

    def test_json_render_is_the_json(self):
        with self.engine.evaluate(files=EVENT_FILES) as result:
            self.assertEqual(result.render("json"), result.json)


@unittest.skipUnless(have_cli(), "the command line is not built: " + CLI)
class SameOverridesAsSet(unittest.TestCase):
    """Parameters set from Python give what `--set` gives."""

    SETS = ["base_pct=100", "availability_target=99.5", "cap_pct=2"]

    @classmethod
    def setUpClass(cls):
        options = []
        for assignment in cls.SETS:
            options += ["--set", assignment]
        cls.expected = cli_eval(*options)

    def assertSameAsSet(self, engine):
        with engine, engine.evaluate(files=EVENT_FILES) as result:
            self.assertEqual(result.data["totals"], self.expected["totals"])
            self.assertEqual([breach_key(b) for b in result.breaches],
                             [json_breach_key(b) for b in self.expected["breaches"]])
            self.assertEqual(result.data["stamp"]["params"], self.expected["stamp"]["params"])

    def test_params_argument(self):
        params = {"base_pct": 100, "availability_target": "99.5", "cap_pct": decimal.Decimal("2")}
        self.assertSameAsSet(libcontract.Engine(RULES, params=params))

    def test_set(self):
        engine = libcontract.Engine(RULES)
        engine.set("base_pct", "100")
        engine.set("availability_target", decimal.Decimal("99.5"))
        engine.set("cap_pct", 2)
        self.assertSameAsSet(engine)

    def test_assign(self):
        engine = libcontract.Engine(RULES)
        for assignment in self.SETS:
            engine.assign(assignment)
        self.assertSameAsSet(engine)

    def test_set_after_events_applies_to_the_next_result(self):
        with libcontract.Engine(RULES) as engine, engine.evaluation() as evaluation:
            for path in EVENT_FILES:
                evaluation.push_file(path)
            with evaluation.result() as before:
                self.assertEqual(before.totals.amount, decimal.Decimal("44709.60"))
            engine.update({"base_pct": 100, "availability_target": "99.5", "cap_pct": 2})
            with evaluation.result() as after:
                self.assertEqual(after.data["totals"], self.expected["totals"])

    def test_capped_total(self):
        with libcontract.Engine(RULES, params={"base_pct": 100, "cap_pct": 2}) as engine:
            with engine.evaluate(files=EVENT_FILES) as result:
                totals = result.totals
                self.assertTrue(totals.capped)
                self.assertEqual(totals.cap, decimal.Decimal("34392.00"))
                self.assertEqual(totals.amount, totals.cap)
                self.assertGreater(totals.amount_uncapped, totals.amount)
                self.assertEqual(result.caps_reached, ["term"])
                [cut] = result.caps
                self.assertEqual((cut.cap, cut.window, cut.period, cut.limit, cut.cut),
                                 ("term", "term", None, totals.cap, totals.amount_uncapped - totals.amount))

    def test_caps_are_the_jsons(self):
        sla = os.path.join(SOURCE_DIR, "examples", "hosting-sla")
        files = sorted(glob.glob(os.path.join(sla, "events", "*.jsonl")))
        with libcontract.Engine(os.path.join(sla, "rules.lua")) as engine:
            with engine.evaluate(files=files) as result:
                expected = result.data["totals"]["caps"]
                self.assertTrue(expected)
                self.assertEqual([{"cap": c.cap, "window": c.window, "period": c.period, "limit": str(c.limit),
                                   "cut": str(c.cut),
                                   "breaches": [{"rule": b.rule, "period": b.period, "at": b.at, "cut": str(b.cut)}
                                                for b in c.breaches]} for c in result.caps], expected)
                breaches = result.breaches
                for cap in result.caps:
                    for cut in cap.breaches:
                        self.assertEqual(breaches[cut.breach].rule, cut.rule)
                        self.assertEqual(breaches[cut.breach].period, cut.period)
                self.assertEqual(result.caps_reached, list(dict.fromkeys(c["cap"] for c in expected)))


if __name__ == "__main__":
    unittest.main()
