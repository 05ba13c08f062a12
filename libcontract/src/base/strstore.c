/* strstore.c — see strstore.h. */
#include "base/strstore.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "base/hash.h"
#include "base/util.h"

struct lci_strblocks {
    atomic_long refs; /* the list and its views */
    char *text[LCI_BLOCKS];
    uint32_t *pos[LCI_BLOCKS]; /* per string: where its length byte is */
};

/* Block k of geometric blocks of `unit` items starts at item
 * unit * (2^k - 1); the block of item x and x's offset in it. */
static inline unsigned block_of(size_t x, size_t unit, size_t *offset)
{
    unsigned k = 63 - (unsigned)__builtin_clzll((unsigned long long)(x / unit + 1));
    *offset = x - unit * (((size_t)1 << k) - 1);
    return k;
}

static void *new_block(size_t bytes)
{
    if (bytes < 2 * LCI_HUGE_PAGE) return malloc(bytes);
    void *p = aligned_alloc(LCI_HUGE_PAGE, bytes);
    if (p) lci_advise_huge_pages(p, bytes);
    return p;
}

static void release(lci_strblocks *b)
{
    if (!b || atomic_fetch_sub_explicit(&b->refs, 1, memory_order_acq_rel) != 1) return;
    for (int k = 0; k < LCI_BLOCKS; k++) {
        free(b->text[k]);
        free(b->pos[k]);
    }
    free(b);
}

/* Where an entry of `need` bytes goes: at `at` if it fits in the rest of
 * its block, else at the start of the first later block it fits in. */
static size_t place(size_t at, size_t need, unsigned *block, size_t *offset)
{
    unsigned k = block_of(at, LCI_TEXT_UNIT, offset);
    while (*offset + need > LCI_TEXT_UNIT << k) {
        k++;
        at = LCI_TEXT_UNIT * (((size_t)1 << k) - 1);
        *offset = 0;
    }
    *block = k;
    return at;
}

/* The block of positions that holds string n, allocated when new; *room
 * receives how many strings from n on it holds. */
static uint32_t *position_slot(lci_strblocks *b, size_t n, size_t *room)
{
    size_t off;
    unsigned k = block_of(n, LCI_POS_UNIT, &off);
    if (!b->pos[k] && !(b->pos[k] = new_block((LCI_POS_UNIT << k) * sizeof(uint32_t)))) return NULL;
    *room = (LCI_POS_UNIT << k) - off;
    return &b->pos[k][off];
}

/* Adds a string where lci_strlist_add's cursor cannot: at a block's end,
 * in a new block, a long one.  Then points the cursor after it. */
int lci_strlist_add_slow(lci_strlist *l, const char *s, size_t len, uint32_t *index)
{
    size_t head = len < LCI_LONG_LENGTH ? 1 : 5, need = head + len + 1, off, pos_room;
    unsigned k;
    if (l->n >= UINT32_MAX - 1 || len > UINT32_MAX) return -1;
    if (!l->blocks) {
        if (!(l->blocks = calloc(1, sizeof *l->blocks))) return -1;
        atomic_init(&l->blocks->refs, 1);
    }
    lci_strblocks *b = l->blocks;
    size_t at = place(l->len, need, &k, &off);
    if (at + need > (size_t)UINT32_MAX) return -1;
    if (!b->text[k] && !(b->text[k] = new_block(LCI_TEXT_UNIT << k))) return -1;
    uint32_t *slot = position_slot(b, l->n, &pos_room);
    if (!slot) return -1;
    unsigned char *p = (unsigned char *)b->text[k] + off;
    if (head == 1) {
        p[0] = (unsigned char)len;
    } else {
        uint32_t n32 = (uint32_t)len;
        p[0] = LCI_LONG_LENGTH;
        memcpy(p + 1, &n32, 4);
    }
    lci_copy_short((char *)p + head, s, len);
    p[head + len] = '\0';
    *slot = (uint32_t)at;
    l->len = at + need;
    *index = (uint32_t)l->n++;
    /* the cursor: the rest of this block, kept below 2^32 positions and strings */
    size_t room = (LCI_TEXT_UNIT << k) - off - need, limit = (size_t)UINT32_MAX - l->len;
    l->text = p + need;
    l->text_room = room < limit ? room : limit;
    l->pos = slot + 1;
    l->pos_room = pos_room - 1 < UINT32_MAX - 1 - l->n ? pos_room - 1 : UINT32_MAX - 1 - l->n;
    return 0;
}

/* The block of starts[] (blocks of unit << k bytes) that holds a cursor at
 * `at` with `room` bytes after it, and the cursor's offset in it; -1 when
 * none (the room must fit: the end of one block may be another's start). */
static int block_holding(uintptr_t at, size_t room, const uintptr_t *starts, size_t unit, size_t *offset)
{
    for (int k = 0; at && k < LCI_BLOCKS; k++)
        if (starts[k] && at >= starts[k] && at + room <= starts[k] + (unit << k)) {
            *offset = at - starts[k];
            return k;
        }
    return -1;
}

/* Points dst's cursors at the places of src's, in dst's copy of the blocks. */
static void rebase_cursors(lci_strlist *dst, const lci_strlist *src)
{
    uintptr_t text[LCI_BLOCKS], pos[LCI_BLOCKS];
    for (int k = 0; k < LCI_BLOCKS; k++) {
        text[k] = (uintptr_t)src->blocks->text[k];
        pos[k] = (uintptr_t)src->blocks->pos[k];
    }
    size_t off;
    int k = block_holding((uintptr_t)src->text, src->text_room, text, LCI_TEXT_UNIT, &off);
    dst->text = k >= 0 ? (unsigned char *)dst->blocks->text[k] + off : NULL;
    if (k < 0) dst->text_room = 0;
    k = block_holding((uintptr_t)src->pos, src->pos_room * sizeof(uint32_t), pos, LCI_POS_UNIT * sizeof(uint32_t), &off);
    dst->pos = k >= 0 ? dst->blocks->pos[k] + off / sizeof(uint32_t) : NULL;
    if (k < 0) dst->pos_room = 0;
}

int lci_strlist_copy(lci_strlist *dst, const lci_strlist *src)
{
    if (dst->blocks || dst->n) return -1;
    if (!src->blocks) return 0;
    lci_strblocks *b = calloc(1, sizeof *b);
    if (!b) return -1;
    atomic_init(&b->refs, 1);
    const lci_strblocks *from = src->blocks;
    int ok = 1;
    for (int k = 0; ok && k < LCI_BLOCKS; k++) {
        size_t text = LCI_TEXT_UNIT << k, pos = (LCI_POS_UNIT << k) * sizeof(uint32_t);
        if (from->text[k]) ok = (b->text[k] = new_block(text)) && memcpy(b->text[k], from->text[k], text);
        if (ok && from->pos[k]) ok = (b->pos[k] = new_block(pos)) && memcpy(b->pos[k], from->pos[k], pos);
    }
    if (!ok) {
        release(b);
        return -1;
    }
    *dst = *src;
    dst->blocks = b;
    rebase_cursors(dst, src);
    return 0;
}

void lci_strlist_free(lci_strlist *l)
{
    release(l->blocks);
    memset(l, 0, sizeof *l);
}

static const char *entry(const lci_strblocks *b, uint32_t index, size_t *len)
{
    size_t off, toff;
    unsigned k = block_of(index, LCI_POS_UNIT, &off);
    uint32_t at = b->pos[k][off];
    unsigned tk = block_of(at, LCI_TEXT_UNIT, &toff);
    const unsigned char *p = (const unsigned char *)b->text[tk] + toff;
    if (p[0] != LCI_LONG_LENGTH) {
        *len = p[0];
        return (const char *)p + 1;
    }
    uint32_t n32;
    memcpy(&n32, p + 1, 4);
    *len = n32;
    return (const char *)p + 5;
}

const char *lci_strlist_get(const lci_strlist *l, uint32_t index, size_t *len)
{
    return entry(l->blocks, index, len);
}

lci_strview lci_strlist_view(const lci_strlist *l)
{
    if (l->blocks) atomic_fetch_add_explicit(&l->blocks->refs, 1, memory_order_relaxed);
    return (lci_strview){l->blocks, l->n};
}

void lci_strview_release(lci_strview *v)
{
    release(v->blocks);
    v->blocks = NULL;
    v->n = 0;
}

const char *lci_strview_get(const lci_strview *v, uint32_t index)
{
    size_t len;
    return entry(v->blocks, index, &len);
}

