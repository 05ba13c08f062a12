/* idtable.h — exact interning of strings (event ids, string values).
 *
 * Each distinct string is kept once, byte for byte, in an arena, and gets a
 * dense index; lookups compare the bytes, so two different ids can never be
 * taken for one another whatever their hashes (a collision only costs a
 * probe).  A slot holds the index and 32 bits of the hash, so most probes
 * touch one cache line; about 16–28 bytes per string beyond its own bytes. */
#ifndef LCI_IDTABLE_H
#define LCI_IDTABLE_H

#include <stddef.h>
#include <stdint.h>

/* A 64-bit hash of bytes; seed varies the function. */
uint64_t lci_hash(const void *data, size_t len, uint64_t seed);

/* A 64-bit finaliser: every input bit affects every output bit. */
static inline uint64_t lci_mix64(uint64_t x)
{
    x ^= x >> 32;
    x *= UINT64_C(0xd6e8feb86659fd93);
    x ^= x >> 32;
    x *= UINT64_C(0xd6e8feb86659fd93);
    x ^= x >> 32;
    return x;
}

/* A list of strings in one arena, without lookup (a result's event ids;
 * the strings of an lci_idtable). */
typedef struct lci_strlist {
    char *arena;
    size_t len, cap;
    uint32_t *offsets;
    size_t n, ncap;
} lci_strlist;

/* Appends a copy; 0 and *index, or -1 when out of memory. */
int lci_strlist_add(lci_strlist *l, const char *s, size_t len, uint32_t *index);
const char *lci_strlist_get(const lci_strlist *l, uint32_t index);
void lci_strlist_free(lci_strlist *l);

/* Makes room for n strings of `bytes` bytes in all (NULs included), so the
 * adds that follow never copy the arena.  0, or -1 when out of memory. */
int lci_strlist_reserve(lci_strlist *l, size_t n, size_t bytes);

typedef struct lci_idtable {
    uint64_t *slots;     /* (hash >> 32) << 32 | (index + 1); 0 = empty */
    size_t nslots;       /* power of two */
    lci_strlist strings; /* index -> the string */
    uint64_t seed;
} lci_idtable;

void lci_idtable_init(lci_idtable *t, uint64_t seed);
void lci_idtable_free(lci_idtable *t);

/* The table's hash of s: compute once, then find and add with it. */
uint64_t lci_idtable_hash(const lci_idtable *t, const char *s, size_t len);

/* Starts loading the slot where a string of this hash is looked up. */
void lci_idtable_prefetch(const lci_idtable *t, uint64_t hash);

/* The index of s, or -1 when absent. */
long lci_idtable_find(const lci_idtable *t, const char *s, size_t len, uint64_t hash);

/* Adds s (which must be absent); 0 and *index, or -1 when out of memory
 * (the table is unchanged). */
int lci_idtable_add(lci_idtable *t, const char *s, size_t len, uint64_t hash, uint32_t *index);

/* Finds or adds; *added tells which.  -1 when out of memory. */
int lci_idtable_intern(lci_idtable *t, const char *s, size_t len, uint32_t *index, int *added);

/* The string at index (NUL-terminated, borrowed until the next add). */
const char *lci_idtable_get(const lci_idtable *t, uint32_t index);

size_t lci_idtable_count(const lci_idtable *t);

/* Bytes held, for the benchmark's memory figures. */
size_t lci_idtable_bytes(const lci_idtable *t);


#endif
