/* jsonline.c — see jsonline.h.
 *
 * Two readers of one grammar.  The reference is a full JSON (RFC 8259)
 * validator over the line's bytes, building nothing: containers are
 * tracked on a small stack, each state says what may come next, and every
 * refusal says why and at which byte.  The fast path reads the one shape
 * almost every event has, a flat object of strings, in a single loop,
 * sixteen bytes of a string at a time; on anything it does not like, valid
 * or not, it gives up and the reference reads the line from the start, so
 * the verdicts and messages are the reference's alone.  Both read tokens
 * (strings, escapes, UTF-8, numbers) with the same helpers, which only say
 * where a token ends or why it is refused; nested values are the
 * reference's too.
 *
 * A line either accepts can then only fail in cJSON for lack of memory,
 * which is reported as such instead of as bad input. */
#include "events/jsonline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "base/util.h"

#define MAX_STACK 256

void lci_scan_free(lci_scan *sc)
{
    free(sc->members);
    memset(sc, 0, sizeof *sc);
}

/* ---- tokens: where each ends, or why it is refused ---- */

/* The reason of an unpaired surrogate escape, told apart by its address:
 * its message quotes the escape. */
static const char UNPAIRED[] = "an unpaired UTF-16 surrogate escape";

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

/* The length of the escape at s[i] (a backslash): 2, 6, or 12 for a
 * surrogate pair; or 0 with the reason in *what.  cJSON refuses a
 * surrogate escape that is not half of a pair (high D800-DBFF then at once
 * low DC00-DFFF), so it is refused here as bad input: cJSON's refusal would
 * be taken for lack of memory. */
static size_t escape_length(const unsigned char *s, size_t i, size_t len, const char **what)
{
    if (len - i < 2) {
        *what = "an unfinished escape";
        return 0;
    }
    switch (s[i + 1]) {
    case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't': return 2;
    case 'u': break;
    default: *what = "an unknown escape"; return 0;
    }
    long unit = len - i >= 6 ? hex4(s + i + 2) : -1;
    if (unit < 0) *what = "\\u needs four hex digits";
    else if (unit == 0) *what = "the escape \\u0000 (a NUL character) is not allowed";
    else if (unit >= 0xDC00 && unit <= 0xDFFF) *what = UNPAIRED;
    else if (unit < 0xD800 || unit > 0xDBFF) return 6;
    else if (low_surrogate_at(s, i + 6, len)) return 12; /* the pair is one character */
    else *what = UNPAIRED;
    return 0;
}

/* Bytes a string may hold as they are: printable ASCII but '"' and '\\'. */
static inline int plain(unsigned c)
{
    return c - 0x20u < 0x60u && c != '"' && c != '\\';
}

#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

/* The high bit set in the first byte of w that is not plain (a quote, a
 * backslash, a control character or a non-ASCII byte), and maybe in later
 * ones; 0 when all eight are plain.  The has-zero-byte trick, eight bytes
 * at a time: for a byte b below 0x80, b - 1, (b ^ '"') - 1, ... reach the
 * high bit exactly when b is 0, '"', ..., and a borrow runs only upwards
 * from such a byte.  The usual "& ~b" of the trick is left out: it only
 * clears the bytes from 0x80, and those are flagged anyway. */
static inline uint64_t special_bytes(uint64_t w)
{
    uint64_t quote = (w ^ (ONES * '"')) - ONES, backslash = (w ^ (ONES * '\\')) - ONES;
    uint64_t control = w - ONES * 0x20;
    return (quote | backslash | control | w) & HIGHS;
}

/* The index of the first byte from i that is not plain, or len. */
static inline size_t skip_plain(const unsigned char *s, size_t i, size_t len)
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

/* From just after a string's opening quote: the index of its closing
 * quote, with the decoded length in *decoded (LCI_JLEN_ESCAPED when there
 * are escapes); or, with the reason in *what, where it is refused.  Runs
 * of plain bytes, most of any event, are skipped in a tight loop. */
static inline size_t string_end(const unsigned char *s, size_t i, size_t len, size_t *decoded, const char **what)
{
    size_t start = i;
    int escaped = 0;
    for (;;) {
        i = skip_plain(s, i, len);
        if (i >= len) break;
        unsigned c = s[i];
        if (c == '"') {
            *decoded = escaped ? LCI_JLEN_ESCAPED : i - start;
            return i;
        }
        size_t n;
        if (c == '\\') {
            if (!(n = escape_length(s, i, len, what))) return i;
            escaped = 1;
        } else if (c < 0x20) {
            *what = c ? "a raw control character inside a string (escape it)" : "a NUL byte";
            return i;
        } else if (!(n = utf8_sequence(s + i, len - i))) {
            *what = "invalid UTF-8";
            return i;
        }
        i += n;
    }
    *what = "an unterminated string";
    return len;
}

static size_t digits_end(const unsigned char *s, size_t i, size_t len)
{
    while (i < len && s[i] - (unsigned)'0' < 10u) i++;
    return i;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? from s[i]: where it
 * ends, or with the reason in *what, where it is refused. */
static size_t number_end(const unsigned char *s, size_t i, size_t len, const char **what)
{
    size_t d;
    if (s[i] == '-') i++;
    if (i < len && s[i] == '0') i++;
    else if ((d = digits_end(s, i, len)) > i) i = d;
    else {
        *what = "a malformed number";
        return i;
    }
    if (i < len && s[i] == '.') {
        if ((d = digits_end(s, i + 1, len)) == i + 1) {
            *what = "digits must follow '.'";
            return d;
        }
        i = d;
    }
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-')) i++;
        if ((d = digits_end(s, i, len)) == i) {
            *what = "digits must follow the exponent";
            return i;
        }
        i = d;
    }
    return i;
}

/* ---- the reference: a state machine, one token at a time ---- */

typedef struct scanner {
    const unsigned char *s;
    size_t len, i;
    char stack[MAX_STACK]; /* '{' or '[' */
    unsigned depth, max_depth;
    lci_scan *out;      /* where the top-level members go; NULL: not listed */
    size_t string_len;  /* the last string's decoded length */
    size_t key_off, key_len; /* the last key's */
    char *why;
    size_t whysize;
} scanner;

static int failure(scanner *sc, const char *what)
{
    if (what == UNPAIRED)
        snprintf(sc->why, sc->whysize, "%s (%.6s) at byte %zu", what, (const char *)sc->s + sc->i, sc->i + 1);
    else
        snprintf(sc->why, sc->whysize, "%s at byte %zu", what, sc->i + 1);
    return -1;
}

static int failure_at(scanner *sc, size_t at, const char *what)
{
    sc->i = at;
    return failure(sc, what);
}

static void skip_space(scanner *sc)
{
    while (sc->i < sc->len && (sc->s[sc->i] == ' ' || sc->s[sc->i] == '\t' || sc->s[sc->i] == '\n' || sc->s[sc->i] == '\r'))
        sc->i++;
}

/* A string from its opening quote. */
static int string(scanner *sc)
{
    const char *what = NULL;
    size_t end = string_end(sc->s, sc->i + 1, sc->len, &sc->string_len, &what);
    if (what) return failure_at(sc, end, what);
    sc->i = end + 1;
    return 0;
}

static int number(scanner *sc)
{
    const char *what = NULL;
    size_t end = number_end(sc->s, sc->i, sc->len, &what);
    if (what) return failure_at(sc, end, what);
    sc->i = end;
    return 0;
}

static int literal(scanner *sc, const char *word)
{
    size_t n = strlen(word);
    if (sc->len - sc->i < n || memcmp(sc->s + sc->i, word, n) != 0) return failure(sc, "an unexpected character");
    sc->i += n;
    return 0;
}

/* A value directly in the top-level object: a member to list. */
static int listed(const scanner *sc)
{
    return sc->out && sc->depth == 1 && sc->stack[0] == '{';
}

/* Lists the member whose value, of the given kind, starts at start and,
 * unless it is a container, ends at sc->i. */
static int list_member(scanner *sc, lci_jkind kind, size_t start)
{
    lci_jmember m = {sc->key_off, sc->key_len, start, sc->i - start, kind};
    if (kind == LCI_J_STRING) {
        m.value_off = start + 1;
        m.value_len = sc->string_len;
    }
    return LCI_PUSH(sc->out->members, sc->out->cap, sc->out->nmembers, m) != 0 ? -2 : 0;
}

static int open_container(scanner *sc, unsigned c)
{
    if (++sc->depth > sc->max_depth || sc->depth > MAX_STACK) return failure(sc, "nesting too deep");
    sc->stack[sc->depth - 1] = (char)c;
    sc->i++;
    return 0;
}

/* At a container's closing bracket; a member's container gets its length. */
static void close_container(scanner *sc)
{
    sc->i++;
    sc->depth--;
    if (listed(sc)) {
        lci_jmember *m = &sc->out->members[sc->out->nmembers - 1];
        m->value_len = sc->i - m->value_off;
    }
}

/* The kind of the value that starts with the byte c, or -1. */
static int kind_of(unsigned c)
{
    switch (c) {
    case '"': return LCI_J_STRING;
    case '-': case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': case '8': case '9':
        return LCI_J_NUMBER;
    case 't': return LCI_J_TRUE;
    case 'f': return LCI_J_FALSE;
    case 'n': return LCI_J_NULL;
    case '{': return LCI_J_OBJECT;
    case '[': return LCI_J_ARRAY;
    default: return -1;
    }
}

static const char *const LITERALS[] = {[LCI_J_TRUE] = "true", [LCI_J_FALSE] = "false", [LCI_J_NULL] = "null"};

/* One value that is not a container, or the opening of one. */
static int value(scanner *sc, int *opened)
{
    *opened = 0;
    if (sc->i >= sc->len) return failure(sc, "a value is missing");
    size_t start = sc->i;
    unsigned c = sc->s[start];
    int kind = kind_of(c), member = listed(sc), rc;
    switch (kind) {
    case LCI_J_OBJECT:
    case LCI_J_ARRAY:
        rc = open_container(sc, c);
        *opened = rc == 0;
        break;
    case LCI_J_STRING: rc = string(sc); break;
    case LCI_J_NUMBER: rc = number(sc); break;
    case LCI_J_TRUE:
    case LCI_J_FALSE:
    case LCI_J_NULL: rc = literal(sc, LITERALS[kind]); break;
    default:
        if (c == 0) return failure(sc, "a NUL byte");
        return failure(sc, c >= 0x80 && !utf8_sequence(sc->s + start, sc->len - start) ? "invalid UTF-8"
                                                                                       : "an unexpected character");
    }
    if (rc || !member) return rc;
    return list_member(sc, (lci_jkind)kind, start);
}

/* In an object, before a member: its key and ':'. */
static int key(scanner *sc)
{
    skip_space(sc);
    if (sc->i >= sc->len || sc->s[sc->i] != '"') return failure(sc, "a key (a string) is expected");
    sc->key_off = sc->i + 1;
    if (string(sc)) return -1;
    sc->key_len = sc->string_len;
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
        close_container(sc);
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
        close_container(sc);
        return 0;
    }
    return sc->stack[sc->depth - 1] == '{' ? key(sc) : 0;
}

/* One whole value from sc->i, a container with all it holds: the machine
 * runs until the depth is back where it started. */
static int value_through(scanner *sc)
{
    unsigned base = sc->depth;
    int opened = 0, rc;
    if ((rc = value(sc, &opened))) return rc;
    while (sc->depth > base) {
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
    return 0;
}

static int document(scanner *sc)
{
    int rc;
    skip_space(sc);
    if ((rc = value_through(sc))) return rc;
    skip_space(sc);
    if (sc->i == sc->len) return 0;
    return failure(sc, sc->s[sc->i] ? "unexpected text after the JSON value" : "a NUL byte");
}

int lci_scan_line_reference(lci_scan *out, const char *text, size_t len, unsigned max_depth, char *why, size_t whysize)
{
    scanner sc = {.s = (const unsigned char *)text, .len = len, .max_depth = max_depth, .out = out, .why = why, .whysize = whysize};
    out->nmembers = 0;
    int rc = document(&sc);
    if (rc) out->nmembers = 0;
    else if (sc.stack[0] != '{') rc = 1; /* the first container opened is the top level's */
    return rc;
}

/* ---- a line still arriving ---- */

/* A refusal that bytes past the prefix cannot change: every test the
 * scanner makes at or before the refused byte reads at most
 * LCI_SCAN_LOOKAHEAD bytes from where it stands, and asks whether the
 * line goes on only within that distance (an escape's pair, a UTF-8
 * sequence, a literal; the end of a string, number or value: these end
 * the prefix, so they are refused at its end, never settled).  Bytes
 * before the refused one were each taken for what they are, whatever
 * follows them. */
int lci_scan_prefix(const char *text, size_t len, unsigned max_depth, char *why, size_t whysize)
{
    scanner sc = {.s = (const unsigned char *)text, .len = len, .max_depth = max_depth, .why = why, .whysize = whysize};
    if (document(&sc) != -1) return 0; /* valid so far: what follows decides */
    return sc.i <= len && len - sc.i >= LCI_SCAN_LOOKAHEAD ? -1 : 0;
}

/* The length of a UTF-8 sequence led by c, or 0 when c cannot lead one. */
static size_t utf8_lead_length(unsigned c)
{
    return c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
}

#ifdef __SSE2__
/* Bit k set when byte k from p is not printable ASCII (0x20 to 0x7F): the
 * control bytes and those from 0x80 are exactly the ones below 0x20 when
 * read as signed. */
static inline unsigned unprintable16(const unsigned char *p)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    return (unsigned)_mm_movemask_epi8(_mm_cmplt_epi8(v, _mm_set1_epi8(0x20)));
}
#endif

/* The index of the first byte from i that is not printable ASCII, or len.
 * Eight bytes at a time, the has-zero-byte trick again: a byte below 0x20
 * borrows into its high bit, one from 0x80 has it set, and a borrow runs
 * only upwards from a byte flagged anyway (sixteen at a time with SSE2). */
static inline size_t skip_printable(const unsigned char *s, size_t i, size_t len)
{
#ifdef __SSE2__
    for (; len - i >= 16; i += 16) {
        unsigned hits = unprintable16(s + i);
        if (hits) return i + (unsigned)__builtin_ctz(hits);
    }
#endif
    for (; len - i >= 8; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8); /* little-endian: the lowest set bit is the first byte */
        uint64_t hit = (w | (w - ONES * 0x20)) & HIGHS;
        if (hit) return i + (size_t)__builtin_ctzll(hit) / 8;
    }
    while (i < len && s[i] - 0x20u < 0x60u) i++;
    return i;
}

/* A valid line is valid UTF-8 throughout (its strings are, and the rest
 * is ASCII), so this reads it sequence by sequence without knowing where
 * its strings are; the reference, reading the same sequences, refuses the
 * line at or before the byte found.  Runs of printable ASCII, most of any
 * line, are skipped in a tight loop. */
size_t lci_line_poison(const char *text, size_t from, size_t len, size_t *resume)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = from, n;
    while ((i = skip_printable(s, i, len)) < len) {
        unsigned c = s[i];
        if (c == '\t' || c == '\n' || c == '\r') n = 1; /* white space */
        else if (c < 0x80 || !(n = utf8_lead_length(c))) break;
        else if (len - i < n) {
            *resume = i; /* its continuation bytes have not come yet */
            return len;
        } else if (!utf8_sequence(s + i, len - i)) break;
        i += n;
    }
    *resume = i < len ? i + 1 : len;
    return i;
}

/* ---- the fast path: one flat object in one loop ---- */

/* What the fast path returns when it leaves the line to the reference. */
#define GIVE_UP 2
/* An end that is not one: the value is refused, or not for the fast path. */
#define NO_END SIZE_MAX

#define SPACES (UINT64_C(1) << ' ' | UINT64_C(1) << '\t' | UINT64_C(1) << '\n' | UINT64_C(1) << '\r')

static inline int is_space(unsigned c)
{
    return c <= ' ' && (SPACES >> c & 1);
}

/* The fast path reads a line that ends with '}' (after white space) only
 * up to that brace: no byte it looks at can be past it, so it never asks
 * whether the line goes on.  (A value that would need the brace is cut
 * short there, refused, and left to the reference.) */
static inline size_t skip_ws(const unsigned char *s, size_t i)
{
    while (is_space(s[i])) i++;
    return i;
}

#ifdef __SSE2__
/* Bit k set when byte k from p is not plain, for sixteen bytes (SSE2, on
 * every x86-64), from the bytes' high bits.  b ^ 0x02 maps '"' to 0x20 and
 * keeps the control characters below it; adding -0x21 with signed
 * saturation then leaves the high bit set exactly for those and for the
 * bytes from 0x80.  The backslash is compared for. */
static inline unsigned special16(const unsigned char *p)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i low_or_quote = _mm_adds_epi8(_mm_xor_si128(v, _mm_set1_epi8(0x02)), _mm_set1_epi8(-0x21));
    __m128i backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
    return (unsigned)_mm_movemask_epi8(_mm_or_si128(low_or_quote, backslash));
}

/* The index of the first byte from i that is not plain, or end: sixteen
 * bytes at a time, and what is left before end from the sixteen bytes
 * that end there (the fast path reads lines of sixteen bytes or more). */
static inline size_t skip_plain_fast(const unsigned char *s, size_t i, size_t end)
{
    size_t last = end - 16;
    for (; i <= last; i += 16) {
        unsigned hits = special16(s + i);
        if (hits) return i + (unsigned)__builtin_ctz(hits);
    }
    unsigned hits = special16(s + last) >> (i - last);
    return hits ? i + (unsigned)__builtin_ctz(hits) : end;
}
#else
/* Elsewhere, eight bytes at a time, as the reference reads. */
static inline size_t skip_plain_fast(const unsigned char *s, size_t i, size_t end)
{
    return skip_plain(s, i, end);
}
#endif

/* A container inside the object, with all it holds, by the reference's
 * machine (depth 1 is the object): where it ends, or NO_END. */
static size_t nested_end(const unsigned char *s, size_t i, size_t end, unsigned max_depth)
{
    scanner sc = {.s = s, .len = end, .i = i, .stack = {'{'}, .depth = 1, .max_depth = max_depth};
    return value_through(&sc) ? NO_END : sc.i;
}

/* A string with escapes or non-ASCII text, from just after its opening
 * quote: the index of its closing quote, or NO_END. */
static size_t string_close_slowly(const unsigned char *s, size_t i, size_t end, size_t *decoded)
{
    const char *what = NULL;
    size_t close = string_end(s, i, end, decoded, &what);
    return what ? NO_END : close;
}

/* A value that is not a string, at s[i], into m: where it ends, or NO_END. */
static size_t fast_other_value(const unsigned char *s, size_t i, size_t end, unsigned max_depth, lci_jmember *m)
{
    const char *what = NULL;
    size_t stop;
    int kind = kind_of(s[i]);
    switch (kind) {
    case LCI_J_NUMBER: stop = number_end(s, i, end, &what); break;
    case LCI_J_TRUE:
    case LCI_J_FALSE:
    case LCI_J_NULL:
        stop = i + strlen(LITERALS[kind]);
        if (stop > end || memcmp(s + i, LITERALS[kind], stop - i) != 0) return NO_END;
        break;
    case LCI_J_OBJECT:
    case LCI_J_ARRAY: stop = nested_end(s, i, end, max_depth); break;
    default: return NO_END;
    }
    if (what || stop == NO_END) return NO_END;
    m->kind = (lci_jkind)kind;
    m->value_off = i;
    m->value_len = stop - i;
    return stop;
}

/* A string from just after its opening quote at i: 1, with the index of
 * its closing quote and its decoded length; or 0.  Plain bytes up to the
 * quote is the common case (a string cut short finds the brace at end
 * instead); the others go to string_end. */
static inline int fast_string(const unsigned char *s, size_t i, size_t end, size_t *close, size_t *decoded)
{
    size_t q = skip_plain_fast(s, i, end);
    if (s[q] == '"') {
        *decoded = q - i;
        *close = q;
        return 1;
    }
    *close = string_close_slowly(s, i, end, decoded);
    return *close != NO_END;
}

/* One member from its key's opening quote at s[*i] into m: 1 with *i past
 * it, or 0.  end is the index of the object's closing brace. */
static inline int fast_member(const unsigned char *s, size_t *pos, size_t end, unsigned max_depth, lci_jmember *m)
{
    size_t i = *pos, close;
    if (s[i] != '"' || !fast_string(s, i + 1, end, &close, &m->key_len)) return 0;
    m->key_off = i + 1;
    if (s[i = close + 1] != ':' && s[i = skip_ws(s, i)] != ':') return 0;
    if (s[++i] != '"' && s[i = skip_ws(s, i)] != '"') return (*pos = fast_other_value(s, i, end, max_depth, m)) != NO_END;
    m->kind = LCI_J_STRING;
    m->value_off = i + 1;
    if (!fast_string(s, i + 1, end, &close, &m->value_len)) return 0;
    *pos = close + 1;
    return 1;
}

/* Room in sc for member n: 0, or -1 when out of memory. */
static int room(lci_scan *sc, size_t n)
{
    return lci_grow((void **)&sc->members, &sc->cap, n + 1, sizeof *sc->members);
}

/* The whole line as one object, its members straight into sc; GIVE_UP on
 * anything else, valid or not, or -2.  No state machine: after a member
 * only ',' or the closing brace may come. */
static int fast_object(lci_scan *sc, const unsigned char *s, size_t len, unsigned max_depth)
{
    size_t end = len, i = 0;
    lci_jmember *m = sc->members, *stop = m ? m + sc->cap : m; /* no arithmetic on NULL */
    while (end > 0 && is_space(s[end - 1])) end--;
    /* end: the closing brace; a line too short to be read sixteen bytes at
     * a time holds a member or two, as soon read by the reference */
    if (end < 17 || s[--end] != '}' || max_depth < 1) return GIVE_UP;
    if (s[i = skip_ws(s, i)] != '{') return GIVE_UP;
    if ((i = skip_ws(s, i + 1)) == end) return 0;
    for (;;) {
        if (m == stop) {
            size_t n = m ? (size_t)(m - sc->members) : 0;
            if (room(sc, n) != 0) return -2;
            m = sc->members + n;
            stop = sc->members + sc->cap;
        }
        if (!fast_member(s, &i, end, max_depth, m++)) return GIVE_UP;
        if (s[i] != ',' && s[i = skip_ws(s, i)] != ',') break;
        i = skip_ws(s, i + 1);
    }
    sc->nmembers = (size_t)(m - sc->members);
    return i == end ? 0 : GIVE_UP;
}

/* The fast path first; what it gives up, valid or not, the reference
 * reads from the start, so every verdict and message is the reference's. */
int lci_scan_line(lci_scan *sc, const char *text, size_t len, unsigned max_depth, char *why, size_t whysize)
{
    sc->nmembers = 0;
    int rc = fast_object(sc, (const unsigned char *)text, len, max_depth);
    return rc == GIVE_UP ? lci_scan_line_reference(sc, text, len, max_depth, why, whysize) : rc;
}
