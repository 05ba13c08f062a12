/* report.h — what the human reports (text, CSV, HTML) share.
 *
 * report.c: labels in one language or both, money after the caps per
 * breach and per month, month figures and decimals for display.
 * report_table.c: tables aligned by terminal columns (CJK takes two).
 * report_text.c, report_csv.c, report_html.c (+ report_svg.c, the
 * charts): the formats.  report_diff.c: a diff as CSV and HTML, from an
 * lci_diff_view that diff.c fills.
 *
 * Money is int64 fen throughout; nothing here turns an amount into a
 * double. */
#ifndef LCI_REPORT_H
#define LCI_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "api/result.h"
#include "base/util.h"

/* ---- labels (report.c) ---- */

#define LCR_LABEL_MAX 160

/* zh, en or "zh en" by lang, in buf (or one of the arguments). */
const char *lcr_label(lc_lang lang, const char *zh, const char *en, char *buf, size_t size);

/* Why events did not count (lc_result's not_counted reasons), in words. */
void lcr_not_counted_words(const char *reason, const char **zh, const char **en);

/* A headroom item's kind ("downtime", "cap"...) in both languages. */
void lcr_headroom_words(const char *kind, const char **zh, const char **en);

/* A headroom item's "left" ("23.2 min", "-") and burn rate ("46.3% / 30.0%", "-") as shown. */
void lcr_headroom_texts(const lci_rheadroom *h, char *left, size_t left_size, char *used, size_t used_size);

/* The language a render asked for, LC_LANG_CONTRACT resolved: LC_OK, or
 * LC_EUSAGE for a value that is no lc_lang. */
lc_status lcr_lang(const lc_result *res, lc_lang asked, lc_lang *out, lc_error *err);

/* A label with the contract's word for its amounts: zh_fmt with the
 * Chinese word ("%s合计": 违约金合计, 服务抵扣合计), en_fmt with the
 * English one in the form asked (LCR_SINGULAR "penalty", LCR_PLURAL
 * "penalties", LCR_CAPITAL "Penalty"); into zh and en, LCR_LABEL_MAX each. */
enum { LCR_SINGULAR, LCR_PLURAL, LCR_CAPITAL };
void lcr_amount_words(const lc_result *res, const char *zh_fmt, const char *en_fmt, int en_form, char *zh, char *en);

/* The Chinese name of a grade the rule file names in English ("good" ->
 * "良好"); the name itself when it is not one of the four of 附件7. */
const char *lcr_grade_zh(const char *grade);

/* ---- money after the caps (report.c) ---- */

/* The caps are applied as evaluate.c applies them: month and rolling caps
 * cut a month's breaches in order, the term cap cuts the running total.
 * The last running total and the last cumulative month equal res->amount. */
typedef struct lcr_money {
    int64_t *counted;          /* per breach: what it adds after the caps */
    int64_t *running;          /* per breach: the total so far, after the caps */
    size_t *month_breaches;    /* per month: breaches counted in it */
    int64_t *month_amount;     /* per month: breach amounts before caps */
    int64_t *month_counted;    /* per month: after caps */
    int64_t *month_cumulative; /* per month: running total after caps */
} lcr_money;

int lcr_money_init(lcr_money *m, const lc_result *res); /* 0, or -1 out of memory */
void lcr_money_free(lcr_money *m);

/* part as a percentage of whole with `decimals` decimals, half up
 * ("26.0"); "-" when whole <= 0. */
void lcr_percent(int64_t part, int64_t whole, int decimals, char *buf, size_t size);

/* ---- figures for display (report.c) ---- */

/* The month column with this key, or -1. */
int lcr_column(const lc_result *res, const char *key);


/* d written with exactly `scale` decimals when it has no more ("1.5" at
 * 3 -> "1.500"), else as it is. */
void lcr_dec_fixed(lci_dec d, int scale, char *buf, size_t size);

/* The decimals d needs (its scale without trailing zeros). */
int lcr_dec_digits(lci_dec d);

/* a + b exactly; -1 on overflow. */
int lcr_dec_add(lci_dec a, lci_dec b, lci_dec *out);

/* A month figure cut (not rounded) to at most 4 decimals, exact from the
 * shortest decimal of the double: 99.6527777 -> 99.6527, 99.9 -> 99.9;
 * never shows a figure under a threshold as reaching it. */
int lcr_value_dec(const lci_rvalue *v, lci_dec *out);

/* A month figure for people: `decimals` decimals (counts as integers),
 * "-" when absent. */
void lcr_value_text(const lci_rvalue *v, int decimals, char *buf, size_t size);

/* The decimals a month column needs for every month (at most 4). */
int lcr_column_digits(const lc_result *res, size_t column);

/* A month figure as the JSON has it ("99.65277777777777", "18.0", "3"),
 * "" when absent. */
void lcr_value_json(const lci_rvalue *v, char *buf, size_t size);

/* When a breach counts: its month ("2026-04") or time to the minute. */
void lcr_breach_when(const lc_result *res, const lci_rbreach *b, char *buf, size_t size);

/* The event ids, separated by sep, at most `max` of them then "…" (0: all). */
void lcr_events(const lc_result *res, const lci_refs *refs, const char *sep, size_t max, lci_buf *out);

/* The decimals the score sheet of a month needs (at least 2). */
int lcr_sheet_digits(const lc_result *res, const lci_rmonth *mo);

/* Σ of the month's item subtotals (exact); -1 on overflow. */
int lcr_sheet_points(const lc_result *res, const lci_rmonth *mo, lci_dec *out);

/* ---- terminal tables (report_table.c) ---- */

typedef struct lcr_tcell {
    char *text;
    int col, span;
} lcr_tcell;

typedef struct lcr_trow {
    size_t first, n; /* cells[first .. first + n) */
    int rule;        /* a line of dashes under every column */
} lcr_trow;

/* Every line of a rendered table has the same width in terminal columns;
 * columns are two spaces apart. */
typedef struct lcr_table {
    int ncols, col;
    char *align; /* per column: 'l', 'r' or 'c' */
    lcr_tcell *cells;
    size_t ncells, cells_cap;
    lcr_trow *rows;
    size_t nrows, rows_cap;
    int open, failed;
} lcr_table;

/* align: one letter per column ('l' when the string is shorter). */
void lcr_table_init(lcr_table *t, int ncols, const char *align);
/* Appends a cell to the current row (a row opens with its first cell). */
void lcr_cell(lcr_table *t, const char *text);
void lcr_cellf(lcr_table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A cell over `span` columns, centred. */
void lcr_cell_span(lcr_table *t, const char *text, int span);
/* A cell holding a label in lang. */
void lcr_cell_label(lcr_table *t, lc_lang lang, const char *zh, const char *en);
/* Closes the row; missing cells are empty. */
void lcr_row_end(lcr_table *t);
/* A rule: dashes as wide as each column. */
void lcr_table_rule(lcr_table *t);
/* Renders every line prefixed by indent, then frees the table; marks b
 * failed when an allocation failed. */
void lcr_table_render(lcr_table *t, lci_buf *b, const char *indent);

/* Makes text safe for a terminal, in place: control characters (C0, DEL,
 * C1 — an event id could carry an escape sequence) become '?'; line feeds
 * are kept when keep_newlines. */
void lcr_terminal_safe(char *s, int keep_newlines);

/* ---- formats ---- */

/* CSV tables: "breaches", "months", "items", "incidents", "findings",
 * "obligations" (report_csv.c). */
const char *lci_csv_table_name(size_t i);
lc_status lci_result_to_csv(const lc_result *res, const char *table, lc_lang lang, unsigned flags, char **out,
                            size_t *len, lc_error *err);

/* RFC 4180 field (quoted when needed); a text field that a spreadsheet
 * would read as a formula (= + - @ first) is prefixed with '. */
void lcr_csv_text(lci_buf *b, const char *s, int first);
/* A number or amount, never prefixed. */
void lcr_csv_number(lci_buf *b, const char *s, int first);
void lcr_csv_label(lci_buf *b, lc_lang lang, const char *zh, const char *en, int first);
void lcr_csv_end(lci_buf *b);

/* The self-contained HTML report (report_html.c). */
lc_status lci_result_to_html(const lc_result *res, lc_lang lang, unsigned flags, char **out, size_t *len,
                             lc_error *err);

/* HTML helpers shared with the charts and the diff. */
void lcr_html_escape(lci_buf *b, const char *s);
void lcr_html_label(lci_buf *b, lc_lang lang, const char *zh, const char *en);
void lcr_html_head(lci_buf *b, lc_lang lang, const char *title);
void lcr_html_foot(lci_buf *b);

/* The charts as inline SVG (report_svg.c): the score; each percentage
 * column the rules compare with bands (lcr_svg_charted); the cumulative
 * penalty. */
void lcr_svg_scores(lci_buf *b, const lc_result *res, lc_lang lang);
int lcr_svg_charted(const lc_result *res, size_t col);
void lcr_svg_percent(lci_buf *b, const lc_result *res, size_t col, lc_lang lang);
void lcr_svg_cumulative(lci_buf *b, const lc_result *res, const lcr_money *m, lc_lang lang);

/* ---- diff (filled by diff.c) ---- */

typedef struct lci_diff_view lci_diff_view;
struct lci_diff_view {
    const lc_result *a, *b;       /* old, new */
    const int *match_of_old;      /* per old breach: its new breach, or -1 */
    const int *new_taken;         /* per new breach: 1 when matched */
    const int *inc_old, *inc_new; /* per incident: 1 when matched on the other side */
    int differs;
    /* 1 when old breach i is matched and its money or events changed */
    int (*changed)(const lci_diff_view *v, size_t i);
};

/* Money per rule on the old and the new side: what its breaches cost
 * (before the caps) and what they count (after them). */
typedef struct lcr_rule_money {
    const char *rule;
    int64_t old_amount, new_amount;
    int64_t old_counted, new_counted;
} lcr_rule_money;

/* Money per rule of two results, in natural order of rule ids: 0, or -1
 * when out of memory. */
int lcr_money_by_rule(const lc_result *a, const lc_result *b, lcr_rule_money **rows, size_t *n);

/* A parameter whose value differs between two results (old or new_value
 * NULL: only the other side declares it). */
typedef struct lcr_param_change {
    const char *name, *old_value, *new_value;
} lcr_param_change;

/* The parameters that differ, in the old side's order then the new
 * side's own: 0, or -1 when out of memory. */
int lcr_param_changes(const lc_result *a, const lc_result *b, lcr_param_change **out, size_t *n);

/* Diff CSV tables: "rules" (the default), "breaches", "totals", "params"; and the
 * diff page (report_diff.c).  Both append to out. */
const char *lci_diff_csv_table_name(size_t i);
lc_status lci_diff_to_csv(const lci_diff_view *v, const char *table, lc_lang lang, unsigned flags, lci_buf *out,
                          lc_error *err);
lc_status lci_diff_to_html(const lci_diff_view *v, lc_lang lang, lci_buf *out, lc_error *err);

/* A breach's percentage for people: "3%", or "-" when it is priced otherwise. */
const char *lcr_pct(const lci_rbreach *br, char *buf, size_t size);

#endif
