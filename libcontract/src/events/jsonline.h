/* jsonline.h — a strict validation of one JSON Lines record, listing the
 * members of the object it holds.
 *
 * A flat record is then read from the members' spans alone; cJSON parses
 * the others (jsonevent.c).  This pass closes the traps cJSON
 * leaves open for strict input: it truncates strings at NUL or \u0000, it
 * does not check UTF-8, it only knows a fixed nesting limit, it reads every
 * number as a double (losing the literal's digits), and it returns NULL
 * both for bad syntax and for lack of memory (so its refusal of a \u
 * escape of an unpaired UTF-16 surrogate would read as "out of memory").
 * The scan validates the whole JSON grammar, rejects the rest, and lists
 * the top-level members with where their keys and values lie in the line,
 * so money and counts are read exactly from their literal. */
#ifndef LCI_JSONLINE_H
#define LCI_JSONLINE_H

#include <stddef.h>
#include <stdint.h>

typedef enum lci_jkind {
    LCI_J_STRING,
    LCI_J_NUMBER,
    LCI_J_TRUE,
    LCI_J_FALSE,
    LCI_J_NULL,
    LCI_J_OBJECT,
    LCI_J_ARRAY
} lci_jkind;

/* A length the scan does not give: the text holds escapes, so the decoded
 * string's length is cJSON's (strlen of its copy). */
#define LCI_JLEN_ESCAPED SIZE_MAX

/* One top-level member of an object, in the order of the text (cJSON's
 * child list has the same order, duplicates included). */
typedef struct lci_jmember {
    size_t key_off;   /* where the key's text starts in the line (after its opening quote) */
    size_t key_len;   /* the key's length once decoded, or LCI_JLEN_ESCAPED */
    size_t value_off; /* where the value's text starts in the line (a string: after its opening quote) */
    size_t value_len; /* a string: its decoded length or LCI_JLEN_ESCAPED; otherwise the length of the value's text
                         (a number's literal exactly, "true", a container with its brackets) */
    lci_jkind kind;
} lci_jmember;

/* What a scan found; zero-initialise it, reuse it for line after line (its
 * array only grows), and free it with lci_scan_free. */
typedef struct lci_scan {
    lci_jmember *members; /* the top-level members when the line is an object */
    size_t nmembers, cap;
} lci_scan;

void lci_scan_free(lci_scan *sc);

/* Validates one line.  0: an object (members listed); 1: valid JSON that is
 * not an object (nmembers 0); -1: invalid, with a reason naming the byte
 * offset in why; -2: out of memory.
 *
 * Refused: anything that is not one JSON value (RFC 8259) with optional
 * white space around it, NUL bytes, invalid UTF-8 (overlong forms,
 * surrogates, beyond U+10FFFF), the escape \u0000, a \u escape of a UTF-16
 * surrogate that is not half of a pair (\uDC00-\uDFFF alone, or
 * \uD800-\uDBFF not followed at once by one of those: cJSON refuses both),
 * and nesting deeper than max_depth (at most 256). */
int lci_scan_line(lci_scan *sc, const char *s, size_t len, unsigned max_depth, char *why, size_t whysize);

/* The plain validator, for tests: the same contract as lci_scan_line, one
 * token at a time.  lci_scan_line's fast path hands every line it does not
 * accept itself to this one, whose verdict and message are the answer. */
int lci_scan_line_reference(lci_scan *sc, const char *s, size_t len, unsigned max_depth, char *why, size_t whysize);

/* ---- a line still arriving (ingest.c reads streams in chunks) ---- */

/* The most bytes from a refused byte on that the scan reads to word its
 * refusal (an escape and the one that may pair with it: \uD800\uDC00). */
#define LCI_SCAN_LOOKAHEAD 12

/* Whether the first len bytes of a line already decide its verdict, so
 * the rest need not be kept: -1 when lci_scan_line refuses every line
 * that starts with them, with the message it gives them all in why (the
 * refusal lies at least LCI_SCAN_LOOKAHEAD bytes before len, so no byte
 * after len can change it or its wording); 0 when more bytes could still
 * change the verdict or the message (why is then undefined). */
int lci_scan_prefix(const char *s, size_t len, unsigned max_depth, char *why, size_t whysize);

/* The first byte in s[from..len) that no valid line holds wherever it
 * stands, or len: NUL and the other control bytes but white space (tab,
 * LF, CR), and bytes that are not part of valid UTF-8.
 * Cheap enough to run on every byte of a line held back: it only says
 * that the line is invalid, lci_scan_prefix says why.  *resume is where
 * the next call goes on: past that byte, or before a UTF-8 sequence not
 * yet complete at len. */
size_t lci_line_poison(const char *s, size_t from, size_t len, size_t *resume);

#endif
