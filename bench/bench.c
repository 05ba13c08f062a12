/* bench/bench.c — how fast libcontract evaluates, next to a plain C
 * baseline, in one run.
 *
 *   contract-bench RULES [EVENTS]      (default 1,000,000 events)
 *   contract-bench RULES EVENTS --only baseline|json|typed|sweep|load
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
 *   typed      the same tickets pushed as typed events (no JSON);
 *   sweep      100 parameter values over the parsed events, against one
 *              evaluation;
 *   load       loading the reference rules.
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

static uint64_t rng_state = 88172645463325252u;

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

static ticket ticket_at(long i, long n)
{
    ticket t;
    t.opened = TERM_START + (int64_t)((double)i * TERM_SECONDS / (double)n);
    t.responded = t.opened + 60 + (int64_t)(next_random() % 2940);
    t.restored = t.responded + 60 + (int64_t)(next_random() % 5940);
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
    rng_state = 88172645463325252u;
    for (long i = 0; i < n; i++) {
        ticket t = ticket_at(i, n);
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

static long run_baseline(const char *path)
{
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
    return events + (long)(bands[0][0] * 0) + (long)(sum[0][0] * 0);
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

static int result_amount(lc_eval *ev, int64_t *amount)
{
    lc_error err = {0};
    lc_result *res = NULL;
    if (lc_eval_result(ev, &res, &err) != LC_OK) {
        fprintf(stderr, "bench: %s\n", err.message);
        return -1;
    }
    lc_totals t;
    lc_result_totals(res, &t);
    *amount = t.amount;
    lc_result_free(res);
    return 0;
}

static long run_json(const char *rules, const char *path)
{
    lib l;
    lc_error err = {0};
    int64_t amount;
    if (open_lib(&l, rules, 0) || lc_eval_push_file(l.ev, path, &err) || result_amount(l.ev, &amount)) {
        if (err.message[0]) fprintf(stderr, "bench: %s:%ld: %s\n", err.file, err.line, err.message);
        return -1;
    }
    close_lib(&l);
    return 1;
}

/* "t-<i>", as the generator writes it, without printf's cost per event. */
static void ticket_id(char *out, long i)
{
    char digits[24];
    int n = 0;
    do digits[n++] = (char)('0' + i % 10);
    while ((i /= 10) > 0);
    *out++ = 't';
    *out++ = '-';
    while (n > 0) *out++ = digits[--n];
    *out = '\0';
}

static long run_typed(const char *rules, long n)
{
    lib l;
    lc_error err = {0};
    lc_event *e = NULL;
    int64_t amount;
    if (open_lib(&l, rules, 0) || lc_event_new(&e, l.engine, &err)) return -1;
    int type = lc_engine_event_type(l.engine, "ticket");
    int f_opened = lc_engine_field(l.engine, type, "opened"), f_responded = lc_engine_field(l.engine, type, "responded");
    int f_restored = lc_engine_field(l.engine, type, "restored");
    rng_state = 88172645463325252u;
    char id[32];
    for (long i = 0; i < n; i++) {
        ticket t = ticket_at(i, n);
        ticket_id(id, i);
        if (lc_event_reset(e, type, id, &err) || lc_event_set_time(e, f_opened, t.opened * NS, 480, &err) ||
            lc_event_set_time(e, f_responded, t.responded * NS, 480, &err) ||
            lc_event_set_time(e, f_restored, t.restored * NS, 480, &err) || lc_eval_push_event(l.ev, e, &err)) {
            fprintf(stderr, "bench: %s\n", err.message);
            return -1;
        }
    }
    if (result_amount(l.ev, &amount)) return -1;
    lc_event_free(e);
    close_lib(&l);
    return 1;
}

/* 100 values of a threshold over events parsed once. */
static long run_sweep(const char *rules, const char *path, double *single, double *all)
{
    lib l;
    lc_error err = {0};
    int64_t amount;
    if (open_lib(&l, rules, 0) || lc_eval_push_file(l.ev, path, &err)) return -1;
    double t0 = now();
    if (result_amount(l.ev, &amount)) return -1;
    *single = now() - t0;
    t0 = now();
    for (int i = 0; i < 100; i++) {
        char value[16];
        snprintf(value, sizeof value, "%d", 20 + i / 4);
        if (lc_engine_set_param(l.engine, "ticket_response_low", value, &err) || result_amount(l.ev, &amount)) return -1;
    }
    *all = now() - t0;
    close_lib(&l);
    return 1;
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
    double seconds, extra1, extra2;
    long rss_kb;
    int ok;
} measure;

__attribute__((noinline)) static measure measure_here(const char *what, const char *rules, const char *path, long n)
{
    double t0 = now(), a = 0, b = 0;
    long rc = strcmp(what, "baseline") == 0 ? run_baseline(path)
              : strcmp(what, "json") == 0   ? run_json(rules, path)
              : strcmp(what, "typed") == 0  ? run_typed(rules, n)
              : strcmp(what, "sweep") == 0  ? run_sweep(rules, path, &a, &b)
              : strcmp(what, "empty") == 0  ? (long)(run_load(rules) >= 0)
                                            : (long)((a = run_load(rules)) >= 0);
    measure r = {now() - t0, a, b, peak_rss_kb(), rc > 0};
    return r;
}

static measure in_child(const char *what, const char *rules, const char *path, long n)
{
    int fds[2];
    measure m = {0};
    if (pipe(fds) != 0) return m;
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

static void line(const char *name, long n, const measure *m, double baseline)
{
    double rate = (double)n / m->seconds;
    printf("%-32s %12.0f events/s", name, rate);
    if (baseline > 0) printf("  %5.2fx the baseline's time", m->seconds / baseline);
    printf("  peak RSS %6.1f MB\n", (double)m->rss_kb / 1024);
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
    if (m.ok) line(what, n, &m, 0);
    return !m.ok;
}

int main(int argc, char **argv)
{
    if (argc < 2 || (argc > 3 && (argc != 5 || strcmp(argv[3], "--only") != 0))) {
        fprintf(stderr, "usage: contract-bench RULES [EVENTS [--only baseline|json|typed|sweep|load]]\n");
        return 2;
    }
    long n = argc > 2 ? atol(argv[2]) : 1000000;
    const char *only = argc == 5 ? argv[4] : NULL;
    char dir[] = "/tmp/contract-bench-XXXXXX", tickets[128], mixed[128], half[128];
    if (!mkdtemp(dir)) return 1;
    snprintf(tickets, sizeof tickets, "%s/tickets.jsonl", dir);
    snprintf(mixed, sizeof mixed, "%s/mixed.jsonl", dir);
    snprintf(half, sizeof half, "%s/half.jsonl", dir);
    if (generate(tickets, n, 0) || generate(mixed, n, 1) || generate(half, n / 2, 0)) return 1;
    printf("libcontract %s, %ld events per stream\n", lc_version_string(), n);
    if (only) {
        int rc = profile_one(only, argv[1], tickets, n);
        unlink(tickets);
        unlink(mixed);
        unlink(half);
        rmdir(dir);
        return rc;
    }

    measure base = in_child("baseline", argv[1], tickets, n), json = in_child("json", argv[1], tickets, n);
    measure mix_base = in_child("baseline", argv[1], mixed, n), mix = in_child("json", argv[1], mixed, n);
    measure typed = in_child("typed", argv[1], tickets, n), sweep = in_child("sweep", argv[1], tickets, n);
    measure load = in_child("load", argv[1], tickets, n), empty = in_child("empty", argv[1], tickets, 0);
    measure json_half = in_child("json", argv[1], half, n / 2);
    if (!base.ok || !json.ok || !mix.ok || !typed.ok || !sweep.ok || !load.ok || !empty.ok || !json_half.ok) {
        fprintf(stderr, "bench: a measurement failed\n");
        return 1;
    }
    line("baseline (cJSON + C), tickets", n, &base, 0);
    line("libcontract JSON Lines, tickets", n, &json, base.seconds);
    line("baseline (cJSON + C), mixed", n, &mix_base, 0);
    line("libcontract JSON Lines, mixed", n, &mix, mix_base.seconds);
    line("libcontract typed events", n, &typed, 0);
    double ids = id_bytes(n), ids_half = id_bytes(n / 2);
    printf("memory: grows by %.1f bytes per event beyond the ids' own %.1f bytes (from %ld to %ld events);\n"
           "        %.1f bytes per event on average at %ld events, over an engine alone at %.1f MB\n",
           ((double)(json.rss_kb - json_half.rss_kb) * 1024 - (ids - ids_half)) / (double)(n - n / 2), ids / (double)n,
           n / 2, n, ((double)(json.rss_kb - empty.rss_kb) * 1024 - ids) / (double)n, n, (double)empty.rss_kb / 1024);
    printf("sweep: 100 values in %.2f s, one evaluation of the parsed events %.3f s, parsing and one evaluation %.2f s\n",
           sweep.extra2, sweep.extra1, json.seconds);
    printf("load: the reference rules in %.2f ms\n", load.extra1 * 1000);
    unlink(tickets);
    unlink(mixed);
    unlink(half);
    rmdir(dir);
    return 0;
}
