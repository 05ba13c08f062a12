/* words.c — see words.h. */
#include "rules/words.h"

#include <stdio.h>

const char *lci_unit_suffix(lci_unit u)
{
    switch (u) {
    case LCI_UNIT_MIN: return " min";
    case LCI_UNIT_HOUR: return " h";
    case LCI_UNIT_DAY: return " d";
    case LCI_UNIT_PCT: return "%";
    case LCI_UNIT_MONEY: return "";
    case LCI_UNIT_POINTS: return "";
    default: return "";
    }
}

#define MAX_SHOWN_DECIMALS 12

static int usual_decimals(lci_unit unit)
{
    return unit == LCI_UNIT_PCT ? 4 : 2;
}

static __int128 unit_factor(lci_unit unit)
{
    return lci_unit_ns(unit) ? lci_unit_ns(unit) : 1;
}

/* v in `unit`, rounded half up to `decimals`, trailing zeros dropped but
 * one; 0 when it does not fit. */
static int rounded(lci_exact v, lci_unit unit, int decimals, lci_dec *out)
{
    __int128 den = (__int128)v.den * unit_factor(unit);
    __int128 num = v.num * lci_pow10(decimals);
    __int128 q = num / den, r = num % den;
    if (2 * (r < 0 ? -r : r) >= den) q += num < 0 ? -1 : 1;
    if (q > INT64_MAX || q < -INT64_MAX) return 0;
    *out = (lci_dec){(int64_t)q, decimals};
    while (out->scale > 1 && out->coef % 10 == 0) {
        out->coef /= 10;
        out->scale--;
    }
    return 1;
}

void lci_format_exact(lci_exact v, lci_unit unit, char *buf, size_t size)
{
    lci_dec d;
    if (!rounded(v, unit, usual_decimals(unit), &d)) d = (lci_dec){0, 0};
    lci_dec_format(d, buf, size);
}

static int sign(int c)
{
    return (c > 0) - (c < 0);
}

/* The shown value d stands where v stands with respect to bound q. */
static int same_side(const lci_model *m, lci_exact v, lci_dec d, lci_unit unit, const lci_qty *q)
{
    lci_exact shown = {(__int128)d.coef * unit_factor(unit), lci_pow10(d.scale)};
    return sign(lci_exact_cmp_qty(m, v, q)) == sign(lci_exact_cmp_qty(m, shown, q));
}

static int stands_right(const lci_model *m, lci_exact v, lci_dec d, lci_unit unit, const lci_band *const *bands,
                        size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (bands[i]->has_lo && !same_side(m, v, d, unit, &bands[i]->lo)) return 0;
        if (bands[i]->has_hi && !same_side(m, v, d, unit, &bands[i]->hi)) return 0;
    }
    return 1;
}

lci_dec lci_shown_value(const lci_model *m, lci_exact v, lci_unit unit, const lci_band *const *bands, size_t nbands)
{
    lci_dec d = {0, 0}, next;
    int decimals = usual_decimals(unit);
    if (!rounded(v, unit, decimals, &d)) return d;
    while (decimals < MAX_SHOWN_DECIMALS && !stands_right(m, v, d, unit, bands, nbands) &&
           rounded(v, unit, decimals + 1, &next)) {
        d = next;
        decimals++;
    }
    return d;
}

size_t lci_measure_bands(const lci_model *m, int measure, const lci_band **out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < m->nrules && n < max; i++)
        if (m->rules[i].measure == measure) out[n++] = &m->rules[i].band;
    for (size_t i = 0; i < m->nacceptance && n < max; i++)
        if (m->acceptance[i].kind == LCI_P_MEASURE && m->acceptance[i].measure == measure) out[n++] = &m->acceptance[i].band;
    return n;
}

void lci_value_band_words(const lci_model *m, lci_exact v, lci_unit unit, const lci_band *const *bands, size_t nbands,
                          lci_buf *out)
{
    char num[64];
    lci_dec_format(lci_shown_value(m, v, unit, bands, nbands), num, sizeof num);
    lci_buf_printf(out, "%s%s", num, lci_unit_suffix(unit));
}

void lci_qty_words(const lci_model *m, const lci_qty *q, lci_unit shown, lci_buf *out)
{
    char num[48];
    lci_dec_format_short(lci_qty_value(m, q), num, sizeof num);
    lci_buf_puts(out, num);
    if (q->unit != shown) lci_buf_puts(out, lci_unit_suffix(q->unit));
}

void lci_band_words(const lci_model *m, const lci_band *b, lci_unit shown, lci_buf *out)
{
    if (b->has_lo && b->has_hi) {
        if (b->lo_incl && b->hi_incl && lci_dec_cmp(lci_qty_value(m, &b->lo), lci_qty_value(m, &b->hi)) == 0) {
            lci_buf_puts(out, "= ");
            lci_qty_words(m, &b->lo, shown, out);
            return;
        }
        lci_buf_puts(out, b->lo_incl ? "in [" : "in (");
        lci_qty_words(m, &b->lo, shown, out);
        lci_buf_puts(out, ", ");
        lci_qty_words(m, &b->hi, shown, out);
        lci_buf_puts(out, b->hi_incl ? "]" : ")");
    } else if (b->has_lo) {
        lci_buf_puts(out, b->lo_incl ? "≥ " : "> ");
        lci_qty_words(m, &b->lo, shown, out);
    } else {
        lci_buf_puts(out, b->hi_incl ? "≤ " : "< ");
        lci_qty_words(m, &b->hi, shown, out);
    }
}

void lci_value_words(lci_exact v, lci_unit unit, lci_buf *out)
{
    char num[64];
    lci_format_exact(v, unit, num, sizeof num);
    lci_buf_printf(out, "%s%s", num, lci_unit_suffix(unit));
}
