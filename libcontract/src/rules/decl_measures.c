/* decl_measures.c — measures (a figure per month) and what the result shows
 * of them (`measure`, `month_columns`, `annual`). */
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/declare.h"

static int read_measure_kind(lci_reader *r, int idx, lci_measure *me)
{
    const char *kind = NULL;
    int ok = lci_read_borrow(r, idx, "kind", 1, &kind);
    if (ok != 0) return ok;
    if (strcmp(kind, "score") == 0) me->kind = LCI_M_SCORE;
    else if (strcmp(kind, "average") == 0) me->kind = LCI_M_AVERAGE;
    else if (strcmp(kind, "availability") == 0) me->kind = LCI_M_AVAILABILITY;
    else if (strcmp(kind, "count") == 0) me->kind = LCI_M_COUNT;
    else if (strcmp(kind, "sum") == 0) me->kind = LCI_M_SUM;
    else ok = lci_read_fail(r, me->line, "unknown measure kind '%s'", kind);
    return ok;
}

/* sum = { type, field }: a numeric field of the type, added up per month. */
static int read_sum(lci_reader *r, int idx, lci_measure *me, const lci_event_type *t)
{
    int ok = lci_read_field_ref(r, idx, "to", t, me->line, &me->to);
    lci_field_kind k = ok == 0 ? t->fields[me->to].kind : LCI_F_TIME;
    if (ok == 0 && k != LCI_F_MONEY && k != LCI_F_NUMBER && k != LCI_F_INTEGER)
        ok = lci_read_fail(r, me->line, "measure %s sums a money, number or integer field, not %s", me->name, t->fields[me->to].name);
    if (ok == 0 && (me->unit == LCI_UNIT_MONEY) != (k == LCI_F_MONEY))
        ok = lci_read_fail(r, me->line, "measure %s: a sum of money has unit money, of anything else another unit", me->name);
    me->from = LCI_NONE;
    return ok;
}

static int read_measure(lci_reader *r, int idx, void *item)
{
    lci_measure *me = item;
    const char *unit = NULL;
    me->line = r->line = lci_read_line(r, idx);
    me->type = me->from = me->to = LCI_NONE;
    int ok = lci_read_string(r, idx, "name", 1, &me->name);
    if (ok == 0) ok = lci_read_string(r, idx, "label", 1, &me->label);
    if (ok == 0) ok = lci_read_string(r, idx, "clause", 0, &me->clause);
    if (ok == 0) ok = lci_read_borrow(r, idx, "unit", 0, &unit);
    me->unit = lci_unit_named(unit);
    if (ok == 0) ok = read_measure_kind(r, idx, me);
    if (ok != 0 || me->kind == LCI_M_SCORE) return ok;
    ok = lci_read_type_ref(r, idx, "on", me->line, &me->type);
    const lci_event_type *t = ok == 0 ? &r->m->types[me->type] : NULL;
    if (ok == 0 && me->kind == LCI_M_AVERAGE) {
        ok = lci_read_field_ref(r, idx, "from", t, me->line, &me->from);
        if (ok == 0) ok = lci_read_field_ref(r, idx, "to", t, me->line, &me->to);
        if (ok == 0 && (t->fields[me->from].kind != LCI_F_TIME || t->fields[me->to].kind != LCI_F_TIME))
            ok = lci_read_fail(r, me->line, "measure %s averages the time between two time fields", me->name);
        if (ok == 0 && !lci_unit_is_duration(me->unit)) ok = lci_read_fail(r, me->line, "measure %s: an average of durations needs unit min, h or d", me->name);
    }
    if (ok == 0 && me->kind == LCI_M_SUM) ok = read_sum(r, idx, me, t);
    if (ok == 0 && me->kind == LCI_M_AVAILABILITY && t->ends < 0)
        ok = lci_read_fail(r, me->line, "measure %s: availability needs an event type with ends = field", me->name);
    if (ok == 0) ok = lci_read_cond(r, idx, "where", t, &me->where);
    if (ok == 0) ok = lci_read_constant_cond(r, me->where, "a measure's where");
    return ok;
}


static int read_column(lci_reader *r, int idx, void *item)
{
    lci_month_column *c = item;
    const char *measure = NULL;
    int ok = lci_read_string(r, idx, "key", 1, &c->key);
    if (ok == 0) ok = lci_read_borrow(r, idx, "measure", 1, &measure);
    char hint[96];
    if (ok == 0 && (c->measure = lci_model_measure(r->m, measure)) < 0)
        ok = lci_read_fail(r, r->line, "month column %s: unknown measure '%s'%s", c->key, measure,
                           lci_hint(lci_model_nearest(r->m, LCI_NAMES_MEASURES, measure), hint, sizeof hint));
    return ok;
}


static int read_annual(lci_reader *r, int decl)
{
    int ok = 0;
    r->m->annual_score_measure = r->m->annual_availability_measure = LCI_NONE;
    if (lci_read_get(r, decl, "annual") == LUA_TTABLE) {
        int idx = lua_gettop(r->L);
        r->line = lci_read_line(r, idx);
        ok = lci_read_measure_ref(r, idx, "score", &r->m->annual_score_measure);
        if (ok == 0) ok = lci_read_measure_ref(r, idx, "availability", &r->m->annual_availability_measure);
    }
    lua_settop(r->L, decl);
    return ok;
}

int lci_decl_measures(lci_reader *r, int decl)
{
    lci_model *m = r->m;
    return lci_read_array(r, decl, "measures", (void **)&m->measures, &m->nmeasures, sizeof *m->measures, read_measure);
}

int lci_decl_shape(lci_reader *r, int decl)
{
    lci_model *m = r->m;
    int ok = lci_read_array(r, decl, "month_columns", (void **)&m->month_columns, &m->nmonth_columns,
                            sizeof *m->month_columns, read_column);
    return ok == 0 ? read_annual(r, decl) : ok;
}
