/* price.c — what a breach costs, for what its rule found (emit.h).
 *
 * An amount is a percentage of the penalty base, of a parameter, of the
 * month's figure of a money measure (a bill) or of a money field of the
 * event found (a milestone's value); or an amount; or a rate per event,
 * per calendar day (the first day not counted: 民法典 第201条), per hour or
 * per minute of a span; then held between min and max.  All exact, rounded
 * half up to the fen once. */
#include "eval/emit.h"
#include "rules/amounts.h"
#include "rules/words.h"

#include <stdio.h>

/* The figure or the field a money expression takes, in currency units. */
static lci_exact source_of(const lci_build *b, const lci_money_expr *x, const lci_emission *e, int month)
{
    if (x->source == LCI_SRC_MEASURE) {
        const lci_mvalue *v = month >= 0 ? lci_figure(&b->fig, x->index, month) : NULL;
        return v && v->present ? v->value : (lci_exact){0, 1}; /* no bill that month: nothing to take a share of */
    }
    if (x->source == LCI_SRC_FIELD && e->at) {
        const lci_field *f = &b->m->types[e->at->type].fields[x->index];
        return lci_has(e->at, x->index) ? (lci_exact){e->at->v[x->index], lci_pow10(f->scale)} : (lci_exact){0, 1};
    }
    return (lci_exact){0, 1};
}

static int money(const lci_build *b, const lci_money_expr *x, const lci_emission *e, int month, int64_t *fen)
{
    return lci_money_of(b->m, x, source_of(b, x, e, month), fen);
}

/* The span a rate counts: its own from/to fields, or what the kind measured. */
static int span_of(const lci_amount *a, const lci_emission *e, lci_time *from, lci_time *to)
{
    if (a->from >= 0) {
        if (!e->at || !lci_has(e->at, a->from) || !lci_has(e->at, a->to)) return 0;
        *from = e->at->v[a->from];
        *to = e->at->v[a->to];
        return 1;
    }
    *from = e->span_from;
    *to = e->span_to;
    return e->has_span;
}

/* round_half_up(coef × 10^-scale × num / den) in fen; -1 when it does not fit. */
static int fen_of(int64_t coef, int scale, __int128 num, __int128 den, int64_t *fen)
{
    if (num > ((__int128)1 << 80)) return -1; /* spans are ns: far below */
    __int128 n = (__int128)coef * num * 100, d = den * lci_pow10(scale);
    __int128 q = n / d, rem = n % d;
    if (2 * (rem < 0 ? -rem : rem) >= d) q += n < 0 ? -1 : 1;
    if (q > INT64_MAX || q < INT64_MIN) return -1;
    *fen = (int64_t)q;
    return 0;
}

/* An amount in currency units, to the fen. */
static void money_words(lci_exact v, lci_buf *words)
{
    char text[32];
    int64_t fen = 0;
    if (lci_exact_to_fen(v, &fen) == 0) lci_fen_format(fen, text, sizeof text);
    else snprintf(text, sizeof text, "?");
    lci_buf_puts(words, text);
}

/* The quantity a rate counts (num / den units), 0 when none; and its words. */
static void rate_quantity(const lci_build *b, const lci_amount *a, const lci_emission *e, __int128 *num, __int128 *den,
                          lci_buf *words)
{
    static const char *const unit_words[] = {"event", "day", "h", "min"};
    lci_time from, to;
    *num = 0;
    *den = 1;
    if (a->per == LCI_PER_EVENT) *num = e->events.n ? (__int128)e->events.n : 1;
    else if (span_of(a, e, &from, &to)) {
        lci_dec beyond = a->has_beyond ? lci_qty_value(b->m, &a->beyond) : (lci_dec){0, 0};
        __int128 beyond_ns = (__int128)beyond.coef * (a->has_beyond ? lci_unit_ns(a->beyond.unit) : 0) / lci_pow10(beyond.scale);
        if (a->per == LCI_PER_DAY) { /* calendar days, the first not counted */
            *num = (__int128)(lci_local_day(to, b->m->offset_min) - lci_local_day(from, b->m->offset_min)) * LCI_NS_PER_DAY - beyond_ns;
            *den = LCI_NS_PER_DAY;
        } else {
            *num = (__int128)to - from - beyond_ns;
            *den = a->per == LCI_PER_HOUR ? LCI_NS_PER_HOUR : LCI_NS_PER_MIN;
        }
        int whole = a->per == LCI_PER_DAY || a->round_up;
        if (whole && *num > 0 && *num % *den) *num += *den - *num % *den;
        if (*num < 0) *num = 0;
    }
    if (!words) return;
    char q[64];
    if (*num % *den == 0) snprintf(q, sizeof q, "%lld", (long long)(*num / *den));
    else lci_format_exact((lci_exact){*num, (int64_t)*den}, LCI_UNIT_NONE, q, sizeof q);
    lci_buf_printf(words, "%s %s%s", q, unit_words[a->per], a->per <= LCI_PER_DAY && *num != *den ? "s" : "");
    if (a->has_beyond) {
        lci_buf_puts(words, " beyond ");
        lci_qty_words(b->m, &a->beyond, LCI_UNIT_NONE, words);
    }
    lci_dec rate = lci_qty_value(b->m, &a->rate);
    lci_buf_puts(words, " × ");
    money_words((lci_exact){rate.coef, lci_pow10(rate.scale)}, words);
    lci_buf_printf(words, " per %s", unit_words[a->per]);
}

static int price_of(lci_build *b, const lci_rule *r, const lci_emission *e, int month, int64_t *fen, lci_buf *words)
{
    const lci_amount *a = &r->amount;
    int64_t base;
    __int128 num, den;
    switch (a->kind) {
    case LCI_A_PCT:
        if (!a->of_penalty_base && !a->of.has_pct && a->of.source != LCI_SRC_QTY) { /* of the exact bill or value */
            lci_exact of = source_of(b, &a->of, e, month);
            if (words) {
                char pct[48];
                lci_dec_format_short(lci_qty_value(b->m, &a->pct), pct, sizeof pct);
                lci_buf_printf(words, "%s%% of %s ", pct,
                               a->of.source == LCI_SRC_MEASURE ? b->m->measures[a->of.index].label
                                                               : b->m->types[e->at->type].fields[a->of.index].name);
                money_words(of, words);
            }
            return lci_pct_of(lci_qty_value(b->m, &a->pct), of, fen);
        }
        if ((a->of_penalty_base ? lci_money_value(b->m, &b->m->base, &base) : money(b, &a->of, e, month, &base)) != 0)
            return -1;
        return lci_pct_of(lci_qty_value(b->m, &a->pct), (lci_exact){base, 100}, fen);
    case LCI_A_MONEY: return money(b, &a->money, e, month, fen);
    case LCI_A_RATE: {
        lci_dec rate = lci_qty_value(b->m, &a->rate);
        rate_quantity(b, a, e, &num, &den, words);
        return fen_of(rate.coef, rate.scale, num, den, fen);
    }
    }
    return -1;
}

/* min and max, with words when one holds the price. */
static int bounded(lci_build *b, const lci_amount *a, const lci_emission *e, int month, int64_t *fen, lci_buf *words)
{
    int64_t bound;
    char v[32];
    if (a->has_min) {
        if (money(b, &a->min, e, month, &bound) != 0) return -1;
        if (*fen < bound) {
            *fen = bound;
            lci_fen_format(bound, v, sizeof v);
            if (words) lci_buf_printf(words, "%sat least %s", words->len ? ", " : "", v);
        }
    }
    if (a->has_max) {
        if (money(b, &a->max, e, month, &bound) != 0) return -1;
        if (*fen > bound) {
            *fen = bound;
            lci_fen_format(bound, v, sizeof v);
            if (words) lci_buf_printf(words, "%sat most %s", words->len ? ", " : "", v);
        }
    }
    return 0;
}

lc_status lci_price(lci_build *b, const lci_rule *r, const lci_emission *e, int month, int64_t *fen, char **words)
{
    lci_buf w;
    lci_buf_init(&w);
    int rc = price_of(b, r, e, month, fen, words ? &w : NULL);
    if (rc == 0) rc = bounded(b, &r->amount, e, month, fen, words ? &w : NULL);
    if (rc != 0) {
        lci_buf_free(&w);
        return lci_rule_error(b, r, "its price is too large to be computed exactly");
    }
    if (!words) return LC_OK;
    *words = w.len ? lci_buf_take(&w, NULL) : NULL;
    if (w.len && !*words) return LC_ENOMEM;
    lci_buf_free(&w);
    return LC_OK;
}
