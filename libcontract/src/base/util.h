/* util.h — small building blocks: checked allocation, growable arrays,
 * a byte buffer, and the library's error reporting.
 *
 * Every allocation is checked: on failure the caller gets LC_ENOMEM and
 * frees what it holds, so an allocation-failure sweep finds no leak. */
#ifndef LCI_UTIL_H
#define LCI_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "libcontract.h"

#define LCI_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define LCI_STR_(x) #x
#define LCI_STR(x) LCI_STR_(x)

char *lci_strdup(const char *s);
char *lci_strndup(const char *s, size_t n);

/* Grows *items (of *cap elements of size `size`) to hold at least `need`;
 * 0 on success, -1 on allocation failure (nothing changed). */
/* Big arrays (ids, their slots, averages) grow to tens of megabytes and
 * are filled page by page: where the system offers transparent huge pages
 * (Linux's MADV_HUGEPAGE), asking for them turns 512 page faults into one. */
#define LCI_HUGE_PAGE ((size_t)2 << 20)
void lci_advise_huge_pages(void *p, size_t bytes);

int lci_grow_slow(void **items, size_t *cap, size_t need, size_t size);
static inline int lci_grow(void **items, size_t *cap, size_t need, size_t size)
{
    return need <= *cap ? 0 : lci_grow_slow(items, cap, need, size);
}

/* Appends one element: LCI_PUSH(vec, cap, n, value) evaluates to 0 or -1. */
#define LCI_PUSH(items, cap, n, value)                                                   \
    (lci_grow((void **)&(items), &(cap), (n) + 1, sizeof(*(items))) != 0                 \
         ? -1                                                                            \
         : ((items)[(n)++] = (value), 0))

/* Copies n bytes with loads and stores that may overlap but never pass
 * either end: short strings, the common case, without a call to memcpy. */
static inline void lci_copy_short(char *dst, const char *src, size_t n)
{
    if (n > 16) {
        memcpy(dst, src, n);
    } else if (n >= 8) {
        uint64_t a, b;
        memcpy(&a, src, 8);
        memcpy(&b, src + n - 8, 8);
        memcpy(dst, &a, 8);
        memcpy(dst + n - 8, &b, 8);
    } else if (n >= 4) {
        uint32_t a, b;
        memcpy(&a, src, 4);
        memcpy(&b, src + n - 4, 4);
        memcpy(dst, &a, 4);
        memcpy(dst + n - 4, &b, 4);
    } else if (n > 0) {
        dst[0] = src[0];
        dst[n >> 1] = src[n >> 1];
        dst[n - 1] = src[n - 1];
    }
}

/* memcmp(a, b, n) == 0, short strings compared by overlapping loads. */
static inline int lci_equal_short(const char *a, const char *b, size_t n)
{
    uint64_t x, y, z, w;
    if (n > 16) return memcmp(a, b, n) == 0;
    if (n >= 8) {
        memcpy(&x, a, 8);
        memcpy(&y, b, 8);
        memcpy(&z, a + n - 8, 8);
        memcpy(&w, b + n - 8, 8);
        return x == y && z == w;
    }
    if (n >= 4) {
        uint32_t p, q, r, s;
        memcpy(&p, a, 4);
        memcpy(&q, b, 4);
        memcpy(&r, a + n - 4, 4);
        memcpy(&s, b + n - 4, 4);
        return p == q && r == s;
    }
    return n == 0 || (a[0] == b[0] && a[n >> 1] == b[n >> 1] && a[n - 1] == b[n - 1]);
}

typedef struct lci_buf {
    char *data;
    size_t len, cap;
    int failed; /* an append ran out of memory: data is truncated */
} lci_buf;

void lci_buf_init(lci_buf *b);
void lci_buf_free(lci_buf *b);
void lci_buf_reset(lci_buf *b);
int lci_buf_put(lci_buf *b, const void *data, size_t len);
int lci_buf_puts(lci_buf *b, const char *s);
int lci_buf_putc(lci_buf *b, char c);
int lci_buf_printf(lci_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int lci_buf_vprintf(lci_buf *b, const char *fmt, va_list ap);
/* Appends s as a JSON string literal, quotes included. */
int lci_buf_json_string(lci_buf *b, const char *s);
/* Hands the NUL-terminated text to the caller and resets the buffer;
 * NULL when an append failed. */
char *lci_buf_take(lci_buf *b, size_t *len);

/* A formatted string the caller frees, or NULL when out of memory. */
char *lci_format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *lci_vformat(const char *fmt, va_list ap);

/* Reads a whole file (at most `limit` bytes) into out: 0, or LC_EIO when it
 * cannot be read, LC_EUSAGE when it is larger than the limit, LC_ENOMEM. */
lc_status lci_read_file(const char *path, size_t limit, lci_buf *out);

/* Fills err (when not NULL) and returns code. */
lc_status lci_fail(lc_error *err, lc_status code, const char *file, long line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
lc_status lci_oom(lc_error *err);

/* A Lua message "CHUNK:12: text" (a chunk run under a short name, since
 * Lua shortens long ones) becomes file = name, line 12, message = text. */
void lci_error_locate(lc_error *err, const char *chunk, const char *name);

/* Shortest text that reads back as the same double ("99.9", "45.0" keeps
 * one decimal when integral: JSON readers then see a float). */
size_t lci_format_double(double x, char *buf, size_t size);

/* qsort that accepts an empty (NULL) array: qsort's arguments must not be
 * NULL even when there is nothing to sort. */
void lci_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));

/* Natural order of rule ids: "major.2" < "major.10". */
int lci_natural_cmp(const char *a, const char *b);

/* The candidate nearest to `word` by edit distance (insertions, deletions,
 * substitutions and swaps of neighbours, each 1), when it is at most
 * `max_distance` away and no other candidate is as near; else NULL.  For
 * "did you mean" hints: `count_when` finds `counts_when`. */
const char *lci_nearest(const char *word, const char *const *candidates, size_t n, size_t max_distance);

/* Length of the valid UTF-8 sequence (RFC 3629) at s, or 0. */
size_t lci_utf8_sequence(const unsigned char *s, size_t avail);

/* 1 when the len bytes at s are valid UTF-8 without a NUL. */
int lci_utf8_text(const char *s, size_t len);

/* lci_utf8_text for a C string of known length (no NUL inside): plain
 * ASCII, the common case, eight bytes at a time. */
static inline int lci_text_valid(const char *s, size_t len)
{
    uint64_t high = 0, w;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        memcpy(&w, s + i, 8);
        high |= w;
    }
    for (; i < len; i++) high |= (unsigned char)s[i];
    return (high & UINT64_C(0x8080808080808080)) == 0 || lci_utf8_text(s, len);
}

/* The usual bound for lci_nearest: 1 for short words, 2 from 5 bytes. */
size_t lci_typo_distance(const char *word);

/* " (did you mean 'near'?)" in buf, or "" when near is NULL: the tail of
 * an error about an unknown name. */
const char *lci_hint(const char *near, char *buf, size_t size);

#endif
