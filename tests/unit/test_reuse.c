/* test_reuse.c — an evaluation keeps the figures of its last result while
 * its events stay the same (eval/figures.c: no parameter enters them), and
 * what each rule found while its parameters stay the same (eval/memo.c),
 * so a sweep evaluates only what a parameter changes.  Every result must
 * still be that of a fresh evaluation of the same events under the same
 * parameters: after parameters change (each parameter of each shipped
 * contract in turn), after more events, after a retraction. */
#define _POSIX_C_SOURCE 200809L

#include <criterion/criterion.h>

#include <dirent.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcontract.h"

#define RULES LC_SOURCE_DIR "/rules/beijing-sme-secops-2026.lua"

static const char *const YEAR[] = {"administration", "incidents", "operations", "scores", "security", "tickets"};

static const char OUTAGE[] = "{\"type\":\"outage\",\"id\":\"late-outage\",\"start\":\"2026-06-10T10:00:00+08:00\","
                             "\"end\":\"2026-06-10T14:00:00+08:00\",\"affected_users\":50}\n";

static void push_year(lc_eval *ev)
{
    lc_error err = {0};
    for (size_t i = 0; i < sizeof YEAR / sizeof *YEAR; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/examples/events/%s.jsonl", LC_SOURCE_DIR, YEAR[i]);
        cr_assert_eq(lc_eval_push_file(ev, path, &err), LC_OK, "%s", err.message);
    }
}

static char *json_of(lc_eval *ev)
{
    lc_error err = {0};
    lc_result *res = NULL;
    char *json = NULL;
    cr_assert_eq(lc_eval_result(ev, &res, &err), LC_OK, "%s", err.message);
    cr_assert_eq(lc_result_json(res, &json, NULL, &err), LC_OK);
    lc_result_free(res);
    return json;
}

/* The result three times over (the rules' memos kept, then replayed: the
 * same JSON each time), as JSON. */
static char *settled_json(lc_eval *ev)
{
    char *a = json_of(ev), *b = json_of(ev), *c = json_of(ev);
    cr_expect_str_eq(a, b, "a second result differs from the first");
    cr_expect_str_eq(b, c, "a third result differs from the second");
    lc_free(a);
    lc_free(b);
    return c;
}

/* A fresh evaluation of the year (and the outage, and the retraction of
 * the outage) under the engine's parameters as they are: its JSON. */
static char *fresh(lc_engine *e, unsigned flags, int outage, int retract)
{
    lc_error err = {0};
    lc_eval *ev = NULL;
    cr_assert_eq(lc_eval_new(&ev, e, flags, &err), LC_OK);
    push_year(ev);
    if (outage) cr_assert_eq(lc_eval_push_lines(ev, "more.jsonl", OUTAGE, strlen(OUTAGE), &err), LC_OK, "%s", err.message);
    if (retract) cr_assert_eq(lc_eval_retract(ev, "outage", "late-outage", &err), LC_OK, "%s", err.message);
    char *json = json_of(ev);
    lc_eval_free(ev);
    return json;
}

static void expect_same(char *kept, char *fresh_json, const char *when)
{
    cr_expect_str_eq(kept, fresh_json, "%s", when);
    lc_free(kept);
    lc_free(fresh_json);
}

static void run(unsigned flags)
{
    lc_error err = {0};
    lc_engine *e = NULL;
    lc_eval *ev = NULL;
    cr_assert_eq(lc_engine_new(&e, NULL, &err), LC_OK);
    cr_assert_eq(lc_engine_load_file(e, RULES, &err), LC_OK, "%s", err.message);
    cr_assert_eq(lc_eval_new(&ev, e, flags, &err), LC_OK);
    push_year(ev);
    char *first = json_of(ev);
    cr_assert_eq(lc_engine_set_assignment(e, "availability_target=99.95", &err), LC_OK, "%s", err.message);
    cr_assert_eq(lc_engine_set_assignment(e, "ticket_response_low=20", &err), LC_OK, "%s", err.message);
    char *changed = settled_json(ev);
    cr_expect_str_neq(first, changed, "the parameters changed nothing: the test would not see stale figures");
    expect_same(changed, fresh(e, flags, 0, 0), "after parameters changed");
    cr_assert_eq(lc_engine_set_assignment(e, "availability_target=99.9", &err), LC_OK);
    cr_assert_eq(lc_engine_set_assignment(e, "ticket_response_low=30", &err), LC_OK);
    expect_same(settled_json(ev), first, "the parameters as declared again");
    cr_assert_eq(lc_eval_push_lines(ev, "more.jsonl", OUTAGE, strlen(OUTAGE), &err), LC_OK, "%s", err.message);
    expect_same(settled_json(ev), fresh(e, flags, 1, 0), "after one more event");
    if (flags & LC_EVAL_UPDATES) {
        cr_assert_eq(lc_eval_retract(ev, "outage", "late-outage", &err), LC_OK, "%s", err.message);
        expect_same(settled_json(ev), fresh(e, flags, 1, 1), "after a retraction");
    }
    lc_eval_free(ev);
    lc_engine_free(e);
}

Test(reuse, results_equal_a_fresh_evaluation_across_parameters_and_events)
{
    run(0);
}

Test(reuse, with_updates_a_retraction_is_seen)
{
    run(LC_EVAL_UPDATES);
}

/* ---- every parameter of every shipped contract moved in turn ---- */

typedef struct corpus {
    char *paths[256];
    size_t n;
} corpus;

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The events of every case under dir, in the order of their names. */
static void cases_of(const char *dir, corpus *c)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d, "%s", dir);
    c->n = 0;
    for (struct dirent *e; (e = readdir(d)) && c->n < 256;) {
        if (e->d_name[0] == '.') continue;
        char path[2048];
        int n = snprintf(path, sizeof path, "%s/%s/events.jsonl", dir, e->d_name);
        FILE *f = n > 0 && (size_t)n < sizeof path ? fopen(path, "rb") : NULL;
        if (!f) continue;
        fclose(f);
        c->paths[c->n++] = strdup(path);
    }
    closedir(d);
    qsort(c->paths, c->n, sizeof *c->paths, by_name);
}

static char *json_of_corpus(lc_engine *e, const corpus *c, lc_eval **keep)
{
    lc_error err = {0};
    lc_eval *ev = NULL;
    cr_assert_eq(lc_eval_new(&ev, e, LC_EVAL_SKIP_INVALID, &err), LC_OK);
    for (size_t i = 0; i < c->n; i++) cr_assert_eq(lc_eval_push_file(ev, c->paths[i], &err), LC_OK, "%s", err.message);
    cr_assert_eq(lc_eval_end_stream(ev, &err), LC_OK, "%s", err.message);
    char *json = json_of(ev);
    if (keep) *keep = ev;
    else lc_eval_free(ev);
    return json;
}

/* Sets parameter i to another value it accepts: 1, or 0 when none of a
 * few candidates is accepted. */
static int move_param(lc_engine *e, size_t i)
{
    static const char *const CANDIDATES[] = {"1", "2", "3", "5", "7", "10", "25", "50", "95", "99", "99.5", "0.5", "100", "1000"};
    lc_error err = {0};
    const char *now = lc_engine_param_value(e, i);
    char was[64];
    snprintf(was, sizeof was, "%s", now);
    for (size_t k = 0; k < sizeof CANDIDATES / sizeof *CANDIDATES; k++) {
        if (strcmp(CANDIDATES[k], was) == 0) continue;
        if (lc_engine_set_param(e, lc_engine_param_name(e, i), CANDIDATES[k], &err) == LC_OK) return 1;
    }
    return 0;
}

static void every_param_moved(const char *rules, const char *cases)
{
    lc_error err = {0};
    lc_engine *e = NULL;
    lc_eval *kept = NULL;
    corpus c;
    cases_of(cases, &c);
    cr_assert_eq(lc_engine_new(&e, NULL, &err), LC_OK);
    cr_assert_eq(lc_engine_load_file(e, rules, &err), LC_OK, "%s", err.message);
    char *first = json_of_corpus(e, &c, &kept);
    size_t moved = 0;
    for (size_t i = 0; i < lc_engine_param_count(e); i++) {
        char was[64];
        snprintf(was, sizeof was, "%s", lc_engine_param_value(e, i));
        if (!move_param(e, i)) continue;
        moved++;
        char when[128];
        snprintf(when, sizeof when, "%s: %s = %s", rules, lc_engine_param_name(e, i), lc_engine_param_value(e, i));
        expect_same(json_of(kept), json_of_corpus(e, &c, NULL), when);
        cr_assert_eq(lc_engine_set_param(e, lc_engine_param_name(e, i), was, &err), LC_OK, "%s", err.message);
    }
    cr_expect_gt(moved, 0, "%s: no parameter could be moved", rules);
    char *again = json_of(kept);
    cr_expect_str_eq(again, first, "%s: every parameter back as declared", rules);
    lc_free(again);
    lc_free(first);
    for (size_t i = 0; i < c.n; i++) free(c.paths[i]);
    lc_eval_free(kept);
    lc_engine_free(e);
}

Test(reuse, every_parameter_of_the_reference_contract)
{
    every_param_moved(RULES, LC_SOURCE_DIR "/tests/golden/reference");
}

Test(reuse, every_parameter_of_the_other_contracts)
{
    every_param_moved(LC_SOURCE_DIR "/examples/hosting-sla/rules.lua", LC_SOURCE_DIR "/examples/hosting-sla/tests");
    every_param_moved(LC_SOURCE_DIR "/examples/cloud-sla/rules.lua", LC_SOURCE_DIR "/examples/cloud-sla/tests");
    every_param_moved(LC_SOURCE_DIR "/examples/implementation/rules.lua",
                      LC_SOURCE_DIR "/examples/implementation/tests");
}
