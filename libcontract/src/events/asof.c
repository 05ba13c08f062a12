/* asof.c — the contract as it stands at an instant (lc_eval_result_as_of).
 *
 * The events kept are committed again into an evaluation of their own, as
 * they stood at the instant T: an event whose anchor is after T has not
 * happened (not counted: "not yet"); a time field after T is not known yet
 * (absent), but for the end of an interval, which is counted to T (an
 * outage still open at T lasts until T); an event whose required time
 * field is after T is not complete yet (not yet).  The result then
 * assesses the months up to T: the month holding T is in progress, its
 * figures so far (an availability: the downtime so far over the whole
 * month), its breaches provisional; the months after it are not assessed.
 * The records still open at T are noted, for the deadlines of headroom,
 * and planned events due after T kept apart (known before they are due). */
#include <stdlib.h>
#include <string.h>

#include "events/evaluation.h"

typedef struct asof_job {
    lc_eval *dst;
    const lc_eval *src;
    lci_time t;
    lc_error *err;
} asof_job;

/* What a record was at the instant t. */
enum stood { NOT_YET, INCOMPLETE, CLOSED, OPEN };

/* The record in dst->scratch as it stood at t: NOT_YET when it had not
 * happened, INCOMPLETE when a required time of it was still to come, OPEN
 * when it was still open (its end after t, counted to it). */
static enum stood as_it_stood(const lc_eval *ev, lci_record *r, lci_time t)
{
    const lci_event_type *ty = &ev->m->types[r->type];
    const lci_field *anchor = &ty->fields[ty->anchor];
    int later = anchor->kind == LCI_F_MONTH ? r->v[ty->anchor] > lci_local_month(t, ev->m->offset_min)
                                            : r->v[ty->anchor] > t;
    enum stood stood = CLOSED;
    for (size_t f = 0; f < ty->nfields; f++) {
        if (ty->fields[f].kind != LCI_F_TIME || !lci_has(r, (int)f) || r->v[f] <= t || (int)f == ty->anchor) continue;
        if ((int)f == ty->ends) {
            r->v[f] = t;
            stood = OPEN;
        } else if (ty->fields[f].required) {
            stood = INCOMPLETE;
        } else {
            r->present &= ~(UINT64_C(1) << f);
        }
    }
    return later ? NOT_YET : stood;
}

/* A planned event (its anchor a due date: kinds/late.c) not due yet is
 * known already: kept apart, as it stood, for the headroom. */
static int keep_planned(lc_eval *ev, const lci_record *r)
{
    if (!ev->m->types[r->type].planned) return 0;
    if (!ev->planned && !(ev->planned = calloc(ev->m->ntypes, sizeof *ev->planned))) return -1;
    lci_store *s = &ev->planned[r->type];
    s->stride = ev->stores[r->type].stride;
    if (lci_grow((void **)&s->data, &s->cap, s->n + 1, s->stride) != 0) return -1;
    memcpy(lci_store_at(s, s->n++), r, s->stride);
    return 0;
}

const lci_store *lci_eval_planned(const lc_eval *ev, int type)
{
    static const lci_store none = {NULL, 0, 0, 0};
    return ev->planned ? &ev->planned[type] : &none;
}

int lci_eval_open_at_as_of(const lc_eval *ev, const lci_record *r)
{
    size_t lo = 0, hi = ev->nopen;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ev->open_seqs[mid] == r->seq) return 1;
        if (ev->open_seqs[mid] < r->seq) lo = mid + 1;
        else hi = mid;
    }
    return 0;
}

static lc_status commit_as_it_stood(void *ctx, const lci_record *from)
{
    asof_job *j = ctx;
    if (!lci_eval_copy_record(j->dst, j->src, from, j->err)) return lci_oom(j->err);
    lc_eval *dst = j->dst;
    enum stood stood = as_it_stood(dst, dst->scratch, j->t);
    if (stood == NOT_YET && keep_planned(dst, dst->scratch) != 0) return lci_oom(j->err);
    if (stood == NOT_YET || stood == INCOMPLETE) {
        lci_eval_not_counted(dst, (int)from->type, LCI_NC_NOT_YET);
        return LC_OK;
    }
    uint32_t seq = dst->seq;
    lc_status st = lci_eval_commit_copy(dst, j->src, from, j->err);
    if (st == LC_OK && stood == OPEN && dst->seq != seq && LCI_PUSH(dst->open_seqs, dst->open_cap, dst->nopen, seq) != 0)
        st = lci_oom(j->err);
    return st; /* seqs are given in commit order: open_seqs is sorted */
}

lc_status lc_eval_result_as_of(lc_eval *ev, int64_t unix_ns, lc_result **out, lc_error *err)
{
    if (!out) return lci_fail(err, LC_EUSAGE, NULL, 0, "lc_eval_result_as_of: out is NULL");
    *out = NULL;
    if (!ev) return lci_fail(err, LC_EUSAGE, NULL, 0, "lc_eval_result_as_of: NULL evaluation");
    if (!(ev->flags & (LC_EVAL_KEEP_EVENTS | LC_EVAL_UPDATES)))
        return lci_fail(err, LC_EUSAGE, NULL, 0,
                        "lc_eval_result_as_of needs the events kept: LC_EVAL_KEEP_EVENTS or LC_EVAL_UPDATES");
    if (unix_ns == LCI_NO_AS_OF) return lc_eval_result(ev, out, err);
    lc_eval *at = NULL;
    lc_status st = lc_eval_new(&at, ev->engine, ev->flags & (LC_EVAL_SKIP_INVALID | LC_EVAL_STRICT), err);
    if (st != LC_OK) return st;
    at->as_of = unix_ns;
    at->origin = ev;
    asof_job j = {at, ev, unix_ns, err};
    st = lci_eval_each_record(ev, commit_as_it_stood, &j);
    if (st == LC_ENOMEM) lci_oom(err);
    if (st == LC_OK) st = lc_eval_result(at, out, err);
    lc_eval_free(at);
    return st;
}
