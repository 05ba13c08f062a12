/* jsonline.h — a strict validation of one JSON Lines record.
 *
 * cJSON parses the record afterwards; this pass closes the traps cJSON
 * leaves open for strict input: it truncates strings at NUL or \u0000, it
 * does not check UTF-8, it only knows a fixed nesting limit, it reads every
 * number as a double (losing the literal's digits), and it returns NULL
 * both for bad syntax and for lack of memory (so its refusal of a \u
 * escape of an unpaired UTF-16 surrogate would read as "out of memory").
 * The scan validates the whole JSON grammar, rejects the rest, and records
 * the text of each top-level number so money and counts are read exactly
 * from their literal. */
#ifndef LCI_JSONLINE_H
#define LCI_JSONLINE_H

#include <stddef.h>
#include <stdint.h>

typedef struct lci_span {
    size_t off, len;
} lci_span;

typedef struct lci_scan {
    lci_span *numbers; /* the top-level members' number literals, in order */
    size_t nnumbers, cap;
} lci_scan;

void lci_scan_free(lci_scan *sc);

/* 0, or -1 with a reason naming the byte offset in why.  Rejects anything
 * that is not one JSON value (RFC 8259) with optional white space around
 * it, NUL bytes, invalid UTF-8 (overlong forms, surrogates, beyond
 * U+10FFFF), the escape \u0000, a \u escape of a UTF-16 surrogate that is
 * not half of a pair (as cJSON does), and nesting deeper than max_depth.
 * -2 when out of memory. */
int lci_scan_line(lci_scan *sc, const char *s, size_t len, unsigned max_depth, char *why, size_t whysize);

#endif
