"""Handles are freed once, in the right order, and never used after."""

import gc
import unittest

from support import EVENT_FILES, RULES, libcontract

TICKET = {"type": "ticket", "id": "t-1", "opened": "2026-04-01T10:00:00+08:00",
          "responded": "2026-04-01T10:05:00+08:00", "restored": "2026-04-01T10:20:00+08:00"}


class Lifetime(unittest.TestCase):
    """close(), with blocks, __del__ and the garbage collector."""

    def test_result_outlives_engine_and_evaluation(self):
        engine = libcontract.Engine(RULES)
        evaluation = engine.evaluation()
        for path in EVENT_FILES:
            evaluation.push_file(path)
        result = evaluation.result()
        evaluation.close()
        engine.close()
        del evaluation, engine
        gc.collect()
        self.assertEqual(str(result.totals.amount), "44709.60")
        self.assertEqual(len(result.breaches), 7)
        self.assertIn("minor.5", result.render("text"))
        result.close()

    def test_engine_close_closes_its_evaluations(self):
        engine = libcontract.Engine(RULES)
        evaluation = engine.evaluation()
        evaluation.push(TICKET)
        engine.close()
        self.assertTrue(engine.closed)
        self.assertTrue(evaluation.closed)
        with self.assertRaises(libcontract.UsageError):
            evaluation.push(TICKET)
        with self.assertRaises(libcontract.UsageError):
            evaluation.result()
        with self.assertRaises(libcontract.UsageError):
            engine.evaluation()
        with self.assertRaises(libcontract.UsageError):
            engine.params
        evaluation.close()
        engine.close()

    def test_double_close_is_harmless(self):
        engine = libcontract.Engine(RULES)
        result = engine.evaluate(events=[TICKET])
        for handle in (result, engine, result, engine):
            handle.close()
        with self.assertRaises(libcontract.UsageError):
            result.totals

    def test_with_blocks_close(self):
        with libcontract.Engine(RULES) as engine:
            with engine.evaluation() as evaluation:
                evaluation.push(TICKET)
                with evaluation.result() as result:
                    self.assertEqual(result.totals.breaches, 0)
                self.assertTrue(result.closed)
            self.assertTrue(evaluation.closed)
        self.assertTrue(engine.closed)

    def test_dropping_the_engine_first_keeps_evaluations_working(self):
        engine = libcontract.Engine(RULES)
        evaluation = engine.evaluation()
        del engine
        gc.collect()
        evaluation.push(TICKET)
        with evaluation.result() as result:
            self.assertEqual(result.totals.breaches, 0)
        del evaluation
        gc.collect()

    def test_garbage_cycles_free_evaluations_before_their_engine(self):
        for _ in range(20):
            engine = libcontract.Engine(RULES)
            evaluations = [engine.evaluation() for _ in range(3)]
            engine.cycle = evaluations
            for evaluation in evaluations:
                evaluation.cycle = engine
                evaluation.push(TICKET)
            del engine, evaluations, evaluation
        gc.collect()

    def test_scenario_outlives_nothing_it_needs(self):
        scenario = libcontract.Scenario.from_string("return {}")
        with libcontract.Engine(RULES) as engine:
            source = engine.evaluation(keep_events=True)
            source.push(TICKET)
            target = engine.evaluation()
            target.replay(source, scenario=scenario, seed=3)
            scenario.close()
            with target.result() as result:
                self.assertEqual(result.totals.breaches, 0)
        self.assertTrue(source.closed and target.closed)

    def test_closed_scenario_is_refused(self):
        scenario = libcontract.Scenario.from_string("return {}")
        scenario.close()
        with libcontract.Engine(RULES) as engine:
            source = engine.evaluation(keep_events=True)
            with engine.evaluation() as target, self.assertRaises(libcontract.UsageError):
                target.replay(source, scenario=scenario)

    def test_failed_constructors_leave_nothing_to_free(self):
        with self.assertRaises(TypeError):
            libcontract.Engine(42)
        with self.assertRaises(libcontract.UsageError):
            libcontract.Engine(RULES, params={"no_such_parameter": 1})
        gc.collect()

    def test_many_handles(self):
        with libcontract.Engine(RULES) as engine:
            for _ in range(200):
                engine.evaluate(events=[TICKET])


if __name__ == "__main__":
    unittest.main()
