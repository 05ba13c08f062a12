/* history.c — opening balances (model.h lci_opening): what was credited
 * and billed in months before the evaluation's own events. */
#include "eval/evaluate.h"

/* Opening records of term month j (j < 0: |j| months before the term). */
static const lci_store *openings(const lci_build *b)
{
    return b->m->opening.present ? &b->ev->stores[b->m->opening.type] : NULL;
}

static int month_of_record(const lci_build *b, const lci_record *r)
{
    return (int)(r->v[b->m->types[r->type].anchor] - b->m->first_month);
}

int lci_history_months(const lci_build *b)
{
    int need = 0;
    for (size_t i = 0; i < b->m->ncaps; i++)
        if (b->m->caps[i].window == LCI_CAP_TRAILING && b->m->caps[i].months - 1 > need) need = b->m->caps[i].months - 1;
    return openings(b) ? (need < LCI_HISTORY_MONTHS ? need : LCI_HISTORY_MONTHS) : 0;
}

int64_t lci_history_credited(const lci_build *b, int month)
{
    const lci_store *st = openings(b);
    int f = b->m->opening.credited;
    int64_t sum = 0;
    for (size_t i = 0; st && f >= 0 && i < st->n; i++) {
        const lci_record *r = lci_store_at(st, i);
        int64_t fen;
        if (month_of_record(b, r) != month || !lci_has(r, f)) continue;
        if (lci_exact_to_fen((lci_exact){r->v[f], 10000}, &fen) == 0) sum += fen;
    }
    return sum;
}

lci_exact lci_history_sum(const lci_build *b, int measure, int month)
{
    const lci_store *st = openings(b);
    const lci_opening *o = &b->m->opening;
    lci_exact sum = {0, 10000}; /* money fields are kept at scale 4 */
    for (size_t s = 0; st && s < o->nsums; s++) {
        if (o->sums[s].measure != measure) continue;
        for (size_t i = 0; i < st->n; i++) {
            const lci_record *r = lci_store_at(st, i);
            if (month_of_record(b, r) == month && lci_has(r, o->sums[s].field)) sum.num += r->v[o->sums[s].field];
        }
    }
    return sum;
}
