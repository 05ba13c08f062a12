/* report_text.c — the result as a report people read in a terminal.
 *
 * Sections appear only when the contract has them (a score sheet needs a
 * scorecard, acceptance a 第十条-like clause ...).  Tables are aligned by
 * terminal columns (Chinese characters take two; report_table.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

typedef struct report {
    lci_buf *b;
    const lc_result *res;
    lc_lang lang;
    unsigned flags;
    lcr_money money;
} report;

typedef char label_buf[LCR_LABEL_MAX];

static const char *L(const report *r, const char *zh, const char *en, char *buf)
{
    return lcr_label(r->lang, zh, en, buf, LCR_LABEL_MAX);
}

/* Text inside a line: a line break in it (an event id may hold one)
 * becomes '?'; other control characters go when the report is done. */
static void inline_text(report *r, const char *text)
{
    for (const char *p = text ? text : ""; *p; p++) lci_buf_putc(r->b, *p == '\n' || *p == '\r' ? '?' : *p);
}

static void heading(report *r, const char *zh, const char *en)
{
    label_buf buf;
    lci_buf_printf(r->b, "\n%s\n", L(r, zh, en, buf));
}

static void money(int64_t fen, char *buf, size_t size)
{
    lci_fen_format(fen, buf, size);
}

static void header(report *r)
{
    const lc_result *res = r->res;
    label_buf l1, l2, l3;
    char v[32], base[32], cap[32];
    money(res->value, v, sizeof v);
    money(res->penalty_base, base, sizeof base);
    money(res->cap, cap, sizeof cap);
    lci_buf_printf(r->b, "%s  %s\n", L(r, "合同", "Contract", l1), res->id);
    if (res->title) lci_buf_printf(r->b, "  %s\n", res->title);
    lci_buf_printf(r->b, "  %s %.10s .. %.10s ([start, end))\n", L(r, "服务期", "Term", l1), res->term_start,
                   res->term_end);
    if (res->has_as_of)
        lci_buf_printf(r->b, "  %s %s: %s\n", L(r, "截至", "As of", l1), res->as_of_text,
                       L(r, "当月进行中，其违约（*）为暂定，以后各月未评估",
                         "its month is in progress, its breaches (*) provisional; the months after it not assessed", l2));
    if (res->value >= 0) lci_buf_printf(r->b, "  %s %s %s", L(r, "合同金额", "Value", l1), v, res->currency);
    else lci_buf_printf(r->b, "  %s %s", L(r, "币种", "Currency", l1), res->currency);
    if (res->penalty_base >= 0) lci_buf_printf(r->b, " · %s %s", L(r, "取费基数", "Penalty base", l2), base);
    if (res->cap >= 0) lci_buf_printf(r->b, " · %s %s", L(r, "上限", "Cap", l3), cap);
    lci_buf_putc(r->b, '\n');
}

/* ---- summary ---- */

static void summary_money(report *r, lcr_table *t)
{
    const lc_result *res = r->res;
    label_buf l;
    char a[32], pct[32];
    money(res->amount, a, sizeof a);
    char wz[LCR_LABEL_MAX], we[LCR_LABEL_MAX];
    lcr_amount_words(res, "%s合计", "Total", LCR_SINGULAR, wz, we);
    lcr_cell_label(t, r->lang, wz, we);
    lcr_cellf(t, "%s %s", a, res->currency);
    lcr_row_end(t);
    if (res->capped) {
        money(res->amount_uncapped, a, sizeof a);
        lcr_cell_label(t, r->lang, "封顶前", "Before caps");
        lcr_cell(t, a);
        lcr_row_end(t);
    }
    if (res->value > 0) {
        lcr_percent(res->amount, res->value, 2, pct, sizeof pct);
        lcr_cell_label(t, r->lang, "占合同金额", "Of contract value");
        lcr_cellf(t, "%s%%", pct);
        lcr_row_end(t);
    }
    if (res->cap >= 0) {
        money(res->cap, a, sizeof a);
        lcr_percent(res->amount, res->cap, 1, pct, sizeof pct);
        lcr_cell_label(t, r->lang, "合同期上限", "Term cap");
        lcr_cellf(t, "%s · %s %s%%", a, L(r, "已用", "used", l), pct);
        lcr_row_end(t);
    }
}

static void summary_counts(report *r, lcr_table *t)
{
    const lc_result *res = r->res;
    label_buf l;
    char pct[48];
    lci_dec_format_short(res->pct_of_base, pct, sizeof pct);
    lcr_cell_label(t, r->lang, "违约", "Breaches");
    if (res->penalty_base >= 0) lcr_cellf(t, "%zu · %s %s%%", res->nbreaches, L(r, "合计比例", "Σ pct of base", l), pct);
    else lcr_cellf(t, "%zu", res->nbreaches);
    lcr_row_end(t);
    lcr_cell_label(t, r->lang, "事故", "Incidents");
    lcr_cellf(t, "%zu", res->nincidents);
    lcr_row_end(t);
    lcr_cell_label(t, r->lang, "解除合同权", "Termination right");
    lcr_cell(t, res->termination_right ? L(r, "有", "yes", l) : L(r, "无", "no", l));
    lcr_row_end(t);
    if (res->has_updates) {
        char counts[LCR_LABEL_MAX];
        lcr_cell_label(t, r->lang, "更新", "Updates");
        snprintf(counts, sizeof counts, "%llu %s, %llu %s", (unsigned long long)res->revised,
                 L(r, "修订", "revised", l), (unsigned long long)res->retracted, L(r, "撤回", "retracted", l));
        lcr_cell(t, counts);
        lcr_row_end(t);
    }
}

static void summary_year(report *r, lcr_table *t)
{
    const lc_result *res = r->res;
    label_buf l;
    char v[48];
    if (res->has_annual_score) {
        lci_dec_format(res->annual_score, v, sizeof v);
        lcr_cell_label(t, r->lang, "年度得分", "Annual score");
        if (res->grade) lcr_cellf(t, "%s · %s", v, L(r, lcr_grade_zh(res->grade), res->grade, l));
        else lcr_cell(t, v);
        lcr_row_end(t);
    }
    if (res->annual_availability.kind != LCI_V_NULL) {
        lcr_value_text(&res->annual_availability, 4, v, sizeof v);
        lcr_cell_label(t, r->lang, "年度可用性", "Annual availability");
        lcr_cellf(t, "%s%%", v);
        lcr_row_end(t);
    }
    if (res->has_acceptance) {
        lcr_cell_label(t, r->lang, "验收", "Acceptance");
        lcr_cell(t, res->acceptance_passed ? L(r, "通过", "passed", l) : L(r, "未通过", "not passed", l));
        lcr_row_end(t);
    }
}

static void summary(report *r)
{
    lcr_table t;
    heading(r, "总览", "Summary");
    lcr_table_init(&t, 2, "ll");
    summary_money(r, &t);
    summary_counts(r, &t);
    summary_year(r, &t);
    lcr_table_render(&t, r->b, "  ");
}

/* ---- the breach ledger ---- */

static void ledger_head(report *r, lcr_table *t)
{
    lcr_cell_label(t, r->lang, "时间", "When");
    lcr_cell_label(t, r->lang, "条目", "Rule");
    lcr_cell_label(t, r->lang, "条款", "Clause");
    lcr_cell_label(t, r->lang, "原因", "Reason");
    lcr_cell_label(t, r->lang, "比例", "Pct");
    lcr_cell_label(t, r->lang, "金额", "Amount");
    if (r->res->ncaps) lcr_cell_label(t, r->lang, "计入", "Counted");
    lcr_cell_label(t, r->lang, "累计", "Running");
    if (r->res->cap >= 0) lcr_cell_label(t, r->lang, "占上限", "Of cap");
    lcr_table_rule(t);
}

/* The parameters a breach's rule uses, with the value in force: after
 * --set, the contract's words say one number and the rule used another
 * ("availability_target 99.5 (the contract: 99.9)"). */
static void explain_params(report *r, const lci_rbreach *br)
{
    const lc_result *res = r->res;
    const struct lci_rparams *p = br->rule_index >= 0 && (size_t)br->rule_index < res->nrules ? &res->rule_params[br->rule_index] : NULL;
    label_buf l;
    if (!p || !p->n) return;
    lci_buf_printf(r->b, "    %s: ", L(r, "参数", "parameters", l));
    for (size_t i = 0; i < p->n; i++) {
        int k = p->at[i];
        lci_buf_printf(r->b, "%s%s %s", i ? ", " : "", res->param_names[k], res->param_values[k]);
        if (res->param_declared[k])
            lci_buf_printf(r->b, " (%s: %s)", L(r, "合同", "the contract", l), res->param_declared[k]);
    }
    lci_buf_putc(r->b, '\n');
}

/* --explain: the contract's words and the events behind each breach. */
static void explain(report *r)
{
    const lc_result *res = r->res;
    label_buf l;
    if (!(r->flags & LC_RENDER_EXPLAIN) || !res->nbreaches) return;
    heading(r, "违约说明", "Breach details");
    for (size_t i = 0; i < res->nbreaches; i++) {
        const lci_rbreach *br = &res->breaches[i];
        char when[40];
        lcr_breach_when(res, br, when, sizeof when);
        lci_buf_printf(r->b, "  %s  %s  %s\n    ", when, br->rule, br->clause);
        inline_text(r, br->text);
        lci_buf_putc(r->b, '\n');
        explain_params(r, br);
        if (!br->events.n) continue;
        lci_buf ev;
        lci_buf_init(&ev);
        lcr_events(res, &br->events, ", ", 0, &ev);
        lci_buf_printf(r->b, "    %s: ", L(r, "事件", "events", l));
        inline_text(r, ev.data);
        lci_buf_putc(r->b, '\n');
        if (ev.failed) r->b->failed = 1;
        lci_buf_free(&ev);
    }
}

static void ledger_row(report *r, lcr_table *t, size_t i)
{
    const lc_result *res = r->res;
    const lci_rbreach *br = &res->breaches[i];
    char when[40], amount[32], counted[32], run[32], pct[48];
    lcr_breach_when(res, br, when, sizeof when);
    money(br->amount, amount, sizeof amount);
    money(r->money.counted[i], counted, sizeof counted);
    money(r->money.running[i], run, sizeof run);
    lcr_cell(t, when);
    if (br->provisional) lcr_cellf(t, "%s *", br->rule); /* as of an instant: the month is not over */
    else lcr_cell(t, br->rule);
    lcr_cell(t, br->clause);
    lcr_cell(t, br->reason);
    lcr_cell(t, lcr_pct(br, pct, sizeof pct));
    lcr_cell(t, amount);
    if (res->ncaps) lcr_cell(t, counted);
    lcr_cell(t, run);
    if (res->cap >= 0) {
        lcr_percent(r->money.running[i], res->cap, 1, pct, sizeof pct);
        lcr_cellf(t, "%s%%", pct);
    }
    lcr_row_end(t);
}

static void caps_applied(report *r)
{
    const lc_result *res = r->res;
    lcr_table t;
    if (!res->ncaps) return;
    heading(r, "封顶", "Caps applied");
    lcr_table_init(&t, 5, "lllrr");
    lcr_cell_label(&t, r->lang, "上限", "Cap");
    lcr_cell_label(&t, r->lang, "范围", "Window");
    lcr_cell_label(&t, r->lang, "月份", "Month");
    lcr_cell_label(&t, r->lang, "限额", "Limit");
    lcr_cell_label(&t, r->lang, "扣减", "Cut");
    lcr_table_rule(&t);
    for (size_t i = 0; i < res->ncaps; i++) {
        const lci_rcap *c = &res->caps[i];
        char limit[32], cut[32];
        money(c->limit, limit, sizeof limit);
        money(c->cut, cut, sizeof cut);
        lcr_cell(&t, c->id);
        lcr_cell(&t, c->window);
        lcr_cell(&t, c->month >= 0 ? res->months[c->month].label : "-");
        lcr_cell(&t, limit);
        lcr_cell(&t, cut);
        lcr_row_end(&t);
    }
    lcr_table_render(&t, r->b, "  ");
}

static void ledger(report *r)
{
    const lc_result *res = r->res;
    label_buf l;
    char align[12] = "llllrr";
    lcr_table t;
    heading(r, "违约明细", "Breach ledger");
    if (!res->nbreaches) {
        lci_buf_printf(r->b, "  %s\n", L(r, "无", "none", l));
        return;
    }
    strcat(align, res->ncaps ? "rrr" : "rr");
    lcr_table_init(&t, (int)strlen(align) - (res->cap >= 0 ? 0 : 1), align);
    ledger_head(r, &t);
    for (size_t i = 0; i < res->nbreaches; i++) ledger_row(r, &t, i);
    lcr_table_render(&t, r->b, "  ");
    caps_applied(r);
    explain(r);
}

/* ---- months ---- */

static void months(report *r)
{
    const lc_result *res = r->res;
    lcr_table t;
    if (!res->nmonths) return;
    heading(r, "月度指标", "Months");
    lcr_table_init(&t, (int)res->ncolumns + 4, NULL);
    for (size_t c = 1; t.align && c < (size_t)t.ncols; c++) t.align[c] = 'r';
    lcr_cell_label(&t, r->lang, "月份", "Month");
    for (size_t c = 0; c < res->ncolumns; c++) lcr_cell(&t, res->column_keys[c]);
    lcr_cell_label(&t, r->lang, "违约", "Breaches");
    char wz[LCR_LABEL_MAX], we[LCR_LABEL_MAX];
    lcr_amount_words(res, "%s", "%s", LCR_CAPITAL, wz, we);
    lcr_cell_label(&t, r->lang, wz, we);
    lcr_cell_label(&t, r->lang, "累计", "Cumulative");
    lcr_table_rule(&t);
    for (size_t i = 0; i < res->nmonths; i++) {
        char v[48], a[32], c[32];
        lcr_cell(&t, res->months[i].label);
        for (size_t k = 0; k < res->ncolumns; k++) {
            lcr_value_text(&res->months[i].columns[k], lcr_column_digits(res, k), v, sizeof v);
            lcr_cell(&t, v);
        }
        money(r->money.month_counted[i], a, sizeof a);
        money(r->money.month_cumulative[i], c, sizeof c);
        lcr_cellf(&t, "%zu", r->money.month_breaches[i]);
        lcr_cell(&t, a);
        lcr_cell(&t, c);
        lcr_row_end(&t);
    }
    lcr_table_render(&t, r->b, "  ");
}

/* ---- score sheets (附件7) ---- */

static void sheet_head(report *r, lcr_table *t)
{
    const lc_result *res = r->res;
    lcr_cell_label(t, r->lang, "工作项", "Item");
    lcr_cell_label(t, r->lang, "满分", "Max");
    for (int c = 0; c < res->ncomponents; c++) {
        label_buf l;
        lcr_cell_span(t, L(r, res->component_zh[c], res->component_en[c], l), 2);
    }
    lcr_cell_label(t, r->lang, "小计", "Subtotal");
    lcr_row_end(t);
    lcr_cell(t, "");
    lcr_cell(t, "");
    for (int c = 0; c < res->ncomponents; c++) {
        lcr_cell_label(t, r->lang, "满分", "max");
        lcr_cell_label(t, r->lang, "得分", "pts");
    }
    lcr_cell(t, "");
    lcr_table_rule(t);
}

static void dec_cell(lcr_table *t, lci_dec d, int digits)
{
    char buf[48];
    lcr_dec_fixed(d, digits, buf, sizeof buf);
    lcr_cell(t, buf);
}

static void sheet_items(report *r, lcr_table *t, const lci_rmonth *mo, int digits, lci_dec *sum_full, lci_dec *sum_pts)
{
    const lc_result *res = r->res;
    for (size_t i = 0; i < res->nscore_items; i++) {
        const lci_ritem *it = &mo->items[i];
        const lci_rscore_item *si = &res->score_items[i];
        label_buf l;
        if (!it->present) continue;
        lcr_cell(t, L(r, si->zh, si->en, l));
        dec_cell(t, si->max, 0);
        for (int c = 0; c < res->ncomponents; c++) {
            dec_cell(t, it->max_points[c], digits);
            dec_cell(t, it->points[c], digits);
            if (lcr_dec_add(sum_full[c], it->max_points[c], &sum_full[c]) != 0) t->failed = 1;
            if (lcr_dec_add(sum_pts[c], it->points[c], &sum_pts[c]) != 0) t->failed = 1;
        }
        dec_cell(t, it->subtotal, digits);
        lcr_row_end(t);
    }
}

static void sheet_total(report *r, lcr_table *t, const lci_rmonth *mo, int digits, const lci_dec *sum_full,
                        const lci_dec *sum_pts, lci_dec points)
{
    lcr_table_rule(t);
    lcr_cell_label(t, r->lang, "合计", "Total");
    dec_cell(t, mo->raw_max, 0);
    for (int c = 0; c < r->res->ncomponents; c++) {
        dec_cell(t, sum_full[c], digits);
        dec_cell(t, sum_pts[c], digits);
    }
    dec_cell(t, points, digits);
    lcr_row_end(t);
}

static void sheet(report *r, const lci_rmonth *mo)
{
    label_buf l;
    char score[48], pts[48], max[48];
    lci_dec sum_full[LCI_MAX_COMPONENTS], sum_pts[LCI_MAX_COMPONENTS], points;
    lcr_table t;
    if (!mo->scored) {
        lci_buf_printf(r->b, "\n  %s · %s\n", mo->label, L(r, "无评分", "not scored", l));
        return;
    }
    for (int c = 0; c < LCI_MAX_COMPONENTS; c++) sum_full[c] = sum_pts[c] = (lci_dec){0, 0};
    int digits = lcr_sheet_digits(r->res, mo), bad = lcr_sheet_points(r->res, mo, &points);
    lci_dec_format(mo->score, score, sizeof score);
    lcr_dec_fixed(points, digits, pts, sizeof pts);
    lci_dec_format_short(mo->raw_max, max, sizeof max);
    lci_buf_printf(r->b, "\n  %s · %s %s = %s / %s × 100\n", mo->label, L(r, "总得分", "Score", l), score, pts, max);
    lcr_table_init(&t, 3 + 2 * r->res->ncomponents, "lrrrrrrrrrrr");
    sheet_head(r, &t);
    sheet_items(r, &t, mo, digits, sum_full, sum_pts);
    sheet_total(r, &t, mo, digits, sum_full, sum_pts, points);
    if (bad) t.failed = 1;
    lcr_table_render(&t, r->b, "    ");
}

static void score_sheets(report *r)
{
    const lc_result *res = r->res;
    label_buf l;
    if (!res->has_scorecard) return;
    lci_buf_printf(r->b, "\n%s", L(r, "考核评分表", "Score sheets", l));
    lci_buf_printf(r->b, res->score_clause[0] ? " (%s)\n" : "%s\n", res->score_clause);
    for (size_t i = 0; i < res->nmonths; i++) sheet(r, &res->months[i]);
}

/* ---- incidents, termination, acceptance, obligations ---- */

static void incidents(report *r)
{
    const lc_result *res = r->res;
    lcr_table t;
    if (!res->nincidents) return;
    heading(r, "事故", "Incidents");
    lcr_table_init(&t, 5, "lllll");
    lcr_cell_label(&t, r->lang, "时间", "When");
    lcr_cell_label(&t, r->lang, "条目", "Rule");
    lcr_cell_label(&t, r->lang, "级别", "Class");
    lcr_cell_label(&t, r->lang, "条款", "Clause");
    lcr_cell_label(&t, r->lang, "事件", "Events");
    lcr_table_rule(&t);
    for (size_t i = 0; i < res->nincidents; i++) {
        const lci_rincident *in = &res->incidents[i];
        char at[40];
        lci_buf ev;
        lci_buf_init(&ev);
        lci_time_format(in->at, res->offset_min, at, sizeof at);
        if (strlen(at) > 16) {
            at[10] = ' ';
            at[16] = '\0';
        }
        lcr_events(res, &in->events, ", ", 8, &ev);
        lcr_cell(&t, at);
        lcr_cell(&t, in->rule);
        lcr_cell(&t, in->klass);
        lcr_cell(&t, in->clause);
        lcr_cell(&t, ev.failed ? "" : ev.data);
        lcr_row_end(&t);
        if (ev.failed) t.failed = 1;
        lci_buf_free(&ev);
    }
    lcr_table_render(&t, r->b, "  ");
}

/* "  - kind: message (clause)" */
static void bullet(report *r, const char *kind, const char *message, const char *clause)
{
    lci_buf_puts(r->b, "  - ");
    if (kind) {
        inline_text(r, kind);
        lci_buf_puts(r->b, ": ");
    }
    inline_text(r, message);
    if (clause && clause[0]) {
        lci_buf_puts(r->b, " (");
        inline_text(r, clause);
        lci_buf_putc(r->b, ')');
    }
    lci_buf_putc(r->b, '\n');
}

static void termination(report *r)
{
    const lc_result *res = r->res;
    label_buf l1, l2;
    if (!res->nreasons && !res->termination_right) return;
    lci_buf_printf(r->b, "\n%s: %s\n", L(r, "解除合同权", "Termination right", l1),
                   res->termination_right ? L(r, "有", "yes", l2) : L(r, "无", "no", l2));
    for (size_t i = 0; i < res->nreasons; i++)
        bullet(r, NULL, res->reasons[i].message, res->reasons[i].clause);
}

static void acceptance(report *r)
{
    const lc_result *res = r->res;
    label_buf l1, l2;
    lcr_table t;
    if (!res->has_acceptance) return;
    lci_buf_printf(r->b, "\n%s: %s\n", L(r, "验收", "Acceptance", l1),
                   res->acceptance_passed ? L(r, "通过", "passed", l2) : L(r, "未通过", "not passed", l2));
    lcr_table_init(&t, 4, "lrll");
    lcr_cell_label(&t, r->lang, "项目", "Part");
    lcr_cell_label(&t, r->lang, "数值", "Value");
    lcr_cell_label(&t, r->lang, "结果", "Result");
    lcr_cell_label(&t, r->lang, "条款", "Clause");
    lcr_table_rule(&t);
    for (size_t i = 0; i < res->nparts; i++) {
        const lci_rpart *p = &res->parts[i];
        char v[48];
        lcr_value_text(&p->value, 4, v, sizeof v);
        lcr_cell(&t, p->name);
        lcr_cell(&t, v);
        lcr_cell(&t, p->passed ? L(r, "通过", "passed", l2) : L(r, "未通过", "not passed", l2));
        lcr_cell(&t, p->clause);
        lcr_row_end(&t);
    }
    lcr_table_render(&t, r->b, "  ");
}

static void obligations(report *r)
{
    const lc_result *res = r->res;
    lcr_table t;
    if (!res->nobligations) return;
    heading(r, "服务成果", "Obligations");
    lcr_table_init(&t, 5, "lrrrl");
    lcr_cell_label(&t, r->lang, "成果", "Deliverable");
    lcr_cell_label(&t, r->lang, "应交", "Due");
    lcr_cell_label(&t, r->lang, "已交", "Delivered");
    lcr_cell_label(&t, r->lang, "缺交", "Short");
    lcr_cell_label(&t, r->lang, "条款", "Clause");
    lcr_table_rule(&t);
    for (size_t i = 0; i < res->nobligations; i++) {
        const lci_robligation *o = &res->obligations[i];
        lcr_cell(&t, o->kind);
        lcr_cellf(&t, "%lld", (long long)o->due);
        lcr_cellf(&t, "%lld", (long long)o->delivered);
        if (lci_obligation_shortfall(o) < 0) lcr_cell(&t, "-"); /* judged at the term's end */
        else lcr_cellf(&t, "%lld", (long long)lci_obligation_shortfall(o));
        lcr_cell(&t, o->clause);
        lcr_row_end(&t);
    }
    lcr_table_render(&t, r->b, "  ");
}

/* ---- findings, payments, warnings ---- */

static void findings(report *r)
{
    const lc_result *res = r->res;
    if (!res->nfindings) return;
    heading(r, "发现", "Findings");
    for (size_t i = 0; i < res->nfindings; i++)
        bullet(r, res->findings[i].kind, res->findings[i].message, res->findings[i].clause);
}

static void payment_row(lcr_table *t, const char *what, int64_t amount, const lci_rdue *due,
                        const char *clause)
{
    char a[32], d[16] = "-";
    money(amount, a, sizeof a);
    if (due && due->known) lci_date_format(due->day, d, sizeof d);
    lcr_cell(t, what);
    lcr_cell(t, a);
    lcr_cell(t, due ? d : "");
    lcr_cell(t, clause);
    lcr_row_end(t);
}

static void payments(report *r)
{
    const lc_result *res = r->res;
    label_buf l, w;
    lcr_table t;
    if (!res->ninstalments && !res->has_bond && !res->has_holdover) return;
    heading(r, "付款", "Payments");
    lcr_table_init(&t, 4, "lrll");
    lcr_cell_label(&t, r->lang, "项目", "Item");
    lcr_cell_label(&t, r->lang, "金额", "Amount");
    lcr_cell_label(&t, r->lang, "到期", "Due");
    lcr_cell_label(&t, r->lang, "条款", "Clause");
    lcr_table_rule(&t);
    for (size_t i = 0; i < res->ninstalments; i++) {
        char pct[48];
        lci_dec_format_short(res->instalments[i].pct, pct, sizeof pct);
        snprintf(w, sizeof w, "%s %s%%", L(r, "分期", "Instalment", l), pct);
        payment_row(&t, w, res->instalments[i].amount, &res->instalments[i].due, res->instalments[i].clause);
    }
    if (res->has_bond) payment_row(&t, L(r, "履约保函", "Bond", l), res->bond_amount, &res->bond_due, res->bond_clause);
    if (res->has_holdover)
        payment_row(&t, L(r, "延续服务日费", "Holdover per day", l), res->holdover_per_day, NULL, "");
    lcr_table_render(&t, r->b, "  ");
}

/* As of an instant: how far each threshold is (the sentences, in
 * English, after the table in an English or bilingual report). */
static void headroom(report *r)
{
    const lc_result *res = r->res;
    lcr_table t;
    label_buf l;
    if (!res->has_as_of || !res->nheadroom) return;
    heading(r, "距离阈值的余量（暂定）", "Headroom (provisional)");
    lcr_table_init(&t, 6, "llrrrl");
    lcr_cell_label(&t, r->lang, "规则", "Rule");
    lcr_cell_label(&t, r->lang, "类型", "Kind");
    lcr_cell_label(&t, r->lang, "余量", "Left");
    lcr_cell_label(&t, r->lang, "金额", "Amount");
    lcr_cell_label(&t, r->lang, "已用/已过", "Used/gone");
    lcr_cell_label(&t, r->lang, "时刻", "At");
    lcr_table_rule(&t);
    for (size_t i = 0; i < res->nheadroom; i++) {
        const lci_rheadroom *h = &res->headroom[i];
        const char *zh, *en;
        char amount[32] = "-";
        lcr_headroom_words(h->kind, &zh, &en);
        if (h->has_amount) money(h->amount, amount, sizeof amount);
        lcr_cellf(&t, "%s%s", h->rule, h->crossed ? " *" : "");
        lcr_cell(&t, L(r, zh, en, l));
        char left[80], used[64];
        lcr_headroom_texts(h, left, sizeof left, used, sizeof used);
        lcr_cell(&t, left);
        lcr_cell(&t, amount);
        lcr_cell(&t, used);
        lcr_cell(&t, h->at[0] ? h->at : "-");
        lcr_row_end(&t);
    }
    lcr_table_render(&t, r->b, "  ");
    for (size_t i = 0; r->lang != LC_LANG_ZH && i < res->nheadroom; i++) {
        lci_buf_puts(r->b, "  - ");
        inline_text(r, res->headroom[i].what);
        lci_buf_putc(r->b, '\n');
    }
}

/* The events that did not count, by type and why. */
static void not_counted(report *r)
{
    const lc_result *res = r->res;
    lcr_table t;
    label_buf l;
    if (!res->nnot_counted) return;
    heading(r, "未计入的事件", "Events not counted");
    lcr_table_init(&t, 3, "llr");
    lcr_cell_label(&t, r->lang, "类型", "Type");
    lcr_cell_label(&t, r->lang, "原因", "Reason");
    lcr_cell_label(&t, r->lang, "数量", "Events");
    lcr_table_rule(&t);
    for (size_t i = 0; i < res->nnot_counted; i++) {
        const char *zh, *en;
        lcr_not_counted_words(res->not_counted[i].reason, &zh, &en);
        lcr_cell(&t, res->not_counted[i].type ? res->not_counted[i].type : "-");
        lcr_cell(&t, L(r, zh, en, l));
        lcr_cellf(&t, "%llu", (unsigned long long)res->not_counted[i].count);
        lcr_row_end(&t);
    }
    lcr_table_render(&t, r->b, "  ");
}

static void warnings(report *r)
{
    const lc_result *res = r->res;
    if (!res->nwarnings) return;
    heading(r, "警告", "Warnings");
    for (size_t i = 0; i < res->nwarnings; i++) {
        lci_buf_puts(r->b, "  ");
        inline_text(r, res->warnings[i].file);
        lci_buf_printf(r->b, ":%ld: ", res->warnings[i].line);
        inline_text(r, res->warnings[i].message);
        lci_buf_putc(r->b, '\n');
    }
}

lc_status lci_result_to_text(const lc_result *res, lc_lang lang, unsigned flags, char **out, size_t *len,
                             lc_error *err)
{
    lci_buf b;
    lci_buf_init(&b);
    report r = {&b, res, lang, flags, {0}};
    if (lcr_money_init(&r.money, res) != 0) return lci_oom(err);
    header(&r);
    summary(&r);
    headroom(&r);
    ledger(&r);
    months(&r);
    score_sheets(&r);
    incidents(&r);
    termination(&r);
    acceptance(&r);
    obligations(&r);
    findings(&r);
    payments(&r);
    not_counted(&r);
    warnings(&r);
    lcr_money_free(&r.money);
    *out = lci_buf_take(&b, len);
    lcr_terminal_safe(*out, 1);
    return *out ? LC_OK : lci_oom(err);
}
