/* amounts.h — the money the parameters give, and the proof that it is exact.
 *
 * Every amount a rule file prices from its parameters (the contract value,
 * the penalty base, each breach's price, each cap's limit, the bond, the
 * instalments) is computed in int64 fen with explicit rounding.  A value
 * too large for that is refused where it enters — at load (LC_ERULES) or
 * at lc_engine_set_param (LC_EUSAGE) — never wrapped, never shown as null
 * or 0.00 later. */
#ifndef LCI_AMOUNTS_H
#define LCI_AMOUNTS_H

#include <stddef.h>
#include <stdint.h>

#include "events/cond.h"
#include "rules/model.h"

/* round_half_up(of × pct / 100) in fen, `of` in currency units; -1 when
 * it does not fit. */
int lci_pct_of(lci_dec pct, lci_exact of, int64_t *fen);

/* Money e in fen, `source` standing for the month's figure or the event's
 * field when e takes one (the parameter otherwise); -1 when it does not fit. */
int lci_money_of(const lci_model *m, const lci_money_expr *e, lci_exact source, int64_t *fen);

/* Money from parameters alone, in fen: 0, -1 when it cannot be exact, 1
 * when it depends on the events (a month's bill, an event's field). */
int lci_money_value(const lci_model *m, const lci_money_expr *e, int64_t *fen);

/* What one breach of rule r costs when the parameters alone say it (pct of
 * the penalty base or of a parameter, an amount): 0, -1 when it cannot be
 * exact, 1 when it depends on the events (eval/price.c prices it then). */
int lci_breach_price(const lci_model *m, const lci_rule *r, int64_t *fen);

/* The limit of cap c over one window from parameters: a rolling cap's
 * months times its monthly limit (the term's months when the term is
 * shorter); -1 when it cannot be exact, 1 when it is of a measure (the
 * bills: known only from the events). */
int lci_cap_window_limit(const lci_model *m, const lci_cap *c, int64_t *fen);

/* 0 when every amount the parameters give is exact; else -1 and, in why,
 * which amount and the parameters behind it. */
int lci_amounts_check(const lci_model *m, char *why, size_t size);

/* a + b into *sum; -1 when the sum overflows (nothing stored). */
static inline int lci_fen_add(int64_t a, int64_t b, int64_t *sum)
{
    return __builtin_add_overflow(a, b, sum) ? -1 : 0;
}

#endif
