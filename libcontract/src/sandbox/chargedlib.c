/* chargedlib.c — see chargedlib.h.  Each wrapper works out how many loop
 * rounds the original will run, charges them (lci_sandbox_charge raises
 * once the budget is spent), then calls the original with the same
 * arguments, so results and error messages stay Lua's own. */
#include "sandbox/chargedlib.h"

#include <lauxlib.h>
#include <lualib.h>

#include "sandbox/sandbox.h"

int lci_call_original(lua_State *L)
{
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

/* Rounds of a loop from `first` to `last` inclusive (0 when empty). */
static uint64_t rounds(lua_Integer first, lua_Integer last)
{
    return last < first ? 0 : (uint64_t)((lua_Unsigned)last - (lua_Unsigned)first) + 1;
}

/* string.rep(s, n [, sep]) copies n times into a result it allocates
 * first, and that allocation is charged by the sandbox's allocator.  Only
 * an empty result is never allocated: it needs no loop at all. */
static int charged_rep(lua_State *L)
{
    size_t len, seplen;
    luaL_checklstring(L, 1, &len);
    lua_Integer n = luaL_checkinteger(L, 2);
    luaL_optlstring(L, 3, "", &seplen);
    if (n > 0 && len + seplen == 0) {
        lua_pushliteral(L, "");
        return 1;
    }
    return lci_call_original(L);
}

/* table.move(a1, f, e, t [, a2]): e - f + 1 rounds of get and set. */
static int charged_move(lua_State *L)
{
    lua_Integer first = luaL_checkinteger(L, 2);
    lua_Integer last = luaL_checkinteger(L, 3);
    lci_sandbox_charge(L, rounds(first, last));
    return lci_call_original(L);
}

/* Charges the elements a shift from `pos` to #t moves.  #t may come from
 * a __len metamethod: it is asked here and again by the original. */
static void charge_shift(lua_State *L)
{
    int is_integer;
    lua_Integer pos = lua_tointegerx(L, 2, &is_integer);
    if (is_integer) lci_sandbox_charge(L, rounds(pos, luaL_len(L, 1)));
}

/* table.insert(t, pos, v) shifts #t - pos + 1 elements; table.insert(t, v) none. */
static int charged_insert(lua_State *L)
{
    if (lua_gettop(L) == 3) charge_shift(L);
    return lci_call_original(L);
}

/* table.remove(t, pos) shifts #t - pos elements; table.remove(t) none. */
static int charged_remove(lua_State *L)
{
    if (lua_gettop(L) >= 2) charge_shift(L);
    return lci_call_original(L);
}

static void wrap(lua_State *L, const char *library, const char *name, lua_CFunction wrapper)
{
    lua_getglobal(L, library);
    lua_getfield(L, -1, name);
    lua_pushcclosure(L, wrapper, 1);
    lua_setfield(L, -2, name);
    lua_pop(L, 1);
}

void lci_chargedlib_open(lua_State *L)
{
    wrap(L, LUA_STRLIBNAME, "rep", charged_rep);
    wrap(L, LUA_TABLIBNAME, "move", charged_move);
    wrap(L, LUA_TABLIBNAME, "insert", charged_insert);
    wrap(L, LUA_TABLIBNAME, "remove", charged_remove);
}
