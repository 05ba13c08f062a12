/* strstore.h — strings kept once, in blocks that never move.
 *
 * An lci_strlist appends strings and numbers them 0, 1, 2, ...  Its bytes
 * live in blocks that double in size (4 KiB, 8 KiB, ...), so growing never
 * copies what is there and a string's address never changes.  That lets a
 * result share its evaluation's event ids instead of copying them: a view
 * is the first n strings of a list, and holds a reference on the blocks,
 * which are freed when the list and the last view are gone.  The list may
 * go on growing (in its own thread) while views are read (in others): a
 * view reads only strings that were complete when it was made.
 *
 * Each string is stored with its length (one byte below 128) and a NUL. */
#ifndef LCI_STRSTORE_H
#define LCI_STRSTORE_H

#include <stddef.h>
#include <stdint.h>

#include "base/util.h"

/* Block k of text holds LCI_TEXT_UNIT << k bytes, block k of positions
 * LCI_POS_UNIT << k strings: 32 of each reach past 2^32. */
#define LCI_TEXT_UNIT ((size_t)4096)
#define LCI_POS_UNIT ((size_t)256)
#define LCI_BLOCKS 32

typedef struct lci_strblocks lci_strblocks; /* the shared blocks */

typedef struct lci_strlist {
    lci_strblocks *blocks; /* NULL until the first string */
    size_t len;            /* text positions used (with the gaps left at block ends) */
    size_t n;              /* strings */
    /* where the next string goes while it fits the current blocks */
    unsigned char *text;
    size_t text_room;
    uint32_t *pos;
    size_t pos_room;
} lci_strlist;

typedef struct lci_strview {
    lci_strblocks *blocks;
    size_t n;
} lci_strview;

/* A length below this fits the one byte before the string; longer ones
 * are this byte followed by four. */
#define LCI_LONG_LENGTH 0xFF

/* Appends a copy of s (len bytes, no NUL inside); 0 and *index, or -1
 * when out of memory or past 2^32 strings or bytes (nothing changed). */
int lci_strlist_add_slow(lci_strlist *l, const char *s, size_t len, uint32_t *index);

static inline int lci_strlist_add(lci_strlist *l, const char *s, size_t len, uint32_t *index)
{
    size_t need = len + 2;
    if (len >= LCI_LONG_LENGTH || need > l->text_room || !l->pos_room) return lci_strlist_add_slow(l, s, len, index);
    unsigned char *p = l->text;
    p[0] = (unsigned char)len;
    lci_copy_short((char *)p + 1, s, len);
    p[len + 1] = '\0';
    *l->pos++ = (uint32_t)l->len;
    l->pos_room--;
    l->text += need;
    l->text_room -= need;
    l->len += need;
    *index = (uint32_t)l->n++;
    return 0;
}
void lci_strlist_free(lci_strlist *l);

/* dst, empty, becomes a copy of src (its own blocks): 0, or -1 when out of
 * memory or dst is not empty. */
int lci_strlist_copy(lci_strlist *dst, const lci_strlist *src);

/* String `index` (NUL-terminated) and its length; index < l->n. */
const char *lci_strlist_get(const lci_strlist *l, uint32_t index, size_t *len);

/* A view of the strings added so far (a reference: never fails). */
lci_strview lci_strlist_view(const lci_strlist *l);
void lci_strview_release(lci_strview *v);
const char *lci_strview_get(const lci_strview *v, uint32_t index);


#endif
