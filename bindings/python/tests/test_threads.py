"""Handles used from several threads: close() during a call waits or refuses, never crashes.

ctypes lets other threads run while a C call is in progress, so close() in
one thread can meet a call on the same object in another.  The races below
are forced with Events and Barriers and repeated: each round, the call
either completes with the right answer or raises "this ... is closed".
"""

import gc
import threading
import unittest

from support import EVENT_FILES, RULES, SCENARIO, libcontract

ROUNDS = 200


class Worker(threading.Thread):
    """A thread that calls function(*args) and keeps what it returned or raised.

    started is set just before the call.
    """

    def __init__(self, function, *args):
        super().__init__(daemon=True)
        self._call = (function, args)
        self.value = self.error = None
        self.started = threading.Event()
        self.start()

    def run(self):
        function, args = self._call
        self.started.set()
        try:
            self.value = function(*args)
        except BaseException as exc:  # handed to the test, which judges it
            self.error = exc

    def outcome(self):
        """Joins; the value, or the UsageError the call raised (others are re-raised)."""
        self.join()
        if self.error is not None and not isinstance(self.error, libcontract.UsageError):
            raise self.error
        return self.error or self.value


def loaded_evaluation(engine, keep_events=False):
    """An evaluation of every example event."""
    evaluation = engine.evaluation(keep_events=keep_events)
    for path in EVENT_FILES:
        evaluation.push_file(path)
    return evaluation


class CloseDuringCall(unittest.TestCase):
    """close() while another thread is inside a C call on the same object."""

    @classmethod
    def setUpClass(cls):
        cls.engine = libcontract.Engine(RULES)
        with loaded_evaluation(cls.engine) as evaluation, evaluation.result() as result:
            cls.report = result.render("html", explain=True)
            cls.json = result.json

    @classmethod
    def tearDownClass(cls):
        cls.engine.close()

    def assertClosedOr(self, outcome, kind, check):
        """outcome is "this <kind> is closed", or passes check."""
        if isinstance(outcome, libcontract.UsageError):
            self.assertEqual(str(outcome), "this %s is closed" % kind)
        else:
            check(outcome)

    def test_close_during_render(self):
        for _ in range(ROUNDS):
            with loaded_evaluation(self.engine) as evaluation:
                result = evaluation.result()
            worker = Worker(result.render, "html", "both", True)
            worker.started.wait()
            result.close()
            self.assertClosedOr(worker.outcome(), "result", lambda text: self.assertEqual(text, self.report))
            with self.assertRaisesRegex(libcontract.UsageError, "this result is closed"):
                result.render()

    def test_close_during_evaluation_result(self):
        for _ in range(ROUNDS):
            evaluation = loaded_evaluation(self.engine)
            worker = Worker(evaluation.result)
            worker.started.wait()
            evaluation.close()
            outcome = worker.outcome()
            self.assertClosedOr(outcome, "evaluation", lambda result: self.assertEqual(result.json, self.json))
            if isinstance(outcome, libcontract.Result):
                outcome.close()
            with self.assertRaisesRegex(libcontract.UsageError, "this evaluation is closed"):
                evaluation.result()

    def test_engine_close_during_evaluation_result(self):
        for _ in range(ROUNDS // 4):
            engine = libcontract.Engine(RULES)
            evaluation = loaded_evaluation(engine)
            worker = Worker(evaluation.result)
            worker.started.wait()
            engine.close()
            outcome = worker.outcome()
            self.assertTrue(engine.closed and evaluation.closed)
            self.assertClosedOr(outcome, "evaluation", lambda result: self.assertEqual(result.json, self.json))
            if isinstance(outcome, libcontract.Result):
                with outcome:  # a result outlives its engine
                    self.assertEqual(outcome.render("html", explain=True), self.report)

    def test_four_renderers_and_a_closer(self):
        for _ in range(ROUNDS // 4):
            with loaded_evaluation(self.engine) as evaluation:
                result = evaluation.result()
            barrier = threading.Barrier(5)
            rendered = threading.Event()

            def render():
                barrier.wait()
                count = 0
                while True:
                    try:
                        text = result.render("html", explain=True)
                    except libcontract.UsageError as exc:
                        self.assertEqual(str(exc), "this result is closed")
                        return count
                    self.assertEqual(text, self.report)
                    count += 1
                    rendered.set()

            def close():
                barrier.wait()
                rendered.wait()  # close while the others keep rendering
                result.close()

            workers = [Worker(render) for _ in range(4)] + [Worker(close)]
            counts = [worker.outcome() for worker in workers][:4]
            self.assertGreater(sum(counts), 0)
            self.assertTrue(result.closed)


class EngineGroup(unittest.TestCase):
    """An engine and its evaluations are used by one thread at a time in C."""

    def test_two_evaluations_of_one_engine_in_two_threads(self):
        with libcontract.Engine(RULES) as engine:
            with loaded_evaluation(engine) as evaluation, evaluation.result() as result:
                want = result.json
            for _ in range(ROUNDS // 10):
                barrier = threading.Barrier(2)

                def evaluate():
                    barrier.wait()
                    with loaded_evaluation(engine) as evaluation, evaluation.result() as result:
                        return result.json

                workers = [Worker(evaluate) for _ in range(2)]
                self.assertEqual([worker.outcome() for worker in workers], [want, want])

    def test_one_scenario_replayed_in_two_threads(self):
        scenario = libcontract.Scenario(SCENARIO)

        def sample(seed, barrier=None):
            with libcontract.Engine(RULES) as engine, loaded_evaluation(engine, keep_events=True) as source:
                if barrier is not None:
                    barrier.wait()
                with engine.evaluation() as target:
                    target.replay(source, scenario=scenario, seed=seed)
                    with target.result() as result:
                        return result.json

        want = [sample(seed) for seed in (1, 2)]
        for _ in range(ROUNDS // 4):
            barrier = threading.Barrier(2)
            workers = [Worker(sample, seed, barrier) for seed in (1, 2)]
            self.assertEqual([worker.outcome() for worker in workers], want)
        scenario.close()

    def test_garbage_evaluation_of_a_busy_engine_is_freed_later_without_waiting(self):
        # __del__ never waits: collected in another thread while this one holds
        # the engine, the evaluation is freed when this thread lets go.
        collected = threading.Event()

        def collect():
            gc.collect()
            collected.set()

        with libcontract.Engine(RULES) as engine:
            evaluation = engine.evaluation()
            evaluation.cycle = evaluation  # only the collector frees it
            del evaluation
            gc.disable()
            try:
                with engine._using():
                    worker = Worker(collect)
                    self.assertTrue(collected.wait(60), "__del__ waited for the engine")  # a deadlock guard only
                    self.assertEqual(engine._open_evaluations, 1)
                worker.outcome()
            finally:
                gc.enable()
            self.assertEqual(engine._open_evaluations, 0)
            self.assertEqual(engine.contract_id, engine.contract_id)  # still usable


if __name__ == "__main__":
    unittest.main()
