/* scenario_tables.c — events as Lua tables for a scenario, and back
 * (scenario.h).  Times are integer nanoseconds, numbers Lua numbers,
 * enums and strings strings; a table read back is checked as a JSON line
 * is: every field's kind, keys no field declares, the type's rules. */
#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "events/cond.h"
#include "sandbox/scenario.h"

/* ---- events as Lua tables and back ---- */

static void push_field(lua_State *L, const lc_eval *ev, const lci_field *f, int64_t v)
{
    switch (f->kind) {
    case LCI_F_TIME:
    case LCI_F_INTEGER: lua_pushinteger(L, v); return;
    case LCI_F_BOOL: lua_pushboolean(L, (int)v); return;
    case LCI_F_NUMBER:
    case LCI_F_MONEY:
    case LCI_F_FRACTION: lua_pushnumber(L, lci_dec_to_double((lci_dec){v, f->scale})); return;
    case LCI_F_ENUM: lua_pushstring(L, f->values[v]); return;
    case LCI_F_SEVERITY: lua_pushstring(L, ev->m->severity_levels[v]); return;
    case LCI_F_STRING: lua_pushstring(L, lci_idtable_get(&ev->strings, (uint32_t)v)); return;
    case LCI_F_MONTH: {
        char buf[8];
        lci_month_format(v, buf, sizeof buf);
        lua_pushstring(L, buf);
        return;
    }
    }
}

/* The keys of an event table of type `type` as Lua strings: its fields'
 * names, then "type" and "id".  Made once per replay and type in the
 * table at `keys` (argument 3 of a step), so each event's keys are taken
 * from an array instead of being looked up as C strings. */
static int type_keys(lua_State *L, int keys, const lci_event_type *t, int type)
{
    if (lua_rawgeti(L, keys, type + 1) == LUA_TTABLE) return lua_gettop(L);
    lua_pop(L, 1);
    lua_createtable(L, (int)t->nfields + 2, 0);
    for (size_t f = 0; f < t->nfields; f++) {
        lua_pushstring(L, t->fields[f].name);
        lua_rawseti(L, -2, (lua_Integer)f + 1);
    }
    lua_pushliteral(L, "type");
    lua_rawseti(L, -2, (lua_Integer)t->nfields + 1);
    lua_pushliteral(L, "id");
    lua_rawseti(L, -2, (lua_Integer)t->nfields + 2);
    lua_pushvalue(L, -1);
    lua_rawseti(L, keys, type + 1);
    return lua_gettop(L);
}

void lci_scenario_push_event(lua_State *L, int keys, const lc_eval *ev, const lci_record *r)
{
    const lci_event_type *t = &ev->m->types[r->type];
    int names = type_keys(L, keys, t, (int)r->type);
    lua_createtable(L, 0, (int)t->nfields + 2);
    lua_rawgeti(L, names, (lua_Integer)t->nfields + 1);
    lua_pushstring(L, t->name);
    lua_rawset(L, -3);
    lua_rawgeti(L, names, (lua_Integer)t->nfields + 2);
    lua_pushstring(L, lci_idtable_get(&ev->ids, r->id));
    lua_rawset(L, -3);
    for (size_t f = 0; f < t->nfields; f++) {
        if (!lci_has(r, (int)f)) continue;
        lua_rawgeti(L, names, (lua_Integer)f + 1);
        push_field(L, ev, &t->fields[f], r->v[f]);
        lua_rawset(L, -3);
    }
    lua_remove(L, names);
}

static int enum_value(const char **values, size_t n, const char *s, int64_t *out)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(values[i], s) == 0) {
            *out = (int64_t)i;
            return 0;
        }
    return -1;
}

/* A decimal field from a Lua number (rounded half away to the field's
 * scale: 0.1 + 0.2 is 0.3) or a decimal string. */
static int read_decimal(lua_State *L, int idx, const lci_field *f, int64_t *out)
{
    lci_dec d;
    if (lua_type(L, idx) == LUA_TSTRING) {
        size_t len;
        const char *s = lua_tolstring(L, idx, &len);
        return lci_dec_parse(s, len, &d, NULL) == LCI_NUM_OK && lci_dec_rescale(d, f->scale, out) == LCI_NUM_OK ? 0 : -1;
    }
    if (lua_isinteger(L, idx)) {
        d = (lci_dec){lua_tointeger(L, idx), 0};
        return lci_dec_rescale(d, f->scale, out) == LCI_NUM_OK ? 0 : -1;
    }
    if (lua_type(L, idx) != LUA_TNUMBER) return -1;
    double x = lua_tonumber(L, idx) * (double)lci_pow10(f->scale);
    if (!isfinite(x) || fabs(x) > 9e15) return -1;
    *out = (int64_t)(x < 0 ? x - 0.5 : x + 0.5);
    return 0;
}

static int read_field(lua_State *L, int idx, lc_eval *ev, const lci_field *f, int64_t *out)
{
    char why[120];
    int type = lua_type(L, idx);
    const char *s = type == LUA_TSTRING ? lua_tostring(L, idx) : NULL;
    uint32_t index;
    int added;
    switch (f->kind) {
    case LCI_F_TIME:
        if (lua_isinteger(L, idx)) return *out = lua_tointeger(L, idx), 0;
        return s && lci_time_parse(s, strlen(s), out, &added, why, sizeof why) == 0 ? 0 : -1;
    case LCI_F_BOOL: return type == LUA_TBOOLEAN ? (*out = lua_toboolean(L, idx), 0) : -1;
    case LCI_F_INTEGER:
    case LCI_F_NUMBER:
    case LCI_F_MONEY:
    case LCI_F_FRACTION: return read_decimal(L, idx, f, out);
    case LCI_F_ENUM: return s ? enum_value(f->values, f->nvalues, s, out) : -1;
    case LCI_F_SEVERITY: return s ? enum_value(ev->m->severity_levels, ev->m->nseverity, s, out) : -1;
    case LCI_F_MONTH: return s ? lci_month_parse(s, strlen(s), out, why, sizeof why) : -1;
    case LCI_F_STRING:
        if (!s || !lci_utf8_text(s, lua_rawlen(L, idx)) || lci_idtable_intern(&ev->strings, s, strlen(s), &index, &added) != 0)
            return -1;
        *out = index;
        return 0;
    }
    return -1;
}

/* A key of the event table that is neither type, id nor a field of the
 * type: a scenario that sets `respnded` would otherwise change nothing.
 * `known` keys of the table are type, id and fields: when the table holds
 * no more, there is none (counted, no names compared). */
static int undeclared_key(lua_State *L, int idx, const lci_event_type *t, size_t known, const char *id, char *why,
                          size_t size)
{
    size_t keys = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        keys++;
        lua_pop(L, 1);
    }
    if (keys == known) return 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        const char *key = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
        lua_pop(L, 1);
        if (key && (strcmp(key, "type") == 0 || strcmp(key, "id") == 0 || lci_model_field(t, key) >= 0)) continue;
        const char *near = key ? lci_model_nearest_field(t, key) : NULL;
        char hint[96];
        if (!key) snprintf(why, size, "event %s: a key that is not a string", id);
        else snprintf(why, size, "event %s: %s has no field '%s'%s", id, t->name, key, lci_hint(near, hint, sizeof hint));
        lua_pop(L, 1);
        return -1;
    }
    return 0;
}

/* The table at idx into a record of dst; -1 with the reason in why. */
static int read_event(lua_State *L, int idx, int keys, lc_eval *dst, lci_record *r, const char **id, char *why,
                      size_t size)
{
    lua_pushliteral(L, "type");
    int type = lua_rawget(L, idx) == LUA_TSTRING ? lci_model_type(dst->m, lua_tostring(L, -1)) : -1;
    lua_pop(L, 1);
    lua_pushliteral(L, "id");
    size_t idlen = 0;
    *id = lua_rawget(L, idx) == LUA_TSTRING ? lua_tolstring(L, -1, &idlen) : NULL;
    lua_pop(L, 1); /* the string stays alive in the table */
    if (type < 0 || !*id || !**id) return snprintf(why, size, "an event needs a declared type and an id"), -1;
    if (!lci_utf8_text(*id, idlen)) return snprintf(why, size, "an event's id must be UTF-8 text"), -1;
    const lci_event_type *t = &dst->m->types[type];
    memset(r, 0, sizeof *r + t->nfields * sizeof r->v[0]);
    r->type = (uint32_t)type;
    size_t known = 2; /* type and id */
    int names = type_keys(L, keys, t, type); /* left on the stack: the caller resets it */
    for (size_t f = 0; f < t->nfields; f++) {
        lua_rawgeti(L, names, (lua_Integer)f + 1);
        if (lua_rawget(L, idx) != LUA_TNIL) {
            if (read_field(L, -1, dst, &t->fields[f], &r->v[f]) != 0) {
                lua_pop(L, 1);
                return snprintf(why, size, "event %s: field %s has a value of the wrong kind", *id, t->fields[f].name), -1;
            }
            r->present |= UINT64_C(1) << f;
            known++;
        }
        lua_pop(L, 1);
    }
    if (undeclared_key(L, idx, t, known, *id, why, size) != 0) return -1;
    if (lci_record_complete(dst, r) == 0) return 0;
    lci_record_explain(dst, r, why, size);
    return -1;
}

static void record_content(const lc_eval *ev, const lci_record *r, lci_content *out)
{
    const lci_event_type *t = &ev->m->types[r->type];
    uint64_t h0 = lci_hash(&r->type, sizeof r->type, 0x73636e), h1 = h0 ^ r->present;
    for (size_t f = 0; f < t->nfields; f++) {
        if (!lci_has(r, (int)f)) continue;
        const char *s = t->fields[f].kind == LCI_F_STRING ? lci_idtable_get(&ev->strings, (uint32_t)r->v[f]) : NULL;
        uint64_t hv = s ? lci_hash(s, strlen(s), f) : lci_hash(&r->v[f], sizeof r->v[f], f);
        h0 = h0 * UINT64_C(0x100000001b3) ^ hv;
        h1 = (h1 ^ hv) * UINT64_C(0xc6a4a7935bd1e995);
    }
    out->h = h0 ^ (h1 * UINT64_C(0x9e3779b97f4a7c15));
}

int lci_scenario_read_event(lc_eval *dst, lua_State *L, int idx, int keys, const char **id, char *why, size_t size)
{
    if (lua_type(L, idx) != LUA_TTABLE) return snprintf(why, size, "an event must be a table"), 0;
    int top = lua_gettop(L);
    int ok = read_event(L, idx, keys, dst, dst->scratch, id, why, size) == 0;
    lua_settop(L, top); /* the id stays alive in the table */
    return ok;
}

lc_status lci_scenario_commit(lc_eval *dst, const char *id, const char *source, lc_error *err)
{
    lci_content content;
    record_content(dst, dst->scratch, &content);
    size_t idlen = strlen(id);
    return lci_eval_commit(dst, dst->scratch, id, idlen, lci_eval_id_hash(dst, id, idlen), &content, source, 0, err);
}
