/* Unit tests for rules.c through lc_engine_load_string: the reference rule
 * file loads, and every mistake in a rule file is refused with LC_ERULES,
 * the file and line, and what to fix; lc_engine_set_param checks values. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcontract.h"

#define REFERENCE LC_SOURCE_DIR "/rules/beijing-sme-secops-2026.lua"

/* A small valid rule file; tests append one declaration at line BASE_LINES + 1. */
static const char BASE[] =
    "contract { id = 'base', term = { '2026-03-01', '2026-05-01' } }\n"
    "param { 'target', 99.9, unit = '%' }\n"
    "param { 'n', 3, unit = 'count' }\n"
    "param { 'fee', '1000.00', unit = 'money' }\n"
    "param { 'slow', 30, unit = 'min' }\n"
    "severity { field = 'impact', 'none', 'serious' }\n"
    "event 'ticket' { anchor = 'opened', { 'opened', 'time', required = true },\n"
    "  { 'responded', 'time' }, { 'impact', 'severity' } }\n"
    "event 'outage' { anchor = 'start', ends = 'end', { 'start', 'time', required = true },\n"
    "  { 'end', 'time', required = true } }\n"
    "measure 'availability' { availability = 'outage', unit = '%' }\n"
    "penalty_base { pct = 100, of = P.fee }\n";
#define BASE_LINES 12

#define assert_contains(hay, needle) \
    cr_assert(strstr((hay), (needle)) != NULL, "expected \"%s\" in \"%s\"", (needle), (hay))

/* Loads BASE followed by extra into a fresh engine (kept in *out when out
 * is not NULL and loading succeeded). */
static lc_status load_base(const char *extra, lc_engine **out, lc_error *err)
{
    size_t n = strlen(BASE) + strlen(extra);
    char *text = malloc(n + 1);
    cr_assert_not_null(text);
    snprintf(text, n + 1, "%s%s", BASE, extra);
    lc_engine *e = NULL;
    cr_assert_eq(lc_engine_new(&e, NULL, err), LC_OK);
    lc_status st = lc_engine_load_string(e, "r.lua", text, n, err);
    free(text);
    if (out && st == LC_OK) *out = e;
    else lc_engine_free(e);
    return st;
}

/* extra must fail to load, naming r.lua, the line and the needle. */
static void expect_error(const char *extra, long line, const char *needle)
{
    lc_error err = {0};
    lc_status st = load_base(extra, NULL, &err);
    cr_assert_eq(st, LC_ERULES, "loaded: %s", extra);
    cr_assert_str_eq(err.file, "r.lua");
    cr_assert_eq(err.line, line, "line %ld, expected %ld: %s", err.line, line, err.message);
    assert_contains(err.message, needle);
}

static long param_index(const lc_engine *e, const char *name)
{
    for (size_t i = 0; i < lc_engine_param_count(e); i++)
        if (strcmp(lc_engine_param_name(e, i), name) == 0) return (long)i;
    return -1;
}

static const char *param_value(const lc_engine *e, const char *name)
{
    long i = param_index(e, name);
    cr_assert_geq(i, 0, "no parameter %s", name);
    return lc_engine_param_value(e, (size_t)i);
}

/* ---- what loads ------------------------------------------------------------- */

Test(rules_load, reference_rules_load)
{
    lc_engine *e = NULL;
    lc_error err = {0};
    cr_assert_eq(lc_engine_new(&e, NULL, &err), LC_OK);
    cr_assert_eq(lc_engine_load_file(e, REFERENCE, &err), LC_OK, "%s:%ld: %s", err.file, err.line, err.message);
    cr_assert_str_eq(lc_engine_contract_id(e), "beijing-sme-secops-2026");
    static const char *const required[] = {"value",       "base_pct",           "cap_pct",
                                           "availability_target", "stability_target", "satisfaction_target"};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        cr_assert_geq(param_index(e, required[i]), 0, "%s is not declared", required[i]);
    cr_assert_str_eq(param_value(e, "availability_target"), "99.9");
    lc_engine_free(e);
}

Test(rules_load, small_rule_file_loads)
{
    lc_engine *e = NULL;
    lc_error err = {0};
    cr_assert_eq(load_base("breach 'ok.1' { class = 'minor', pct = 1, month = 'availability', band = { lt = P.target } }\n"
                           "breach 'ok.2' { class = 'minor', pct = 1, on = 'ticket',\n"
                           "  where = span('opened', 'responded', { gt = minutes(30) }) }\n"
                           "breach 'ok.3' { class = 'minor', pct = 1, on = 'ticket',\n"
                           "  where = span('opened', 'responded', { gt = P.slow }) }\n",
                           &e, &err),
                 LC_OK, "%ld: %s", err.line, err.message);
    cr_assert_str_eq(lc_engine_contract_id(e), "base");
    cr_assert_eq(lc_engine_param_count(e), 4);
    lc_engine_free(e);
}

Test(rules_load, loading_twice_is_refused)
{
    lc_engine *e = NULL;
    lc_error err = {0};
    cr_assert_eq(load_base("", &e, &err), LC_OK);
    cr_assert_eq(lc_engine_load_string(e, "r.lua", BASE, strlen(BASE), &err), LC_EUSAGE);
    lc_engine_free(e);
}

/* ---- errors name the line and what to fix ----------------------------------- */

Test(rules_errors, unknown_field_in_a_condition)
{
    expect_error("breach 'x.1' { class = 'minor', pct = 1, on = 'ticket',\n"
                 "  where = present 'respnded' }\n",
                 BASE_LINES + 2, "respnded");
}

Test(rules_errors, unknown_field_in_a_span)
{
    expect_error("breach 'x.1' { class = 'minor', pct = 1, on = 'ticket',\n"
                 "  where = span('opened', 'restored', { gt = P.slow }) }\n",
                 BASE_LINES + 2, "restored");
}

Test(rules_errors, unknown_event_type_in_on)
{
    expect_error("breach 'x.1' { class = 'minor', pct = 1, on = 'tickt' }\n", BASE_LINES + 1, "tickt");
}

Test(rules_errors, unknown_measure)
{
    expect_error("breach 'x.1' { class = 'minor', pct = 1, month = 'availabilty', band = { lt = P.target } }\n",
                 BASE_LINES + 1, "availabilty");
}

Test(rules_errors, unknown_parameter)
{
    expect_error("\n"
                 "breach 'x.1' { class = 'minor', pct = 1, month = 'availability', band = { lt = P.targt } }\n",
                 BASE_LINES + 2, "P.targt");
}

Test(rules_errors, duplicate_event_type)
{
    expect_error("event 'ticket' { anchor = 'opened', { 'opened', 'time', required = true } }\n", BASE_LINES + 1,
                 "twice");
}

Test(rules_errors, band_without_bounds)
{
    expect_error("breach 'x.1' { class = 'minor', pct = 1, month = 'availability', band = {} }\n", BASE_LINES + 1,
                 "bound");
}

Test(rules_errors, span_band_with_a_unitless_constant)
{
    expect_error("breach 'x.1' { class = 'minor', pct = 1, on = 'ticket',\n"
                 "  where = span('opened', 'responded', { gt = 30 }) }\n",
                 BASE_LINES + 2, "duration");
}

Test(rules_errors, span_band_with_a_non_duration_parameter)
{
    expect_error("breach 'x.1' { class = 'minor', pct = 1, on = 'ticket',\n"
                 "  where = span('opened', 'responded', { gt = P.target }) }\n",
                 BASE_LINES + 2, "duration");
}

Test(rules_errors, nan_parameter)
{
    expect_error("param { 'bad', 0/0 }\n", BASE_LINES + 1, "bad");
}

Test(rules_errors, infinite_parameter)
{
    expect_error("param { 'bad', 1/0 }\n", BASE_LINES + 1, "finite");
    expect_error("param { 'bad', -math.huge }\n", BASE_LINES + 1, "finite");
}

Test(rules_errors, negative_zero_parameter)
{
    expect_error("param { 'bad', -0.0 }\n", BASE_LINES + 1, "zero");
}

Test(rules_errors, parameter_with_seven_decimals)
{
    expect_error("param { 'bad', 0.1234567 }\n", BASE_LINES + 1, "decimals");
    expect_error("param { 'bad', '0.1234567' }\n", BASE_LINES + 1, "decimals");
}

Test(rules_errors, parameter_with_six_decimals_loads)
{
    lc_engine *e = NULL;
    lc_error err = {0};
    cr_assert_eq(load_base("param { 'ok', 0.123456 }\nparam { 'ok2', '0.000001' }\n", &e, &err), LC_OK, "%s",
                 err.message);
    cr_assert_str_eq(param_value(e, "ok"), "0.123456");
    cr_assert_str_eq(param_value(e, "ok2"), "0.000001");
    lc_engine_free(e);
}

Test(rules_errors, undeclared_global_read)
{
    expect_error("local c = SERIUS\n", BASE_LINES + 1, "SERIUS");
}

Test(rules_errors, undeclared_global_in_a_condition)
{
    expect_error("breach 'x.1' { class = 'minor', pct = 1, on = 'ticket',\n"
                 "  where = impact(SERIUS) }\n",
                 BASE_LINES + 2, "SERIUS");
}

Test(rules_errors, assigning_a_global)
{
    expect_error("THRESHOLD = 5\n", BASE_LINES + 1, "THRESHOLD");
    expect_error("THRESHOLD = 5\n", BASE_LINES + 1, "local");
}

Test(rules_errors, missing_contract)
{
    static const char text[] = "param { 'target', 99.9, unit = '%' }\n";
    lc_engine *e = NULL;
    lc_error err = {0};
    cr_assert_eq(lc_engine_new(&e, NULL, &err), LC_OK);
    cr_assert_eq(lc_engine_load_string(e, "r.lua", text, strlen(text), &err), LC_ERULES);
    cr_assert_str_eq(err.file, "r.lua");
    assert_contains(err.message, "contract");
    cr_assert_null(lc_engine_contract_id(e));
    lc_engine_free(e);
}

Test(rules_errors, syntax_error_names_the_line)
{
    expect_error("\n\nbreach 'x.1' { class = 'minor' pct = 1 }\n", BASE_LINES + 3, "expected");
}

/* Rule files are usually named by their path; Lua shortens chunk names
 * longer than 60 bytes in its own messages ("...name.lua:2:"). */
#define LONG_NAME "/srv/contracts/beijing/municipal-hub-platform/2026/package-4-security-operations/rules.lua"

static void expect_long_name_error(const char *text, long line, const char *needle)
{
    lc_engine *e = NULL;
    lc_error err = {0};
    cr_assert_eq(lc_engine_new(&e, NULL, &err), LC_OK);
    cr_assert_eq(lc_engine_load_string(e, LONG_NAME, text, strlen(text), &err), LC_ERULES);
    cr_assert_str_eq(err.file, LONG_NAME);
    cr_assert_eq(err.line, line, "line %ld, expected %ld: %s", err.line, line, err.message);
    assert_contains(err.message, needle);
    cr_assert(strstr(err.message, "rules.lua") == NULL, "the message repeats the location: %s", err.message);
    lc_engine_free(e);
}

Test(rules_errors, line_is_named_when_the_file_name_is_long)
{
    expect_long_name_error("contract { id = 'x', term = { '2026-03-01', '2026-04-01' } }\nTHRESHOLD = 1\n", 2,
                           "THRESHOLD");
    expect_long_name_error("contract { id = 'x', term = { '2026-03-01', '2026-04-01' } }\nlocal c = SERIUS\n", 2,
                           "SERIUS");
    expect_long_name_error("contract { id = 'x', term = { '2026-03-01', '2026-04-01' } }\n\nbreach 'x' {\n", 4,
                           "expected");
    /* errors the rule language raises itself keep their line */
    expect_long_name_error("contract { id = 'x', term = { '2026-03-01', '2026-04-01' } }\n"
                           "breach 'x.1' { class = 'minor', pct = 1, on = 'tickt' }\n",
                           2, "tickt");
}

/* ---- lc_engine_set_param ------------------------------------------------------ */

Test(set_param, unknown_name_is_a_usage_error)
{
    lc_engine *e = NULL;
    lc_error err = {0};
    cr_assert_eq(load_base("", &e, &err), LC_OK);
    cr_assert_eq(lc_engine_set_param(e, "availability_targt", "99.5", &err), LC_EUSAGE);
    cr_assert_eq(err.code, LC_EUSAGE);
    assert_contains(err.message, "availability_targt");
    lc_engine_free(e);
}

Test(set_param, non_numbers_are_usage_errors)
{
    static const char *const bad[] = {"abc", "", "99,5", "1e", "nan", "inf", "0x10", "99.5%", " 99.5"};
    lc_engine *e = NULL;
    lc_error err = {0};
    cr_assert_eq(load_base("", &e, &err), LC_OK);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_assert_eq(lc_engine_set_param(e, "target", bad[i], &err), LC_EUSAGE, "'%s' accepted", bad[i]);
        cr_assert_str_eq(param_value(e, "target"), "99.9", "'%s' changed the value", bad[i]);
    }
    lc_engine_free(e);
}

Test(set_param, count_parameters_refuse_fractions)
{
    lc_engine *e = NULL;
    lc_error err = {0};
    cr_assert_eq(load_base("", &e, &err), LC_OK);
    cr_assert_eq(lc_engine_set_param(e, "n", "2.5", &err), LC_EUSAGE);
    cr_assert_eq(lc_engine_set_param(e, "n", "-1", &err), LC_EUSAGE);
    cr_assert_str_eq(param_value(e, "n"), "3");
    cr_assert_eq(lc_engine_set_param(e, "n", "5", &err), LC_OK, "%s", err.message);
    cr_assert_str_eq(param_value(e, "n"), "5");
    lc_engine_free(e);
}

Test(set_param, money_parameters_refuse_three_decimals)
{
    lc_engine *e = NULL;
    lc_error err = {0};
    cr_assert_eq(load_base("", &e, &err), LC_OK);
    cr_assert_eq(lc_engine_set_param(e, "fee", "1.005", &err), LC_EUSAGE);
    cr_assert_str_eq(param_value(e, "fee"), "1000.00"); /* as the rule file writes it */
    cr_assert_eq(lc_engine_set_param(e, "fee", "1.25", &err), LC_OK, "%s", err.message);
    cr_assert_str_eq(param_value(e, "fee"), "1.25");
    lc_engine_free(e);
}

Test(set_param, accepted_values_show_in_param_value)
{
    lc_engine *e = NULL;
    lc_error err = {0};
    cr_assert_eq(load_base("", &e, &err), LC_OK);
    cr_assert_str_eq(param_value(e, "target"), "99.9");
    cr_assert_eq(lc_engine_set_param(e, "target", "99.5", &err), LC_OK, "%s", err.message);
    cr_assert_str_eq(param_value(e, "target"), "99.5");
    cr_assert_eq(lc_engine_set_assignment(e, "target=99.95", &err), LC_OK, "%s", err.message);
    cr_assert_str_eq(param_value(e, "target"), "99.95");
    cr_assert_eq(lc_engine_set_param(e, "slow", "45", &err), LC_OK, "%s", err.message);
    cr_assert_str_eq(param_value(e, "slow"), "45");
    lc_engine_free(e);
}

Test(set_param, too_many_digits_or_decimals_refused)
{
    lc_engine *e = NULL;
    lc_error err = {0};
    cr_assert_eq(load_base("", &e, &err), LC_OK);
    cr_assert_eq(lc_engine_set_param(e, "target", "99.1234567", &err), LC_EUSAGE);
    cr_assert_eq(lc_engine_set_param(e, "target", "1234567890123456", &err), LC_EUSAGE);
    cr_assert_str_eq(param_value(e, "target"), "99.9");
    lc_engine_free(e);
}

Test(set_param, before_loading_is_a_usage_error)
{
    lc_engine *e = NULL;
    lc_error err = {0};
    cr_assert_eq(lc_engine_new(&e, NULL, &err), LC_OK);
    cr_assert_eq(lc_engine_set_param(e, "target", "1", &err), LC_EUSAGE);
    cr_assert_eq(lc_engine_param_count(e), 0);
    lc_engine_free(e);
}

/* ---- Lua 5.4.4 bugs kept away (SECURITY.md) ---------------------------------- */

Test(rules_errors, env_is_refused_before_lua_compiles_it)
{
    lc_engine *e = NULL;
    lc_error err = {0};
    cr_assert_eq(load_base("local _ENV <const> = { contract = contract }\n", &e, &err), LC_ERULES);
    cr_assert(strstr(err.message, "_ENV"), "%s", err.message);
    lc_engine_free(e);
}

Test(rules_errors, close_variables_are_refused)
{
    lc_engine *e = NULL;
    lc_error err = {0};
    cr_assert_eq(load_base("for i = 1, 2 do local x <close> = nil; break end\n", &e, &err), LC_ERULES);
    cr_assert(strstr(err.message, "<close>"), "%s", err.message);
    lc_engine_free(e);
}

Test(rules_errors, env_and_close_in_comments_and_strings_are_fine)
{
    lc_engine *e = NULL;
    lc_error err = {0};
    cr_assert_eq(load_base("-- _ENV and <close> in a comment\nlocal s = \"_ENV <close>\" .. [[ _ENV ]]\n", &e, &err), LC_OK,
                 "%s", err.message);
    lc_engine_free(e);
}

/* What the engine keeps from a rule file is bounded, and shared: a result
 * borrows the rule's texts instead of copying them per breach. */
Test(texts, are_bounded)
{
    expect_error("breach 'b.1' { class = 'c', pct = 1, on = 'ticket', text = string.rep('x', 16 * 1024 * 1024) }\n",
                 BASE_LINES + 1, "text is 16777216 bytes long: a text in a rule file may have 65536");
    expect_error("for i = 1, 100 do breach('b.' .. i) { class = 'c', pct = 1, on = 'ticket',\n"
                 "  text = string.rep('y', 60000) .. i } end\n",
                 BASE_LINES + 1, "take more than 4194304 bytes");
    expect_error("breach 'b.1' { class = 'c', pct = 1, on = 'ticket', clause = 'a\\0b' }\n", BASE_LINES + 1,
                 "clause is not text");
    expect_error("breach 'b.1' { class = 'c', pct = 1, on = 'ticket', clause = '\\xff' }\n", BASE_LINES + 1,
                 "clause is not text");
}

Test(texts, are_shared_by_the_breaches_of_a_result)
{
    lc_engine *e = NULL;
    lc_error err = {0};
    cr_assert_eq(load_base("breach 'b.1' { class = 'c', pct = 1, on = 'ticket', clause = 'C', text = string.rep('z', 6e4) }\n", &e, &err),
                 LC_OK, "%s", err.message);
    lc_eval *ev = NULL;
    lc_result *res = NULL;
    cr_assert_eq(lc_eval_new(&ev, e, 0, &err), LC_OK);
    for (int i = 0; i < 100; i++) {
        char line[160];
        int len = snprintf(line, sizeof line, "{\"type\":\"ticket\",\"id\":\"t-%d\",\"opened\":\"2026-04-01T10:00:00Z\"}", i);
        cr_assert_eq(lc_eval_push_json(ev, line, (size_t)len, "e", i + 1, &err), LC_OK, "%s", err.message);
    }
    cr_assert_eq(lc_eval_result(ev, &res, &err), LC_OK, "%s", err.message);
    lc_eval_free(ev);
    lc_engine_free(e); /* the result keeps what it shows */
    cr_assert_eq(lc_result_breach_count(res), 100);
    lc_breach first, last;
    cr_assert(lc_result_breach(res, 0, &first) && lc_result_breach(res, 99, &last));
    cr_assert_eq(first.clause, last.clause, "each breach has its own copy of the clause");
    cr_assert_str_eq(first.rule, "b.1");
    cr_assert_eq(first.rule, last.rule);
    lc_result_free(res);
}

/* Every declaration refuses a key it does not know, with the nearest known
 * key as a hint: a typo would otherwise silently change a total. */
Test(strict, a_key_typo_is_a_load_error_with_a_hint)
{
    expect_error("breach 'b.1' { class = 'c', pct = 1, on = 'ticket', were = absent 'responded' }\n", BASE_LINES + 1,
                 "breach \"b.1\" has no key 'were' (did you mean 'where'?)");
    expect_error("breach 'b.1' { class = 'c', pct = 1, on = 'outage', cluster = { windw = days(7), count_ge = P.n } }\n",
                 BASE_LINES + 1, "breach \"b.1\": cluster has no key 'windw' (did you mean 'window'?)");
    expect_error("incident 'A.1' { class = 'A', pct = 1, on = 'ticket' }\n", BASE_LINES + 1,
                 "incident \"A.1\" has no key 'pct'");
    expect_error("breach 'b.1' { class = 'c', pct = 1, month = 'availability', band = { lt = P.target }, impcat = impact 'serious' }\n",
                 BASE_LINES + 1, "(did you mean 'impact'?)");
    expect_error("event 'job' { anchor = 'at', count_when = is('done', true), { 'at', 'time', required = true },\n"
                 "  { 'done', 'bool' } }\n",
                 BASE_LINES + 1, "event \"job\" has no key 'count_when' (did you mean 'counts_when'?)");
    expect_error("event 'job' { anchor = 'at', { 'at', 'time', requird = true } }\n", BASE_LINES + 1,
                 "event \"job\": field at has no key 'requird' (did you mean 'required'?)");
    expect_error("param { 'p', 1, unti = 'count' }\n", BASE_LINES + 1, "param \"p\" has no key 'unti' (did you mean 'unit'?)");
    expect_error("measure 'm' { count = 'ticket', were = absent 'responded' }\n", BASE_LINES + 1,
                 "measure \"m\" has no key 'were' (did you mean 'where'?)");
    expect_error("cap 'c' { window = 'term', pct = 10, of = P.fee, clausee = 'x' }\n", BASE_LINES + 1,
                 "cap \"c\" has no key 'clausee' (did you mean 'clause'?)");
    expect_error("contract { id = 'again' }\n", BASE_LINES + 1, "contract is declared twice");
    expect_error("annual { scoer = 'x' }\n", BASE_LINES + 1, "annual has no key 'scoer' (did you mean 'score'?)");
    /* names of what is declared elsewhere: types, fields, measures, parameters, rules */
    expect_error("breach 'b.1' { class = 'c', pct = 1, on = 'tickett' }\n", BASE_LINES + 1,
                 "unknown event type 'tickett' (did you mean 'ticket'?)");
    expect_error("breach 'b.1' { class = 'c', pct = 1, on = 'ticket', where = absent 'respondd' }\n", BASE_LINES + 1,
                 "event type ticket has no field 'respondd' (did you mean 'responded'?)");
    expect_error("breach 'b.1' { class = 'c', pct = 1, month = 'availabilty', band = { lt = P.target } }\n",
                 BASE_LINES + 1, "unknown measure 'availabilty' (did you mean 'availability'?)");
    expect_error("breach 'b.1' { class = 'c', pct = 1, month = 'availability', band = { lt = P.targt } }\n",
                 BASE_LINES + 1, "unknown parameter P.targt (did you mean 'P.target'?)");
    expect_error("breach 'b.1' { class = 'c', pct = 1, on = 'ticket' }\n"
                 "breach 'b.2' { class = 'c', pct = 1, on = 'ticket', unless = 'b.1x' }\n",
                 BASE_LINES + 2, "unknown rule 'b.1x' (did you mean 'b.1'?)");
    /* a key far from every known one gets no hint */
    expect_error("breach 'b.1' { class = 'c', pct = 1, on = 'ticket', zzzzzz = 1 }\n", BASE_LINES + 1,
                 "breach \"b.1\" has no key 'zzzzzz'");
}

/* An event type feeds at most 64 measures while streaming (a bit each):
 * the 65th is a load error on its line, not a failure of the engine. */
Test(rules, a_type_feeds_at_most_64_measures)
{
    char extra[8192] = "";
    size_t n = 0;
    for (int i = 0; i < 65; i++)
        n += (size_t)snprintf(extra + n, sizeof extra - n, "measure 'm%d' { count = 'ticket' }\n", i);
    expect_error(extra, BASE_LINES + 65, "measure m64: event type ticket feeds more than 64 measures");
}

/* Instalments and the holdover rate are shares of the contract value:
 * without a money `value` they would be 0.00, silently. */
Test(rules, payments_need_a_contract_value)
{
    expect_error("payments { instalments = { { pct = 70, due = { working_days = 20, after = { 'signed' } } } } }\n",
                 BASE_LINES + 1, "payments: instalments and the holdover rate are shares of the contract value");
}
