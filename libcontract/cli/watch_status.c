/* watch_status.c — what `contract watch` shows of a result: the month in
 * progress, the amounts so far, the provisional breaches, the headroom
 * and the next deadlines, as the fields of a JSON line or as a block of
 * text for a terminal.  Everything is read by name (lc_result_count,
 * lc_result_text, ...), so a field the library adds to the headroom items
 * shows in the JSON without a change here. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "watch.h"

/* ---- a growing text ---- */

static int wbuf_reserve(wbuf *b, size_t more)
{
    if (b->oom) return -1;
    if (b->len + more + 1 <= b->cap) return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + more + 1) cap *= 2;
    char *data = realloc(b->data, cap);
    if (!data) return b->oom = 1, -1;
    b->data = data;
    b->cap = cap;
    return 0;
}

void wbuf_put(wbuf *b, const char *s, size_t n)
{
    if (wbuf_reserve(b, n) != 0) return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void wbuf_printf(wbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || wbuf_reserve(b, (size_t)n) != 0) return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void wbuf_free(wbuf *b)
{
    free(b->data);
    *b = (wbuf){0};
}

size_t watch_count_lines(const char *text, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) n += text[i] == '\n';
    return n;
}

/* ---- values ---- */

static void money(int64_t fen, char *buf, size_t size)
{
    uint64_t mag = fen < 0 ? 0 - (uint64_t)fen : (uint64_t)fen;
    snprintf(buf, size, "%s%" PRIu64 ".%02" PRIu64, fen < 0 ? "-" : "", mag / 100, mag % 100);
}

/* The shortest text that reads back as d, without an exponent when one
 * of 17 digits can do without. */
static void number(double d, char *buf, size_t size)
{
    for (int p = 1; p <= 17; p++) {
        snprintf(buf, size, "%.*g", p, d);
        if (strtod(buf, NULL) == d && !strchr(buf, 'e')) return;
    }
    snprintf(buf, size, "%.17g", d);
}

static void json_text(wbuf *b, const char *s)
{
    if (!s) {
        wbuf_put(b, "null", 4);
        return;
    }
    wbuf_put(b, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') wbuf_printf(b, "\\%c", *p);
        else if (*p < 0x20) wbuf_printf(b, "\\u%04x", *p);
        else wbuf_put(b, (const char *)p, 1);
    }
    wbuf_put(b, "\"", 1);
}

/* Item i's field as a JSON value, by its type: money as a decimal string
 * (INTERFACE.md's amounts), null when it has none. */
static void json_value(wbuf *b, const lc_result *res, const char *list, size_t i, const char *field)
{
    char buf[64];
    int64_t v;
    double d;
    int flag;
    switch (lc_result_type(res, list, i, field)) {
    case LC_VALUE_TEXT: json_text(b, lc_result_text(res, list, i, field)); return;
    case LC_VALUE_FEN:
        lc_result_fen(res, list, i, field, &v);
        money(v, buf, sizeof buf);
        json_text(b, buf);
        return;
    case LC_VALUE_INT:
        lc_result_int(res, list, i, field, &v);
        wbuf_printf(b, "%" PRId64, v);
        return;
    case LC_VALUE_NUMBER:
        lc_result_number(res, list, i, field, &d);
        number(d, buf, sizeof buf);
        wbuf_printf(b, "%s", buf);
        return;
    case LC_VALUE_BOOL:
        lc_result_bool(res, list, i, field, &flag);
        wbuf_printf(b, "%s", flag ? "true" : "false");
        return;
    default: wbuf_put(b, "null", 4);
    }
}

/* Item i's field as text for people: NULL when it has none. */
static const char *plain(const lc_result *res, const char *list, size_t i, const char *field, char *buf,
                         size_t size)
{
    int64_t v;
    double d;
    int flag;
    switch (lc_result_type(res, list, i, field)) {
    case LC_VALUE_TEXT: return lc_result_text(res, list, i, field);
    case LC_VALUE_FEN: lc_result_fen(res, list, i, field, &v), money(v, buf, size); return buf;
    case LC_VALUE_INT: lc_result_int(res, list, i, field, &v), snprintf(buf, size, "%" PRId64, v); return buf;
    case LC_VALUE_NUMBER:
        lc_result_number(res, list, i, field, &d);
        snprintf(buf, size, "%.4f", d);
        for (size_t n = strlen(buf); n > 1 && strchr(buf, '.') && (buf[n - 1] == '0' || buf[n - 1] == '.');)
            buf[--n] = '\0';
        return buf;
    case LC_VALUE_BOOL: lc_result_bool(res, list, i, field, &flag); return flag ? "yes" : "no";
    default: return NULL;
    }
}

static int is_true(const lc_result *res, const char *list, size_t i, const char *field)
{
    int v = 0;
    return lc_result_bool(res, list, i, field, &v) && v;
}

/* ---- what the status is made of ---- */

/* The month in progress (as of the result's instant), or -1. */
static long month_in_progress(const lc_result *res)
{
    for (size_t i = 0, n = lc_result_count(res, "months"); i < n; i++) {
        const char *a = lc_result_text(res, "months", i, "assessed");
        if (a && strcmp(a, "in_progress") == 0) return (long)i;
    }
    return -1;
}

/* The k-th figure of a month worth showing: its columns (and score), not
 * its label, its money or whether it is assessed, each name once. */
static const char *figure(const lc_result *res, size_t k)
{
    const char *name = lc_result_field(res, "months", k);
    if (!name) return NULL;
    if (strcmp(name, "month") == 0 || strcmp(name, "counted") == 0 || strcmp(name, "assessed") == 0) return "";
    for (size_t j = 0; j < k; j++)
        if (strcmp(lc_result_field(res, "months", j), name) == 0) return "";
    return name;
}

typedef struct deadline {
    size_t item;
    int64_t at;
} deadline;

static int by_time(const void *a, const void *b)
{
    const deadline *x = a, *y = b;
    return x->at < y->at ? -1 : x->at > y->at;
}

/* The headroom items of kind deadline or late that have a time, soonest
 * first; the caller frees the list.  *n is 0 when there is none (or no
 * memory: the deadlines are then left out). */
static deadline *deadlines(const lc_result *res, size_t *n)
{
    size_t count = lc_result_count(res, "headroom");
    deadline *d = malloc((count ? count : 1) * sizeof *d);
    *n = 0;
    for (size_t i = 0; d && i < count; i++) {
        const char *kind = lc_result_text(res, "headroom", i, "kind"), *at = lc_result_text(res, "headroom", i, "at");
        int64_t ns;
        if (!kind || !at || (strcmp(kind, "deadline") != 0 && strcmp(kind, "late") != 0)) continue;
        if (lc_time_parse(at, strlen(at), &ns, NULL, NULL) != LC_OK) continue;
        d[(*n)++] = (deadline){i, ns};
    }
    qsort(d, *n, sizeof *d, by_time);
    return d;
}

static size_t warnings_of(const lc_result *res)
{
    return lc_result_count(res, "warnings");
}

/* ---- JSON ---- */

/* Every field of item i of a list, as a JSON object. */
static void json_item(wbuf *b, const lc_result *res, const char *list, size_t i, const char *const *fields)
{
    wbuf_put(b, "{", 1);
    for (size_t k = 0; fields[k]; k++) {
        wbuf_printf(b, "%s\"%s\": ", k ? ", " : "", fields[k]);
        json_value(b, res, list, i, fields[k]);
    }
    wbuf_put(b, "}", 1);
}

static const char *const BREACH_FIELDS[] = {"rule", "class", "amount", "counted", "period", "at", "reason", NULL};

#define MAX_FIELDS 32

/* The fields the library gives a headroom item (at most MAX_FIELDS - 1). */
static void headroom_fields(const lc_result *res, const char **fields)
{
    size_t k = 0;
    for (const char *f; k < MAX_FIELDS - 1 && (f = lc_result_field(res, "headroom", k)); k++) fields[k] = f;
    fields[k] = NULL;
}

void watch_status_json(const lc_result *res, const watch_info *info, wbuf *b)
{
    long m = month_in_progress(res);
    wbuf_printf(b, "\"clock\": \"%s\", \"lines\": %ld, \"month\": ", info->clock, info->lines);
    json_value(b, res, "months", m < 0 ? SIZE_MAX : (size_t)m, "month");
    wbuf_put(b, ", \"month_counted\": ", 19);
    json_value(b, res, "months", m < 0 ? SIZE_MAX : (size_t)m, "counted");
    wbuf_put(b, ", \"figures\": ", 13);
    if (m < 0) wbuf_put(b, "null", 4);
    else {
        wbuf_put(b, "{", 1);
        const char *name;
        for (size_t k = 0, shown = 0; (name = figure(res, k)); k++)
            if (*name) {
                wbuf_printf(b, "%s\"%s\": ", shown++ ? ", " : "", name);
                json_value(b, res, "months", (size_t)m, name);
            }
        wbuf_put(b, "}", 1);
    }
    wbuf_put(b, ", \"amount\": ", 12);
    json_value(b, res, "totals", 0, "amount");
    wbuf_put(b, ", \"amount_uncapped\": ", 21);
    json_value(b, res, "totals", 0, "amount_uncapped");
    wbuf_put(b, ", \"capped\": ", 12);
    json_value(b, res, "totals", 0, "capped");
    size_t nb = lc_result_count(res, "breaches");
    wbuf_printf(b, ", \"breaches\": %zu, \"provisional\": [", nb);
    for (size_t i = 0, shown = 0; i < nb; i++)
        if (is_true(res, "breaches", i, "provisional")) {
            if (shown++) wbuf_put(b, ", ", 2);
            json_item(b, res, "breaches", i, BREACH_FIELDS);
        }
    wbuf_put(b, "], \"termination\": ", 18);
    json_value(b, res, "termination", 0, "right");
    wbuf_put(b, ", \"headroom\": [", 15);
    const char *fields[MAX_FIELDS];
    headroom_fields(res, fields);
    for (size_t i = 0, n = lc_result_count(res, "headroom"); i < n; i++) {
        if (i) wbuf_put(b, ", ", 2);
        json_item(b, res, "headroom", i, fields);
    }
    wbuf_printf(b, "], \"warnings\": %zu", warnings_of(res));
}

/* ---- text ---- */

/* The columns a UTF-8 character takes on a terminal: 2 for the wide
 * scripts (CJK, Hangul, full-width forms), else 1. */
static int columns(uint32_t c)
{
    return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) || (c >= 0xAC00 && c <= 0xD7A3) ||
                   (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
                   (c >= 0xFFE0 && c <= 0xFFE6) || c >= 0x20000
               ? 2
               : 1;
}

/* Appends one line (without its newline) cut to width columns (0: whole). */
static void put_line(wbuf *out, const char *s, size_t len, int width)
{
    size_t i = 0;
    int used = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        if (i + n > len) n = len - i;
        uint32_t cp = n == 1 ? c : (uint32_t)(c & (0x7F >> n));
        for (size_t k = 1; k < n; k++) cp = cp << 6 | ((unsigned char)s[i + k] & 0x3F);
        int w = columns(cp);
        if (width > 0 && used + w > width - 1) break; /* the last column stays free: no wrap */
        used += w;
        i += n;
    }
    wbuf_put(out, s, i);
    wbuf_put(out, "\n", 1);
}

static void header(wbuf *b, const lc_result *res, const watch_info *info)
{
    const char *as_of = lc_result_text(res, "contract", 0, "as_of");
    size_t nw = warnings_of(res);
    wbuf_printf(b, "%s · as of %s (%s clock) · %ld line%s · %zu warning%s\n", lc_result_text(res, "contract", 0, "id"),
                as_of ? as_of : "the end of the events", info->clock, info->lines, info->lines == 1 ? "" : "s", nw,
                nw == 1 ? "" : "s");
}

/* The month in progress: its money so far, then its figures, as many to
 * a line as the width takes. */
static void month_lines(wbuf *b, const lc_result *res, long m, int width)
{
    char buf[64], item[160];
    if (m < 0) {
        const char *start = lc_result_text(res, "contract", 0, "term_start");
        const char *end = lc_result_text(res, "contract", 0, "term_end");
        wbuf_printf(b, "month: none in progress (term %s .. %s)\n", start ? start : "?", end ? end : "?");
        return;
    }
    wbuf_printf(b, "month %s so far: counted %s\n ", lc_result_text(res, "months", (size_t)m, "month"),
                plain(res, "months", (size_t)m, "counted", buf, sizeof buf));
    const char *name;
    size_t used = 1, shown = 0;
    for (size_t k = 0; (name = figure(res, k)); k++) {
        const char *v = *name ? plain(res, "months", (size_t)m, name, buf, sizeof buf) : NULL;
        if (!v) continue;
        int n = snprintf(item, sizeof item, " %s %s", name, v);
        if (shown && width > 0 && used + (size_t)n + 2 > (size_t)width - 1) {
            wbuf_put(b, "\n ", 2);
            used = 1;
        } else if (shown) wbuf_printf(b, " ·"), used += 2;
        wbuf_printf(b, "%s", item);
        used += (size_t)n;
        shown++;
    }
    wbuf_put(b, "\n", 1);
}

static void totals_line(wbuf *b, const lc_result *res)
{
    char amount[32], uncapped[32];
    const char *currency = lc_result_text(res, "contract", 0, "currency");
    size_t nb = lc_result_count(res, "breaches"), np = 0;
    for (size_t i = 0; i < nb; i++) np += is_true(res, "breaches", i, "provisional");
    plain(res, "totals", 0, "amount", amount, sizeof amount);
    plain(res, "totals", 0, "amount_uncapped", uncapped, sizeof uncapped);
    wbuf_printf(b, "total %s %s (before caps %s) · %zu breach%s, %zu provisional · termination right: %s\n", amount,
                currency ? currency : "", uncapped, nb, nb == 1 ? "" : "es", np,
                is_true(res, "termination", 0, "right") ? "YES" : "no");
    if (!np) return;
    wbuf_printf(b, "provisional breaches:\n");
    for (size_t i = 0; i < nb; i++)
        if (is_true(res, "breaches", i, "provisional")) {
            const char *reason = lc_result_text(res, "breaches", i, "reason");
            plain(res, "breaches", i, "amount", amount, sizeof amount);
            wbuf_printf(b, "  %-10s %12s  %s\n", lc_result_text(res, "breaches", i, "rule"), amount,
                        reason ? reason : "");
        }
}

/* One headroom item: its sentence, or what it is made of when it has none. */
static void headroom_item(wbuf *b, const lc_result *res, size_t i, const char *prefix)
{
    char left[64], amount[32];
    const char *rule = lc_result_text(res, "headroom", i, "rule"), *what = lc_result_text(res, "headroom", i, "what");
    wbuf_printf(b, "  %s%-10s %s", prefix, rule ? rule : "", is_true(res, "headroom", i, "crossed") ? "crossed: " : "");
    if (what) wbuf_printf(b, "%s", what);
    else {
        const char *kind = lc_result_text(res, "headroom", i, "kind"), *unit = lc_result_text(res, "headroom", i, "unit");
        const char *l = plain(res, "headroom", i, "left", left, sizeof left);
        const char *a = plain(res, "headroom", i, "amount", amount, sizeof amount);
        wbuf_printf(b, "%s", kind ? kind : "");
        if (l) wbuf_printf(b, ", %s %s left", l, unit ? unit : "");
        if (a) wbuf_printf(b, ", costs %s", a);
    }
    wbuf_put(b, "\n", 1);
}

static void headroom_lines(wbuf *b, const lc_result *res)
{
    size_t n = lc_result_count(res, "headroom"), nd = 0;
    if (!n) {
        wbuf_printf(b, "headroom: none\n");
        return;
    }
    wbuf_printf(b, "headroom:\n");
    for (size_t i = 0; i < n; i++) headroom_item(b, res, i, "");
    deadline *d = deadlines(res, &nd);
    wbuf_printf(b, "next deadlines:%s\n", nd ? "" : " none");
    for (size_t k = 0; k < nd && k < 5; k++) {
        char at[LC_TIME_TEXT_MAX + 2];
        snprintf(at, sizeof at, "%s ", lc_result_text(res, "headroom", d[k].item, "at"));
        headroom_item(b, res, d[k].item, at);
    }
    free(d);
}

void watch_status_text(const lc_result *res, const watch_info *info, wbuf *out)
{
    wbuf b = {0};
    header(&b, res, info);
    month_lines(&b, res, month_in_progress(res), info->width);
    totals_line(&b, res);
    headroom_lines(&b, res);
    if (b.oom) {
        out->oom = 1;
        wbuf_free(&b);
        return;
    }
    /* Cut to the terminal: each line to its width, the block to its rows
     * but one (the cursor's), the last line kept saying what was left out. */
    size_t lines = watch_count_lines(b.data, b.len), shown = 0;
    size_t room = info->rows > 1 ? (size_t)info->rows - 1 : SIZE_MAX;
    for (const char *p = b.data, *end = b.data + b.len; p < end; shown++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (lines > room && shown + 1 == room) {
            char more[64];
            snprintf(more, sizeof more, "  … %zu more lines (a taller terminal shows them)", lines - shown);
            put_line(out, more, strlen(more), info->width);
            break;
        }
        put_line(out, p, (size_t)(nl - p), info->width);
        p = nl + 1;
    }
    wbuf_free(&b);
}
