/* rules.c — see rules.h.
 *
 * The lci_reader walks the declarations table the helpers built.  The table
 * came from untrusted code (the rule file may have changed what the helpers
 * returned), so every value is checked here as if written by hand. */
#include "rules/rules.h"

#include <lauxlib.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/amounts.h"
#include "kinds/kind.h"
#include "rules/reader.h"
#include "base/idtable.h"
#include "sandbox/luasource.h"
#include "base/util.h"

extern const char lci_prelude[];
extern const size_t lci_prelude_len;

/* ---- contract, params, severity ---- */


static int parse_offset(const char *tz, int *offset)
{
    int h, m;
    char sign, extra;
    if (strcmp(tz, "Z") == 0 || strcmp(tz, "UTC") == 0) {
        *offset = 0;
        return 0;
    }
    if (sscanf(tz, "%c%2d:%2d%c", &sign, &h, &m, &extra) != 3 || (sign != '+' && sign != '-') || h > 23 ||
        m > 59)
        return -1;
    *offset = (sign == '-' ? -1 : 1) * (h * 60 + m);
    return 0;
}

static int read_term(lci_reader *r, int c, int line)
{
    const char *from = NULL, *to = NULL;
    int64_t d0, d1;
    if (lci_read_get(r, c, "term") != LUA_TTABLE) {
        lua_pop(r->L, 1);
        return lci_read_fail(r, line, "contract needs term = { \"YYYY-MM-DD\", \"YYYY-MM-DD\" } ([start, end))");
    }
    int t = lua_gettop(r->L);
    int ok = lci_read_borrow_at(r, t, 1, &from, "term start");
    if (ok == 0) ok = lci_read_borrow_at(r, t, 2, &to, "term end");
    if (ok == 0) ok = lci_read_day(r, from, line, &d0);
    if (ok == 0) ok = lci_read_day(r, to, line, &d1);
    if (ok == 0 && d1 <= d0) ok = lci_read_fail(r, line, "the term must end after it starts");
    if (ok == 0) {
        lci_model *m = r->m;
        m->term_start = lci_day_start(d0, m->offset_min);
        m->term_end = lci_day_start(d1, m->offset_min);
        m->first_month = lci_local_month(m->term_start, m->offset_min);
        m->nmonths = (int)(lci_local_month(m->term_end - 1, m->offset_min) - m->first_month + 1);
    }
    lua_pop(r->L, 1);
    return ok;
}

static int read_contract(lci_reader *r, int decl)
{
    lci_model *m = r->m;
    const char *tz = NULL, *signed_on = NULL;
    if (lci_read_get(r, decl, "contract") != LUA_TTABLE) {
        lua_pop(r->L, 1);
        return lci_read_fail(r, 1, "the rule file declares no contract { id = ..., term = ... }");
    }
    int c = lua_gettop(r->L), line = lci_read_line(r, c);
    r->line = line;
    int ok = lci_read_string(r, c, "id", 1, &m->id);
    if (ok == 0) ok = lci_read_string(r, c, "title", 0, &m->title);
    if (ok == 0) ok = lci_read_string(r, c, "currency", 0, &m->currency);
    if (ok == 0) ok = lci_read_string(r, c, "clause", 0, &m->clause);
    if (ok == 0) ok = lci_read_borrow(r, c, "timezone", 0, &tz);
    if (ok == 0 && tz && parse_offset(tz, &m->offset_min) != 0)
        ok = lci_read_fail(r, line, "timezone must read \"+08:00\" (an offset from UTC)");
    if (ok == 0) ok = read_term(r, c, line);
    if (ok == 0) ok = lci_read_borrow(r, c, "signed", 0, &signed_on);
    if (ok == 0) {
        if (signed_on) ok = lci_read_day(r, signed_on, line, &m->signed_day);
        else m->signed_day = lci_local_day(m->term_start, m->offset_min) - 1;
    }
    if (ok == 0 && !m->currency) ok = lci_read_keep_literal(r, "CNY", &m->currency);
    lua_pop(r->L, 1);
    return ok;
}

/* min = / max = of a parameter, as the rule file declares them. */
static int param_bound(lci_reader *r, int p, lci_param *par, const char *key)
{
    int is_min = key[1] == 'i';
    if (lci_read_get(r, p, key) == LUA_TNIL) {
        lua_pop(r->L, 1);
        return 0;
    }
    int ok = lci_read_decimal(r, par->line, key, is_min ? &par->min : &par->max);
    lua_pop(r->L, 1);
    if (is_min) par->has_min = par->min_declared = 1;
    else par->has_max = par->max_declared = 1;
    if (ok == 0 && par->has_min && par->has_max && lci_dec_cmp(par->min, par->max) > 0)
        ok = lci_read_fail(r, par->line, "parameter %s: min is above max", par->name);
    return ok;
}

static int read_params(lci_reader *r, int decl)
{
    lci_model *m = r->m;
    lci_read_get(r, decl, "params");
    int list = lua_gettop(r->L), ok = 0;
    size_t n = lua_rawlen(r->L, list);
    m->params = calloc(n ? n : 1, sizeof *m->params);
    if (!m->params) return lci_read_oom(r);
    for (size_t i = 0; i < n && ok == 0; i++) {
        lci_read_geti(r, list, (lua_Integer)i + 1);
        int p = lua_gettop(r->L);
        lci_param *par = &m->params[i];
        m->nparams = i + 1;
        par->line = r->line = lci_read_line(r, p);
        const char *unit = NULL;
        ok = lci_read_string(r, p, "name", 1, &par->name);
        if (ok == 0) ok = lci_read_string(r, p, "clause", 0, &par->clause);
        if (ok == 0) ok = lci_read_string(r, p, "doc", 0, &par->doc);
        if (ok == 0) ok = lci_read_borrow(r, p, "unit", 0, &unit);
        par->unit = lci_unit_named(unit);
        if (ok == 0) {
            lci_read_get(r, p, "value");
            ok = lci_read_decimal(r, par->line, par->name, &par->declared);
            lua_pop(r->L, 1);
        }
        if (ok == 0) ok = param_bound(r, p, par, "min");
        if (ok == 0) ok = param_bound(r, p, par, "max");
        par->value = par->declared;
        lua_settop(r->L, list);
    }
    lua_pop(r->L, 1);
    return ok;
}


static int read_severity(lci_reader *r, int decl)
{
    int ok = 0;
    if (lci_read_get(r, decl, "severity") == LUA_TTABLE) {
        int s = lua_gettop(r->L);
        r->line = lci_read_line(r, s);
        ok = lci_read_string(r, s, "field", 1, &r->m->severity_field);
        if (ok == 0 && lci_read_get(r, s, "levels") == LUA_TTABLE)
            ok = lci_read_strings(r, lua_gettop(r->L), &r->m->severity_levels, &r->m->nseverity, "a level");
        if (ok == 0 && r->m->nseverity > 64) ok = lci_read_fail(r, 0, "at most 64 severity levels");
    }
    lua_settop(r->L, decl);
    return ok;
}

/* ---- event types ---- */

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

/* ---- calendars ---- */

static int read_range(lci_reader *r, int idx, void *item)
{
    lci_day_range *d = item;
    const char *from = NULL, *to = NULL;
    d->line = lci_read_line(r, idx);
    int ok = lci_read_borrow(r, idx, "from", 1, &from);
    if (ok == 0) ok = lci_read_borrow(r, idx, "to", 1, &to);
    if (ok == 0) ok = lci_read_day(r, from, d->line, &d->from);
    if (ok == 0) ok = lci_read_day(r, to, d->line, &d->to);
    if (ok == 0 && d->to < d->from) ok = lci_read_fail(r, d->line, "the range %s..%s ends before it starts", from, to);
    if (ok == 0) ok = lci_read_string(r, idx, "name", 0, &d->name);
    if (ok == 0) ok = lci_read_string(r, idx, "clause", 0, &d->clause);
    if (ok == 0) ok = lci_read_string(r, idx, "note", 0, &d->note);
    d->confirm = lci_read_bool(r, idx, "confirm");
    return ok;
}

static int read_calendar(lci_reader *r, int idx, void *item)
{
    lci_calendar *c = item;
    c->line = r->line = lci_read_line(r, idx);
    int ok = lci_read_string(r, idx, "name", 1, &c->name);
    if (ok == 0) ok = lci_read_string(r, idx, "clause", 0, &c->clause);
    if (ok == 0) ok = lci_read_string(r, idx, "note", 0, &c->note);
    if (ok == 0) ok = lci_read_array(r, idx, "ranges", (void **)&c->ranges, &c->nranges, sizeof *c->ranges, read_range);
    return ok;
}

static int read_workdays(lci_reader *r, int decl)
{
    lci_workdays *w = &r->m->workdays;
    int ok = 0;
    if (lci_read_get(r, decl, "workdays") == LUA_TTABLE) {
        int idx = lua_gettop(r->L);
        w->present = 1;
        w->line = r->line = lci_read_line(r, idx);
        ok = lci_read_array(r, idx, "off", (void **)&w->off, &w->noff, sizeof *w->off, read_range);
        if (ok == 0) ok = lci_read_array(r, idx, "on", (void **)&w->on, &w->non, sizeof *w->on, read_range);
        if (ok == 0) ok = lci_read_string(r, idx, "clause", 0, &w->clause);
        if (ok == 0) ok = lci_read_string(r, idx, "note", 0, &w->note);
        lci_read_get(r, idx, "weekend");
        for (lua_Integer i = 1; ok == 0 && lci_read_geti(r, lua_gettop(r->L), i) != LUA_TNIL; i++) {
            int64_t d = 0;
            ok = lci_read_integer(r, w->line, "a weekend day (1 = Monday … 7 = Sunday)", &d);
            if (ok == 0 && (d < 1 || d > 7)) ok = lci_read_fail(r, w->line, "weekend days are 1 (Monday) … 7 (Sunday)");
            if (ok == 0) w->weekend[d - 1] = 1;
            lua_pop(r->L, 1);
        }
    }
    lua_settop(r->L, decl);
    return ok;
}

/* ---- measures ---- */


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

/* ---- rules ---- */

static int rule_order(const char *id)
{
    const char *dot = strrchr(id, '.');
    return dot ? atoi(dot + 1) : 0;
}

/* outcome = "breach" | "incident" | "violation" | "finding", and the kind
 * the rule language chose by the declaration's keys. */
static int read_rule_kind(lci_reader *r, int idx, lci_rule *ru)
{
    static const char *const outcomes[] = {"breach", "incident", "violation", "finding"};
    const char *outcome = NULL, *kind = NULL;
    int ok = lci_read_borrow(r, idx, "outcome", 1, &outcome);
    if (ok == 0) ok = lci_read_borrow(r, idx, "kind", 1, &kind);
    size_t k = 0;
    while (ok == 0 && k < LCI_ARRAY_LEN(outcomes) && strcmp(outcomes[k], outcome) != 0) k++;
    if (ok == 0 && k == LCI_ARRAY_LEN(outcomes)) ok = lci_read_fail(r, ru->line, "rule %s: unknown outcome %s", ru->id, outcome);
    if (ok == 0 && !(ru->kind = lci_kind_named(kind))) ok = lci_read_fail(r, ru->line, "rule %s: unknown kind %s", ru->id, kind);
    ru->outcome = (lci_outcome)k;
    return ok;
}

static int has_key(lci_reader *r, int idx, const char *key)
{
    int present = lci_read_get(r, idx, key) != LUA_TNIL;
    lua_pop(r->L, 1);
    return present;
}

static int rate_field(lci_reader *r, int idx, const char *key, const lci_rule *ru, const lci_event_type *t, int *out)
{
    *out = LCI_NONE;
    if (!has_key(r, idx, key)) return 0;
    if (!t) return lci_read_fail(r, ru->line, "breach %s: %s names a field, but the rule is not about one event", ru->id, key);
    int ok = lci_read_field_ref(r, idx, key, t, ru->line, out);
    if (ok == 0 && t->fields[*out].kind != LCI_F_TIME)
        ok = lci_read_fail(r, ru->line, "breach %s: %s must be a time field", ru->id, key);
    return ok;
}

/* amount = per_day(P.rate, { from = "due", to = "done", beyond = days(3) }),
 * per_hour, per_minute, per_event: money per unit of what the rule found. */
static int read_rate(lci_reader *r, int idx, lci_rule *ru, const lci_event_type *t)
{
    static const char *const units[] = {"event", "day", "hour", "minute"};
    lci_amount *a = &ru->amount;
    const char *per = NULL, *round = NULL;
    a->kind = LCI_A_RATE;
    int ok = lci_read_qty(r, idx, "rate", &a->rate, NULL);
    if (ok == 0) ok = lci_read_borrow(r, idx, "per", 1, &per);
    size_t u = 0;
    while (ok == 0 && u < LCI_ARRAY_LEN(units) && strcmp(units[u], per) != 0) u++;
    if (ok == 0 && u == LCI_ARRAY_LEN(units)) ok = lci_read_fail(r, ru->line, "breach %s: per %s: per event, day, hour or minute", ru->id, per);
    a->per = (lci_per)u;
    if (ok == 0) ok = rate_field(r, idx, "from", ru, t, &a->from);
    if (ok == 0) ok = rate_field(r, idx, "to", ru, t, &a->to);
    if (ok == 0 && (a->from < 0) != (a->to < 0)) ok = lci_read_fail(r, ru->line, "breach %s: give from and to together", ru->id);
    if (ok == 0) ok = lci_read_qty(r, idx, "beyond", &a->beyond, &a->has_beyond);
    if (ok == 0 && a->has_beyond && !lci_unit_is_duration(a->beyond.unit))
        ok = lci_read_fail(r, ru->line, "breach %s: beyond is a duration: days(3), hours(4), P.name in d, h or min", ru->id);
    if (ok == 0 && a->per == LCI_PER_EVENT && (a->from >= 0 || a->has_beyond))
        ok = lci_read_fail(r, ru->line, "breach %s: per event counts events: from, to and beyond go with per day, hour or minute", ru->id);
    if (ok == 0) ok = lci_read_borrow(r, idx, "round", 0, &round);
    if (ok == 0 && round && strcmp(round, "up") != 0 && strcmp(round, "exact") != 0)
        ok = lci_read_fail(r, ru->line, "breach %s: round is \"up\" (a started unit counts whole) or \"exact\"", ru->id);
    a->round_up = round && strcmp(round, "up") == 0;
    if (ok == 0 && a->round_up && a->per != LCI_PER_HOUR && a->per != LCI_PER_MINUTE)
        ok = lci_read_fail(r, ru->line, "breach %s: round goes with per hour or per minute (days are whole days)", ru->id);
    return ok;
}

/* pct = P.x (of the penalty base, of `base` = money, or of `of` = P.money |
 * "measure" | field "name"), or amount = money | per_day(P.rate, ...) ...;
 * min and max bound one breach's price. */
static int read_price(lci_reader *r, int idx, lci_rule *ru, const lci_event_type *t)
{
    lci_amount *a = &ru->amount;
    if (has_key(r, idx, "pct")) {
        a->kind = LCI_A_PCT;
        int ok = lci_read_qty(r, idx, "pct", &a->pct, NULL);
        if (ok == 0 && has_key(r, idx, "amount")) ok = lci_read_fail(r, ru->line, "breach %s: give pct or amount, not both", ru->id);
        if (ok == 0 && has_key(r, idx, "base") && has_key(r, idx, "of"))
            ok = lci_read_fail(r, ru->line, "breach %s: base and of say the same: give one", ru->id);
        if (ok != 0) return ok;
        if (has_key(r, idx, "base")) return lci_read_money(r, idx, "base", t, &a->of);
        if (has_key(r, idx, "of")) return lci_read_money(r, idx, "of", t, &a->of);
        a->of_penalty_base = 1;
        return r->m->has_base ? 0 : lci_read_fail(r, ru->line, "breach %s: declare penalty_base { ... } or give the breach a base", ru->id);
    }
    if (!has_key(r, idx, "amount")) return lci_read_fail(r, ru->line, "breach %s needs pct or amount", ru->id);
    if (has_key(r, idx, "of") || has_key(r, idx, "base"))
        return lci_read_fail(r, ru->line, "breach %s: of and base go with pct", ru->id);
    lci_read_get(r, idx, "amount");
    int amount = lua_gettop(r->L), ok;
    if (has_key(r, amount, "rate")) ok = read_rate(r, amount, ru, t);
    else {
        a->kind = LCI_A_MONEY;
        ok = lci_read_money(r, idx, "amount", t, &a->money);
    }
    lua_settop(r->L, idx);
    return ok;
}

static int read_amount(lci_reader *r, int idx, lci_rule *ru)
{
    lci_amount *a = &ru->amount;
    const lci_event_type *t = ru->type >= 0 ? &r->m->types[ru->type] : NULL;
    a->line = ru->line;
    a->from = a->to = LCI_NONE;
    int ok = read_price(r, idx, ru, t);
    int spans = ru->kind->spans == LCI_SPAN_OWN || (ru->kind->spans == LCI_SPAN_EVENT && t && t->ends >= 0);
    if (ok == 0 && a->kind == LCI_A_RATE && a->per != LCI_PER_EVENT && a->from < 0 && !spans)
        ok = lci_read_fail(r, ru->line, "breach %s: a rate per %s needs from = and to = fields: a %s rule measures no span",
                           ru->id, a->per == LCI_PER_DAY ? "day" : a->per == LCI_PER_HOUR ? "hour" : "minute", ru->kind->name);
    a->has_min = ok == 0 && has_key(r, idx, "min");
    a->has_max = ok == 0 && has_key(r, idx, "max");
    if (a->has_min) ok = lci_read_money(r, idx, "min", t, &a->min);
    if (ok == 0 && a->has_max) ok = lci_read_money(r, idx, "max", t, &a->max);
    return ok;
}

static int read_rule(lci_reader *r, int idx, void *item)
{
    lci_rule *ru = item;
    ru->line = r->line = lci_read_line(r, idx);
    ru->type = ru->measure = LCI_NONE;
    int ok = lci_read_string(r, idx, "id", 1, &ru->id);
    if (ok == 0) ok = read_rule_kind(r, idx, ru);
    if (ok == 0) ok = lci_read_string(r, idx, "class", ru->outcome == LCI_R_BREACH || ru->outcome == LCI_R_INCIDENT, &ru->klass);
    if (ok == 0) ok = lci_read_string(r, idx, "clause", 0, &ru->clause);
    if (ok == 0) ok = lci_read_string(r, idx, "text", 0, &ru->text);
    if (ok == 0) ok = lci_read_string(r, idx, "label", 0, &ru->label);
    if (ok == 0) ok = lci_read_string(r, idx, "message", 0, &ru->message);
    if (ok == 0) ok = ru->kind->read(r, idx, ru);
    lua_settop(r->L, idx);
    if (ok == 0 && ru->outcome == LCI_R_BREACH) ok = read_amount(r, idx, ru);
    ru->order = ru->id ? rule_order(ru->id) : 0;
    return ok;
}

/* `unless` names rules read after this one, so it is resolved last. */
static int resolve_unless(lci_reader *r, int decl)
{
    lci_read_get(r, decl, "rules");
    int list = lua_gettop(r->L), ok = 0;
    for (size_t i = 0; i < r->m->nrules && ok == 0; i++) {
        lci_rule *ru = &r->m->rules[i];
        lci_read_geti(r, list, (lua_Integer)i + 1);
        int type = lci_read_get(r, lua_gettop(r->L), "unless");
        if (type == LUA_TSTRING) {
            int other = lci_model_rule(r->m, lua_tostring(r->L, -1));
            char hint[96];
            const char *name = lua_tostring(r->L, -1);
            if (other < 0)
                ok = lci_read_fail(r, ru->line, "rule %s: unless names an unknown rule '%s'%s", ru->id, name,
                                   lci_hint(lci_model_nearest(r->m, LCI_NAMES_RULES, name), hint, sizeof hint));
            else if (!ru->kind->on_events || !r->m->rules[other].kind->on_events || r->m->rules[other].type != ru->type)
                ok = lci_read_fail(r, ru->line, "rule %s: unless names a rule on the same single events (on = \"type\"), "
                                       "and %s is not", ru->id, r->m->rules[other].id);
            else if (!(ru->unless = malloc(sizeof *ru->unless))) ok = lci_read_oom(r);
            else {
                ru->unless[0] = other;
                ru->nunless = 1;
            }
        } else if (type != LUA_TNIL) {
            ok = lci_read_fail(r, ru->line, "rule %s: unless must name a rule", ru->id);
        }
        lua_settop(r->L, list);
    }
    lua_pop(r->L, 1);
    return ok;
}

/* ---- caps, base ---- */

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

static int read_base(lci_reader *r, int decl)
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

/* ---- scorecard ---- */

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

static int read_scorecard(lci_reader *r, int decl)
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

/* ---- termination, acceptance, obligations, payments ---- */

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
        r->line = lci_read_line(r, idx);
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

/* ---- output shape ---- */

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

/* ---- cross-checks the declarations need ---- */

/* The ranges parameters take without saying: amounts, percentages and
 * durations are never negative, and a cap's percentage is at most 100 — a
 * `--set cap_pct=-1` or `cap_pct=1e9` would remove the cap silently. */
static void imply_ranges(lci_model *m)
{
    for (size_t i = 0; i < m->nparams; i++) {
        lci_param *p = &m->params[i];
        int nonnegative = p->unit == LCI_UNIT_PCT || p->unit == LCI_UNIT_MONEY || lci_unit_ns(p->unit) != 0;
        if (nonnegative && !p->has_min) {
            p->has_min = 1;
            p->min = (lci_dec){0, 0};
        }
    }
    for (size_t i = 0; i < m->ncaps; i++) {
        const lci_qty *pct = &m->caps[i].amount.pct;
        if (!m->caps[i].amount.has_pct || pct->param < 0 || m->params[pct->param].has_max) continue;
        m->params[pct->param].has_max = 1;
        m->params[pct->param].max = (lci_dec){100, 0};
    }
}

static int nonnegative(lci_reader *r, const lci_qty *q, const char *what, const char *owner)
{
    if (q->param >= 0 || q->constant.coef >= 0) return 0;
    return lci_read_fail(r, q->line, "%s: %s is negative", owner, what);
}

static int nonnegative_money(lci_reader *r, const lci_money_expr *e, const char *owner)
{
    if (e->has_pct && nonnegative(r, &e->pct, "the percentage", owner) != 0) return -1;
    return nonnegative(r, &e->of, "the amount", owner);
}

/* Prices are never negative: constants are checked here, parameters by
 * their ranges. */
static int check_signs(lci_reader *r)
{
    const lci_model *m = r->m;
    for (size_t i = 0; i < m->nrules; i++) {
        const lci_rule *ru = &m->rules[i];
        const lci_amount *a = &ru->amount;
        if (ru->outcome != LCI_R_BREACH) continue;
        if (a->kind == LCI_A_PCT && nonnegative(r, &a->pct, "pct", ru->id) != 0) return -1;
        if (a->kind == LCI_A_PCT && !a->of_penalty_base && nonnegative_money(r, &a->of, ru->id) != 0) return -1;
        if (a->kind == LCI_A_MONEY && nonnegative_money(r, &a->money, ru->id) != 0) return -1;
        if (a->kind == LCI_A_RATE && nonnegative(r, &a->rate, "the rate", ru->id) != 0) return -1;
        if (a->has_min && nonnegative_money(r, &a->min, ru->id) != 0) return -1;
        if (a->has_max && nonnegative_money(r, &a->max, ru->id) != 0) return -1;
    }
    for (size_t i = 0; i < m->ncaps; i++)
        if (nonnegative_money(r, &m->caps[i].amount, m->caps[i].id) != 0) return -1;
    for (size_t i = 0; i < m->ninstalments; i++)
        if (nonnegative(r, &m->instalments[i].pct, "pct", "an instalment") != 0) return -1;
    if (m->has_base && nonnegative_money(r, &m->base, "penalty_base") != 0) return -1;
    if (m->has_bond && nonnegative_money(r, &m->bond, "the bond") != 0) return -1;
    return 0;
}

/* Each declared value within its range, and every amount exact. */
static int check_values(lci_reader *r)
{
    char why[LC_ERROR_MESSAGE_MAX];
    imply_ranges(r->m);
    for (size_t i = 0; i < r->m->nparams; i++) {
        const lci_param *p = &r->m->params[i];
        char v[48];
        lci_dec_format_short(p->declared, v, sizeof v);
        if (lci_param_in_range(p, p->declared, why, sizeof why) != 0)
            return lci_read_fail(r, p->line, "parameter %s = %s: %s", p->name, v, why);
    }
    if (check_signs(r) != 0) return -1;
    if (lci_amounts_check(r->m, why, sizeof why) != 0) return lci_read_fail(r, 1, "%s", why);
    return 0;
}

/* Breaches of a month are ordered by class in the order the rule file
 * first uses each class (major before minor in the reference contract). */
static void rank_classes(lci_model *m)
{
    int ranks = 0;
    for (size_t i = 0; i < m->nrules; i++) {
        lci_rule *r = &m->rules[i];
        const char *k = r->klass ? r->klass : "";
        size_t j = 0;
        while (j < i && strcmp(m->rules[j].klass ? m->rules[j].klass : "", k) != 0) j++;
        r->class_rank = j < i ? m->rules[j].class_rank : ranks++;
    }
}

static void keep_due_types(lci_model *m, const lci_due_rule *d)
{
    for (size_t i = 0; i < d->nafter; i++) m->types[d->after_types[i]].stored = 1;
}

/* The one place that decides which event types keep their records for the
 * evaluation at the end (the rest only feed running sums as they stream):
 * those a rule kind reads, the intervals of availability and of calendars,
 * the scorecard's work items, the latest value acceptance reads, the
 * obligations' deliveries, and the events due dates count from. */
static void mark_kept_types(lci_model *m)
{
    for (size_t i = 0; i < m->nmeasures; i++)
        if (m->measures[i].kind == LCI_M_AVAILABILITY) m->types[m->measures[i].type].stored = 1;
    for (size_t i = 0; i < m->ntypes; i++)
        if (m->types[i].adds_to >= 0) m->types[i].stored = 1;
    for (size_t i = 0; i < m->nrules; i++)
        if (m->rules[i].kind->needs) m->rules[i].kind->needs(&m->rules[i], m);
    if (m->scorecard.present) m->types[m->scorecard.type].stored = 1;
    if (m->opening.present) m->types[m->opening.type].stored = 1;
    for (size_t i = 0; i < m->nacceptance; i++)
        if (m->acceptance[i].kind == LCI_P_LATEST) m->types[m->acceptance[i].type].stored = 1;
    if (m->obligations_type >= 0) m->types[m->obligations_type].stored = 1;
    for (size_t i = 0; i < m->ninstalments; i++) keep_due_types(m, &m->instalments[i].due);
    keep_due_types(m, &m->bond_due);
}

static int check_model(lci_reader *r)
{
    lci_model *m = r->m;
    rank_classes(m);
    mark_kept_types(m);
    for (size_t i = 0; i < m->nmeasures; i++) {
        lci_measure *me = &m->measures[i];
        if (me->kind == LCI_M_SCORE && !m->scorecard.present)
            return lci_read_fail(r, me->line, "measure %s needs a scorecard { ... }", me->name);
    }
    if (m->has_base && m->base.source != LCI_SRC_QTY) return lci_read_fail(r, m->base.line, "penalty_base is of parameters");
    if (m->has_bond && m->bond.source != LCI_SRC_QTY) return lci_read_fail(r, m->bond.line, "the bond is of parameters");
    return 0;
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

static int read_declarations(lci_reader *r, int decl)
{
    lci_model *m = r->m;
    int ok = read_contract(r, decl);
    if (ok == 0) ok = read_params(r, decl);
    if (ok == 0) ok = read_severity(r, decl);
    if (ok == 0) ok = lci_read_array(r, decl, "calendars", (void **)&m->calendars, &m->ncalendars, sizeof *m->calendars, read_calendar);
    if (ok == 0) ok = read_workdays(r, decl);
    if (ok == 0) ok = lci_read_array(r, decl, "events", (void **)&m->types, &m->ntypes, sizeof *m->types, read_type_element);
    if (ok == 0) ok = read_scorecard(r, decl);
    if (ok == 0) ok = lci_read_array(r, decl, "measures", (void **)&m->measures, &m->nmeasures, sizeof *m->measures, read_measure);
    if (ok == 0) ok = read_base(r, decl);
    if (ok == 0) ok = lci_read_array(r, decl, "rules", (void **)&m->rules, &m->nrules, sizeof *m->rules, read_rule);
    if (ok == 0) ok = resolve_unless(r, decl);
    if (ok == 0) ok = lci_read_array(r, decl, "caps", (void **)&m->caps, &m->ncaps, sizeof *m->caps, read_cap);
    if (ok == 0) {
        lci_read_get(r, decl, "termination");
        if (lua_type(r->L, -1) == LUA_TTABLE)
            ok = lci_read_array(r, lua_gettop(r->L), "reasons", (void **)&m->termination, &m->ntermination,
                            sizeof *m->termination, read_reason);
        lua_settop(r->L, decl);
    }
    if (ok == 0) ok = read_acceptance(r, decl);
    if (ok == 0) ok = read_obligations(r, decl);
    if (ok == 0) ok = read_payments(r, decl);
    if (ok == 0) ok = lci_read_array(r, decl, "month_columns", (void **)&m->month_columns, &m->nmonth_columns, sizeof *m->month_columns, read_column);
    if (ok == 0) ok = read_annual(r, decl);
    if (ok == 0) ok = read_opening(r, decl);
    if (ok == 0) ok = check_model(r);
    if (ok == 0) ok = check_values(r);
    return ok;
}

/* ---- running the rule file ---- */

/* Reading an undeclared global is almost always a typo (SERIUS for
 * SERIOUS) that would silently turn a condition off; writing one leaks
 * state between declarations.  Both are errors. */
static const char strict_globals[] =
    "local G, name = ...\n"
    "setmetatable(G, {\n"
    "  __index = function(_, k) error(string.format('unknown name \\'%s\\'', tostring(k)), 2) end,\n"
    "  __newindex = function(_, k) error(string.format("
    "'assignment to global \\'%s\\': declare it local', tostring(k)), 2) end,\n"
    "})\n";

static lc_status run_chunk(lci_sandbox *sb, const char *name, const char *text, size_t len, int nargs,
                           int nres, lc_error *err)
{
    char msg[LC_ERROR_MESSAGE_MAX];
    lua_State *L = lci_sandbox_lua(sb);
    if (lci_sandbox_load(sb, name, text, len, msg, sizeof msg) != 0) {
        lua_pop(L, nargs);
        return lci_fail(err, LC_ERULES, name, 0, "%s", msg);
    }
    lua_insert(L, -(nargs + 1));
    if (lci_sandbox_call(sb, nargs, nres, msg, sizeof msg) != 0) return lci_fail(err, LC_ERULES, name, 0, "%s", msg);
    return LC_OK;
}

/* Copies the API's functions into the globals, then locks the globals. */
static lc_status expose_api(lci_sandbox *sb, const char *name, lc_error *err)
{
    lua_State *L = lci_sandbox_lua(sb);
    int api = lua_gettop(L) - 1;
    lua_pushglobaltable(L);
    lua_pushnil(L);
    while (lua_next(L, api)) {
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, -4);
    }
    lua_pushvalue(L, -1); /* the globals, as argument */
    lua_pushstring(L, name);
    lc_status st = run_chunk(sb, "strict", strict_globals, sizeof strict_globals - 1, 2, 0, err);
    lua_pop(L, 1);
    return st;
}

/* Lua shortens chunk names in its messages (to 60 bytes), so the rule
 * file runs under this short name and messages lci_read_get the real one back. */
#define RULES_CHUNK "[rules]"

typedef struct load_job {
    lci_sandbox *sb;
    const char *name, *text;
    size_t len;
    lci_model *out;
    lc_error *err;
    lc_status status;
} load_job;

/* The whole load runs inside one protected call: a Lua API call that runs
 * out of the state's memory then unwinds to here instead of aborting.
 * Nested calls (the prelude, the rule file) run with the budget hook. */
/* The keys of a declaration and their shapes, for the rule language to
 * check and convert ({ name = "qty", cluster = { record = { ... } } }). */
static void push_keys(lua_State *L, const lci_key *keys)
{
    static const char *const shapes[] = {"string", "strings", "qty", "band", "cond", "impact", "money", "function", "amount"};
    lua_newtable(L);
    for (; keys->name; keys++) {
        if (keys->shape == LCI_SHAPE_RECORD) {
            lua_newtable(L);
            push_keys(L, keys->fields);
            lua_setfield(L, -2, "record");
        } else {
            lua_pushstring(L, shapes[keys->shape]);
        }
        lua_setfield(L, -2, keys->name);
    }
}

/* What the rule language needs to know of the rule kinds (kinds/kind.h):
 * { rule = keys, amount = keys, kinds = { { name, selects = {...}, keys }, ... } }. */
static void push_kinds(lua_State *L)
{
    lua_newtable(L);
    push_keys(L, lci_rule_keys);
    lua_setfield(L, -2, "rule");
    push_keys(L, lci_amount_keys);
    lua_setfield(L, -2, "amount");
    lua_newtable(L);
    for (int i = 0; lci_kinds[i]; i++) {
        const lci_kind *k = lci_kinds[i];
        lua_newtable(L);
        lua_pushstring(L, k->name);
        lua_setfield(L, -2, "name");
        lua_newtable(L);
        for (int j = 0; k->selects[j]; j++) {
            lua_pushstring(L, k->selects[j]);
            lua_rawseti(L, -2, j + 1);
        }
        lua_setfield(L, -2, "selects");
        push_keys(L, k->keys);
        lua_setfield(L, -2, "keys");
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "kinds");
}

static int load_protected(lua_State *L)
{
    load_job *job = lua_touserdata(L, 1);
    lci_sandbox *sb = job->sb;
    luaL_checkstack(L, 64, "reading the declarations");
    lci_sandbox_push_line_function(sb, RULES_CHUNK);
    lua_pushstring(L, RULES_CHUNK);
    push_kinds(L);
    int base = lua_gettop(L) - 3;
    job->status = run_chunk(sb, "contract.lua", lci_prelude, lci_prelude_len, 3, 2, job->err);
    if (job->status == LC_OK) job->status = expose_api(sb, RULES_CHUNK, job->err);
    if (job->status == LC_OK) job->status = run_chunk(sb, RULES_CHUNK, job->text, job->len, 0, 0, job->err);
    if (job->status == LC_OK) {
        lci_reader r = {L, RULES_CHUNK, job->out, job->err, 1};
        if (read_declarations(&r, base + 2) != 0) job->status = job->err ? job->err->code : LC_ERULES;
    }
    return 0;
}

lc_status lci_rules_load(lci_sandbox *sb, const char *name, const char *text, size_t len, lci_model *out,
                         lc_error *err)
{
    lua_State *L = lci_sandbox_lua(sb);
    int base = lua_gettop(L);
    load_job job = {sb, name, text, len, out, err, LC_ERULES};
    char why[200];
    memset(out, 0, sizeof *out);
    lci_idtable_init(&out->texts, lci_hash(name ? name : "", strlen(name ? name : ""), 0x7465787473));
    if (lci_lua_source_check(text, len, why, sizeof why) != 0) {
        long line = strtol(why + 5, NULL, 10); /* "line N: ..." */
        const char *reason = strchr(why, ':');
        return lci_fail(err, LC_ERULES, name, line, "%s", reason ? reason + 2 : why);
    }
    if (!lua_checkstack(L, 4)) return lci_oom(err);
    lci_sandbox_begin(sb); /* the prelude, the rule file and everything they run: one budget */
    lua_pushcfunction(L, load_protected);
    lua_pushlightuserdata(L, &job);
    if (lua_pcall(L, 1, 0, 0) != LUA_OK)
        job.status = lci_fail(err, LC_ERULES, name, 0, "the rule file's Lua state ran out of memory while loading");
    lua_settop(L, base);
    lci_error_locate(err, RULES_CHUNK, name);
    if (job.status != LC_OK) lci_model_free(out);
    return job.status;
}
