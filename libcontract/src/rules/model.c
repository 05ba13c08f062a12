/* model.c — lookups over the compiled model, and freeing it. */
#include "rules/model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "kinds/kind.h"

/* Frees what a condition holds (its children), not the condition itself. */
static void free_cond(lci_cond *c)
{
    if (!c) return;
    for (size_t i = 0; i < c->nkids; i++) free_cond(&c->kids[i]);
    free(c->kids);
}

void lci_cond_free(lci_cond *c)
{
    free_cond(c);
    free(c);
}

/* Strings live in m->texts: only the arrays and conditions are freed here. */
static void free_types(lci_model *m)
{
    for (size_t i = 0; i < m->ntypes; i++) {
        lci_event_type *t = &m->types[i];
        for (size_t f = 0; f < t->nfields; f++) free(t->fields[f].values);
        free(t->fields);
        free(t->order);
        lci_cond_free(t->counts_when);
    }
    free(m->types);
}

static void free_rules(lci_model *m)
{
    for (size_t i = 0; i < m->nrules; i++) {
        lci_rule *r = &m->rules[i];
        if (r->kind && r->kind->free) r->kind->free(r->data);
        else free(r->data);
        lci_cond_free(r->where);
        lci_cond_free(r->impact);
        free(r->unless);
        free(r->params);
    }
    free(m->rules);
}

static void free_outcomes(lci_model *m)
{
    for (size_t i = 0; i < m->ntermination; i++) lci_cond_free(m->termination[i].where);
    free(m->termination);
    for (size_t i = 0; i < m->nacceptance; i++) free(m->acceptance[i].classes);
    free(m->acceptance);
    free(m->obligations);
    for (size_t i = 0; i < m->ninstalments; i++) free(m->instalments[i].due.after_types);
    free(m->instalments);
    free(m->bond_due.after_types);
}

void lci_model_free(lci_model *m)
{
    if (!m) return;
    free(m->params);
    free(m->severity_levels);
    free_types(m);
    for (size_t i = 0; i < m->nmeasures; i++) lci_cond_free(m->measures[i].where);
    free(m->measures);
    free_rules(m);
    for (size_t i = 0; i < m->ncaps; i++) free(m->caps[i].rules);
    free(m->caps);
    for (size_t i = 0; i < m->ncalendars; i++) free(m->calendars[i].ranges);
    free(m->calendars);
    free(m->workdays.off);
    free(m->workdays.on);
    free(m->scorecard.items);
    free(m->scorecard.grades);
    free_outcomes(m);
    free(m->month_columns);
    free(m->opening.sums);
    lci_idtable_free(&m->texts);
    memset(m, 0, sizeof *m);
}

void lci_param_range_text(const lci_param *p, char *buf, size_t size)
{
    char lo[48] = "", hi[48] = "";
    if (p->has_min) lci_dec_format_short(p->min, lo, sizeof lo);
    if (p->has_max) lci_dec_format_short(p->max, hi, sizeof hi);
    if (p->has_min && p->has_max) snprintf(buf, size, "[%s, %s]", lo, hi);
    else if (p->has_min) snprintf(buf, size, "≥ %s", lo);
    else if (p->has_max) snprintf(buf, size, "≤ %s", hi);
    else snprintf(buf, size, "any value");
}

int lci_param_in_range(const lci_param *p, lci_dec v, char *why, size_t size)
{
    if ((!p->has_min || lci_dec_cmp(v, p->min) >= 0) && (!p->has_max || lci_dec_cmp(v, p->max) <= 0)) return 0;
    char range[100];
    lci_param_range_text(p, range, sizeof range);
    snprintf(why, size, "%s must be %s%s", p->name, p->has_min && p->has_max ? "in " : "", range);
    return -1;
}

lci_dec lci_qty_value(const lci_model *m, const lci_qty *q)
{
    return q->param >= 0 ? m->params[q->param].value : q->constant;
}

int64_t lci_unit_ns(lci_unit u)
{
    switch (u) {
    case LCI_UNIT_MIN: return LCI_NS_PER_MIN;
    case LCI_UNIT_HOUR: return LCI_NS_PER_HOUR;
    case LCI_UNIT_DAY: return LCI_NS_PER_DAY;
    default: return 0;
    }
}

int lci_model_field(const lci_event_type *t, const char *name)
{
    for (size_t i = 0; i < t->nfields; i++)
        if (strcmp(t->fields[i].name, name) == 0) return (int)i;
    return LCI_NONE;
}

#define FIND_BY_NAME(items, n, member, name)                                             \
    do {                                                                                  \
        for (size_t i_ = 0; i_ < (n); i_++)                                               \
            if (strcmp((items)[i_].member, (name)) == 0) return (int)i_;                  \
        return LCI_NONE;                                                                  \
    } while (0)

int lci_model_type(const lci_model *m, const char *name)
{
    FIND_BY_NAME(m->types, m->ntypes, name, name);
}

int lci_model_measure(const lci_model *m, const char *name)
{
    FIND_BY_NAME(m->measures, m->nmeasures, name, name);
}

int lci_model_rule(const lci_model *m, const char *id)
{
    FIND_BY_NAME(m->rules, m->nrules, id, id);
}

int lci_model_calendar(const lci_model *m, const char *name)
{
    FIND_BY_NAME(m->calendars, m->ncalendars, name, name);
}

int lci_model_param(const lci_model *m, const char *name)
{
    FIND_BY_NAME(m->params, m->nparams, name, name);
}

int lci_model_month_index(const lci_model *m, int64_t month)
{
    int64_t i = month - m->first_month;
    return i >= 0 && i < m->nmonths ? (int)i : -1;
}

void lci_model_month_bounds(const lci_model *m, int i, lci_time *start, lci_time *end)
{
    lci_time s = lci_day_start(lci_month_first_day(m->first_month + i), m->offset_min);
    lci_time e = lci_day_start(lci_month_first_day(m->first_month + i + 1), m->offset_min);
    *start = s > m->term_start ? s : m->term_start;
    *end = e < m->term_end ? e : m->term_end;
}

int lci_rule_note_param(lci_rule *r, int p)
{
    for (size_t i = 0; i < r->nparams; i++)
        if (r->params[i] == p) return 0;
    return LCI_PUSH(r->params, r->params_cap, r->nparams, p);
}

int lci_cap_covers(const lci_model *m, const lci_cap *c, const lci_rule *r)
{
    if (r->outcome != LCI_R_BREACH) return 0;
    if (c->klass) return r->klass && strcmp(r->klass, c->klass) == 0;
    for (size_t i = 0; i < c->nrules; i++)
        if (&m->rules[c->rules[i]] == r) return 1;
    return c->nrules == 0;
}

const char *const lci_field_kind_names[LCI_FIELD_KINDS] = {
    [LCI_F_TIME] = "time",     [LCI_F_BOOL] = "bool",         [LCI_F_INTEGER] = "integer", [LCI_F_NUMBER] = "number",
    [LCI_F_MONEY] = "money",   [LCI_F_FRACTION] = "fraction", [LCI_F_ENUM] = "enum",       [LCI_F_STRING] = "string",
    [LCI_F_MONTH] = "month",   [LCI_F_SEVERITY] = "severity"};

/* Up to 256 names gathered from an array of structs, for lci_nearest. */
#define NEAREST_OF(items, n, member, word)                                      \
    do {                                                                        \
        const char *names_[256];                                                \
        size_t k_ = (n) < LCI_ARRAY_LEN(names_) ? (n) : LCI_ARRAY_LEN(names_);  \
        for (size_t i_ = 0; i_ < k_; i_++) names_[i_] = (items)[i_].member;     \
        return lci_nearest(word, names_, k_, lci_typo_distance(word));          \
    } while (0)

const char *lci_model_nearest_field(const lci_event_type *t, const char *name)
{
    NEAREST_OF(t->fields, t->nfields, name, name);
}

const char *lci_model_nearest(const lci_model *m, lci_names which, const char *name)
{
    switch (which) {
    case LCI_NAMES_TYPES: NEAREST_OF(m->types, m->ntypes, name, name);
    case LCI_NAMES_MEASURES: NEAREST_OF(m->measures, m->nmeasures, name, name);
    case LCI_NAMES_PARAMS: NEAREST_OF(m->params, m->nparams, name, name);
    case LCI_NAMES_RULES: NEAREST_OF(m->rules, m->nrules, id, name);
    }
    return NULL;
}
