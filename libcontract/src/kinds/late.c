/* late.c — the kind of rule that finds work done after its due date.
 *
 *     breach "delay.1" { class = "delay", on = "milestone",
 *                        late = { due = "due", done = "accepted" },
 *                        amount = per_day(P.daily_rate), max = pct_of(P.delay_cap, field "value") }
 *
 * Applies to each event of type `on` (that meets `where`) done on a later
 * calendar day than it was due (in the contract's time zone; the due day
 * itself is not counted: 民法典 第201条).  What it measures is the span from
 * due to done, so `per_day` counts the days late.  When the work is done by
 * other events — deliveries, each tested — `done_by` names them:
 *
 *     late = { due = "due", done_by = { on = "delivery", match = "milestone", at = "at",
 *                                       where = is("passed", true) } }
 *
 * the done instant is then the earliest such event whose `match` field
 * holds the event's id: a delivery that failed its acceptance test does not
 * stop the clock, the next one that passes does.  Work not done yet is not
 * late yet. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kinds/shared.h"
#include "rules/check.h"
#include "rules/words.h"

typedef struct late {
    int due, done;     /* time fields of the rule's type (done LCI_NONE with done_by) */
    int by_type;       /* done_by: the events that do the work, or LCI_NONE */
    int by_match;      /* their string field naming the work's id */
    int by_at;         /* their time field: when */
    lci_cond *by_where;
} late;

static void free_late(void *data)
{
    late *l = data;
    if (l) lci_cond_free(l->by_where);
    free(l);
}

static int time_field(lci_reader *r, int idx, const char *key, const lci_event_type *t, const lci_rule *rule, int *out)
{
    int ok = lci_read_field_ref(r, idx, key, t, rule->line, out);
    if (ok == 0 && t->fields[*out].kind != LCI_F_TIME)
        ok = lci_read_fail(r, rule->line, "rule %s: late %s must be a time field of %s", rule->id, key, t->name);
    return ok;
}

static int read_done_by(lci_reader *r, int by, const lci_rule *rule, late *l)
{
    int ok = lci_read_type_ref(r, by, "on", rule->line, &l->by_type);
    const lci_event_type *t = ok == 0 ? &r->m->types[l->by_type] : NULL;
    if (ok == 0) ok = lci_read_field_ref(r, by, "match", t, rule->line, &l->by_match);
    if (ok == 0 && t->fields[l->by_match].kind != LCI_F_STRING)
        ok = lci_read_fail(r, rule->line, "rule %s: done_by's match must be a string field of %s", rule->id, t->name);
    if (ok == 0) ok = time_field(r, by, "at", t, rule, &l->by_at);
    if (ok == 0) ok = lci_read_cond(r, by, "where", t, &l->by_where);
    return ok;
}

static int read(lci_reader *r, int spec, lci_rule *rule)
{
    late *l = calloc(1, sizeof *l);
    if (!l) return lci_read_oom(r);
    l->done = l->by_type = LCI_NONE;
    rule->data = l;
    int ok = lci_kind_read_events(r, spec, rule);
    if (ok == 0 && lci_read_get(r, spec, "late") != LUA_TTABLE) ok = lci_read_fail(r, rule->line, "rule %s: late must be a table", rule->id);
    int lt = lua_gettop(r->L);
    const lci_event_type *t = ok == 0 ? &r->m->types[rule->type] : NULL;
    if (ok == 0) ok = time_field(r, lt, "due", t, rule, &l->due);
    int has_done = ok == 0 && lci_read_get(r, lt, "done") != LUA_TNIL;
    int has_by = ok == 0 && lci_read_get(r, lt, "done_by") == LUA_TTABLE;
    if (ok == 0 && has_done == has_by) ok = lci_read_fail(r, rule->line, "rule %s: late needs done = field or done_by = { ... }, one of them", rule->id);
    if (ok == 0 && has_done) ok = time_field(r, lt, "done", t, rule, &l->done);
    if (ok == 0 && has_by) ok = read_done_by(r, lua_gettop(r->L), rule, l);
    lua_settop(r->L, spec);
    return ok;
}

static void needs(const lci_rule *rule, lci_model *m)
{
    const late *l = rule->data;
    lci_kind_needs_events(rule, m);
    if (l->by_type >= 0) m->types[l->by_type].stored = 1;
    if (l->due == m->types[rule->type].anchor) m->types[rule->type].planned = 1;
}

/* The earliest event that does the work, by the id it names. */
typedef struct done_at {
    const char *id;
    lci_time at;
} done_at;

static int by_id(const void *a, const void *b)
{
    const done_at *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    return c ? c : (x->at > y->at) - (x->at < y->at);
}

/* The done_by events that count, sorted by id then time; n in *n. */
static done_at *done_events(lci_build *b, const late *l, size_t *n)
{
    const lci_store *st = lci_build_records(b, l->by_type);
    const lci_event_type *t = &b->m->types[l->by_type];
    done_at *d = malloc((st->n ? st->n : 1) * sizeof *d);
    *n = 0;
    for (size_t i = 0; d && i < st->n; i++) {
        const lci_record *rec = lci_store_at(st, i);
        if (!lci_has(rec, l->by_match) || !lci_has(rec, l->by_at) || !lci_cond_eval(l->by_where, t, rec, &b->ctx)) continue;
        d[(*n)++] = (done_at){lci_idtable_get(&b->ev->strings, (uint32_t)rec->v[l->by_match]), rec->v[l->by_at]};
    }
    if (d) lci_sort(d, *n, sizeof *d, by_id);
    return d;
}

/* When the work of rec (of that id) was done: its own field, or the first
 * done_by event naming it; 0 when it is not done. */
static int done_of_id(const late *l, const lci_record *rec, const char *id, const done_at *d, size_t n, lci_time *at)
{
    if (l->done >= 0) {
        *at = rec->v[l->done];
        return lci_has(rec, l->done);
    }
    done_at key = {id, INT64_MIN};
    size_t lo = 0, hi = n; /* the first entry not below (id, -inf) */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (by_id(&d[mid], &key) < 0) lo = mid + 1;
        else hi = mid;
    }
    if (lo == n || strcmp(d[lo].id, key.id) != 0) return 0;
    *at = d[lo].at;
    return 1;
}

static int done_of(const lci_build *b, const late *l, const lci_record *rec, const done_at *d, size_t n, lci_time *at)
{
    return done_of_id(l, rec, lci_idtable_get(&b->ev->ids, rec->id), d, n, at);
}

static char *late_reason(const lci_build *b, const lci_rule *r, const lci_record *rec, lci_time due, lci_time done)
{
    char ta[40], tb[40];
    int64_t days = lci_local_day(done, b->m->offset_min) - lci_local_day(due, b->m->offset_min);
    lci_time_format(due, b->m->offset_min, ta, sizeof ta);
    lci_time_format(done, b->m->offset_min, tb, sizeof tb);
    return lci_format("%s %s: due %.10s, done %.10s: %lld day%s late", r->label ? r->label : b->m->types[rec->type].label,
                      lci_idtable_get(&b->ev->ids, rec->id), ta, tb, (long long)days, days == 1 ? "" : "s");
}

static lc_status emit_late(lci_build *b, const lci_rule *r, const lci_record *rec, lci_time due, lci_time done)
{
    lci_emission e = {.month = -1, .at = rec, .has_span = 1, .span_from = due, .span_to = done};
    e.reason = lci_wants_reason(r) ? late_reason(b, r, rec, due, done) : NULL;
    if (lci_build_refs_of_records(&rec, 1, &e.events) != 0) {
        lci_emission_free(&e);
        return LC_ENOMEM;
    }
    return lci_emit(b, r, &e);
}

/* ---- done_by events that name no work: never silent ---- */

static int by_text(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The ids of the work the rule looks at (and, as of an instant, the
 * planned work not due yet), sorted; n in *n. */
static const char **work_ids(lci_build *b, const lci_rule *r, size_t *n)
{
    const lci_store *st = lci_build_records(b, r->type), *planned = lci_eval_planned(b->ev, r->type);
    const char **ids = malloc((st->n + planned->n + 1) * sizeof *ids);
    *n = 0;
    for (size_t i = 0; ids && i < st->n; i++) ids[(*n)++] = lci_idtable_get(&b->ev->ids, lci_store_at(st, i)->id);
    for (size_t i = 0; ids && i < planned->n; i++)
        ids[(*n)++] = lci_idtable_get(&b->ev->origin->ids, lci_store_at(planned, i)->id);
    if (ids) lci_sort(ids, *n, sizeof *ids, by_text);
    return ids;
}

/* Whether an earlier rule has the same work and done_by (it says it then). */
extern const lci_kind lci_kind_late;

static int said_before(const lci_model *m, const lci_rule *r)
{
    for (const lci_rule *o = m->rules; o < r; o++) {
        const late *a = o->data, *c = r->data;
        if (o->kind == &lci_kind_late && o->type == r->type && a->by_type == c->by_type && a->by_match == c->by_match)
            return 1;
    }
    return 0;
}

/* A finding for each done_by event that names no work of the rule's type
 * (a typo such as m1 for M1 would else stop no clock, silently). */
static lc_status unmatched(lci_build *b, const lci_rule *r, const late *l)
{
    if (l->by_type < 0 || said_before(b->m, r)) return LC_OK;
    const lci_store *st = lci_build_records(b, l->by_type);
    const lci_event_type *work = &b->m->types[r->type], *by = &b->m->types[l->by_type];
    size_t n = 0;
    const char **ids = work_ids(b, r, &n);
    if (!ids) return LC_ENOMEM;
    int rc = 0;
    for (size_t i = 0; i < st->n && rc == 0; i++) {
        const lci_record *rec = lci_store_at(st, i);
        if (!lci_has(rec, l->by_match)) continue;
        const char *name = lci_idtable_get(&b->ev->strings, (uint32_t)rec->v[l->by_match]);
        if (n && bsearch(&name, ids, n, sizeof *ids, by_text)) continue;
        char hint[160];
        lci_hint(lci_nearest(name, ids, n, lci_typo_distance(name)), hint, sizeof hint);
        char *msg = lci_format("%s %s: %s %s names no %s%s", by->label, lci_idtable_get(&b->ev->ids, rec->id),
                               by->fields[l->by_match].name, name, work->label, hint);
        lci_refs events = {0};
        if (!msg || lci_build_refs_of_records(&rec, 1, &events) != 0) {
            free(msg);
            rc = -1;
        } else {
            rc = lci_build_finding(b, "done_by_unmatched", r->clause, msg, &events);
        }
        free(events.ids);
    }
    free(ids);
    return rc == 0 ? LC_OK : LC_ENOMEM;
}

static lc_status apply(lci_build *b, const lci_rule *r)
{
    const late *l = r->data;
    const lci_store *st = lci_build_records(b, r->type);
    size_t n = 0;
    done_at *d = l->by_type >= 0 ? done_events(b, l, &n) : NULL;
    if (l->by_type >= 0 && !d) return LC_ENOMEM;
    lc_status rc = unmatched(b, r, l);
    for (size_t i = 0; i < st->n && rc == LC_OK; i++) {
        const lci_record *rec = lci_store_at(st, i);
        lci_time done;
        if (!lci_has(rec, l->due) || !lci_rule_matches(b, r, rec) || !done_of(b, l, rec, d, n, &done)) continue;
        lci_time due = rec->v[l->due];
        if (lci_local_day(done, b->m->offset_min) > lci_local_day(due, b->m->offset_min)) rc = emit_late(b, r, rec, due, done);
    }
    free(d);
    return rc;
}

/* ---- headroom, as of an instant: work not done yet ---- */

/* Work due and not done at the instant: late from the day after its due
 * day (when it is not yet) or late so far, and what that costs. */
static int late_room(lci_build *b, const lci_rule *r, const lci_record *rec, const char *id, lci_time due)
{
    const lci_model *m = b->m;
    lci_time now = b->ev->as_of, late_from = lci_day_start(lci_local_day(due, m->offset_min) + 1, m->offset_min);
    int already = now >= late_from;
    lci_rheadroom h = lci_headroom_item("late", r->id, "d");
    h.crossed = already;
    /* late now: what it costs so far; not yet: what its first day costs */
    lci_emission e = {.month = -1, .at = rec, .has_span = 1, .span_from = due, .span_to = already ? now : late_from};
    if (r->outcome == LCI_R_BREACH) h.has_amount = lci_price(b, r, &e, lci_month_of(m, e.span_to), &h.amount, NULL) == LC_OK;
    char amount[32] = "", due_text[40];
    if (h.has_amount) lci_fen_format(h.amount, amount, sizeof amount);
    lci_time_format(due, m->offset_min, due_text, sizeof due_text);
    const char *label = r->label ? r->label : m->types[rec->type].label;
    int64_t days = lci_local_day(now, m->offset_min) - lci_local_day(due, m->offset_min);
    if (already) {
        snprintf(h.left, sizeof h.left, "0");
        h.what = lci_format("%s %s: due %.10s, not done: %lld day%s late so far, %s%s%s (provisional)", label, id,
                            due_text, (long long)days, days == 1 ? "" : "s", r->id, h.has_amount ? ", " : "", amount);
    } else {
        lci_format_exact((lci_exact){late_from - now, 1}, LCI_UNIT_DAY, h.left, sizeof h.left);
        lci_time_format(late_from, m->offset_min, h.at, sizeof h.at);
        h.what = lci_format("%s %s: due %.10s: late from %s (in %s d), %s%s%s for its first day", label, id, due_text,
                            h.at, h.left, r->id, h.has_amount ? ", " : "", amount);
    }
    return lci_headroom_add(b, &h);
}

static int headroom(lci_build *b, const lci_rule *r)
{
    const late *l = r->data;
    const lci_store *st = lci_build_records(b, r->type);
    size_t n = 0;
    done_at *d = l->by_type >= 0 ? done_events(b, l, &n) : NULL;
    if (l->by_type >= 0 && !d) return -1;
    int rc = 0;
    const lci_store *planned = lci_eval_planned(b->ev, r->type); /* due after the instant */
    for (size_t i = 0; i < st->n + planned->n && rc == 0; i++) {
        const lci_record *rec = i < st->n ? lci_store_at(st, i) : lci_store_at(planned, i - st->n);
        /* a planned record keeps the id of the evaluation it came from */
        const char *id = lci_idtable_get(i < st->n ? &b->ev->ids : &b->ev->origin->ids, rec->id);
        lci_time done;
        if (lci_has(rec, l->due) && lci_rule_matches(b, r, rec) && !done_of_id(l, rec, id, d, n, &done))
            rc = late_room(b, r, rec, id, rec->v[l->due]);
    }
    free(d);
    return rc;
}

/* done_by without where: any delivery stops the clock, a failed one too. */
static int lint(const lci_model *m, const lci_rule *r, struct lci_findings *out)
{
    const late *l = r->data;
    if (l->by_type < 0 || l->by_where) return 0;
    return lci_finding_add(out, "done_by_any", r->line, r->clause, r->id,
                           "%s: done_by has no where: any %s naming the %s is taken as done, one that failed its test too",
                           r->id, m->types[l->by_type].label, m->types[r->type].label);
}

static void describe(const lci_model *m, const lci_rule *r, lci_buf *out)
{
    const late *l = r->data;
    const lci_event_type *t = &m->types[r->type];
    lci_buf_printf(out, "each %s done on a later day than its %s", t->label, t->fields[l->due].name);
}

static const char *const selects[] = {"on", "late", NULL};

static const lci_key done_by_keys[] = {
    {"on", LCI_SHAPE_STRING, NULL}, {"match", LCI_SHAPE_STRING, NULL}, {"at", LCI_SHAPE_STRING, NULL},
    {"where", LCI_SHAPE_COND, NULL}, LCI_KEYS_END,
};

static const lci_key late_keys[] = {
    {"due", LCI_SHAPE_STRING, NULL},
    {"done", LCI_SHAPE_STRING, NULL},
    {"done_by", LCI_SHAPE_RECORD, done_by_keys},
    LCI_KEYS_END,
};

static const lci_key keys[] = {
    {"on", LCI_SHAPE_STRING, NULL},
    {"where", LCI_SHAPE_COND, NULL},
    {"late", LCI_SHAPE_RECORD, late_keys},
    LCI_KEYS_END,
};

const lci_kind lci_kind_late = {
    .name = "late",
    .selects = selects,
    .keys = keys,
    .spans = LCI_SPAN_OWN,
    .read = read,
    .needs = needs,
    .apply = apply,
    .headroom = headroom,
    .lint = lint,
    .describe = describe,
    .free = free_late,
};
