/* headroom.c — as of an instant, how far the contract stands from each
 * threshold: what each rule's kind says of the month in progress (its
 * headroom hook: the downtime left before an availability band, the
 * events before a count or a 7-day rule, the instant an open event
 * crosses its band, a milestone's lateness), the room left under each cap
 * and how far each right to terminate is.  Every item says it in words
 * too ("23.2 min more downtime in 2026-06 puts availability below 99.9%:
 * minor.1, 8598.00"), like an SLO's error budget. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval/emit.h"
#include "kinds/kind.h"

int lci_as_of_month(const lci_build *b)
{
    return lci_month_of(b->m, b->ev->as_of);
}

lci_rheadroom lci_headroom_item(const char *kind, const char *rule, const char *unit)
{
    lci_rheadroom h = {.kind = kind, .rule = rule, .unit = unit};
    return h;
}

int lci_headroom_add(lci_build *b, const lci_rheadroom *item)
{
    lc_result *res = b->res;
    if (!item->what || LCI_PUSH(res->headroom, res->headroom_cap, res->nheadroom, *item) != 0) {
        free(item->what);
        return -1;
    }
    return 0;
}

/* The room left under each cap in the window holding the month in progress. */
static int caps_room(lci_build *b)
{
    const lci_model *m = b->m;
    const char *month = b->res->months[lci_as_of_month(b)].label;
    for (size_t i = 0; b->cap_rooms && i < m->ncaps; i++) {
        const lci_cap *c = &m->caps[i];
        const lci_cap_room *room = &b->cap_rooms[i];
        if (!room->known) continue;
        lci_rheadroom h = lci_headroom_item("cap", c->id, "money");
        h.crossed = room->used >= room->limit;
        h.has_amount = 1;
        h.amount = room->limit > room->used ? room->limit - room->used : 0;
        char used[32], limit[32];
        lci_fen_format(room->used, used, sizeof used);
        lci_fen_format(room->limit, limit, sizeof limit);
        lci_fen_format(h.amount, h.left, sizeof h.left);
        h.what = c->window == LCI_CAP_TERM
                     ? lci_format("cap %s: %s of %s used over the term, %s left", c->id, used, limit, h.left)
                     : lci_format("cap %s: %s of %s used in the window of %s, %s left", c->id, used, limit, month,
                                  h.left);
        if (lci_headroom_add(b, &h) != 0) return -1;
    }
    return 0;
}

/* How many more incidents or violations each right to terminate needs. */
static int termination_room(lci_build *b)
{
    for (size_t i = 0; i < b->m->ntermination; i++) {
        const lci_termination_reason *t = &b->m->termination[i];
        int64_t count = 0, needed = 0;
        if (lci_termination_count(b, t, &count, &needed) != 0) return -1;
        lci_rheadroom h = lci_headroom_item("termination", t->id, t->incident_class ? "incidents" : "violations");
        h.crossed = count >= needed;
        snprintf(h.left, sizeof h.left, "%lld", (long long)(count >= needed ? 0 : needed - count));
        h.what = count >= needed
                     ? lci_format("%s: %lld of %lld: the right to terminate is given", t->id, (long long)count,
                                  (long long)needed)
                     : lci_format("%s: %lld of %lld: %s more give the right to terminate", t->id, (long long)count,
                                  (long long)needed, h.left);
        if (lci_headroom_add(b, &h) != 0) return -1;
    }
    return 0;
}

lc_status lci_headroom(lci_build *b)
{
    /* After the term nothing is left to cross: every month is assessed. */
    if (b->ev->as_of == LCI_NO_AS_OF || b->m->nmonths <= 0 || b->ev->as_of >= b->m->term_end) return LC_OK;
    for (size_t i = 0; i < b->m->nrules; i++) {
        const lci_rule *r = &b->m->rules[i];
        if ((r->outcome == LCI_R_BREACH || r->outcome == LCI_R_INCIDENT) && r->kind->headroom &&
            r->kind->headroom(b, r) != 0)
            return LC_ENOMEM;
    }
    return caps_room(b) != 0 || termination_room(b) != 0 ? LC_ENOMEM : LC_OK;
}
