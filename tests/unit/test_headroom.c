/* Headroom (issue 17): as of an instant, how far the contract stands from
 * each threshold — computed by hand here.  A 30-day month at 99.9% allows
 * 43.2 min of downtime: after a 20-min outage 23.2 min are left; a cap's
 * room; how far a right to terminate is; the instant an open event crosses
 * its band; a 7-day rule's events and minutes left; work due and not done. */
#include <criterion/criterion.h>

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval_fixture.h"

static const char RULES[] =
    "contract { id = 'room', currency = 'CNY', timezone = '+08:00', term = { '2026-06-01', '2026-09-01' } }\n"
    "param { 'fee', '10000.00', unit = 'money' }\n"
    "param { 'target', 99.9, unit = '%' }\n"
    "param { 'long', 120, unit = 'min' }\n"
    "param { 'daily', '100.00', unit = 'money' }\n"
    "param { 'window', 7, unit = 'd' }\n"
    "param { 'bunch', 3, unit = 'count' }\n"
    "param { 'bunch_total', 240, unit = 'min' }\n"
    "param { 'many', 4, unit = 'count' }\n"
    "penalty_base { pct = 100, of = P.fee }\n"
    "cap 'term' { window = 'term', pct = 10, of = P.fee }\n"
    "event 'outage' { anchor = 'start', ends = 'end', { 'start', 'time', required = true },\n"
    "  { 'end', 'time', required = true }, { 'class', 'enum', values = { 'A', 'none' }, default = 'none' } }\n"
    "event 'milestone' { anchor = 'due', { 'due', 'time', required = true }, { 'accepted', 'time' } }\n"
    "measure 'availability' { availability = 'outage', label = 'availability', unit = '%' }\n"
    "measure 'outages' { count = 'outage', label = 'outages', unit = 'count' }\n"
    "month_columns { { 'availability', 'availability' } }\n"
    "breach 'avail' { class = 'minor', pct = 5, month = 'availability', band = { lt = P.target } }\n"
    "breach 'many' { class = 'minor', pct = 1, month = 'outages', band = { ge = P.many } }\n"
    "breach 'long' { class = 'minor', pct = 3, on = 'outage', where = span('start', 'end', { ge = P.long }) }\n"
    "breach 'bunch' { class = 'minor', pct = 2, on = 'outage', cluster = { window = P.window, count_ge = P.bunch, total_ge = P.bunch_total } }\n"
    "breach 'late' { class = 'delay', on = 'milestone', late = { due = 'due', done = 'accepted' }, amount = per_day(P.daily) }\n"
    "incident 'A.outage' { class = 'A', on = 'outage', where = is('class', 'A') }\n"
    "termination { { 'A', incidents = 'A', at_least = 2 } }\n";

#define OUTAGE(id, start, end) \
    "{\"type\":\"outage\",\"id\":\"" id "\",\"start\":\"" start "\",\"end\":\"" end "\"}\n"

/* The result as of `at` (RFC 3339) as parsed JSON. */
static cJSON *as_of(const char *events, const char *at)
{
    lc_engine *e = NULL;
    lc_eval *ev = NULL;
    lc_result *res = NULL;
    lc_error err = {0};
    int64_t t = 0;
    char *json = NULL;
    cr_assert_eq(lc_engine_new(&e, NULL, &err), LC_OK);
    cr_assert_eq(lc_engine_load_string(e, "rules.lua", RULES, strlen(RULES), &err), LC_OK, "%ld: %s", err.line,
                 err.message);
    cr_assert_eq(lc_eval_new(&ev, e, LC_EVAL_KEEP_EVENTS, &err), LC_OK);
    cr_assert_eq(lc_eval_push_lines(ev, "events.jsonl", events, strlen(events), &err), LC_OK, "%s", err.message);
    cr_assert_eq(lc_eval_end_stream(ev, &err), LC_OK, "%s", err.message);
    cr_assert_eq(lc_time_parse(at, strlen(at), &t, NULL, &err), LC_OK, "%s", err.message);
    cr_assert_eq(lc_eval_result_as_of(ev, t, &res, &err), LC_OK, "%s", err.message);
    cr_assert_eq(lc_result_json(res, &json, NULL, &err), LC_OK, "%s", err.message);
    cJSON *doc = cJSON_Parse(json);
    cr_assert_not_null(doc);
    lc_free(json);
    lc_result_free(res);
    lc_eval_free(ev);
    lc_engine_free(e);
    return doc;
}

/* The n-th headroom item (from 0) of that kind for that rule, or NULL. */
static const cJSON *item(const cJSON *doc, const char *kind, const char *rule, int n)
{
    const cJSON *h;
    cJSON_ArrayForEach(h, cJSON_GetObjectItemCaseSensitive(doc, "headroom"))
    {
        if (strcmp(json_text(h, "kind"), kind) == 0 && strcmp(json_text(h, "rule"), rule) == 0 && n-- == 0) return h;
    }
    return NULL;
}

static int crossed(const cJSON *h)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(h, "crossed"));
}

static const char *field(const cJSON *h, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(h, key);
    return cJSON_IsNull(v) ? "null" : json_text(h, key);
}

#define ASSERT_FIELD(h, key, want) cr_assert_str_eq(field(h, key), want, "%s: %s", key, field(h, key))

Test(headroom, a_20_minute_outage_leaves_23_2_minutes_in_a_30_day_month)
{
    /* June has 30 days: 43200 min × 0.1% = 43.2 min; the outage took 20 */
    cJSON *doc = as_of(OUTAGE("o1", "2026-06-05T10:00:00+08:00", "2026-06-05T10:20:00+08:00"),
                       "2026-06-10T00:00:00+08:00");
    const cJSON *h = item(doc, "downtime", "avail", 0);
    cr_assert_not_null(h);
    cr_assert(!crossed(h));
    ASSERT_FIELD(h, "left", "23.2");
    ASSERT_FIELD(h, "unit", "min");
    ASSERT_FIELD(h, "amount", "500.00");
    /* 20 of 43.2 min is 46.3 % of the room; 9 of 30 days is 30.0 % of the month */
    ASSERT_FIELD(h, "used", "46.3");
    ASSERT_FIELD(h, "gone", "30.0");
    /* at the rate so far (20 min in 9 days) 43.2 min are used after 19.44 days: June 20, 10:33:36 */
    ASSERT_FIELD(h, "at", "2026-06-20T10:33:36+08:00");
    cr_assert(strstr(json_text(h, "what"), "23.2 min more downtime in 2026-06"), "%s", json_text(h, "what"));
    /* the month shows the downtime so far over the whole month: 99.9537...% */
    const cJSON *june = json_item(doc, "months", 0);
    cr_assert_float_eq(cJSON_GetObjectItemCaseSensitive(june, "availability")->valuedouble, 99.953703703, 1e-6);
    cJSON_Delete(doc);
}

Test(headroom, exactly_43_2_minutes_is_not_below_the_band)
{
    /* 43.2 min is exactly 99.9%: not below, nothing left, the band not crossed */
    cJSON *doc = as_of(OUTAGE("o1", "2026-06-05T10:00:00+08:00", "2026-06-05T10:43:12+08:00"),
                       "2026-06-10T00:00:00+08:00");
    const cJSON *h = item(doc, "downtime", "avail", 0);
    cr_assert(!crossed(h));
    ASSERT_FIELD(h, "left", "0.0");
    ASSERT_FIELD(h, "used", "100.0");
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "breaches")), 0);
    cJSON_Delete(doc);
    /* one second more and the month is below, provisionally */
    doc = as_of(OUTAGE("o1", "2026-06-05T10:00:00+08:00", "2026-06-05T10:43:13+08:00"), "2026-06-10T00:00:00+08:00");
    h = item(doc, "downtime", "avail", 0);
    cr_assert(crossed(h));
    cr_assert(strstr(json_text(h, "what"), "(provisional)"), "%s", json_text(h, "what"));
    cJSON_Delete(doc);
}

Test(headroom, an_outage_still_open_uses_the_room_up_if_it_goes_on)
{
    /* open at 10:20 after 20 min: 23.2 min more, at 10:43:12 */
    cJSON *doc = as_of(OUTAGE("o1", "2026-06-05T10:00:00+08:00", "2026-06-05T12:30:00+08:00"),
                       "2026-06-05T10:20:00+08:00");
    const cJSON *h = item(doc, "downtime", "avail", 0);
    ASSERT_FIELD(h, "left", "23.2");
    ASSERT_FIELD(h, "at", "2026-06-05T10:43:12+08:00");
    cr_assert(strstr(json_text(h, "what"), "if o1 stays open"), "%s", json_text(h, "what"));
    /* the 120-min rule: a deadline at 12:00, in 100 min, 3 % of 10000.00 */
    h = item(doc, "deadline", "long", 0);
    cr_assert_not_null(h);
    ASSERT_FIELD(h, "at", "2026-06-05T12:00:00+08:00");
    ASSERT_FIELD(h, "left", "100.0");
    ASSERT_FIELD(h, "amount", "300.00");
    cr_assert(strstr(json_text(h, "what"), "outage o1"), "%s", json_text(h, "what"));
    cJSON_Delete(doc);
}

Test(headroom, an_outage_that_ended_has_no_deadline)
{
    cJSON *doc = as_of(OUTAGE("o1", "2026-06-05T10:00:00+08:00", "2026-06-05T10:20:00+08:00"),
                       "2026-06-05T10:20:00+08:00");
    cr_assert_null(item(doc, "deadline", "long", 0));
    cJSON_Delete(doc);
}

Test(headroom, counts_and_the_seven_day_rule_count_what_is_left)
{
    cJSON *doc = as_of(OUTAGE("o1", "2026-06-05T10:00:00+08:00", "2026-06-05T10:10:00+08:00")
                           OUTAGE("o2", "2026-06-08T10:00:00+08:00", "2026-06-08T11:00:00+08:00"),
                       "2026-06-10T00:00:00+08:00");
    /* 2 outages in June: 2 more and 'many' (4 or more) applies */
    const cJSON *h = item(doc, "count", "many", 0);
    ASSERT_FIELD(h, "left", "2");
    ASSERT_FIELD(h, "unit", "events");
    /* both within 7 days of the instant: 1 more outage, or 170 more min */
    h = item(doc, "cluster", "bunch", 0);
    ASSERT_FIELD(h, "left", "1");
    ASSERT_FIELD(h, "unit", "events");
    h = item(doc, "cluster", "bunch", 1);
    ASSERT_FIELD(h, "left", "170.0");
    ASSERT_FIELD(h, "unit", "min");
    cJSON_Delete(doc);
    /* on June 13 at 00:00, o1 (June 5) has left the window ending then */
    doc = as_of(OUTAGE("o1", "2026-06-05T10:00:00+08:00", "2026-06-05T10:10:00+08:00")
                    OUTAGE("o2", "2026-06-08T10:00:00+08:00", "2026-06-08T11:00:00+08:00"),
                "2026-06-13T00:00:00+08:00");
    ASSERT_FIELD(item(doc, "cluster", "bunch", 0), "left", "2");
    ASSERT_FIELD(item(doc, "cluster", "bunch", 1), "left", "180.0");
    cJSON_Delete(doc);
}

Test(headroom, caps_and_termination_say_the_room_left)
{
    /* a breach of 5 % of 10000.00 under a cap of 1000.00: 500.00 left */
    cJSON *doc = as_of(OUTAGE("o1", "2026-06-05T10:00:00+08:00", "2026-06-05T11:00:00+08:00")
                       "{\"type\":\"outage\",\"id\":\"o2\",\"start\":\"2026-06-06T10:00:00+08:00\","
                       "\"end\":\"2026-06-06T10:01:00+08:00\",\"class\":\"A\"}\n",
                       "2026-06-10T00:00:00+08:00");
    const cJSON *h = item(doc, "cap", "term", 0);
    ASSERT_FIELD(h, "left", "500.00");
    ASSERT_FIELD(h, "unit", "money");
    cr_assert(!crossed(h));
    h = item(doc, "termination", "A", 0);
    ASSERT_FIELD(h, "left", "1");
    ASSERT_FIELD(h, "unit", "incidents");
    cr_assert(!crossed(h));
    cJSON_Delete(doc);
}

Test(headroom, work_not_done_is_late_from_the_day_after_its_due_day)
{
    const char *m = "{\"type\":\"milestone\",\"id\":\"m1\",\"due\":\"2026-07-01T18:00:00+08:00\"}\n";
    /* on June 30 at 12:00: late from July 2 00:00, in 1.5 days; its first day costs 100.00 */
    cJSON *doc = as_of(m, "2026-06-30T12:00:00+08:00");
    const cJSON *h = item(doc, "late", "late", 0);
    cr_assert_not_null(h);
    cr_assert(!crossed(h));
    ASSERT_FIELD(h, "at", "2026-07-02T00:00:00+08:00");
    ASSERT_FIELD(h, "left", "1.5");
    ASSERT_FIELD(h, "amount", "100.00");
    cJSON_Delete(doc);
    /* on July 4: 3 days late so far, 300.00 (provisional) */
    doc = as_of(m, "2026-07-04T09:00:00+08:00");
    h = item(doc, "late", "late", 0);
    cr_assert(crossed(h));
    ASSERT_FIELD(h, "amount", "300.00");
    cr_assert(strstr(json_text(h, "what"), "3 days late so far"), "%s", json_text(h, "what"));
    cJSON_Delete(doc);
}

Test(headroom, a_result_not_as_of_an_instant_has_none)
{
    cJSON *doc = json_of_rules(RULES, OUTAGE("o1", "2026-06-05T10:00:00+08:00", "2026-06-05T10:20:00+08:00"));
    cr_assert_null(cJSON_GetObjectItemCaseSensitive(doc, "headroom"));
    cJSON_Delete(doc);
}

/* At or after the term's end every month is assessed: nothing is left to
 * cross, so there is no headroom; before the start no month is in
 * progress, and the term cap's room is whole. */
Test(headroom, none_after_the_term_whole_before_it)
{
    const char *events = OUTAGE("o1", "2026-06-10T10:00:00+08:00", "2026-06-10T10:20:00+08:00");
    cJSON *after = as_of(events, "2026-09-01T00:00:00+08:00");
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(after, "headroom")), 0);
    cJSON_Delete(after);
    cJSON *before = as_of(events, "2026-05-20T00:00:00+08:00");
    cr_assert_null(item(before, "downtime", "avail", 0));
    const cJSON *cap = item(before, "cap", "term", 0);
    cr_assert_not_null(cap);
    cr_assert_str_eq(json_text(cap, "left"), "1000.00");
    cJSON_Delete(before);
}
