/* cmd_sweep.c — `contract sweep`: what-if tables and exposure.
 *
 *   contract sweep RULES EVENTS... --vary NAME=FROM:TO:STEP [--set N=V]... [--format csv|json]
 *       one result per value of the parameter; the events are read once and
 *       every value is evaluated from what they left (no re-reading, no
 *       re-parsing).
 *   contract sweep RULES EVENTS... --scenario FILE.lua [--samples N] [--seed S] [--format csv|json]
 *       [--per-sample]
 *       Monte Carlo: N (1000) replays of the events through the scenario,
 *       seeded S, S+1, …; the distribution of totals (mean, percentiles),
 *       how often any cap, each cap the rule file declares (by its id) and
 *       a termination right are reached, or with --per-sample each sample's
 *       totals (CSV).
 *
 * Everything is checked and computed before the first byte is printed, so
 * an error leaves stdout empty. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define MAX_STEPS 100000
#define MAX_SAMPLES 10000000
#define DEFAULT_SAMPLES 1000

typedef struct sweep_opts {
    cli_eval_opts eval;
    const char *vary, *scenario, *samples_text, *seed_text;
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

/* s as a JSON string: a path or a rule file's cap id may hold any character. */
static void json_text(const char *s)
{
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') printf("\\%c", *p);
        else if (*p < 0x20) printf("\\u%04x", *p);
        else putchar(*p);
    }
    putchar('"');
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

/* ---- --vary: an axis of exact decimal values ---- */

/* NAME=FROM:TO:STEP, its numbers at one scale: the values FROM, FROM+STEP,
 * ... up to TO.  A grid (several --vary, not yet taken) would be a product
 * of axes whose rows each set one value of every axis (set_value). */
typedef struct axis {
    const char *spec; /* as given, for messages */
    char *name;       /* the parameter (owned) */
    int64_t from, step; /* in units of 10^-scale */
    size_t count;
    int scale;
} axis;

typedef struct decimal {
    int64_t units; /* value × 10^scale */
    int scale;
} decimal;

#define MAX_DIGITS 18 /* 10^18 < INT64_MAX */

/* [+-]DIGITS[.DIGITS] of s[0..len): 0, or -1. */
static int parse_decimal(const char *s, size_t len, decimal *d)
{
    int64_t v = 0;
    int scale = -1, digits = 0, neg = len > 0 && s[0] == '-';
    size_t i = len > 0 && (s[0] == '-' || s[0] == '+');
    for (; i < len; i++) {
        if (s[i] == '.' && scale < 0 && digits > 0) {
            scale = 0;
            continue;
        }
        if (s[i] < '0' || s[i] > '9' || digits == MAX_DIGITS) return -1;
        v = v * 10 + (s[i] - '0');
        digits++;
        if (scale >= 0) scale++;
    }
    if (!digits || scale == 0) return -1; /* "", "-", "5." */
    d->units = neg ? -v : v;
    d->scale = scale < 0 ? 0 : scale;
    return 0;
}

/* d in units of 10^-scale (scale ≥ d.scale): 0, or -1 when it does not fit. */
static int at_scale(decimal d, int scale, int64_t *out)
{
    for (int i = d.scale; i < scale; i++) {
        if (d.units > INT64_MAX / 10 || d.units < INT64_MIN / 10) return -1;
        d.units *= 10;
    }
    *out = d.units;
    return 0;
}

static void decimal_text(int64_t units, int scale, char *buf, size_t size)
{
    uint64_t mag = units < 0 ? (uint64_t)0 - (uint64_t)units : (uint64_t)units, p = 1;
    for (int i = 0; i < scale; i++) p *= 10;
    if (scale) snprintf(buf, size, "%s%" PRIu64 ".%0*" PRIu64, units < 0 ? "-" : "", mag / p, scale, mag % p);
    else snprintf(buf, size, "%s%" PRIu64, units < 0 ? "-" : "", mag);
}

/* FROM, TO and STEP at the largest of their scales, and the count of values. */
static int axis_range(axis *ax, decimal from, decimal to, decimal step)
{
    int64_t to_units;
    ax->scale = from.scale > to.scale ? from.scale : to.scale;
    if (step.scale > ax->scale) ax->scale = step.scale;
    if (at_scale(from, ax->scale, &ax->from) || at_scale(to, ax->scale, &to_units) ||
        at_scale(step, ax->scale, &ax->step))
        return cli_usage("--vary '%s': the numbers do not fit in %d digits with the most decimals of any",
                         ax->spec, MAX_DIGITS);
    if (ax->step <= 0) return cli_usage("--vary '%s': STEP must be positive", ax->spec);
    if (to_units < ax->from) return cli_usage("--vary '%s': FROM must not exceed TO", ax->spec);
    uint64_t span = (uint64_t)to_units - (uint64_t)ax->from; /* exact: TO ≥ FROM */
    if (span / (uint64_t)ax->step >= MAX_STEPS)
        return cli_usage("--vary '%s': more than %d values", ax->spec, MAX_STEPS);
    ax->count = (size_t)(span / (uint64_t)ax->step) + 1;
    return 0;
}

/* NAME=FROM:TO:STEP into ax: 0, or EXIT_USAGE (printed).  Only the form is
 * checked here; what the parameter accepts, set_value learns. */
static int parse_axis(const char *spec, axis *ax)
{
    const char *eq = strchr(spec, '='), *c1 = eq ? strchr(eq, ':') : NULL, *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    decimal from, to, step;
    ax->spec = spec;
    if (!eq || eq == spec || !c1 || !c2 || parse_decimal(eq + 1, (size_t)(c1 - eq - 1), &from) ||
        parse_decimal(c1 + 1, (size_t)(c2 - c1 - 1), &to) || parse_decimal(c2 + 1, strlen(c2 + 1), &step))
        return cli_usage("--vary wants NAME=FROM:TO:STEP with decimal numbers, not '%s'", spec);
    if (!(ax->name = strndup(spec, (size_t)(eq - spec)))) return cli_nomem();
    return axis_range(ax, from, to, step);
}

/* The k-th value of the axis as text (buf of 32 bytes at least). */
static void axis_value(const axis *ax, size_t k, char *buf, size_t size)
{
    decimal_text(ax->from + (int64_t)k * ax->step, ax->scale, buf, size); /* ≤ TO: no overflow */
}

static int set_value(lc_engine *engine, const axis *ax, size_t k)
{
    char text[32];
    lc_error err = {0};
    axis_value(ax, k, text, sizeof text);
    return lc_engine_set_param(engine, ax->name, text, &err) == LC_OK ? 0 : cli_report(&err);
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

static void row_json(const char *value, const sample *s, int first)
{
    char amount[32], uncapped[32];
    money(s->amount, amount, sizeof amount);
    money(s->uncapped, uncapped, sizeof uncapped);
    printf("%s    {\"value\": \"%s\", \"amount\": \"%s\", \"amount_uncapped\": \"%s\", \"capped\": %s, \"breaches\": %zu, "
           "\"termination_right\": %s}",
           first ? "" : ",\n", value, amount, uncapped, s->capped ? "true" : "false", s->breaches,
           s->termination ? "true" : "false");
}

/* How many samples each cap the rule file declares cut something in: a
 * monthly cap that cuts in three months of a sample counts once. */
typedef struct cap_counts {
    const lc_engine *engine;
    size_t n;            /* lc_engine_cap_count */
    long *hits;          /* samples in which the engine's cap j cut something */
    unsigned char *seen; /* the current sample's caps */
} cap_counts;

static int caps_new(cap_counts *c, const lc_engine *engine)
{
    c->engine = engine;
    c->n = lc_engine_cap_count(engine);
    c->hits = calloc(c->n + 1, sizeof *c->hits);
    c->seen = calloc(c->n + 1, 1);
    return c->hits && c->seen ? 0 : cli_nomem();
}

static void caps_free(cap_counts *c)
{
    free(c->hits);
    free(c->seen);
}

/* Counts the caps that cut something in res (totals.caps lists only those,
 * by the id the rule file gave them). */
static void caps_count(cap_counts *c, const lc_result *res)
{
    memset(c->seen, 0, c->n);
    for (size_t i = 0, n = lc_result_count(res, "caps"); i < n; i++) {
        const char *id = lc_result_text(res, "caps", i, "cap");
        int64_t cut;
        if (!id || !lc_result_fen(res, "caps", i, "cut", &cut) || cut <= 0) continue;
        for (size_t j = 0; j < c->n; j++)
            if (strcmp(lc_engine_cap_id(c->engine, j), id) == 0) {
                c->seen[j] = 1;
                break;
            }
    }
    for (size_t j = 0; j < c->n; j++) c->hits[j] += c->seen[j];
}

/* The totals of the events pushed so far; the caps they reach are counted
 * into caps (may be NULL). */
static int result_sample(lc_eval *ev, sample *out, cap_counts *caps)
{
    lc_error err = {0};
    lc_result *res = NULL;
    if (lc_eval_result(ev, &res, &err) != LC_OK) return cli_report(&err);
    lc_totals t;
    lc_result_totals(res, &t);
    *out = (sample){t.amount, t.amount_uncapped, t.capped, t.termination_right, t.breaches};
    if (caps) caps_count(caps, res);
    lc_result_free(res);
    return 0;
}

/* ---- --vary ---- */

static void print_vary(const axis *ax, const sample *rows, int json)
{
    char value[32];
    if (json) printf("{\"parameter\": \"%s\", \"rows\": [\n", ax->name);
    else printf("%s,amount,amount_uncapped,capped,breaches,termination_right\n", ax->name);
    for (size_t k = 0; k < ax->count; k++) {
        axis_value(ax, k, value, sizeof value);
        if (json) row_json(value, &rows[k], k == 0);
        else row_csv(value, &rows[k]);
    }
    if (json) printf("\n]}\n");
}

/* Every value is offered to the parameter before the first evaluation
 * (a value it refuses fails at once), and every row is computed before
 * the first is printed: an error prints nothing on stdout. */
static int run_vary(lc_engine *engine, lc_eval *ev, const axis *ax, int json)
{
    sample *rows = calloc(ax->count, sizeof *rows);
    int rc = rows ? 0 : cli_nomem();
    for (size_t k = 0; rc == 0 && k < ax->count; k++) rc = set_value(engine, ax, k);
    for (size_t k = 0; rc == 0 && k < ax->count; k++) {
        rc = set_value(engine, ax, k);
        if (rc == 0) rc = result_sample(ev, &rows[k], NULL);
    }
    if (rc == 0) print_vary(ax, rows, json);
    free(rows);
    return rc;
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

/* The share of the samples in which each cap cut something: JSON members
 * "ID": share, or CSV fields. */
static void print_caps(const cap_counts *caps, long n, int json)
{
    for (size_t j = 0; j < caps->n; j++) {
        if (json) {
            printf("%s", j ? ", " : "");
            json_text(lc_engine_cap_id(caps->engine, j));
            printf(": %.6g", (double)caps->hits[j] / n);
        } else {
            printf(",%.6g", (double)caps->hits[j] / n);
        }
    }
}

static void summary(const sample *s, long n, const sweep_opts *o, const cap_counts *caps, int json)
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
        printf("{\"samples\": %ld, \"seed\": %" PRIu64 ", \"scenario\": ", n, o->seed);
        json_text(o->scenario);
        printf(", \"mean\": \"%s\", \"min\": \"%s\", \"p50\": \"%s\", \"p90\": \"%s\", \"p95\": \"%s\", "
               "\"p99\": \"%s\", \"max\": \"%s\", \"p_capped\": %.6g, \"p_termination\": %.6g, \"p_cap\": {",
               m, lo, pv[0], pv[1], pv[2], pv[3], hi, (double)capped / n, (double)terminated / n);
        print_caps(caps, n, 1);
        printf("}}\n");
        return;
    }
    printf("samples,seed,mean,min,p50,p90,p95,p99,max,p_capped,p_termination");
    for (size_t j = 0; j < caps->n; j++) {
        putchar(',');
        csv_text("p_cap:", lc_engine_cap_id(caps->engine, j));
    }
    printf("\n%ld,%" PRIu64 ",%s,%s,%s,%s,%s,%s,%s,%.6g,%.6g", n, o->seed, m, lo, pv[0], pv[1], pv[2], pv[3], hi,
           (double)capped / n, (double)terminated / n);
    print_caps(caps, n, 0);
    putchar('\n');
}

static void print_samples(sample *s, const sweep_opts *o, const cap_counts *caps, int json)
{
    if (!o->per_sample) {
        qsort(s, (size_t)o->samples, sizeof *s, by_amount);
        summary(s, o->samples, o, caps, json);
        return;
    }
    printf("sample,amount,amount_uncapped,capped,breaches,termination_right\n");
    for (long k = 0; k < o->samples; k++) {
        char label[32];
        snprintf(label, sizeof label, "%ld", k);
        row_csv(label, &s[k]);
    }
}

/* One replay through the scenario, seeded seed. */
static int replay(lc_engine *engine, lc_eval *src, const lc_scenario *sc, uint64_t seed, unsigned flags, sample *out,
                  cap_counts *caps)
{
    lc_error err = {0};
    lc_eval *ev = NULL;
    int rc = 0;
    if (lc_eval_new(&ev, engine, flags, &err) != LC_OK || lc_eval_replay(ev, src, sc, seed, &err) != LC_OK)
        rc = cli_report(&err);
    if (rc == 0) rc = result_sample(ev, out, caps);
    lc_eval_free(ev);
    return rc;
}

/* Every sample is computed before the first line is printed: an error
 * prints nothing on stdout. */
static int run_samples(lc_engine *engine, lc_eval *src, const sweep_opts *o, int json)
{
    lc_error err = {0};
    lc_scenario *sc = NULL;
    if (lc_scenario_load_file(&sc, NULL, o->scenario, &err) != LC_OK) return cli_report(&err);
    sample *s = calloc((size_t)o->samples, sizeof *s);
    cap_counts caps = {0};
    int rc = s ? caps_new(&caps, engine) : cli_nomem();
    unsigned flags = cli_eval_flags(&o->eval);
    for (long k = 0; rc == 0 && k < o->samples; k++)
        rc = replay(engine, src, sc, o->seed + (uint64_t)k, flags, &s[k], &caps);
    if (rc == 0) print_samples(s, o, &caps, json);
    caps_free(&caps);
    free(s);
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
        if (taken > 0 && o->vary) return -cli_usage("sweep takes one --vary");
        o->vary = vary;
        return taken;
    }
    if ((taken = cli_option_value(argc, argv, i, "--scenario", &o->scenario))) return taken;
    if ((taken = cli_option_value(argc, argv, i, "--samples", &o->samples_text))) return taken;
    if ((taken = cli_option_value(argc, argv, i, "--seed", &o->seed_text))) return taken;
    if (strcmp(argv[*i], "--per-sample") == 0) return o->per_sample = 1;
    return cli_eval_option(argc, argv, i, &o->eval);
}

/* --samples and --seed, read strictly. */
static int parse_counts(sweep_opts *o)
{
    uint64_t samples = DEFAULT_SAMPLES;
    if ((o->samples_text || o->seed_text) && !o->scenario) return cli_usage("--samples and --seed go with --scenario");
    if (o->samples_text && cli_parse_number("--samples", o->samples_text, 0, 1, MAX_SAMPLES, &samples))
        return EXIT_USAGE;
    if (o->seed_text && cli_parse_number("--seed", o->seed_text, 0, 0, UINT64_MAX, &o->seed)) return EXIT_USAGE;
    o->samples = (long)samples;
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
    if (!o->vary == !o->scenario) return cli_usage("sweep needs either --vary NAME=FROM:TO:STEP or --scenario FILE --samples N");
    return parse_counts(o);
}

/* --format, and --vary's form: 0 or EXIT_USAGE (printed). */
static int check_opts(const sweep_opts *o, lc_format *format, axis *ax)
{
    if (o->eval.format && cli_format(o->eval.format, format)) return EXIT_USAGE;
    if (*format != LC_FORMAT_CSV && *format != LC_FORMAT_JSON) return cli_usage("sweep writes csv or json");
    if (o->per_sample && *format != LC_FORMAT_CSV) return cli_usage("--per-sample writes csv rows");
    if (o->per_sample && !o->scenario) return cli_usage("--per-sample goes with --scenario");
    return o->vary ? parse_axis(o->vary, ax) : 0;
}

/* The events read once, with the rules and --set options. */
static int load(char **files, int nfiles, const sweep_opts *o, lc_engine **engine, lc_eval **ev)
{
    lc_error err = {0};
    unsigned flags = cli_eval_flags(&o->eval) | (o->scenario ? LC_EVAL_KEEP_EVENTS : 0);
    int rc = cli_load_engine(files[0], &o->eval, engine);
    if (rc == 0 && lc_eval_new(ev, *engine, flags, &err) != LC_OK) rc = cli_report(&err);
    for (int i = 1; rc == 0 && i < nfiles; i++)
        if (lc_eval_push_file(*ev, files[i], &err) != LC_OK) rc = cli_report(&err);
    return rc;
}

int cmd_sweep(int argc, char **argv)
{
    sweep_opts o = {0};
    axis ax = {0};
    lc_format format = LC_FORMAT_CSV;
    lc_engine *engine = NULL;
    lc_eval *ev = NULL;
    char **files = calloc((size_t)argc + 1, sizeof *files);
    int nfiles = 0, rc = files ? parse(argc, argv, &o, files, &nfiles) : cli_nomem();
    if (rc == 0) rc = check_opts(&o, &format, &ax);
    if (rc == 0) rc = load(files, nfiles, &o, &engine, &ev);
    if (rc == 0) rc = o.vary ? run_vary(engine, ev, &ax, format == LC_FORMAT_JSON)
                             : run_samples(engine, ev, &o, format == LC_FORMAT_JSON);
    lc_eval_free(ev);
    lc_engine_free(engine);
    free(ax.name);
    free(o.eval.sets);
    free(files);
    return rc;
}
