/* plan.c — see plan.h. */
#include "events/plan.h"

#include <stdlib.h>
#include <string.h>

/* Terms longer than this many days look their months up by bisection
 * instead of a table. */
#define MAX_DAY_TABLE ((int64_t)1 << 20)

/* ---- conditions on presence ---- */

/* Adds the fields a presence-only condition looks at to x; 0 when c asks
 * anything else (values, calendars, severities) or too many fields. */
static int presence_fields(const lci_cond *c, lci_test *x)
{
    switch (c->kind) {
    case LCI_C_ALL:
    case LCI_C_ANY:
    case LCI_C_NOT:
        for (size_t i = 0; i < c->nkids; i++)
            if (!presence_fields(&c->kids[i], x)) return 0;
        return 1;
    case LCI_C_PRESENT:
    case LCI_C_ABSENT:
        for (int j = 0; j < x->nfields; j++)
            if (x->fields[j] == c->field) return 1;
        if (c->field < 0 || x->nfields == LCI_TRUTH_FIELDS) return 0;
        x->fields[x->nfields++] = c->field;
        return 1;
    default: return 0;
    }
}

/* The test of c: its truth table when it only asks which fields are
 * present, else c itself, evaluated per event. */
static lci_test make_test(const lci_model *m, const lci_event_type *t, const lci_cond *c)
{
    lci_test x = {c, 0, 0, {0}, 0};
    if (!c || !presence_fields(c, &x)) {
        x.nfields = 0;
        return x;
    }
    lci_record probe = {0}; /* presence alone is read: no values needed */
    lci_cond_ctx ctx = {m, NULL, 0, INT64_MAX};
    for (unsigned row = 0; row < 1u << x.nfields; row++) {
        probe.present = 0;
        for (int j = 0; j < x.nfields; j++)
            if (row >> j & 1) probe.present |= UINT64_C(1) << x.fields[j];
        if (lci_cond_eval(c, t, &probe, &ctx)) x.truth |= UINT64_C(1) << row;
    }
    x.by_presence = 1;
    return x;
}

/* ---- per type ---- */

static lci_time months_after(const lci_model *m, lci_time t, int months)
{
    int64_t y;
    int mo, d;
    lci_civil_from_days(lci_local_day(t, m->offset_min), &y, &mo, &d);
    int64_t month = y * 12 + (mo - 1) + months;
    int64_t first = lci_month_first_day(month);
    int64_t last = lci_month_first_day(month + 1) - 1;
    int64_t day = first + d - 1 > last ? last : first + d - 1; /* the corresponding day, clamped */
    return lci_day_start(day, m->offset_min);
}

/* Where an anchor is accepted, for the kinds that are one interval. */
static void accept_window(lci_type_plan *tp, const lci_model *m, const lci_event_type *t)
{
    tp->anchor_is_month = t->fields[t->anchor].kind == LCI_F_MONTH;
    tp->accept_from = m->term_start;
    tp->accept_until = m->term_end;
    if (t->accept == LCI_ACCEPT_FROM_SIGNING) tp->accept_from = lci_day_start(m->signed_day, m->offset_min);
    if (t->accept == LCI_ACCEPT_AFTER_TERM) tp->accept_until = months_after(m, m->term_end, t->accept_months);
}

static int build_feeds(lci_type_plan *tp, const lci_model *m, size_t type)
{
    tp->feeds = calloc(m->nmeasures ? m->nmeasures : 1, sizeof *tp->feeds);
    if (!tp->feeds) return -1;
    tp->feeds_by_presence = 1;
    for (size_t i = 0; i < m->nmeasures; i++) {
        const lci_measure *me = &m->measures[i];
        if (me->type != (int)type || (me->kind != LCI_M_AVERAGE && me->kind != LCI_M_COUNT && me->kind != LCI_M_SUM))
            continue;
        if (tp->nfeeds == LCI_MAX_FEEDS) return -1; /* refused at load (rules.c): cannot happen */
        lci_feed *f = &tp->feeds[tp->nfeeds++];
        f->measure = (int)i;
        f->cell = i * (size_t)m->nmonths;
        f->average = me->kind == LCI_M_AVERAGE || me->kind == LCI_M_SUM; /* a sum is an average's numerator */
        f->from = me->from;
        f->to = me->to;
        f->where = make_test(m, &m->types[type], me->where);
        if (f->where.cond && !f->where.by_presence) tp->feeds_by_presence = 0;
        if (f->average) tp->feed_fields |= (f->from >= 0 ? UINT64_C(1) << f->from : 0) | UINT64_C(1) << f->to;
        for (int j = 0; j < f->where.nfields; j++) tp->feed_fields |= UINT64_C(1) << f->where.fields[j];
    }
    return 0;
}

/* The values an enum or severity field takes, by name. */
static int build_choices(lci_type_plan *tp, const lci_model *m, const lci_event_type *t, uint64_t seed)
{
    tp->choices = calloc(t->nfields ? t->nfields : 1, sizeof *tp->choices);
    if (!tp->choices) return -1;
    tp->nfields = t->nfields;
    for (size_t f = 0; f < t->nfields; f++) {
        const lci_field *fd = &t->fields[f];
        const char **values = fd->kind == LCI_F_ENUM ? fd->values : fd->kind == LCI_F_SEVERITY ? m->severity_levels : NULL;
        size_t n = fd->kind == LCI_F_ENUM ? fd->nvalues : m->nseverity;
        if (values && lci_namemap_init(&tp->choices[f], (const char *const *)values, n, seed) != 0) return -1;
    }
    return 0;
}

static int build_type(lci_plan *p, const lci_model *m, size_t type, uint64_t seed)
{
    const lci_event_type *t = &m->types[type];
    lci_type_plan *tp = &p->of[type];
    tp->field_of_key = malloc((p->keys.n ? p->keys.n : 1) * sizeof *tp->field_of_key);
    if (!tp->field_of_key) return -1;
    for (size_t k = 0; k < p->keys.n; k++) {
        const lci_name *key = &p->keys.names[k];
        tp->field_of_key[k] = -1;
        for (size_t f = 0; f < t->nfields; f++)
            if (strlen(t->fields[f].name) == key->len && memcmp(t->fields[f].name, key->text, key->len) == 0)
                tp->field_of_key[k] = (int16_t)f;
    }
    if (!(tp->kinds = malloc(t->nfields ? t->nfields : 1))) return -1;
    for (size_t f = 0; f < t->nfields; f++) {
        tp->kinds[f] = (uint8_t)t->fields[f].kind;
        if (t->fields[f].required) tp->required |= UINT64_C(1) << f;
        if (t->fields[f].has_default) tp->defaulted |= UINT64_C(1) << f;
    }
    tp->order = malloc((t->norder ? t->norder : 1) * sizeof *tp->order);
    if (!tp->order) return -1;
    for (size_t i = 0; i < t->norder; i++) {
        int a = t->order[i].before, b = t->order[i].after;
        tp->order[tp->norder++] = (lci_order_check){UINT64_C(1) << a | UINT64_C(1) << b, a, b};
    }
    tp->counts_when = make_test(m, t, t->counts_when);
    accept_window(tp, m, t);
    int rc = build_feeds(tp, m, type);
    return rc ? rc : build_choices(tp, m, t, seed);
}

/* ---- names ---- */

/* "type", "id" and every field name, each once (the map keeps the first). */
static int build_keys(lci_plan *p, const lci_model *m, uint64_t seed)
{
    size_t n = 2;
    for (size_t i = 0; i < m->ntypes; i++) n += m->types[i].nfields;
    const char **names = malloc(n * sizeof *names);
    if (!names) return -1;
    size_t k = 0;
    names[k++] = "type";
    names[k++] = "id";
    for (size_t i = 0; i < m->ntypes; i++)
        for (size_t f = 0; f < m->types[i].nfields; f++) names[k++] = m->types[i].fields[f].name;
    int rc = lci_namemap_init(&p->keys, names, n, seed);
    free(names);
    p->key_type = 0;
    p->key_id = 1;
    return rc;
}

static int build_types(lci_plan *p, const lci_model *m, uint64_t seed)
{
    const char **names = malloc((m->ntypes ? m->ntypes : 1) * sizeof *names);
    if (!names) return -1;
    for (size_t i = 0; i < m->ntypes; i++) names[i] = m->types[i].name;
    int rc = lci_namemap_init(&p->types, names, m->ntypes, seed);
    free(names);
    return rc;
}

/* ---- months ---- */

static int build_months(lci_plan *p, const lci_model *m)
{
    p->nmonths = m->nmonths;
    p->month_starts = malloc(((size_t)m->nmonths + 1) * sizeof *p->month_starts);
    if (!p->month_starts) return -1;
    for (int i = 0; i <= m->nmonths; i++)
        p->month_starts[i] = lci_day_start(lci_month_first_day(m->first_month + i), m->offset_min);
    /* the zone's offset is fixed, so every month starts at a multiple of a day from the first */
    p->ndays = (p->month_starts[m->nmonths] - p->month_starts[0]) / LCI_NS_PER_DAY;
    if (p->ndays > MAX_DAY_TABLE || m->nmonths > UINT16_MAX) return 0;
    p->month_of_day = malloc((size_t)(p->ndays ? p->ndays : 1) * sizeof *p->month_of_day);
    if (!p->month_of_day) return -1;
    int month = 0;
    for (int64_t d = 0; d < p->ndays; d++) {
        while (p->month_starts[month + 1] <= p->month_starts[0] + d * LCI_NS_PER_DAY) month++;
        p->month_of_day[d] = (uint16_t)month;
    }
    return 0;
}

int lci_plan_build(lci_plan *p, const lci_model *m, uint64_t seed)
{
    memset(p, 0, sizeof *p);
    p->seed = seed;
    p->ntypes = m->ntypes;
    p->of = calloc(m->ntypes ? m->ntypes : 1, sizeof *p->of);
    int rc = p->of ? 0 : -1;
    if (rc == 0) rc = build_keys(p, m, seed);
    if (rc == 0) rc = build_types(p, m, seed);
    for (size_t i = 0; rc == 0 && i < m->ntypes; i++) rc = build_type(p, m, i, seed);
    if (rc == 0) rc = build_months(p, m);
    if (rc != 0) lci_plan_free(p);
    return rc;
}

void lci_plan_free(lci_plan *p)
{
    for (size_t i = 0; p->of && i < p->ntypes; i++) {
        lci_type_plan *tp = &p->of[i];
        free(tp->field_of_key);
        free(tp->feeds);
        free(tp->order);
        free(tp->kinds);
        for (size_t f = 0; tp->choices && f < tp->nfields; f++) lci_namemap_free(&tp->choices[f]);
        free(tp->choices);
    }
    free(p->of);
    lci_namemap_free(&p->keys);
    lci_namemap_free(&p->types);
    free(p->month_starts);
    free(p->month_of_day);
    memset(p, 0, sizeof *p);
}
