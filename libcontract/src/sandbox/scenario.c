/* scenario.c — replaying kept events, optionally through a Lua scenario.
 *
 * A scenario file returns a table with `perturb(event, rng)` (return the
 * event, changed or not, or nil to drop it) and/or `extra(rng)` (return a
 * list of events to add).  Events are tables of their fields: times are
 * integer nanoseconds since 1970 (SECOND, MINUTE, HOUR and DAY are
 * provided), numbers are Lua numbers, enums and strings are strings.  The
 * generator is seeded per replay, so a sample is reproducible from its
 * seed.  `touches = { "ticket", ... }` (optional) names the event types
 * perturb changes, each maybe only within a window of its anchor time
 * (`{ "ticket", from = T, to = T }`, from included, to not): the other
 * events are replayed as they are without a call — a promise that perturb
 * returns them unchanged and draws nothing from the generator for them,
 * so the figures are those of calling it (most of a sample's time is the
 * calls).  The scenario runs in its own sandbox, with the same limits as
 * rule files. */
#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "events/cond.h"
#include "sandbox/luasource.h"
#include "events/evaluation.h"
#include "sandbox/sandbox.h"

/* One entry of touches: a type, and the window of anchor times perturb is
 * called for. */
typedef struct touch {
    char *type;
    int64_t from, to; /* [from, to); INT64_MIN and INT64_MAX when not given */
} touch;

struct lc_scenario {
    lci_sandbox *sb;
    char *name;
    int perturb_ref, extra_ref;
    touch *touches; /* what perturb is called for; NULL: every event */
    size_t ntouches;
};

/* ---- the generator: xoshiro256**, seeded through splitmix64 ---- */

typedef struct rng {
    uint64_t s[4];
} rng;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(rng *r)
{
    uint64_t result = rotl(r->s[1] * 5, 7) * 9, t = r->s[1] << 17;
    r->s[2] ^= r->s[0];
    r->s[3] ^= r->s[1];
    r->s[1] ^= r->s[2];
    r->s[0] ^= r->s[3];
    r->s[2] ^= t;
    r->s[3] = rotl(r->s[3], 45);
    return result;
}

static double rng_unit(rng *r)
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53; /* [0, 1) */
}

static rng *check_rng(lua_State *L)
{
    return luaL_checkudata(L, 1, "libcontract.rng");
}

static int l_random(lua_State *L)
{
    lua_pushnumber(L, rng_unit(check_rng(L)));
    return 1;
}

static int l_int(lua_State *L)
{
    rng *r = check_rng(L);
    lua_Integer lo = luaL_checkinteger(L, 2), hi = luaL_checkinteger(L, 3);
    luaL_argcheck(L, lo <= hi, 3, "empty interval");
    uint64_t span = (uint64_t)hi - (uint64_t)lo + 1;
    lua_pushinteger(L, span ? (lua_Integer)((uint64_t)lo + rng_next(r) % span) : (lua_Integer)rng_next(r));
    return 1;
}

static int l_chance(lua_State *L)
{
    lua_pushboolean(L, rng_unit(check_rng(L)) < luaL_checknumber(L, 2));
    return 1;
}

static int l_normal(lua_State *L)
{
    rng *r = check_rng(L);
    double mu = luaL_optnumber(L, 2, 0), sigma = luaL_optnumber(L, 3, 1);
    double u1 = 1.0 - rng_unit(r), u2 = rng_unit(r); /* Box–Muller */
    lua_pushnumber(L, mu + sigma * sqrt(-2.0 * log(u1)) * cos(2 * 3.14159265358979323846 * u2));
    return 1;
}

static int l_exponential(lua_State *L)
{
    rng *r = check_rng(L);
    double mean = luaL_checknumber(L, 2);
    lua_pushnumber(L, -mean * log(1.0 - rng_unit(r)));
    return 1;
}

static int push_rng(lua_State *L, uint64_t seed)
{
    rng *r = lua_newuserdatauv(L, sizeof *r, 0);
    for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&seed);
    if (luaL_newmetatable(L, "libcontract.rng")) {
        static const luaL_Reg methods[] = {{"random", l_random}, {"int", l_int}, {"chance", l_chance},
                                           {"normal", l_normal}, {"exponential", l_exponential}, {NULL, NULL}};
        luaL_newlib(L, methods);
        lua_setfield(L, -2, "__index");
        lua_pushboolean(L, 0);
        lua_setfield(L, -2, "__metatable");
    }
    lua_setmetatable(L, -2);
    return 1;
}

/* A replay's generator, and its empty table of event keys (type_keys). */
static int push_replay_state(lua_State *L)
{
    push_rng(L, *(const uint64_t *)lua_touserdata(L, 1));
    lua_newtable(L);
    return 2;
}

/* Leaves a generator and a table of event keys on the stack: 1, or 0 when
 * out of memory. */
static int new_generator(lua_State *L, uint64_t seed)
{
    if (!lua_checkstack(L, 4)) return 0;
    lua_pushcfunction(L, push_replay_state);
    lua_pushlightuserdata(L, &seed);
    return lua_pcall(L, 1, 2, 0) == LUA_OK;
}

/* ---- helpers the scenario sees ---- */

static int l_time(lua_State *L)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    char why[120];
    lci_time t;
    int offset;
    if (lci_time_parse(s, len, &t, &offset, why, sizeof why) != 0) return luaL_error(L, "time(\"%s\"): %s", s, why);
    lua_pushinteger(L, t);
    return 1;
}

/* iso(ns [, offset_min]): only what time() reads back — an offset of
 * whole minutes within ±23:59 and a local year within the years events
 * may have (RFC 3339 cannot say more). */
static int l_iso(lua_State *L)
{
    char buf[40];
    lua_Integer t = luaL_checkinteger(L, 1), offset = luaL_optinteger(L, 2, 0);
    luaL_argcheck(L, offset >= -(24 * 60 - 1) && offset <= 24 * 60 - 1, 2, "the offset is in minutes, within ±1439");
    const lua_Integer lo = lci_days_from_civil(LCI_YEAR_MIN, 1, 1) * LCI_NS_PER_DAY;
    const lua_Integer hi = lci_days_from_civil(LCI_YEAR_MAX + 1, 1, 1) * LCI_NS_PER_DAY;
    lua_Integer local = t + offset * LCI_NS_PER_MIN; /* |t| < hi, so no overflow once in range */
    luaL_argcheck(L, t > lo - LCI_NS_PER_DAY && t < hi + LCI_NS_PER_DAY && local >= lo && local < hi, 1,
                  "the time is outside the years " LCI_STR(LCI_YEAR_MIN) "-" LCI_STR(LCI_YEAR_MAX));
    lci_time_format(t, (int)offset, buf, sizeof buf);
    lua_pushstring(L, buf);
    return 1;
}

static int setup_scenario(lua_State *L)
{
    static const struct {
        const char *name;
        lua_Integer ns;
    } units[] = {{"SECOND", LCI_NS_PER_SEC}, {"MINUTE", LCI_NS_PER_MIN}, {"HOUR", LCI_NS_PER_HOUR}, {"DAY", LCI_NS_PER_DAY}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        lua_pushinteger(L, units[i].ns);
        lua_setglobal(L, units[i].name);
    }
    lua_pushcfunction(L, l_time);
    lua_setglobal(L, "time");
    lua_pushcfunction(L, l_iso);
    lua_setglobal(L, "iso");
    return 0;
}

/* The keys a scenario's table may have (the functions first). */
static const char *const scenario_keys[] = {"perturb", "extra", "touches"};
enum { KEY_PERTURB, KEY_EXTRA, KEY_TOUCHES };

/* A bound of a touches window at idx: integer nanoseconds since 1970, as
 * the events' times are, or an RFC 3339 text.  0, or -1. */
static int window_bound(lua_State *L, int idx, int64_t *out)
{
    int offset;
    char why[120];
    if (lua_isinteger(L, idx)) return *out = lua_tointeger(L, idx), 0;
    if (lua_type(L, idx) != LUA_TSTRING) return -1;
    size_t len;
    const char *s = lua_tolstring(L, idx, &len);
    return lci_time_parse(s, len, out, &offset, why, sizeof why) == 0 ? 0 : -1;
}

/* touches[i] written { "type", from = T, to = T }: its keys, read raw.  0,
 * or -1 with the reason in msg. */
static int read_window(lua_State *L, int entry, size_t i, touch *t, char *msg, size_t size)
{
    static const char *const keys[] = {"from", "to"};
    lua_pushnil(L);
    while (lua_next(L, entry)) {
        const char *key = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
        int k = key && strcmp(key, "from") == 0 ? 0 : key && strcmp(key, "to") == 0 ? 1 : -1;
        int is_type = !key && lua_isinteger(L, -2) && lua_tointeger(L, -2) == 1;
        const char *bad = NULL;
        if (k >= 0 && window_bound(L, -1, k ? &t->to : &t->from) != 0)
            bad = "must be a time (integer nanoseconds, or RFC 3339 text with an offset)";
        else if (k < 0 && !is_type) bad = "is not a key of a touches entry (it has the type first, then from and to)";
        lua_pop(L, 1);
        if (bad) {
            const char *near = key ? lci_nearest(key, keys, 2, lci_typo_distance(key)) : NULL;
            snprintf(msg, size, "the scenario's touches[%zu].%s %s%s%s%s", i, key ? key : "[?]", bad,
                     near && k < 0 ? " (did you mean '" : "", near && k < 0 ? near : "", near && k < 0 ? "'?)" : "");
            lua_pop(L, 1);
            return -1;
        }
    }
    if (t->from >= t->to) {
        snprintf(msg, size, "the scenario's touches[%zu] has an empty window: from must come before to", i);
        return -1;
    }
    lua_rawgeti(L, entry, 1); /* the type's name, first */
    return 0;
}

/* touches[i] at the top of the stack into t: a type's name, or { "type",
 * from = T, to = T }.  0, or -1 with the reason in msg. */
static int read_touch(lua_State *L, size_t i, touch *t, char *msg, size_t size)
{
    t->from = INT64_MIN;
    t->to = INT64_MAX;
    int entry = lua_gettop(L), window = lua_type(L, entry) == LUA_TTABLE;
    if (window && read_window(L, entry, i, t, msg, size) != 0) return -1;
    if (lua_type(L, -1) != LUA_TSTRING) {
        snprintf(msg, size, "the scenario's touches[%zu] must be an event type's name or { \"type\", from = T, to = T }%s",
                 i, window ? ", the type first" : "");
        lua_pop(L, window);
        return -1;
    }
    t->type = lci_strdup(lua_tostring(L, -1));
    lua_pop(L, window);
    return t->type ? 0 : luaL_error(L, "out of memory");
}

/* touches = { "type", { "type", from = T, to = T }, ... }: a plain list,
 * read raw.  0, or -1 with the reason in msg. */
static int read_touches(lua_State *L, int list, lc_scenario *sc, char *msg, size_t size)
{
    size_t n = lua_rawlen(L, list);
    int meta = lua_getmetatable(L, list);
    lua_pop(L, meta);
    if (meta || n == 0 || n > 4096) {
        snprintf(msg, size, "the scenario's touches is a plain, non-empty list of event types { \"ticket\", ... }");
        return -1;
    }
    if (!(sc->touches = calloc(n, sizeof *sc->touches))) return luaL_error(L, "out of memory");
    for (size_t i = 1; i <= n; i++, lua_pop(L, 1)) {
        lua_rawgeti(L, list, (lua_Integer)i);
        if (read_touch(L, i, &sc->touches[sc->ntouches], msg, size) != 0) {
            lua_pop(L, 1);
            return -1;
        }
        sc->ntouches++;
    }
    return 0;
}

static void unknown_key(const char *key, char *msg, size_t size)
{
    const char *near = key ? lci_nearest(key, scenario_keys, LCI_ARRAY_LEN(scenario_keys), lci_typo_distance(key)) : NULL;
    if (!key) snprintf(msg, size, "a scenario's table has only the keys perturb, extra and touches");
    else if (near) snprintf(msg, size, "a scenario has no key '%s' (did you mean '%s'?)", key, near);
    else snprintf(msg, size, "a scenario has no key '%s' (it may have perturb, extra and touches)", key);
}

/* Reads the scenario's table raw (no metamethod of the script's runs here,
 * outside its budget) and refuses what it does not understand: an unknown
 * key (a typo would silently perturb nothing) or a value that is neither a
 * function nor nil.  0, or -1 with the reason in msg. */
static int read_scenario_table(lua_State *L, int table, lc_scenario *sc, char *msg, size_t size)
{
    if (lua_getmetatable(L, table)) {
        snprintf(msg, size, "a scenario returns a plain table { perturb = ..., extra = ... }, without a metatable "
                            "(its fields are read as they are: __index would not be consulted)");
        lua_pop(L, 1);
        return -1;
    }
    lua_pushnil(L);
    while (lua_next(L, table)) {
        const char *key = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
        size_t k = 0;
        while (key && k < LCI_ARRAY_LEN(scenario_keys) && strcmp(key, scenario_keys[k]) != 0) k++;
        if (!key || k == LCI_ARRAY_LEN(scenario_keys)) {
            unknown_key(key, msg, size);
            lua_pop(L, 2);
            return -1;
        }
        if (k == KEY_TOUCHES) {
            int bad = lua_type(L, -1) != LUA_TTABLE;
            if (bad) snprintf(msg, size, "the scenario's touches must be a list of event types, not a %s", luaL_typename(L, -1));
            if (bad || read_touches(L, lua_gettop(L), sc, msg, size) != 0) {
                lua_pop(L, 2);
                return -1;
            }
            lua_pop(L, 1);
            continue;
        }
        if (lua_type(L, -1) != LUA_TFUNCTION) {
            snprintf(msg, size, "the scenario's %s must be a function, not a %s", key, luaL_typename(L, -1));
            lua_pop(L, 2);
            return -1;
        }
        lua_pushvalue(L, -1);
        int ref = luaL_ref(L, LUA_REGISTRYINDEX);
        if (k == KEY_PERTURB) sc->perturb_ref = ref;
        else sc->extra_ref = ref;
        lua_pop(L, 1);
    }
    if (sc->touches && sc->perturb_ref == LUA_NOREF) {
        snprintf(msg, size, "the scenario's touches names the event types perturb changes, but it has no perturb");
        return -1;
    }
    return 0;
}

/* Runs inside the sandbox's protected call: refs and lua_next may run out
 * of the state's memory. */
static int read_scenario_protected(lua_State *L)
{
    lc_scenario *sc = lua_touserdata(L, 1);
    char *msg = lua_touserdata(L, 2);
    if (read_scenario_table(L, 3, sc, msg, LC_ERROR_MESSAGE_MAX) != 0) return luaL_error(L, "%s", msg);
    return 0;
}

lc_status lc_scenario_new(lc_scenario **out, const lc_options *opts, const char *name, const char *text, size_t len,
                          lc_error *err)
{
    char msg[LC_ERROR_MESSAGE_MAX];
    if (!out || !text) return lci_fail(err, LC_EUSAGE, NULL, 0, "lc_scenario_new: NULL argument");
    *out = NULL;
    lc_options o;
    if (lci_options_read(opts, &o, err) != LC_OK) return err ? err->code : LC_EUSAGE;
    lci_limits limits = lci_options_limits(&o);
    static const char chunk[] = "[scenario]"; /* Lua shortens long chunk names: see scenario_error */
    lc_scenario *sc = calloc(1, sizeof *sc);
    if (sc) sc->perturb_ref = sc->extra_ref = LUA_NOREF;
    if (!sc || !(sc->sb = lci_sandbox_new(&limits, "the scenario")) || !(sc->name = lci_strdup(name ? name : "scenario"))) {
        lc_scenario_free(sc);
        return lci_oom(err);
    }
    lua_State *L = lci_sandbox_lua(sc->sb);
    lua_pushcfunction(L, setup_scenario);
    int st = lci_lua_source_check(text, len, msg, sizeof msg);
    if (st == 0) st = lci_sandbox_call(sc->sb, 0, 0, msg, sizeof msg);
    if (st == 0) st = lci_sandbox_load(sc->sb, chunk, text, len, msg, sizeof msg);
    if (st == 0) st = lci_sandbox_call(sc->sb, 0, 1, msg, sizeof msg);
    if (st == 0 && lua_type(L, -1) != LUA_TTABLE) {
        snprintf(msg, sizeof msg, "a scenario returns { perturb = function(event, rng) ... end, extra = ... }");
        st = -1;
    }
    if (st == 0) {
        char why[LC_ERROR_MESSAGE_MAX] = "";
        lua_pushcfunction(L, read_scenario_protected);
        lua_insert(L, -2);
        lua_pushlightuserdata(L, sc);
        lua_insert(L, -2);
        lua_pushlightuserdata(L, why);
        lua_insert(L, -2);
        st = lci_sandbox_call(sc->sb, 3, 0, msg, sizeof msg);
        if (st != 0 && why[0]) snprintf(msg, sizeof msg, "%s", why);
    }
    if (st != 0) {
        lc_scenario_free(sc);
        lci_fail(err, LC_ERULES, chunk, 0, "%s", msg);
        lci_error_locate(err, chunk, name ? name : "scenario");
        return LC_ERULES;
    }
    *out = sc;
    return LC_OK;
}

lc_status lc_scenario_load_file(lc_scenario **out, const lc_options *opts, const char *path, lc_error *err)
{
    if (!out || !path) return lci_fail(err, LC_EUSAGE, NULL, 0, "lc_scenario_load_file: NULL argument");
    *out = NULL;
    lci_buf text;
    lci_buf_init(&text);
    lc_status st = lci_read_file(path, (size_t)16 << 20, &text);
    if (st == LC_ENOMEM) st = lci_oom(err);
    else if (st == LC_EIO) st = lci_fail(err, LC_EIO, path, 0, "cannot read the scenario file");
    else if (st != LC_OK) st = lci_fail(err, LC_EUSAGE, path, 0, "the scenario file is over 16 MiB");
    else st = lc_scenario_new(out, opts, path, text.data ? text.data : "", text.len, err);
    lci_buf_free(&text);
    return st;
}

void lc_scenario_free(lc_scenario *sc)
{
    if (!sc) return;
    lci_sandbox_free(sc->sb);
    free(sc->name);
    for (size_t i = 0; i < sc->ntouches; i++) free(sc->touches[i].type);
    free(sc->touches);
    free(sc);
}

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

static void push_event(lua_State *L, int keys, const lc_eval *ev, const lci_record *r)
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

/* Reads the event table at idx into dst's scratch record: 1 when it is an
 * event to commit, 0 when it is invalid (the reason in why). */
static int table_to_record(lc_eval *dst, lua_State *L, int idx, int keys, const char **id, char *why, size_t size)
{
    if (lua_type(L, idx) != LUA_TTABLE) return snprintf(why, size, "an event must be a table"), 0;
    int top = lua_gettop(L);
    int ok = read_event(L, idx, keys, dst, dst->scratch, id, why, size) == 0;
    lua_settop(L, top); /* the id stays alive in the table */
    return ok;
}

static lc_status commit_record(lc_eval *dst, const char *id, const char *source, lc_error *err)
{
    lci_content content;
    record_content(dst, dst->scratch, &content);
    size_t idlen = strlen(id);
    return lci_eval_commit(dst, dst->scratch, id, idlen, lci_eval_id_hash(dst, id, idlen), &content, source, 0, err);
}

/* ---- replay ---- */

/* A kept record committed into dst as it is. */
static lc_status replay_plain(lc_eval *dst, const lc_eval *src, const lci_record *from, lc_error *err)
{
    return lci_eval_copy_record(dst, src, from, err) ? lci_eval_commit_copy(dst, src, from, err) : lci_oom(err);
}

/* A runtime error of the scenario, located in its file. */
static lc_status scenario_error(const lc_scenario *sc, const char *msg, lc_error *err)
{
    lci_fail(err, LC_ERULES, "[scenario]", 0, "%s", msg);
    lci_error_locate(err, "[scenario]", sc->name);
    return LC_ERULES;
}

/* What a protected step hands back to C. */
typedef struct step {
    const lc_scenario *sc;
    lc_eval *dst;
    const lc_eval *src;
    const lci_record *from;
    int rng;             /* stack index of the generator in the replay's frame */
    int ready;           /* perturb: 1 commit the scratch record, 0 dropped, -1 invalid */
    const unsigned char *touched; /* by event type: TOUCH_* (NULL: perturb is called for every event) */
    const char *id;
    char why[LC_ERROR_MESSAGE_MAX];
    lc_status status;    /* extra: the first commit that failed */
    lc_error *err;
} step;

/* perturb(event, rng) for one kept event, inside the sandbox's protected,
 * budgeted call; the record it returns is read raw into dst's scratch. */
static int perturb_step(lua_State *L)
{
    step *st = lua_touserdata(L, 1);
    lua_rawgeti(L, LUA_REGISTRYINDEX, st->sc->perturb_ref);
    push_event(L, 3, st->src, st->from);
    lua_pushvalue(L, 2);
    lua_call(L, 2, 1);
    if (lua_isnil(L, -1)) st->ready = 0;
    else if (lua_type(L, -1) != LUA_TTABLE) luaL_error(L, "perturb must return an event table or nil");
    else st->ready = table_to_record(st->dst, L, lua_gettop(L), 3, &st->id, st->why, sizeof st->why) ? 1 : -1;
    return 0;
}

/* extra(rng): each event it lists is read and committed in turn. */
static int extra_step(lua_State *L)
{
    step *st = lua_touserdata(L, 1);
    lua_rawgeti(L, LUA_REGISTRYINDEX, st->sc->extra_ref);
    lua_pushvalue(L, 2);
    lua_call(L, 1, 1);
    int list = lua_gettop(L);
    if (lua_isnil(L, list)) return 0;
    if (lua_type(L, list) != LUA_TTABLE) return luaL_error(L, "extra must return a list of event tables or nil");
    for (lua_Integer i = 1; st->status == LC_OK && lua_rawgeti(L, list, i) != LUA_TNIL; i++) {
        if (table_to_record(st->dst, L, lua_gettop(L), 3, &st->id, st->why, sizeof st->why))
            st->status = commit_record(st->dst, st->id, st->sc->name, st->err);
        else st->status = lci_eval_invalid(st->dst, st->sc->name, 0, st->why, st->err);
        lua_pop(L, 1);
    }
    return 0;
}

static lc_status run_step(step *st, lua_CFunction fn)
{
    char msg[LC_ERROR_MESSAGE_MAX];
    lua_State *L = lci_sandbox_lua(st->sc->sb);
    if (!lua_checkstack(L, 8)) return lci_oom(st->err);
    lua_pushcfunction(L, fn);
    lua_pushlightuserdata(L, st);
    lua_pushvalue(L, st->rng); /* inside the step, the generator is argument 2 */
    lua_pushvalue(L, st->rng + 1); /* and the keys of event tables (type_keys) argument 3 */
    if (lci_sandbox_call(st->sc->sb, 3, 0, msg, sizeof msg) != 0) return scenario_error(st->sc, msg, st->err);
    return LC_OK;
}

static lc_status call_perturb(step *st)
{
    lc_status rc = run_step(st, perturb_step);
    if (rc != LC_OK) return rc;
    if (st->ready < 0) return lci_eval_invalid(st->dst, st->sc->name, 0, st->why, st->err);
    return st->ready ? commit_record(st->dst, st->id, st->sc->name, st->err) : LC_OK;
}

/* What touches says of an event type: perturb is called for none of its
 * events, for all, or for those anchored in a window of an entry for it. */
enum { TOUCH_NONE, TOUCH_ALL, TOUCH_WINDOWS };

/* Whether perturb is called for the record. */
static int touched(const step *st, const lci_record *r)
{
    if (!st->touched || st->touched[r->type] == TOUCH_ALL) return 1;
    if (st->touched[r->type] == TOUCH_NONE) return 0;
    int anchor = st->dst->m->types[r->type].anchor;
    if (!lci_has(r, anchor)) return 1;
    int64_t at = r->v[anchor];
    const char *type = st->dst->m->types[r->type].name;
    for (size_t i = 0; i < st->sc->ntouches; i++) {
        const touch *t = &st->sc->touches[i];
        if (at >= t->from && at < t->to && strcmp(t->type, type) == 0) return 1;
    }
    return 0;
}

/* One kept record through the scenario's perturb, or as it is. */
static lc_status replay_step(void *ctx, const lci_record *r)
{
    step *st = ctx;
    st->from = r;
    if (st->sc && st->sc->perturb_ref != LUA_NOREF && touched(st, r)) return call_perturb(st);
    return replay_plain(st->dst, st->src, r, st->err);
}

/* Records at the head of a log that perturb is not called for are worth
 * copying from a base rather than committing from this many on. */
#define HEAD_WORTH 32

/* A replay whose log starts with records perturb is not called for takes
 * what they leave from a base kept in src (made by the first such replay:
 * the same commits in the same order, so the same state) and goes on
 * from the first touched record, at *from in the log. */
static lc_status start_from_head(step *st, size_t *from)
{
    const lc_eval *src = st->src;
    lc_eval *dst = st->dst;
    int perturbs = st->sc && st->sc->perturb_ref != LUA_NOREF;
    *from = 0;
    if ((src->flags & LC_EVAL_UPDATES) || (dst->flags & (LC_EVAL_UPDATES | LC_EVAL_KEEP_EVENTS)) || dst->seq ||
        dst->nwarnings || dst->broken)
        return LC_OK;
    size_t records = 0, bytes = 0;
    while (bytes < src->log_len) {
        const lci_record *r = (const lci_record *)(const void *)(src->log + bytes);
        if (perturbs && touched(st, r)) break;
        bytes += src->stores[r->type].stride;
        records++;
    }
    if (records < HEAD_WORTH) return LC_OK;
    /* the base is a cache in src: none of src's events or figures changes */
    const lc_eval *base = lci_replay_base((lc_eval *)(uintptr_t)src, dst->flags, records, bytes);
    if (!base) return LC_OK; /* the long way, which meets whatever stopped the base */
    if (lci_eval_copy_state(dst, base) != 0) {
        dst->broken = 1;
        return lci_oom(st->err);
    }
    *from = bytes;
    return LC_OK;
}

/* A touches entry m cannot apply: a type it does not declare, or a window
 * on a type anchored at a month. */
static lc_status touch_error(const lc_scenario *sc, const lci_model *m, const touch *t, int type, lc_error *err)
{
    if (type >= 0)
        return lci_fail(err, LC_ERULES, sc->name, 0,
                        "the scenario touches \"%s\" in a window of times, but its events are anchored at a month", t->type);
    const char *near = lci_model_nearest(m, LCI_NAMES_TYPES, t->type);
    return lci_fail(err, LC_ERULES, sc->name, 0, "the scenario touches \"%s\", which the rules do not declare%s%s%s",
                    t->type, near ? " (did you mean \"" : "", near ? near : "", near ? "\"?)" : "");
}

/* What touches says of each type of m (*out NULL when there is no touches:
 * every event); a type m does not declare is a rule error. */
static lc_status touched_types(const lc_scenario *sc, const lci_model *m, unsigned char **out, lc_error *err)
{
    *out = NULL;
    if (!sc || !sc->touches) return LC_OK;
    unsigned char *touched = calloc(m->ntypes + 1, 1);
    if (!touched) return lci_oom(err);
    for (size_t i = 0; i < sc->ntouches; i++) {
        const touch *t = &sc->touches[i];
        int type = lci_model_type(m, t->type), window = t->from != INT64_MIN || t->to != INT64_MAX;
        if (type < 0 || (window && m->types[type].fields[m->types[type].anchor].kind != LCI_F_TIME)) {
            free(touched);
            return touch_error(sc, m, t, type, err);
        }
        if (touched[type] != TOUCH_ALL) touched[type] = window ? TOUCH_WINDOWS : TOUCH_ALL;
    }
    *out = touched;
    return LC_OK;
}

lc_status lc_eval_replay(lc_eval *dst, const lc_eval *src, const lc_scenario *sc, uint64_t seed, lc_error *err)
{
    if (!dst || !src) return lci_fail(err, LC_EUSAGE, NULL, 0, "lc_eval_replay: NULL argument");
    if (!(src->flags & LC_EVAL_KEEP_EVENTS)) return lci_fail(err, LC_EUSAGE, NULL, 0, "the source evaluation did not keep its events (LC_EVAL_KEEP_EVENTS)");
    if (dst->m != src->m) return lci_fail(err, LC_EUSAGE, NULL, 0, "replays need evaluations of the same engine");
    if (dst == src || dst->broken) return lci_fail(err, LC_EUSAGE, NULL, 0, "lc_eval_replay: cannot replay into this evaluation");
    unsigned char *touched = NULL;
    lc_status rc = touched_types(sc, dst->m, &touched, err);
    if (rc != LC_OK) return rc;
    lua_State *L = sc ? lci_sandbox_lua(sc->sb) : NULL;
    int base = L ? lua_gettop(L) : 0;
    if (sc) lci_sandbox_begin(sc->sb); /* one replay, one budget */
    step st = {sc, dst, src, NULL, 0, 0, touched, NULL, "", LC_OK, err};
    if (L && !new_generator(L, seed)) rc = lci_oom(err);
    st.rng = base + 1; /* and the keys of event tables at base + 2 */
    size_t from = 0;
    if (rc == LC_OK) rc = start_from_head(&st, &from);
    if (rc == LC_OK && lci_eval_expect_like(dst, src) != 0) rc = lci_oom(err);
    if (rc == LC_OK) rc = from ? lci_eval_each_record_from(src, from, replay_step, &st)
                               : lci_eval_each_record(src, replay_step, &st);
    if (rc == LC_ENOMEM) lci_oom(err);
    if (rc == LC_OK && sc && sc->extra_ref != LUA_NOREF && (rc = run_step(&st, extra_step)) == LC_OK) rc = st.status;
    if (L) lua_settop(L, base);
    free(touched);
    return rc;
}
