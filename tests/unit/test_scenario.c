/* Scenario scripts (lc_scenario_new, lc_eval_replay): what a hostile or
 * careless script gets — a clear error (LC_ERULES for the script, LC_EEVENT
 * for an event it makes), never a crash, a hang or a silent no-op. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <string.h>

#include "libcontract.h"

#define REFERENCE LC_SOURCE_DIR "/rules/beijing-sme-secops-2026.lua"

static const char TICKETS[] =
    "{\"type\":\"ticket\",\"id\":\"t-1\",\"opened\":\"2026-04-01T09:00:00+08:00\","
    "\"responded\":\"2026-04-01T09:10:00+08:00\",\"restored\":\"2026-04-01T09:20:00+08:00\"}\n";

static lc_status scenario_status(const char *text, lc_error *err)
{
    lc_scenario *sc = NULL;
    lc_status st = lc_scenario_new(&sc, NULL, "s.lua", text, strlen(text), err);
    cr_assert(st != LC_OK || sc != NULL);
    lc_scenario_free(sc);
    return st;
}

#define assert_refused(text, needle)                                                                 \
    do {                                                                                             \
        lc_error err = {0};                                                                          \
        cr_assert_eq(scenario_status((text), &err), LC_ERULES, "accepted: %s", (text));              \
        cr_assert(strstr(err.message, (needle)), "message \"%s\" lacks \"%s\"", err.message, (needle)); \
        cr_assert_str_eq(err.file, "s.lua");                                                         \
    } while (0)

Test(scenario_table, a_metatable_is_not_consulted)
{
    /* an erroring __index aborted the process; a looping one hung it */
    assert_refused("return setmetatable({}, { __index = function() error('boom') end })", "without a metatable");
    assert_refused("return setmetatable({}, { __index = function() while true do end end })", "without a metatable");
    assert_refused("return setmetatable({ perturb = function(e) return e end }, { __metatable = false })",
                   "without a metatable");
}

Test(scenario_table, values_must_be_functions)
{
    assert_refused("return { perturb = 5 }", "perturb must be a function, not a number");
    assert_refused("return { extra = 'x' }", "extra must be a function, not a string");
}

Test(scenario_table, unknown_keys_are_refused_with_a_hint)
{
    assert_refused("return { pertub = function(e) return e end }", "did you mean 'perturb'");
    assert_refused("return { perturb = function(e) return e end, weights = {} }", "no key 'weights'");
    assert_refused("return { [1] = function(e) return e end }", "only the keys perturb, extra and touches");
}

Test(scenario_table, a_valid_scenario_loads)
{
    lc_error err = {0};
    cr_assert_eq(scenario_status("return { perturb = function(e) return e end }", &err), LC_OK, "%s", err.message);
    cr_assert_eq(scenario_status("return { extra = function(rng) return {} end }", &err), LC_OK, "%s", err.message);
    cr_assert_eq(scenario_status("return {}", &err), LC_OK, "%s", err.message); /* replays the events as they are */
}

/* Replays the ticket through `text`; the status, with err filled. */
static lc_status replay_status(const char *text, lc_error *err)
{
    lc_engine *e = NULL;
    lc_eval *src = NULL, *dst = NULL;
    lc_scenario *sc = NULL;
    cr_assert_eq(lc_engine_new(&e, NULL, err), LC_OK);
    cr_assert_eq(lc_engine_load_file(e, REFERENCE, err), LC_OK, "%s", err->message);
    cr_assert_eq(lc_eval_new(&src, e, LC_EVAL_KEEP_EVENTS, err), LC_OK);
    cr_assert_eq(lc_eval_push_lines(src, "e.jsonl", TICKETS, strlen(TICKETS), err), LC_OK, "%s", err->message);
    cr_assert_eq(lc_eval_end_stream(src, err), LC_OK);
    cr_assert_eq(lc_scenario_new(&sc, NULL, "s.lua", text, strlen(text), err), LC_OK, "%s", err->message);
    cr_assert_eq(lc_eval_new(&dst, e, 0, err), LC_OK);
    lc_status st = lc_eval_replay(dst, src, sc, 1, err);
    lc_eval_free(dst);
    lc_scenario_free(sc);
    lc_eval_free(src);
    lc_engine_free(e);
    return st;
}

Test(scenario_events, a_misspelt_field_is_invalid_not_ignored)
{
    lc_error err = {0};
    cr_assert_eq(replay_status("return { perturb = function(e) e.respnded = e.opened return e end }", &err), LC_EEVENT);
    cr_assert(strstr(err.message, "ticket has no field 'respnded' (did you mean 'responded'?)"), "%s", err.message);
}

Test(scenario_events, iso_refuses_what_rfc3339_cannot_say)
{
    lc_error err = {0};
    cr_assert_eq(replay_status("return { perturb = function(e) iso(e.opened, 100000000) return e end }", &err), LC_ERULES);
    cr_assert(strstr(err.message, "offset"), "%s", err.message);
    cr_assert_eq(replay_status("return { perturb = function(e) iso(e.opened, 1440) return e end }", &err), LC_ERULES);
    cr_assert_eq(replay_status("return { perturb = function(e) iso(math.maxinteger) return e end }", &err), LC_ERULES);
    cr_assert(strstr(err.message, "years"), "%s", err.message);
}

Test(scenario_events, iso_writes_what_time_reads_back)
{
    lc_error err = {0};
    const char *text = "return { perturb = function(e)\n"
                       "  local s = iso(e.opened, 480)\n"
                       "  assert(s == '2026-04-01T09:00:00+08:00', s)\n"
                       "  assert(time(s) == e.opened)\n"
                       "  assert(iso(e.opened, -1439) == '2026-03-31T01:01:00-23:59')\n"
                       "  return e end }";
    cr_assert_eq(replay_status(text, &err), LC_OK, "%s", err.message);
}

Test(scenario_table, touches_is_a_list_of_type_names_with_a_perturb)
{
    assert_refused("return { perturb = function(e) return e end, touches = 'ticket' }",
                   "touches must be a list of event types, not a string");
    assert_refused("return { perturb = function(e) return e end, touches = {} }", "non-empty list");
    assert_refused("return { perturb = function(e) return e end, touches = { 5 } }", "touches[1] must be an event type's name");
    assert_refused("return { perturb = function(e) return e end, touches = setmetatable({ 'ticket' }, {}) }",
                   "plain, non-empty list");
    assert_refused("return { touches = { 'ticket' } }", "it has no perturb");
    assert_refused("return { perturb = function(e) return e end, touchs = { 'ticket' } }", "did you mean 'touches'");
}

Test(scenario_events, touches_names_declared_types)
{
    lc_error err = {0};
    cr_assert_eq(replay_status("return { perturb = function(e) return e end, touches = { 'tickt' } }", &err), LC_ERULES);
    cr_assert(strstr(err.message, "touches \"tickt\", which the rules do not declare (did you mean \"ticket\"?)"),
              "%s", err.message);
}

Test(scenario_table, a_touches_window_is_a_type_then_from_and_to)
{
    static const char *const P = "return { perturb = function(e) return e end, touches = { ";
    static const struct {
        const char *entry, *says;
    } BAD[] = {
        {"{ 'ticket', from = 'yesterday' }", "touches[1].from must be a time"},
        {"{ 'ticket', form = 0 }", "touches[1].form is not a key of a touches entry (it has the type first, then from and "
                                   "to) (did you mean 'from'?)"},
        {"{ 'ticket', 'outage' }", "touches[1].[?] is not a key"},
        {"{ from = 0, to = 10 }", "touches[1] must be an event type's name or { \"type\", from = T, to = T }, the type first"},
        {"{ 'ticket', from = 10, to = 10 }", "touches[1] has an empty window: from must come before to"},
        {"'outage', { 'ticket', to = '2026-04-01' }", "touches[2].to must be a time"},
    };
    for (size_t i = 0; i < sizeof BAD / sizeof *BAD; i++) {
        char text[512];
        snprintf(text, sizeof text, "%s%s } }", P, BAD[i].entry);
        assert_refused(text, BAD[i].says);
    }
    lc_error err = {0};
    cr_assert_eq(scenario_status("return { perturb = function(e) return e end, touches = { { 'ticket', from = 0 }, "
                                 "{ 'ticket', to = '2026-04-01T00:00:00Z' }, { 'outage', from = '2026-04-01T00:00:00Z', "
                                 "to = '2026-05-01T00:00:00+08:00' } } }",
                                 &err),
                 LC_OK, "%s", err.message);
}

Test(scenario_events, a_touches_window_calls_perturb_for_the_events_anchored_in_it)
{
    lc_error err = {0};
    /* the ticket opened 2026-04-01T09:00:00+08:00: from is included, to is not */
    static const char *const OUTSIDE[] = {"from = '2026-04-01T09:00:00.000000001+08:00'", "to = '2026-04-01T09:00:00+08:00'",
                                          "from = '2026-05-01T00:00:00Z', to = '2026-06-01T00:00:00Z'"};
    static const char *const INSIDE[] = {"from = '2026-04-01T09:00:00+08:00'", "to = '2026-04-01T09:00:00.000000001+08:00'",
                                         "from = 0"};
    for (int inside = 0; inside < 2; inside++)
        for (size_t i = 0; i < 3; i++) {
            char text[512];
            snprintf(text, sizeof text,
                     "return { perturb = function(e) error('called') end, touches = { { 'ticket', %s } } }",
                     inside ? INSIDE[i] : OUTSIDE[i]);
            cr_expect_eq(replay_status(text, &err), inside ? LC_ERULES : LC_OK, "%s: %s", text, err.message);
        }
    cr_assert_eq(replay_status("return { perturb = function(e) return e end, touches = { { 'work_item', from = 0 } } }",
                               &err),
                 LC_ERULES);
    cr_assert(strstr(err.message, "touches \"work_item\" in a window of times, but its events are anchored at a month"),
              "%s", err.message);
}

Test(scenario_events, perturb_is_called_for_the_types_it_touches_only)
{
    lc_error err = {0};
    /* the ticket is replayed as it is: a perturb that fails is never called */
    cr_assert_eq(replay_status("return { perturb = function(e) error('called') end, touches = { 'outage' } }", &err), LC_OK,
                 "%s", err.message);
    cr_assert_eq(replay_status("return { perturb = function(e) error('called') end, touches = { 'outage', 'ticket' } }",
                               &err), LC_ERULES);
    cr_assert(strstr(err.message, "called"), "%s", err.message);
}

/* ---- the head of the log copied from a base ---- */

/* The result JSON of replay `seed` of the example year (pushed with
 * `flags`) through the scenario text: a fresh source each time when
 * `fresh`, so no base is kept; else one source for all. */
static char *replay_json(lc_engine *e, lc_eval *src, const char *text, uint64_t seed, unsigned flags)
{
    lc_error err = {0};
    lc_scenario *sc = NULL;
    lc_eval *dst = NULL;
    lc_result *res = NULL;
    char *json = NULL;
    cr_assert_eq(lc_scenario_new(&sc, NULL, "s.lua", text, strlen(text), &err), LC_OK, "%s", err.message);
    cr_assert_eq(lc_eval_new(&dst, e, flags, &err), LC_OK);
    cr_assert_eq(lc_eval_replay(dst, src, sc, seed, &err), LC_OK, "%s", err.message);
    cr_assert_eq(lc_eval_result(dst, &res, &err), LC_OK, "%s", err.message);
    cr_assert_eq(lc_result_json(res, &json, NULL, &err), LC_OK);
    lc_result_free(res);
    lc_eval_free(dst);
    lc_scenario_free(sc);
    return json;
}

static lc_eval *example_year(lc_engine *e)
{
    static const char *const YEAR[] = {"administration", "incidents", "operations", "scores", "security", "tickets"};
    lc_error err = {0};
    lc_eval *src = NULL;
    cr_assert_eq(lc_eval_new(&src, e, LC_EVAL_KEEP_EVENTS | LC_EVAL_SKIP_INVALID, &err), LC_OK);
    for (size_t i = 0; i < sizeof YEAR / sizeof *YEAR; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/examples/events/%s.jsonl", LC_SOURCE_DIR, YEAR[i]);
        cr_assert_eq(lc_eval_push_file(src, path, &err), LC_OK, "%s", err.message);
    }
    cr_assert_eq(lc_eval_end_stream(src, &err), LC_OK);
    return src;
}

/* Tickets from October on are perturbed: every record before the first of
 * them is the head, committed once into a base and copied into each
 * sample.  The whole result (figures, warnings, lines not counted) must
 * be that of committing them one by one, which a scenario touching every
 * event does; with a strict evaluation too. */
Test(scenario_events, a_copied_head_gives_the_result_of_committing_it)
{
    static const char WINDOW[] =
        "local OCT = time('2026-10-01T00:00:00+08:00')\n"
        "return { touches = { { 'ticket', from = OCT } },\n"
        "  perturb = function(e, rng) if e.type == 'ticket' and e.opened >= OCT and e.responded then\n"
        "    local d = rng:int(0, 90) * MINUTE\n"
        "    e.responded = e.responded + d; if e.restored then e.restored = e.restored + d end end return e end,\n"
        "  extra = function(rng) return { { type = 'outage', id = 'x', start = time('2026-11-03T10:00:00+08:00'),\n"
        "    ['end'] = time('2026-11-03T10:00:00+08:00') + rng:int(1, 300) * MINUTE } } end }\n";
    char all[sizeof WINDOW];
    snprintf(all, sizeof all, "%s", WINDOW);
    memcpy(strstr(all, "touches"), "-- ", 3); /* touches every event: nothing is a head */
    lc_error err = {0};
    lc_engine *e = NULL;
    cr_assert_eq(lc_engine_new(&e, NULL, &err), LC_OK);
    cr_assert_eq(lc_engine_load_file(e, REFERENCE, &err), LC_OK, "%s", err.message);
    lc_eval *src = example_year(e);
    for (unsigned flags = 0; flags <= LC_EVAL_STRICT; flags += LC_EVAL_STRICT)
        for (uint64_t seed = 1; seed <= 3; seed++) {
            char *head = replay_json(e, src, WINDOW, seed, flags), *long_way = replay_json(e, src, all, seed, flags);
            cr_expect_str_eq(head, long_way, "seed %llu, flags %u", (unsigned long long)seed, flags);
            lc_free(head);
            lc_free(long_way);
        }
    lc_eval_free(src);
    lc_engine_free(e);
}
