/* sandbox.c — see sandbox.h.
 *
 * Shaped after lua.c's embedding (one protected call, a hook to stop a
 * runaway script) and after what Redis's scripting learnt from its CVEs:
 * libraries opened one by one, an allow-list of globals, no bytecode, and a
 * count hook that stays armed once the budget is spent. */
#include "sandbox/sandbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lualib.h>

#include "sandbox/chargedlib.h"
#include "sandbox/lpattern.h"

/* The hook runs every HOOK_STEP instructions while within budget. */
#define HOOK_STEP 1000

/* Copying, case mapping, concatenation and formatting run in C, where the
 * count hook never fires: one instruction can copy megabytes.  During a
 * call, every allocation of at least ALLOC_CHARGED_FROM bytes is charged
 * one step per ALLOC_BYTES_PER_STEP bytes (smaller ones are bounded by the
 * instructions that make them). */
#define ALLOC_CHARGED_FROM 1024
#define ALLOC_BYTES_PER_STEP 16

struct lci_sandbox {
    lua_State *L;
    lci_limits limits;
    const char *what;  /* "the rule file", "the scenario" */
    size_t used;
    uint64_t steps_left;
    uint64_t total_left;   /* of the session, not counting the running call's steps */
    uint64_t call_budget;  /* steps the running call started with */
    int total_binds;       /* the running call's budget is what is left of the session's */
    int stopped;       /* a limit stopped a script: the state is not trusted any more */
    int out_of_memory; /* the allocator refused a request */
    int in_call;       /* a lci_sandbox_call is running: allocations are charged */
};

static void count_hook(lua_State *L, lua_Debug *ar);

/* Once the budget is spent, the main thread stops at its next instruction
 * (a coroutine at its next hook, within HOOK_STEP instructions).
 * lua_sethook may be called at any point, even from inside the allocator. */
static void charge_allocation(lci_sandbox *sb, size_t bytes)
{
    if (!sb->in_call || bytes < ALLOC_CHARGED_FROM) return;
    uint64_t steps = bytes / ALLOC_BYTES_PER_STEP;
    if (sb->steps_left > steps) {
        sb->steps_left -= steps;
        return;
    }
    sb->steps_left = 0;
    lua_sethook(sb->L, count_hook, LUA_MASKCOUNT, 1);
}

/* The caller's allocator, else realloc and free. */
static void *base_alloc(const lci_sandbox *sb, void *ptr, size_t osize, size_t nsize)
{
    if (sb->limits.alloc) return sb->limits.alloc(sb->limits.alloc_ud, ptr, osize, nsize);
    if (nsize == 0) {
        free(ptr);
        return NULL;
    }
    return realloc(ptr, nsize);
}

static void *limited_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    lci_sandbox *sb = ud;
    size_t old = ptr ? osize : 0; /* without ptr, osize names a type, not a size */
    if (nsize == 0) {
        base_alloc(sb, ptr, osize, 0);
        sb->used -= old;
        return NULL;
    }
    if (nsize > old && nsize - old > sb->limits.memory - sb->used) {
        sb->out_of_memory = 1;
        return NULL;
    }
    void *p = base_alloc(sb, ptr, osize, nsize);
    if (!p) {
        sb->out_of_memory = 1;
        return NULL;
    }
    sb->used = sb->used - old + nsize;
    if (nsize > old) charge_allocation(sb, nsize - old);
    return p;
}

static lci_sandbox *sandbox_of(lua_State *L)
{
    void *ud = NULL;
    lua_getallocf(L, &ud);
    return ud;
}

/* Takes steps from the budget: 1 while it lasts; once it is spent, 0, and
 * the sandbox is stopped for good. */
static int spend(lci_sandbox *sb, uint64_t steps)
{
    if (!sb->stopped && sb->steps_left > steps) {
        sb->steps_left -= steps;
        return 1;
    }
    sb->stopped = 1;
    return 0;
}

/* Once the budget is spent the hook fires on every instruction, in this
 * coroutine and (through the shared budget) in any other, so a pcall in the
 * script only catches the error to meet it again at its next instruction. */
/* Which limit a spent budget was: one call's or the session's. */
static const char *limit_text(const lci_sandbox *sb, char *buf, size_t size)
{
    if (sb->total_binds)
        snprintf(buf, size, "total instruction limit of %llu for one load, evaluation or replay exceeded",
                 (unsigned long long)sb->limits.total);
    else snprintf(buf, size, "instruction limit of %llu exceeded", (unsigned long long)sb->limits.instructions);
    return buf;
}

static void count_hook(lua_State *L, lua_Debug *ar)
{
    lci_sandbox *sb = sandbox_of(L);
    char limit[120];
    if (spend(sb, HOOK_STEP)) return;
    lua_sethook(L, count_hook, LUA_MASKCOUNT, 1);
    lua_getinfo(L, "Sl", ar);
    lua_pushfstring(L, "%s:%d: %s (the rule may loop forever)", ar->short_src, ar->currentline,
                    limit_text(sb, limit, sizeof limit));
    lua_error(L);
}

void lci_sandbox_charge(lua_State *L, uint64_t steps)
{
    lci_sandbox *sb = sandbox_of(L);
    char limit[120];
    if (spend(sb, steps)) return;
    lua_sethook(L, count_hook, LUA_MASKCOUNT, 1);
    luaL_error(L, "%s (work done in a library function counts too)", limit_text(sb, limit, sizeof limit));
}

uint64_t lci_sandbox_pattern_limit(lua_State *L)
{
    return sandbox_of(L)->limits.pattern_steps;
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
    return lci_call_original(L);
}

/* load() of text only; without an explicit environment the chunk sees the
 * sandbox's globals (which are the state's globals: there is no other). */
static int safe_load(lua_State *L)
{
    size_t len;
    const char *text = luaL_checklstring(L, 1, &len);
    const char *name = luaL_optstring(L, 2, "=(load)");
    int has_env = !lua_isnone(L, 4);
    /* compiling runs in C, where the count hook never fires */
    lci_sandbox_charge(L, len < UINT64_MAX / LCI_COMPILE_STEPS_PER_BYTE ? len * LCI_COMPILE_STEPS_PER_BYTE : UINT64_MAX);
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
    lci_patterns_open(L); /* Lua's own matcher cannot be stopped: ours counts its work */
    lua_pop(L, 1);
    lua_getfield(L, -1, LUA_MATHLIBNAME);
    remove_fields(L, unsafe_math);
    lua_pop(L, 2);
    lci_chargedlib_open(L);

    /* getmetatable("") would hand out the string library's metatable. */
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 2);
    return 0;
}

lci_sandbox *lci_sandbox_new(const lci_limits *limits, const char *what)
{
    lci_sandbox *sb = calloc(1, sizeof *sb);
    if (!sb) return NULL;
    sb->limits = *limits;
    sb->what = what;
    sb->total_left = limits->total;
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

void lci_sandbox_begin(lci_sandbox *sb)
{
    sb->total_left = sb->limits.total;
}

int lci_sandbox_load(lci_sandbox *sb, const char *name, const char *text, size_t len, char *msg,
                     size_t msgsize)
{
    char chunkname[300];
    snprintf(chunkname, sizeof chunkname, "@%s", name);
    sb->out_of_memory = 0;
    uint64_t cost = len < UINT64_MAX / LCI_COMPILE_STEPS_PER_BYTE ? len * LCI_COMPILE_STEPS_PER_BYTE : UINT64_MAX;
    if (cost > sb->total_left) {
        sb->total_left = 0;
        snprintf(msg, msgsize, "%s: compiling %zu bytes would exceed the total instruction limit of %llu for one "
                               "load, evaluation or replay", name, len, (unsigned long long)sb->limits.total);
        return -1;
    }
    sb->total_left -= cost;
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
        snprintf(msg, msgsize, "%s was stopped by a sandbox limit earlier: its state is not trusted any more", sb->what);
        return -1;
    }
    sb->total_binds = sb->total_left < sb->limits.instructions;
    sb->call_budget = sb->steps_left = sb->total_binds ? sb->total_left : sb->limits.instructions;
    sb->out_of_memory = 0;
    lua_sethook(L, count_hook, LUA_MASKCOUNT, HOOK_STEP);
    sb->in_call = 1;
    int status = lua_pcall(L, nargs, nresults, 0);
    sb->in_call = 0;
    lua_sethook(L, NULL, 0, 0);
    uint64_t spent = sb->call_budget - sb->steps_left;
    sb->total_left = spent < sb->total_left ? sb->total_left - spent : 0;
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
