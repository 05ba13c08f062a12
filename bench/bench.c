/* bench/bench.c — how fast libcontract evaluates, next to a plain C
 * baseline, in one run.
 *
 *   contract-bench RULES [EVENTS [ROUNDS]]   (default 1,000,000 events, 5 rounds)
 *   contract-bench RULES EVENTS --only baseline|json|typed|single|sweep|grid|load|revisions|montecarlo|montecarlo-all
 *                                      (one measurement in-process, for a profiler)
 *
 * It generates its own deterministic event files (tickets only, and a mix
 * of every event type), then measures, each in a fresh child process so
 * peak memory is the measurement's own:
 *   baseline   read the file, parse each line with cJSON, compute the
 *              response and recovery minutes and the month's band counts
 *              in C: the floor any JSON Lines reader pays;
 *   json       libcontract end to end: lc_eval_push_file and lc_eval_result
 *              under the reference rules (what `contract eval` does);
 *   typed      the same tickets built as typed events (no JSON) and pushed
 *              64 at a time (lc_eval_push_events), then the result;
 *   single     the same, pushed one at a time (lc_eval_push_event);
 *   sweep      100 parameter values over the parsed events, against one
 *              evaluation;
 *   grid       10 x 10 values of two parameters over the parsed events
 *              (next to parsing and evaluating afresh for each cell);
 *   load       loading the reference rules;
 *   revisions  random tickets revised one by one (--updates);
 *   montecarlo 2000 samples of the example year through
 *              examples/what-if/late-answers.lua, and the same scenario
 *              without its touches (perturb called for every event): the
 *              totals must agree.
 * Loading the rules is not part of the other measurements.  Baseline and
 * json alternate, ROUNDS times each; the best round of each is shown (the
 * least disturbed by the other work of a shared machine), with the ratio of
 * the best times and the range of the rounds' ratios.
 * Figures: events per second, the ratio to the baseline, peak RSS, and
 * memory per event beyond the ids' own bytes: how much it grows per event
 * (between a run over half the events and the full run, so fixed costs
 * such as the last partly used huge page of each array cancel out) and
 * the average over the whole run. */
#define _POSIX_C_SOURCE 200809L
#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libcontract.h"

#define TERM_START INT64_C(1772553600) /* 2026-03-04T00:00:00+08:00 */
#define TERM_SECONDS (365 * 86400)
#define NS INT64_C(1000000000)

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long peak_rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* ---- deterministic events ---- */

#define RNG_SEED 88172645463325252u /* every stream starts from it: the same tickets each case */
static uint64_t rng_state = RNG_SEED;

static uint64_t next_random(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void iso(int64_t unix_seconds, char *buf, size_t size)
{
    time_t t = (time_t)(unix_seconds + 8 * 3600);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, size, "%Y-%m-%dT%H:%M:%S+08:00", &tm);
}

typedef struct ticket {
    int64_t opened, responded, restored;
} ticket;

/* Ticket i of n: opened at TERM_START + floor(i * TERM_SECONDS / n),
 * counted up without a division per ticket (the typed case builds its
 * events as it goes, and the caller's work is part of what it measures). */
typedef struct spread {
    int64_t at, rest, step, carry, n;
} spread;

static spread spread_start(long n)
{
    spread s = {TERM_START, 0, TERM_SECONDS / n, TERM_SECONDS % n, n};
    return s;
}

static ticket next_ticket(spread *s)
{
    ticket t;
    t.opened = s->at;
    t.responded = t.opened + 60 + (int64_t)(next_random() % 2940);
    t.restored = t.responded + 60 + (int64_t)(next_random() % 5940);
    s->at += s->step;
    if ((s->rest += s->carry) >= s->n) {
        s->rest -= s->n;
        s->at++;
    }
    return t;
}

static void write_ticket(FILE *f, long i, const ticket *t)
{
    char a[32], b[32], c[32];
    iso(t->opened, a, sizeof a);
    iso(t->responded, b, sizeof b);
    iso(t->restored, c, sizeof c);
    fprintf(f, "{\"type\":\"ticket\",\"id\":\"t-%ld\",\"opened\":\"%s\",\"responded\":\"%s\",\"restored\":\"%s\"}\n", i, a,
            b, c);
}

/* One line of another type for the mixed stream, or 0 for a ticket. */
static int write_other(FILE *f, long i, int64_t at)
{
    char a[32], b[32];
    iso(at, a, sizeof a);
    switch (i % 10) {
    case 1:
        iso(at + 300 + (int64_t)(next_random() % 1500), b, sizeof b);
        fprintf(f, "{\"type\":\"security_event\",\"id\":\"s-%ld\",\"detected\":\"%s\",\"responded\":\"%s\"}\n", i, a, b);
        return 1;
    case 2:
        fprintf(f, "{\"type\":\"deliverable\",\"id\":\"d-%ld\",\"at\":\"%s\",\"kind\":\"backup_differential\"}\n", i, a);
        return 1;
    case 3:
        if (i % 1000 != 3) return 0;
        iso(at + 600, b, sizeof b);
        fprintf(f, "{\"type\":\"outage\",\"id\":\"o-%ld\",\"start\":\"%s\",\"end\":\"%s\",\"affected_users\":%d}\n", i, a, b,
                (int)(next_random() % 50));
        return 1;
    default: return 0;
    }
}

static int generate(const char *path, long n, int mixed)
{
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    rng_state = RNG_SEED;
    spread at = spread_start(n);
    for (long i = 0; i < n; i++) {
        ticket t = next_ticket(&at);
        if (!mixed || !write_other(f, i, t.opened)) write_ticket(f, i, &t);
    }
    return fclose(f);
}

/* ---- the baseline: cJSON and the band arithmetic, nothing else ---- */

/* Days since 1970-01-01 of a civil date (the usual era arithmetic). */
static int64_t civil_days(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400, yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) v = v * 10 + (s[i] - '0');
    return v;
}

/* "YYYY-MM-DDTHH:MM:SS+08:00", as a plain program would read it. */
static int64_t parse_seconds(const char *s)
{
    if (!s || strlen(s) < 19) return 0;
    int64_t days = civil_days(digits(s, 4), digits(s + 5, 2), digits(s + 8, 2));
    return days * 86400 + digits(s + 11, 2) * 3600 + digits(s + 14, 2) * 60 + digits(s + 17, 2) - 8 * 3600;
}

/* Where the baseline's figures go, so the compiler must compute them. */
static volatile double baseline_sink;

static double run_baseline(const char *path)
{
    double t0 = now();
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long events = 0, bands[13][4] = {{0}};
    double sum[13][2] = {{0}};
    while (f && (len = getline(&line, &cap, f)) > 0) {
        cJSON *obj = cJSON_ParseWithLength(line, (size_t)len);
        events++;
        if (!obj) continue;
        int64_t opened = parse_seconds(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, "opened")));
        int64_t responded = parse_seconds(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, "responded")));
        int64_t restored = parse_seconds(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, "restored")));
        int month = (int)((opened - TERM_START) / (28 * 86400)) % 13;
        if (month < 0) month = 0;
        double response = (double)(responded - opened) / 60, recovery = (double)(restored - opened) / 60;
        sum[month][0] += response;
        sum[month][1] += recovery;
        bands[month][response > 30 && response < 60 ? 1 : response > 60 && response < 120 ? 2 : 0]++;
        cJSON_Delete(obj);
    }
    free(line);
    if (f) fclose(f);
    double t1 = now();
    for (int m = 0; m < 13; m++) baseline_sink += sum[m][0] + sum[m][1] + (double)(bands[m][1] + bands[m][2]);
    return events > 0 ? t1 - t0 : -1;
}

/* ---- libcontract ---- */

typedef struct lib {
    lc_engine *engine;
    lc_eval *ev;
} lib;

static int open_lib(lib *l, const char *rules, unsigned flags)
{
    lc_error err = {0};
    if (lc_engine_new(&l->engine, NULL, &err) || lc_engine_load_file(l->engine, rules, &err) ||
        lc_eval_new(&l->ev, l->engine, flags, &err)) {
        fprintf(stderr, "bench: %s\n", err.message);
        return -1;
    }
    return 0;
}

static void close_lib(lib *l)
{
    lc_eval_free(l->ev);
    lc_engine_free(l->engine);
}

/* The capped total of the events pushed so far, or -1. */
static int64_t result_amount(lc_eval *ev)
{
    lc_error err = {0};
    lc_result *res = NULL;
    if (lc_eval_result(ev, &res, &err) != LC_OK) {
        fprintf(stderr, "bench: %s\n", err.message);
        return -1;
    }
    lc_totals t;
    lc_result_totals(res, &t);
    lc_result_free(res);
    return t.amount;
}

static double run_json(const char *rules, const char *path, int64_t *amount)
{
    lib l;
    lc_error err = {0};
    if (open_lib(&l, rules, 0)) return -1;
    double t0 = now();
    if (lc_eval_push_file(l.ev, path, &err)) {
        fprintf(stderr, "bench: %s:%ld: %s\n", err.file, err.line, err.message);
        return -1;
    }
    *amount = result_amount(l.ev);
    double t1 = now();
    close_lib(&l);
    return *amount >= 0 ? t1 - t0 : -1;
}

/* "t-<i>" for i = 0, 1, 2, ... as the generator writes them, counted up
 * in place (a printf per event would cost more than pushing it). */
typedef struct counter {
    char text[24];
    int len;
} counter;

static void counter_start(counter *c)
{
    strcpy(c->text, "t-0");
    c->len = 3;
}

static void counter_next(counter *c)
{
    int i = c->len - 1;
    while (i >= 2 && c->text[i] == '9') c->text[i--] = '0';
    if (i >= 2) {
        c->text[i]++;
        return;
    }
    memmove(c->text + 3, c->text + 2, (size_t)c->len - 1); /* 9…9 became 0…0: one digit more */
    c->text[2] = '1';
    c->len++;
}

typedef struct ticket_fields {
    int type, opened, responded, restored;
} ticket_fields;

static int ticket_event(lc_event *e, const ticket_fields *f, const char *id, const ticket *t, lc_error *err)
{
    return lc_event_reset(e, f->type, id, err) || lc_event_set_time(e, f->opened, t->opened * NS, 480, err) ||
           lc_event_set_time(e, f->responded, t->responded * NS, 480, err) ||
           lc_event_set_time(e, f->restored, t->restored * NS, 480, err);
}

static ticket_fields ticket_fields_of(const lc_engine *engine)
{
    int type = lc_engine_event_type(engine, "ticket");
    ticket_fields f = {type, lc_engine_field(engine, type, "opened"), lc_engine_field(engine, type, "responded"),
                       lc_engine_field(engine, type, "restored")};
    return f;
}

/* The generator, ids and times back at the start of the n tickets every
 * typed case makes (the same tickets as the JSON files). */
static spread tickets_start(long n, counter *id)
{
    rng_state = RNG_SEED;
    counter_start(id);
    return spread_start(n);
}

#define BATCH 64

/* The tickets as typed events, `batch` builders at a time (1: one call
 * of lc_eval_push_event per event). */
static double run_typed(const char *rules, long n, int batch, int64_t *amount)
{
    lib l;
    lc_error err = {0};
    lc_event *events[BATCH] = {0};
    if (open_lib(&l, rules, 0)) return -1;
    for (int k = 0; k < batch; k++)
        if (lc_event_new(&events[k], l.engine, &err)) return -1;
    ticket_fields f = ticket_fields_of(l.engine);
    counter id;
    spread at = tickets_start(n, &id);
    double t0 = now();
    for (long i = 0; i < n;) {
        size_t k = 0;
        for (; k < (size_t)batch && i < n; k++, i++, counter_next(&id)) {
            ticket t = next_ticket(&at);
            if (ticket_event(events[k], &f, id.text, &t, &err)) goto failed;
        }
        if (batch == 1 ? lc_eval_push_event(l.ev, events[0], &err)
                       : lc_eval_push_events(l.ev, (const lc_event *const *)events, k, NULL, &err))
            goto failed;
    }
    *amount = result_amount(l.ev);
    double t1 = now();
    for (int k = 0; k < batch; k++) lc_event_free(events[k]);
    close_lib(&l);
    return *amount >= 0 ? t1 - t0 : -1;
failed:
    fprintf(stderr, "bench: %s\n", err.message);
    return -1;
}

/* A year of n tickets with updates on, then n revisions of tickets drawn
 * at random (a later answer: a change-data-capture feed), one push each:
 * the seconds the revisions took; *settle the result's after them. */
static double run_revisions(const char *rules, long n, double *settle)
{
    lib l;
    lc_error err = {0};
    lc_event *e = NULL;
    int64_t amount;
    if (open_lib(&l, rules, LC_EVAL_UPDATES) || lc_event_new(&e, l.engine, &err)) return -1;
    ticket_fields f = ticket_fields_of(l.engine);
    counter id;
    spread at = tickets_start(n, &id);
    for (long i = 0; i < n; i++, counter_next(&id)) {
        ticket t = next_ticket(&at);
        if (ticket_event(e, &f, id.text, &t, &err) || lc_eval_push_event(l.ev, e, &err)) goto failed;
    }
    double t0 = now();
    for (long i = 0; i < n; i++) {
        long k = (long)(next_random() % (uint64_t)n);
        char text[24];
        snprintf(text, sizeof text, "t-%ld", k);
        ticket t;
        t.opened = TERM_START + (int64_t)((__int128)k * TERM_SECONDS / n);
        t.responded = t.opened + 60 + (int64_t)(next_random() % 5940);
        t.restored = t.responded + 60 + (int64_t)(next_random() % 5940);
        if (ticket_event(e, &f, text, &t, &err) || lc_eval_push_event(l.ev, e, &err)) goto failed;
    }
    double t1 = now();
    amount = result_amount(l.ev);
    *settle = now() - t1;
    lc_event_free(e);
    close_lib(&l);
    return amount >= 0 ? t1 - t0 : -1;
failed:
    fprintf(stderr, "bench: %s\n", err.message);
    return -1;
}

/* 100 values of a threshold over events parsed once. */
static double run_sweep(const char *rules, const char *path, double *single)
{
    lib l;
    lc_error err = {0};
    if (open_lib(&l, rules, 0) || lc_eval_push_file(l.ev, path, &err)) return -1;
    double t0 = now();
    if (result_amount(l.ev) < 0) return -1;
    *single = now() - t0;
    t0 = now();
    for (int i = 0; i < 100; i++) {
        char value[16];
        snprintf(value, sizeof value, "%d", 20 + i / 4);
        if (lc_engine_set_param(l.engine, "ticket_response_low", value, &err) || result_amount(l.ev) < 0) return -1;
    }
    double all = now() - t0;
    close_lib(&l);
    return all;
}

/* A grid of 10 × 10 values of two parameters over events parsed once (a
 * sweep with two --vary). */
static double run_grid(const char *rules, const char *path)
{
    lib l;
    lc_error err = {0};
    if (open_lib(&l, rules, 0) || lc_eval_push_file(l.ev, path, &err)) return -1;
    double t0 = now();
    for (int i = 0; i < 100; i++) {
        char target[16], low[16];
        snprintf(target, sizeof target, "99.%d", 50 + (i / 10) * 5);
        snprintf(low, sizeof low, "%d", 20 + i % 10);
        if (lc_engine_set_param(l.engine, "availability_target", target, &err) ||
            lc_engine_set_param(l.engine, "ticket_response_low", low, &err) || result_amount(l.ev) < 0)
            return -1;
    }
    double all = now() - t0;
    close_lib(&l);
    return all;
}

#define MC_SAMPLES 2000
#define MC_SCENARIO "examples/what-if/late-answers.lua"

/* The example year (the folder two above the rules file holds examples/). */
static int push_example_year(lc_eval *ev, const char *rules, char *root, size_t size, lc_error *err)
{
    static const char *const names[] = {"administration", "incidents", "operations", "scores", "security", "tickets"};
    const char *slash = strrchr(rules, '/');
    snprintf(root, size, "%.*s/..", slash ? (int)(slash - rules) : 1, slash ? rules : ".");
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[8192];
        snprintf(path, sizeof path, "%s/examples/events/%s.jsonl", root, names[i]);
        if (lc_eval_push_file(ev, path, err) != LC_OK) return -1;
    }
    return lc_eval_end_stream(ev, err) == LC_OK ? 0 : -1;
}

/* The scenario's text, without its touches line when `all_types` (perturb
 * then runs for every event: the figures are the same, the cost is not). */
static lc_scenario *load_scenario(const char *root, int all_types, lc_error *err)
{
    char path[8192], *text = NULL;
    snprintf(path, sizeof path, "%s/" MC_SCENARIO, root);
    FILE *f = fopen(path, "rb");
    long len = f && fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    if (len > 0 && fseek(f, 0, SEEK_SET) == 0 && (text = calloc((size_t)len + 1, 1)) &&
        fread(text, 1, (size_t)len, f) != (size_t)len)
        len = -1;
    if (f) fclose(f);
    lc_scenario *sc = NULL;
    char *touches = text && all_types ? strstr(text, "  touches = ") : NULL;
    if (touches) memset(touches, ' ', strcspn(touches, "\n"));
    if (!text || len <= 0 || (all_types && !touches) || lc_scenario_new(&sc, NULL, path, text, (size_t)len, err) != LC_OK)
        sc = NULL;
    free(text);
    return sc;
}

/* MC_SAMPLES Monte Carlo samples of the example year through MC_SCENARIO
 * (as contract sweep --scenario runs them); *sum: their totals added up. */
static double run_montecarlo(const char *rules, int all_types, int64_t *sum)
{
    lib l;
    lc_error err = {0};
    char root[4096];
    lc_scenario *sc = NULL;
    if (open_lib(&l, rules, LC_EVAL_KEEP_EVENTS) || push_example_year(l.ev, rules, root, sizeof root, &err) ||
        !(sc = load_scenario(root, all_types, &err))) {
        fprintf(stderr, "bench: %s\n", err.message[0] ? err.message : "cannot read " MC_SCENARIO);
        return -1;
    }
    double t0 = now();
    *sum = 0;
    for (int seed = 1; seed <= MC_SAMPLES; seed++) {
        lc_eval *sample = NULL;
        int64_t amount = lc_eval_new(&sample, l.engine, 0, &err) == LC_OK &&
                                 lc_eval_replay(sample, l.ev, sc, (uint64_t)seed, &err) == LC_OK
                             ? result_amount(sample)
                             : -1;
        lc_eval_free(sample);
        if (amount < 0) return -1;
        *sum += amount;
    }
    double all = now() - t0;
    lc_scenario_free(sc);
    close_lib(&l);
    return all;
}

static double run_load(const char *rules)
{
    int rounds = 50;
    double t0 = now();
    for (int i = 0; i < rounds; i++) {
        lc_error err = {0};
        lc_engine *e = NULL;
        if (lc_engine_new(&e, NULL, &err) || lc_engine_load_file(e, rules, &err)) return -1;
        lc_engine_free(e);
    }
    return (now() - t0) / rounds;
}

/* ---- measuring in a child ---- */

typedef struct measure {
    double seconds, extra; /* the measured part; sweep: one evaluation */
    int64_t amount;        /* the result's total, to check the ways agree */
    long rss_kb;
    int ok;
} measure;

__attribute__((noinline)) static measure measure_here(const char *what, const char *rules, const char *path, long n)
{
    measure r = {-1, 0, -1, 0, 0};
    if (strcmp(what, "baseline") == 0) r.seconds = run_baseline(path);
    else if (strcmp(what, "json") == 0) r.seconds = run_json(rules, path, &r.amount);
    else if (strcmp(what, "typed") == 0) r.seconds = run_typed(rules, n, BATCH, &r.amount);
    else if (strcmp(what, "single") == 0) r.seconds = run_typed(rules, n, 1, &r.amount);
    else if (strcmp(what, "sweep") == 0) r.seconds = run_sweep(rules, path, &r.extra);
    else if (strcmp(what, "revisions") == 0) r.seconds = run_revisions(rules, n, &r.extra);
    else if (strcmp(what, "load") == 0) r.seconds = run_load(rules);
    else if (strcmp(what, "grid") == 0) r.seconds = run_grid(rules, path);
    else if (strcmp(what, "montecarlo") == 0) r.seconds = run_montecarlo(rules, 0, &r.amount);
    else if (strcmp(what, "montecarlo-all") == 0) r.seconds = run_montecarlo(rules, 1, &r.amount);
    else if (strcmp(what, "empty") == 0) {
        lib l;
        r.seconds = open_lib(&l, rules, 0) ? -1 : 0;
        if (r.seconds == 0) close_lib(&l);
    }
    r.rss_kb = peak_rss_kb();
    r.ok = r.seconds >= 0;
    return r;
}

static measure in_child(const char *what, const char *rules, const char *path, long n)
{
    int fds[2];
    measure m = {0};
    if (pipe(fds) != 0) return m;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        measure r = measure_here(what, rules, path, n);
        if (write(fds[1], &r, sizeof r) != (ssize_t)sizeof r) _exit(1);
        _exit(0);
    }
    close(fds[1]);
    if (pid > 0 && read(fds[0], &m, sizeof m) != (ssize_t)sizeof m) m.ok = 0;
    close(fds[0]);
    if (pid > 0) waitpid(pid, NULL, 0);
    return m;
}

/* The best of `rounds` measurements of each of two cases, taken in turn
 * so that both see the same machine; the ratios' range goes to lo/hi. */
static int best_pair(const char *a, const char *b, const char *rules, const char *path, long n, int rounds,
                     measure *best_a, measure *best_b, double *lo, double *hi)
{
    *lo = 1e9;
    *hi = 0;
    for (int r = 0; r < rounds; r++) {
        measure ma = in_child(a, rules, path, n), mb = in_child(b, rules, path, n);
        if (!ma.ok || !mb.ok) return -1;
        if (r == 0 || ma.seconds < best_a->seconds) *best_a = ma;
        if (r == 0 || mb.seconds < best_b->seconds) *best_b = mb;
        double ratio = mb.seconds / ma.seconds;
        if (ratio < *lo) *lo = ratio;
        if (ratio > *hi) *hi = ratio;
    }
    return 0;
}

static int best_of(const char *what, const char *rules, const char *path, long n, int rounds, measure *best)
{
    for (int r = 0; r < rounds; r++) {
        measure m = in_child(what, rules, path, n);
        if (!m.ok) return -1;
        if (r == 0 || m.seconds < best->seconds) *best = m;
    }
    return 0;
}

static void line(const char *name, long n, const measure *m)
{
    printf("%-34s %11.0f events/s  peak RSS %6.1f MB\n", name, (double)n / m->seconds, (double)m->rss_kb / 1024);
}

static void line_vs(const char *name, long n, const measure *m, const measure *base, double lo, double hi)
{
    printf("%-34s %11.0f events/s  peak RSS %6.1f MB  %4.2fx the baseline's time (rounds %4.2f-%4.2f)\n", name,
           (double)n / m->seconds, (double)m->rss_kb / 1024, m->seconds / base->seconds, lo, hi);
}

/* Bytes of the ids "t-0" ... "t-<n-1>". */
static double id_bytes(long n)
{
    double bytes = 0;
    for (long i = 0; i < n; i++) bytes += (double)snprintf(NULL, 0, "t-%ld", i);
    return bytes;
}

/* One measurement in this process (for a profiler), on the tickets. */
static int profile_one(const char *what, const char *rules, const char *tickets, long n)
{
    measure m = measure_here(what, rules, tickets, n);
    if (m.ok && strncmp(what, "montecarlo", 10) == 0) printf("%-36s %8.0f samples/s\n", what, MC_SAMPLES / m.seconds);
    else if (m.ok) line(what, n, &m);
    return !m.ok;
}

typedef struct files {
    char dir[64], tickets[128], mixed[128], half[128];
} files;

static int make_files(files *f, long n)
{
    strcpy(f->dir, "/tmp/contract-bench-XXXXXX");
    if (!mkdtemp(f->dir)) return -1;
    snprintf(f->tickets, sizeof f->tickets, "%s/tickets.jsonl", f->dir);
    snprintf(f->mixed, sizeof f->mixed, "%s/mixed.jsonl", f->dir);
    snprintf(f->half, sizeof f->half, "%s/half.jsonl", f->dir);
    return generate(f->tickets, n, 0) || generate(f->mixed, n, 1) || generate(f->half, n / 2, 0) ? -1 : 0;
}

static void remove_files(const files *f)
{
    unlink(f->tickets);
    unlink(f->mixed);
    unlink(f->half);
    rmdir(f->dir);
}

static int report(const char *rules, const files *f, long n, int rounds)
{
    measure base, json, mix_base, mix, typed, single, sweep, load, empty, half, revisions, grid, mc, mc_all;
    double lo, hi, mlo, mhi;
    if (best_pair("baseline", "json", rules, f->tickets, n, rounds, &base, &json, &lo, &hi) ||
        best_pair("baseline", "json", rules, f->mixed, n, rounds, &mix_base, &mix, &mlo, &mhi) ||
        best_of("typed", rules, f->tickets, n, rounds, &typed) || best_of("single", rules, f->tickets, n, 1, &single) ||
        best_of("sweep", rules, f->tickets, n, 1, &sweep) || best_of("load", rules, f->tickets, n, 1, &load) ||
        best_of("empty", rules, f->tickets, 0, 1, &empty) || best_of("json", rules, f->half, n / 2, 1, &half) ||
        best_of("revisions", rules, f->tickets, n, 1, &revisions) || best_of("grid", rules, f->tickets, n, rounds, &grid) ||
        best_of("montecarlo", rules, NULL, 0, rounds, &mc) || best_of("montecarlo-all", rules, NULL, 0, 1, &mc_all)) {
        fprintf(stderr, "bench: a measurement failed\n");
        return 1;
    }
    printf("libcontract %s, %ld events per stream, best of %d rounds\n", lc_version_string(), n, rounds);
    line("baseline (cJSON + C), tickets", n, &base);
    line_vs("libcontract JSON Lines, tickets", n, &json, &base, lo, hi);
    line("baseline (cJSON + C), mixed", n, &mix_base);
    line_vs("libcontract JSON Lines, mixed", n, &mix, &mix_base, mlo, mhi);
    line("libcontract typed, 64 per push", n, &typed);
    line("libcontract typed, one per push", n, &single);
    double ids = id_bytes(n), ids_half = id_bytes(n / 2);
    printf("memory: grows by %.1f bytes per event beyond the ids' own %.1f bytes (from %ld to %ld events);\n"
           "        %.1f bytes per event on average at %ld events, over an engine alone at %.1f MB\n",
           ((double)(json.rss_kb - half.rss_kb) * 1024 - (ids - ids_half)) / (double)(n - n / 2), ids / (double)n,
           n / 2, n, ((double)(json.rss_kb - empty.rss_kb) * 1024 - ids) / (double)n, n, (double)empty.rss_kb / 1024);
    printf("sweep: 100 values in %.2f s, one evaluation of the parsed events %.3f s, parsing and one evaluation %.2f s\n",
           sweep.seconds, sweep.extra, json.seconds);
    printf("load: the reference rules in %.2f ms\n", load.seconds * 1000);
    printf("updates: %ld revisions of random tickets of a %ld-event year at %.0f revisions/s (one per push);\n"
           "         the result after them in %.2f s\n",
           n, n, (double)n / revisions.seconds, revisions.extra);
    printf("grid: 10 x 10 values of two parameters in %.3f s, %.2f ms a cell over the parsed events;\n"
           "      parsing and evaluating afresh for each cell would take %.1f s (100 x this run's JSON Lines case)\n",
           grid.seconds, grid.seconds * 10, 100 * json.seconds);
    printf("monte carlo: %d samples of the example year through %s at %.0f samples/s;\n"
           "             perturb called for every event (no touches) %.0f samples/s, the same totals\n",
           MC_SAMPLES, MC_SCENARIO, MC_SAMPLES / mc.seconds, MC_SAMPLES / mc_all.seconds);
    if (mc.amount != mc_all.amount) {
        fprintf(stderr, "bench: touches changed the Monte Carlo totals (%" PRId64 ", %" PRId64 " fen)\n", mc.amount,
                mc_all.amount);
        return 1;
    }
    if (typed.amount != json.amount || single.amount != json.amount) {
        fprintf(stderr, "bench: typed and JSON tickets disagree (%" PRId64 ", %" PRId64 ", %" PRId64 " fen)\n", json.amount,
                typed.amount, single.amount);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *only = argc == 5 && strcmp(argv[3], "--only") == 0 ? argv[4] : NULL;
    if (argc < 2 || argc > 5 || (argc == 5 && !only)) {
        fprintf(stderr, "usage: contract-bench RULES [EVENTS [ROUNDS]]\n"
                        "       contract-bench RULES EVENTS --only baseline|json|typed|single|sweep|grid|load|revisions|montecarlo|montecarlo-all\n");
        return 2;
    }
    long n = argc > 2 ? atol(argv[2]) : 1000000;
    int rounds = argc == 4 ? atoi(argv[3]) : 5;
    if (n < 2 || rounds < 1) {
        fprintf(stderr, "contract-bench: EVENTS must be at least 2 and ROUNDS at least 1\n");
        return 2;
    }
    /* typed events and loading need no files: profile them without writing any */
    if (only && (strcmp(only, "typed") == 0 || strcmp(only, "single") == 0 || strcmp(only, "load") == 0 ||
                 strcmp(only, "revisions") == 0 || strncmp(only, "montecarlo", 10) == 0))
        return profile_one(only, argv[1], NULL, n);
    files f;
    if (make_files(&f, n) != 0) return 1;
    int rc = only ? profile_one(only, argv[1], f.tickets, n) : report(argv[1], &f, n, rounds);
    remove_files(&f);
    return rc;
}
