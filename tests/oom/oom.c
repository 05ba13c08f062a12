/* tests/oom/oom.c — allocation failure, SQLite-style: a small but complete
 * evaluation (load, events, result, reports, check, replay, diff, typed
 * events) is run once normally, then again failing the 1st, 2nd, … Nth
 * allocation, until a run needs fewer allocations than N.  Each run must
 * either succeed with exactly the normal result or fail with an error
 * message, and leave no allocation behind.
 *
 * Linked with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free,
 * so the library's own allocations and its Lua states' (their allocator
 * calls realloc and free) go through here; cJSON's go through here too, by
 * one cJSON_InitHooks at start (a process-wide hook is fine in a test). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "failing_alloc.h"
#include "libcontract.h"

/* ---- the evaluation ---- */

typedef struct outcome {
    lc_status status;
    char message[LC_ERROR_MESSAGE_MAX];
    char *json; /* the result when it succeeded */
} outcome;

static lc_status push_typed(lc_engine *engine, lc_eval *ev, lc_error *err)
{
    lc_event *e = NULL;
    int type = lc_engine_event_type(engine, "ticket"), opened = lc_engine_field(engine, type, "opened");
    lc_status st = lc_event_new(&e, engine, err);
    if (!st) st = lc_event_reset(e, type, "typed-1", err);
    if (!st) st = lc_event_set_time(e, opened, INT64_C(1767600000) * 1000000000, 480, err);
    if (!st) st = lc_eval_push_event(ev, e, err);
    lc_event_free(e);
    return st;
}

static lc_status reports(lc_engine *engine, const lc_result *res, char **json, lc_error *err)
{
    char *text = NULL, *check = NULL;
    lc_status st = lc_result_json(res, json, NULL, err);
    if (!st) st = lc_result_render(res, LC_FORMAT_TEXT, LC_LANG_BOTH, LC_RENDER_EXPLAIN, &text, NULL, err);
    if (!st) st = lc_engine_check(engine, LC_FORMAT_JSON, &check, NULL, NULL, err);
    lc_free(text);
    lc_free(check);
    return st;
}

static lc_status replay_and_diff(lc_eval *src, lc_engine *engine, const lc_result *res, lc_error *err)
{
    lc_eval *copy = NULL;
    lc_result *again = NULL;
    char *diff = NULL;
    int differs = 0;
    lc_status st = lc_eval_new(&copy, engine, LC_EVAL_SKIP_INVALID, err);
    if (!st) st = lc_eval_replay(copy, src, NULL, 1, err);
    if (!st) st = lc_eval_result(copy, &again, err);
    if (!st) st = lc_result_diff(res, again, LC_FORMAT_TEXT, LC_LANG_BOTH, &diff, NULL, &differs, err);
    lc_free(diff);
    lc_result_free(again);
    lc_eval_free(copy);
    return st;
}

static outcome run(const char *dir)
{
    char rules[512], events[512];
    outcome o = {LC_OK, "", NULL};
    lc_error err = {0};
    lc_engine *engine = NULL;
    lc_eval *ev = NULL;
    lc_result *res = NULL;
    snprintf(rules, sizeof rules, "%s/small.lua", dir);
    snprintf(events, sizeof events, "%s/events.jsonl", dir);
    lc_status st = lc_engine_new(&engine, NULL, &err);
    if (!st) st = lc_engine_load_file(engine, rules, &err);
    if (!st) st = lc_engine_set_param(engine, "limit", "25", &err);
    if (!st) st = lc_eval_new(&ev, engine, LC_EVAL_SKIP_INVALID | LC_EVAL_KEEP_EVENTS, &err);
    if (!st) st = lc_eval_push_file(ev, events, &err);
    if (!st) st = push_typed(engine, ev, &err);
    if (!st) st = lc_eval_result(ev, &res, &err);
    if (!st) st = reports(engine, res, &o.json, &err);
    if (!st) st = replay_and_diff(ev, engine, res, &err);
    lc_result_free(res);
    lc_eval_free(ev);
    lc_engine_free(engine);
    o.status = st;
    if (st) snprintf(o.message, sizeof o.message, "%s", err.message);
    return o;
}

int main(int argc, char **argv)
{
    if (argc != 2) return 2;
    cJSON_InitHooks(&(cJSON_Hooks){__wrap_malloc, __wrap_free});
    outcome normal = run(argv[1]);
    long total = oom_count;
    if (normal.status || oom_live != 1) { /* the result's JSON is all that is left */
        fprintf(stderr, "oom: the normal run failed (%s) or leaked %ld\n", normal.message, oom_live);
        return 1;
    }
    long failures = 0, errors = 0;
    for (oom_fail_at = 1;; oom_fail_at++) {
        oom_count = oom_live = 0;
        outcome o = run(argv[1]);
        oom_live -= o.json != NULL; /* the result's JSON is the caller's */
        int different = !o.status && strcmp(o.json, normal.json) != 0;
        int silent = o.status && !o.message[0];
        if (different && getenv("OOM_SHOW")) printf("%s\n----\n%s\n", normal.json, o.json);
        if (oom_live || different || silent) {
            fprintf(stderr, "oom: failing allocation %ld: %s%s%s (%s)\n", oom_fail_at, oom_live ? "leaked " : "",
                    different ? "a different result " : "", silent ? "an error without a message" : "", o.message);
            failures++;
        }
        errors += o.status != LC_OK;
        __wrap_free(o.json);
        if (oom_count < oom_fail_at) break; /* this run needed fewer allocations: all were tried */
    }
    __wrap_free(normal.json);
    printf("oom: %ld allocations failed one at a time (%ld of the runs reported an error), %ld problems\n", total, errors,
           failures);
    return failures ? 1 : 0;
}
