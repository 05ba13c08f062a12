/* outcomes.c — what follows over the term from the breaches, incidents
 * and figures: the termination right (第十四条), the annual grade (附件7),
 * acceptance (第十条), obligations (附件3) and payments (第五条, 第六条). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval/evaluate.h"
#include "rules/words.h"

static int64_t whole(const lci_model *m, const lci_qty *q)
{
    int64_t v = 0;
    if (lci_dec_rescale(lci_qty_value(m, q), 0, &v) != LCI_NUM_OK) return -1;
    return v;
}

/* ---- termination ---- */

static int incident_refs(lci_build *b, const char *klass, lci_refs *out, int64_t *count)
{
    const lc_result *res = b->res;
    size_t total = 0;
    for (size_t i = 0; i < res->nincidents; i++)
        if (strcmp(res->incidents[i].klass, klass) == 0) total += res->incidents[i].events.n;
    out->ids = malloc((total ? total : 1) * sizeof *out->ids);
    if (!out->ids) return -1;
    *count = 0;
    for (size_t i = 0; i < res->nincidents; i++) {
        const lci_rincident *in = &res->incidents[i];
        if (strcmp(in->klass, klass) != 0) continue;
        if (in->events.n) memcpy(out->ids + out->n, in->events.ids, in->events.n * sizeof *out->ids);
        out->n += in->events.n;
        (*count)++;
    }
    return 0;
}

/* The matches of the violation rule a reason counts (those its `where`
 * holds for: only rules on single events may have one), and their events. */
static int violation_refs(lci_build *b, const lci_termination_reason *t, lci_refs *out, int64_t *count)
{
    const lci_matches *mt = &b->violations[t->violation_rule];
    size_t total = 0;
    for (size_t i = 0; i < mt->n; i++) total += mt->items[i].events.n;
    out->ids = malloc((total ? total : 1) * sizeof *out->ids);
    if (!out->ids) return -1;
    *count = 0;
    for (size_t i = 0; i < mt->n; i++) {
        const lci_match *match = &mt->items[i];
        if (t->where && !lci_cond_eval(t->where, &b->m->types[match->rec->type], match->rec, &b->ctx)) continue;
        if (match->events.n) memcpy(out->ids + out->n, match->events.ids, match->events.n * sizeof *out->ids);
        out->n += match->events.n;
        (*count)++;
    }
    return 0;
}

static char *reason_message(lci_build *b, const lci_termination_reason *t, int64_t count, int64_t needed,
                            const lci_refs *events)
{
    lci_buf out;
    lci_buf_init(&out);
    lci_buf_printf(&out, "%lld %s (at least %lld give the right)", (long long)count,
                   t->label ? t->label : t->id, (long long)needed);
    for (size_t i = 0; i < events->n; i++)
        lci_buf_printf(&out, "%s%s", i ? ", " : ": ", lci_result_id(b->res, events->ids[i]));
    return lci_buf_take(&out, NULL);
}

int lci_termination_count(lci_build *b, const lci_termination_reason *t, int64_t *count, int64_t *needed)
{
    lci_refs events = {0};
    *needed = whole(b->m, &t->at_least);
    int rc = t->incident_class ? incident_refs(b, t->incident_class, &events, count) : violation_refs(b, t, &events, count);
    free(events.ids);
    return rc;
}

static int termination_reason(lci_build *b, const lci_termination_reason *t)
{
    lci_rreason r = {0};
    int64_t needed = whole(b->m, &t->at_least);
    int rc = t->incident_class ? incident_refs(b, t->incident_class, &r.events, &r.count)
                               : violation_refs(b, t, &r.events, &r.count);
    if (rc != 0 || needed < 0 || r.count < needed) {
        free(r.events.ids);
        return rc;
    }
    r.needed = needed;
    r.id = lci_strdup(t->id);
    r.clause = lci_strdup(t->clause ? t->clause : "");
    r.label = lci_strdup(t->label ? t->label : t->id);
    r.message = reason_message(b, t, r.count, needed, &r.events);
    if (!r.id || !r.clause || !r.label || !r.message ||
        LCI_PUSH(b->res->reasons, b->res_caps.reasons, b->res->nreasons, r) != 0) {
        free(r.id);
        free(r.clause);
        free(r.label);
        free(r.message);
        free(r.events.ids);
        return -1;
    }
    return 0;
}

static int termination(lci_build *b)
{
    for (size_t i = 0; i < b->m->ntermination; i++)
        if (termination_reason(b, &b->m->termination[i]) != 0) return -1;
    b->res->termination_right = b->res->nreasons > 0;
    return 0;
}

/* ---- annual score and grade ---- */

static int annual(lci_build *b)
{
    const lci_model *m = b->m;
    lc_result *res = b->res;
    res->annual_availability.kind = LCI_V_NULL;
    if (m->annual_availability_measure >= 0) {
        const lci_mvalue *v = lci_figure(&b->fig, m->annual_availability_measure, m->nmonths);
        if (v->present) {
            lci_rvalue_number(m, m->annual_availability_measure, v->value, &res->annual_availability);
        }
    }
    if (m->annual_score_measure < 0) return 0;
    const lci_mvalue *v = lci_figure(&b->fig, m->annual_score_measure, m->nmonths);
    if (!v->present) return 0;
    res->has_annual_score = 1;
    res->annual_score = (lci_dec){(int64_t)v->value.num, m->scorecard.digits};
    lci_dec_format_short(res->annual_score, res->annual_score_text, sizeof res->annual_score_text);
    /* the text's grade bands overlap at their edges: the first that holds wins */
    for (size_t i = 0; i < m->scorecard.ngrades; i++)
        if (lci_band_has(m, &m->scorecard.grades[i].band, v->value)) {
            res->grade = lci_strdup(m->scorecard.grades[i].name);
            return res->grade ? 0 : -1;
        }
    return 0;
}

/* ---- acceptance (第十条(二)) ---- */

static const lci_record *latest_record(const lc_eval *ev, int type, int field)
{
    const lci_event_type *t = &ev->m->types[type];
    const lci_store *st = &ev->stores[type];
    const lci_record *best = NULL;
    for (size_t i = 0; i < st->n; i++) {
        const lci_record *r = lci_store_at(st, i);
        if (!lci_has(r, field)) continue;
        if (!best || r->v[t->anchor] > best->v[t->anchor] ||
            (r->v[t->anchor] == best->v[t->anchor] && r->seq > best->seq))
            best = r;
    }
    return best;
}

/* The value a part judges, exact, and whether there is one. */
static int part_value(lci_build *b, const lci_acceptance_part *p, lci_exact *v, lci_unit *unit)
{
    *unit = LCI_UNIT_NONE;
    if (p->kind == LCI_P_MEASURE) {
        const lci_mvalue *mv = lci_figure(&b->fig, p->measure, b->m->nmonths);
        *unit = b->m->measures[p->measure].unit;
        *v = mv->value;
        return mv->present;
    }
    if (p->kind == LCI_P_INCIDENTS) {
        int64_t n = 0;
        for (size_t i = 0; i < b->res->nincidents; i++)
            for (size_t c = 0; c < p->nclasses; c++) n += strcmp(b->res->incidents[i].klass, p->classes[c]) == 0;
        *v = (lci_exact){n, 1};
        return 1;
    }
    const lci_record *r = latest_record(b->ev, p->type, p->field);
    if (!r) return 0;
    const lci_field *f = &b->m->types[p->type].fields[p->field];
    *v = (lci_exact){r->v[p->field], lci_pow10(f->scale)};
    return 1;
}

static int acceptance_part(lci_build *b, const lci_acceptance_part *p, lci_rpart *out)
{
    lci_exact v;
    lci_unit unit;
    lci_buf why;
    lci_buf_init(&why);
    out->name = lci_strdup(p->name);
    out->clause = lci_strdup(p->clause ? p->clause : "");
    if (!part_value(b, p, &v, &unit)) {
        out->passed = 0;
        out->value.kind = LCI_V_NULL;
        lci_buf_printf(&why, "no %s: not passed", p->name);
    } else {
        char num[64];
        out->passed = lci_band_has(b->m, &p->band, v);
        out->value.kind = p->kind == LCI_P_INCIDENTS ? LCI_V_INT : LCI_V_NUMBER;
        out->value.integer = (int64_t)v.num;
        if (p->kind == LCI_P_MEASURE) lci_rvalue_number(b->m, p->measure, v, &out->value);
        else out->value.number = lci_exact_to_double(v, unit);
        if (p->kind == LCI_P_INCIDENTS) snprintf(num, sizeof num, "%lld", (long long)v.num);
        else if (out->value.has_shown) lci_dec_format(out->value.shown, num, sizeof num);
        else lci_format_exact(v, unit, num, sizeof num);
        lci_buf_printf(&why, "%s %s: %s", p->name, num, out->passed ? "passed" : "not passed");
    }
    out->reason = lci_buf_take(&why, NULL);
    return out->name && out->clause && out->reason ? 0 : -1;
}

static int acceptance(lci_build *b)
{
    lc_result *res = b->res;
    if (!b->m->nacceptance) return 0;
    res->parts = calloc(b->m->nacceptance, sizeof *res->parts);
    if (!res->parts) return -1;
    res->has_acceptance = 1;
    res->acceptance_passed = 1;
    for (size_t i = 0; i < b->m->nacceptance; i++) {
        res->nparts = i + 1;
        if (acceptance_part(b, &b->m->acceptance[i], &res->parts[i]) != 0) return -1;
        res->acceptance_passed &= res->parts[i].passed;
    }
    return 0;
}

/* ---- obligations (附件3) ---- */

static int findings_text(lci_build *b, const char *kind, const char *clause, const lci_record *r, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int add_simple_finding(lci_build *b, const char *kind, const char *clause, const lci_record *r, char *msg)
{
    lci_refs events = {0};
    if (r && lci_build_refs_of_records(&r, 1, &events) != 0) {
        free(msg);
        return -1;
    }
    int rc = lci_build_finding(b, kind, clause, msg, &events);
    free(events.ids);
    return rc;
}

static int findings_text(lci_build *b, const char *kind, const char *clause, const lci_record *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = lci_vformat(fmt, ap);
    va_end(ap);
    return text ? add_simple_finding(b, kind, clause, r, text) : -1;
}

/* 第八条(七): each delivered in its month by the given day, inclusive. */
static int late_deliveries(lci_build *b, const lci_obligation *o, const lci_record *r)
{
    const lci_model *m = b->m;
    int64_t by = whole(m, &o->by_day), y;
    int mo, d;
    lci_civil_from_days(lci_local_day(r->v[m->types[m->obligations_type].anchor], m->offset_min), &y, &mo, &d);
    if (by < 0 || d <= by) return 0;
    return findings_text(b, "deliverable_late", o->clause, r, "%s %s delivered on %04lld-%02d-%02d, after day %lld of the month",
                         o->kind, lci_idtable_get(&b->ev->ids, r->id), (long long)y, mo, d, (long long)by);
}

/* As of an instant T, what was due by then (rules/README.md, choice 23):
 * a daily obligation, the whole days of the term gone; one due in each
 * month by a day, the months whose day has passed (at most its count);
 * else it is judged at the term's end: -1 before it. */
static int64_t due_so_far(const lci_build *b, const lci_obligation *o, int64_t due)
{
    const lci_model *m = b->m;
    lci_time t = b->ev->as_of;
    if (t >= m->term_end) return due;
    if (t <= m->term_start) return 0;
    if (o->daily) return (t - m->term_start) / LCI_NS_PER_DAY;
    if (!o->has_by_day) return -1;
    int64_t by = whole(m, &o->by_day), n = 0;
    for (int i = 0; i < m->nmonths && n < due; i++) /* passed once its day `by` has ended */
        n += t >= lci_day_start(lci_month_first_day(m->first_month + i) + by, m->offset_min);
    return n;
}

/* The deliverables of each kind, in the store's order: first[v] and
 * next[i] chain the records whose obligations field is v (-1 ends). */
typedef struct kinds_index {
    int32_t *first, *next;
    size_t nvalues; /* of the obligations field */
} kinds_index;

static int index_kinds(const lci_model *m, const lci_store *st, kinds_index *ix)
{
    size_t nvalues = ix->nvalues = m->types[m->obligations_type].fields[m->obligations_field].nvalues;
    ix->first = malloc((nvalues + 1) * sizeof *ix->first);
    ix->next = malloc((st->n + 1) * sizeof *ix->next);
    if (!ix->first || !ix->next) return -1;
    int32_t *last = malloc((nvalues + 1) * sizeof *last);
    if (!last) return -1;
    for (size_t v = 0; v <= nvalues; v++) ix->first[v] = last[v] = -1;
    for (size_t i = 0; i < st->n; i++) {
        int64_t v = lci_store_at(st, i)->v[m->obligations_field];
        ix->next[i] = -1;
        if (v < 0 || (size_t)v >= nvalues) continue;
        if (last[v] < 0) ix->first[v] = (int32_t)i;
        else ix->next[last[v]] = (int32_t)i;
        last[v] = (int32_t)i;
    }
    free(last);
    return 0;
}

static int obligation(lci_build *b, const lci_obligation *o, const kinds_index *ix, lci_robligation *out)
{
    const lci_model *m = b->m;
    const lci_store *st = &b->ev->stores[m->obligations_type];
    out->kind = lci_strdup(o->kind);
    out->clause = lci_strdup(o->clause ? o->clause : "");
    if (!out->kind || !out->clause) return -1;
    out->due = o->daily ? (m->term_end - m->term_start) / LCI_NS_PER_DAY : o->due;
    out->due_so_far = b->ev->as_of == LCI_NO_AS_OF ? out->due : due_so_far(b, o, out->due);
    int32_t i = o->enum_value >= 0 && (size_t)o->enum_value < ix->nvalues ? ix->first[o->enum_value] : -1;
    for (; i >= 0; i = ix->next[i]) {
        out->delivered++;
        if (o->has_by_day && late_deliveries(b, o, lci_store_at(st, (size_t)i)) != 0) return -1;
    }
    if (out->due_so_far < 0 || out->delivered >= out->due_so_far) return 0;
    if (out->due_so_far < out->due)
        return findings_text(b, "obligation_shortfall", o->clause, NULL, "%s: %lld of %lld delivered (%lld due so far)",
                             o->kind, (long long)out->delivered, (long long)out->due, (long long)out->due_so_far);
    return findings_text(b, "obligation_shortfall", o->clause, NULL, "%s: %lld of %lld delivered", o->kind,
                         (long long)out->delivered, (long long)out->due);
}

static int obligations(lci_build *b)
{
    lc_result *res = b->res;
    if (!b->m->nobligations) return 0;
    kinds_index ix = {NULL, NULL, 0};
    res->obligations = calloc(b->m->nobligations, sizeof *res->obligations);
    int ok = res->obligations && index_kinds(b->m, &b->ev->stores[b->m->obligations_type], &ix) == 0;
    for (size_t i = 0; ok && i < b->m->nobligations; i++) {
        res->nobligations = i + 1;
        ok = obligation(b, &b->m->obligations[i], &ix, &res->obligations[i]) == 0;
    }
    free(ix.first);
    free(ix.next);
    return ok ? 0 : -1;
}

/* ---- payments (第五条, 第六条, 第三条(二)) ---- */

static int in_ranges(const lci_day_range *r, size_t n, int64_t day)
{
    for (size_t i = 0; i < n; i++)
        if (day >= r[i].from && day <= r[i].to) return 1;
    return 0;
}

static int is_workday(const lci_workdays *w, int64_t day)
{
    if (in_ranges(w->on, w->non, day)) return 1; /* 调休: a make-up workday */
    if (in_ranges(w->off, w->noff, day)) return 0;
    int wd = lci_weekday(day);
    return w->present ? !w->weekend[wd] : wd < 5;
}

/* The day of the starting event is not counted (民法典第201条). */
static int64_t add_working_days(const lci_workdays *w, int64_t day, int64_t n)
{
    while (n > 0) {
        day++;
        n -= is_workday(w, day);
    }
    return day;
}

static lci_rdue due_date(lci_build *b, const lci_due_rule *d)
{
    const lci_model *m = b->m;
    lci_rdue out = {0, 0, ""};
    int64_t start = d->after_signed ? m->signed_day : INT64_MIN, n = whole(m, &d->working_days);
    if (!d->present || n < 0 || n > 100000) return out;
    for (size_t i = 0; i < d->nafter; i++) {
        const lci_event_type *t = &m->types[d->after_types[i]];
        const lci_store *st = &b->ev->stores[d->after_types[i]];
        if (!st->n) return out; /* not known until the event is */
        lci_time first = lci_store_at(st, 0)->v[t->anchor];
        for (size_t k = 1; k < st->n; k++)
            if (lci_store_at(st, k)->v[t->anchor] < first) first = lci_store_at(st, k)->v[t->anchor];
        int64_t day = lci_local_day(first, m->offset_min);
        if (day > start) start = day;
    }
    if (start == INT64_MIN) return out;
    out.known = 1;
    out.day = add_working_days(&m->workdays, start, n);
    lci_date_format(out.day, out.text, sizeof out.text);
    return out;
}

static int payments(lci_build *b)
{
    const lci_model *m = b->m;
    lc_result *res = b->res;
    res->instalments = calloc(m->ninstalments + 1, sizeof *res->instalments);
    if (!res->instalments) return -1;
    for (size_t i = 0; i < m->ninstalments; i++) {
        const lci_instalment *in = &m->instalments[i];
        lci_rinstalment *o = &res->instalments[i];
        res->ninstalments = i + 1;
        o->pct = lci_qty_value(m, &in->pct);
        lci_dec_format_short(o->pct, o->pct_text, sizeof o->pct_text);
        if (res->value < 0 || lci_mul_div_round(res->value, o->pct.coef, 100 * lci_pow10(o->pct.scale), &o->amount) != LCI_NUM_OK)
            o->amount = 0;
        o->due = due_date(b, &in->due);
        o->clause = lci_strdup(in->clause ? in->clause : "");
        o->note = lci_strdup(in->note ? in->note : "");
        if (!o->clause || !o->note) return -1;
    }
    if (m->has_bond) {
        res->has_bond = 1;
        if (lci_money_value(m, &m->bond, &res->bond_amount) != 0) res->bond_amount = 0;
        res->bond_due = due_date(b, &m->bond_due);
        if (!(res->bond_clause = lci_strdup(m->bond_clause ? m->bond_clause : ""))) return -1;
    }
    int64_t days = m->has_holdover ? whole(m, &m->holdover_days) : 0;
    if (days > 0 && res->value >= 0 && lci_mul_div_round(res->value, 1, days, &res->holdover_per_day) == LCI_NUM_OK)
        res->has_holdover = 1;
    return 0;
}

int lci_outcomes(lci_build *b)
{
    if (termination(b) != 0 || annual(b) != 0 || acceptance(b) != 0) return -1;
    return obligations(b) != 0 || payments(b) != 0 ? -1 : 0;
}
