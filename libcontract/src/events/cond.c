/* cond.c — see cond.h. */
#include "events/cond.h"

static __int128 pow10_128(int n)
{
    __int128 p = 1;
    while (n-- > 0) p *= 10;
    return p;
}

int lci_exact_cmp_qty(const lci_model *m, lci_exact v, const lci_qty *q)
{
    lci_dec d = lci_qty_value(m, q);
    int64_t factor = lci_unit_ns(q->unit);
    if (!factor) factor = 1;
    __int128 left = v.num * pow10_128(d.scale);
    __int128 right = (__int128)d.coef * factor * v.den;
    return left < right ? -1 : left > right;
}

int lci_band_has(const lci_model *m, const lci_band *b, lci_exact v)
{
    if (b->has_lo) {
        int c = lci_exact_cmp_qty(m, v, &b->lo);
        if (c < 0 || (c == 0 && !b->lo_incl)) return 0;
    }
    if (b->has_hi) {
        int c = lci_exact_cmp_qty(m, v, &b->hi);
        if (c > 0 || (c == 0 && !b->hi_incl)) return 0;
    }
    return 1;
}

double lci_exact_to_double(lci_exact v, lci_unit u)
{
    int64_t factor = lci_unit_ns(u);
    long double x = (long double)v.num / (long double)v.den;
    return (double)(factor ? x / factor : x);
}

/* A calendar's intervals are sorted and disjoint (cond.h): t is in one when
 * the last interval starting at or before t ends after t. */
static int within(const lci_cond_ctx *ctx, int cal, lci_time t)
{
    if (!ctx->cals) return 0;
    const lci_interval *iv = ctx->cals->items[cal];
    size_t lo = 0, hi = ctx->cals->n[cal]; /* the first interval starting after t */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (iv[mid].from <= t) lo = mid + 1;
        else hi = mid;
    }
    return lo > 0 && t < iv[lo - 1].to;
}

static int span_cond(const lci_cond *c, const lci_record *r, const lci_cond_ctx *ctx)
{
    int64_t ns;
    if (!lci_has(r, c->field)) return 0;
    if (!lci_record_span(r, c->field, c->field2, &ns)) {
        if (!c->missing_infinite) return 0;
        /* as of an instant an open span lasts until then; else an absent
         * `to` counts as never: only a band open upwards holds it */
        if (ctx->now == INT64_MAX) return !c->band.has_hi;
        ns = ctx->now - r->v[c->field];
    }
    return lci_band_has(ctx->m, &c->band, (lci_exact){ns, 1});
}

static int severity_of(const lci_event_type *t, const lci_record *r, const lci_cond_ctx *ctx)
{
    if (!r) return ctx->month_severity;
    return lci_has(r, t->severity) ? (int)r->v[t->severity] : 0;
}

int lci_cond_eval(const lci_cond *c, const lci_event_type *t, const lci_record *r, const lci_cond_ctx *ctx)
{
    if (!c) return 1;
    switch (c->kind) {
    case LCI_C_ALL:
        for (size_t i = 0; i < c->nkids; i++)
            if (!lci_cond_eval(&c->kids[i], t, r, ctx)) return 0;
        return 1;
    case LCI_C_ANY:
        for (size_t i = 0; i < c->nkids; i++)
            if (lci_cond_eval(&c->kids[i], t, r, ctx)) return 1;
        return 0;
    case LCI_C_NOT: return !lci_cond_eval(&c->kids[0], t, r, ctx);
    case LCI_C_IS: return lci_has(r, c->field) && r->v[c->field] == c->value;
    case LCI_C_IN: return lci_has(r, c->field) && (c->set >> r->v[c->field] & 1);
    case LCI_C_PRESENT: return lci_has(r, c->field);
    case LCI_C_ABSENT: return !lci_has(r, c->field);
    case LCI_C_NUM: {
        if (!lci_has(r, c->field)) return 0;
        const lci_field *f = &t->fields[c->field];
        lci_exact v = {r->v[c->field], lci_pow10(f->scale)};
        return lci_band_has(ctx->m, &c->band, v);
    }
    case LCI_C_SPAN: return span_cond(c, r, ctx);
    case LCI_C_WITHIN: return lci_has(r, c->field) && within(ctx, c->calendar, r->v[c->field]);
    case LCI_C_SEVERITY: return c->set >> severity_of(t, r, ctx) & 1;
    }
    return 0;
}

int lci_exact_to_fen(lci_exact v, int64_t *fen)
{
    __int128 num = v.num * 100, q = num / v.den, r = num % v.den;
    if (2 * (r < 0 ? -r : r) >= v.den) q += num < 0 ? -1 : 1;
    if (q > INT64_MAX || q < INT64_MIN) return -1;
    *fen = (int64_t)q;
    return 0;
}
