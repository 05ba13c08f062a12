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

lc_status lci_eval_replay_record(lc_eval *dst, const lc_eval *src, const lci_record *from, lc_error *err)
{
    return lci_eval_copy_record(dst, src, from, err) ? lci_eval_commit_copy(dst, src, from, err) : lci_oom(err);
}

/* ---- the head of a log, committed once ---- */

struct lci_replay_base {
    lc_eval *state;
    size_t records;
    uint64_t generation; /* src's when made */
    unsigned flags;
};

void lci_replay_base_free(lc_eval *ev)
{
    if (!ev->replay_base) return;
    lc_eval_free(ev->replay_base->state);
    free(ev->replay_base);
    ev->replay_base = NULL;
}

/* The first `records` records of src's log committed into dst. */
static lc_status commit_head(lc_eval *dst, const lc_eval *src, size_t records)
{
    lc_error err = {0};
    lc_status st = LC_OK;
    for (size_t k = 0, off = 0; k < records && off < src->log_len && st == LC_OK; k++)
        st = lci_eval_replay_record(dst, src, lci_log_next(src, &off), &err);
    return st;
}

const lc_eval *lci_replay_base(lc_eval *src, unsigned flags, size_t records)
{
    struct lci_replay_base *b = src->replay_base;
    if (b && b->records == records && b->generation == src->generation && b->flags == flags) return b->state;
    lci_replay_base_free(src);
    lc_eval *state = NULL;
    if (lc_eval_new(&state, src->engine, flags, NULL) != LC_OK) return NULL;
    if (commit_head(state, src, records) != LC_OK || state->broken || !(b = malloc(sizeof *b))) {
        lc_eval_free(state);
        return NULL;
    }
    *b = (struct lci_replay_base){state, records, src->generation, flags};
    src->replay_base = b;
    return state;
}

/* ---- the state of a replayed prefix, copied ---- */

static int copy_stores(lc_eval *dst, const lc_eval *src)
{
    for (size_t t = 0; t < src->m->ntypes; t++) {
        const lci_store *from = &src->stores[t];
        lci_store *to = &dst->stores[t];
        if (!from->n) continue;
        if (lci_grow((void **)&to->data, &to->cap, from->n, to->stride) != 0) return -1;
        memcpy(to->data, from->data, from->n * from->stride);
        to->n = from->n;
    }
    return 0;
}

static int copy_averages(lc_eval *dst, const lc_eval *src)
{
    size_t cells = src->m->nmeasures * (size_t)src->m->nmonths;
    for (size_t c = 0; c < cells; c++) {
        const lci_avg_acc *from = &src->avg[c];
        lci_avg_acc *to = &dst->avg[c];
        to->sum = from->sum;
        to->count = from->count;
        to->max_severity = from->max_severity;
        if (!from->nids) continue;
        if (lci_grow((void **)&to->ids, &to->cap, from->nids, sizeof *to->ids) != 0) return -1;
        memcpy(to->ids, from->ids, from->nids * sizeof *to->ids);
        to->nids = from->nids;
    }
    if (cells) memcpy(dst->counts, src->counts, cells * sizeof *dst->counts);
    return 0;
}

static int copy_warnings(lc_eval *dst, const lc_eval *src)
{
    for (size_t i = 0; i < src->nwarnings; i++) {
        lci_warning w = src->warnings[i];
        if (!(w.message = lci_strdup(w.message))) return -1;
        if (LCI_PUSH(dst->warnings, dst->warnings_cap, dst->nwarnings, w) != 0) {
            free(w.message);
            return -1;
        }
    }
    return 0;
}

int lci_eval_copy_state(lc_eval *dst, const lc_eval *src)
{
    const lci_model *m = src->m;
    size_t n = lci_idtable_count(&src->ids);
    size_t slots = m->scorecard.present ? (size_t)m->nmonths * m->scorecard.nitems : 1;
    if (dst->m != m || dst->seq || src->undeclared.nfields || (src->flags & (LC_EVAL_UPDATES | LC_EVAL_KEEP_EVENTS)))
        return -1; /* what is not copied is not there */
    if (lci_idtable_copy(&dst->ids, &src->ids) != 0 || lci_idtable_copy(&dst->strings, &src->strings) != 0 ||
        lci_idtable_copy(&dst->files, &src->files) != 0 ||
        lci_grow((void **)&dst->contents, &dst->contents_cap, n + 1, sizeof *dst->contents) != 0 ||
        copy_stores(dst, src) != 0 || copy_averages(dst, src) != 0 || copy_warnings(dst, src) != 0)
        return -1;
    if (n) memcpy(dst->contents, src->contents, n * sizeof *dst->contents);
    memcpy(dst->score_slots, src->score_slots, slots * sizeof *dst->score_slots);
    memcpy(dst->not_counted, src->not_counted, (m->ntypes + 1) * sizeof *dst->not_counted);
    dst->seq = src->seq;
    dst->broken = src->broken;
    dst->generation++;
    return 0;
}

lc_status lci_eval_each_record_from(const lc_eval *src, size_t from, lc_status (*fn)(void *ctx, const lci_record *r),
                                    void *ctx)
{
    lc_status st = LC_OK;
    for (size_t off = from; off < src->log_len && st == LC_OK;) st = fn(ctx, lci_log_next(src, &off));
    return st;
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
    return lci_eval_each_record_from(src, 0, fn, ctx);
}
