/* The 7-day rule (附件6 第3项) as rules/README.md ("Clusters", choice 1)
 * defines it: named cases at its edges, and random outages checked against
 * the definition read literally — every outage against every other, the
 * quadratic reading that the engine's single pass over sorted outages must
 * agree with, breach for breach and event for event. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval_fixture.h"

/* One cluster rule; %s: its thresholds. */
static const char RULES[] = OUTAGE_RULES_HEAD
    "breach 'minor.3' { class = 'minor', pct = 6, clause = '附件6 第3项', on = 'outage',\n"
    "  cluster = { window = P.window%s } }\n";

static const char *const COUNT_AND_TOTAL = ", count_ge = P.count, total_ge = P.total";
static const char *const COUNT_ONLY = ", count_ge = P.count";
static const char *const TOTAL_ONLY = ", total_ge = P.total";

/* An outage: its id, start in minutes after 2026-04-01T00:00+08:00, and
 * duration in minutes. */
typedef struct outage {
    char id[16];
    int start, minutes;
} outage;

static char *events_text(const outage *o, size_t n)
{
    size_t size = 160 * n + 1, len = 0;
    char *text = malloc(size);
    cr_assert_not_null(text);
    text[0] = '\0';
    for (size_t i = 0; i < n; i++)
        append_span_event(text, size, &len, "outage", o[i].id, o[i].start, o[i].start + o[i].minutes, "");
    return text;
}

/* Appends "at: id, id; " to the summary. */
static void summary_add(char *out, size_t size, const char *at, const char *const *ids, size_t n)
{
    size_t len = strlen(out);
    len += (size_t)snprintf(out + len, size - len, "%s:", at);
    for (size_t i = 0; i < n; i++) len += (size_t)snprintf(out + len, size - len, " %s", ids[i]);
    snprintf(out + len, size - len, "; ");
}

/* What the engine finds: the breaches in the result's order. */
static void engine_summary(const char *thresholds, const char *const *params, const outage *o, size_t n,
                           char *out, size_t size)
{
    char rules[2048];
    snprintf(rules, sizeof rules, RULES, thresholds);
    char *text = events_text(o, n);
    lc_result *res = result_of_rules(rules, params, text);
    out[0] = '\0';
    for (size_t i = 0; i < lc_result_breach_count(res); i++) {
        lc_breach b;
        const char *ids[64];
        cr_assert_eq(lc_result_breach(res, i, &b), 1);
        cr_assert_str_eq(b.rule, "minor.3");
        cr_assert_leq(b.event_count, 64);
        for (size_t j = 0; j < b.event_count; j++) ids[j] = lc_result_breach_event(res, i, j);
        summary_add(out, size, b.at, ids, b.event_count);
    }
    free(text);
    lc_result_free(res);
}

/* A fire of the literal reading, and where the result lists it: by time,
 * then by first event (an empty list first). */
typedef struct fire {
    int start;
    const char *first;
    char text[512];
} fire;

static int fire_before(const fire *a, const fire *b)
{
    return a->start != b->start ? a->start < b->start : strcmp(a->first, b->first) < 0;
}

/* The rule read literally: outages in order of start (ties in input
 * order); at each, gather every outage not yet counted whose start lies in
 * [start − window, start]; fire when count ≥ count_ge or total ≥ total_ge
 * (a negative threshold: not declared). */
static void literal_summary(int window, int count_ge, int total_ge, const outage *o, size_t n, char *out,
                            size_t size)
{
    size_t order[64], nfires = 0;
    int counted[64] = {0};
    fire fires[64];
    cr_assert_leq(n, 64);
    for (size_t i = 0; i < n; i++) {
        size_t j = i;
        for (; j > 0 && o[order[j - 1]].start > o[i].start; j--) order[j] = order[j - 1];
        order[j] = i;
    }
    for (size_t a = 0; a < n; a++) {
        const outage *at = &o[order[a]];
        const char *ids[64];
        size_t k = 0;
        int total = 0;
        for (size_t j = 0; j < n; j++) {
            const outage *x = &o[order[j]];
            if (counted[j] || x->start < at->start - window || x->start > at->start) continue;
            ids[k++] = x->id;
            total += x->minutes;
        }
        if (!((count_ge >= 0 && (int)k >= count_ge) || (total_ge >= 0 && total >= total_ge))) continue;
        for (size_t j = 0; j < n; j++)
            if (o[order[j]].start >= at->start - window && o[order[j]].start <= at->start) counted[j] = 1;
        char when[40];
        fire f = {at->start, k ? ids[0] : "", ""};
        minutes_stamp(at->start, when, sizeof when);
        summary_add(f.text, sizeof f.text, when, ids, k);
        size_t j = nfires++;
        for (; j > 0 && fire_before(&f, &fires[j - 1]); j--) fires[j] = fires[j - 1];
        fires[j] = f;
    }
    out[0] = '\0';
    for (size_t i = 0; i < nfires; i++) snprintf(out + strlen(out), size - strlen(out), "%s", fires[i].text);
}

static void assert_breaches(const char *thresholds, const outage *o, size_t n, const char *want)
{
    char got[4096];
    engine_summary(thresholds, NULL, o, n, got, sizeof got);
    cr_assert_str_eq(got, want);
}

/* ---- named cases ---- */

Test(cluster, ties_at_one_start_are_all_gathered_in_input_order)
{
    /* o-c comes first in input; all three start together: one breach at the
     * first, naming all three in input order (rules/README.md choice 1) */
    outage o[] = {{"o-c", DAY + 600, 10}, {"o-a", DAY + 600, 10}, {"o-b", DAY + 600, 10}};
    assert_breaches(COUNT_AND_TOTAL, o, 3, "2026-04-02T10:00:00+08:00: o-c o-a o-b; ");
}

Test(cluster, a_tie_after_a_fire_is_counted_by_it)
{
    /* the third outage fires the rule; its tie later in input is gathered
     * and counted too, so the next two do not reach three */
    outage o[] = {{"o-1", DAY, 10}, {"o-2", 2 * DAY, 10}, {"o-3", 3 * DAY, 10}, {"o-4", 3 * DAY, 10},
                  {"o-5", 4 * DAY, 10}, {"o-6", 5 * DAY, 10}};
    assert_breaches(COUNT_AND_TOTAL, o, 6, "2026-04-04T00:00:00+08:00: o-1 o-2 o-3 o-4; ");
}

Test(cluster, a_later_window_over_counted_outages_gathers_only_new_ones)
{
    /* fire at day 3 (o-1..o-3); day 4's window reaches back over them but
     * gathers o-4 alone; o-4..o-6 fire again at day 6 */
    outage o[] = {{"o-1", DAY, 10},     {"o-2", 2 * DAY, 10}, {"o-3", 3 * DAY, 10},
                  {"o-4", 4 * DAY, 10}, {"o-5", 5 * DAY, 10}, {"o-6", 6 * DAY, 10}};
    assert_breaches(COUNT_AND_TOTAL, o, 6,
                    "2026-04-04T00:00:00+08:00: o-1 o-2 o-3; 2026-04-07T00:00:00+08:00: o-4 o-5 o-6; ");
}

Test(cluster, an_outage_left_before_the_window_is_never_reached)
{
    /* o-1 is not counted by the fire at day 9 (out of its window) and no
     * later window reaches back to it */
    outage o[] = {{"o-1", 0, 10},       {"o-2", 8 * DAY, 10},  {"o-3", 8 * DAY + 60, 10},
                  {"o-4", 9 * DAY, 10}, {"o-5", 10 * DAY, 10}, {"o-6", 11 * DAY, 10}};
    assert_breaches(COUNT_AND_TOTAL, o, 6, "2026-04-10T00:00:00+08:00: o-2 o-3 o-4; ");
}

Test(cluster, total_ge_alone)
{
    /* 239 min alone: nothing; 120 + 120 within the window: at the second;
     * 240 alone: at once; any number of short outages: nothing */
    outage o[] = {{"o-1", 0, 239},          {"o-2", 10 * DAY, 120}, {"o-3", 12 * DAY, 120},
                  {"o-4", 20 * DAY, 240},   {"o-5", 30 * DAY, 1},   {"o-6", 30 * DAY + 1, 1},
                  {"o-7", 30 * DAY + 2, 1}, {"o-8", 30 * DAY + 3, 1}};
    assert_breaches(TOTAL_ONLY, o, 8,
                    "2026-04-13T00:00:00+08:00: o-2 o-3; 2026-04-21T00:00:00+08:00: o-4; ");
}

Test(cluster, count_ge_alone)
{
    /* long outages do not count as time: only the third fires */
    outage o[] = {{"o-1", 0, 600}, {"o-2", DAY, 600}, {"o-3", 2 * DAY, 1}};
    assert_breaches(COUNT_ONLY, o, 3, "2026-04-03T00:00:00+08:00: o-1 o-2 o-3; ");
}

Test(cluster, the_window_includes_exactly_seven_days)
{
    outage in[] = {{"o-1", 600, 10}, {"o-2", 3 * DAY, 10}, {"o-3", 7 * DAY + 600, 10}};
    assert_breaches(COUNT_AND_TOTAL, in, 3, "2026-04-08T10:00:00+08:00: o-1 o-2 o-3; ");
    outage out[] = {{"o-1", 600, 10}, {"o-2", 3 * DAY, 10}, {"o-3", 7 * DAY + 601, 10}};
    assert_breaches(COUNT_AND_TOTAL, out, 3, "");
}

Test(cluster, no_outages_no_breach)
{
    assert_breaches(COUNT_AND_TOTAL, NULL, 0, "");
}

/* ---- random outages against the literal reading ---- */

/* Starts on a coarse grid (half days over three weeks) so that ties and
 * windows ending exactly on a start are common; thresholds and windows
 * include 0 (every visit fires, even on nothing). */
Test(cluster, random_outages_agree_with_the_literal_reading)
{
    static const int windows[] = {0, 1, 3, 7};
    static const int counts[] = {0, 1, 2, 3, 4};
    static const int totals[] = {0, 60, 240, 480};
    static const int minutes[] = {0, 30, 60, 119, 120, 239, 240};
    unsigned seed = 13;
    for (int round = 0; round < 400; round++) {
        outage o[40];
        size_t n = next_random(&seed) % 41;
        for (size_t i = 0; i < n; i++) {
            snprintf(o[i].id, sizeof o[i].id, "o-%zu", i + 1);
            o[i].start = (int)(next_random(&seed) % 42) * (DAY / 2);
            o[i].minutes = minutes[next_random(&seed) % 7];
        }
        int window = windows[next_random(&seed) % 4], count = counts[next_random(&seed) % 5];
        int total = totals[next_random(&seed) % 4];
        int which = (int)(next_random(&seed) % 3);
        const char *thresholds = which == 0 ? COUNT_AND_TOTAL : which == 1 ? COUNT_ONLY : TOTAL_ONLY;
        char window_set[32], count_set[32], total_set[32];
        snprintf(window_set, sizeof window_set, "window=%d", window);
        snprintf(count_set, sizeof count_set, "count=%d", count);
        snprintf(total_set, sizeof total_set, "total=%d", total);
        const char *params[] = {window_set, count_set, total_set, NULL};
        char got[8192], want[8192];
        engine_summary(thresholds, params, o, n, got, sizeof got);
        literal_summary(window * DAY, which == 2 ? -1 : count, which == 1 ? -1 : total, o, n, want, sizeof want);
        cr_assert_str_eq(got, want, "round %d: window %d d, count %d, total %d min, which %d:\n%s\n%s", round, window,
                         count, total, which, got, want);
    }
}
