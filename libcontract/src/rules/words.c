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

void lci_format_exact(lci_exact v, lci_unit unit, char *buf, size_t size)
{
    int decimals = unit == LCI_UNIT_PCT ? 4 : 2;
    __int128 den = (__int128)v.den * (lci_unit_ns(unit) ? lci_unit_ns(unit) : 1);
    __int128 num = v.num * lci_pow10(decimals);
    __int128 q = num / den, r = num % den;
    if (2 * (r < 0 ? -r : r) >= den) q += num < 0 ? -1 : 1;
    lci_dec d = {(int64_t)q, decimals};
    while (d.scale > 1 && d.coef % 10 == 0) {
        d.coef /= 10;
        d.scale--;
    }
    lci_dec_format(d, buf, size);
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
