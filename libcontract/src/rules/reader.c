/* reader.c — see reader.h. */
#include "rules/reader.h"

#include <lauxlib.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "rules/rules.h"

#define PARAM_MAX_DIGITS 15
#define PARAM_MAX_SCALE 6

int lci_read_fail(lci_reader *r, int line, const char *fmt, ...)
{
    char msg[LC_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    lci_fail(r->err, LC_ERULES, r->name, line ? line : r->line, "%s", msg);
    return -1;
}

int lci_read_unknown(lci_reader *r, int line, const char *what, const char *name, lci_names which)
{
    char hint[96];
    return lci_read_fail(r, line, "unknown %s '%s'%s", what, name, lci_hint(lci_model_nearest(r->m, which, name), hint, sizeof hint));
}

int lci_read_no_field(lci_reader *r, int line, const lci_event_type *t, const char *name)
{
    char hint[96];
    return lci_read_fail(r, line, "event type %s has no field '%s'%s", t->name, name,
                         lci_hint(lci_model_nearest_field(t, name), hint, sizeof hint));
}

int lci_read_oom(lci_reader *r)
{
    lci_oom(r->err);
    return -1;
}

/* ---- primitive values ---- */

/* Pushes t[key] (t at absolute index) and returns its type.  Raw: the
 * declarations came from the rule file, and a metamethod of its tables must
 * not run here, outside the sandbox's budget. */
int lci_read_get(lci_reader *r, int t, const char *key)
{
    if (lua_type(r->L, t) != LUA_TTABLE) {
        lua_pushnil(r->L);
        return LUA_TNIL;
    }
    lua_pushstring(r->L, key);
    return lua_rawget(r->L, t);
}

int lci_read_geti(lci_reader *r, int t, lua_Integer i)
{
    if (lua_type(r->L, t) != LUA_TTABLE) {
        lua_pushnil(r->L);
        return LUA_TNIL;
    }
    return lua_rawgeti(r->L, t, i);
}

int lci_read_line(lci_reader *r, int t)
{
    int line = r->line;
    if (lci_read_get(r, t, "line") == LUA_TNUMBER && lua_isinteger(r->L, -1)) line = (int)lua_tointeger(r->L, -1);
    lua_pop(r->L, 1);
    return line;
}

/* Temporaries borrow the string from the declaration table that holds it
 * (it stays alive with the table): nothing to free, nothing to leak if the
 * state runs out of memory half-way. */
int lci_read_borrow(lci_reader *r, int t, const char *key, int required, const char **out)
{
    *out = NULL;
    int type = lci_read_get(r, t, key);
    if (type == LUA_TNIL && !required) {
        lua_pop(r->L, 1);
        return 0;
    }
    if (type != LUA_TSTRING) {
        lua_pop(r->L, 1);
        return lci_read_fail(r, 0, "%s must be a string%s", key, type == LUA_TNIL ? " (it is missing)" : "");
    }
    *out = lua_tostring(r->L, -1);
    lua_pop(r->L, 1);
    return 0;
}

/* Keeps the Lua string on the stack top in the model's texts (equal texts
 * once), within LCI_MODEL_TEXT_LIMIT: what results show is shared, never
 * copied per breach, so a rule file cannot make the host copy megabytes
 * per event; and what reports print must be text. */
int lci_read_keep(lci_reader *r, int idx, const char *what, const char **out)
{
    size_t len;
    const char *s = lua_tolstring(r->L, idx, &len);
    uint32_t index;
    int added;
    *out = NULL;
    if (!lci_utf8_text(s, len)) return lci_read_fail(r, 0, "%s is not text (a NUL byte or invalid UTF-8)", what);
    if (len > LCI_MODEL_STRING_LIMIT)
        return lci_read_fail(r, 0, "%s is %zu bytes long: a text in a rule file may have %zu", what, len, (size_t)LCI_MODEL_STRING_LIMIT);
    if (len > LCI_MODEL_TEXT_LIMIT - r->m->text_bytes)
        return lci_read_fail(r, 0, "%s: the rule file's texts (names, clauses, quotations, labels) take more than %zu bytes, "
                          "the most an engine keeps", what, (size_t)LCI_MODEL_TEXT_LIMIT);
    if (lci_idtable_intern(&r->m->texts, s, len, &index, &added) != 0) return lci_read_oom(r);
    if (added) r->m->text_bytes += len;
    *out = lci_idtable_get(&r->m->texts, index);
    return 0;
}

/* Keeps a C string (a default) like lci_read_keep. */
int lci_read_keep_literal(lci_reader *r, const char *s, const char **out)
{
    lua_pushstring(r->L, s);
    int ok = lci_read_keep(r, lua_gettop(r->L), s, out);
    lua_pop(r->L, 1);
    return ok;
}

/* A string at t[key], kept: *out is NULL when absent and not required. */
int lci_read_string(lci_reader *r, int t, const char *key, int required, const char **out)
{
    *out = NULL;
    int type = lci_read_get(r, t, key);
    if (type == LUA_TNIL && !required) {
        lua_pop(r->L, 1);
        return 0;
    }
    int ok = type == LUA_TSTRING ? lci_read_keep(r, lua_gettop(r->L), key, out)
                                 : lci_read_fail(r, 0, "%s must be a string%s", key, type == LUA_TNIL ? " (it is missing)" : "");
    lua_pop(r->L, 1);
    return ok;
}

int lci_read_borrow_at(lci_reader *r, int t, lua_Integer i, const char **out, const char *what)
{
    *out = NULL;
    if (lci_read_geti(r, t, i) != LUA_TSTRING) {
        lua_pop(r->L, 1);
        return lci_read_fail(r, 0, "%s must be a string", what);
    }
    *out = lua_tostring(r->L, -1);
    lua_pop(r->L, 1);
    return 0;
}

int lci_read_string_at(lci_reader *r, int t, lua_Integer i, const char **out, const char *what)
{
    *out = NULL;
    int ok = lci_read_geti(r, t, i) == LUA_TSTRING ? lci_read_keep(r, lua_gettop(r->L), what, out)
                                          : lci_read_fail(r, 0, "%s must be a string", what);
    lua_pop(r->L, 1);
    return ok;
}

int lci_read_bool(lci_reader *r, int t, const char *key)
{
    lci_read_get(r, t, key);
    int v = lua_toboolean(r->L, -1);
    lua_pop(r->L, 1);
    return v;
}

int lci_param_parse(const char *text, lci_dec *out, char *why, size_t whysize)
{
    int digits = 0;
    lci_num_status st = lci_dec_parse(text, strlen(text), out, &digits);
    if (st == LCI_NUM_SYNTAX) {
        snprintf(why, whysize, "\"%s\" is not a decimal number", text);
        return -1;
    }
    if (st != LCI_NUM_OK || digits > PARAM_MAX_DIGITS || out->scale > PARAM_MAX_SCALE) {
        snprintf(why, whysize, "\"%s\" has more than %d significant digits or %d decimals", text,
                 PARAM_MAX_DIGITS, PARAM_MAX_SCALE);
        return -1;
    }
    return 0;
}

/* The value on the stack top as an exact decimal: integers as they are,
 * floats through their shortest round-trip text, strings parsed. */
int lci_read_decimal(lci_reader *r, int line, const char *what, lci_dec *out)
{
    char why[200];
    lua_State *L = r->L;
    if (lua_isinteger(L, -1)) {
        out->coef = lua_tointeger(L, -1);
        out->scale = 0;
        return 0;
    }
    if (lua_type(L, -1) == LUA_TNUMBER) {
        double x = lua_tonumber(L, -1);
        if (isnan(x) || isinf(x)) return lci_read_fail(r, line, "%s is not a finite number", what);
        if (x == 0 && signbit(x)) return lci_read_fail(r, line, "%s is negative zero: write 0", what);
        if (lci_dec_from_double(x, out) != LCI_NUM_OK || out->scale > PARAM_MAX_SCALE)
            return lci_read_fail(r, line, "%s (%.17g) needs more than %d decimals: write it as a string", what, x,
                        PARAM_MAX_SCALE);
        return 0;
    }
    if (lua_type(L, -1) == LUA_TSTRING) {
        if (lci_param_parse(lua_tostring(L, -1), out, why, sizeof why) != 0)
            return lci_read_fail(r, line, "%s: %s", what, why);
        return 0;
    }
    return lci_read_fail(r, line, "%s must be a number or a decimal string", what);
}

int lci_read_integer(lci_reader *r, int line, const char *what, int64_t *out)
{
    lci_dec d;
    if (lci_read_decimal(r, line, what, &d) != 0) return -1;
    if (lci_dec_rescale(d, 0, out) != LCI_NUM_OK) return lci_read_fail(r, line, "%s must be a whole number", what);
    return 0;
}

static const struct {
    const char *name;
    lci_unit unit;
} UNITS[] = {{"min", LCI_UNIT_MIN},   {"h", LCI_UNIT_HOUR},         {"d", LCI_UNIT_DAY},
             {"%", LCI_UNIT_PCT},     {"money", LCI_UNIT_MONEY},    {"count", LCI_UNIT_COUNT},
             {"points", LCI_UNIT_POINTS}, {"months", LCI_UNIT_MONTHS}};

lci_unit lci_unit_named(const char *s)
{
    for (size_t i = 0; s && i < LCI_ARRAY_LEN(UNITS); i++)
        if (strcmp(UNITS[i].name, s) == 0) return UNITS[i].unit;
    return LCI_UNIT_NONE;
}

const char *lci_unit_name(lci_unit unit)
{
    for (size_t i = 0; i < LCI_ARRAY_LEN(UNITS); i++)
        if (UNITS[i].unit == unit) return UNITS[i].name;
    return "";
}

/* ---- quantities, bands, money ---- */

/* t[key] as a quantity (P.name or a constant); absent -> *present = 0. */
int lci_read_qty(lci_reader *r, int t, const char *key, lci_qty *q, int *present)
{
    lua_State *L = r->L;
    memset(q, 0, sizeof *q);
    q->param = LCI_NONE;
    int type = lci_read_get(r, t, key);
    if (present) *present = type != LUA_TNIL;
    if (type == LUA_TNIL) {
        lua_pop(L, 1);
        return present ? 0 : lci_read_fail(r, 0, "%s is missing", key);
    }
    int ok = 0, idx = lua_gettop(L);
    q->line = r->line;
    if (type == LUA_TNUMBER || type == LUA_TSTRING) {
        ok = lci_read_decimal(r, 0, key, &q->constant);
    } else if (type == LUA_TTABLE) {
        q->line = lci_read_line(r, idx);
        const char *pname = NULL, *unit = NULL;
        ok = lci_read_borrow(r, idx, "param", 0, &pname);
        if (ok == 0 && pname) {
            q->param = lci_model_param(r->m, pname);
            if (q->param < 0) ok = lci_read_unknown(r, q->line, "parameter", pname, LCI_NAMES_PARAMS);
            else {
                r->m->params[q->param].uses++;
                q->unit = r->m->params[q->param].unit;
                if (r->rule && lci_rule_note_param(r->rule, q->param) != 0) ok = lci_read_oom(r);
            }
        } else if (ok == 0) {
            ok = lci_read_borrow(r, idx, "unit", 0, &unit);
            if (ok == 0) q->unit = lci_unit_named(unit);
            if (ok == 0 && lci_read_get(r, idx, "value") != LUA_TNIL) ok = lci_read_decimal(r, q->line, key, &q->constant);
            else if (ok == 0) ok = lci_read_fail(r, q->line, "%s: a quantity needs a value or a parameter", key);
            lua_pop(L, 1);
        }
    } else {
        ok = lci_read_fail(r, 0, "%s must be a number or P.name", key);
    }
    lua_settop(L, idx - 1);
    return ok;
}

int lci_read_band(lci_reader *r, int t, const char *key, lci_band *b)
{
    memset(b, 0, sizeof *b);
    if (lci_read_get(r, t, key) != LUA_TTABLE) {
        lua_pop(r->L, 1);
        return lci_read_fail(r, 0, "%s must be a band such as { gt = P.low, lt = P.high }", key);
    }
    int idx = lua_gettop(r->L), lo = 0, hi = 0, ok;
    b->line = lci_read_line(r, idx);
    ok = lci_read_qty(r, idx, "lo", &b->lo, &lo);
    if (ok == 0) ok = lci_read_qty(r, idx, "hi", &b->hi, &hi);
    b->has_lo = lo != 0;
    b->has_hi = hi != 0;
    b->lo_incl = lci_read_bool(r, idx, "lo_incl");
    b->hi_incl = lci_read_bool(r, idx, "hi_incl");
    lua_pop(r->L, 1);
    if (ok == 0 && !lo && !hi) ok = lci_read_fail(r, b->line, "%s: a band needs a bound", key);
    return ok;
}

/* Where money comes from: `of` (P.money or a constant), `measure` (a money
 * measure's month figure) or `field` (a money field of the event). */
static int money_source(lci_reader *r, int idx, const lci_event_type *type, lci_money_expr *e)
{
    const char *name = NULL;
    int ok = lci_read_borrow(r, idx, "measure", 0, &name);
    if (ok == 0 && name) {
        e->source = LCI_SRC_MEASURE;
        e->index = lci_model_measure(r->m, name);
        if (e->index < 0) return lci_read_unknown(r, e->line, "measure", name, LCI_NAMES_MEASURES);
        if (r->m->measures[e->index].unit != LCI_UNIT_MONEY)
            return lci_read_fail(r, e->line, "money of measure %s, whose unit is not money", name);
        return 0;
    }
    if (ok == 0) ok = lci_read_borrow(r, idx, "field", 0, &name);
    if (ok == 0 && name) {
        e->source = LCI_SRC_FIELD;
        if (!type) return lci_read_fail(r, e->line, "field \"%s\": this money is not about one event", name);
        e->index = lci_model_field(type, name);
        if (e->index < 0) return lci_read_no_field(r, e->line, type, name);
        if (type->fields[e->index].kind != LCI_F_MONEY)
            return lci_read_fail(r, e->line, "field %s of %s is not money", name, type->name);
        return 0;
    }
    e->source = LCI_SRC_QTY;
    if (ok == 0) ok = lci_read_qty(r, idx, "of", &e->of, NULL);
    if (ok == 0 && (e->of.param >= 0 ? r->m->params[e->of.param].unit != LCI_UNIT_MONEY : lci_unit_is_duration(e->of.unit)))
        ok = lci_read_fail(r, e->line, "%s is not money: use a parameter of unit money",
                           e->of.param >= 0 ? r->m->params[e->of.param].name : "a duration");
    return ok;
}

int lci_read_money(lci_reader *r, int t, const char *key, const lci_event_type *type, lci_money_expr *e)
{
    memset(e, 0, sizeof *e);
    e->index = LCI_NONE;
    if (lci_read_get(r, t, key) != LUA_TTABLE) {
        lua_pop(r->L, 1);
        return lci_read_fail(r, 0, "%s must be a money parameter or pct_of(P.pct, P.amount)", key);
    }
    int idx = lua_gettop(r->L), has_pct = 0;
    e->line = lci_read_line(r, idx);
    int ok = lci_read_qty(r, idx, "pct", &e->pct, &has_pct);
    if (ok == 0) ok = money_source(r, idx, type, e);
    e->has_pct = has_pct;
    lua_pop(r->L, 1);
    return ok;
}

/* ---- conditions ---- */

int lci_enum_index(const char **values, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(values[i], s) == 0) return (int)i;
    return LCI_NONE;
}

static int read_cond_at(lci_reader *r, int idx, const lci_event_type *t, lci_cond *c);

int lci_read_field_ref(lci_reader *r, int idx, const char *key, const lci_event_type *t, int line, int *out)
{
    const char *name = NULL;
    if (lci_read_borrow(r, idx, key, 1, &name) != 0) return -1;
    *out = t ? lci_model_field(t, name) : LCI_NONE;
    int ok = 0;
    if (!t) ok = lci_read_fail(r, line, "field %s: this condition is not about one event", name);
    else if (*out < 0) ok = lci_read_no_field(r, line, t, name);
    return ok;
}

static int cond_kids(lci_reader *r, int idx, const lci_event_type *t, lci_cond *c)
{
    if (lci_read_get(r, idx, "kids") != LUA_TTABLE) {
        lua_pop(r->L, 1);
        return lci_read_fail(r, c->line, "a combined condition needs its conditions");
    }
    int kids = lua_gettop(r->L);
    size_t n = lua_rawlen(r->L, kids);
    c->kids = calloc(n ? n : 1, sizeof *c->kids);
    if (!c->kids) return lci_read_oom(r);
    int ok = 0;
    for (size_t i = 0; i < n && ok == 0; i++) {
        if (lci_read_geti(r, kids, (lua_Integer)i + 1) != LUA_TTABLE) ok = lci_read_fail(r, c->line, "not a condition");
        else ok = read_cond_at(r, lua_gettop(r->L), t, &c->kids[i]);
        c->nkids = i + 1;
        lua_pop(r->L, 1);
    }
    lua_pop(r->L, 1);
    return ok;
}

static uint64_t level_mask(lci_reader *r, int idx, const char *key, const char **values, size_t nvalues, int line,
                           int *ok)
{
    uint64_t mask = 0;
    if (lci_read_get(r, idx, key) != LUA_TTABLE) {
        *ok = lci_read_fail(r, line, "%s must be a list of names", key);
        lua_pop(r->L, 1);
        return 0;
    }
    int list = lua_gettop(r->L);
    for (lua_Integer i = 1; lci_read_geti(r, list, i) == LUA_TSTRING; i++) {
        int v = lci_enum_index(values, nvalues, lua_tostring(r->L, -1));
        if (v < 0 && *ok == 0) *ok = lci_read_fail(r, line, "unknown value '%s'", lua_tostring(r->L, -1));
        if (v >= 0) mask |= UINT64_C(1) << v;
        lua_pop(r->L, 1);
    }
    lua_pop(r->L, 2);
    return mask;
}

static int cond_is(lci_reader *r, int idx, const lci_event_type *t, lci_cond *c)
{
    if (lci_read_field_ref(r, idx, "field", t, c->line, &c->field) != 0) return -1;
    const lci_field *f = &t->fields[c->field];
    int type = lci_read_get(r, idx, "value"), ok = 0;
    if (f->kind == LCI_F_BOOL && type == LUA_TBOOLEAN) {
        c->value = lua_toboolean(r->L, -1);
    } else if ((f->kind == LCI_F_ENUM || f->kind == LCI_F_SEVERITY) && type == LUA_TSTRING) {
        const char **values = f->kind == LCI_F_ENUM ? f->values : r->m->severity_levels;
        size_t n = f->kind == LCI_F_ENUM ? f->nvalues : r->m->nseverity;
        c->value = lci_enum_index(values, n, lua_tostring(r->L, -1));
        if (c->value < 0) ok = lci_read_fail(r, c->line, "field %s cannot be '%s'", f->name, lua_tostring(r->L, -1));
    } else if (f->kind == LCI_F_INTEGER && type == LUA_TNUMBER) {
        ok = lci_read_integer(r, c->line, f->name, &c->value);
    } else {
        ok = lci_read_fail(r, c->line, "is(\"%s\", ...): the value does not fit the field's kind", f->name);
    }
    lua_pop(r->L, 1);
    return ok;
}

int lci_unit_is_duration(lci_unit u)
{
    return lci_unit_ns(u) != 0;
}

int lci_read_band_units(lci_reader *r, const lci_band *b, int want_duration, const char *what)
{
    const lci_qty *q[2] = {&b->lo, &b->hi};
    int has[2] = {b->has_lo, b->has_hi};
    for (int i = 0; i < 2; i++) {
        if (!has[i]) continue;
        if (want_duration && !lci_unit_is_duration(q[i]->unit))
            return lci_read_fail(r, q[i]->line, "%s compares a duration: use a parameter in min, h or d, or minutes(n)", what);
        if (!want_duration && lci_unit_is_duration(q[i]->unit))
            return lci_read_fail(r, q[i]->line, "%s is not a duration: its bound cannot be in min, h or d", what);
    }
    return 0;
}

static int cond_span(lci_reader *r, int idx, const lci_event_type *t, lci_cond *c)
{
    const char *missing = NULL;
    if (lci_read_field_ref(r, idx, "from", t, c->line, &c->field) != 0) return -1;
    if (lci_read_field_ref(r, idx, "to", t, c->line, &c->field2) != 0) return -1;
    if (t->fields[c->field].kind != LCI_F_TIME || t->fields[c->field2].kind != LCI_F_TIME)
        return lci_read_fail(r, c->line, "span needs two time fields");
    if (lci_read_band(r, idx, "band", &c->band) != 0) return -1;
    if (lci_read_borrow(r, idx, "missing", 0, &missing) != 0) return -1;
    c->missing_infinite = missing && strcmp(missing, "infinite") == 0;
    return lci_read_band_units(r, &c->band, 1, "span");
}

static int cond_num(lci_reader *r, int idx, const lci_event_type *t, lci_cond *c)
{
    if (lci_read_field_ref(r, idx, "field", t, c->line, &c->field) != 0) return -1;
    lci_field_kind k = t->fields[c->field].kind;
    if (k != LCI_F_INTEGER && k != LCI_F_NUMBER && k != LCI_F_MONEY && k != LCI_F_FRACTION)
        return lci_read_fail(r, c->line, "num(\"%s\", ...) needs a numeric field", t->fields[c->field].name);
    if (lci_read_band(r, idx, "band", &c->band) != 0) return -1;
    return lci_read_band_units(r, &c->band, 0, t->fields[c->field].name);
}

static int cond_within(lci_reader *r, int idx, const lci_event_type *t, lci_cond *c)
{
    const char *cal = NULL;
    if (lci_read_field_ref(r, idx, "field", t, c->line, &c->field) != 0) return -1;
    if (t->fields[c->field].kind != LCI_F_TIME) return lci_read_fail(r, c->line, "within needs a time field");
    if (lci_read_borrow(r, idx, "calendar", 1, &cal) != 0) return -1;
    c->calendar = lci_model_calendar(r->m, cal);
    int ok = c->calendar < 0 ? lci_read_fail(r, c->line, "unknown calendar '%s'", cal) : 0;
    return ok;
}

static int cond_severity(lci_reader *r, int idx, const lci_event_type *t, lci_cond *c)
{
    int ok = 0;
    if (!r->m->nseverity) return lci_read_fail(r, c->line, "impact(...) needs a severity { ... } declaration first");
    if (t && t->severity < 0) return lci_read_fail(r, c->line, "event type %s has no severity field", t->name);
    c->field = t ? t->severity : LCI_NONE;
    c->set = level_mask(r, idx, "levels", r->m->severity_levels, r->m->nseverity, c->line, &ok);
    return ok;
}

static int cond_in(lci_reader *r, int idx, const lci_event_type *t, lci_cond *c)
{
    int ok = 0;
    if (lci_read_field_ref(r, idx, "field", t, c->line, &c->field) != 0) return -1;
    const lci_field *f = &t->fields[c->field];
    if (f->kind != LCI_F_ENUM) return lci_read_fail(r, c->line, "one_of needs an enum field");
    c->set = level_mask(r, idx, "values", f->values, f->nvalues, c->line, &ok);
    return ok;
}

static int read_cond_at(lci_reader *r, int idx, const lci_event_type *t, lci_cond *c)
{
    static const struct {
        const char *name;
        lci_cond_kind kind;
    } kinds[] = {{"all", LCI_C_ALL},       {"any", LCI_C_ANY},         {"not", LCI_C_NOT},
                 {"is", LCI_C_IS},         {"in", LCI_C_IN},           {"present", LCI_C_PRESENT},
                 {"absent", LCI_C_ABSENT}, {"num", LCI_C_NUM},         {"span", LCI_C_SPAN},
                 {"within", LCI_C_WITHIN}, {"severity", LCI_C_SEVERITY}};
    memset(c, 0, sizeof *c);
    c->field = c->field2 = c->calendar = LCI_NONE;
    c->line = lci_read_line(r, idx);
    const char *k = NULL;
    if (lci_read_borrow(r, idx, "k", 1, &k) != 0) return -1;
    size_t i = 0;
    while (i < LCI_ARRAY_LEN(kinds) && strcmp(kinds[i].name, k) != 0) i++;
    if (i == LCI_ARRAY_LEN(kinds)) return lci_read_fail(r, c->line, "not a condition");
    c->kind = kinds[i].kind;
    switch (c->kind) {
    case LCI_C_ALL:
    case LCI_C_ANY:
    case LCI_C_NOT: return cond_kids(r, idx, t, c);
    case LCI_C_IS: return cond_is(r, idx, t, c);
    case LCI_C_IN: return cond_in(r, idx, t, c);
    case LCI_C_PRESENT:
    case LCI_C_ABSENT: return lci_read_field_ref(r, idx, "field", t, c->line, &c->field);
    case LCI_C_NUM: return cond_num(r, idx, t, c);
    case LCI_C_SPAN: return cond_span(r, idx, t, c);
    case LCI_C_WITHIN: return cond_within(r, idx, t, c);
    case LCI_C_SEVERITY: return cond_severity(r, idx, t, c);
    }
    return lci_read_fail(r, c->line, "not a condition");
}

/* t[key] as a condition; *out stays NULL when absent. */
int lci_read_cond(lci_reader *r, int t, const char *key, const lci_event_type *type, lci_cond **out)
{
    *out = NULL;
    int kind = lci_read_get(r, t, key);
    if (kind == LUA_TNIL || (kind == LUA_TBOOLEAN && !lua_toboolean(r->L, -1))) {
        lua_pop(r->L, 1);
        return 0;
    }
    if (kind != LUA_TTABLE) {
        lua_pop(r->L, 1);
        return lci_read_fail(r, 0, "%s must be a condition", key);
    }
    *out = calloc(1, sizeof **out);
    int ok = *out ? read_cond_at(r, lua_gettop(r->L), type, *out) : lci_read_oom(r);
    lua_pop(r->L, 1);
    return ok;
}

/* Conditions evaluated while events stream in cannot depend on parameters:
 * a parameter changed later would not reach what is already counted. */
int lci_read_constant_cond(lci_reader *r, const lci_cond *c, const char *what)
{
    if (!c) return 0;
    if ((c->band.has_lo && c->band.lo.param >= 0) || (c->band.has_hi && c->band.hi.param >= 0))
        return lci_read_fail(r, c->line, "%s cannot use parameters (it is applied as events arrive)", what);
    if (c->kind == LCI_C_WITHIN)
        return lci_read_fail(r, c->line, "%s cannot use within (calendars grow as events arrive)", what);
    for (size_t i = 0; i < c->nkids; i++)
        if (lci_read_constant_cond(r, &c->kids[i], what) != 0) return -1;
    return 0;
}

int lci_read_day(lci_reader *r, const char *s, int line, int64_t *day)
{
    char why[120];
    if (!s || lci_date_parse(s, strlen(s), day, why, sizeof why) != 0)
        return lci_read_fail(r, line, "bad date \"%s\": %s", s ? s : "", s ? why : "missing");
    return 0;
}

int lci_read_strings(lci_reader *r, int idx, const char ***out, size_t *n, const char *what)
{
    size_t len = lua_rawlen(r->L, idx);
    *out = calloc(len ? len : 1, sizeof **out);
    if (!*out) return lci_read_oom(r);
    for (size_t i = 0; i < len; i++) {
        *n = i + 1;
        if (lci_read_string_at(r, idx, (lua_Integer)i + 1, &(*out)[i], what) != 0) return -1;
    }
    return 0;
}

int lci_read_type_ref(lci_reader *r, int idx, const char *key, int line, int *out)
{
    const char *name = NULL;
    if (lci_read_borrow(r, idx, key, 1, &name) != 0) return -1;
    *out = lci_model_type(r->m, name);
    return *out < 0 ? lci_read_unknown(r, line, "event type", name, LCI_NAMES_TYPES) : 0;
}

int lci_read_measure_ref(lci_reader *r, int idx, const char *key, int *out)
{
    const char *name = NULL;
    *out = LCI_NONE;
    int ok = lci_read_borrow(r, idx, key, 0, &name);
    if (ok == 0 && name && (*out = lci_model_measure(r->m, name)) < 0) ok = lci_read_unknown(r, r->line, "measure", name, LCI_NAMES_MEASURES);
    return ok;
}

int lci_read_array(lci_reader *r, int decl, const char *key, void **items, size_t *n, size_t size,
                      lci_element_reader read)
{
    lci_read_get(r, decl, key);
    int list = lua_gettop(r->L), ok = 0;
    size_t len = lua_type(r->L, list) == LUA_TTABLE ? lua_rawlen(r->L, list) : 0;
    *items = calloc(len ? len : 1, size);
    if (!*items) return lci_read_oom(r);
    for (size_t i = 0; i < len && ok == 0; i++) {
        if (lci_read_geti(r, list, (lua_Integer)i + 1) != LUA_TTABLE) ok = lci_read_fail(r, 0, "%s: element %zu is not a table", key, i + 1);
        *n = i + 1;
        if (ok == 0) ok = read(r, lua_gettop(r->L), (char *)*items + i * size);
        lua_settop(r->L, list);
    }
    lua_pop(r->L, 1);
    return ok;
}
