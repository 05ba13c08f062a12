/* luasource.c — see luasource.h.  A small scanner that knows Lua's
 * comments and strings well enough to look only at code. */
#include "sandbox/luasource.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

typedef struct src {
    const char *s;
    size_t len, i;
    int line;
} src;

/* The level of a long bracket at i ("[[", "[==["), or -1. */
static int long_bracket(const src *x)
{
    size_t j = x->i + 1;
    int level = 0;
    while (j < x->len && x->s[j] == '=') j++, level++;
    return j < x->len && x->s[j] == '[' ? level : -1;
}

static void skip_long(src *x, int level)
{
    x->i += (size_t)level + 2;
    while (x->i < x->len) {
        if (x->s[x->i] == '\n') x->line++;
        if (x->s[x->i] == ']') {
            size_t j = x->i + 1;
            int n = 0;
            while (j < x->len && x->s[j] == '=') j++, n++;
            if (n == level && j < x->len && x->s[j] == ']') {
                x->i = j + 1;
                return;
            }
        }
        x->i++;
    }
}

static void skip_quoted(src *x)
{
    char q = x->s[x->i++];
    while (x->i < x->len && x->s[x->i] != q) {
        if (x->s[x->i] == '\\' && x->i + 1 < x->len) x->i++;
        if (x->s[x->i] == '\n') x->line++;
        x->i++;
    }
    x->i++;
}

static void skip_comment(src *x)
{
    x->i += 2;
    if (x->i < x->len && x->s[x->i] == '[') {
        int level = long_bracket(x);
        if (level >= 0) {
            skip_long(x, level);
            return;
        }
    }
    while (x->i < x->len && x->s[x->i] != '\n') x->i++;
}

/* "<" "close" ">" with optional space: a to-be-closed declaration. */
static int close_attribute(const src *x)
{
    size_t j = x->i + 1;
    while (j < x->len && (x->s[j] == ' ' || x->s[j] == '\t')) j++;
    if (x->len - j < 5 || memcmp(x->s + j, "close", 5) != 0) return 0;
    j += 5;
    while (j < x->len && (x->s[j] == ' ' || x->s[j] == '\t')) j++;
    return j < x->len && x->s[j] == '>';
}

static int refuse(const src *x, const char *what, char *why, size_t whysize)
{
    snprintf(why, whysize, "line %d: %s is not allowed in rule files (Lua 5.4.4 mishandles it: see SECURITY.md)", x->line,
             what);
    return -1;
}

int lci_lua_source_check(const char *text, size_t len, char *why, size_t whysize)
{
    src x = {text, len, 0, 1};
    while (x.i < x.len) {
        char c = x.s[x.i];
        if (c == '\n') x.line++, x.i++;
        else if (c == '-' && x.i + 1 < x.len && x.s[x.i + 1] == '-') skip_comment(&x);
        else if (c == '"' || c == '\'') skip_quoted(&x);
        else if (c == '[' && long_bracket(&x) >= 0) skip_long(&x, long_bracket(&x));
        else if (c == '<' && close_attribute(&x)) return refuse(&x, "a <close> variable", why, whysize);
        else if (isalpha((unsigned char)c) || c == '_') {
            size_t start = x.i;
            while (x.i < x.len && (isalnum((unsigned char)x.s[x.i]) || x.s[x.i] == '_')) x.i++;
            if (x.i - start == 4 && memcmp(x.s + start, "_ENV", 4) == 0) return refuse(&x, "_ENV", why, whysize);
        } else x.i++;
    }
    return 0;
}
