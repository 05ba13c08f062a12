/* decl_outcomes.c — what a term comes to besides money: the scorecard and
 * its grades, termination, acceptance, obligations, payments. */
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/declare.h"

static int read_item(lci_reader *r, int idx, void *item)
{
    lci_score_item *it = item;
    lci_scorecard *s = &r->m->scorecard;
    lci_qty max;
    int ok = lci_read_string(r, idx, "id", 1, &it->id);
    if (ok == 0) ok = lci_read_string(r, idx, "zh", 0, &it->name_zh);
    if (ok == 0) ok = lci_read_string(r, idx, "en", 0, &it->name_en);
    if (ok == 0) ok = lci_read_qty(r, idx, "max", &max, NULL);
    it->max = max.constant;
    it->line = s->line;
    if (ok == 0 && max.param >= 0) ok = lci_read_fail(r, s->line, "item %s: max must be a number", it->id);
    if (ok == 0 && lci_read_get(r, idx, "weights") == LUA_TTABLE) {
        int w = lua_gettop(r->L);
        if ((int)lua_rawlen(r->L, w) != s->ncomponents)
            ok = lci_read_fail(r, s->line, "item %s needs %d weights, one per component", it->id, s->ncomponents);
        for (int i = 0; ok == 0 && i < s->ncomponents; i++) {
            lci_read_geti(r, w, i + 1);
            ok = lci_read_decimal(r, s->line, "a weight", &it->weights[i]);
            lua_pop(r->L, 1);
        }
    }
    lua_settop(r->L, idx);
    if (ok == 0) {
        const lci_field *f = &r->m->types[s->type].fields[s->item_field];
        it->enum_value = f->kind == LCI_F_ENUM ? lci_enum_index(f->values, f->nvalues, it->id) : LCI_NONE;
        if (it->enum_value < 0) ok = lci_read_fail(r, s->line, "item %s is not a value of field %s", it->id, f->name);
    }
    return ok;
}

static int read_grade(lci_reader *r, int idx, void *item)
{
    lci_grade *g = item;
    int ok = lci_read_string(r, idx, "name", 1, &g->name);
    if (ok == 0) ok = lci_read_band(r, idx, "band", &g->band);
    return ok;
}

static int read_components(lci_reader *r, int idx, lci_scorecard *s)
{
    const lci_event_type *t = &r->m->types[s->type];
    lci_read_get(r, idx, "components");
    int list = lua_gettop(r->L), ok = 0;
    s->ncomponents = (int)lua_rawlen(r->L, list);
    if (s->ncomponents < 1 || s->ncomponents > LCI_MAX_COMPONENTS)
        ok = lci_read_fail(r, s->line, "a scorecard has 1 to %d components", LCI_MAX_COMPONENTS);
    for (int i = 0; ok == 0 && i < s->ncomponents; i++) {
        lci_read_geti(r, list, i + 1);
        int c = lua_gettop(r->L);
        ok = lci_read_string(r, c, "id", 1, &s->component_id[i]);
        if (ok == 0) ok = lci_read_string(r, c, "zh", 0, &s->component_zh[i]);
        if (ok == 0) ok = lci_read_string(r, c, "en", 0, &s->component_en[i]);
        if (ok == 0 && (s->component_fields[i] = lci_model_field(t, s->component_id[i])) < 0)
            ok = lci_read_no_field(r, s->line, t, s->component_id[i]);
        if (ok == 0 && t->fields[s->component_fields[i]].kind != LCI_F_FRACTION)
            ok = lci_read_fail(r, s->line, "component %s must be a fraction field", s->component_id[i]);
        lua_settop(r->L, list);
    }
    lua_pop(r->L, 1);
    return ok;
}

int lci_decl_scorecard(lci_reader *r, int decl)
{
    lci_scorecard *s = &r->m->scorecard;
    int ok = 0;
    if (lci_read_get(r, decl, "scorecard") == LUA_TTABLE) {
        int idx = lua_gettop(r->L);
        int64_t digits = 2;
        s->present = 1;
        s->line = r->line = lci_read_line(r, idx);
        ok = lci_read_string(r, idx, "clause", 0, &s->clause);
        if (ok == 0) ok = lci_read_type_ref(r, idx, "on", s->line, &s->type);
        const lci_event_type *t = ok == 0 ? &r->m->types[s->type] : NULL;
        if (ok == 0) ok = lci_read_field_ref(r, idx, "month", t, s->line, &s->month_field);
        if (ok == 0) ok = lci_read_field_ref(r, idx, "item", t, s->line, &s->item_field);
        if (ok == 0) ok = read_components(r, idx, s);
        if (ok == 0) ok = lci_read_array(r, idx, "items", (void **)&s->items, &s->nitems, sizeof *s->items, read_item);
        if (ok == 0) ok = lci_read_array(r, idx, "grades", (void **)&s->grades, &s->ngrades, sizeof *s->grades, read_grade);
        if (ok == 0) {
            lci_read_get(r, idx, "digits");
            ok = lci_read_integer(r, s->line, "digits", &digits);
            if (ok == 0 && (digits < 0 || digits > 4)) ok = lci_read_fail(r, s->line, "digits must be 0 to 4");
            s->digits = (int)digits;
        }
    }
    lua_settop(r->L, decl);
    return ok;
}


static int read_reason(lci_reader *r, int idx, void *item)
{
    lci_termination_reason *t = item;
    const char *violations = NULL;
    t->line = r->line = lci_read_line(r, idx);
    t->violation_rule = LCI_NONE;
    int ok = lci_read_string(r, idx, "id", 1, &t->id);
    if (ok == 0) ok = lci_read_string(r, idx, "clause", 0, &t->clause);
    if (ok == 0) ok = lci_read_string(r, idx, "label", 0, &t->label);
    if (ok == 0) ok = lci_read_string(r, idx, "incidents", 0, &t->incident_class);
    if (ok == 0) ok = lci_read_borrow(r, idx, "violations", 0, &violations);
    if (ok == 0 && violations) {
        t->violation_rule = lci_model_rule(r->m, violations);
        if (t->violation_rule < 0 || r->m->rules[t->violation_rule].outcome != LCI_R_VIOLATION)
            ok = lci_read_fail(r, t->line, "termination %s: '%s' is not a declared violation", t->id, violations);
    }
    if (ok == 0 && !violations && !t->incident_class) ok = lci_read_fail(r, t->line, "termination %s counts incidents = class or violations = id", t->id);
    const lci_rule *vr = ok == 0 && violations ? &r->m->rules[t->violation_rule] : NULL;
    if (vr && !vr->kind->on_events && lci_read_get(r, idx, "where") != LUA_TNIL)
        ok = lci_read_fail(r, t->line, "termination %s: where needs violation %s to be about single events (on = \"type\")", t->id,
                  vr->id);
    if (vr) lua_settop(r->L, idx);
    if (ok == 0 && vr && vr->kind->on_events) ok = lci_read_cond(r, idx, "where", &r->m->types[vr->type], &t->where);
    if (ok == 0) ok = lci_read_qty(r, idx, "at_least", &t->at_least, NULL);
    return ok;
}

static int read_part_kind(lci_reader *r, int idx, lci_acceptance_part *p)
{
    const char *measure = NULL;
    int ok = 0;
    if (lci_read_get(r, idx, "incidents") == LUA_TTABLE) {
        p->kind = LCI_P_INCIDENTS;
        ok = lci_read_strings(r, lua_gettop(r->L), &p->classes, &p->nclasses, "an incident class");
        lua_settop(r->L, idx);
        return ok;
    }
    lua_settop(r->L, idx);
    if (lci_read_get(r, idx, "latest") == LUA_TTABLE) {
        int l = lua_gettop(r->L);
        const char *type = NULL, *field = NULL;
        p->kind = LCI_P_LATEST;
        ok = lci_read_borrow_at(r, l, 1, &type, "latest's event type");
        if (ok == 0) ok = lci_read_borrow_at(r, l, 2, &field, "latest's field");
        if (ok == 0 && (p->type = lci_model_type(r->m, type)) < 0) ok = lci_read_unknown(r, p->line, "event type", type, LCI_NAMES_TYPES);
        if (ok == 0 && (p->field = lci_model_field(&r->m->types[p->type], field)) < 0)
            ok = lci_read_no_field(r, p->line, &r->m->types[p->type], field);
        lua_settop(r->L, idx);
        return ok;
    }
    lua_settop(r->L, idx);
    p->kind = LCI_P_MEASURE;
    ok = lci_read_borrow(r, idx, "measure", 1, &measure);
    if (ok == 0 && (p->measure = lci_model_measure(r->m, measure)) < 0) ok = lci_read_unknown(r, p->line, "measure", measure, LCI_NAMES_MEASURES);
    return ok;
}

static int read_part(lci_reader *r, int idx, void *item)
{
    lci_acceptance_part *p = item;
    p->line = r->line;
    p->measure = p->type = p->field = LCI_NONE;
    int ok = lci_read_string(r, idx, "name", 1, &p->name);
    if (ok == 0) ok = lci_read_string(r, idx, "clause", 0, &p->clause);
    if (ok == 0) ok = read_part_kind(r, idx, p);
    if (ok == 0) ok = lci_read_band(r, idx, "band", &p->band);
    return ok;
}

static int read_obligation(lci_reader *r, int idx, void *item)
{
    lci_obligation *o = item;
    const lci_field *f = &r->m->types[r->m->obligations_type].fields[r->m->obligations_field];
    o->line = r->line;
    int ok = lci_read_string(r, idx, "kind", 1, &o->kind);
    if (ok == 0) ok = lci_read_string(r, idx, "clause", 0, &o->clause);
    if (ok == 0 && (o->enum_value = lci_enum_index(f->values, f->nvalues, o->kind)) < 0)
        ok = lci_read_fail(r, o->line, "obligation %s is not a value of field %s", o->kind, f->name);
    int type = ok == 0 ? lci_read_get(r, idx, "due") : LUA_TNIL;
    if (type == LUA_TSTRING && strcmp(lua_tostring(r->L, -1), "daily") == 0) o->daily = 1;
    else if (ok == 0) ok = lci_read_integer(r, o->line, "due", &o->due);
    lua_settop(r->L, idx);
    if (ok == 0) ok = lci_read_qty(r, idx, "by_day", &o->by_day, &o->has_by_day);
    return ok;
}

static int read_acceptance(lci_reader *r, int decl)
{
    int ok = 0;
    if (lci_read_get(r, decl, "acceptance") == LUA_TTABLE) {
        int idx = lua_gettop(r->L);
        r->line = lci_read_line(r, idx);
        ok = lci_read_string(r, idx, "clause", 0, &r->m->acceptance_clause);
        if (ok == 0)
            ok = lci_read_array(r, idx, "parts", (void **)&r->m->acceptance, &r->m->nacceptance,
                            sizeof *r->m->acceptance, read_part);
    }
    lua_settop(r->L, decl);
    return ok;
}

static int read_obligations(lci_reader *r, int decl)
{
    lci_model *m = r->m;
    int ok = 0;
    m->obligations_type = m->obligations_field = LCI_NONE;
    if (lci_read_get(r, decl, "obligations") == LUA_TTABLE) {
        int idx = lua_gettop(r->L);
        r->line = lci_read_line(r, idx);
        ok = lci_read_string(r, idx, "clause", 0, &m->obligations_clause);
        if (ok == 0) ok = lci_read_type_ref(r, idx, "on", r->line, &m->obligations_type);
        if (ok == 0) ok = lci_read_field_ref(r, idx, "by", &m->types[m->obligations_type], r->line, &m->obligations_field);
        if (ok == 0 && m->types[m->obligations_type].fields[m->obligations_field].kind != LCI_F_ENUM)
            ok = lci_read_fail(r, r->line, "obligations are counted by an enum field");
        if (ok == 0)
            ok = lci_read_array(r, idx, "items", (void **)&m->obligations, &m->nobligations, sizeof *m->obligations,
                            read_obligation);
    }
    lua_settop(r->L, decl);
    return ok;
}

static int read_due(lci_reader *r, int idx, lci_due_rule *d)
{
    int ok = 0;
    if (lci_read_get(r, idx, "due") != LUA_TTABLE) {
        lua_settop(r->L, idx);
        return 0;
    }
    int due = lua_gettop(r->L);
    d->present = 1;
    ok = lci_read_qty(r, due, "working_days", &d->working_days, NULL);
    if (ok == 0 && lci_read_get(r, due, "after") == LUA_TTABLE) {
        int after = lua_gettop(r->L);
        size_t n = lua_rawlen(r->L, after);
        d->after_types = calloc(n ? n : 1, sizeof *d->after_types);
        if (!d->after_types) ok = lci_read_oom(r);
        for (size_t i = 0; ok == 0 && i < n; i++) {
            lci_read_geti(r, after, (lua_Integer)i + 1);
            const char *s = lua_tostring(r->L, -1);
            if (s && strcmp(s, "signed") == 0) d->after_signed = 1;
            else if (s && lci_model_type(r->m, s) >= 0) d->after_types[d->nafter++] = lci_model_type(r->m, s); else ok = lci_read_fail(r, r->line, "due after: '%s' is neither \"signed\" nor an event type", s ? s : "?");
            lua_pop(r->L, 1);
        }
    }
    lua_settop(r->L, idx);
    return ok;
}

static int read_instalment(lci_reader *r, int idx, void *item)
{
    lci_instalment *in = item;
    int ok = lci_read_qty(r, idx, "pct", &in->pct, NULL);
    if (ok == 0) ok = lci_read_string(r, idx, "clause", 0, &in->clause);
    if (ok == 0) ok = lci_read_string(r, idx, "note", 0, &in->note);
    if (ok == 0) ok = read_due(r, idx, &in->due);
    return ok;
}

static int read_payments(lci_reader *r, int decl)
{
    lci_model *m = r->m;
    int ok = 0;
    if (lci_read_get(r, decl, "payments") == LUA_TTABLE) {
        int idx = lua_gettop(r->L);
        m->payments_line = r->line = lci_read_line(r, idx);
        ok = lci_read_array(r, idx, "instalments", (void **)&m->instalments, &m->ninstalments, sizeof *m->instalments,
                        read_instalment);
        if (ok == 0 && lci_read_get(r, idx, "bond") == LUA_TTABLE) {
            int b = lua_gettop(r->L);
            m->has_bond = 1;
            ok = lci_read_money(r, b, "amount", NULL, &m->bond);
            if (ok == 0) ok = lci_read_string(r, b, "clause", 0, &m->bond_clause);
            if (ok == 0) ok = read_due(r, b, &m->bond_due);
        }
        lua_settop(r->L, idx);
        if (ok == 0 && lci_read_get(r, idx, "holdover") == LUA_TTABLE) {
            int h = lua_gettop(r->L);
            m->has_holdover = 1;
            ok = lci_read_qty(r, h, "days", &m->holdover_days, NULL);
            if (ok == 0) ok = lci_read_string(r, h, "clause", 0, &m->holdover_clause);
        }
    }
    lua_settop(r->L, decl);
    return ok;
}

int lci_decl_outcomes(lci_reader *r, int decl)
{
    lci_model *m = r->m;
    int ok = 0;
    lci_read_get(r, decl, "termination");
    if (lua_type(r->L, -1) == LUA_TTABLE)
        ok = lci_read_array(r, lua_gettop(r->L), "reasons", (void **)&m->termination, &m->ntermination,
                            sizeof *m->termination, read_reason);
    lua_settop(r->L, decl);
    if (ok == 0) ok = read_acceptance(r, decl);
    if (ok == 0) ok = read_obligations(r, decl);
    return ok == 0 ? read_payments(r, decl) : ok;
}
