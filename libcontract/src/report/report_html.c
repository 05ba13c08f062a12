/* report_html.c — the result as one self-contained HTML page.
 *
 * No script, font or image from outside (the charts are inline SVG,
 * report_svg.c); every text is escaped.  The CSS lays the page out for a
 * wide screen, a narrow window and A4 paper (sections start on a new page
 * when printed).  Elements carry data attributes with their values so a
 * test can read them from the DOM. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

static const char style[] =
    ":root{--fg:#1d2330;--muted:#5b6475;--line:#d9dee7;--soft:#f5f7fa;--accent:#1f6feb;--bad:#c62828;"
    "--ok:#2e7d32;--warn:#b26a00}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0 auto;max-width:1200px;padding:24px;color:var(--fg);background:#fff;"
    "font:14px/1.5 \"Noto Sans CJK SC\",\"Source Han Sans SC\",\"PingFang SC\",\"Microsoft YaHei\","
    "\"WenQuanYi Micro Hei\",system-ui,sans-serif}\n"
    "h1{font-size:22px;margin:0 0 4px}\n"
    "h2{font-size:18px;margin:32px 0 10px;padding-bottom:4px;border-bottom:2px solid var(--line)}\n"
    "h3{font-size:15px;margin:16px 0 6px}\n"
    ".meta,.muted{color:var(--muted)}.meta{margin:0 0 12px}\n"
    ".cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(180px,1fr));gap:12px}\n"
    ".card{border:1px solid var(--line);border-radius:8px;padding:12px 14px;background:var(--soft)}\n"
    ".card .k{color:var(--muted);font-size:12px}.card .v{font-size:20px;font-weight:600}"
    ".card .s{font-size:12px;color:var(--muted)}\n"
    ".card.bad .v{color:var(--bad)}.card.ok .v{color:var(--ok)}\n"
    ".meter{height:8px;background:#e4e8ef;border-radius:4px;overflow:hidden;margin:6px 0}"
    ".meter span{display:block;height:100%;background:var(--accent)}\n"
    ".charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,480px),1fr));gap:16px}\n"
    "figure{margin:0;border:1px solid var(--line);border-radius:8px;padding:8px 8px 4px}\n"
    "figcaption{font-size:13px;color:var(--muted);margin-bottom:4px}\n"
    "svg{width:100%;height:auto;display:block}\n"
    "svg text{font-size:10px;fill:var(--muted)}\n"
    "svg .axis{stroke:#9aa3b2}svg .grid{stroke:#e4e8ef}\n"
    "svg .thr{stroke:var(--warn);stroke-dasharray:5 3}svg .cap{stroke:var(--bad);stroke-dasharray:5 3}\n"
    "svg .bar{fill:var(--accent)}svg .bar.low{fill:var(--bad)}svg .mbar{fill:#f2b8b5}\n"
    "svg .series{fill:none;stroke:var(--accent);stroke-width:2}svg .pt{fill:var(--accent)}"
    "svg .pt.low{fill:var(--bad)}\n"
    ".scroll{overflow-x:auto}\n"
    "table{border-collapse:collapse;width:100%;font-size:13px}\n"
    "th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}\n"
    "th{background:var(--soft);font-weight:600}\n"
    ".n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
    "th.c{text-align:center}tr.total td{font-weight:600;border-top:2px solid var(--fg)}\n"
    "td.bad{color:var(--bad);font-weight:600}td.ok{color:var(--ok)}\n"
    ".sheet{margin:0 0 20px}.sheet p{margin:4px 0 0;font-size:12px}\n"
    "table.months th{white-space:normal}td.m{white-space:nowrap}\n"
    "ul{margin:6px 0;padding-left:20px}\n"
    "footer{margin-top:32px;font-size:12px;color:var(--muted);word-break:break-all}\n"
    "@media (max-width:640px){body{padding:12px;font-size:13px}"
    "th,td{padding:3px 5px}.card .v{font-size:17px}}\n"
    "@page{size:A4;margin:12mm}\n"
    "@media print{body{max-width:none;padding:0;font-size:10pt}.page{break-before:page}"
    "h2,h3{break-after:avoid}figure,.sheet,.card,tr{break-inside:avoid}.scroll{overflow:visible}"
    "table{font-size:8pt}th,td{padding:2px 4px}.charts{grid-template-columns:1fr 1fr}"
    "thead{display:table-header-group}}\n";

/* ---- helpers shared with the charts and the diff ---- */

void lcr_html_escape(lci_buf *b, const char *s)
{
    for (const char *p = s ? s : ""; *p; p++) switch (*p) {
        case '&': lci_buf_puts(b, "&amp;"); break;
        case '<': lci_buf_puts(b, "&lt;"); break;
        case '>': lci_buf_puts(b, "&gt;"); break;
        case '"': lci_buf_puts(b, "&quot;"); break;
        case '\'': lci_buf_puts(b, "&#39;"); break;
        default: lci_buf_putc(b, *p);
        }
}

void lcr_html_label(lci_buf *b, lc_lang lang, const char *zh, const char *en)
{
    char buf[LCR_LABEL_MAX];
    lcr_html_escape(b, lcr_label(lang, zh, en, buf, sizeof buf));
}

void lcr_html_head(lci_buf *b, lc_lang lang, const char *title)
{
    lci_buf_printf(b, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n",
                   lang == LC_LANG_EN ? "en" : "zh-CN");
    lci_buf_puts(b, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    lcr_html_escape(b, title);
    lci_buf_printf(b, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", style);
}

void lcr_html_foot(lci_buf *b)
{
    lci_buf_puts(b, "</body>\n</html>\n");
}

/* ---- the page ---- */

typedef struct html {
    lci_buf *b;
    const lc_result *res;
    lc_lang lang;
    unsigned flags;
    lcr_money money;
} html;

static void esc(html *h, const char *s)
{
    lcr_html_escape(h->b, s);
}

static void lab(html *h, const char *zh, const char *en)
{
    lcr_html_label(h->b, h->lang, zh, en);
}

static void open_tag(html *h, const char *tag, const char *cls)
{
    if (cls) lci_buf_printf(h->b, "<%s class=\"%s\">", tag, cls);
    else lci_buf_printf(h->b, "<%s>", tag);
}

static void th(html *h, const char *cls, const char *zh, const char *en)
{
    open_tag(h, "th", cls);
    lab(h, zh, en);
    lci_buf_puts(h->b, "</th>");
}

static void td(html *h, const char *cls, const char *text)
{
    open_tag(h, "td", cls);
    esc(h, text);
    lci_buf_puts(h->b, "</td>");
}

static void td_money(html *h, int64_t fen)
{
    char buf[32];
    lci_fen_format(fen, buf, sizeof buf);
    td(h, "n", buf);
}

static void section(html *h, const char *id, int page, const char *zh, const char *en)
{
    lci_buf_printf(h->b, "<section id=\"%s\"%s>\n<h2>", id, page ? " class=\"page\"" : "");
    lab(h, zh, en);
    lci_buf_puts(h->b, "</h2>\n");
}

static void header(html *h)
{
    const lc_result *res = h->res;
    char v[32], base[32], cap[32];
    lci_fen_format(res->value, v, sizeof v);
    lci_fen_format(res->penalty_base, base, sizeof base);
    lci_fen_format(res->cap, cap, sizeof cap);
    lci_buf_puts(h->b, "<header>\n<h1>");
    esc(h, res->title ? res->title : res->id);
    lci_buf_puts(h->b, "</h1>\n<p class=\"meta\">");
    esc(h, res->id);
    lci_buf_printf(h->b, " · %.10s – %.10s · ", res->term_start, res->term_end);
    if (res->value >= 0) {
        lab(h, "合同金额", "Value");
        lci_buf_printf(h->b, " %s ", v);
    }
    esc(h, res->currency);
    if (res->penalty_base >= 0) {
        lci_buf_puts(h->b, " · ");
        lab(h, "取费基数", "Penalty base");
        lci_buf_printf(h->b, " %s", base);
    }
    if (res->cap >= 0) {
        lci_buf_puts(h->b, " · ");
        lab(h, "上限", "Cap");
        lci_buf_printf(h->b, " %s", cap);
    }
    lci_buf_puts(h->b, "</p>\n</header>\n");
}

/* ---- summary cards ---- */

static void card_open(html *h, const char *cls, const char *zh, const char *en)
{
    lci_buf_printf(h->b, "<div class=\"card%s%s\"><div class=\"k\">", cls ? " " : "", cls ? cls : "");
    lab(h, zh, en);
    lci_buf_puts(h->b, "</div><div class=\"v\">");
}

static void card_total(html *h)
{
    const lc_result *res = h->res;
    char a[32], cap[32], used[32], of_value[32];
    lci_fen_format(res->amount, a, sizeof a);
    lci_fen_format(res->cap, cap, sizeof cap);
    lcr_percent(res->amount, res->cap, 1, used, sizeof used);
    lcr_percent(res->amount, res->value, 2, of_value, sizeof of_value);
    lci_buf_printf(h->b, "<div class=\"card\" id=\"total\" data-amount=\"%s\"%s%s%s><div class=\"k\">", a,
                   res->cap >= 0 ? " data-cap=\"" : "", res->cap >= 0 ? cap : "", res->cap >= 0 ? "\"" : "");
    char wz[LCR_LABEL_MAX], we[LCR_LABEL_MAX];
    lcr_amount_words(res, "%s合计", "Total %s", LCR_PLURAL, wz, we);
    lab(h, wz, we);
    lci_buf_printf(h->b, "</div><div class=\"v\">%s ", a);
    esc(h, res->currency);
    lci_buf_puts(h->b, "</div>");
    if (res->cap >= 0) {
        lci_buf_printf(h->b, "<div class=\"meter\"><span style=\"width:%s%%\"></span></div><div class=\"s\">",
                       strcmp(used, "-") ? used : "0");
        lab(h, "上限", "cap");
        lci_buf_printf(h->b, " %s · %s%%</div>", cap, used);
    }
    lci_buf_puts(h->b, "<div class=\"s\">");
    if (res->value > 0) {
        lci_buf_printf(h->b, "%s%% ", of_value);
        lab(h, "合同金额", "of value");
    }
    if (res->capped) {
        lci_fen_format(res->amount_uncapped, a, sizeof a);
        lci_buf_puts(h->b, " · ");
        lab(h, "封顶前", "before caps");
        lci_buf_printf(h->b, " %s", a);
    }
    lci_buf_puts(h->b, "</div></div>\n");
}

static void card_counts(html *h)
{
    const lc_result *res = h->res;
    char pct[48];
    lci_dec_format_short(res->pct_of_base, pct, sizeof pct);
    card_open(h, NULL, "违约", "Breaches");
    lci_buf_printf(h->b, "%zu</div><div class=\"s\">", res->nbreaches);
    if (res->penalty_base >= 0) {
        lab(h, "合计比例", "Σ pct of base");
        lci_buf_printf(h->b, " %s%% · ", pct);
    }
    lab(h, "事故", "incidents");
    lci_buf_printf(h->b, " %zu</div></div>\n", res->nincidents);
    card_open(h, res->termination_right ? "bad" : "ok", "解除合同权", "Termination right");
    if (res->termination_right) lab(h, "有", "yes");
    else lab(h, "无", "no");
    lci_buf_puts(h->b, "</div><div class=\"s\">");
    for (size_t i = 0; i < res->nreasons; i++) {
        esc(h, res->reasons[i].label);
        esc(h, i + 1 < res->nreasons ? "; " : "");
    }
    lci_buf_puts(h->b, "</div></div>\n");
}

static void card_year(html *h)
{
    const lc_result *res = h->res;
    char v[48];
    if (res->has_annual_score) {
        lci_dec_format(res->annual_score, v, sizeof v);
        card_open(h, NULL, "年度得分", "Annual score");
        lci_buf_printf(h->b, "%s</div><div class=\"s\">", v);
        if (res->grade) lab(h, lcr_grade_zh(res->grade), res->grade);
        lci_buf_puts(h->b, "</div></div>\n");
    }
    if (res->annual_availability.kind != LCI_V_NULL) {
        lcr_value_text(&res->annual_availability, 4, v, sizeof v);
        card_open(h, NULL, "年度可用性", "Annual availability");
        lci_buf_printf(h->b, "%s%%</div></div>\n", v);
    }
    if (res->has_acceptance) {
        card_open(h, res->acceptance_passed ? "ok" : "bad", "验收", "Acceptance");
        if (res->acceptance_passed) lab(h, "通过", "passed");
        else lab(h, "未通过", "not passed");
        lci_buf_puts(h->b, "</div></div>\n");
    }
}

static void summary(html *h)
{
    section(h, "summary", 0, "总览", "Summary");
    lci_buf_puts(h->b, "<div class=\"cards\">\n");
    card_total(h);
    card_counts(h);
    card_year(h);
    lci_buf_puts(h->b, "</div>\n</section>\n");
}

static void charts(html *h)
{
    const lc_result *res = h->res;
    if (!res->nmonths) return;
    section(h, "charts", 0, "图表", "Charts");
    lci_buf_puts(h->b, "<div class=\"charts\">\n");
    if (res->has_scorecard) lcr_svg_scores(h->b, res, h->lang);
    for (size_t k = 0; k < res->ncolumns; k++)
        if (lcr_svg_charted(res, k)) lcr_svg_percent(h->b, res, k, h->lang);
    lcr_svg_cumulative(h->b, res, &h->money, h->lang);
    lci_buf_puts(h->b, "</div>\n</section>\n");
}

/* ---- the ledger ---- */

static void ledger_row(html *h, size_t i)
{
    const lc_result *res = h->res;
    const lci_rbreach *br = &res->breaches[i];
    char when[40], a[32], run[32];
    lcr_breach_when(res, br, when, sizeof when);
    lci_fen_format(br->amount, a, sizeof a);
    lci_fen_format(h->money.running[i], run, sizeof run);
    lci_buf_puts(h->b, "<tr data-rule=\"");
    esc(h, br->rule);
    lci_buf_printf(h->b, "\" data-amount=\"%s\" data-running=\"%s\">", a, run);
    td(h, NULL, when);
    td(h, NULL, br->rule);
    td(h, NULL, br->clause);
    lci_buf_puts(h->b, "<td>");
    esc(h, br->reason);
    if (h->flags & LC_RENDER_EXPLAIN) {
        lci_buf_puts(h->b, "<br><span class=\"muted\">");
        esc(h, br->text);
        lci_buf_puts(h->b, "</span>");
    }
    char pct_text[48];
    lci_buf_printf(h->b, "</td><td class=\"n\">%s</td>", lcr_pct(br, pct_text, sizeof pct_text));
    td_money(h, br->amount);
    if (res->ncaps) td_money(h, h->money.counted[i]);
    td_money(h, h->money.running[i]);
    if (res->cap >= 0) {
        char pct[32];
        lcr_percent(h->money.running[i], res->cap, 1, pct, sizeof pct);
        lci_buf_printf(h->b, "<td class=\"n\">%s%%</td>", pct);
    }
    lci_buf_puts(h->b, "</tr>\n");
}

static void caps_applied(html *h)
{
    const lc_result *res = h->res;
    if (!res->ncaps) return;
    lci_buf_puts(h->b, "<h3>");
    lab(h, "封顶", "Caps applied");
    lci_buf_puts(h->b, "</h3>\n<div class=\"scroll\"><table><thead><tr>");
    th(h, NULL, "上限", "Cap");
    th(h, NULL, "范围", "Window");
    th(h, NULL, "月份", "Month");
    th(h, "n", "限额", "Limit");
    th(h, "n", "扣减", "Cut");
    lci_buf_puts(h->b, "</tr></thead><tbody>\n");
    for (size_t i = 0; i < res->ncaps; i++) {
        const lci_rcap *c = &res->caps[i];
        lci_buf_puts(h->b, "<tr>");
        td(h, NULL, c->id);
        td(h, NULL, c->window);
        td(h, NULL, c->month >= 0 ? res->months[c->month].label : "-");
        td_money(h, c->limit);
        td_money(h, c->cut);
        lci_buf_puts(h->b, "</tr>\n");
    }
    lci_buf_puts(h->b, "</tbody></table></div>\n");
}

static void ledger(html *h)
{
    const lc_result *res = h->res;
    section(h, "ledger", 1, "违约明细", "Breach ledger");
    if (!res->nbreaches) {
        lci_buf_puts(h->b, "<p class=\"muted\">");
        lab(h, "无", "none");
        lci_buf_puts(h->b, "</p>\n</section>\n");
        return;
    }
    lci_buf_puts(h->b, "<div class=\"scroll\"><table class=\"ledger\"><thead><tr>");
    th(h, NULL, "时间", "When");
    th(h, NULL, "条目", "Rule");
    th(h, NULL, "条款", "Clause");
    th(h, NULL, "原因", "Reason");
    th(h, "n", "比例", "Pct");
    th(h, "n", "金额", "Amount");
    if (res->ncaps) th(h, "n", "计入", "Counted");
    th(h, "n", "累计", "Running");
    if (res->cap >= 0) th(h, "n", "占上限", "Of cap");
    lci_buf_puts(h->b, "</tr></thead><tbody>\n");
    for (size_t i = 0; i < res->nbreaches; i++) ledger_row(h, i);
    lci_buf_puts(h->b, "</tbody></table></div>\n");
    caps_applied(h);
    lci_buf_puts(h->b, "</section>\n");
}

/* ---- months ---- */

static void month_row(html *h, size_t i)
{
    const lc_result *res = h->res;
    lci_buf_printf(h->b, "<tr data-month=\"%s\">", res->months[i].label);
    td(h, "m", res->months[i].label);
    for (size_t k = 0; k < res->ncolumns; k++) {
        char v[48], raw[48];
        lcr_value_text(&res->months[i].columns[k], lcr_column_digits(res, k), v, sizeof v);
        lcr_value_json(&res->months[i].columns[k], raw, sizeof raw);
        lci_buf_puts(h->b, "<td class=\"n\" data-key=\"");
        esc(h, res->column_keys[k]);
        lci_buf_puts(h->b, "\" data-value=\"");
        esc(h, raw);
        lci_buf_puts(h->b, "\">");
        esc(h, v);
        lci_buf_puts(h->b, "</td>");
    }
    lci_buf_printf(h->b, "<td class=\"n\">%zu</td>", h->money.month_breaches[i]);
    td_money(h, h->money.month_counted[i]);
    td_money(h, h->money.month_cumulative[i]);
    lci_buf_puts(h->b, "</tr>\n");
}

/* "ops_response_avg_min" may break after each underscore. */
static void key_breakable(html *h, const char *key)
{
    for (const char *p = key; *p; p++) {
        char one[2] = {*p, '\0'};
        esc(h, one);
        if (*p == '_' && p[1]) lci_buf_puts(h->b, "<wbr>");
    }
}

static void months(html *h)
{
    const lc_result *res = h->res;
    if (!res->nmonths) return;
    section(h, "months", 0, "月度指标", "Months");
    lci_buf_puts(h->b, "<div class=\"scroll\"><table class=\"months\"><thead><tr>");
    th(h, NULL, "月份", "Month");
    for (size_t k = 0; k < res->ncolumns; k++) {
        lci_buf_puts(h->b, "<th class=\"n\">");
        key_breakable(h, res->column_keys[k]);
        lci_buf_puts(h->b, "</th>");
    }
    th(h, "n", "违约", "Breaches");
    char wz[LCR_LABEL_MAX], we[LCR_LABEL_MAX];
    lcr_amount_words(res, "%s", "%s", LCR_CAPITAL, wz, we);
    th(h, "n", wz, we);
    th(h, "n", "累计", "Cumulative");
    lci_buf_puts(h->b, "</tr></thead><tbody>\n");
    for (size_t i = 0; i < res->nmonths; i++) month_row(h, i);
    lci_buf_puts(h->b, "</tbody></table></div>\n</section>\n");
}

/* ---- score sheets (附件7) ---- */

static void td_dec(html *h, lci_dec d, int digits)
{
    char buf[48];
    lcr_dec_fixed(d, digits, buf, sizeof buf);
    td(h, "n", buf);
}

static void sheet_head(html *h)
{
    const lc_result *res = h->res;
    lci_buf_puts(h->b, "<thead><tr>");
    lci_buf_puts(h->b, "<th rowspan=\"2\">");
    lab(h, "工作项", "Item");
    lci_buf_puts(h->b, "</th><th rowspan=\"2\" class=\"n\">");
    lab(h, "满分", "Max");
    lci_buf_puts(h->b, "</th>");
    for (int c = 0; c < res->ncomponents; c++) {
        lci_buf_puts(h->b, "<th colspan=\"2\" class=\"c\">");
        lab(h, res->component_zh[c], res->component_en[c]);
        lci_buf_puts(h->b, "</th>");
    }
    lci_buf_puts(h->b, "<th rowspan=\"2\" class=\"n\">");
    lab(h, "小计", "Subtotal");
    lci_buf_puts(h->b, "</th></tr>\n<tr>");
    for (int c = 0; c < res->ncomponents; c++) {
        th(h, "n", "满分", "max");
        th(h, "n", "得分", "pts");
    }
    lci_buf_puts(h->b, "</tr></thead>\n");
}

static void sheet_rows(html *h, const lci_rmonth *mo, int digits, lci_dec *full, lci_dec *pts, int *bad)
{
    const lc_result *res = h->res;
    for (size_t i = 0; i < res->nscore_items; i++) {
        const lci_ritem *it = &mo->items[i];
        const lci_rscore_item *si = &res->score_items[i];
        if (!it->present) continue;
        lci_buf_puts(h->b, "<tr data-item=\"");
        esc(h, si->id);
        lci_buf_puts(h->b, "\"><td>");
        lab(h, si->zh, si->en);
        lci_buf_puts(h->b, "</td>");
        td_dec(h, si->max, 0);
        for (int c = 0; c < res->ncomponents; c++) {
            td_dec(h, it->max_points[c], digits);
            td_dec(h, it->points[c], digits);
            *bad |= lcr_dec_add(full[c], it->max_points[c], &full[c]) | lcr_dec_add(pts[c], it->points[c], &pts[c]);
        }
        td_dec(h, it->subtotal, digits);
        lci_buf_puts(h->b, "</tr>\n");
    }
}

static void sheet(html *h, const lci_rmonth *mo)
{
    const lc_result *res = h->res;
    lci_dec full[LCI_MAX_COMPONENTS], pts[LCI_MAX_COMPONENTS], points;
    char score[48], sum[48], max[48];
    int bad = 0, digits = lcr_sheet_digits(res, mo);
    for (int c = 0; c < LCI_MAX_COMPONENTS; c++) full[c] = pts[c] = (lci_dec){0, 0};
    lci_dec_format(mo->score, score, sizeof score);
    lci_buf_printf(h->b, "<div class=\"sheet\"><h3>%s · ", mo->label);
    lab(h, "总得分", "Score");
    lci_buf_printf(h->b, " %s</h3>\n<div class=\"scroll\"><table data-month=\"%s\" data-score=\"%s\">\n", score,
                   mo->label, score);
    sheet_head(h);
    lci_buf_puts(h->b, "<tbody>\n");
    sheet_rows(h, mo, digits, full, pts, &bad);
    bad |= lcr_sheet_points(res, mo, &points);
    lci_buf_puts(h->b, "<tr class=\"total\"><td>");
    lab(h, "合计", "Total");
    lci_buf_puts(h->b, "</td>");
    td_dec(h, mo->raw_max, 0);
    for (int c = 0; c < res->ncomponents; c++) {
        td_dec(h, full[c], digits);
        td_dec(h, pts[c], digits);
    }
    td_dec(h, points, digits);
    lcr_dec_fixed(points, digits, sum, sizeof sum);
    lci_dec_format_short(mo->raw_max, max, sizeof max);
    lci_buf_puts(h->b, "</tr>\n</tbody></table></div>\n<p>");
    lab(h, "总得分", "Score");
    lci_buf_printf(h->b, " = %s / %s × 100 = <b>%s</b></p></div>\n", sum, max, score);
    if (bad) h->b->failed = 1;
}

static void score_sheets(html *h)
{
    const lc_result *res = h->res;
    if (!res->has_scorecard) return;
    section(h, "scores", 1, "考核评分表", "Score sheets");
    if (res->score_clause[0]) {
        lci_buf_puts(h->b, "<p class=\"muted\">");
        esc(h, res->score_clause);
        lci_buf_puts(h->b, "</p>\n");
    }
    lci_buf_puts(h->b, "<div class=\"sheets\">\n");
    for (size_t i = 0; i < res->nmonths; i++) {
        if (res->months[i].scored) {
            sheet(h, &res->months[i]);
            continue;
        }
        lci_buf_printf(h->b, "<div class=\"sheet\"><h3>%s · ", res->months[i].label);
        lab(h, "无评分", "not scored");
        lci_buf_puts(h->b, "</h3></div>\n");
    }
    lci_buf_puts(h->b, "</div>\n</section>\n");
}

/* ---- incidents and outcomes ---- */

static void incidents(html *h)
{
    const lc_result *res = h->res;
    if (!res->nincidents) return;
    section(h, "incidents", 0, "事故", "Incidents");
    lci_buf_puts(h->b, "<div class=\"scroll\"><table><thead><tr>");
    th(h, NULL, "时间", "When");
    th(h, NULL, "条目", "Rule");
    th(h, NULL, "级别", "Class");
    th(h, NULL, "条款", "Clause");
    th(h, NULL, "事件", "Events");
    lci_buf_puts(h->b, "</tr></thead><tbody>\n");
    for (size_t i = 0; i < res->nincidents; i++) {
        const lci_rincident *in = &res->incidents[i];
        char at[40];
        lci_buf ev;
        lci_buf_init(&ev);
        lcr_events(res, &in->events, ", ", 0, &ev);
        lci_time_format(in->at, res->offset_min, at, sizeof at);
        lci_buf_puts(h->b, "<tr>");
        td(h, NULL, at);
        td(h, NULL, in->rule);
        td(h, NULL, in->klass);
        td(h, NULL, in->clause);
        td(h, NULL, ev.failed ? "" : ev.data);
        lci_buf_puts(h->b, "</tr>\n");
        if (ev.failed) h->b->failed = 1;
        lci_buf_free(&ev);
    }
    lci_buf_puts(h->b, "</tbody></table></div>\n</section>\n");
}

static void termination(html *h)
{
    const lc_result *res = h->res;
    if (!res->nreasons) return;
    section(h, "termination", 0, "解除合同权", "Termination right");
    lci_buf_puts(h->b, "<ul>\n");
    for (size_t i = 0; i < res->nreasons; i++) {
        lci_buf_puts(h->b, "<li>");
        esc(h, res->reasons[i].message);
        lci_buf_puts(h->b, " <span class=\"muted\">(");
        esc(h, res->reasons[i].clause);
        lci_buf_puts(h->b, ")</span></li>\n");
    }
    lci_buf_puts(h->b, "</ul>\n</section>\n");
}

static void acceptance(html *h)
{
    const lc_result *res = h->res;
    if (!res->has_acceptance) return;
    section(h, "acceptance", 0, "验收", "Acceptance");
    lci_buf_puts(h->b, "<div class=\"scroll\"><table><thead><tr>");
    th(h, NULL, "项目", "Part");
    th(h, "n", "数值", "Value");
    th(h, NULL, "结果", "Result");
    th(h, NULL, "条款", "Clause");
    lci_buf_puts(h->b, "</tr></thead><tbody>\n");
    for (size_t i = 0; i < res->nparts; i++) {
        const lci_rpart *p = &res->parts[i];
        char v[48];
        lcr_value_text(&p->value, 4, v, sizeof v);
        lci_buf_printf(h->b, "<tr data-passed=\"%s\">", p->passed ? "true" : "false");
        td(h, NULL, p->name);
        td(h, "n", v);
        lci_buf_printf(h->b, "<td class=\"%s\">", p->passed ? "ok" : "bad");
        if (p->passed) lab(h, "通过", "passed");
        else lab(h, "未通过", "not passed");
        lci_buf_puts(h->b, "</td>");
        td(h, NULL, p->clause);
        lci_buf_puts(h->b, "</tr>\n");
    }
    lci_buf_puts(h->b, "</tbody></table></div>\n</section>\n");
}

static void obligations(html *h)
{
    const lc_result *res = h->res;
    if (!res->nobligations) return;
    section(h, "obligations", 0, "服务成果", "Obligations");
    lci_buf_puts(h->b, "<div class=\"scroll\"><table><thead><tr>");
    th(h, NULL, "成果", "Deliverable");
    th(h, "n", "应交", "Due");
    th(h, "n", "已交", "Delivered");
    th(h, "n", "缺交", "Short");
    th(h, NULL, "条款", "Clause");
    lci_buf_puts(h->b, "</tr></thead><tbody>\n");
    for (size_t i = 0; i < res->nobligations; i++) {
        const lci_robligation *o = &res->obligations[i];
        long long short_by = lci_obligation_shortfall(o) > 0 ? (long long)lci_obligation_shortfall(o) : 0;
        lci_buf_puts(h->b, "<tr>");
        td(h, NULL, o->kind);
        lci_buf_printf(h->b, "<td class=\"n\">%lld</td><td class=\"n\">%lld</td><td class=\"n%s\">%lld</td>",
                       (long long)o->due, (long long)o->delivered, short_by ? " bad" : "", short_by);
        td(h, NULL, o->clause);
        lci_buf_puts(h->b, "</tr>\n");
    }
    lci_buf_puts(h->b, "</tbody></table></div>\n</section>\n");
}

/* As of an instant: how far each threshold is, a row per item with what
 * it says in words (data-crossed for the ones that apply already). */
static void headroom(html *h)
{
    const lc_result *res = h->res;
    if (!res->has_as_of || !res->nheadroom) return;
    section(h, "headroom", 0, "距离阈值的余量（暂定）", "Headroom (provisional)");
    lci_buf_puts(h->b, "<div class=\"scroll\"><table><thead><tr>");
    th(h, NULL, "规则", "Rule");
    th(h, NULL, "类型", "Kind");
    th(h, "n", "余量", "Left");
    th(h, "n", "金额", "Amount");
    th(h, "n", "已用/已过", "Used/gone");
    th(h, NULL, "时刻", "At");
    th(h, NULL, "说明", "What");
    lci_buf_puts(h->b, "</tr></thead><tbody>\n");
    for (size_t i = 0; i < res->nheadroom; i++) {
        const lci_rheadroom *x = &res->headroom[i];
        const char *zh, *en;
        char left[80], used[64];
        lcr_headroom_words(x->kind, &zh, &en);
        lcr_headroom_texts(x, left, sizeof left, used, sizeof used);
        lci_buf_printf(h->b, "<tr data-kind=\"%s\" data-crossed=\"%s\">", x->kind, x->crossed ? "true" : "false");
        td(h, NULL, x->rule);
        open_tag(h, "td", NULL);
        lab(h, zh, en);
        lci_buf_puts(h->b, "</td>");
        td(h, "n", left);
        if (x->has_amount) td_money(h, x->amount);
        else td(h, "n", "-");
        td(h, "n", used);
        td(h, NULL, x->at[0] ? x->at : "-");
        td(h, NULL, x->what);
        lci_buf_puts(h->b, "</tr>\n");
    }
    lci_buf_puts(h->b, "</tbody></table></div>\n</section>\n");
}

/* The events that did not count, by type and why. */
static void not_counted(html *h)
{
    const lc_result *res = h->res;
    if (!res->nnot_counted) return;
    section(h, "not-counted", 0, "未计入的事件", "Events not counted");
    lci_buf_puts(h->b, "<div class=\"scroll\"><table><thead><tr>");
    th(h, NULL, "类型", "Type");
    th(h, NULL, "原因", "Reason");
    th(h, "n", "数量", "Events");
    lci_buf_puts(h->b, "</tr></thead><tbody>\n");
    for (size_t i = 0; i < res->nnot_counted; i++) {
        const char *zh, *en;
        char n[32];
        lcr_not_counted_words(res->not_counted[i].reason, &zh, &en);
        snprintf(n, sizeof n, "%llu", (unsigned long long)res->not_counted[i].count);
        lci_buf_printf(h->b, "<tr data-reason=\"%s\" data-count=\"%s\">", res->not_counted[i].reason, n);
        td(h, NULL, res->not_counted[i].type ? res->not_counted[i].type : "-");
        open_tag(h, "td", NULL);
        lab(h, zh, en);
        lci_buf_puts(h->b, "</td>");
        td(h, "n", n);
        lci_buf_puts(h->b, "</tr>\n");
    }
    lci_buf_puts(h->b, "</tbody></table></div>\n</section>\n");
}

static void findings(html *h)
{
    const lc_result *res = h->res;
    if (!res->nfindings && !res->nwarnings) return;
    section(h, "findings", 0, "发现与警告", "Findings and warnings");
    lci_buf_puts(h->b, "<ul>\n");
    for (size_t i = 0; i < res->nfindings; i++) {
        lci_buf_puts(h->b, "<li><b>");
        esc(h, res->findings[i].kind);
        lci_buf_puts(h->b, "</b>: ");
        esc(h, res->findings[i].message);
        lci_buf_puts(h->b, " <span class=\"muted\">");
        esc(h, res->findings[i].clause);
        lci_buf_puts(h->b, "</span></li>\n");
    }
    for (size_t i = 0; i < res->nwarnings; i++) {
        lci_buf_puts(h->b, "<li class=\"muted\">");
        esc(h, res->warnings[i].file);
        lci_buf_printf(h->b, ":%ld: ", res->warnings[i].line);
        esc(h, res->warnings[i].message);
        lci_buf_puts(h->b, "</li>\n");
    }
    lci_buf_puts(h->b, "</ul>\n</section>\n");
}

static void payment_row(html *h, const char *what, int64_t amount, const lci_rdue *due, const char *clause)
{
    char d[16] = "-";
    if (due && due->known) lci_date_format(due->day, d, sizeof d);
    lci_buf_puts(h->b, "<tr>");
    td(h, NULL, what);
    td_money(h, amount);
    td(h, NULL, due ? d : "");
    td(h, NULL, clause);
    lci_buf_puts(h->b, "</tr>\n");
}

static void payments(html *h)
{
    const lc_result *res = h->res;
    char l[LCR_LABEL_MAX], w[LCR_LABEL_MAX + 48];
    if (!res->ninstalments && !res->has_bond && !res->has_holdover) return;
    section(h, "payments", 0, "付款", "Payments");
    lci_buf_puts(h->b, "<div class=\"scroll\"><table><thead><tr>");
    th(h, NULL, "项目", "Item");
    th(h, "n", "金额", "Amount");
    th(h, NULL, "到期", "Due");
    th(h, NULL, "条款", "Clause");
    lci_buf_puts(h->b, "</tr></thead><tbody>\n");
    for (size_t i = 0; i < res->ninstalments; i++) {
        char pct[48];
        lci_dec_format_short(res->instalments[i].pct, pct, sizeof pct);
        snprintf(w, sizeof w, "%s %s%%", lcr_label(h->lang, "分期", "Instalment", l, sizeof l), pct);
        payment_row(h, w, res->instalments[i].amount, &res->instalments[i].due, res->instalments[i].clause);
    }
    if (res->has_bond)
        payment_row(h, lcr_label(h->lang, "履约保函", "Bond", l, sizeof l), res->bond_amount, &res->bond_due,
                    res->bond_clause);
    if (res->has_holdover)
        payment_row(h, lcr_label(h->lang, "延续服务日费", "Holdover per day", l, sizeof l), res->holdover_per_day,
                    NULL, "");
    lci_buf_puts(h->b, "</tbody></table></div>\n</section>\n");
}

static void footer(html *h)
{
    const lc_result *res = h->res;
    lci_buf_puts(h->b, "<footer>");
    esc(h, "libcontract ");
    esc(h, res->engine_version);
    lci_buf_puts(h->b, " · ");
    esc(h, res->rules_name);
    lci_buf_puts(h->b, " · rules ");
    esc(h, res->rules_hash);
    lci_buf_puts(h->b, " · params ");
    esc(h, res->params_hash);
    lci_buf_puts(h->b, "</footer>\n");
}

lc_status lci_result_to_html(const lc_result *res, lc_lang lang, unsigned flags, char **out, size_t *len,
                             lc_error *err)
{
    lci_buf b;
    lci_buf_init(&b);
    html h = {&b, res, lang, flags, {0}};
    if (lcr_money_init(&h.money, res) != 0) return lci_oom(err);
    lcr_html_head(&b, lang, res->title ? res->title : res->id);
    header(&h);
    summary(&h);
    headroom(&h);
    charts(&h);
    ledger(&h);
    months(&h);
    score_sheets(&h);
    incidents(&h);
    termination(&h);
    acceptance(&h);
    obligations(&h);
    not_counted(&h);
    findings(&h);
    payments(&h);
    footer(&h);
    lcr_html_foot(&b);
    lcr_money_free(&h.money);
    *out = lci_buf_take(&b, len);
    return *out ? LC_OK : lci_oom(err);
}
