/* report_diff.c — a diff of two results as CSV tables and as an HTML page.
 *
 * diff.c pairs the breaches and fills an lci_diff_view; this file only
 * renders it: money per rule before and after, the breaches added, removed
 * and changed, and the totals. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

typedef struct dview {
    const lci_diff_view *v;
    lci_buf *b;
    lc_lang lang;
    lcr_rule_money *rows;
    size_t nrows, shown;
} dview;

typedef enum change { ADDED, REMOVED, CHANGED } change;

static const char *const change_names[][2] = {{"新增", "added"}, {"删除", "removed"}, {"变化", "changed"}};

/* Calls fn for every breach that differs: added, removed, changed. */
static void each_change(dview *d, void (*fn)(dview *d, change kind, const lci_rbreach *old, const lci_rbreach *nw))
{
    const lci_diff_view *v = d->v;
    for (size_t j = 0; j < v->b->nbreaches; j++)
        if (!v->new_taken[j]) fn(d, ADDED, NULL, &v->b->breaches[j]);
    for (size_t i = 0; i < v->a->nbreaches; i++)
        if (v->match_of_old[i] < 0) fn(d, REMOVED, &v->a->breaches[i], NULL);
    for (size_t i = 0; i < v->a->nbreaches; i++)
        if (v->changed(v, i)) fn(d, CHANGED, &v->a->breaches[i], &v->b->breaches[v->match_of_old[i]]);
}

static void money(int64_t fen, char *buf, size_t size)
{
    lci_fen_format(fen, buf, size);
}

static void signed_money(int64_t fen, char *buf, size_t size)
{
    char m[32];
    lci_fen_format(fen < 0 ? -fen : fen, m, sizeof m);
    snprintf(buf, size, "%s%s", fen < 0 ? "-" : fen > 0 ? "+" : "", m);
}

/* ---- CSV ---- */

static void csv_money(dview *d, int64_t fen, int present)
{
    char buf[32] = "";
    if (present) money(fen, buf, sizeof buf);
    lcr_csv_number(d->b, buf, 0);
}

static void csv_rules(dview *d)
{
    /* old, new, delta: what the breaches cost before the caps; *_counted: after them */
    lcr_csv_label(d->b, d->lang, "条目", "rule", 1);
    lcr_csv_label(d->b, d->lang, "原金额（封顶前）", "old", 0);
    lcr_csv_label(d->b, d->lang, "新金额（封顶前）", "new", 0);
    lcr_csv_label(d->b, d->lang, "差额（封顶前）", "delta", 0);
    lcr_csv_label(d->b, d->lang, "原计入（封顶后）", "old_counted", 0);
    lcr_csv_label(d->b, d->lang, "新计入（封顶后）", "new_counted", 0);
    lcr_csv_label(d->b, d->lang, "差额（封顶后）", "counted_delta", 0);
    lcr_csv_end(d->b);
    for (size_t i = 0; i < d->nrows; i++) {
        lcr_csv_text(d->b, d->rows[i].rule, 1);
        csv_money(d, d->rows[i].old_amount, 1);
        csv_money(d, d->rows[i].new_amount, 1);
        csv_money(d, d->rows[i].new_amount - d->rows[i].old_amount, 1);
        csv_money(d, d->rows[i].old_counted, 1);
        csv_money(d, d->rows[i].new_counted, 1);
        csv_money(d, d->rows[i].new_counted - d->rows[i].old_counted, 1);
        lcr_csv_end(d->b);
    }
}

static void csv_side(dview *d, const lc_result *r, const lci_rbreach *br)
{
    lci_buf ev;
    lci_buf_init(&ev);
    lcr_csv_number(d->b, br ? br->pct_text : "", 0);
    csv_money(d, br ? br->amount : 0, br != NULL);
    if (br) lcr_events(r, &br->events, " ", 0, &ev);
    if (ev.failed) d->b->failed = 1;
    lcr_csv_text(d->b, ev.data ? ev.data : "", 0);
    lci_buf_free(&ev);
}

static void csv_change(dview *d, change kind, const lci_rbreach *old, const lci_rbreach *nw)
{
    const lci_rbreach *any = nw ? nw : old;
    const lc_result *r = nw ? d->v->b : d->v->a;
    lcr_csv_label(d->b, d->lang, change_names[kind][0], change_names[kind][1], 1);
    lcr_csv_text(d->b, any->rule, 0);
    lcr_csv_text(d->b, any->month >= 0 ? r->months[any->month].label : "", 0);
    lcr_csv_text(d->b, any->has_at ? any->at_text : "", 0);
    csv_side(d, d->v->a, old);
    csv_side(d, d->v->b, nw);
    csv_money(d, (nw ? nw->amount : 0) - (old ? old->amount : 0), 1);
    lcr_csv_text(d->b, any->reason, 0);
    lcr_csv_end(d->b);
}

static void csv_breaches(dview *d)
{
    static const char *const names[][2] = {
        {"变化", "change"},     {"条目", "rule"},          {"期间", "period"},     {"时间", "at"},
        {"原比例", "old_pct"},  {"原金额", "old_amount"},  {"原事件", "old_events"}, {"新比例", "new_pct"},
        {"新金额", "new_amount"}, {"新事件", "new_events"}, {"差额", "delta"},      {"原因", "reason"}};
    for (size_t i = 0; i < LCI_ARRAY_LEN(names); i++) lcr_csv_label(d->b, d->lang, names[i][0], names[i][1], i == 0);
    lcr_csv_end(d->b);
    each_change(d, csv_change);
}

static void csv_total_row(dview *d, const char *zh, const char *en, const char *old, const char *nw, const char *delta)
{
    lcr_csv_label(d->b, d->lang, zh, en, 1);
    lcr_csv_number(d->b, old, 0);
    lcr_csv_number(d->b, nw, 0);
    lcr_csv_number(d->b, delta, 0);
    lcr_csv_end(d->b);
}

static void csv_total_money(dview *d, const char *zh, const char *en, int64_t old, int64_t nw)
{
    char a[32], b[32], delta[32];
    money(old, a, sizeof a);
    money(nw, b, sizeof b);
    money(nw - old, delta, sizeof delta);
    csv_total_row(d, zh, en, a, b, delta);
}

static void csv_total_count(dview *d, const char *zh, const char *en, long long old, long long nw)
{
    char a[24], b[24], delta[24];
    snprintf(a, sizeof a, "%lld", old);
    snprintf(b, sizeof b, "%lld", nw);
    snprintf(delta, sizeof delta, "%lld", nw - old);
    csv_total_row(d, zh, en, a, b, delta);
}

static void csv_totals(dview *d)
{
    const lc_result *a = d->v->a, *b = d->v->b;
    lcr_csv_label(d->b, d->lang, "项目", "item", 1);
    lcr_csv_label(d->b, d->lang, "原", "old", 0);
    lcr_csv_label(d->b, d->lang, "新", "new", 0);
    lcr_csv_label(d->b, d->lang, "差额", "delta", 0);
    lcr_csv_end(d->b);
    csv_total_money(d, "封顶前合计", "amount_uncapped", a->amount_uncapped, b->amount_uncapped);
    char wz[LCR_LABEL_MAX], we[LCR_LABEL_MAX];
    lcr_amount_words(b, "%s合计", "amount", LCR_SINGULAR, wz, we);
    csv_total_money(d, wz, "amount", a->amount, b->amount);
    csv_total_row(d, "是否封顶", "capped", a->capped ? "true" : "false", b->capped ? "true" : "false", "");
    csv_total_row(d, "解除合同权", "termination_right", a->termination_right ? "true" : "false",
                  b->termination_right ? "true" : "false", "");
    csv_total_count(d, "违约条数", "breaches", (long long)a->nbreaches, (long long)b->nbreaches);
    csv_total_count(d, "事故数", "incidents", (long long)a->nincidents, (long long)b->nincidents);
}

/* The parameters whose values differ. */
static void csv_params(dview *d)
{
    lcr_param_change *c = NULL;
    size_t n = 0;
    if (lcr_param_changes(d->v->a, d->v->b, &c, &n) != 0) d->b->failed = 1;
    lcr_csv_label(d->b, d->lang, "参数", "param", 1);
    lcr_csv_label(d->b, d->lang, "原值", "old", 0);
    lcr_csv_label(d->b, d->lang, "新值", "new", 0);
    lcr_csv_end(d->b);
    for (size_t i = 0; i < n; i++) {
        lcr_csv_text(d->b, c[i].name, 1);
        lcr_csv_number(d->b, c[i].old_value ? c[i].old_value : "", 0);
        lcr_csv_number(d->b, c[i].new_value ? c[i].new_value : "", 0);
        lcr_csv_end(d->b);
    }
    free(c);
}

static const struct {
    const char *name;
    void (*render)(dview *d);
} csv_tables[] = {{"rules", csv_rules}, {"breaches", csv_breaches}, {"totals", csv_totals}, {"params", csv_params}};

const char *lci_diff_csv_table_name(size_t i)
{
    return i < LCI_ARRAY_LEN(csv_tables) ? csv_tables[i].name : NULL;
}

const char *lc_diff_csv_table(size_t i)
{
    return lci_diff_csv_table_name(i);
}

lc_status lci_diff_to_csv(const lci_diff_view *v, const char *table, lc_lang lang, unsigned flags, lci_buf *out,
                          lc_error *err)
{
    size_t t = 0;
    if (!table) table = "rules";
    while (t < LCI_ARRAY_LEN(csv_tables) && strcmp(csv_tables[t].name, table) != 0) t++;
    if (t == LCI_ARRAY_LEN(csv_tables))
        return lci_fail(err, LC_EUSAGE, NULL, 0, "unknown diff table '%s' (rules, breaches or totals)", table);
    dview d = {v, out, lang, NULL, 0, 0};
    if (lcr_money_by_rule(v->a, v->b, &d.rows, &d.nrows) != 0) return lci_oom(err);
    if (flags & LC_RENDER_BOM) lci_buf_puts(out, "\xEF\xBB\xBF");
    csv_tables[t].render(&d);
    free(d.rows);
    return LC_OK;
}

/* ---- HTML ---- */

static void lab(dview *d, const char *zh, const char *en)
{
    lcr_html_label(d->b, d->lang, zh, en);
}

static void th(dview *d, int numeric, const char *zh, const char *en)
{
    lci_buf_puts(d->b, numeric ? "<th class=\"n\">" : "<th>");
    lab(d, zh, en);
    lci_buf_puts(d->b, "</th>");
}

static void td(dview *d, int numeric, const char *text)
{
    lci_buf_puts(d->b, numeric ? "<td class=\"n\">" : "<td>");
    lcr_html_escape(d->b, text);
    lci_buf_puts(d->b, "</td>");
}

static void html_side(dview *d, const char *zh, const char *en, const lc_result *r)
{
    lci_buf_puts(d->b, "<li>");
    lab(d, zh, en);
    lci_buf_puts(d->b, ": ");
    lcr_html_escape(d->b, r->rules_name);
    lci_buf_puts(d->b, " <span class=\"muted\">rules ");
    lcr_html_escape(d->b, r->rules_hash);
    lci_buf_puts(d->b, " · params ");
    lcr_html_escape(d->b, r->params_hash);
    lci_buf_puts(d->b, "</span></li>\n");
}

static void html_card(dview *d, const char *cls, const char *zh, const char *en, const char *value)
{
    lci_buf_printf(d->b, "<div class=\"card%s%s\"><div class=\"k\">", cls ? " " : "", cls ? cls : "");
    lab(d, zh, en);
    lci_buf_puts(d->b, "</div><div class=\"v\">");
    lcr_html_escape(d->b, value);
    lci_buf_puts(d->b, "</div></div>\n");
}

static void html_summary(dview *d)
{
    const lc_result *a = d->v->a, *b = d->v->b;
    char old[32], nw[32], delta[40], l1[LCR_LABEL_MAX], l2[LCR_LABEL_MAX], term[2 * LCR_LABEL_MAX + 8];
    money(a->amount, old, sizeof old);
    money(b->amount, nw, sizeof nw);
    signed_money(b->amount - a->amount, delta, sizeof delta);
    lci_buf_printf(d->b, "<div class=\"cards\" id=\"totals\" data-old=\"%s\" data-new=\"%s\" data-delta=\"%s\">\n", old,
                   nw, delta);
    html_card(d, NULL, "原合计（封顶后）", "Old total, after the caps", old);
    html_card(d, NULL, "新合计（封顶后）", "New total, after the caps", nw);
    html_card(d, b->amount > a->amount ? "bad" : b->amount < a->amount ? "ok" : NULL, "差额", "Change", delta);
    snprintf(term, sizeof term, "%s → %s",
             a->termination_right ? lcr_label(d->lang, "有", "yes", l1, sizeof l1) : lcr_label(d->lang, "无", "no", l1, sizeof l1),
             b->termination_right ? lcr_label(d->lang, "有", "yes", l2, sizeof l2) : lcr_label(d->lang, "无", "no", l2, sizeof l2));
    html_card(d, b->termination_right ? "bad" : NULL, "解除合同权", "Termination right", term);
    lci_buf_puts(d->b, "</div>\n");
}

static void html_rules(dview *d)
{
    lci_buf_puts(d->b, "<h2>");
    lab(d, "各条目金额（原 → 新）：封顶前的金额，封顶后的计入", "Money by rule (old → new): amounts before the caps, counted after them");
    lci_buf_puts(d->b, "</h2>\n<div class=\"scroll\"><table class=\"rules\"><thead><tr>");
    th(d, 0, "条目", "Rule");
    th(d, 1, "原金额", "Old");
    th(d, 1, "新金额", "New");
    th(d, 1, "差额", "Change");
    th(d, 1, "原计入", "Old counted");
    th(d, 1, "新计入", "New counted");
    lci_buf_puts(d->b, "</tr></thead><tbody>\n");
    for (size_t i = 0; i < d->nrows; i++) {
        const lcr_rule_money *r = &d->rows[i];
        char before[32], after[32], delta[40], oc[32], nc[32];
        money(r->old_amount, before, sizeof before);
        money(r->new_amount, after, sizeof after);
        money(r->old_counted, oc, sizeof oc);
        money(r->new_counted, nc, sizeof nc);
        signed_money(r->new_amount - r->old_amount, delta, sizeof delta);
        int same = r->old_amount == r->new_amount && r->old_counted == r->new_counted;
        lci_buf_printf(d->b, "<tr%s data-rule=\"", same ? " class=\"muted\"" : "");
        lcr_html_escape(d->b, r->rule);
        lci_buf_printf(d->b, "\" data-before=\"%s\" data-after=\"%s\" data-old-counted=\"%s\" data-new-counted=\"%s\">",
                       before, after, oc, nc);
        td(d, 0, r->rule);
        td(d, 1, before);
        td(d, 1, after);
        td(d, 1, delta);
        td(d, 1, oc);
        td(d, 1, nc);
        lci_buf_puts(d->b, "</tr>\n");
    }
    lci_buf_puts(d->b, "</tbody></table></div>\n");
}

static void html_breach_side(dview *d, const lci_rbreach *br)
{
    char a[32] = "", pct[48] = "";
    if (br) {
        money(br->amount, a, sizeof a);
        lcr_pct(br, pct, sizeof pct);
    }
    td(d, 1, pct);
    td(d, 1, a);
}

static void html_change(dview *d, change kind, const lci_rbreach *old, const lci_rbreach *nw)
{
    const lci_rbreach *any = nw ? nw : old;
    char when[40];
    lcr_breach_when(nw ? d->v->b : d->v->a, any, when, sizeof when);
    d->shown++;
    lci_buf_printf(d->b, "<tr data-change=\"%s\"><td>", change_names[kind][1]);
    lab(d, change_names[kind][0], change_names[kind][1]);
    lci_buf_puts(d->b, "</td>");
    td(d, 0, when);
    td(d, 0, any->rule);
    html_breach_side(d, old);
    html_breach_side(d, nw);
    td(d, 0, any->reason);
    lci_buf_puts(d->b, "</tr>\n");
}

static void count_change(dview *d, change kind, const lci_rbreach *old, const lci_rbreach *nw)
{
    (void)kind, (void)old, (void)nw;
    d->shown++;
}

/* The breaches that differ; left out when none does. */
static void html_changes(dview *d)
{
    each_change(d, count_change);
    if (!d->shown) return;
    d->shown = 0;
    lci_buf_puts(d->b, "<h2>");
    lab(d, "违约变化", "Breaches added, removed, changed");
    lci_buf_puts(d->b, "</h2>\n<div class=\"scroll\"><table class=\"changes\"><thead><tr>");
    th(d, 0, "变化", "Change");
    th(d, 0, "时间", "When");
    th(d, 0, "条目", "Rule");
    th(d, 1, "原比例", "Old pct");
    th(d, 1, "原金额", "Old amount");
    th(d, 1, "新比例", "New pct");
    th(d, 1, "新金额", "New amount");
    th(d, 0, "原因", "Reason");
    lci_buf_puts(d->b, "</tr></thead><tbody>\n");
    each_change(d, html_change);
    lci_buf_puts(d->b, "</tbody></table></div>\n");
}

/* The incidents on one side only; left out when none. */
static void html_incidents(dview *d)
{
    const lci_diff_view *v = d->v;
    size_t shown = 0;
    for (size_t i = 0; i < v->a->nincidents; i++) shown += !v->inc_old[i];
    for (size_t j = 0; j < v->b->nincidents; j++) shown += !v->inc_new[j];
    if (!shown) return;
    lci_buf_puts(d->b, "<h2>");
    lab(d, "事故变化", "Incidents added and removed");
    lci_buf_puts(d->b, "</h2>\n<ul>\n");
    for (int side = 0; side < 2; side++) {
        const lc_result *r = side ? v->b : v->a;
        const int *matched = side ? v->inc_new : v->inc_old;
        for (size_t i = 0; i < r->nincidents; i++) {
            if (matched[i]) continue;
            lci_buf_puts(d->b, side ? "<li>+ " : "<li>− ");
            lcr_html_escape(d->b, r->incidents[i].rule);
            lci_buf_puts(d->b, " ");
            lcr_events(r, &r->incidents[i].events, ", ", 8, d->b);
            lci_buf_puts(d->b, "</li>\n");
        }
    }
    lci_buf_puts(d->b, "</ul>\n");
}

/* The parameters whose values differ; left out when none does. */
static void html_params(dview *d)
{
    lcr_param_change *c = NULL;
    size_t n = 0;
    if (lcr_param_changes(d->v->a, d->v->b, &c, &n) != 0) d->b->failed = 1;
    if (n) {
        lci_buf_puts(d->b, "<h2>");
        lab(d, "参数（原 → 新）", "Parameters (old → new)");
        lci_buf_puts(d->b, "</h2>\n<ul id=\"params\">\n");
        for (size_t i = 0; i < n; i++) {
            lci_buf_puts(d->b, "<li data-param=\"");
            lcr_html_escape(d->b, c[i].name);
            lci_buf_puts(d->b, "\">");
            lcr_html_escape(d->b, c[i].name);
            lci_buf_puts(d->b, ": ");
            lcr_html_escape(d->b, c[i].old_value ? c[i].old_value : "-");
            lci_buf_puts(d->b, " → ");
            lcr_html_escape(d->b, c[i].new_value ? c[i].new_value : "-");
            lci_buf_puts(d->b, "</li>\n");
        }
        lci_buf_puts(d->b, "</ul>\n");
    }
    free(c);
}

lc_status lci_diff_to_html(const lci_diff_view *v, lc_lang lang, lci_buf *out, lc_error *err)
{
    char l[LCR_LABEL_MAX], wz[LCR_LABEL_MAX], we[LCR_LABEL_MAX];
    dview d = {v, out, lang, NULL, 0, 0};
    if (lcr_money_by_rule(v->a, v->b, &d.rows, &d.nrows) != 0) return lci_oom(err);
    lcr_amount_words(v->b, "%s比较", "%s diff", LCR_CAPITAL, wz, we);
    lcr_html_head(out, lang, lcr_label(lang, wz, we, l, sizeof l));
    lci_buf_puts(out, "<header>\n<h1>");
    lab(&d, wz, we);
    lci_buf_printf(out, "</h1>\n<ul class=\"meta\" data-identical=\"%s\">\n", v->differs ? "false" : "true");
    html_side(&d, "原", "Old", v->a);
    html_side(&d, "新", "New", v->b);
    lci_buf_puts(out, "</ul>\n</header>\n");
    html_summary(&d);
    html_params(&d);
    html_rules(&d);
    html_changes(&d);
    html_incidents(&d);
    lcr_html_foot(out);
    free(d.rows);
    return LC_OK;
}
