/* The late kind: work done after its due day, priced per day late and held
 * under a share of the work's value; done by its own field or by the first
 * passing delivery that names it (a failed acceptance test does not stop
 * the clock). */
#include <criterion/criterion.h>

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval_fixture.h"

static const char RULES[] =
    "contract { id = 'late', currency = 'CNY', timezone = '+08:00', term = { '2026-01-01', '2027-01-01' } }\n"
    "param { 'daily', '100.00', unit = 'money' }\n"
    "param { 'delay_cap', 5, unit = '%' }\n"
    "event 'milestone' { anchor = 'due', { 'due', 'time', required = true }, { 'accepted', 'time' },\n"
    "  { 'value', 'money', required = true } }\n"
    "event 'delivery' { anchor = 'at', { 'at', 'time', required = true }, { 'milestone', 'string', required = true },\n"
    "  { 'passed', 'bool', required = true } }\n"
    "breach 'own.1' { class = 'delay', on = 'milestone', late = { due = 'due', done = 'accepted' },\n"
    "  amount = per_day(P.daily), max = pct_of(P.delay_cap, field 'value') }\n"
    "breach 'by.1' { class = 'delay', on = 'milestone', late = { due = 'due',\n"
    "  done_by = { on = 'delivery', match = 'milestone', at = 'at', where = is('passed', true) } },\n"
    "  amount = per_day(P.daily) }\n";

static cJSON *evaluate(const char *events)
{
    return json_of_rules(RULES, events);
}

static const cJSON *breach(const cJSON *doc, int i)
{
    return json_item(doc, "breaches", i);
}

#define text json_text

static int count(const cJSON *doc)
{
    return cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "breaches"));
}

#define MILESTONE(id, due, accepted, value)                                                             \
    "{\"type\":\"milestone\",\"id\":\"" id "\",\"due\":\"" due "\"" accepted ",\"value\":\"" value "\"}\n"
#define DELIVERY(id, m, at, passed) \
    "{\"type\":\"delivery\",\"id\":\"" id "\",\"milestone\":\"" m "\",\"at\":\"" at "\",\"passed\":" passed "}\n"

Test(late, the_due_day_itself_is_not_late)
{
    /* due 2026-03-01 18:00 local, accepted 23:59 local the same day */
    cJSON *doc = evaluate(MILESTONE("m1", "2026-03-01T10:00:00Z", ",\"accepted\":\"2026-03-01T15:59:00Z\"", "100000"));
    cr_assert_eq(count(doc), 0);
    cJSON_Delete(doc);
}

Test(late, days_are_counted_in_the_contracts_time_zone)
{
    /* 16:00Z is the next local day (+08:00): one day late */
    cJSON *doc = evaluate(MILESTONE("m1", "2026-03-01T10:00:00Z", ",\"accepted\":\"2026-03-01T16:00:00Z\"", "100000"));
    cr_assert_eq(count(doc), 1);
    cr_assert_str_eq(text(breach(doc, 0), "rule"), "own.1");
    cr_assert_str_eq(text(breach(doc, 0), "amount"), "100.00");
    cr_assert(strstr(text(breach(doc, 0), "reason"), "1 day late"), "%s", text(breach(doc, 0), "reason"));
    cJSON_Delete(doc);
}

Test(late, the_rate_is_held_under_a_share_of_the_value)
{
    /* 70 days late at 100.00 is 7000.00; 5 % of 100000 is 5000.00 */
    cJSON *doc = evaluate(MILESTONE("m1", "2026-03-01T02:00:00Z", ",\"accepted\":\"2026-05-10T02:00:00Z\"", "100000"));
    cr_assert_str_eq(text(breach(doc, 0), "amount"), "5000.00");
    /* exactly at the cap: 50 days on 100000 would be 5000.00; 49 days is under */
    cJSON_Delete(doc);
    doc = evaluate(MILESTONE("m1", "2026-03-01T02:00:00Z", ",\"accepted\":\"2026-04-19T02:00:00Z\"", "100000"));
    cr_assert_str_eq(text(breach(doc, 0), "amount"), "4900.00");
    cJSON_Delete(doc);
}

Test(late, work_not_done_is_not_late_yet)
{
    cJSON *doc = evaluate(MILESTONE("m1", "2026-03-01T02:00:00Z", "", "100000"));
    cr_assert_eq(count(doc), 0);
    cJSON_Delete(doc);
}

Test(late, a_failed_test_does_not_stop_the_clock)
{
    /* m1 has no accepted field: only by.1 sees it done.  The delivery of
     * 03-02 fails, the one of 03-05 passes: four days late. */
    cJSON *doc = evaluate(MILESTONE("m1", "2026-03-01T02:00:00Z", "", "100000")
                              DELIVERY("d1", "m1", "2026-03-02T02:00:00Z", "false")
                                  DELIVERY("d2", "m1", "2026-03-05T02:00:00Z", "true")
                                      DELIVERY("d3", "m1", "2026-03-09T02:00:00Z", "true")
                                          DELIVERY("d4", "other", "2026-03-01T03:00:00Z", "true"));
    cr_assert_eq(count(doc), 1);
    cr_assert_str_eq(text(breach(doc, 0), "rule"), "by.1");
    cr_assert_str_eq(text(breach(doc, 0), "amount"), "400.00");
    cJSON_Delete(doc);
}

Test(late, a_passing_delivery_on_the_due_day_is_on_time)
{
    cJSON *doc = evaluate(MILESTONE("m1", "2026-03-01T02:00:00Z", "", "100000")
                              DELIVERY("d1", "m1", "2026-03-01T15:00:00Z", "true"));
    cr_assert_eq(count(doc), 0);
    cJSON_Delete(doc);
}

static void assert_refused(const char *breach_decl, const char *words)
{
    char rules[4096];
    snprintf(rules, sizeof rules,
             "contract { id = 'late', currency = 'CNY', timezone = '+08:00', term = { '2026-01-01', '2027-01-01' } }\n"
             "event 'milestone' { anchor = 'due', { 'due', 'time', required = true }, { 'accepted', 'time' },\n"
             "  { 'name', 'string' } }\n"
             "%s\n",
             breach_decl);
    lc_engine *e = NULL;
    lc_error err = {0};
    cr_assert_eq(lc_engine_new(&e, NULL, &err), LC_OK);
    cr_assert_neq(lc_engine_load_string(e, "late.lua", rules, strlen(rules), &err), LC_OK, "%s was accepted", breach_decl);
    cr_assert(strstr(err.message, words), "%s: %s", breach_decl, err.message);
    lc_engine_free(e);
}

Test(late, mistakes_are_refused_by_name)
{
    assert_refused("breach 'x' { class = 'd', on = 'milestone', late = { due = 'due' }, amount = 1 }", "done");
    assert_refused("breach 'x' { class = 'd', on = 'milestone', late = { due = 'name', done = 'accepted' }, amount = 1 }",
                   "time field");
    assert_refused("breach 'x' { class = 'd', on = 'milestone', late = { due = 'due', don = 'accepted' }, amount = 1 }",
                   "done");
    assert_refused("breach 'x' { class = 'd', on = 'milestone', late = { due = 'due', done = 'accepted',\n"
                   "  done_by = { on = 'milestone', match = 'name', at = 'due' } }, amount = 1 }",
                   "one of them");
    assert_refused("breach 'x' { class = 'd', on = 'milestone', late = { due = 'due', done = 'acepted' }, amount = 1 }",
                   "accepted");
}

/* Every outcome works with the lateness: a finding names the late work,
 * an incident counts toward termination, both without money. */
Test(late, findings_and_incidents_of_lateness)
{
    const char rules[] =
        "contract { id = 'late', timezone = '+08:00', term = { '2026-01-01', '2027-01-01' } }\n"
        "param { 'n', 1, unit = 'count', min = 1 }\n"
        "event 'milestone' { anchor = 'due', { 'due', 'time', required = true }, { 'accepted', 'time' } }\n"
        "finding 'late' { on = 'milestone', late = { due = 'due', done = 'accepted' } }\n"
        "incident 'L.1' { class = 'L', on = 'milestone', late = { due = 'due', done = 'accepted' } }\n"
        "termination { { 'late_work', incidents = 'L', at_least = P.n } }\n";
    cJSON *doc = json_of_rules(rules, "{\"type\":\"milestone\",\"id\":\"m1\",\"due\":\"2026-03-01T02:00:00Z\","
                                      "\"accepted\":\"2026-03-03T02:00:00Z\"}\n");
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "breaches")), 0);
    cr_assert_str_eq(json_text(json_item(doc, "incidents", 0), "rule"), "L.1");
    const cJSON *finding = json_item(doc, "findings", 0);
    cr_assert(strstr(json_text(finding, "message"), "2 days late"), "%s", json_text(finding, "message"));
    const cJSON *term = cJSON_GetObjectItemCaseSensitive(doc, "termination");
    cr_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(term, "right")));
    cJSON_Delete(doc);
}
