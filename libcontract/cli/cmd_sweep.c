/* cmd_sweep.c — `contract sweep`: what-if tables and exposure.
 *
 *   contract sweep RULES EVENTS... --vary NAME=FROM:TO:STEP [--set N=V]... [--format csv|json]
 *       one result per value of the parameter; the events are read once and
 *       every value is evaluated from what they left (no re-reading, no
 *       re-parsing).
 *   contract sweep RULES EVENTS... --scenario FILE.lua --samples N [--seed S] [--format csv|json]
 *       [--per-sample]
 *       Monte Carlo: N replays of the events through the scenario, seeded
 *       S, S+1, …; the distribution of totals (mean, percentiles) and how
 *       often the cap or a termination right is reached. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define MAX_STEPS 100000

typedef struct sweep_opts {
    cli_eval_opts eval;
    const char *vary, *scenario;
    long samples;
    uint64_t seed;
    int per_sample;
} sweep_opts;

typedef struct sample {
    int64_t amount, uncapped;
    int capped, termination;
    size_t breaches;
} sample;

static void money(int64_t fen, char *buf, size_t size)
{
    uint64_t mag = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
    snprintf(buf, size, "%s%" PRIu64 ".%02" PRIu64, fen < 0 ? "-" : "", mag / 100, mag % 100);
}

/* ---- exact decimal steps for --vary ---- */

typedef struct decimal {
    int64_t units; /* value × 10^scale */
    int scale;
} decimal;

static int parse_decimal(const char *s, size_t len, decimal *d)
{
    int64_t v = 0;
    int scale = -1, neg = 0, digits = 0;
    size_t i = 0;
    if (i < len && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
    for (; i < len; i++) {
        if (s[i] == '.' && scale < 0) scale = 0;
        else if (s[i] >= '0' && s[i] <= '9' && digits < 17) {
            v = v * 10 + (s[i] - '0');
            digits++;
            if (scale >= 0) scale++;
        } else return -1;
    }
    if (!digits) return -1;
    d->units = neg ? -v : v;
    d->scale = scale < 0 ? 0 : scale;
    return 0;
}

static int64_t at_scale(decimal d, int scale)
{
    for (int i = d.scale; i < scale; i++) d.units *= 10;
    return d.units;
}

static void decimal_text(int64_t units, int scale, char *buf, size_t size)
{
    uint64_t mag = units < 0 ? (uint64_t)0 - (uint64_t)units : (uint64_t)units, p = 1;
    for (int i = 0; i < scale; i++) p *= 10;
    if (scale) snprintf(buf, size, "%s%" PRIu64 ".%0*" PRIu64, units < 0 ? "-" : "", mag / p, scale, mag % p);
    else snprintf(buf, size, "%s%" PRIu64, units < 0 ? "-" : "", mag);
}

/* NAME=FROM:TO:STEP */
static int parse_vary(const char *spec, char *name, size_t namesize, decimal *from, decimal *to, decimal *step)
{
    const char *eq = strchr(spec, '='), *c1 = eq ? strchr(eq, ':') : NULL, *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (!eq || !c1 || !c2 || (size_t)(eq - spec) >= namesize || eq == spec) return -1;
    snprintf(name, namesize, "%.*s", (int)(eq - spec), spec);
    if (parse_decimal(eq + 1, (size_t)(c1 - eq - 1), from) || parse_decimal(c1 + 1, (size_t)(c2 - c1 - 1), to) ||
        parse_decimal(c2 + 1, strlen(c2 + 1), step))
        return -1;
    return step->units > 0 ? 0 : -1;
}

/* ---- output ---- */

static void row_csv(const char *label, const sample *s)
{
    char amount[32], uncapped[32];
    money(s->amount, amount, sizeof amount);
    money(s->uncapped, uncapped, sizeof uncapped);
    printf("%s,%s,%s,%s,%zu,%s\n", label, amount, uncapped, s->capped ? "true" : "false", s->breaches,
           s->termination ? "true" : "false");
}

static void row_json(const char *key, const char *label, const sample *s, int first)
{
    char amount[32], uncapped[32];
    money(s->amount, amount, sizeof amount);
    money(s->uncapped, uncapped, sizeof uncapped);
    printf("%s    {\"%s\": \"%s\", \"amount\": \"%s\", \"amount_uncapped\": \"%s\", \"capped\": %s, \"breaches\": %zu, "
           "\"termination_right\": %s}",
           first ? "" : ",\n", key, label, amount, uncapped, s->capped ? "true" : "false", s->breaches,
           s->termination ? "true" : "false");
}

static int result_sample(lc_eval *ev, sample *out)
{
    lc_error err = {0};
    lc_result *res = NULL;
    if (lc_eval_result(ev, &res, &err) != LC_OK) return cli_report(&err);
    lc_totals t;
    lc_result_totals(res, &t);
    *out = (sample){t.amount, t.amount_uncapped, t.capped, t.termination_right, t.breaches};
    lc_result_free(res);
    return 0;
}

/* ---- --vary ---- */

static int run_vary(lc_engine *engine, lc_eval *ev, const sweep_opts *o, int json)
{
    char name[128];
    decimal from, to, step;
    if (parse_vary(o->vary, name, sizeof name, &from, &to, &step))
        return cli_usage("--vary wants NAME=FROM:TO:STEP with decimal numbers and a positive step");
    int scale = from.scale > to.scale ? from.scale : to.scale;
    if (step.scale > scale) scale = step.scale;
    int64_t a = at_scale(from, scale), b = at_scale(to, scale), s = at_scale(step, scale);
    if (b < a || (b - a) / s >= MAX_STEPS) return cli_usage("--vary: FROM must not exceed TO, at most %d values", MAX_STEPS);
    if (json) printf("{\"parameter\": \"%s\", \"rows\": [\n", name);
    else printf("%s,amount,amount_uncapped,capped,breaches,termination_right\n", name);
    for (int64_t v = a; v <= b; v += s) {
        char text[64];
        sample row;
        lc_error err = {0};
        decimal_text(v, scale, text, sizeof text);
        if (lc_engine_set_param(engine, name, text, &err) != LC_OK) return cli_report(&err);
        int rc = result_sample(ev, &row);
        if (rc) return rc;
        if (json) row_json("value", text, &row, v == a);
        else row_csv(text, &row);
    }
    if (json) printf("\n]}\n");
    return 0;
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

static void summary(const sample *s, long n, const sweep_opts *o, int json)
{
    __int128 sum = 0;
    long capped = 0, terminated = 0;
    for (long i = 0; i < n; i++) {
        sum += s[i].amount;
        capped += s[i].capped;
        terminated += s[i].termination;
    }
    int64_t mean = (int64_t)((sum * 2 + n) / (2 * n)); /* rounded half up to the fen */
    static const int ps[] = {50, 90, 95, 99};
    char m[32], lo[32], hi[32], pv[4][32];
    money(mean, m, sizeof m);
    money(s[0].amount, lo, sizeof lo);
    money(s[n - 1].amount, hi, sizeof hi);
    for (int i = 0; i < 4; i++) money(percentile(s, n, ps[i]), pv[i], sizeof pv[i]);
    if (json) {
        printf("{\"samples\": %ld, \"seed\": %" PRIu64 ", \"scenario\": \"%s\", \"mean\": \"%s\", \"min\": \"%s\", "
               "\"p50\": \"%s\", \"p90\": \"%s\", \"p95\": \"%s\", \"p99\": \"%s\", \"max\": \"%s\", "
               "\"p_capped\": %.6g, \"p_termination\": %.6g}\n",
               n, o->seed, o->scenario, m, lo, pv[0], pv[1], pv[2], pv[3], hi, (double)capped / n, (double)terminated / n);
        return;
    }
    printf("samples,seed,mean,min,p50,p90,p95,p99,max,p_capped,p_termination\n");
    printf("%ld,%" PRIu64 ",%s,%s,%s,%s,%s,%s,%s,%.6g,%.6g\n", n, o->seed, m, lo, pv[0], pv[1], pv[2], pv[3], hi,
           (double)capped / n, (double)terminated / n);
}

static int run_samples(lc_engine *engine, lc_eval *src, const sweep_opts *o, int json)
{
    lc_error err = {0};
    lc_scenario *sc = NULL;
    if (o->samples < 1 || o->samples > 10000000) return cli_usage("--samples must be from 1 to 10000000");
    if (lc_scenario_load_file(&sc, NULL, o->scenario, &err) != LC_OK) return cli_report(&err);
    sample *s = calloc((size_t)o->samples, sizeof *s);
    int rc = s ? 0 : EXIT_FAILURE_OTHER;
    if (o->per_sample && !json) printf("sample,amount,amount_uncapped,capped,breaches,termination_right\n");
    for (long k = 0; rc == 0 && k < o->samples; k++) {
        lc_eval *ev = NULL;
        unsigned flags = o->eval.skip_invalid ? LC_EVAL_SKIP_INVALID : 0;
        if (lc_eval_new(&ev, engine, flags, &err) != LC_OK || lc_eval_replay(ev, src, sc, o->seed + (uint64_t)k, &err) != LC_OK)
            rc = cli_report(&err);
        if (rc == 0) rc = result_sample(ev, &s[k]);
        lc_eval_free(ev);
        if (rc == 0 && o->per_sample && !json) {
            char label[32];
            snprintf(label, sizeof label, "%ld", k);
            row_csv(label, &s[k]);
        }
    }
    if (rc == 0 && !o->per_sample) {
        qsort(s, (size_t)o->samples, sizeof *s, by_amount);
        summary(s, o->samples, o, json);
    }
    free(s);
    lc_scenario_free(sc);
    return rc;
}

/* ---- the command ---- */

static int parse(int argc, char **argv, sweep_opts *o, char **files, int *nfiles)
{
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--vary") == 0 && v) o->vary = argv[++i];
        else if (strcmp(a, "--scenario") == 0 && v) o->scenario = argv[++i];
        else if (strcmp(a, "--samples") == 0 && v) o->samples = strtol(argv[++i], NULL, 10);
        else if (strcmp(a, "--seed") == 0 && v) o->seed = strtoull(argv[++i], NULL, 10);
        else if (strcmp(a, "--per-sample") == 0) o->per_sample = 1;
        else {
            int known = cli_eval_option(argc, argv, &i, &o->eval);
            if (known < 0) return EXIT_USAGE;
            if (!known && a[0] == '-' && a[1]) return cli_usage("unknown option %s", a);
            if (!known) files[(*nfiles)++] = argv[i];
        }
    }
    if (*nfiles < 2) return cli_usage("sweep needs a rule file and at least one event file");
    if (!o->vary == !o->scenario) return cli_usage("sweep needs either --vary NAME=FROM:TO:STEP or --scenario FILE --samples N");
    if (o->scenario && !o->samples) o->samples = 1000;
    return 0;
}

int cmd_sweep(int argc, char **argv)
{
    sweep_opts o = {0};
    char **files = calloc((size_t)argc + 1, sizeof *files);
    int nfiles = 0, rc = files ? parse(argc, argv, &o, files, &nfiles) : EXIT_FAILURE_OTHER;
    lc_format format = LC_FORMAT_CSV;
    if (rc == 0 && o.eval.format && cli_format(o.eval.format, &format)) rc = EXIT_USAGE;
    if (rc == 0 && format != LC_FORMAT_CSV && format != LC_FORMAT_JSON) rc = cli_usage("sweep writes csv or json");
    lc_engine *engine = NULL;
    lc_eval *ev = NULL;
    lc_error err = {0};
    if (rc == 0) rc = cli_load_engine(files[0], &o.eval, &engine);
    unsigned flags = (o.eval.skip_invalid ? LC_EVAL_SKIP_INVALID : 0) | (o.scenario ? LC_EVAL_KEEP_EVENTS : 0);
    if (rc == 0 && lc_eval_new(&ev, engine, flags, &err) != LC_OK) rc = cli_report(&err);
    for (int i = 1; rc == 0 && i < nfiles; i++)
        if (lc_eval_push_file(ev, files[i], &err) != LC_OK) rc = cli_report(&err);
    if (rc == 0) rc = o.vary ? run_vary(engine, ev, &o, format == LC_FORMAT_JSON)
                             : run_samples(engine, ev, &o, format == LC_FORMAT_JSON);
    lc_eval_free(ev);
    lc_engine_free(engine);
    free(o.eval.sets);
    free(files);
    return rc;
}
