/* lctime.c — instants, RFC 3339, civil dates and months (see lctime.h). */
#include "base/lctime.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#if defined(__GNUC__)
#define LCI_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
/* The fast path has two callers, the parse and its test hook; the parse
 * must still get it inline, helpers and all (called, it costs a fifth more). */
#define LCI_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define LCI_PRINTF(fmt, args)
#define LCI_ALWAYS_INLINE inline
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

/* ---- the fast path ----------------------------------------------------- */

/* Events carry several timestamps each, so this parse is on the hot path.
 * The common shapes — "2026-04-01T09:30:00+08:00", "...Z", with a fraction
 * of up to nine digits — have their fields at fixed distances from the
 * start and from the end, so they are read eight bytes at a time.  The
 * fast path says only "yes" or "not mine": whatever it declines, right or
 * wrong, goes to the careful parser above, which has the last word and
 * explains what is wrong.  Both must agree on everything the fast path
 * accepts; tests/unit/test_time.c and tests/fuzz/fuzz_time.c check that.
 *
 * A word holds byte i of the text in bits 8i..8i+7 on any machine (see
 * load8), and BYTES8 writes one left to right, as the text reads. */
#define BYTES8(a, b, c, d, e, f, g, h)                                                     \
    ((uint64_t)(a) | (uint64_t)(b) << 8 | (uint64_t)(c) << 16 | (uint64_t)(d) << 24 |     \
     (uint64_t)(e) << 32 | (uint64_t)(f) << 40 | (uint64_t)(g) << 48 | (uint64_t)(h) << 56)
#define REPEAT8(b) BYTES8(b, b, b, b, b, b, b, b)

static uint64_t load8(const char *p)
{
#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__) &&                        \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t w;
    memcpy(&w, p, sizeof w); /* one unaligned load */
    return w;
#else
    uint64_t w = 0;
    for (int i = 7; i >= 0; i--)
        w = w << 8 | (unsigned char)p[i];
    return w;
#endif
}

/* Four bytes, numbered as in load8. */
static uint64_t load4(const char *p)
{
#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__) &&                        \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint32_t w;
    memcpy(&w, p, sizeof w);
    return w;
#else
    uint64_t w = 0;
    for (int i = 3; i >= 0; i--)
        w = w << 8 | (unsigned char)p[i];
    return w;
#endif
}

/* x is a word of text XOR-ed with what is expected there ('0' where a
 * digit goes), so each well-formed byte is now a digit's value, or 0 for a
 * separator.  `limits` gives the largest value each byte may take: 9, less
 * for a leading digit (5 for tens of minutes), 0 for a separator.  Adding
 * 15 - limit carries into a byte's high nibble exactly when the byte is
 * over its limit, and a byte over 15 has a high nibble of its own; so the
 * result has a bit in some high nibble iff a byte is wrong.  Results are
 * OR-ed together and tested once.  A carry out of a wrong byte can only
 * add complaints. */
static uint64_t over_limits(uint64_t x, uint64_t limits)
{
    return x | (x + (REPEAT8(15) - limits));
}
#define HIGH_NIBBLES REPEAT8(0xF0)

/* Byte i becomes 10 * x[i] + x[i + 1]: a two-digit field that starts at
 * byte i is read in byte i.  Nothing carries while bytes are 0..15. */
static uint64_t pairs(uint64_t x)
{
    return x * 10 + (x >> 8);
}

static unsigned lane(uint64_t x, int i)
{
    return (unsigned)(x >> (8 * i)) & 0xFF;
}

/* weight * a + b for a in byte 0 of p and b in byte `gap` (2 or 3), in
 * one multiplication: (a + b << s)(1 + weight << s) has weight * a + b at
 * bit s, below the weight * b it also makes.  The result must be < 2^16. */
static unsigned weigh(uint64_t p, int gap, unsigned weight)
{
    int shift = 8 * gap;
    uint64_t ab = p & (0xFF | UINT64_C(0xFF) << shift);
    return (unsigned)((ab * (1 + ((uint64_t)weight << shift))) >> shift) & 0xFFFF;
}

/* The calendar of the years accepted, built at compile time.  For 1
 * January of each year: days since 1900-01-01 times 64, plus 32 in a leap
 * year, which selects the leap half of the months: month m of a common
 * year is at m, of a leap year at 32 + m.  The other months have length
 * 0, so no day fits in them. */
#define LEAP(y) ((y) % 4 == 0 && ((y) % 100 != 0 || (y) % 400 == 0))
#define LEAP_DAYS_BEFORE(y) (((y) - 1) / 4 - ((y) - 1) / 100 + ((y) - 1) / 400)
#define YEAR(y)                                                                            \
    ((uint32_t)(365 * ((y) - 1900) + LEAP_DAYS_BEFORE(y) - LEAP_DAYS_BEFORE(1900)) << 6 |    \
     (uint32_t)LEAP(y) << 5)
#define YEARS10(y)                                                                         \
    YEAR(y), YEAR(y + 1), YEAR(y + 2), YEAR(y + 3), YEAR(y + 4), YEAR(y + 5), YEAR(y + 6),  \
        YEAR(y + 7), YEAR(y + 8), YEAR(y + 9)
#define YEARS100(y)                                                                        \
    YEARS10(y), YEARS10(y + 10), YEARS10(y + 20), YEARS10(y + 30), YEARS10(y + 40),         \
        YEARS10(y + 50), YEARS10(y + 60), YEARS10(y + 70), YEARS10(y + 80), YEARS10(y + 90)
#define MONTHS(at, leap)                                                                   \
    [at + 1] = {0, 31}, [at + 2] = {31, 28 + leap}, [at + 3] = {59 + leap, 31},              \
    [at + 4] = {90 + leap, 30}, [at + 5] = {120 + leap, 31}, [at + 6] = {151 + leap, 30},    \
    [at + 7] = {181 + leap, 31}, [at + 8] = {212 + leap, 31}, [at + 9] = {243 + leap, 30},   \
    [at + 10] = {273 + leap, 31}, [at + 11] = {304 + leap, 30}, [at + 12] = {334 + leap, 31}
#define DAYS_1900_01_01_TO_EPOCH 25567

typedef struct fast_calendar {
    uint32_t years[LCI_YEAR_MAX - LCI_YEAR_MIN + 1];
    struct {
        uint16_t start; /* days from 1 January to the 1st */
        uint16_t len;
    } months[64];
} fast_calendar;

/* y, m and d (m < 32) to days since the epoch; 0 if not a date accepted. */
static LCI_ALWAYS_INLINE int fast_days(unsigned y, unsigned m, unsigned d, int64_t *days)
{
    static const fast_calendar cal = {
        {YEARS100(1900), YEARS100(2000), YEARS100(2100), YEAR(2200)},
        {MONTHS(0, 0), MONTHS(32, 1)},
    };
    _Static_assert(LCI_YEAR_MIN == 1900 && LCI_YEAR_MAX == 2200, "the table covers 1900..2200");
    if (y - LCI_YEAR_MIN > LCI_YEAR_MAX - LCI_YEAR_MIN)
        return 0;
    uint32_t year = cal.years[y - LCI_YEAR_MIN];
    unsigned month = (year & 32) + m;
    if (d - 1 >= cal.months[month].len)
        return 0;
    *days = (int64_t)(year >> 6) + cal.months[month].start + d - 1 - DAYS_1900_01_01_TO_EPOCH;
    return 1;
}

/* Eight digit values (byte 0 the most significant) as one number: pairs,
 * then pairs of pairs and halves in two multiplications. */
static uint32_t eight_digits(uint64_t x)
{
    const uint64_t even = BYTES8(0xFF, 0, 0, 0, 0xFF, 0, 0, 0);
    x = pairs(x);
    x = ((x & even) * (100 + (UINT64_C(1000000) << 32)) +
         ((x >> 16) & even) * (1 + (UINT64_C(10000) << 32))) >> 32;
    return (uint32_t)x;
}

/* Between the seconds (which end at 19) and the offset (at end): nothing,
 * or '.' and 1..9 digits, in ns; -1 otherwise (more digits are left to the
 * careful parser).  The eight bytes that end at `end` hold the digits in
 * their top `count` bytes; moved down, the missing ones read as zeros. */
static LCI_ALWAYS_INLINE int64_t fast_fraction(const char *s, size_t end)
{
    size_t count = end - 20;
    if (end == 19)
        return 0;
    if (s[19] != '.' || count - 1 > 8)
        return -1;
    uint64_t x = load8(s + end - 8) ^ REPEAT8('0');
    unsigned first = 0, scale = 10;
    if (count == 9) {
        first = (unsigned char)s[20] - '0';
        scale = 1;
    } else {
        x >>= 8 * (8 - count);
    }
    if ((over_limits(x, REPEAT8(9)) & HIGH_NIBBLES) != 0 || first > 9)
        return -1;
    return (int64_t)first * 100000000 + (int64_t)eight_digits(x) * scale;
}

/* "±HH:MM" in the last 6 of the len >= 25 bytes at s, as minutes east of
 * UTC; 0 if it is not one.  In the word, the sign byte becomes 0 for '+'
 * and '-' alike; it is checked on its own. */
static LCI_ALWAYS_INLINE int fast_offset(const char *s, size_t len, int *offset_min)
{
    uint64_t x = ((load8(s + len - 8) >> 16) | 6) ^ BYTES8('+' | 6, '0', '0', ':', '0', '0', 0, 0);
    unsigned sign = (unsigned char)s[len - 6] - '+'; /* 0 for '+', 2 for '-' */
    if (((over_limits(x, BYTES8(0, 2, 9, 0, 5, 9, 0, 0)) & HIGH_NIBBLES) | (sign & ~2u)) != 0)
        return 0;
    uint64_t p = pairs(x);
    unsigned minutes = weigh(p >> 8, 3, 60);
    if (minutes >= 24 * 60) /* the tens of minutes are at most 5: the hour is over 23 */
        return 0;
    *offset_min = sign ? -(int)minutes : (int)minutes;
    return 1;
}

/* "YYYY-MM-DDTHH:MM" at s ('T' | 0x20 == 't' | 0x20 == 't', and no other
 * byte gives 't'), as minutes since the epoch of the local clock; 0 if it
 * is not a real date and time in the years accepted. */
static LCI_ALWAYS_INLINE int fast_head(const char *s, int64_t *minutes)
{
    uint64_t date = load8(s) ^ BYTES8('0', '0', '0', '0', '-', '0', '0', '-');
    uint64_t clock = (load8(s + 8) | BYTES8(0, 0, 0x20, 0, 0, 0, 0, 0)) ^
                     BYTES8('0', '0', 't', '0', '0', ':', '0', '0');
    if (((over_limits(date, BYTES8(2, 9, 9, 9, 0, 1, 9, 0)) |
          over_limits(clock, BYTES8(3, 9, 0, 2, 9, 0, 5, 9))) & HIGH_NIBBLES) != 0)
        return 0;
    uint64_t pd = pairs(date), pc = pairs(clock);
    unsigned minute_of_day = weigh(pc >> 24, 3, 60);
    int64_t days;
    /* The tens of minutes are at most 5, so this bounds the hour by 23.
     * The month is at most 19 here; "& 31" only shows the table index safe. */
    if (minute_of_day >= 24 * 60 ||
        !fast_days(weigh(pd, 2, 100), lane(pd, 5) & 31, lane(pc, 0), &days))
        return 0;
    *minutes = days * 24 * 60 + minute_of_day;
    return 1;
}

/* The seconds: "M:SS" at s + 15 (the minute's last digit again). */
static LCI_ALWAYS_INLINE int fast_seconds(const char *s, unsigned *sec)
{
    uint64_t x = load4(s + 15) ^ BYTES8('0', ':', '0', '0', 0, 0, 0, 0);
    if ((over_limits(x, BYTES8(9, 0, 5, 9, 0, 0, 0, 0)) & HIGH_NIBBLES) != 0)
        return 0;
    *sec = lane(pairs(x), 2);
    return 1;
}

static LCI_ALWAYS_INLINE int parse_fast(const char *s, size_t len, lci_time *t, int *offset_min)
{
    int64_t minutes, ns = 0;
    unsigned sec;
    int off = 0;
    size_t end = len - 1;
    if (len < 20 || !fast_head(s, &minutes) || !fast_seconds(s, &sec))
        return 0;
    if ((s[len - 1] | 0x20) != 'z') {
        if (len < 25 || !fast_offset(s, len, &off))
            return 0;
        end = len - 6;
    }
    if (end != 19 && (ns = fast_fraction(s, end)) < 0)
        return 0;
    *t = ((minutes - off) * 60 + sec) * LCI_NS_PER_SEC + ns;
    if (offset_min != NULL)
        *offset_min = off;
    return 1;
}

int lci_time_parse_fast(const char *s, size_t len, lci_time *t, int *offset_min)
{
    return parse_fast(s, len, t, offset_min);
}

int lci_time_parse(const char *s, size_t len, lci_time *t, int *offset_min, char *why,
                   size_t whysize)
{
    if (s != NULL && parse_fast(s, len, t, offset_min)) { /* NULL: the careful parser's empty text */
        if (why != NULL && whysize > 0)
            why[0] = '\0';
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
