/* memo.c — see memo.h. */
#include "eval/memo.h"

#include <stdlib.h>
#include <string.h>

#include "kinds/kind.h"

/* One thing a rule found, in order: an emission, or a finding it made
 * directly (kind and clause borrowed from the model, message in
 * e.reason). */
typedef struct kept {
    lci_emission e;
    const char *finding_kind, *finding_clause; /* NULL: an emission */
} kept;

struct lci_rule_memo {
    int seen;             /* the rule applied for an earlier result: generation and params say when */
    int valid;            /* items hold what it found then */
    uint64_t generation;  /* the evaluation's then */
    lci_dec *params;      /* the values of the rule's parameters then */
    kept *items;
    size_t n, cap;
    int failed;           /* keeping ran out of memory */
};

static void memo_clear(lci_rule_memo *m)
{
    for (size_t i = 0; i < m->n; i++) lci_emission_free(&m->items[i].e);
    m->n = 0;
    m->valid = 0;
    m->failed = 0;
}

void lci_rule_memos_free(lc_eval *ev)
{
    for (size_t i = 0; ev->rule_memos && i < ev->m->nrules; i++) {
        memo_clear(&ev->rule_memos[i]);
        free(ev->rule_memos[i].items);
        free(ev->rule_memos[i].params);
    }
    free(ev->rule_memos);
    ev->rule_memos = NULL;
}

/* A copy of src's events and reason into dst (the rest as it is). */
static int copy_emission(lci_emission *dst, const lci_emission *src)
{
    *dst = *src;
    dst->reason = NULL;
    dst->events = (lci_refs){0};
    if (src->reason && !(dst->reason = lci_strdup(src->reason))) return -1;
    if (lci_build_refs(src->events.ids, src->events.n, &dst->events) != 0) {
        free(dst->reason);
        dst->reason = NULL;
        return -1;
    }
    return 0;
}

/* Keeps a copy of e (its reason replaced by `reason` when not NULL). */
static int keep(lci_build *b, const lci_emission *e, const char *reason, const char *kind, const char *clause)
{
    lci_rule_memo *m = b->recording;
    kept k = {LCI_EMISSION_INIT, kind, clause};
    int ok = copy_emission(&k.e, e) == 0;
    if (ok && reason) ok = (k.e.reason = lci_strdup(reason)) != NULL;
    if (!ok || LCI_PUSH(m->items, m->cap, m->n, k) != 0) {
        lci_emission_free(&k.e);
        m->failed = 1;
        return -1;
    }
    return 0;
}

int lci_memo_keep_emission(lci_build *b, const lci_emission *e)
{
    return keep(b, e, NULL, NULL, NULL);
}

int lci_memo_keep_finding(lci_build *b, const char *kind, const char *clause, const char *message,
                          const lci_refs *events)
{
    lci_emission e = LCI_EMISSION_INIT;
    e.events = *events;
    return keep(b, &e, message, kind, clause);
}

/* Whether the rule's events and parameters are as when it last applied. */
static int unchanged(const lci_build *b, const lci_rule *r, const lci_rule_memo *m)
{
    if (!m->seen || m->generation != b->ev->generation) return 0;
    for (size_t i = 0; i < r->nparams; i++) {
        lci_dec now = b->m->params[r->params[i]].value, then = m->params[i];
        if (now.coef != then.coef || now.scale != then.scale) return 0; /* 99.5 and 99.50 are written apart */
    }
    return 1;
}

/* Notes the events and parameters r applies under now. */
static lc_status note_state(const lci_build *b, const lci_rule *r, lci_rule_memo *m)
{
    if (!m->params && r->nparams && !(m->params = malloc(r->nparams * sizeof *m->params))) return LC_ENOMEM;
    for (size_t i = 0; i < r->nparams; i++) m->params[i] = b->m->params[r->params[i]].value;
    m->generation = b->ev->generation;
    m->seen = 1;
    return LC_OK;
}

static lc_status replay(lci_build *b, const lci_rule *r, const lci_rule_memo *m)
{
    for (size_t i = 0; i < m->n; i++) {
        const kept *k = &m->items[i];
        lci_emission e;
        if (copy_emission(&e, &k->e) != 0) return LC_ENOMEM;
        if (!k->finding_kind) {
            lc_status st = lci_emit(b, r, &e);
            if (st != LC_OK) return st;
        } else {
            int rc = lci_build_finding(b, k->finding_kind, k->finding_clause, e.reason, &e.events);
            free(e.events.ids); /* taken by the finding (NULL now) unless it failed; the message is taken either way */
            if (rc != 0) return LC_ENOMEM;
        }
    }
    return LC_OK;
}

/* Applies r, keeping what it finds in m when `keep`. */
static lc_status apply_noting(lci_build *b, const lci_rule *r, lci_rule_memo *m, int keep)
{
    memo_clear(m);
    b->recording = keep ? m : NULL;
    lc_status st = r->kind->apply(b, r);
    b->recording = NULL;
    if (st == LC_OK && m->failed) st = LC_ENOMEM;
    if (st == LC_OK) st = note_state(b, r, m);
    m->valid = st == LC_OK && keep;
    return st;
}

lc_status lci_apply_rule(lci_build *b, size_t i)
{
    lc_eval *ev = b->ev;
    const lci_rule *r = &b->m->rules[i];
    /* the first result of an evaluation keeps nothing: most evaluations
     * (a Monte Carlo sample, one as of an instant) make only one */
    if (r->kind->reads_any_param || ev->as_of != LCI_NO_AS_OF || ev->results == 0) return r->kind->apply(b, r);
    if (!ev->rule_memos && !(ev->rule_memos = calloc(b->m->nrules + 1, sizeof *ev->rule_memos))) return LC_ENOMEM;
    lci_rule_memo *m = &ev->rule_memos[i];
    /* kept only once a result finds the rule as the last one did: a rule
     * on the parameter a grid varies fastest is never kept, so it is not
     * copied for nothing at every cell */
    if (!unchanged(b, r, m)) return apply_noting(b, r, m, 0);
    return m->valid ? replay(b, r, m) : apply_noting(b, r, m, 1);
}
