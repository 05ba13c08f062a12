/* The total instruction budget: a load, an evaluation (lc_eval_result) and
 * a replay each have one budget for all their Lua calls and for what they
 * compile, so many cheap calls, or compiling megabytes, cannot run for
 * minutes under a per-call limit. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcontract.h"

static const char HEAD[] = "contract { id = 'b', term = { '2026-01-01', '2027-01-01' } }\n"
                           "param { 'fee', '100.00', unit = 'money' }\n"
                           "penalty_base { pct = 100, of = P.fee }\n";

static lc_engine *engine_with_limits(uint64_t per_call, uint64_t total)
{
    lc_options o = LC_OPTIONS_INIT;
    o.lua_instruction_limit = per_call;
    o.lua_total_instruction_limit = total;
    lc_engine *e = NULL;
    lc_error err = {0};
    cr_assert_eq(lc_engine_new(&e, &o, &err), LC_OK, "%s", err.message);
    return e;
}

static lc_status load(lc_engine *e, const char *rules, lc_error *err)
{
    size_t n = strlen(HEAD) + strlen(rules) + 1;
    char *text = malloc(n);
    cr_assert_not_null(text);
    snprintf(text, n, "%s%s", HEAD, rules);
    lc_status st = lc_engine_load_string(e, "b.lua", text, strlen(text), err);
    free(text);
    return st;
}

/* 20 rules, each well within the per-call limit every month, together
 * far beyond the evaluation's budget. */
Test(budget, many_cheap_calls_share_one_budget)
{
    lc_engine *e = engine_with_limits(2000000, 20000000);
    lc_error err = {0};
    char rules[4096] = "";
    for (int i = 0; i < 20; i++) {
        size_t len = strlen(rules);
        snprintf(rules + len, sizeof rules - len,
                 "breach 'f.%d' { class = 'c', pct = 1, check = function(m) local n = 0 "
                 "for i = 1, 300000 do n = n + i end return false end }\n",
                 i);
    }
    cr_assert_eq(load(e, rules, &err), LC_OK, "%s", err.message);
    lc_eval *ev = NULL;
    lc_result *res = NULL;
    cr_assert_eq(lc_eval_new(&ev, e, 0, &err), LC_OK);
    cr_assert_eq(lc_eval_result(ev, &res, &err), LC_ERULES);
    cr_assert(strstr(err.message, "total instruction limit of 20000000"), "%s", err.message);
    cr_assert_str_eq(err.file, "b.lua");
    /* the engine is stopped for good: its state may be half-way */
    cr_assert_eq(lc_eval_result(ev, &res, &err), LC_ERULES);
    cr_assert(strstr(err.message, "the rule file was stopped by a sandbox limit earlier"), "%s", err.message);
    lc_eval_free(ev);
    lc_engine_free(e);
}

Test(budget, each_evaluation_has_its_own)
{
    /* one result spends 13 × ~1 M of 20 M: another result has as much again */
    lc_engine *e = engine_with_limits(2000000, 20000000);
    lc_error err = {0};
    cr_assert_eq(load(e, "breach 'f.1' { class = 'c', pct = 1, check = function(m) local n = 0 "
                         "for i = 1, 300000 do n = n + i end return false end }\n", &err), LC_OK, "%s", err.message);
    lc_eval *ev = NULL;
    cr_assert_eq(lc_eval_new(&ev, e, 0, &err), LC_OK);
    for (int i = 0; i < 3; i++) {
        lc_result *res = NULL;
        cr_assert_eq(lc_eval_result(ev, &res, &err), LC_OK, "result %d: %s", i, err.message);
        lc_result_free(res);
    }
    lc_eval_free(ev);
    lc_engine_free(e);
}

Test(budget, compiling_is_charged)
{
    /* load() of a 4 MB chunk: 40 M steps of compiling, beyond a 10 M budget */
    lc_engine *e = engine_with_limits(50000000, 10000000);
    lc_error err = {0};
    cr_assert_eq(load(e, "local f = load(string.rep('x = 1\\n', 1000000))\n", &err), LC_ERULES);
    cr_assert(strstr(err.message, "total instruction limit of 10000000"), "%s", err.message);
    lc_engine_free(e);
    /* the rule file's own text: 2 MB of comments is 20 M steps */
    e = engine_with_limits(50000000, 10000000);
    size_t n = 2u << 20;
    char *text = malloc(n + 1);
    cr_assert_not_null(text);
    memset(text, '-', n);
    for (size_t i = 79; i < n; i += 80) text[i] = '\n';
    text[n] = '\0';
    cr_assert_eq(lc_engine_load_string(e, "big.lua", text, n, &err), LC_ERULES);
    cr_assert(strstr(err.message, "would exceed the total instruction limit"), "%s", err.message);
    free(text);
    lc_engine_free(e);
}

Test(budget, options_of_version_1_still_work)
{
    struct v1 {
        unsigned version;
        size_t lua_memory_limit;
        uint64_t lua_instruction_limit, lua_pattern_limit;
        unsigned json_depth_limit;
        size_t event_line_limit;
    } old = {1, 0, 0, 0, 0, 0};
    lc_engine *e = NULL;
    lc_error err = {0};
    cr_assert_eq(lc_engine_new(&e, (const lc_options *)(const void *)&old, &err), LC_OK, "%s", err.message);
    lc_engine_free(e);
    lc_options bad = LC_OPTIONS_INIT;
    bad.version = 99;
    cr_assert_eq(lc_engine_new(&e, &bad, &err), LC_EUSAGE);
    cr_assert_null(e);
}

Test(budget, options_of_version_2_still_work)
{
    struct v2 {
        unsigned version;
        size_t lua_memory_limit;
        uint64_t lua_instruction_limit, lua_pattern_limit;
        unsigned json_depth_limit;
        size_t event_line_limit;
        uint64_t lua_total_instruction_limit;
    } old = {2, 0, 0, 0, 0, 0, 0};
    lc_engine *e = NULL;
    lc_error err = {0};
    cr_assert_eq(lc_engine_new(&e, (const lc_options *)(const void *)&old, &err), LC_OK, "%s", err.message);
    cr_assert_eq(load(e, "", &err), LC_OK, "%s", err.message);
    lc_engine_free(e);
}

/* The caller's allocator: counts what it holds, and refuses once a budget
 * of calls is spent. */
typedef struct counting {
    long calls, live, refuse_after;
} counting;

static void *counting_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    counting *c = ud;
    (void)osize;
    if (nsize == 0) {
        if (ptr) c->live--;
        free(ptr);
        return NULL;
    }
    if (c->refuse_after >= 0 && c->calls >= c->refuse_after) return NULL;
    c->calls++;
    void *p = realloc(ptr, nsize);
    if (p && !ptr) c->live++;
    return p;
}

Test(budget, the_lua_state_uses_the_callers_allocator)
{
    counting c = {0, 0, -1};
    lc_options o = LC_OPTIONS_INIT;
    o.lua_alloc = counting_alloc;
    o.lua_alloc_ud = &c;
    lc_engine *e = NULL;
    lc_error err = {0};
    cr_assert_eq(lc_engine_new(&e, &o, &err), LC_OK, "%s", err.message);
    cr_assert_eq(load(e, "breach 'b.1' { class = 'x', pct = 1, check = function(month) return false end }\n", &err),
                 LC_OK, "%s", err.message);
    cr_assert_gt(c.calls, 100);
    cr_assert_gt(c.live, 0);
    lc_engine_free(e);
    cr_assert_eq(c.live, 0, "%ld blocks left", c.live);
    /* an allocator that gives out: an error, never a crash or a leak */
    for (long n = 0; n < 2000; n += 97) {
        counting d = {0, 0, n};
        o.lua_alloc_ud = &d;
        lc_engine *f = NULL;
        lc_status st = lc_engine_new(&f, &o, &err);
        if (st == LC_OK) st = load(f, "", &err);
        cr_assert(st == LC_OK || st == LC_ENOMEM || st == LC_ERULES, "refused after %ld: status %d", n, st);
        lc_engine_free(f);
        cr_assert_eq(d.live, 0, "refused after %ld: %ld blocks left", n, d.live);
    }
}
