/* idtable.c — see idtable.h.  Open addressing with linear probing; the
 * strings live NUL-terminated in one arena. */
#include "idtable.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

#define ARENA_MAX UINT32_MAX

/* The last 1 to 7 bytes as one word, the value memcpy into a zeroed word
 * gives on a little-endian host, by fixed-size loads that may overlap (a
 * byte read twice lands on the same place): no call to memcpy. */
static uint64_t tail_word(const unsigned char *p, size_t n)
{
    if (n >= 4) {
        uint32_t a, b;
        memcpy(&a, p, 4);
        memcpy(&b, p + n - 4, 4);
        return a | (uint64_t)b << (8 * (n - 4));
    }
    return p[0] | (uint64_t)p[n >> 1] << (8 * (n >> 1)) | (uint64_t)p[n - 1] << (8 * (n - 1));
}

uint64_t lci_hash(const void *data, size_t len, uint64_t seed)
{
    const unsigned char *p = data;
    uint64_t h = seed ^ (len * UINT64_C(0x9e3779b97f4a7c15));
    size_t n = len;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = lci_mix64(h ^ w);
        p += 8;
        n -= 8;
    }
    uint64_t w = n ? tail_word(p, n) : 0;
    return lci_mix64(h ^ w ^ ((uint64_t)n << 59));
}

void lci_idtable_init(lci_idtable *t, uint64_t seed)
{
    memset(t, 0, sizeof *t);
    t->seed = seed;
}

void lci_idtable_free(lci_idtable *t)
{
    free(t->slots);
    lci_strlist_free(&t->strings);
    lci_idtable_init(t, t->seed);
}

uint64_t lci_idtable_hash(const lci_idtable *t, const char *s, size_t len)
{
    return lci_hash(s, len, t->seed);
}

static uint64_t slot_of(uint64_t hash, uint32_t index)
{
    return (hash & UINT64_C(0xffffffff00000000)) | ((uint64_t)index + 1);
}

static size_t entry_len(const lci_strlist *l, uint32_t index)
{
    size_t end = index + 1 < l->n ? l->offsets[index + 1] : l->len;
    return end - l->offsets[index] - 1;
}

/* A string's home slot is the top bits of the 32 the slot keeps: the table
 * grows without hashing any string again, and since homes keep their order
 * when the table doubles (slot i goes to 2i or 2i + 1), growing sweeps both
 * tables front to back instead of writing all over the new one. */
static size_t home(uint64_t tagged, size_t nslots)
{
    return (size_t)(tagged >> (64 - __builtin_ctzll(nslots)));
}

void lci_idtable_prefetch(const lci_idtable *t, uint64_t hash)
{
    if (t->nslots) __builtin_prefetch(&t->slots[home(hash, t->nslots)]);
}

long lci_idtable_find(const lci_idtable *t, const char *s, size_t len, uint64_t hash)
{
    if (!t->nslots) return -1;
    uint64_t tag = hash & UINT64_C(0xffffffff00000000);
    for (size_t i = home(hash, t->nslots);; i = (i + 1) & (t->nslots - 1)) {
        uint64_t slot = t->slots[i];
        if (!slot) return -1;
        if ((slot & UINT64_C(0xffffffff00000000)) != tag) continue;
        uint32_t index = (uint32_t)slot - 1;
        if (entry_len(&t->strings, index) == len && memcmp(lci_strlist_get(&t->strings, index), s, len) == 0)
            return (long)index;
    }
}

static void place(uint64_t *slots, size_t nslots, uint64_t slot)
{
    size_t i = home(slot, nslots);
    while (slots[i]) i = (i + 1) & (nslots - 1);
    slots[i] = slot;
}

/* A zeroed slot array.  A big one is aligned to huge pages, where the
 * system offers them: lookups land anywhere in it, and one TLB entry then
 * covers 2 MiB instead of 4 KiB. */
static uint64_t *new_slots(size_t nslots)
{
    size_t bytes = nslots * sizeof(uint64_t);
    if (bytes < LCI_HUGE_PAGE) return calloc(nslots, sizeof(uint64_t));
    uint64_t *slots = aligned_alloc(LCI_HUGE_PAGE, bytes);
    if (!slots) return NULL;
    lci_advise_huge_pages(slots, bytes);
    memset(slots, 0, bytes);
    return slots;
}

/* Keeps the load under 0.7 so probes stay short. */
static int ensure_slots(lci_idtable *t)
{
    if ((t->strings.n + 1) * 10 <= t->nslots * 7) return 0;
    size_t nslots = t->nslots ? t->nslots * 2 : 64;
    uint64_t *slots = new_slots(nslots);
    if (!slots) return -1;
    for (size_t i = 0; i < t->nslots; i++)
        if (t->slots[i]) place(slots, nslots, t->slots[i]);
    free(t->slots);
    t->slots = slots;
    t->nslots = nslots;
    return 0;
}

int lci_idtable_add(lci_idtable *t, const char *s, size_t len, uint64_t hash, uint32_t *index)
{
    if (ensure_slots(t) != 0 || lci_strlist_add(&t->strings, s, len, index) != 0) return -1;
    place(t->slots, t->nslots, slot_of(hash, *index));
    return 0;
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
    return lci_strlist_get(&t->strings, index);
}

size_t lci_idtable_count(const lci_idtable *t)
{
    return t->strings.n;
}

size_t lci_idtable_bytes(const lci_idtable *t)
{
    return t->nslots * sizeof *t->slots + t->strings.ncap * sizeof *t->strings.offsets + t->strings.cap;
}

int lci_strlist_add(lci_strlist *l, const char *s, size_t len, uint32_t *index)
{
    if (l->n >= UINT32_MAX - 1 || l->len + len + 1 > ARENA_MAX) return -1;
    if (lci_grow((void **)&l->offsets, &l->ncap, l->n + 1, sizeof *l->offsets) != 0) return -1;
    if (lci_grow((void **)&l->arena, &l->cap, l->len + len + 1, 1) != 0) return -1;
    memcpy(l->arena + l->len, s, len);
    l->arena[l->len + len] = '\0';
    l->offsets[l->n] = (uint32_t)l->len;
    l->len += len + 1;
    *index = (uint32_t)l->n++;
    return 0;
}

int lci_strlist_reserve(lci_strlist *l, size_t n, size_t bytes)
{
    if (lci_grow((void **)&l->arena, &l->cap, bytes, 1) != 0) return -1;
    return lci_grow((void **)&l->offsets, &l->ncap, n, sizeof *l->offsets);
}

const char *lci_strlist_get(const lci_strlist *l, uint32_t index)
{
    return l->arena + l->offsets[index];
}

void lci_strlist_free(lci_strlist *l)
{
    free(l->arena);
    free(l->offsets);
    memset(l, 0, sizeof *l);
}
