/* eval_fixture.h — results of small rule texts over generated events, for
 * the unit tests that check what the engine finds against a literal
 * reading (test_cluster.c, test_diff.c, test_within.c, test_caps.c,
 * test_late.c). */
#ifndef EVAL_FIXTURE_H
#define EVAL_FIXTURE_H

#include <criterion/criterion.h>

#include <cjson/cJSON.h>

#include <stdio.h>
#include <string.h>

#include "libcontract.h"

#define HOUR 60
#define DAY (24 * HOUR)

/* The start of a rule file over outages (April to June 2026), with the
 * 7-day rule's parameters: window, count, total. */
#define OUTAGE_RULES_HEAD                                                                          \
    "contract { id = 'outages', timezone = '+08:00', term = { '2026-04-01', '2026-07-01' } }\n"    \
    "param { 'fee', '10000.00', unit = 'money' }\n"                                                \
    "param { 'window', 7, unit = 'd' }\n"                                                          \
    "param { 'count', 3, unit = 'count' }\n"                                                       \
    "param { 'total', 240, unit = 'min' }\n"                                                       \
    "penalty_base { pct = 100, of = P.fee }\n"                                                     \
    "event 'outage' { anchor = 'start', ends = 'end',\n"                                           \
    "  { 'start', 'time', required = true }, { 'end', 'time', required = true },\n"                \
    "  { 'users', 'integer', default = 0, min = 0 },\n"                                            \
    "  order = { 'start <= end' } }\n"

/* The result of the rule text over the JSON Lines events, with the
 * NAME=VALUE settings (NULL-terminated, or NULL); the caller frees it. */
static inline lc_result *result_of_rules(const char *rules, const char *const *params, const char *events)
{
    lc_engine *e = NULL;
    lc_eval *ev = NULL;
    lc_result *res = NULL;
    lc_error err = {0};
    cr_assert_eq(lc_engine_new(&e, NULL, &err), LC_OK);
    cr_assert_eq(lc_engine_load_string(e, "rules.lua", rules, strlen(rules), &err), LC_OK, "%ld: %s", err.line,
                 err.message);
    for (size_t i = 0; params && params[i]; i++)
        cr_assert_eq(lc_engine_set_assignment(e, params[i], &err), LC_OK, "%s: %s", params[i], err.message);
    cr_assert_eq(lc_eval_new(&ev, e, 0, &err), LC_OK);
    cr_assert_eq(lc_eval_push_lines(ev, "events.jsonl", events, strlen(events), &err), LC_OK, "%ld: %s", err.line,
                 err.message);
    cr_assert_eq(lc_eval_end_stream(ev, &err), LC_OK, "%s", err.message);
    cr_assert_eq(lc_eval_result(ev, &res, &err), LC_OK, "%s", err.message);
    lc_eval_free(ev);
    lc_engine_free(e);
    return res;
}

/* The result of the rule text over the events as parsed JSON; the caller
 * frees it with cJSON_Delete. */
static inline cJSON *json_of_rules(const char *rules, const char *events)
{
    lc_result *res = result_of_rules(rules, NULL, events);
    lc_error err = {0};
    char *json = NULL;
    cr_assert_eq(lc_result_json(res, &json, NULL, &err), LC_OK, "%s", err.message);
    cJSON *doc = cJSON_Parse(json);
    cr_assert_not_null(doc);
    lc_free(json);
    lc_result_free(res);
    return doc;
}

/* The i-th item of doc's list, and a text member ("(not text)" if not). */
static inline const cJSON *json_item(const cJSON *doc, const char *list, int i)
{
    return cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(doc, list), i);
}

static inline const char *json_text(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : "(not text)";
}

/* Minutes after 2026-04-01T00:00+08:00 (from -1 day: March 31) as RFC 3339. */
static inline void minutes_stamp(int minutes, char *buf, size_t size)
{
    static const int month_days[] = {30, 31, 30, 31}; /* April to July */
    int t = minutes + DAY, day = t / DAY - 1, month = 0;
    if (day < 0) {
        snprintf(buf, size, "2026-03-31T%02d:%02d:00+08:00", t / 60, t % 60);
        return;
    }
    while (day >= month_days[month]) day -= month_days[month++];
    snprintf(buf, size, "2026-%02d-%02dT%02d:%02d:00+08:00", 4 + month, day + 1, t % DAY / 60, t % 60);
}

/* Appends a JSON line {"type", "id", "start", "end"} (minutes as in
 * minutes_stamp) with `more` members (",\"users\":3", or ""). */
static inline void append_span_event(char *text, size_t size, size_t *len, const char *type, const char *id,
                                     int from, int to, const char *more)
{
    static const char FORMAT[] = "{\"type\":\"%s\",\"id\":\"%s\",\"start\":\"%s\",\"end\":\"%s\"%s}\n";
    char a[40], b[40];
    minutes_stamp(from, a, sizeof a);
    minutes_stamp(to, b, sizeof b);
    *len += (size_t)snprintf(text + *len, size - *len, FORMAT, type, id, a, b, more);
}

/* A small deterministic generator (the same cases on every run). */
static inline unsigned next_random(unsigned *seed)
{
    *seed = *seed * 1103515245u + 12345u;
    return *seed >> 16;
}

#endif
