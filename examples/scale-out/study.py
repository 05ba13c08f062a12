#!/usr/bin/env python3
"""An exposure study on a Dask cluster: every contract under every scenario.

Reads a study file (study.json beside this script by default: contracts,
each a rule file and its event files, and scenarios, each a Monte Carlo
script and/or parameter overrides), makes one batch job per contract,
scenario and seed, runs the batch on a Dask cluster through the Python
binding (libcontract.batch) and writes one summary table, as CSV and JSON:
per contract and scenario the number of jobs, the mean, min, p5, p50, p95 and
max of the capped total, and how many samples reach a cap or give a
termination right.  Failed jobs are counted and listed, never dropped; the
exit status is 1 when any failed.

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


def import_batch():
    """libcontract.batch from bindings/python, finding the built library.

    The environment set here is what LocalCluster's worker processes
    inherit, so they load the same library and binding.
    """
    built = os.path.join(REPO, "build", "lib", "libcontract.so.0")
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


def make_jobs(batch, contracts, scenarios, samples, seed):
    """One job per contract, scenario and seed (one seed when there is no script)."""
    jobs = []
    for scenario in scenarios:
        seeds = range(seed, seed + samples) if scenario["script"] else [seed]
        for name in scenario["contracts"]:
            contract = contracts[name]
            jobs += [batch.Job(contract["rules"], contract["events"], params=scenario["params"],
                               scenario=scenario["script"], seed=s, label=(name, scenario["name"], s))
                     for s in seeds]
    return jobs


# ---- the summary ------------------------------------------------------------------


def fen(amount):
    """A Decimal amount as integer hundredths (exact)."""
    return int(amount.scaleb(2))


def money(hundredths):
    """Integer hundredths as a decimal string with two places."""
    sign = "-" if hundredths < 0 else ""
    whole, cents = divmod(abs(hundredths), 100)
    return "%s%d.%02d" % (sign, whole, cents)


def percentile(ordered, p):
    """Nearest rank, as `contract sweep`: the smallest value with p% of them at or below it."""
    rank = (p * len(ordered) + 99) // 100
    return ordered[max(rank, 1) - 1]


def summary_row(contract, scenario, results):
    """The figures of one contract and scenario from its JobResults."""
    done = [r for r in results if r.ok]
    row = {"contract": contract, "scenario": scenario, "jobs": len(results), "failed": len(results) - len(done),
           "capped": sum(r.totals.capped for r in done),
           "termination": sum(r.totals.termination_right for r in done)}
    amounts = sorted(fen(r.totals.amount) for r in done)
    if amounts:
        n = len(amounts)
        row["mean"] = money((sum(amounts) * 2 + n) // (2 * n))  # half up to the hundredth, as sweep does
        row["min"], row["max"] = money(amounts[0]), money(amounts[-1])
        row.update(("p%d" % p, money(percentile(amounts, p))) for p in PERCENTILES)
    return row


def summarize(results):
    """One row per contract and scenario, in the order they first appear."""
    groups = {}
    for result in results:
        contract, scenario, _seed = result.label
        groups.setdefault((contract, scenario), []).append(result)
    return [summary_row(contract, scenario, group) for (contract, scenario), group in groups.items()]


def failures(results):
    """The failed jobs: contract, scenario, seed, error kind and message."""
    return [{"contract": r.label[0], "scenario": r.label[1], "seed": r.label[2], "kind": r.error.kind,
             "error": str(r.error)} for r in results if not r.ok]


def write_summary(out_dir, rows, report):
    """Writes summary.csv and summary.json into out_dir; their paths."""
    os.makedirs(out_dir, exist_ok=True)
    csv_path = os.path.join(out_dir, "summary.csv")
    json_path = os.path.join(out_dir, "summary.json")
    with open(csv_path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, restval="")
        writer.writeheader()
        writer.writerows(rows)
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
    parser.add_argument("--chunk-size", type=int, default=16, help="jobs per Dask task (default 16)")
    parser.add_argument("--out", default=DEFAULT_OUT, help="folder for summary.csv and summary.json "
                                                          "(default: %(default)s)")
    args = parser.parse_args(argv)
    if args.samples < 1 or args.seed < 0:
        parser.error("--samples must be at least 1 and --seed at least 0")
    return args


def run(batch, jobs, args):
    """The JobResults, and where they ran."""
    if args.in_process:
        return batch.run_local(jobs, detail="totals"), "in-process"
    if args.scheduler:
        import distributed
        with distributed.Client(args.scheduler) as client:
            return batch.run_batch(jobs, client, detail="totals", chunk_size=args.chunk_size), args.scheduler
    with batch.local_client(n_workers=args.workers) as client:
        workers = len(client.scheduler_info()["workers"])
        results = batch.run_batch(jobs, client, detail="totals", chunk_size=args.chunk_size)
    return results, "LocalCluster, %d workers" % workers


def main(argv=None):
    """Runs the study and writes its summary; 1 when a job failed."""
    args = parse_args(argv)
    batch = import_batch()
    contracts, scenarios = load_study(args.study)
    jobs = make_jobs(batch, contracts, scenarios, args.samples, args.seed)
    start = time.perf_counter()
    results, where = run(batch, jobs, args)
    seconds = time.perf_counter() - start
    rows = summarize(results)
    failed = failures(results)
    report = {"study": args.study, "samples": args.samples, "seed": args.seed, "cluster": where,
              "jobs": len(jobs), "failed": len(failed), "seconds": round(seconds, 3), "failures": failed}
    paths = write_summary(args.out, rows, report)
    with open(paths[0], encoding="utf-8") as f:
        sys.stdout.write(f.read())
    print("%d jobs (%d failed) on %s in %.1f s; wrote %s and %s" % (len(jobs), len(failed), where, seconds, *paths),
          file=sys.stderr)
    for failure in failed:
        print("failed: %(contract)s / %(scenario)s / seed %(seed)s: %(error)s" % failure, file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
