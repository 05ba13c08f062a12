/* cond.h — exact comparisons and conditions on one event. */
#ifndef LCI_COND_H
#define LCI_COND_H

#include "rules/model.h"
#include "events/record.h"

/* An exact value num/den (den > 0) in base units: ns for durations,
 * plain units otherwise. */
typedef struct lci_exact {
    __int128 num;
    int64_t den;
} lci_exact;

/* <0, 0, >0 comparing v with the quantity's current value. */
int lci_exact_cmp_qty(const lci_model *m, lci_exact v, const lci_qty *q);

/* 1 when v lies in the band. */
int lci_band_has(const lci_model *m, const lci_band *b, lci_exact v);

/* v (in currency units) as fen, rounded half up; -1 when it does not fit. */
int lci_exact_to_fen(lci_exact v, int64_t *fen);

/* Nearest double of v in the unit `u` (for display). */
double lci_exact_to_double(lci_exact v, lci_unit u);

/* Time intervals [from, to) of each calendar: the rule file's days plus
 * intervals that events add, sorted by start and disjoint (overlapping and
 * touching ones merged by lci_calendars_build, so that within() can
 * binary-search them). */
typedef struct lci_interval {
    lci_time from, to;
    uint32_t id;        /* event id that added it (in a calendar, one of those
                           merged into it), or UINT32_MAX */
} lci_interval;

typedef struct lci_calendars {
    lci_interval **items;
    size_t *n;
    size_t count;
} lci_calendars;

typedef struct lci_cond_ctx {
    const lci_model *m;
    const lci_calendars *cals; /* NULL while streaming: no WITHIN then */
    int month_severity;        /* for conditions on a month: its severity */
    int64_t now;               /* as of an instant: an open span that counts as endless counts until
                                  then; INT64_MAX otherwise */
} lci_cond_ctx;

/* 1 when the record satisfies c (c NULL: always). */
int lci_cond_eval(const lci_cond *c, const lci_event_type *t, const lci_record *r, const lci_cond_ctx *ctx);

static inline int lci_has(const lci_record *r, int f)
{
    return f >= 0 && (r->present >> f & 1);
}

/* The span to - from of a record in ns; 0 when a field is absent. */
static inline int lci_record_span(const lci_record *r, int from, int to, int64_t *ns)
{
    if (!lci_has(r, from) || !lci_has(r, to)) return 0;
    *ns = r->v[to] - r->v[from];
    return 1;
}

#endif
