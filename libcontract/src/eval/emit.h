/* emit.h — what a rule kind uses to apply itself (kinds/kind.h).
 *
 * A kind looks at the evaluation (the records kept of a type, the month
 * figures in b->fig) and, for each thing its rule finds, fills an
 * lci_emission and hands it to lci_emit, which records it as the rule's
 * outcome says: a priced breach, an incident, a violation for the
 * termination reasons, or a finding. */
#ifndef LCI_EMIT_H
#define LCI_EMIT_H

#include "eval/evaluate.h"

/* What a rule found: one event, a month (or a streak ending there), a
 * cluster, or a function's month. */
typedef struct lci_emission {
    int month;            /* the term month of a month's emission, or -1 */
    const lci_record *at; /* the triggering event, or NULL */
    lci_refs events;      /* the events behind it */
    char *reason;         /* the words that say why (NULL: none needed) */
    int has_span;         /* the span the kind measured (a lateness, a duration): */
    lci_time span_from, span_to; /* what rates per day, hour or minute count */
} lci_emission;

#define LCI_EMISSION_INIT {-1, NULL, {0}, NULL, 0, 0, 0}

/* What a breach costs, priced for what the rule found (price.c): its
 * amount (pct of a base or of the month's bill or the event's value, an
 * amount, a rate × the days, hours or events found, between min and max)
 * in fen, and (words not NULL) what priced it when more than a percentage
 * of a parameter ("1.5 h beyond 4 h × 100.00", "at least 25.00"; NULL when
 * nothing is to say); LC_ERULES (b->err set) when it cannot be exact. */
lc_status lci_price(lci_build *b, const lci_rule *r, const lci_emission *e, int month, int64_t *fen, char **words);

/* Records e as rule r's outcome; takes e's events and reason (freed
 * whatever happens, e reset): LC_OK or LC_ENOMEM. */
lc_status lci_emit(lci_build *b, const lci_rule *r, lci_emission *e);
void lci_emission_free(lci_emission *e);

/* Whether the rule's outcome needs a reason (breaches; findings without
 * their own message): the words cost time, incidents show none. */
int lci_wants_reason(const lci_rule *r);

/* Room for n refs (at least one, so an empty list is not NULL): 0 or -1. */
int lci_new_refs(size_t n, lci_refs *out);

/* The records kept of an event type (the rule kind asked for them). */
static inline const lci_store *lci_build_records(const lci_build *b, int type)
{
    return &b->ev->stores[type];
}

/* 1 when the record satisfies r's where and none of the rules r yields to
 * (unless) applies to it. */
int lci_rule_matches(const lci_build *b, const lci_rule *r, const lci_record *rec);

/* 1 when a month rule's band holds the month's figure and its impact
 * admits the month's severity (month and streak kinds; charts). */
int lci_month_matches(lci_build *b, const lci_rule *r, const lci_mvalue *v);

/* Reasons (reasons.c): "outage o-7: duration 130.0 min ≥ 120 min";
 * "average ticket response 45.0 min in (30, 60)" (streak > 0: "for 3
 * consecutive months"); NULL when out of memory. */
char *lci_event_reason(const lci_build *b, const lci_rule *r, const lci_record *rec);
char *lci_month_reason(const lci_build *b, const lci_rule *r, const lci_mvalue *v, int streak);

/* A rule's error at its line in the rule file ("rule x.1: ..."): fills
 * b->err, returns LC_ERULES. */
lc_status lci_rule_error(lci_build *b, const lci_rule *r, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The sandbox stopped rule r: its message ("[rules]:LINE: ...") located
 * in the rule file; LC_ERULES. */
lc_status lci_rule_stopped(lci_build *b, const lci_rule *r, const char *msg);

#endif
