/* Unit tests for sandbox.c: every limit of the rule sandbox is hit and
 * reported (directly, and through lc_engine_load_string as LC_ERULES), and
 * nothing unsafe is reachable from a rule file. */
#include <criterion/criterion.h>

#include <lua.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "libcontract.h"
#include "sandbox/sandbox.h"
#include "sandbox_fixture.h"

/* Small limits so that every test runs in milliseconds. */
#define SMALL_MEMORY ((size_t)8 << 20)
#define SMALL_INSTRUCTIONS UINT64_C(1000000)
#define SMALL_PATTERN UINT64_C(1000000)

static lci_sandbox *small_sandbox(void)
{
    return sandbox_with(SMALL_MEMORY, SMALL_INSTRUCTIONS, SMALL_PATTERN);
}

/* Loads and calls `code` in the sandbox, leaving nres results; 0 or -1. */
static int run(lci_sandbox *sb, const char *code, int nres, char *msg, size_t msgsize)
{
    msg[0] = '\0';
    if (lci_sandbox_load(sb, "t.lua", code, strlen(code), msg, msgsize) != 0) return -1;
    return lci_sandbox_call(sb, 0, nres, msg, msgsize);
}

/* Loads `text` as a rule file named "r.lua" in a fresh engine with small limits. */
static lc_status load_rules(const char *text, size_t memory, lc_error *err)
{
    lc_options opts = LC_OPTIONS_INIT;
    opts.lua_memory_limit = memory;
    opts.lua_instruction_limit = SMALL_INSTRUCTIONS;
    opts.lua_pattern_limit = SMALL_PATTERN;
    lc_engine *e = NULL;
    cr_assert_eq(lc_engine_new(&e, &opts, err), LC_OK);
    lc_status st = lc_engine_load_string(e, "r.lua", text, strlen(text), err);
    lc_engine_free(e);
    return st;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

#define assert_contains(hay, needle) \
    cr_assert(strstr((hay), (needle)) != NULL, "expected \"%s\" in \"%s\"", (needle), (hay))

/* Loads `text` as a rule file with small limits: it must fail, with `why`. */
static void assert_rules_stopped(const char *text, const char *why)
{
    lc_error err = {0};
    cr_assert_eq(load_rules(text, SMALL_MEMORY, &err), LC_ERULES);
    assert_contains(err.message, why);
}

/* ---- instruction limit ------------------------------------------------ */

Test(sandbox_instructions, infinite_loop_stopped_with_file_and_line, .timeout = 20)
{
    lc_error err = {0};
    lc_status st = load_rules("local x = 0\n"
                              "while true do x = x + 1 end\n",
                              SMALL_MEMORY, &err);
    cr_assert_eq(st, LC_ERULES);
    cr_assert_str_eq(err.file, "r.lua");
    cr_assert_eq(err.line, 2);
    assert_contains(err.message, "instruction limit");
}

Test(sandbox_instructions, pcall_cannot_swallow_the_limit, .timeout = 20)
{
    assert_rules_stopped("while true do pcall(function() while true do end end) end\n", "instruction limit");
}

Test(sandbox_instructions, error_handler_of_xpcall_cannot_swallow_the_limit, .timeout = 20)
{
    assert_rules_stopped("local function h(e) return e end\n"
                         "while true do xpcall(function() while true do end end, h) end\n",
                         "instruction limit");
}

Test(sandbox_instructions, loop_inside_coroutine_resumed_in_a_loop_stopped, .timeout = 20)
{
    assert_rules_stopped("while true do\n"
                         "  local co = coroutine.create(function() while true do end end)\n"
                         "  coroutine.resume(co)\n"
                         "end\n",
                         "instruction limit");
}

Test(sandbox_instructions, yielding_coroutine_resumed_forever_stopped, .timeout = 20)
{
    assert_rules_stopped("local co = coroutine.wrap(function() while true do coroutine.yield() end end)\n"
                         "while true do pcall(co) end\n",
                         "instruction limit");
}

Test(sandbox_instructions, budget_is_per_call_not_cumulative)
{
    char msg[256];
    lci_sandbox *sb = small_sandbox();
    /* each call runs ~40% of the budget: several calls in a row all pass */
    for (int i = 0; i < 5; i++)
        cr_assert_eq(run(sb, "local x = 0 for i = 1, 100000 do x = x + i end return x", 1, msg, sizeof msg), 0,
                     "call %d: %s", i, msg);
    lua_pop(lci_sandbox_lua(sb), 5);
    lci_sandbox_free(sb);
}

/* Loops inside C library functions run no VM instruction, so the count
 * hook never sees them: they must be bounded some other way. */
Test(sandbox_instructions, empty_string_rep_with_huge_count_ends_at_once, .timeout = 5)
{
    char msg[256];
    lci_sandbox *sb = small_sandbox();
    cr_assert_eq(run(sb, "return (''):rep(1 << 62), (''):rep(1 << 62, '')", 2, msg, sizeof msg), 0, "%s", msg);
    cr_assert_str_eq(lua_tostring(lci_sandbox_lua(sb), -1), "");
    lci_sandbox_free(sb);
}

Test(sandbox_instructions, table_move_over_a_huge_range_is_stopped, .timeout = 5)
{
    assert_rules_stopped("table.move({}, 1, 1 << 40, 1, {})\n", "instruction limit");
}

Test(sandbox_instructions, table_insert_behind_a_lying_len_is_stopped, .timeout = 5)
{
    assert_rules_stopped("local t = setmetatable({}, { __len = function() return 1 << 40 end })\n"
                         "table.insert(t, 1, 0)\n",
                         "instruction limit");
}

Test(sandbox_instructions, table_remove_behind_a_lying_len_is_stopped, .timeout = 5)
{
    assert_rules_stopped("local t = setmetatable({}, { __len = function() return 1 << 40 end })\n"
                         "table.remove(t, 1.0)\n",
                         "instruction limit");
}

Test(sandbox_instructions, charged_functions_keep_their_results)
{
    char msg[256];
    lci_sandbox *sb = small_sandbox();
    cr_assert_eq(run(sb,
                     "local t = {1, 2, 3}\n"
                     "table.insert(t, 1, 0); table.insert(t, 4); table.remove(t, 2); table.remove(t)\n"
                     "local m = table.move(t, 1, 3, 2, {})\n"
                     "return table.concat(t, ','), table.concat(m, ',', 2, 4), ('ab'):rep(3, '-'), (''):rep(1 << 40)",
                     4, msg, sizeof msg),
                 0, "%s", msg);
    lua_State *L = lci_sandbox_lua(sb);
    cr_assert_str_eq(lua_tostring(L, -4), "0,2,3");
    cr_assert_str_eq(lua_tostring(L, -3), "0,2,3");
    cr_assert_str_eq(lua_tostring(L, -2), "ab-ab-ab");
    cr_assert_str_eq(lua_tostring(L, -1), "");
    lci_sandbox_free(sb);
}

/* Each call copies a megabyte in C with a handful of VM instructions: the
 * copying itself is charged, through the allocations it makes. */
Test(sandbox_instructions, copying_big_strings_in_a_loop_is_stopped, .timeout = 10)
{
    const char *loops[] = {
        "local s = ('x'):rep(1 << 20) for i = 1, 1e9 do local u = s:upper() end",
        "local s = ('x'):rep(1 << 20) for i = 1, 1e9 do local u = s .. 'y' end",
        "local s = ('x'):rep(1 << 20) for i = 1, 1e9 do local u = s:rep(2) end",
        "local t = { ('x'):rep(1 << 20) } for i = 1, 1e9 do local u = table.concat(t) end",
    };
    for (size_t i = 0; i < sizeof loops / sizeof *loops; i++) {
        char msg[256];
        lci_sandbox *sb = small_sandbox();
        cr_assert_eq(run(sb, loops[i], 0, msg, sizeof msg), -1, "%s", loops[i]);
        assert_contains(msg, "instruction limit");
        lci_sandbox_free(sb);
    }
}

/* Lua 5.4.4's bug "Lua-stack overflow when C stack overflows while
 * handling an error" (upstream's own case): an error, not a crash. */
Test(sandbox_stack, error_handler_recursing_while_the_c_stack_overflows, .timeout = 20)
{
    char msg[256];
    lci_sandbox *sb = small_sandbox();
    int st = run(sb,
                 "local function loop() assert(pcall(loop)) end\n"
                 "local ok = xpcall(loop, loop)\n"
                 "return ok",
                 1, msg, sizeof msg);
    cr_assert(st == 0 || st == -1);
    lci_sandbox_free(sb);
}

/* A C function that works long per call, called in a loop: the budget of
 * VM instructions (documented as ~0.1-0.5 s) must still bound the time. */
static lc_status load_with_default_limits(const char *text, lc_error *err)
{
    lc_engine *e = NULL;
    cr_assert_eq(lc_engine_new(&e, NULL, err), LC_OK);
    lc_status st = lc_engine_load_string(e, "r.lua", text, strlen(text), err);
    lc_engine_free(e);
    return st;
}

Test(sandbox_instructions, allowed_pattern_match_in_a_loop_is_bounded_in_time, .timeout = 10)
{
    lc_error err = {0};
    /* each match is under the pattern limit (~0.1 s); the loop is not */
    lc_status st = load_with_default_limits("local s = ('a'):rep(9000)\n"
                                            "while true do s:find('a*b') end\n",
                                            &err);
    cr_assert_eq(st, LC_ERULES);
}

Test(sandbox_instructions, plain_find_on_a_long_string_in_a_loop_is_bounded_in_time, .timeout = 10)
{
    lc_error err = {0};
    lc_status st = load_with_default_limits("local s = ('a'):rep(1 << 22)\n"
                                            "while true do s:find('b', 1, true) end\n",
                                            &err);
    cr_assert_eq(st, LC_ERULES);
}

/* The rule file's declarations are read by C after the script ran; a
 * metamethod on a declared table must not run there unbounded or
 * unprotected (an error outside a protected call aborts the process). */
Test(sandbox_instructions, looping_index_metamethod_on_a_declaration_never_runs, .timeout = 5)
{
    lc_error err = {0};
    /* declarations are read raw: the metamethod never runs (it would hang) */
    lc_status st = load_rules("contract(setmetatable({ id = 'x', term = { '2026-03-01', '2026-04-01' } },\n"
                              "  { __index = function() while true do end end }))\n",
                              SMALL_MEMORY, &err);
    cr_assert_eq(st, LC_OK, "%s", err.message);
}

Test(sandbox_instructions, raising_index_metamethod_on_a_declaration_never_runs, .timeout = 5)
{
    lc_error err = {0};
    /* declarations are read raw: the metamethod never runs (it would abort
     * the process, raising outside any protected call) */
    lc_status st = load_rules("contract(setmetatable({ id = 'x', term = { '2026-03-01', '2026-04-01' } },\n"
                              "  { __index = function(_, k) error('boom ' .. k) end }))\n",
                              SMALL_MEMORY, &err);
    cr_assert_eq(st, LC_OK, "%s", err.message);
}

/* ---- memory limit ------------------------------------------------------- */

Test(sandbox_memory, huge_string_rep_refused, .timeout = 20)
{
    lc_error err = {0};
    lc_status st = load_rules("local s = ('x'):rep(2^40)\n", SMALL_MEMORY, &err);
    cr_assert_eq(st, LC_ERULES);
    cr_assert(strstr(err.message, "memory limit") || strstr(err.message, "too large"), "unclear message: %s",
              err.message);
}

Test(sandbox_memory, string_rep_beyond_the_limit_refused, .timeout = 20)
{
    lc_error err = {0};
    lc_status st = load_rules("local s = ('x'):rep(2^30)\n", SMALL_MEMORY, &err);
    cr_assert_eq(st, LC_ERULES);
    assert_contains(err.message, "memory limit");
}

Test(sandbox_memory, unbounded_table_growth_hits_the_limit, .timeout = 20)
{
    lc_options opts = LC_OPTIONS_INIT;
    opts.lua_memory_limit = SMALL_MEMORY;
    opts.lua_instruction_limit = UINT64_C(200000000); /* memory must be what stops it */
    lc_engine *e = NULL;
    lc_error err = {0};
    const char *text = "local t = {}\n"
                       "local i = 0\n"
                       "while true do i = i + 1; t[i] = { i } end\n";
    cr_assert_eq(lc_engine_new(&e, &opts, &err), LC_OK);
    cr_assert_eq(lc_engine_load_string(e, "r.lua", text, strlen(text), &err), LC_ERULES);
    assert_contains(err.message, "memory limit");
    lc_engine_free(e);
}

Test(sandbox_memory, state_never_holds_more_than_the_limit, .timeout = 20)
{
    char msg[256];
    lci_sandbox *sb = small_sandbox();
    cr_assert_eq(run(sb, "local t = {} for i = 1, 1e9 do t[i] = ('x'):rep(64) .. i end", 0, msg, sizeof msg), -1);
    assert_contains(msg, "memory limit");
    cr_assert_leq(lci_sandbox_memory(sb), SMALL_MEMORY);
    lci_sandbox_free(sb);
}

/* ---- stack ----------------------------------------------------------------- */

Test(sandbox_stack, deep_recursion_is_an_error_with_a_message, .timeout = 30)
{
    lc_options opts = LC_OPTIONS_INIT;
    lc_engine *e = NULL;
    lc_error err = {0};
    const char *text = "local function f() return 1 + f() end f()\n";
    cr_assert_eq(lc_engine_new(&e, &opts, &err), LC_OK);
    cr_assert_eq(lc_engine_load_string(e, "r.lua", text, strlen(text), &err), LC_ERULES);
    cr_assert(strstr(err.message, "stack overflow") || strstr(err.message, "memory limit") ||
                  strstr(err.message, "instruction limit"),
              "unclear message: %s", err.message);
    lc_engine_free(e);
}

/* ---- string patterns -------------------------------------------------------- */

Test(sandbox_patterns, catastrophic_pattern_refused_quickly, .timeout = 20)
{
    struct timespec t0;
    lc_options opts = LC_OPTIONS_INIT; /* the default pattern limit */
    lc_engine *e = NULL;
    lc_error err = {0};
    const char *text = "local s = ('a'):rep(8000)\n"
                       "local r = s:find('a*a*b')\n";
    cr_assert_eq(lc_engine_new(&e, &opts, &err), LC_OK);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    cr_assert_eq(lc_engine_load_string(e, "r.lua", text, strlen(text), &err), LC_ERULES);
    cr_assert_lt(seconds_since(&t0), 2.0);
    assert_contains(err.message, "pattern");
    cr_assert_eq(err.line, 2);
    lc_engine_free(e);
}

Test(sandbox_patterns, catastrophic_pattern_refused_in_every_pattern_function)
{
    static const char *const calls[] = {
        "return ('a'):rep(8000):find('a*a*b')",
        "return ('a'):rep(8000):match('a*a*b')",
        "return ('a'):rep(8000):gsub('a*a*b', '')",
        "for x in ('a'):rep(8000):gmatch('a*a*b') do end",
        "return string.find(('a'):rep(8000), '.-.-b')",
    };
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
        char msg[256];
        lci_sandbox *sb = small_sandbox();
        cr_assert_eq(run(sb, calls[i], 0, msg, sizeof msg), -1, "%s was not refused", calls[i]);
        assert_contains(msg, "pattern");
        lci_sandbox_free(sb);
    }
}

Test(sandbox_patterns, optional_items_cannot_backtrack_exponentially, .timeout = 5)
{
    /* a?^40 a^40 against a^40: 2^40 ways to try before the match */
    char msg[256];
    lci_sandbox *sb = small_sandbox();
    int rc = run(sb, "local n = 40\n"
                     "return (('a'):rep(n)):match(('a?'):rep(n) .. ('a'):rep(n))",
                 1, msg, sizeof msg);
    (void)rc; /* refused or matched: either is fine, as long as it ends */
    lci_sandbox_free(sb);
}

Test(sandbox_patterns, ordinary_patterns_work)
{
    char msg[256];
    lua_State *L;
    lci_sandbox *sb = default_sandbox();
    L = lci_sandbox_lua(sb);
    cr_assert_eq(run(sb, "return ('abc'):find('b')", 2, msg, sizeof msg), 0, "%s", msg);
    cr_assert_eq(lua_tointeger(L, -2), 2);
    cr_assert_eq(lua_tointeger(L, -1), 2);
    lua_pop(L, 2);
    cr_assert_eq(run(sb, "return ('2026-03-04'):match('^(%d+)-(%d+)-(%d+)$')", 3, msg, sizeof msg), 0, "%s", msg);
    cr_assert_str_eq(lua_tostring(L, -3), "2026");
    cr_assert_str_eq(lua_tostring(L, -1), "04");
    lua_pop(L, 3);
    cr_assert_eq(run(sb, "return (('a b  c '):rep(20)):gsub('%s+', '')", 2, msg, sizeof msg), 0, "%s", msg);
    cr_assert_eq(strlen(lua_tostring(L, -2)), 60);
    lua_pop(L, 2);
    cr_assert_eq(run(sb, "local n = 0 for w in (('word '):rep(200)):gmatch('%a+') do n = n + 1 end return n", 1, msg,
                     sizeof msg),
                 0, "%s", msg);
    cr_assert_eq(lua_tointeger(L, -1), 200);
    lua_pop(L, 1);
    lci_sandbox_free(sb);
}

/* Trimming is as ordinary as patterns get; its real cost is quadratic at
 * worst (the lazy middle always lets the match succeed). */
Test(sandbox_patterns, trim_idiom_on_a_kilobyte_of_text_works)
{
    char msg[256];
    lci_sandbox *sb = default_sandbox();
    lua_State *L = lci_sandbox_lua(sb);
    cr_assert_eq(run(sb, "return ('  ' .. ('word '):rep(200) .. '  '):match('^%s*(.-)%s*$')", 1, msg, sizeof msg), 0,
                 "%s", msg);
    cr_assert_eq(strlen(lua_tostring(L, -1)), 999);
    lua_pop(L, 1);
    lci_sandbox_free(sb);
}

Test(sandbox_patterns, plain_find_is_never_refused, .timeout = 20)
{
    char msg[256];
    lci_sandbox *sb = small_sandbox();
    lua_State *L = lci_sandbox_lua(sb);
    cr_assert_eq(run(sb, "return ('a'):rep(8000):find('a*a*b', 1, true)", 1, msg, sizeof msg), 0, "%s", msg);
    cr_assert(lua_isnil(L, -1));
    lua_pop(L, 1);
    lci_sandbox_free(sb);
}

/* ---- error objects ------------------------------------------------------------- */

Test(sandbox_errors, error_object_whose_tostring_errors_gives_a_message, .timeout = 20)
{
    lc_error err = {0};
    lc_status st = load_rules("error(setmetatable({}, { __tostring = function() error('again') end }))\n",
                              SMALL_MEMORY, &err);
    cr_assert_eq(st, LC_ERULES);
    cr_assert_neq(err.message[0], '\0');
}

Test(sandbox_errors, error_object_whose_tostring_loops_gives_a_message, .timeout = 20)
{
    lc_error err = {0};
    lc_status st = load_rules("error(setmetatable({}, { __tostring = function() while true do end end }))\n",
                              SMALL_MEMORY, &err);
    cr_assert_eq(st, LC_ERULES);
    cr_assert_neq(err.message[0], '\0');
}

/* ---- what a rule file cannot reach -------------------------------------------- */

Test(sandbox_unsafe, gc_metamethod_refused_by_setmetatable)
{
    char msg[256];
    lci_sandbox *sb = small_sandbox();
    cr_assert_eq(run(sb, "setmetatable({}, { __gc = function() end })", 0, msg, sizeof msg), -1);
    assert_contains(msg, "__gc");
    lci_sandbox_free(sb);

    lc_error err = {0};
    cr_assert_eq(load_rules("local t = setmetatable({}, { __gc = function() while true do end end })\n", SMALL_MEMORY,
                            &err),
                 LC_ERULES);
    assert_contains(err.message, "__gc");
    cr_assert_eq(err.line, 1);
}

Test(sandbox_unsafe, gc_added_after_setmetatable_never_runs_at_close, .timeout = 5)
{
    char msg[256];
    lci_sandbox *sb = small_sandbox();
    cr_assert_eq(run(sb, "local mt = {} KEEP = setmetatable({}, mt) mt.__gc = function() while true do end end", 0,
                     msg, sizeof msg),
                 0, "%s", msg);
    lci_sandbox_free(sb); /* would hang if the finalizer ran */
}

Test(sandbox_unsafe, load_of_G_cannot_reach_io_or_os)
{
    static const char *const names[] = {"io", "os"};
    for (size_t i = 0; i < 2; i++) {
        char text[128];
        lc_error err = {0};
        snprintf(text, sizeof text, "local G = load('return _G')()\nlocal x = G.%s\n", names[i]);
        cr_assert_eq(load_rules(text, SMALL_MEMORY, &err), LC_ERULES);
        assert_contains(err.message, "unknown name");
        assert_contains(err.message, names[i]);
        cr_assert_eq(err.line, 2);
    }
}

Test(sandbox_unsafe, absent_globals_are_unknown_names_to_a_rule_file)
{
    static const char *const names[] = {"io",       "os",    "require", "debug",  "dofile",
                                        "loadfile", "print", "package", "collectgarbage"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char text[128];
        lc_error err = {0};
        snprintf(text, sizeof text, "local x = %s\n", names[i]);
        cr_assert_eq(load_rules(text, SMALL_MEMORY, &err), LC_ERULES, "%s", names[i]);
        assert_contains(err.message, "unknown name");
        assert_contains(err.message, names[i]);
    }
}

Test(sandbox_unsafe, unsafe_functions_are_absent)
{
    char msg[256];
    lci_sandbox *sb = small_sandbox();
    lua_State *L = lci_sandbox_lua(sb);
    const char *code = "return io, os, require, debug, dofile, loadfile, collectgarbage, print, package,\n"
                       "       string.dump, math.random, math.randomseed";
    cr_assert_eq(run(sb, code, 12, msg, sizeof msg), 0, "%s", msg);
    for (int i = 1; i <= 12; i++) cr_assert(lua_isnil(L, -i), "result %d is present", 13 - i);
    lua_pop(L, 12);
    /* what rule files need is there */
    cr_assert_eq(run(sb, "return string.format, table.concat, math.floor, utf8.char, coroutine.wrap, pcall, load", 7,
                     msg, sizeof msg),
                 0, "%s", msg);
    for (int i = 1; i <= 7; i++) cr_assert(lua_isfunction(L, -i), "result %d is missing", 8 - i);
    lua_pop(L, 7);
    lci_sandbox_free(sb);
}

Test(sandbox_unsafe, binary_chunks_refused_by_load)
{
    char msg[256];
    lci_sandbox *sb = small_sandbox();
    lua_State *L = lci_sandbox_lua(sb);
    cr_assert_eq(run(sb, "return load('\\27LuaT\\0\\25\\147\\r\\n\\26\\n')", 2, msg, sizeof msg), 0, "%s", msg);
    cr_assert(lua_isnil(L, -2));
    cr_assert_str_neq(lua_tostring(L, -1), "");
    lua_pop(L, 2);
    /* asking for binary mode explicitly changes nothing */
    cr_assert_eq(run(sb, "return load('\\27LuaT\\0', 'x', 'b')", 2, msg, sizeof msg), 0, "%s", msg);
    cr_assert(lua_isnil(L, -2));
    lua_pop(L, 2);
    /* nor can the sandbox itself be given bytecode */
    cr_assert_eq(lci_sandbox_load(sb, "b", "\033LuaT\0", 6, msg, sizeof msg), -1);
    lci_sandbox_free(sb);

    lc_error err = {0};
    cr_assert_eq(load_rules("\033LuaT", SMALL_MEMORY, &err), LC_ERULES);
}

Test(sandbox_unsafe, string_metatable_is_not_handed_out)
{
    char msg[256];
    lci_sandbox *sb = small_sandbox();
    lua_State *L = lci_sandbox_lua(sb);
    cr_assert_eq(run(sb, "return getmetatable('')", 1, msg, sizeof msg), 0, "%s", msg);
    cr_assert_neq(lua_type(L, -1), LUA_TTABLE);
    lua_pop(L, 1);
    cr_assert_eq(run(sb, "getmetatable('').__index = {}", 0, msg, sizeof msg), -1);
    /* methods on strings still work */
    cr_assert_eq(run(sb, "return ('ab'):upper()", 1, msg, sizeof msg), 0, "%s", msg);
    cr_assert_str_eq(lua_tostring(L, -1), "AB");
    lua_pop(L, 1);
    lci_sandbox_free(sb);
}

/* ---- once stopped, stopped ------------------------------------------------------- */

Test(sandbox_stopped, later_calls_fail_after_the_instruction_limit, .timeout = 20)
{
    char msg[256];
    lci_sandbox *sb = small_sandbox();
    lua_State *L = lci_sandbox_lua(sb);
    cr_assert_eq(run(sb, "while true do end", 0, msg, sizeof msg), -1);
    assert_contains(msg, "instruction limit");
    int top = lua_gettop(L);
    cr_assert_eq(run(sb, "return 1", 1, msg, sizeof msg), -1);
    cr_assert_neq(msg[0], '\0');
    cr_assert_eq(lua_gettop(L), top, "the stack is as before the call");
    lci_sandbox_free(sb);
}

Test(sandbox_stopped, later_calls_fail_after_the_memory_limit, .timeout = 20)
{
    char msg[256];
    lci_sandbox *sb = small_sandbox();
    cr_assert_eq(run(sb, "local t = {} while true do t[#t + 1] = {} end", 0, msg, sizeof msg), -1);
    assert_contains(msg, "memory limit");
    cr_assert_eq(run(sb, "return 1", 1, msg, sizeof msg), -1);
    lci_sandbox_free(sb);
}

Test(sandbox_stopped, an_ordinary_error_does_not_stop_the_sandbox)
{
    char msg[256];
    lci_sandbox *sb = small_sandbox();
    cr_assert_eq(run(sb, "error('plain')", 0, msg, sizeof msg), -1);
    assert_contains(msg, "plain");
    cr_assert_eq(run(sb, "return 1", 1, msg, sizeof msg), 0, "%s", msg);
    lua_pop(lci_sandbox_lua(sb), 1);
    lci_sandbox_free(sb);
}

/* A rule written as a function runs once per month, at result time: a loop
 * there stops that result and every later one. */
Test(sandbox_stopped, looping_check_function_stops_this_and_later_results, .timeout = 20)
{
    static const char text[] = "contract { id = 'c', term = { '2026-03-01', '2026-05-01' } }\n"
                               "param { 'fee', '100.00', unit = 'money' }\n"
                               "penalty_base { pct = 100, of = P.fee }\n"
                               "breach 'loop.1' { class = 'minor', pct = 1,\n"
                               "  check = function(month) while true do end end }\n";
    lc_options opts = LC_OPTIONS_INIT;
    opts.lua_instruction_limit = SMALL_INSTRUCTIONS;
    lc_engine *e = NULL;
    lc_eval *ev = NULL;
    lc_result *res = NULL;
    lc_error err = {0};
    cr_assert_eq(lc_engine_new(&e, &opts, &err), LC_OK);
    cr_assert_eq(lc_engine_load_string(e, "r.lua", text, strlen(text), &err), LC_OK, "%s", err.message);
    cr_assert_eq(lc_eval_new(&ev, e, 0, &err), LC_OK);
    cr_assert_eq(lc_eval_result(ev, &res, &err), LC_ERULES);
    cr_assert_null(res);
    assert_contains(err.message, "instruction limit");
    memset(&err, 0, sizeof err);
    cr_assert_eq(lc_eval_result(ev, &res, &err), LC_ERULES);
    cr_assert_null(res);
    lc_eval_free(ev);
    lc_engine_free(e);
}
