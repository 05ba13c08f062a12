/* hash.h — hashes of bytes.
 *
 * Two kinds, for two jobs:
 *   lci_hash       is stable: a result's stamp names the rule file and the
 *                  parameters by it, so it gives the same value on every
 *                  machine and in every version;
 *   lci_fast_hash  is for tables in memory (event ids, JSON keys, the
 *                  content of events): a few instructions for a short
 *                  string, free to change between versions, and seeded per
 *                  engine or evaluation from the address space layout, so
 *                  input cannot be crafted to collide in it. */
#ifndef LCI_HASH_H
#define LCI_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* A 64-bit hash of bytes; seed varies the function.  Stable. */
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

static inline uint64_t lci_load64(const void *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline uint64_t lci_load32(const void *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* The 128-bit product of a and b, its halves xor-ed: one multiplication
 * mixes every bit of both operands into the middle bits, and the xor
 * brings the high half down.  An operand of 0 would lose the other, so
 * callers xor both with seed-dependent words first. */
static inline uint64_t lci_fold(uint64_t a, uint64_t b)
{
    unsigned __int128 p = (unsigned __int128)a * b;
    return (uint64_t)p ^ (uint64_t)(p >> 64);
}

#define LCI_FAST_K1 UINT64_C(0x9e3779b97f4a7c15) /* the golden ratio */
#define LCI_FAST_K2 UINT64_C(0x243f6a8885a308d3) /* pi */
#define LCI_FAST_K3 UINT64_C(0xb7e151628aed2a6b) /* e */

/* A hash for in-memory tables (see above).  Up to 16 bytes are read as
 * two words that together cover every byte (they overlap when shorter);
 * longer input folds 16 bytes per multiplication. */
static inline uint64_t lci_fast_hash(const void *data, size_t len, uint64_t seed)
{
    const unsigned char *p = data;
    uint64_t s = seed ^ (len * LCI_FAST_K1), a = 0, b = 0;
    if (len <= 16) {
        if (len >= 8) {
            a = lci_load64(p);
            b = lci_load64(p + len - 8);
        } else if (len >= 4) {
            a = lci_load32(p);
            b = lci_load32(p + len - 4);
        } else if (len > 0) {
            a = (uint64_t)p[0] << 16 | (uint64_t)p[len >> 1] << 8 | p[len - 1];
        }
    } else {
        size_t n = len;
        do {
            s = lci_fold(lci_load64(p) ^ s ^ LCI_FAST_K2, lci_load64(p + 8) ^ s ^ LCI_FAST_K3);
            p += 16;
            n -= 16;
        } while (n > 16);
        a = lci_load64(p + n - 16);
        b = lci_load64(p + n - 8);
    }
    return lci_fold(a ^ s ^ LCI_FAST_K2, b ^ s ^ LCI_FAST_K3) ^ s;
}

/* A seed that differs from run to run: the address of an object (address
 * space layout randomisation), mixed.  Results never depend on it. */
static inline uint64_t lci_seed_of(const void *object, uint64_t salt)
{
    return lci_mix64((uint64_t)(uintptr_t)object ^ salt);
}

#endif
