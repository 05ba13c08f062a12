/* streak.c — the kind of rule that counts calendar-consecutive months.
 *
 *     breach "major.12" { class = "major", pct = 10, month = "score",
 *                         band = { lt = P.score_pass }, streak = P.score_streak }
 *
 * 附件5 第12项: applies at the n-th, 2n-th ... calendar-consecutive month
 * whose figure lies in the band; a month outside it, or without a figure,
 * breaks the run. */
#include <stdlib.h>

#include "kinds/shared.h"
#include "rules/words.h"

typedef struct streak {
    lci_qty every;
} streak;

static int read(lci_reader *r, int spec, lci_rule *rule)
{
    streak *s = calloc(1, sizeof *s);
    if (!s) return lci_read_oom(r);
    rule->data = s;
    int ok = lci_kind_read_month(r, spec, rule);
    if (ok == 0) ok = lci_read_qty(r, spec, "streak", &s->every, NULL);
    if (ok == 0 && lci_unit_is_duration(s->every.unit)) ok = lci_read_fail(r, rule->line, "rule %s: streak counts months", rule->id);
    return ok;
}

static lc_status apply(lci_build *b, const lci_rule *r)
{
    const streak *s = r->data;
    int64_t every = 0;
    if (lci_dec_rescale(lci_qty_value(b->m, &s->every), 0, &every) != LCI_NUM_OK || every < 1) return LC_OK;
    int run = 0;
    lc_status rc = LC_OK;
    for (int i = 0; i < b->m->nmonths && rc == LC_OK; i++) {
        const lci_mvalue *v = lci_figure(&b->fig, r->measure, i);
        run = lci_month_matches(b, r, v) ? run + 1 : 0;
        if (run > 0 && run % every == 0) rc = lci_emit_month(b, r, i, v, run);
    }
    return rc;
}

static void describe(const lci_model *m, const lci_rule *r, lci_buf *out)
{
    const streak *s = r->data;
    lci_kind_describe_month(m, r, out);
    lci_buf_puts(out, ", at every ");
    lci_qty_words(m, &s->every, LCI_UNIT_NONE, out);
    lci_buf_puts(out, "th such month in a row");
}

static const char *const selects[] = {"month", "streak", NULL};

static const lci_key keys[] = {
    {"month", LCI_SHAPE_STRING, NULL},
    {"band", LCI_SHAPE_BAND, NULL},
    {"impact", LCI_SHAPE_IMPACT, NULL},
    {"streak", LCI_SHAPE_QTY, NULL},
    LCI_KEYS_END,
};

const lci_kind lci_kind_streak = {
    .name = "streak",
    .selects = selects,
    .keys = keys,
    .read = read,
    .apply = apply,
    .describe = describe,
};
