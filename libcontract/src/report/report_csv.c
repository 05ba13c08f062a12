/* report_csv.c — the result as CSV tables that spreadsheets open directly.
 *
 * One table per kind: breaches, months, items (the 附件7 score sheets),
 * incidents, findings, obligations.  RFC 4180: fields are quoted when they
 * hold a comma, a quote, CR or LF (quotes doubled) and lines end in CRLF.
 * Amounts are plain decimals ("5158.80"); month figures are written as the
 * JSON has them.  A text field that a spreadsheet would take for a formula
 * (it starts with = + - @, a tab or CR) gets a leading apostrophe.
 * LC_RENDER_BOM starts the text with a UTF-8 BOM for Excel. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

/* ---- RFC 4180 fields ---- */

static void field(lci_buf *b, const char *s, int first, int guard)
{
    if (!first) lci_buf_putc(b, ',');
    int formula = guard && s[0] && strchr("=+-@\t\r", s[0]);
    if (!strpbrk(s, ",\"\r\n")) {
        if (formula) lci_buf_putc(b, '\'');
        lci_buf_puts(b, s);
        return;
    }
    lci_buf_putc(b, '"');
    if (formula) lci_buf_putc(b, '\'');
    for (const char *p = s; *p; p++) {
        if (*p == '"') lci_buf_putc(b, '"');
        lci_buf_putc(b, *p);
    }
    lci_buf_putc(b, '"');
}

void lcr_csv_text(lci_buf *b, const char *s, int first)
{
    field(b, s ? s : "", first, 1);
}

void lcr_csv_number(lci_buf *b, const char *s, int first)
{
    field(b, s ? s : "", first, 0);
}

void lcr_csv_label(lci_buf *b, lc_lang lang, const char *zh, const char *en, int first)
{
    char buf[LCR_LABEL_MAX];
    lcr_csv_text(b, lcr_label(lang, zh, en, buf, sizeof buf), first);
}

void lcr_csv_end(lci_buf *b)
{
    lci_buf_puts(b, "\r\n");
}

/* ---- tables ---- */

typedef struct csv {
    lci_buf *b;
    const lc_result *res;
    lc_lang lang;
    unsigned flags;
    lcr_money money;
} csv;

/* A header row from zh/en pairs. */
static void head(csv *c, const char *const (*names)[2], size_t n)
{
    for (size_t i = 0; i < n; i++) lcr_csv_label(c->b, c->lang, names[i][0], names[i][1], i == 0);
}

static void money_field(csv *c, int64_t fen)
{
    char buf[32];
    lci_fen_format(fen, buf, sizeof buf);
    lcr_csv_number(c->b, buf, 0);
}

static void count_field(csv *c, long long n, int first)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", n);
    lcr_csv_number(c->b, buf, first);
}

static void events_field(csv *c, const lci_refs *refs)
{
    lci_buf ev;
    lci_buf_init(&ev);
    lcr_events(c->res, refs, " ", 0, &ev);
    if (ev.failed) c->b->failed = 1;
    lcr_csv_text(c->b, ev.data ? ev.data : "", 0);
    lci_buf_free(&ev);
}

static void breaches(csv *c)
{
    static const char *const names[][2] = {
        {"期间", "period"}, {"时间", "at"},       {"条目", "rule"},    {"类别", "class"},
        {"条款", "clause"}, {"原因", "reason"},   {"比例", "pct"},     {"金额", "amount"},
        {"计入", "counted"}, {"累计", "running"}, {"事件", "events"}, {"说明", "text"}};
    const lc_result *res = c->res;
    int explain = (c->flags & LC_RENDER_EXPLAIN) != 0;
    head(c, names, LCI_ARRAY_LEN(names) - (explain ? 0 : 1));
    lcr_csv_end(c->b);
    for (size_t i = 0; i < res->nbreaches; i++) {
        const lci_rbreach *br = &res->breaches[i];
        lcr_csv_text(c->b, br->month >= 0 ? res->months[br->month].label : "", 1);
        lcr_csv_text(c->b, br->has_at ? br->at_text : "", 0);
        lcr_csv_text(c->b, br->rule, 0);
        lcr_csv_text(c->b, br->klass, 0);
        lcr_csv_text(c->b, br->clause, 0);
        lcr_csv_text(c->b, br->reason, 0);
        lcr_csv_number(c->b, br->pct_text, 0);
        money_field(c, br->amount);
        money_field(c, c->money.counted[i]);
        money_field(c, c->money.running[i]);
        events_field(c, &br->events);
        if (explain) lcr_csv_text(c->b, br->text, 0);
        lcr_csv_end(c->b);
    }
}

static void months(csv *c)
{
    const lc_result *res = c->res;
    char wz[LCR_LABEL_MAX], we[LCR_LABEL_MAX];
    lcr_amount_words(res, "%s", "amount", LCR_SINGULAR, wz, we);
    const char *const tail[][2] = {{"违约条数", "breaches"}, {wz, "amount"}, {"计入", "counted"}, {"累计", "cumulative"}};
    lcr_csv_label(c->b, c->lang, "月份", "month", 1);
    for (size_t k = 0; k < res->ncolumns; k++) lcr_csv_text(c->b, res->column_keys[k], 0);
    for (size_t k = 0; k < LCI_ARRAY_LEN(tail); k++) lcr_csv_label(c->b, c->lang, tail[k][0], tail[k][1], 0);
    lcr_csv_end(c->b);
    for (size_t i = 0; i < res->nmonths; i++) {
        lcr_csv_text(c->b, res->months[i].label, 1);
        for (size_t k = 0; k < res->ncolumns; k++) {
            char v[48];
            lcr_value_json(&res->months[i].columns[k], v, sizeof v);
            lcr_csv_number(c->b, v, 0);
        }
        count_field(c, (long long)c->money.month_breaches[i], 0);
        money_field(c, c->money.month_amount[i]);
        money_field(c, c->money.month_counted[i]);
        money_field(c, c->money.month_cumulative[i]);
        lcr_csv_end(c->b);
    }
}

static void dec_field(csv *c, lci_dec d)
{
    char buf[48];
    lci_dec_format_short(d, buf, sizeof buf);
    lcr_csv_number(c->b, buf, 0);
}

static void component_head(csv *c, int k)
{
    static const char *const parts[][2] = {{"满分", "max"}, {"比例", "fraction"}, {"得分", "points"}};
    const lc_result *res = c->res;
    for (size_t p = 0; p < LCI_ARRAY_LEN(parts); p++) {
        char zh[LCR_LABEL_MAX], en[LCR_LABEL_MAX];
        snprintf(zh, sizeof zh, "%s%s", res->component_zh[k], parts[p][0]);
        snprintf(en, sizeof en, "%s_%s", res->component_id[k], parts[p][1]);
        lcr_csv_label(c->b, c->lang, zh, en, 0);
    }
}

static void item_row(csv *c, const lci_rmonth *mo, size_t i)
{
    const lc_result *res = c->res;
    const lci_ritem *it = &mo->items[i];
    const lci_rscore_item *si = &res->score_items[i];
    lcr_csv_text(c->b, mo->label, 1);
    lcr_csv_text(c->b, si->id, 0);
    lcr_csv_text(c->b, si->zh, 0);
    lcr_csv_text(c->b, si->en, 0);
    dec_field(c, si->max);
    for (int k = 0; k < res->ncomponents; k++) {
        dec_field(c, it->max_points[k]);
        dec_field(c, (lci_dec){it->fraction[k], 4});
        dec_field(c, it->points[k]);
    }
    dec_field(c, it->subtotal);
    dec_field(c, mo->score);
    lcr_csv_end(c->b);
}

static void items(csv *c)
{
    static const char *const names[][2] = {
        {"月份", "month"}, {"工作项", "item"}, {"工作项名称", "item_zh"}, {"英文名称", "item_en"}, {"满分", "max"}};
    const lc_result *res = c->res;
    head(c, names, LCI_ARRAY_LEN(names));
    for (int k = 0; k < res->ncomponents; k++) component_head(c, k);
    lcr_csv_label(c->b, c->lang, "小计", "subtotal", 0);
    lcr_csv_label(c->b, c->lang, "月度得分", "month_score", 0);
    lcr_csv_end(c->b);
    if (!res->has_scorecard) return;
    for (size_t m = 0; m < res->nmonths; m++)
        for (size_t i = 0; res->months[m].scored && i < res->nscore_items; i++)
            if (res->months[m].items[i].present) item_row(c, &res->months[m], i);
}

static void incidents(csv *c)
{
    static const char *const names[][2] = {
        {"时间", "at"}, {"条目", "rule"}, {"级别", "class"}, {"条款", "clause"}, {"事件", "events"}};
    const lc_result *res = c->res;
    head(c, names, LCI_ARRAY_LEN(names));
    lcr_csv_end(c->b);
    for (size_t i = 0; i < res->nincidents; i++) {
        const lci_rincident *in = &res->incidents[i];
        char at[40];
        lci_time_format(in->at, res->offset_min, at, sizeof at);
        lcr_csv_text(c->b, at, 1);
        lcr_csv_text(c->b, in->rule, 0);
        lcr_csv_text(c->b, in->klass, 0);
        lcr_csv_text(c->b, in->clause, 0);
        events_field(c, &in->events);
        lcr_csv_end(c->b);
    }
}

static void findings(csv *c)
{
    static const char *const names[][2] = {
        {"类型", "kind"}, {"条款", "clause"}, {"说明", "message"}, {"事件", "events"}};
    const lc_result *res = c->res;
    head(c, names, LCI_ARRAY_LEN(names));
    lcr_csv_end(c->b);
    for (size_t i = 0; i < res->nfindings; i++) {
        const lci_rfinding *f = &res->findings[i];
        lcr_csv_text(c->b, f->kind, 1);
        lcr_csv_text(c->b, f->clause, 0);
        lcr_csv_text(c->b, f->message, 0);
        events_field(c, &f->events);
        lcr_csv_end(c->b);
    }
}

static void obligations(csv *c)
{
    static const char *const names[][2] = {
        {"成果", "kind"}, {"应交", "due"}, {"已交", "delivered"}, {"缺交", "shortfall"}, {"条款", "clause"}};
    const lc_result *res = c->res;
    head(c, names, LCI_ARRAY_LEN(names));
    lcr_csv_end(c->b);
    for (size_t i = 0; i < res->nobligations; i++) {
        const lci_robligation *o = &res->obligations[i];
        lcr_csv_text(c->b, o->kind, 1);
        count_field(c, (long long)o->due, 0);
        count_field(c, (long long)o->delivered, 0);
        if (lci_obligation_shortfall(o) < 0) lcr_csv_text(c->b, "", 0); /* judged at the term's end */
        else count_field(c, (long long)lci_obligation_shortfall(o), 0);
        lcr_csv_text(c->b, o->clause, 0);
        lcr_csv_end(c->b);
    }
}

static const struct {
    const char *name;
    void (*render)(csv *c);
} tables[] = {{"breaches", breaches}, {"months", months},     {"items", items},
              {"incidents", incidents}, {"findings", findings}, {"obligations", obligations}};

const char *lci_csv_table_name(size_t i)
{
    return i < LCI_ARRAY_LEN(tables) ? tables[i].name : NULL;
}

lc_status lci_result_to_csv(const lc_result *res, const char *table, lc_lang lang, unsigned flags, char **out,
                            size_t *len, lc_error *err)
{
    size_t t = 0;
    if (!table) table = "breaches";
    while (t < LCI_ARRAY_LEN(tables) && strcmp(tables[t].name, table) != 0) t++;
    if (t == LCI_ARRAY_LEN(tables))
        return lci_fail(err, LC_EUSAGE, NULL, 0,
                        "unknown table '%s' (breaches, months, items, incidents, findings or obligations)", table);
    lci_buf b;
    lci_buf_init(&b);
    csv c = {&b, res, lang, flags, {0}};
    if (lcr_money_init(&c.money, res) != 0) return lci_oom(err);
    if (flags & LC_RENDER_BOM) lci_buf_puts(&b, "\xEF\xBB\xBF");
    tables[t].render(&c);
    lcr_money_free(&c.money);
    *out = lci_buf_take(&b, len);
    return *out ? LC_OK : lci_oom(err);
}

/* ---- public ---- */

const char *lc_csv_table(size_t i)
{
    return lci_csv_table_name(i);
}

lc_status lc_result_csv(const lc_result *res, const char *table, lc_lang lang, unsigned flags, char **out,
                        size_t *len, lc_error *err)
{
    if (!res || !out) return lci_fail(err, LC_EUSAGE, NULL, 0, "lc_result_csv: NULL argument");
    *out = NULL;
    if (lcr_lang(res, lang, &lang, err) != LC_OK) return LC_EUSAGE;
    return lci_result_to_csv(res, table, lang, flags, out, len, err);
}
