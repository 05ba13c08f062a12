/* evaluate.h — turning an evaluation's state into a result.
 *
 * evaluate.c applies the rules (breaches, incidents, violations, findings),
 * prices the breaches and applies the caps; outcomes.c derives what
 * follows from them over the term (termination, grades, acceptance,
 * obligations, payments). */
#ifndef LCI_EVALUATE_H
#define LCI_EVALUATE_H

#include "rules/amounts.h"
#include "eval/figures.h"
#include "api/result.h"

/* One match of a violation rule: the event it matched (NULL for a rule on
 * months, a cluster or a function) and the events behind it. */
typedef struct lci_match {
    const lci_record *rec;
    lci_refs events;
} lci_match;

typedef struct lci_matches {
    lci_match *items;
    size_t n, cap;
} lci_matches;

typedef struct lci_build {
    lc_eval *ev;
    const lci_model *m;
    lc_result *res;
    lci_calendars cals;
    lci_cond_ctx ctx;
    lci_figures fig;
    lci_matches *violations; /* per rule: what a violation rule matched */
    struct {
        size_t breaches, incidents, findings, caps, reasons, warnings;
    } res_caps;              /* capacities of the result's arrays */
    lc_error *err;    /* set by a step that returns a status other than LC_OK or LC_ENOMEM */
    struct lci_cap_room *cap_rooms; /* as of an instant: per model cap (caps.c) */
    lci_rule_memo *recording; /* while a rule applies: where what it finds is kept (memo.h) */
} lci_build;

/* Event ids (indices into the evaluation's table) as the result's: the
 * result views the evaluation's ids, so the indices are the same. */
int lci_build_refs(const uint32_t *src, size_t n, lci_refs *out);

/* Event ids of a set of records, as the result's. */
int lci_build_refs_of_records(const lci_record *const *recs, size_t n, lci_refs *out);

/* Adds a finding; takes message (freed on failure too) and *events. */
int lci_build_finding(lci_build *b, const char *kind, const char *clause, char *message, lci_refs *events);

/* caps.c: what each breach counts after the caps, the months' counted
 * totals, the caps' cuts; LC_OK, LC_ENOMEM, LC_ERULES (err set). */
lc_status lci_apply_caps(lci_build *b);

/* history.c: opening balances — months of history the trailing caps look
 * back, and per month (term month j, j < 0 before the term) the credits
 * already granted (fen) and a money measure's billed sum. */
int lci_history_months(const lci_build *b);
int64_t lci_history_credited(const lci_build *b, int month);
lci_exact lci_history_sum(const lci_build *b, int measure, int month);

/* outcomes.c: termination, grades, acceptance, obligations, payments. */
int lci_outcomes(lci_build *b);

/* outcomes.c: how many incidents or violations a termination reason has
 * counted, and how many it needs: 0, or -1 when out of memory. */
int lci_termination_count(lci_build *b, const lci_termination_reason *t, int64_t *count, int64_t *needed);

/* headroom.c: as of an instant, how far the contract stands from each
 * threshold (each kind's headroom, the caps, the termination rights):
 * LC_OK or LC_ENOMEM. */
lc_status lci_headroom(lci_build *b);

/* The term month of the instant of an as-of result. */
int lci_as_of_month(const lci_build *b);

/* Adds an item to the result's headroom; takes what (freed on failure):
 * 0, or -1 when out of memory. */
int lci_headroom_add(lci_build *b, const lci_rheadroom *item);

/* A headroom item of that kind for that rule, cap or reason, in unit, the
 * rest empty. */
lci_rheadroom lci_headroom_item(const char *kind, const char *rule, const char *unit);

/* The term month an instant falls in (clipped to the term). */
int lci_month_of(const lci_model *m, lci_time t);

/* caps.c, as of an instant: the limit and what is used of each cap in the
 * window holding the instant's month, per model cap (NULL: none). */
typedef struct lci_cap_room {
    int64_t limit, used;
    int known;
} lci_cap_room;

/* shape.c: the contract section, months and score sheets, warnings and
 * the stamp. */
int lci_shape(lci_build *b);

/* A measure's exact figure as a result's number: the double for the JSON,
 * and the value as shown against the bands the rules compare it with
 * (lci_shown_value), so the ledger and the months table say the same. */
void lci_rvalue_number(const lci_model *m, int measure, lci_exact v, lci_rvalue *out);

#endif
