/* Event fields the rules do not declare: tallied once per event type and
 * name in the result's warnings, with the lines that carried them and a
 * declared field they are a likely typo of; invalid input when the type
 * (strict = true) or the evaluation (LC_EVAL_STRICT) is strict. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval_fixture.h"

static const char RULES[] =
    "contract { id = 'u', timezone = '+00:00', term = { '2026-01-01', '2026-02-01' } }\n"
    "event 'outage' { anchor = 'start', ends = 'end', { 'start', 'time', required = true },\n"
    "  { 'end', 'time', required = true }, { 'cause', 'string' } }\n"
    "event 'ticket' { anchor = 'opened', strict = true, { 'opened', 'time', required = true } }\n";

#define OUTAGE(id, extra) \
    "{\"type\":\"outage\",\"id\":\"" id "\",\"start\":\"2026-01-02T00:00:00Z\",\"end\":\"2026-01-02T01:00:00Z\"" extra "}\n"

static lc_eval *start(lc_engine **e, unsigned flags)
{
    lc_error err = {0};
    lc_eval *ev = NULL;
    cr_assert_eq(lc_engine_new(e, NULL, &err), LC_OK);
    cr_assert_eq(lc_engine_load_string(*e, "u.lua", RULES, strlen(RULES), &err), LC_OK, "%s", err.message);
    cr_assert_eq(lc_eval_new(&ev, *e, flags, &err), LC_OK, "%s", err.message);
    return ev;
}

static lc_result *finish(lc_eval *ev)
{
    lc_error err = {0};
    lc_result *res = NULL;
    cr_assert_eq(lc_eval_result(ev, &res, &err), LC_OK, "%s", err.message);
    return res;
}

static const char *message(const lc_result *res, size_t i)
{
    return lc_result_text(res, "warnings", i, "message");
}

Test(undeclared, each_name_is_one_warning_per_type_with_its_lines)
{
    lc_engine *e;
    lc_eval *ev = start(&e, 0);
    const char *events = OUTAGE("o1", ",\"casue\":\"maintenance\",\"ticket_no\":7")
        OUTAGE("o2", ",\"ticket_no\":8,\"casue\":null") OUTAGE("o3", ",\"cause\":\"power\"")
            OUTAGE("o4", ",\"ticket_no\":9");
    lc_error err = {0};
    cr_assert_eq(lc_eval_push_lines(ev, "feed.jsonl", events, strlen(events), &err), LC_OK, "%s", err.message);
    cr_assert_eq(lc_eval_end_stream(ev, &err), LC_OK);
    lc_result *res = finish(ev);
    cr_assert_eq(lc_result_count(res, "warnings"), 2);
    cr_assert_str_eq(message(res, 0), "field \"casue\" is not declared for events of type outage: ignored on 2 lines "
                                      "(did you mean \"cause\"? a likely typo)");
    cr_assert_str_eq(message(res, 1), "field \"ticket_no\" is not declared for events of type outage: ignored on 3 lines");
    cr_assert_str_eq(lc_result_text(res, "warnings", 0, "file"), "feed.jsonl");
    int64_t line = 0;
    cr_assert_eq(lc_result_int(res, "warnings", 0, "line", &line), 1);
    cr_assert_eq(line, 1);
    cr_assert_eq(lc_result_int(res, "warnings", 1, "line", &line), 1);
    cr_assert_eq(line, 1);
    lc_result_free(res);
    lc_eval_free(ev);
    lc_engine_free(e);
}

Test(undeclared, a_strict_type_refuses_the_event_naming_the_field)
{
    lc_engine *e;
    lc_eval *ev = start(&e, 0);
    const char *line = "{\"type\":\"ticket\",\"id\":\"t1\",\"opend\":\"2026-01-02T00:00:00Z\",\"opened\":\"2026-01-02T00:00:00Z\"}";
    lc_error err = {0};
    cr_assert_eq(lc_eval_push_json(ev, line, strlen(line), "f.jsonl", 3, &err), LC_EEVENT);
    cr_assert_str_eq(err.file, "f.jsonl");
    cr_assert_eq(err.line, 3);
    cr_assert(strstr(err.message, "field \"opend\" is not declared for events of type ticket (did you mean 'opened'?) (strict)"),
              "%s", err.message);
    lc_eval_free(ev);
    lc_engine_free(e);
}

Test(undeclared, a_strict_evaluation_makes_every_type_strict)
{
    lc_engine *e;
    lc_eval *ev = start(&e, LC_EVAL_STRICT | LC_EVAL_SKIP_INVALID);
    const char *events = OUTAGE("o1", ",\"casue\":\"maintenance\"") OUTAGE("o2", "");
    lc_error err = {0};
    cr_assert_eq(lc_eval_push_lines(ev, "feed.jsonl", events, strlen(events), &err), LC_OK, "%s", err.message);
    cr_assert_eq(lc_eval_end_stream(ev, &err), LC_OK);
    lc_result *res = finish(ev);
    /* the line is skipped, not tallied as well */
    cr_assert_eq(lc_result_count(res, "warnings"), 1);
    cr_assert(strstr(message(res, 0), "skipped: field \"casue\" is not declared"), "%s", message(res, 0));
    cr_assert_eq(lc_result_count(res, "events"), 0); /* nothing of the skipped line is counted */
    lc_result_free(res);
    lc_eval_free(ev);
    lc_engine_free(e);
}

Test(undeclared, type_and_id_are_not_fields_and_positions_do_not_mix_types)
{
    lc_engine *e;
    lc_eval *ev = start(&e, 0);
    /* the same key at the same position under two types is two names */
    const char *events = "{\"type\":\"outage\",\"id\":\"o1\",\"x\":1,\"start\":\"2026-01-02T00:00:00Z\",\"end\":\"2026-01-02T01:00:00Z\"}\n"
                         "{\"type\":\"outage\",\"id\":\"o2\",\"x\":1,\"start\":\"2026-01-03T00:00:00Z\",\"end\":\"2026-01-03T01:00:00Z\"}\n";
    lc_error err = {0};
    cr_assert_eq(lc_eval_push_lines(ev, "a.jsonl", events, strlen(events), &err), LC_OK, "%s", err.message);
    cr_assert_eq(lc_eval_end_stream(ev, &err), LC_OK);
    lc_result *res = finish(ev);
    cr_assert_eq(lc_result_count(res, "warnings"), 1);
    cr_assert(strstr(message(res, 0), "\"x\" is not declared for events of type outage: ignored on 2 lines"));
    lc_result_free(res);
    lc_eval_free(ev);
    lc_engine_free(e);
}

Test(undeclared, a_feed_of_random_names_takes_bounded_memory)
{
    lc_engine *e;
    lc_eval *ev = start(&e, 0);
    lc_error err = {0};
    char line[512];
    for (int i = 0; i < 1100; i++) {
        /* two fresh names a line, the second longer than a name is kept */
        char longname[300];
        memset(longname, 'y', sizeof longname - 1);
        longname[sizeof longname - 1] = '\0';
        snprintf(line, sizeof line, OUTAGE("o%d", ",\"k%d\":1,\"%s%d\":2"), i, i, longname, i);
        cr_assert_eq(lc_eval_push_json(ev, line, strlen(line), "r.jsonl", i + 1, &err), LC_OK, "%s", err.message);
    }
    lc_result *res = finish(ev);
    size_t n = lc_result_count(res, "warnings");
    /* the long names, kept to 128 bytes, are one name; the 1024 names are
     * full at line 1023 (k0 to k1022 and the long one): the lines after it
     * are counted, unnamed */
    cr_assert_eq(n, 1024 + 1, "%zu warnings", n);
    cr_assert(strstr(message(res, 1), "ignored on 1100 lines"), "%s", message(res, 1));
    cr_assert(strstr(message(res, n - 1), "more undeclared field names than are listed (1024): 77 more lines"), "%s",
              message(res, n - 1));
    int64_t first = 0;
    cr_assert_eq(lc_result_int(res, "warnings", n - 1, "line", &first), 1);
    cr_assert_eq(first, 1024);
    lc_result_free(res);
    lc_eval_free(ev);
    lc_engine_free(e);
}

Test(undeclared, unknown_evaluation_flags_are_refused)
{
    lc_engine *e = NULL;
    lc_eval *ev = NULL;
    lc_error err = {0};
    cr_assert_eq(lc_engine_new(&e, NULL, &err), LC_OK);
    cr_assert_eq(lc_engine_load_string(e, "u.lua", RULES, strlen(RULES), &err), LC_OK);
    cr_assert_eq(lc_eval_new(&ev, e, 0x80u, &err), LC_EUSAGE);
    cr_assert(strstr(err.message, "unknown flags 0x80"), "%s", err.message);
    lc_engine_free(e);
}

Test(undeclared, strict_must_be_a_boolean)
{
    lc_engine *e = NULL;
    lc_error err = {0};
    const char rules[] = "contract { id = 'u', term = { '2026-01-01', '2026-02-01' } }\n"
                         "event 'x' { anchor = 'at', strict = 'yes', { 'at', 'time', required = true } }\n";
    cr_assert_eq(lc_engine_new(&e, NULL, &err), LC_OK);
    cr_assert_eq(lc_engine_load_string(e, "s.lua", rules, strlen(rules), &err), LC_ERULES);
    cr_assert(strstr(err.message, "strict must be true or false"), "%s", err.message);
    lc_engine_free(e);
}
