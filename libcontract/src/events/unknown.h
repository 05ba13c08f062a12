/* unknown.h — event fields the rules do not declare, tallied.
 *
 * Ops feeds carry many fields a contract does not need, so an undeclared
 * field is allowed (unless its type is strict); but a misspelt one
 * ("casue" for "cause") would silently change what counts.  Each
 * undeclared field name is tallied once per event type: on how many lines
 * it came, and the first of them; the result lists each as a warning,
 * naming a declared field of the type it is likely a typo of (issue 15).
 *
 * A tally holds at most LCI_UNKNOWN_NAMES names (a feed of random keys
 * cannot take memory without bound); lines with other names are counted
 * per type, unnamed.  A name is kept to its first LCI_UNKNOWN_NAME_MAX
 * bytes (cut between UTF-8 characters). */
#ifndef LCI_UNKNOWN_H
#define LCI_UNKNOWN_H

#include <stddef.h>
#include <stdint.h>

#include "base/idtable.h"

#define LCI_UNKNOWN_NAMES 1024
#define LCI_UNKNOWN_NAME_MAX 128
#define LCI_UNKNOWN_MEMO 16 /* member positions remembered */

typedef struct lci_unknown_field {
    int type;
    uint32_t key;      /* in the tally's keys: the type, a colon, the name */
    size_t name_off;   /* where the name starts in that key */
    uint64_t lines;    /* lines that carried it */
    int32_t file;      /* the first: its file in the evaluation's file names (or -1) */
    long line;
} lci_unknown_field;

typedef struct lci_unknown_more {
    uint64_t lines;    /* lines with an undeclared name beyond the names tallied */
    int32_t file;
    long line;
} lci_unknown_more;

/* The last field noted at a member position: streams repeat their keys. */
typedef struct lci_unknown_memo {
    int type;          /* -1: empty */
    uint8_t len;
    char text[16];
    uint32_t field;    /* index in fields */
} lci_unknown_memo;

typedef struct lci_unknown_tally {
    lci_idtable keys;
    lci_unknown_field *fields; /* in the order names were first seen */
    size_t nfields, fields_cap;
    lci_unknown_more *more;    /* per event type, or NULL until needed */
    size_t ntypes;
    lci_unknown_memo memo[LCI_UNKNOWN_MEMO];
} lci_unknown_tally;

void lci_unknown_init(lci_unknown_tally *t, size_t ntypes, uint64_t seed);
void lci_unknown_free(lci_unknown_tally *t);

/* Notes line `line` of an event of `type` that carries the undeclared
 * field name[0..len) at member position `pos`.  When it is the first line
 * of its name (or of the type's unnamed ones), *file points to where the
 * caller puts the line's file (an index in the evaluation's file names,
 * else -1), else it is NULL: the name of a file is interned only then.
 * 0, or -1 when out of memory. */
int lci_unknown_note(lci_unknown_tally *t, int type, size_t pos, const char *name, size_t len, long line,
                     int32_t **file);

/* The name of a tallied field (NUL-terminated, borrowed). */
const char *lci_unknown_name(const lci_unknown_tally *t, const lci_unknown_field *f);

#endif
