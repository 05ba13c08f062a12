/* Every kind of rule (breach, incident, finding, violation) at every scope
 * (event, month, streak, cluster, function): each fires as its kind says —
 * an incident is an incident and gives a termination right, a finding is
 * listed, a violation is counted — never dropped, never a 0.00 breach. */
#include <criterion/criterion.h>

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcontract.h"

/* April 2026 has 30 days: an outage of 129.6 min leaves 99.7 %. */
static const char HEAD[] =
    "contract { id = 'kinds', timezone = '+08:00', term = { '2026-04-01', '2026-07-01' } }\n"
    "param { 'fee', '10000.00', unit = 'money' }\n"
    "param { 'target', 99.9, unit = '%' }\n"
    "param { 'streak', 2, unit = 'months', min = 1 }\n"
    "param { 'window', 7, unit = 'd' }\n"
    "param { 'count', 2, unit = 'count', min = 1 }\n"
    "param { 'once', 1, unit = 'count', min = 1 }\n"
    "penalty_base { pct = 100, of = P.fee }\n"
    "event 'outage' { anchor = 'start', ends = 'end',\n"
    "  { 'start', 'time', required = true }, { 'end', 'time', required = true },\n"
    "  order = { 'start <= end' } }\n"
    "measure 'availability' { availability = 'outage', label = 'availability', unit = '%' }\n"
    "month_columns { { 'availability', 'availability' } }\n";

/* Two outages of 129.6 min, in April and in May (each month below 99.9 %;
 * May has 31 days, still below), four days apart across the month end. */
static const char OUTAGES[] =
    "{\"type\":\"outage\",\"id\":\"o-1\",\"start\":\"2026-04-28T10:00:00+08:00\",\"end\":\"2026-04-28T12:09:36+08:00\"}\n"
    "{\"type\":\"outage\",\"id\":\"o-2\",\"start\":\"2026-05-02T10:00:00+08:00\",\"end\":\"2026-05-02T12:09:36+08:00\"}\n";

/* The JSON result of OUTAGES under HEAD + rules, or NULL with *status. */
static cJSON *evaluate(const char *rules, lc_status *status, lc_error *err)
{
    size_t n = strlen(HEAD) + strlen(rules) + 1;
    char *text = malloc(n);
    cr_assert_not_null(text);
    snprintf(text, n, "%s%s", HEAD, rules);
    lc_engine *e = NULL;
    lc_eval *ev = NULL;
    lc_result *res = NULL;
    char *json = NULL;
    *status = lc_engine_new(&e, NULL, err);
    if (*status == LC_OK) *status = lc_engine_load_string(e, "kinds.lua", text, strlen(text), err);
    if (*status == LC_OK) *status = lc_eval_new(&ev, e, 0, err);
    if (*status == LC_OK) *status = lc_eval_push_lines(ev, "e.jsonl", OUTAGES, strlen(OUTAGES), err);
    if (*status == LC_OK) *status = lc_eval_end_stream(ev, err);
    if (*status == LC_OK) *status = lc_eval_result(ev, &res, err);
    if (*status == LC_OK) *status = lc_result_json(res, &json, NULL, err);
    cJSON *doc = json ? cJSON_Parse(json) : NULL;
    lc_free(json);
    lc_result_free(res);
    lc_eval_free(ev);
    lc_engine_free(e);
    free(text);
    return doc;
}

static cJSON *result_of(const char *rules)
{
    lc_status st;
    lc_error err = {0};
    cJSON *doc = evaluate(rules, &st, &err);
    cr_assert_eq(st, LC_OK, "%s:%ld: %s", err.file, err.line, err.message);
    cr_assert_not_null(doc);
    return doc;
}

static int count(const cJSON *doc, const char *list)
{
    return cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, list));
}

static const char *item_text(const cJSON *doc, const char *list, int i, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(doc, list), i), key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int termination_right(const cJSON *doc)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(doc, "termination"), "right"));
}

/* The scopes, each once as `%s "X" { %s }` with the kind's keys. */
static const char *const SCOPES[] = {
    "on = 'outage'",
    "month = 'availability', band = { lt = P.target }",
    "month = 'availability', band = { lt = P.target }, streak = P.streak",
    "on = 'outage', cluster = { window = P.window, count_ge = P.count }",
    "check = function(m, p) return m.availability ~= nil and m.availability < p.target, 'below target' end",
};
/* How many times each scope fires on OUTAGES. */
static const int FIRES[] = {2, 2, 1, 1, 2};

static cJSON *with_rule(const char *kind, const char *keys, int scope)
{
    char rules[1024];
    snprintf(rules, sizeof rules, "%s 'x.1' { %s clause = 'C 1', %s }\n", kind, keys, SCOPES[scope]);
    return result_of(rules);
}

Test(kinds, incidents_fire_at_every_scope_and_give_the_right)
{
    for (int s = 0; s < 5; s++) {
        char rules[1024];
        snprintf(rules, sizeof rules,
                 "incident 'A.x' { class = 'A', clause = 'C 1', %s }\n"
                 "termination { { 'A', incidents = 'A', at_least = P.once } }\n",
                 SCOPES[s]);
        cJSON *doc = result_of(rules);
        cr_assert_eq(count(doc, "incidents"), FIRES[s], "scope %d: %d incidents", s, count(doc, "incidents"));
        cr_assert_eq(count(doc, "breaches"), 0, "scope %d: an incident became a breach", s);
        cr_assert_str_eq(item_text(doc, "incidents", 0, "class"), "A");
        cr_assert(termination_right(doc), "scope %d: no termination right", s);
        cJSON_Delete(doc);
    }
}

Test(kinds, findings_fire_at_every_scope)
{
    for (int s = 0; s < 5; s++) {
        cJSON *doc = with_rule("finding", "", s);
        cr_assert_eq(count(doc, "findings"), FIRES[s], "scope %d: %d findings", s, count(doc, "findings"));
        cr_assert_str_eq(item_text(doc, "findings", 0, "kind"), "x.1");
        cr_assert_eq(count(doc, "breaches"), 0);
        cJSON_Delete(doc);
    }
}

Test(kinds, violations_are_counted_at_every_scope)
{
    for (int s = 0; s < 5; s++) {
        char rules[1024];
        snprintf(rules, sizeof rules,
                 "violation 'v' { clause = 'C 1', %s }\n"
                 "termination { { 'violations', violations = 'v', at_least = P.once } }\n",
                 SCOPES[s]);
        cJSON *doc = result_of(rules);
        cr_assert(termination_right(doc), "scope %d: the violation was not counted", s);
        cJSON_Delete(doc);
    }
}

Test(kinds, breaches_cost_money_at_every_scope)
{
    for (int s = 0; s < 5; s++) {
        cJSON *doc = with_rule("breach", "class = 'minor', pct = 5,", s);
        cr_assert_eq(count(doc, "breaches"), FIRES[s], "scope %d", s);
        cr_assert_str_eq(item_text(doc, "breaches", 0, "amount"), "500.00");
        cJSON_Delete(doc);
    }
}

static void assert_load_error(const char *rules, const char *needle)
{
    lc_status st;
    lc_error err = {0};
    cJSON *doc = evaluate(rules, &st, &err);
    cr_assert_null(doc);
    cr_assert_eq(st, LC_ERULES, "%s", rules);
    cr_assert(strstr(err.message, needle), "\"%s\" lacks \"%s\"", err.message, needle);
}

Test(kinds, what_a_scope_cannot_take_is_a_load_error)
{
    /* a termination reason's `where` is about single events */
    assert_load_error("violation 'v' { month = 'availability', band = { lt = P.target } }\n"
                      "termination { { 'v', violations = 'v', where = absent 'end', at_least = P.once } }\n",
                      "where needs violation v to be about single events");
    /* `unless` compares conditions on the same events */
    assert_load_error("incident 'A.x' { class = 'A', month = 'availability', band = { lt = P.target } }\n"
                      "incident 'B.x' { class = 'B', month = 'availability', band = { lt = P.target }, unless = 'A.x' }\n",
                      "unless names a rule on the same single events");
}

/* A rule function says whether it applies with a boolean: Lua's
 * truthiness would count NaN, 0 or a table as a hit. */
Test(kinds, a_function_returns_a_boolean_first)
{
    static const char *const bad[] = {"0/0", "0", "{}", "'yes'"};
    static const char *const shown[] = {"a number (-nan)", "a number (0)", "a table", "a string"};
    for (size_t i = 0; i < 4; i++) {
        char rules[512];
        snprintf(rules, sizeof rules, "breach 'f.1' { class = 'c', pct = 1, check = function(m) return %s end }\n", bad[i]);
        lc_status st;
        lc_error err = {0};
        cr_assert_null(evaluate(rules, &st, &err));
        cr_assert_eq(st, LC_ERULES);
        cr_assert(strstr(err.message, "rule f.1: check returned") && strstr(err.message, "true, false or nil"), "%s",
                  err.message);
        cr_assert(strstr(err.message, shown[i]) || i == 0, "%s", err.message);
        cr_assert_str_eq(err.file, "kinds.lua");
    }
    lc_status st;
    lc_error err = {0};
    cr_assert_null(evaluate("breach 'f.1' { class = 'c', pct = 1, check = function(m) return true, 5 end }\n", &st, &err));
    cr_assert(strstr(err.message, "check returned a number as the reason"), "%s", err.message);
    cr_assert_null(evaluate("breach 'f.1' { class = 'c', pct = 1, check = function(m) return true, ('x'):rep(5000) end }\n",
                            &st, &err));
    cr_assert(strstr(err.message, "5000 bytes long: at most 4096"), "%s", err.message);
    cJSON *doc = result_of("breach 'f.1' { class = 'c', pct = 1, check = function(m) return nil end }\n");
    cr_assert_eq(count(doc, "breaches"), 0);
    cJSON_Delete(doc);
}
