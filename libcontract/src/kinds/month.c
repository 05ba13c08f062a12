/* month.c — the kind of rule that compares a month's figure with a band.
 *
 *     breach "minor.1" { class = "minor", pct = 5, month = "availability",
 *                        band = { lt = P.availability_target }, impact = impact { "none", "incident" } }
 *
 * Applies to each month whose figure lies in the band and whose severity
 * (the highest among the events behind the figure) `impact` admits; a
 * month without a figure never applies. */
#include "eval/emit.h"
#include "kinds/kind.h"
#include "kinds/shared.h"
#include "rules/words.h"

int lci_kind_read_month(lci_reader *r, int spec, lci_rule *rule)
{
    int ok = lci_read_measure_ref(r, spec, "month", &rule->measure);
    if (ok == 0 && rule->measure < 0) ok = lci_read_fail(r, rule->line, "rule %s: month must name a measure", rule->id);
    if (ok == 0) ok = lci_read_band(r, spec, "band", &rule->band);
    if (ok == 0) ok = lci_read_band_units(r, &rule->band, lci_unit_is_duration(r->m->measures[rule->measure].unit), rule->id);
    if (ok == 0) ok = lci_read_cond(r, spec, "impact", NULL, &rule->impact);
    if (ok == 0 && rule->impact && rule->impact->kind != LCI_C_SEVERITY)
        ok = lci_read_fail(r, rule->line, "rule %s: impact must be impact \"level\" or impact { levels }", rule->id);
    return ok;
}

lc_status lci_emit_month(lci_build *b, const lci_rule *r, int month, const lci_mvalue *v, int streak)
{
    lci_emission e = {.month = month, .reason = lci_wants_reason(r) ? lci_month_reason(b, r, v, streak) : NULL};
    if (lci_build_refs(v->ids, v->nids, &e.events) != 0) {
        lci_emission_free(&e);
        return LC_ENOMEM;
    }
    return lci_emit(b, r, &e);
}

static lc_status apply(lci_build *b, const lci_rule *r)
{
    lc_status rc = LC_OK;
    for (int i = 0; i < b->m->nmonths && rc == LC_OK; i++) {
        const lci_mvalue *v = lci_figure(&b->fig, r->measure, i);
        if (lci_month_matches(b, r, v)) rc = lci_emit_month(b, r, i, v, 0);
    }
    return rc;
}

void lci_kind_describe_month(const lci_model *m, const lci_rule *r, lci_buf *out)
{
    const lci_measure *me = &m->measures[r->measure];
    lci_buf_printf(out, "each month whose %s is ", me->label);
    lci_band_words(m, &r->band, me->unit, out);
}

static const char *const selects[] = {"month", NULL};

const lci_key lci_month_keys[] = {
    {"month", LCI_SHAPE_STRING, NULL},
    {"band", LCI_SHAPE_BAND, NULL},
    {"impact", LCI_SHAPE_IMPACT, NULL},
    LCI_KEYS_END,
};

const lci_kind lci_kind_month = {
    .name = "month",
    .selects = selects,
    .keys = lci_month_keys,
    .family = LCI_FAMILY_MONTH,
    .read = lci_kind_read_month,
    .apply = apply,
    .describe = lci_kind_describe_month,
};
