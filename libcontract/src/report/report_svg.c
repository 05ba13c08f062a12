/* report_svg.c — the HTML report's charts as inline SVG.
 *
 * Charts follow what the rules declare, never names: the monthly score
 * against the lines of the grades and of the rules on the score (附件7:
 * 60/80/90); each percentage column that rules compare with a band (an
 * availability, an uptime) against the bounds of those bands, the months a
 * rule finds marked; cumulative penalty after the caps against the cap.
 * Coordinates are computed in tenths of a unit with integer arithmetic
 * (money never passes through a double); availability, a double in the
 * result, is drawn from its double.  Every mark carries its value in a
 * data attribute: <rect data-month data-score>, <line data-threshold>,
 * <polyline data-series>, <circle data-cumulative>. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/report.h"

enum { W = 640, H = 250, X0 = 58, X1 = 596, Y0 = 16, Y1 = 218 };

typedef struct chart {
    lci_buf *b;
    const lc_result *res;
    lc_lang lang;
} chart;

static void num(lci_buf *b, int64_t tenths)
{
    int64_t a = tenths < 0 ? -tenths : tenths;
    lci_buf_printf(b, "%s%lld.%lld", tenths < 0 ? "-" : "", (long long)(a / 10), (long long)(a % 10));
}

/* The centre of month i, in tenths. */
/* x, then the y, width and height attributes of a bar standing on the
 * x axis (all in tenths), after an opening `x="`. */
static void bar_geometry(lci_buf *b, int64_t x, int64_t y, int64_t w)
{
    num(b, x);
    lci_buf_puts(b, "\" y=\"");
    num(b, y);
    lci_buf_puts(b, "\" width=\"");
    num(b, w);
    lci_buf_puts(b, "\" height=\"");
    num(b, (int64_t)Y1 * 10 - y);
}

static int64_t month_x(size_t n, size_t i)
{
    return (int64_t)X0 * 10 + (int64_t)(2 * i + 1) * (X1 - X0) * 10 / (int64_t)(2 * n);
}

static void open_chart(chart *c, const char *kind, const char *zh, const char *en)
{
    lci_buf_puts(c->b, "<figure><figcaption>");
    lcr_html_label(c->b, c->lang, zh, en);
    lci_buf_printf(c->b, "</figcaption>\n<svg viewBox=\"0 0 %d %d\" role=\"img\" data-chart=\"%s\" aria-label=\"", W, H,
                   kind);
    lcr_html_label(c->b, c->lang, zh, en);
    lci_buf_puts(c->b, "\">\n");
    lci_buf_printf(c->b, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n", X0, Y1, X1, Y1);
    lci_buf_printf(c->b, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n", X0, Y0, X0, Y1);
    for (size_t i = 0; i < c->res->nmonths; i++) {
        lci_buf_puts(c->b, "<text text-anchor=\"middle\" font-size=\"9\" x=\"");
        num(c->b, month_x(c->res->nmonths, i));
        lci_buf_printf(c->b, "\" y=\"%d\">%s</text>\n", Y1 + 14, c->res->months[i].label);
    }
}

static void close_chart(chart *c)
{
    lci_buf_puts(c->b, "</svg>\n</figure>\n");
}

/* A horizontal line at y (tenths) with a label: grid, threshold or cap. */
static void hline(chart *c, const char *cls, const char *attr, const char *value, int64_t y, const char *left,
                  const char *right)
{
    lci_buf_printf(c->b, "<line class=\"%s\"", cls);
    if (attr) lci_buf_printf(c->b, " %s=\"%s\"", attr, value);
    lci_buf_printf(c->b, " x1=\"%d\" x2=\"%d\" y1=\"", X0, X1);
    num(c->b, y);
    lci_buf_puts(c->b, "\" y2=\"");
    num(c->b, y);
    lci_buf_puts(c->b, "\"/>\n");
    for (int side = 0; side < 2; side++) {
        const char *text = side ? right : left;
        if (!text || !text[0]) continue;
        lci_buf_printf(c->b, "<text text-anchor=\"%s\" x=\"%d\" y=\"", side ? "start" : "end", side ? X1 + 4 : X0 - 4);
        num(c->b, y + 35);
        lci_buf_puts(c->b, "\">");
        lcr_html_escape(c->b, text);
        lci_buf_puts(c->b, "</text>\n");
    }
}

/* ---- scores ---- */

/* y of a score 0..100, in tenths. */
static int64_t score_y(lci_dec d)
{
    int64_t off = 0;
    if (d.scale > 16 || lci_mul_div_round(d.coef, (Y1 - Y0) * 10, 100 * lci_pow10(d.scale), &off) != LCI_NUM_OK)
        off = 0;
    if (off < 0) off = 0;
    if (off > (Y1 - Y0) * 10) off = (Y1 - Y0) * 10;
    return (int64_t)Y1 * 10 - off;
}

/* A threshold line at each of the result's lines for a chart. */
static void threshold_lines(chart *c, const lci_rlines *l, int64_t (*y)(const void *ctx, lci_dec d), const void *ctx)
{
    for (size_t i = 0; i < l->n; i++) {
        char text[48];
        lci_dec_format_short(l->at[i], text, sizeof text);
        hline(c, "thr", "data-threshold", text, y(ctx, l->at[i]), NULL, text);
    }
}

static int64_t score_line_y(const void *ctx, lci_dec d)
{
    (void)ctx;
    return score_y(d);
}

static void score_lines(chart *c)
{
    for (int v = 0; v <= 100; v += 20) {
        char label[8];
        snprintf(label, sizeof label, "%d", v);
        hline(c, "grid", NULL, NULL, score_y((lci_dec){v, 0}), label, NULL);
    }
    threshold_lines(c, &c->res->score_lines, score_line_y, NULL);
}

static void score_bar(chart *c, size_t i)
{
    const lci_rmonth *mo = &c->res->months[i];
    int64_t w = (int64_t)(X1 - X0) * 10 * 6 / 10 / (int64_t)c->res->nmonths, y = score_y(mo->score);
    char score[48];
    lci_dec_format(mo->score, score, sizeof score);
    lci_buf_printf(c->b, "<rect class=\"bar%s\" data-month=\"%s\" data-score=\"%s\" x=\"",
                   mo->score_flagged ? " low" : "", mo->label, score);
    bar_geometry(c->b, month_x(c->res->nmonths, i) - w / 2, y, w);
    lci_buf_printf(c->b, "\"><title>%s: %s</title></rect>\n", mo->label, score);
    lci_buf_puts(c->b, "<text text-anchor=\"middle\" font-size=\"9\" x=\"");
    num(c->b, month_x(c->res->nmonths, i));
    lci_buf_puts(c->b, "\" y=\"");
    num(c->b, y - 30);
    lci_buf_printf(c->b, "\">%s</text>\n", score);
}

void lcr_svg_scores(lci_buf *b, const lc_result *res, lc_lang lang)
{
    chart c = {b, res, lang};
    char zh[160], en[160];
    int cited = res->score_clause && res->score_clause[0];
    snprintf(zh, sizeof zh, cited ? "月度得分（%s）" : "月度得分%s", cited ? res->score_clause : "");
    snprintf(en, sizeof en, cited ? "Monthly score (%s)" : "Monthly score%s", cited ? res->score_clause : "");
    open_chart(&c, "scores", zh, en);
    score_lines(&c);
    for (size_t i = 0; i < res->nmonths; i++)
        if (res->months[i].scored) score_bar(&c, i);
    close_chart(&c);
}

/* ---- a percentage column against the bounds of its rules ---- */

typedef struct range {
    double lo, hi;
} range;

static int64_t pct_y(range r, double v)
{
    double t = (v - r.lo) / (r.hi - r.lo);
    if (t < 0) t = 0;
    if (t > 1) t = 1;
    return (int64_t)Y1 * 10 - (int64_t)llround(t * (Y1 - Y0) * 10);
}

static int64_t pct_line_y(const void *ctx, lci_dec d)
{
    return pct_y(*(const range *)ctx, lci_dec_to_double(d));
}

/* From a little below the lowest value or line to 100. */
static range pct_range(const lc_result *res, size_t col)
{
    const lci_rlines *l = &res->column_lines[col];
    double low = l->n ? lci_dec_to_double(l->at[0]) : 100.0;
    for (size_t i = 0; i < res->nmonths; i++) {
        const lci_rvalue *v = &res->months[i].columns[col];
        if (v->kind == LCI_V_NUMBER && v->number < low) low = v->number;
    }
    range r = {floor((low - (100.0 - low) * 0.25) * 10.0) / 10.0, 100.0};
    if (r.lo > 99.8) r.lo = 99.8;
    if (r.lo < 0) r.lo = 0;
    return r;
}

static void pct_points(chart *c, size_t col, range r)
{
    const lc_result *res = c->res;
    lci_buf_printf(c->b, "<polyline class=\"series\" data-series=\"%s\" points=\"", res->column_keys[col]);
    for (size_t i = 0, k = 0; i < res->nmonths; i++) {
        const lci_rvalue *v = &res->months[i].columns[col];
        if (v->kind != LCI_V_NUMBER) continue;
        lci_buf_puts(c->b, k++ ? " " : "");
        num(c->b, month_x(res->nmonths, i));
        lci_buf_putc(c->b, ',');
        num(c->b, pct_y(r, v->number));
    }
    lci_buf_puts(c->b, "\"/>\n");
    for (size_t i = 0; i < res->nmonths; i++) {
        const lci_rvalue *v = &res->months[i].columns[col];
        char raw[48], shown[48];
        if (v->kind != LCI_V_NUMBER) continue;
        lcr_value_json(v, raw, sizeof raw);
        lcr_value_text(v, 4, shown, sizeof shown);
        lci_buf_printf(c->b, "<circle class=\"pt%s\" r=\"3.5\" data-month=\"%s\" data-value=\"%s\" cx=\"",
                       v->flagged ? " low" : "", res->months[i].label, raw);
        num(c->b, month_x(res->nmonths, i));
        lci_buf_puts(c->b, "\" cy=\"");
        num(c->b, pct_y(r, v->number));
        lci_buf_printf(c->b, "\"><title>%s: %s%%</title></circle>\n", res->months[i].label, shown);
    }
}

int lcr_svg_charted(const lc_result *res, size_t col)
{
    return res->column_units[col] == LCI_UNIT_PCT && res->column_lines[col].n > 0;
}

void lcr_svg_percent(lci_buf *b, const lc_result *res, size_t col, lc_lang lang)
{
    chart c = {b, res, lang};
    char lo[32], zh[96], en[96];
    range r = pct_range(res, col);
    snprintf(lo, sizeof lo, "%.1f", r.lo);
    snprintf(zh, sizeof zh, "月度 %s %%", res->column_keys[col]);
    snprintf(en, sizeof en, "Monthly %s %%", res->column_keys[col]);
    open_chart(&c, res->column_keys[col], zh, en);
    hline(&c, "grid", NULL, NULL, pct_y(r, r.hi), "100", NULL);
    hline(&c, "grid", NULL, NULL, pct_y(r, r.lo), lo, NULL);
    threshold_lines(&c, &res->column_lines[col], pct_line_y, &r);
    pct_points(&c, col, r);
    close_chart(&c);
}

/* ---- cumulative penalty ---- */

static int64_t money_y(int64_t fen, int64_t top)
{
    int64_t off = 0;
    if (top <= 0 || lci_mul_div_round(fen, (Y1 - Y0) * 10, top, &off) != LCI_NUM_OK) off = 0;
    return (int64_t)Y1 * 10 - off;
}

static void month_bars(chart *c, const lcr_money *m, int64_t top)
{
    size_t n = c->res->nmonths;
    int64_t w = (int64_t)(X1 - X0) * 10 * 4 / 10 / (int64_t)n;
    for (size_t i = 0; i < n; i++) {
        char a[32];
        int64_t y = money_y(m->month_counted[i], top);
        lci_fen_format(m->month_counted[i], a, sizeof a);
        lci_buf_printf(c->b, "<rect class=\"mbar\" data-month=\"%s\" data-amount=\"%s\" x=\"", c->res->months[i].label, a);
        bar_geometry(c->b, month_x(n, i) - w / 2, y, w);
        lci_buf_printf(c->b, "\"><title>%s: %s</title></rect>\n", c->res->months[i].label, a);
    }
}

static void cumulative_line(chart *c, const lcr_money *m, int64_t top)
{
    size_t n = c->res->nmonths;
    char last[32];
    lci_fen_format(n ? m->month_cumulative[n - 1] : 0, last, sizeof last);
    lci_buf_printf(c->b, "<polyline class=\"series\" data-series=\"cumulative\" data-last=\"%s\" points=\"", last);
    for (size_t i = 0; i < n; i++) {
        lci_buf_puts(c->b, i ? " " : "");
        num(c->b, month_x(n, i));
        lci_buf_putc(c->b, ',');
        num(c->b, money_y(m->month_cumulative[i], top));
    }
    lci_buf_puts(c->b, "\"/>\n");
    for (size_t i = 0; i < n; i++) {
        char a[32];
        lci_fen_format(m->month_cumulative[i], a, sizeof a);
        lci_buf_printf(c->b, "<circle class=\"pt\" r=\"3\" data-month=\"%s\" data-cumulative=\"%s\" cx=\"",
                       c->res->months[i].label, a);
        num(c->b, month_x(n, i));
        lci_buf_puts(c->b, "\" cy=\"");
        num(c->b, money_y(m->month_cumulative[i], top));
        lci_buf_printf(c->b, "\"><title>%s: %s</title></circle>\n", c->res->months[i].label, a);
    }
}

void lcr_svg_cumulative(lci_buf *b, const lc_result *res, const lcr_money *m, lc_lang lang)
{
    chart c = {b, res, lang};
    size_t n = res->nmonths;
    int64_t last = n ? m->month_cumulative[n - 1] : 0, top = res->cap > last ? res->cap : last;
    char text[32], label[LCR_LABEL_MAX + 40], l[LCR_LABEL_MAX];
    if (!n) return;
    if (top <= 0) top = 100;
    char wz[LCR_LABEL_MAX], we[LCR_LABEL_MAX];
    if (res->cap >= 0)
        lcr_amount_words(res, "累计%s（封顶后）与上限", "Cumulative %s after caps, against the cap", LCR_SINGULAR, wz, we);
    else lcr_amount_words(res, "累计%s（封顶后）", "Cumulative %s after caps", LCR_SINGULAR, wz, we);
    open_chart(&c, "cumulative", wz, we);
    hline(&c, "grid", NULL, NULL, money_y(0, top), "0", NULL);
    lci_fen_format(top, text, sizeof text);
    if (res->cap < 0) hline(&c, "grid", NULL, NULL, money_y(top, top), text, NULL);
    month_bars(&c, m, top);
    cumulative_line(&c, m, top);
    if (res->cap >= 0) {
        lci_fen_format(res->cap, text, sizeof text);
        snprintf(label, sizeof label, "%s", lcr_label(lang, "上限", "cap", l, sizeof l));
        hline(&c, "cap", "data-cap", text, money_y(res->cap, top), text, label);
    }
    close_chart(&c);
}
