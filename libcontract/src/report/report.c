/* report.c — see report.h: labels, money after the caps and figures for
 * display, shared by the text, CSV and HTML reports. */
#include "report/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- labels ---- */

lc_status lcr_lang(const lc_result *res, lc_lang asked, lc_lang *out, lc_error *err)
{
    if ((unsigned)asked > LC_LANG_CONTRACT) return lci_fail(err, LC_EUSAGE, NULL, 0, "unknown language %d", (int)asked);
    *out = asked != LC_LANG_CONTRACT ? asked : res->lang >= 0 ? (lc_lang)res->lang : LC_LANG_BOTH;
    return LC_OK;
}

void lcr_amount_words(const lc_result *res, const char *zh_fmt, const char *en_fmt, int en_form, char *zh, char *en)
{
    char word[LCR_LABEL_MAX];
    const char *w = en_form == LCR_PLURAL ? res->amount_en_plural : res->amount_en;
    snprintf(word, sizeof word, "%s", w ? w : "penalty");
    if (en_form == LCR_CAPITAL && word[0] >= 'a' && word[0] <= 'z') word[0] = (char)(word[0] - 'a' + 'A');
    snprintf(zh, LCR_LABEL_MAX, zh_fmt, res->amount_zh ? res->amount_zh : "违约金");
    snprintf(en, LCR_LABEL_MAX, en_fmt, word);
}

/* A code's words in both languages from a table of {code, zh, en}; the
 * code itself when the table has none. */
static void words_of(const char *const (*words)[3], size_t n, const char *code, const char **zh, const char **en)
{
    *zh = *en = code;
    for (size_t i = 0; code && i < n; i++)
        if (strcmp(words[i][0], code) == 0) *zh = words[i][1], *en = words[i][2];
}

void lcr_not_counted_words(const char *reason, const char **zh, const char **en)
{
    static const char *const words[][3] = {
        {"condition", "按条件不计", "excluded by its type's condition"},
        {"outside_term", "合同期外", "outside the term"},
        {"repeat", "重复", "repeats an earlier event"},
        {"invalid", "无效，已跳过", "invalid, skipped"},
        {"not_yet", "截至时尚未发生", "not yet at the instant"},
    };
    words_of(words, LCI_ARRAY_LEN(words), reason, zh, en);
}

void lcr_headroom_words(const char *kind, const char **zh, const char **en)
{
    static const char *const words[][3] = {
        {"downtime", "可用性", "downtime"},  {"count", "计数", "count"},       {"average", "平均值", "average"},
        {"cluster", "窗口内", "window"},     {"deadline", "时限", "deadline"},  {"late", "逾期", "late"},
        {"cap", "上限", "cap"},              {"termination", "解约权", "termination"},
    };
    words_of(words, LCI_ARRAY_LEN(words), kind, zh, en);
}

const char *lcr_label(lc_lang lang, const char *zh, const char *en, char *buf, size_t size)
{
    if (lang == LC_LANG_ZH) return zh;
    if (lang == LC_LANG_EN) return en;
    snprintf(buf, size, "%s %s", zh, en);
    return buf;
}

const char *lcr_grade_zh(const char *grade)
{
    static const char *const names[][2] = {
        {"excellent", "优秀"}, {"good", "良好"}, {"pass", "及格"}, {"fail", "不及格"}};
    for (size_t i = 0; grade && i < LCI_ARRAY_LEN(names); i++)
        if (strcmp(grade, names[i][0]) == 0) return names[i][1];
    return grade ? grade : "-";
}

/* ---- money after the caps ---- */

void lcr_money_free(lcr_money *m)
{
    free(m->counted);
    free(m->running);
    free(m->month_breaches);
    free(m->month_amount);
    free(m->month_counted);
    free(m->month_cumulative);
    memset(m, 0, sizeof *m);
}

/* The result says what each breach and month counts after the caps
 * (eval/caps.c); the reports add them up as they list them. */
int lcr_money_init(lcr_money *m, const lc_result *res)
{
    size_t nb = res->nbreaches + 1, nm = res->nmonths + 1;
    memset(m, 0, sizeof *m);
    m->counted = calloc(nb, sizeof *m->counted);
    m->running = calloc(nb, sizeof *m->running);
    m->month_breaches = calloc(nm, sizeof *m->month_breaches);
    m->month_amount = calloc(nm, sizeof *m->month_amount);
    m->month_counted = calloc(nm, sizeof *m->month_counted);
    m->month_cumulative = calloc(nm, sizeof *m->month_cumulative);
    if (!m->counted || !m->running || !m->month_breaches || !m->month_amount || !m->month_counted ||
        !m->month_cumulative) {
        lcr_money_free(m);
        return -1;
    }
    int64_t run = 0;
    for (size_t i = 0; i < res->nbreaches; i++) {
        const lci_rbreach *br = &res->breaches[i];
        m->counted[i] = br->counted;
        m->running[i] = run += br->counted;
        m->month_amount[br->cap_month] += br->amount;
        m->month_breaches[br->cap_month]++;
    }
    run = 0;
    for (size_t mo = 0; mo < res->nmonths; mo++) {
        m->month_counted[mo] = res->months[mo].counted;
        m->month_cumulative[mo] = run += res->months[mo].counted;
    }
    return 0;
}

void lcr_percent(int64_t part, int64_t whole, int decimals, char *buf, size_t size)
{
    int64_t x;
    if (whole <= 0 || lci_mul_div_round(part, 100 * lci_pow10(decimals), whole, &x) != LCI_NUM_OK) {
        snprintf(buf, size, "-");
        return;
    }
    lci_dec_format((lci_dec){x, decimals}, buf, size);
}

/* ---- figures ---- */

int lcr_column(const lc_result *res, const char *key)
{
    for (size_t c = 0; c < res->ncolumns; c++)
        if (strcmp(res->column_keys[c], key) == 0) return (int)c;
    return -1;
}

int lcr_dec_digits(lci_dec d)
{
    while (d.scale > 0 && d.coef % 10 == 0) {
        d.coef /= 10;
        d.scale--;
    }
    return d.scale;
}

void lcr_dec_fixed(lci_dec d, int scale, char *buf, size_t size)
{
    int64_t coef;
    if (lcr_dec_digits(d) > scale || lci_dec_rescale(d, scale, &coef) != LCI_NUM_OK) {
        lci_dec_format_short(d, buf, size);
        return;
    }
    lci_dec_format((lci_dec){coef, scale}, buf, size);
}

int lcr_dec_add(lci_dec a, lci_dec b, lci_dec *out)
{
    int scale = a.scale > b.scale ? a.scale : b.scale;
    int64_t x, y, sum;
    if (lci_dec_rescale(a, scale, &x) != LCI_NUM_OK || lci_dec_rescale(b, scale, &y) != LCI_NUM_OK) return -1;
    if (__builtin_add_overflow(x, y, &sum)) return -1;
    *out = (lci_dec){sum, scale};
    return 0;
}

int lcr_value_dec(const lci_rvalue *v, lci_dec *out)
{
    if (v->kind == LCI_V_INT || v->kind == LCI_V_MONEY) {
        *out = (lci_dec){v->integer, v->kind == LCI_V_MONEY ? 2 : 0};
        return 0;
    }
    if (v->kind == LCI_V_NUMBER && v->has_shown) {
        *out = v->shown; /* rounded from the exact value, as the ledger says it */
        return 0;
    }
    if (v->kind != LCI_V_NUMBER || lci_dec_from_double(v->number, out) != LCI_NUM_OK) return -1;
    if (out->scale > 4) {
        out->coef /= lci_pow10(out->scale - 4); /* cut toward zero */
        out->scale = 4;
    }
    return 0;
}

void lcr_value_text(const lci_rvalue *v, int decimals, char *buf, size_t size)
{
    lci_dec d;
    if (v->kind == LCI_V_NULL) snprintf(buf, size, "-");
    else if (v->kind == LCI_V_INT) snprintf(buf, size, "%lld", (long long)v->integer);
    else if (v->kind == LCI_V_MONEY) lci_fen_format(v->integer, buf, size);
    else if (lcr_value_dec(v, &d) == 0) lcr_dec_fixed(d, decimals, buf, size);
    else snprintf(buf, size, "%.*f", decimals, v->number);
}

int lcr_column_digits(const lc_result *res, size_t column)
{
    int digits = 0;
    for (size_t i = 0; i < res->nmonths; i++) {
        lci_dec d;
        const lci_rvalue *v = &res->months[i].columns[column];
        if (v->kind == LCI_V_NUMBER && lcr_value_dec(v, &d) == 0 && lcr_dec_digits(d) > digits)
            digits = lcr_dec_digits(d);
    }
    return digits;
}

void lcr_value_json(const lci_rvalue *v, char *buf, size_t size)
{
    if (v->kind == LCI_V_INT) snprintf(buf, size, "%lld", (long long)v->integer);
    else if (v->kind == LCI_V_MONEY) lci_fen_format(v->integer, buf, size);
    else if (v->kind == LCI_V_NUMBER) lci_format_double(v->number, buf, size);
    else if (size) buf[0] = '\0';
}

void lcr_breach_when(const lc_result *res, const lci_rbreach *b, char *buf, size_t size)
{
    if (b->month >= 0 && (size_t)b->month < res->nmonths) {
        snprintf(buf, size, "%s", res->months[b->month].label);
        return;
    }
    snprintf(buf, size, "%.16s", b->at_text);
    char *t = strchr(buf, 'T');
    if (t) *t = ' ';
}

void lcr_events(const lc_result *res, const lci_refs *refs, const char *sep, size_t max, lci_buf *out)
{
    for (size_t i = 0; i < refs->n; i++) {
        if (max && i == max) {
            lci_buf_printf(out, "%s… (%zu)", sep, refs->n);
            return;
        }
        lci_buf_printf(out, "%s%s", i ? sep : "", lci_result_id(res, refs->ids[i]));
    }
}

/* ---- score sheets ---- */

int lcr_sheet_digits(const lc_result *res, const lci_rmonth *mo)
{
    int digits = 2;
    for (size_t i = 0; i < res->nscore_items; i++) {
        const lci_ritem *it = &mo->items[i];
        if (!it->present) continue;
        for (int c = 0; c < res->ncomponents; c++) {
            if (lcr_dec_digits(it->points[c]) > digits) digits = lcr_dec_digits(it->points[c]);
            if (lcr_dec_digits(it->max_points[c]) > digits) digits = lcr_dec_digits(it->max_points[c]);
        }
        if (lcr_dec_digits(it->subtotal) > digits) digits = lcr_dec_digits(it->subtotal);
    }
    return digits > 8 ? 8 : digits;
}

int lcr_sheet_points(const lc_result *res, const lci_rmonth *mo, lci_dec *out)
{
    *out = (lci_dec){0, 0};
    for (size_t i = 0; i < res->nscore_items; i++)
        if (mo->items[i].present && lcr_dec_add(*out, mo->items[i].subtotal, out) != 0) return -1;
    return 0;
}

/* ---- diff: money per rule, parameters ---- */

static int add_rule(lcr_rule_money **rows, size_t *n, size_t *cap, const lci_rbreach *br, int side)
{
    size_t i = 0;
    while (i < *n && strcmp((*rows)[i].rule, br->rule) != 0) i++;
    if (i == *n && LCI_PUSH(*rows, *cap, *n, ((lcr_rule_money){br->rule, 0, 0, 0, 0})) != 0) return -1;
    lcr_rule_money *r = &(*rows)[i];
    *(side ? &r->new_amount : &r->old_amount) += br->amount;
    *(side ? &r->new_counted : &r->old_counted) += br->counted;
    return 0;
}

static int rule_cmp(const void *x, const void *y)
{
    return lci_natural_cmp(((const lcr_rule_money *)x)->rule, ((const lcr_rule_money *)y)->rule);
}

int lcr_money_by_rule(const lc_result *a, const lc_result *b, lcr_rule_money **rows, size_t *n)
{
    size_t cap = 0;
    int ok = 0;
    *rows = NULL;
    *n = 0;
    for (size_t i = 0; ok == 0 && i < a->nbreaches; i++) ok = add_rule(rows, n, &cap, &a->breaches[i], 0);
    for (size_t i = 0; ok == 0 && i < b->nbreaches; i++) ok = add_rule(rows, n, &cap, &b->breaches[i], 1);
    if (ok != 0) {
        free(*rows);
        *rows = NULL;
        *n = 0;
        return -1;
    }
    lci_sort(*rows, *n, sizeof **rows, rule_cmp);
    return 0;
}

/* The index of parameter name in r, or -1. */
static long param_index(const lc_result *r, const char *name)
{
    for (size_t i = 0; i < r->nparams; i++)
        if (strcmp(r->param_names[i], name) == 0) return (long)i;
    return -1;
}

/* Two values of a parameter as the same number (99.9 and 99.90). */
static int same_value(const char *x, const char *y)
{
    lci_dec a, b;
    if (lci_dec_parse(x, strlen(x), &a, NULL) != LCI_NUM_OK || lci_dec_parse(y, strlen(y), &b, NULL) != LCI_NUM_OK)
        return strcmp(x, y) == 0;
    return lci_dec_cmp(a, b) == 0;
}

int lcr_param_changes(const lc_result *a, const lc_result *b, lcr_param_change **out, size_t *n)
{
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    for (size_t i = 0; i < a->nparams; i++) {
        long j = param_index(b, a->param_names[i]);
        if (j >= 0 && same_value(a->param_values[i], b->param_values[j])) continue;
        lcr_param_change c = {a->param_names[i], a->param_values[i], j >= 0 ? b->param_values[j] : NULL};
        if (LCI_PUSH(*out, cap, *n, c) != 0) return -1;
    }
    for (size_t j = 0; j < b->nparams; j++) {
        if (param_index(a, b->param_names[j]) >= 0) continue;
        lcr_param_change c = {b->param_names[j], NULL, b->param_values[j]};
        if (LCI_PUSH(*out, cap, *n, c) != 0) return -1;
    }
    return 0;
}

const char *lcr_pct(const lci_rbreach *br, char *buf, size_t size)
{
    snprintf(buf, size, br->has_pct ? "%s%%" : "-", br->pct_text);
    return buf;
}

void lcr_headroom_texts(const lci_rheadroom *h, char *left, size_t left_size, char *used, size_t used_size)
{
    int unit = h->left[0] && h->unit[0] && strcmp(h->unit, "money") != 0; /* money: the amount says it */
    snprintf(left, left_size, "%s%s%s", h->left[0] ? h->left : "-", unit ? " " : "", unit ? h->unit : "");
    if (h->used[0]) snprintf(used, used_size, "%s%% / %s%%", h->used, h->gone);
    else snprintf(used, used_size, "-");
}
