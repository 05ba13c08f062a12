/* plan.h — how events are taken in, derived once from the model.
 *
 * The model holds what the rule file declares; the plan lays the same
 * knowledge out for the path every event takes: a map from every key an
 * event may carry to its field, each type's required and defaulted fields
 * as bit masks, the measures each type feeds while streaming (with
 * conditions on which fields are present reduced to a truth table), and
 * the term month of every day.  Nothing in it depends on a parameter, so
 * --set never changes it. */
#ifndef LCI_PLAN_H
#define LCI_PLAN_H

#include "events/cond.h"
#include "base/idtable.h"
#include "rules/model.h"

/* A condition that only asks which fields are present, of at most this
 * many fields, is evaluated by a lookup in its truth table. */
#define LCI_TRUTH_FIELDS 6

typedef struct lci_test {
    const lci_cond *cond;              /* NULL: always true */
    int by_presence;                   /* 1: use fields and truth, not cond */
    int nfields;
    int fields[LCI_TRUTH_FIELDS];
    uint64_t truth;                    /* bit i: the value when present bit j of fields[j] is bit j of i */
} lci_test;

/* A measure an event type feeds as events stream in; a type feeds at
 * most this many (a bit each while an event is committed). */
#define LCI_MAX_FEEDS 64

typedef struct lci_feed {
    int measure;  /* index in the model's measures */
    size_t cell;  /* measure × months: the month's accumulator is cell + month */
    int average;  /* 1: the sum of to - from (an average's), or of the field `to` (from < 0); 0: a count */
    int from, to; /* an average's fields */
    lci_test where;
} lci_feed;

/* What an event adds to an average's sum: to - from, or a sum's field. */
static inline int64_t lci_feed_value(const lci_feed *f, const lci_record *r)
{
    return f->from >= 0 ? r->v[f->to] - r->v[f->from] : r->v[f->to];
}

/* Times that must not be out of order: before <= after when both are set. */
typedef struct lci_order_check {
    uint64_t both; /* the two fields' bits */
    int before, after;
} lci_order_check;

typedef struct lci_type_plan {
    int16_t *field_of_key;       /* per name in lci_plan.keys: this type's field, or -1 */
    uint64_t required, defaulted; /* bit per field */
    uint8_t *kinds;               /* per field: its lci_field_kind, as a byte for the setters */
    lci_order_check *order;
    size_t norder;
    lci_test counts_when;
    /* the term window of the anchor: [accept_from, accept_until) but for
     * LCI_ACCEPT_OVERLAP; an anchor that is a month is the month's index */
    int anchor_is_month;
    lci_time accept_from, accept_until;
    lci_feed *feeds;
    size_t nfeeds;
    /* every feed asks only which fields are present, and of these: so the
     * feeds an event counts toward follow from (present & feed_fields) */
    int feeds_by_presence;
    uint64_t feed_fields;
    lci_namemap *choices;         /* per field: the values of an enum or severity field (else empty) */
    size_t nfields;
} lci_type_plan;

typedef struct lci_plan {
    uint64_t seed;         /* of the name maps and of events' content hashes */
    lci_namemap keys;      /* "type", "id" and every field name of every type */
    int key_type, key_id;  /* "type" and "id" in keys */
    lci_namemap types;     /* event type names */
    lci_type_plan *of;     /* per event type */
    size_t ntypes;
    lci_time *month_starts; /* nmonths + 1: where each calendar month of the term begins */
    int nmonths;
    uint16_t *month_of_day; /* term month of each day from month_starts[0]; NULL for very long terms */
    int64_t ndays;
} lci_plan;

/* Builds the plan of a loaded model (whose types feed at most
 * LCI_MAX_FEEDS measures each: the loader refuses more); seed varies the
 * name maps' hashes.  0, or -1 when out of memory (p is then empty). */
int lci_plan_build(lci_plan *p, const lci_model *m, uint64_t seed);
void lci_plan_free(lci_plan *p);

/* The term month of t, month_starts[0] <= t < month_starts[nmonths]. */
static inline int lci_plan_month(const lci_plan *p, lci_time t)
{
    if (p->month_of_day) return p->month_of_day[(t - p->month_starts[0]) / LCI_NS_PER_DAY];
    int lo = 0, hi = p->nmonths; /* month_starts[lo] <= t < month_starts[hi] */
    while (hi - lo > 1) {
        int mid = (lo + hi) / 2;
        if (t < p->month_starts[mid]) hi = mid;
        else lo = mid;
    }
    return lo;
}

/* The test on a record of type t (ctx: as for lci_cond_eval). */
static inline int lci_test_holds(const lci_test *x, const lci_event_type *t, const lci_record *r,
                                 const lci_cond_ctx *ctx)
{
    if (!x->cond) return 1;
    if (!x->by_presence) return lci_cond_eval(x->cond, t, r, ctx);
    unsigned row = 0;
    for (int j = 0; j < x->nfields; j++) row |= (unsigned)(r->present >> x->fields[j] & 1) << j;
    return (int)(x->truth >> row & 1);
}

#endif
