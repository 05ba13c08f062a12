/* idtable.c — see idtable.h.  Open addressing with linear probing over
 * slots that hold indices; the strings live NUL-terminated in one arena. */
#include "idtable.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 32;
    x *= UINT64_C(0xd6e8feb86659fd93);
    x ^= x >> 32;
    x *= UINT64_C(0xd6e8feb86659fd93);
    x ^= x >> 32;
    return x;
}

uint64_t lci_hash(const void *data, size_t len, uint64_t seed)
{
    const unsigned char *p = data;
    uint64_t h = seed ^ (len * UINT64_C(0x9e3779b97f4a7c15));
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = mix64(h ^ w);
        p += 8;
        len -= 8;
    }
    uint64_t w = 0;
    if (len) memcpy(&w, p, len);
    return mix64(h ^ w ^ ((uint64_t)len << 59));
}

void lci_idtable_init(lci_idtable *t, uint64_t seed)
{
    memset(t, 0, sizeof *t);
    t->seed = seed;
}

void lci_idtable_free(lci_idtable *t)
{
    free(t->slots);
    free(t->hashes);
    free(t->offsets);
    free(t->arena);
    lci_idtable_init(t, t->seed);
}

static int equals(const lci_idtable *t, uint32_t index, const char *s, size_t len)
{
    const char *kept = t->arena + t->offsets[index];
    return memcmp(kept, s, len) == 0 && kept[len] == '\0';
}

long lci_idtable_find(const lci_idtable *t, const char *s, size_t len)
{
    if (!t->nslots) return -1;
    uint64_t h = lci_hash(s, len, t->seed);
    for (size_t i = h & (t->nslots - 1);; i = (i + 1) & (t->nslots - 1)) {
        uint32_t slot = t->slots[i];
        if (!slot) return -1;
        if (t->hashes[slot - 1] == h && equals(t, slot - 1, s, len)) return (long)(slot - 1);
    }
}

static void place(lci_idtable *t, uint32_t index)
{
    size_t mask = t->nslots - 1;
    size_t i = t->hashes[index] & mask;
    while (t->slots[i]) i = (i + 1) & mask;
    t->slots[i] = index + 1;
}

/* Keeps the load at or under one half so probes stay short. */
static int ensure_slots(lci_idtable *t)
{
    if ((t->n + 1) * 2 <= t->nslots) return 0;
    size_t nslots = t->nslots ? t->nslots * 2 : 64;
    uint32_t *slots = calloc(nslots, sizeof *slots);
    if (!slots) return -1;
    free(t->slots);
    t->slots = slots;
    t->nslots = nslots;
    for (size_t i = 0; i < t->n; i++) place(t, (uint32_t)i);
    return 0;
}

int lci_idtable_add(lci_idtable *t, const char *s, size_t len, uint32_t *index)
{
    if (t->n >= UINT32_MAX - 1) return -1;
    if (ensure_slots(t) != 0) return -1;
    size_t cap = t->cap;
    if (lci_grow((void **)&t->hashes, &cap, t->n + 1, sizeof *t->hashes) != 0) return -1;
    cap = t->cap;
    if (lci_grow((void **)&t->offsets, &cap, t->n + 1, sizeof *t->offsets) != 0) return -1;
    t->cap = cap;
    if (lci_grow((void **)&t->arena, &t->arena_cap, t->arena_len + len + 1, 1) != 0) return -1;
    memcpy(t->arena + t->arena_len, s, len);
    t->arena[t->arena_len + len] = '\0';
    t->offsets[t->n] = t->arena_len;
    t->hashes[t->n] = lci_hash(s, len, t->seed);
    t->arena_len += len + 1;
    *index = (uint32_t)t->n++;
    place(t, *index);
    return 0;
}

int lci_idtable_intern(lci_idtable *t, const char *s, size_t len, uint32_t *index, int *added)
{
    long found = lci_idtable_find(t, s, len);
    *added = found < 0;
    if (found >= 0) {
        *index = (uint32_t)found;
        return 0;
    }
    return lci_idtable_add(t, s, len, index);
}

const char *lci_idtable_get(const lci_idtable *t, uint32_t index)
{
    return t->arena + t->offsets[index];
}

size_t lci_idtable_count(const lci_idtable *t)
{
    return t->n;
}

size_t lci_idtable_bytes(const lci_idtable *t)
{
    return t->nslots * sizeof *t->slots + t->cap * (sizeof *t->hashes + sizeof *t->offsets) + t->arena_cap;
}
