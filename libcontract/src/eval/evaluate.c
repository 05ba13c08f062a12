/* evaluate.c — see evaluate.h. */
#include "eval/evaluate.h"
#include "eval/memo.h"
#include "kinds/kind.h"
#include "sandbox/sandbox.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- ordering, totals, caps ---- */

static int breach_cmp(const void *pa, const void *pb)
{
    const lci_rbreach *a = pa, *b = pb;
    if (a->sort_time != b->sort_time) return a->sort_time < b->sort_time ? -1 : 1;
    if (a->class_rank != b->class_rank) return a->class_rank < b->class_rank ? -1 : 1;
    if (a->order != b->order) return a->order < b->order ? -1 : 1;
    int c = strcmp(a->first_event, b->first_event);
    return c ? c : lci_natural_cmp(a->rule, b->rule);
}

static int incident_cmp(const void *pa, const void *pb)
{
    const lci_rincident *a = pa, *b = pb;
    if (a->at != b->at) return a->at < b->at ? -1 : 1;
    return lci_natural_cmp(a->rule, b->rule);
}

/* a + b exactly at the larger scale; -1 on overflow. */
static int dec_add(lci_dec a, lci_dec b, lci_dec *sum)
{
    int scale = a.scale > b.scale ? a.scale : b.scale;
    __int128 x = (__int128)a.coef * lci_pow10(scale - a.scale), y = (__int128)b.coef * lci_pow10(scale - b.scale);
    __int128 z = x + y;
    if (z > INT64_MAX || z < INT64_MIN) return -1;
    *sum = (lci_dec){(int64_t)z, scale};
    return 0;
}

/* The breaches add up to more than an int64 of fen: the parameters price
 * them too high to add exactly.  Blamed on --set when a parameter was set,
 * else on the rule file. */
static lc_status sum_overflows(lci_build *b, const char *what)
{
    const lci_model *m = b->m;
    int set = 0;
    for (size_t i = 0; i < m->nparams && !set; i++) set = lci_dec_cmp(m->params[i].value, m->params[i].declared) != 0;
    return lci_fail(b->err, set ? LC_EUSAGE : LC_ERULES, set ? NULL : b->ev->engine->name, 0,
                    "%s of %zu breaches is more than can be counted exactly (92233720368547758.07): the amounts the %s "
                    "give are too large", what, b->res->nbreaches, set ? "parameters as set" : "rule file's parameters");
}

/* Orders the breaches and incidents, adds the breaches up (checked: the
 * sum of breaches must be exact) and applies the caps. */
static lc_status finish_breaches(lci_build *b)
{
    lc_result *res = b->res;
    res->pct_of_base = (lci_dec){0, 0};
    for (size_t i = 0; i < res->nbreaches; i++) {
        lci_rbreach *br = &res->breaches[i];
        br->first_event = br->events.n ? lci_result_id(res, br->events.ids[0]) : "";
        if (br->has_pct) lci_dec_format_short(br->pct, br->pct_text, sizeof br->pct_text);
        if (br->has_at) lci_time_format(br->at, b->m->offset_min, br->at_text, sizeof br->at_text);
        if (lci_fen_add(res->amount_uncapped, br->amount, &res->amount_uncapped) != 0 ||
            (br->has_pct && dec_add(res->pct_of_base, br->pct, &res->pct_of_base) != 0))
            return sum_overflows(b, "the sum");
    }
    lci_dec_format_short(res->pct_of_base, res->pct_of_base_text, sizeof res->pct_of_base_text);
    for (size_t i = 0; i < res->nincidents; i++)
        lci_time_format(res->incidents[i].at, b->m->offset_min, res->incidents[i].at_text, sizeof res->incidents[i].at_text);
    lci_sort(res->breaches, res->nbreaches, sizeof *res->breaches, breach_cmp);
    lci_sort(res->incidents, res->nincidents, sizeof *res->incidents, incident_cmp);
    return lci_apply_caps(b);
}

/* ---- the result ---- */

static void free_build(lci_build *b)
{
    /* the figures and calendars are the evaluation's (lci_eval_figures) */
    for (size_t i = 0; b->violations && i < b->m->nrules; i++) {
        for (size_t j = 0; j < b->violations[i].n; j++) free(b->violations[i].items[j].events.ids);
        free(b->violations[i].items);
    }
    free(b->violations);
    free(b->cap_rooms);
}

/* LC_OK; LC_ENOMEM; or another status with b->err set. */
static lc_status evaluate(lci_build *b)
{
    if (lci_eval_figures(b->ev, &b->fig, &b->cals) != 0) return LC_ENOMEM;
    b->ctx = (lci_cond_ctx){b->m, &b->cals, 0, b->ev->as_of};
    b->violations = calloc(b->m->nrules + 1, sizeof *b->violations);
    if (!b->violations || lci_shape(b) != 0) return LC_ENOMEM;
    lc_status st = LC_OK;
    for (size_t i = 0; i < b->m->nrules && st == LC_OK; i++) st = lci_apply_rule(b, i);
    if (st == LC_OK) st = finish_breaches(b);
    if (st == LC_OK && lci_outcomes(b) != 0) st = LC_ENOMEM;
    if (st == LC_OK) st = lci_headroom(b);
    return st;
}

lc_status lc_eval_result(lc_eval *ev, lc_result **out, lc_error *err)
{
    if (!out) return lci_fail(err, LC_EUSAGE, NULL, 0, "lc_eval_result: out is NULL");
    *out = NULL;
    if (!ev) return lci_fail(err, LC_EUSAGE, NULL, 0, "lc_eval_result: NULL evaluation");
    if ((ev->flags & LC_EVAL_UPDATES) && lci_updates_settle(ev, err) != LC_OK) return LC_ENOMEM;
    lci_build b = {0};
    lci_sandbox_begin(ev->engine->sb); /* the rule functions of one result: one budget */
    b.ev = ev;
    b.m = ev->m;
    b.err = err;
    b.res = lci_result_new();
    if (b.res) {
        b.res->ids = lci_strlist_view(&ev->ids.strings);
        b.res->texts = lci_strlist_view(&ev->m->texts.strings);
    }
    lc_status st = b.res ? evaluate(&b) : LC_ENOMEM;
    free_build(&b);
    ev->results += st == LC_OK;
    if (st != LC_OK) {
        lc_result_free(b.res);
        return st == LC_ENOMEM ? lci_oom(err) : st;
    }
    *out = b.res;
    return LC_OK;
}
