/* asof.c — the contract as it stands at an instant (lc_eval_result_as_of).
 *
 * The events kept are committed again into an evaluation of their own, as
 * they stood at the instant T: an event whose anchor is after T has not
 * happened (not counted: "not yet"); a time field after T is not known yet
 * (absent), but for the end of an interval, which is counted to T (an
 * outage still open at T lasts until T); an event whose required time
 * field is after T is not complete yet (not yet).  The result then
 * assesses the months up to T: the month holding T is in progress, its
 * figures so far (an availability over the part of the month gone), its
 * breaches provisional; the months after it are not assessed. */
#include <string.h>

#include "events/evaluation.h"

typedef struct asof_job {
    lc_eval *dst;
    const lc_eval *src;
    lci_time t;
    lc_error *err;
} asof_job;

/* The record in dst->scratch as it stood at t: 0 when it had not happened. */
static int as_it_stood(const lc_eval *ev, lci_record *r, lci_time t)
{
    const lci_event_type *ty = &ev->m->types[r->type];
    const lci_field *anchor = &ty->fields[ty->anchor];
    if (anchor->kind == LCI_F_MONTH) {
        if (r->v[ty->anchor] > lci_local_month(t, ev->m->offset_min)) return 0;
    } else if (r->v[ty->anchor] > t) {
        return 0;
    }
    for (size_t f = 0; f < ty->nfields; f++) {
        if (ty->fields[f].kind != LCI_F_TIME || !lci_has(r, (int)f) || r->v[f] <= t || (int)f == ty->anchor) continue;
        if ((int)f == ty->ends) r->v[f] = t;
        else if (ty->fields[f].required) return 0;
        else r->present &= ~(UINT64_C(1) << f);
    }
    return 1;
}

static lc_status commit_as_it_stood(void *ctx, const lci_record *from)
{
    asof_job *j = ctx;
    if (!lci_eval_copy_record(j->dst, j->src, from, j->err)) return lci_oom(j->err);
    if (!as_it_stood(j->dst, j->dst->scratch, j->t)) {
        lci_eval_not_counted(j->dst, (int)from->type, LCI_NC_NOT_YET);
        return LC_OK;
    }
    return lci_eval_commit_copy(j->dst, j->src, from, j->err);
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
