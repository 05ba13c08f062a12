/* caps.c — what each breach counts after the caps (evaluate.h).
 *
 * A cap limits what the breaches it applies to (all, one class, or listed
 * rules) count over a window: each month; any N consecutive months
 * (rolling: N monthly limits together); the N months ending with the month
 * assessed (trailing: a credit is limited by what was billed and credited
 * so far, history before the first event included); the term.  Its limit
 * is an amount, a percentage of a parameter, or a percentage of the sum of
 * a money measure (the bills) over its window.
 *
 * Breaches are granted in the result's order (time, then class ...): each
 * counts what every cap that applies to it still has room for.  Caps stack
 * from the narrowest window out, whatever order the rule file declares
 * them in — months, rolling windows, trailing windows, the term — and each
 * cap's use is what passed it, so a cut is told to the narrowest cap that
 * makes it (the same totals as cutting each month, then the windows, then
 * the term).  Every cut is kept: which cap, where, which breaches, how much. */
#include <stdlib.h>
#include <string.h>

#include "eval/evaluate.h"

typedef struct cap_state {
    const lci_cap *c;
    int buckets;        /* months, or 1 for the term */
    int64_t *used;      /* per bucket: what passed this cap (history months first for TRAILING) */
    int64_t *cut;       /* per bucket */
    int64_t *limit;     /* per bucket: the limit that applied there */
    lci_rcut **cuts;    /* per bucket: the breaches it cut */
    size_t *ncuts, *capcuts;
} cap_state;

typedef struct caps {
    lci_build *b;
    cap_state *s;       /* in stage order */
    size_t n;
    int history;        /* months of history before the term (trailing windows) */
} caps;

static int stage(lci_cap_window w)
{
    switch (w) {
    case LCI_CAP_MONTH: return 0;
    case LCI_CAP_ROLLING: return 1;
    case LCI_CAP_TRAILING: return 2;
    case LCI_CAP_TERM: return 3;
    }
    return 3;
}

/* The exact sum of a money measure over term months [from, to] (history
 * months before the term, from < 0, from the opening balances). */
static lci_exact measure_sum(const lci_build *b, int measure, int from, int to)
{
    lci_exact sum = {0, 1};
    for (int j = from; j <= to; j++) {
        lci_exact v = j >= 0 ? lci_figure(&b->fig, measure, j)->value : lci_history_sum(b, measure, j);
        int present = j >= 0 ? lci_figure(&b->fig, measure, j)->present : 1;
        if (!present || v.num == 0) continue;
        if (sum.num == 0) sum = v;
        else if (sum.den == v.den) sum.num += v.num;
        else sum = (lci_exact){sum.num * v.den + v.num * sum.den, sum.den * v.den};
    }
    return sum;
}

/* The limit at bucket i: an amount, or a share of the bills of its window. */
static int limit_at(const caps *k, const lci_cap *c, int i, int64_t *fen)
{
    const lci_build *b = k->b;
    if (c->amount.source == LCI_SRC_QTY) return lci_cap_window_limit(b->m, c, fen);
    int from = 0, to = b->m->nmonths - 1;
    if (c->window == LCI_CAP_MONTH) from = to = i;
    if (c->window == LCI_CAP_TRAILING) from = i - c->months + 1, to = i;
    if (from < -k->history) from = -k->history;
    lci_exact sum = measure_sum(b, c->amount.index, from, to);
    return lci_money_of(b->m, &c->amount, sum, fen);
}

/* What passed cap s so far in the window that holds month m. */
static __int128 used_in(const caps *k, const cap_state *s, int m)
{
    const lci_cap *c = s->c;
    int n = k->b->m->nmonths;
    __int128 used = 0;
    if (c->window == LCI_CAP_TERM) return s->used[0];
    if (c->window == LCI_CAP_MONTH) return s->used[m];
    if (c->window == LCI_CAP_TRAILING) {
        for (int j = m - c->months + 1; j <= m; j++)
            if (j >= -k->history) used += s->used[j + k->history];
        return used;
    }
    /* rolling: the fullest window holding m (the months after m are not granted yet) */
    int w = c->months < n ? c->months : n;
    for (int start = m - w + 1 < 0 ? 0 : m - w + 1; start <= m && start <= n - w; start++) {
        __int128 in = 0;
        for (int j = start; j <= m; j++) in += s->used[j];
        if (in > used) used = in;
    }
    return used;
}

static int bucket_of(const caps *k, const cap_state *s, int m)
{
    if (s->c->window == LCI_CAP_TERM) return 0;
    return s->c->window == LCI_CAP_TRAILING ? m + k->history : m;
}

/* Records that cap s cut breach i by `cut` in month m. */
static int record_cut(cap_state *s, int m, size_t i, int64_t cut)
{
    int bucket = s->c->window == LCI_CAP_TERM ? 0 : m;
    s->cut[bucket] += cut;
    lci_rcut rc = {i, cut};
    return LCI_PUSH(s->cuts[bucket], s->capcuts[bucket], s->ncuts[bucket], rc);
}

/* Breach i passes cap s: what it still counts.  LC_OK, LC_ENOMEM, or
 * LC_ERULES when the limit cannot be computed exactly. */
static lc_status pass(caps *k, cap_state *s, size_t i, int m, int64_t *amount)
{
    int bucket = s->c->window == LCI_CAP_TERM ? 0 : m;
    int64_t limit;
    if (limit_at(k, s->c, m, &limit) < 0) return LC_ERULES;
    s->limit[bucket] = limit;
    __int128 room = (__int128)limit - used_in(k, s, m);
    if (room < 0) room = 0;
    if (*amount > room) {
        if (record_cut(s, m, i, *amount - (int64_t)room) != 0) return LC_ENOMEM;
        *amount = (int64_t)room;
    }
    s->used[bucket_of(k, s, m)] += *amount;
    return LC_OK;
}

static void free_states(caps *k)
{
    for (size_t i = 0; i < k->n; i++) {
        cap_state *s = &k->s[i];
        for (int j = 0; s->cuts && j < s->buckets; j++) free(s->cuts[j]);
        free(s->cuts);
        free(s->ncuts);
        free(s->capcuts);
        free(s->used);
        free(s->cut);
        free(s->limit);
    }
    free(k->s);
}

static int by_stage(const void *a, const void *b)
{
    const cap_state *x = a, *y = b;
    int sx = stage(x->c->window), sy = stage(y->c->window);
    if (sx != sy) return sx < sy ? -1 : 1;
    return x->c < y->c ? -1 : x->c > y->c;
}

static int new_states(caps *k)
{
    const lci_model *m = k->b->m;
    k->s = calloc(m->ncaps + 1, sizeof *k->s);
    if (!k->s) return -1;
    k->n = m->ncaps;
    for (size_t i = 0; i < k->n; i++) {
        cap_state *s = &k->s[i];
        s->c = &m->caps[i];
        s->buckets = s->c->window == LCI_CAP_TERM ? 1 : m->nmonths;
        size_t used = s->c->window == LCI_CAP_TRAILING ? (size_t)(m->nmonths + k->history) : (size_t)s->buckets;
        s->used = calloc(used, sizeof *s->used);
        s->cut = calloc((size_t)s->buckets, sizeof *s->cut);
        s->limit = calloc((size_t)s->buckets, sizeof *s->limit);
        s->cuts = calloc((size_t)s->buckets, sizeof *s->cuts);
        s->ncuts = calloc((size_t)s->buckets, sizeof *s->ncuts);
        s->capcuts = calloc((size_t)s->buckets, sizeof *s->capcuts);
        if (!s->used || !s->cut || !s->limit || !s->cuts || !s->ncuts || !s->capcuts) return -1;
    }
    qsort(k->s, k->n, sizeof *k->s, by_stage);
    return 0;
}

/* Credits paid before the evaluation (opening balances) use the caps that
 * apply to every breach, in their months. */
static void opening_credits(caps *k)
{
    const lci_build *b = k->b;
    for (size_t i = 0; i < k->n; i++) {
        cap_state *s = &k->s[i];
        if (s->c->klass || s->c->nrules) continue;
        for (int j = -k->history; j < b->m->nmonths; j++) {
            int64_t credited = lci_history_credited(b, j);
            if (!credited || (j < 0 && s->c->window != LCI_CAP_TRAILING)) continue;
            s->used[bucket_of(k, s, j)] += credited;
        }
    }
}

/* The result's cap records, in stage order, bucket by bucket. */
static int records(caps *k)
{
    lc_result *res = k->b->res;
    static const char *const windows[] = {"term", "month", "rolling_months", "trailing_months"};
    for (size_t i = 0; i < k->n; i++) {
        cap_state *s = &k->s[i];
        for (int j = 0; j < s->buckets; j++) {
            if (!s->cut[j]) continue;
            lci_rcap rc = {s->c->id, windows[s->c->window], s->c->window == LCI_CAP_TERM ? -1 : j, s->limit[j],
                           s->cut[j], s->cuts[j], s->ncuts[j]};
            if (LCI_PUSH(res->caps, k->b->res_caps.caps, res->ncaps, rc) != 0) return -1;
            s->cuts[j] = NULL;
        }
    }
    return 0;
}

/* As of an instant: each cap's limit and use in the window holding its
 * month, for the headroom (headroom.c). */
static int rooms(caps *k)
{
    lci_build *b = k->b;
    int mi = lci_month_of(b->m, b->ev->as_of);
    if (!(b->cap_rooms = calloc(b->m->ncaps + 1, sizeof *b->cap_rooms))) return -1;
    for (size_t j = 0; j < k->n; j++) {
        const lci_cap *c = k->s[j].c;
        lci_cap_room *room = &b->cap_rooms[c - b->m->caps];
        __int128 used = used_in(k, &k->s[j], mi);
        room->known = limit_at(k, c, mi, &room->limit) == 0 && used <= INT64_MAX;
        room->used = (int64_t)used;
    }
    return 0;
}

/* The term cap the contract section shows: the least of those for all breaches. */
static void term_cap(caps *k)
{
    lc_result *res = k->b->res;
    res->cap = -1;
    for (size_t i = 0; i < k->n; i++) {
        const lci_cap *c = k->s[i].c;
        int64_t limit;
        if (c->window != LCI_CAP_TERM || c->klass || c->nrules || limit_at(k, c, 0, &limit) != 0) continue;
        if (res->cap < 0 || limit < res->cap) res->cap = limit;
    }
}

lc_status lci_apply_caps(lci_build *b)
{
    lc_result *res = b->res;
    caps k = {b, NULL, 0, lci_history_months(b)};
    lc_status rc = new_states(&k) == 0 ? LC_OK : LC_ENOMEM;
    if (rc == LC_OK) opening_credits(&k);
    res->amount = 0;
    for (size_t i = 0; rc == LC_OK && i < res->nbreaches; i++) {
        lci_rbreach *br = &res->breaches[i];
        int64_t a = br->amount;
        for (size_t j = 0; rc == LC_OK && j < k.n; j++)
            if (lci_cap_covers(b->m, k.s[j].c, &b->m->rules[br->rule_index])) rc = pass(&k, &k.s[j], i, br->cap_month, &a);
        br->counted = a;
        res->months[br->cap_month].counted += a; /* no overflow: each month's counted ≤ its amounts */
        res->amount += a;
    }
    if (rc == LC_OK && records(&k) != 0) rc = LC_ENOMEM;
    if (rc == LC_OK && b->ev->as_of != LCI_NO_AS_OF && rooms(&k) != 0) rc = LC_ENOMEM;
    if (rc == LC_OK) term_cap(&k);
    res->capped = res->amount < res->amount_uncapped;
    free_states(&k);
    if (rc == LC_ERULES)
        return lci_fail(b->err, LC_ERULES, b->ev->engine->name, 0,
                        "a cap's limit (a share of the bills of its window) is too large to be computed exactly");
    return rc;
}
