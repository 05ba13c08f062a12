/* sweep_print.c — a sweep's grid and samples as text, CSV or JSON, with the
 * stamp every result carries (the engine, the rule file, its hash and the
 * parameters as given) in text and JSON. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sweep.h"

static void money(int64_t fen, char *buf, size_t size)
{
    uint64_t mag = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
    snprintf(buf, size, "%s%" PRIu64 ".%02" PRIu64, fen < 0 ? "-" : "", mag / 100, mag % 100);
}

/* prefix and s as one CSV field (RFC 4180): quoted, quotes doubled, when
 * s holds a comma, a quote or a line break (prefix holds none). */
static void csv_text(const char *prefix, const char *s)
{
    int quote = strpbrk(s, ",\"\r\n") != NULL;
    printf("%s%s", quote ? "\"" : "", prefix);
    for (; *s; s++) {
        if (*s == '"') putchar('"');
        putchar(*s);
    }
    if (quote) putchar('"');
}

/* ---- the stamp ---- */

static const char *stamp(const lc_result *r, const char *field)
{
    const char *s = lc_result_text(r, "stamp", 0, field);
    return s ? s : "";
}

static void stamp_text(const lc_result *r)
{
    printf("sweep of %s (rules %.12s, params %.12s, engine %s)\n\n", stamp(r, "rules"), stamp(r, "rules_hash"),
           stamp(r, "params_hash"), stamp(r, "engine"));
}

static void stamp_json(const lc_result *r)
{
    static const char *const fields[] = {"engine", "rules", "rules_hash", "params_hash"};
    printf("  \"stamp\": {");
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        printf("\"%s\": ", fields[i]);
        cli_json_text(stamp(r, fields[i]));
        printf(", ");
    }
    printf("\"params\": {");
    for (size_t i = 0, n = lc_result_count(r, "params"); i < n; i++) {
        printf("%s", i ? ", " : "");
        cli_json_text(lc_result_text(r, "params", i, "name"));
        printf(": ");
        cli_json_text(lc_result_text(r, "params", i, "value"));
    }
    printf("}},\n");
}

/* ---- rows of totals ---- */

static const char *const TOTALS[] = {"amount", "amount_uncapped", "capped", "breaches", "termination_right"};
#define NTOTALS (sizeof TOTALS / sizeof TOTALS[0])

/* The totals of s as texts, in the order of TOTALS. */
static void totals_text(const sample *s, char out[NTOTALS][32], int words)
{
    money(s->amount, out[0], 32);
    money(s->uncapped, out[1], 32);
    snprintf(out[2], 32, "%s", s->capped ? (words ? "yes" : "true") : (words ? "no" : "false"));
    snprintf(out[3], 32, "%zu", s->breaches);
    snprintf(out[4], 32, "%s", s->termination ? (words ? "yes" : "true") : (words ? "no" : "false"));
}

static void totals_json(const sample *s)
{
    char t[NTOTALS][32];
    totals_text(s, t, 0);
    printf("\"amount\": \"%s\", \"amount_uncapped\": \"%s\", \"capped\": %s, \"breaches\": %s, \"termination_right\": %s",
           t[0], t[1], t[2], t[3], t[4]);
}

/* A text table: each column as wide as its widest cell. */
typedef struct table {
    size_t ncols, nrows;
    const char **head;
    char *cells; /* nrows × ncols cells of 32 bytes */
} table;

static char *cell(const table *t, size_t r, size_t c)
{
    return t->cells + (r * t->ncols + c) * 32;
}

static void print_table(const table *t, size_t *width)
{
    for (size_t c = 0; c < t->ncols; c++) {
        width[c] = strlen(t->head[c]);
        for (size_t r = 0; r < t->nrows; r++)
            if (strlen(cell(t, r, c)) > width[c]) width[c] = strlen(cell(t, r, c));
    }
    for (size_t c = 0; c < t->ncols; c++) printf("%-*s%s", (int)width[c], t->head[c], c + 1 < t->ncols ? "  " : "\n");
    for (size_t r = 0; r < t->nrows; r++)
        for (size_t c = 0; c < t->ncols; c++)
            printf("%*s%s", (int)width[c], cell(t, r, c), c + 1 < t->ncols ? "  " : "\n");
}

/* The stamp, then a table of rows: `lead` label columns (filled by
 * label(ctx, r, c, buf)), then the totals.  0, or EXIT_NOMEM with nothing
 * printed. */
static int totals_table(const lc_result *base, const char **lead, size_t nlead, const sample *rows, size_t nrows,
                        void (*label)(const void *ctx, size_t r, size_t c, char *buf), const void *ctx)
{
    table t = {nlead + NTOTALS, nrows, NULL, NULL};
    t.head = calloc(t.ncols, sizeof *t.head);
    t.cells = calloc(t.ncols * (nrows ? nrows : 1), 32);
    size_t *width = calloc(t.ncols, sizeof *width);
    if (!t.head || !t.cells || !width) {
        free(t.head);
        free(t.cells);
        free(width);
        return cli_nomem();
    }
    for (size_t c = 0; c < t.ncols; c++) t.head[c] = c < nlead ? lead[c] : TOTALS[c - nlead];
    for (size_t r = 0; r < nrows; r++) {
        char tt[NTOTALS][32];
        for (size_t c = 0; c < nlead; c++) label(ctx, r, c, cell(&t, r, c));
        totals_text(&rows[r], tt, 1);
        for (size_t c = 0; c < NTOTALS; c++) memcpy(cell(&t, r, nlead + c), tt[c], 32);
    }
    stamp_text(base);
    print_table(&t, width);
    free(t.head);
    free(t.cells);
    free(width);
    return 0;
}

/* ---- the grid ---- */

typedef struct grid {
    const axis *axes;
    size_t naxes;
} grid;

static void grid_label(const void *ctx, size_t r, size_t c, char *buf)
{
    const grid *g = ctx;
    size_t k[SWEEP_MAX_AXES];
    sweep_grid_indices(g->axes, g->naxes, r, k);
    sweep_axis_value(&g->axes[c], k[c], buf, 32);
}

static void grid_csv(const axis *axes, size_t naxes, const sample *rows, size_t nrows)
{
    for (size_t a = 0; a < naxes; a++) {
        csv_text("", axes[a].name);
        putchar(',');
    }
    printf("amount,amount_uncapped,capped,breaches,termination_right\n");
    for (size_t r = 0; r < nrows; r++) {
        char t[NTOTALS][32], v[32];
        grid g = {axes, naxes};
        for (size_t a = 0; a < naxes; a++) {
            grid_label(&g, r, a, v);
            printf("%s,", v);
        }
        totals_text(&rows[r], t, 0);
        printf("%s,%s,%s,%s,%s\n", t[0], t[1], t[2], t[3], t[4]);
    }
}

/* JSON: "parameters" and each row's "values" by name; with one axis also
 * "parameter" and each row's "value", as 0.2 wrote them. */
static void grid_json(const lc_result *base, const axis *axes, size_t naxes, const sample *rows, size_t nrows)
{
    printf("{\n");
    stamp_json(base);
    printf("  \"parameters\": [");
    for (size_t a = 0; a < naxes; a++) {
        printf("%s", a ? ", " : "");
        cli_json_text(axes[a].name);
    }
    printf("],\n");
    if (naxes == 1) {
        printf("  \"parameter\": ");
        cli_json_text(axes[0].name);
        printf(",\n");
    }
    printf("  \"rows\": [\n");
    grid g = {axes, naxes};
    for (size_t r = 0; r < nrows; r++) {
        char v[32];
        printf("    {\"values\": {");
        for (size_t a = 0; a < naxes; a++) {
            grid_label(&g, r, a, v);
            printf("%s", a ? ", " : "");
            cli_json_text(axes[a].name);
            printf(": \"%s\"", v);
        }
        printf("}, ");
        if (naxes == 1) printf("\"value\": \"%s\", ", v);
        totals_json(&rows[r]);
        printf("}%s\n", r + 1 < nrows ? "," : "");
    }
    printf("  ]\n}\n");
}

int sweep_print_grid(const lc_result *base, const axis *axes, size_t naxes, const sample *rows, size_t nrows,
                     sweep_format f)
{
    if (f == SWEEP_CSV) grid_csv(axes, naxes, rows, nrows);
    if (f == SWEEP_JSON) grid_json(base, axes, naxes, rows, nrows);
    if (f != SWEEP_TEXT) return 0;
    const char *names[SWEEP_MAX_AXES];
    for (size_t a = 0; a < naxes; a++) names[a] = axes[a].name;
    grid g = {axes, naxes};
    return totals_table(base, names, naxes, rows, nrows, grid_label, &g);
}

/* ---- Monte Carlo ---- */

static int by_amount(const void *x, const void *y)
{
    int64_t a = ((const sample *)x)->amount, b = ((const sample *)y)->amount;
    return a < b ? -1 : a > b;
}

/* Nearest rank: the smallest value with at least p% of the samples at or below it. */
static int64_t percentile(const sample *sorted, long n, int p)
{
    long rank = (p * n + 99) / 100;
    return sorted[rank < 1 ? 0 : rank - 1].amount;
}

/* The figures of a sorted run: mean, min, p50, p90, p95, p99, max (texts),
 * and the shares of samples capped and with a termination right. */
typedef struct figures {
    char money[7][32];
    double p_capped, p_termination;
} figures;

static const char *const FIGURE_NAMES[] = {"mean", "min", "p50", "p90", "p95", "p99", "max"};

static void figures_of(const samples_run *run, figures *out)
{
    const sample *s = run->s;
    long n = run->n, capped = 0, terminated = 0;
    __int128 sum = 0;
    for (long i = 0; i < n; i++) {
        sum += s[i].amount;
        capped += s[i].capped;
        terminated += s[i].termination;
    }
    int64_t mean = (int64_t)((sum * 2 + n) / (2 * n)); /* rounded half up to the fen */
    static const int ps[] = {50, 90, 95, 99};
    money(mean, out->money[0], 32);
    money(s[0].amount, out->money[1], 32);
    for (int i = 0; i < 4; i++) money(percentile(s, n, ps[i]), out->money[2 + i], 32);
    money(s[n - 1].amount, out->money[6], 32);
    out->p_capped = (double)capped / n;
    out->p_termination = (double)terminated / n;
}

static double cap_share(const samples_run *run, size_t j)
{
    return (double)run->caps->hits[j] / run->n;
}

static void summary_json(const samples_run *run, const figures *f)
{
    printf("{\n");
    stamp_json(run->base);
    printf("  \"samples\": %ld, \"seed\": %" PRIu64 ", \"scenario\": ", run->n, run->seed);
    cli_json_text(run->scenario);
    for (int i = 0; i < 7; i++) printf(", \"%s\": \"%s\"", FIGURE_NAMES[i], f->money[i]);
    printf(", \"p_capped\": %.6g, \"p_termination\": %.6g, \"p_cap\": {", f->p_capped, f->p_termination);
    for (size_t j = 0; j < run->caps->n; j++) {
        printf("%s", j ? ", " : "");
        cli_json_text(lc_engine_cap_id(run->caps->engine, j));
        printf(": %.6g", cap_share(run, j));
    }
    printf("}\n}\n");
}

static void summary_csv(const samples_run *run, const figures *f)
{
    printf("samples,seed,mean,min,p50,p90,p95,p99,max,p_capped,p_termination");
    for (size_t j = 0; j < run->caps->n; j++) {
        putchar(',');
        csv_text("p_cap:", lc_engine_cap_id(run->caps->engine, j));
    }
    printf("\n%ld,%" PRIu64, run->n, run->seed);
    for (int i = 0; i < 7; i++) printf(",%s", f->money[i]);
    printf(",%.6g,%.6g", f->p_capped, f->p_termination);
    for (size_t j = 0; j < run->caps->n; j++) printf(",%.6g", cap_share(run, j));
    putchar('\n');
}

static void summary_text(const samples_run *run, const figures *f)
{
    stamp_text(run->base);
    printf("scenario %s: %ld samples, seeds %" PRIu64 " to %" PRIu64 "\n\n", run->scenario, run->n, run->seed,
           run->seed + (uint64_t)run->n - 1);
    for (int i = 0; i < 7; i++) printf("%-20s %s\n", FIGURE_NAMES[i], f->money[i]);
    printf("%-20s %.6g%%\n%-20s %.6g%%\n", "capped (any cap)", 100 * f->p_capped, "termination right",
           100 * f->p_termination);
    for (size_t j = 0; j < run->caps->n; j++)
        printf("cap %-16s %.6g%%\n", lc_engine_cap_id(run->caps->engine, j), 100 * cap_share(run, j));
}

void sweep_print_summary(samples_run *run, sweep_format f)
{
    figures fig;
    qsort(run->s, (size_t)run->n, sizeof *run->s, by_amount);
    figures_of(run, &fig);
    if (f == SWEEP_JSON) summary_json(run, &fig);
    else if (f == SWEEP_CSV) summary_csv(run, &fig);
    else summary_text(run, &fig);
}

static void sample_label(const void *ctx, size_t r, size_t c, char *buf)
{
    const samples_run *run = ctx;
    if (c == 0) snprintf(buf, 32, "%zu", r);
    else snprintf(buf, 32, "%" PRIu64, run->seed + (uint64_t)r);
}

int sweep_print_samples(const samples_run *run, sweep_format f)
{
    static const char *lead[] = {"sample", "seed"};
    if (f == SWEEP_TEXT) return totals_table(run->base, lead, 2, run->s, (size_t)run->n, sample_label, run);
    if (f == SWEEP_CSV) {
        printf("sample,amount,amount_uncapped,capped,breaches,termination_right\n");
        for (long k = 0; k < run->n; k++) {
            char t[NTOTALS][32];
            totals_text(&run->s[k], t, 0);
            printf("%ld,%s,%s,%s,%s,%s\n", k, t[0], t[1], t[2], t[3], t[4]);
        }
        return 0;
    }
    printf("{\n");
    stamp_json(run->base);
    printf("  \"scenario\": ");
    cli_json_text(run->scenario);
    printf(", \"seed\": %" PRIu64 ",\n  \"samples\": [\n", run->seed);
    for (long k = 0; k < run->n; k++) {
        printf("    {\"sample\": %ld, \"seed\": %" PRIu64 ", ", k, run->seed + (uint64_t)k);
        totals_json(&run->s[k]);
        printf("}%s\n", k + 1 < run->n ? "," : "");
    }
    printf("  ]\n}\n");
    return 0;
}
