/* contract.c — the Lua 5.4 binding of libcontract: `require "contract"`.
 *
 * A client of the public API (libcontract.h) only.  Handles are full
 * userdata with __gc, __close and an explicit :close():
 *
 *   contract.engine        lc_engine   (rules and parameters)
 *   contract.evaluation    lc_eval     (keeps its engine in its uservalue)
 *   contract.result        lc_result   (independent of its engine)
 *   contract.scenario      lc_scenario
 *   contract.event         lc_event    (typed-event builder; keeps its engine)
 *
 * An engine counts the evaluations and builders that use it: closing it
 * (or collecting it) while they live only marks it closed, and the C engine
 * is freed when the last of them is closed or collected.
 *
 * Errors from libcontract are raised as a table {code, status, file, line,
 * message} whose metatable (contract.Error) gives "file:line: message" —
 * the text the command line prints — through __tostring.  Misuse detected
 * by the binding (an unknown format, a closed handle) is raised the same
 * way with code 2 (usage); wrong Lua argument types raise the usual
 * "bad argument" strings.
 *
 * Results are read through the accessors (lc_result_count, lc_result_text,
 * ...), never by parsing their JSON: result:table() builds the JSON's shape
 * from them.  A Lua table pushed as an event is built as a typed event
 * (lc_event_*, the setter chosen by the field's kind) and refused, warned
 * about or tallied as its JSON line would be.  Times go through
 * lc_time_parse and lc_time_format.  contract.decode keeps a small JSON
 * reader for scripts that read feeds (integers stay integers; JSON null is
 * contract.null). */
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "libcontract.h"

#define EXPORT __attribute__((visibility("default")))

EXPORT int luaopen_contract(lua_State *L);

#define MT_ENGINE "contract.engine"
#define MT_EVAL "contract.evaluation"
#define MT_RESULT "contract.result"
#define MT_SCENARIO "contract.scenario"
#define MT_EVENT "contract.event"
#define MT_BOX "contract.box"
#define MT_NULL "contract.null"
#define MT_ERROR "contract.Error"

#define JSON_MAX_DEPTH 200 /* contract.decode */

typedef struct l_engine {
    lc_engine *h;
    int users;  /* evaluations and builders that still use h */
    int closed; /* :close() or __gc ran: no further use */
} l_engine;

typedef struct l_eval {
    lc_eval *h;
    l_engine *eng;      /* anchored by the uservalue */
    long pushes;        /* single events pushed (default line numbers) */
    unsigned flags;     /* LC_EVAL_* it was made with */
    lc_event *builder;  /* where pushed tables are built, once one is */
} l_eval;

typedef struct l_result {
    lc_result *h;
} l_result;

typedef struct l_scenario {
    lc_scenario *h;
} l_scenario;

typedef struct l_event {
    lc_event *h;
    l_engine *eng; /* anchored by the uservalue */
    int type;      /* -1 before :reset */
} l_event;

/* ---- boxes: C memory owned by a userdata until handed over ---------------- */

typedef void (*box_free_fn)(void *);

typedef struct box {
    void *p;
    box_free_fn free_fn;
} box;

static int box_gc(lua_State *L)
{
    box *b = luaL_checkudata(L, 1, MT_BOX);
    if (b->p && b->free_fn) b->free_fn(b->p);
    b->p = NULL;
    return 0;
}

/* Pushes an empty box: whatever is put in it is freed if a Lua error
 * unwinds the stack before box_release. */
static box *box_new(lua_State *L, box_free_fn fn)
{
    box *b = lua_newuserdatauv(L, sizeof *b, 0);
    b->p = NULL;
    b->free_fn = fn;
    luaL_setmetatable(L, MT_BOX);
    return b;
}

static void box_release(box *b)
{
    if (b->p && b->free_fn) b->free_fn(b->p);
    b->p = NULL;
}

/* ---- errors --------------------------------------------------------------- */

static void push_error_object(lua_State *L, lc_status code, const char *file, long line, const char *message)
{
    lua_createtable(L, 0, 5);
    lua_pushinteger(L, code);
    lua_setfield(L, -2, "code");
    lua_pushstring(L, lc_status_name(code));
    lua_setfield(L, -2, "status");
    if (file && file[0]) {
        lua_pushstring(L, file);
        lua_setfield(L, -2, "file");
    }
    if (line > 0) {
        lua_pushinteger(L, line);
        lua_setfield(L, -2, "line");
    }
    lua_pushstring(L, message && message[0] ? message : lc_status_name(code));
    lua_setfield(L, -2, "message");
    luaL_setmetatable(L, MT_ERROR);
}

/* Raises the error libcontract reported. */
static int raise_lc(lua_State *L, lc_status st, const lc_error *err)
{
    lc_status code = err->code != LC_OK ? err->code : st;
    push_error_object(L, code, err->file, err->line, err->message);
    return lua_error(L);
}

/* Raises a usage error found by the binding itself. */
static int raise_usage(lua_State *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int raise_usage(lua_State *L, const char *fmt, ...)
{
    char msg[LC_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    push_error_object(L, LC_EUSAGE, NULL, 0, msg);
    return lua_error(L);
}

#define CHECK(L, call)                                   \
    do {                                                 \
        lc_error err_ = {0};                             \
        lc_status st_ = (call);                          \
        if (st_ != LC_OK) return raise_lc(L, st_, &err_); \
    } while (0)
#define ERR (&err_)

/* "file:line: message", as lc_error_format and the command line write it. */
static int error_tostring(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_getfield(L, 1, "file");
    lua_getfield(L, 1, "line");
    lua_getfield(L, 1, "message");
    const char *file = lua_tostring(L, -3);
    lua_Integer line = lua_isinteger(L, -2) ? lua_tointeger(L, -2) : 0;
    const char *msg = lua_tostring(L, -1);
    if (!msg) msg = "error";
    if (file && file[0] && line > 0) lua_pushfstring(L, "%s:%I: %s", file, line, msg);
    else if (file && file[0]) lua_pushfstring(L, "%s: %s", file, msg);
    else lua_pushstring(L, msg);
    return 1;
}

static int error_concat(lua_State *L)
{
    for (int i = 1; i <= 2; i++)
        if (lua_type(L, i) == LUA_TTABLE) {
            lua_pushcfunction(L, error_tostring);
            lua_pushvalue(L, i);
            lua_call(L, 1, 1);
            lua_replace(L, i);
        }
    lua_settop(L, 2);
    lua_concat(L, 2);
    return 1;
}

/* A string method called on an error: string.f(tostring(err), ...). */
static int error_string_method(lua_State *L)
{
    lua_pushcfunction(L, error_tostring);
    lua_pushvalue(L, 1);
    lua_call(L, 1, 1);
    lua_replace(L, 1);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

/* __index of errors: the string library's functions as methods, so code
 * written for string errors (err:match(...), err:find(...)) still works. */
static int error_index(lua_State *L)
{
    if (lua_type(L, 2) != LUA_TSTRING || lua_type(L, lua_upvalueindex(1)) != LUA_TTABLE) return 0;
    lua_pushvalue(L, 2);
    lua_rawget(L, lua_upvalueindex(1));
    if (!lua_isfunction(L, -1)) return 0;
    lua_pushcclosure(L, error_string_method, 1);
    return 1;
}

/* ---- small helpers ------------------------------------------------------- */

static void set_str(lua_State *L, const char *key, const char *value)
{
    if (value) {
        lua_pushstring(L, value);
        lua_setfield(L, -2, key);
    }
}

static void set_int(lua_State *L, const char *key, lua_Integer value)
{
    lua_pushinteger(L, value);
    lua_setfield(L, -2, key);
}

static void set_bool(lua_State *L, const char *key, int value)
{
    lua_pushboolean(L, value);
    lua_setfield(L, -2, key);
}

/* Fen as decimal text: 515880 -> "5158.80". */
static void fen_text(int64_t fen, char *buf, size_t size)
{
    uint64_t mag = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
    snprintf(buf, size, "%s%" PRIu64 ".%02" PRIu64, fen < 0 ? "-" : "", mag / 100, mag % 100);
}

static void set_amount(lua_State *L, const char *key, int64_t fen)
{
    char buf[32];
    fen_text(fen, buf, sizeof buf);
    set_str(L, key, buf);
}

/* The fewest significant digits (15..17) that read back as the same double. */
static void float_text(double d, char *buf, size_t size)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, d);
        if (strtod(buf, NULL) == d) break;
    }
    for (char *p = buf; *p; p++)
        if (*p == ',') *p = '.'; /* a C locale with a decimal comma */
}

/* A Lua number as decimal text: an integer exactly, a float with the
 * fewest digits that read back; NULL for NaN and infinities. */
static const char *number_text(lua_State *L, int idx, char *buf, size_t size)
{
    if (lua_isinteger(L, idx)) {
        snprintf(buf, size, "%" PRId64, (int64_t)lua_tointeger(L, idx));
        return buf;
    }
    double d = (double)lua_tonumber(L, idx);
    if (!isfinite(d)) return NULL;
    float_text(d, buf, size);
    return buf;
}

/* A parameter or decimal value given as a string or a number. */
static const char *decimal_arg(lua_State *L, int idx, char *buf, size_t size)
{
    if (lua_type(L, idx) == LUA_TSTRING) return lua_tostring(L, idx);
    if (lua_type(L, idx) != LUA_TNUMBER) luaL_typeerror(L, idx, "string or number");
    const char *text = number_text(L, idx, buf, size);
    if (!text) luaL_argerror(L, idx, "not a finite number");
    return text;
}

/* Rejects keys a table of options does not know (so typos are caught). */
static void check_keys(lua_State *L, int idx, const char *what, const char *const *known)
{
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        int ok = 0;
        if (lua_type(L, -1) == LUA_TSTRING)
            for (const char *const *k = known; *k && !ok; k++) ok = strcmp(*k, lua_tostring(L, -1)) == 0;
        if (!ok) {
            const char *name = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : luaL_typename(L, -1);
            raise_usage(L, "unknown %s option '%s'", what, name);
        }
    }
}

static int opt_flag(lua_State *L, int idx, const char *key)
{
    if (lua_type(L, idx) != LUA_TTABLE) return 0;
    lua_getfield(L, idx, key);
    int v = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return v;
}

/* lc_options from an optional table at idx; NULL when absent. */
static const lc_options *options_arg(lua_State *L, int idx, lc_options *o)
{
    static const char *const known[] = {"memory_limit", "instruction_limit", "pattern_limit", "json_depth_limit",
                                        "event_line_limit", "total_instruction_limit", NULL};
    const lc_options init = LC_OPTIONS_INIT;
    *o = init;
    if (lua_isnoneornil(L, idx)) return NULL;
    luaL_checktype(L, idx, LUA_TTABLE);
    check_keys(L, idx, "engine", known);
    for (const char *const *k = known; *k; k++) {
        lua_getfield(L, idx, *k);
        if (!lua_isnil(L, -1)) {
            int isint;
            lua_Integer v = lua_tointegerx(L, -1, &isint);
            if (!isint || v < 0) raise_usage(L, "option %s must be a non-negative integer", *k);
            switch (k - known) {
            case 0: o->lua_memory_limit = (size_t)v; break;
            case 1: o->lua_instruction_limit = (uint64_t)v; break;
            case 2: o->lua_pattern_limit = (uint64_t)v; break;
            case 3: o->json_depth_limit = v > UINT32_MAX ? UINT32_MAX : (unsigned)v; break;
            case 4: o->event_line_limit = (size_t)v; break;
            default: o->lua_total_instruction_limit = (uint64_t)v; break;
            }
        }
        lua_pop(L, 1);
    }
    return o;
}

static lc_format format_arg(lua_State *L, int idx, const char *def, int json_text_only)
{
    static const char *const names[] = {"json", "text", "csv", "html", NULL};
    static const lc_format formats[] = {LC_FORMAT_JSON, LC_FORMAT_TEXT, LC_FORMAT_CSV, LC_FORMAT_HTML};
    const char *name = luaL_optstring(L, idx, def);
    for (int i = 0; names[i]; i++)
        if (strcmp(names[i], name) == 0 && (!json_text_only || i < 2)) return formats[i];
    raise_usage(L, json_text_only ? "unknown format '%s' (json or text)" : "unknown format '%s' (json, text, csv or html)",
                name);
    return LC_FORMAT_JSON;
}

/* The reports' language; by default the contract's (contract { lang = }),
 * else both, as the command line's --lang. */
static lc_lang lang_arg(lua_State *L, int idx)
{
    if (lua_isnoneornil(L, idx)) return LC_LANG_CONTRACT;
    const char *name = luaL_checkstring(L, idx);
    if (strcmp(name, "contract") == 0) return LC_LANG_CONTRACT;
    if (strcmp(name, "both") == 0) return LC_LANG_BOTH;
    if (strcmp(name, "zh") == 0) return LC_LANG_ZH;
    if (strcmp(name, "en") == 0) return LC_LANG_EN;
    raise_usage(L, "unknown language '%s' (zh, en, both or contract)", name);
    return LC_LANG_BOTH;
}

/* Pushes text the library handed over (lc_free) and frees it, even when
 * pushing it raises a memory error. */
static void push_owned_text(lua_State *L, char *text, size_t len)
{
    box *b = box_new(L, lc_free);
    b->p = text;
    lua_pushlstring(L, text ? text : "", text ? len : 0);
    box_release(b);
    lua_remove(L, -2);
}

/* ---- the null sentinel --------------------------------------------------- */

static void push_null(lua_State *L)
{
    lua_getfield(L, LUA_REGISTRYINDEX, MT_NULL ".value");
}

static int is_null(lua_State *L, int idx)
{
    if (lua_type(L, idx) != LUA_TUSERDATA) return 0;
    push_null(L);
    int eq = lua_rawequal(L, idx < 0 ? idx - 1 : idx, -1);
    lua_pop(L, 1);
    return eq;
}

static int null_tostring(lua_State *L)
{
    lua_pushliteral(L, "null");
    return 1;
}

/* ---- JSON: text to Lua values -------------------------------------------- */

/* A strict JSON reader (RFC 8259) that keeps what cJSON's doubles lose: a
 * number written without fraction or exponent is a Lua integer (exactly,
 * up to 2^63), any other number a float; null is contract.null. */
typedef struct jreader {
    lua_State *L;
    const char *s;
    size_t len, pos;
} jreader;

static int jr_fail(jreader *r, const char *what)
{
    push_error_object(r->L, LC_EUSAGE, NULL, 0, NULL);
    lua_pushfstring(r->L, "invalid JSON at byte %I: %s", (lua_Integer)r->pos + 1, what);
    lua_setfield(r->L, -2, "message");
    return lua_error(r->L);
}

static void jr_space(jreader *r)
{
    while (r->pos < r->len && (r->s[r->pos] == ' ' || r->s[r->pos] == '\t' || r->s[r->pos] == '\n' || r->s[r->pos] == '\r'))
        r->pos++;
}

static int jr_peek(jreader *r)
{
    return r->pos < r->len ? (unsigned char)r->s[r->pos] : -1;
}

static int jr_literal(jreader *r, const char *word)
{
    size_t n = strlen(word);
    if (r->len - r->pos < n || memcmp(r->s + r->pos, word, n) != 0) return 0;
    r->pos += n;
    return 1;
}

static int is_digit_c(int c)
{
    return c >= '0' && c <= '9';
}

static void jr_number(jreader *r)
{
    size_t start = r->pos;
    if (jr_peek(r) == '-') r->pos++;
    if (jr_peek(r) == '0') r->pos++;
    else if (is_digit_c(jr_peek(r)))
        while (is_digit_c(jr_peek(r))) r->pos++;
    else jr_fail(r, "expected a digit");
    if (jr_peek(r) == '.') {
        r->pos++;
        if (!is_digit_c(jr_peek(r))) jr_fail(r, "expected a digit after the decimal point");
        while (is_digit_c(jr_peek(r))) r->pos++;
    }
    if (jr_peek(r) == 'e' || jr_peek(r) == 'E') {
        r->pos++;
        if (jr_peek(r) == '+' || jr_peek(r) == '-') r->pos++;
        if (!is_digit_c(jr_peek(r))) jr_fail(r, "expected a digit in the exponent");
        while (is_digit_c(jr_peek(r))) r->pos++;
    }
    char buf[400];
    size_t n = r->pos - start;
    if (n >= sizeof buf) jr_fail(r, "number too long");
    memcpy(buf, r->s + start, n);
    buf[n] = '\0';
    /* Lua's own conversion: integers stay integers, an integer too large
     * for 64 bits becomes a float */
    if (lua_stringtonumber(r->L, buf) == 0) jr_fail(r, "invalid number");
}

static unsigned jr_hex4(jreader *r)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        int c = jr_peek(r);
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
        else jr_fail(r, "expected 4 hex digits after \\u");
        r->pos++;
    }
    return v;
}

static void add_utf8(luaL_Buffer *b, unsigned cp)
{
    char out[4];
    size_t n;
    if (cp < 0x80) out[0] = (char)cp, n = 1;
    else if (cp < 0x800) out[0] = (char)(0xC0 | cp >> 6), out[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
    else if (cp < 0x10000)
        out[0] = (char)(0xE0 | cp >> 12), out[1] = (char)(0x80 | (cp >> 6 & 0x3F)), out[2] = (char)(0x80 | (cp & 0x3F)), n = 3;
    else
        out[0] = (char)(0xF0 | cp >> 18), out[1] = (char)(0x80 | (cp >> 12 & 0x3F)), out[2] = (char)(0x80 | (cp >> 6 & 0x3F)),
        out[3] = (char)(0x80 | (cp & 0x3F)), n = 4;
    luaL_addlstring(b, out, n);
}

static void jr_string(jreader *r)
{
    luaL_Buffer b;
    r->pos++; /* the opening quote */
    luaL_buffinit(r->L, &b);
    for (;;) {
        size_t run = r->pos;
        while (r->pos < r->len && r->s[r->pos] != '"' && r->s[r->pos] != '\\' && (unsigned char)r->s[r->pos] >= 0x20)
            r->pos++;
        luaL_addlstring(&b, r->s + run, r->pos - run);
        int c = jr_peek(r);
        if (c == '"') {
            r->pos++;
            break;
        }
        if (c < 0) jr_fail(r, "unterminated string");
        if (c < 0x20) jr_fail(r, "control character in a string");
        r->pos++; /* the backslash */
        c = jr_peek(r);
        r->pos++;
        switch (c) {
        case '"': luaL_addchar(&b, '"'); break;
        case '\\': luaL_addchar(&b, '\\'); break;
        case '/': luaL_addchar(&b, '/'); break;
        case 'b': luaL_addchar(&b, '\b'); break;
        case 'f': luaL_addchar(&b, '\f'); break;
        case 'n': luaL_addchar(&b, '\n'); break;
        case 'r': luaL_addchar(&b, '\r'); break;
        case 't': luaL_addchar(&b, '\t'); break;
        case 'u': {
            unsigned cp = jr_hex4(r);
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                if (!jr_literal(r, "\\u")) jr_fail(r, "a high surrogate without its low surrogate");
                unsigned lo = jr_hex4(r);
                if (lo < 0xDC00 || lo > 0xDFFF) jr_fail(r, "a high surrogate without its low surrogate");
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) jr_fail(r, "a lone low surrogate");
            add_utf8(&b, cp);
            break;
        }
        default: r->pos--, jr_fail(r, "invalid escape");
        }
    }
    luaL_pushresult(&b);
}

static void jr_value(jreader *r, int depth)
{
    if (depth > JSON_MAX_DEPTH) jr_fail(r, "nested too deep");
    luaL_checkstack(r->L, 4, "contract: JSON nesting");
    jr_space(r);
    int c = jr_peek(r);
    if (c == '{') {
        r->pos++;
        lua_newtable(r->L);
        jr_space(r);
        if (jr_peek(r) == '}') {
            r->pos++;
            return;
        }
        for (;;) {
            jr_space(r);
            if (jr_peek(r) != '"') jr_fail(r, "expected a string key");
            jr_string(r);
            jr_space(r);
            if (jr_peek(r) != ':') jr_fail(r, "expected ':'");
            r->pos++;
            jr_value(r, depth + 1);
            lua_rawset(r->L, -3);
            jr_space(r);
            c = jr_peek(r);
            r->pos++;
            if (c == '}') return;
            if (c != ',') r->pos--, jr_fail(r, "expected ',' or '}'");
        }
    }
    if (c == '[') {
        r->pos++;
        lua_newtable(r->L);
        jr_space(r);
        if (jr_peek(r) == ']') {
            r->pos++;
            return;
        }
        for (lua_Integer i = 1;; i++) {
            jr_value(r, depth + 1);
            lua_rawseti(r->L, -2, i);
            jr_space(r);
            c = jr_peek(r);
            r->pos++;
            if (c == ']') return;
            if (c != ',') r->pos--, jr_fail(r, "expected ',' or ']'");
        }
    }
    if (c == '"') jr_string(r);
    else if (c == '-' || is_digit_c(c)) jr_number(r);
    else if (jr_literal(r, "true")) lua_pushboolean(r->L, 1);
    else if (jr_literal(r, "false")) lua_pushboolean(r->L, 0);
    else if (jr_literal(r, "null")) push_null(r->L);
    else jr_fail(r, c < 0 ? "unexpected end of text" : "unexpected character");
}

/* Parses JSON text (one value, surrounded by white space only) and pushes it. */
static void decode_text(lua_State *L, const char *text, size_t len)
{
    jreader r = {L, text, len, 0};
    jr_value(&r, 0);
    jr_space(&r);
    if (r.pos != r.len) jr_fail(&r, "text after the value");
}

/* contract.decode(text) -> value (JSON null as contract.null) */
static int l_decode(lua_State *L)
{
    size_t len;
    const char *text = luaL_checklstring(L, 1, &len);
    decode_text(L, text, len);
    return 1;
}

/* ---- time: RFC 3339 through lc_time_parse / lc_time_format -------------------- */

#define NS_PER_SEC INT64_C(1000000000)
#define NS_PER_MIN (60 * NS_PER_SEC)
#define NS_PER_HOUR (60 * NS_PER_MIN)
#define NS_PER_DAY (24 * NS_PER_HOUR)

/* The reason lc_time_parse gives, without its "not an RFC 3339 time: "
 * (the callers say what they read). */
static const char *time_reason(const lc_error *err)
{
    static const char prefix[] = "not an RFC 3339 time: ";
    return strncmp(err->message, prefix, sizeof prefix - 1) == 0 ? err->message + sizeof prefix - 1 : err->message;
}

/* RFC 3339 text at idx as ns and offset; raises a usage error naming it. */
static void check_time(lua_State *L, int idx, int64_t *ns, int *offset)
{
    size_t len;
    const char *s = luaL_checklstring(L, idx, &len);
    lc_error err = {0};
    if (lc_time_parse(s, len, ns, offset, &err) != LC_OK) raise_usage(L, "time \"%s\": %s", s, time_reason(&err));
}

/* contract.time(text) -> ns since the epoch, offset in minutes */
static int l_time(lua_State *L)
{
    int64_t ns;
    int offset;
    check_time(L, 1, &ns, &offset);
    lua_pushinteger(L, ns);
    lua_pushinteger(L, offset);
    return 2;
}

static int offset_arg(lua_State *L, int idx)
{
    lua_Integer off = luaL_optinteger(L, idx, 0);
    luaL_argcheck(L, off >= -1439 && off <= 1439, idx, "offset must be -1439..1439 minutes");
    return (int)off;
}

/* contract.iso(ns, offset_min = 0) -> RFC 3339 text */
static int l_iso(lua_State *L)
{
    lua_Integer t = luaL_checkinteger(L, 1);
    int off = offset_arg(L, 2);
    luaL_argcheck(L, t > INT64_MIN + NS_PER_DAY && t < INT64_MAX - NS_PER_DAY, 1, "time out of range");
    char buf[LC_TIME_TEXT_MAX];
    size_t n = lc_time_format(t, off, buf, sizeof buf);
    luaL_argcheck(L, n > 0 && n < sizeof buf, 1, "time out of range");
    lua_pushlstring(L, buf, n);
    return 1;
}

/* ---- Lua values into typed events ----------------------------------------------- */

/* What a field of each kind takes, in the words a JSON line's error uses
 * (jsonevent.c), so that a table and a line are refused alike. */
static const char *kind_takes(const char *kind)
{
    static const char *const takes[][2] = {
        {"time", "an RFC 3339 timestamp with offset"}, {"bool", "true or false"},
        {"integer", "a whole number"},                  {"number", "a number"},
        {"money", "an amount (number or decimal string)"}, {"fraction", "a fraction from 0 to 1"},
        {"month", "a month \"YYYY-MM\""}};
    for (size_t i = 0; i < sizeof takes / sizeof takes[0]; i++)
        if (strcmp(takes[i][0], kind) == 0) return takes[i][1];
    return "a string"; /* enum, severity, string */
}

static int is_decimal_kind(const char *kind)
{
    return strcmp(kind, "integer") == 0 || strcmp(kind, "number") == 0 || strcmp(kind, "money") == 0 ||
           strcmp(kind, "fraction") == 0;
}

/* Refuses a value as event input: LC_EEVENT with the reason in *err. */
static lc_status refuse(lc_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static lc_status refuse(lc_error *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    err->code = LC_EEVENT;
    err->file[0] = '\0';
    err->line = 0;
    return LC_EEVENT;
}

static lc_status set_time_text(lua_State *L, lc_event *b, const char *name, int f, int idx, lc_error *err)
{
    size_t len;
    const char *s = lua_tolstring(L, idx, &len);
    int64_t ns;
    int off;
    lc_error why = {0};
    if (lc_time_parse(s, len, &ns, &off, &why) != LC_OK)
        return refuse(err, "field \"%s\" is not a valid timestamp (\"%s\"): %s", name, s, time_reason(&why));
    return lc_event_set_time(b, f, ns, off, err);
}

/* Sets field f (named `name`, of `kind`) of a builder from the Lua value
 * at idx: RFC 3339 text for a time, a boolean, a number (or, for money, a
 * decimal string, as JSON takes it; `lenient` takes decimal strings for
 * every number, as builder:set always has), text for the rest.  A value
 * of the wrong type is refused as a JSON line's would be. */
static lc_status set_value(lua_State *L, lc_event *b, const char *name, const char *kind, int f, int idx, int lenient,
                           lc_error *err)
{
    int type = lua_type(L, idx);
    char buf[64];
    if (strcmp(kind, "time") == 0) {
        if (type == LUA_TSTRING) return set_time_text(L, b, name, f, idx, err);
    } else if (strcmp(kind, "bool") == 0) {
        if (type == LUA_TBOOLEAN) return lc_event_set_bool(b, f, lua_toboolean(L, idx), err);
    } else if (is_decimal_kind(kind)) {
        const char *text = type == LUA_TNUMBER ? number_text(L, idx, buf, sizeof buf) : NULL;
        if (type == LUA_TSTRING && (lenient || strcmp(kind, "money") == 0)) text = lua_tostring(L, idx);
        if (text) return lc_event_set_decimal(b, f, text, err);
    } else if (type == LUA_TSTRING) {
        return lc_event_set_string(b, f, lua_tostring(L, idx), err);
    }
    return refuse(err, "field \"%s\" must be %s", name, kind_takes(kind));
}

/* ---- handles --------------------------------------------------------------- */

static l_engine *check_engine(lua_State *L, int idx)
{
    l_engine *e = luaL_checkudata(L, idx, MT_ENGINE);
    if (e->closed || !e->h) raise_usage(L, "the engine is closed");
    return e;
}

static l_eval *check_eval(lua_State *L, int idx)
{
    l_eval *v = luaL_checkudata(L, idx, MT_EVAL);
    if (!v->h) raise_usage(L, "the evaluation is closed");
    return v;
}

static l_result *check_result(lua_State *L, int idx)
{
    l_result *r = luaL_checkudata(L, idx, MT_RESULT);
    if (!r->h) raise_usage(L, "the result is closed");
    return r;
}

static l_scenario *check_scenario(lua_State *L, int idx)
{
    l_scenario *s = luaL_checkudata(L, idx, MT_SCENARIO);
    if (!s->h) raise_usage(L, "the scenario is closed");
    return s;
}

static l_event *check_event(lua_State *L, int idx)
{
    l_event *b = luaL_checkudata(L, idx, MT_EVENT);
    if (!b->h) raise_usage(L, "the event builder is closed");
    return b;
}

/* Frees the C engine once it is closed and nothing uses it. */
static void engine_release(l_engine *e)
{
    if (e->closed && e->users == 0 && e->h) {
        lc_engine_free(e->h);
        e->h = NULL;
    }
}

static void engine_unuse(l_engine *e)
{
    if (e && e->users > 0) e->users--;
    if (e) engine_release(e);
}

/* ---- engine ----------------------------------------------------------------- */

static int engine_set(lua_State *L);

/* Applies a table of parameters, in name order (errors are reproducible). */
static void apply_params(lua_State *L, l_engine *e, int idx)
{
    if (lua_isnoneornil(L, idx)) return;
    luaL_checktype(L, idx, LUA_TTABLE);
    lua_newtable(L);
    int names = lua_gettop(L);
    lua_Integer n = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING) raise_usage(L, "parameter names must be strings");
        lua_pushvalue(L, -1);
        lua_rawseti(L, names, ++n);
    }
    /* insertion sort: a contract has tens of parameters */
    for (lua_Integer i = 2; i <= n; i++)
        for (lua_Integer j = i; j > 1; j--) {
            lua_rawgeti(L, names, j - 1);
            lua_rawgeti(L, names, j);
            if (!lua_compare(L, -1, -2, LUA_OPLT)) {
                lua_pop(L, 2);
                break;
            }
            lua_rawseti(L, names, j - 1);
            lua_rawseti(L, names, j);
        }
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, names, i);
        lua_gettable(L, idx);
        char buf[64];
        if (lua_type(L, -1) != LUA_TSTRING && lua_type(L, -1) != LUA_TNUMBER) {
            lua_rawgeti(L, names, i);
            raise_usage(L, "parameter %s: the value must be a string or a number", lua_tostring(L, -1));
        }
        const char *value = decimal_arg(L, lua_gettop(L), buf, sizeof buf);
        lua_rawgeti(L, names, i);
        lc_error err = {0};
        lc_status st = lc_engine_set_param(e->h, lua_tostring(L, -1), value, &err);
        if (st != LC_OK) raise_lc(L, st, &err);
        lua_pop(L, 2);
    }
    lua_pop(L, 1);
}

static l_engine *new_engine(lua_State *L, int options_idx)
{
    lc_options o;
    const lc_options *opts = options_arg(L, options_idx, &o);
    l_engine *e = lua_newuserdatauv(L, sizeof *e, 0);
    memset(e, 0, sizeof *e);
    luaL_setmetatable(L, MT_ENGINE);
    lc_error err = {0};
    lc_status st = lc_engine_new(&e->h, opts, &err);
    if (st != LC_OK) raise_lc(L, st, &err);
    return e;
}

static int fail_engine(lua_State *L, l_engine *e, lc_status st, const lc_error *err)
{
    e->closed = 1;
    engine_release(e);
    return raise_lc(L, st, err);
}

/* contract.engine(path [, params [, options]]) */
static int l_engine_new(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    if (!lua_isnoneornil(L, 2)) luaL_checktype(L, 2, LUA_TTABLE);
    lua_settop(L, 3);
    l_engine *e = new_engine(L, 3);
    lc_error err = {0};
    lc_status st = lc_engine_load_file(e->h, path, &err);
    if (st != LC_OK) return fail_engine(L, e, st, &err);
    apply_params(L, e, 2);
    return 1;
}

/* contract.engine_from_string(text [, name [, params [, options]]]) */
static int l_engine_from_string(lua_State *L)
{
    size_t len;
    const char *text = luaL_checklstring(L, 1, &len);
    const char *name = luaL_optstring(L, 2, "rules");
    if (!lua_isnoneornil(L, 3)) luaL_checktype(L, 3, LUA_TTABLE);
    lua_settop(L, 4);
    l_engine *e = new_engine(L, 4);
    lc_error err = {0};
    lc_status st = lc_engine_load_string(e->h, name, text, len, &err);
    if (st != LC_OK) return fail_engine(L, e, st, &err);
    apply_params(L, e, 3);
    return 1;
}

/* engine:set(name, value) / engine:set("name=value") / engine:set{name = value, ...} -> engine */
static int engine_set(lua_State *L)
{
    l_engine *e = check_engine(L, 1);
    if (lua_type(L, 2) == LUA_TTABLE) apply_params(L, e, 2);
    else if (lua_isnoneornil(L, 3)) {
        const char *assignment = luaL_checkstring(L, 2);
        CHECK(L, lc_engine_set_assignment(e->h, assignment, ERR));
    } else {
        const char *name = luaL_checkstring(L, 2);
        char buf[64];
        const char *value = decimal_arg(L, 3, buf, sizeof buf);
        CHECK(L, lc_engine_set_param(e->h, name, value, ERR));
    }
    lua_settop(L, 1);
    return 1;
}

/* engine:params() -> { name = "value", ... } */
static int engine_params(lua_State *L)
{
    l_engine *e = check_engine(L, 1);
    size_t n = lc_engine_param_count(e->h);
    lua_createtable(L, 0, (int)n);
    for (size_t i = 0; i < n; i++) set_str(L, lc_engine_param_name(e->h, i), lc_engine_param_value(e->h, i));
    return 1;
}

/* engine:param_names() -> { "value", "base_pct", ... } in declaration order */
static int engine_param_names(lua_State *L)
{
    l_engine *e = check_engine(L, 1);
    size_t n = lc_engine_param_count(e->h);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_pushstring(L, lc_engine_param_name(e->h, i));
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* engine:param(name) -> "value" or nil */
static int engine_param(lua_State *L)
{
    l_engine *e = check_engine(L, 1);
    const char *name = luaL_checkstring(L, 2);
    size_t n = lc_engine_param_count(e->h);
    for (size_t i = 0; i < n; i++)
        if (strcmp(lc_engine_param_name(e->h, i), name) == 0) {
            lua_pushstring(L, lc_engine_param_value(e->h, i));
            return 1;
        }
    lua_pushnil(L);
    return 1;
}

/* engine:rules() -> { {id=, kind=, class=, clause=, line=}, ... } */
static int engine_rules(lua_State *L)
{
    l_engine *e = check_engine(L, 1);
    size_t n = lc_engine_rule_count(e->h);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lc_rule_info info;
        if (!lc_engine_rule(e->h, i, &info)) continue;
        lua_createtable(L, 0, 5);
        set_str(L, "id", info.id);
        set_str(L, "kind", info.kind);
        set_str(L, "class", info.class_);
        set_str(L, "clause", info.clause);
        set_int(L, "line", info.line);
        lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
    }
    return 1;
}

static int engine_contract_id(lua_State *L)
{
    l_engine *e = check_engine(L, 1);
    const char *id = lc_engine_contract_id(e->h);
    if (id) lua_pushstring(L, id);
    else lua_pushnil(L);
    return 1;
}

/* engine:check([format = "text"]) -> report, count */
static int engine_check(lua_State *L)
{
    l_engine *e = check_engine(L, 1);
    lc_format format = format_arg(L, 2, "text", 1);
    char *out = NULL;
    size_t len = 0, count = 0;
    CHECK(L, lc_engine_check(e->h, format, &out, &len, &count, ERR));
    push_owned_text(L, out, len);
    lua_pushinteger(L, (lua_Integer)count);
    return 2;
}

/* engine:evaluation{ skip_invalid = false, keep_events = false, strict = false, updates = false } */
static int engine_evaluation(lua_State *L)
{
    l_engine *e = check_engine(L, 1);
    unsigned flags = 0;
    if (!lua_isnoneornil(L, 2)) {
        static const char *const known[] = {"skip_invalid", "keep_events", "strict", "updates", NULL};
        luaL_checktype(L, 2, LUA_TTABLE);
        check_keys(L, 2, "evaluation", known);
        flags = (opt_flag(L, 2, "skip_invalid") ? LC_EVAL_SKIP_INVALID : 0) |
                (opt_flag(L, 2, "keep_events") ? LC_EVAL_KEEP_EVENTS : 0) |
                (opt_flag(L, 2, "strict") ? LC_EVAL_STRICT : 0) | (opt_flag(L, 2, "updates") ? LC_EVAL_UPDATES : 0);
    }
    l_eval *v = lua_newuserdatauv(L, sizeof *v, 1);
    memset(v, 0, sizeof *v);
    luaL_setmetatable(L, MT_EVAL);
    CHECK(L, lc_eval_new(&v->h, e->h, flags, ERR));
    v->flags = flags;
    v->eng = e;
    e->users++;
    lua_pushvalue(L, 1);
    lua_setiuservalue(L, -2, 1);
    return 1;
}

static int result_new_from(lua_State *L, lc_eval *ev, const int64_t *as_of);

/* engine:evaluate(files [, options]) -> result: each file (a path or a
 * list of paths) pushed with push_file into a new evaluation. */
static int engine_evaluate(lua_State *L)
{
    check_engine(L, 1);
    int nfiles;
    if (lua_type(L, 2) == LUA_TSTRING) {
        lua_createtable(L, 1, 0);
        lua_pushvalue(L, 2);
        lua_rawseti(L, -2, 1);
        lua_replace(L, 2);
    }
    luaL_checktype(L, 2, LUA_TTABLE);
    nfiles = (int)lua_rawlen(L, 2);
    lua_settop(L, 3);
    lua_pushcfunction(L, engine_evaluation);
    lua_pushvalue(L, 1);
    lua_pushvalue(L, 3);
    lua_call(L, 2, 1); /* 4: the evaluation */
    l_eval *v = check_eval(L, 4);
    for (int i = 1; i <= nfiles; i++) {
        lua_rawgeti(L, 2, i);
        const char *path = lua_tostring(L, -1);
        if (!path) raise_usage(L, "evaluate: file %d is not a path", i);
        lc_error err = {0};
        lc_status st = lc_eval_push_file(v->h, path, &err);
        if (st != LC_OK) {
            lc_eval_free(v->h);
            v->h = NULL;
            engine_unuse(v->eng);
            return raise_lc(L, st, &err);
        }
        lua_pop(L, 1);
    }
    result_new_from(L, v->h, NULL);
    lc_eval_free(v->h);
    v->h = NULL;
    engine_unuse(v->eng);
    return 1;
}

/* engine:event() -> a typed-event builder */
static int engine_event(lua_State *L)
{
    l_engine *e = check_engine(L, 1);
    l_event *b = lua_newuserdatauv(L, sizeof *b, 1);
    memset(b, 0, sizeof *b);
    b->type = -1;
    luaL_setmetatable(L, MT_EVENT);
    CHECK(L, lc_event_new(&b->h, e->h, ERR));
    b->eng = e;
    e->users++;
    lua_pushvalue(L, 1);
    lua_setiuservalue(L, -2, 1);
    return 1;
}

static int engine_close(lua_State *L)
{
    l_engine *e = luaL_checkudata(L, 1, MT_ENGINE);
    e->closed = 1;
    engine_release(e);
    return 0;
}

static int engine_tostring(lua_State *L)
{
    l_engine *e = luaL_checkudata(L, 1, MT_ENGINE);
    if (e->closed || !e->h) lua_pushliteral(L, "contract.engine (closed)");
    else {
        const char *id = lc_engine_contract_id(e->h);
        lua_pushfstring(L, "contract.engine %s (%d rules, %d parameters)", id ? id : "?",
                        (int)lc_engine_rule_count(e->h), (int)lc_engine_param_count(e->h));
    }
    return 1;
}

/* ---- tables as events ----------------------------------------------------------- */

/* The builder an evaluation builds tables in (made on first use). */
static lc_event *table_builder(l_eval *v, lc_error *err)
{
    if (!v->builder && lc_event_new(&v->builder, v->eng->h, err) != LC_OK) return NULL;
    return v->builder;
}

/* The string keys of the table at idx but "type" and "id", sorted (so
 * that the first problem reported is the same every time), in a userdata
 * left on the stack; the names are the table's own strings.  -1 when a
 * key is not a string. */
static int sorted_keys(lua_State *L, int idx, const char ***out, size_t *n)
{
    size_t count = 0, k = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        count++;
    }
    const char **keys = lua_newuserdatauv(L, (count ? count : 1) * sizeof *keys, 0);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING) {
            lua_pop(L, 1);
            return -1;
        }
        const char *key = lua_tostring(L, -1);
        if (strcmp(key, "type") == 0 || strcmp(key, "id") == 0) continue;
        size_t j = k++;
        for (; j > 0 && strcmp(keys[j - 1], key) > 0; j--) keys[j] = keys[j - 1];
        keys[j] = key;
    }
    *out = keys;
    *n = k;
    return 0;
}

/* Reads "type" and "id" as a JSON line's are read: *type the event type
 * (*name as written), *id its id; else the reason, in a JSON line's
 * words, into err.  Both values stay on the stack. */
static lc_status table_head(lua_State *L, int idx, const lc_engine *eng, int *type, const char **name, const char **id,
                            lc_error *err)
{
    lua_getfield(L, idx, "type");
    lua_getfield(L, idx, "id");
    if (lua_isnil(L, -2)) return refuse(err, "missing \"type\"");
    if (lua_type(L, -2) != LUA_TSTRING) return refuse(err, "\"type\" must be a string");
    *name = lua_tostring(L, -2);
    if ((*type = lc_engine_event_type(eng, *name)) < 0)
        return refuse(err, "unknown event type \"%s\" (the rule file does not declare it)", *name);
    if (lua_isnil(L, -1)) return refuse(err, "missing \"id\"");
    if (lua_type(L, -1) != LUA_TSTRING || lua_rawlen(L, -1) == 0)
        return refuse(err, "\"id\" must be a non-empty string");
    *id = lua_tostring(L, -1);
    return LC_OK;
}

/* With updates, {type =, id =, retracted = true} takes the event back (a
 * type that declares "retracted" keeps it as a field).  1 when the table
 * is a retraction, 0 when not, -1 when it is a malformed one (err). */
static int table_retraction(lua_State *L, int idx, l_eval *v, int type, size_t nkeys, lc_error *err)
{
    if (!(v->flags & LC_EVAL_UPDATES) || lc_engine_field(v->eng->h, type, "retracted") >= 0) return 0;
    lua_getfield(L, idx, "retracted");
    int retracted = lua_type(L, -1) == LUA_TBOOLEAN && lua_toboolean(L, -1), absent = lua_isnil(L, -1);
    lua_pop(L, 1);
    if (absent) return 0;
    if (!retracted) return refuse(err, "\"retracted\" must be true (a retraction) or absent"), -1;
    if (nkeys != 1) return refuse(err, "a retraction has only \"type\", \"id\" and \"retracted\": true"), -1;
    return 1;
}

/* Sets the builder's fields from the table's keys: a declared field by its
 * kind (contract.null is absent, as JSON null is), any other noted as
 * undeclared. */
static lc_status table_fields(lua_State *L, int idx, lc_event *b, const lc_engine *eng, int type, const char **keys,
                              size_t n, lc_error *err)
{
    for (size_t i = 0; i < n; i++) {
        int f = lc_engine_field(eng, type, keys[i]);
        lc_status st;
        if (f < 0) st = lc_event_set_undeclared(b, keys[i], err);
        else {
            lua_getfield(L, idx, keys[i]);
            st = is_null(L, -1) ? LC_OK : set_value(L, b, keys[i], lc_engine_field_kind(eng, type, f), f, -1, 0, err);
            lua_pop(L, 1);
        }
        if (st != LC_OK) return st;
    }
    return LC_OK;
}

/* A setter's reason without its "event ID: ": the event is named by its
 * file and line, as a JSON line is. */
static const char *line_words(const char *message, const char *id)
{
    size_t n = strlen(id);
    if (strncmp(message, "event ", 6) == 0 && strncmp(message + 6, id, n) == 0 && strncmp(message + 6 + n, ": ", 2) == 0)
        return message + 8 + n;
    return message;
}

/* Builds and pushes the table at idx as a JSON line of it would be read:
 * the same refusals (as invalid input: a warning under skip_invalid),
 * undeclared fields tallied (refused when strict), with updates a
 * retraction. */
static lc_status push_table(lua_State *L, l_eval *v, int idx, const char *file, long line, lc_error *err)
{
    const lc_engine *eng = v->eng->h;
    lc_event *b = table_builder(v, err);
    const char *id = NULL, *name = NULL, **keys = NULL;
    size_t n = 0;
    int type = -1, retract = 0;
    if (!b) return err->code;
    lc_status st = table_head(L, idx, eng, &type, &name, &id, err);
    if (st == LC_OK && sorted_keys(L, idx, &keys, &n) != 0) st = refuse(err, "a key of an event must be a string");
    if (st == LC_OK && (retract = table_retraction(L, idx, v, type, n, err)) < 0) st = LC_EEVENT;
    if (st == LC_OK && retract) return lc_eval_retract_at(v->h, name, id, file, line, err);
    if (st == LC_OK) st = lc_event_reset(b, type, id, err);
    if (st == LC_OK) st = table_fields(L, idx, b, eng, type, keys, n, err);
    if (st == LC_OK) return lc_eval_push_event_at(v->h, b, file, line, err);
    if (st == LC_ENOMEM) return st;
    char why[LC_ERROR_MESSAGE_MAX];
    snprintf(why, sizeof why, "%s", id ? line_words(err->message, id) : err->message);
    return lc_eval_reject(v->h, file, line, why, err);
}

/* ---- evaluation ----------------------------------------------------------- */

static const char *file_arg(lua_State *L, int idx, l_eval *v, long *line)
{
    const char *file = luaL_optstring(L, idx, NULL);
    v->pushes++;
    if (lua_isnoneornil(L, idx + 1)) *line = file ? 0 : v->pushes;
    else {
        lua_Integer n = luaL_checkinteger(L, idx + 1);
        luaL_argcheck(L, n >= 0 && n <= LONG_MAX, idx + 1, "line out of range");
        *line = (long)n;
    }
    return file ? file : "(lua)";
}

/* ev:push(event [, file [, line]]) -> ev.  event is a table (built as a
 * typed event, read as its JSON line would be) or JSON text.  Without a
 * file the event is named "(lua)" and numbered by the count of single
 * events pushed so far. */
static int eval_push(lua_State *L)
{
    l_eval *v = check_eval(L, 1);
    int type = lua_type(L, 2);
    if (type != LUA_TTABLE && type != LUA_TSTRING) luaL_typeerror(L, 2, "table or JSON text");
    long line;
    const char *file = file_arg(L, 3, v, &line);
    lc_error err = {0};
    lc_status st;
    if (type == LUA_TTABLE) st = push_table(L, v, 2, file, line, &err);
    else {
        size_t len;
        const char *json = lua_tolstring(L, 2, &len);
        st = lc_eval_push_json(v->h, json, len, file, line, &err);
    }
    if (st != LC_OK) return raise_lc(L, st, &err);
    lua_settop(L, 1);
    return 1;
}

/* ev:retract(type, id [, file [, line]]) -> ev: takes an event back (an
 * evaluation made with updates = true) */
static int eval_retract(lua_State *L)
{
    l_eval *v = check_eval(L, 1);
    const char *type = luaL_checkstring(L, 2), *id = luaL_checkstring(L, 3);
    long line;
    const char *file = file_arg(L, 4, v, &line);
    CHECK(L, lc_eval_retract_at(v->h, type, id, file, line, ERR));
    lua_settop(L, 1);
    return 1;
}

/* ev:push_line(json_text [, file [, line]]) -> ev */
static int eval_push_line(lua_State *L)
{
    luaL_checktype(L, 2, LUA_TSTRING);
    return eval_push(L);
}

/* ev:push_lines(chunk [, file]) -> ev: JSON Lines text, lines may span chunks */
static int eval_push_lines(lua_State *L)
{
    l_eval *v = check_eval(L, 1);
    size_t len;
    const char *data = luaL_checklstring(L, 2, &len);
    const char *file = luaL_optstring(L, 3, NULL);
    CHECK(L, lc_eval_push_lines(v->h, file, data, len, ERR));
    lua_settop(L, 1);
    return 1;
}

/* ev:end_stream() -> ev: pushes a last line without newline */
static int eval_end_stream(lua_State *L)
{
    l_eval *v = check_eval(L, 1);
    CHECK(L, lc_eval_end_stream(v->h, ERR));
    lua_settop(L, 1);
    return 1;
}

/* ev:push_file(path) -> ev */
static int eval_push_file(lua_State *L)
{
    l_eval *v = check_eval(L, 1);
    const char *path = luaL_checkstring(L, 2);
    CHECK(L, lc_eval_push_file(v->h, path, ERR));
    lua_settop(L, 1);
    return 1;
}

/* ev:push_event(builder) -> ev */
static int eval_push_event(lua_State *L)
{
    l_eval *v = check_eval(L, 1);
    l_event *b = check_event(L, 2);
    if (b->eng != v->eng) raise_usage(L, "push_event: the builder belongs to another engine");
    CHECK(L, lc_eval_push_event(v->h, b->h, ERR));
    lua_settop(L, 1);
    return 1;
}

/* ev:push_events({builder, ...}) -> ev: the builders in order, their ids
 * looked up ahead (lc_eval_push_events) */
static int eval_push_events(lua_State *L)
{
    l_eval *v = check_eval(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_Integer n = luaL_len(L, 2);
    if (n < 0) n = 0;
    /* the handles in a userdata: an error raised below frees it with the rest */
    const lc_event **list = lua_newuserdatauv(L, (size_t)(n ? n : 1) * sizeof *list, 0);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, 2, i);
        l_event *b = check_event(L, -1);
        if (b->eng != v->eng) raise_usage(L, "push_events: builder %lld belongs to another engine", (long long)i);
        list[i - 1] = b->h;
        lua_pop(L, 1);
    }
    CHECK(L, lc_eval_push_events(v->h, list, (size_t)n, NULL, ERR));
    lua_settop(L, 1);
    return 1;
}

/* ev:replay(source [, scenario [, seed]]) -> ev */
static int eval_replay(lua_State *L)
{
    l_eval *dst = check_eval(L, 1);
    l_eval *src = check_eval(L, 2);
    const lc_scenario *sc = lua_isnoneornil(L, 3) ? NULL : check_scenario(L, 3)->h;
    lua_Integer seed = 0;
    if (!lua_isnoneornil(L, 4)) {
        int isint;
        seed = lua_tointegerx(L, 4, &isint);
        if (!isint) luaL_typeerror(L, 4, "integer");
    }
    CHECK(L, lc_eval_replay(dst->h, src->h, sc, (uint64_t)seed, ERR));
    lua_settop(L, 1);
    return 1;
}

/* The as_of option at idx (RFC 3339 text or ns since 1970); 0 when absent. */
static int as_of_arg(lua_State *L, int idx, int64_t *ns)
{
    static const char *const known[] = {"as_of", NULL};
    if (lua_isnoneornil(L, idx)) return 0;
    luaL_checktype(L, idx, LUA_TTABLE);
    check_keys(L, idx, "result", known);
    lua_getfield(L, idx, "as_of");
    int given = !lua_isnil(L, -1), offset;
    if (lua_type(L, -1) == LUA_TSTRING) check_time(L, lua_gettop(L), ns, &offset);
    else if (given) *ns = luaL_checkinteger(L, lua_gettop(L));
    lua_pop(L, 1);
    return given;
}

static int result_new_from(lua_State *L, lc_eval *ev, const int64_t *as_of)
{
    l_result *r = lua_newuserdatauv(L, sizeof *r, 0);
    r->h = NULL;
    luaL_setmetatable(L, MT_RESULT);
    if (as_of) CHECK(L, lc_eval_result_as_of(ev, *as_of, &r->h, ERR));
    else CHECK(L, lc_eval_result(ev, &r->h, ERR));
    return 1;
}

/* ev:result([{ as_of = time }]) -> result: the events so far, or the
 * contract as it stands at that instant (RFC 3339 text or ns; the
 * evaluation keeps its events: keep_events or updates) */
static int eval_result(lua_State *L)
{
    l_eval *v = check_eval(L, 1);
    int64_t ns = 0;
    int as_of = as_of_arg(L, 2, &ns);
    return result_new_from(L, v->h, as_of ? &ns : NULL);
}

/* ev:engine() -> the engine it evaluates under */
static int eval_engine(lua_State *L)
{
    luaL_checkudata(L, 1, MT_EVAL);
    lua_getiuservalue(L, 1, 1);
    return 1;
}

static int eval_close(lua_State *L)
{
    l_eval *v = luaL_checkudata(L, 1, MT_EVAL);
    if (v->h) {
        lc_event_free(v->builder);
        v->builder = NULL;
        lc_eval_free(v->h);
        v->h = NULL;
        engine_unuse(v->eng);
    }
    return 0;
}

static int eval_tostring(lua_State *L)
{
    l_eval *v = luaL_checkudata(L, 1, MT_EVAL);
    lua_pushstring(L, v->h ? "contract.evaluation" : "contract.evaluation (closed)");
    return 1;
}

/* ---- typed-event builder ------------------------------------------------------ */

static int event_field(lua_State *L, l_event *b, int idx)
{
    if (b->type < 0) raise_usage(L, "call builder:reset(type, id) before setting fields");
    const char *name = luaL_checkstring(L, idx);
    int f = lc_engine_field(b->eng->h, b->type, name);
    if (f < 0) raise_usage(L, "the event type has no field '%s'", name);
    return f;
}

/* builder:reset(type, id) -> builder */
static int event_reset(lua_State *L)
{
    l_event *b = check_event(L, 1);
    const char *type = luaL_checkstring(L, 2);
    const char *id = luaL_checkstring(L, 3);
    int t = lc_engine_event_type(b->eng->h, type);
    if (t < 0) raise_usage(L, "unknown event type '%s'", type);
    CHECK(L, lc_event_reset(b->h, t, id, ERR));
    b->type = t;
    lua_settop(L, 1);
    return 1;
}

/* builder:time(field, ns_or_text [, offset_min]) -> builder */
static int event_time(lua_State *L)
{
    l_event *b = check_event(L, 1);
    int f = event_field(L, b, 2);
    int64_t ns;
    int off;
    if (lua_type(L, 3) == LUA_TSTRING) check_time(L, 3, &ns, &off);
    else {
        ns = luaL_checkinteger(L, 3);
        off = offset_arg(L, 4);
    }
    CHECK(L, lc_event_set_time(b->h, f, ns, off, ERR));
    lua_settop(L, 1);
    return 1;
}
static int event_bool(lua_State *L)
{
    l_event *b = check_event(L, 1);
    int f = event_field(L, b, 2);
    luaL_checktype(L, 3, LUA_TBOOLEAN);
    CHECK(L, lc_event_set_bool(b->h, f, lua_toboolean(L, 3), ERR));
    lua_settop(L, 1);
    return 1;
}

static int event_int(lua_State *L)
{
    l_event *b = check_event(L, 1);
    int f = event_field(L, b, 2);
    CHECK(L, lc_event_set_int(b->h, f, luaL_checkinteger(L, 3), ERR));
    lua_settop(L, 1);
    return 1;
}

static int event_decimal(lua_State *L)
{
    l_event *b = check_event(L, 1);
    int f = event_field(L, b, 2);
    char buf[64];
    const char *value = decimal_arg(L, 3, buf, sizeof buf);
    CHECK(L, lc_event_set_decimal(b->h, f, value, ERR));
    lua_settop(L, 1);
    return 1;
}

static int event_string(lua_State *L)
{
    l_event *b = check_event(L, 1);
    int f = event_field(L, b, 2);
    CHECK(L, lc_event_set_string(b->h, f, luaL_checkstring(L, 3), ERR));
    lua_settop(L, 1);
    return 1;
}

/* builder:set(field, value) -> builder: the setter the field's kind takes
 * (lc_engine_field_kind): RFC 3339 text for a time, a boolean, a number or
 * decimal text for a number, text for the rest. */
static int event_set(lua_State *L)
{
    l_event *b = check_event(L, 1);
    int f = event_field(L, b, 2);
    const char *name = lua_tostring(L, 2);
    lc_error err = {0};
    lc_status st = set_value(L, b->h, name, lc_engine_field_kind(b->eng->h, b->type, f), f, 3, 1, &err);
    if (st != LC_OK) return raise_lc(L, st, &err);
    lua_settop(L, 1);
    return 1;
}

/* builder:undeclared(name) -> builder: the event carries a field its type
 * does not declare (a warning on push, invalid when strict) */
static int event_undeclared(lua_State *L)
{
    l_event *b = check_event(L, 1);
    if (b->type < 0) raise_usage(L, "call builder:reset(type, id) before setting fields");
    CHECK(L, lc_event_set_undeclared(b->h, luaL_checkstring(L, 2), ERR));
    lua_settop(L, 1);
    return 1;
}

static int event_close(lua_State *L)
{
    l_event *b = luaL_checkudata(L, 1, MT_EVENT);
    if (b->h) {
        lc_event_free(b->h);
        b->h = NULL;
        engine_unuse(b->eng);
    }
    return 0;
}

/* ---- scenario ------------------------------------------------------------------ */

/* contract.scenario(path [, options]) */
static int l_scenario_new(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    lc_options o;
    const lc_options *opts = options_arg(L, 2, &o);
    l_scenario *s = lua_newuserdatauv(L, sizeof *s, 0);
    s->h = NULL;
    luaL_setmetatable(L, MT_SCENARIO);
    CHECK(L, lc_scenario_load_file(&s->h, opts, path, ERR));
    return 1;
}

/* contract.scenario_from_string(text [, name [, options]]) */
static int l_scenario_from_string(lua_State *L)
{
    size_t len;
    const char *text = luaL_checklstring(L, 1, &len);
    const char *name = luaL_optstring(L, 2, "scenario");
    lc_options o;
    const lc_options *opts = options_arg(L, 3, &o);
    l_scenario *s = lua_newuserdatauv(L, sizeof *s, 0);
    s->h = NULL;
    luaL_setmetatable(L, MT_SCENARIO);
    CHECK(L, lc_scenario_new(&s->h, opts, name, text, len, ERR));
    return 1;
}

static int scenario_close(lua_State *L)
{
    l_scenario *s = luaL_checkudata(L, 1, MT_SCENARIO);
    lc_scenario_free(s->h);
    s->h = NULL;
    return 0;
}

/* ---- result: read by name (lc_result_count, lc_result_text, ...) -------------------- */

/* How items are made into tables: money also as integer fen (name_fen),
 * nulls as contract.null (else left out), the fields and shapes of the
 * INTERFACE.md JSON (result:table()). */
#define ITEM_FEN 1u
#define ITEM_JSON 2u

/* Lists whose items name the events behind them ("events"). */
static int has_events(const char *list)
{
    return strcmp(list, "breaches") == 0 || strcmp(list, "incidents") == 0 || strcmp(list, "findings") == 0 ||
           strcmp(list, "reasons") == 0;
}

static int is_pair(const char *list, const char *field, const char *const (*pairs)[2], size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(pairs[i][0], list) == 0 && strcmp(pairs[i][1], field) == 0) return 1;
    return 0;
}

/* Fields the accessors give that the JSON writes elsewhere (nested or
 * moved) or only with --explain. */
static int json_moves(const char *list, const char *field)
{
    static const char *const moved[][2] = {
        {"contract", "as_of"},      {"contract", "term_start"}, {"contract", "term_end"},  {"payments", "bond_amount"},
        {"payments", "bond_due"},   {"payments", "bond_clause"}, {"breaches", "text"},     {"incidents", "text"},
        {"reasons", "label"},       {"totals", "breaches"}};
    return is_pair(list, field, moved, sizeof moved / sizeof moved[0]);
}

/* Fields that mean something only in a result as of an instant (the JSON
 * writes them only then). */
static int only_as_of(const lc_result *res, const char *list, const char *field)
{
    static const char *const pairs[][2] = {{"breaches", "provisional"}, {"obligations", "due_so_far"}};
    return is_pair(list, field, pairs, sizeof pairs / sizeof pairs[0]) &&
           lc_result_type(res, "contract", 0, "as_of") != LC_VALUE_TEXT;
}

/* Decimal text the JSON writes as a number ("pct": 3). */
static int json_number(const char *list, const char *field)
{
    static const char *const numbers[][2] = {
        {"breaches", "pct"}, {"totals", "pct_of_base"}, {"instalments", "pct"}, {"annual", "score"}};
    return is_pair(list, field, numbers, sizeof numbers / sizeof numbers[0]);
}

static void push_fen(lua_State *L, int64_t fen)
{
    char buf[32];
    fen_text(fen, buf, sizeof buf);
    lua_pushstring(L, buf);
}

/* Pushes a value by its type: text, money as decimal text ("5158.80"),
 * whole numbers as integers, numbers as floats, flags as booleans.
 * Returns its type; nothing is pushed for a null or a missing field. */
static lc_value_type push_value(lua_State *L, const lc_result *res, const char *list, size_t i, const char *field)
{
    lc_value_type type = lc_result_type(res, list, i, field);
    int64_t v = 0;
    double x = 0;
    int flag = 0;
    if (type == LC_VALUE_TEXT) lua_pushstring(L, lc_result_text(res, list, i, field));
    else if (type == LC_VALUE_FEN && lc_result_fen(res, list, i, field, &v)) push_fen(L, v);
    else if (type == LC_VALUE_INT && lc_result_int(res, list, i, field, &v)) lua_pushinteger(L, v);
    else if (type == LC_VALUE_NUMBER && lc_result_number(res, list, i, field, &x)) lua_pushnumber(L, x);
    else if (type == LC_VALUE_BOOL && lc_result_bool(res, list, i, field, &flag)) lua_pushboolean(L, flag);
    else if (type != LC_VALUE_NULL) type = LC_VALUE_NONE;
    return type;
}

/* Sets t[field] (t on top of the stack) from item i of a list. */
static void set_value_of(lua_State *L, const lc_result *res, const char *list, size_t i, const char *field,
                         unsigned mode)
{
    lc_value_type type = push_value(L, res, list, i, field);
    if (type == LC_VALUE_NULL && (mode & ITEM_JSON)) push_null(L);
    else if (type <= LC_VALUE_NULL) return;
    int as_number = type == LC_VALUE_TEXT && (mode & ITEM_JSON) && json_number(list, field);
    if (as_number && lua_stringtonumber(L, lua_tostring(L, -1))) lua_remove(L, -2);
    lua_setfield(L, -2, field);
    if (type == LC_VALUE_FEN && (mode & ITEM_FEN)) {
        int64_t fen = 0;
        lc_result_fen(res, list, i, field, &fen);
        lua_pushinteger(L, fen);
        lua_pushfstring(L, "%s_fen", field);
        lua_insert(L, -2);
        lua_settable(L, -3);
    }
}

static void push_events_of(lua_State *L, const lc_result *res, const char *list, size_t i)
{
    size_t n = lc_result_event_count(res, list, i);
    lua_createtable(L, (int)n, 0);
    for (size_t j = 0; j < n; j++) {
        lua_pushstring(L, lc_result_event(res, list, i, j));
        lua_rawseti(L, -2, (lua_Integer)j + 1);
    }
}

/* Item i of a list as a table of every field the accessors name (and a
 * month's "assessed" as of an instant), with the event ids behind it. */
static void push_item(lua_State *L, const lc_result *res, const char *list, size_t i, unsigned mode)
{
    lua_newtable(L);
    for (size_t k = 0; lc_result_field(res, list, k); k++) {
        const char *field = lc_result_field(res, list, k);
        if (!only_as_of(res, list, field) && !((mode & ITEM_JSON) && json_moves(list, field)))
            set_value_of(L, res, list, i, field, mode);
    }
    if (strcmp(list, "months") == 0) set_value_of(L, res, list, i, "assessed", mode & ~ITEM_JSON);
    if (has_events(list)) {
        push_events_of(L, res, list, i);
        lua_setfield(L, -2, "events");
    }
}

static void push_list(lua_State *L, const lc_result *res, const char *list, unsigned mode)
{
    size_t n = lc_result_count(res, list);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        push_item(L, res, list, i, mode);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
}

/* result:NAME() for a list of the result: the items as tables (money as
 * text and as NAME_fen, nulls left out). */
static int result_list(lua_State *L, const char *list)
{
    push_list(L, check_result(L, 1)->h, list, ITEM_FEN);
    return 1;
}

static int result_breaches(lua_State *L) { return result_list(L, "breaches"); }
static int result_months(lua_State *L) { return result_list(L, "months"); }
static int result_incidents(lua_State *L) { return result_list(L, "incidents"); }
static int result_findings(lua_State *L) { return result_list(L, "findings"); }
static int result_warnings(lua_State *L) { return result_list(L, "warnings"); }
static int result_headroom(lua_State *L) { return result_list(L, "headroom"); }
static int result_obligations(lua_State *L) { return result_list(L, "obligations"); }
static int result_not_counted(lua_State *L) { return result_list(L, "not_counted"); }

/* result:breach(i) -> breach i (1-based) or nil */
static int result_breach(lua_State *L)
{
    const lc_result *res = check_result(L, 1)->h;
    lua_Integer i = luaL_checkinteger(L, 2);
    if (i < 1 || (size_t)i > lc_result_count(res, "breaches")) lua_pushnil(L);
    else push_item(L, res, "breaches", (size_t)i - 1, ITEM_FEN);
    return 1;
}

/* result:updates() -> { revised =, retracted = }, or nil without updates */
static int result_updates(lua_State *L)
{
    const lc_result *res = check_result(L, 1)->h;
    if (lc_result_type(res, "updates", 0, "revised") != LC_VALUE_INT) lua_pushnil(L);
    else push_item(L, res, "updates", 0, 0);
    return 1;
}

/* result:as_of() -> the instant the result stands at (RFC 3339), or nil */
static int result_as_of(lua_State *L)
{
    const char *at = lc_result_text(check_result(L, 1)->h, "contract", 0, "as_of");
    if (at) lua_pushstring(L, at);
    else lua_pushnil(L);
    return 1;
}

/* Sets t[key] to money from the accessors, with key_fen; nothing for null. */
static void set_money(lua_State *L, const lc_result *res, const char *list, const char *field, const char *key)
{
    int64_t fen;
    if (!lc_result_fen(res, list, 0, field, &fen)) return;
    set_amount(L, key, fen);
    lua_pushinteger(L, fen);
    lua_pushfstring(L, "%s_fen", key);
    lua_insert(L, -2);
    lua_settable(L, -3);
}

/* result:totals() */
static int result_totals(lua_State *L)
{
    const lc_result *res = check_result(L, 1)->h;
    int flag = 0;
    lua_createtable(L, 0, 12);
    set_money(L, res, "totals", "amount", "amount");
    set_money(L, res, "totals", "amount_uncapped", "amount_uncapped");
    set_money(L, res, "contract", "cap", "cap");
    lc_result_bool(res, "totals", 0, "capped", &flag);
    set_bool(L, "capped", flag);
    flag = 0;
    lc_result_bool(res, "termination", 0, "right", &flag);
    set_bool(L, "termination_right", flag);
    set_int(L, "breaches", (lua_Integer)lc_result_count(res, "breaches"));
    set_int(L, "incidents", (lua_Integer)lc_result_count(res, "incidents"));
    set_int(L, "warnings", (lua_Integer)lc_result_count(res, "warnings"));
    return 1;
}

/* result:month_value(i, name) -> number or nil (i is 1-based) */
static int result_month_value(lua_State *L)
{
    const lc_result *res = check_result(L, 1)->h;
    lua_Integer i = luaL_checkinteger(L, 2);
    const char *name = luaL_checkstring(L, 3);
    double v;
    if (i >= 1 && (size_t)i <= lc_result_count(res, "months") && lc_result_month_value(res, (size_t)i - 1, name, &v) &&
        !isnan(v))
        lua_pushnumber(L, v);
    else lua_pushnil(L);
    return 1;
}

/* result:json() -> INTERFACE.md JSON text */
static int result_json(lua_State *L)
{
    l_result *r = check_result(L, 1);
    char *out = NULL;
    size_t len = 0;
    CHECK(L, lc_result_json(r->h, &out, &len, ERR));
    push_owned_text(L, out, len);
    return 1;
}

/* ---- result:table(): the JSON's shape, built from the accessors ---- */

static void set_json_item(lua_State *L, const lc_result *res, const char *list, const char *key)
{
    push_item(L, res, list, 0, ITEM_JSON);
    lua_setfield(L, -2, key);
}

static void set_json_list(lua_State *L, const lc_result *res, const char *list, const char *key)
{
    push_list(L, res, list, ITEM_JSON);
    lua_setfield(L, -2, key);
}

/* Sets t[key] to { name = item's field, ... } for the given fields of
 * item 0, or to null when the first is null (a bond the rules do not
 * declare). */
static void set_json_group(lua_State *L, const lc_result *res, const char *list, const char *key,
                           const char *const *fields, const char *const *names)
{
    if (lc_result_type(res, list, 0, fields[0]) == LC_VALUE_NULL) push_null(L);
    else {
        lua_newtable(L);
        for (size_t k = 0; fields[k]; k++) {
            if (push_value(L, res, list, 0, fields[k]) <= LC_VALUE_NULL) push_null(L);
            lua_setfield(L, -2, names[k]);
        }
    }
    lua_setfield(L, -2, key);
}

static void json_contract(lua_State *L, const lc_result *res)
{
    static const char *const term[] = {"term_start", "term_end", NULL}, *const term_names[] = {"start", "end"};
    push_item(L, res, "contract", 0, ITEM_JSON);
    set_json_group(L, res, "contract", "term", term, term_names);
    lua_setfield(L, -2, "contract");
    if (lc_result_type(res, "contract", 0, "as_of") == LC_VALUE_TEXT) {
        lua_pushstring(L, lc_result_text(res, "contract", 0, "as_of"));
        lua_setfield(L, -2, "as_of");
    }
}

/* The caps that cut something, each with the breaches it cut (cap_cuts,
 * by cap_index: rule, period, at, cut) as "breaches". */
static void push_caps(lua_State *L, const lc_result *res, unsigned mode)
{
    static const char *const fields[] = {"rule", "period", "at", "cut"};
    push_list(L, res, "caps", mode);
    for (size_t c = 0; c < lc_result_count(res, "caps"); c++) {
        lua_rawgeti(L, -1, (lua_Integer)c + 1);
        lua_newtable(L);
        lua_setfield(L, -2, "breaches");
        lua_pop(L, 1);
    }
    for (size_t k = 0; k < lc_result_count(res, "cap_cuts"); k++) {
        int64_t c = 0;
        lc_result_int(res, "cap_cuts", k, "cap_index", &c);
        lua_rawgeti(L, -1, c + 1);
        lua_getfield(L, -1, "breaches");
        lua_newtable(L);
        for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++)
            set_value_of(L, res, "cap_cuts", k, fields[f], mode);
        if (!(mode & ITEM_JSON)) { /* for result:breach(i), 1-based */
            int64_t breach = 0;
            lc_result_int(res, "cap_cuts", k, "breach", &breach);
            lua_pushinteger(L, breach + 1);
            lua_setfield(L, -2, "breach");
        }
        lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
        lua_pop(L, 2);
    }
}

/* result:caps() -> { { cap =, window =, period =, limit =, cut =, breaches = { { rule =, period =, at =, cut =,
 * breach = i (result:breach(i)) }, ... } }, ... } */
static int result_caps(lua_State *L)
{
    push_caps(L, check_result(L, 1)->h, ITEM_FEN);
    return 1;
}

static void json_totals(lua_State *L, const lc_result *res)
{
    push_item(L, res, "totals", 0, ITEM_JSON);
    push_caps(L, res, ITEM_JSON);
    lua_setfield(L, -2, "caps");
    lua_setfield(L, -2, "totals");
}

static void json_termination(lua_State *L, const lc_result *res)
{
    push_item(L, res, "termination", 0, ITEM_JSON);
    set_json_list(L, res, "reasons", "reasons");
    lua_setfield(L, -2, "termination");
}

/* acceptance: passed, each part's value by its name, the parts; null
 * when the rules declare none. */
static void json_acceptance(lua_State *L, const lc_result *res)
{
    if (lc_result_type(res, "acceptance", 0, "passed") != LC_VALUE_BOOL) push_null(L);
    else {
        push_item(L, res, "acceptance", 0, ITEM_JSON);
        for (size_t i = 0; i < lc_result_count(res, "parts"); i++) {
            if (push_value(L, res, "parts", i, "value") <= LC_VALUE_NULL) push_null(L);
            lua_setfield(L, -2, lc_result_text(res, "parts", i, "name"));
        }
        set_json_list(L, res, "parts", "parts");
    }
    lua_setfield(L, -2, "acceptance");
}

static void json_payments(lua_State *L, const lc_result *res)
{
    static const char *const bond[] = {"bond_amount", "bond_due", "bond_clause", NULL},
                             *const bond_names[] = {"amount", "due", "clause"};
    push_item(L, res, "payments", 0, ITEM_JSON);
    set_json_list(L, res, "instalments", "instalments");
    set_json_group(L, res, "payments", "bond", bond, bond_names);
    lua_setfield(L, -2, "payments");
}

/* stamp, with the parameters as an object by name. */
static void json_stamp(lua_State *L, const lc_result *res)
{
    push_item(L, res, "stamp", 0, ITEM_JSON);
    lua_newtable(L);
    for (size_t i = 0; i < lc_result_count(res, "params"); i++) {
        lua_pushstring(L, lc_result_text(res, "params", i, "value"));
        lua_setfield(L, -2, lc_result_text(res, "params", i, "name"));
    }
    lua_setfield(L, -2, "params");
    lua_setfield(L, -2, "stamp");
}

/* result:table() -> the INTERFACE.md JSON as Lua tables (null as
 * contract.null), read through the accessors */
static int result_table(lua_State *L)
{
    const lc_result *res = check_result(L, 1)->h;
    lua_createtable(L, 0, 18);
    json_contract(L, res);
    set_json_list(L, res, "breaches", "breaches");
    set_json_list(L, res, "incidents", "incidents");
    set_json_list(L, res, "months", "months");
    json_totals(L, res);
    json_termination(L, res);
    set_json_item(L, res, "annual", "annual");
    json_acceptance(L, res);
    set_json_list(L, res, "obligations", "obligations");
    set_json_list(L, res, "findings", "findings");
    json_payments(L, res);
    set_json_list(L, res, "warnings", "warnings");
    set_json_list(L, res, "not_counted", "not_counted");
    if (lc_result_type(res, "contract", 0, "as_of") == LC_VALUE_TEXT) set_json_list(L, res, "headroom", "headroom");
    if (lc_result_type(res, "updates", 0, "revised") == LC_VALUE_INT) set_json_item(L, res, "updates", "updates");
    json_stamp(L, res);
    return 1;
}

/* result:render([format = "text" [, lang = "both" [, {explain=, bom=}]]]) -> text */
static int result_render(lua_State *L)
{
    l_result *r = check_result(L, 1);
    lc_format format = format_arg(L, 2, "text", 0);
    lc_lang lang = lang_arg(L, 3);
    unsigned flags = 0;
    if (!lua_isnoneornil(L, 4)) {
        static const char *const known[] = {"explain", "bom", NULL};
        luaL_checktype(L, 4, LUA_TTABLE);
        check_keys(L, 4, "render", known);
        flags = (opt_flag(L, 4, "explain") ? LC_RENDER_EXPLAIN : 0) | (opt_flag(L, 4, "bom") ? LC_RENDER_BOM : 0);
    }
    char *out = NULL;
    size_t len = 0;
    CHECK(L, lc_result_render(r->h, format, lang, flags, &out, &len, ERR));
    push_owned_text(L, out, len);
    return 1;
}

/* contract.diff(old, new [, format = "json" [, lang]]) -> differs, report */
static int l_diff(lua_State *L)
{
    l_result *a = check_result(L, 1);
    l_result *b = check_result(L, 2);
    lc_format format = format_arg(L, 3, "json", 1);
    lc_lang lang = lang_arg(L, 4);
    char *out = NULL;
    size_t len = 0;
    int differs = 0;
    CHECK(L, lc_result_diff(a->h, b->h, format, lang, &out, &len, &differs, ERR));
    lua_pushboolean(L, differs);
    push_owned_text(L, out, len);
    return 2;
}

static int result_close(lua_State *L)
{
    l_result *r = luaL_checkudata(L, 1, MT_RESULT);
    lc_result_free(r->h);
    r->h = NULL;
    return 0;
}

static int result_tostring(lua_State *L)
{
    l_result *r = luaL_checkudata(L, 1, MT_RESULT);
    if (!r->h) {
        lua_pushliteral(L, "contract.result (closed)");
        return 1;
    }
    int64_t fen = 0;
    int capped = 0;
    lc_result_fen(r->h, "totals", 0, "amount", &fen);
    lc_result_bool(r->h, "totals", 0, "capped", &capped);
    char amount[32];
    fen_text(fen, amount, sizeof amount);
    lua_pushfstring(L, "contract.result (%d breaches, total %s%s)", (int)lc_result_count(r->h, "breaches"), amount,
                    capped ? ", capped" : "");
    return 1;
}

static int handle_closed_tostring(lua_State *L, const char *name, int open)
{
    lua_pushfstring(L, open ? "%s" : "%s (closed)", name);
    return 1;
}

static int scenario_tostring(lua_State *L)
{
    l_scenario *s = luaL_checkudata(L, 1, MT_SCENARIO);
    return handle_closed_tostring(L, "contract.scenario", s->h != NULL);
}

static int event_tostring(lua_State *L)
{
    l_event *b = luaL_checkudata(L, 1, MT_EVENT);
    return handle_closed_tostring(L, "contract.event", b->h != NULL);
}

/* ---- module ------------------------------------------------------------------------ */

static int l_version(lua_State *L)
{
    lua_pushstring(L, lc_version_string());
    return 1;
}

static int l_version_number(lua_State *L)
{
    lua_pushinteger(L, lc_version_number());
    return 1;
}

/* contract.is_error(value) -> true when value is an error raised by the module */
static int l_is_error(lua_State *L)
{
    int yes = 0;
    if (lua_getmetatable(L, 1)) {
        luaL_getmetatable(L, MT_ERROR);
        yes = lua_rawequal(L, -1, -2);
    }
    lua_pushboolean(L, yes);
    return 1;
}

static void new_class(lua_State *L, const char *name, const luaL_Reg *methods, lua_CFunction gc, lua_CFunction tostring)
{
    luaL_newmetatable(L, name);
    lua_newtable(L);
    luaL_setfuncs(L, methods, 0);
    lua_pushcfunction(L, gc);
    lua_setfield(L, -2, "close");
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, gc);
    lua_setfield(L, -2, "__close");
    lua_pushcfunction(L, tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pushstring(L, name);
    lua_setfield(L, -2, "__name");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 1);
}

EXPORT int luaopen_contract(lua_State *L)
{
    static const luaL_Reg engine_methods[] = {
        {"set", engine_set},
        {"params", engine_params},
        {"param_names", engine_param_names},
        {"param", engine_param},
        {"rules", engine_rules},
        {"contract_id", engine_contract_id},
        {"check", engine_check},
        {"evaluation", engine_evaluation},
        {"evaluate", engine_evaluate},
        {"event", engine_event},
        {NULL, NULL},
    };
    static const luaL_Reg eval_methods[] = {
        {"push", eval_push},
        {"push_line", eval_push_line},
        {"push_lines", eval_push_lines},
        {"end_stream", eval_end_stream},
        {"push_file", eval_push_file},
        {"push_event", eval_push_event},
        {"push_events", eval_push_events},
        {"retract", eval_retract},
        {"replay", eval_replay},
        {"result", eval_result},
        {"engine", eval_engine},
        {NULL, NULL},
    };
    static const luaL_Reg result_methods[] = {
        {"totals", result_totals},
        {"breaches", result_breaches},
        {"breach", result_breach},
        {"months", result_months},
        {"month_value", result_month_value},
        {"warnings", result_warnings},
        {"incidents", result_incidents},
        {"findings", result_findings},
        {"headroom", result_headroom},
        {"obligations", result_obligations},
        {"not_counted", result_not_counted},
        {"caps", result_caps},
        {"updates", result_updates},
        {"as_of", result_as_of},
        {"json", result_json},
        {"table", result_table},
        {"render", result_render},
        {"diff", l_diff},
        {NULL, NULL},
    };
    static const luaL_Reg scenario_methods[] = {{NULL, NULL}};
    static const luaL_Reg event_methods[] = {
        {"reset", event_reset},   {"set", event_set},         {"time", event_time},     {"bool", event_bool},
        {"int", event_int},       {"decimal", event_decimal}, {"string", event_string},
        {"undeclared", event_undeclared}, {NULL, NULL},
    };
    static const luaL_Reg functions[] = {
        {"engine", l_engine_new},
        {"engine_from_string", l_engine_from_string},
        {"scenario", l_scenario_new},
        {"scenario_from_string", l_scenario_from_string},
        {"diff", l_diff},
        {"decode", l_decode},
        {"time", l_time},
        {"iso", l_iso},
        {"version", l_version},
        {"version_number", l_version_number},
        {"is_error", l_is_error},
        {NULL, NULL},
    };

    new_class(L, MT_ENGINE, engine_methods, engine_close, engine_tostring);
    new_class(L, MT_EVAL, eval_methods, eval_close, eval_tostring);
    new_class(L, MT_RESULT, result_methods, result_close, result_tostring);
    new_class(L, MT_SCENARIO, scenario_methods, scenario_close, scenario_tostring);
    new_class(L, MT_EVENT, event_methods, event_close, event_tostring);

    luaL_newmetatable(L, MT_BOX);
    lua_pushcfunction(L, box_gc);
    lua_setfield(L, -2, "__gc");
    lua_pop(L, 1);

    /* contract.null: a unique userdata written as JSON null */
    lua_newuserdatauv(L, 1, 0);
    luaL_newmetatable(L, MT_NULL);
    lua_pushcfunction(L, null_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pushliteral(L, "contract.null");
    lua_setfield(L, -2, "__name");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
    lua_setfield(L, LUA_REGISTRYINDEX, MT_NULL ".value");

    luaL_newlib(L, functions);

    /* contract.Error: the metatable of raised errors */
    luaL_newmetatable(L, MT_ERROR);
    lua_pushcfunction(L, error_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pushcfunction(L, error_concat);
    lua_setfield(L, -2, "__concat");
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    lua_getfield(L, -1, LUA_STRLIBNAME);
    lua_remove(L, -2);
    lua_pushcclosure(L, error_index, 1);
    lua_setfield(L, -2, "__index");
    lua_pushliteral(L, "contract.Error");
    lua_setfield(L, -2, "__name");
    lua_setfield(L, -2, "Error");

    push_null(L);
    lua_setfield(L, -2, "null");
    static const struct {
        const char *name;
        lua_Integer ns;
    } units[] = {{"SECOND", NS_PER_SEC}, {"MINUTE", NS_PER_MIN}, {"HOUR", NS_PER_HOUR}, {"DAY", NS_PER_DAY}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        lua_pushinteger(L, units[i].ns);
        lua_setfield(L, -2, units[i].name);
    }
    lua_pushstring(L, lc_version_string());
    lua_setfield(L, -2, "_VERSION");
    return 1;
}
