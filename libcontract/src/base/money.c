/* money.c — exact decimals and money in fen (see money.h). */
#include "base/money.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const int64_t pow10_table[LCI_DEC_MAX_SCALE + 1] = {
    INT64_C(1),
    INT64_C(10),
    INT64_C(100),
    INT64_C(1000),
    INT64_C(10000),
    INT64_C(100000),
    INT64_C(1000000),
    INT64_C(10000000),
    INT64_C(100000000),
    INT64_C(1000000000),
    INT64_C(10000000000),
    INT64_C(100000000000),
    INT64_C(1000000000000),
    INT64_C(10000000000000),
    INT64_C(100000000000000),
    INT64_C(1000000000000000),
    INT64_C(10000000000000000),
    INT64_C(100000000000000000),
    INT64_C(1000000000000000000),
};

int64_t lci_pow10(int n)
{
    /* Out of range is a caller bug; 0 makes it visible rather than UB. */
    if (n < 0 || n > LCI_DEC_MAX_SCALE)
        return 0;
    return pow10_table[n];
}

/* |v| without overflow for INT64_MIN. */
static uint64_t mag64(int64_t v)
{
    return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

static int valid_scale(int scale)
{
    return scale >= 0 && scale <= LCI_DEC_MAX_SCALE;
}

/* Stores ±mag as int64, or RANGE; -2^63 is representable, +2^63 is not. */
static lci_num_status store_signed(unsigned __int128 mag, int neg, int64_t *out)
{
    if (mag > (unsigned __int128)INT64_MAX + (neg ? 1 : 0))
        return LCI_NUM_RANGE;
    if (neg && mag != 0)
        *out = -(int64_t)(mag - 1) - 1;
    else
        *out = (int64_t)mag;
    return LCI_NUM_OK;
}

/* snprintf-like copy: truncates to bufsize, returns the full length. */
static size_t emit(const char *src, size_t n, char *buf, size_t bufsize)
{
    if (buf != NULL && bufsize > 0) {
        size_t k = n < bufsize ? n : bufsize - 1;
        memcpy(buf, src, k);
        buf[k] = '\0';
    }
    return n;
}

/* ---- parsing ----------------------------------------------------------- */

/* What the grammar scan learns; the value is built only once the whole
 * literal is known to be well formed, so syntax errors win over range. */
typedef struct dec_lit {
    uint64_t mant; /* the first LCI_DEC_MAX_DIGITS significant digits */
    int sig;       /* significant digits of the literal (saturating) */
    int64_t frac;  /* digits after the point */
    int64_t exp;   /* exponent, saturated far beyond any usable value */
    int neg;
} dec_lit;

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Consumes a run of mantissa digits; returns how many. */
static size_t scan_mantissa(const char *s, size_t len, size_t *i, dec_lit *lit)
{
    size_t start = *i;
    for (; *i < len && is_digit(s[*i]); (*i)++) {
        int dg = s[*i] - '0';
        if (lit->sig == 0 && dg == 0)
            continue; /* leading zeros are not significant */
        if (lit->sig < INT_MAX)
            lit->sig++;
        if (lit->sig <= LCI_DEC_MAX_DIGITS)
            lit->mant = lit->mant * 10 + (uint64_t)dg;
    }
    return *i - start;
}

static int scan_exponent(const char *s, size_t len, size_t *i, int64_t *exp)
{
    int neg = 0;
    if (*i < len && (s[*i] == '+' || s[*i] == '-'))
        neg = s[(*i)++] == '-';
    if (*i >= len || !is_digit(s[*i]))
        return 0;
    int64_t e = 0;
    for (; *i < len && is_digit(s[*i]); (*i)++) {
        if (e < 1000000000) /* saturate: any such exponent is out of range */
            e = e * 10 + (s[*i] - '0');
    }
    *exp = neg ? -e : e;
    return 1;
}

/* JSON number grammar over exactly len bytes. */
static int scan_literal(const char *s, size_t len, dec_lit *lit)
{
    size_t i = 0;
    memset(lit, 0, sizeof *lit);
    if (s == NULL)
        return 0;
    if (i < len && s[i] == '-') {
        lit->neg = 1;
        i++;
    }
    size_t int_start = i;
    size_t int_digits = scan_mantissa(s, len, &i, lit);
    if (int_digits == 0 || (s[int_start] == '0' && int_digits > 1))
        return 0;
    if (i < len && s[i] == '.') {
        i++;
        lit->frac = (int64_t)scan_mantissa(s, len, &i, lit);
        if (lit->frac == 0)
            return 0;
    }
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (!scan_exponent(s, len, &i, &lit->exp))
            return 0;
    }
    return i == len;
}

static lci_num_status build_dec(const dec_lit *lit, lci_dec *out)
{
    int64_t scale = lit->frac - lit->exp;
    if (lit->sig > LCI_DEC_MAX_DIGITS)
        return LCI_NUM_PRECISION;
    if (lit->mant == 0) {
        /* Zero is exact at any scale, so clamp instead of failing. */
        out->coef = 0;
        if (scale > LCI_DEC_MAX_SCALE)
            scale = LCI_DEC_MAX_SCALE;
        out->scale = (int32_t)(scale < 0 ? 0 : scale);
        return LCI_NUM_OK;
    }
    if (scale > LCI_DEC_MAX_SCALE)
        return LCI_NUM_PRECISION;
    unsigned __int128 mag = lit->mant;
    if (scale < 0) {
        if (scale < -LCI_DEC_MAX_SCALE) /* a non-zero mantissa × 10^19 > INT64_MAX */
            return LCI_NUM_RANGE;
        mag *= (uint64_t)lci_pow10((int)-scale);
        scale = 0;
    }
    /* At most 18 digits, as for the literal: any value parsed formats to
     * text that parses back (fuzz_money found 7878901450E09, 19 digits). */
    if (mag > (unsigned __int128)lci_pow10(LCI_DEC_MAX_DIGITS) - 1)
        return LCI_NUM_RANGE;
    int64_t coef;
    if (store_signed(mag, 0, &coef) != LCI_NUM_OK)
        return LCI_NUM_RANGE;
    out->coef = lit->neg ? -coef : coef;
    out->scale = (int32_t)scale;
    return LCI_NUM_OK;
}

lci_num_status lci_dec_parse(const char *s, size_t len, lci_dec *out, int *sig_digits)
{
    dec_lit lit;
    if (!scan_literal(s, len, &lit)) {
        if (sig_digits != NULL)
            *sig_digits = 0;
        return LCI_NUM_SYNTAX;
    }
    if (sig_digits != NULL)
        *sig_digits = lit.sig == 0 ? 1 : lit.sig; /* "0", "0.00" have one */
    lci_dec d;
    lci_num_status st = build_dec(&lit, &d);
    if (st == LCI_NUM_OK && out != NULL)
        *out = d;
    return st;
}

/* ---- comparison and rescaling ------------------------------------------ */

lci_num_status lci_dec_rescale(lci_dec d, int scale, int64_t *out)
{
    if (!valid_scale(scale) || !valid_scale(d.scale))
        return LCI_NUM_RANGE;
    if (scale >= d.scale) {
        __int128 v = (__int128)d.coef * lci_pow10(scale - d.scale);
        if (v > INT64_MAX || v < INT64_MIN)
            return LCI_NUM_RANGE;
        *out = (int64_t)v;
        return LCI_NUM_OK;
    }
    int64_t div = lci_pow10(d.scale - scale);
    if (d.coef % div != 0)
        return LCI_NUM_PRECISION;
    *out = d.coef / div;
    return LCI_NUM_OK;
}

/* |coef| < 2^63 and 10^18 < 2^60, so any alignment fits in 128 bits. */
static __int128 align_to(lci_dec d, int scale)
{
    return (__int128)d.coef * lci_pow10(scale - d.scale);
}

int lci_dec_cmp(lci_dec a, lci_dec b)
{
    int scale = a.scale > b.scale ? a.scale : b.scale;
    __int128 x = align_to(a, scale);
    __int128 y = align_to(b, scale);
    return (x > y) - (x < y);
}

int lci_dec_cmp_scaled(int64_t v, int vscale, lci_dec d)
{
    lci_dec a = {v, (int32_t)vscale};
    return lci_dec_cmp(a, d);
}

/* ---- doubles ----------------------------------------------------------- */

/* Turns printf's "-d.ddde±XX" into the JSON literal "-ddde<exp>".  Any
 * character between the digits is the radix, so the locale cannot matter. */
static void sci_to_literal(const char *rep, char *lit, size_t litsize)
{
    char digits[32];
    size_t nd = 0;
    const char *p = rep;
    for (; *p != '\0' && *p != 'e' && *p != 'E'; p++) {
        if (is_digit(*p) && nd < sizeof digits - 1)
            digits[nd++] = *p;
    }
    digits[nd] = '\0';
    int exp = 0, eneg = 0;
    if (*p != '\0')
        p++;
    if (*p == '+' || *p == '-')
        eneg = *p++ == '-';
    for (; is_digit(*p); p++)
        exp = exp * 10 + (*p - '0');
    exp = (eneg ? -exp : exp) - (int)(nd - 1); /* point moves behind the digits */
    snprintf(lit, litsize, "%s%se%d", rep[0] == '-' ? "-" : "", digits, exp);
}

lci_num_status lci_dec_from_double(double x, lci_dec *out)
{
    if (!isfinite(x) || (x == 0 && signbit(x)))
        return LCI_NUM_SYNTAX;
    for (int prec = 1; prec <= 17; prec++) {
        char rep[48], lit[48];
        snprintf(rep, sizeof rep, "%.*e", prec - 1, x);
        if (strtod(rep, NULL) != x)
            continue;
        sci_to_literal(rep, lit, sizeof lit);
        return lci_dec_parse(lit, strlen(lit), out, NULL);
    }
    return LCI_NUM_PRECISION; /* unreachable: 17 digits always round-trip */
}

double lci_dec_to_double(lci_dec d)
{
    if (d.coef == 0 || !valid_scale(d.scale))
        return 0.0;
    /* Divide with >= 68 quotient bits and a sticky bit, so the single
     * int→double conversion rounds correctly; the power-of-two scaling
     * after it is exact. */
    unsigned __int128 n = mag64(d.coef);
    int shift = 0;
    while (!(n >> 127)) {
        n <<= 1;
        shift++;
    }
    uint64_t p = (uint64_t)lci_pow10(d.scale);
    unsigned __int128 q = n / p;
    q |= (n % p != 0);
    double r = (double)q / (double)((unsigned __int128)1 << shift);
    return d.coef < 0 ? -r : r;
}

/* ---- formatting -------------------------------------------------------- */

size_t lci_dec_format(lci_dec d, char *buf, size_t bufsize)
{
    if (!valid_scale(d.scale))
        return emit("", 0, buf, bufsize);
    char digits[24]; /* reversed; at least scale + 1 of them */
    int nd = 0;
    uint64_t mag = mag64(d.coef);
    do {
        digits[nd++] = (char)('0' + mag % 10);
        mag /= 10;
    } while (mag != 0 || nd <= d.scale);
    char tmp[48];
    size_t n = 0;
    if (d.coef < 0)
        tmp[n++] = '-';
    for (int i = nd - 1; i >= 0; i--) {
        if (i == d.scale - 1)
            tmp[n++] = '.';
        tmp[n++] = digits[i];
    }
    return emit(tmp, n, buf, bufsize);
}

size_t lci_dec_format_short(lci_dec d, char *buf, size_t bufsize)
{
    while (d.scale > 0 && d.coef % 10 == 0) {
        d.coef /= 10;
        d.scale--;
    }
    return lci_dec_format(d, buf, bufsize);
}

/* ---- rounding ---------------------------------------------------------- */

lci_num_status lci_mul_div_round(int64_t a, int64_t num, int64_t den, int64_t *out)
{
    if (den <= 0)
        return LCI_NUM_RANGE;
    /* |a × num| <= 2^126: the product cannot overflow; round the magnitude
     * so that halves go away from zero for either sign. */
    __int128 prod = (__int128)a * num;
    int neg = prod < 0;
    unsigned __int128 mag = neg ? -(unsigned __int128)prod : (unsigned __int128)prod;
    unsigned __int128 q = mag / (uint64_t)den;
    unsigned __int128 r = mag % (uint64_t)den;
    if (2 * r >= (uint64_t)den) /* r < 2^63: no overflow */
        q++;
    return store_signed(q, neg, out);
}

int64_t lci_round_scale(int64_t v, int from_scale, int to_scale)
{
    if (to_scale >= from_scale) /* precondition: to_scale <= from_scale */
        return v;
    int64_t p = lci_pow10(from_scale - to_scale);
    int64_t q = v / p;
    int64_t r = v % p;
    if (mag64(r) * 2 >= (uint64_t)p) /* p >= 10, so q ± 1 cannot overflow */
        q += v < 0 ? -1 : 1;
    return q;
}

/* ---- money ------------------------------------------------------------- */

size_t lci_fen_format(int64_t fen, char *buf, size_t bufsize)
{
    lci_dec d = {fen, 2};
    return lci_dec_format(d, buf, bufsize);
}

lci_num_status lci_fen_parse(const char *s, size_t len, int max_sig_digits, int64_t *fen)
{
    lci_dec d;
    int sig = 0;
    lci_num_status st = lci_dec_parse(s, len, &d, &sig);
    if (st == LCI_NUM_SYNTAX)
        return st;
    if (max_sig_digits > 0 && sig > max_sig_digits)
        return LCI_NUM_PRECISION;
    if (st != LCI_NUM_OK)
        return st;
    int64_t v;
    st = lci_dec_rescale(d, 2, &v);
    /* like decimals, amounts stay within 18 digits so they can be written
     * back (fuzz_money: 7878109101450E04) */
    if (st == LCI_NUM_OK && (v >= lci_pow10(LCI_DEC_MAX_DIGITS) || v <= -lci_pow10(LCI_DEC_MAX_DIGITS)))
        return LCI_NUM_RANGE;
    if (st == LCI_NUM_OK) *fen = v;
    return st;
}
