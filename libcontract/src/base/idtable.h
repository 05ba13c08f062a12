/* idtable.h — exact interning of strings (event ids, string values).
 *
 * Each distinct string is kept once, byte for byte, in an lci_strlist, and
 * gets a dense index; lookups compare the bytes, so two different ids can
 * never be taken for one another whatever their hashes (a collision only
 * costs a probe).  A slot holds the index and 32 bits of the hash (the
 * tag), so most probes touch one cache line; about 17–29 bytes per string
 * beyond its own bytes (slots at a load of 0.35–0.7, a position, a length
 * byte, a NUL).
 *
 * The slots are kept in the order of their tags (linear probing that
 * never wraps around, with a few spare slots past the end): a lookup
 * stops at the first larger tag, and doubling the table is one sweep that
 * writes the new slots front to back, since a tag's home slot is its top
 * bits at any size. */
#ifndef LCI_IDTABLE_H
#define LCI_IDTABLE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/hash.h"
#include "base/strstore.h"

/* Spare slots past the last home; the table grows before the last half of
 * them fills, so the very last slot is always empty and ends every probe. */
#define LCI_SPARE_SLOTS 64

typedef struct lci_idtable {
    uint64_t *slots;     /* tag << 32 | (index + 1), tags non-decreasing; 0 = empty */
    size_t nslots;       /* homes: a power of two (then LCI_SPARE_SLOTS more slots) */
    int crowded;         /* a slot in the last half of the spare ones is used: grow next */
    void *slots_block;   /* the allocation slots lie in (aligned inside it) */
    lci_strlist strings; /* index -> the string */
    uint64_t seed;
} lci_idtable;

void lci_idtable_init(lci_idtable *t, uint64_t seed);
void lci_idtable_free(lci_idtable *t);

/* The table's hash of s: compute once, then find and add with it. */
static inline uint64_t lci_idtable_hash(const lci_idtable *t, const char *s, size_t len)
{
    return lci_fast_hash(s, len, t->seed);
}

/* A string's home slot is the top bits of its tag: the table grows without
 * hashing any string again. */
static inline size_t lci_idtable_home(uint64_t hash, size_t nslots)
{
    return (size_t)(hash >> (64 - __builtin_ctzll(nslots)));
}

/* Starts loading the slot where a string of this hash is looked up, so it
 * is in the cache by the time find and add need it. */
static inline void lci_idtable_prefetch(const lci_idtable *t, uint64_t hash)
{
    if (t->nslots) __builtin_prefetch(&t->slots[lci_idtable_home(hash, t->nslots)], 1);
}

/* The index of s, or -1 when absent. */
long lci_idtable_find(const lci_idtable *t, const char *s, size_t len, uint64_t hash);

/* Adding in two steps, for a caller that must check more before it adds:
 * reserve room for one more string (the table may grow: 0, or -1 when out
 * of memory), look s up (its index, or -1 and in *slot where it would go),
 * then add it at that slot if nothing changed the table in between.  Inline:
 * this is the path of every event id. */
int lci_idtable_grow(lci_idtable *t);
/* Room for n strings at once in a table that has none yet (a replay knows
 * how many ids are coming): 0, or -1 when out of memory. */
int lci_idtable_expect(lci_idtable *t, size_t n);
/* dst, empty and of the same seed, becomes a copy of src: 0, or -1 (out
 * of memory, or dst not empty). */
int lci_idtable_copy(lci_idtable *dst, const lci_idtable *src);
static inline int lci_idtable_reserve(lci_idtable *t)
{
    /* the load stays under 0.7 so probes stay short */
    return (t->strings.n + 1) * 10 <= t->nslots * 7 && !t->crowded ? 0 : lci_idtable_grow(t);
}

/* 1 when string `index` is s (the bytes compared). */
int lci_idtable_same(const lci_idtable *t, uint32_t index, const char *s, size_t len);

#define LCI_TAG_MASK UINT64_C(0xffffffff00000000)

static inline uint64_t lci_idtable_entry(uint64_t hash, uint32_t index)
{
    return (hash & LCI_TAG_MASK) | ((uint64_t)index + 1);
}

static inline long lci_idtable_lookup(const lci_idtable *t, const char *s, size_t len, uint64_t hash, size_t *slot)
{
    *slot = 0;
    if (!t->nslots) return -1;
    uint64_t tag = hash & LCI_TAG_MASK;
    for (size_t i = lci_idtable_home(hash, t->nslots);; i++) {
        uint64_t entry = t->slots[i];
        if (!entry || (entry & LCI_TAG_MASK) > tag) { /* s would go here, before the larger tags */
            *slot = i;
            return -1;
        }
        if ((entry & LCI_TAG_MASK) == tag && lci_idtable_same(t, (uint32_t)entry - 1, s, len))
            return (long)((uint32_t)entry - 1);
    }
}

/* Puts an entry at slot, moving the larger tags after it one slot on. */
void lci_idtable_insert(lci_idtable *t, size_t slot, uint64_t entry);

static inline int lci_idtable_add_at(lci_idtable *t, size_t slot, const char *s, size_t len, uint64_t hash,
                                     uint32_t *index)
{
    if (lci_strlist_add(&t->strings, s, len, index) != 0) return -1;
    uint64_t entry = lci_idtable_entry(hash, *index);
    if (!t->slots[slot] && slot < t->nslots) t->slots[slot] = entry; /* the common case: a free home */
    else lci_idtable_insert(t, slot, entry);
    return 0;
}

/* Adds s (which must be absent); 0 and *index, or -1 when out of memory
 * (the table is unchanged). */
int lci_idtable_add(lci_idtable *t, const char *s, size_t len, uint64_t hash, uint32_t *index);

/* Finds or adds; *added tells which.  -1 when out of memory. */
int lci_idtable_intern(lci_idtable *t, const char *s, size_t len, uint32_t *index, int *added);

/* The string at index (NUL-terminated, borrowed until the next add). */
const char *lci_idtable_get(const lci_idtable *t, uint32_t index);

static inline size_t lci_idtable_count(const lci_idtable *t)
{
    return t->strings.n;
}

/* A fixed set of names — the keys an event may carry, the event types,
 * an enum's values — and their indices, built once and then only read:
 * one hash and usually one comparison per lookup. */
typedef struct lci_name {
    const char *text; /* borrowed from whoever owns the names */
    size_t len;
    uint64_t hash;
} lci_name;

typedef struct lci_namemap {
    lci_name *names;
    size_t n;
    uint32_t *slots; /* index + 1; 0 = empty */
    size_t mask;     /* slots - 1, a power of two minus one */
    uint64_t seed;
} lci_namemap;

/* Maps names[i] to i (a name given twice keeps its first index).  The
 * names must outlive the map.  0, or -1 when out of memory. */
int lci_namemap_init(lci_namemap *m, const char *const *names, size_t n, uint64_t seed);
void lci_namemap_free(lci_namemap *m);

static inline uint64_t lci_namemap_hash(const lci_namemap *m, const char *s, size_t len)
{
    return lci_fast_hash(s, len, m->seed);
}

/* The index of s (hash from lci_namemap_hash), or -1. */
static inline int lci_namemap_find(const lci_namemap *m, const char *s, size_t len, uint64_t hash)
{
    for (size_t i = hash & m->mask;; i = (i + 1) & m->mask) {
        uint32_t slot = m->slots[i];
        if (!slot) return -1;
        const lci_name *nm = &m->names[slot - 1];
        if (nm->hash == hash && nm->len == len && lci_equal_short(nm->text, s, len)) return (int)slot - 1;
    }
}

#endif
