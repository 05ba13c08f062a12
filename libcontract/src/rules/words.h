/* words.h — a rule file's numbers in words: quantities with their units,
 * bands as intervals ("in (30, 60)", "≥ 120 min"), exact values rounded for
 * people.  Reasons, explanations and `contract check` say them alike. */
#ifndef LCI_WORDS_H
#define LCI_WORDS_H

#include "base/util.h"
#include "events/cond.h"
#include "rules/model.h"

/* " min", " h", " d", "%" or "" after a number in that unit. */
const char *lci_unit_suffix(lci_unit u);

/* An exact value for people: durations in their unit, percentages to 4
 * decimals, others to 2, trailing zeros dropped but one ("45.0"). */
void lci_format_exact(lci_exact v, lci_unit unit, char *buf, size_t size);

/* v in `unit` with its suffix ("45.0 min"). */
void lci_value_words(lci_exact v, lci_unit unit, lci_buf *out);

/* v as shown to people, in `unit`: rounded half up to the usual decimals
 * (lci_format_exact's), and to more when they are needed to stand on the
 * same side of every bound of `bands` as v does — and on a bound only when
 * v is: 99.989996% below a bound of 99.99 is shown so, never as 99.99%.
 * At most 12 decimals. */
lci_dec lci_shown_value(const lci_model *m, lci_exact v, lci_unit unit, const lci_band *const *bands, size_t nbands);

/* The bands rules (and acceptance parts) compare a measure's figure with,
 * into out (at most max, LCI_SHOWN_BANDS will do): how many. */
#define LCI_SHOWN_BANDS 256
size_t lci_measure_bands(const lci_model *m, int measure, const lci_band **out, size_t max);

/* v shown against those bands, with its unit's suffix ("99.989996%"). */
void lci_value_band_words(const lci_model *m, lci_exact v, lci_unit unit, const lci_band *const *bands, size_t nbands,
                          lci_buf *out);

/* A quantity's current value, with its unit when it is not `shown`. */
void lci_qty_words(const lci_model *m, const lci_qty *q, lci_unit shown, lci_buf *out);

/* "in (30, 60)", "≥ 120 min", "= 0". */
void lci_band_words(const lci_model *m, const lci_band *b, lci_unit shown, lci_buf *out);

#endif
