/* hash.c — see hash.h. */
#include "base/hash.h"

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
