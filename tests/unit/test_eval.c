/* End-to-end tests of the public API: results and their accessors, what-if
 * parameters without re-pushing events, result lifetime, NULL handles and
 * error formatting. */
#include <criterion/criterion.h>

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcontract.h"

#define REFERENCE LC_SOURCE_DIR "/rules/beijing-sme-secops-2026.lua"
#define GOLDEN LC_SOURCE_DIR "/tests/golden/reference"

#define assert_contains(hay, needle) \
    cr_assert(strstr((hay), (needle)) != NULL, "expected \"%s\" in \"%s\"", (needle), (hay))

/* One month rule on availability; April 2026 has 30 days, so an outage of
 * 129.6 minutes leaves exactly 99.7 %. */
static const char SLA[] =
    "contract { id = 'sla', timezone = '+08:00', term = { '2026-04-01', '2026-06-01' } }\n"
    "param { 'fee', '10000.00', unit = 'money' }\n"
    "param { 'availability_target', 99.9, unit = '%' }\n"
    "penalty_base { pct = 100, of = P.fee }\n"
    "event 'outage' { anchor = 'start', ends = 'end',\n"
    "  { 'start', 'time', required = true }, { 'end', 'time', required = true },\n"
    "  order = { 'start <= end' } }\n"
    "measure 'availability' { availability = 'outage', label = 'availability', unit = '%' }\n"
    "month_columns { { 'availability', 'availability' } }\n"
    "breach 'sla.1' { class = 'minor', pct = 5, clause = 'SLA 1',\n"
    "  month = 'availability', band = { lt = P.availability_target } }\n";

static const char OUTAGE_997[] = "{\"type\":\"outage\",\"id\":\"o-1\",\"start\":\"2026-04-10T10:00:00+08:00\","
                                 "\"end\":\"2026-04-10T12:09:36+08:00\"}\n";

static lc_engine *engine_with(const char *name, const char *text)
{
    lc_engine *e = NULL;
    lc_error err = {0};
    cr_assert_eq(lc_engine_new(&e, NULL, &err), LC_OK);
    cr_assert_eq(lc_engine_load_string(e, name, text, strlen(text), &err), LC_OK, "%s:%ld: %s", err.file, err.line,
                 err.message);
    return e;
}

static lc_engine *reference_engine(void)
{
    lc_engine *e = NULL;
    lc_error err = {0};
    cr_assert_eq(lc_engine_new(&e, NULL, &err), LC_OK);
    cr_assert_eq(lc_engine_load_file(e, REFERENCE, &err), LC_OK, "%s:%ld: %s", err.file, err.line, err.message);
    return e;
}

static lc_eval *eval_with(lc_engine *e, const char *events)
{
    lc_eval *ev = NULL;
    lc_error err = {0};
    cr_assert_eq(lc_eval_new(&ev, e, 0, &err), LC_OK);
    cr_assert_eq(lc_eval_push_lines(ev, "events.jsonl", events, strlen(events), &err), LC_OK, "%ld: %s", err.line,
                 err.message);
    cr_assert_eq(lc_eval_end_stream(ev, &err), LC_OK, "%s", err.message);
    return ev;
}

static lc_result *result_of(lc_eval *ev)
{
    lc_result *res = NULL;
    lc_error err = {0};
    cr_assert_eq(lc_eval_result(ev, &res, &err), LC_OK, "%s", err.message);
    cr_assert_not_null(res);
    return res;
}

static char *json_of(const lc_result *res)
{
    char *json = NULL;
    size_t len = 0;
    lc_error err = {0};
    cr_assert_eq(lc_result_json(res, &json, &len, &err), LC_OK, "%s", err.message);
    cr_assert_eq(strlen(json), len);
    return json;
}

/* "5158.80" -> 515880 */
static int64_t fen_of(const char *s)
{
    int neg = *s == '-';
    if (neg) s++;
    const char *dot = strchr(s, '.');
    cr_assert_not_null(dot, "amount %s has no decimals", s);
    cr_assert_eq(strlen(dot + 1), 2, "amount %s has not two decimals", s);
    int64_t v = strtoll(s, NULL, 10) * 100 + strtoll(dot + 1, NULL, 10);
    return neg ? -v : v;
}

static void assert_same_text(const char *api, const cJSON *json, const char *what)
{
    if (!api) {
        cr_assert(cJSON_IsNull(json), "%s: accessor NULL, JSON not null", what);
        return;
    }
    cr_assert(cJSON_IsString(json), "%s: JSON is not a string", what);
    cr_assert_str_eq(api, json->valuestring, "%s", what);
}

/* Every accessor must tell what the JSON tells. */
static void assert_accessors_match_json(const lc_result *res)
{
    char *text = json_of(res);
    cJSON *root = cJSON_Parse(text);
    cr_assert_not_null(root, "the result's JSON does not parse");
    lc_totals t;
    lc_result_totals(res, &t);

    const cJSON *totals = cJSON_GetObjectItemCaseSensitive(root, "totals");
    cr_assert_eq(t.amount_uncapped, fen_of(cJSON_GetObjectItemCaseSensitive(totals, "amount_uncapped")->valuestring));
    cr_assert_eq(t.amount, fen_of(cJSON_GetObjectItemCaseSensitive(totals, "amount")->valuestring));
    cr_assert_eq(t.capped, cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(totals, "capped")));
    const cJSON *cap = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "contract"), "cap");
    if (cJSON_IsNull(cap)) cr_assert_eq(t.cap, -1);
    else cr_assert_eq(t.cap, fen_of(cap->valuestring));
    cr_assert_eq(t.termination_right,
                 cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "termination"),
                                                               "right")));
    cr_assert_eq(t.incidents, (size_t)cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(root, "incidents")));
    cr_assert_eq(t.warnings, (size_t)cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(root, "warnings")));

    const cJSON *breaches = cJSON_GetObjectItemCaseSensitive(root, "breaches");
    cr_assert_eq(t.breaches, (size_t)cJSON_GetArraySize(breaches));
    cr_assert_eq(lc_result_breach_count(res), t.breaches);
    size_t i = 0;
    int64_t sum = 0;
    const cJSON *jb;
    cJSON_ArrayForEach(jb, breaches)
    {
        lc_breach b;
        char what[64];
        cr_assert_eq(lc_result_breach(res, i, &b), 1);
        snprintf(what, sizeof what, "breach %zu rule", i);
        assert_same_text(b.rule, cJSON_GetObjectItemCaseSensitive(jb, "rule"), what);
        snprintf(what, sizeof what, "breach %zu class", i);
        assert_same_text(b.class_, cJSON_GetObjectItemCaseSensitive(jb, "class"), what);
        snprintf(what, sizeof what, "breach %zu clause", i);
        assert_same_text(b.clause, cJSON_GetObjectItemCaseSensitive(jb, "clause"), what);
        snprintf(what, sizeof what, "breach %zu reason", i);
        assert_same_text(b.reason, cJSON_GetObjectItemCaseSensitive(jb, "reason"), what);
        snprintf(what, sizeof what, "breach %zu period", i);
        assert_same_text(b.period, cJSON_GetObjectItemCaseSensitive(jb, "period"), what);
        snprintf(what, sizeof what, "breach %zu at", i);
        assert_same_text(b.at, cJSON_GetObjectItemCaseSensitive(jb, "at"), what);
        cr_assert_eq(b.amount, fen_of(cJSON_GetObjectItemCaseSensitive(jb, "amount")->valuestring), "breach %zu amount",
                     i);
        cr_assert_eq(strtod(b.pct, NULL), cJSON_GetObjectItemCaseSensitive(jb, "pct")->valuedouble, "breach %zu pct", i);
        const cJSON *events = cJSON_GetObjectItemCaseSensitive(jb, "events");
        cr_assert_eq(b.event_count, (size_t)cJSON_GetArraySize(events), "breach %zu events", i);
        for (size_t j = 0; j < b.event_count; j++)
            cr_assert_str_eq(lc_result_breach_event(res, i, j), cJSON_GetArrayItem(events, (int)j)->valuestring,
                             "breach %zu event %zu", i, j);
        cr_assert_null(lc_result_breach_event(res, i, b.event_count));
        sum += b.amount;
        i++;
    }
    cr_assert_eq(lc_result_breach(res, i, &(lc_breach){0}), 0, "a breach past the end");
    cr_assert_eq(sum, t.amount_uncapped, "breach amounts add up to the uncapped total");

    const cJSON *months = cJSON_GetObjectItemCaseSensitive(root, "months");
    cr_assert_eq(lc_result_month_count(res), (size_t)cJSON_GetArraySize(months));
    i = 0;
    const cJSON *jm;
    cJSON_ArrayForEach(jm, months)
    {
        lc_month m;
        cr_assert_eq(lc_result_month(res, i, &m), 1);
        assert_same_text(m.month, cJSON_GetObjectItemCaseSensitive(jm, "month"), "month label");
        const cJSON *col;
        cJSON_ArrayForEach(col, jm)
        {
            double v;
            if (strcmp(col->string, "month") == 0) continue;
            int has = lc_result_month_value(res, i, col->string, &v);
            cr_assert_eq(has, !cJSON_IsNull(col), "%s %s", m.month, col->string);
            if (has && cJSON_IsString(col)) cr_assert_eq(v, strtod(col->valuestring, NULL), "%s %s", m.month, col->string);
            else if (has) cr_assert_eq(v, col->valuedouble, "%s %s", m.month, col->string);
        }
        i++;
    }
    cJSON_Delete(root);
    lc_free(text);
}

/* ---- accessors and JSON -------------------------------------------------------- */

Test(result_accessors, golden_ticket_case_values)
{
    lc_engine *e = reference_engine();
    lc_eval *ev = NULL;
    lc_error err = {0};
    cr_assert_eq(lc_eval_new(&ev, e, 0, &err), LC_OK);
    cr_assert_eq(lc_eval_push_file(ev, GOLDEN "/ticket-response-45-minor5/events.jsonl", &err), LC_OK, "%s",
                 err.message);
    lc_result *res = result_of(ev);
    lc_totals t;
    lc_result_totals(res, &t);
    cr_assert_eq(t.breaches, 1);
    cr_assert_eq(t.amount_uncapped, 515880);
    cr_assert_eq(t.amount, 515880);
    cr_assert_eq(t.capped, 0);
    cr_assert_eq(t.cap, 17196000);
    cr_assert_eq(t.termination_right, 0);
    cr_assert_eq(t.incidents, 0);
    lc_breach b;
    cr_assert_eq(lc_result_breach(res, 0, &b), 1);
    cr_assert_str_eq(b.rule, "minor.5");
    cr_assert_str_eq(b.class_, "minor");
    cr_assert_str_eq(b.clause, "附件6 第5项");
    cr_assert_str_eq(b.pct, "3");
    cr_assert_eq(b.amount, 515880);
    cr_assert_str_eq(b.period, "2026-04");
    cr_assert_null(b.at);
    cr_assert_eq(b.event_count, 2);
    cr_assert_str_eq(lc_result_breach_event(res, 0, 0), "t-1");
    cr_assert_str_eq(lc_result_breach_event(res, 0, 1), "t-2");
    assert_contains(b.reason, "45.0");
    double v;
    size_t april = 1; /* the term starts in March */
    lc_month m;
    cr_assert_eq(lc_result_month(res, april, &m), 1);
    cr_assert_str_eq(m.month, "2026-04");
    cr_assert_eq(lc_result_month_value(res, april, "ops_response_avg_min", &v), 1);
    cr_assert_float_eq(v, 45.0, 1e-9);
    cr_assert(isnan(m.score));
    assert_accessors_match_json(res);
    lc_result_free(res);
    lc_eval_free(ev);
    lc_engine_free(e);
}

Test(result_accessors, agree_with_the_json_on_the_example_year, .timeout = 120)
{
    static const char *const files[] = {"administration", "incidents", "operations", "scores", "security", "tickets"};
    lc_engine *e = reference_engine();
    lc_eval *ev = NULL;
    lc_error err = {0};
    cr_assert_eq(lc_eval_new(&ev, e, 0, &err), LC_OK);
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[512];
        snprintf(path, sizeof path, GOLDEN "/year-example/%s.jsonl", files[i]);
        cr_assert_eq(lc_eval_push_file(ev, path, &err), LC_OK, "%s:%ld: %s", err.file, err.line, err.message);
    }
    lc_result *res = result_of(ev);
    lc_totals t;
    lc_result_totals(res, &t);
    cr_assert_gt(t.breaches, 3, "the example year has breaches of several kinds");
    assert_accessors_match_json(res);
    lc_result_free(res);
    lc_eval_free(ev);
    lc_engine_free(e);
}

/* ---- what-if: parameters changed between results ---------------------------------- */

static size_t breaches_of(lc_eval *ev, int64_t *amount)
{
    lc_result *res = result_of(ev);
    lc_totals t;
    lc_result_totals(res, &t);
    *amount = t.amount;
    lc_result_free(res);
    return t.breaches;
}

Test(what_if, results_follow_the_parameter_without_re_pushing_events)
{
    lc_engine *e = engine_with("sla.lua", SLA);
    lc_eval *ev = eval_with(e, OUTAGE_997);
    lc_error err = {0};
    int64_t amount;

    lc_result *res = result_of(ev);
    lc_month m;
    cr_assert_eq(lc_result_month(res, 0, &m), 1);
    cr_assert_str_eq(m.month, "2026-04");
    cr_assert_float_eq(m.availability, 99.7, 1e-9);
    lc_breach b;
    cr_assert_eq(lc_result_breach_count(res), 1);
    cr_assert_eq(lc_result_breach(res, 0, &b), 1);
    cr_assert_str_eq(b.rule, "sla.1");
    cr_assert_eq(b.amount, 50000); /* 5 % of 10000.00 */
    cr_assert_str_eq(b.period, "2026-04");
    cr_assert_str_eq(lc_result_breach_event(res, 0, 0), "o-1");
    lc_result_free(res);

    cr_assert_eq(lc_engine_set_param(e, "availability_target", "99.5", &err), LC_OK, "%s", err.message);
    cr_assert_eq(breaches_of(ev, &amount), 0);
    cr_assert_eq(amount, 0);

    cr_assert_eq(lc_engine_set_param(e, "availability_target", "99.9", &err), LC_OK, "%s", err.message);
    cr_assert_eq(breaches_of(ev, &amount), 1);
    cr_assert_eq(amount, 50000);

    lc_eval_free(ev);
    lc_engine_free(e);
}

Test(what_if, band_comparison_is_exact_at_the_boundary)
{
    lc_engine *e = engine_with("sla.lua", SLA);
    lc_eval *ev = eval_with(e, OUTAGE_997);
    lc_error err = {0};
    int64_t amount;
    /* 99.7 is not below 99.7; it is below 99.700001 */
    cr_assert_eq(lc_engine_set_param(e, "availability_target", "99.7", &err), LC_OK);
    cr_assert_eq(breaches_of(ev, &amount), 0);
    cr_assert_eq(lc_engine_set_param(e, "availability_target", "99.700001", &err), LC_OK);
    cr_assert_eq(breaches_of(ev, &amount), 1);
    lc_eval_free(ev);
    lc_engine_free(e);
}

Test(what_if, money_parameter_changes_the_amount)
{
    lc_engine *e = engine_with("sla.lua", SLA);
    lc_eval *ev = eval_with(e, OUTAGE_997);
    lc_error err = {0};
    int64_t amount;
    cr_assert_eq(lc_engine_set_param(e, "fee", "333.33", &err), LC_OK, "%s", err.message);
    cr_assert_eq(breaches_of(ev, &amount), 1);
    cr_assert_eq(amount, 1667); /* 5 % of 333.33 = 16.6665, half up */
    lc_eval_free(ev);
    lc_engine_free(e);
}

static int count_rule(lc_eval *ev, const char *rule)
{
    lc_result *res = result_of(ev);
    lc_breach b;
    int n = 0;
    for (size_t i = 0; lc_result_breach(res, i, &b); i++) n += strcmp(b.rule, rule) == 0;
    lc_result_free(res);
    return n;
}

Test(what_if, reference_availability_target)
{
    lc_engine *e = reference_engine();
    lc_eval *ev = eval_with(e, "{\"type\":\"outage\",\"id\":\"o-1\",\"start\":\"2026-04-10T10:00:00+08:00\","
                               "\"end\":\"2026-04-10T12:09:36+08:00\"}\n");
    lc_error err = {0};
    lc_result *res = result_of(ev);
    int minor1 = 0;
    lc_breach b;
    for (size_t i = 0; lc_result_breach(res, i, &b); i++) minor1 += strcmp(b.rule, "minor.1") == 0;
    cr_assert_eq(minor1, 1, "99.7 %% is below 99.9 %%");
    lc_result_free(res);
    cr_assert_eq(lc_engine_set_param(e, "availability_target", "99.5", &err), LC_OK, "%s", err.message);
    res = result_of(ev);
    minor1 = 0;
    for (size_t i = 0; lc_result_breach(res, i, &b); i++) minor1 += strcmp(b.rule, "minor.1") == 0;
    cr_assert_eq(minor1, 0, "99.7 %% is not below 99.5 %%");
    lc_result_free(res);
    /* a threshold read from the stored events: the 129.6 min outage is
     * 2 hours or more (minor.2) until the threshold moves past it */
    cr_assert_eq(count_rule(ev, "minor.2"), 1);
    cr_assert_eq(lc_engine_set_param(e, "outage_long", "130", &err), LC_OK, "%s", err.message);
    cr_assert_eq(count_rule(ev, "minor.2"), 0);
    lc_eval_free(ev);
    lc_engine_free(e);
}

/* ---- lifetime --------------------------------------------------------------------- */

Test(lifetime, result_outlives_its_engine_and_evaluation)
{
    lc_engine *e = engine_with("sla.lua", SLA);
    lc_eval *ev = eval_with(e, OUTAGE_997);
    lc_result *res = result_of(ev);
    char *before = json_of(res);
    lc_eval_free(ev);
    lc_engine_free(e);

    char *after = json_of(res);
    cr_assert_str_eq(after, before);
    lc_breach b;
    cr_assert_eq(lc_result_breach(res, 0, &b), 1);
    cr_assert_str_eq(b.rule, "sla.1");
    cr_assert_str_eq(b.clause, "SLA 1");
    cr_assert_str_eq(b.class_, "minor");
    cr_assert_str_eq(b.period, "2026-04");
    cr_assert_neq(b.reason[0], '\0');
    cr_assert_str_eq(lc_result_breach_event(res, 0, 0), "o-1");
    lc_month m;
    cr_assert_eq(lc_result_month(res, 1, &m), 1);
    cr_assert_str_eq(m.month, "2026-05");
    cr_assert_float_eq(m.availability, 100.0, 1e-9);
    cr_assert_eq(lc_result_month(res, 2, &m), 0, "the term has two months");
    char *text = NULL;
    lc_error err = {0};
    cr_assert_eq(lc_result_render(res, LC_FORMAT_TEXT, LC_LANG_EN, LC_RENDER_EXPLAIN, &text, NULL, &err), LC_OK, "%s",
                 err.message);
    assert_contains(text, "sla.1");
    lc_free(text);
    lc_free(after);
    lc_free(before);
    lc_result_free(res);
}

Test(lifetime, results_are_independent_of_each_other)
{
    lc_engine *e = engine_with("sla.lua", SLA);
    lc_eval *ev = eval_with(e, OUTAGE_997);
    lc_result *first = result_of(ev);
    lc_error err = {0};
    cr_assert_eq(lc_engine_set_param(e, "availability_target", "99.5", &err), LC_OK);
    lc_result *second = result_of(ev);
    cr_assert_eq(lc_result_breach_count(first), 1, "a later parameter change does not reach an earlier result");
    cr_assert_eq(lc_result_breach_count(second), 0);
    lc_result_free(second);
    lc_eval_free(ev);
    lc_engine_free(e);
    cr_assert_eq(lc_result_breach_count(first), 1);
    lc_result_free(first);
}

/* ---- NULL handles -------------------------------------------------------------------- */

Test(null_handles, freeing_null_is_harmless)
{
    lc_engine_free(NULL);
    lc_eval_free(NULL);
    lc_result_free(NULL);
    lc_free(NULL);
}

Test(null_handles, accessors_and_calls_refuse_null)
{
    lc_error err = {0};
    lc_totals t;
    memset(&t, 0xff, sizeof t);
    lc_result_totals(NULL, &t);
    cr_assert_eq(t.breaches, 0);
    cr_assert_eq(t.amount, 0);
    cr_assert_eq(lc_result_breach_count(NULL), 0);
    cr_assert_eq(lc_result_breach(NULL, 0, &(lc_breach){0}), 0);
    cr_assert_null(lc_result_breach_event(NULL, 0, 0));
    cr_assert_eq(lc_result_month_count(NULL), 0);
    cr_assert_eq(lc_engine_param_count(NULL), 0);
    cr_assert_null(lc_engine_param_name(NULL, 0));
    cr_assert_null(lc_engine_contract_id(NULL));
    lc_result *res = (lc_result *)&t; /* must be overwritten */
    cr_assert_eq(lc_eval_result(NULL, &res, &err), LC_EUSAGE);
    cr_assert_null(res);
    cr_assert_eq(lc_eval_push_json(NULL, "{}", 2, NULL, 0, &err), LC_EUSAGE);
    cr_assert_eq(lc_eval_push_lines(NULL, NULL, "{}\n", 3, &err), LC_EUSAGE);
    cr_assert_eq(lc_eval_end_stream(NULL, &err), LC_EUSAGE);
    cr_assert_eq(lc_engine_set_param(NULL, "x", "1", &err), LC_EUSAGE);
    cr_assert_eq(lc_engine_load_string(NULL, "r", "", 0, &err), LC_EUSAGE);
    char *out = (char *)&t;
    cr_assert_eq(lc_result_json(NULL, &out, NULL, &err), LC_EUSAGE);
    lc_eval *ev = (lc_eval *)&t;
    cr_assert_eq(lc_eval_new(&ev, NULL, 0, &err), LC_EUSAGE);
    cr_assert_null(ev);
    /* errors may be ignored */
    cr_assert_eq(lc_eval_end_stream(NULL, NULL), LC_EUSAGE);
}

/* ---- errors ------------------------------------------------------------------------------ */

Test(error_format, file_line_message)
{
    lc_error err = {0};
    char buf[LC_ERROR_MESSAGE_MAX + LC_ERROR_FILE_MAX + 32];
    err.code = LC_EEVENT;
    strcpy(err.file, "events.jsonl");
    err.line = 17;
    strcpy(err.message, "\"end\" is before \"start\"");
    cr_assert_str_eq(lc_error_format(&err, buf, sizeof buf), "events.jsonl:17: \"end\" is before \"start\"");
    err.line = 0;
    cr_assert_str_eq(lc_error_format(&err, buf, sizeof buf), "events.jsonl: \"end\" is before \"start\"");
    err.file[0] = '\0';
    cr_assert_str_eq(lc_error_format(&err, buf, sizeof buf), "\"end\" is before \"start\"");
}

Test(error_format, truncates_to_the_buffer)
{
    lc_error err = {0};
    char buf[8];
    memset(buf, 'x', sizeof buf);
    strcpy(err.file, "events.jsonl");
    err.line = 17;
    strcpy(err.message, "message");
    cr_assert_eq(lc_error_format(&err, buf, sizeof buf), buf);
    cr_assert_str_eq(buf, "events.");
}

Test(error_format, of_a_rule_file_error)
{
    static const char text[] = "contract { id = 'x', term = { '2026-03-01', '2026-04-01' } }\nTHRESHOLD = 1\n";
    lc_engine *e = NULL;
    lc_error err = {0};
    char buf[LC_ERROR_MESSAGE_MAX + LC_ERROR_FILE_MAX + 32], want[sizeof buf];
    cr_assert_eq(lc_engine_new(&e, NULL, &err), LC_OK);
    cr_assert_eq(lc_engine_load_string(e, "rules.lua", text, strlen(text), &err), LC_ERULES);
    cr_assert_eq(err.code, LC_ERULES);
    cr_assert_eq(err.line, 2);
    snprintf(want, sizeof want, "rules.lua:2: %s", err.message);
    cr_assert_str_eq(lc_error_format(&err, buf, sizeof buf), want);
    cr_assert(strncmp(err.message, "rules.lua", 9) != 0, "the message repeats the location: %s", err.message);
    lc_engine_free(e);
}

Test(error_format, of_an_event_error)
{
    lc_engine *e = engine_with("sla.lua", SLA);
    lc_eval *ev = NULL;
    lc_error err = {0};
    char buf[LC_ERROR_MESSAGE_MAX + LC_ERROR_FILE_MAX + 32], want[sizeof buf];
    static const char line[] = "{\"type\":\"outage\",\"id\":\"o-1\",\"start\":\"2026-04-10T10:00:00+08:00\","
                               "\"end\":\"2026-04-10T09:00:00+08:00\"}";
    cr_assert_eq(lc_eval_new(&ev, e, 0, &err), LC_OK);
    cr_assert_eq(lc_eval_push_json(ev, line, strlen(line), "events.jsonl", 17, &err), LC_EEVENT);
    snprintf(want, sizeof want, "events.jsonl:17: %s", err.message);
    cr_assert_str_eq(lc_error_format(&err, buf, sizeof buf), want);
    assert_contains(err.message, "\"end\"");
    lc_eval_free(ev);
    lc_engine_free(e);
}

Test(error_format, success_leaves_the_error_untouched)
{
    lc_engine *e = engine_with("sla.lua", SLA);
    lc_error err = {0};
    err.code = LC_EIO;
    strcpy(err.message, "sentinel");
    cr_assert_eq(lc_engine_set_param(e, "availability_target", "99.5", &err), LC_OK);
    cr_assert_eq(err.code, LC_EIO);
    cr_assert_str_eq(err.message, "sentinel");
    lc_engine_free(e);
}

Test(error_format, status_names)
{
    cr_assert_str_eq(lc_status_name(LC_EEVENT), "invalid event input");
    cr_assert_str_neq(lc_status_name(LC_ERULES), lc_status_name(LC_EUSAGE));
}
