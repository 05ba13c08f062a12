/* unknown.c — the tally of undeclared event fields (see unknown.h). */
#include "events/unknown.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

void lci_unknown_init(lci_unknown_tally *t, size_t ntypes, uint64_t seed)
{
    memset(t, 0, sizeof *t);
    lci_idtable_init(&t->keys, seed);
    t->ntypes = ntypes;
    for (size_t i = 0; i < LCI_UNKNOWN_MEMO; i++) t->memo[i].type = -1;
}

void lci_unknown_free(lci_unknown_tally *t)
{
    lci_idtable_free(&t->keys);
    free(t->fields);
    free(t->more);
    memset(t, 0, sizeof *t);
}

const char *lci_unknown_name(const lci_unknown_tally *t, const lci_unknown_field *f)
{
    return lci_idtable_get(&t->keys, f->key) + f->name_off;
}

/* At most LCI_UNKNOWN_NAME_MAX bytes of name, not cutting a character. */
static size_t kept_length(const char *name, size_t len)
{
    if (len <= LCI_UNKNOWN_NAME_MAX) return len;
    len = LCI_UNKNOWN_NAME_MAX;
    while (len && ((unsigned char)name[len] & 0xC0) == 0x80) len--;
    return len;
}

static int note_more(lci_unknown_tally *t, int type, long line, int32_t **file)
{
    if (!t->more && !(t->more = calloc(t->ntypes ? t->ntypes : 1, sizeof *t->more))) return -1;
    lci_unknown_more *m = &t->more[type];
    if (m->lines++ == 0) {
        m->line = line;
        *file = &m->file;
    }
    return 0;
}

#define OUT_OF_MEMORY -1
#define TALLY_FULL -2

/* The field of (type, name), added when new: its index, or OUT_OF_MEMORY,
 * or TALLY_FULL when the name is new and the tally holds as many as it may. */
static long field_of(lci_unknown_tally *t, int type, const char *name, size_t len)
{
    char key[LCI_UNKNOWN_NAME_MAX + 16];
    int prefix = snprintf(key, sizeof key, "%d:", type);
    memcpy(key + prefix, name, len);
    uint32_t index;
    int added;
    if (t->nfields == LCI_UNKNOWN_NAMES) {
        size_t slot;
        long found = lci_idtable_lookup(&t->keys, key, (size_t)prefix + len, lci_idtable_hash(&t->keys, key, (size_t)prefix + len), &slot);
        return found >= 0 ? found : TALLY_FULL;
    }
    /* room first: a key is never interned without its field */
    if (lci_grow((void **)&t->fields, &t->fields_cap, t->nfields + 1, sizeof *t->fields) != 0) return OUT_OF_MEMORY;
    if (lci_idtable_intern(&t->keys, key, (size_t)prefix + len, &index, &added) != 0) return OUT_OF_MEMORY;
    if (added) t->fields[t->nfields++] = (lci_unknown_field){type, index, (size_t)prefix, 0, -1, 0};
    return (long)index; /* fields are added in the order of the keys: the same index */
}

int lci_unknown_note(lci_unknown_tally *t, int type, size_t pos, const char *name, size_t len, long line,
                     int32_t **file)
{
    *file = NULL;
    len = kept_length(name, len);
    lci_unknown_memo *memo = pos < LCI_UNKNOWN_MEMO && len <= sizeof memo->text ? &t->memo[pos] : NULL;
    long f;
    if (memo && memo->type == type && memo->len == len && memcmp(memo->text, name, len) == 0) {
        f = memo->field;
    } else {
        f = field_of(t, type, name, len);
        if (f == TALLY_FULL) return note_more(t, type, line, file);
        if (f == OUT_OF_MEMORY) return -1;
        if (memo) {
            memo->type = type;
            memo->len = (uint8_t)len;
            memcpy(memo->text, name, len);
            memo->field = (uint32_t)f;
        }
    }
    lci_unknown_field *u = &t->fields[f];
    if (u->lines++ == 0) {
        u->line = line;
        *file = &u->file;
    }
    return 0;
}
