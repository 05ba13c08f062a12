/* test_reuse.c — an evaluation keeps the figures of its last result while
 * its events stay the same (eval/figures.c: no parameter enters them), so
 * a sweep evaluates only what a parameter changes.  Every result must
 * still be that of a fresh evaluation of the same events under the same
 * parameters: after parameters change, after more events, after a
 * retraction. */
#include <criterion/criterion.h>

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
    char *changed = json_of(ev);
    cr_expect_str_neq(first, changed, "the parameters changed nothing: the test would not see stale figures");
    expect_same(changed, fresh(e, flags, 0, 0), "after parameters changed");
    cr_assert_eq(lc_engine_set_assignment(e, "availability_target=99.9", &err), LC_OK);
    cr_assert_eq(lc_engine_set_assignment(e, "ticket_response_low=30", &err), LC_OK);
    expect_same(json_of(ev), first, "the parameters as declared again");
    cr_assert_eq(lc_eval_push_lines(ev, "more.jsonl", OUTAGE, strlen(OUTAGE), &err), LC_OK, "%s", err.message);
    expect_same(json_of(ev), fresh(e, flags, 1, 0), "after one more event");
    if (flags & LC_EVAL_UPDATES) {
        cr_assert_eq(lc_eval_retract(ev, "outage", "late-outage", &err), LC_OK, "%s", err.message);
        expect_same(json_of(ev), fresh(e, flags, 1, 1), "after a retraction");
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
