/* Parameters' ranges and exact money: a value outside a parameter's range
 * and an amount too large to be exact are refused where they enter — at
 * load (LC_ERULES), at lc_engine_set_param (LC_EUSAGE) — and a sum that
 * cannot be exact is an error, never a wrapped or zero amount. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcontract.h"

static const char SLA[] =
    "contract { id = 'sla', timezone = '+08:00', term = { '2026-04-01', '2026-06-01' } }\n"
    "param { 'fee', '%s', unit = 'money' }\n"
    "param { 'base_pct', %s, unit = '%%' }\n"
    "param { 'cap_pct', %s, unit = '%%'%s }\n"
    "param { 'credit', %s, unit = '%%' }\n"
    "param { 'streak', 2, unit = 'months', min = 1, max = 12 }\n"
    "penalty_base { pct = P.base_pct, of = P.fee }\n"
    "cap 'term' { window = 'term', pct = P.cap_pct, of = P.fee }\n"
    "event 'tamper' { anchor = 'at', { 'at', 'time', required = true } }\n"
    "breach 'b.1' { class = 'minor', pct = P.credit, on = 'tamper' }\n";

typedef struct sla_values {
    const char *fee, *base_pct, *cap_pct, *cap_extra, *credit;
} sla_values;

static const sla_values NORMAL = {"10000.00", "100", "10", "", "5"};

static lc_status load(sla_values v, lc_engine **out, lc_error *err)
{
    char text[2048];
    snprintf(text, sizeof text, SLA, v.fee, v.base_pct, v.cap_pct, v.cap_extra, v.credit);
    cr_assert_eq(lc_engine_new(out, NULL, err), LC_OK);
    return lc_engine_load_string(*out, "sla.lua", text, strlen(text), err);
}

static lc_engine *loaded(sla_values v)
{
    lc_engine *e = NULL;
    lc_error err = {0};
    cr_assert_eq(load(v, &e, &err), LC_OK, "%s:%ld: %s", err.file, err.line, err.message);
    return e;
}

static void assert_set_refused(lc_engine *e, const char *name, const char *value, const char *needle)
{
    lc_error err = {0};
    cr_assert_eq(lc_engine_set_param(e, name, value, &err), LC_EUSAGE, "%s = %s was accepted", name, value);
    cr_assert(strstr(err.message, needle), "\"%s\" lacks \"%s\"", err.message, needle);
}

Test(ranges, units_imply_them)
{
    lc_engine *e = loaded(NORMAL);
    assert_set_refused(e, "cap_pct", "-1", "cap_pct must be in [0, 100]");
    assert_set_refused(e, "cap_pct", "1e9", "cap_pct must be in [0, 100]"); /* would remove the cap */
    assert_set_refused(e, "base_pct", "-5", "base_pct must be ≥ 0");
    assert_set_refused(e, "fee", "-10", "fee must be ≥ 0");
    assert_set_refused(e, "credit", "-0.5", "credit must be ≥ 0");
    assert_set_refused(e, "streak", "13", "streak must be in [1, 12]");
    assert_set_refused(e, "streak", "0", "streak must be in [1, 12]");
    lc_error err = {0};
    cr_assert_eq(lc_engine_set_param(e, "cap_pct", "100", &err), LC_OK, "%s", err.message);
    cr_assert_eq(lc_engine_set_param(e, "cap_pct", "0", &err), LC_OK, "%s", err.message);
    cr_assert_eq(lc_engine_set_param(e, "streak", "12", &err), LC_OK, "%s", err.message);
    lc_engine_free(e);
}

Test(ranges, a_rule_file_may_widen_them)
{
    sla_values v = NORMAL;
    v.cap_extra = ", max = 150";
    lc_engine *e = loaded(v);
    lc_error err = {0};
    cr_assert_eq(lc_engine_set_param(e, "cap_pct", "150", &err), LC_OK, "%s", err.message);
    assert_set_refused(e, "cap_pct", "150.01", "cap_pct must be in [0, 150]");
    lc_engine_free(e);
}

static void assert_load_refused(sla_values v, const char *needle)
{
    lc_engine *e = NULL;
    lc_error err = {0};
    cr_assert_eq(load(v, &e, &err), LC_ERULES);
    cr_assert(strstr(err.message, needle), "\"%s\" lacks \"%s\"", err.message, needle);
    cr_assert_str_eq(err.file, "sla.lua");
    lc_engine_free(e);
}

Test(ranges, declared_values_must_lie_in_them)
{
    sla_values v = NORMAL;
    v.cap_pct = "120";
    assert_load_refused(v, "parameter cap_pct = 120: cap_pct must be in [0, 100]");
    v = NORMAL;
    v.credit = "-3";
    assert_load_refused(v, "credit must be ≥ 0");
    v = NORMAL;
    v.cap_extra = ", min = 20, max = 10";
    assert_load_refused(v, "min is above max");
}

Test(ranges, negative_constants_are_refused)
{
    lc_engine *e = NULL;
    lc_error err = {0};
    const char *text = "contract { id = 'x', term = { '2026-04-01', '2026-05-01' } }\n"
                       "param { 'fee', '100.00', unit = 'money' }\n"
                       "penalty_base { pct = 100, of = P.fee }\n"
                       "event 'e' { anchor = 'at', { 'at', 'time', required = true } }\n"
                       "breach 'b.1' { class = 'c', pct = -5, on = 'e' }\n";
    cr_assert_eq(lc_engine_new(&e, NULL, &err), LC_OK);
    cr_assert_eq(lc_engine_load_string(e, "x.lua", text, strlen(text), &err), LC_ERULES);
    cr_assert(strstr(err.message, "b.1: pct is negative"), "%s", err.message);
    cr_assert_eq(err.line, 5);
    lc_engine_free(e);
}

Test(money, amounts_too_large_are_refused_where_they_enter)
{
    sla_values v = NORMAL;
    v.fee = "999999999999999";
    v.base_pct = "100000";
    assert_load_refused(v, "the penalty base (base_pct = 100000% of fee = 999999999999999) is too large");
    lc_engine *e = loaded(NORMAL);
    lc_error err = {0};
    cr_assert_eq(lc_engine_set_param(e, "fee", "999999999999999", &err), LC_OK, "%s", err.message);
    assert_set_refused(e, "base_pct", "100000", "is too large to be computed exactly");
    /* refused means unchanged: the old value stands */
    cr_assert_str_eq(lc_engine_param_value(e, 1), "100");
    lc_engine_free(e);
}

/* n tampers, each a breach of `credit` % of the base. */
static lc_status evaluate_tampers(lc_engine *e, int n, lc_error *err, char **json)
{
    lc_eval *ev = NULL;
    lc_result *res = NULL;
    lc_status st = lc_eval_new(&ev, e, 0, err);
    for (int i = 0; st == LC_OK && i < n; i++) {
        char line[160];
        int len = snprintf(line, sizeof line, "{\"type\":\"tamper\",\"id\":\"t-%d\",\"at\":\"2026-04-10T10:00:00+08:00\"}", i);
        st = lc_eval_push_json(ev, line, (size_t)len, "t.jsonl", i + 1, err);
    }
    if (st == LC_OK) st = lc_eval_result(ev, &res, err);
    if (st == LC_OK) st = lc_result_json(res, json, NULL, err);
    lc_result_free(res);
    lc_eval_free(ev);
    return st;
}

Test(money, a_sum_that_cannot_be_exact_is_an_error)
{
    /* 1000 breaches of 20 % of 999,999,999,999,999: each fits, the sum does not */
    lc_engine *e = loaded(NORMAL);
    lc_error err = {0};
    char *json = NULL;
    cr_assert_eq(lc_engine_set_param(e, "fee", "999999999999999", &err), LC_OK);
    cr_assert_eq(lc_engine_set_param(e, "credit", "20", &err), LC_OK);
    cr_assert_eq(evaluate_tampers(e, 1000, &err, &json), LC_EUSAGE, "a wrapped total was printed: %.300s", json);
    cr_assert(strstr(err.message, "sum of 1000 breaches is more than can be counted exactly"), "%s", err.message);
    cr_assert(strstr(err.message, "parameters as set"), "%s", err.message);
    cr_assert_eq(evaluate_tampers(e, 10, &err, &json), LC_OK, "%s", err.message);
    cr_assert(strstr(json, "\"amount_uncapped\": \"1999999999999998.00\""), "%.400s", json);
    lc_free(json);
    lc_engine_free(e);

    sla_values v = NORMAL; /* the same from the rule file: its fault, LC_ERULES */
    v.fee = "999999999999999";
    v.credit = "20";
    e = loaded(v);
    json = NULL;
    cr_assert_eq(evaluate_tampers(e, 1000, &err, &json), LC_ERULES);
    cr_assert_null(json);
    cr_assert_str_eq(err.file, "sla.lua");
    lc_engine_free(e);
}
