#!/usr/bin/env python3
"""What Dask costs and gives: jobs per second in one process, on 1 and on 2 workers.

Two workloads from the study file (study.json): Monte Carlo samples (every
scripted scenario of every contract, results as totals) and whole
evaluations (every contract from its event files, results as JSON, as a
regression run would bring them back).  Each is run in this process
(run_local) and on a LocalCluster of 1 and of 2 worker processes, with one
job per Dask task and with --chunk jobs per task.  Every run is done once to
warm the engines' caches, then timed three times, keeping the best; the
cluster's start is timed apart.

    /usr/bin/python3 examples/scale-out/bench.py                 # 2000 samples, 400 evaluations
    /usr/bin/python3 examples/scale-out/bench.py --samples 500 --evaluations 100

Overhead per job is (time on 1 worker - time in process) / jobs: what
sending a job to a worker and its result back adds to evaluating it.  The
in-process runs are timed before and after the clusters' (the best is
kept), since the load of a shared machine drifts.
"""

import argparse
import os
import sys
import time

from study import DEFAULT_STUDY, import_batch, load_study, make_jobs

REPEAT = 3


def workloads(batch, study, samples, evaluations):
    """(name, jobs, detail) of the two workloads."""
    contracts, scenarios = load_study(study)
    scripted = [s for s in scenarios if s["script"]]
    per_scenario = max(1, samples // sum(len(s["contracts"]) for s in scripted))
    plain = [{"name": "as-recorded", "script": None, "params": {}, "contracts": list(contracts)}]
    repeats = max(1, evaluations // len(contracts))
    return [("Monte Carlo samples", make_jobs(batch, contracts, scripted, per_scenario, 1), "totals"),
            ("whole evaluations", make_jobs(batch, contracts, plain, 1, 1) * repeats, "json")]


def timed(run, repeat=REPEAT):
    """The best time of `repeat` runs after one that warms the caches, and the results.

    The best, not the mean: on a shared machine the other jobs only ever
    add time.
    """
    results = run()
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        results = run()
        best = min(best, time.perf_counter() - start)
    return best, results


def check(results, reference):
    """Refuses a run whose results differ from the in-process ones."""
    if [(r.ok, r.totals) for r in results] != [(r.ok, r.totals) for r in reference]:
        raise SystemExit("bench: results differ from the in-process run")


def in_process(batch, work):
    """(seconds, results) of each workload run in this process."""
    return [timed(lambda: batch.run_local(jobs, detail=detail)) for _name, jobs, detail in work]


def on_cluster(batch, work, reference, workers, chunks):
    """((workload, workers, chunk), seconds) of each workload on a new LocalCluster; its start time."""
    start = time.perf_counter()
    with batch.local_client(n_workers=workers) as client:
        started = time.perf_counter() - start
        timings = []
        for (name, jobs, detail), (_seconds, expected) in zip(work, reference):
            for chunk in chunks:
                seconds, results = timed(lambda: batch.run_batch(jobs, client, detail=detail, chunk_size=chunk))
                check(results, expected)
                timings.append(((name, workers, chunk), seconds))
    return timings, started


def row(name, where, jobs, seconds, overhead=""):
    """One line of the table."""
    return "| %s | %s | %d | %.2f | %.0f | %.2f | %s |" % (name, where, jobs, seconds, jobs / seconds,
                                                          seconds * 1000 / jobs, overhead)


def table(work, local, timings):
    """The Markdown table: in process, then each cluster run; overhead against in process on 1 worker."""
    lines = ["| workload | where | jobs | seconds | jobs/s | ms/job | overhead ms/job |", "|---|---|---|---|---|---|---|"]
    size = {name: len(jobs) for name, jobs, _detail in work}
    lines += [row(name, "in process", size[name], local[name]) for name in size]
    for (name, workers, chunk), seconds in timings:
        where = "%d worker%s, %d job%s/task" % (workers, "s" * (workers > 1), chunk, "s" * (chunk > 1))
        overhead = "%.2f" % ((seconds - local[name]) * 1000 / size[name]) if workers == 1 else ""
        lines.append(row(name, where, size[name], seconds, overhead))
    return "\n".join(lines)


def main(argv=None):
    """Prints the table (Markdown) with the machine's load."""
    parser = argparse.ArgumentParser(description="Jobs per second in process and on 1 and 2 Dask workers.")
    parser.add_argument("--study", default=DEFAULT_STUDY)
    parser.add_argument("--samples", type=int, default=2000, help="Monte Carlo jobs (default 2000)")
    parser.add_argument("--evaluations", type=int, default=400, help="whole evaluations (default 400)")
    parser.add_argument("--chunk", type=int, default=50, help="jobs per task of the chunked runs (default 50)")
    args = parser.parse_args(argv)
    batch = import_batch()
    loads = [os.getloadavg()]
    work = workloads(batch, args.study, args.samples, args.evaluations)
    before = in_process(batch, work)
    timings, starts = [], []
    for workers in (1, 2):
        more, started = on_cluster(batch, work, before, workers, (1, args.chunk))
        timings += more
        starts.append(started)
    after = in_process(batch, work)  # in process again: the machine's load drifts
    local = {name: min(b[0], a[0]) for (name, _jobs, _detail), b, a in zip(work, before, after)}
    loads.append(os.getloadavg())
    print(table(work, local, timings))
    print("\nLocalCluster start: %s s (1 and 2 workers); %d cores; load average %s before, %s after"
          % (" and ".join("%.1f" % s for s in starts), os.cpu_count(),
             "/".join("%.2f" % x for x in loads[0]), "/".join("%.2f" % x for x in loads[1])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
