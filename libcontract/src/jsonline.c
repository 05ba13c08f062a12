/* jsonline.c — see jsonline.h. */
#include "jsonline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void lci_scan_free(lci_scan *sc)
{
    free(sc->numbers);
    memset(sc, 0, sizeof *sc);
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

static int failure(char *why, size_t whysize, size_t at, const char *what)
{
    snprintf(why, whysize, "%s at byte %zu", what, at + 1);
    return -1;
}

/* Skips a string starting after its opening quote; returns the index of
 * the closing quote, or sets *err. */
static size_t scan_string(const unsigned char *s, size_t len, size_t i, char *why, size_t whysize, int *err)
{
    while (i < len) {
        unsigned c = s[i];
        if (c == '"') return i;
        if (c == '\\') {
            if (i + 5 < len && s[i + 1] == 'u' && memcmp(s + i + 2, "0000", 4) == 0) {
                *err = failure(why, whysize, i, "the escape \\u0000 (a NUL character) is not allowed");
                return len;
            }
            i += 2;
            continue;
        }
        if (c < 0x20) {
            *err = failure(why, whysize, i, c ? "a raw control character inside a string (escape it)"
                                               : "a NUL byte");
            return len;
        }
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n = utf8_sequence(s + i, len - i);
        if (!n) {
            *err = failure(why, whysize, i, "invalid UTF-8");
            return len;
        }
        i += n;
    }
    return len; /* unterminated: cJSON reports it */
}

static size_t number_end(const unsigned char *s, size_t len, size_t i)
{
    while (i < len && (strchr("0123456789+-.eE", s[i]) && s[i])) i++;
    return i;
}

int lci_scan_line(lci_scan *sc, const char *text, size_t len, unsigned max_depth, char *why, size_t whysize)
{
    const unsigned char *s = (const unsigned char *)text;
    unsigned depth = 0;
    int err = 0;
    sc->nnumbers = 0;
    for (size_t i = 0; i < len && !err; i++) {
        unsigned c = s[i];
        if (c == '"') {
            i = scan_string(s, len, i + 1, why, whysize, &err);
        } else if (c == '{' || c == '[') {
            if (++depth > max_depth) return failure(why, whysize, i, "nesting too deep");
        } else if (c == '}' || c == ']') {
            if (depth) depth--;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            size_t end = number_end(s, len, i);
            lci_span span = {i, end - i};
            if (depth == 1 && LCI_PUSH(sc->numbers, sc->cap, sc->nnumbers, span) != 0) return -2;
            i = end - 1;
        } else if (c == 0) {
            return failure(why, whysize, i, "a NUL byte");
        } else if (c >= 0x80) {
            return failure(why, whysize, i, utf8_sequence(s + i, len - i) ? "text outside a string"
                                                                            : "invalid UTF-8");
        }
    }
    return err;
}
