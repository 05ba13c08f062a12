/* Unit tests for lctime.c: RFC 3339, civil dates, months, local days. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/lctime.h"
#include "libcontract.h"

#define SEC LCI_NS_PER_SEC
#define DAY LCI_NS_PER_DAY

/* 2026-04-01T01:30:00Z */
#define T_2026_04_01_0130 (INT64_C(1775007000) * SEC)
/* 2026-03-31T16:00:00Z, i.e. midnight 2026-04-01 at +08:00 */
#define T_2026_03_31_1600 (INT64_C(1774972800) * SEC)
#define T_1900_01_01 (INT64_C(-2208988800) * SEC)
#define DAY_2026_03_03 20515
#define DAY_2026_04_01 20544
#define MONTH_2026_03 (2026 * 12 + 2)

/* Strings are stored inline: Criterion may run each parameter in a fresh
 * process, where pointers into the parent would not be valid. */
typedef struct parse_ok_case {
    char in[64];
    lci_time t;
    int offset;
} parse_ok_case;

typedef struct parse_bad_case {
    char in[64];
    char why[64]; /* expected prefix of the reason */
} parse_bad_case;

/* ---- lci_time_parse ---------------------------------------------------- */

ParameterizedTestParameters(time_parse, accepts)
{
    static parse_ok_case cases[] = {
        {"2026-04-01T01:30:00Z", T_2026_04_01_0130, 0},
        {"2026-04-01T09:30:00+08:00", T_2026_04_01_0130, 480},
        {"2026-03-31T20:00:00-05:30", T_2026_04_01_0130, -330},
        {"2026-04-01t01:30:00z", T_2026_04_01_0130, 0},
        {"2026-04-01T01:30:00-00:00", T_2026_04_01_0130, 0},
        {"2026-04-01T01:30:00+00:00", T_2026_04_01_0130, 0},
        {"2026-04-01T01:30:00.5Z", T_2026_04_01_0130 + 500000000, 0},
        {"2026-04-01T09:30:00.123+08:00", T_2026_04_01_0130 + 123000000, 480},
        {"2026-04-01T01:30:00.123456789Z", T_2026_04_01_0130 + 123456789, 0},
        {"2026-04-01T01:30:00.000000001Z", T_2026_04_01_0130 + 1, 0},
        {"2026-04-01T01:30:00.000Z", T_2026_04_01_0130, 0},
        {"2026-04-02T01:29:00+23:59", T_2026_04_01_0130, 1439},
        {"2026-03-31T01:31:00-23:59", T_2026_04_01_0130, -1439},
        {"2026-03-31T16:00:00Z", T_2026_03_31_1600, 0},
        {"2028-02-29T00:00:00Z", 21243 * DAY, 0},
        {"2000-02-29T00:00:00Z", 11016 * DAY, 0},
        {"1970-01-01T00:00:00Z", 0, 0},
        {"1969-12-31T23:59:59Z", -SEC, 0},
        {"1969-12-31T23:59:59.5Z", -SEC / 2, 0},
        {"1900-01-01T00:00:00Z", T_1900_01_01, 0},
        {"1900-01-01T00:00:00+23:59", T_1900_01_01 - 1439 * LCI_NS_PER_MIN, 1439},
        {"2200-12-31T23:59:59Z", INT64_C(7289654399) * SEC, 0},
        {"2200-12-31T23:59:59.999999999-23:59",
         INT64_C(7289654399) * SEC + 999999999 + 1439 * LCI_NS_PER_MIN, -1439},
    };
    return cr_make_param_array(parse_ok_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(parse_ok_case *c, time_parse, accepts)
{
    lci_time t = 42;
    int off = 42;
    char why[80] = "untouched";
    int rc = lci_time_parse(c->in, strlen(c->in), &t, &off, why, sizeof why);
    cr_assert_eq(rc, 0, "\"%s\": %s", c->in, why);
    cr_assert_eq(t, c->t, "\"%s\": t %lld", c->in, (long long)t);
    cr_assert_eq(off, c->offset, "\"%s\": offset %d", c->in, off);
    cr_assert_str_empty(why, "reason cleared on success");
}

ParameterizedTestParameters(time_parse, rejects)
{
    static parse_bad_case cases[] = {
        {"2026-02-29T00:00:00Z", "day 29 does not exist in 2026-02"},
        {"2026-02-30T00:00:00Z", "day 30 does not exist in 2026-02"},
        {"2026-04-31T00:00:00Z", "day 31 does not exist in 2026-04"},
        {"2026-04-00T00:00:00Z", "day 0 does not exist in 2026-04"},
        {"2100-02-29T00:00:00Z", "day 29 does not exist in 2100-02"},
        {"2026-13-01T00:00:00Z", "month 13 is out of range 01..12"},
        {"2026-00-01T00:00:00Z", "month 0 is out of range 01..12"},
        {"2026-04-01T24:00:00Z", "hour 24 is out of range"},
        {"2026-04-01T23:60:00Z", "minute 60 is out of range"},
        {"2026-04-01T23:59:60Z", "second 60 is out of range"},
        {"2026-04-01T09:30:00", "missing offset (add Z or +08:00)"},
        {"2026-04-01T09:30:00.5", "missing offset (add Z or +08:00)"},
        {"2026-04-01T09:30:00.Z", "missing digits after '.'"},
        {"2026-04-01T09:30:00,5Z", "expected offset Z, +HH:MM or -HH:MM"},
        {"2026-04-01T09:30:00 +08:00", "expected offset Z, +HH:MM or -HH:MM"},
        {"2026-04-01T09:30:00Zjunk", "unexpected text after the offset"},
        {"2026-04-01T09:30:00+08:00 ", "unexpected text after the offset"},
        {"2026-04-01T09:30:00ZZ", "unexpected text after the offset"},
        {"2026-04-01T09:30:00+24:00", "offset hour 24 is out of range"},
        {"2026-04-01T09:30:00+08:60", "offset minute 60 is out of range"},
        {"2026-04-01T09:30:00+0800", "expected ':' in the offset"},
        {"2026-04-01T09:30:00+8:00", "offset hour must be 2 digits"},
        {"2026-04-01T09:30:00+08", "expected ':' in the offset"},
        {"2026-04-01 09:30:00Z", "expected 'T' between date and time"},
        {"2026-04-01", "expected 'T' between date and time"},
        {"2026-04-01T9:30:00Z", "hour must be 2 digits"},
        {"2026-04-01T09-30-00Z", "expected ':' after the hour"},
        {"2026-04-01T09:30Z", "expected ':' after the minute"},
        {"2026-04-01T09:30:0Z", "second must be 2 digits"},
        {"1800-01-01T00:00:00Z", "year 1800 out of range 1900..2200"},
        {"1899-12-31T23:59:59Z", "year 1899 out of range 1900..2200"},
        {"2201-01-01T00:00:00Z", "year 2201 out of range 1900..2200"},
        {"26-04-01T00:00:00Z", "year must be 4 digits"},
        {"+2026-04-01T00:00:00Z", "year must be 4 digits"},
        {"2026/04/01T00:00:00Z", "expected '-' after the year"},
        {"2026-4-01T00:00:00Z", "month must be 2 digits"},
        {"2026-04-1T00:00:00Z", "day must be 2 digits"},
        {"", "year must be 4 digits"},
    };
    return cr_make_param_array(parse_bad_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(parse_bad_case *c, time_parse, rejects)
{
    lci_time t = 42;
    int off = 42;
    char why[80] = "";
    int rc = lci_time_parse(c->in, strlen(c->in), &t, &off, why, sizeof why);
    cr_assert_eq(rc, -1, "\"%s\" accepted", c->in);
    cr_assert_eq(strncmp(why, c->why, strlen(c->why)), 0, "\"%s\": reason \"%s\", want \"%s\"",
                 c->in, why, c->why);
    cr_assert_eq(t, 42, "output written on failure");
    cr_assert_eq(off, 42, "output written on failure");
}

Test(time_parse, reads_exactly_len_bytes)
{
    const char *s = "2026-04-01T01:30:00Zgarbage";
    lci_time t;
    int off;
    cr_assert_eq(lci_time_parse(s, 20, &t, &off, NULL, 0), 0);
    cr_assert_eq(t, T_2026_04_01_0130);
    cr_assert_eq(lci_time_parse(s, 19, &t, &off, NULL, 0), -1);
    cr_assert_eq(lci_time_parse("2026-04-01T01:30:00Z\0", 21, &t, &off, NULL, 0), -1);
    cr_assert_eq(lci_time_parse(NULL, 0, &t, &off, NULL, 0), -1);
}

Test(time_parse, reason_is_truncated_to_whysize)
{
    lci_time t;
    char why[8];
    cr_assert_eq(lci_time_parse("2026-04-01T24:00:00Z", 20, &t, NULL, why, sizeof why), -1);
    cr_assert_str_eq(why, "hour 24");
}

/* ---- the fast path against the careful scanner ------------------------- */

/* lci_time_parse reads the common shapes on a fast path and leaves the rest
 * to a careful scanner; the two must agree on every input.  Each input is
 * copied to a heap block of exactly its length, so that AddressSanitizer
 * catches any read past the end (the fast path reads eight bytes at a time). */

typedef struct outcome {
    int rc;
    lci_time t;
    int offset;
    char why[96];
} outcome;

typedef int (*time_parser)(const char *, size_t, lci_time *, int *, char *, size_t);

static outcome run_parser(time_parser parse, const char *s, size_t len)
{
    outcome o = {0, 42, 42, "unchanged"};
    o.rc = parse(s, len, &o.t, &o.offset, o.why, sizeof o.why);
    return o;
}

typedef struct agreement {
    long inputs, accepted, fast;
} agreement;

/* Checks one input; returns 1 if the fast path took it. */
static int check_agree(agreement *tally, const char *text, size_t len)
{
    char *s = malloc(len == 0 ? 1 : len);
    cr_assert_not_null(s);
    memcpy(s, text, len);
    outcome full = run_parser(lci_time_parse, s, len);
    outcome careful = run_parser(lci_time_parse_careful, s, len);
    lci_time ft = 42;
    int foff = 42;
    int fast = lci_time_parse_fast(s, len, &ft, &foff);
    free(s);
    if (full.rc != careful.rc || full.t != careful.t || full.offset != careful.offset ||
        strcmp(full.why, careful.why) != 0)
        cr_assert_fail("\"%.*s\" (%zu bytes): parse %d %lld %d \"%s\", careful %d %lld %d \"%s\"",
                 (int)len, text, len, full.rc, (long long)full.t, full.offset, full.why,
                 careful.rc, (long long)careful.t, careful.offset, careful.why);
    if (fast ? careful.rc != 0 || ft != careful.t || foff != careful.offset
             : ft != 42 || foff != 42)
        cr_assert_fail("\"%.*s\": fast path %d %lld %d, careful %d %lld %d", (int)len, text, fast,
                 (long long)ft, foff, careful.rc, (long long)careful.t, careful.offset);
    tally->inputs++;
    tally->accepted += careful.rc == 0;
    tally->fast += fast;
    return fast;
}

/* Every byte replaced by each of `bytes`, every truncation, one byte more. */
static void check_mutations_with(agreement *tally, const char *text, size_t len,
                                 const unsigned char *bytes, size_t count)
{
    char buf[64];
    cr_assert_lt(len, sizeof buf);
    check_agree(tally, text, len);
    for (size_t i = 0; i <= len; i++) {
        check_agree(tally, text, i < len ? i : len);
        for (size_t k = 0; k < count; k++) {
            memcpy(buf, text, len);
            buf[i] = (char)bytes[k];
            check_agree(tally, buf, len + (i == len)); /* i == len: appended */
        }
    }
}

/* The separators, their neighbours (which differ from them in one bit or
 * by one), the other case of 't' and 'z', every digit, and the extremes. */
static void check_mutations(agreement *tally, const char *text, size_t len)
{
    static const unsigned char bytes[] = {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9',
                                           '-', ':', 'T', 'Z', '+', '.', ' ', ',', '/', ';',
                                           '<', '*', ')', 't', 'z', 'S', 'U', 'Y', '[', 0x00,
                                           0xFF};
    check_mutations_with(tally, text, len, bytes, sizeof bytes);
}

/* Every byte value at every position. */
static void check_all_bytes(agreement *tally, const char *text, size_t len)
{
    unsigned char bytes[256];
    for (int b = 0; b < 256; b++)
        bytes[b] = (unsigned char)b;
    check_mutations_with(tally, text, len, bytes, sizeof bytes);
}

/* xorshift64: a fixed sequence, so failures reproduce. */
static uint64_t next_random(uint64_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

static unsigned pick(uint64_t *state, unsigned n)
{
    return (unsigned)(next_random(state) % n);
}

/* Mostly the edges (0 and max), sometimes anything in between. */
static int pick_edge(uint64_t *state, int max)
{
    switch (pick(state, 4)) {
    case 0: return 0;
    case 1: return max;
    default: return (int)pick(state, (unsigned)max + 1);
    }
}

typedef struct stamp {
    int y, m, d, h, mi, s, frac_digits, offset; /* offset 9999: "Z" */
    char frac[16], t, z;
} stamp;

static size_t stamp_write(const stamp *st, char *buf, size_t size)
{
    int n = snprintf(buf, size, "%04d-%02d-%02d%c%02d:%02d:%02d", st->y, st->m, st->d, st->t,
                     st->h, st->mi, st->s);
    if (st->frac_digits > 0)
        n += snprintf(buf + n, size - (size_t)n, ".%s", st->frac);
    if (st->offset == 9999) {
        n += snprintf(buf + n, size - (size_t)n, "%c", st->z);
    } else {
        int mag = st->offset < 0 ? -st->offset : st->offset;
        n += snprintf(buf + n, size - (size_t)n, "%c%02d:%02d", st->offset < 0 ? '-' : '+',
                      mag / 60, mag % 60);
    }
    return (size_t)n;
}

/* The instant computed from the fields, independently of the parser. */
static lci_time stamp_instant(const stamp *st)
{
    int64_t ns = 0;
    for (int i = 0; i < 9; i++)
        ns = ns * 10 + (i < st->frac_digits ? st->frac[i] - '0' : 0);
    int off = st->offset == 9999 ? 0 : st->offset;
    return lci_days_from_civil(st->y, st->m, st->d) * DAY +
           (int64_t)(st->h * 3600 + st->mi * 60 + st->s) * SEC + ns - (int64_t)off * 60 * SEC;
}

static int month_days(int y, int m)
{
    int d = 31;
    while (!lci_date_valid(y, m, d))
        d--;
    return d;
}

static stamp random_stamp(uint64_t *state)
{
    stamp st = {0};
    st.y = LCI_YEAR_MIN + (int)pick(state, LCI_YEAR_MAX - LCI_YEAR_MIN + 1);
    st.m = 1 + (int)pick(state, 12);
    st.d = pick(state, 3) == 0 ? month_days(st.y, st.m) : 1 + (int)pick(state, 28);
    st.h = pick_edge(state, 23);
    st.mi = pick_edge(state, 59);
    st.s = pick_edge(state, 59);
    st.t = pick(state, 4) == 0 ? 't' : 'T';
    st.frac_digits = pick(state, 2) == 0 ? 0 : 1 + (int)pick(state, 12);
    for (int i = 0; i < st.frac_digits; i++)
        st.frac[i] = (char)('0' + pick(state, 10));
    switch (pick(state, 4)) {
    case 0: st.offset = 9999; st.z = pick(state, 3) == 0 ? 'z' : 'Z'; break;
    case 1: st.offset = pick(state, 2) ? 480 : -330; break;
    default:
        st.offset = (pick(state, 2) ? 1 : -1) * (pick_edge(state, 23) * 60 + pick_edge(state, 59));
    }
    return st;
}

/* A valid stamp is accepted with the instant it names, by the fast path
 * too when it is one of its shapes (a fraction of at most nine digits). */
static void check_valid(agreement *tally, const stamp *st)
{
    char buf[64];
    size_t len = stamp_write(st, buf, sizeof buf);
    int fast = check_agree(tally, buf, len);
    lci_time t;
    int off;
    cr_assert_eq(lci_time_parse(buf, len, &t, &off, NULL, 0), 0, "%s", buf);
    cr_assert_eq(t, stamp_instant(st), "%s", buf);
    cr_assert_eq(off, st->offset == 9999 ? 0 : st->offset, "%s", buf);
    cr_assert_eq(fast, st->frac_digits <= 9, "%s: fast path %s", buf,
                 fast ? "took it" : "declined");
}

Test(time_fast_path, agrees_on_random_stamps_and_their_mutations)
{
    agreement tally = {0};
    uint64_t state = 0x9E3779B97F4A7C15u;
    for (int i = 0; i < 1500; i++) {
        stamp st = random_stamp(&state);
        char buf[64];
        check_valid(&tally, &st);
        check_mutations(&tally, buf, stamp_write(&st, buf, sizeof buf));
    }
    cr_assert_gt(tally.fast, 1500, "the fast path took %ld of %ld inputs", tally.fast,
                 tally.inputs);
    cr_assert_gt(tally.inputs - tally.accepted, tally.inputs / 2, "mutations mostly invalid");
}

/* Every day of every year accepted, and the days just past each month's
 * end (29 February in every year among them), at both ends of the clock. */
Test(time_fast_path, agrees_on_every_date)
{
    agreement tally = {0};
    for (int y = LCI_YEAR_MIN - 1; y <= LCI_YEAR_MAX + 1; y++) {
        for (int m = 0; m <= 13; m++) {
            for (int d = 0; d <= 32; d++) {
                int end = d % 2; /* 23:59:59 or 00:00:00 */
                stamp st = {y, m, d, end ? 23 : 0, end ? 59 : 0, end ? 59 : 0, 0,
                            y % 3 ? 480 : 9999, "", 'T', 'Z'};
                int valid = y >= LCI_YEAR_MIN && y <= LCI_YEAR_MAX && lci_date_valid(y, m, d);
                char buf[64];
                size_t len = stamp_write(&st, buf, sizeof buf);
                if (valid)
                    check_valid(&tally, &st);
                else
                    cr_assert_eq(check_agree(&tally, buf, len), 0, "%s", buf);
                cr_assert_eq(tally.accepted, tally.fast, "%s", buf);
            }
        }
    }
    cr_assert_eq(tally.accepted, 301 * 365 + 73, "days in 1900..2200");
}

typedef struct edge_case {
    char in[48];
    int rc;
} edge_case;

ParameterizedTestParameters(time_fast_path, edges)
{
    static edge_case cases[] = {
        {"2026-02-29T00:00:00Z", -1},
        {"2024-02-29T00:00:00Z", 0},
        {"2100-02-29T00:00:00Z", -1},
        {"2000-02-29T00:00:00Z", 0},
        {"1900-02-29T00:00:00Z", -1},
        {"1899-12-31T23:59:59Z", -1},
        {"1900-01-01T00:00:00Z", 0},
        {"2200-12-31T23:59:59+00:00", 0},
        {"2200-12-31T23:59:59.999999999Z", 0},
        {"2201-01-01T00:00:00Z", -1},
        {"2026-04-01T24:00:00Z", -1},
        {"2026-04-01T23:60:00Z", -1},
        {"2026-04-01T23:59:60Z", -1},
        {"2026-04-01T29:00:00Z", -1},
        {"2026-04-01T09:30:00+24:00", -1},
        {"2026-04-01T09:30:00+23:60", -1},
        {"2026-04-01T09:30:00+23:59", 0},
        {"2026-04-01T09:30:00-23:59", 0},
        {"2026-04-01T09:30:00-00:00", 0},
        {"2026-04-01T09:30:00*08:00", -1},
        {"2026-04-01T09:30:00,08:00", -1},
        {"2026-04-01T09:30:00/08:00", -1},
        {"2026-04-01T09:30:00)08:00", -1},
        {"2026-04-01T09:30:00+08-00", -1},
        {"2026-04-01T09:30:00+0800", -1},
        {"2026-04-01T09:30:00+08:00Z", -1},
        {"2026-04-01T09:30:00Z+08:00", -1},
        {"2026-04-01T09:30:00.Z", -1},
        {"2026-04-01T09:30:00.+08:00", -1},
        {"2026-04-01T09:30:00.5+08:00", 0},
        {"2026-04-01T09:30:00.12345678Z", 0},
        {"2026-04-01T09:30:00.123456789+08:00", 0},
        {"2026-04-01T09:30:00.1234567891Z", 0},
        {"2026-04-01T09:30:00.12a+08:00", -1},
        {"2026-04-01T09:30:00.1.2+08:00", -1},
        {"2026-04-01T09:30:00..1Z", -1},
        {"2026-04-01T09:30:00ZZ", -1},
        {"2026-04-01T09:30:00", -1},
        {"2026-04-01 09:30:00Z", -1},
        {"2026-04-01U09:30:00Z", -1},
        {"2026-04-01T09:30:00Y", -1},
        {"2026-00-01T09:30:00Z", -1},
        {"2026-13-01T09:30:00Z", -1},
        {"2026-19-01T09:30:00Z", -1},
        {"2026-04-00T09:30:00Z", -1},
        {"2026-04-31T09:30:00Z", -1},
        {"2026-04-3:T09:30:00Z", -1},
        {"2026-04-01T09:3:00Z", -1},
        {"2026-04-01T09:30:0:Z", -1},
        {"3026-04-01T09:30:00Z", -1},
        {"0026-04-01T09:30:00Z", -1},
        {"2026-04-01T09:30:00+08:0a", -1},
        {"2026-04-01T09:30:00+0:000", -1},
    };
    return cr_make_param_array(edge_case, cases, sizeof cases / sizeof cases[0]);
}

/* The fast path takes every valid timestamp with at most nine digits of
 * fraction. */
static int fast_shape(const edge_case *c)
{
    const char *dot = strchr(c->in, '.');
    return c->rc == 0 && (dot == NULL || strspn(dot + 1, "0123456789") <= 9);
}

ParameterizedTest(edge_case *c, time_fast_path, edges)
{
    agreement tally = {0};
    int fast = check_agree(&tally, c->in, strlen(c->in));
    lci_time t;
    cr_assert_eq(lci_time_parse(c->in, strlen(c->in), &t, NULL, NULL, 0), c->rc, "%s", c->in);
    cr_assert_eq(fast, fast_shape(c), "%s: fast path %d", c->in, fast);
    check_all_bytes(&tally, c->in, strlen(c->in));
}

/* ---- lci_time_format --------------------------------------------------- */

typedef struct format_case {
    lci_time t;
    int offset;
    char text[40];
} format_case;

ParameterizedTestParameters(time_format, table)
{
    static format_case cases[] = {
        {T_2026_04_01_0130, 480, "2026-04-01T09:30:00+08:00"},
        {T_2026_04_01_0130, 0, "2026-04-01T01:30:00+00:00"},
        {T_2026_04_01_0130, -330, "2026-03-31T20:00:00-05:30"},
        {T_2026_04_01_0130, 1439, "2026-04-02T01:29:00+23:59"},
        {T_2026_04_01_0130, -1439, "2026-03-31T01:31:00-23:59"},
        {T_2026_04_01_0130 + 500000000, 480, "2026-04-01T09:30:00.5+08:00"},
        {T_2026_04_01_0130 + 120000000, 0, "2026-04-01T01:30:00.12+00:00"},
        {T_2026_04_01_0130 + 123456789, 0, "2026-04-01T01:30:00.123456789+00:00"},
        {T_2026_04_01_0130 + 1, 0, "2026-04-01T01:30:00.000000001+00:00"},
        {0, 0, "1970-01-01T00:00:00+00:00"},
        {-1, 0, "1969-12-31T23:59:59.999999999+00:00"},
        {-SEC, 0, "1969-12-31T23:59:59+00:00"},
        {-SEC, 60, "1970-01-01T00:59:59+01:00"},
        {T_1900_01_01, 0, "1900-01-01T00:00:00+00:00"},
        {T_1900_01_01, -1, "1899-12-31T23:59:00-00:01"},
        {INT64_C(7289654399) * SEC, 0, "2200-12-31T23:59:59+00:00"},
        {INT64_MIN, 0, "1677-09-21T00:12:43.145224192+00:00"},
        {INT64_MAX, 0, "2262-04-11T23:47:16.854775807+00:00"},
        {INT64_MIN, -1439, "1677-09-20T00:13:43.145224192-23:59"},
        {INT64_MAX, 1439, "2262-04-12T23:46:16.854775807+23:59"},
    };
    return cr_make_param_array(format_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(format_case *c, time_format, table)
{
    char buf[40];
    size_t n = lci_time_format(c->t, c->offset, buf, sizeof buf);
    cr_assert_str_eq(buf, c->text);
    cr_assert_eq(n, strlen(c->text));
}

Test(time_format, truncates_like_snprintf)
{
    char buf[11];
    cr_assert_eq(lci_time_format(0, 0, buf, sizeof buf), 25);
    cr_assert_str_eq(buf, "1970-01-01");
    cr_assert_eq(lci_time_format(0, 0, NULL, 0), 25);
}

/* Any instant in range, at any offset, survives format then parse. */
Test(time_format, round_trips_through_parse)
{
    const lci_time lo = T_1900_01_01 + DAY, hi = INT64_C(7289654399) * SEC - DAY;
    uint64_t state = 12345;
    for (int i = 0; i < 5000; i++) {
        state = state * 6364136223846793005u + 1442695040888963407u;
        lci_time t = lo + (lci_time)((state >> 1) % ((uint64_t)hi - (uint64_t)lo));
        if (i % 3 == 0)
            t -= t % SEC; /* also whole seconds, without a fraction */
        int off = (int)((state >> 20) % 2879) - 1439;
        char buf[40], why[80] = "";
        lci_time back;
        int back_off;
        size_t n = lci_time_format(t, off, buf, sizeof buf);
        cr_assert_eq(lci_time_parse(buf, n, &back, &back_off, why, sizeof why), 0, "%s: %s", buf,
                     why);
        cr_assert_eq(back, t, "%s", buf);
        cr_assert_eq(back_off, off, "%s", buf);
    }
}

Test(time_format, canonical_strings_round_trip)
{
    const char *in[] = {"2026-04-01T09:30:00+08:00", "2026-04-01T09:30:00.5+08:00",
                        "1969-12-31T23:59:59.999999999-05:30", "2200-12-31T23:59:59+00:00"};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        lci_time t;
        int off;
        char buf[40];
        cr_assert_eq(lci_time_parse(in[i], strlen(in[i]), &t, &off, NULL, 0), 0);
        lci_time_format(t, off, buf, sizeof buf);
        cr_assert_str_eq(buf, in[i]);
    }
}

/* ---- civil dates ------------------------------------------------------- */

Test(civil, known_days)
{
    cr_assert_eq(lci_days_from_civil(1970, 1, 1), 0);
    cr_assert_eq(lci_days_from_civil(1969, 12, 31), -1);
    cr_assert_eq(lci_days_from_civil(2026, 3, 3), DAY_2026_03_03);
    cr_assert_eq(lci_days_from_civil(2026, 4, 1), DAY_2026_04_01);
    cr_assert_eq(lci_days_from_civil(2000, 2, 29), 11016);
    cr_assert_eq(lci_days_from_civil(2000, 3, 1), 11017);
    cr_assert_eq(lci_days_from_civil(1900, 1, 1), -25567);
    cr_assert_eq(lci_days_from_civil(2200, 12, 31), 84370);
    cr_assert_eq(lci_days_from_civil(0, 3, 1), -719468);
    cr_assert_eq(lci_days_from_civil(0, 1, 1), -719528);
}

/* Walking day by day, each date is the day after the previous one. */
Test(civil, consecutive_days_round_trip)
{
    int64_t y;
    int m, d;
    lci_civil_from_days(-800001, &y, &m, &d);
    for (int64_t days = -800000; days <= 800000; days++) {
        int64_t py = y;
        int pm = m, pd = d;
        lci_civil_from_days(days, &y, &m, &d);
        cr_assert(lci_date_valid(y, m, d), "day %lld", (long long)days);
        cr_assert_eq(lci_days_from_civil(y, m, d), days);
        int next_day = d == pd + 1 && m == pm && y == py;
        int next_month =
            d == 1 && ((m == pm + 1 && y == py) || (m == 1 && pm == 12 && y == py + 1));
        cr_assert(next_day || next_month, "day %lld: %lld-%d-%d", (long long)days, (long long)y,
                  m, d);
    }
}

Test(civil, date_valid)
{
    cr_assert(lci_date_valid(2028, 2, 29));
    cr_assert(lci_date_valid(2000, 2, 29));
    cr_assert(lci_date_valid(2026, 12, 31));
    cr_assert(lci_date_valid(2026, 1, 1));
    cr_assert_not(lci_date_valid(2026, 2, 29));
    cr_assert_not(lci_date_valid(1900, 2, 29));
    cr_assert_not(lci_date_valid(2100, 2, 29));
    cr_assert_not(lci_date_valid(2026, 4, 31));
    cr_assert_not(lci_date_valid(2026, 13, 1));
    cr_assert_not(lci_date_valid(2026, 0, 1));
    cr_assert_not(lci_date_valid(2026, 1, 0));
    cr_assert_not(lci_date_valid(2026, 1, 32));
}

Test(civil, weekday)
{
    cr_assert_eq(lci_weekday(DAY_2026_03_03), 1, "2026-03-03 is a Tuesday");
    cr_assert_eq(lci_weekday(0), 3, "1970-01-01 was a Thursday");
    cr_assert_eq(lci_weekday(-1), 2);
    cr_assert_eq(lci_weekday(-3), 0, "1969-12-29 was a Monday");
    cr_assert_eq(lci_weekday(-25567), 0, "1900-01-01 was a Monday");
    cr_assert_eq(lci_weekday(DAY_2026_03_03 + 5), 6, "2026-03-08 is a Sunday");
    for (int64_t d = -1000; d < 1000; d++)
        cr_assert_eq(lci_weekday(d + 1), (lci_weekday(d) + 1) % 7);
}

/* ---- lci_date_parse / lci_date_format ---------------------------------- */

Test(date, parse)
{
    int64_t days = 42;
    char why[80];
    cr_assert_eq(lci_date_parse("2026-03-03", 10, &days, why, sizeof why), 0);
    cr_assert_eq(days, DAY_2026_03_03);
    cr_assert_eq(lci_date_parse("1900-01-01", 10, &days, NULL, 0), 0);
    cr_assert_eq(days, -25567);
    cr_assert_eq(lci_date_parse("2028-02-29", 10, &days, NULL, 0), 0);
    cr_assert_eq(days, 21243);
}

Test(date, parse_rejects)
{
    int64_t days = 42;
    char why[80];
    cr_assert_eq(lci_date_parse("2026-02-29", 10, &days, why, sizeof why), -1);
    cr_assert_str_eq(why, "day 29 does not exist in 2026-02");
    cr_assert_eq(lci_date_parse("2026-03-03T00:00:00Z", 20, &days, why, sizeof why), -1);
    cr_assert_str_eq(why, "unexpected text after the date (at position 10)");
    cr_assert_eq(lci_date_parse("2026-3-3", 8, &days, why, sizeof why), -1);
    cr_assert_str_eq(why, "month must be 2 digits (at position 5)");
    cr_assert_eq(lci_date_parse("2026-03", 7, &days, why, sizeof why), -1);
    cr_assert_str_eq(why, "expected '-' after the month (at position 7)");
    cr_assert_eq(lci_date_parse("1899-12-31", 10, &days, why, sizeof why), -1);
    cr_assert_str_eq(why, "year 1899 out of range 1900..2200");
    cr_assert_eq(days, 42);
}

Test(date, format)
{
    char buf[11];
    cr_assert_eq(lci_date_format(DAY_2026_03_03, buf, sizeof buf), 10);
    cr_assert_str_eq(buf, "2026-03-03");
    lci_date_format(0, buf, sizeof buf);
    cr_assert_str_eq(buf, "1970-01-01");
    lci_date_format(-1, buf, sizeof buf);
    cr_assert_str_eq(buf, "1969-12-31");
    lci_date_format(-25567, buf, sizeof buf);
    cr_assert_str_eq(buf, "1900-01-01");
    lci_date_format(84370, buf, sizeof buf);
    cr_assert_str_eq(buf, "2200-12-31");
}

/* ---- months ------------------------------------------------------------ */

Test(month, parse)
{
    int64_t month = 42;
    char why[80];
    cr_assert_eq(lci_month_parse("2026-03", 7, &month, why, sizeof why), 0);
    cr_assert_eq(month, MONTH_2026_03);
    cr_assert_eq(lci_month_parse("2026-12", 7, &month, NULL, 0), 0);
    cr_assert_eq(month, 2026 * 12 + 11);
    cr_assert_eq(lci_month_parse("2026-01", 7, &month, NULL, 0), 0);
    cr_assert_eq(month, 2026 * 12);
}

Test(month, parse_rejects)
{
    int64_t month = 42;
    char why[80];
    cr_assert_eq(lci_month_parse("2026-13", 7, &month, why, sizeof why), -1);
    cr_assert_str_eq(why, "month 13 is out of range 01..12");
    cr_assert_eq(lci_month_parse("2026-00", 7, &month, why, sizeof why), -1);
    cr_assert_str_eq(why, "month 0 is out of range 01..12");
    cr_assert_eq(lci_month_parse("2026-03-01", 10, &month, why, sizeof why), -1);
    cr_assert_str_eq(why, "unexpected text after the month (at position 7)");
    cr_assert_eq(lci_month_parse("2026-3", 6, &month, why, sizeof why), -1);
    cr_assert_str_eq(why, "month must be 2 digits (at position 5)");
    cr_assert_eq(lci_month_parse("2201-01", 7, &month, why, sizeof why), -1);
    cr_assert_str_eq(why, "year 2201 out of range 1900..2200");
    cr_assert_eq(month, 42);
}

Test(month, format)
{
    char buf[8];
    cr_assert_eq(lci_month_format(MONTH_2026_03, buf, sizeof buf), 7);
    cr_assert_str_eq(buf, "2026-03");
    lci_month_format(2026 * 12 + 11, buf, sizeof buf);
    cr_assert_str_eq(buf, "2026-12");
    lci_month_format(2027 * 12, buf, sizeof buf);
    cr_assert_str_eq(buf, "2027-01");
    lci_month_format(1900 * 12, buf, sizeof buf);
    cr_assert_str_eq(buf, "1900-01");
}

Test(month, first_day)
{
    cr_assert_eq(lci_month_first_day(MONTH_2026_03 + 1), DAY_2026_04_01);
    cr_assert_eq(lci_month_first_day(1970 * 12), 0);
    cr_assert_eq(lci_month_first_day(1969 * 12 + 11), -31);
    cr_assert_eq(lci_month_first_day(2028 * 12 + 2), 21244);
    for (int64_t m = 1900 * 12; m < 2200 * 12; m++) {
        int64_t y;
        int mm, d;
        lci_civil_from_days(lci_month_first_day(m), &y, &mm, &d);
        cr_assert_eq(y * 12 + mm - 1, m);
        cr_assert_eq(d, 1);
    }
}

/* ---- local days and months --------------------------------------------- */

Test(local, month_depends_on_offset)
{
    /* 2026-03-31T16:00:00Z is already April in Beijing. */
    cr_assert_eq(lci_local_month(T_2026_03_31_1600, 480), MONTH_2026_03 + 1);
    cr_assert_eq(lci_local_month(T_2026_03_31_1600, 0), MONTH_2026_03);
    cr_assert_eq(lci_local_month(T_2026_03_31_1600, 479), MONTH_2026_03);
    cr_assert_eq(lci_local_month(T_2026_03_31_1600 - 1, 480), MONTH_2026_03);
    cr_assert_eq(lci_local_month(-1, 0), 1969 * 12 + 11);
    cr_assert_eq(lci_local_month(-1, 1), 1970 * 12);
}

Test(local, day_around_midnight)
{
    cr_assert_eq(lci_local_day(T_2026_03_31_1600, 480), DAY_2026_04_01);
    cr_assert_eq(lci_local_day(T_2026_03_31_1600 - 1, 480), DAY_2026_04_01 - 1);
    cr_assert_eq(lci_local_day(T_2026_03_31_1600, 0), DAY_2026_04_01 - 1);
    cr_assert_eq(lci_day_start(DAY_2026_04_01, 480), T_2026_03_31_1600);
    cr_assert_eq(lci_day_start(DAY_2026_04_01, 0), T_2026_03_31_1600 + 8 * LCI_NS_PER_HOUR);
    cr_assert_eq(lci_day_start(DAY_2026_04_01, -330),
                 T_2026_03_31_1600 + 8 * LCI_NS_PER_HOUR + 330 * LCI_NS_PER_MIN);
    cr_assert_eq(lci_local_day(0, 0), 0);
    cr_assert_eq(lci_local_day(-1, 0), -1);
    cr_assert_eq(lci_local_day(-1, 480), 0);
    cr_assert_eq(lci_local_day(0, -1), -1);
    cr_assert_eq(lci_day_start(0, 0), 0);
    cr_assert_eq(lci_day_start(-1, 0), -DAY);
}

/* The day starting at lci_day_start is the local day, and the nanosecond
 * before it belongs to the previous one, at every offset. */
Test(local, day_start_consistent_with_local_day)
{
    const int offsets[] = {-1439, -720, -330, -1, 0, 1, 60, 480, 545, 1439};
    for (size_t i = 0; i < sizeof offsets / sizeof offsets[0]; i++) {
        int off = offsets[i];
        for (int64_t d = -25567; d <= 84370; d += 97) {
            lci_time start = lci_day_start(d, off);
            cr_assert_eq(lci_local_day(start, off), d, "day %lld at %d", (long long)d, off);
            cr_assert_eq(lci_local_day(start - 1, off), d - 1);
            cr_assert_eq(lci_local_day(start + DAY - 1, off), d);
            cr_assert_eq(lci_day_start(d + 1, off) - start, DAY);
        }
    }
}

Test(local, extremes_do_not_overflow)
{
    cr_assert_eq(lci_local_day(INT64_MIN, -1439), -106752 - 1);
    cr_assert_eq(lci_local_day(INT64_MAX, 1439), 106751 + 1);
}

Test(time_parse, null_text_is_refused_not_read)
{
    lci_time t;
    int off;
    char why[80];
    cr_assert_eq(lci_time_parse(NULL, 25, &t, &off, why, sizeof why), -1);
    cr_assert_eq(lci_time_parse(NULL, 0, &t, &off, NULL, 0), -1);
}

/* The public pair: what events and results write, read back exactly. */
Test(public_time, parse_and_format_round_trip)
{
    int64_t ns = 0;
    int offset = 0;
    lc_error err = {0};
    const char *text = "2026-04-01T09:30:00.25+08:00";
    cr_assert_eq(lc_time_parse(text, strlen(text), &ns, &offset, &err), LC_OK, "%s", err.message);
    cr_assert_eq(offset, 480);
    cr_assert_eq(ns, INT64_C(1775007000250000000));
    char buf[LC_TIME_TEXT_MAX];
    cr_assert_eq(lc_time_format(ns, offset, buf, sizeof buf), strlen(text));
    cr_assert_str_eq(buf, text);
    cr_assert_eq(lc_time_format(ns, 0, buf, sizeof buf), strlen("2026-04-01T01:30:00.25+00:00"));
    cr_assert_str_eq(buf, "2026-04-01T01:30:00.25+00:00");
    /* too small a buffer: nothing written, the length needed returned */
    char small[8] = "unset";
    cr_assert_eq(lc_time_format(ns, offset, small, sizeof small), strlen(text));
    cr_assert_str_eq(small, "unset");
    cr_assert_eq(lc_time_format(ns, 24 * 60, buf, sizeof buf), 0);
    cr_assert_eq(lc_time_parse("2026-02-30T00:00:00Z", 20, &ns, NULL, &err), LC_EUSAGE);
    cr_assert(strstr(err.message, "day 30 does not exist in 2026-02"), "%s", err.message);
    cr_assert_eq(lc_time_parse("2026-04-01T09:30:00", 19, &ns, NULL, &err), LC_EUSAGE);
    cr_assert_eq(lc_time_parse(NULL, 0, &ns, NULL, &err), LC_EUSAGE);
}
