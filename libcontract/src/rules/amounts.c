/* amounts.c — see amounts.h. */
#include "rules/amounts.h"

#include <stdio.h>
#include <string.h>

#include "base/util.h"

int lci_pct_of(lci_dec pct, lci_exact of, int64_t *fen)
{
    /* round_half_up(of × pct / 100) in fen: of is num/den currency units */
    __int128 num = of.num * pct.coef * 100, den = (__int128)of.den * 100 * lci_pow10(pct.scale);
    __int128 q = num / den, rem = num % den;
    if (2 * (rem < 0 ? -rem : rem) >= den) q += num < 0 ? -1 : 1;
    if (q > INT64_MAX || q < INT64_MIN) return -1;
    *fen = (int64_t)q;
    return 0;
}

int lci_money_of(const lci_model *m, const lci_money_expr *e, lci_exact source, int64_t *fen)
{
    if (e->source == LCI_SRC_QTY) {
        lci_dec of = lci_qty_value(m, &e->of);
        source = (lci_exact){of.coef, lci_pow10(of.scale)};
    }
    if (e->has_pct) return lci_pct_of(lci_qty_value(m, &e->pct), source, fen);
    return lci_pct_of((lci_dec){100, 0}, source, fen);
}

int lci_money_value(const lci_model *m, const lci_money_expr *e, int64_t *fen)
{
    if (e->source != LCI_SRC_QTY) return 1;
    return lci_money_of(m, e, (lci_exact){0, 1}, fen);
}

int lci_breach_price(const lci_model *m, const lci_rule *r, int64_t *fen)
{
    const lci_amount *a = &r->amount;
    int64_t base;
    int rc;
    switch (a->kind) {
    case LCI_A_PCT:
        rc = lci_money_value(m, a->of_penalty_base ? &m->base : &a->of, &base);
        if (rc != 0) return rc;
        return lci_pct_of(lci_qty_value(m, &a->pct), (lci_exact){base, 100}, fen);
    case LCI_A_MONEY: return lci_money_value(m, &a->money, fen);
    case LCI_A_RATE: return 1;
    }
    return 1;
}

int lci_cap_window_limit(const lci_model *m, const lci_cap *c, int64_t *fen)
{
    int64_t limit;
    int rc = lci_money_value(m, &c->amount, &limit);
    if (rc != 0) return rc;
    int64_t months = c->window != LCI_CAP_ROLLING ? 1 : c->months < m->nmonths ? c->months : m->nmonths;
    return __builtin_mul_overflow(limit, months, fen) ? -1 : 0;
}

/* "pct = P.base_pct (10) of P.value (1719600.00)" into out. */
static void qty_text(const lci_model *m, const lci_qty *q, lci_buf *out)
{
    char v[48];
    lci_dec_format_short(lci_qty_value(m, q), v, sizeof v);
    if (q->param >= 0) lci_buf_printf(out, "%s = %s", m->params[q->param].name, v);
    else lci_buf_puts(out, v);
}

static void expr_text(const lci_model *m, const lci_money_expr *e, lci_buf *out)
{
    if (e->has_pct) {
        qty_text(m, &e->pct, out);
        lci_buf_puts(out, "% of ");
    }
    qty_text(m, &e->of, out);
}

static int too_large(lci_buf *what, char *why, size_t size)
{
    snprintf(why, size, "%s is too large to be computed exactly (amounts are kept to the fen, at most "
                        "92233720368547758.07)", what->data ? what->data : "an amount");
    lci_buf_free(what);
    return -1;
}

static int check_value(const lci_model *m, char *why, size_t size)
{
    int64_t fen;
    int v = lci_model_param(m, "value");
    if (v < 0 || lci_dec_rescale(m->params[v].value, 2, &fen) == LCI_NUM_OK) return 0;
    lci_buf what;
    lci_buf_init(&what);
    lci_buf_puts(&what, "the contract value ");
    qty_text(m, &(lci_qty){.param = v}, &what);
    return too_large(&what, why, size);
}

static int check_expr(const lci_model *m, const char *owner, const lci_money_expr *e, char *why, size_t size)
{
    int64_t fen;
    if (lci_money_value(m, e, &fen) >= 0) return 0;
    lci_buf what;
    lci_buf_init(&what);
    lci_buf_printf(&what, "%s (", owner);
    expr_text(m, e, &what);
    lci_buf_putc(&what, ')');
    return too_large(&what, why, size);
}

static int check_breaches(const lci_model *m, char *why, size_t size)
{
    for (size_t i = 0; i < m->nrules; i++) {
        const lci_rule *r = &m->rules[i];
        const lci_amount *a = &r->amount;
        int64_t fen;
        if (r->outcome != LCI_R_BREACH || lci_breach_price(m, r, &fen) >= 0) continue;
        lci_buf what;
        lci_buf_init(&what);
        lci_buf_printf(&what, "the price of breach %s (", r->id);
        if (a->kind == LCI_A_PCT) {
            qty_text(m, &a->pct, &what);
            lci_buf_puts(&what, "% of ");
            expr_text(m, a->of_penalty_base ? &m->base : &a->of, &what);
        } else {
            expr_text(m, &a->money, &what);
        }
        lci_buf_putc(&what, ')');
        return too_large(&what, why, size);
    }
    return 0;
}

static int check_caps(const lci_model *m, char *why, size_t size)
{
    for (size_t i = 0; i < m->ncaps; i++) {
        const lci_cap *c = &m->caps[i];
        int64_t fen;
        if (lci_cap_window_limit(m, c, &fen) >= 0) continue;
        lci_buf what;
        lci_buf_init(&what);
        lci_buf_printf(&what, "the limit of cap %s (", c->id);
        expr_text(m, &c->amount, &what);
        if (c->window == LCI_CAP_ROLLING) lci_buf_printf(&what, ", times %d months", c->months);
        lci_buf_putc(&what, ')');
        return too_large(&what, why, size);
    }
    return 0;
}

static int check_payments(const lci_model *m, char *why, size_t size)
{
    int v = lci_model_param(m, "value");
    int64_t value = 0, fen;
    if (v >= 0 && lci_dec_rescale(m->params[v].value, 2, &value) != LCI_NUM_OK) return 0; /* check_value says */
    for (size_t i = 0; i < m->ninstalments; i++) {
        lci_dec pct = lci_qty_value(m, &m->instalments[i].pct);
        if (lci_mul_div_round(value, pct.coef, 100 * lci_pow10(pct.scale), &fen) == LCI_NUM_OK) continue;
        lci_buf what;
        lci_buf_init(&what);
        lci_buf_printf(&what, "instalment %zu (", i + 1);
        qty_text(m, &m->instalments[i].pct, &what);
        lci_buf_puts(&what, "% of the value)");
        return too_large(&what, why, size);
    }
    return m->has_bond ? check_expr(m, "the bond", &m->bond, why, size) : 0;
}

int lci_amounts_check(const lci_model *m, char *why, size_t size)
{
    if (check_value(m, why, size) != 0) return -1;
    if (m->has_base && check_expr(m, "the penalty base", &m->base, why, size) != 0) return -1;
    if (check_breaches(m, why, size) != 0 || check_caps(m, why, size) != 0) return -1;
    return check_payments(m, why, size);
}
