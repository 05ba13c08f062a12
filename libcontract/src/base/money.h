/* money.h — exact decimals and money in minor units (fen).
 *
 * No binary floating point touches an amount: decimals are an int64
 * coefficient and a power-of-ten scale, money is int64 fen, and every
 * rounding is explicit (half away from zero, which for the non-negative
 * amounts of a contract is the "round half up" CONTRACT.md asks for). */
#ifndef LCI_MONEY_H
#define LCI_MONEY_H

#include <stddef.h>
#include <stdint.h>

/* value = coef × 10^-scale, 0 <= scale <= LCI_DEC_MAX_SCALE. */
typedef struct lci_dec {
    int64_t coef;
    int32_t scale;
} lci_dec;

#define LCI_DEC_MAX_SCALE 18
#define LCI_DEC_MAX_DIGITS 18 /* significant digits a coefficient always holds */

typedef enum lci_num_status {
    LCI_NUM_OK = 0,
    LCI_NUM_SYNTAX,    /* not a number in the accepted grammar */
    LCI_NUM_RANGE,     /* too large (or exponent out of range) */
    LCI_NUM_PRECISION, /* more digits than can be held exactly / than allowed */
} lci_num_status;

/* Parses a decimal number exactly.  Grammar: JSON's number grammar
 * (optional '-', digits without superfluous leading zero, optional
 * fraction, optional exponent e/E with sign).  Exactly `len` bytes are
 * read, no more, no less, no surrounding space.  *sig_digits (may be NULL)
 * receives the count of significant digits of the literal (leading zeros
 * not counted, trailing zeros of the fraction counted: "1.50" has 3;
 * "0" has 1).  The result is normalised so that scale >= 0: "1e3" gives
 * coef 1000 scale 0; "1.50" gives coef 150 scale 2 (trailing zeros are
 * kept; use lci_dec_cmp for equality by value).  Fails with PRECISION when
 * the coefficient would need more than 18 digits or the scale would exceed
 * 18, RANGE when the magnitude overflows int64. */
lci_num_status lci_dec_parse(const char *s, size_t len, lci_dec *out, int *sig_digits);

/* Exact rescale to `scale` (0..18): OK when the value is representable
 * with that many decimals (1.50 -> scale 1 gives 15), PRECISION when
 * digits would be lost (1.55 -> scale 1), RANGE on int64 overflow. */
lci_num_status lci_dec_rescale(lci_dec d, int scale, int64_t *out);

/* Compares by value: <0, 0, >0.  Exact for every representable pair. */
int lci_dec_cmp(lci_dec a, lci_dec b);

/* Compares v × 10^-vscale with d by value, exactly. */
int lci_dec_cmp_scaled(int64_t v, int vscale, lci_dec d);

/* The shortest decimal that converts back to x exactly (the repr of
 * Python or JavaScript), as an lci_dec.  Refuses NaN and ±inf (SYNTAX),
 * negative zero (SYNTAX), and values needing more than 17 significant
 * digits or scale > 18 (PRECISION), or out of int64 range (RANGE). */
lci_num_status lci_dec_from_double(double x, lci_dec *out);

/* The nearest double (for display only: never for money). */
double lci_dec_to_double(lci_dec d);

/* Writes d in plain notation without exponent, keeping its scale
 * ("1.50", "-3", "0.0001").  Returns the length written (excluding NUL);
 * buf needs at most 42 bytes. */
size_t lci_dec_format(lci_dec d, char *buf, size_t bufsize);

/* Writes d without superfluous trailing zeros ("1.50" -> "1.5", "2.00" -> "2"). */
size_t lci_dec_format_short(lci_dec d, char *buf, size_t bufsize);

/* round_half_up(a × num / den) for den > 0, computed exactly in 128 bits.
 * Half away from zero.  Returns RANGE on overflow of the int64 result. */
lci_num_status lci_mul_div_round(int64_t a, int64_t num, int64_t den, int64_t *out);

/* round_half_up(v × 10^-from_scale) to `to_scale` decimals (to_scale <=
 * from_scale): e.g. 123456 at scale 4 to scale 2 gives 1235. */
int64_t lci_round_scale(int64_t v, int from_scale, int to_scale);

/* Money: int64 minor units with 2 decimals (fen).  Formats "1234.50",
 * "-0.05", "0.00"; buf needs at most 24 bytes.  Returns the length. */
size_t lci_fen_format(int64_t fen, char *buf, size_t bufsize);

/* Parses a money amount exactly into fen: a decimal (JSON number grammar)
 * with at most 2 decimals after trailing-zero removal ("12.300" is fine,
 * "12.345" is PRECISION).  max_sig_digits > 0 limits the literal's
 * significant digits (15 for JSON numbers, per INTERFACE.md). */
lci_num_status lci_fen_parse(const char *s, size_t len, int max_sig_digits, int64_t *fen);

/* 10^n for 0 <= n <= 18. */
int64_t lci_pow10(int n);

#endif
