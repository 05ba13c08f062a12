/* util.c — see util.h. */
#define _DEFAULT_SOURCE /* madvise */
#include "base/util.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

char *lci_strndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p) return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *lci_strdup(const char *s)
{
    return s ? lci_strndup(s, strlen(s)) : NULL;
}

void lci_advise_huge_pages(void *p, size_t bytes)
{
#ifdef MADV_HUGEPAGE
    uintptr_t start = ((uintptr_t)p + LCI_HUGE_PAGE - 1) & ~(uintptr_t)(LCI_HUGE_PAGE - 1);
    uintptr_t end = ((uintptr_t)p + bytes) & ~(uintptr_t)(LCI_HUGE_PAGE - 1);
    if (end > start) madvise((void *)start, end - start, MADV_HUGEPAGE); /* only advice: errors do not matter */
#else
    (void)p;
    (void)bytes;
#endif
}

/* realloc for a big array: a new block in huge pages, advised before the
 * copy first touches it (realloc would fault it in page by page). */
static void *grow_huge(void *old, size_t used, size_t bytes)
{
    size_t rounded = (bytes + LCI_HUGE_PAGE - 1) & ~(LCI_HUGE_PAGE - 1);
    void *p = aligned_alloc(LCI_HUGE_PAGE, rounded);
    if (!p) return NULL;
    lci_advise_huge_pages(p, rounded);
    if (used) memcpy(p, old, used);
    free(old);
    return p;
}

int lci_grow_slow(void **items, size_t *cap, size_t need, size_t size)
{
    size_t ncap = *cap ? *cap : 8;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2 / size) return -1;
        ncap *= 2;
    }
    void *p = ncap * size >= 2 * LCI_HUGE_PAGE ? grow_huge(*items, *cap * size, ncap * size) : realloc(*items, ncap * size);
    if (!p) return -1;
    *items = p;
    *cap = ncap;
    return 0;
}

void lci_buf_init(lci_buf *b)
{
    memset(b, 0, sizeof *b);
}

void lci_buf_free(lci_buf *b)
{
    free(b->data);
    lci_buf_init(b);
}

void lci_buf_reset(lci_buf *b)
{
    b->len = 0;
    b->failed = 0;
    if (b->data) b->data[0] = '\0';
}

int lci_buf_put(lci_buf *b, const void *data, size_t len)
{
    if (b->failed) return -1;
    if (lci_grow((void **)&b->data, &b->cap, b->len + len + 1, 1) != 0) {
        b->failed = 1;
        return -1;
    }
    memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return 0;
}

int lci_buf_puts(lci_buf *b, const char *s)
{
    return lci_buf_put(b, s, strlen(s));
}

int lci_buf_putc(lci_buf *b, char c)
{
    return lci_buf_put(b, &c, 1);
}

int lci_buf_vprintf(lci_buf *b, const char *fmt, va_list ap)
{
    char small[256];
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(small, sizeof small, fmt, copy);
    va_end(copy);
    if (n < 0) return -1;
    if ((size_t)n < sizeof small) return lci_buf_put(b, small, (size_t)n);
    if (b->failed || lci_grow((void **)&b->data, &b->cap, b->len + (size_t)n + 1, 1) != 0) {
        b->failed = 1;
        return -1;
    }
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return 0;
}

int lci_buf_printf(lci_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = lci_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return r;
}

int lci_buf_json_string(lci_buf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    lci_buf_putc(b, '"');
    const char *run = s;
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        lci_buf_put(b, run, (size_t)(p - run));
        run = p + 1;
        switch (c) {
        case '"': lci_buf_puts(b, "\\\""); break;
        case '\\': lci_buf_puts(b, "\\\\"); break;
        case '\n': lci_buf_puts(b, "\\n"); break;
        case '\r': lci_buf_puts(b, "\\r"); break;
        case '\t': lci_buf_puts(b, "\\t"); break;
        default: {
            char esc[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};
            lci_buf_puts(b, esc);
        }
        }
    }
    lci_buf_put(b, run, strlen(run));
    return lci_buf_putc(b, '"');
}

char *lci_buf_take(lci_buf *b, size_t *len)
{
    if (b->failed) {
        lci_buf_free(b);
        return NULL;
    }
    if (!b->data && lci_buf_put(b, "", 0) != 0) return NULL;
    char *p = b->data;
    if (len) *len = b->len;
    lci_buf_init(b);
    return p;
}

char *lci_vformat(const char *fmt, va_list ap)
{
    lci_buf b;
    lci_buf_init(&b);
    lci_buf_vprintf(&b, fmt, ap);
    return lci_buf_take(&b, NULL);
}

char *lci_format(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = lci_vformat(fmt, ap);
    va_end(ap);
    return s;
}

lc_status lci_read_file(const char *path, size_t limit, lci_buf *out)
{
    FILE *f = fopen(path, "rb");
    if (!f) return LC_EIO;
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && out->len <= limit) lci_buf_put(out, chunk, n);
    int bad = ferror(f);
    fclose(f);
    if (bad) return LC_EIO;
    if (out->failed) return LC_ENOMEM;
    return out->len > limit ? LC_EUSAGE : LC_OK;
}

lc_status lci_fail(lc_error *err, lc_status code, const char *file, long line, const char *fmt, ...)
{
    if (!err) return code;
    err->code = code;
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    err->line = line;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return code;
}

void lci_error_locate(lc_error *err, const char *chunk, const char *name)
{
    if (!err || err->code == LC_OK) return;
    size_t n = strlen(chunk);
    if (strncmp(err->message, chunk, n) == 0 && err->message[n] == ':') {
        char *end;
        long line = strtol(err->message + n + 1, &end, 10);
        if (end != err->message + n + 1 && *end == ':') {
            err->line = line;
            end += end[1] == ' ' ? 2 : 1;
            memmove(err->message, end, strlen(end) + 1);
        }
    }
    if (!err->line || strcmp(err->file, chunk) == 0 || !err->file[0]) snprintf(err->file, sizeof err->file, "%s", name);
}

lc_status lci_oom(lc_error *err)
{
    return lci_fail(err, LC_ENOMEM, NULL, 0, "out of memory");
}

size_t lci_format_double(double x, char *buf, size_t size)
{
    int n = 0;
    for (int digits = 15; digits <= 17; digits++) {
        n = snprintf(buf, size, "%.*g", digits, x);
        if (strtod(buf, NULL) == x) break;
    }
    /* snprintf follows the host's LC_NUMERIC; JSON wants a '.' whatever
     * the application chose, and a library must not touch the locale. */
    for (char *p = buf; *p; p++)
        if (*p == ',') *p = '.';
    if (!strpbrk(buf, ".eEni") && (size_t)n + 2 < size) {
        memcpy(buf + n, ".0", 3);
        n += 2;
    }
    return (size_t)n;
}

int lci_natural_cmp(const char *a, const char *b)
{
    while (*a && *b) {
        if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
            unsigned long long x = strtoull(a, (char **)&a, 10);
            unsigned long long y = strtoull(b, (char **)&b, 10);
            if (x != y) return x < y ? -1 : 1;
            continue;
        }
        if (*a != *b) return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

void lci_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    if (n > 1) qsort(base, n, size, cmp);
}

/* Optimal string alignment distance, stopped early past `bound` (names are
 * short; longer words than 64 bytes are compared by their first 64). */
static size_t edit_distance(const char *a, const char *b, size_t bound)
{
    enum { MAXW = 64 };
    size_t la = strnlen(a, MAXW), lb = strnlen(b, MAXW);
    size_t rows[3][MAXW + 1], *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
    if ((la > lb ? la - lb : lb - la) > bound) return bound + 1;
    for (size_t j = 0; j <= lb; j++) prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t best = cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t d = prev[j - 1] + cost;
            if (prev[j] + 1 < d) d = prev[j] + 1;
            if (cur[j - 1] + 1 < d) d = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && prev2[j - 2] + 1 < d)
                d = prev2[j - 2] + 1;
            cur[j] = d;
            if (d < best) best = d;
        }
        if (best > bound) return bound + 1;
        size_t *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[lb];
}

const char *lci_nearest(const char *word, const char *const *candidates, size_t n, size_t max_distance)
{
    const char *best = NULL;
    size_t best_d = max_distance + 1;
    int tie = 0;
    for (size_t i = 0; word && i < n; i++) {
        if (!candidates[i]) continue;
        size_t d = edit_distance(word, candidates[i], max_distance);
        if (d < best_d) {
            best = candidates[i];
            best_d = d;
            tie = 0;
        } else if (d == best_d && best && strcmp(best, candidates[i]) != 0) {
            tie = 1;
        }
    }
    return best && !tie && best_d <= max_distance ? best : NULL;
}

size_t lci_typo_distance(const char *word)
{
    return strlen(word) >= 5 ? 2 : 1;
}

const char *lci_hint(const char *near, char *buf, size_t size)
{
    if (!near || size == 0) return "";
    snprintf(buf, size, " (did you mean '%s'?)", near);
    return buf;
}

size_t lci_utf8_sequence(const unsigned char *s, size_t avail)
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

int lci_utf8_text(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        if (u[i] && u[i] < 0x80) {
            i++;
            continue;
        }
        size_t n = u[i] ? lci_utf8_sequence(u + i, len - i) : 0;
        if (!n) return 0;
        i += n;
    }
    return 1;
}
