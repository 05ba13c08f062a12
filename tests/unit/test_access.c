/* The result read by name (lc_result_count, lc_result_text, ...): every
 * field of every list tells what the JSON tells, on the example year and
 * on the hosting SLA; unknown names are NONE, never a crash. */
#include <criterion/criterion.h>

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcontract.h"

/* Where a list lives in the JSON, and JSON names that differ. */
typedef struct place {
    const char *list, *parent, *key; /* root[parent][key], parent NULL: root[key] */
    int single;                      /* an object, not an array */
} place;

static const place PLACES[] = {
    {"contract", NULL, "contract", 1},      {"breaches", NULL, "breaches", 0},
    {"incidents", NULL, "incidents", 0},    {"findings", NULL, "findings", 0},
    {"warnings", NULL, "warnings", 0},      {"months", NULL, "months", 0},
    {"caps", "totals", "caps", 0},          {"totals", NULL, "totals", 1},
    {"termination", NULL, "termination", 1}, {"reasons", "termination", "reasons", 0},
    {"annual", NULL, "annual", 1},          {"acceptance", NULL, "acceptance", 1},
    {"parts", "acceptance", "parts", 0},    {"obligations", NULL, "obligations", 0},
    {"instalments", "payments", "instalments", 0}, {"payments", NULL, "payments", 1},
    {"stamp", NULL, "stamp", 1},            {"not_counted", NULL, "not_counted", 0},
};

static void assert_field(const lc_result *res, const char *list, size_t i, const char *field, const cJSON *j);
static int64_t fen_of(const char *s);

/* stamp.params (an object by name) and cap_cuts (totals.caps[].breaches,
 * flat), which have no place of their own in the JSON. */
static void assert_nested(const lc_result *res, const cJSON *root)
{
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "stamp"), "params");
    cr_assert_eq(lc_result_count(res, "params"), (size_t)cJSON_GetArraySize(params));
    size_t i = 0;
    const cJSON *p;
    cJSON_ArrayForEach(p, params)
    {
        cr_assert_str_eq(lc_result_text(res, "params", i, "name"), p->string);
        cr_assert_str_eq(lc_result_text(res, "params", i++, "value"), p->valuestring);
    }
    const cJSON *caps = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "totals"), "caps");
    size_t k = 0, c = 0;
    const cJSON *cap, *cut;
    cJSON_ArrayForEach(cap, caps)
    {
        cJSON_ArrayForEach(cut, cJSON_GetObjectItemCaseSensitive(cap, "breaches"))
        {
            int64_t index = -1, fen = -1, breach = -1;
            cr_assert(lc_result_int(res, "cap_cuts", k, "cap_index", &index));
            cr_assert_eq(index, (int64_t)c);
            cr_assert(lc_result_int(res, "cap_cuts", k, "breach", &breach));
            cr_assert_str_eq(lc_result_text(res, "cap_cuts", k, "rule"), lc_result_text(res, "breaches", (size_t)breach, "rule"));
            assert_field(res, "cap_cuts", k, "rule", cJSON_GetObjectItemCaseSensitive(cut, "rule"));
            assert_field(res, "cap_cuts", k, "period", cJSON_GetObjectItemCaseSensitive(cut, "period"));
            assert_field(res, "cap_cuts", k, "at", cJSON_GetObjectItemCaseSensitive(cut, "at"));
            cr_assert(lc_result_fen(res, "cap_cuts", k, "cut", &fen));
            cr_assert_eq(fen, fen_of(cJSON_GetObjectItemCaseSensitive(cut, "cut")->valuestring));
            k++;
        }
        c++;
    }
    cr_assert_eq(lc_result_count(res, "cap_cuts"), k);
}

/* Fields the accessors offer that the JSON spells another way or not at all. */
static const cJSON *json_field(const cJSON *item, const char *list, const char *field)
{
    if (strcmp(list, "contract") == 0 && strncmp(field, "term_", 5) == 0)
        return cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(item, "term"), field + 5);
    if (strcmp(list, "payments") == 0 && strncmp(field, "bond_", 5) == 0) {
        const cJSON *bond = cJSON_GetObjectItemCaseSensitive(item, "bond");
        return cJSON_IsNull(bond) ? bond : cJSON_GetObjectItemCaseSensitive(bond, field + 5);
    }
    return cJSON_GetObjectItemCaseSensitive(item, field);
}

static int64_t fen_of(const char *s)
{
    char *end;
    long long whole = strtoll(s, &end, 10);
    cr_assert_eq(*end, '.', "not an amount: %s", s);
    return whole * 100 + (whole < 0 ? -1 : 1) * strtoll(end + 1, NULL, 10);
}

static void assert_field(const lc_result *res, const char *list, size_t i, const char *field, const cJSON *j)
{
    lc_value_type t = lc_result_type(res, list, i, field);
    cr_assert_neq(t, LC_VALUE_NONE, "%s[%zu].%s", list, i, field);
    if (!j) return; /* not in the JSON (e.g. a breach's text without --explain) */
    int64_t v = 0;
    double x = 0;
    int flag = 0;
    const char *s = lc_result_text(res, list, i, field);
    switch (t) {
    case LC_VALUE_NULL: cr_assert(cJSON_IsNull(j), "%s[%zu].%s is null, JSON says otherwise", list, i, field); break;
    case LC_VALUE_TEXT:
        cr_assert_not_null(s);
        if (cJSON_IsNumber(j)) cr_assert_eq(strtod(s, NULL), j->valuedouble, "%s[%zu].%s: %s", list, i, field, s);
        else cr_assert_str_eq(s, j->valuestring, "%s[%zu].%s", list, i, field);
        break;
    case LC_VALUE_FEN:
        cr_assert(lc_result_fen(res, list, i, field, &v));
        cr_assert_eq(v, fen_of(j->valuestring), "%s[%zu].%s", list, i, field);
        break;
    case LC_VALUE_INT:
        cr_assert(lc_result_int(res, list, i, field, &v));
        cr_assert_eq((double)v, j->valuedouble, "%s[%zu].%s", list, i, field);
        break;
    case LC_VALUE_NUMBER:
        cr_assert(lc_result_number(res, list, i, field, &x));
        cr_assert_eq(x, j->valuedouble, "%s[%zu].%s", list, i, field);
        break;
    case LC_VALUE_BOOL:
        cr_assert(lc_result_bool(res, list, i, field, &flag));
        cr_assert_eq(flag, cJSON_IsTrue(j), "%s[%zu].%s", list, i, field);
        break;
    default: cr_assert_fail("%s[%zu].%s: type %d", list, i, field, t);
    }
}

static void assert_events(const lc_result *res, const char *list, size_t i, const cJSON *events)
{
    if (!events) return;
    cr_assert_eq(lc_result_event_count(res, list, i), (size_t)cJSON_GetArraySize(events), "%s[%zu]", list, i);
    size_t j = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, events) cr_assert_str_eq(lc_result_event(res, list, i, j++), e->valuestring);
}

static void assert_matches_json(const lc_result *res)
{
    char *text = NULL;
    lc_error err = {0};
    cr_assert_eq(lc_result_json(res, &text, NULL, &err), LC_OK);
    cJSON *root = cJSON_Parse(text);
    cr_assert_not_null(root);
    for (size_t p = 0; p < sizeof PLACES / sizeof PLACES[0]; p++) {
        const place *pl = &PLACES[p];
        const cJSON *at = pl->parent ? cJSON_GetObjectItemCaseSensitive(root, pl->parent) : root;
        const cJSON *node = cJSON_GetObjectItemCaseSensitive(at, pl->key);
        size_t n = lc_result_count(res, pl->list);
        if (pl->single && cJSON_IsNull(node)) { /* a part the rules do not declare */
            for (size_t k = 0; lc_result_field(res, pl->list, k); k++)
                cr_assert_eq(lc_result_type(res, pl->list, 0, lc_result_field(res, pl->list, k)), LC_VALUE_NULL);
            continue;
        }
        cr_assert_eq(n, pl->single ? 1 : (size_t)cJSON_GetArraySize(node), "%s: %zu items", pl->list, n);
        for (size_t i = 0; i < n; i++) {
            const cJSON *item = pl->single ? node : cJSON_GetArrayItem(node, (int)i);
            for (size_t k = 0; lc_result_field(res, pl->list, k); k++) {
                const char *f = lc_result_field(res, pl->list, k);
                assert_field(res, pl->list, i, f, json_field(item, pl->list, f));
            }
            assert_events(res, pl->list, i, cJSON_GetObjectItemCaseSensitive(item, "events"));
        }
    }
    assert_nested(res, root);
    /* a month lists each field once */
    for (size_t k = 0; lc_result_field(res, "months", k); k++)
        for (size_t k2 = 0; k2 < k; k2++)
            cr_assert_str_neq(lc_result_field(res, "months", k), lc_result_field(res, "months", k2), "months: field %zu", k);
    cJSON_Delete(root);
    lc_free(text);
}

static lc_result *evaluate(const char *rules, const char *const *files)
{
    lc_engine *e = NULL;
    lc_eval *ev = NULL;
    lc_result *res = NULL;
    lc_error err = {0};
    cr_assert_eq(lc_engine_new(&e, NULL, &err), LC_OK);
    cr_assert_eq(lc_engine_load_file(e, rules, &err), LC_OK, "%s", err.message);
    cr_assert_eq(lc_eval_new(&ev, e, 0, &err), LC_OK);
    for (; *files; files++) cr_assert_eq(lc_eval_push_file(ev, *files, &err), LC_OK, "%s", err.message);
    cr_assert_eq(lc_eval_result(ev, &res, &err), LC_OK, "%s", err.message);
    lc_eval_free(ev);
    lc_engine_free(e);
    return res;
}

#define YEAR LC_SOURCE_DIR "/tests/golden/reference/year-example/"

Test(access, every_field_tells_what_the_json_tells)
{
    static const char *const year[] = {YEAR "administration.jsonl", YEAR "incidents.jsonl", YEAR "operations.jsonl",
                                       YEAR "scores.jsonl", YEAR "security.jsonl", YEAR "tickets.jsonl", NULL};
    lc_result *res = evaluate(LC_SOURCE_DIR "/rules/beijing-sme-secops-2026.lua", year);
    cr_assert_gt(lc_result_count(res, "breaches"), 3);
    assert_matches_json(res);
    lc_result_free(res);
    static const char *const sla[] = {LC_SOURCE_DIR "/examples/hosting-sla/events/downtime.jsonl",
                                      LC_SOURCE_DIR "/examples/hosting-sla/events/support.jsonl", NULL};
    res = evaluate(LC_SOURCE_DIR "/examples/hosting-sla/rules.lua", sla);
    cr_assert_gt(lc_result_count(res, "caps"), 0, "the hosting SLA's year is capped");
    assert_matches_json(res);
    lc_result_free(res);
}

Test(access, unknown_names_are_none)
{
    static const char *const none[] = {NULL};
    lc_result *res = evaluate(LC_SOURCE_DIR "/rules/beijing-sme-secops-2026.lua", none);
    cr_assert_eq(lc_result_count(res, "nope"), 0);
    cr_assert_eq(lc_result_count(NULL, "breaches"), 0);
    cr_assert_eq(lc_result_type(res, "nope", 0, "rule"), LC_VALUE_NONE);
    cr_assert_eq(lc_result_type(res, "contract", 0, "nope"), LC_VALUE_NONE);
    cr_assert_eq(lc_result_type(res, "contract", 1, "id"), LC_VALUE_NONE);
    cr_assert_eq(lc_result_type(res, "months", 99, "month"), LC_VALUE_NONE);
    cr_assert_str_eq(lc_result_text(res, "contract", 0, "id"), "beijing-sme-secops-2026");
    cr_assert_null(lc_result_text(res, "contract", 0, "value"), "money is not text");
    int64_t v = 7;
    cr_assert_eq(lc_result_fen(res, "contract", 0, "id", &v), 0);
    cr_assert_eq(v, 7, "a refused read stores nothing");
    cr_assert_eq(lc_result_fen(res, "contract", 0, "value", &v), 1);
    cr_assert_eq(v, 171960000);
    cr_assert_null(lc_result_field(res, "contract", 99));
    cr_assert_null(lc_result_event(res, "breaches", 0, 0));
    cr_assert_eq(lc_result_event_count(res, "contract", 0), 0);
    lc_result_free(res);
}

Test(access, the_engine_names_its_caps)
{
    lc_engine *e = NULL;
    lc_error err = {0};
    cr_assert_eq(lc_engine_new(&e, NULL, &err), LC_OK);
    cr_assert_eq(lc_engine_cap_count(e), 0);
    cr_assert_null(lc_engine_cap_id(e, 0));
    cr_assert_eq(lc_engine_load_file(e, LC_SOURCE_DIR "/examples/hosting-sla/rules.lua", &err), LC_OK, "%s", err.message);
    cr_assert_eq(lc_engine_cap_count(e), 2);
    cr_assert_str_eq(lc_engine_cap_id(e, 0), "monthly");
    cr_assert_str_eq(lc_engine_cap_window(e, 0), "month");
    cr_assert_str_eq(lc_engine_cap_id(e, 1), "annual");
    cr_assert_str_eq(lc_engine_cap_window(e, 1), "rolling_months");
    cr_assert_null(lc_engine_cap_window(e, 2));
    lc_engine_free(e);
}
