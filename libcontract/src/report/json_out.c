/* json_out.c — the result as INTERFACE.md's JSON.
 *
 * Amounts are strings with two decimals; percentages and scores that are
 * exact decimals are written from their decimal text, never through a
 * double.  One object per line inside arrays keeps diffs of results short. */
#include <stdlib.h>
#include <string.h>

#include "api/result.h"
#include "base/util.h"

typedef struct jw {
    lci_buf *b;
    const lc_result *res;
    unsigned flags;
} jw;

static void key(jw *w, const char *k)
{
    lci_buf_json_string(w->b, k);
    lci_buf_puts(w->b, ": ");
}

static void str(jw *w, const char *s)
{
    if (s) lci_buf_json_string(w->b, s);
    else lci_buf_puts(w->b, "null");
}

static void money(jw *w, int64_t fen)
{
    char buf[32];
    lci_fen_format(fen, buf, sizeof buf);
    lci_buf_printf(w->b, "\"%s\"", buf);
}

static void dec(jw *w, lci_dec d)
{
    char buf[48];
    lci_dec_format_short(d, buf, sizeof buf);
    lci_buf_puts(w->b, buf);
}

static void number(jw *w, double x)
{
    char buf[40];
    lci_format_double(x, buf, sizeof buf);
    lci_buf_puts(w->b, buf);
}

static void value(jw *w, const lci_rvalue *v)
{
    if (v->kind == LCI_V_INT) lci_buf_printf(w->b, "%lld", (long long)v->integer);
    else if (v->kind == LCI_V_MONEY) money(w, v->integer);
    else if (v->kind == LCI_V_NUMBER) number(w, v->number);
    else lci_buf_puts(w->b, "null");
}

static void time_at(jw *w, int has, lci_time t)
{
    char buf[40];
    if (!has) {
        lci_buf_puts(w->b, "null");
        return;
    }
    lci_time_format(t, w->res->offset_min, buf, sizeof buf);
    str(w, buf);
}

static void day(jw *w, int known, int64_t d)
{
    char buf[16];
    if (!known) {
        lci_buf_puts(w->b, "null");
        return;
    }
    lci_date_format(d, buf, sizeof buf);
    str(w, buf);
}

static void refs(jw *w, const lci_refs *r)
{
    lci_buf_putc(w->b, '[');
    for (size_t i = 0; i < r->n; i++) {
        if (i) lci_buf_puts(w->b, ", ");
        str(w, lci_result_id(w->res, r->ids[i]));
    }
    lci_buf_putc(w->b, ']');
}

static void sep(jw *w, size_t i)
{
    lci_buf_puts(w->b, i ? ",\n    " : "\n    ");
}

static void close_list(jw *w, size_t n)
{
    lci_buf_puts(w->b, n ? "\n  ]" : "]");
}

static void contract(jw *w)
{
    const lc_result *r = w->res;
    lci_buf_puts(w->b, "  \"contract\": {");
    key(w, "id");
    str(w, r->id);
    lci_buf_puts(w->b, ", ");
    key(w, "title");
    str(w, r->title);
    lci_buf_puts(w->b, ", ");
    key(w, "currency");
    str(w, r->currency);
    lci_buf_puts(w->b, ",\n               ");
    key(w, "value");
    if (r->value >= 0) money(w, r->value);
    else lci_buf_puts(w->b, "null");
    lci_buf_puts(w->b, ", ");
    key(w, "penalty_base");
    if (r->penalty_base >= 0) money(w, r->penalty_base);
    else lci_buf_puts(w->b, "null");
    lci_buf_puts(w->b, ", ");
    key(w, "cap");
    if (r->cap >= 0) money(w, r->cap);
    else lci_buf_puts(w->b, "null");
    lci_buf_puts(w->b, ",\n               ");
    key(w, "term");
    lci_buf_puts(w->b, "{");
    key(w, "start");
    str(w, r->term_start);
    lci_buf_puts(w->b, ", ");
    key(w, "end");
    str(w, r->term_end);
    lci_buf_puts(w->b, "}},\n");
}

static void breach(jw *w, const lci_rbreach *b)
{
    lci_buf_puts(w->b, "{");
    key(w, "rule");
    str(w, b->rule);
    lci_buf_puts(w->b, ", ");
    key(w, "class");
    str(w, b->klass);
    lci_buf_puts(w->b, ", ");
    key(w, "pct");
    if (b->has_pct) dec(w, b->pct);
    else lci_buf_puts(w->b, "null");
    lci_buf_puts(w->b, ", ");
    key(w, "amount");
    money(w, b->amount);
    lci_buf_puts(w->b, ", ");
    key(w, "counted");
    money(w, b->counted);
    if (w->res->has_as_of) lci_buf_printf(w->b, ", \"provisional\": %s", b->provisional ? "true" : "false");
    lci_buf_puts(w->b, ", ");
    key(w, "period");
    str(w, b->month >= 0 ? w->res->months[b->month].label : NULL);
    lci_buf_puts(w->b, ", ");
    key(w, "at");
    time_at(w, b->has_at, b->at);
    lci_buf_puts(w->b, ", ");
    key(w, "events");
    refs(w, &b->events);
    lci_buf_puts(w->b, ", ");
    key(w, "clause");
    str(w, b->clause);
    lci_buf_puts(w->b, ", ");
    key(w, "reason");
    str(w, b->reason);
    if (w->flags & LC_RENDER_EXPLAIN) {
        lci_buf_puts(w->b, ", ");
        key(w, "explain");
        lci_buf_puts(w->b, "{");
        key(w, "text");
        str(w, b->text);
        lci_buf_printf(w->b, ", \"event_count\": %zu, ", b->events.n);
        key(w, "period_or_time");
        str(w, b->month >= 0 ? w->res->months[b->month].label : b->at_text);
        lci_buf_puts(w->b, "}");
    }
    lci_buf_puts(w->b, "}");
}

static void breaches(jw *w)
{
    lci_buf_puts(w->b, "  \"breaches\": [");
    for (size_t i = 0; i < w->res->nbreaches; i++) {
        sep(w, i);
        breach(w, &w->res->breaches[i]);
    }
    close_list(w, w->res->nbreaches);
    lci_buf_puts(w->b, ",\n");
}

static void incidents(jw *w)
{
    lci_buf_puts(w->b, "  \"incidents\": [");
    for (size_t i = 0; i < w->res->nincidents; i++) {
        const lci_rincident *in = &w->res->incidents[i];
        sep(w, i);
        lci_buf_puts(w->b, "{");
        key(w, "rule");
        str(w, in->rule);
        lci_buf_puts(w->b, ", ");
        key(w, "class");
        str(w, in->klass);
        lci_buf_puts(w->b, ", ");
        key(w, "at");
        time_at(w, 1, in->at);
        lci_buf_puts(w->b, ", ");
        key(w, "events");
        refs(w, &in->events);
        lci_buf_puts(w->b, ", ");
        key(w, "clause");
        str(w, in->clause);
        lci_buf_puts(w->b, "}");
    }
    close_list(w, w->res->nincidents);
    lci_buf_puts(w->b, ",\n");
}

static void months(jw *w)
{
    const lc_result *r = w->res;
    lci_buf_puts(w->b, "  \"months\": [");
    for (size_t i = 0; i < r->nmonths; i++) {
        sep(w, i);
        lci_buf_puts(w->b, "{");
        key(w, "month");
        str(w, r->months[i].label);
        for (size_t c = 0; c < r->ncolumns; c++) {
            lci_buf_puts(w->b, ", ");
            key(w, r->column_keys[c]);
            value(w, &r->months[i].columns[c]);
        }
        lci_buf_puts(w->b, ", ");
        key(w, "counted");
        money(w, r->months[i].counted);
        if (r->has_as_of) /* as of an instant: whether the month is assessed, in progress or not yet */
            lci_buf_printf(w->b, ", \"assessed\": \"%s\"", r->months[i].progress == LCI_MONTH_ASSESSED ? "yes"
                                                        : r->months[i].progress == LCI_MONTH_IN_PROGRESS ? "in_progress"
                                                                                                        : "no");
        lci_buf_puts(w->b, "}");
    }
    close_list(w, r->nmonths);
    lci_buf_puts(w->b, ",\n");
}

/* The breaches a cap cut, each named as the diff names a breach. */
static void cuts(jw *w, const lci_rcap *c)
{
    const lc_result *r = w->res;
    lci_buf_puts(w->b, "[");
    for (size_t k = 0; k < c->ncuts; k++) {
        const lci_rbreach *b = &r->breaches[c->cuts[k].breach];
        lci_buf_puts(w->b, k ? ", {" : "{");
        key(w, "rule");
        str(w, b->rule);
        lci_buf_puts(w->b, ", ");
        key(w, "period");
        str(w, b->month >= 0 ? r->months[b->month].label : NULL);
        lci_buf_puts(w->b, ", ");
        key(w, "at");
        time_at(w, b->has_at, b->at);
        lci_buf_puts(w->b, ", ");
        key(w, "cut");
        money(w, c->cuts[k].cut);
        lci_buf_puts(w->b, "}");
    }
    lci_buf_puts(w->b, "]");
}

static void caps(jw *w)
{
    const lc_result *r = w->res;
    lci_buf_puts(w->b, "[");
    for (size_t i = 0; i < r->ncaps; i++) {
        const lci_rcap *c = &r->caps[i];
        lci_buf_puts(w->b, i ? ", {" : "{");
        key(w, "cap");
        str(w, c->id);
        lci_buf_puts(w->b, ", ");
        key(w, "window");
        str(w, c->window);
        lci_buf_puts(w->b, ", ");
        key(w, "period");
        str(w, c->month >= 0 ? r->months[c->month].label : NULL);
        lci_buf_puts(w->b, ", ");
        key(w, "limit");
        money(w, c->limit);
        lci_buf_puts(w->b, ", ");
        key(w, "cut");
        money(w, c->cut);
        lci_buf_puts(w->b, ", ");
        key(w, "breaches");
        cuts(w, c);
        lci_buf_puts(w->b, "}");
    }
    lci_buf_puts(w->b, "]");
}

/* Null without a contract value (lci_result_pct_of_value). */
static void pct_of_value(jw *w)
{
    double pct;
    if (lci_result_pct_of_value(w->res, &pct)) number(w, pct);
    else lci_buf_puts(w->b, "null");
}

static void totals(jw *w)
{
    const lc_result *r = w->res;
    lci_buf_puts(w->b, "  \"totals\": {");
    key(w, "pct_of_base"); /* null without a penalty base: percentages of other bases do not add up */
    if (r->penalty_base >= 0) dec(w, r->pct_of_base);
    else lci_buf_puts(w->b, "null");
    lci_buf_puts(w->b, ", ");
    key(w, "amount_uncapped");
    money(w, r->amount_uncapped);
    lci_buf_puts(w->b, ", ");
    key(w, "amount");
    money(w, r->amount);
    lci_buf_puts(w->b, ",\n             ");
    key(w, "capped");
    lci_buf_puts(w->b, r->capped ? "true" : "false");
    lci_buf_puts(w->b, ", ");
    key(w, "pct_of_value");
    pct_of_value(w);
    lci_buf_puts(w->b, ", ");
    key(w, "caps");
    caps(w);
    lci_buf_puts(w->b, "},\n");
}

static void termination(jw *w)
{
    const lc_result *r = w->res;
    lci_buf_puts(w->b, "  \"termination\": {");
    key(w, "right");
    lci_buf_puts(w->b, r->termination_right ? "true" : "false");
    lci_buf_puts(w->b, ", ");
    key(w, "reasons");
    lci_buf_puts(w->b, "[");
    for (size_t i = 0; i < r->nreasons; i++) {
        const lci_rreason *x = &r->reasons[i];
        lci_buf_puts(w->b, i ? ",\n    {" : "\n    {");
        key(w, "reason");
        str(w, x->id);
        lci_buf_puts(w->b, ", ");
        key(w, "clause");
        str(w, x->clause);
        lci_buf_printf(w->b, ", \"count\": %lld, \"needed\": %lld, ", (long long)x->count, (long long)x->needed);
        key(w, "events");
        refs(w, &x->events);
        lci_buf_puts(w->b, ", ");
        key(w, "message");
        str(w, x->message);
        lci_buf_puts(w->b, "}");
    }
    lci_buf_puts(w->b, r->nreasons ? "\n  ]},\n" : "]},\n");
}

static void annual(jw *w)
{
    const lc_result *r = w->res;
    lci_buf_puts(w->b, "  \"annual\": {");
    key(w, "score");
    if (r->has_annual_score) dec(w, r->annual_score);
    else lci_buf_puts(w->b, "null");
    lci_buf_puts(w->b, ", ");
    key(w, "grade");
    str(w, r->grade);
    lci_buf_puts(w->b, ", ");
    key(w, "availability");
    value(w, &r->annual_availability);
    lci_buf_puts(w->b, "},\n");
}

static void acceptance(jw *w)
{
    const lc_result *r = w->res;
    if (!r->has_acceptance) { /* the rules declare none: nothing to pass or fail */
        lci_buf_puts(w->b, "  \"acceptance\": null,\n");
        return;
    }
    lci_buf_puts(w->b, "  \"acceptance\": {");
    key(w, "passed");
    lci_buf_puts(w->b, r->acceptance_passed ? "true" : "false");
    for (size_t i = 0; i < r->nparts; i++) {
        lci_buf_puts(w->b, ", ");
        key(w, r->parts[i].name);
        value(w, &r->parts[i].value);
    }
    lci_buf_puts(w->b, ",\n                 \"parts\": [");
    for (size_t i = 0; i < r->nparts; i++) {
        const lci_rpart *p = &r->parts[i];
        lci_buf_puts(w->b, i ? ", {" : "{");
        key(w, "name");
        str(w, p->name);
        lci_buf_printf(w->b, ", \"passed\": %s, ", p->passed ? "true" : "false");
        key(w, "value");
        value(w, &p->value);
        lci_buf_puts(w->b, ", ");
        key(w, "clause");
        str(w, p->clause);
        lci_buf_puts(w->b, ", ");
        key(w, "reason");
        str(w, p->reason);
        lci_buf_puts(w->b, "}");
    }
    lci_buf_puts(w->b, "]},\n");
}

static void obligations(jw *w)
{
    const lc_result *r = w->res;
    lci_buf_puts(w->b, "  \"obligations\": [");
    for (size_t i = 0; i < r->nobligations; i++) {
        const lci_robligation *o = &r->obligations[i];
        int64_t short_by = lci_obligation_shortfall(o);
        sep(w, i);
        lci_buf_puts(w->b, "{");
        key(w, "kind");
        str(w, o->kind);
        lci_buf_printf(w->b, ", \"due\": %lld, \"delivered\": %lld, ", (long long)o->due, (long long)o->delivered);
        if (r->has_as_of && o->due_so_far < 0) lci_buf_puts(w->b, "\"due_so_far\": null, \"shortfall\": null, ");
        else if (r->has_as_of)
            lci_buf_printf(w->b, "\"due_so_far\": %lld, \"shortfall\": %lld, ", (long long)o->due_so_far,
                           (long long)short_by);
        else lci_buf_printf(w->b, "\"shortfall\": %lld, ", (long long)short_by);
        key(w, "clause");
        str(w, o->clause);
        lci_buf_puts(w->b, "}");
    }
    close_list(w, r->nobligations);
    lci_buf_puts(w->b, ",\n");
}

static void findings(jw *w)
{
    const lc_result *r = w->res;
    lci_buf_puts(w->b, "  \"findings\": [");
    for (size_t i = 0; i < r->nfindings; i++) {
        const lci_rfinding *f = &r->findings[i];
        sep(w, i);
        lci_buf_puts(w->b, "{");
        key(w, "kind");
        str(w, f->kind);
        lci_buf_puts(w->b, ", ");
        key(w, "events");
        refs(w, &f->events);
        lci_buf_puts(w->b, ", ");
        key(w, "message");
        str(w, f->message);
        lci_buf_puts(w->b, ", ");
        key(w, "clause");
        str(w, f->clause);
        lci_buf_puts(w->b, "}");
    }
    close_list(w, r->nfindings);
    lci_buf_puts(w->b, ",\n");
}

static void payments(jw *w)
{
    const lc_result *r = w->res;
    lci_buf_puts(w->b, "  \"payments\": {\"instalments\": [");
    for (size_t i = 0; i < r->ninstalments; i++) {
        const lci_rinstalment *in = &r->instalments[i];
        lci_buf_puts(w->b, i ? ",\n                               {" : "{");
        key(w, "pct");
        dec(w, in->pct);
        lci_buf_puts(w->b, ", ");
        key(w, "amount");
        money(w, in->amount);
        lci_buf_puts(w->b, ", ");
        key(w, "due");
        day(w, in->due.known, in->due.day);
        lci_buf_puts(w->b, ", ");
        key(w, "clause");
        str(w, in->clause);
        lci_buf_puts(w->b, "}");
    }
    lci_buf_puts(w->b, "],\n               \"bond\": ");
    if (r->has_bond) {
        lci_buf_puts(w->b, "{");
        key(w, "amount");
        money(w, r->bond_amount);
        lci_buf_puts(w->b, ", ");
        key(w, "due");
        day(w, r->bond_due.known, r->bond_due.day);
        lci_buf_puts(w->b, ", ");
        key(w, "clause");
        str(w, r->bond_clause);
        lci_buf_puts(w->b, "}");
    } else {
        lci_buf_puts(w->b, "null");
    }
    lci_buf_puts(w->b, ",\n               \"holdover_per_day\": ");
    if (r->has_holdover) money(w, r->holdover_per_day);
    else lci_buf_puts(w->b, "null");
    lci_buf_puts(w->b, "},\n");
}

static void warnings(jw *w)
{
    const lc_result *r = w->res;
    lci_buf_puts(w->b, "  \"warnings\": [");
    for (size_t i = 0; i < r->nwarnings; i++) {
        const lci_rwarning *x = &r->warnings[i];
        sep(w, i);
        lci_buf_puts(w->b, "{");
        key(w, "file");
        str(w, x->file);
        lci_buf_printf(w->b, ", \"line\": %ld, ", x->line);
        key(w, "message");
        str(w, x->message);
        lci_buf_puts(w->b, "}");
    }
    close_list(w, r->nwarnings);
    lci_buf_puts(w->b, ",\n");
}

/* "k": s (null when s is NULL), and the comma after it. */
static void text_member(jw *w, const char *k, const char *s)
{
    key(w, k);
    str(w, s);
    lci_buf_puts(w->b, ", ");
}

/* As of an instant: how far the contract stands from each threshold. */
static void headroom(jw *w)
{
    const lc_result *r = w->res;
    lci_buf_puts(w->b, "  \"headroom\": [");
    for (size_t i = 0; i < r->nheadroom; i++) {
        const lci_rheadroom *h = &r->headroom[i];
        sep(w, i);
        lci_buf_puts(w->b, "{");
        text_member(w, "kind", h->kind);
        text_member(w, "rule", h->rule);
        lci_buf_printf(w->b, "\"crossed\": %s, ", h->crossed ? "true" : "false");
        text_member(w, "left", h->left[0] ? h->left : NULL);
        text_member(w, "unit", h->unit[0] ? h->unit : NULL);
        key(w, "amount");
        if (h->has_amount) money(w, h->amount);
        else lci_buf_puts(w->b, "null");
        lci_buf_puts(w->b, ", ");
        text_member(w, "at", h->at[0] ? h->at : NULL);
        text_member(w, "used", h->used[0] ? h->used : NULL);
        text_member(w, "gone", h->gone[0] ? h->gone : NULL);
        key(w, "what");
        str(w, h->what);
        lci_buf_puts(w->b, "}");
    }
    close_list(w, r->nheadroom);
    lci_buf_puts(w->b, ",\n");
}

/* The events that did not count, by type and reason. */
static void not_counted(jw *w)
{
    const lc_result *r = w->res;
    lci_buf_puts(w->b, "  \"not_counted\": [");
    for (size_t i = 0; i < r->nnot_counted; i++) {
        sep(w, i);
        lci_buf_puts(w->b, "{");
        key(w, "type");
        str(w, r->not_counted[i].type);
        lci_buf_puts(w->b, ", ");
        key(w, "reason");
        str(w, r->not_counted[i].reason);
        lci_buf_printf(w->b, ", \"count\": %llu}", (unsigned long long)r->not_counted[i].count);
    }
    close_list(w, r->nnot_counted);
    lci_buf_puts(w->b, ",\n");
    if (r->has_as_of) headroom(w);
    if (r->has_updates)
        lci_buf_printf(w->b, "  \"updates\": {\"revised\": %llu, \"retracted\": %llu},\n", (unsigned long long)r->revised,
                       (unsigned long long)r->retracted);
}

static void stamp(jw *w)
{
    const lc_result *r = w->res;
    lci_buf_puts(w->b, "  \"stamp\": {");
    key(w, "engine");
    str(w, r->engine_version);
    lci_buf_puts(w->b, ", ");
    key(w, "rules");
    str(w, r->rules_name);
    lci_buf_puts(w->b, ", ");
    key(w, "rules_hash");
    str(w, r->rules_hash);
    lci_buf_puts(w->b, ", ");
    key(w, "params_hash");
    str(w, r->params_hash);
    lci_buf_puts(w->b, ",\n            \"params\": {");
    for (size_t i = 0; i < r->nparams; i++) {
        if (i) lci_buf_puts(w->b, ", ");
        key(w, r->param_names[i]);
        str(w, r->param_values[i]);
    }
    lci_buf_puts(w->b, "}}\n");
}

lc_status lci_result_to_json(const lc_result *res, unsigned flags, char **out, size_t *len, lc_error *err)
{
    lci_buf b;
    lci_buf_init(&b);
    jw w = {&b, res, flags};
    lci_buf_puts(&b, "{\n");
    contract(&w);
    if (res->has_as_of) lci_buf_printf(&b, "  \"as_of\": \"%s\",\n", res->as_of_text);
    breaches(&w);
    incidents(&w);
    months(&w);
    totals(&w);
    termination(&w);
    annual(&w);
    acceptance(&w);
    obligations(&w);
    findings(&w);
    payments(&w);
    warnings(&w);
    not_counted(&w);
    stamp(&w);
    lci_buf_puts(&b, "}\n");
    *out = lci_buf_take(&b, len);
    return *out ? LC_OK : lci_oom(err);
}
