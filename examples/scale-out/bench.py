#!/usr/bin/env python3
"""What Dask costs and gives: jobs per second in one process, on 1 and on 2 workers.

Three workloads from the study file (study.json):

- Monte Carlo summaries: --samples seeds of the reference year (the first
  contract), shared among its scripted scenarios, as Sweeps: the workers
  reduce the samples, only the summaries come back (what study.py runs);
- Monte Carlo samples: the same seeds as one Job each, every sample's
  totals brought back;
- whole evaluations: every contract from its event files, results as JSON
  (as a regression run would bring them back).

Each runs in this process (run_local) and on a LocalCluster of 1 and of 2
worker processes, tasks sized by run_batch from the measured job time.  The
machine's load drifts (other jobs share it), so in-process and cluster runs
alternate: after one run of each to warm the caches, --repeat pairs are
timed; the table keeps the best time of each and the speed-up is the median
of the pairs' ratios.  One more row runs the whole evaluations with one job
per Dask task on 1 worker: (its time - in process) / jobs is what one task
costs, the figure to project a larger cluster from.

    /usr/bin/python3 examples/scale-out/bench.py                 # 2000 samples, 400 evaluations
    /usr/bin/python3 examples/scale-out/bench.py --samples 500 --evaluations 100 --repeat 3
"""

import argparse
import os
import statistics
import sys
import time

from study import DEFAULT_STUDY, import_batch, load_study, make_items

#: The speed-ups of the Monte Carlo summaries this machine must reach (2 cores).
TARGETS = {1: 0.9, 2: 1.4}


def workloads(batch, study, samples, evaluations):
    """(name, items, detail) of the three workloads."""
    contracts, scenarios = load_study(study)
    reference = next(iter(contracts))
    scripted = [dict(s, contracts=[reference]) for s in scenarios if s["script"] and reference in s["contracts"]]
    sweeps = make_items(batch, contracts, scripted, max(1, samples // len(scripted)), 1)
    samples_as_jobs = [batch.Job(s.rules, s.events, params=s.params, scenario=s.scenario, seed=seed)
                       for s in sweeps for seed in range(s.seed, s.seed + s.samples)]
    plain = [{"name": "as-recorded", "script": None, "params": {}, "contracts": list(contracts)}]
    evaluations = make_items(batch, contracts, plain, 1, 1) * max(1, evaluations // len(contracts))
    return [("Monte Carlo, summaries (Sweep)", sweeps, "totals"),
            ("Monte Carlo, every sample back (a Job each)", samples_as_jobs, "totals"),
            ("whole evaluations (JSON back)", evaluations, "json")]


def units(items):
    """Jobs and samples of a workload (a Sweep has samples, a Job is one)."""
    return sum(getattr(item, "samples", 1) for item in items)


def timed(run):
    """(seconds, outcomes) of one run."""
    start = time.perf_counter()
    outcomes = run()
    return time.perf_counter() - start, outcomes


def same(outcomes, reference):
    """Refuses a run whose outcomes differ from the in-process ones."""
    def key(o):
        return o.sweep_json() if hasattr(o, "sweep_json") else (o.ok, o.totals, o.json)
    if [key(o) for o in outcomes] != [key(o) for o in reference]:
        raise SystemExit("bench: results differ from the in-process run")


def paired(local, cluster, repeat):
    """Best local and cluster seconds over `repeat` alternating pairs after a warm-up of each,
    the median ratio, and the last cluster outcomes."""
    _seconds, reference = timed(local)
    timed(cluster)
    pairs = []
    for _ in range(repeat):
        here, _outcomes = timed(local)
        there, outcomes = timed(cluster)
        same(outcomes, reference)
        pairs.append((here, there))
    return (min(h for h, _t in pairs), min(t for _h, t in pairs), statistics.median(h / t for h, t in pairs),
            outcomes)


def on_cluster(batch, work, workers, repeat):
    """Rows of every workload on a new LocalCluster of `workers` workers, and its start time."""
    start = time.perf_counter()
    rows = []
    with batch.local_client(n_workers=workers) as client:
        started = time.perf_counter() - start
        for name, items, detail in work:
            here, there, ratio, outcomes = paired(lambda: batch.run_local(items, detail=detail),
                                                  lambda: batch.run_batch(items, client, detail=detail), repeat)
            rows.append((name, workers, "auto", units(items), here, there, ratio, outcomes.tasks))
        if workers == 1:
            name, items, detail = work[-1]
            here, there, ratio, outcomes = paired(lambda: batch.run_local(items, detail=detail),
                                                  lambda: batch.run_batch(items, client, detail=detail,
                                                                          chunk_size=1), repeat)
            rows.append((name, workers, "1", units(items), here, there, ratio, outcomes.tasks))
    return rows, started


def table(rows):
    """The Markdown table."""
    lines = ["| workload | workers | jobs/task | jobs | in process jobs/s | on the cluster jobs/s | × in process "
             "| tasks | cost ms/task |", "|---|---|---|---|---|---|---|---|---|"]
    for name, workers, chunk, n, here, there, ratio, tasks in rows:
        cost = "%.2f" % ((there - here) * 1000 / tasks) if workers == 1 else ""
        lines.append("| %s | %d | %s | %d | %.0f | %.0f | %.2f | %d | %s |"
                     % (name, workers, chunk, n, n / here, n / there, ratio, tasks, cost))
    return "\n".join(lines)


def main(argv=None):
    """Prints the table (Markdown), the targets and the machine's load."""
    parser = argparse.ArgumentParser(description="Jobs per second in process and on 1 and 2 Dask workers.")
    parser.add_argument("--study", default=DEFAULT_STUDY)
    parser.add_argument("--samples", type=int, default=2000, help="Monte Carlo samples (default 2000)")
    parser.add_argument("--evaluations", type=int, default=400, help="whole evaluations (default 400)")
    parser.add_argument("--repeat", type=int, default=5, help="timed pairs of runs (default 5)")
    args = parser.parse_args(argv)
    batch = import_batch()
    loads = [os.getloadavg()]
    work = workloads(batch, args.study, args.samples, args.evaluations)
    rows, starts = [], []
    for workers in (1, 2):
        more, started = on_cluster(batch, work, workers, args.repeat)
        rows += more
        starts.append(started)
    loads.append(os.getloadavg())
    print(table(rows))
    print()
    for name, workers, chunk, n, here, there, ratio, tasks in rows:
        if name == work[0][0] and chunk == "auto" and workers in TARGETS:
            print("%s on %d worker%s: %.2f× in process (target %.1f×): %s"
                  % (name, workers, "s" * (workers > 1), ratio, TARGETS[workers],
                     "met" if ratio >= TARGETS[workers] else "NOT met"))
    print("LocalCluster start: %s s (1 and 2 workers); %d cores; load average %s before, %s after"
          % (" and ".join("%.1f" % s for s in starts), os.cpu_count(),
             "/".join("%.2f" % x for x in loads[0]), "/".join("%.2f" % x for x in loads[1])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
