/* idtable.c — see idtable.h. */
#include "base/idtable.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"

void lci_idtable_init(lci_idtable *t, uint64_t seed)
{
    memset(t, 0, sizeof *t);
    t->seed = seed;
}

void lci_idtable_free(lci_idtable *t)
{
    free(t->slots_block);
    lci_strlist_free(&t->strings);
    lci_idtable_init(t, t->seed);
}

int lci_idtable_same(const lci_idtable *t, uint32_t index, const char *s, size_t len)
{
    size_t have;
    const char *str = lci_strlist_get(&t->strings, index, &have);
    return have == len && lci_equal_short(str, s, len);
}

long lci_idtable_find(const lci_idtable *t, const char *s, size_t len, uint64_t hash)
{
    size_t slot;
    return lci_idtable_lookup(t, s, len, hash, &slot);
}

void lci_idtable_insert(lci_idtable *t, size_t slot, uint64_t entry)
{
    /* carry each entry one slot on until a free one: clusters are short */
    size_t i = slot;
    for (uint64_t carry = entry; carry; i++) {
        uint64_t here = t->slots[i];
        t->slots[i] = carry;
        carry = here;
    }
    if (i - 1 >= t->nslots + LCI_SPARE_SLOTS / 2) t->crowded = 1; /* the last slot is always free */
}

/* A zeroed slot array inside *block.  calloc hands out fresh pages
 * without writing them (the system zeroes them when first touched), so a
 * big table is not zeroed twice; it is aligned to huge pages inside a
 * block one huge page larger, where the system offers them: lookups land
 * anywhere in it, and one TLB entry then covers 2 MiB instead of 4 KiB. */
static uint64_t *new_slots(size_t nslots, void **block)
{
    size_t bytes = nslots * sizeof(uint64_t);
    if (bytes < LCI_HUGE_PAGE) return *block = calloc(nslots, sizeof(uint64_t));
    unsigned char *p = calloc(bytes + LCI_HUGE_PAGE, 1);
    if (!(*block = p)) return NULL;
    uint64_t *slots = (uint64_t *)(void *)(p + (LCI_HUGE_PAGE - (uintptr_t)p % LCI_HUGE_PAGE) % LCI_HUGE_PAGE);
    lci_advise_huge_pages(slots, bytes);
    return slots;
}

/* The slots of t in a table of nslots homes: one sweep in tag order, each
 * entry at its home or just after the one before.  0, or -1 when the
 * entries would pass the spare slots' first half (then a larger table). */
static int refill(const lci_idtable *t, uint64_t *slots, size_t nslots, int *crowded)
{
    size_t next = 0, limit = nslots + LCI_SPARE_SLOTS / 2;
    for (size_t i = 0; i < t->nslots + LCI_SPARE_SLOTS; i++) {
        uint64_t entry = t->slots[i];
        if (!entry) continue;
        size_t home = lci_idtable_home(entry, nslots);
        size_t at = home > next ? home : next;
        if (at >= limit) return -1;
        slots[at] = entry;
        next = at + 1;
    }
    *crowded = 0;
    return 0;
}

/* Doubles the homes (the first time: 64), or more in the unlikely case
 * that the entries crowd the end of the doubled table. */
int lci_idtable_grow(lci_idtable *t)
{
    size_t nslots = t->nslots ? t->nslots : 32;
    for (;;) {
        nslots *= 2;
        void *block;
        uint64_t *slots = new_slots(nslots + LCI_SPARE_SLOTS, &block);
        if (!slots) return -1;
        if (!t->nslots || refill(t, slots, nslots, &t->crowded) == 0) {
            free(t->slots_block);
            t->slots = slots;
            t->slots_block = block;
            t->nslots = nslots;
            return 0;
        }
        free(block);
    }
}

/* Empty slots of nslots homes for t, which has none yet: 0, or -1. */
static int first_slots(lci_idtable *t, size_t nslots)
{
    void *block;
    uint64_t *slots = new_slots(nslots + LCI_SPARE_SLOTS, &block);
    if (!slots) return -1;
    t->slots = slots;
    t->slots_block = block;
    t->nslots = nslots;
    return 0;
}

int lci_idtable_copy(lci_idtable *dst, const lci_idtable *src)
{
    if (dst->nslots || dst->strings.n || dst->seed != src->seed) return -1;
    if (!src->nslots) return 0;
    if (first_slots(dst, src->nslots) != 0) return -1;
    memcpy(dst->slots, src->slots, (src->nslots + LCI_SPARE_SLOTS) * sizeof *dst->slots);
    dst->crowded = src->crowded;
    return lci_strlist_copy(&dst->strings, &src->strings); /* the same strings at the same indices */
}

int lci_idtable_expect(lci_idtable *t, size_t n)
{
    if (t->nslots) return 0;
    size_t nslots = 64;
    while ((n + 1) * 10 > nslots * 7) nslots *= 2;
    return first_slots(t, nslots);
}

int lci_idtable_add(lci_idtable *t, const char *s, size_t len, uint64_t hash, uint32_t *index)
{
    size_t slot;
    if (lci_idtable_reserve(t) != 0) return -1;
    lci_idtable_lookup(t, s, len, hash, &slot);
    return lci_idtable_add_at(t, slot, s, len, hash, index);
}

int lci_idtable_intern(lci_idtable *t, const char *s, size_t len, uint32_t *index, int *added)
{
    uint64_t h = lci_idtable_hash(t, s, len);
    long found = lci_idtable_find(t, s, len, h);
    *added = found < 0;
    if (found >= 0) {
        *index = (uint32_t)found;
        return 0;
    }
    return lci_idtable_add(t, s, len, h, index);
}

const char *lci_idtable_get(const lci_idtable *t, uint32_t index)
{
    size_t len;
    return lci_strlist_get(&t->strings, index, &len);
}

int lci_namemap_init(lci_namemap *m, const char *const *names, size_t n, uint64_t seed)
{
    size_t nslots = 8;
    while (nslots < 2 * n) nslots *= 2;
    memset(m, 0, sizeof *m);
    m->seed = seed;
    m->names = malloc((n ? n : 1) * sizeof *m->names);
    m->slots = calloc(nslots, sizeof *m->slots);
    if (!m->names || !m->slots) {
        lci_namemap_free(m);
        return -1;
    }
    m->mask = nslots - 1;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(names[i]);
        uint64_t hash = lci_namemap_hash(m, names[i], len);
        m->names[i] = (lci_name){names[i], len, hash};
        if (lci_namemap_find(m, names[i], len, hash) >= 0) continue;
        size_t s = hash & m->mask;
        while (m->slots[s]) s = (s + 1) & m->mask;
        m->slots[s] = (uint32_t)i + 1;
    }
    m->n = n;
    return 0;
}

void lci_namemap_free(lci_namemap *m)
{
    free(m->names);
    free(m->slots);
    memset(m, 0, sizeof *m);
}
