/* cluster.c — the kind of rule that finds events bunched in a window.
 *
 *     breach "minor.3" { class = "minor", pct = 6, on = "outage",
 *                        cluster = { window = P.days, count_ge = P.n, total_ge = P.minutes } }
 *
 * 附件6 第3项 (7 天内连续宕机3次以上或累计4小时以上): events in order of
 * anchor (ties in input order).  At each, the events not yet counted whose
 * anchor lies in [anchor − window, anchor] (bounds included) are gathered;
 * when there are at least count_ge of them or their durations (from → to,
 * by default the type's anchor → ends) add up to at least total_ge, the
 * rule applies once at this event and those events are counted, never to
 * apply again. */
#include <stdio.h>
#include <stdlib.h>

#include "kinds/shared.h"
#include "rules/words.h"

typedef struct cluster {
    lci_qty window, count_ge, total_ge;
    int has_count_ge, has_total_ge;
    int from, to; /* the fields whose span is a duration */
} cluster;

static int span_field(lci_reader *r, int c, const char *key, const lci_rule *rule, int fallback, int *out)
{
    const lci_event_type *t = &r->m->types[rule->type];
    *out = fallback;
    if (lci_read_get(r, c, key) == LUA_TNIL) {
        lua_pop(r->L, 1);
        return 0;
    }
    lua_pop(r->L, 1);
    int ok = lci_read_field_ref(r, c, key, t, rule->line, out);
    if (ok == 0 && (t->fields[*out].kind != LCI_F_TIME || !t->fields[*out].required))
        ok = lci_read_fail(r, rule->line, "rule %s: cluster %s must be a required time field of %s", rule->id, key, t->name);
    return ok;
}

static int read_window(lci_reader *r, int c, lci_rule *rule, cluster *k)
{
    const lci_event_type *t = &r->m->types[rule->type];
    int ok = lci_read_qty(r, c, "window", &k->window, NULL);
    if (ok == 0) ok = lci_read_qty(r, c, "count_ge", &k->count_ge, &k->has_count_ge);
    if (ok == 0) ok = lci_read_qty(r, c, "total_ge", &k->total_ge, &k->has_total_ge);
    if (ok == 0) ok = span_field(r, c, "from", rule, t->anchor, &k->from);
    if (ok == 0) ok = span_field(r, c, "to", rule, t->ends, &k->to);
    if (ok == 0 && !lci_unit_is_duration(k->window.unit))
        ok = lci_read_fail(r, rule->line, "rule %s: the cluster window needs a duration", rule->id);
    if (ok == 0 && k->has_total_ge && !lci_unit_is_duration(k->total_ge.unit))
        ok = lci_read_fail(r, rule->line, "rule %s: total_ge needs a duration", rule->id);
    if (ok == 0 && !k->has_count_ge && !k->has_total_ge)
        ok = lci_read_fail(r, rule->line, "rule %s: a cluster needs count_ge or total_ge", rule->id);
    if (ok == 0 && k->has_total_ge && (k->from < 0 || k->to < 0))
        ok = lci_read_fail(r, rule->line, "rule %s: total_ge needs an event type with ends = field, or from and to", rule->id);
    return ok;
}

static int read(lci_reader *r, int spec, lci_rule *rule)
{
    cluster *k = calloc(1, sizeof *k);
    if (!k) return lci_read_oom(r);
    rule->data = k;
    int ok = lci_kind_read_events(r, spec, rule);
    if (ok == 0 && lci_read_get(r, spec, "cluster") != LUA_TTABLE) ok = lci_read_fail(r, rule->line, "rule %s: cluster must be a table", rule->id);
    if (ok == 0) ok = read_window(r, lua_gettop(r->L), rule, k);
    lua_settop(r->L, spec);
    return ok;
}

typedef struct item {
    const lci_record *rec;
    lci_time start;
    int64_t duration;
} item;

/* The window at the event being visited: items [lo, hi) in (start, seq)
 * order, their durations added up.  It holds exactly what the rule gathers
 * there, the events not yet counted: a fire counts every uncounted event of
 * its window, and those left before the window lie before every later
 * window too (windows only move forward), so after a fire the windows
 * start empty after the fire's last tie.  One pass over the sorted events
 * does the rule, instead of a scan of every event at each. */
typedef struct window {
    size_t lo, hi;
    __int128 total;
} window;

static int by_start(const void *a, const void *b)
{
    const item *x = a, *y = b;
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    return x->rec->seq < y->rec->seq ? -1 : x->rec->seq > y->rec->seq;
}

/* Moves the window to the event at `at`: the events whose start lies in
 * [start − window, start], bounds included, and so the later ties in input
 * order too (rules/README.md, choice 1).  Starts and `at` only grow, so
 * each event enters and leaves once. */
static void slide(const item *items, size_t n, size_t at, lci_time span, window *w)
{
    lci_time start = items[at].start;
    for (; w->hi < n && items[w->hi].start <= start; w->hi++) w->total += items[w->hi].duration;
    __int128 from = (__int128)start - span; /* a window reaching before 1677 does not overflow */
    for (; w->lo < w->hi && items[w->lo].start < from; w->lo++) w->total -= items[w->lo].duration;
}

static int fires(const lci_build *b, const cluster *k, const window *w)
{
    int count_hit = k->has_count_ge && lci_exact_cmp_qty(b->m, (lci_exact){w->hi - w->lo, 1}, &k->count_ge) >= 0;
    int total_hit = k->has_total_ge && lci_exact_cmp_qty(b->m, (lci_exact){w->total, 1}, &k->total_ge) >= 0;
    return count_hit || total_hit;
}

/* The emission at the event `at`, naming the window's events in (start, seq) order. */
static lc_status emit_cluster(lci_build *b, const lci_rule *r, const item *items, const window *w, size_t at)
{
    const cluster *k = r->data;
    size_t n = w->hi - w->lo;
    lci_buf why;
    lci_buf_init(&why);
    lci_buf_printf(&why, "%zu %s%s within ", n, b->m->types[r->type].label, n == 1 ? "" : "s");
    lci_qty_words(b->m, &k->window, LCI_UNIT_NONE, &why);
    if (k->from >= 0 && k->to >= 0) {
        lci_buf_puts(&why, ", in all ");
        lci_value_words((lci_exact){w->total, 1}, k->has_total_ge ? k->total_ge.unit : LCI_UNIT_MIN, &why);
    }
    lci_emission e = {.month = -1, .at = items[at].rec, .reason = lci_buf_take(&why, NULL)};
    if (lci_new_refs(n, &e.events) != 0) {
        lci_emission_free(&e);
        return LC_ENOMEM;
    }
    for (size_t j = 0; j < n; j++) e.events.ids[j] = items[w->lo + j].rec->id;
    return lci_emit(b, r, &e);
}

/* The events the rule looks at, in (start, seq) order, and its window in ns. */
static item *gather(lci_build *b, const lci_rule *r, size_t *n, lci_time *span)
{
    const cluster *k = r->data;
    const lci_store *st = lci_build_records(b, r->type);
    const lci_event_type *t = &b->m->types[r->type];
    item *items = malloc((st->n ? st->n : 1) * sizeof *items);
    if (!items) return NULL;
    *n = 0;
    for (size_t i = 0; i < st->n; i++) {
        const lci_record *rec = lci_store_at(st, i);
        int64_t duration = k->from >= 0 && k->to >= 0 ? rec->v[k->to] - rec->v[k->from] : 0;
        if (lci_rule_matches(b, r, rec)) items[(*n)++] = (item){rec, rec->v[t->anchor], duration};
    }
    lci_sort(items, *n, sizeof *items, by_start);
    lci_dec wd = lci_qty_value(b->m, &k->window);
    *span = (lci_time)((__int128)wd.coef * lci_unit_ns(k->window.unit) / lci_pow10(wd.scale));
    return items;
}

/* One pass over the events (emitting when emit is set); *w is left on the
 * events not yet counted in the last window. */
static lc_status pass(lci_build *b, const lci_rule *r, const item *items, size_t n, lci_time span, int emit, window *w)
{
    lc_status rc = LC_OK;
    *w = (window){0, 0, 0};
    for (size_t i = 0; i < n && rc == LC_OK; i++) {
        slide(items, n, i, span, w);
        if (!fires(b, r->data, w)) continue;
        if (emit) rc = emit_cluster(b, r, items, w, i);
        *w = (window){w->hi, w->hi, 0}; /* counted, never to fire again */
    }
    return rc;
}

static lc_status apply(lci_build *b, const lci_rule *r)
{
    size_t n;
    lci_time span;
    item *items = gather(b, r, &n, &span);
    if (!items) return LC_ENOMEM;
    window w;
    lc_status rc = pass(b, r, items, n, span, 1, &w);
    free(items);
    return rc;
}

/* ---- headroom, as of an instant: how far a window ending now is ---- */

/* One threshold of the window at the instant: `have` against `need`. */
static int window_room(lci_build *b, const lci_rule *r, const lci_qty *need, __int128 have, lci_unit unit,
                       const lci_emission *e, const char *words)
{
    lci_dec q = lci_qty_value(b->m, need);
    __int128 need_in_unit = (__int128)q.coef * lci_unit_ns(unit) / lci_pow10(q.scale); /* ns, or a count */
    if (unit == LCI_UNIT_COUNT || unit == LCI_UNIT_NONE) need_in_unit = ((__int128)q.coef + lci_pow10(q.scale) - 1) / lci_pow10(q.scale);
    __int128 left = need_in_unit > have ? need_in_unit - have : 0;
    int events = unit == LCI_UNIT_COUNT || unit == LCI_UNIT_NONE;
    lci_rheadroom h = lci_headroom_item("cluster", r->id, events ? "events" : "min");
    if (r->outcome == LCI_R_BREACH) h.has_amount = lci_price(b, r, e, lci_as_of_month(b), &h.amount, NULL) == LC_OK;
    if (events) snprintf(h.left, sizeof h.left, "%lld", (long long)left);
    else lci_format_exact((lci_exact){(int64_t)left, 1}, LCI_UNIT_MIN, h.left, sizeof h.left);
    char amount[32] = "";
    if (h.has_amount) lci_fen_format(h.amount, amount, sizeof amount);
    h.what = lci_format("%s; %s more %s within the window and %s applies%s%s", words, h.left,
                        !events ? "min" : left == 1 ? "event" : "events", r->id, h.has_amount ? ", " : "", amount);
    return lci_headroom_add(b, &h);
}

/* The uncounted events whose start lies in the window that ends at the
 * instant: how many more events, or minutes, before the rule applies. */
static int headroom(lci_build *b, const lci_rule *r)
{
    const cluster *k = r->data;
    size_t n;
    lci_time span, now = b->ev->as_of;
    item *items = gather(b, r, &n, &span);
    if (!items) return -1;
    window w;
    pass(b, r, items, n, span, 0, &w);
    __int128 from = (__int128)now - span;
    for (; w.lo < w.hi && items[w.lo].start < from; w.lo++) w.total -= items[w.lo].duration;
    lci_buf words;
    lci_buf_init(&words);
    lci_buf_printf(&words, "%zu %s%s within ", w.hi - w.lo, b->m->types[r->type].label, w.hi - w.lo == 1 ? "" : "s");
    lci_qty_words(b->m, &k->window, LCI_UNIT_NONE, &words);
    if (k->has_total_ge) {
        lci_buf_puts(&words, ", in all ");
        lci_value_words((lci_exact){w.total, 1}, LCI_UNIT_MIN, &words);
    }
    lci_buf_puts(&words, " so far");
    lci_emission e = LCI_EMISSION_INIT;
    e.at = w.hi > w.lo ? items[w.hi - 1].rec : NULL;
    int rc = words.failed || !words.data ? -1 : 0;
    if (rc == 0 && k->has_count_ge) rc = window_room(b, r, &k->count_ge, (__int128)(w.hi - w.lo), LCI_UNIT_COUNT, &e, words.data);
    if (rc == 0 && k->has_total_ge) rc = window_room(b, r, &k->total_ge, w.total, k->total_ge.unit, &e, words.data);
    lci_buf_free(&words);
    free(items);
    return rc;
}

static void describe(const lci_model *m, const lci_rule *r, lci_buf *out)
{
    const cluster *k = r->data;
    lci_buf_printf(out, "%ss bunched within ", m->types[r->type].label);
    lci_qty_words(m, &k->window, LCI_UNIT_NONE, out);
    if (k->has_count_ge) {
        lci_buf_puts(out, ": at least ");
        lci_qty_words(m, &k->count_ge, LCI_UNIT_NONE, out);
    }
    if (k->has_total_ge) {
        lci_buf_puts(out, k->has_count_ge ? ", or in all at least " : ": in all at least ");
        lci_qty_words(m, &k->total_ge, LCI_UNIT_NONE, out);
    }
}

static const char *const selects[] = {"on", "cluster", NULL};

static const lci_key window_keys[] = {
    {"window", LCI_SHAPE_QTY, NULL},  {"count_ge", LCI_SHAPE_QTY, NULL}, {"total_ge", LCI_SHAPE_QTY, NULL},
    {"from", LCI_SHAPE_STRING, NULL}, {"to", LCI_SHAPE_STRING, NULL},    LCI_KEYS_END,
};

static const lci_key keys[] = {
    {"on", LCI_SHAPE_STRING, NULL},
    {"where", LCI_SHAPE_COND, NULL},
    {"cluster", LCI_SHAPE_RECORD, window_keys},
    LCI_KEYS_END,
};

const lci_kind lci_kind_cluster = {
    .name = "cluster",
    .selects = selects,
    .keys = keys,
    .read = read,
    .needs = lci_kind_needs_events,
    .apply = apply,
    .headroom = headroom,
    .describe = describe,
};
