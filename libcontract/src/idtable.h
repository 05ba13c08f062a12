/* idtable.h — exact interning of strings (event ids, string values).
 *
 * Each distinct string is kept once, byte for byte, in an arena, and gets a
 * dense index; lookups compare the bytes, so two different ids can never be
 * taken for one another whatever their hashes (a collision only costs a
 * probe).  About 24 bytes per string beyond its own bytes. */
#ifndef LCI_IDTABLE_H
#define LCI_IDTABLE_H

#include <stddef.h>
#include <stdint.h>

/* A 64-bit hash of bytes; seed varies the function. */
uint64_t lci_hash(const void *data, size_t len, uint64_t seed);

typedef struct lci_idtable {
    uint32_t *slots;   /* index + 1, 0 = empty */
    size_t nslots;     /* power of two */
    uint64_t *hashes;  /* per string */
    uint64_t *offsets; /* per string: start in the arena (length follows from the next) */
    size_t n, cap;
    char *arena;
    size_t arena_len, arena_cap;
    uint64_t seed;
} lci_idtable;

void lci_idtable_init(lci_idtable *t, uint64_t seed);
void lci_idtable_free(lci_idtable *t);

/* The index of s, or -1 when absent. */
long lci_idtable_find(const lci_idtable *t, const char *s, size_t len);

/* Adds s (which must be absent); 0 and *index, or -1 when out of memory
 * (the table is unchanged). */
int lci_idtable_add(lci_idtable *t, const char *s, size_t len, uint32_t *index);

/* Finds or adds; *added tells which.  -1 when out of memory. */
int lci_idtable_intern(lci_idtable *t, const char *s, size_t len, uint32_t *index, int *added);

/* The string at index (NUL-terminated, borrowed). */
const char *lci_idtable_get(const lci_idtable *t, uint32_t index);

size_t lci_idtable_count(const lci_idtable *t);

/* Bytes held, for the benchmark's memory figures. */
size_t lci_idtable_bytes(const lci_idtable *t);

#endif
