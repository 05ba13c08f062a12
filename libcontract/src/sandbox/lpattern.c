/* lpattern.c — see lpattern.h.
 *
 * A backtracking matcher with the semantics Lua 5.4's manual gives its
 * patterns ("match the rest of the pattern here", with greedy, lazy and
 * optional repetition, captures, %b, %f and back-references), written for
 * this library so that every unit of work goes through spend().
 *
 * spend() may raise a Lua error (a longjmp) at any point: all matching
 * state lives on the C stack or in Lua-owned memory (luaL_Buffer, a gmatch
 * userdata), never in memory that would leak. */
#include "sandbox/lpattern.h"

#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <lauxlib.h>

#include "sandbox/sandbox.h"

#define MAX_CAPTURES 32   /* as LUA_MAXCAPTURES */
#define MAX_DEPTH 200     /* as Lua's MAXCCALLS: nesting past it is "pattern too complex" */
#define CHARGE_EVERY 1024 /* steps counted locally between two charges to the sandbox */
#define CAP_OPEN (-1)     /* a capture whose ')' is not reached yet */
#define CAP_POSITION (-2) /* a "()" capture: its value is its position */
#define ESC '%'

typedef struct capture {
    const char *init;
    ptrdiff_t len; /* or CAP_OPEN, CAP_POSITION */
} capture;

typedef struct matcher {
    lua_State *L;
    const char *src, *src_end; /* the subject */
    const char *pat_end;       /* the pattern's end */
    const char *what;          /* the function, for the budget message */
    int depth_left;            /* recursion still allowed */
    int level;                 /* captures in use */
    capture cap[MAX_CAPTURES];
    uint64_t pending; /* steps not yet charged to the sandbox */
    uint64_t total;   /* steps charged by this call */
    uint64_t limit;   /* steps one call may take */
} matcher;

/* ---- the budget ---------------------------------------------------------- */

static int charge_protected(lua_State *L)
{
    lci_sandbox_charge(L, (uint64_t)lua_tointeger(L, 1));
    return 0;
}

/* Charges the pending steps.  The charge runs in a protected call only so
 * that the message can say a pattern spent the budget: the sandbox has
 * already marked itself stopped and armed its hook, so re-raising keeps
 * the stop sticky.  The per-call limit is checked after charging, so that
 * a script catching that error (it is an ordinary one) still pays. */
static void settle(matcher *m)
{
    lua_State *L = m->L;
    uint64_t steps = m->pending;
    if (steps == 0) return;
    m->pending = 0;
    m->total += steps;
    luaL_checkstack(L, 2, NULL);
    lua_pushcfunction(L, charge_protected);
    lua_pushinteger(L, (lua_Integer)steps);
    int status = lua_pcall(L, 1, 0, 0);
    if (status == LUA_ERRRUN && lua_type(L, -1) == LUA_TSTRING)
        luaL_error(L, "%s while matching a pattern in %s", lua_tostring(L, -1), m->what);
    if (status != LUA_OK) lua_error(L);
    if (m->total > m->limit) luaL_error(L, "pattern match exceeded %I steps", (lua_Integer)m->limit);
}

/* Counts n steps of work; charges them once enough have gathered.  A
 * macro, not a function: it runs for every character compared, and debug
 * builds do not inline. */
#define spend(m, n)                                                  \
    do {                                                             \
        if (((m)->pending += (n)) >= CHARGE_EVERY) settle(m);        \
    } while (0)

static void matcher_init(matcher *m, lua_State *L, const char *what, const char *s, size_t slen, const char *p,
                         size_t plen)
{
    m->L = L;
    m->src = s;
    m->src_end = s + slen;
    m->pat_end = p + plen;
    m->what = what;
    m->pending = m->total = 0;
    m->limit = lci_sandbox_pattern_limit(L);
    m->level = 0;
    m->depth_left = MAX_DEPTH;
}

/* Before each attempt at a new subject position: no captures, full depth. */
static void matcher_reset(matcher *m)
{
    m->level = 0;
    m->depth_left = MAX_DEPTH;
}

/* ---- single-character items ---------------------------------------------- */

/* Is c in the class %cl?  An upper-case letter is the complement; a
 * character that names no class stands for itself (%. %% %[ ...).  The
 * class letters are ASCII, so this folds case without tolower(), a call
 * per character compared. */
static int in_class(int c, int cl)
{
    int r;
    switch (cl | 0x20) {
    case 'a': r = isalpha(c); break;
    case 'c': r = iscntrl(c); break;
    case 'd': r = isdigit(c); break;
    case 'g': r = isgraph(c); break;
    case 'l': r = islower(c); break;
    case 'p': r = ispunct(c); break;
    case 's': r = isspace(c); break;
    case 'u': r = isupper(c); break;
    case 'w': r = isalnum(c); break;
    case 'x': r = isxdigit(c); break;
    case 'z': r = (c == 0); break; /* deprecated, but Lua 5.4 still has it */
    default: return cl == c;
    }
    if (cl < 'a') r = !r; /* only the letters get here: upper case */
    return r != 0;
}

/* Is c in the set from p (its '[') to end (its ']')?  Members are %x
 * classes, ranges a-z, or single characters. */
static int in_set(matcher *m, int c, const char *p, const char *end)
{
    int listed = 1; /* the answer when c is listed: 0 for [^...] */
    spend(m, (size_t)(end - p));
    p++;
    if (*p == '^') {
        listed = 0;
        p++;
    }
    for (; p < end; p++) {
        if (*p == ESC) {
            p++;
            if (in_class(c, (unsigned char)*p)) return listed;
        } else if (p[1] == '-' && p + 2 < end) {
            if ((unsigned char)p[0] <= c && c <= (unsigned char)p[2]) return listed;
            p += 2;
        } else if ((unsigned char)*p == c) {
            return listed;
        }
    }
    return !listed;
}

/* The end of the single-character item at p: "x", "%x" or "[...]".
 * Raises Lua's errors for a pattern that ends inside one. */
static const char *item_end(matcher *m, const char *p)
{
    const char *end = m->pat_end;
    if (*p == ESC) {
        if (p + 1 >= end) luaL_error(m->L, "malformed pattern (ends with '%%')");
        return p + 2;
    }
    if (*p != '[') return p + 1;
    const char *q = p + 1;
    if (q < end && *q == '^') q++;
    /* The first member is taken as it is, so "[]]" is the set of ']'. */
    do {
        if (q >= end) luaL_error(m->L, "malformed pattern (missing ']')");
        if (*q++ == ESC && q < end) q++;
    } while (q >= end || *q != ']');
    spend(m, (size_t)(q - p));
    return q + 1;
}

/* Does the item p..ep match the subject character at s? */
static int item_matches(matcher *m, const char *s, const char *p, const char *ep)
{
    if (s >= m->src_end) return 0;
    int c = (unsigned char)*s;
    spend(m, 1);
    switch (*p) {
    case '.': return 1;
    case ESC: return in_class(c, (unsigned char)p[1]);
    case '[': return in_set(m, c, p, ep - 1);
    default: return (unsigned char)*p == c;
    }
}

/* ---- the matcher ----------------------------------------------------------- */

static const char *match_here(matcher *m, const char *s, const char *p);

/* How many characters from s the item p..ep matches in a row.  Plain
 * characters, '.' and %x classes get a tight loop (they are most of the
 * patterns people write), still counted one step per character. */
static size_t run_length(matcher *m, const char *s, const char *p, const char *ep)
{
    size_t n = 0, avail = (size_t)(m->src_end - s);
    if (*p == '[') {
        while (item_matches(m, s + n, p, ep)) n++;
        return n;
    }
    if (*p == '.') {
        spend(m, avail);
        return avail;
    }
    size_t stop;
    do { /* in windows, so that a long run is charged as it goes */
        stop = avail - n > CHARGE_EVERY ? n + CHARGE_EVERY : avail;
        size_t from = n;
        if (*p == ESC)
            while (n < stop && in_class((unsigned char)s[n], (unsigned char)p[1])) n++;
        else
            while (n < stop && s[n] == *p) n++;
        spend(m, n - from + (n < stop)); /* the character that ended the run was compared too */
    } while (n == stop && n < avail);
    return n;
}

/* x*: take every x there is, then give them back one at a time until the
 * rest of the pattern (after ep's quantifier) matches. */
static const char *repeat_greedy(matcher *m, const char *s, const char *p, const char *ep)
{
    size_t n = run_length(m, s, p, ep);
    for (;;) {
        const char *r = match_here(m, s + n, ep + 1);
        if (r || n == 0) return r;
        n--;
    }
}

/* x-: try the rest first, and take one more x only when it fails. */
static const char *repeat_lazy(matcher *m, const char *s, const char *p, const char *ep)
{
    for (;;) {
        const char *r = match_here(m, s, ep + 1);
        if (r) return r;
        if (!item_matches(m, s, p, ep)) return NULL;
        s++;
    }
}

/* '(' (kind CAP_OPEN) or "()" (CAP_POSITION): the capture exists only
 * while the rest of the pattern is tried. */
static const char *open_capture(matcher *m, const char *s, const char *p, ptrdiff_t kind)
{
    if (m->level >= MAX_CAPTURES) luaL_error(m->L, "too many captures");
    m->cap[m->level].init = s;
    m->cap[m->level].len = kind;
    m->level++;
    const char *r = match_here(m, s, p);
    if (!r) m->level--;
    return r;
}

/* ')' closes the innermost capture still open. */
static const char *close_capture(matcher *m, const char *s, const char *p)
{
    int l = m->level - 1;
    while (l >= 0 && m->cap[l].len != CAP_OPEN) l--;
    if (l < 0) luaL_error(m->L, "invalid pattern capture");
    m->cap[l].len = s - m->cap[l].init;
    const char *r = match_here(m, s, p);
    if (!r) m->cap[l].len = CAP_OPEN;
    return r;
}

/* %1-%9: the same text as a closed capture.  Lua never matches a position
 * capture here (it compares an impossible length), nor do we. */
static const char *match_backref(matcher *m, const char *s, int digit)
{
    int i = digit - '1';
    if (i < 0 || i >= m->level || m->cap[i].len == CAP_OPEN) luaL_error(m->L, "invalid capture index %%%d", i + 1);
    ptrdiff_t len = m->cap[i].len;
    if (len == CAP_POSITION) return NULL;
    spend(m, (size_t)len + 1);
    if (m->src_end - s >= len && memcmp(m->cap[i].init, s, (size_t)len) == 0) return s + len;
    return NULL;
}

/* %bxy: an x, then text up to the y that balances it. */
static const char *match_balance(matcher *m, const char *s, const char *p)
{
    if (p + 1 >= m->pat_end) luaL_error(m->L, "malformed pattern (missing arguments to '%%b')");
    if (s >= m->src_end || *s != p[0]) return NULL;
    int depth = 1;
    while (++s < m->src_end) {
        spend(m, 1);
        if (*s == p[1]) {
            if (--depth == 0) return s + 1;
        } else if (*s == p[0]) {
            depth++;
        }
    }
    return NULL;
}

/* %f[set] (the set from p to ep): between a character not in the set and
 * one in it; the subject's ends count as '\0'. */
static int at_frontier(matcher *m, const char *s, const char *p, const char *ep)
{
    int before = s == m->src ? 0 : (unsigned char)s[-1];
    int here = s < m->src_end ? (unsigned char)*s : 0;
    return !in_set(m, before, p, ep - 1) && in_set(m, here, p, ep - 1);
}

/* '(' or "()" at p, ')' at p, or a final '$': each decides the rest of the
 * match (a capture by recursing on it). */
static const char *match_special(matcher *m, const char *s, const char *p)
{
    if (*p == ')') return close_capture(m, s, p + 1);
    if (*p == '$') return s == m->src_end ? s : NULL;
    if (p + 1 < m->pat_end && p[1] == ')') return open_capture(m, s, p + 2, CAP_POSITION);
    return open_capture(m, s, p + 1, CAP_OPEN);
}

/* Matches the pattern from p to its end at subject position s: the end of
 * the match, or NULL.  Each nested call counts against MAX_DEPTH, as each
 * of Lua's does, so the same patterns are "too complex".  One loop does
 * the common items, so that plain matching does not pay for calls (nor,
 * under AddressSanitizer, for locals whose address is taken). */
static const char *match_here(matcher *m, const char *s, const char *p)
{
    if (m->depth_left-- == 0) luaL_error(m->L, "pattern too complex");
    spend(m, 1);
    while (s && p < m->pat_end) {
        char c = *p, c1 = p + 1 < m->pat_end ? p[1] : '\0';
        if (c == '(' || c == ')' || (c == '$' && p + 1 == m->pat_end)) {
            s = match_special(m, s, p);
            break;
        }
        if (c == ESC && c1 == 'b') {
            s = match_balance(m, s, p + 2);
            p += 4;
            continue;
        }
        if (c == ESC && c1 == 'f') {
            if (p + 2 >= m->pat_end || p[2] != '[') luaL_error(m->L, "missing '[' after '%%f' in pattern");
            const char *ep = item_end(m, p + 2);
            if (!at_frontier(m, s, p + 2, ep)) s = NULL;
            p = ep;
            continue;
        }
        if (c == ESC && c1 >= '0' && c1 <= '9') {
            s = match_backref(m, s, c1);
            p += 2;
            continue;
        }
        /* A single-character item, maybe with a quantifier.  Only
         * repetitions that may have to backtrack recurse. */
        const char *ep = (c == ESC || c == '[') ? item_end(m, p) : p + 1;
        char q = ep < m->pat_end ? *ep : '\0';
        if (!item_matches(m, s, p, ep)) {
            if (q != '*' && q != '?' && q != '-') s = NULL;
            p = ep + 1; /* zero repetitions will do */
        } else if (q == '?') {
            const char *r = match_here(m, s + 1, ep + 1);
            if (r) {
                s = r;
                break;
            }
            p = ep + 1; /* go on without the optional item */
        } else if (q == '+' || q == '*') {
            s = repeat_greedy(m, q == '+' ? s + 1 : s, p, ep);
            break;
        } else if (q == '-') {
            s = repeat_lazy(m, s, p, ep);
            break;
        } else {
            s++;
            p = ep;
        }
    }
    m->depth_left++;
    return s;
}

/* ---- captures as Lua values ------------------------------------------------ */

/* Capture i; with no captures, i = 0 is the whole match s..e. */
static void push_capture(matcher *m, int i, const char *s, const char *e)
{
    lua_State *L = m->L;
    if (i >= m->level) {
        if (i != 0) luaL_error(L, "invalid capture index %%%d", i + 1);
        spend(m, (size_t)(e - s));
        lua_pushlstring(L, s, (size_t)(e - s));
        return;
    }
    ptrdiff_t len = m->cap[i].len;
    if (len == CAP_OPEN) luaL_error(L, "unfinished capture");
    if (len == CAP_POSITION) {
        lua_pushinteger(L, (m->cap[i].init - m->src) + 1);
        return;
    }
    spend(m, (size_t)len);
    lua_pushlstring(L, m->cap[i].init, (size_t)len);
}

/* Every capture, or the whole match when there are none and s is given
 * (find passes s = NULL: it returns the positions instead). */
static int push_all(matcher *m, const char *s, const char *e)
{
    int n = (m->level == 0 && s) ? 1 : m->level;
    luaL_checkstack(m->L, n, "too many captures");
    for (int i = 0; i < n; i++) push_capture(m, i, s, e);
    return n;
}

/* ---- find and match ------------------------------------------------------- */

/* A 1-based index, negative from the end, as a 0-based offset (clamped at
 * 0; possibly past the end, which the callers treat each their own way). */
static size_t start_offset(lua_Integer pos, size_t len)
{
    if (pos > 0) return (size_t)pos - 1;
    if (pos == 0 || pos < -(lua_Integer)len) return 0;
    return len - (size_t)-pos;
}

/* find searches plainly when the pattern has none of these. */
static int has_specials(matcher *m, const char *p, size_t plen)
{
    spend(m, plen);
    for (size_t i = 0; i < plen; i++)
        if (p[i] != '\0' && strchr("^$*+?.([%-", p[i])) return 1;
    return 0;
}

/* The first n in h, looking at no more than CHARGE_EVERY bytes between
 * two counts, so a long search is charged as it goes. */
static const char *plain_search(matcher *m, const char *h, size_t hlen, const char *n, size_t nlen)
{
    if (nlen == 0) return h;
    if (nlen > hlen) return NULL;
    const char *last = h + (hlen - nlen); /* the last place n can start */
    for (const char *at = h; at <= last;) {
        size_t window = (size_t)(last - at) + 1;
        if (window > CHARGE_EVERY) window = CHARGE_EVERY;
        const char *hit = memchr(at, (unsigned char)n[0], window);
        if (!hit) {
            spend(m, window);
            at += window;
            continue;
        }
        size_t k = 1;
        while (k < nlen && hit[k] == n[k]) k++;
        spend(m, (size_t)(hit - at) + k);
        if (k == nlen) return hit;
        at = hit + 1;
    }
    return NULL;
}

static int find_plain(matcher *m, size_t init, const char *p, size_t plen)
{
    size_t slen = (size_t)(m->src_end - m->src);
    const char *hit = plain_search(m, m->src + init, slen - init, p, plen);
    if (!hit) {
        luaL_pushfail(m->L);
        return 1;
    }
    lua_pushinteger(m->L, (hit - m->src) + 1);
    lua_pushinteger(m->L, (lua_Integer)((size_t)(hit - m->src) + plen));
    return 2;
}

/* Tries the pattern at init, then (unless anchored by '^') at every later
 * position up to the end of the subject. */
static int find_pattern(matcher *m, size_t init, const char *p, int find)
{
    int anchored = p < m->pat_end && *p == '^';
    if (anchored) p++;
    for (const char *at = m->src + init;; at++) {
        matcher_reset(m);
        const char *e = match_here(m, at, p);
        if (e && find) {
            lua_pushinteger(m->L, (at - m->src) + 1);
            lua_pushinteger(m->L, e - m->src);
            return push_all(m, NULL, NULL) + 2;
        }
        if (e) return push_all(m, at, e);
        if (anchored || at >= m->src_end) break;
    }
    luaL_pushfail(m->L);
    return 1;
}

static int find_or_match(lua_State *L, int find)
{
    size_t slen, plen;
    const char *s = luaL_checklstring(L, 1, &slen);
    const char *p = luaL_checklstring(L, 2, &plen);
    size_t init = start_offset(luaL_optinteger(L, 3, 1), slen);
    if (init > slen) { /* past the end: nothing, not even an empty match */
        luaL_pushfail(L);
        return 1;
    }
    matcher m;
    matcher_init(&m, L, find ? "string.find" : "string.match", s, slen, p, plen);
    int n;
    if (find && (lua_toboolean(L, 4) || !has_specials(&m, p, plen))) n = find_plain(&m, init, p, plen);
    else n = find_pattern(&m, init, p, find);
    settle(&m);
    return n;
}

static int str_find(lua_State *L)
{
    return find_or_match(L, 1);
}

static int str_match(lua_State *L)
{
    return find_or_match(L, 0);
}

/* ---- gmatch ----------------------------------------------------------------- */

/* Where the iteration stands, as offsets into the subject (an upvalue). */
typedef struct gmatch_pos {
    size_t at;       /* where the next attempt starts */
    size_t last_end; /* end of the last match: an empty match there is skipped */
} gmatch_pos;

/* One step of the iteration; each call is its own call for the limits.
 * '^' is not an anchor here (Lua 5.4 takes it literally in gmatch). */
static int gmatch_next(lua_State *L)
{
    size_t slen, plen;
    const char *s = lua_tolstring(L, lua_upvalueindex(1), &slen);
    const char *p = lua_tolstring(L, lua_upvalueindex(2), &plen);
    gmatch_pos *g = lua_touserdata(L, lua_upvalueindex(3));
    matcher m;
    matcher_init(&m, L, "string.gmatch", s, slen, p, plen);
    int n = 0;
    for (; g->at <= slen; g->at++) {
        matcher_reset(&m);
        const char *e = match_here(&m, s + g->at, p);
        if (e && (size_t)(e - s) != g->last_end) {
            const char *start = s + g->at;
            g->at = g->last_end = (size_t)(e - s);
            n = push_all(&m, start, e);
            break;
        }
    }
    settle(&m);
    return n;
}

static int str_gmatch(lua_State *L)
{
    size_t slen;
    luaL_checklstring(L, 1, &slen);
    luaL_checkstring(L, 2);
    size_t init = start_offset(luaL_optinteger(L, 3, 1), slen);
    lua_settop(L, 2);
    gmatch_pos *g = lua_newuserdatauv(L, sizeof *g, 0);
    g->at = init > slen ? slen + 1 : init;
    g->last_end = SIZE_MAX;
    lua_pushcclosure(L, gmatch_next, 3);
    return 1;
}

/* ---- gsub ------------------------------------------------------------------- */

/* A replacement string: %0-%9 are captures (%0 the whole match, %1 the
 * whole match too when there are no captures), %% is '%'. */
static void add_template(matcher *m, luaL_Buffer *b, const char *s, const char *e)
{
    lua_State *L = m->L;
    size_t tlen;
    const char *t = lua_tolstring(L, 3, &tlen);
    const char *tend = t + tlen;
    for (;;) {
        const char *esc = memchr(t, ESC, (size_t)(tend - t));
        size_t lit = (size_t)((esc ? esc : tend) - t);
        spend(m, lit);
        luaL_addlstring(b, t, lit);
        if (!esc) return;
        char d = esc + 1 < tend ? esc[1] : '\0';
        t = esc + 2;
        if (d == ESC) {
            luaL_addchar(b, ESC);
        } else if (d == '0') {
            spend(m, (size_t)(e - s));
            luaL_addlstring(b, s, (size_t)(e - s));
        } else if (d >= '1' && d <= '9') {
            push_capture(m, d - '1', s, e);
            luaL_tolstring(L, -1, NULL); /* a position capture becomes its digits */
            lua_remove(L, -2);
            luaL_addvalue(b);
        } else {
            luaL_error(L, "invalid use of '%c' in replacement string", ESC);
        }
    }
}

/* A table (indexed by the first capture) or a function (called with all
 * of them) gives the replacement; false or nil keeps the match as it is.
 * Returns whether the match was replaced. */
static int add_lookup(matcher *m, luaL_Buffer *b, const char *s, const char *e, int rtype)
{
    lua_State *L = m->L;
    if (rtype == LUA_TFUNCTION) {
        lua_pushvalue(L, 3);
        int n = push_all(m, s, e);
        lua_call(L, n, 1);
    } else {
        push_capture(m, 0, s, e);
        lua_gettable(L, 3);
    }
    if (!lua_toboolean(L, -1)) {
        lua_pop(L, 1);
        spend(m, (size_t)(e - s));
        luaL_addlstring(b, s, (size_t)(e - s));
        return 0;
    }
    if (!lua_isstring(L, -1)) return luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
    size_t len;
    lua_tolstring(L, -1, &len);
    spend(m, len);
    luaL_addvalue(b);
    return 1;
}

/* Replaces up to max_n matches; returns how many it made, with *rest the
 * subject not looked at and *changed whether the result can differ from
 * the subject. */
static lua_Integer gsub_scan(matcher *m, luaL_Buffer *b, const char *p, lua_Integer max_n, const char **rest,
                             int *changed)
{
    int rtype = lua_type(m->L, 3);
    int anchored = p < m->pat_end && *p == '^';
    if (anchored) p++;
    const char *at = m->src, *last = NULL;
    lua_Integer n = 0;
    while (n < max_n) {
        matcher_reset(m);
        const char *e = match_here(m, at, p);
        if (e && e != last) { /* not an empty match right after the last one */
            n++;
            if (rtype == LUA_TFUNCTION || rtype == LUA_TTABLE) {
                *changed |= add_lookup(m, b, at, e, rtype);
            } else {
                add_template(m, b, at, e);
                *changed = 1;
            }
            at = last = e;
        } else if (at < m->src_end) {
            spend(m, 1);
            luaL_addchar(b, *at++);
        } else {
            break;
        }
        if (anchored) break;
    }
    *rest = at;
    return n;
}

static int str_gsub(lua_State *L)
{
    size_t slen, plen;
    const char *s = luaL_checklstring(L, 1, &slen);
    const char *p = luaL_checklstring(L, 2, &plen);
    int rtype = lua_type(L, 3);
    lua_Integer max_n = luaL_optinteger(L, 4, (lua_Integer)slen + 1);
    luaL_argexpected(L, rtype == LUA_TNUMBER || rtype == LUA_TSTRING || rtype == LUA_TFUNCTION || rtype == LUA_TTABLE,
                     3, "string/function/table");
    matcher m;
    matcher_init(&m, L, "string.gsub", s, slen, p, plen);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    const char *rest;
    int changed = 0;
    lua_Integer n = gsub_scan(&m, &b, p, max_n, &rest, &changed);
    if (changed) {
        spend(&m, (size_t)(m.src_end - rest));
        luaL_addlstring(&b, rest, (size_t)(m.src_end - rest));
        luaL_pushresult(&b);
    } else {
        lua_pushvalue(L, 1); /* nothing replaced: the subject itself */
    }
    lua_pushinteger(L, n);
    settle(&m);
    return 2;
}

void lci_patterns_open(lua_State *L)
{
    static const luaL_Reg functions[] = {
        {"find", str_find}, {"match", str_match}, {"gmatch", str_gmatch}, {"gsub", str_gsub}, {NULL, NULL},
    };
    luaL_setfuncs(L, functions, 0);
}
