/* emit.c — see emit.h: what a rule found, recorded as its outcome says. */
#include "eval/emit.h"
#include "eval/memo.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int lci_new_refs(size_t n, lci_refs *out)
{
    out->n = n;
    out->ids = malloc((n ? n : 1) * sizeof *out->ids);
    if (!out->ids) out->n = 0;
    return out->ids ? 0 : -1;
}

int lci_build_refs(const uint32_t *src, size_t n, lci_refs *out)
{
    if (lci_new_refs(n, out) != 0) return -1;
    if (n) memcpy(out->ids, src, n * sizeof *src);
    return 0;
}

int lci_build_refs_of_records(const lci_record *const *recs, size_t n, lci_refs *out)
{
    if (lci_new_refs(n, out) != 0) return -1;
    for (size_t i = 0; i < n; i++) out->ids[i] = recs[i]->id;
    return 0;
}

void lci_emission_free(lci_emission *e)
{
    free(e->reason);
    free(e->events.ids);
    *e = (lci_emission)LCI_EMISSION_INIT;
}

int lci_wants_reason(const lci_rule *r)
{
    return r->outcome == LCI_R_BREACH || (r->outcome == LCI_R_FINDING && !r->message);
}

int lci_rule_matches(const lci_build *b, const lci_rule *r, const lci_record *rec)
{
    const lci_event_type *t = &b->m->types[rec->type];
    if (!lci_cond_eval(r->where, t, rec, &b->ctx)) return 0;
    for (size_t i = 0; i < r->nunless; i++) {
        const lci_rule *other = &b->m->rules[r->unless[i]];
        if ((int)rec->type == other->type && lci_cond_eval(other->where, t, rec, &b->ctx)) return 0;
    }
    return 1;
}

int lci_month_of(const lci_model *m, lci_time t)
{
    int i = lci_model_month_index(m, lci_local_month(t, m->offset_min));
    if (i >= 0) return i;
    return t < m->term_start ? 0 : m->nmonths - 1;
}

/* When an emission happened: its event's anchor, or its month's start. */
static lci_time emission_time(const lci_build *b, const lci_emission *e)
{
    lci_time start, end;
    if (e->at) return e->at->v[b->m->types[e->at->type].anchor];
    lci_model_month_bounds(b->m, e->month, &start, &end);
    return start;
}

static lc_status emit_breach(lci_build *b, const lci_rule *r, lci_emission *e)
{
    lc_result *res = b->res;
    lci_rbreach br = {0};
    br.rule = r->id;
    br.rule_index = (int)(r - b->m->rules);
    br.klass = r->klass ? r->klass : "";
    br.clause = r->clause ? r->clause : "";
    br.text = r->text ? r->text : "";
    br.has_pct = r->amount.kind == LCI_A_PCT;
    br.pct = br.has_pct ? lci_qty_value(b->m, &r->amount.pct) : (lci_dec){0, 0};
    br.month = e->month;
    br.class_rank = r->class_rank;
    br.order = r->order;
    br.sort_time = emission_time(b, e);
    br.has_at = e->at != NULL;
    br.at = e->at ? br.sort_time : 0;
    br.cap_month = e->at ? lci_month_of(b->m, br.at) : e->month;
    br.provisional = b->ev->as_of != LCI_NO_AS_OF && br.cap_month == lci_month_of(b->m, b->ev->as_of);
    char *words = NULL;
    lc_status st = lci_price(b, r, e, br.cap_month, &br.amount, &words);
    if (st != LC_OK) return st;
    if (words) { /* the reason says what priced it */
        char *reason = lci_format("%s; %s", e->reason, words);
        free(words);
        if (!reason) return LC_ENOMEM;
        free(e->reason);
        e->reason = reason;
    }
    br.reason = e->reason;
    br.events = e->events;
    if (LCI_PUSH(res->breaches, b->res_caps.breaches, res->nbreaches, br) != 0) return LC_ENOMEM;
    e->reason = NULL;
    e->events = (lci_refs){0};
    return LC_OK;
}

/* Incidents (附件4) carry no money: they drive termination. */
static lc_status emit_incident(lci_build *b, const lci_rule *r, lci_emission *e)
{
    lci_rincident in = {.rule = r->id, .klass = r->klass ? r->klass : "", .clause = r->clause ? r->clause : "",
                        .text = r->text ? r->text : "", .at = emission_time(b, e), .events = e->events};
    if (LCI_PUSH(b->res->incidents, b->res_caps.incidents, b->res->nincidents, in) != 0) return LC_ENOMEM;
    e->events = (lci_refs){0};
    return LC_OK;
}

static int push_finding(lci_build *b, const char *kind, const char *clause, char *message, lci_refs *events)
{
    lci_rfinding f = {kind, clause ? clause : "", message, *events};
    if (!message || LCI_PUSH(b->res->findings, b->res_caps.findings, b->res->nfindings, f) != 0) {
        free(message);
        return -1;
    }
    *events = (lci_refs){0};
    return 0;
}

int lci_build_finding(lci_build *b, const char *kind, const char *clause, char *message, lci_refs *events)
{
    if (message && b->recording && lci_memo_keep_finding(b, kind, clause, message, events) != 0) {
        free(message);
        return -1;
    }
    return push_finding(b, kind, clause, message, events);
}

static lc_status emit_finding(lci_build *b, const lci_rule *r, lci_emission *e)
{
    char *message = r->message ? lci_strdup(r->message) : e->reason;
    if (message == e->reason) e->reason = NULL;
    return push_finding(b, r->id, r->clause, message, &e->events) == 0 ? LC_OK : LC_ENOMEM;
}

/* Violations are counted by the termination reasons that name them. */
static lc_status emit_violation(lci_build *b, const lci_rule *r, lci_emission *e)
{
    lci_matches *mt = &b->violations[r - b->m->rules];
    lci_match match = {e->at, e->events};
    if (LCI_PUSH(mt->items, mt->cap, mt->n, match) != 0) return LC_ENOMEM;
    e->events = (lci_refs){0};
    return LC_OK;
}

lc_status lci_emit(lci_build *b, const lci_rule *r, lci_emission *e)
{
    lc_status st = LC_ENOMEM;
    if (b->recording && lci_memo_keep_emission(b, e) != 0) {
        lci_emission_free(e);
        return LC_ENOMEM;
    }
    if (!lci_wants_reason(r) || e->reason) {
        switch (r->outcome) {
        case LCI_R_BREACH: st = emit_breach(b, r, e); break;
        case LCI_R_INCIDENT: st = emit_incident(b, r, e); break;
        case LCI_R_FINDING: st = emit_finding(b, r, e); break;
        case LCI_R_VIOLATION: st = emit_violation(b, r, e); break;
        }
    }
    lci_emission_free(e);
    return st;
}

/* ---- errors of a rule while it applies ---- */

lc_status lci_rule_error(lci_build *b, const lci_rule *r, const char *fmt, ...)
{
    char msg[LC_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    lci_fail(b->err, LC_ERULES, "[rules]", r->line, "rule %s: %s", r->id, msg);
    lci_error_locate(b->err, "[rules]", b->ev->engine->name);
    return LC_ERULES;
}

lc_status lci_rule_stopped(lci_build *b, const lci_rule *r, const char *msg)
{
    if (!b->err) return LC_ERULES;
    lci_fail(b->err, LC_ERULES, "[rules]", r->line, "%s", msg);
    lci_error_locate(b->err, "[rules]", b->ev->engine->name);
    char *text = lci_format("rule %s: %s", r->id, b->err->message);
    if (text) snprintf(b->err->message, sizeof b->err->message, "%s", text);
    free(text);
    return LC_ERULES;
}

int lci_month_matches(lci_build *b, const lci_rule *r, const lci_mvalue *v)
{
    if (!v->present || !lci_band_has(b->m, &r->band, v->value)) return 0;
    b->ctx.month_severity = v->severity;
    return lci_cond_eval(r->impact, NULL, NULL, &b->ctx);
}
