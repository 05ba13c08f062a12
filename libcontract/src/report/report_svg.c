/* report_svg.c — the HTML report's charts as inline SVG.
 *
 * Monthly score against the grade lines (附件7: 60/80/90, from the
 * parameters when the contract declares them), monthly availability
 * against the target, cumulative penalty after the caps against the cap.
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

static void score_lines(chart *c, lci_dec *pass)
{
    static const char *const names[3][2] = {{"grade_pass", "60"}, {"grade_good", "80"}, {"grade_excellent", "90"}};
    for (int v = 0; v <= 100; v += 20) {
        char label[8];
        snprintf(label, sizeof label, "%d", v);
        hline(c, "grid", NULL, NULL, score_y((lci_dec){v, 0}), label, NULL);
    }
    for (int i = 0; i < 3; i++) {
        lci_dec d;
        char text[48];
        if (lcr_param(c->res, names[i][0], &d) != 0) lci_dec_parse(names[i][1], strlen(names[i][1]), &d, NULL);
        if (i == 0) *pass = d;
        lci_dec_format_short(d, text, sizeof text);
        hline(c, "thr", "data-threshold", text, score_y(d), NULL, text);
    }
}

static void score_bar(chart *c, size_t i, lci_dec pass)
{
    const lci_rmonth *mo = &c->res->months[i];
    int64_t w = (int64_t)(X1 - X0) * 10 * 6 / 10 / (int64_t)c->res->nmonths, y = score_y(mo->score);
    char score[48];
    lci_dec_format(mo->score, score, sizeof score);
    lci_buf_printf(c->b, "<rect class=\"bar%s\" data-month=\"%s\" data-score=\"%s\" x=\"",
                   lci_dec_cmp(mo->score, pass) < 0 ? " low" : "", mo->label, score);
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
    lci_dec pass = {60, 0};
    open_chart(&c, "scores", "月度得分（附件7）", "Monthly score (附件7)");
    score_lines(&c, &pass);
    for (size_t i = 0; i < res->nmonths; i++)
        if (res->months[i].scored) score_bar(&c, i, pass);
    close_chart(&c);
}

/* ---- availability ---- */

typedef struct range {
    double lo, hi;
} range;

static int64_t avail_y(range r, double v)
{
    double t = (v - r.lo) / (r.hi - r.lo);
    if (t < 0) t = 0;
    if (t > 1) t = 1;
    return (int64_t)Y1 * 10 - (int64_t)llround(t * (Y1 - Y0) * 10);
}

static range avail_range(const lc_result *res, int col, double target)
{
    double low = target;
    for (size_t i = 0; i < res->nmonths; i++) {
        const lci_rvalue *v = &res->months[i].columns[col];
        if (v->kind == LCI_V_NUMBER && v->number < low) low = v->number;
    }
    range r = {floor((low - (100.0 - low) * 0.25) * 10.0) / 10.0, 100.0};
    if (r.lo > 99.8) r.lo = 99.8;
    if (r.lo < 0) r.lo = 0;
    return r;
}

static void avail_points(chart *c, int col, range r, double target)
{
    const lc_result *res = c->res;
    lci_buf_puts(c->b, "<polyline class=\"series\" data-series=\"availability\" points=\"");
    for (size_t i = 0, k = 0; i < res->nmonths; i++) {
        const lci_rvalue *v = &res->months[i].columns[col];
        if (v->kind != LCI_V_NUMBER) continue;
        lci_buf_puts(c->b, k++ ? " " : "");
        num(c->b, month_x(res->nmonths, i));
        lci_buf_putc(c->b, ',');
        num(c->b, avail_y(r, v->number));
    }
    lci_buf_puts(c->b, "\"/>\n");
    for (size_t i = 0; i < res->nmonths; i++) {
        const lci_rvalue *v = &res->months[i].columns[col];
        char raw[48], shown[48];
        if (v->kind != LCI_V_NUMBER) continue;
        lcr_value_json(v, raw, sizeof raw);
        lcr_value_text(v, 4, shown, sizeof shown);
        lci_buf_printf(c->b, "<circle class=\"pt%s\" r=\"3.5\" data-month=\"%s\" data-availability=\"%s\" cx=\"",
                       v->number < target ? " low" : "", res->months[i].label, raw);
        num(c->b, month_x(res->nmonths, i));
        lci_buf_puts(c->b, "\" cy=\"");
        num(c->b, avail_y(r, v->number));
        lci_buf_printf(c->b, "\"><title>%s: %s%%</title></circle>\n", res->months[i].label, shown);
    }
}

void lcr_svg_availability(lci_buf *b, const lc_result *res, lc_lang lang)
{
    chart c = {b, res, lang};
    int col = lcr_column(res, "availability");
    lci_dec target = {999, 1};
    char text[48], lo[32];
    if (col < 0) return;
    lcr_param(res, "availability_target", &target);
    double t = lci_dec_to_double(target);
    range r = avail_range(res, col, t);
    lci_dec_format_short(target, text, sizeof text);
    snprintf(lo, sizeof lo, "%.1f", r.lo);
    open_chart(&c, "availability", "月度可用性 %", "Monthly availability %");
    hline(&c, "grid", NULL, NULL, avail_y(r, r.hi), "100", NULL);
    hline(&c, "grid", NULL, NULL, avail_y(r, r.lo), lo, NULL);
    hline(&c, "thr", "data-threshold", text, avail_y(r, t), NULL, text);
    avail_points(&c, col, r, t);
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
    if (res->cap >= 0)
        open_chart(&c, "cumulative", "累计违约金（封顶后）与上限", "Cumulative penalty after caps, against the cap");
    else open_chart(&c, "cumulative", "累计违约金（封顶后）", "Cumulative penalty after caps");
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
