/* decl_events.c — event types and their fields (`event "type" { ... }`). */
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/declare.h"

static int field_kind(const char *s, lci_field_kind *k)
{
    for (int i = 0; i < LCI_FIELD_KINDS; i++)
        if (strcmp(lci_field_kind_names[i], s) == 0) {
            *k = (lci_field_kind)i;
            return 0;
        }
    return -1;
}

static int field_scale(lci_field_kind k)
{
    return (k == LCI_F_MONEY || k == LCI_F_NUMBER || k == LCI_F_FRACTION) ? 4 : 0;
}

/* A numeric bound or default given in the rule file, at the field's scale. */
static int scaled_value(lci_reader *r, const lci_field *f, const char *what, int64_t *out)
{
    lci_dec d;
    if (lci_read_decimal(r, r->line, what, &d) != 0) return -1;
    if (lci_dec_rescale(d, f->scale, out) != LCI_NUM_OK)
        return lci_read_fail(r, 0, "%s of field %s has more decimals than the field keeps (%d)", what, f->name, f->scale);
    return 0;
}

static int field_default(lci_reader *r, int fi, lci_field *f)
{
    int type = lci_read_get(r, fi, "default"), ok = 0;
    if (type == LUA_TNIL) {
        f->has_default = f->kind == LCI_F_SEVERITY; /* the lowest level */
        f->def = 0;
    } else if (f->kind == LCI_F_BOOL && type == LUA_TBOOLEAN) {
        f->has_default = 1;
        f->def = lua_toboolean(r->L, -1);
    } else if (f->kind == LCI_F_ENUM && type == LUA_TSTRING) {
        f->has_default = 1;
        f->def = lci_enum_index(f->values, f->nvalues, lua_tostring(r->L, -1));
        if (f->def < 0) ok = lci_read_fail(r, 0, "field %s: default is not one of its values", f->name);
    } else if (f->kind == LCI_F_SEVERITY && type == LUA_TSTRING) {
        f->has_default = 1;
        f->def = lci_enum_index(r->m->severity_levels, r->m->nseverity, lua_tostring(r->L, -1));
        if (f->def < 0) ok = lci_read_fail(r, 0, "field %s: default is not a severity level", f->name);
    } else if (f->kind == LCI_F_INTEGER || f->kind == LCI_F_NUMBER || f->kind == LCI_F_MONEY ||
               f->kind == LCI_F_FRACTION) {
        f->has_default = 1;
        ok = scaled_value(r, f, "default", &f->def);
    } else {
        ok = lci_read_fail(r, 0, "field %s: a %s field cannot have this default", f->name, "such");
    }
    lua_pop(r->L, 1);
    return ok;
}

static int field_bounds(lci_reader *r, int fi, lci_field *f)
{
    int ok = 0;
    if (lci_read_get(r, fi, "min") != LUA_TNIL) {
        f->has_min = 1;
        ok = scaled_value(r, f, "min", &f->min);
    }
    lua_pop(r->L, 1);
    if (ok == 0 && lci_read_get(r, fi, "max") != LUA_TNIL) {
        f->has_max = 1;
        ok = scaled_value(r, f, "max", &f->max);
    }
    lua_pop(r->L, 1);
    if (f->kind == LCI_F_FRACTION) {
        f->has_min = f->has_max = 1;
        f->min = 0;
        f->max = 10000;
    }
    return ok;
}

static int read_field(lci_reader *r, int fi, lci_event_type *t, lci_field *f)
{
    const char *kind = NULL;
    int ok = lci_read_string(r, fi, "name", 1, &f->name);
    if (ok == 0) ok = lci_read_borrow(r, fi, "kind", 1, &kind);
    if (ok == 0 && field_kind(kind, &f->kind) != 0) ok = lci_read_fail(r, 0, "field kind '%s' is unknown", kind);
    if (ok != 0) return ok;
    f->required = lci_read_bool(r, fi, "required");
    f->scale = field_scale(f->kind);
    if (f->kind == LCI_F_ENUM) {
        if (lci_read_get(r, fi, "values") != LUA_TTABLE) ok = lci_read_fail(r, 0, "enum field %s needs values = { ... }", f->name);
        else ok = lci_read_strings(r, lua_gettop(r->L), &f->values, &f->nvalues, "an enum value");
        lua_settop(r->L, fi);
        if (ok == 0 && f->nvalues > 64) ok = lci_read_fail(r, 0, "enum field %s: at most 64 values", f->name);
    }
    if (f->kind == LCI_F_SEVERITY) {
        if (!r->m->nseverity) return lci_read_fail(r, 0, "field %s: declare severity { ... } first", f->name);
        if (t->severity >= 0) return lci_read_fail(r, 0, "event %s has two severity fields", t->name);
        t->severity = (int)(f - t->fields);
    }
    if (ok == 0) ok = field_default(r, fi, f);
    if (ok == 0) ok = field_bounds(r, fi, f);
    return ok;
}

static int type_field_ref(lci_reader *r, int ti, const char *key, lci_event_type *t, int *out, int required)
{
    const char *name = NULL;
    *out = LCI_NONE;
    if (lci_read_borrow(r, ti, key, required, &name) != 0) return -1;
    if (!name) return 0;
    *out = lci_model_field(t, name);
    int ok = *out < 0 ? lci_read_fail(r, t->line, "event %s: %s field '%s' is not declared", t->name, key, name) : 0;
    return ok;
}

static int read_order(lci_reader *r, int ti, lci_event_type *t)
{
    lci_read_get(r, ti, "order");
    int list = lua_gettop(r->L), ok = 0;
    size_t n = lua_rawlen(r->L, list);
    t->order = calloc(n ? n : 1, sizeof *t->order);
    if (!t->order) return lci_read_oom(r);
    for (size_t i = 0; i < n && ok == 0; i++) {
        lci_read_geti(r, list, (lua_Integer)i + 1);
        int o = lua_gettop(r->L);
        const char *a = NULL, *b = NULL;
        ok = lci_read_borrow_at(r, o, 1, &a, "order field");
        if (ok == 0) ok = lci_read_borrow_at(r, o, 2, &b, "order field");
        if (ok == 0) {
            t->order[i].before = lci_model_field(t, a);
            t->order[i].after = lci_model_field(t, b);
            if (t->order[i].before < 0 || t->order[i].after < 0)
                ok = lci_read_fail(r, t->line, "event %s: order \"%s <= %s\" names an unknown field", t->name, a, b);
            else if (t->fields[t->order[i].before].kind != LCI_F_TIME ||
                     t->fields[t->order[i].after].kind != LCI_F_TIME)
                ok = lci_read_fail(r, t->line, "event %s: order compares time fields only", t->name);
        }
        t->norder = i + 1;
        lua_settop(r->L, list);
    }
    lua_pop(r->L, 1);
    return ok;
}

static int read_accept(lci_reader *r, int ti, lci_event_type *t)
{
    int type = lci_read_get(r, ti, "accept"), ok = 0;
    if (type == LUA_TSTRING) {
        const char *s = lua_tostring(r->L, -1);
        if (strcmp(s, "term") == 0) t->accept = LCI_ACCEPT_TERM;
        else if (strcmp(s, "overlap") == 0) t->accept = LCI_ACCEPT_OVERLAP;
        else if (strcmp(s, "from_signing") == 0) t->accept = LCI_ACCEPT_FROM_SIGNING;
        else ok = lci_read_fail(r, t->line, "accept must be \"term\", \"overlap\", \"from_signing\" or { after_term_months = n }");
    } else if (type == LUA_TTABLE) {
        int64_t months = 0;
        t->accept = LCI_ACCEPT_AFTER_TERM;
        lci_read_get(r, lua_gettop(r->L), "after_term_months");
        ok = lci_read_integer(r, t->line, "after_term_months", &months);
        lua_pop(r->L, 1);
        if (ok == 0 && (months < 0 || months > 120)) ok = lci_read_fail(r, t->line, "after_term_months out of range");
        t->accept_months = (int)months;
    }
    lua_pop(r->L, 1);
    if (ok == 0 && t->accept == LCI_ACCEPT_OVERLAP && t->ends < 0)
        ok = lci_read_fail(r, t->line, "event %s: accept = \"overlap\" needs ends = field", t->name);
    return ok;
}

static int read_type_links(lci_reader *r, int ti, lci_event_type *t)
{
    const char *cal = NULL;
    int ok = type_field_ref(r, ti, "anchor", t, &t->anchor, 1);
    if (ok == 0) ok = type_field_ref(r, ti, "ends", t, &t->ends, 0);
    if (ok == 0) {
        lci_field_kind k = t->fields[t->anchor].kind;
        if (k != LCI_F_TIME && k != LCI_F_MONTH) ok = lci_read_fail(r, t->line, "event %s: the anchor must be a time or month field", t->name);
        else if (!t->fields[t->anchor].required) ok = lci_read_fail(r, t->line, "event %s: the anchor field must be required", t->name);
    }
    if (ok == 0 && t->ends >= 0 && (t->fields[t->ends].kind != LCI_F_TIME || !t->fields[t->ends].required))
        ok = lci_read_fail(r, t->line, "event %s: ends must be a required time field", t->name);
    if (ok == 0) ok = read_order(r, ti, t);
    if (ok == 0) ok = read_accept(r, ti, t);
    if (ok == 0) ok = lci_read_cond(r, ti, "counts_when", t, &t->counts_when);
    if (ok == 0) ok = lci_read_constant_cond(r, t->counts_when, "counts_when");
    if (ok == 0) ok = lci_read_borrow(r, ti, "adds_to", 0, &cal);
    t->adds_to = cal ? lci_model_calendar(r->m, cal) : LCI_NONE;
    if (ok == 0 && cal && t->adds_to < 0) ok = lci_read_fail(r, t->line, "event %s adds to an undeclared calendar '%s'", t->name, cal);
    if (ok == 0 && cal && t->ends < 0) ok = lci_read_fail(r, t->line, "event %s: adds_to needs ends = field", t->name);
    return ok;
}

static int read_type(lci_reader *r, int ti, lci_event_type *t)
{
    t->line = r->line = lci_read_line(r, ti);
    t->severity = t->anchor = t->ends = t->adds_to = LCI_NONE;
    int ok = lci_read_string(r, ti, "name", 1, &t->name);
    if (ok == 0) ok = lci_read_string(r, ti, "label", 0, &t->label);
    if (ok == 0) ok = lci_read_string(r, ti, "clause", 0, &t->clause);
    if (ok == 0 && !t->label) t->label = t->name;
    t->strict = lci_read_bool(r, ti, "strict");
    if (ok != 0) return ok;
    lci_read_get(r, ti, "fields");
    int list = lua_gettop(r->L);
    size_t n = lua_rawlen(r->L, list);
    t->fields = calloc(n ? n : 1, sizeof *t->fields);
    if (!t->fields) return lci_read_oom(r);
    for (size_t i = 0; i < n && ok == 0; i++) {
        lci_read_geti(r, list, (lua_Integer)i + 1);
        t->nfields = i + 1;
        ok = read_field(r, lua_gettop(r->L), t, &t->fields[i]);
        for (size_t j = 0; ok == 0 && j < i; j++)
            if (strcmp(t->fields[j].name, t->fields[i].name) == 0)
                ok = lci_read_fail(r, t->line, "event %s declares field %s twice", t->name, t->fields[i].name);
        lua_settop(r->L, list);
    }
    lua_pop(r->L, 1);
    if (ok == 0 && n > 62) ok = lci_read_fail(r, t->line, "event %s: at most 62 fields", t->name);
    return ok == 0 ? read_type_links(r, ti, t) : ok;
}



static int read_type_element(lci_reader *r, int idx, void *item)
{
    lci_event_type *t = item;
    int ok = read_type(r, idx, t);
    for (lci_event_type *o = r->m->types; ok == 0 && o < t; o++)
        if (strcmp(o->name, t->name) == 0) ok = lci_read_fail(r, t->line, "event type %s is declared twice", t->name);
    return ok;
}

int lci_decl_events(lci_reader *r, int decl)
{
    lci_model *m = r->m;
    return lci_read_array(r, decl, "events", (void **)&m->types, &m->ntypes, sizeof *m->types, read_type_element);
}
