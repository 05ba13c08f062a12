/* lctime.c — instants, RFC 3339, civil dates and months (see lctime.h). */
#include "lctime.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#if defined(__GNUC__)
#define LCI_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define LCI_PRINTF(fmt, args)
#endif

/* Days from 0000-03-01 to 1970-01-01 in the March-based count below. */
#define DAYS_0000_03_01_TO_EPOCH 719468
#define DAYS_PER_ERA 146097 /* 400 Gregorian years */

/* Floor division and its non-negative remainder, without overflow. */
static void floor_divmod(int64_t a, int64_t b, int64_t *q, int64_t *r)
{
    *q = a / b;
    *r = a % b;
    if (*r < 0) {
        *r += b;
        (*q)--;
    }
}

/* ---- civil calendar ---------------------------------------------------- */

/* Years are counted from March so that the leap day ends the year, and
 * grouped in 400-year eras so every era has the same shape. */
int64_t lci_days_from_civil(int64_t y, int m, int d)
{
    int64_t year = y - (m <= 2);
    int64_t era, yoe;
    floor_divmod(year, 400, &era, &yoe);
    int64_t month_from_march = (m + 9) % 12;
    int64_t doy = (153 * month_from_march + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * DAYS_PER_ERA + doe - DAYS_0000_03_01_TO_EPOCH;
}

void lci_civil_from_days(int64_t days, int64_t *y, int *m, int *d)
{
    int64_t era, doe;
    floor_divmod(days + DAYS_0000_03_01_TO_EPOCH, DAYS_PER_ERA, &era, &doe);
    /* Undo the leap days (every 4th year but not 100th, 400th is last). */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t month_from_march = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * month_from_march + 2) / 5 + 1);
    *m = (int)(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
    *y = era * 400 + yoe + (*m <= 2);
}

static int is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m)
{
    static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : len[m - 1];
}

int lci_date_valid(int64_t y, int m, int d)
{
    return m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

int lci_weekday(int64_t days)
{
    int64_t weeks, r;
    floor_divmod(days, 7, &weeks, &r);
    return (int)((r + 3) % 7); /* 1970-01-01 was a Thursday */
}

/* ---- months and local days --------------------------------------------- */

static void month_split(int64_t month, int64_t *y, int *m)
{
    int64_t r;
    floor_divmod(month, 12, y, &r);
    *m = (int)r + 1;
}

int64_t lci_month_first_day(int64_t month)
{
    int64_t y;
    int m;
    month_split(month, &y, &m);
    return lci_days_from_civil(y, m, 1);
}

/* Local day and nanosecond of day; the offset is applied in whole days
 * plus a sub-day remainder so no intermediate can overflow. */
static void split_local(lci_time t, int offset_min, int64_t *days, int64_t *ns)
{
    int64_t off_days, off_min;
    floor_divmod(t, LCI_NS_PER_DAY, days, ns);
    floor_divmod(offset_min, 24 * 60, &off_days, &off_min);
    *days += off_days;
    *ns += off_min * LCI_NS_PER_MIN;
    if (*ns >= LCI_NS_PER_DAY) {
        *ns -= LCI_NS_PER_DAY;
        (*days)++;
    }
}

int64_t lci_local_day(lci_time t, int offset_min)
{
    int64_t days, ns;
    split_local(t, offset_min, &days, &ns);
    return days;
}

lci_time lci_day_start(int64_t days, int offset_min)
{
    return days * LCI_NS_PER_DAY - (int64_t)offset_min * LCI_NS_PER_MIN;
}

int64_t lci_local_month(lci_time t, int offset_min)
{
    int64_t y;
    int m, d;
    lci_civil_from_days(lci_local_day(t, offset_min), &y, &m, &d);
    return y * 12 + (m - 1);
}

/* ---- formatting -------------------------------------------------------- */

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

static size_t put_date(char *out, size_t size, int64_t days)
{
    int64_t y;
    int m, d;
    lci_civil_from_days(days, &y, &m, &d);
    int n = snprintf(out, size, "%04" PRId64 "-%02d-%02d", y, m, d);
    return n < 0 ? 0 : (size_t)n;
}

/* ".5", ".000001": only the digits that carry information. */
static size_t put_fraction(char *out, size_t size, int64_t frac_ns)
{
    if (frac_ns == 0)
        return 0;
    int width = 9;
    while (frac_ns % 10 == 0) {
        frac_ns /= 10;
        width--;
    }
    int n = snprintf(out, size, ".%0*" PRId64, width, frac_ns);
    return n < 0 ? 0 : (size_t)n;
}

static size_t put_offset(char *out, size_t size, int offset_min)
{
    int64_t mag = offset_min < 0 ? -(int64_t)offset_min : offset_min;
    int n = snprintf(out, size, "%c%02" PRId64 ":%02" PRId64, offset_min < 0 ? '-' : '+',
                     mag / 60, mag % 60);
    return n < 0 ? 0 : (size_t)n;
}

size_t lci_time_format(lci_time t, int offset_min, char *buf, size_t bufsize)
{
    int64_t days, ns;
    split_local(t, offset_min, &days, &ns);
    int64_t sec = ns / LCI_NS_PER_SEC;
    char tmp[96];
    size_t n = put_date(tmp, sizeof tmp, days);
    n += (size_t)snprintf(tmp + n, sizeof tmp - n, "T%02d:%02d:%02d", (int)(sec / 3600),
                          (int)(sec / 60 % 60), (int)(sec % 60));
    n += put_fraction(tmp + n, sizeof tmp - n, ns % LCI_NS_PER_SEC);
    n += put_offset(tmp + n, sizeof tmp - n, offset_min);
    return emit(tmp, n, buf, bufsize);
}

size_t lci_date_format(int64_t days, char *buf, size_t bufsize)
{
    char tmp[48];
    return emit(tmp, put_date(tmp, sizeof tmp, days), buf, bufsize);
}

size_t lci_month_format(int64_t month, char *buf, size_t bufsize)
{
    int64_t y;
    int m;
    month_split(month, &y, &m);
    char tmp[48];
    int n = snprintf(tmp, sizeof tmp, "%04" PRId64 "-%02d", y, m);
    return emit(tmp, n < 0 ? 0 : (size_t)n, buf, bufsize);
}

/* ---- parsing ----------------------------------------------------------- */

/* A cursor over exactly len bytes that reports the first problem found. */
typedef struct scan {
    const char *s;
    size_t len;
    size_t pos;
    char *why;
    size_t whysize;
} scan;

static scan scan_start(const char *s, size_t len, char *why, size_t whysize)
{
    scan sc = {s, s == NULL ? 0 : len, 0, why, whysize};
    if (why != NULL && whysize > 0)
        why[0] = '\0';
    return sc;
}

static int fail(scan *sc, const char *fmt, ...) LCI_PRINTF(2, 3);

static int fail(scan *sc, const char *fmt, ...)
{
    if (sc->why != NULL && sc->whysize > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(sc->why, sc->whysize, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int peek(const scan *sc)
{
    return sc->pos < sc->len ? (unsigned char)sc->s[sc->pos] : -1;
}

/* A fixed-width field; a short one is reported where the field starts. */
static int take_digits(scan *sc, int count, int *val, const char *what)
{
    size_t start = sc->pos;
    int v = 0;
    for (size_t i = start; i < start + (size_t)count; i++) {
        if (i >= sc->len || !is_digit(sc->s[i]))
            return fail(sc, "%s must be %d digits (at position %zu)", what, count, start);
        v = v * 10 + (sc->s[i] - '0');
    }
    sc->pos = start + (size_t)count;
    *val = v;
    return 0;
}

static int take_char(scan *sc, char c, const char *where)
{
    if (peek(sc) != c)
        return fail(sc, "expected '%c' %s (at position %zu)", c, where, sc->pos);
    sc->pos++;
    return 0;
}

static int take_end(scan *sc, const char *what)
{
    if (sc->pos != sc->len)
        return fail(sc, "unexpected text after the %s (at position %zu)", what, sc->pos);
    return 0;
}

static int take_year_month(scan *sc, int *y, int *m)
{
    if (take_digits(sc, 4, y, "year") < 0)
        return -1;
    if (*y < LCI_YEAR_MIN || *y > LCI_YEAR_MAX)
        return fail(sc, "year %d out of range %d..%d", *y, LCI_YEAR_MIN, LCI_YEAR_MAX);
    if (take_char(sc, '-', "after the year") < 0 || take_digits(sc, 2, m, "month") < 0)
        return -1;
    if (*m < 1 || *m > 12)
        return fail(sc, "month %d is out of range 01..12", *m);
    return 0;
}

static int take_date(scan *sc, int64_t *days)
{
    int y = 0, m = 0, d = 0;
    if (take_year_month(sc, &y, &m) < 0 || take_char(sc, '-', "after the month") < 0 ||
        take_digits(sc, 2, &d, "day") < 0)
        return -1;
    if (!lci_date_valid(y, m, d))
        return fail(sc, "day %d does not exist in %04d-%02d", d, y, m);
    *days = lci_days_from_civil(y, m, d);
    return 0;
}

static int take_clock(scan *sc, int64_t *sec_of_day)
{
    int h = 0, mi = 0, s = 0;
    if (take_digits(sc, 2, &h, "hour") < 0)
        return -1;
    if (h > 23)
        return fail(sc, "hour %d is out of range 00..23", h);
    if (take_char(sc, ':', "after the hour") < 0 || take_digits(sc, 2, &mi, "minute") < 0)
        return -1;
    if (mi > 59)
        return fail(sc, "minute %d is out of range 00..59", mi);
    if (take_char(sc, ':', "after the minute") < 0 || take_digits(sc, 2, &s, "second") < 0)
        return -1;
    if (s > 59)
        return fail(sc, "second %d is out of range 00..59 (no leap seconds)", s);
    *sec_of_day = (int64_t)h * 3600 + mi * 60 + s;
    return 0;
}

/* Optional ".d…": any number of digits (RFC 3339 sets no limit); the
 * instant keeps nanoseconds, finer digits are read and dropped. */
static int take_fraction(scan *sc, int64_t *ns)
{
    *ns = 0;
    if (peek(sc) != '.')
        return 0;
    sc->pos++;
    int count = 0;
    for (; is_digit((char)peek(sc)); sc->pos++, count++) {
        if (count < 9)
            *ns = *ns * 10 + (sc->s[sc->pos] - '0');
    }
    if (count == 0)
        return fail(sc, "missing digits after '.' (at position %zu)", sc->pos);
    for (; count < 9; count++)
        *ns *= 10;
    return 0;
}

static int take_offset(scan *sc, int *offset_min)
{
    int c = peek(sc);
    if (c == -1)
        return fail(sc, "missing offset (add Z or +08:00)");
    if (c == 'Z' || c == 'z') {
        sc->pos++;
        *offset_min = 0;
        return 0;
    }
    if (c != '+' && c != '-')
        return fail(sc, "expected offset Z, +HH:MM or -HH:MM (at position %zu)", sc->pos);
    sc->pos++;
    int h = 0, m = 0;
    if (take_digits(sc, 2, &h, "offset hour") < 0)
        return -1;
    if (h > 23)
        return fail(sc, "offset hour %d is out of range 00..23", h);
    if (take_char(sc, ':', "in the offset") < 0 || take_digits(sc, 2, &m, "offset minute") < 0)
        return -1;
    if (m > 59)
        return fail(sc, "offset minute %d is out of range 00..59", m);
    *offset_min = (c == '-' ? -1 : 1) * (h * 60 + m);
    return 0;
}

/* Two digits at s, or -1. */
static int two(const char *s)
{
    unsigned a = (unsigned char)s[0] - '0', b = (unsigned char)s[1] - '0';
    return a < 10 && b < 10 ? (int)(a * 10 + b) : -1;
}

/* The common shapes — "2026-04-01T09:30:00+08:00", "...Z", with a
 * fraction — read in one pass; anything else (or wrong) returns 0 and goes
 * to the careful parser below, which explains what is wrong.  Events carry
 * several timestamps each, so this is on the hot path. */
static int parse_common(const char *s, size_t len, lci_time *t, int *offset_min)
{
    if (len < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':')
        return 0;
    int y0 = two(s), y1 = two(s + 2), m = two(s + 5), d = two(s + 8), h = two(s + 11), mi = two(s + 14), sec = two(s + 17);
    if (y0 < 0 || y1 < 0 || m < 1 || m > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59) return 0;
    int64_t y = y0 * 100 + y1;
    if (y < LCI_YEAR_MIN || y > LCI_YEAR_MAX || d > days_in_month(y, m)) return 0;
    size_t i = 19;
    int64_t ns = 0, scale = LCI_NS_PER_SEC;
    if (i < len && s[i] == '.') {
        size_t start = ++i;
        for (; i < len && (unsigned)((unsigned char)s[i] - '0') < 10u; i++)
            if (scale > 1) ns += (s[i] - '0') * (scale /= 10);
        if (i == start) return 0;
    }
    int off;
    if (i + 1 == len && (s[i] == 'Z' || s[i] == 'z')) off = 0;
    else if (i + 6 == len && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':') {
        int oh = two(s + i + 1), om = two(s + i + 4);
        if (oh < 0 || oh > 23 || om < 0 || om > 59) return 0;
        off = (s[i] == '-' ? -1 : 1) * (oh * 60 + om);
    } else return 0;
    *t = lci_days_from_civil(y, m, d) * LCI_NS_PER_DAY + (int64_t)(h * 3600 + mi * 60 + sec) * LCI_NS_PER_SEC + ns -
         off * LCI_NS_PER_MIN;
    if (offset_min) *offset_min = off;
    return 1;
}

int lci_time_parse_careful(const char *s, size_t len, lci_time *t, int *offset_min, char *why,
                           size_t whysize)
{
    scan sc = scan_start(s, len, why, whysize);
    int64_t days = 0, sec = 0, ns = 0;
    int off = 0;
    if (take_date(&sc, &days) < 0)
        return -1;
    if (peek(&sc) != 'T' && peek(&sc) != 't')
        return fail(&sc, "expected 'T' between date and time (at position %zu)", sc.pos);
    sc.pos++;
    if (take_clock(&sc, &sec) < 0 || take_fraction(&sc, &ns) < 0 ||
        take_offset(&sc, &off) < 0 || take_end(&sc, "offset") < 0)
        return -1;
    /* The years accepted keep this well inside int64 nanoseconds. */
    *t = days * LCI_NS_PER_DAY + sec * LCI_NS_PER_SEC + ns - off * LCI_NS_PER_MIN;
    if (offset_min != NULL)
        *offset_min = off;
    return 0;
}

int lci_time_parse(const char *s, size_t len, lci_time *t, int *offset_min, char *why,
                   size_t whysize)
{
    if (parse_common(s, len, t, offset_min)) {
        if (why && whysize) why[0] = '\0';
        return 0;
    }
    return lci_time_parse_careful(s, len, t, offset_min, why, whysize);
}

int lci_date_parse(const char *s, size_t len, int64_t *days, char *why, size_t whysize)
{
    scan sc = scan_start(s, len, why, whysize);
    int64_t d = 0;
    if (take_date(&sc, &d) < 0 || take_end(&sc, "date") < 0)
        return -1;
    *days = d;
    return 0;
}

int lci_month_parse(const char *s, size_t len, int64_t *month, char *why, size_t whysize)
{
    scan sc = scan_start(s, len, why, whysize);
    int y = 0, m = 0;
    if (take_year_month(&sc, &y, &m) < 0 || take_end(&sc, "month") < 0)
        return -1;
    *month = (int64_t)y * 12 + (m - 1);
    return 0;
}
