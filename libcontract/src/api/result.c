/* result.c — a result's life and its accessors. */
#include "api/result.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

lc_result *lci_result_new(void)
{
    return calloc(1, sizeof(lc_result));
}

static void free_all(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) free(v[i]);
    free(v);
}

static void free_lists(lc_result *res)
{
    for (size_t i = 0; i < res->nbreaches; i++) {
        free(res->breaches[i].reason);
        free(res->breaches[i].events.ids);
    }
    free(res->breaches);
    for (size_t i = 0; i < res->nincidents; i++) free(res->incidents[i].events.ids);
    free(res->incidents);
    for (size_t i = 0; i < res->nfindings; i++) {
        free(res->findings[i].message);
        free(res->findings[i].events.ids);
    }
    free(res->findings);
    for (size_t i = 0; i < res->nmonths; i++) {
        free(res->months[i].columns);
        free(res->months[i].items);
    }
    free(res->months);
    for (size_t i = 0; i < res->ncaps; i++) free(res->caps[i].cuts);
    free(res->caps);
}

static void free_outcomes(lc_result *res)
{
    for (size_t i = 0; i < res->nreasons; i++) {
        free(res->reasons[i].id);
        free(res->reasons[i].clause);
        free(res->reasons[i].label);
        free(res->reasons[i].message);
        free(res->reasons[i].events.ids);
    }
    free(res->reasons);
    for (size_t i = 0; i < res->nparts; i++) {
        free(res->parts[i].name);
        free(res->parts[i].clause);
        free(res->parts[i].reason);
    }
    free(res->parts);
    for (size_t i = 0; i < res->nobligations; i++) {
        free(res->obligations[i].kind);
        free(res->obligations[i].clause);
    }
    free(res->obligations);
    for (size_t i = 0; i < res->ninstalments; i++) {
        free(res->instalments[i].clause);
        free(res->instalments[i].note);
    }
    free(res->instalments);
    for (size_t i = 0; i < res->nwarnings; i++) {
        free(res->warnings[i].file);
        free(res->warnings[i].message);
    }
    free(res->warnings);
    for (size_t i = 0; i < res->nscore_items; i++) {
        free(res->score_items[i].id);
        free(res->score_items[i].zh);
        free(res->score_items[i].en);
    }
    free(res->score_items);
    for (int c = 0; c < LCI_MAX_COMPONENTS; c++) {
        free(res->component_id[c]);
        free(res->component_zh[c]);
        free(res->component_en[c]);
    }
}

void lc_result_free(lc_result *res)
{
    if (!res) return;
    free_lists(res);
    free_outcomes(res);
    free_all(res->column_keys, res->ncolumns);
    free(res->column_units);
    free(res->column_lines);
    free(res->not_counted);
    for (size_t i = 0; i < res->nheadroom; i++) free(res->headroom[i].what);
    free(res->headroom);
    free(res->param_names); /* the texts lie in stamp_block */
    free(res->param_values);
    free(res->param_declared);
    free(res->stamp_block);
    for (size_t i = 0; res->rule_params && i < res->nrules; i++) free(res->rule_params[i].at);
    free(res->rule_params);
    free(res->id);
    free(res->title);
    free(res->currency);
    free(res->term_start);
    free(res->term_end);
    free(res->score_clause);
    free(res->grade);
    free(res->bond_clause);
    lci_strview_release(&res->ids);
    lci_strview_release(&res->texts);
    free(res);
}

/* ---- accessors ---- */

void lc_result_totals(const lc_result *res, lc_totals *out)
{
    memset(out, 0, sizeof *out);
    if (!res) return;
    out->amount_uncapped = res->amount_uncapped;
    out->amount = res->amount;
    out->capped = res->capped;
    out->cap = res->cap;
    out->termination_right = res->termination_right;
    out->breaches = res->nbreaches;
    out->incidents = res->nincidents;
    out->warnings = res->nwarnings;
}

size_t lc_result_breach_count(const lc_result *res)
{
    return res ? res->nbreaches : 0;
}

int lc_result_breach(const lc_result *res, size_t i, lc_breach *out)
{
    if (!res || !out || i >= res->nbreaches) return 0;
    const lci_rbreach *b = &res->breaches[i];
    out->rule = b->rule;
    out->class_ = b->klass;
    out->clause = b->clause;
    out->reason = b->reason;
    out->pct = b->has_pct ? b->pct_text : NULL;
    out->amount = b->amount;
    out->period = b->month >= 0 ? res->months[b->month].label : NULL;
    out->at = b->has_at ? b->at_text : NULL;
    out->event_count = b->events.n;
    return 1;
}

const char *lc_result_breach_event(const lc_result *res, size_t i, size_t j)
{
    if (!res || i >= res->nbreaches || j >= res->breaches[i].events.n) return NULL;
    return lci_result_id(res, res->breaches[i].events.ids[j]);
}

size_t lc_result_month_count(const lc_result *res)
{
    return res ? res->nmonths : 0;
}

static double column_number(const lci_rvalue *v)
{
    if (v->kind == LCI_V_INT) return (double)v->integer;
    if (v->kind == LCI_V_MONEY) return (double)v->integer / 100; /* a figure for display */
    return v->kind == LCI_V_NUMBER ? v->number : NAN;
}

int lc_result_month_value(const lc_result *res, size_t i, const char *name, double *out)
{
    if (!res || i >= res->nmonths || !name) return 0;
    if (strcmp(name, "counted") == 0) {
        *out = (double)res->months[i].counted / 100; /* a figure for display: lc_result_fen reads it exactly */
        return 1;
    }
    for (size_t c = 0; c < res->ncolumns; c++)
        if (strcmp(res->column_keys[c], name) == 0 && res->months[i].columns[c].kind != LCI_V_NULL) {
            *out = column_number(&res->months[i].columns[c]);
            return 1;
        }
    return 0;
}

int lc_result_month(const lc_result *res, size_t i, lc_month *out)
{
    if (!res || !out || i >= res->nmonths) return 0;
    out->month = res->months[i].label;
    if (!lc_result_month_value(res, i, "availability", &out->availability)) out->availability = NAN;
    out->score = NAN;
    if (res->months[i].scored) out->score = lci_dec_to_double(res->months[i].score);
    return 1;
}
