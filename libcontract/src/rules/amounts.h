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

#include "rules/model.h"

/* Money from parameters, in fen; -1 when it cannot be exact. */
int lci_money_value(const lci_model *m, const lci_money_expr *e, int64_t *fen);

/* What one breach of rule r costs: round_half_up(base × pct / 100), in
 * fen; -1 when it cannot be exact. */
int lci_breach_price(const lci_model *m, const lci_rule *r, int64_t *fen);

/* The limit of cap c over one window: a rolling cap's months times its
 * monthly limit (the term's months when the term is shorter); -1 when it
 * cannot be exact. */
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
