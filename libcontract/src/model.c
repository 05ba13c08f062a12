/* model.c — lookups over the compiled model, and freeing it. */
#include "model.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

static void free_strings(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++) free(v[i]);
    free(v);
}

/* Frees what a condition holds (its children), not the condition itself. */
static void free_cond(lci_cond *c)
{
    if (!c) return;
    for (size_t i = 0; i < c->nkids; i++) free_cond(&c->kids[i]);
    free(c->kids);
}

static void free_cond_ptr(lci_cond *c)
{
    free_cond(c);
    free(c);
}

static void free_ranges(lci_day_range *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(r[i].name);
        free(r[i].clause);
        free(r[i].note);
    }
    free(r);
}

static void free_types(lci_model *m)
{
    for (size_t i = 0; i < m->ntypes; i++) {
        lci_event_type *t = &m->types[i];
        for (size_t f = 0; f < t->nfields; f++) {
            free(t->fields[f].name);
            if (t->fields[f].kind == LCI_F_ENUM) free_strings(t->fields[f].values, t->fields[f].nvalues);
        }
        free(t->fields);
        free(t->order);
        free_cond_ptr(t->counts_when);
        free(t->name);
        free(t->label);
        free(t->clause);
    }
    free(m->types);
}

static void free_rules(lci_model *m)
{
    for (size_t i = 0; i < m->nrules; i++) {
        lci_rule *r = &m->rules[i];
        free(r->id);
        free(r->klass);
        free(r->clause);
        free(r->text);
        free(r->label);
        free(r->message);
        free_cond_ptr(r->where);
        free_cond_ptr(r->impact);
        free(r->unless);
    }
    free(m->rules);
}

static void free_outcomes(lci_model *m)
{
    for (size_t i = 0; i < m->ntermination; i++) {
        lci_termination_reason *t = &m->termination[i];
        free(t->id);
        free(t->clause);
        free(t->label);
        free(t->incident_class);
        free_cond_ptr(t->where);
    }
    free(m->termination);
    for (size_t i = 0; i < m->nacceptance; i++) {
        free(m->acceptance[i].name);
        free(m->acceptance[i].clause);
        free_strings(m->acceptance[i].classes, m->acceptance[i].nclasses);
    }
    free(m->acceptance);
    for (size_t i = 0; i < m->nobligations; i++) {
        free(m->obligations[i].kind);
        free(m->obligations[i].clause);
    }
    free(m->obligations);
    for (size_t i = 0; i < m->ninstalments; i++) {
        free(m->instalments[i].clause);
        free(m->instalments[i].note);
        free(m->instalments[i].due.after_types);
    }
    free(m->instalments);
    free(m->bond_due.after_types);
}

static void free_scorecard(lci_scorecard *s)
{
    for (size_t i = 0; i < s->nitems; i++) {
        free(s->items[i].id);
        free(s->items[i].name_zh);
        free(s->items[i].name_en);
    }
    free(s->items);
    for (size_t i = 0; i < s->ngrades; i++) free(s->grades[i].name);
    free(s->grades);
    for (int i = 0; i < LCI_MAX_COMPONENTS; i++) {
        free(s->component_id[i]);
        free(s->component_zh[i]);
        free(s->component_en[i]);
    }
    free(s->clause);
}

void lci_model_free(lci_model *m)
{
    if (!m) return;
    for (size_t i = 0; i < m->nparams; i++) {
        free(m->params[i].name);
        free(m->params[i].clause);
        free(m->params[i].doc);
    }
    free(m->params);
    free_strings(m->severity_levels, m->nseverity);
    free(m->severity_field);
    free_types(m);
    for (size_t i = 0; i < m->nmeasures; i++) {
        free(m->measures[i].name);
        free(m->measures[i].label);
        free(m->measures[i].clause);
        free_cond_ptr(m->measures[i].where);
    }
    free(m->measures);
    free_rules(m);
    for (size_t i = 0; i < m->ncaps; i++) {
        free(m->caps[i].id);
        free(m->caps[i].clause);
    }
    free(m->caps);
    for (size_t i = 0; i < m->ncalendars; i++) {
        free(m->calendars[i].name);
        free(m->calendars[i].clause);
        free(m->calendars[i].note);
        free_ranges(m->calendars[i].ranges, m->calendars[i].nranges);
    }
    free(m->calendars);
    free_ranges(m->workdays.off, m->workdays.noff);
    free_ranges(m->workdays.on, m->workdays.non);
    free(m->workdays.clause);
    free(m->workdays.note);
    free_scorecard(&m->scorecard);
    free_outcomes(m);
    for (size_t i = 0; i < m->nmonth_columns; i++) free(m->month_columns[i].key);
    free(m->month_columns);
    free(m->id);
    free(m->title);
    free(m->currency);
    free(m->clause);
    free(m->base_clause);
    free(m->acceptance_clause);
    free(m->obligations_clause);
    free(m->bond_clause);
    free(m->holdover_clause);
    memset(m, 0, sizeof *m);
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

const char *lci_model_nearest_field(const lci_event_type *t, const char *name)
{
    const char *names[64];
    size_t n = t->nfields < LCI_ARRAY_LEN(names) ? t->nfields : LCI_ARRAY_LEN(names);
    for (size_t i = 0; i < n; i++) names[i] = t->fields[i].name;
    return lci_nearest(name, names, n, lci_typo_distance(name));
}
