/* function.c — the kind of rule written as a Lua function, run per month.
 *
 *     breach "chronic.1" { class = "chronic", pct = P.credit, base = P.fee,
 *                          measures = { "availability", "p1_reply" },
 *                          check = function(month, p) return month.availability < p.target, "why" end }
 *
 * For what a table cannot say (two measures of one month joined).  The
 * function runs once per month, in the rule file's sandbox, with `month` —
 * each measure's value by name as a Lua number (nil when the month has
 * none) and month.month ("2026-04") — and `p`, the parameters' current
 * values by name.  It returns whether the rule applies — a boolean or nil:
 * Lua's truthiness would count NaN, 0 or a table as a hit — and, optionally,
 * the reason to show (text of at most 4 KiB).  `measures` names the
 * measures it reads (checked at load).  Such a rule names no events. */
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>

#include "kinds/shared.h"
#include "sandbox/sandbox.h"

/* The longest reason a rule function may give (bytes): reasons are kept
 * per month and rule, so their size must not be the rule file's choice. */
#define REASON_LIMIT 4096

typedef struct function {
    int ref; /* the function, in the Lua state's registry */
} function;

static int read(lci_reader *r, int spec, lci_rule *rule)
{
    function *f = calloc(1, sizeof *f);
    if (!f) return lci_read_oom(r);
    f->ref = LUA_NOREF;
    rule->data = f;
    const char **measures = NULL;
    size_t n = 0;
    int ok = 0;
    if (lci_read_get(r, spec, "measures") == LUA_TTABLE) ok = lci_read_strings(r, lua_gettop(r->L), &measures, &n, "a measure");
    lua_settop(r->L, spec);
    char hint[96];
    for (size_t i = 0; ok == 0 && i < n; i++)
        if (lci_model_measure(r->m, measures[i]) < 0)
            ok = lci_read_fail(r, rule->line, "rule %s: measures names an unknown measure '%s'%s", rule->id, measures[i],
                               lci_hint(lci_model_nearest(r->m, LCI_NAMES_MEASURES, measures[i]), hint, sizeof hint));
    free(measures);
    if (ok != 0) return ok;
    if (lci_read_get(r, spec, "check") != LUA_TFUNCTION) {
        lua_pop(r->L, 1);
        return lci_read_fail(r, rule->line, "rule %s: check must be a function", rule->id);
    }
    f->ref = luaL_ref(r->L, LUA_REGISTRYINDEX);
    return f->ref == LUA_NOREF ? lci_read_oom(r) : 0;
}

static void push_month_table(const lci_build *b, lua_State *L, int month)
{
    char label[8];
    lua_createtable(L, 0, (int)b->m->nmeasures + 2);
    lci_month_format(b->m->first_month + month, label, sizeof label);
    lua_pushstring(L, label);
    lua_setfield(L, -2, "month");
    for (size_t mi = 0; mi < b->m->nmeasures; mi++) {
        const lci_mvalue *v = lci_figure(&b->fig, (int)mi, month);
        if (!v->present) continue;
        lua_pushnumber(L, lci_exact_to_double(v->value, b->m->measures[mi].unit));
        lua_setfield(L, -2, b->m->measures[mi].name);
    }
}

/* The parameters' current values, by name (so --set reaches the function). */
static void push_params(const lci_model *m, lua_State *L)
{
    lua_createtable(L, 0, (int)m->nparams);
    for (size_t i = 0; i < m->nparams; i++) {
        lua_pushnumber(L, lci_dec_to_double(m->params[i].value));
        lua_setfield(L, -2, m->params[i].name);
    }
}

/* Runs inside the sandbox's protected, budgeted call: building the
 * arguments may run out of the state's memory like the rule itself. */
static int call_check(lua_State *L)
{
    const lci_build *b = lua_touserdata(L, 1);
    const lci_rule *r = lua_touserdata(L, 2);
    int month = (int)lua_tointeger(L, 3);
    lua_settop(L, 0);
    lua_rawgeti(L, LUA_REGISTRYINDEX, ((const function *)r->data)->ref);
    push_month_table(b, L, month);
    push_params(b->m, L);
    lua_call(L, 2, 2);
    return 2;
}

/* What the function returned for month i (on the stack top: hit, reason):
 * LC_OK with *hit, and *reason (the caller's) when it hit; LC_ERULES for
 * anything but a boolean or nil first, or a reason that is not short text. */
static lc_status returned(lci_build *b, const lci_rule *r, int i, lua_State *L, int *hit, char **reason)
{
    char month[8];
    lci_month_format(b->m->first_month + i, month, sizeof month);
    *reason = NULL;
    int t = lua_type(L, -2);
    if (t != LUA_TBOOLEAN && t != LUA_TNIL) {
        char shown[48] = "";
        if (t == LUA_TNUMBER) snprintf(shown, sizeof shown, " (%.14g)", lua_tonumber(L, -2));
        return lci_rule_error(b, r, "check returned a %s%s for %s: it must return true, false or nil first",
                              lua_typename(L, t), shown, month);
    }
    *hit = lua_toboolean(L, -2);
    if (!*hit) return LC_OK;
    size_t len = 0;
    int rt = lua_type(L, -1);
    if (rt != LUA_TSTRING && rt != LUA_TNIL)
        return lci_rule_error(b, r, "check returned a %s as the reason for %s: give a string or nothing",
                              lua_typename(L, rt), month);
    const char *why = rt == LUA_TSTRING ? lua_tolstring(L, -1, &len) : r->id;
    if (len > REASON_LIMIT) return lci_rule_error(b, r, "the reason for %s is %zu bytes long: at most %d", month, len, REASON_LIMIT);
    if (!lci_utf8_text(why, rt == LUA_TSTRING ? len : 0))
        return lci_rule_error(b, r, "the reason for %s is not text (a NUL byte or invalid UTF-8)", month);
    *reason = lci_strdup(why);
    return *reason ? LC_OK : LC_ENOMEM;
}

static lc_status apply(lci_build *b, const lci_rule *r)
{
    lci_sandbox *sb = b->ev->engine->sb;
    lua_State *L = lci_sandbox_lua(sb);
    char msg[LC_ERROR_MESSAGE_MAX];
    lc_status rc = LC_OK;
    for (int i = 0; i < b->m->nmonths && rc == LC_OK; i++) {
        if (!lua_checkstack(L, 8)) return LC_ENOMEM;
        lua_pushcfunction(L, call_check);
        lua_pushlightuserdata(L, b);
        lua_pushlightuserdata(L, (void *)r);
        lua_pushinteger(L, i);
        if (lci_sandbox_call(sb, 3, 2, msg, sizeof msg) != 0) return lci_rule_stopped(b, r, msg);
        lci_emission e = {.month = i};
        int hit = 0;
        rc = returned(b, r, i, L, &hit, &e.reason);
        lua_pop(L, 2);
        if (rc == LC_OK && hit) rc = lci_emit(b, r, &e);
        else lci_emission_free(&e);
    }
    return rc;
}

static void describe(const lci_model *m, const lci_rule *r, lci_buf *out)
{
    (void)m;
    (void)r;
    lci_buf_puts(out, "each month for which its Lua function says so");
}

static const char *const selects[] = {"check", NULL};

static const lci_key keys[] = {
    {"check", LCI_SHAPE_FUNCTION, NULL},
    {"measures", LCI_SHAPE_STRINGS, NULL},
    LCI_KEYS_END,
};

const lci_kind lci_kind_function = {
    .name = "function",
    .reads_any_param = 1, /* the check function sees every parameter (P) */
    .selects = selects,
    .keys = keys,
    .read = read,
    .apply = apply,
    .describe = describe,
};
