/* memo.h — what each rule found, kept between the results of one
 * evaluation, so that a result under other parameter values applies only
 * the rules those values can change (sweeps, grids, what-ifs).
 *
 * A rule's findings depend on the events, on the figures and calendars
 * (which no parameter enters: figures.h) and on the parameters its
 * declaration names (rule->params).  While the evaluation's events and
 * those parameters' values stay as they were, the rule's emissions are
 * replayed: priced again (amounts may use any parameter) and recorded as
 * its outcome says, in the order it found them.  What a rule found is
 * kept once a result finds it unchanged since the last one (the rule on
 * a grid's fastest axis changes at every cell: keeping it would only
 * copy).  A rule of a kind that
 * may read any parameter (a Lua function) is always applied, and so is
 * every rule for an evaluation's first result (most evaluations make only
 * one: keeping would be a cost without a use). */
#ifndef LCI_MEMO_H
#define LCI_MEMO_H

#include "eval/emit.h"

/* Rule i of the model applied to b, or its kept findings replayed:
 * LC_OK, LC_ENOMEM, or another status with b->err set. */
lc_status lci_apply_rule(lci_build *b, size_t i);

/* While a rule applies, what it emits or finds is kept too (emit.c):
 * 0, or -1 when out of memory. */
int lci_memo_keep_emission(lci_build *b, const lci_emission *e);
int lci_memo_keep_finding(lci_build *b, const char *kind, const char *clause, const char *message,
                          const lci_refs *events);

void lci_rule_memos_free(lc_eval *ev);

#endif
