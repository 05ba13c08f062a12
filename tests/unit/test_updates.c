/* Revisions and retractions (LC_EVAL_UPDATES): the result of any stream of
 * events, revisions and retractions is exactly the result of the latest
 * versions alone, in the order they came — a property checked over random
 * streams of the reference contract's tickets, outages (some not the
 * provider's fault, some outside the term) and monthly work items. */
#include <criterion/criterion.h>

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "events/evaluation.h"
#include "libcontract.h"

#define RULES LC_SOURCE_DIR "/rules/beijing-sme-secops-2026.lua"
#define IDS 120
#define LINE 512

static uint64_t next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static int pick(uint64_t *s, int n)
{
    return (int)(next(s) % (uint64_t)n);
}

/* A random version of event k (its type follows k). */
static void version(uint64_t *s, int k, char *line)
{
    static const char *const impacts[] = {"none", "incident", "serious"};
    int month = 3 + pick(s, 12), day = 1 + pick(s, 27), hour = pick(s, 12);
    int year = month > 12 ? 2027 : 2026, m = month > 12 ? month - 12 : month;
    if (k % 3 == 0) {
        int resp = pick(s, 200), rest = resp + pick(s, 200);
        snprintf(line, LINE,
                 "{\"type\":\"ticket\",\"id\":\"e%d\",\"opened\":\"%d-%02d-%02dT%02d:00:00+08:00\","
                 "\"responded\":\"%d-%02d-%02dT%02d:%02d:00+08:00\",\"restored\":\"%d-%02d-%02dT%02d:%02d:00+08:00\","
                 "\"impact\":\"%s\"}",
                 k, year, m, day, hour, year, m, day, hour + resp / 60, resp % 60, year, m, day, hour + rest / 60,
                 rest % 60, impacts[pick(s, 3)]);
    } else if (k % 3 == 1) {
        int len = 1 + pick(s, 300);
        if (pick(s, 10) == 0) year = 2025; /* outside the term */
        snprintf(line, LINE,
                 "{\"type\":\"outage\",\"id\":\"e%d\",\"start\":\"%d-%02d-%02dT%02d:00:00+08:00\","
                 "\"end\":\"%d-%02d-%02dT%02d:%02d:00+08:00\",\"affected_users\":%d,\"provider_fault\":%s}",
                 k, year, m, day, hour, year, m, day, hour + len / 60, len % 60, pick(s, 400),
                 pick(s, 5) ? "true" : "false");
    } else {
        snprintf(line, LINE,
                 "{\"type\":\"work_item\",\"id\":\"e%d\",\"month\":\"%d-%02d\",\"item\":\"hardening\","
                 "\"timeliness\":0.%d%d,\"quality\":0.9,\"documentation\":1}",
                 k, year, m, pick(s, 2), pick(s, 10));
    }
}

static char *json_without(lc_result *res, const char *const *drop)
{
    char *text = NULL;
    lc_error err = {0};
    cr_assert_eq(lc_result_json(res, &text, NULL, &err), LC_OK);
    cJSON *doc = cJSON_Parse(text);
    lc_free(text);
    for (; *drop; drop++) cJSON_DeleteItemFromObjectCaseSensitive(doc, *drop);
    char *out = cJSON_Print(doc);
    cJSON_Delete(doc);
    return out;
}

static lc_result *evaluate(lc_engine *e, unsigned flags, char **lines, size_t n)
{
    lc_eval *ev = NULL;
    lc_result *res = NULL;
    lc_error err = {0};
    cr_assert_eq(lc_eval_new(&ev, e, flags, &err), LC_OK);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(lc_eval_push_lines(ev, "s", lines[i], strlen(lines[i]), &err), LC_OK, "%s: %s", lines[i],
                     err.message);
    cr_assert_eq(lc_eval_end_stream(ev, &err), LC_OK);
    cr_assert_eq(lc_eval_result(ev, &res, &err), LC_OK, "%s", err.message);
    lc_eval_free(ev);
    return res;
}

/* One random stream: versions, revisions, retractions and re-creations;
 * then the latest versions alone, in the order they last came. */
static void check_stream(lc_engine *e, uint64_t seed)
{
    uint64_t s = seed;
    char *latest[IDS] = {0};
    long came[IDS];
    size_t nstream = 0, cap = 1024;
    char **stream = calloc(cap, sizeof *stream);
    for (long step = 0; step < 600; step++) {
        int k = pick(&s, IDS);
        char *line = malloc(LINE + 2);
        if (latest[k] && pick(&s, 4) == 0) { /* a retraction */
            snprintf(line, LINE, "{\"type\":\"%s\",\"id\":\"e%d\",\"retracted\":true}\n",
                     k % 3 == 0 ? "ticket" : k % 3 == 1 ? "outage" : "work_item", k);
            free(latest[k]);
            latest[k] = NULL;
        } else {
            version(&s, k, line);
            if (latest[k] && strcmp(latest[k], line) == 0) { /* not a revision: skip */
                free(line);
                continue;
            }
            free(latest[k]);
            latest[k] = malloc(strlen(line) + 1);
            strcpy(latest[k], line);
            came[k] = step;
            strcat(line, "\n");
        }
        if (nstream == cap) stream = realloc(stream, (cap *= 2) * sizeof *stream);
        stream[nstream++] = line;
    }
    char *final[IDS];
    size_t nfinal = 0;
    for (long step = 0; step < 600; step++)
        for (int k = 0; k < IDS; k++)
            if (latest[k] && came[k] == step) {
                final[nfinal] = malloc(strlen(latest[k]) + 2);
                sprintf(final[nfinal++], "%s\n", latest[k]);
            }
    lc_result *a = evaluate(e, LC_EVAL_UPDATES, stream, nstream);
    lc_result *b = evaluate(e, 0, final, nfinal);
    static const char *const drop[] = {"updates", "warnings", NULL};
    char *ja = json_without(a, drop), *jb = json_without(b, drop);
    cr_assert_str_eq(ja, jb, "seed %llu: the stream and its latest versions differ", (unsigned long long)seed);
    int64_t revised = 0;
    cr_assert(lc_result_int(a, "updates", 0, "revised", &revised));
    cr_assert_gt(revised, 0);
    cr_assert_eq(lc_result_type(b, "updates", 0, "revised"), LC_VALUE_NULL);
    free(ja);
    free(jb);
    lc_result_free(a);
    lc_result_free(b);
    for (size_t i = 0; i < nstream; i++) free(stream[i]);
    for (size_t i = 0; i < nfinal; i++) free(final[i]);
    for (int k = 0; k < IDS; k++) free(latest[k]);
    free(stream);
}

Test(updates, a_stream_is_its_latest_versions_alone, .timeout = 120)
{
    lc_engine *e = NULL;
    lc_error err = {0};
    cr_assert_eq(lc_engine_new(&e, NULL, &err), LC_OK);
    cr_assert_eq(lc_engine_load_file(e, RULES, &err), LC_OK, "%s", err.message);
    for (uint64_t seed = 1; seed <= 25; seed++) check_stream(e, seed * 0x9E3779B97F4A7C15ull);
    lc_engine_free(e);
}

static lc_engine *reference(void)
{
    lc_engine *e = NULL;
    lc_error err = {0};
    cr_assert_eq(lc_engine_new(&e, NULL, &err), LC_OK);
    cr_assert_eq(lc_engine_load_file(e, RULES, &err), LC_OK, "%s", err.message);
    return e;
}

static lc_status push(lc_eval *ev, const char *line, long n, lc_error *err)
{
    return lc_eval_push_json(ev, line, strlen(line), "u.jsonl", n, err);
}

#define TICKET(id, responded) \
    "{\"type\":\"ticket\",\"id\":\"" id "\",\"opened\":\"2026-04-01T10:00:00+08:00\",\"responded\":\"" responded "\"}"

Test(updates, retractions_are_checked)
{
    lc_engine *e = reference();
    lc_eval *ev = NULL;
    lc_error err = {0};
    cr_assert_eq(lc_eval_new(&ev, e, LC_EVAL_UPDATES, &err), LC_OK);
    cr_assert_eq(push(ev, TICKET("t-1", "2026-04-01T10:40:00+08:00"), 1, &err), LC_OK, "%s", err.message);
    /* an id that never came, and one retracted twice: warnings */
    cr_assert_eq(push(ev, "{\"type\":\"ticket\",\"id\":\"t-9\",\"retracted\":true}", 2, &err), LC_OK);
    cr_assert_eq(push(ev, "{\"type\":\"ticket\",\"id\":\"t-1\",\"retracted\":true}", 3, &err), LC_OK);
    cr_assert_eq(push(ev, "{\"type\":\"ticket\",\"id\":\"t-1\",\"retracted\":true}", 4, &err), LC_OK);
    lc_result *res = NULL;
    cr_assert_eq(lc_eval_result(ev, &res, &err), LC_OK);
    cr_assert_eq(lc_result_count(res, "warnings"), 2);
    cr_assert(strstr(lc_result_text(res, "warnings", 0, "message"), "\"t-9\", which never came"));
    cr_assert(strstr(lc_result_text(res, "warnings", 1, "message"), "\"t-1\", which is already retracted"));
    cr_assert_eq(lc_result_count(res, "breaches"), 0);
    lc_result_free(res);
    /* a retraction naming another type, with other fields, or not true: invalid */
    cr_assert_eq(push(ev, TICKET("t-2", "2026-04-01T10:40:00+08:00"), 5, &err), LC_OK);
    cr_assert_eq(push(ev, "{\"type\":\"outage\",\"id\":\"t-2\",\"retracted\":true}", 6, &err), LC_EEVENT);
    cr_assert(strstr(err.message, "names type outage, the event is a ticket"), "%s", err.message);
    lc_eval_free(ev);
    cr_assert_eq(lc_eval_new(&ev, e, LC_EVAL_UPDATES, &err), LC_OK);
    cr_assert_eq(push(ev, "{\"type\":\"ticket\",\"id\":\"t-1\",\"retracted\":false}", 1, &err), LC_EEVENT);
    cr_assert(strstr(err.message, "\"retracted\" must be true"), "%s", err.message);
    lc_eval_free(ev);
    cr_assert_eq(lc_eval_new(&ev, e, LC_EVAL_UPDATES, &err), LC_OK);
    cr_assert_eq(push(ev, "{\"type\":\"ticket\",\"id\":\"t-1\",\"retracted\":true,\"x\":1}", 1, &err), LC_EEVENT);
    cr_assert(strstr(err.message, "a retraction has only"), "%s", err.message);
    lc_eval_free(ev);
    /* without updates, a retraction is an event that lacks its fields; and the API refuses */
    cr_assert_eq(lc_eval_new(&ev, e, 0, &err), LC_OK);
    cr_assert_eq(lc_eval_retract(ev, "ticket", "t-1", &err), LC_EUSAGE);
    cr_assert_eq(push(ev, "{\"type\":\"ticket\",\"id\":\"t-1\",\"retracted\":true}", 1, &err), LC_EEVENT);
    cr_assert(strstr(err.message, "missing required field \"opened\""), "%s", err.message);
    lc_eval_free(ev);
    lc_engine_free(e);
}

/* A revision moves the event: out of April's average into May's, and a
 * re-created event counts again; the API's retraction is the line's. */
Test(updates, revisions_move_the_figures)
{
    lc_engine *e = reference();
    lc_eval *ev = NULL;
    lc_error err = {0};
    lc_result *res = NULL;
    cr_assert_eq(lc_eval_new(&ev, e, LC_EVAL_UPDATES, &err), LC_OK);
    cr_assert_eq(push(ev, TICKET("t-1", "2026-04-01T10:45:00+08:00"), 1, &err), LC_OK);
    cr_assert_eq(lc_eval_result(ev, &res, &err), LC_OK);
    cr_assert_str_eq(lc_result_text(res, "breaches", 0, "rule"), "minor.5"); /* 45 min in (30, 60) */
    lc_result_free(res);
    cr_assert_eq(push(ev, TICKET("t-1", "2026-04-01T10:20:00+08:00"), 2, &err), LC_OK); /* answered in 20 min */
    cr_assert_eq(lc_eval_result(ev, &res, &err), LC_OK);
    cr_assert_eq(lc_result_count(res, "breaches"), 0);
    lc_result_free(res);
    cr_assert_eq(lc_eval_retract(ev, "ticket", "t-1", &err), LC_OK);
    cr_assert_eq(push(ev, TICKET("t-1", "2026-04-01T10:45:00+08:00"), 3, &err), LC_OK); /* back */
    cr_assert_eq(lc_eval_result(ev, &res, &err), LC_OK);
    cr_assert_eq(lc_result_count(res, "breaches"), 1);
    int64_t revised = 0, retracted = 0;
    cr_assert(lc_result_int(res, "updates", 0, "revised", &revised) && revised == 2);
    cr_assert(lc_result_int(res, "updates", 0, "retracted", &retracted) && retracted == 1);
    lc_result_free(res);
    lc_eval_free(ev);
    lc_engine_free(e);
}

static size_t ev_arena_bytes(const lc_eval *ev)
{
    return ev->upd.len;
}

/* A million revisions of one event: the versions they leave are dropped
 * as they pile up (the arena stays in proportion to the live events). */
Test(updates, revisions_leave_no_pile, .timeout = 60)
{
    lc_engine *e = reference();
    lc_eval *ev = NULL;
    lc_error err = {0};
    char line[256];
    cr_assert_eq(lc_eval_new(&ev, e, LC_EVAL_UPDATES, &err), LC_OK);
    for (int i = 0; i < 1000000; i++) {
        snprintf(line, sizeof line,
                 "{\"type\":\"ticket\",\"id\":\"t-1\",\"opened\":\"2026-04-01T10:00:00+08:00\","
                 "\"responded\":\"2026-04-01T10:%02d:%02d+08:00\"}",
                 i / 60 % 60, i % 60);
        cr_assert_eq(push(ev, line, i + 1, &err), LC_OK, "%s", err.message);
    }
    cr_assert_lt(ev_arena_bytes(ev), (size_t)1 << 20);
    lc_eval_free(ev);
    lc_engine_free(e);
}
