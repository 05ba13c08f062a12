/* jsonline.c — see jsonline.h.
 *
 * A full JSON (RFC 8259) validator over the line's bytes, without building
 * anything: containers are tracked on a small stack, and each state says
 * what may come next.  A line it accepts can then only fail in cJSON for
 * lack of memory, which is reported as such instead of as bad input. */
#include "jsonline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define MAX_STACK 256

void lci_scan_free(lci_scan *sc)
{
    free(sc->numbers);
    memset(sc, 0, sizeof *sc);
}

typedef struct scanner {
    const unsigned char *s;
    size_t len, i;
    char stack[MAX_STACK]; /* '{' or '[' */
    unsigned depth, max_depth;
    lci_scan *out;
    char *why;
    size_t whysize;
} scanner;

static int failure(scanner *sc, const char *what)
{
    snprintf(sc->why, sc->whysize, "%s at byte %zu", what, sc->i + 1);
    return -1;
}

static void skip_space(scanner *sc)
{
    while (sc->i < sc->len && (sc->s[sc->i] == ' ' || sc->s[sc->i] == '\t' || sc->s[sc->i] == '\n' || sc->s[sc->i] == '\r'))
        sc->i++;
}

/* Length of the valid UTF-8 sequence at s (RFC 3629), or 0. */
static size_t utf8_sequence(const unsigned char *s, size_t avail)
{
    unsigned c = s[0];
    size_t n;
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0) lo = 0xA0; /* overlong */
        if (c == 0xED) hi = 0x9F; /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0) lo = 0x90; /* overlong */
        if (c == 0xF4) hi = 0x8F; /* beyond U+10FFFF */
    } else return 0;
    if (avail < n || s[1] < lo || s[1] > hi) return 0;
    for (size_t i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xBF) return 0;
    return n;
}

static int hex_digit(unsigned c)
{
    if (c >= '0' && c <= '9') return (int)(c - '0');
    if (c >= 'a' && c <= 'f') return (int)(c - 'a' + 10);
    if (c >= 'A' && c <= 'F') return (int)(c - 'A' + 10);
    return -1;
}

/* The code unit of the four hex digits at s, or -1. */
static long hex4(const unsigned char *s)
{
    long v = 0;
    for (int k = 0; k < 4; k++) {
        int d = hex_digit(s[k]);
        if (d < 0) return -1;
        v = v << 4 | d;
    }
    return v;
}

/* A low surrogate escape (\uDC00 to \uDFFF) at s[i], within len. */
static int low_surrogate_at(const unsigned char *s, size_t i, size_t len)
{
    if (len - i < 6 || s[i] != '\\' || s[i + 1] != 'u') return 0;
    long v = hex4(s + i + 2);
    return v >= 0xDC00 && v <= 0xDFFF;
}

/* cJSON refuses a UTF-16 surrogate escape that is not half of a pair
 * (high D800-DBFF then at once low DC00-DFFF): refused here, with the
 * escape as written, so the line is reported as bad input, not as a
 * parse failure taken for lack of memory. */
static int unpaired(scanner *sc)
{
    snprintf(sc->why, sc->whysize, "an unpaired UTF-16 surrogate escape (%.6s) at byte %zu", (const char *)sc->s + sc->i,
             sc->i + 1);
    return -1;
}

static int escape(scanner *sc)
{
    const unsigned char *s = sc->s;
    if (sc->i + 1 >= sc->len) return failure(sc, "an unfinished escape");
    unsigned c = s[sc->i + 1];
    if (strchr("\"\\/bfnrt", (int)c) && c) {
        sc->i += 2;
        return 0;
    }
    if (c != 'u') return failure(sc, "an unknown escape");
    long unit = sc->i + 5 < sc->len ? hex4(s + sc->i + 2) : -1;
    if (unit < 0) return failure(sc, "\\u needs four hex digits");
    if (unit == 0) return failure(sc, "the escape \\u0000 (a NUL character) is not allowed");
    if (unit >= 0xDC00 && unit <= 0xDFFF) return unpaired(sc);
    if (unit >= 0xD800 && unit <= 0xDBFF) {
        if (!low_surrogate_at(s, sc->i + 6, sc->len)) return unpaired(sc);
        sc->i += 6; /* the pair is one character */
    }
    sc->i += 6;
    return 0;
}

/* Bytes a string may hold as they are: printable ASCII but '"' and '\\'. */
static inline int plain(unsigned c)
{
    return c - 0x20u < 0x60u && c != '"' && c != '\\';
}

#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

/* A high bit in each byte of w that is not plain: a quote, a backslash, a
 * control character or a non-ASCII byte.  (The usual has-zero-byte tricks,
 * eight bytes at a time.) */
static inline uint64_t special_bytes(uint64_t w)
{
    uint64_t quote = w ^ (ONES * '"'), backslash = w ^ (ONES * '\\');
    uint64_t zero_q = (quote - ONES) & ~quote, zero_b = (backslash - ONES) & ~backslash;
    uint64_t control = (w - ONES * 0x20) & ~w;
    return (zero_q | zero_b | control | w) & HIGHS;
}

/* The index of the first byte from i that is not plain, or len. */
static size_t skip_plain(const unsigned char *s, size_t i, size_t len)
{
    while (i + 8 <= len) {
        uint64_t w;
        memcpy(&w, s + i, 8); /* little-endian: the lowest set bit is the first byte */
        uint64_t hit = special_bytes(w);
        if (hit) return i + (size_t)__builtin_ctzll(hit) / 8;
        i += 8;
    }
    while (i < len && plain(s[i])) i++;
    return i;
}

/* A string from its opening quote; cJSON then decodes it.  Runs of plain
 * bytes, most of any event, are skipped in a tight loop. */
static int string(scanner *sc)
{
    const unsigned char *s = sc->s;
    size_t i = sc->i + 1, len = sc->len;
    for (;;) {
        i = skip_plain(s, i, len);
        if (i >= len) break;
        unsigned c = s[i];
        if (c == '"') {
            sc->i = i + 1;
            return 0;
        }
        sc->i = i;
        if (c == '\\') {
            if (escape(sc)) return -1;
            i = sc->i;
            continue;
        }
        if (c < 0x20) return failure(sc, c ? "a raw control character inside a string (escape it)" : "a NUL byte");
        size_t n = utf8_sequence(s + i, len - i);
        if (!n) return failure(sc, "invalid UTF-8");
        i += n;
    }
    sc->i = i;
    return failure(sc, "an unterminated string");
}

static size_t digits(scanner *sc)
{
    size_t start = sc->i;
    while (sc->i < sc->len && sc->s[sc->i] >= '0' && sc->s[sc->i] <= '9') sc->i++;
    return sc->i - start;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, recorded when top-level. */
static int number(scanner *sc)
{
    size_t start = sc->i;
    if (sc->s[sc->i] == '-') sc->i++;
    if (sc->i < sc->len && sc->s[sc->i] == '0') sc->i++;
    else if (!digits(sc)) return failure(sc, "a malformed number");
    if (sc->i < sc->len && sc->s[sc->i] == '.' && (sc->i++, !digits(sc))) return failure(sc, "digits must follow '.'");
    if (sc->i < sc->len && (sc->s[sc->i] == 'e' || sc->s[sc->i] == 'E')) {
        sc->i++;
        if (sc->i < sc->len && (sc->s[sc->i] == '+' || sc->s[sc->i] == '-')) sc->i++;
        if (!digits(sc)) return failure(sc, "digits must follow the exponent");
    }
    lci_span span = {start, sc->i - start};
    if (sc->depth == 1 && LCI_PUSH(sc->out->numbers, sc->out->cap, sc->out->nnumbers, span) != 0) return -2;
    return 0;
}

static int literal(scanner *sc, const char *word)
{
    size_t n = strlen(word);
    if (sc->len - sc->i < n || memcmp(sc->s + sc->i, word, n) != 0) return failure(sc, "an unexpected character");
    sc->i += n;
    return 0;
}

/* One value that is not a container, or the opening of one. */
static int value(scanner *sc, int *opened)
{
    *opened = 0;
    if (sc->i >= sc->len) return failure(sc, "a value is missing");
    unsigned c = sc->s[sc->i];
    if (c == '{' || c == '[') {
        if (++sc->depth > sc->max_depth || sc->depth > MAX_STACK) return failure(sc, "nesting too deep");
        sc->stack[sc->depth - 1] = (char)c;
        sc->i++;
        *opened = 1;
        return 0;
    }
    if (c == '"') return string(sc);
    if (c == '-' || (c >= '0' && c <= '9')) return number(sc);
    if (c == 't') return literal(sc, "true");
    if (c == 'f') return literal(sc, "false");
    if (c == 'n') return literal(sc, "null");
    if (c == 0) return failure(sc, "a NUL byte");
    return failure(sc, c >= 0x80 && !utf8_sequence(sc->s + sc->i, sc->len - sc->i) ? "invalid UTF-8" : "an unexpected character");
}

/* In an object, before a member: its key and ':'. */
static int key(scanner *sc)
{
    skip_space(sc);
    if (sc->i >= sc->len || sc->s[sc->i] != '"') return failure(sc, "a key (a string) is expected");
    if (string(sc)) return -1;
    skip_space(sc);
    if (sc->i >= sc->len || sc->s[sc->i] != ':') return failure(sc, "':' is expected after the key");
    sc->i++;
    return 0;
}

/* After a value: ',' and the next member, or the container's end. */
static int after_value(scanner *sc, int *more)
{
    skip_space(sc);
    *more = 0;
    if (sc->i >= sc->len) return failure(sc, "the JSON is unfinished");
    char open = sc->stack[sc->depth - 1], c = (char)sc->s[sc->i];
    if (c == ',') {
        sc->i++;
        *more = 1;
        return open == '{' ? key(sc) : 0;
    }
    if ((open == '{' && c == '}') || (open == '[' && c == ']')) {
        sc->i++;
        sc->depth--;
        return 0;
    }
    return failure(sc, open == '{' ? "',' or '}' is expected" : "',' or ']' is expected");
}

/* Right after an opening bracket: an empty container, or its first entry. */
static int first_entry(scanner *sc, int *empty)
{
    skip_space(sc);
    char close = sc->stack[sc->depth - 1] == '{' ? '}' : ']';
    *empty = sc->i < sc->len && sc->s[sc->i] == close;
    if (*empty) {
        sc->i++;
        sc->depth--;
        return 0;
    }
    return sc->stack[sc->depth - 1] == '{' ? key(sc) : 0;
}

static int document(scanner *sc)
{
    int opened = 0, rc;
    skip_space(sc);
    if ((rc = value(sc, &opened))) return rc;
    while (sc->depth > 0) {
        if (opened) {
            int empty;
            if ((rc = first_entry(sc, &empty))) return rc;
            if (empty) {
                opened = 0;
                continue;
            }
        } else {
            int more;
            if ((rc = after_value(sc, &more))) return rc;
            if (!more) continue;
        }
        skip_space(sc);
        if ((rc = value(sc, &opened))) return rc;
    }
    skip_space(sc);
    if (sc->i == sc->len) return 0;
    return failure(sc, sc->s[sc->i] ? "unexpected text after the JSON value" : "a NUL byte");
}

int lci_scan_line(lci_scan *out, const char *text, size_t len, unsigned max_depth, char *why, size_t whysize)
{
    scanner sc = {(const unsigned char *)text, len, 0, {0}, 0, max_depth, out, why, whysize};
    out->nnumbers = 0;
    return document(&sc);
}
