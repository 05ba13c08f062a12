/* replay.c — an evaluation's kept events committed into another one: for
 * scenarios (sandbox/scenario.c) and for the standing at an instant
 * (lc_eval_result_as_of, asof.c). */
#include <stdlib.h>
#include <string.h>

#include "events/evaluation.h"

int lci_eval_expect_like(lc_eval *dst, const lc_eval *src)
{
    if (lci_idtable_expect(&dst->ids, src->ids.strings.n) != 0) return -1;
    for (size_t t = 0; t < dst->m->ntypes; t++) {
        lci_store *s = &dst->stores[t];
        if (dst->m->types[t].stored && lci_grow((void **)&s->data, &s->cap, src->stores[t].n, s->stride) != 0) return -1;
    }
    return 0;
}

int lci_eval_copy_record(lc_eval *dst, const lc_eval *src, const lci_record *from, lc_error *err)
{
    const lci_event_type *t = &src->m->types[from->type];
    lci_record *r = dst->scratch;
    (void)err;
    memcpy(r, from, sizeof *r + t->nfields * sizeof r->v[0]);
    for (size_t f = 0; f < t->nfields; f++) {
        uint32_t index;
        int added;
        if (t->fields[f].kind != LCI_F_STRING || !lci_has(r, (int)f)) continue;
        const char *s = lci_idtable_get(&src->strings, (uint32_t)r->v[f]);
        if (lci_idtable_intern(&dst->strings, s, strlen(s), &index, &added) != 0) return 0;
        r->v[f] = index;
    }
    return 1;
}

lc_status lci_eval_commit_copy(lc_eval *dst, const lc_eval *src, const lci_record *from, lc_error *err)
{
    const char *id = lci_idtable_get(&src->ids, from->id);
    size_t idlen = strlen(id);
    return lci_eval_commit(dst, dst->scratch, id, idlen, lci_eval_id_hash(dst, id, idlen), &src->contents[from->id], NULL,
                           0, err);
}

lc_status lci_eval_each_record(const lc_eval *src, lc_status (*fn)(void *ctx, const lci_record *r), void *ctx)
{
    if (src->flags & LC_EVAL_UPDATES) {
        const lci_record **list = NULL;
        size_t n = 0;
        if (lci_updates_records(src, &list, &n) != LC_OK) return LC_ENOMEM;
        lc_status st = LC_OK;
        for (size_t k = 0; k < n && st == LC_OK; k++) st = fn(ctx, list[k]);
        free(list);
        return st;
    }
    lc_status st = LC_OK;
    for (size_t off = 0; off < src->log_len && st == LC_OK;) {
        const lci_record *r = (const lci_record *)(const void *)(src->log + off);
        off += src->stores[r->type].stride;
        st = fn(ctx, r);
    }
    return st;
}
