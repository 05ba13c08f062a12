"""The engine: loading, parameters, rules, lint; finding the library."""

import datetime
import decimal
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

from support import BINDING_DIR, EVENT_FILES, RULES, libcontract

SMALL_RULES = os.path.join(os.path.dirname(RULES), "..", "examples", "hosting-sla", "rules.lua")


class Loading(unittest.TestCase):
    """Rule files and rule text."""

    def test_reference_rules(self):
        with libcontract.Engine(RULES) as engine:
            self.assertEqual(engine.contract_id, "beijing-sme-secops-2026")
            self.assertIn("beijing-sme-secops-2026", repr(engine))

    def test_from_string_is_the_same_as_the_file(self):
        with open(RULES, encoding="utf-8") as f:
            text = f.read()
        with libcontract.Engine.from_string(text, name="reference.lua") as engine:
            self.assertEqual(engine.contract_id, "beijing-sme-secops-2026")
            with engine.evaluate(files=EVENT_FILES) as result:
                self.assertEqual(result.totals.amount, decimal.Decimal("44709.60"))

    def test_path_like(self):
        import pathlib
        with libcontract.Engine(pathlib.Path(RULES)) as engine:
            self.assertEqual(engine.contract_id, "beijing-sme-secops-2026")

    def test_another_contract(self):
        with libcontract.Engine(SMALL_RULES) as engine:
            self.assertNotEqual(engine.contract_id, "beijing-sme-secops-2026")

    def test_options(self):
        options = libcontract.Options(lua_memory_limit=256 << 20)
        with libcontract.Engine(RULES, options=options) as engine:
            self.assertEqual(engine.contract_id, "beijing-sme-secops-2026")
        with self.assertRaises(libcontract.RulesError):
            libcontract.Engine(RULES, options=libcontract.Options(lua_instruction_limit=1000))
        with self.assertRaises(ValueError):
            libcontract.Engine(RULES, options=libcontract.Options(lua_memory_limit=-1))

    def test_event_line_limit(self):
        line = '{"type": "ticket", "id": "t-1", "opened": "2026-04-01T09:30:00+08:00", "note": "%s"}' % ("x" * 200)
        with libcontract.Engine(RULES, options=libcontract.Options(event_line_limit=100)) as engine:
            with self.assertRaises(libcontract.EventError) as caught:
                engine.evaluate(events=[line])
            self.assertIn("line is longer than 100 bytes (event_line_limit; --line-limit)", str(caught.exception))
        unlimited = libcontract.Options(event_line_limit=libcontract.EVENT_LINE_UNLIMITED)
        with libcontract.Engine(RULES, options=unlimited) as engine:
            with engine.evaluation() as ev:
                ev.push_lines(line.replace("x" * 200, "x" * (2 << 20)))
                result = ev.result()
                # read whole: its one warning is the field the rules do not declare
                self.assertEqual(result.totals.warnings, 1)
                self.assertIn('field "note" is not declared', result.warnings[0]["message"])
        with self.assertRaises(ValueError):
            libcontract.Options(event_line_limit=libcontract.EVENT_LINE_UNLIMITED + 1).to_struct()


class Parameters(unittest.TestCase):
    """engine.params and engine.set."""

    def setUp(self):
        self.engine = libcontract.Engine(RULES)
        self.addCleanup(self.engine.close)

    def test_declared_parameters(self):
        params = self.engine.params
        for name in ("value", "base_pct", "cap_pct", "availability_target", "stability_target",
                     "satisfaction_target"):
            self.assertIn(name, params)
        self.assertEqual(decimal.Decimal(params["value"]), decimal.Decimal("1719600.00"))
        self.assertTrue(all(isinstance(v, str) for v in params.values()))

    def test_set_changes_params(self):
        self.engine.set("availability_target", "99.5")
        self.engine.set("base_pct", 100)
        self.assertEqual(self.engine.params["availability_target"], "99.5")
        self.assertEqual(self.engine.params["base_pct"], "100")

    def test_value_types(self):
        for bad in (99.5, True, None, [1]):
            with self.assertRaises(TypeError):
                self.engine.set("base_pct", bad)


class Rules(unittest.TestCase):
    """engine.rules() and engine.check()."""

    def test_rules(self):
        with libcontract.Engine(RULES) as engine:
            rules = engine.rules()
        ids = [rule["id"] for rule in rules]
        self.assertIn("minor.5", ids)
        self.assertEqual(len(ids), len(set(ids)))
        minor5 = rules[ids.index("minor.5")]
        self.assertEqual((minor5["kind"], minor5["class"], minor5["clause"]), ("breach", "minor", "附件6 第5项"))
        self.assertGreater(minor5["line"], 0)
        self.assertEqual(set(rules[0]), {"id", "kind", "class", "clause", "line"})

    def test_caps(self):
        with libcontract.Engine(RULES) as engine:
            self.assertEqual(engine.caps, [{"id": "term", "window": "term"}])
        with libcontract.Engine(SMALL_RULES) as engine:
            self.assertEqual(engine.caps, [{"id": "monthly", "window": "month"},
                                           {"id": "annual", "window": "rolling_months"}])

    def test_check(self):
        with libcontract.Engine(RULES) as engine:
            count, text = engine.check()
            json_count, report = engine.check(format="json")
        self.assertGreater(count, 0)
        self.assertEqual(count, json_count)
        self.assertIn("hole", text)
        self.assertIsInstance(report, (dict, list))


class Events(unittest.TestCase):
    """What push() accepts in a dict."""

    def test_decimal_money_and_datetimes(self):
        tz = datetime.timezone(datetime.timedelta(hours=8))
        outage = {"type": "outage", "id": "o-1", "start": datetime.datetime(2026, 6, 16, 10, 0, tzinfo=tz),
                  "end": datetime.datetime(2026, 6, 16, 12, 30, tzinfo=tz), "loss": decimal.Decimal("20000.00")}
        with libcontract.Engine(RULES) as engine:
            with engine.evaluate(events=[outage]) as result:
                self.assertEqual([b.rule for b in result.breaches], ["minor.1", "minor.2"])

    def test_naive_datetime_is_refused(self):
        ticket = {"type": "ticket", "id": "t", "opened": datetime.datetime(2026, 4, 1, 10, 0)}
        with libcontract.Engine(RULES) as engine, engine.evaluation() as evaluation:
            with self.assertRaises(ValueError):
                evaluation.push(ticket)

    def test_evaluate_takes_json_text_too(self):
        text = '{"type": "onsite_gap", "id": "g-1", "start": "2026-08-20T13:00:00+08:00", "end": "2026-08-20T14:30:00+08:00"}'
        with libcontract.Engine(RULES) as engine, engine.evaluate(events=[text]) as result:
            self.assertEqual([(b.rule, b.amount) for b in result.breaches], [("minor.9", decimal.Decimal("5158.80"))])

    def test_push_wants_a_dict(self):
        with libcontract.Engine(RULES) as engine, engine.evaluation() as evaluation:
            with self.assertRaises(TypeError):
                evaluation.push('{"type": "ticket"}')


class Library(unittest.TestCase):
    """Finding and checking the shared library."""

    def test_version(self):
        self.assertEqual(libcontract.version_number() // 10000, 0)
        self.assertRegex(libcontract.version(), r"^0\.\d+\.\d+$")

    def run_python(self, code, env, cwd):
        """Runs code in a fresh interpreter: (exit code, stdout, stderr)."""
        done = subprocess.run([sys.executable, "-c", code], env=env, cwd=cwd, capture_output=True, text=True,
                              check=False)
        return done.returncode, done.stdout, done.stderr

    def test_bad_library_path_is_an_import_error(self):
        env = dict(os.environ, LIBCONTRACT_LIBRARY="/nonexistent/libcontract.so.0.3", PYTHONPATH=BINDING_DIR)
        code, _out, err = self.run_python("import libcontract", env, BINDING_DIR)
        self.assertNotEqual(code, 0)
        self.assertIn("ImportError", err)
        self.assertIn("LIBCONTRACT_LIBRARY", err)

    def test_installed_layout(self):
        with tempfile.TemporaryDirectory() as prefix:
            lib_dir = os.path.join(prefix, "lib")
            site = os.path.join(lib_dir, "python3", "dist-packages")
            shutil.copytree(os.path.join(BINDING_DIR, "libcontract"), os.path.join(site, "libcontract"),
                            ignore=shutil.ignore_patterns("__pycache__"))
            shutil.copy(libcontract.library_path, os.path.join(lib_dir, "libcontract.so.0.3"))
            env = {k: v for k, v in os.environ.items() if k not in ("LIBCONTRACT_LIBRARY", "PYTHONPATH")}
            env["PYTHONPATH"] = site
            code, out, err = self.run_python("import libcontract; print(libcontract.library_path)", env, prefix)
            self.assertEqual(code, 0, err)
            self.assertEqual(out.strip(), os.path.join(lib_dir, "libcontract.so.0.3"))


if __name__ == "__main__":
    unittest.main()
