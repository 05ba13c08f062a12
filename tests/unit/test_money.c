/* Unit tests for money.c: exact decimals, rounding and fen. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/money.h"

#define NUM_OK LCI_NUM_OK
#define SYNTAX LCI_NUM_SYNTAX
#define RANGE LCI_NUM_RANGE
#define PRECISION LCI_NUM_PRECISION

/* Strings are stored inline: Criterion may run each parameter in a fresh
 * process, where pointers into the parent would not be valid. */
typedef struct parse_case {
    char in[48];
    lci_num_status st;
    int64_t coef;
    int scale;
    int sig;
} parse_case;

/* ---- lci_pow10 --------------------------------------------------------- */

Test(pow10, table)
{
    int64_t p = 1;
    for (int n = 0; n <= 18; n++) {
        cr_assert_eq(lci_pow10(n), p, "10^%d", n);
        if (n < 18)
            p *= 10;
    }
}

/* ---- lci_dec_parse ----------------------------------------------------- */

ParameterizedTestParameters(dec_parse, table)
{
    static parse_case cases[] = {
        {"0", NUM_OK, 0, 0, 1},
        {"-0", NUM_OK, 0, 0, 1},
        {"0.00", NUM_OK, 0, 2, 1},
        {"-0.0", NUM_OK, 0, 1, 1},
        {"1.50", NUM_OK, 150, 2, 3},
        {"1e3", NUM_OK, 1000, 0, 1},
        {"1E-2", NUM_OK, 1, 2, 1},
        {"1e+2", NUM_OK, 100, 0, 1},
        {"1.5e1", NUM_OK, 15, 0, 2},
        {"1.25e-1", NUM_OK, 125, 3, 3},
        {"-12.34", NUM_OK, -1234, 2, 4},
        {"0.001", NUM_OK, 1, 3, 1},
        {"100", NUM_OK, 100, 0, 3},
        {"7", NUM_OK, 7, 0, 1},
        {"123456789012345678", NUM_OK, INT64_C(123456789012345678), 0, 18},
        {"-123456789.012345678", NUM_OK, -INT64_C(123456789012345678), 9, 18},
        {"0.000000000000000001", NUM_OK, 1, 18, 1},
        {"99999999999999999e1", NUM_OK, INT64_C(999999999999999990), 0, 17},
        /* 10^18 and beyond need 19 digits: they could not be written back */
        {"1e18", RANGE, 0, 0, 1},
        {"9e18", RANGE, 0, 0, 1},
        {"-9.2e18", RANGE, 0, 0, 2},
        {"0e999999999999999", NUM_OK, 0, 0, 1},
        {"0e-30", NUM_OK, 0, 18, 1},
        /* 19 significant digits never fit the guarantee. */
        {"1234567890123456789", PRECISION, 0, 0, 19},
        {"9223372036854775807", PRECISION, 0, 0, 19},
        {"1.000000000000000000", PRECISION, 0, 0, 19},
        {"0.0000000000000000001", PRECISION, 0, 0, 1},
        {"1e-19", PRECISION, 0, 0, 1},
        {"1.5e-18", PRECISION, 0, 0, 2},
        {"1e-999999999999", PRECISION, 0, 0, 1},
        {"9.3e18", RANGE, 0, 0, 2},
        {"1e19", RANGE, 0, 0, 1},
        {"-1e19", RANGE, 0, 0, 1},
        {"1e999999999999999", RANGE, 0, 0, 1},
        /* Not JSON numbers. */
        {"", SYNTAX, 0, 0, 0},
        {"-", SYNTAX, 0, 0, 0},
        {"00", SYNTAX, 0, 0, 0},
        {"01", SYNTAX, 0, 0, 0},
        {"-01", SYNTAX, 0, 0, 0},
        {"1.", SYNTAX, 0, 0, 0},
        {".5", SYNTAX, 0, 0, 0},
        {"+1", SYNTAX, 0, 0, 0},
        {"1e", SYNTAX, 0, 0, 0},
        {"1e+", SYNTAX, 0, 0, 0},
        {"1.e3", SYNTAX, 0, 0, 0},
        {"1e1.5", SYNTAX, 0, 0, 0},
        {"1.5.2", SYNTAX, 0, 0, 0},
        {"--1", SYNTAX, 0, 0, 0},
        {" 1", SYNTAX, 0, 0, 0},
        {"1 ", SYNTAX, 0, 0, 0},
        {"1x", SYNTAX, 0, 0, 0},
        {"0x10", SYNTAX, 0, 0, 0},
        {"1,5", SYNTAX, 0, 0, 0},
        {"NaN", SYNTAX, 0, 0, 0},
        {"Infinity", SYNTAX, 0, 0, 0},
        {"12345678901234567890x", SYNTAX, 0, 0, 0},
    };
    return cr_make_param_array(parse_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(parse_case *c, dec_parse, table)
{
    lci_dec d = {-42, -42};
    int sig = -1;
    lci_num_status st = lci_dec_parse(c->in, strlen(c->in), &d, &sig);
    cr_assert_eq(st, c->st, "\"%s\": status %d, want %d", c->in, st, c->st);
    cr_assert_eq(sig, c->sig, "\"%s\": sig %d, want %d", c->in, sig, c->sig);
    if (c->st == NUM_OK) {
        cr_assert_eq(d.coef, c->coef, "\"%s\": coef %lld", c->in, (long long)d.coef);
        cr_assert_eq(d.scale, c->scale, "\"%s\": scale %d", c->in, d.scale);
    } else {
        cr_assert_eq(d.coef, -42, "\"%s\": output written on failure", c->in);
    }
}

Test(dec_parse, reads_exactly_len_bytes)
{
    lci_dec d;
    cr_assert_eq(lci_dec_parse("12345", 3, &d, NULL), NUM_OK);
    cr_assert_eq(d.coef, 123);
    cr_assert_eq(lci_dec_parse("1\0", 2, &d, NULL), SYNTAX);
    cr_assert_eq(lci_dec_parse("1.5e", 3, &d, NULL), NUM_OK);
    cr_assert_eq(d.coef, 15);
    cr_assert_eq(d.scale, 1);
}

Test(dec_parse, null_input_and_optional_outputs)
{
    cr_assert_eq(lci_dec_parse(NULL, 0, NULL, NULL), SYNTAX);
    cr_assert_eq(lci_dec_parse("2.5", 3, NULL, NULL), NUM_OK);
}

/* ---- lci_dec_rescale --------------------------------------------------- */

typedef struct rescale_case {
    int64_t coef;
    int scale;
    int target;
    lci_num_status st;
    int64_t out;
} rescale_case;

ParameterizedTestParameters(dec_rescale, table)
{
    static rescale_case cases[] = {
        {150, 2, 1, NUM_OK, 15},
        {150, 2, 2, NUM_OK, 150},
        {15, 1, 2, NUM_OK, 150},
        {-5, 0, 2, NUM_OK, -500},
        {100, 2, 0, NUM_OK, 1},
        {0, 18, 0, NUM_OK, 0},
        {1, 0, 18, NUM_OK, INT64_C(1000000000000000000)},
        {INT64_MIN, 0, 0, NUM_OK, INT64_MIN},
        {INT64_MIN, 18, 18, NUM_OK, INT64_MIN},
        {155, 2, 1, PRECISION, 0},
        {123, 2, 0, PRECISION, 0},
        {1, 18, 17, PRECISION, 0},
        {10, 0, 18, RANGE, 0},
        {INT64_MAX, 0, 1, RANGE, 0},
        {INT64_MIN, 0, 1, RANGE, 0},
        {1, 0, -1, RANGE, 0},
        {1, 0, 19, RANGE, 0},
    };
    return cr_make_param_array(rescale_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(rescale_case *c, dec_rescale, table)
{
    lci_dec d = {c->coef, c->scale};
    int64_t out = 7;
    lci_num_status st = lci_dec_rescale(d, c->target, &out);
    cr_assert_eq(st, c->st, "%lld@%d -> %d: status %d", (long long)c->coef, c->scale, c->target,
                 st);
    cr_assert_eq(out, c->st == NUM_OK ? c->out : 7, "%lld@%d -> %d: got %lld",
                 (long long)c->coef, c->scale, c->target, (long long)out);
}

/* ---- lci_dec_cmp / lci_dec_cmp_scaled ---------------------------------- */

typedef struct cmp_case {
    lci_dec a, b;
    int sign;
} cmp_case;

ParameterizedTestParameters(dec_cmp, table)
{
    static cmp_case cases[] = {
        {{15, 1}, {150, 2}, 0},
        {{-1, 0}, {0, 0}, -1},
        {{0, 0}, {0, 2}, 0},
        {{1, 1}, {9, 2}, 1},
        {{1, 18}, {0, 0}, 1},
        {{-1, 18}, {0, 0}, -1},
        {{INT64_MAX, 0}, {INT64_MAX, 18}, 1},
        {{INT64_MIN, 0}, {INT64_MAX, 0}, -1},
        {{INT64_MIN, 0}, {INT64_MIN, 18}, -1},
        {{INT64_C(1000000000000000000), 18}, {1, 0}, 0},
        {{INT64_MAX, 18}, {INT64_MAX - 1, 18}, 1},
        {{-150, 2}, {-15, 1}, 0},
        {{-151, 2}, {-15, 1}, -1},
    };
    return cr_make_param_array(cmp_case, cases, sizeof cases / sizeof cases[0]);
}

static int sign_of(int v)
{
    return (v > 0) - (v < 0);
}

ParameterizedTest(cmp_case *c, dec_cmp, table)
{
    cr_assert_eq(sign_of(lci_dec_cmp(c->a, c->b)), c->sign);
    cr_assert_eq(sign_of(lci_dec_cmp(c->b, c->a)), -c->sign, "antisymmetric");
    cr_assert_eq(sign_of(lci_dec_cmp_scaled(c->a.coef, c->a.scale, c->b)), c->sign);
}

Test(dec_cmp, scaled)
{
    cr_assert_eq(lci_dec_cmp_scaled(150, 2, (lci_dec){15, 1}), 0);
    cr_assert_eq(lci_dec_cmp_scaled(100, 2, (lci_dec){1, 0}), 0);
    cr_assert_lt(lci_dec_cmp_scaled(-1, 0, (lci_dec){0, 0}), 0);
    cr_assert_gt(lci_dec_cmp_scaled(17196001, 2, (lci_dec){171960, 0}), 0);
}

/* ---- lci_dec_from_double / lci_dec_to_double --------------------------- */

typedef struct double_case {
    double x;
    lci_num_status st;
    int64_t coef;
    int scale;
} double_case;

ParameterizedTestParameters(dec_from_double, table)
{
    static double_case cases[] = {
        {0.1, NUM_OK, 1, 1},
        {99.9, NUM_OK, 999, 1},
        {0.0, NUM_OK, 0, 0},
        {100.0, NUM_OK, 100, 0},
        {-2.5, NUM_OK, -25, 1},
        {123.456, NUM_OK, 123456, 3},
        {1e-18, NUM_OK, 1, 18},
        {1e17, NUM_OK, INT64_C(100000000000000000), 0},
        {1e18, RANGE, 0, 0},
        {9.2e18, RANGE, 0, 0},
        {0.1 + 0.2, NUM_OK, INT64_C(30000000000000004), 17},
        {1.0 / 3.0, NUM_OK, INT64_C(3333333333333333), 16},
        {4711.23, NUM_OK, 471123, 2},
        {1e-19, PRECISION, 0, 0},
        {1e-300, PRECISION, 0, 0},
        {5e-324, PRECISION, 0, 0},
        {9223372036854775808.0, RANGE, 0, 0},
        {1e300, RANGE, 0, 0},
        {-1e300, RANGE, 0, 0},
    };
    return cr_make_param_array(double_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(double_case *c, dec_from_double, table)
{
    lci_dec d = {-42, -42};
    lci_num_status st = lci_dec_from_double(c->x, &d);
    cr_assert_eq(st, c->st, "%.17g: status %d", c->x, st);
    if (st == NUM_OK) {
        cr_assert_eq(d.coef, c->coef, "%.17g: coef %lld", c->x, (long long)d.coef);
        cr_assert_eq(d.scale, c->scale, "%.17g: scale %d", c->x, d.scale);
    }
}

Test(dec_from_double, refuses_non_finite_and_negative_zero)
{
    lci_dec d;
    cr_assert_eq(lci_dec_from_double(NAN, &d), SYNTAX);
    cr_assert_eq(lci_dec_from_double(INFINITY, &d), SYNTAX);
    cr_assert_eq(lci_dec_from_double(-INFINITY, &d), SYNTAX);
    cr_assert_eq(lci_dec_from_double(-0.0, &d), SYNTAX);
}

Test(dec_from_double, independent_of_numeric_locale)
{
    if (setlocale(LC_NUMERIC, "de_DE.UTF-8") == NULL &&
        setlocale(LC_NUMERIC, "fr_FR.UTF-8") == NULL)
        cr_skip_test("no locale with a decimal comma installed");
    lci_dec d;
    cr_assert_eq(lci_dec_from_double(12.75, &d), NUM_OK);
    cr_assert_eq(d.coef, 1275);
    cr_assert_eq(d.scale, 2);
}

Test(dec_to_double, simple)
{
    cr_assert(lci_dec_to_double((lci_dec){1, 1}) == 0.1);
    cr_assert(lci_dec_to_double((lci_dec){999, 1}) == 99.9);
    cr_assert(lci_dec_to_double((lci_dec){-25, 1}) == -2.5);
    cr_assert(lci_dec_to_double((lci_dec){0, 5}) == 0.0);
    cr_assert(lci_dec_to_double((lci_dec){1, 18}) == 1e-18);
    cr_assert(lci_dec_to_double((lci_dec){INT64_MAX, 0}) == 9223372036854775807.0);
    cr_assert(lci_dec_to_double((lci_dec){INT64_MIN, 0}) == -9223372036854775808.0);
    cr_assert(lci_dec_to_double((lci_dec){INT64_C(30000000000000004), 17}) == 0.1 + 0.2);
}

/* The nearest double, checked against strtod on the plain literal for
 * coefficients wide enough that a naive coef / 10^scale rounds twice. */
Test(dec_to_double, correctly_rounded)
{
    uint64_t state = 0x9e3779b97f4a7c15u;
    for (int i = 0; i < 20000; i++) {
        state = state * 6364136223846793005u + 1442695040888963407u;
        lci_dec d = {(int64_t)(state >> 1), (int)(state % 19)};
        if (i % 2)
            d.coef = -d.coef;
        char lit[48];
        lci_dec_format(d, lit, sizeof lit);
        double want = strtod(lit, NULL);
        cr_assert(lci_dec_to_double(d) == want, "%s: got %.17g want %.17g", lit,
                  lci_dec_to_double(d), want);
    }
}

Test(dec_from_double, round_trips)
{
    const double xs[] = {0.1, 0.7, 1.1, 99.99, 1234.5678, 0.3, 2.675, 1e-5, 123456789.125, 3e17};
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        lci_dec d;
        cr_assert_eq(lci_dec_from_double(xs[i], &d), NUM_OK);
        cr_assert(lci_dec_to_double(d) == xs[i], "%.17g", xs[i]);
    }
}

/* ---- lci_dec_format / lci_dec_format_short ----------------------------- */

typedef struct format_case {
    lci_dec d;
    char plain[48];
    char shortest[48];
} format_case;

ParameterizedTestParameters(dec_format, table)
{
    static format_case cases[] = {
        {{150, 2}, "1.50", "1.5"},
        {{200, 2}, "2.00", "2"},
        {{-3, 0}, "-3", "-3"},
        {{100, 0}, "100", "100"},
        {{10, 1}, "1.0", "1"},
        {{1, 4}, "0.0001", "0.0001"},
        {{0, 0}, "0", "0"},
        {{0, 2}, "0.00", "0"},
        {{-5, 2}, "-0.05", "-0.05"},
        {{-1230, 3}, "-1.230", "-1.23"},
        {{1, 18}, "0.000000000000000001", "0.000000000000000001"},
        {{INT64_MIN, 0}, "-9223372036854775808", "-9223372036854775808"},
        {{INT64_MIN, 18}, "-9.223372036854775808", "-9.223372036854775808"},
        {{INT64_MAX, 18}, "9.223372036854775807", "9.223372036854775807"},
        {{INT64_C(1000000000000000000), 18}, "1.000000000000000000", "1"},
    };
    return cr_make_param_array(format_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(format_case *c, dec_format, table)
{
    char buf[42];
    size_t n = lci_dec_format(c->d, buf, sizeof buf);
    cr_assert_str_eq(buf, c->plain);
    cr_assert_eq(n, strlen(c->plain));
    n = lci_dec_format_short(c->d, buf, sizeof buf);
    cr_assert_str_eq(buf, c->shortest);
    cr_assert_eq(n, strlen(c->shortest));
}

Test(dec_format, truncates_like_snprintf)
{
    char buf[3] = "xx";
    cr_assert_eq(lci_dec_format((lci_dec){150, 2}, buf, sizeof buf), 4);
    cr_assert_str_eq(buf, "1.");
    cr_assert_eq(lci_dec_format((lci_dec){-5, 2}, NULL, 0), 5);
}

Test(dec_format, parse_round_trip)
{
    const char *lits[] = {"0", "1.50", "-0.05", "123456789012345678", "0.000000000000000001",
                          "-9.2"};
    for (size_t i = 0; i < sizeof lits / sizeof lits[0]; i++) {
        lci_dec d;
        char buf[42];
        cr_assert_eq(lci_dec_parse(lits[i], strlen(lits[i]), &d, NULL), NUM_OK);
        lci_dec_format(d, buf, sizeof buf);
        cr_assert_str_eq(buf, lits[i]);
    }
}

/* ---- lci_mul_div_round -------------------------------------------------- */

typedef struct mdr_case {
    int64_t a, num, den;
    lci_num_status st;
    int64_t out;
} mdr_case;

ParameterizedTestParameters(mul_div_round, table)
{
    static mdr_case cases[] = {
        /* 171960.00 CNY at 3 % is 5158.80 exactly. */
        {17196000, 3, 100, NUM_OK, 515880},
        /* 1719600.00 CNY / 365 = 4711.2328… */
        {171960000, 1, 365, NUM_OK, 471123},
        /* 859800.5 fen: exact half rounds away from zero. */
        {1719601, 1, 2, NUM_OK, 859801},
        {-1719601, 1, 2, NUM_OK, -859801},
        {5, 1, 2, NUM_OK, 3},
        {-5, 1, 2, NUM_OK, -3},
        {5, -1, 2, NUM_OK, -3},
        {3, 1, 2, NUM_OK, 2},
        {1, 1, 2, NUM_OK, 1},
        {-1, 1, 2, NUM_OK, -1},
        {1, 1, 3, NUM_OK, 0},
        {-1, 1, 3, NUM_OK, 0},
        {2, 1, 3, NUM_OK, 1},
        {-2, 1, 3, NUM_OK, -1},
        {149, 1, 100, NUM_OK, 1},
        {150, 1, 100, NUM_OK, 2},
        {7, 0, 5, NUM_OK, 0},
        {0, INT64_MAX, 1, NUM_OK, 0},
        {INT64_MAX, INT64_MAX, INT64_MAX, NUM_OK, INT64_MAX},
        {INT64_MIN, INT64_MAX, INT64_MAX, NUM_OK, INT64_MIN},
        {INT64_MIN, 1, 1, NUM_OK, INT64_MIN},
        {INT64_MIN, INT64_MIN, INT64_MIN + 1, RANGE, 0},
        /* (2^62) / (2^63 - 1) is just over one half; 2r >= den must not overflow. */
        {INT64_MAX / 2 + 1, 1, INT64_MAX, NUM_OK, 1},
        {INT64_MAX / 2, 1, INT64_MAX, NUM_OK, 0},
        {-(INT64_MAX / 2 + 1), 1, INT64_MAX, NUM_OK, -1},
        /* Large exact intermediate, small result. */
        {INT64_C(4000000000000000000), INT64_C(3000000000000000000), INT64_C(6000000000000000000),
         NUM_OK, INT64_C(2000000000000000000)},
        {INT64_MIN, -1, 1, RANGE, 0},
        {INT64_MAX, 2, 1, RANGE, 0},
        {INT64_MAX, INT64_MAX, 1, RANGE, 0},
        {INT64_MAX, 3, 2, RANGE, 0},
        {1, 1, 0, RANGE, 0},
        {1, 1, -1, RANGE, 0},
    };
    return cr_make_param_array(mdr_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(mdr_case *c, mul_div_round, table)
{
    int64_t out = 7;
    lci_num_status st = lci_mul_div_round(c->a, c->num, c->den, &out);
    cr_assert_eq(st, c->st, "%lld*%lld/%lld: status %d", (long long)c->a, (long long)c->num,
                 (long long)c->den, st);
    cr_assert_eq(out, c->st == NUM_OK ? c->out : 7, "%lld*%lld/%lld: got %lld",
                 (long long)c->a, (long long)c->num, (long long)c->den, (long long)out);
}

/* Against a plain int64 reference where the product is small. */
Test(mul_div_round, matches_small_reference)
{
    for (int64_t a = -60; a <= 60; a++) {
        for (int64_t num = -7; num <= 7; num++) {
            for (int64_t den = 1; den <= 12; den++) {
                int64_t p = a * num, mag = p < 0 ? -p : p;
                int64_t q = (2 * mag + den) / (2 * den); /* floor(|p|/den + 1/2) */
                int64_t out;
                cr_assert_eq(lci_mul_div_round(a, num, den, &out), NUM_OK);
                cr_assert_eq(out, p < 0 ? -q : q, "%lld*%lld/%lld", (long long)a,
                             (long long)num, (long long)den);
            }
        }
    }
}

/* ---- lci_round_scale --------------------------------------------------- */

Test(round_scale, half_away_from_zero)
{
    cr_assert_eq(lci_round_scale(123456, 4, 2), 1235);
    cr_assert_eq(lci_round_scale(123450, 4, 2), 1235);
    cr_assert_eq(lci_round_scale(123449, 4, 2), 1234);
    cr_assert_eq(lci_round_scale(-123450, 4, 2), -1235);
    cr_assert_eq(lci_round_scale(-123449, 4, 2), -1234);
    cr_assert_eq(lci_round_scale(5, 1, 0), 1);
    cr_assert_eq(lci_round_scale(-5, 1, 0), -1);
    cr_assert_eq(lci_round_scale(4, 1, 0), 0);
    cr_assert_eq(lci_round_scale(0, 18, 0), 0);
    cr_assert_eq(lci_round_scale(1234, 2, 2), 1234);
}

Test(round_scale, extremes)
{
    cr_assert_eq(lci_round_scale(INT64_MAX, 18, 0), 9);
    cr_assert_eq(lci_round_scale(INT64_MIN, 18, 0), -9);
    cr_assert_eq(lci_round_scale(INT64_MAX, 1, 0), INT64_C(922337203685477581));
    cr_assert_eq(lci_round_scale(INT64_MIN, 1, 0), -INT64_C(922337203685477581));
    cr_assert_eq(lci_round_scale(INT64_C(500000000000000000), 18, 0), 1);
    cr_assert_eq(lci_round_scale(INT64_C(499999999999999999), 18, 0), 0);
}

/* ---- lci_fen_format ---------------------------------------------------- */

typedef struct fen_fmt_case {
    int64_t fen;
    char text[24];
} fen_fmt_case;

ParameterizedTestParameters(fen_format, table)
{
    static fen_fmt_case cases[] = {
        {0, "0.00"},
        {5, "0.05"},
        {-5, "-0.05"},
        {100, "1.00"},
        {-100, "-1.00"},
        {123450, "1234.50"},
        {123456789, "1234567.89"},
        {INT64_MAX, "92233720368547758.07"},
        {INT64_MIN, "-92233720368547758.08"},
    };
    return cr_make_param_array(fen_fmt_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(fen_fmt_case *c, fen_format, table)
{
    char buf[24];
    size_t n = lci_fen_format(c->fen, buf, sizeof buf);
    cr_assert_str_eq(buf, c->text);
    cr_assert_eq(n, strlen(c->text));
}

/* ---- lci_fen_parse ----------------------------------------------------- */

typedef struct fen_parse_case {
    char in[48];
    int max_sig;
    lci_num_status st;
    int64_t fen;
} fen_parse_case;

ParameterizedTestParameters(fen_parse, table)
{
    static fen_parse_case cases[] = {
        {"12.300", 15, NUM_OK, 1230},
        {"12.34", 15, NUM_OK, 1234},
        {"0", 15, NUM_OK, 0},
        {"-0", 15, NUM_OK, 0},
        {"-1.5", 15, NUM_OK, -150},
        {"171960", 15, NUM_OK, 17196000},
        {"1e2", 15, NUM_OK, 10000},
        {"1.2345e2", 15, NUM_OK, 12345},
        {"1e-2", 15, NUM_OK, 1},
        {"12345678901234.5", 15, NUM_OK, INT64_C(1234567890123450)},
        {"123456789012345", 15, NUM_OK, INT64_C(12345678901234500)},
        {"123456789012345.6", 0, NUM_OK, INT64_C(12345678901234560)},
        {"9999999999999999.99", 0, NUM_OK, INT64_C(999999999999999999)},
        /* 10^16 and more would need 19 digits in fen: refused (fuzz_money) */
        {"92233720368547758", 0, RANGE, 0},
        {"9e16", 15, RANGE, 0},
        {"12.345", 15, PRECISION, 0},
        {"1e-3", 15, PRECISION, 0},
        {"0.001", 15, PRECISION, 0},
        {"123456789012345.6", 15, PRECISION, 0},
        {"1234567890123456", 15, PRECISION, 0},
        {"1.0000", 4, PRECISION, 0},
        {"92233720368547758.07", 0, PRECISION, 0},
        {"92233720368547759", 0, RANGE, 0},
        {"1e17", 15, RANGE, 0},
        {"abc", 15, SYNTAX, 0},
        {"00", 1, SYNTAX, 0},
        {"12.", 15, SYNTAX, 0},
        {"", 15, SYNTAX, 0},
    };
    return cr_make_param_array(fen_parse_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(fen_parse_case *c, fen_parse, table)
{
    int64_t fen = 7;
    lci_num_status st = lci_fen_parse(c->in, strlen(c->in), c->max_sig, &fen);
    cr_assert_eq(st, c->st, "\"%s\" (max %d): status %d", c->in, c->max_sig, st);
    cr_assert_eq(fen, c->st == NUM_OK ? c->fen : 7, "\"%s\": got %lld", c->in, (long long)fen);
}

/* Every fen with at most 18 digits survives format then parse. */
Test(fen_parse, format_round_trip)
{
    const int64_t values[] = {0, 1, -1, 99, 100, 123456789, -123456789,
                              INT64_C(999999999999999999), -INT64_C(999999999999999999)};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        char buf[24];
        int64_t back = 7;
        size_t n = lci_fen_format(values[i], buf, sizeof buf);
        cr_assert_eq(lci_fen_parse(buf, n, 0, &back), NUM_OK, "%s", buf);
        cr_assert_eq(back, values[i], "%s", buf);
    }
}

/* INT64_MIN/MAX fen print with 19 digits, which a parse refuses. */
Test(fen_parse, extremes_do_not_round_trip)
{
    char buf[24];
    int64_t back;
    size_t n = lci_fen_format(INT64_MIN, buf, sizeof buf);
    cr_assert_eq(lci_fen_parse(buf, n, 0, &back), PRECISION);
}
