/* figures.c — see figures.h. */
#include "eval/figures.h"

#include <stdlib.h>
#include <string.h>

/* Internal scale of score arithmetic: weights (<= 6 decimals) × fractions
 * (4) × maxima (<= 6) all fit exactly. */
#define SCORE_SCALE 16

/* ---- intervals ---- */

static int interval_cmp(const void *a, const void *b)
{
    const lci_interval *x = a, *y = b;
    return x->from < y->from ? -1 : x->from > y->from;
}

/* Length of the union of intervals clipped to [s, e); sorts iv. */
static int64_t union_length(lci_interval *iv, size_t n, lci_time s, lci_time e)
{
    lci_sort(iv, n, sizeof *iv, interval_cmp);
    int64_t total = 0;
    lci_time cur_from = 0, cur_to = 0;
    int open = 0;
    for (size_t i = 0; i < n; i++) {
        lci_time a = iv[i].from > s ? iv[i].from : s, b = iv[i].to < e ? iv[i].to : e;
        if (b <= a) continue;
        if (open && a <= cur_to) {
            if (b > cur_to) cur_to = b;
            continue;
        }
        if (open) total += cur_to - cur_from;
        cur_from = a;
        cur_to = b;
        open = 1;
    }
    return total + (open ? cur_to - cur_from : 0);
}

/* ---- availability ---- */

/* 100 × (1 - down / length) over [s, e), with the events overlapping it. */
/* Downtime in [s, e) over a period of len ns: as of an instant e is the
 * instant and len still the whole period's, so the month in progress
 * shows the best it can still be — the downtime so far cannot be undone,
 * and a provisional breach is one that stands unless events are corrected
 * (rules/README.md, choice 22). */
static int availability(lci_mvalue *v, const lc_eval *ev, const lci_measure *me, lci_time s, lci_time e, int64_t len)
{
    const lci_event_type *t = &ev->m->types[me->type];
    const lci_store *st = &ev->stores[me->type];
    lci_interval *iv = malloc((st->n ? st->n : 1) * sizeof *iv);
    v->owned = malloc((st->n ? st->n : 1) * sizeof *v->owned);
    if (!iv || !v->owned) {
        free(iv);
        return -1;
    }
    size_t n = 0;
    lci_cond_ctx ctx = {ev->m, NULL, 0, ev->as_of};
    for (size_t i = 0; i < st->n; i++) {
        const lci_record *r = lci_store_at(st, i);
        lci_time a = r->v[t->anchor], b = r->v[t->ends];
        if (b <= s || a >= e || b <= a || !lci_cond_eval(me->where, t, r, &ctx)) continue;
        iv[n++] = (lci_interval){a, b, r->id};
        v->owned[v->nids++] = r->id;
        int sev = lci_has(r, t->severity) ? (int)r->v[t->severity] : 0;
        if (sev > v->severity) v->severity = sev;
    }
    int64_t down = union_length(iv, n, s, e);
    free(iv);
    v->ids = v->owned;
    v->present = len > 0;
    v->value = (lci_exact){(__int128)(len - down) * 100, len > 0 ? len : 1};
    return 0;
}

/* ---- averages and counts ---- */

static void from_accumulator(lci_mvalue *v, const lci_avg_acc *acc)
{
    v->present = acc->count > 0;
    v->value = (lci_exact){acc->sum, acc->count > 0 ? acc->count : 1};
    v->severity = acc->max_severity;
    v->ids = acc->ids;
    v->nids = acc->nids;
}

/* The term's average pools every month's events. */
/* The term's average pools every month's events.  Rules only look at the
 * term's value (acceptance), never at its events, so they are not listed. */
static int term_average(lci_mvalue *term, const lci_mvalue *months, int nmonths)
{
    __int128 sum = 0;
    int64_t count = 0;
    for (int i = 0; i < nmonths; i++) {
        if (!months[i].present) continue;
        sum += months[i].value.num;
        count += months[i].value.den;
        if (months[i].severity > term->severity) term->severity = months[i].severity;
    }
    term->present = count > 0;
    term->value = (lci_exact){sum, count > 0 ? count : 1};
    return 0;
}

/* ---- scores (附件7) ---- */

static __int128 at_scale(lci_dec d, int scale)
{
    __int128 v = d.coef;
    for (int i = d.scale; i < scale; i++) v *= 10;
    return v;
}

static lci_dec reduce(__int128 v, int scale)
{
    if (v >= INT64_MIN && v <= INT64_MAX) { /* in 64 bits: no 128-bit division calls (a sweep scores every sample) */
        int64_t w = (int64_t)v;
        /* zeros eight, four, two at a time first: values at SCORE_SCALE end in many */
        for (int step = 8; step >= 2; step /= 2) {
            int64_t p = lci_pow10(step);
            while (scale >= step && w % p == 0) {
                w /= p;
                scale -= step;
            }
        }
        while (scale > 0 && w % 10 == 0) {
            w /= 10;
            scale--;
        }
        return (lci_dec){w, scale};
    }
    while (scale > 0 && v % 10 == 0) {
        v /= 10;
        scale--;
    }
    return (lci_dec){(int64_t)v, scale};
}

static __int128 div_round(__int128 num, __int128 den)
{
    __int128 q = num / den, r = num % den;
    if (2 * (r < 0 ? -r : r) >= den) q += num < 0 ? -1 : 1;
    return q;
}

/* An item's full points per component, max × w at SCORE_SCALE: the same
 * every month, so worked out once per computation (a sweep scores every
 * sample). */
typedef struct item_points {
    __int128 full[LCI_MAX_COMPONENTS], max;
    lci_dec max_points[LCI_MAX_COMPONENTS];
} item_points;

static void item_points_of(const lci_scorecard *sc, const lci_score_item *it, item_points *out)
{
    out->max = at_scale(it->max, SCORE_SCALE);
    for (int c = 0; c < sc->ncomponents; c++) {
        out->full[c] = out->max * at_scale(it->weights[c], 6) / 1000000;
        out->max_points[c] = reduce(out->full[c], SCORE_SCALE);
    }
}

/* (full × f) / 10000, truncated; for a fraction (0 to 10000) of a full
 * that fits 64 bits, in 64 bits: q f + r f / 10000 with full = 10000 q + r
 * (q f stays below 2^63). */
static __int128 times_fraction(__int128 full, int64_t f)
{
    if (full < 0 || full > INT64_MAX || f < 0 || f > 10000) return full * f / 10000;
    int64_t q = (int64_t)full / 10000, r = (int64_t)full % 10000;
    return (__int128)(q * f + r * f / 10000);
}

/* item points = max × Σ w × fraction, per component and in all. */
static __int128 score_item(const lci_scorecard *sc, const item_points *ip, const lci_record *r, lci_ritem *out)
{
    __int128 total = 0;
    out->present = 1;
    for (int c = 0; c < sc->ncomponents; c++) {
        int64_t f = r->v[sc->component_fields[c]];
        __int128 pts = times_fraction(ip->full[c], f); /* × fraction (scale 4) */
        out->fraction[c] = f;
        out->max_points[c] = ip->max_points[c];
        out->points[c] = reduce(pts, SCORE_SCALE);
        total += pts;
    }
    out->subtotal = reduce(total, SCORE_SCALE);
    return total;
}

static void score_month(lci_figures *fig, const lc_eval *ev, const item_points *ips, int month)
{
    const lci_scorecard *sc = &ev->m->scorecard;
    const lci_store *st = &ev->stores[sc->type];
    __int128 points = 0, maxima = 0;
    for (size_t i = 0; i < sc->nitems; i++) {
        int32_t slot = ev->score_slots[(size_t)month * sc->nitems + i];
        if (slot < 0) continue;
        points += score_item(sc, &ips[i], lci_store_at(st, (size_t)slot), &fig->items[(size_t)month * sc->nitems + i]);
        maxima += ips[i].max;
    }
    fig->scored[month] = maxima > 0;
    fig->raw_max[month] = reduce(maxima, SCORE_SCALE);
    if (maxima > 0) {
        __int128 scale = 1;
        for (int i = 0; i < sc->digits; i++) scale *= 10;
        /* items not scheduled are left out: normalised to 100 over those present */
        fig->scores[month] = (lci_dec){(int64_t)div_round(points * 100 * scale, maxima), sc->digits};
    }
}

/* A month's score rests on the work items scored in it. */
static int score_value(lci_mvalue *v, const lci_figures *fig, const lc_eval *ev, int month)
{
    const lci_scorecard *sc = &ev->m->scorecard;
    v->present = fig->scored[month];
    v->value = (lci_exact){fig->scores[month].coef, lci_pow10(sc->digits)};
    v->owned = malloc((sc->nitems ? sc->nitems : 1) * sizeof *v->owned);
    if (!v->owned) return -1;
    for (size_t i = 0; i < sc->nitems; i++) {
        int32_t slot = ev->score_slots[(size_t)month * sc->nitems + i];
        if (slot >= 0) v->owned[v->nids++] = lci_store_at(&ev->stores[sc->type], (size_t)slot)->id;
    }
    v->ids = v->owned;
    return 0;
}

/* The annual score: mean of the rounded month scores, rounded the same way. */
static void annual_score(lci_mvalue *v, const lci_figures *fig, int digits)
{
    __int128 sum = 0;
    int64_t n = 0;
    for (int i = 0; i < fig->nmonths; i++)
        if (fig->scored[i]) {
            sum += fig->scores[i].coef;
            n++;
        }
    v->present = n > 0;
    v->value = (lci_exact){n ? div_round(sum, n) : 0, lci_pow10(digits)};
}

/* Opening balances billed in term month i add to a sum measure's figure
 * there (an evaluation that starts mid-term). */
static void add_opening(lci_mvalue *v, const lc_eval *ev, int measure, int i)
{
    const lci_opening *o = &ev->m->opening;
    for (size_t s = 0; o->present && s < o->nsums; s++) {
        if (o->sums[s].measure != measure) continue;
        const lci_store *st = &ev->stores[o->type];
        int f = o->sums[s].field, anchor = ev->m->types[o->type].anchor;
        for (size_t k = 0; k < st->n; k++) {
            const lci_record *r = lci_store_at(st, k);
            if (r->v[anchor] != ev->m->first_month + i || !lci_has(r, f)) continue;
            /* a money field is at scale 4 like the sum's: add at the sum's scale */
            v->value.num += (__int128)r->v[f] * v->value.den / 10000;
            v->present = 1;
        }
    }
}

/* ---- all figures ---- */

/* Month i's bounds as far as it is assessed: 0 for a month after the
 * instant of an as-of result, the month holding it up to it; *len the
 * whole month's. */
static int assessed(const lc_eval *ev, int i, lci_time *s, lci_time *e, int64_t *len)
{
    lci_model_month_bounds(ev->m, i, s, e);
    *len = *e - *s;
    if (*s >= ev->as_of) return 0;
    if (*e > ev->as_of) *e = ev->as_of;
    return 1;
}

static int compute_measure(lci_figures *fig, const lc_eval *ev, int mi)
{
    const lci_model *m = ev->m;
    const lci_measure *me = &m->measures[mi];
    lci_mvalue *row = &fig->cells[(size_t)mi * (m->nmonths + 1)];
    for (int i = 0; i < m->nmonths; i++) {
        lci_time s, e;
        int64_t len;
        if (!assessed(ev, i, &s, &e, &len)) continue; /* not assessed: no figure */
        if (me->kind == LCI_M_AVAILABILITY && availability(&row[i], ev, me, s, e, len) != 0) return -1;
        if (me->kind == LCI_M_AVERAGE || me->kind == LCI_M_SUM) from_accumulator(&row[i], &ev->avg[(size_t)mi * m->nmonths + i]);
        if (me->kind == LCI_M_SUM) {
            row[i].value.den = lci_pow10(m->types[me->type].fields[me->to].scale);
            add_opening(&row[i], ev, mi, i);
        }
        if (me->kind == LCI_M_COUNT) {
            row[i].present = 1;
            row[i].value = (lci_exact){ev->counts[(size_t)mi * m->nmonths + i], 1};
        }
        if (me->kind == LCI_M_SCORE && score_value(&row[i], fig, ev, i) != 0) return -1;
    }
    lci_mvalue *term = &row[m->nmonths];
    switch (me->kind) {
    case LCI_M_AVAILABILITY:
        if (m->term_start >= ev->as_of) return 0;
        return availability(term, ev, me, m->term_start, m->term_end < ev->as_of ? m->term_end : ev->as_of,
                            m->term_end - m->term_start);
    case LCI_M_AVERAGE: return term_average(term, row, m->nmonths);
    case LCI_M_COUNT:
        term->present = m->term_start < ev->as_of;
        term->value = (lci_exact){0, 1};
        for (int i = 0; i < m->nmonths; i++) term->value.num += row[i].value.num;
        return 0;
    case LCI_M_SCORE: annual_score(term, fig, m->scorecard.digits); return 0;
    case LCI_M_SUM:
        term->value = (lci_exact){0, lci_pow10(m->types[me->type].fields[me->to].scale)};
        for (int i = 0; i < m->nmonths; i++) {
            term->value.num += row[i].value.num;
            term->present |= row[i].present;
        }
        return 0;
    }
    return 0;
}

static int score_months(lci_figures *fig, const lc_eval *ev)
{
    const lci_scorecard *sc = &ev->m->scorecard;
    item_points *ips = malloc((sc->nitems ? sc->nitems : 1) * sizeof *ips);
    if (!ips) return -1;
    for (size_t i = 0; i < sc->nitems; i++) item_points_of(sc, &sc->items[i], &ips[i]);
    for (int i = 0; i < ev->m->nmonths; i++) score_month(fig, ev, ips, i);
    free(ips);
    return 0;
}

int lci_figures_compute(lci_figures *fig, const lc_eval *ev)
{
    const lci_model *m = ev->m;
    size_t items = m->scorecard.present ? (size_t)m->nmonths * m->scorecard.nitems : 1;
    memset(fig, 0, sizeof *fig);
    fig->nmonths = m->nmonths;
    fig->cells = calloc(m->nmeasures * (size_t)(m->nmonths + 1) + 1, sizeof *fig->cells);
    fig->items = calloc(items, sizeof *fig->items);
    fig->scored = calloc((size_t)m->nmonths + 1, sizeof *fig->scored);
    fig->scores = calloc((size_t)m->nmonths + 1, sizeof *fig->scores);
    fig->raw_max = calloc((size_t)m->nmonths + 1, sizeof *fig->raw_max);
    if (!fig->cells || !fig->items || !fig->scored || !fig->scores || !fig->raw_max) return -1;
    if (m->scorecard.present && score_months(fig, ev) != 0) return -1;
    for (size_t mi = 0; mi < m->nmeasures; mi++)
        if (compute_measure(fig, ev, (int)mi) != 0) return -1;
    return 0;
}

void lci_figures_free(lci_figures *fig, size_t nmeasures)
{
    if (fig->cells)
        for (size_t i = 0; i < nmeasures * (size_t)(fig->nmonths + 1); i++) free(fig->cells[i].owned);
    free(fig->cells);
    free(fig->items);
    free(fig->scored);
    free(fig->scores);
    free(fig->raw_max);
    memset(fig, 0, sizeof *fig);
}

/* ---- calendars ---- */

static int add_interval(lci_calendars *cals, size_t c, size_t *cap, lci_interval iv)
{
    return LCI_PUSH(cals->items[c], cap[c], cals->n[c], iv);
}

static int calendar_days(lci_calendars *cals, size_t *cap, const lci_model *m, size_t c)
{
    const lci_calendar *cal = &m->calendars[c];
    for (size_t i = 0; i < cal->nranges; i++) {
        lci_interval iv = {lci_day_start(cal->ranges[i].from, m->offset_min),
                           lci_day_start(cal->ranges[i].to + 1, m->offset_min), UINT32_MAX};
        if (add_interval(cals, c, cap, iv) != 0) return -1;
    }
    return 0;
}

/* Intervals from events count for the part inside the term. */
static int calendar_events(lci_calendars *cals, size_t *cap, const lc_eval *ev, size_t type)
{
    const lci_model *m = ev->m;
    const lci_event_type *t = &m->types[type];
    const lci_store *st = &ev->stores[type];
    for (size_t i = 0; i < st->n; i++) {
        const lci_record *r = lci_store_at(st, i);
        lci_time a = r->v[t->anchor], b = r->v[t->ends];
        lci_interval iv = {a > m->term_start ? a : m->term_start, b < m->term_end ? b : m->term_end, r->id};
        if (iv.to > iv.from && add_interval(cals, (size_t)t->adds_to, cap, iv) != 0) return -1;
    }
    return 0;
}

/* Sorts a calendar's intervals and merges those that overlap or touch,
 * leaving out empty ones: the same instants, now sorted and disjoint, so
 * within() (cond.c) finds an instant by binary search instead of trying
 * every interval — calendars grow with every protection_period event. */
static void calendar_merge(lci_calendars *cals, size_t c)
{
    lci_interval *iv = cals->items[c];
    size_t n = 0;
    lci_sort(iv, cals->n[c], sizeof *iv, interval_cmp);
    for (size_t i = 0; i < cals->n[c]; i++) {
        if (iv[i].to <= iv[i].from) continue;
        if (n > 0 && iv[i].from <= iv[n - 1].to) {
            if (iv[i].to > iv[n - 1].to) iv[n - 1].to = iv[i].to;
        } else {
            iv[n++] = iv[i];
        }
    }
    cals->n[c] = n;
}

int lci_calendars_build(lci_calendars *cals, const lc_eval *ev)
{
    const lci_model *m = ev->m;
    memset(cals, 0, sizeof *cals);
    size_t n = m->ncalendars ? m->ncalendars : 1;
    cals->items = calloc(n, sizeof *cals->items);
    cals->n = calloc(n, sizeof *cals->n);
    size_t *cap = calloc(n, sizeof *cap);
    int rc = cals->items && cals->n && cap ? 0 : -1;
    cals->count = cals->items ? m->ncalendars : 0;
    for (size_t c = 0; rc == 0 && c < m->ncalendars; c++) rc = calendar_days(cals, cap, m, c);
    for (size_t t = 0; rc == 0 && t < m->ntypes; t++)
        if (m->types[t].adds_to >= 0) rc = calendar_events(cals, cap, ev, t);
    for (size_t c = 0; rc == 0 && c < m->ncalendars; c++) calendar_merge(cals, c);
    free(cap);
    return rc;
}

void lci_calendars_free(lci_calendars *cals)
{
    for (size_t c = 0; c < cals->count; c++) free(cals->items[c]);
    free(cals->items);
    free(cals->n);
    memset(cals, 0, sizeof *cals);
}

/* ---- kept between results ---- */

struct lci_figure_cache {
    uint64_t generation;
    lci_figures fig;
    lci_calendars cals;
};

void lci_figure_cache_free(lc_eval *ev)
{
    if (!ev->figures) return;
    lci_figures_free(&ev->figures->fig, ev->m->nmeasures);
    lci_calendars_free(&ev->figures->cals);
    free(ev->figures);
    ev->figures = NULL;
}

int lci_eval_figures(lc_eval *ev, lci_figures *fig, lci_calendars *cals)
{
    struct lci_figure_cache *c = ev->figures;
    if (!c || c->generation != ev->generation) {
        lci_figure_cache_free(ev);
        if (!(c = calloc(1, sizeof *c))) return -1;
        c->generation = ev->generation;
        if (lci_calendars_build(&c->cals, ev) != 0 || lci_figures_compute(&c->fig, ev) != 0) {
            lci_figures_free(&c->fig, ev->m->nmeasures);
            lci_calendars_free(&c->cals);
            free(c);
            return -1;
        }
        ev->figures = c;
    }
    *fig = c->fig;
    *cals = c->cals;
    return 0;
}
