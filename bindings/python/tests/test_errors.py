"""Errors carry the engine's code, file, line and message, as the CLI prints them."""

import decimal
import os
import tempfile
import unittest

from support import CLI, RULES, have_cli, libcontract, run_cli, write_file

GOOD_TICKET = '{"type": "ticket", "id": "t-1", "opened": "2026-04-01T10:00:00+08:00"}\n'
BAD_TICKET = '{"type": "ticket", "id": "t-3", "opened": "2026-02-30T10:00:00+08:00"}\n'
BAD_RULES = 'contract {\n  id = "broken",\n'


class ErrorTestCase(unittest.TestCase):
    """A temporary directory and the reference engine."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.engine = libcontract.Engine(RULES)
        self.addCleanup(self.engine.close)

    def events_file(self, text):
        """A JSON Lines file holding text."""
        return write_file(self.tmp.name, "events.jsonl", text)

    def assertSameAsCli(self, error, *args):
        """str(error) is the CLI's message and error.code its exit code."""
        if not have_cli():
            self.skipTest("the command line is not built: " + CLI)
        code, _out, err = run_cli(*args)
        self.assertEqual(code, error.code)
        self.assertEqual(str(error), err.strip())


class RulesErrors(ErrorTestCase):
    """A rule file that does not load."""

    def test_bad_rule_file(self):
        path = write_file(self.tmp.name, "broken.lua", BAD_RULES)
        with self.assertRaises(libcontract.RulesError) as caught:
            libcontract.Engine(path)
        error = caught.exception
        self.assertEqual(error.code, 3)
        self.assertEqual(error.file, path)
        self.assertEqual(error.line, 3)
        self.assertTrue(str(error).startswith(path + ":3: "), str(error))
        self.assertSameAsCli(error, "check", path)

    def test_bad_rule_text_names_the_given_name(self):
        with self.assertRaises(libcontract.RulesError) as caught:
            libcontract.Engine.from_string('contract {\n  id = 5,\n}\n', name="inline.lua")
        self.assertEqual(caught.exception.file, "inline.lua")
        self.assertGreater(caught.exception.line, 0)
        self.assertIsInstance(caught.exception, libcontract.ContractError)

    def test_missing_rule_file(self):
        with self.assertRaises(libcontract.RulesError):
            libcontract.Engine(os.path.join(self.tmp.name, "missing.lua"))


class EventErrors(ErrorTestCase):
    """Invalid events stop the evaluation with the line they are on."""

    def test_invalid_event_in_a_file(self):
        path = self.events_file(GOOD_TICKET + GOOD_TICKET.replace("t-1", "t-2") + BAD_TICKET)
        with self.engine.evaluation() as evaluation, self.assertRaises(libcontract.EventError) as caught:
            evaluation.push_file(path)
        error = caught.exception
        self.assertEqual((error.code, error.file, error.line), (4, path, 3))
        self.assertIn("2026-02", error.message)
        self.assertSameAsCli(error, "eval", RULES, path)

    def test_invalid_event_pushed_as_dict(self):
        event = {"type": "ticket", "id": "t-1", "opened": "2026-04-01T10:00:00+08:00",
                 "responded": "2026-04-01T09:00:00+08:00"}
        with self.engine.evaluation() as evaluation, self.assertRaises(libcontract.EventError) as caught:
            evaluation.push(event, file="feed", line=17)
        self.assertEqual((caught.exception.file, caught.exception.line), ("feed", 17))
        self.assertTrue(str(caught.exception).startswith("feed:17: "))

    def test_invalid_line_in_pushed_lines(self):
        with self.engine.evaluation() as evaluation, self.assertRaises(libcontract.EventError) as caught:
            evaluation.push_lines([GOOD_TICKET, "not json"], file="x.jsonl")
        self.assertEqual((caught.exception.file, caught.exception.line), ("x.jsonl", 2))

    def test_evaluation_refuses_events_after_an_error(self):
        with self.engine.evaluation() as evaluation:
            with self.assertRaises(libcontract.EventError):
                evaluation.push_line(BAD_TICKET)
            with self.assertRaises(libcontract.UsageError):
                evaluation.push_line(GOOD_TICKET)

    def test_missing_event_file(self):
        with self.engine.evaluation() as evaluation, self.assertRaises(libcontract.ContractIOError) as caught:
            evaluation.push_file(os.path.join(self.tmp.name, "missing.jsonl"))
        self.assertEqual(caught.exception.code, 6)

    def test_skip_invalid_gives_warnings(self):
        path = self.events_file(GOOD_TICKET + BAD_TICKET + "{\n")
        with self.engine.evaluate(files=[path], skip_invalid=True) as result:
            warnings = result.warnings
            self.assertEqual(result.totals.warnings, 2)
            self.assertEqual([(w["file"], w["line"]) for w in warnings], [(path, 2), (path, 3)])
            self.assertIn("2026-02", warnings[0]["message"])
            if have_cli():
                code, out, _err = run_cli("eval", RULES, path, "--skip-invalid", "--format", "json")
                self.assertEqual(code, 0)
                self.assertEqual(result.json, out)

    def test_undeclared_fields_warn_and_strict_refuses(self):
        typo = '{"type": "ticket", "id": "t-1", "opened": "2026-04-01T10:00:00+08:00", "respnded": "x"}'
        with self.engine.evaluate(events=[typo]) as result:
            self.assertEqual(len(result.warnings), 1)
            self.assertIn('field "respnded" is not declared for events of type ticket', result.warnings[0]["message"])
            self.assertIn('did you mean "responded"?', result.warnings[0]["message"])
        with self.assertRaises(libcontract.EventError) as caught:
            self.engine.evaluate(events=[typo], strict=True)
        self.assertIn("(strict)", str(caught.exception))

    def test_updates_revise_and_retract(self):
        late = '{"type": "ticket", "id": "t-1", "opened": "2026-04-01T10:00:00+08:00", "responded": "2026-04-01T10:45:00+08:00"}'
        quick = late.replace("10:45", "10:20")
        with self.engine.evaluation(updates=True) as evaluation:
            evaluation.push_line(late)
            with evaluation.result() as result:
                self.assertEqual([b.rule for b in result.breaches], ["minor.5"])
            evaluation.push_line(quick)
            with evaluation.result() as result:
                self.assertEqual(result.breaches, [])
            evaluation.push_line(late)
            evaluation.retract("ticket", "t-1")
            with evaluation.result() as result:
                self.assertEqual(result.breaches, [])
                self.assertEqual(result.data["updates"], {"revised": 2, "retracted": 1})
        with self.engine.evaluation() as evaluation:
            with self.assertRaises(libcontract.UsageError):
                evaluation.retract("ticket", "t-1")

    def test_result_as_of_an_instant(self):
        late = '{"type": "ticket", "id": "t-1", "opened": "2026-04-01T10:00:00+08:00", "responded": "2026-04-01T10:45:00+08:00"}'
        with self.engine.evaluation(keep_events=True) as evaluation:
            evaluation.push_line(late)
            with evaluation.result(as_of="2026-04-01T10:30:00+08:00") as result:
                self.assertEqual(result.breaches, [])  # not answered yet
                self.assertEqual(result.data["as_of"], "2026-04-01T10:30:00+08:00")
            with evaluation.result(as_of="2026-05-01T00:00:00+08:00") as result:
                self.assertEqual([(b.rule, result.data["breaches"][0]["provisional"]) for b in result.breaches],
                                 [("minor.5", False)])
            with self.assertRaises(libcontract.UsageError):
                evaluation.result(as_of="yesterday")
        with self.engine.evaluation() as evaluation:
            with self.assertRaises(libcontract.UsageError):
                evaluation.result(as_of=0)

    def test_headroom_as_of_an_instant(self):
        # June has 30 days: 43.2 min of downtime at 99.9%; a 20-min outage leaves 23.2
        outage = ('{"type": "outage", "id": "o-1", "start": "2026-06-05T10:00:00+08:00", '
                  '"end": "2026-06-05T10:20:00+08:00", "impact": "incident"}')
        with self.engine.evaluation(keep_events=True) as evaluation:
            evaluation.push_line(outage)
            with evaluation.result(as_of="2026-06-10T00:00:00+08:00") as result:
                minor1 = [h for h in result.headroom if h.rule == "minor.1"][0]
                self.assertIsInstance(minor1, libcontract.Headroom)
                self.assertEqual((minor1.kind, minor1.left, minor1.unit, minor1.amount, minor1.crossed),
                                 ("downtime", decimal.Decimal("23.2"), "min", decimal.Decimal("8598.00"), False))
                self.assertEqual((minor1.used, minor1.gone), (decimal.Decimal("46.3"), decimal.Decimal("30.0")))
                self.assertEqual(minor1.at, "2026-06-20T10:33:36+08:00")
                self.assertIn("23.2 min more downtime", minor1.what)
                cap = [h for h in result.headroom if h.kind == "cap"][0]
                self.assertEqual((cap.rule, cap.amount), ("term", decimal.Decimal("171960.00")))
                self.assertEqual(result.headroom, [
                    libcontract.Headroom(**row) for row in result.data["headroom"]
                    for row in [dict(row, left=row["left"] and decimal.Decimal(row["left"]),
                                     amount=row["amount"] and decimal.Decimal(row["amount"]),
                                     used=row["used"] and decimal.Decimal(row["used"]),
                                     gone=row["gone"] and decimal.Decimal(row["gone"]))]])
            with evaluation.result() as result:
                self.assertEqual(result.headroom, [])

    def test_repeated_event_is_a_warning(self):
        with self.engine.evaluation() as evaluation:
            evaluation.push_line(GOOD_TICKET, file="a", line=1)
            evaluation.push_line(GOOD_TICKET, file="a", line=2)
            with evaluation.result() as result:
                self.assertEqual(result.totals.warnings, 1)

    def test_pushed_dicts_are_named_by_their_index(self):
        good = {"type": "ticket", "id": "t-1", "opened": "2026-04-01T10:00:00+08:00"}
        bad = {"type": "ticket", "id": "t-2", "opened": "nope"}
        with self.assertRaises(libcontract.EventError) as caught:
            self.engine.evaluate(events=[good, bad])
        self.assertEqual((caught.exception.file, caught.exception.line), ("events[1]", 0))
        self.assertTrue(str(caught.exception).startswith("events[1]: "), str(caught.exception))
        typo = dict(good, casue="scheduled_maintenance")
        result = self.engine.evaluate(events=['{"type": "ticket", "id": "t-0", "opened": "2026-04-01T09:00:00+08:00"}',
                                              typo])
        self.assertEqual([w["file"] for w in result.warnings], ["events[1]"])
        with self.engine.evaluation() as ev:
            ev.push(good, file="feed", line=7)
            with self.assertRaises(libcontract.EventError) as caught:
                ev.push(bad)
            self.assertEqual(caught.exception.file, "events[1]", "counted among the events pushed one by one")


class UsageErrors(ErrorTestCase):
    """Misuse: unknown parameters, bad values, floats, closed handles."""

    def test_unknown_parameter(self):
        with self.assertRaises(libcontract.UsageError) as caught:
            self.engine.set("no_such_parameter", "1")
        self.assertEqual(caught.exception.code, 2)
        self.assertIn("no_such_parameter", str(caught.exception))

    def test_unknown_parameter_in_the_constructor(self):
        with self.assertRaises(libcontract.UsageError):
            libcontract.Engine(RULES, params={"no_such_parameter": 1})

    def test_unknown_parameter_same_as_cli(self):
        path = self.events_file(GOOD_TICKET)
        with self.assertRaises(libcontract.UsageError) as caught:
            self.engine.assign("no_such_parameter=1")
        self.assertSameAsCli(caught.exception, "eval", RULES, path, "--set", "no_such_parameter=1")

    def test_bad_value(self):
        with self.assertRaises(libcontract.UsageError):
            self.engine.set("base_pct", "ten")

    def test_floats_are_refused(self):
        with self.assertRaises(TypeError):
            self.engine.set("availability_target", 99.5)
        self.assertEqual(self.engine.params["availability_target"], "99.9")

    def test_decimal_in_exponent_form(self):
        self.engine.set("base_pct", decimal.Decimal("1E+2"))
        self.assertEqual(self.engine.params["base_pct"], "100")

    def test_wrong_format_name(self):
        with self.engine.evaluate() as result, self.assertRaises(ValueError):
            result.render("pdf")

    def test_negative_seed(self):
        with self.engine.evaluation(keep_events=True) as source, self.engine.evaluation() as target:
            with self.assertRaises(ValueError):
                target.replay(source, seed=-1)


class ErrorFormatting(unittest.TestCase):
    """str() of an error is file:line: message, without what is missing."""

    def test_formats(self):
        self.assertEqual(str(libcontract.EventError(4, "e.jsonl", 17, "bad")), "e.jsonl:17: bad")
        self.assertEqual(str(libcontract.RulesError(3, "r.lua", 0, "bad")), "r.lua: bad")
        self.assertEqual(str(libcontract.UsageError(2, "", 0, "bad")), "bad")


if __name__ == "__main__":
    unittest.main()
