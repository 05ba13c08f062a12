/* cmd_sweep.c — `contract sweep`: what-if tables and exposure.
 *
 *   contract sweep RULES EVENTS... --vary NAME=FROM:TO:STEP... [--set N=V]... [--format text|csv|json]
 *       the totals for every value of the parameter; several --vary make a
 *       grid, every combination.  The events are read once and every row is
 *       evaluated from what they left (no re-reading, no re-parsing).
 *   contract sweep RULES EVENTS... --scenario FILE.lua [--samples N] [--seed S] [--per-sample] [--jobs N]
 *       Monte Carlo: N (1000) replays of the events through the scenario,
 *       seeded S, S+1, …; the distribution of totals (mean, percentiles),
 *       how often any cap, each cap the rule file declares (by its id) and
 *       a termination right are reached, or with --per-sample each sample's
 *       totals.  --jobs worker processes (all cores by default) share the
 *       samples; each is seeded by its index, so the figures are the same
 *       whatever the number of jobs.
 *
 * Everything is checked and computed before the first byte is printed, so
 * an error leaves stdout empty; progress goes to stderr on a terminal. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sweep.h"

#define MAX_SAMPLES 10000000
#define DEFAULT_SAMPLES 1000
#define MAX_JOBS 1024

typedef struct sweep_opts {
    cli_eval_opts eval;
    const char *vary[SWEEP_MAX_AXES];
    size_t nvary;
    const char *scenario, *samples_text, *seed_text, *jobs_text;
    long samples;
    int jobs;
    uint64_t seed;
    int per_sample;
} sweep_opts;

/* ---- the totals of an evaluation ---- */

static int caps_new(cap_counts *c, const lc_engine *engine)
{
    c->engine = engine;
    c->n = lc_engine_cap_count(engine);
    c->hits = calloc(c->n + 1, sizeof *c->hits);
    return c->hits ? 0 : cli_nomem();
}

/* Marks in seen the caps that cut something in res (totals.caps lists only
 * those, by the id the rule file gave them); a monthly cap that cuts in
 * three months of a sample counts once. */
static void caps_seen(const lc_engine *engine, size_t ncaps, const lc_result *res, unsigned char *seen)
{
    memset(seen, 0, ncaps);
    for (size_t i = 0, n = lc_result_count(res, "caps"); i < n; i++) {
        const char *id = lc_result_text(res, "caps", i, "cap");
        int64_t cut;
        if (!id || !lc_result_fen(res, "caps", i, "cut", &cut) || cut <= 0) continue;
        for (size_t j = 0; j < ncaps; j++)
            if (strcmp(lc_engine_cap_id(engine, j), id) == 0) {
                seen[j] = 1;
                break;
            }
    }
}

static sample totals_of(const lc_result *res)
{
    sample s = {0, 0, 0, 0, lc_result_count(res, "breaches")};
    lc_result_fen(res, "totals", 0, "amount", &s.amount);
    lc_result_fen(res, "totals", 0, "amount_uncapped", &s.uncapped);
    lc_result_bool(res, "totals", 0, "capped", &s.capped);
    lc_result_bool(res, "termination", 0, "right", &s.termination);
    return s;
}

/* The totals of the events pushed so far. */
static int result_sample(lc_eval *ev, sample *out)
{
    lc_error err = {0};
    lc_result *res = NULL;
    if (lc_eval_result(ev, &res, &err) != LC_OK) return cli_report(&err);
    *out = totals_of(res);
    lc_result_free(res);
    return 0;
}

/* ---- --vary ---- */

static int grid_rows(const axis *axes, size_t naxes, size_t *rows)
{
    *rows = 1;
    for (size_t a = 0; a < naxes; a++) {
        if (*rows > SWEEP_MAX_ROWS / axes[a].count)
            return cli_usage("the grid of %zu --vary has more than %d rows", naxes, SWEEP_MAX_ROWS);
        *rows *= axes[a].count;
    }
    return 0;
}

/* Sets every axis to its value in grid row r. */
static int set_row(lc_engine *engine, const axis *axes, size_t naxes, size_t r)
{
    size_t k[SWEEP_MAX_AXES];
    sweep_grid_indices(axes, naxes, r, k);
    int rc = 0;
    for (size_t a = 0; rc == 0 && a < naxes; a++) rc = sweep_set_value(engine, &axes[a], k[a]);
    return rc;
}

/* Every value of every axis is offered to its parameter before the first
 * row is evaluated (a value it refuses fails at once), and every row is
 * computed before the first is printed: an error prints nothing. */
static int run_grid(lc_engine *engine, lc_eval *ev, const lc_result *base, const axis *axes, size_t naxes,
                    sweep_format f)
{
    size_t nrows;
    int rc = grid_rows(axes, naxes, &nrows);
    for (size_t a = 0; rc == 0 && a < naxes; a++)
        for (size_t k = 0; rc == 0 && k < axes[a].count; k++) rc = sweep_set_value(engine, &axes[a], k);
    sample *rows = rc == 0 ? calloc(nrows, sizeof *rows) : NULL;
    if (rc == 0 && !rows) rc = cli_nomem();
    cli_progress p;
    cli_progress_begin(&p, "sweep", "rows", (double)nrows);
    for (size_t r = 0; rc == 0 && r < nrows; r++) {
        rc = set_row(engine, axes, naxes, r);
        if (rc == 0) rc = result_sample(ev, &rows[r]);
        cli_progress_step(&p, (double)r + 1);
    }
    cli_progress_end(&p);
    if (rc == 0) rc = sweep_print_grid(base, axes, naxes, rows, nrows, f);
    free(rows);
    return rc;
}

/* ---- Monte Carlo ---- */

/* What every sample shares. */
typedef struct mc_ctx {
    lc_engine *engine;
    lc_eval *src;
    const lc_scenario *sc;
    uint64_t seed;
    unsigned flags;
} mc_ctx;

/* Sample k: a replay through the scenario seeded seed + k, its totals and
 * the caps they reach (a sweep_sample_fn). */
static lc_status one_sample(void *ctx, long k, sample *out, unsigned char *seen, lc_error *err)
{
    const mc_ctx *c = ctx;
    lc_eval *ev = NULL;
    lc_result *res = NULL;
    lc_status st = lc_eval_new(&ev, c->engine, c->flags, err);
    if (st == LC_OK) st = lc_eval_replay(ev, c->src, c->sc, c->seed + (uint64_t)k, err);
    if (st == LC_OK) st = lc_eval_result(ev, &res, err);
    if (st == LC_OK) {
        *out = totals_of(res);
        caps_seen(c->engine, lc_engine_cap_count(c->engine), res, seen);
    }
    lc_result_free(res);
    lc_eval_free(ev);
    return st;
}

/* Every sample is computed before the first line is printed: an error
 * prints nothing on stdout. */
static int run_samples(lc_engine *engine, lc_eval *src, const lc_result *base, const sweep_opts *o, sweep_format f)
{
    lc_error err = {0};
    lc_scenario *sc = NULL;
    if (lc_scenario_load_file(&sc, NULL, o->scenario, &err) != LC_OK) return cli_report(&err);
    cap_counts caps = {0};
    samples_run run = {base, o->scenario, o->seed, o->samples, calloc((size_t)o->samples, sizeof(sample)), &caps};
    int rc = run.s ? caps_new(&caps, engine) : cli_nomem();
    mc_ctx ctx = {engine, src, sc, o->seed, cli_eval_flags(&o->eval)};
    cli_progress p;
    cli_progress_begin(&p, "sweep", "samples", (double)o->samples);
    sweep_jobs jobs = {o->samples, o->jobs, caps.n, one_sample, &ctx, run.s, caps.hits, &p};
    if (rc == 0) rc = sweep_run_jobs(&jobs);
    cli_progress_end(&p);
    if (rc == 0 && o->per_sample) rc = sweep_print_samples(&run, f);
    else if (rc == 0) sweep_print_summary(&run, f);
    free(caps.hits);
    free(run.s);
    lc_scenario_free(sc);
    return rc;
}

/* ---- the command ---- */

/* An option of sweep, a parser as cli_eval_option. */
static int sweep_option(int argc, char **argv, int *i, sweep_opts *o)
{
    const char *vary = NULL;
    int taken;
    if ((taken = cli_option_value(argc, argv, i, "--vary", &vary))) {
        if (taken > 0 && o->nvary == SWEEP_MAX_AXES) return -cli_usage("sweep takes at most %d --vary", SWEEP_MAX_AXES);
        if (taken > 0) o->vary[o->nvary++] = vary;
        return taken;
    }
    if ((taken = cli_option_value(argc, argv, i, "--scenario", &o->scenario))) return taken;
    if ((taken = cli_option_value(argc, argv, i, "--samples", &o->samples_text))) return taken;
    if ((taken = cli_option_value(argc, argv, i, "--seed", &o->seed_text))) return taken;
    if ((taken = cli_option_value(argc, argv, i, "--jobs", &o->jobs_text))) return taken;
    if (strcmp(argv[*i], "--per-sample") == 0) return o->per_sample = 1;
    return cli_eval_option(argc, argv, i, &o->eval);
}

/* The cores this process may run on: --jobs by default. */
static uint64_t all_cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > MAX_JOBS ? MAX_JOBS : (uint64_t)n;
}

/* --samples, --seed and --jobs, read strictly. */
static int parse_counts(sweep_opts *o)
{
    uint64_t samples = DEFAULT_SAMPLES, jobs = all_cores();
    if ((o->samples_text || o->seed_text || o->jobs_text) && !o->scenario)
        return cli_usage("--samples, --seed and --jobs go with --scenario");
    if (o->samples_text && cli_parse_number("--samples", o->samples_text, 0, 1, MAX_SAMPLES, &samples))
        return EXIT_USAGE;
    if (o->seed_text && cli_parse_number("--seed", o->seed_text, 0, 0, UINT64_MAX, &o->seed)) return EXIT_USAGE;
    if (o->jobs_text && cli_parse_number("--jobs", o->jobs_text, 0, 1, MAX_JOBS, &jobs)) return EXIT_USAGE;
    o->samples = (long)samples;
    o->jobs = (int)jobs;
    return 0;
}

static int parse(int argc, char **argv, sweep_opts *o, char **files, int *nfiles)
{
    for (int i = 0; i < argc; i++) {
        int known = sweep_option(argc, argv, &i, o);
        if (known < 0) return -known;
        if (!known && argv[i][0] == '-' && argv[i][1]) return cli_usage("unknown option %s", argv[i]);
        if (!known) files[(*nfiles)++] = argv[i];
    }
    if (*nfiles < 2) return cli_usage("sweep needs a rule file and at least one event file");
    if (!o->nvary == !o->scenario) return cli_usage("sweep needs either --vary NAME=FROM:TO:STEP or --scenario FILE --samples N");
    return parse_counts(o);
}

/* --format, and the form of every --vary: 0 or EXIT_USAGE (printed). */
static int check_opts(const sweep_opts *o, sweep_format *f, axis *axes)
{
    lc_format format = LC_FORMAT_TEXT;
    if (o->eval.format && cli_format(o->eval.format, &format)) return EXIT_USAGE;
    if (format == LC_FORMAT_HTML) return cli_usage("sweep writes text, csv or json");
    *f = format == LC_FORMAT_CSV ? SWEEP_CSV : format == LC_FORMAT_JSON ? SWEEP_JSON : SWEEP_TEXT;
    if (o->per_sample && !o->scenario) return cli_usage("--per-sample goes with --scenario");
    if (o->eval.as_of) return cli_usage("sweep evaluates the whole term: --as-of goes with eval and diff");
    for (size_t a = 0; a < o->nvary; a++) {
        int rc = sweep_parse_axis(o->vary[a], &axes[a]);
        for (size_t b = 0; rc == 0 && b < a; b++)
            if (strcmp(axes[a].name, axes[b].name) == 0) rc = cli_usage("--vary %s is given twice", axes[a].name);
        if (rc) return rc;
    }
    return 0;
}

/* The events read once, with the rules and --set options, and their result
 * under the parameters as given (the stamp of the sweep). */
static int load(char **files, int nfiles, const sweep_opts *o, lc_engine **engine, lc_eval **ev, lc_result **base)
{
    lc_error err = {0};
    unsigned flags = cli_eval_flags(&o->eval) | (o->scenario ? LC_EVAL_KEEP_EVENTS : 0);
    int rc = cli_load_engine(files[0], &o->eval, engine);
    if (rc == 0 && lc_eval_new(ev, *engine, flags, &err) != LC_OK) rc = cli_report(&err);
    for (int i = 1; rc == 0 && i < nfiles; i++)
        if (cli_push_file(*ev, files[i], &err) != LC_OK) rc = cli_report(&err);
    if (rc == 0 && lc_eval_result(*ev, base, &err) != LC_OK) rc = cli_report(&err);
    return rc;
}

int cmd_sweep(int argc, char **argv)
{
    sweep_opts o = {0};
    axis axes[SWEEP_MAX_AXES] = {{0}};
    sweep_format f = SWEEP_TEXT;
    lc_engine *engine = NULL;
    lc_eval *ev = NULL;
    lc_result *base = NULL;
    char **files = calloc((size_t)argc + 1, sizeof *files);
    int nfiles = 0, rc = files ? parse(argc, argv, &o, files, &nfiles) : cli_nomem();
    if (rc == 0) rc = check_opts(&o, &f, axes);
    if (rc == 0) rc = load(files, nfiles, &o, &engine, &ev, &base);
    if (rc == 0) rc = o.nvary ? run_grid(engine, ev, base, axes, o.nvary, f) : run_samples(engine, ev, base, &o, f);
    lc_result_free(base);
    lc_eval_free(ev);
    lc_engine_free(engine);
    for (size_t a = 0; a < o.nvary; a++) free(axes[a].name);
    free(o.eval.sets);
    free(files);
    return rc;
}
