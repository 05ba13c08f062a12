/* updates.c — revisions and retractions of events (LC_EVAL_UPDATES; see
 * evaluation.h lci_updates).
 *
 * An event's latest version lives in the arena; a revision takes back
 * what the previous version added to the accumulators (or to the tally of
 * events not counted) and adds the new one's, in time independent of the
 * number of events.  A result then rebuilds, from the latest versions in
 * the order they came, what only it reads: the stores, the events behind
 * each average, the score slots.  So a result is that of the latest
 * versions evaluated alone, in that order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "events/evaluation.h"

void lci_updates_free(lci_updates *u)
{
    free(u->arena);
    free(u->latest);
    free(u->status);
    memset(u, 0, sizeof *u);
}

static size_t stride_of(const lc_eval *ev, uint32_t type)
{
    return ev->stores[type].stride;
}

static lci_record *latest_of(const lc_eval *ev, size_t index)
{
    uint64_t at = ev->upd.latest[index];
    return at ? (lci_record *)(void *)(ev->upd.arena + at - 1) : NULL;
}

/* Room for the state of index and for one more version of `stride`
 * bytes (records stay 8-byte aligned: their strides are multiples of 8). */
static int reserve(lc_eval *ev, size_t index, size_t stride)
{
    lci_updates *u = &ev->upd;
    if (index >= u->state_cap) {
        size_t cap = u->state_cap ? u->state_cap * 2 : 1024;
        while (cap <= index) cap *= 2;
        uint64_t *latest = realloc(u->latest, cap * sizeof *latest);
        if (!latest) return -1;
        u->latest = latest;
        uint8_t *status = realloc(u->status, cap);
        if (!status) return -1;
        u->status = status;
        memset(u->latest + u->state_cap, 0, (cap - u->state_cap) * sizeof *latest);
        memset(u->status + u->state_cap, LCI_ST_NONE, cap - u->state_cap);
        u->state_cap = cap;
    }
    if (lci_grow((void **)&ev->contents, &ev->contents_cap, index + 1, sizeof *ev->contents) != 0) return -1;
    return lci_grow((void **)&u->arena, &u->cap, u->len + stride, 1);
}

/* What the event's version at index added, taken back. */
static void take_back(lc_eval *ev, size_t index)
{
    lci_updates *u = &ev->upd;
    const lci_record *old = latest_of(ev, index);
    if (!old || u->status[index] == LCI_ST_RETRACTED) return; /* taken back already */
    if (u->status[index] == LCI_ST_COUNTED) {
        lci_placement p = lci_eval_place(ev, old);
        lci_eval_feed_sums(ev, old, p.month, p.taken, -1);
    } else if (u->status[index] == LCI_ST_CONDITION) {
        ev->not_counted[old->type][LCI_NC_CONDITION]--;
    } else if (u->status[index] == LCI_ST_OUTSIDE) {
        ev->not_counted[old->type][LCI_NC_OUTSIDE]--;
    }
    u->live -= stride_of(ev, old->type);
}

/* rec as the latest version of index (room reserved): counted, or not and why. */
static lc_status place(lc_eval *ev, lci_record *rec, size_t index, const char *id, const char *file, long line,
                       lc_error *err)
{
    lci_updates *u = &ev->upd;
    lci_placement p = lci_eval_place(ev, rec);
    size_t stride = stride_of(ev, rec->type);
    rec->id = (uint32_t)index;
    rec->seq = ev->seq++;
    rec->month = p.month >= 0 ? (uint32_t)p.month : UINT32_MAX;
    memcpy(u->arena + u->len, rec, stride);
    u->latest[index] = u->len + 1;
    u->len += stride;
    u->live += stride;
    u->dirty = 1;
    if (p.counts) {
        lci_eval_feed_sums(ev, rec, p.month, p.taken, 1);
        u->status[index] = LCI_ST_COUNTED;
        return LC_OK;
    }
    u->status[index] = p.in_window ? LCI_ST_CONDITION : LCI_ST_OUTSIDE;
    if (p.in_window) {
        lci_eval_not_counted(ev, (int)rec->type, LCI_NC_CONDITION);
        return LC_OK;
    }
    return lci_eval_outside(ev, rec, id, file, line, err);
}

/* The arena without the versions no event holds any more, once they
 * outweigh the latest ones: what revisions cost stays in proportion. */
static void compact(lc_eval *ev)
{
    lci_updates *u = &ev->upd;
    if (u->len <= 2 * u->live + 65536) return;
    unsigned char *fresh = malloc(u->live ? u->live : 1);
    if (!fresh) return; /* not compacting is no error: it is tried again */
    size_t at = 0;
    for (size_t i = 0, n = lci_idtable_count(&ev->ids); i < n; i++) {
        const lci_record *r = latest_of(ev, i);
        if (!r || u->status[i] == LCI_ST_RETRACTED) {
            u->latest[i] = 0; /* its versions go */
            continue;
        }
        size_t stride = stride_of(ev, r->type);
        memcpy(fresh + at, r, stride);
        u->latest[i] = at + 1;
        at += stride;
    }
    free(u->arena);
    u->arena = fresh;
    u->len = u->cap = u->live = at;
}

lc_status lci_updates_commit(lc_eval *ev, lci_record *rec, const char *id, size_t idlen, uint64_t hash,
                             const lci_content *content, const char *file, long line, lc_error *err)
{
    size_t slot;
    if (lci_idtable_reserve(&ev->ids) != 0) goto oom;
    long found = lci_idtable_lookup(&ev->ids, id, idlen, hash, &slot);
    size_t index = found >= 0 ? (size_t)found : lci_idtable_count(&ev->ids);
    if (reserve(ev, index, stride_of(ev, rec->type)) != 0) goto oom;
    if (found >= 0 && ev->upd.status[index] != LCI_ST_RETRACTED && ev->contents[index].h == content->h) {
        lci_eval_not_counted(ev, (int)rec->type, LCI_NC_REPEAT);
        return lci_eval_warn(ev, file, line, "event \"%s\" repeats its latest version: counted once", id) == 0
                   ? LC_OK : lci_oom(err);
    }
    if (found < 0) {
        uint32_t added;
        if (lci_idtable_add_at(&ev->ids, slot, id, idlen, hash, &added) != 0) goto oom;
    } else {
        take_back(ev, index);
        ev->upd.revised++;
    }
    ev->contents[index] = *content;
    lc_status st = place(ev, rec, index, id, file, line, err);
    compact(ev);
    return st;
oom:
    ev->broken = 1;
    return lci_oom(err);
}

lc_status lci_updates_retract(lc_eval *ev, int type, const char *id, size_t idlen, uint64_t hash, const char *file,
                              long line, lc_error *err)
{
    size_t slot;
    ev->generation++; /* the figures kept for results are out of date */
    long found = lci_idtable_lookup(&ev->ids, id, idlen, hash, &slot);
    int retracted = found >= 0 && ev->upd.status[found] == LCI_ST_RETRACTED;
    const lci_record *old = found >= 0 && !retracted ? latest_of(ev, (size_t)found) : NULL;
    if (!old) {
        int w = lci_eval_warn(ev, file, line, "retraction of \"%s\", which %s: nothing to take back", id,
                              retracted ? "is already retracted" : "never came");
        return w == 0 ? LC_OK : lci_oom(err);
    }
    if ((int)old->type != type) {
        char text[LC_ERROR_MESSAGE_MAX];
        snprintf(text, sizeof text, "the retraction of \"%s\" names type %s, the event is a %s", id,
                 ev->m->types[type].name, ev->m->types[old->type].name);
        return lci_eval_invalid(ev, file, line, text, err);
    }
    take_back(ev, (size_t)found);
    ev->upd.status[found] = LCI_ST_RETRACTED;
    ev->upd.retracted++;
    ev->upd.dirty = 1;
    compact(ev);
    return LC_OK;
}

/* ---- what a result reads, rebuilt ---- */

static int by_seq(const void *a, const void *b)
{
    const lci_record *x = *(const lci_record *const *)a, *y = *(const lci_record *const *)b;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

/* The latest versions whose status is in `want` (a bit per LCI_ST_*), in
 * the order they came. */
static lc_status in_order(const lc_eval *ev, unsigned want, const lci_record ***out, size_t *n)
{
    size_t ids = lci_idtable_count(&ev->ids);
    const lci_record **list = malloc((ids ? ids : 1) * sizeof *list);
    if (!list) return LC_ENOMEM;
    *n = 0;
    for (size_t i = 0; i < ids; i++)
        if (ev->upd.latest[i] && (want >> ev->upd.status[i] & 1)) list[(*n)++] = latest_of(ev, i);
    lci_sort(list, *n, sizeof *list, by_seq);
    *out = list;
    return LC_OK;
}

lc_status lci_updates_records(const lc_eval *ev, const lci_record ***out, size_t *n)
{
    return in_order(ev, 1u << LCI_ST_COUNTED | 1u << LCI_ST_CONDITION | 1u << LCI_ST_OUTSIDE, out, n);
}

static void clear_derived(lc_eval *ev)
{
    const lci_model *m = ev->m;
    for (size_t t = 0; t < m->ntypes; t++) ev->stores[t].n = 0;
    for (size_t c = 0; c < m->nmeasures * (size_t)m->nmonths; c++) {
        ev->avg[c].nids = 0;
        ev->avg[c].max_severity = 0;
    }
    size_t slots = m->scorecard.present ? (size_t)m->nmonths * m->scorecard.nitems : 0;
    for (size_t i = 0; i < slots; i++) ev->score_slots[i] = -1;
}

/* A counted record back in its store, its averages and its score slot. */
static int rebuild_one(lc_eval *ev, const lci_record *rec)
{
    const lci_event_type *t = &ev->m->types[rec->type];
    const lci_type_plan *tp = &ev->plan->of[rec->type];
    lci_store *s = &ev->stores[rec->type];
    lci_placement p = lci_eval_place(ev, rec);
    int sev = lci_has(rec, t->severity) ? (int)rec->v[t->severity] : 0;
    for (uint64_t left = p.taken; left; left &= left - 1) {
        const lci_feed *f = &tp->feeds[__builtin_ctzll(left)];
        lci_avg_acc *acc = &ev->avg[f->cell + (size_t)p.month];
        if (!f->average) continue;
        if (lci_grow((void **)&acc->ids, &acc->cap, acc->nids + 1, sizeof *acc->ids) != 0) return -1;
        acc->ids[acc->nids++] = rec->id;
        if (sev > acc->max_severity) acc->max_severity = sev;
    }
    if (!t->stored) return 0;
    if (lci_grow((void **)&s->data, &s->cap, s->n + 1, s->stride) != 0) return -1;
    memcpy(lci_store_at(s, s->n++), rec, s->stride);
    const lci_scorecard *sc = &ev->m->scorecard;
    if (!sc->present || (int)rec->type != sc->type || rec->month == UINT32_MAX) return 0;
    for (size_t item = 0; item < sc->nitems; item++) /* a later work item replaces an earlier one */
        if (sc->items[item].enum_value == rec->v[sc->item_field])
            ev->score_slots[(size_t)rec->month * sc->nitems + item] = (int32_t)(s->n - 1);
    return 0;
}

lc_status lci_updates_settle(lc_eval *ev, lc_error *err)
{
    if (!ev->upd.dirty) return LC_OK;
    const lci_record **list = NULL;
    size_t n = 0;
    if (in_order(ev, 1u << LCI_ST_COUNTED, &list, &n) != LC_OK) return lci_oom(err);
    clear_derived(ev);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) rc = rebuild_one(ev, list[i]);
    free(list);
    if (rc != 0) return lci_oom(err); /* still dirty: the next result tries again */
    ev->upd.dirty = 0;
    return LC_OK;
}
