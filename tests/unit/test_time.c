/* Unit tests for lctime.c: RFC 3339, civil dates, months, local days. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <string.h>

#include "lctime.h"

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
