/* sweep.h — `contract sweep`'s parts: the axes of a grid of parameter
 * values (sweep_axes.c), printing grids and samples (sweep_print.c), the
 * command (cmd_sweep.c). */
#ifndef CONTRACT_SWEEP_H
#define CONTRACT_SWEEP_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"

#define SWEEP_MAX_ROWS 100000 /* values of one axis, and rows of a grid */
#define SWEEP_MAX_AXES 64

/* NAME=FROM:TO:STEP, its numbers at one scale: the values FROM, FROM+STEP,
 * ... up to TO. */
typedef struct axis {
    const char *spec;   /* as given, for messages */
    char *name;         /* the parameter (owned) */
    int64_t from, step; /* in units of 10^-scale */
    size_t count;
    int scale;
} axis;

/* NAME=FROM:TO:STEP into ax: 0, or EXIT_USAGE (printed).  Only the form is
 * checked; what the parameter accepts, sweep_set_value learns. */
int sweep_parse_axis(const char *spec, axis *ax);

/* The k-th value of the axis as text (32 bytes are enough). */
void sweep_axis_value(const axis *ax, size_t k, char *buf, size_t size);

/* Sets the axis's parameter to its k-th value: 0, or an exit code (printed). */
int sweep_set_value(lc_engine *engine, const axis *ax, size_t k);

/* The totals of one evaluation. */
typedef struct sample {
    int64_t amount, uncapped;
    int capped, termination;
    size_t breaches;
} sample;

/* Row r of a grid: the value index of each axis (the last axis fastest). */
void sweep_grid_indices(const axis *axes, size_t naxes, size_t r, size_t *k);

typedef enum sweep_format { SWEEP_TEXT, SWEEP_CSV, SWEEP_JSON } sweep_format;

/* The grid's rows, each the totals at one combination of values; base is
 * an evaluation under the parameters as given, for the stamp.  The
 * printers return 0, or EXIT_NOMEM with nothing printed. */
int sweep_print_grid(const lc_result *base, const axis *axes, size_t naxes, const sample *rows, size_t nrows,
                     sweep_format f);

/* How many samples each declared cap cut something in. */
typedef struct cap_counts {
    const lc_engine *engine;
    size_t n;            /* lc_engine_cap_count */
    long *hits;          /* samples in which the engine's cap j cut something */
} cap_counts;

/* A Monte Carlo run: samples[k] of seed + k. */
typedef struct samples_run {
    const lc_result *base; /* the events as they are, for the stamp */
    const char *scenario;
    uint64_t seed;
    long n;
    sample *s;
    const cap_counts *caps;
} samples_run;

/* Monte Carlo samples over worker processes (sweep_jobs.c): one(ctx, k,
 * out, seen, err) computes sample k into out and a byte per cap of the
 * engine into seen (1: the cap cut something). */
typedef lc_status (*sweep_sample_fn)(void *ctx, long k, sample *out, unsigned char *seen, lc_error *err);

typedef struct sweep_jobs {
    long n;           /* samples 0 to n - 1 */
    int jobs;         /* worker processes; 1: in this process */
    size_t ncaps;
    sweep_sample_fn one;
    void *ctx;
    sample *out;      /* [n], each in its place whatever the number of jobs */
    long *hits;       /* [ncaps], added to */
    cli_progress *progress;
} sweep_jobs;

/* Every sample: EXIT_OK, or an exit code (printed) — the error of the
 * lowest sample that fails, or a worker that died. */
int sweep_run_jobs(const sweep_jobs *j);

/* The distribution of the samples' totals (sorts them). */
void sweep_print_summary(samples_run *run, sweep_format f);

/* Each sample's totals, in seed order. */
int sweep_print_samples(const samples_run *run, sweep_format f);

#endif
