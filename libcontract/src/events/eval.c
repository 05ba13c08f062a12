/* eval.c — an evaluation's life: creation, committing checked events, free.
 *
 * What streams: per month and measure, sums and counts (and the ids that
 * make them up); records are kept only for event types whose rules look at
 * single events after the stream ends.  Nothing kept here depends on a
 * parameter, so a result can be recomputed under other parameters without
 * reading the events again (what-if sweeps). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval/figures.h"
#include "eval/memo.h"
#include "events/cond.h"
#include "events/evaluation.h"

static void free_accumulators(lc_eval *ev)
{
    const lci_model *m = ev->m;
    if (ev->avg)
        for (size_t i = 0; i < m->nmeasures * (size_t)m->nmonths; i++) free(ev->avg[i].ids);
    free(ev->avg);
    free(ev->counts);
    free(ev->score_slots);
    free(ev->feed_memo);
    free(ev->not_counted);
    if (ev->stores)
        for (size_t i = 0; i < m->ntypes; i++) free(ev->stores[i].data);
    free(ev->stores);
}

void lc_eval_free(lc_eval *ev)
{
    if (!ev) return;
    lci_figure_cache_free(ev);
    lci_rule_memos_free(ev);
    lci_replay_base_free(ev);
    free_accumulators(ev);
    lci_idtable_free(&ev->ids);
    lci_idtable_free(&ev->strings);
    lci_idtable_free(&ev->files);
    lci_unknown_free(&ev->undeclared);
    lci_updates_free(&ev->upd);
    free(ev->contents);
    free(ev->log);
    free(ev->open_seqs);
    for (size_t i = 0; ev->planned && i < ev->m->ntypes; i++) free(ev->planned[i].data);
    free(ev->planned);
    for (size_t i = 0; i < ev->nwarnings; i++) free(ev->warnings[i].message);
    free(ev->warnings);
    lci_buf_free(&ev->pending);
    free(ev->file);
    lci_scan_free(&ev->scan);
    cJSON_Delete(ev->json_tree);
    free(ev->json_copy);
    for (size_t i = 0; i < LCI_QUEUE; i++) {
        free(ev->queue[i].rec);
        lci_buf_free(&ev->queue[i].id);
    }
    free(ev->jkeys);
    free(ev->unknown);
    free(ev->key_seen);
    free(ev->scratch);
    free(ev);
}

static int alloc_accumulators(lc_eval *ev)
{
    const lci_model *m = ev->m;
    size_t cells = m->nmeasures * (size_t)m->nmonths;
    ev->stores = calloc(m->ntypes ? m->ntypes : 1, sizeof *ev->stores);
    ev->feed_memo = calloc(m->ntypes ? m->ntypes : 1, sizeof *ev->feed_memo);
    ev->avg = calloc(cells ? cells : 1, sizeof *ev->avg);
    ev->counts = calloc(cells ? cells : 1, sizeof *ev->counts);
    size_t slots = m->scorecard.present ? (size_t)m->nmonths * m->scorecard.nitems : 1;
    ev->score_slots = malloc(slots * sizeof *ev->score_slots);
    ev->scratch = malloc(sizeof(lci_record) + 64 * sizeof(int64_t));
    ev->key_seen = calloc(ev->plan->keys.n ? ev->plan->keys.n : 1, sizeof *ev->key_seen);
    ev->not_counted = calloc(m->ntypes + 1, sizeof *ev->not_counted);
    if (!ev->stores || !ev->feed_memo || !ev->avg || !ev->counts || !ev->score_slots || !ev->scratch || !ev->key_seen ||
        !ev->not_counted)
        return -1;
    for (size_t i = 0; i < LCI_QUEUE; i++)
        if (!(ev->queue[i].rec = malloc(sizeof(lci_record) + 64 * sizeof(int64_t)))) return -1;
    for (size_t i = 0; i < slots; i++) ev->score_slots[i] = -1;
    for (size_t i = 0; i < m->ntypes; i++)
        ev->stores[i].stride = sizeof(lci_record) + m->types[i].nfields * sizeof(int64_t);
    return 0;
}

lc_status lc_eval_new(lc_eval **out, lc_engine *engine, unsigned flags, lc_error *err)
{
    if (!out) return lci_fail(err, LC_EUSAGE, NULL, 0, "lc_eval_new: out is NULL");
    *out = NULL;
    if (!engine || !engine->loaded) return lci_fail(err, LC_EUSAGE, NULL, 0, "lc_eval_new: the engine has no rules loaded");
    unsigned known = LC_EVAL_SKIP_INVALID | LC_EVAL_KEEP_EVENTS | LC_EVAL_STRICT | LC_EVAL_UPDATES;
    if (flags & ~known) return lci_fail(err, LC_EUSAGE, NULL, 0, "lc_eval_new: unknown flags 0x%x", flags & ~known);
    lc_eval *ev = calloc(1, sizeof *ev);
    if (!ev) return lci_oom(err);
    ev->engine = engine;
    ev->m = &engine->model;
    ev->plan = &engine->plan;
    ev->flags = flags;
    ev->as_of = LCI_NO_AS_OF;
    /* the address varies from run to run (ASLR): crafted ids cannot aim at
     * one bucket; results never depend on the seed */
    uint64_t seed = lci_hash(&ev, sizeof ev, (uint64_t)(uintptr_t)ev);
    /* ids are hashed under the engine's seed, as the JSON reader hashes
     * every string value: one hash of an id serves its content and its
     * lookup (the engine's seed varies from run to run as well) */
    lci_idtable_init(&ev->ids, engine->plan.seed);
    lci_idtable_init(&ev->strings, seed ^ 1);
    lci_idtable_init(&ev->files, seed ^ 2);
    lci_unknown_init(&ev->undeclared, ev->m->ntypes, seed ^ 3);
    lci_buf_init(&ev->pending);
    if (alloc_accumulators(ev) != 0) {
        lc_eval_free(ev);
        return lci_oom(err);
    }
    *out = ev;
    return LC_OK;
}

/* ---- accepting an event into the evaluation window ---- */

/* 1 when the event is evaluated; *month receives its term month or -1. */
static int accepted(const lc_eval *ev, const lci_event_type *t, const lci_type_plan *tp, const lci_record *rec,
                    int *month)
{
    const lci_model *m = ev->m;
    int64_t a = rec->v[t->anchor];
    if (tp->anchor_is_month) {
        *month = lci_model_month_index(m, a);
        /* opening balances may also be of months before the term */
        if (t->accept == LCI_ACCEPT_HISTORY) return a >= m->first_month - LCI_HISTORY_MONTHS && a < m->first_month + m->nmonths;
        return *month >= 0;
    }
    int in_term = a >= m->term_start && a < m->term_end;
    *month = in_term ? lci_plan_month(ev->plan, a) : -1;
    if (t->accept == LCI_ACCEPT_OVERLAP) return in_term || (a < m->term_end && rec->v[t->ends] > m->term_start);
    return a >= tp->accept_from && a < tp->accept_until;
}

/* ---- completing a record ---- */

/* The message of a time pair out of order. */
static void explain_order(const lci_model *m, const lci_event_type *t, const lci_record *rec, int before, int after,
                          char *text, size_t size)
{
    char ta[40], tb[40];
    lci_time_format(rec->v[before], m->offset_min, ta, sizeof ta);
    lci_time_format(rec->v[after], m->offset_min, tb, sizeof tb);
    snprintf(text, size, "\"%s\" (%s) is before \"%s\" (%s)", t->fields[after].name, tb, t->fields[before].name, ta);
}

void lci_record_explain(const lc_eval *ev, const lci_record *rec, char *text, size_t size)
{
    const lci_event_type *t = &ev->m->types[rec->type];
    const lci_type_plan *tp = &ev->plan->of[rec->type];
    uint64_t missing = tp->required & ~rec->present;
    if (missing) {
        snprintf(text, size, "missing required field \"%s\"", t->fields[__builtin_ctzll(missing)].name);
        return;
    }
    for (size_t i = 0; i < tp->norder; i++) {
        const lci_order_check *o = &tp->order[i];
        if ((rec->present & o->both) == o->both && rec->v[o->before] > rec->v[o->after]) {
            explain_order(ev->m, t, rec, o->before, o->after, text, size);
            return;
        }
    }
    snprintf(text, size, "the event is complete");
}

/* ---- committing ---- */

static int contents_equal(const lci_content *a, const lci_content *b)
{
    return a->h == b->h;
}

/* The feeds of its type an event counts toward, bit per feed: those
 * whose condition holds, averages only with both ends present (an open
 * ticket is left out of the average). */
static uint64_t feeds_taken(const lc_eval *ev, const lci_event_type *t, const lci_type_plan *tp, const lci_record *rec)
{
    lci_cond_ctx ctx = {ev->m, NULL, 0, ev->as_of};
    uint64_t taken = 0;
    for (size_t i = 0; i < tp->nfeeds; i++) {
        const lci_feed *f = &tp->feeds[i];
        if (f->average && !((f->from < 0 || lci_has(rec, f->from)) && lci_has(rec, f->to))) continue;
        if (lci_test_holds(&f->where, t, rec, &ctx)) taken |= UINT64_C(1) << i;
    }
    return taken;
}

/* feeds_taken, remembered for the last presence pattern of each type
 * whose feeds ask nothing else: events of a type mostly share one. */
static uint64_t feeds_of(lc_eval *ev, const lci_event_type *t, const lci_type_plan *tp, const lci_record *rec)
{
    if (!tp->feeds_by_presence) return feeds_taken(ev, t, tp, rec);
    lci_feed_memo *memo = &ev->feed_memo[rec->type];
    uint64_t pattern = rec->present & tp->feed_fields;
    if (!memo->known || memo->pattern != pattern) {
        memo->taken = feeds_taken(ev, t, tp, rec);
        memo->pattern = pattern;
        memo->known = 1;
    }
    return memo->taken;
}

/* Reserves what the commit needs besides the accumulators, so that once
 * the id is added nothing can fail half-way. */
static int reserve(lc_eval *ev, const lci_event_type *t, const lci_record *rec)
{
    size_t n = lci_idtable_count(&ev->ids);
    if (lci_grow((void **)&ev->contents, &ev->contents_cap, n + 1, sizeof *ev->contents) != 0) return -1;
    lci_store *s = &ev->stores[rec->type];
    if (t->stored && lci_grow((void **)&s->data, &s->cap, s->n + 1, s->stride) != 0) return -1;
    if ((ev->flags & LC_EVAL_KEEP_EVENTS) && lci_grow((void **)&ev->log, &ev->log_cap, ev->log_len + s->stride, 1) != 0)
        return -1;
    return 0;
}

/* Takes back what accumulate added for the feeds in `done` (cold: only
 * when memory runs out half-way). */
__attribute__((cold, noinline)) static void unaccumulate(lc_eval *ev, const lci_type_plan *tp, const lci_record *rec,
                                                         int month, uint64_t done)
{
    for (; done; done &= done - 1) {
        const lci_feed *f = &tp->feeds[__builtin_ctzll(done)];
        size_t cell = f->cell + (size_t)month;
        if (!f->average) {
            ev->counts[cell]--;
            continue;
        }
        lci_avg_acc *acc = &ev->avg[cell];
        acc->sum -= lci_feed_value(f, rec);
        acc->count--;
        acc->nids--;
    }
}

/* Adds event `index` to the feeds in `taken`; -1 when out of memory, with
 * nothing added.  The months' severities follow once all is in (they
 * cannot be taken back, and severity 0 changes none). */
static int accumulate(lc_eval *ev, const lci_event_type *t, const lci_type_plan *tp, const lci_record *rec,
                      int month, uint64_t taken, uint32_t index)
{
    for (uint64_t left = taken; left; left &= left - 1) {
        const lci_feed *f = &tp->feeds[__builtin_ctzll(left)];
        size_t cell = f->cell + (size_t)month;
        if (!f->average) {
            ev->counts[cell]++;
            continue;
        }
        lci_avg_acc *acc = &ev->avg[cell];
        if (lci_grow((void **)&acc->ids, &acc->cap, acc->nids + 1, sizeof *acc->ids) != 0) {
            unaccumulate(ev, tp, rec, month, taken & ~left);
            return -1;
        }
        acc->sum += lci_feed_value(f, rec);
        acc->count++;
        acc->ids[acc->nids++] = index;
    }
    int sev = lci_has(rec, t->severity) ? (int)rec->v[t->severity] : 0;
    for (uint64_t left = sev > 0 ? taken : 0; left; left &= left - 1) {
        const lci_feed *f = &tp->feeds[__builtin_ctzll(left)];
        lci_avg_acc *acc = &ev->avg[f->cell + (size_t)month];
        if (f->average && sev > acc->max_severity) acc->max_severity = sev;
    }
    return 0;
}

/* 附件7: a later work_item for the same month and item replaces the
 * earlier one; the replaced record stays in the store but out of the slot. */
static int replace_score_slot(lc_eval *ev, const lci_record *rec, size_t index, const char *file, long line)
{
    const lci_scorecard *s = &ev->m->scorecard;
    size_t item = 0;
    while (item < s->nitems && s->items[item].enum_value != rec->v[s->item_field]) item++;
    if (item == s->nitems || rec->month == UINT32_MAX) return 0;
    int32_t *slot = &ev->score_slots[(size_t)rec->month * s->nitems + item];
    int rc = 0;
    if (*slot >= 0) {
        const lci_record *old = lci_store_at(&ev->stores[rec->type], (size_t)*slot);
        char month[8];
        lci_month_format(ev->m->first_month + rec->month, month, sizeof month);
        rc = lci_eval_warn(ev, file, line, "work item \"%s\" replaces \"%s\" for %s %s",
                           lci_idtable_get(&ev->ids, rec->id), lci_idtable_get(&ev->ids, old->id), month,
                           s->items[item].id);
    }
    *slot = (int32_t)index;
    return rc;
}

static lc_status keep(lc_eval *ev, const lci_event_type *t, lci_record *rec, const char *file, long line,
                      lc_error *err)
{
    lci_store *s = &ev->stores[rec->type];
    if (!t->stored) return LC_OK;
    memcpy(lci_store_at(s, s->n), rec, s->stride);
    s->n++;
    const lci_scorecard *sc = &ev->m->scorecard;
    if (sc->present && (int)rec->type == sc->type && replace_score_slot(ev, rec, s->n - 1, file, line) != 0)
        return lci_oom(err);
    return LC_OK;
}

/* An id seen before: an exact repeat is counted once, with a warning;
 * other content under the same id is invalid. */
__attribute__((cold, noinline)) static lc_status repeated(lc_eval *ev, int type, size_t index,
                                                          const lci_content *content, const char *id, const char *file,
                                                          long line, lc_error *err)
{
    if (contents_equal(&ev->contents[index], content)) {
        lci_eval_not_counted(ev, type, LCI_NC_REPEAT);
        if (lci_eval_warn(ev, file, line, "event \"%s\" repeats an earlier event: counted once", id) != 0)
            return lci_oom(err);
        return LC_OK;
    }
    if (ev->flags & LC_EVAL_SKIP_INVALID) {
        lci_eval_not_counted(ev, type, LCI_NC_INVALID);
        if (lci_eval_warn(ev, file, line, "skipped: event id \"%s\" was already used for a different event", id) != 0)
            return lci_oom(err);
        return LC_OK;
    }
    ev->broken = 1;
    return lci_fail(err, LC_EEVENT, file, line,
                    "event id \"%s\" was already used for a different event (ids must be unique)", id);
}

/* An event outside the evaluation window: kept (its id is taken) and
 * named in a warning, but counted toward nothing. */
__attribute__((cold, noinline)) lc_status lci_eval_outside(lc_eval *ev, const lci_record *rec, const char *id,
                                                           const char *file, long line, lc_error *err)
{
    const lci_event_type *t = &ev->m->types[rec->type];
    char at[40];
    lci_eval_not_counted(ev, (int)rec->type, LCI_NC_OUTSIDE);
    lci_time_format(rec->v[t->anchor], ev->m->offset_min, at, sizeof at);
    if (t->fields[t->anchor].kind == LCI_F_MONTH) lci_month_format(rec->v[t->anchor], at, sizeof at);
    if (lci_eval_warn(ev, file, line, "%s \"%s\" at %s is outside the term: not evaluated", t->name, id, at) != 0)
        return lci_oom(err);
    return LC_OK;
}

lci_placement lci_eval_place(lc_eval *ev, const lci_record *rec)
{
    const lci_event_type *t = &ev->m->types[rec->type];
    const lci_type_plan *tp = &ev->plan->of[rec->type];
    lci_placement p = {-1, 0, 0, 0};
    p.in_window = accepted(ev, t, tp, rec, &p.month);
    lci_cond_ctx ctx = {ev->m, NULL, 0, ev->as_of};
    p.counts = p.in_window && lci_test_holds(&tp->counts_when, t, rec, &ctx); /* else recorded, counts toward nothing */
    p.taken = p.counts && p.month >= 0 ? feeds_of(ev, t, tp, rec) : 0;
    return p;
}

void lci_eval_feed_sums(lc_eval *ev, const lci_record *rec, int month, uint64_t taken, int sign)
{
    const lci_type_plan *tp = &ev->plan->of[rec->type];
    for (; taken; taken &= taken - 1) {
        const lci_feed *f = &tp->feeds[__builtin_ctzll(taken)];
        size_t cell = f->cell + (size_t)month;
        if (!f->average) {
            ev->counts[cell] += sign;
            continue;
        }
        ev->avg[cell].sum += sign * (__int128)lci_feed_value(f, rec);
        ev->avg[cell].count += sign;
    }
}

lc_status lci_eval_commit(lc_eval *ev, lci_record *rec, const char *id, size_t idlen, uint64_t hash, const lci_content *content,
                          const char *file, long line, lc_error *err)
{
    ev->generation++; /* the figures kept for results are out of date */
    if (ev->flags & LC_EVAL_UPDATES) return lci_updates_commit(ev, rec, id, idlen, hash, content, file, line, err);
    const lci_model *m = ev->m;
    const lci_event_type *t = &m->types[rec->type];
    size_t slot;
    if (lci_idtable_reserve(&ev->ids) != 0) {
        ev->broken = 1;
        return lci_oom(err);
    }
    long found = lci_idtable_lookup(&ev->ids, id, idlen, hash, &slot);
    if (found >= 0) return repeated(ev, (int)rec->type, (size_t)found, content, id, file, line, err);
    const lci_type_plan *tp = &ev->plan->of[rec->type];
    lci_placement p = lci_eval_place(ev, rec);
    int month = p.month, in_window = p.in_window, counts = p.counts;
    uint64_t taken = p.taken;
    uint32_t index = (uint32_t)lci_idtable_count(&ev->ids); /* the index the id is about to get */
    if (reserve(ev, t, rec) != 0 || accumulate(ev, t, tp, rec, month, taken, index) != 0) {
        ev->broken = 1;
        return lci_oom(err);
    }
    if (lci_idtable_add_at(&ev->ids, slot, id, idlen, hash, &index) != 0) {
        unaccumulate(ev, tp, rec, month, taken);
        ev->broken = 1;
        return lci_oom(err);
    }
    ev->contents[index] = *content;
    rec->id = index;
    rec->seq = ev->seq++;
    rec->month = month >= 0 ? (uint32_t)month : UINT32_MAX;
    if (ev->flags & LC_EVAL_KEEP_EVENTS) {
        memcpy(ev->log + ev->log_len, rec, ev->stores[rec->type].stride);
        ev->log_len += ev->stores[rec->type].stride;
        ev->log_count++;
    }
    if (!in_window) return lci_eval_outside(ev, rec, id, file, line, err);
    if (!counts) {
        lci_eval_not_counted(ev, (int)rec->type, LCI_NC_CONDITION);
        return LC_OK;
    }
    return keep(ev, t, rec, file, line, err);
}
