/* report_text.c — the result as a report people read in a terminal.
 *
 * Tables are aligned by terminal columns (Chinese characters take two), so
 * the clause and item names line up with Latin text. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "result.h"
#include "textwidth.h"

#define MAX_COLS 12

typedef struct table {
    char **cells; /* rows × ncols */
    size_t nrows, cap;
    int ncols;
    int right[MAX_COLS];
    int failed;
} table;

static void table_init(table *t, int ncols, const char *right)
{
    memset(t, 0, sizeof *t);
    t->ncols = ncols;
    for (int i = 0; right && right[i] && i < MAX_COLS; i++) t->right[i] = right[i] == 'r';
}

static void table_row(table *t, ...)
{
    va_list ap;
    va_start(ap, t);
    if (lci_grow((void **)&t->cells, &t->cap, (t->nrows + 1) * (size_t)t->ncols, sizeof *t->cells) != 0) {
        t->failed = 1;
        va_end(ap);
        return;
    }
    for (int c = 0; c < t->ncols; c++) {
        const char *s = va_arg(ap, const char *);
        char *copy = lci_strdup(s ? s : "");
        if (!copy) t->failed = 1;
        t->cells[t->nrows * (size_t)t->ncols + (size_t)c] = copy;
    }
    t->nrows++;
    va_end(ap);
}

static void table_render(table *t, lci_buf *b, const char *indent)
{
    size_t width[MAX_COLS] = {0};
    for (size_t r = 0; r < t->nrows; r++)
        for (int c = 0; c < t->ncols; c++) {
            const char *s = t->cells[r * (size_t)t->ncols + (size_t)c];
            size_t w = s ? lci_text_width(s) : 0;
            if (w > width[c]) width[c] = w;
        }
    for (size_t r = 0; r < t->nrows; r++) {
        lci_buf_puts(b, indent);
        for (int c = 0; c < t->ncols; c++) {
            const char *s = t->cells[r * (size_t)t->ncols + (size_t)c];
            int last = c == t->ncols - 1;
            lci_pad(b, s ? s : "", last && !t->right[c] ? 0 : width[c], t->right[c]);
            if (!last) lci_buf_puts(b, "  ");
        }
        while (b->len && b->data[b->len - 1] == ' ') b->data[--b->len] = '\0';
        lci_buf_putc(b, '\n');
    }
    for (size_t i = 0; i < t->nrows * (size_t)t->ncols; i++) free(t->cells[i]);
    free(t->cells);
    if (t->failed) b->failed = 1;
}

typedef struct report {
    lci_buf *b;
    const lc_result *res;
    lc_lang lang;
    unsigned flags;
} report;

static const char *label(const report *r, const char *zh, const char *en, char *buf, size_t size)
{
    if (r->lang == LC_LANG_ZH) return zh;
    if (r->lang == LC_LANG_EN) return en;
    snprintf(buf, size, "%s %s", zh, en);
    return buf;
}

static void heading(report *r, const char *zh, const char *en)
{
    char buf[200];
    lci_buf_printf(r->b, "\n%s\n", label(r, zh, en, buf, sizeof buf));
}

static void money_text(int64_t fen, char *buf, size_t size)
{
    lci_fen_format(fen, buf, size);
}

static void header(report *r)
{
    const lc_result *res = r->res;
    char v[32], base[32], cap[32], buf[200];
    money_text(res->value, v, sizeof v);
    if (res->penalty_base >= 0) money_text(res->penalty_base, base, sizeof base);
    else snprintf(base, sizeof base, "-");
    if (res->cap >= 0) money_text(res->cap, cap, sizeof cap);
    else snprintf(cap, sizeof cap, "-");
    lci_buf_printf(r->b, "%s  %s\n", label(r, "合同", "Contract", buf, sizeof buf), res->id);
    if (res->title[0]) lci_buf_printf(r->b, "  %s\n", res->title);
    lci_buf_printf(r->b, "  %s %.10s .. %.10s (%s)\n", label(r, "服务期", "term", buf, sizeof buf), res->term_start,
                   res->term_end, "[start, end)");
    lci_buf_printf(r->b, "  %s %s %s", label(r, "合同金额", "value", buf, sizeof buf), v, res->currency);
    lci_buf_printf(r->b, " · %s %s", label(r, "取费基数", "penalty base", buf, sizeof buf), base);
    lci_buf_printf(r->b, " · %s %s\n", label(r, "上限", "cap", buf, sizeof buf), cap);
}

static void when_text(const report *r, const lci_rbreach *br, char *buf, size_t size)
{
    if (br->month >= 0) snprintf(buf, size, "%s", r->res->months[br->month].label);
    else snprintf(buf, size, "%.16s", br->at_text);
}

static void breaches(report *r)
{
    const lc_result *res = r->res;
    char buf[200], h[7][64];
    heading(r, "违约明细", "Breaches");
    if (!res->nbreaches) {
        lci_buf_printf(r->b, "  %s\n", label(r, "无", "none", buf, sizeof buf));
        return;
    }
    table t;
    table_init(&t, 7, "llllrrr");
    table_row(&t, label(r, "时间", "when", h[0], 64), label(r, "条目", "rule", h[1], 64),
              label(r, "条款", "clause", h[2], 64), label(r, "原因", "reason", h[3], 64), "%",
              label(r, "金额", "amount", h[5], 64), label(r, "累计", "running", h[6], 64));
    int64_t running = 0;
    for (size_t i = 0; i < res->nbreaches; i++) {
        const lci_rbreach *br = &res->breaches[i];
        char when[40], amount[32], run[32], pct[32];
        running += br->amount;
        when_text(r, br, when, sizeof when);
        money_text(br->amount, amount, sizeof amount);
        money_text(running, run, sizeof run);
        lci_dec_format_short(br->pct, pct, sizeof pct);
        table_row(&t, when, br->rule, br->clause, br->reason, pct, amount, run);
        if (r->flags & LC_RENDER_EXPLAIN) {
            char events[200] = "";
            for (size_t e = 0; e < br->events.n && strlen(events) < 150; e++) {
                strcat(events, e ? ", " : "");
                strncat(events, lci_result_id(res, br->events.ids[e]), 40);
            }
            if (br->events.n > 0 && strlen(events) >= 150) strcat(events, ", …");
            table_row(&t, "", "", "", br->text, "", "", "");
            if (br->events.n) table_row(&t, "", "", "", events, "", "", "");
        }
    }
    table_render(&t, r->b, "  ");
}

static void totals(report *r)
{
    const lc_result *res = r->res;
    char buf[200], amount[32], uncapped[32], cap[32];
    money_text(res->amount, amount, sizeof amount);
    money_text(res->amount_uncapped, uncapped, sizeof uncapped);
    if (res->cap >= 0) money_text(res->cap, cap, sizeof cap);
    else snprintf(cap, sizeof cap, "-");
    char pct[40];
    lci_format_double(res->pct_of_value, pct, sizeof pct);
    lci_buf_printf(r->b, "\n%s: %s %s (%s%% %s)", label(r, "违约金合计", "Total", buf, sizeof buf), amount,
                   res->currency, pct, r->lang == LC_LANG_ZH ? "合同金额" : "of value");
    if (res->capped) lci_buf_printf(r->b, ", %s %s, %s %s", label(r, "封顶", "capped at", buf, sizeof buf), cap,
                                    r->lang == LC_LANG_ZH ? "未封顶" : "uncapped", uncapped);
    lci_buf_putc(r->b, '\n');
    for (size_t i = 0; i < res->ncaps; i++) {
        char cut[32];
        money_text(res->caps[i].cut, cut, sizeof cut);
        lci_buf_printf(r->b, "  cap %s (%s%s%s) cut %s\n", res->caps[i].id, res->caps[i].window,
                       res->caps[i].month >= 0 ? " " : "", res->caps[i].month >= 0 ? res->months[res->caps[i].month].label : "",
                       cut);
    }
}

static void cell_value(const lci_rvalue *v, char *buf, size_t size)
{
    if (v->kind == LCI_V_INT) snprintf(buf, size, "%lld", (long long)v->integer);
    else if (v->kind == LCI_V_NUMBER) snprintf(buf, size, "%.2f", v->number);
    else snprintf(buf, size, "-");
}

static void months(report *r)
{
    const lc_result *res = r->res;
    heading(r, "月度指标", "Months");
    table t;
    table_init(&t, (int)(res->ncolumns + 1 > MAX_COLS ? MAX_COLS : res->ncolumns + 1), "lrrrrrrrrrrr");
    const char *head[MAX_COLS] = {"month"};
    for (size_t c = 0; c + 1 < (size_t)t.ncols; c++) head[c + 1] = res->column_keys[c];
    table_row(&t, head[0], head[1], head[2], head[3], head[4], head[5], head[6], head[7], head[8], head[9], head[10],
              head[11]);
    for (size_t i = 0; i < res->nmonths; i++) {
        char cells[MAX_COLS][32];
        const char *row[MAX_COLS] = {res->months[i].label};
        for (size_t c = 0; c + 1 < (size_t)t.ncols; c++) {
            cell_value(&res->months[i].columns[c], cells[c], sizeof cells[c]);
            row[c + 1] = cells[c];
        }
        table_row(&t, row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8], row[9], row[10], row[11]);
    }
    table_render(&t, r->b, "  ");
}

static void incidents(report *r)
{
    const lc_result *res = r->res;
    char buf[200];
    heading(r, "事故", "Incidents");
    if (!res->nincidents) lci_buf_printf(r->b, "  %s\n", label(r, "无", "none", buf, sizeof buf));
    for (size_t i = 0; i < res->nincidents; i++) {
        const lci_rincident *in = &res->incidents[i];
        char at[40];
        lci_time_format(in->at, res->offset_min, at, sizeof at);
        lci_buf_printf(r->b, "  %.16s  %s  %s  %s\n", at, in->rule, in->clause,
                       in->events.n ? lci_result_id(res, in->events.ids[0]) : "");
    }
}

static void termination(report *r)
{
    const lc_result *res = r->res;
    char buf[200];
    heading(r, "解除合同权", "Termination right");
    lci_buf_printf(r->b, "  %s\n", res->termination_right ? label(r, "有", "yes", buf, sizeof buf)
                                                           : label(r, "无", "no", buf, sizeof buf));
    for (size_t i = 0; i < res->nreasons; i++)
        lci_buf_printf(r->b, "  - %s (%s)\n", res->reasons[i].message, res->reasons[i].clause);
}

static void annual(report *r)
{
    const lc_result *res = r->res;
    char buf[200], score[32] = "-", avail[32] = "-";
    if (res->has_annual_score) lci_dec_format(res->annual_score, score, sizeof score);
    cell_value(&res->annual_availability, avail, sizeof avail);
    heading(r, "年度考核", "Year");
    lci_buf_printf(r->b, "  %s %s · %s %s · %s %s%%\n", label(r, "年度得分", "score", buf, sizeof buf), score,
                   r->lang == LC_LANG_ZH ? "等级" : "grade", res->grade ? res->grade : "-",
                   r->lang == LC_LANG_ZH ? "可用性" : "availability", avail);
}

static void acceptance(report *r)
{
    const lc_result *res = r->res;
    char buf[200];
    if (!res->has_acceptance) return;
    heading(r, "验收", "Acceptance");
    lci_buf_printf(r->b, "  %s\n", res->acceptance_passed ? label(r, "通过", "passed", buf, sizeof buf)
                                                          : label(r, "未通过", "not passed", buf, sizeof buf));
    for (size_t i = 0; i < res->nparts; i++)
        lci_buf_printf(r->b, "  - %s (%s)\n", res->parts[i].reason, res->parts[i].clause);
}

static void obligations(report *r)
{
    const lc_result *res = r->res;
    char h[3][64];
    if (!res->nobligations) return;
    heading(r, "服务成果", "Obligations");
    table t;
    table_init(&t, 4, "lrrl");
    table_row(&t, label(r, "成果", "kind", h[0], 64), label(r, "应交", "due", h[1], 64),
              label(r, "已交", "delivered", h[2], 64), "");
    for (size_t i = 0; i < res->nobligations; i++) {
        const lci_robligation *o = &res->obligations[i];
        char due[24], got[24];
        snprintf(due, sizeof due, "%lld", (long long)o->due);
        snprintf(got, sizeof got, "%lld", (long long)o->delivered);
        table_row(&t, o->kind, due, got, o->delivered < o->due ? "short" : "");
    }
    table_render(&t, r->b, "  ");
}

static void findings(report *r)
{
    const lc_result *res = r->res;
    if (!res->nfindings) return;
    heading(r, "发现", "Findings");
    for (size_t i = 0; i < res->nfindings; i++)
        lci_buf_printf(r->b, "  - %s: %s\n", res->findings[i].kind, res->findings[i].message);
}

static void payments(report *r)
{
    const lc_result *res = r->res;
    char buf[200], amount[32], due[16];
    if (!res->ninstalments && !res->has_bond && !res->has_holdover) return;
    heading(r, "付款", "Payments");
    for (size_t i = 0; i < res->ninstalments; i++) {
        const lci_rinstalment *in = &res->instalments[i];
        char pct[32];
        money_text(in->amount, amount, sizeof amount);
        lci_dec_format_short(in->pct, pct, sizeof pct);
        if (in->due.known) lci_date_format(in->due.day, due, sizeof due);
        lci_buf_printf(r->b, "  %s %s%%: %s, %s %s\n", label(r, "分期", "instalment", buf, sizeof buf), pct, amount,
                       r->lang == LC_LANG_ZH ? "到期" : "due", in->due.known ? due : "-");
    }
    if (res->has_bond) {
        money_text(res->bond_amount, amount, sizeof amount);
        if (res->bond_due.known) lci_date_format(res->bond_due.day, due, sizeof due);
        lci_buf_printf(r->b, "  %s: %s, %s %s\n", label(r, "履约保函", "bond", buf, sizeof buf), amount,
                       r->lang == LC_LANG_ZH ? "到期" : "due", res->bond_due.known ? due : "-");
    }
    if (res->has_holdover) {
        money_text(res->holdover_per_day, amount, sizeof amount);
        lci_buf_printf(r->b, "  %s: %s\n", label(r, "延续服务日费", "holdover per day", buf, sizeof buf), amount);
    }
}

static void warnings(report *r)
{
    const lc_result *res = r->res;
    if (!res->nwarnings) return;
    heading(r, "警告", "Warnings");
    for (size_t i = 0; i < res->nwarnings; i++)
        lci_buf_printf(r->b, "  %s:%ld: %s\n", res->warnings[i].file, res->warnings[i].line, res->warnings[i].message);
}

lc_status lci_result_to_text(const lc_result *res, lc_lang lang, unsigned flags, char **out, size_t *len,
                             lc_error *err)
{
    lci_buf b;
    lci_buf_init(&b);
    report r = {&b, res, lang, flags};
    header(&r);
    breaches(&r);
    totals(&r);
    months(&r);
    incidents(&r);
    termination(&r);
    annual(&r);
    acceptance(&r);
    obligations(&r);
    findings(&r);
    payments(&r);
    warnings(&r);
    *out = lci_buf_take(&b, len);
    return *out ? LC_OK : lci_oom(err);
}
