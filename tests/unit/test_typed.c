/* Typed events through the C API: the same results as the same events in
 * JSON, one at a time or in batches (lc_eval_push_events), with the same
 * checks, repeats and errors. */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libcontract.h"

#define REFERENCE LC_SOURCE_DIR "/rules/beijing-sme-secops-2026.lua"

#define NS INT64_C(1000000000)
#define APRIL_1 INT64_C(1775001600) /* 2026-04-01T08:00:00+08:00 */

typedef struct fixture {
    lc_engine *engine;
    int ticket, opened, responded, restored;
} fixture;

static fixture load(void)
{
    fixture f = {0};
    lc_error err = {0};
    cr_assert_eq(lc_engine_new(&f.engine, NULL, &err), LC_OK);
    cr_assert_eq(lc_engine_load_file(f.engine, REFERENCE, &err), LC_OK, "%s", err.message);
    f.ticket = lc_engine_event_type(f.engine, "ticket");
    f.opened = lc_engine_field(f.engine, f.ticket, "opened");
    f.responded = lc_engine_field(f.engine, f.ticket, "responded");
    f.restored = lc_engine_field(f.engine, f.ticket, "restored");
    cr_assert(f.ticket >= 0 && f.opened >= 0 && f.responded >= 0 && f.restored >= 0);
    return f;
}

/* Ticket i: opened i hours after April 1, answered after 20 + i % 70
 * minutes, restored an hour later (every third is still open). */
static void ticket(const fixture *f, lc_event *e, int i, const char *id_prefix)
{
    char id[32];
    lc_error err = {0};
    snprintf(id, sizeof id, "%s%d", id_prefix, i);
    int64_t opened = (APRIL_1 + (int64_t)i * 3600) * NS, responded = opened + (20 + i % 70) * 60 * NS;
    cr_assert_eq(lc_event_reset(e, f->ticket, id, &err), LC_OK, "%s", err.message);
    cr_assert_eq(lc_event_set_time(e, f->opened, opened, 480, &err), LC_OK, "%s", err.message);
    cr_assert_eq(lc_event_set_time(e, f->responded, responded, 480, &err), LC_OK);
    if (i % 3) cr_assert_eq(lc_event_set_time(e, f->restored, responded + 3600 * NS, 480, &err), LC_OK);
}

static void ticket_json(char *out, size_t size, int i)
{
    /* the same ticket as ticket(), in JSON at +08:00 */
    char a[40], b[40], c[40];
    int64_t opened = APRIL_1 + (int64_t)i * 3600 + 8 * 3600, responded = opened + (20 + i % 70) * 60;
    int64_t times[3] = {opened, responded, responded + 3600};
    char *bufs[3] = {a, b, c};
    for (int k = 0; k < 3; k++) {
        time_t t = (time_t)times[k];
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(bufs[k], 40, "%Y-%m-%dT%H:%M:%S+08:00", &tm);
    }
    if (i % 3)
        snprintf(out, size, "{\"type\":\"ticket\",\"id\":\"t%d\",\"opened\":\"%s\",\"responded\":\"%s\",\"restored\":\"%s\"}", i,
                 a, b, c);
    else
        snprintf(out, size, "{\"type\":\"ticket\",\"id\":\"t%d\",\"opened\":\"%s\",\"responded\":\"%s\"}", i, a, b);
}

/* n builders, builder k holding ticket k (none when prefix is NULL). */
static void new_builders(const fixture *f, lc_event **e, int n, const char *prefix)
{
    for (int k = 0; k < n; k++) {
        cr_assert_eq(lc_event_new(&e[k], f->engine, NULL), LC_OK);
        if (prefix) ticket(f, e[k], k, prefix);
    }
}

static void free_builders(lc_event **e, int n)
{
    for (int k = 0; k < n; k++) lc_event_free(e[k]);
}

static char *json_of(lc_eval *ev)
{
    lc_result *r = NULL;
    char *json = NULL;
    lc_error err = {0};
    cr_assert_eq(lc_eval_result(ev, &r, &err), LC_OK, "%s", err.message);
    cr_assert_eq(lc_result_json(r, &json, NULL, &err), LC_OK);
    lc_result_free(r);
    return json;
}

enum { TICKETS = 1000, BATCH = 37 };

Test(typed, one_at_a_time_and_in_batches_equal_json)
{
    fixture f = load();
    lc_eval *from_json, *single, *batched;
    lc_error err = {0};
    cr_assert_eq(lc_eval_new(&from_json, f.engine, 0, &err), LC_OK);
    cr_assert_eq(lc_eval_new(&single, f.engine, 0, &err), LC_OK);
    cr_assert_eq(lc_eval_new(&batched, f.engine, 0, &err), LC_OK);
    lc_event *one, *many[BATCH];
    cr_assert_eq(lc_event_new(&one, f.engine, &err), LC_OK);
    new_builders(&f, many, BATCH, NULL);
    char line[400];
    for (int i = 0; i < TICKETS; i++) {
        ticket_json(line, sizeof line, i);
        cr_assert_eq(lc_eval_push_json(from_json, line, strlen(line), "t.jsonl", i + 1, &err), LC_OK, "%s", err.message);
        ticket(&f, one, i, "t");
        cr_assert_eq(lc_eval_push_event(single, one, &err), LC_OK, "%s", err.message);
    }
    for (int i = 0; i < TICKETS;) {
        size_t k = 0, pushed = 99;
        for (; k < BATCH && i < TICKETS; k++, i++) ticket(&f, many[k], i, "t");
        cr_assert_eq(lc_eval_push_events(batched, (const lc_event *const *)many, k, &pushed, &err), LC_OK, "%s",
                     err.message);
        cr_assert_eq(pushed, k);
    }
    char *a = json_of(from_json), *b = json_of(single), *c = json_of(batched);
    cr_assert(strstr(a, "\"minor.") != NULL, "the fixture breaches something");
    cr_assert_str_eq(b, a);
    cr_assert_str_eq(c, a);
    lc_free(a);
    lc_free(b);
    lc_free(c);
    lc_event_free(one);
    free_builders(many, BATCH);
    lc_eval_free(from_json);
    lc_eval_free(single);
    lc_eval_free(batched);
    lc_engine_free(f.engine);
}

Test(typed, a_batch_stops_at_a_conflicting_repeat_and_says_how_far_it_got)
{
    fixture f = load();
    lc_eval *ev;
    lc_error err = {0};
    cr_assert_eq(lc_eval_new(&ev, f.engine, 0, &err), LC_OK);
    lc_event *e[20];
    new_builders(&f, e, 20, "t");
    ticket(&f, e[12], 3, "t");                                     /* an exact repeat of e[3]: counted once */
    ticket(&f, e[15], 4, "t");                                     /* t4 again ... */
    int64_t opened4 = (APRIL_1 + 4 * 3600) * NS;
    cr_assert_eq(lc_event_set_time(e[15], f.opened, opened4, 0, &err), LC_OK); /* the same instant at +00:00: other content */
    size_t pushed = 0;
    cr_assert_eq(lc_eval_push_events(ev, (const lc_event *const *)e, 20, &pushed, &err), LC_EEVENT);
    cr_assert_eq(pushed, 15);
    cr_assert(strstr(err.message, "\"t4\" was already used") != NULL, "%s", err.message);
    cr_assert_eq(lc_eval_push_events(ev, (const lc_event *const *)e, 1, &pushed, &err), LC_EUSAGE,
                 "a stopped evaluation takes no more events");
    free_builders(e, 20);
    lc_eval_free(ev);
    lc_engine_free(f.engine);
}

Test(typed, under_skip_invalid_a_batch_goes_on)
{
    fixture f = load();
    lc_eval *ev;
    lc_error err = {0};
    cr_assert_eq(lc_eval_new(&ev, f.engine, LC_EVAL_SKIP_INVALID, &err), LC_OK);
    lc_event *e[10];
    new_builders(&f, e, 10, "s");
    /* restored before opened: invalid, skipped with a warning */
    cr_assert_eq(lc_event_set_time(e[4], f.restored, 0, 480, &err), LC_OK);
    size_t pushed = 0;
    cr_assert_eq(lc_eval_push_events(ev, (const lc_event *const *)e, 10, &pushed, &err), LC_OK);
    cr_assert_eq(pushed, 10);
    lc_result *r = NULL;
    cr_assert_eq(lc_eval_result(ev, &r, &err), LC_OK);
    lc_totals t;
    lc_result_totals(r, &t);
    cr_assert_eq(t.warnings, 1);
    lc_result_free(r);
    free_builders(e, 10);
    lc_eval_free(ev);
    lc_engine_free(f.engine);
}

Test(typed, a_batch_with_an_unbuilt_event_pushes_nothing)
{
    fixture f = load();
    lc_eval *ev;
    lc_error err = {0};
    cr_assert_eq(lc_eval_new(&ev, f.engine, 0, &err), LC_OK);
    lc_event *e[3];
    new_builders(&f, e, 3, NULL);
    ticket(&f, e[0], 0, "u");
    ticket(&f, e[2], 2, "u"); /* e[1] was never reset */
    size_t pushed = 9;
    cr_assert_eq(lc_eval_push_events(ev, (const lc_event *const *)e, 3, &pushed, &err), LC_EUSAGE);
    cr_assert_eq(pushed, 0);
    const lc_event *none[] = {e[0], NULL};
    cr_assert_eq(lc_eval_push_events(ev, none, 2, NULL, &err), LC_EUSAGE);
    cr_assert_eq(lc_eval_push_events(ev, NULL, 0, &pushed, &err), LC_OK, "an empty batch is fine");
    ticket(&f, e[1], 1, "u");
    cr_assert_eq(lc_eval_push_events(ev, (const lc_event *const *)e, 3, &pushed, &err), LC_OK);
    cr_assert_eq(pushed, 3);
    free_builders(e, 3);
    lc_eval_free(ev);
    lc_engine_free(f.engine);
}

Test(typed, setters_refuse_fields_of_the_wrong_kind_and_before_reset)
{
    fixture f = load();
    lc_event *e;
    lc_error err = {0};
    cr_assert_eq(lc_event_new(&e, f.engine, &err), LC_OK);
    cr_assert_eq(lc_event_set_time(e, f.opened, 0, 0, &err), LC_EUSAGE);
    cr_assert(strstr(err.message, "lc_event_reset") != NULL, "%s", err.message);
    cr_assert_eq(lc_event_reset(e, f.ticket, "x", &err), LC_OK);
    cr_assert_eq(lc_event_set_bool(e, f.opened, 1, &err), LC_EUSAGE);
    cr_assert(strstr(err.message, "does not take this kind") != NULL, "%s", err.message);
    cr_assert_eq(lc_event_set_time(e, 99, 0, 0, &err), LC_EUSAGE);
    cr_assert(strstr(err.message, "has no field 99") != NULL, "%s", err.message);
    cr_assert_eq(lc_event_set_time(e, -1, 0, 0, &err), LC_EUSAGE);
    cr_assert_eq(lc_event_set_time(e, f.opened, 0, 1440, &err), LC_EUSAGE, "offset out of range");
    lc_event_free(e);
    lc_engine_free(f.engine);
}

Test(typed, reset_clears_the_fields_of_the_event_before)
{
    fixture f = load();
    lc_eval *a, *b;
    lc_event *e;
    lc_error err = {0};
    cr_assert_eq(lc_eval_new(&a, f.engine, 0, &err), LC_OK);
    cr_assert_eq(lc_eval_new(&b, f.engine, 0, &err), LC_OK);
    cr_assert_eq(lc_event_new(&e, f.engine, &err), LC_OK);
    ticket(&f, e, 1, "r"); /* restored is set */
    cr_assert_eq(lc_eval_push_event(a, e, &err), LC_OK);
    ticket(&f, e, 3, "r"); /* restored is not */
    cr_assert_eq(lc_eval_push_event(a, e, &err), LC_OK);
    lc_event *fresh;
    cr_assert_eq(lc_event_new(&fresh, f.engine, &err), LC_OK);
    ticket(&f, fresh, 1, "r");
    cr_assert_eq(lc_eval_push_event(b, fresh, &err), LC_OK);
    ticket(&f, fresh, 3, "r");
    lc_event *other;
    cr_assert_eq(lc_event_new(&other, f.engine, &err), LC_OK);
    ticket(&f, other, 3, "r");
    cr_assert_eq(lc_eval_push_event(b, other, &err), LC_OK);
    char *ja = json_of(a), *jb = json_of(b);
    cr_assert_str_eq(ja, jb);
    cr_assert(strstr(ja, "\"open_tickets\": 1") != NULL, "%s", ja);
    lc_free(ja);
    lc_free(jb);
    lc_event_free(e);
    lc_event_free(fresh);
    lc_event_free(other);
    lc_eval_free(a);
    lc_eval_free(b);
    lc_engine_free(f.engine);
}

Test(typed, a_builder_reused_across_types_keeps_no_trace_of_the_event_before)
{
    /* intrusion's field 2 is a time (handled), tamper's a bool
     * (plan_followed): the same tamper built after an intrusion or on a
     * fresh builder is the same content, so the second push is a repeat */
    fixture f = load();
    int intrusion = lc_engine_event_type(f.engine, "intrusion"), tamper = lc_engine_event_type(f.engine, "tamper");
    int handled = lc_engine_field(f.engine, intrusion, "handled"), at = lc_engine_field(f.engine, tamper, "at");
    int plan = lc_engine_field(f.engine, tamper, "plan_followed");
    cr_assert(handled == plan, "the test needs a time and a bool at the same index");
    int64_t t0 = (APRIL_1 + 3600) * NS;
    lc_eval *ev;
    lc_event *used, *fresh;
    lc_error err = {0};
    cr_assert_eq(lc_eval_new(&ev, f.engine, 0, &err), LC_OK);
    new_builders(&f, &used, 1, NULL);
    new_builders(&f, &fresh, 1, NULL);
    cr_assert_eq(lc_event_reset(used, intrusion, "i-1", &err), LC_OK);
    cr_assert_eq(lc_event_set_time(used, lc_engine_field(f.engine, intrusion, "at"), t0, 480, &err), LC_OK);
    cr_assert_eq(lc_event_set_time(used, handled, t0 + 60 * NS, 480, &err), LC_OK);
    cr_assert_eq(lc_eval_push_event(ev, used, &err), LC_OK, "%s", err.message);
    lc_event *both[] = {used, fresh};
    for (int k = 0; k < 2; k++) {
        cr_assert_eq(lc_event_reset(both[k], tamper, "x-1", &err), LC_OK);
        cr_assert_eq(lc_event_set_time(both[k], at, t0, 480, &err), LC_OK);
        cr_assert_eq(lc_event_set_bool(both[k], plan, 0, &err), LC_OK);
        cr_assert_eq(lc_eval_push_event(ev, both[k], &err), LC_OK, "%s", err.message);
    }
    lc_result *r = NULL;
    cr_assert_eq(lc_eval_result(ev, &r, &err), LC_OK);
    lc_totals t;
    lc_result_totals(r, &t);
    cr_assert_eq(t.warnings, 1, "one repeat");
    lc_result_free(r);
    free_builders(&used, 1);
    free_builders(&fresh, 1);
    lc_eval_free(ev);
    lc_engine_free(f.engine);
}

/* Ids and string values reach the JSON and the reports: they must be text. */
Test(typed, ids_and_strings_must_be_utf8_text)
{
    fixture f = load();
    lc_event *e;
    lc_error err = {0};
    cr_assert_eq(lc_event_new(&e, f.engine, &err), LC_OK);
    cr_assert_eq(lc_event_reset(e, f.ticket, "t-\xff", &err), LC_EEVENT);
    cr_assert(strstr(err.message, "not UTF-8") != NULL, "%s", err.message);
    cr_assert_eq(lc_event_reset(e, f.ticket, "t-\xc3\xa9-long-enough-for-the-word-loop", &err), LC_OK, "%s", err.message);
    int period = lc_engine_event_type(f.engine, "protection_period");
    int name = lc_engine_field(f.engine, period, "name");
    cr_assert_eq(lc_event_reset(e, period, "p-1", &err), LC_OK);
    cr_assert_eq(lc_event_set_string(e, name, "\xe4\xb8", &err), LC_EEVENT);
    cr_assert(strstr(err.message, "not UTF-8") != NULL, "%s", err.message);
    cr_assert_eq(lc_event_set_string(e, name, "\xe4\xb8\xad\xe7\xa7\x8b", &err), LC_OK, "%s", err.message);
    lc_event_free(e);
    lc_engine_free(f.engine);
}

Test(typed, fields_are_named_with_their_kinds_and_typos_have_a_hint)
{
    fixture f = load();
    cr_assert_str_eq(lc_engine_field_name(f.engine, f.ticket, f.opened), "opened");
    cr_assert_str_eq(lc_engine_field_kind(f.engine, f.ticket, f.opened), "time");
    int outage = lc_engine_event_type(f.engine, "outage");
    int users = lc_engine_field(f.engine, outage, "affected_users"), impact = lc_engine_field(f.engine, outage, "impact");
    cr_assert_str_eq(lc_engine_field_kind(f.engine, outage, users), "integer");
    cr_assert_str_eq(lc_engine_field_kind(f.engine, outage, impact), "severity");
    int item = lc_engine_event_type(f.engine, "work_item");
    cr_assert_str_eq(lc_engine_field_kind(f.engine, item, lc_engine_field(f.engine, item, "item")), "enum");
    cr_assert_str_eq(lc_engine_field_kind(f.engine, item, lc_engine_field(f.engine, item, "month")), "month");
    size_t n = 0;
    while (lc_engine_field_name(f.engine, f.ticket, (int)n)) {
        cr_assert_eq(lc_engine_field(f.engine, f.ticket, lc_engine_field_name(f.engine, f.ticket, (int)n)), (int)n);
        cr_assert_not_null(lc_engine_field_kind(f.engine, f.ticket, (int)n));
        n++;
    }
    cr_assert_geq(n, 3);
    cr_assert_null(lc_engine_field_kind(f.engine, f.ticket, (int)n));
    cr_assert_null(lc_engine_field_name(f.engine, f.ticket, -1));
    cr_assert_null(lc_engine_field_name(f.engine, 999, 0));
    cr_assert_str_eq(lc_engine_nearest_field(f.engine, f.ticket, "respnded"), "responded");
    cr_assert_null(lc_engine_nearest_field(f.engine, f.ticket, "completely_different"));
    cr_assert_null(lc_engine_nearest_field(f.engine, -1, "opened"));
    lc_engine_free(f.engine);
}

/* The warnings of an evaluation's result: "file:line: message" each, joined by newlines. */
static void warnings_of(lc_eval *ev, char *out, size_t size)
{
    lc_result *r = NULL;
    lc_error err = {0};
    cr_assert_eq(lc_eval_result(ev, &r, &err), LC_OK, "%s", err.message);
    out[0] = '\0';
    for (size_t i = 0; i < lc_result_count(r, "warnings"); i++) {
        int64_t line = 0;
        lc_result_int(r, "warnings", i, "line", &line);
        size_t used = strlen(out);
        snprintf(out + used, size - used, "%s:%lld: %s\n", lc_result_text(r, "warnings", i, "file"), (long long)line,
                 lc_result_text(r, "warnings", i, "message"));
    }
    lc_result_free(r);
}

Test(typed, pushed_at_a_file_and_line_and_rejected_like_json_lines)
{
    fixture f = load();
    lc_eval *ev, *skip;
    lc_event *e;
    lc_error err = {0};
    char text[2048];
    cr_assert_eq(lc_event_new(&e, f.engine, &err), LC_OK);
    cr_assert_eq(lc_eval_new(&ev, f.engine, 0, &err), LC_OK);
    cr_assert_eq(lc_eval_new(&skip, f.engine, LC_EVAL_SKIP_INVALID, &err), LC_OK);
    ticket(&f, e, 1, "t");
    cr_assert_eq(lc_eval_push_event_at(ev, e, "app", 7, &err), LC_OK);
    cr_assert_eq(lc_eval_push_event_at(ev, e, "app", 8, &err), LC_OK, "an exact repeat");
    cr_assert_eq(lc_eval_push_event_at(skip, e, "app", 1, &err), LC_OK);
    cr_assert_eq(lc_event_set_time(e, f.restored, 0, 480, &err), LC_OK); /* restored before opened */
    cr_assert_eq(lc_eval_push_event_at(skip, e, "app", 2, &err), LC_OK);
    cr_assert_eq(lc_eval_reject(skip, "app", 3, "field \"x\" is not declared", &err), LC_OK);
    warnings_of(skip, text, sizeof text);
    cr_assert(strstr(text, "app:2: skipped: \"restored\" (") != NULL, "%s", text); /* as a JSON line's */
    cr_assert(strstr(text, "app:3: skipped: field \"x\" is not declared\n") != NULL, "%s", text);
    warnings_of(ev, text, sizeof text);
    cr_assert(strstr(text, "app:8: event \"t1\" repeats an earlier event") != NULL, "%s", text);
    cr_assert_eq(lc_eval_reject(ev, "app", 9, "no good", &err), LC_EEVENT);
    cr_assert_str_eq(err.file, "app");
    cr_assert_eq(err.line, 9);
    cr_assert_str_eq(err.message, "no good");
    ticket(&f, e, 2, "t");
    cr_assert_eq(lc_eval_push_event_at(ev, e, "app", 10, &err), LC_EUSAGE, "the evaluation stopped");
    cr_assert_eq(lc_eval_reject(ev, "app", 11, "again", &err), LC_EUSAGE);
    cr_assert_eq(lc_eval_reject(NULL, NULL, 0, "x", &err), LC_EUSAGE);
    lc_event_free(e);
    lc_eval_free(ev);
    lc_eval_free(skip);
    lc_engine_free(f.engine);
}

/* ticket_json's line with one more member, "respnded": true, before the closing brace. */
static void ticket_json_with_typo(char *out, size_t size, int i)
{
    ticket_json(out, size, i);
    size_t n = strlen(out);
    snprintf(out + n - 1, size - (n - 1), ",\"respnded\":true}");
}

Test(typed, undeclared_fields_warn_or_refuse_as_in_json_lines)
{
    fixture f = load();
    lc_event *e;
    lc_eval *typed, *json, *strict, *strict_json;
    lc_error err = {0}, json_err = {0};
    char line[512], a[2048], b[2048];
    cr_assert_eq(lc_event_new(&e, f.engine, &err), LC_OK);
    cr_assert_eq(lc_eval_new(&typed, f.engine, 0, &err), LC_OK);
    cr_assert_eq(lc_eval_new(&json, f.engine, 0, &err), LC_OK);
    cr_assert_eq(lc_eval_new(&strict, f.engine, LC_EVAL_STRICT, &err), LC_OK);
    cr_assert_eq(lc_eval_new(&strict_json, f.engine, LC_EVAL_STRICT, &err), LC_OK);
    for (int i = 1; i <= 3; i++) {
        ticket(&f, e, i, "t");
        cr_assert_eq(lc_event_set_undeclared(e, "respnded", &err), LC_OK, "%s", err.message);
        cr_assert_eq(lc_eval_push_event_at(typed, e, "feed", i, &err), LC_OK, "%s", err.message);
        ticket_json_with_typo(line, sizeof line, i);
        cr_assert_eq(lc_eval_push_json(json, line, strlen(line), "feed", i, &err), LC_OK, "%s", err.message);
    }
    warnings_of(typed, a, sizeof a);
    warnings_of(json, b, sizeof b);
    cr_assert(strstr(a, "respnded") != NULL, "%s", a);
    cr_assert_str_eq(a, b, "typed:\n%s\njson:\n%s", a, b);
    /* strict: the same refusal, naming the nearest field */
    ticket(&f, e, 1, "t");
    cr_assert_eq(lc_event_set_undeclared(e, "respnded", &err), LC_OK);
    cr_assert_eq(lc_eval_push_event_at(strict, e, "feed", 1, &err), LC_EEVENT);
    ticket_json_with_typo(line, sizeof line, 1);
    cr_assert_eq(lc_eval_push_json(strict_json, line, strlen(line), "feed", 1, &json_err), LC_EEVENT);
    cr_assert_str_eq(err.message, json_err.message);
    cr_assert(strstr(err.message, "'responded'") != NULL, "%s", err.message);
    /* a declared field is set, not noted; a reset forgets the names */
    cr_assert_eq(lc_event_set_undeclared(e, "opened", &err), LC_EUSAGE);
    ticket(&f, e, 9, "t");
    cr_assert_eq(lc_eval_push_event_at(strict, e, "feed", 2, &err), LC_EUSAGE, "the evaluation stopped");
    lc_eval *fresh;
    cr_assert_eq(lc_eval_new(&fresh, f.engine, LC_EVAL_STRICT, &err), LC_OK);
    cr_assert_eq(lc_eval_push_event_at(fresh, e, "feed", 1, &err), LC_OK, "%s", err.message);
    cr_assert_eq(lc_event_set_undeclared(NULL, "x", &err), LC_EUSAGE);
    lc_event_free(e);
    lc_eval_free(typed);
    lc_eval_free(json);
    lc_eval_free(strict);
    lc_eval_free(strict_json);
    lc_eval_free(fresh);
    lc_engine_free(f.engine);
}

Test(typed, a_retraction_is_named_by_its_file_and_line_as_a_retraction_line)
{
    fixture f = load();
    lc_eval *api, *json;
    lc_error err = {0};
    char a[1024], b[1024];
    static const char line[] = "{\"type\": \"ticket\", \"id\": \"t-404\", \"retracted\": true}";
    cr_assert_eq(lc_eval_new(&api, f.engine, LC_EVAL_UPDATES, &err), LC_OK);
    cr_assert_eq(lc_eval_new(&json, f.engine, LC_EVAL_UPDATES, &err), LC_OK);
    cr_assert_eq(lc_eval_retract_at(api, "ticket", "t-404", "feed", 5, &err), LC_OK, "%s", err.message);
    cr_assert_eq(lc_eval_push_json(json, line, strlen(line), "feed", 5, &err), LC_OK, "%s", err.message);
    warnings_of(api, a, sizeof a);
    warnings_of(json, b, sizeof b);
    cr_assert(strstr(a, "feed:5: ") == a, "%s", a);
    cr_assert_str_eq(a, b);
    cr_assert_eq(lc_eval_retract_at(api, "meteor", "m", "feed", 6, &err), LC_EUSAGE);
    lc_eval_free(api);
    lc_eval_free(json);
    lc_engine_free(f.engine);
}
