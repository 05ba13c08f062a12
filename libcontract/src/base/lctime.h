/* lctime.h — instants, RFC 3339, civil dates and months.
 *
 * An instant is int64 nanoseconds since 1970-01-01T00:00:00Z: exact to any
 * timestamp's own precision up to 1 ns, and wide enough for the years
 * accepted (LCI_YEAR_MIN..LCI_YEAR_MAX).  Civil arithmetic uses the
 * proleptic Gregorian calendar; days are counted from 1970-01-01 (day 0). */
#ifndef LCI_TIME_H
#define LCI_TIME_H

#include <stddef.h>
#include <stdint.h>

typedef int64_t lci_time; /* ns since the Unix epoch, UTC */

#define LCI_NS_PER_SEC INT64_C(1000000000)
#define LCI_NS_PER_MIN (60 * LCI_NS_PER_SEC)
#define LCI_NS_PER_HOUR (60 * LCI_NS_PER_MIN)
#define LCI_NS_PER_DAY (24 * LCI_NS_PER_HOUR)
#define LCI_YEAR_MIN 1900
#define LCI_YEAR_MAX 2200

/* Parses an RFC 3339 date-time with offset, exactly `len` bytes:
 * YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM).  'T' and 'Z' may be lower
 * case.  Any number of fraction digits; digits past the ninth (finer than
 * a nanosecond) are dropped.  Rejects impossible dates (2026-02-30),
 * hours > 23, minutes/seconds > 59 (no leap seconds), offsets beyond
 * ±23:59, years outside LCI_YEAR_MIN..LCI_YEAR_MAX, and anything else.
 * On success stores the instant and the offset in minutes (Z and -00:00
 * give 0) and returns 0.  On failure returns -1 and, when why != NULL,
 * writes a short English reason ("day 30 does not exist in 2026-02",
 * "missing offset (add Z or +08:00)") into why (NUL-terminated). */
int lci_time_parse(const char *s, size_t len, lci_time *t, int *offset_min,
                   char *why, size_t whysize);

/* Internal, for tests, which check that the two paths agree: the careful
 * scanner alone (lci_time_parse without its fast path; same contract), and
 * the fast path alone, which returns 1 after storing *t and *offset_min
 * (when not NULL) for the common shapes it reads, and 0 without touching
 * them for everything else — including valid input it leaves to the
 * careful scanner. */
int lci_time_parse_careful(const char *s, size_t len, lci_time *t, int *offset_min,
                           char *why, size_t whysize);
int lci_time_parse_fast(const char *s, size_t len, lci_time *t, int *offset_min);

/* Writes t in RFC 3339 at the given offset: "2026-04-01T09:30:00+08:00";
 * seconds always present; fraction only when non-zero, without trailing
 * zeros; offset 0 written as "+00:00".  Returns the length; buf needs 40. */
size_t lci_time_format(lci_time t, int offset_min, char *buf, size_t bufsize);

/* Days since 1970-01-01 of a civil date (any int year in range), and back. */
int64_t lci_days_from_civil(int64_t y, int m, int d);
void lci_civil_from_days(int64_t days, int64_t *y, int *m, int *d);

/* 1 if (y, m, d) is a real date, else 0. */
int lci_date_valid(int64_t y, int m, int d);

/* Parses "YYYY-MM-DD" (exactly len bytes) to days; -1 on failure (with why). */
int lci_date_parse(const char *s, size_t len, int64_t *days, char *why, size_t whysize);

/* Writes "YYYY-MM-DD"; buf needs 11. */
size_t lci_date_format(int64_t days, char *buf, size_t bufsize);

/* Parses "YYYY-MM" to a month number y*12 + (m-1); -1 on failure. */
int lci_month_parse(const char *s, size_t len, int64_t *month, char *why, size_t whysize);

/* Writes "YYYY-MM" for a month number; buf needs 8. */
size_t lci_month_format(int64_t month, char *buf, size_t bufsize);

/* The local civil day (days since epoch) of instant t at offset_min. */
int64_t lci_local_day(lci_time t, int offset_min);

/* The instant of local midnight starting `days` at offset_min. */
lci_time lci_day_start(int64_t days, int offset_min);

/* Month number (y*12 + m-1) of the local date of t at offset_min. */
int64_t lci_local_month(lci_time t, int offset_min);

/* Days since epoch of the first day of month number `month`. */
int64_t lci_month_first_day(int64_t month);

/* 0 = Monday … 6 = Sunday. */
int lci_weekday(int64_t days);

#endif
