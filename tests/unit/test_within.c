/* within(): is a time in one of a calendar's periods — the rule file's days
 * plus the periods events add (clipped to the term), start included, end
 * excluded.  The engine merges a calendar's periods once and searches them;
 * named cases at the edges (touching, nested, empty periods) and random
 * periods and times checked against the definition read literally. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval_fixture.h"
#include "api/result.h"

static const char RULES[] =
    "contract { id = 'within', timezone = '+08:00', term = { '2026-04-01', '2026-07-01' } }\n"
    "param { 'fee', '10000.00', unit = 'money' }\n"
    "penalty_base { pct = 100, of = P.fee }\n"
    "event 'period' { anchor = 'start', ends = 'end', accept = 'overlap', adds_to = 'guarded',\n"
    "  { 'start', 'time', required = true }, { 'end', 'time', required = true },\n"
    "  order = { 'start <= end' } }\n"
    "event 'tamper' { anchor = 'at', { 'at', 'time', required = true } }\n"
    "calendar 'guarded' { clause = 'x', { '2026-05-01', '2026-05-03', 'May days' } }\n"
    "incident 'A.tamper' { class = 'A', clause = 'y', on = 'tamper', where = within('at', 'guarded') }\n";

#define MAY1 (30 * DAY) /* minutes after 2026-04-01T00:00+08:00 */

typedef struct span {
    int from, to; /* minutes */
} span;

/* The tampers (at `times`) that the engine finds in the calendar, as a
 * string of 0 and 1 in input order. */
static void engine_within(const span *periods, size_t np, const int *times, size_t nt, char *out)
{
    size_t size = 200 * (np + nt) + 1, len = 0;
    char *text = malloc(size);
    cr_assert_not_null(text);
    text[0] = '\0';
    for (size_t i = 0; i < np; i++) {
        char id[32];
        snprintf(id, sizeof id, "p-%zu", i);
        append_span_event(text, size, &len, "period", id, periods[i].from, periods[i].to, "");
    }
    for (size_t i = 0; i < nt; i++) {
        char a[40];
        minutes_stamp(times[i], a, sizeof a);
        len += (size_t)snprintf(text + len, size - len, "{\"type\":\"tamper\",\"id\":\"t-%zu\",\"at\":\"%s\"}\n", i, a);
    }
    lc_result *res = result_of_rules(RULES, NULL, text);
    memset(out, '0', nt);
    out[nt] = '\0';
    for (size_t i = 0; i < res->nincidents; i++) {
        cr_assert_eq(res->incidents[i].events.n, 1);
        size_t k = strtoul(lci_result_id(res, res->incidents[i].events.ids[0]) + 2, NULL, 10);
        cr_assert_lt(k, nt);
        out[k] = '1';
    }
    free(text);
    lc_result_free(res);
}

/* Read literally: in the rule file's days (May 1 to 3, whole days) or in
 * one of the periods' parts inside the term, start included, end excluded. */
static void literal_within(const span *periods, size_t np, const int *times, size_t nt, char *out)
{
    for (size_t i = 0; i < nt; i++) {
        int t = times[i], in = t >= MAY1 && t < MAY1 + 3 * DAY;
        for (size_t j = 0; j < np && !in; j++) {
            int from = periods[j].from > 0 ? periods[j].from : 0;
            in = t >= from && t < periods[j].to;
        }
        out[i] = in ? '1' : '0';
    }
    out[nt] = '\0';
}

static void assert_within(const span *periods, size_t np, const int *times, size_t nt, const char *want)
{
    char got[256];
    cr_assert_lt(nt, sizeof got);
    engine_within(periods, np, times, nt, got);
    cr_assert_str_eq(got, want);
}

/* ---- named cases ---- */

Test(within, start_included_end_excluded)
{
    span p[] = {{DAY + 10 * HOUR, DAY + 12 * HOUR}};
    int t[] = {DAY + 10 * HOUR - 1, DAY + 10 * HOUR, DAY + 12 * HOUR - 1, DAY + 12 * HOUR};
    assert_within(p, 1, t, 4, "0110");
}

Test(within, touching_periods_hold_the_instant_between)
{
    span p[] = {{DAY + 12 * HOUR, DAY + 14 * HOUR}, {DAY + 10 * HOUR, DAY + 12 * HOUR}};
    int t[] = {DAY + 10 * HOUR, DAY + 12 * HOUR, DAY + 14 * HOUR - 1, DAY + 14 * HOUR};
    assert_within(p, 2, t, 4, "1110");
}

Test(within, nested_overlapping_and_empty_periods)
{
    /* a long period holding a short one, one overlapping its end, an empty
     * one (start = end) holding nothing, and a gap */
    span p[] = {{2 * DAY, 3 * DAY}, {2 * DAY + HOUR, 2 * DAY + 2 * HOUR}, {3 * DAY - HOUR, 3 * DAY + HOUR},
                {5 * DAY, 5 * DAY}, {6 * DAY, 7 * DAY}};
    int t[] = {2 * DAY + 90, 3 * DAY, 3 * DAY + HOUR, 5 * DAY, 5 * DAY + HOUR, 6 * DAY};
    assert_within(p, 5, t, 6, "110001");
}

Test(within, the_rule_file_days_and_a_period_before_the_term)
{
    /* May 1 to 3 whole days from the rule file; a period from March 31 to
     * April 1 02:00 counts from the term's start */
    span p[] = {{-2 * HOUR, 2 * HOUR}};
    int t[] = {0, 2 * HOUR, MAY1 - 1, MAY1, MAY1 + 3 * DAY - 1, MAY1 + 3 * DAY};
    assert_within(p, 1, t, 6, "100110");
}

/* ---- random periods and times against the literal reading ---- */

Test(within, random_periods_agree_with_the_literal_reading)
{
    static const int lengths[] = {0, HOUR, 2 * HOUR, 6 * HOUR, DAY};
    unsigned seed = 3;
    for (int round = 0; round < 300; round++) {
        span p[30];
        int t[60];
        size_t np = next_random(&seed) % 31, nt = 1 + next_random(&seed) % 60;
        for (size_t i = 0; i < np; i++) {
            p[i].from = (int)(next_random(&seed) % (40 * 24)) * HOUR - DAY; /* from March 31, on whole hours */
            p[i].to = p[i].from + lengths[next_random(&seed) % 5];
        }
        for (size_t i = 0; i < nt; i++) { /* on whole hours, or a minute before, in the term */
            t[i] = (int)(next_random(&seed) % (40 * 24)) * HOUR;
            if (t[i] > 0) t[i] -= (int)(next_random(&seed) % 2);
        }
        char got[64], want[64];
        engine_within(p, np, t, nt, got);
        literal_within(p, np, t, nt, want);
        cr_assert_str_eq(got, want, "round %d", round);
    }
}
