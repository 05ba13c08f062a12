#!/usr/bin/env python3
"""An exposure study on a Dask cluster: every contract under every scenario.

Reads a study file (study.json beside this script by default: contracts,
each a rule file and its event files, and scenarios, each a Monte Carlo
script and/or parameter overrides), makes one batch item per contract and
scenario (a Sweep of --samples seeds for a script, a Job otherwise), runs the
batch on a Dask cluster through the Python binding (libcontract.batch) and
writes one summary table, as CSV and JSON: per contract and scenario the
number of jobs, the mean, min, p5, p50, p95 and max of the capped total, how
many samples reach a cap (any cap, then each cap the contract declares) or
give a termination right.  The workers reduce the samples to these figures;
only the summaries come back.  Failed jobs and samples are counted and
listed, never dropped; the exit status is 1 when any failed.  summary.json
also says how many jobs were run again and why (a worker that died).  On a
terminal, progress (done/total, rate, time left) goes to stderr.

    python3 examples/scale-out/study.py                          # a LocalCluster, one worker per core
    python3 examples/scale-out/study.py --samples 2000 --workers 2
    python3 examples/scale-out/study.py --scheduler tcp://10.0.0.5:8786
    python3 examples/scale-out/study.py --in-process             # no Dask, for comparison

Seeds run from --seed to --seed + --samples - 1, as `contract sweep
--scenario FILE --samples N --seed S` runs them, so a row's figures equal
that command's for the same contract and scenario.  Without
LIBCONTRACT_LIBRARY the library built in build/lib of this tree is used.
"""

import argparse
import csv
import glob
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
DEFAULT_STUDY = os.path.join(HERE, "study.json")
DEFAULT_OUT = os.path.join(REPO, "build", "scale-out")
PERCENTILES = (5, 50, 95)
COLUMNS = ("contract", "scenario", "jobs", "failed", "mean", "min", "p5", "p50", "p95", "max", "capped",
           "termination")
#: The column of a cap's count: capped:ID.
CAP_COLUMN = "capped:%s"


def import_batch():
    """libcontract.batch from bindings/python, finding the built library.

    The environment set here is what LocalCluster's worker processes
    inherit, so they load the same library and binding.
    """
    built = os.path.join(REPO, "build", "lib", "libcontract.so.0.3")
    if "LIBCONTRACT_LIBRARY" not in os.environ and os.path.exists(built):
        os.environ["LIBCONTRACT_LIBRARY"] = built
    binding = os.path.join(REPO, "bindings", "python")
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [binding, os.environ.get("PYTHONPATH")]))
    sys.path.insert(0, binding)
    from libcontract import batch
    return batch


# ---- the study --------------------------------------------------------------------


def _relative_to(base, path):
    """path as written in the study file, relative to the file's folder."""
    return os.path.normpath(os.path.join(base, path))


def _event_files(base, patterns, contract):
    """The sorted files of each glob pattern, in the patterns' order."""
    files = []
    for pattern in patterns:
        matched = sorted(glob.glob(_relative_to(base, pattern)))
        if not matched:
            raise SystemExit("study: contract %s: no event file matches %s" % (contract, pattern))
        files += matched
    return files


def load_study(path):
    """The study file with its paths resolved: (contracts, scenarios).

    contracts: name -> {"rules": path, "events": [paths]}; scenarios: a
    list of {"name", "script" (path or None), "params", "contracts"}.
    """
    with open(path, encoding="utf-8") as f:
        study = json.load(f)
    base = os.path.dirname(os.path.abspath(path))
    contracts = {name: {"rules": _relative_to(base, spec["rules"]),
                        "events": _event_files(base, spec["events"], name)}
                 for name, spec in study["contracts"].items()}
    scenarios = []
    for spec in study["scenarios"]:
        unknown = set(spec["contracts"]) - set(contracts)
        if unknown:
            raise SystemExit("study: scenario %s names unknown contracts: %s" % (spec["name"], ", ".join(sorted(unknown))))
        script = spec.get("script")
        scenarios.append({"name": spec["name"], "script": script and _relative_to(base, script),
                          "params": spec.get("params", {}), "contracts": spec["contracts"]})
    return contracts, scenarios


def make_items(batch, contracts, scenarios, samples, seed):
    """Per contract and scenario: a Sweep of `samples` seeds from `seed` for a script, else one Job."""
    items = []
    for scenario in scenarios:
        for name in scenario["contracts"]:
            contract = contracts[name]
            common = dict(params=scenario["params"], label=(name, scenario["name"]))
            if scenario["script"]:
                items.append(batch.Sweep(contract["rules"], contract["events"], scenario=scenario["script"],
                                         samples=samples, seed=seed, **common))
            else:
                items.append(batch.Job(contract["rules"], contract["events"], seed=seed, **common))
    return items


# ---- the summary ------------------------------------------------------------------


def as_summary(batch, result):
    """A Job's JobResult as a Summary of one sample (its figures are the job's)."""
    summary = batch.Summary(result.index, result.label, samples=1)
    if result.ok:
        totals = result.totals
        summary.add(int(totals.amount.scaleb(2)), totals.capped, totals.termination_right,
                    [cap for cap, cut in result.caps.items() if cut])
        summary.declare_caps(result.caps)
    else:
        summary.fail([None], result.error)
    return summary


def summary_row(summary):
    """The figures of one contract and scenario from its Summary."""
    contract, scenario = summary.label
    row = {"contract": contract, "scenario": scenario, "jobs": summary.samples, "failed": summary.failed,
           "capped": summary.capped, "termination": summary.terminations}
    if summary.count:
        row.update(mean=str(summary.mean), min=str(summary.min), max=str(summary.max))
        row.update(("p%d" % p, str(summary.percentile(p))) for p in PERCENTILES)
    row["caps"] = dict(summary.caps)
    return row


def summarize(batch, outcomes):
    """One row per contract and scenario, in the study's order."""
    return [summary_row(o if isinstance(o, batch.Summary) else as_summary(batch, o)) for o in outcomes]


def failures(batch, outcomes):
    """The failed jobs and samples: contract, scenario, seed, error kind and message."""
    failed = []
    for o in outcomes:
        if isinstance(o, batch.Summary):
            errors = o.failures
        else:  # a Job: no seed of its own
            errors = [] if o.ok else [(None, o.error)]
        failed += [{"contract": o.label[0], "scenario": o.label[1], "seed": seed, "kind": error.kind,
                    "error": str(error)} for seed, error in errors]
    return failed


def csv_rows(rows):
    """The rows as CSV columns (each cap's count in its column), and the columns: COLUMNS, then the caps'."""
    flat = [dict({k: v for k, v in row.items() if k != "caps"},
                 **{CAP_COLUMN % cap: count for cap, count in row["caps"].items()}) for row in rows]
    caps = dict.fromkeys(CAP_COLUMN % cap for row in rows for cap in row["caps"])
    return flat, list(COLUMNS) + list(caps)


def write_summary(out_dir, rows, report):
    """Writes summary.csv and summary.json into out_dir; their paths."""
    os.makedirs(out_dir, exist_ok=True)
    csv_path = os.path.join(out_dir, "summary.csv")
    json_path = os.path.join(out_dir, "summary.json")
    flat, fields = csv_rows(rows)
    with open(csv_path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, restval="")
        writer.writeheader()
        writer.writerows(flat)
    with open(json_path, "w", encoding="utf-8") as f:
        json.dump(dict(report, rows=rows), f, ensure_ascii=False, indent=2)
        f.write("\n")
    return csv_path, json_path


# ---- running it -------------------------------------------------------------------


def parse_args(argv):
    """The command line."""
    parser = argparse.ArgumentParser(description="Exposure study of contracts and scenarios on a Dask cluster.")
    parser.add_argument("--study", default=DEFAULT_STUDY, help="study file (default: %(default)s)")
    parser.add_argument("--samples", type=int, default=500, help="seeds per Monte Carlo scenario (default 500)")
    parser.add_argument("--seed", type=int, default=1, help="first seed (default 1)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--scheduler", metavar="ADDRESS", help="an existing cluster's scheduler (tcp://host:8786)")
    where.add_argument("--workers", type=int, help="worker processes of the LocalCluster (default: one per core)")
    where.add_argument("--in-process", action="store_true", help="evaluate in this process, without Dask")
    parser.add_argument("--chunk-size", type=int, help="seeds or jobs per Dask task (default: sized from "
                                                        "the time they take, about 0.2 s of work per task)")
    parser.add_argument("--out", default=DEFAULT_OUT, help="folder for summary.csv and summary.json "
                                                          "(default: %(default)s)")
    args = parser.parse_args(argv)
    if args.samples < 1 or args.seed < 0:
        parser.error("--samples must be at least 1 and --seed at least 0")
    if args.chunk_size is not None and args.chunk_size < 1:
        parser.error("--chunk-size must be at least 1")
    return args


def run(batch, items, args):
    """The outcomes (a BatchResults), and where they ran."""
    if args.in_process:
        return batch.run_local(items, detail="totals", progress=None), "in-process"
    if args.scheduler:
        import distributed
        with distributed.Client(args.scheduler) as client:
            return batch.run_batch(items, client, detail="totals", chunk_size=args.chunk_size), args.scheduler
    with batch.local_client(n_workers=args.workers) as client:
        workers = len(client.scheduler_info()["workers"])
        outcomes = batch.run_batch(items, client, detail="totals", chunk_size=args.chunk_size)
    return outcomes, "LocalCluster, %d workers" % workers


def main(argv=None):
    """Runs the study and writes its summary; 1 when a job failed."""
    args = parse_args(argv)
    batch = import_batch()
    contracts, scenarios = load_study(args.study)
    items = make_items(batch, contracts, scenarios, args.samples, args.seed)
    start = time.perf_counter()
    outcomes, where = run(batch, items, args)
    seconds = time.perf_counter() - start
    rows = summarize(batch, outcomes)
    failed = failures(batch, outcomes)
    jobs = sum(row["jobs"] for row in rows)
    report = {"study": args.study, "samples": args.samples, "seed": args.seed, "cluster": where,
              "jobs": jobs, "failed": len(failed), "seconds": round(seconds, 3), "tasks": outcomes.tasks,
              "retries": outcomes.retries, "failures": failed}
    paths = write_summary(args.out, rows, report)
    with open(paths[0], encoding="utf-8") as f:
        sys.stdout.write(f.read())
    retried = " (%d run again: a worker died)" % outcomes.retried if outcomes.retried else ""
    print("%d jobs (%d failed)%s on %s in %.1f s; wrote %s and %s"
          % (jobs, len(failed), retried, where, seconds, *paths), file=sys.stderr)
    for failure in failed:
        seed = "" if failure["seed"] is None else " / seed %s" % failure["seed"]
        print("failed: %s / %s%s: %s" % (failure["contract"], failure["scenario"], seed, failure["error"]),
              file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
