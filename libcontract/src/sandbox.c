/* sandbox.c — see sandbox.h.
 *
 * Shaped after lua.c's embedding (one protected call, a hook to stop a
 * runaway script) and after what Redis's scripting learnt from its CVEs:
 * libraries opened one by one, an allow-list of globals, no bytecode, and a
 * count hook that stays armed once the budget is spent. */
#include "sandbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lualib.h>

/* The hook runs every HOOK_STEP instructions while within budget. */
#define HOOK_STEP 1000

struct lci_sandbox {
    lua_State *L;
    lci_limits limits;
    size_t used;
    uint64_t steps_left;
    int stopped;       /* a limit stopped a script: the state is not trusted any more */
    int out_of_memory; /* the allocator refused a request */
};

static void *limited_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    lci_sandbox *sb = ud;
    size_t old = ptr ? osize : 0; /* without ptr, osize names a type, not a size */
    if (nsize == 0) {
        free(ptr);
        sb->used -= old;
        return NULL;
    }
    if (nsize > old && nsize - old > sb->limits.memory - sb->used) {
        sb->out_of_memory = 1;
        return NULL;
    }
    void *p = realloc(ptr, nsize);
    if (!p) {
        sb->out_of_memory = 1;
        return NULL;
    }
    sb->used = sb->used - old + nsize;
    return p;
}

static lci_sandbox *sandbox_of(lua_State *L)
{
    void *ud = NULL;
    lua_getallocf(L, &ud);
    return ud;
}

/* Once the budget is spent the hook fires on every instruction, in this
 * coroutine and (through the shared budget) in any other, so a pcall in the
 * script only catches the error to meet it again at its next instruction. */
static void count_hook(lua_State *L, lua_Debug *ar)
{
    lci_sandbox *sb = sandbox_of(L);
    if (!sb->stopped && sb->steps_left > HOOK_STEP) {
        sb->steps_left -= HOOK_STEP;
        return;
    }
    sb->stopped = 1;
    lua_sethook(L, count_hook, LUA_MASKCOUNT, 1);
    lua_getinfo(L, "Sl", ar);
    lua_pushfstring(L, "%s:%d: instruction limit of %I exceeded (the rule may loop forever)", ar->short_src,
                    ar->currentline, (lua_Integer)sb->limits.instructions);
    lua_error(L);
}

void lci_sandbox_charge(lua_State *L, uint64_t steps)
{
    lci_sandbox *sb = sandbox_of(L);
    if (!sb->stopped && sb->steps_left > steps) {
        sb->steps_left -= steps;
        return;
    }
    sb->stopped = 1;
    lua_sethook(L, count_hook, LUA_MASKCOUNT, 1);
    luaL_error(L, "instruction limit of %I exceeded (work done in a library function counts too)",
               (lua_Integer)sb->limits.instructions);
}

/* Lua runs __gc finalizers with hooks off (and at lua_close), so a looping
 * finalizer could never be stopped: objects with one are refused. */
static int safe_setmetatable(lua_State *L)
{
    if (lua_type(L, 2) == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        if (lua_rawget(L, 2) != LUA_TNIL)
            return luaL_error(L, "__gc finalizers are not allowed in rule files");
        lua_pop(L, 1);
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

/* load() of text only; without an explicit environment the chunk sees the
 * sandbox's globals (which are the state's globals: there is no other). */
static int safe_load(lua_State *L)
{
    size_t len;
    const char *text = luaL_checklstring(L, 1, &len);
    const char *name = luaL_optstring(L, 2, "=(load)");
    int has_env = !lua_isnone(L, 4);
    if (luaL_loadbufferx(L, text, len, name, "t") != LUA_OK) {
        luaL_pushfail(L);
        lua_insert(L, -2);
        return 2;
    }
    if (has_env) {
        lua_pushvalue(L, 4);
        if (!lua_setupvalue(L, -2, 1)) lua_pop(L, 1);
    }
    return 1;
}

/* Lua's matcher backtracks in C, where the count hook never fires:
 * ("a"):rep(8000):find("a*a*b") runs for minutes.  With q unbounded
 * quantifiers a match attempt can try every way of sharing the subject's n
 * bytes among them, C(n+q, q), and an unanchored pattern is tried from
 * every start; a match whose worst case passes the limit is refused before
 * it starts. */
static int pattern_quantifiers(const char *p, size_t len)
{
    int q = 0, in_set = 0;
    for (size_t i = 0; i < len; i++) {
        char c = p[i];
        if (c == '%') {
            if (i + 1 < len && p[i + 1] == 'b') q++; /* %bxy scans ahead */
            i++;
            continue;
        }
        if (in_set) {
            if (c == ']') in_set = 0;
            continue;
        }
        if (c == '[') {
            in_set = 1;
            if (i + 1 < len && p[i + 1] == '^') i++;
            if (i + 1 < len && p[i + 1] == ']') i++;
            continue;
        }
        if ((c == '*' || c == '+' || c == '-') && i > 0) q++;
    }
    return q;
}

static double pattern_cost(size_t n, int quantifiers, int anchored)
{
    double ways = 1; /* C(n + q, q), saturating in a double */
    for (int k = 1; k <= quantifiers && ways < 1e30; k++) ways = ways * (double)(n + (size_t)k) / k;
    return (anchored ? 1.0 : (double)n + 1) * ways;
}

static int guarded_pattern(lua_State *L)
{
    size_t slen, plen;
    luaL_checklstring(L, 1, &slen);
    const char *pat = luaL_checklstring(L, 2, &plen);
    int plain = lua_toboolean(L, 4) && lua_tointeger(L, lua_upvalueindex(2)) == 1;
    if (!plain) {
        lci_sandbox *sb = sandbox_of(L);
        double cost = pattern_cost(slen, pattern_quantifiers(pat, plen), plen > 0 && pat[0] == '^');
        if (cost > (double)sb->limits.pattern_steps)
            return luaL_error(L, "pattern too costly for a subject of %d bytes (worst case %f steps, limit %f)",
                              (int)slen, (lua_Number)cost, (lua_Number)sb->limits.pattern_steps);
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

static void guard_pattern_function(lua_State *L, const char *name, int has_plain)
{
    lua_getfield(L, -1, name);
    lua_pushinteger(L, has_plain);
    lua_pushcclosure(L, guarded_pattern, 2);
    lua_setfield(L, -2, name);
}

static void remove_fields(lua_State *L, const char *const *names)
{
    for (; *names; names++) {
        lua_pushnil(L);
        lua_setfield(L, -2, *names);
    }
}

static void open_library(lua_State *L, const char *name, lua_CFunction open)
{
    luaL_requiref(L, name, open, 1);
    lua_pop(L, 1);
}

static int setup_state(lua_State *L)
{
    static const char *const unsafe_globals[] = {"dofile", "loadfile", "collectgarbage", "print",
                                                 "require", NULL};
    static const char *const unsafe_string[] = {"dump", NULL};
    static const char *const unsafe_math[] = {"random", "randomseed", NULL};

    open_library(L, LUA_GNAME, luaopen_base);
    open_library(L, LUA_STRLIBNAME, luaopen_string);
    open_library(L, LUA_TABLIBNAME, luaopen_table);
    open_library(L, LUA_MATHLIBNAME, luaopen_math);
    open_library(L, LUA_UTF8LIBNAME, luaopen_utf8);
    open_library(L, LUA_COLIBNAME, luaopen_coroutine);

    lua_pushglobaltable(L);
    remove_fields(L, unsafe_globals);
    lua_getfield(L, -1, "setmetatable");
    lua_pushcclosure(L, safe_setmetatable, 1);
    lua_setfield(L, -2, "setmetatable");
    lua_pushcfunction(L, safe_load);
    lua_setfield(L, -2, "load");

    lua_getfield(L, -1, LUA_STRLIBNAME);
    remove_fields(L, unsafe_string);
    guard_pattern_function(L, "find", 1);
    guard_pattern_function(L, "match", 0);
    guard_pattern_function(L, "gmatch", 0);
    guard_pattern_function(L, "gsub", 0);
    lua_pop(L, 1);
    lua_getfield(L, -1, LUA_MATHLIBNAME);
    remove_fields(L, unsafe_math);
    lua_pop(L, 2);

    /* getmetatable("") would hand out the string library's metatable. */
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 2);
    return 0;
}

lci_sandbox *lci_sandbox_new(const lci_limits *limits)
{
    lci_sandbox *sb = calloc(1, sizeof *sb);
    if (!sb) return NULL;
    sb->limits = *limits;
    sb->L = lua_newstate(limited_alloc, sb);
    if (!sb->L) {
        free(sb);
        return NULL;
    }
    lua_pushcfunction(sb->L, setup_state);
    if (lua_pcall(sb->L, 0, 0, 0) != LUA_OK) {
        lci_sandbox_free(sb);
        return NULL;
    }
    return sb;
}

void lci_sandbox_free(lci_sandbox *sb)
{
    if (!sb) return;
    if (sb->L) lua_close(sb->L);
    free(sb);
}

lua_State *lci_sandbox_lua(lci_sandbox *sb)
{
    return sb->L;
}

size_t lci_sandbox_memory(const lci_sandbox *sb)
{
    return sb->used;
}

/* Never calls __tostring: an error object's own metamethods could raise
 * again or loop. */
static void error_message(lci_sandbox *sb, int status, char *msg, size_t msgsize)
{
    lua_State *L = sb->L;
    if (status == LUA_ERRMEM || (sb->out_of_memory && lua_type(L, -1) != LUA_TSTRING)) {
        snprintf(msg, msgsize, "memory limit of %zu bytes exceeded", sb->limits.memory);
    } else if (lua_type(L, -1) == LUA_TSTRING) {
        snprintf(msg, msgsize, "%s", lua_tostring(L, -1));
        if (status == LUA_ERRMEM || strcmp(msg, "not enough memory") == 0)
            snprintf(msg, msgsize, "memory limit of %zu bytes exceeded", sb->limits.memory);
    } else {
        snprintf(msg, msgsize, "a rule raised an error object of type %s, not a message",
                 luaL_typename(L, -1));
    }
    lua_pop(L, 1);
}

int lci_sandbox_load(lci_sandbox *sb, const char *name, const char *text, size_t len, char *msg,
                     size_t msgsize)
{
    char chunkname[300];
    snprintf(chunkname, sizeof chunkname, "@%s", name);
    sb->out_of_memory = 0;
    int status = luaL_loadbufferx(sb->L, text, len, chunkname, "t");
    if (status != LUA_OK) {
        error_message(sb, status, msg, msgsize);
        return -1;
    }
    return 0;
}

int lci_sandbox_call(lci_sandbox *sb, int nargs, int nresults, char *msg, size_t msgsize)
{
    lua_State *L = sb->L;
    if (sb->stopped) {
        lua_pop(L, nargs + 1);
        snprintf(msg, msgsize, "the rule file was stopped by a sandbox limit earlier");
        return -1;
    }
    sb->steps_left = sb->limits.instructions;
    sb->out_of_memory = 0;
    lua_sethook(L, count_hook, LUA_MASKCOUNT, HOOK_STEP);
    int status = lua_pcall(L, nargs, nresults, 0);
    lua_sethook(L, NULL, 0, 0);
    if (status != LUA_OK) {
        if (status == LUA_ERRMEM || sb->out_of_memory) sb->stopped = 1;
        error_message(sb, status, msg, msgsize);
        return -1;
    }
    return 0;
}

static int line_of_chunk(lua_State *L)
{
    const char *source = lua_tostring(L, lua_upvalueindex(1));
    lua_Debug ar;
    for (int level = 1; lua_getstack(L, level, &ar); level++) {
        lua_getinfo(L, "Sl", &ar);
        if (ar.source && strcmp(ar.source, source) == 0) {
            lua_pushinteger(L, ar.currentline);
            return 1;
        }
    }
    lua_pushinteger(L, 0);
    return 1;
}

void lci_sandbox_push_line_function(lci_sandbox *sb, const char *name)
{
    lua_pushfstring(sb->L, "@%s", name);
    lua_pushcclosure(sb->L, line_of_chunk, 1);
}
