/* event.c — the kind of rule that looks at single events.
 *
 *     breach "minor.2" { class = "minor", pct = 3, on = "outage",
 *                        where = span("start", "end", { ge = P.outage_long }) }
 *
 * Applies to each event of type `on` that satisfies `where` (and none of
 * the rules named by `unless`). */
#include "eval/emit.h"
#include "kinds/kind.h"
#include "kinds/shared.h"

int lci_kind_read_events(lci_reader *r, int spec, lci_rule *rule)
{
    int ok = lci_read_type_ref(r, spec, "on", rule->line, &rule->type);
    if (ok == 0) ok = lci_read_cond(r, spec, "where", &r->m->types[rule->type], &rule->where);
    return ok;
}

void lci_kind_needs_events(const lci_rule *rule, lci_model *m)
{
    m->types[rule->type].stored = 1;
}

static lc_status emit_event(lci_build *b, const lci_rule *r, const lci_record *rec)
{
    const lci_event_type *t = &b->m->types[r->type];
    lci_emission e = {.month = -1, .at = rec, .reason = lci_wants_reason(r) ? lci_event_reason(b, r, rec) : NULL};
    if (t->ends >= 0) { /* what rates per day, hour or minute count: the event's duration */
        e.has_span = 1;
        e.span_from = rec->v[t->anchor];
        e.span_to = rec->v[t->ends];
    }
    if (lci_build_refs_of_records(&rec, 1, &e.events) != 0) {
        lci_emission_free(&e);
        return LC_ENOMEM;
    }
    return lci_emit(b, r, &e);
}

static lc_status apply(lci_build *b, const lci_rule *r)
{
    const lci_store *st = lci_build_records(b, r->type);
    lc_status rc = LC_OK;
    for (size_t i = 0; i < st->n && rc == LC_OK; i++) {
        const lci_record *rec = lci_store_at(st, i);
        if (lci_rule_matches(b, r, rec)) rc = emit_event(b, r, rec);
    }
    return rc;
}

static void describe(const lci_model *m, const lci_rule *r, lci_buf *out)
{
    lci_buf_printf(out, "each %s%s", m->types[r->type].label, r->where ? " that meets its where" : "");
}

static const char *const selects[] = {"on", NULL};

static const lci_key keys[] = {
    {"on", LCI_SHAPE_STRING, NULL},
    {"where", LCI_SHAPE_COND, NULL},
    LCI_KEYS_END,
};

const lci_kind lci_kind_event = {
    .name = "event",
    .selects = selects,
    .keys = keys,
    .family = LCI_FAMILY_EVENT,
    .on_events = 1,
    .spans = LCI_SPAN_EVENT,
    .read = lci_kind_read_events,
    .needs = lci_kind_needs_events,
    .apply = apply,
    .describe = describe,
};
