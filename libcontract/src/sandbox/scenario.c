/* scenario.c — a scenario file read: what it declares, its generator.
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

#include "sandbox/luasource.h"
#include "sandbox/scenario.h"

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

int lci_scenario_generator(lua_State *L, uint64_t seed)
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
