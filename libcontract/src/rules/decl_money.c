/* decl_money.c — the penalty base, the caps and the opening balances
 * (`penalty_base`, `cap`, `opening`). */
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/declare.h"

/* class = "support" or rules = { ids }: the breaches the cap applies to
 * (all when neither). */
static int read_cap_scope(lci_reader *r, int idx, lci_cap *c)
{
    int ok = lci_read_string(r, idx, "class", 0, &c->klass);
    const char **ids = NULL;
    size_t n = 0;
    if (ok == 0 && lci_read_get(r, idx, "rules") == LUA_TTABLE) ok = lci_read_strings(r, lua_gettop(r->L), &ids, &n, "a rule id");
    lua_settop(r->L, idx);
    if (ok == 0 && n && !(c->rules = calloc(n, sizeof *c->rules))) ok = lci_read_oom(r);
    for (size_t i = 0; ok == 0 && i < n; i++) {
        c->rules[i] = lci_model_rule(r->m, ids[i]);
        c->nrules = i + 1;
        char hint[96];
        if (c->rules[i] < 0)
            ok = lci_read_fail(r, c->line, "cap %s: rules names an unknown rule '%s'%s", c->id, ids[i],
                               lci_hint(lci_model_nearest(r->m, LCI_NAMES_RULES, ids[i]), hint, sizeof hint));
        else if (r->m->rules[c->rules[i]].outcome != LCI_R_BREACH)
            ok = lci_read_fail(r, c->line, "cap %s: %s is not a breach", c->id, ids[i]);
    }
    free(ids);
    int found = !c->klass;
    for (size_t i = 0; ok == 0 && !found && i < r->m->nrules; i++)
        found = r->m->rules[i].outcome == LCI_R_BREACH && r->m->rules[i].klass && strcmp(r->m->rules[i].klass, c->klass) == 0;
    if (ok == 0 && !found) ok = lci_read_fail(r, c->line, "cap %s: no breach has class '%s'", c->id, c->klass);
    return ok;
}

static int read_cap(lci_reader *r, int idx, void *item)
{
    lci_cap *c = item;
    const char *window = NULL;
    c->line = r->line = lci_read_line(r, idx);
    int ok = lci_read_string(r, idx, "id", 1, &c->id);
    if (ok == 0) ok = lci_read_string(r, idx, "clause", 0, &c->clause);
    if (ok == 0) ok = lci_read_borrow(r, idx, "window", 1, &window);
    if (ok == 0) {
        if (strcmp(window, "term") == 0) c->window = LCI_CAP_TERM;
        else if (strcmp(window, "month") == 0) c->window = LCI_CAP_MONTH;
        else if (strcmp(window, "trailing_months") == 0) c->window = LCI_CAP_TRAILING;
        else c->window = LCI_CAP_ROLLING;
    }
    if (ok == 0) ok = lci_read_money(r, idx, "amount", NULL, &c->amount);
    if (ok == 0 && c->window == LCI_CAP_ROLLING && c->amount.source != LCI_SRC_QTY)
        ok = lci_read_fail(r, c->line, "cap %s: a rolling_months cap is of a parameter (trailing_months takes a measure)", c->id);
    if (ok == 0) ok = read_cap_scope(r, idx, c);
    if (ok == 0 && (c->window == LCI_CAP_ROLLING || c->window == LCI_CAP_TRAILING)) {
        lci_qty months;
        ok = lci_read_qty(r, idx, "months", &months, NULL);
        int64_t n = 0;
        if (ok == 0 && (lci_dec_rescale(months.constant, 0, &n) != LCI_NUM_OK || n < 1 || n > 1200))
            ok = lci_read_fail(r, c->line, "cap %s: months must be a whole number from 1", c->id);
        c->months = (int)n;
    }
    return ok;
}

int lci_decl_base(lci_reader *r, int decl)
{
    int ok = 0;
    if (lci_read_get(r, decl, "base") == LUA_TTABLE) {
        int idx = lua_gettop(r->L);
        r->line = lci_read_line(r, idx);
        r->m->has_base = 1;
        ok = lci_read_money(r, idx, "money", NULL, &r->m->base);
        if (ok == 0) ok = lci_read_string(r, idx, "clause", 0, &r->m->base_clause);
    }
    lua_settop(r->L, decl);
    return ok;
}

static int opening_field(lci_reader *r, int idx, const char *key, const lci_event_type *t, int line, int *out)
{
    int ok = lci_read_field_ref(r, idx, key, t, line, out);
    if (ok == 0 && t->fields[*out].kind != LCI_F_MONEY)
        ok = lci_read_fail(r, line, "opening: field %s of %s must be money", t->fields[*out].name, t->name);
    return ok;
}

static int read_opening_sum(lci_reader *r, int idx, void *item)
{
    lci_opening_sum *s = item;
    const lci_opening *o = &r->m->opening;
    const lci_event_type *t = &r->m->types[o->type];
    const char *measure = NULL;
    int ok = lci_read_borrow(r, idx, "measure", 1, &measure);
    char hint[96];
    if (ok == 0 && (s->measure = lci_model_measure(r->m, measure)) < 0)
        ok = lci_read_fail(r, o->line, "opening: unknown measure '%s'%s", measure,
                           lci_hint(lci_model_nearest(r->m, LCI_NAMES_MEASURES, measure), hint, sizeof hint));
    else if (ok == 0 && (r->m->measures[s->measure].kind != LCI_M_SUM || r->m->measures[s->measure].unit != LCI_UNIT_MONEY))
        ok = lci_read_fail(r, o->line, "opening: measure %s is not a sum of money", measure);
    if (ok == 0) ok = opening_field(r, idx, "field", t, o->line, &s->field);
    return ok;
}

/* opening { on = "opening", credited = "credited", sums = { bill = "charged" } } */
static int read_opening(lci_reader *r, int decl)
{
    lci_opening *o = &r->m->opening;
    int ok = 0;
    o->type = o->credited = LCI_NONE;
    if (lci_read_get(r, decl, "opening") == LUA_TTABLE) {
        int idx = lua_gettop(r->L);
        o->present = 1;
        o->line = r->line = lci_read_line(r, idx);
        ok = lci_read_type_ref(r, idx, "on", o->line, &o->type);
        lci_event_type *t = ok == 0 ? &r->m->types[o->type] : NULL;
        if (ok == 0 && t->fields[t->anchor].kind != LCI_F_MONTH)
            ok = lci_read_fail(r, o->line, "opening: event %s must be anchored on a month field (\"YYYY-MM\")", t->name);
        if (ok == 0 && lci_read_get(r, idx, "credited") != LUA_TNIL) ok = opening_field(r, idx, "credited", t, o->line, &o->credited);
        lua_settop(r->L, idx);
        if (ok == 0) ok = lci_read_array(r, idx, "sums", (void **)&o->sums, &o->nsums, sizeof *o->sums, read_opening_sum);
        if (ok == 0) t->accept = LCI_ACCEPT_HISTORY;
    }
    lua_settop(r->L, decl);
    return ok;
}

int lci_decl_caps(lci_reader *r, int decl)
{
    lci_model *m = r->m;
    int ok = lci_read_array(r, decl, "caps", (void **)&m->caps, &m->ncaps, sizeof *m->caps, read_cap);
    return ok == 0 ? read_opening(r, decl) : ok;
}
