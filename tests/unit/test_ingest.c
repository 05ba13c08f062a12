/* Lines are read ahead of their commit (ingest.c's queue): errors and
 * warnings must still come in the order of the lines, nothing after an
 * error is counted, and every event of a chunk is in before the call
 * returns. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcontract.h"

#define REFERENCE LC_SOURCE_DIR "/rules/beijing-sme-secops-2026.lua"

static lc_engine *engine;

static void load(void)
{
    lc_error err = {0};
    cr_assert_eq(lc_engine_new(&engine, NULL, &err), LC_OK);
    cr_assert_eq(lc_engine_load_file(engine, REFERENCE, &err), LC_OK, "%s", err.message);
}

static void unload(void)
{
    lc_engine_free(engine);
}

/* Ticket n, answered after `minutes`. */
static void ticket(char *out, size_t size, int n, int minutes)
{
    snprintf(out, size,
             "{\"type\":\"ticket\",\"id\":\"t%d\",\"opened\":\"2026-04-%02dT09:00:00+08:00\","
             "\"responded\":\"2026-04-%02dT09:%02d:00+08:00\"}\n",
             n, 1 + n % 28, 1 + n % 28, minutes);
}

/* Lines 1..n; line `bad` conflicts with line 1 (its id, other content),
 * line `broken` is not JSON. */
static char *stream(int n, int bad, int broken)
{
    size_t size = (size_t)n * 200 + 1, used = 0;
    char *s = malloc(size), line[200];
    for (int i = 1; i <= n; i++) {
        if (i == broken) snprintf(line, sizeof line, "{\"type\":\"ticket\",\n");
        else ticket(line, sizeof line, i == bad ? 1 : i, i == bad ? 59 : 45); /* April averages 45 min: a breach naming every ticket */
        used += (size_t)snprintf(s + used, size - used, "%s", line);
    }
    return s;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle)) n++;
    return n;
}

static char *json_of(lc_eval *ev)
{
    lc_result *r = NULL;
    char *json = NULL;
    cr_assert_eq(lc_eval_result(ev, &r, NULL), LC_OK);
    cr_assert_eq(lc_result_json(r, &json, NULL, NULL), LC_OK);
    lc_result_free(r);
    return json;
}

TestSuite(queue, .init = load, .fini = unload);

Test(queue, the_first_error_is_the_earliest_line_and_nothing_after_it_counts)
{
    lc_eval *ev;
    lc_error err = {0};
    cr_assert_eq(lc_eval_new(&ev, engine, 0, &err), LC_OK);
    char *s = stream(40, 20, 30);
    cr_assert_eq(lc_eval_push_lines(ev, "e.jsonl", s, strlen(s), &err), LC_EEVENT);
    cr_assert_eq(err.line, 20, "the conflict at line 20 comes before the broken line 30");
    cr_assert(strstr(err.message, "\"t1\" was already used") != NULL, "%s", err.message);
    char *json = json_of(ev);
    /* the 19 tickets before the error are in, none after it */
    cr_assert(strstr(json, "\"t19\"") != NULL);
    cr_assert(strstr(json, "\"t21\"") == NULL);
    lc_free(json);
    free(s);
    lc_eval_free(ev);
}

Test(queue, a_broken_line_is_reported_after_the_lines_before_it_are_in)
{
    lc_eval *ev;
    lc_error err = {0};
    cr_assert_eq(lc_eval_new(&ev, engine, 0, &err), LC_OK);
    char *s = stream(40, 0, 13);
    cr_assert_eq(lc_eval_push_lines(ev, "e.jsonl", s, strlen(s), &err), LC_EEVENT);
    cr_assert_eq(err.line, 13);
    char *json = json_of(ev);
    cr_assert(strstr(json, "\"t12\"") != NULL, "line 12, read just before, is committed");
    cr_assert(strstr(json, "\"t14\"") == NULL);
    lc_free(json);
    free(s);
    lc_eval_free(ev);
}

Test(queue, skipped_lines_warn_in_line_order)
{
    lc_eval *ev;
    lc_error err = {0};
    cr_assert_eq(lc_eval_new(&ev, engine, LC_EVAL_SKIP_INVALID, &err), LC_OK);
    char *s = stream(40, 25, 24); /* the broken line comes first, then the conflict */
    cr_assert_eq(lc_eval_push_lines(ev, "e.jsonl", s, strlen(s), &err), LC_OK, "%s", err.message);
    cr_assert_eq(lc_eval_end_stream(ev, &err), LC_OK);
    char *json = json_of(ev);
    const char *first = strstr(json, "\"line\": 24"), *second = strstr(json, "\"line\": 25");
    cr_assert(first && second && first < second, "%s", json);
    cr_assert(strstr(json, "\"t40\"") != NULL);
    lc_free(json);
    free(s);
    lc_eval_free(ev);
}

Test(queue, every_event_of_a_chunk_is_in_when_the_call_returns)
{
    lc_eval *ev;
    lc_error err = {0};
    cr_assert_eq(lc_eval_new(&ev, engine, 0, &err), LC_OK);
    char line[200];
    for (int i = 1; i <= 3; i++) {
        ticket(line, sizeof line, i, 45);
        cr_assert_eq(lc_eval_push_lines(ev, "e.jsonl", line, strlen(line), &err), LC_OK);
        char *json = json_of(ev);
        snprintf(line, sizeof line, "\"t%d\"", i);
        cr_assert_eq(count(json, line), 1, "%s after its own call", line);
        lc_free(json);
    }
    /* a conflict in the last line of a chunk is this call's error */
    ticket(line, sizeof line, 1, 59);
    cr_assert_eq(lc_eval_push_lines(ev, "e.jsonl", line, strlen(line), &err), LC_EEVENT);
    cr_assert_eq(err.line, 4);
    lc_eval_free(ev);
}

/* An event with many keys no type declares: each repeated key is found,
 * among a few or among thousands (through a hash set). */
static char *many_keys(int n, int repeat_of)
{
    size_t size = (size_t)n * 24 + 200, used = 0;
    char *s = malloc(size);
    used += (size_t)snprintf(s, size, "{\"type\":\"ticket\",\"id\":\"m\",\"opened\":\"2026-04-01T09:00:00+08:00\"");
    for (int i = 0; i < n; i++) used += (size_t)snprintf(s + used, size - used, ",\"x%d\":%d", i, i);
    if (repeat_of >= 0) used += (size_t)snprintf(s + used, size - used, ",\"x%d\":0", repeat_of);
    snprintf(s + used, size - used, "}");
    return s;
}

Test(queue, undeclared_keys_repeated_among_few_or_many)
{
    int sizes[] = {3, 31, 40, 20000};
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
        for (int repeat = 0; repeat < 2; repeat++) {
            lc_eval *ev;
            lc_error err = {0};
            cr_assert_eq(lc_eval_new(&ev, engine, 0, &err), LC_OK);
            char *line = many_keys(sizes[k], repeat ? sizes[k] / 2 : -1);
            lc_status st = lc_eval_push_json(ev, line, strlen(line), "k.jsonl", 1, &err);
            if (repeat) {
                cr_assert_eq(st, LC_EEVENT, "%d keys", sizes[k]);
                char want[40];
                snprintf(want, sizeof want, "key \"x%d\" appears twice", sizes[k] / 2);
                cr_assert(strstr(err.message, want) != NULL, "%s", err.message);
            } else {
                cr_assert_eq(st, LC_OK, "%d keys: %s", sizes[k], err.message);
            }
            free(line);
            lc_eval_free(ev);
        }
    }
}

Test(queue, nested_objects_of_many_keys_repeat_none)
{
    for (int repeat = 0; repeat < 2; repeat++) {
        size_t size = 50000, used = 0;
        char *s = malloc(size);
        used += (size_t)snprintf(s, size, "{\"type\":\"ticket\",\"id\":\"n\",\"opened\":\"2026-04-01T09:00:00+08:00\",\"extra\":{");
        for (int i = 0; i < 2000; i++) used += (size_t)snprintf(s + used, size - used, "%s\"k%d\":[%d]", i ? "," : "", i, i);
        snprintf(s + used, size - used, "%s}}", repeat ? ",\"k7\":1,\"k3\":2" : "");
        lc_eval *ev;
        lc_error err = {0};
        cr_assert_eq(lc_eval_new(&ev, engine, 0, &err), LC_OK);
        lc_status st = lc_eval_push_json(ev, s, strlen(s), "n.jsonl", 1, &err);
        if (repeat) {
            cr_assert_eq(st, LC_EEVENT);
            cr_assert(strstr(err.message, "key \"k7\" appears twice") != NULL, "the first repeat in order: %s", err.message);
        } else {
            cr_assert_eq(st, LC_OK, "%s", err.message);
        }
        free(s);
        lc_eval_free(ev);
    }
}
