/* event.c — the kind of rule that looks at single events.
 *
 *     breach "minor.2" { class = "minor", pct = 3, on = "outage",
 *                        where = span("start", "end", { ge = P.outage_long }) }
 *
 * Applies to each event of type `on` that satisfies `where` (and none of
 * the rules named by `unless`). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval/emit.h"
#include "kinds/kind.h"
#include "kinds/shared.h"
#include "rules/words.h"

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

/* ---- headroom, as of an instant: the deadlines of open events ---- */

/* The first instant past the span condition's lower bound from `from`. */
static lci_time deadline_of(const lci_model *m, const lci_cond *c, lci_time from)
{
    lci_dec lo = lci_qty_value(m, &c->band.lo);
    __int128 ns = (__int128)lo.coef * lci_unit_ns(c->band.lo.unit) / lci_pow10(lo.scale);
    return from + (lci_time)ns + (c->band.lo_incl ? 0 : 1);
}

/* An open event (the span's `to` not given yet) and a span condition on
 * it: when the rule would apply if `to` came no sooner, as a deadline. */
static int span_deadline(lci_build *b, const lci_rule *r, const lci_record *rec, const lci_cond *c, lci_record *copy,
                         size_t stride)
{
    const lci_model *m = b->m;
    int open = !lci_has(rec, c->field2) ||
               (c->field2 == m->types[rec->type].ends && lci_eval_open_at_as_of(b->ev, rec)); /* counted to now */
    if (!c->band.has_lo || !open || !lci_has(rec, c->field) || lci_rule_matches(b, r, rec)) return 0;
    lci_time due = deadline_of(m, c, rec->v[c->field]);
    if (due <= b->ev->as_of) return 0;
    memcpy(copy, rec, stride);
    copy->v[c->field2] = due;
    copy->present |= UINT64_C(1) << c->field2;
    if (!lci_rule_matches(b, r, copy)) return 0; /* something else keeps the rule off */
    lci_rheadroom h = lci_headroom_item("deadline", r->id, "min");
    lci_emission e = LCI_EMISSION_INIT;
    e.at = copy;
    if (r->outcome == LCI_R_BREACH) h.has_amount = lci_price(b, r, &e, lci_month_of(m, due), &h.amount, NULL) == LC_OK;
    lci_time_format(due, m->offset_min, h.at, sizeof h.at);
    lci_format_exact((lci_exact){due - b->ev->as_of, 1}, LCI_UNIT_MIN, h.left, sizeof h.left);
    const lci_event_type *t = &m->types[rec->type];
    char amount[32] = "";
    if (h.has_amount) lci_fen_format(h.amount, amount, sizeof amount);
    h.what = lci_format("%s %s: without %s by %s (in %s min), %s applies%s%s", t->label,
                        lci_idtable_get(&b->ev->ids, rec->id), t->fields[c->field2].name, h.at, h.left, r->id,
                        h.has_amount ? ", " : "", amount);
    return lci_headroom_add(b, &h);
}

/* The span conditions a record must meet for the rule (those under all). */
static int each_span(lci_build *b, const lci_rule *r, const lci_cond *c, const lci_record *rec, lci_record *copy,
                     size_t stride)
{
    if (!c) return 0;
    if (c->kind == LCI_C_SPAN) return span_deadline(b, r, rec, c, copy, stride);
    if (c->kind != LCI_C_ALL) return 0;
    for (size_t i = 0; i < c->nkids; i++)
        if (each_span(b, r, &c->kids[i], rec, copy, stride) != 0) return -1;
    return 0;
}

static int headroom(lci_build *b, const lci_rule *r)
{
    const lci_store *st = lci_build_records(b, r->type);
    lci_record *copy = malloc(st->stride);
    int rc = copy ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < st->n; i++) rc = each_span(b, r, r->where, lci_store_at(st, i), copy, st->stride);
    free(copy);
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
    .headroom = headroom,
    .describe = describe,
};
