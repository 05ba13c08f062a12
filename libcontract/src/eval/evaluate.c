/* evaluate.c — see evaluate.h. */
#include "eval/evaluate.h"
#include "sandbox/sandbox.h"

#include <lauxlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- text for people ---- */

static const char *unit_suffix(lci_unit u)
{
    switch (u) {
    case LCI_UNIT_MIN: return " min";
    case LCI_UNIT_HOUR: return " h";
    case LCI_UNIT_DAY: return " d";
    case LCI_UNIT_PCT: return "%";
    case LCI_UNIT_MONEY: return "";
    case LCI_UNIT_POINTS: return "";
    default: return "";
    }
}

void lci_format_exact(lci_exact v, lci_unit unit, char *buf, size_t size)
{
    int decimals = unit == LCI_UNIT_PCT ? 4 : 2;
    __int128 den = (__int128)v.den * (lci_unit_ns(unit) ? lci_unit_ns(unit) : 1);
    __int128 num = v.num * lci_pow10(decimals);
    __int128 q = num / den, r = num % den;
    if (2 * (r < 0 ? -r : r) >= den) q += num < 0 ? -1 : 1;
    lci_dec d = {(int64_t)q, decimals};
    while (d.scale > 1 && d.coef % 10 == 0) {
        d.coef /= 10;
        d.scale--;
    }
    lci_dec_format(d, buf, size);
}

static void format_qty(const lci_model *m, const lci_qty *q, lci_unit shown, lci_buf *out)
{
    char num[48];
    lci_dec_format_short(lci_qty_value(m, q), num, sizeof num);
    lci_buf_puts(out, num);
    if (q->unit != shown) lci_buf_puts(out, unit_suffix(q->unit));
}

static void band_text(const lci_model *m, const lci_band *b, lci_unit shown, lci_buf *out)
{
    if (b->has_lo && b->has_hi) {
        if (b->lo_incl && b->hi_incl && lci_dec_cmp(lci_qty_value(m, &b->lo), lci_qty_value(m, &b->hi)) == 0) {
            lci_buf_puts(out, "= ");
            format_qty(m, &b->lo, shown, out);
            return;
        }
        lci_buf_puts(out, b->lo_incl ? "in [" : "in (");
        format_qty(m, &b->lo, shown, out);
        lci_buf_puts(out, ", ");
        format_qty(m, &b->hi, shown, out);
        lci_buf_puts(out, b->hi_incl ? "]" : ")");
    } else if (b->has_lo) {
        lci_buf_puts(out, b->lo_incl ? "≥ " : "> ");
        format_qty(m, &b->lo, shown, out);
    } else {
        lci_buf_puts(out, b->hi_incl ? "≤ " : "< ");
        format_qty(m, &b->hi, shown, out);
    }
}

static void value_text(lci_exact v, lci_unit unit, lci_buf *out)
{
    char num[64];
    lci_format_exact(v, unit, num, sizeof num);
    lci_buf_printf(out, "%s%s", num, unit_suffix(unit));
}

/* ---- results under construction ---- */

/* Room for n refs (at least one, so an empty list is not NULL). */
static int new_refs(size_t n, lci_refs *out)
{
    out->n = n;
    out->ids = malloc((n ? n : 1) * sizeof *out->ids);
    if (!out->ids) out->n = 0;
    return out->ids ? 0 : -1;
}

int lci_build_refs(const uint32_t *src, size_t n, lci_refs *out)
{
    if (new_refs(n, out) != 0) return -1;
    if (n) memcpy(out->ids, src, n * sizeof *src);
    return 0;
}

int lci_build_refs_of_records(const lci_record *const *recs, size_t n, lci_refs *out)
{
    if (new_refs(n, out) != 0) return -1;
    for (size_t i = 0; i < n; i++) out->ids[i] = recs[i]->id;
    return 0;
}

static int month_of(const lci_model *m, lci_time t)
{
    int i = lci_model_month_index(m, lci_local_month(t, m->offset_min));
    if (i >= 0) return i;
    return t < m->term_start ? 0 : m->nmonths - 1;
}

/* What a rule found: one event, a month, a cluster or a function's month. */
typedef struct emission {
    int month;           /* a month's emission, or -1 */
    const lci_record *at;/* the triggering event, or NULL */
    lci_refs events;     /* taken by the emit functions */
    char *reason;        /* taken by the emit functions */
} emission;

static void emission_free(emission *e)
{
    free(e->reason);
    free(e->events.ids);
    *e = (emission){-1, NULL, {0}, NULL};
}

/* When an emission happened: its event's anchor, or its month's start. */
static lci_time emission_time(const lci_build *b, const emission *e)
{
    lci_time start, end;
    if (e->at) return e->at->v[b->m->types[e->at->type].anchor];
    lci_model_month_bounds(b->m, e->month, &start, &end);
    return start;
}

static int emit_breach(lci_build *b, const lci_rule *r, emission *e)
{
    lc_result *res = b->res;
    lci_rbreach br = {0};
    br.rule = r->id;
    br.klass = r->klass ? r->klass : "";
    br.clause = r->clause ? r->clause : "";
    br.text = r->text ? r->text : "";
    br.pct = lci_qty_value(b->m, &r->pct);
    br.month = e->month;
    br.class_rank = r->class_rank;
    br.order = r->order;
    br.sort_time = emission_time(b, e);
    br.has_at = e->at != NULL;
    br.at = e->at ? br.sort_time : 0;
    br.cap_month = e->at ? month_of(b->m, br.at) : e->month;
    if (lci_breach_price(b->m, r, &br.amount) != 0) return -1; /* checked at load and at every set: cannot happen */
    if (LCI_PUSH(res->breaches, b->res_caps.breaches, res->nbreaches, br) != 0) return -1;
    res->breaches[res->nbreaches - 1].reason = e->reason;
    res->breaches[res->nbreaches - 1].events = e->events;
    *e = (emission){-1, NULL, {0}, NULL};
    return 0;
}

/* Incidents (附件4) carry no money: they drive termination. */
static int emit_incident(lci_build *b, const lci_rule *r, emission *e)
{
    lci_rincident in = {.rule = r->id, .klass = r->klass ? r->klass : "", .clause = r->clause ? r->clause : "",
                        .text = r->text ? r->text : "", .at = emission_time(b, e), .events = e->events};
    if (LCI_PUSH(b->res->incidents, b->res_caps.incidents, b->res->nincidents, in) != 0) return -1;
    e->events = (lci_refs){0};
    return 0;
}

int lci_build_finding(lci_build *b, const char *kind, const char *clause, char *message, lci_refs *events)
{
    lci_rfinding f = {kind, clause ? clause : "", message, *events};
    if (!message || LCI_PUSH(b->res->findings, b->res_caps.findings, b->res->nfindings, f) != 0) {
        free(message);
        return -1;
    }
    *events = (lci_refs){0};
    return 0;
}

static int emit_finding(lci_build *b, const lci_rule *r, emission *e)
{
    char *message = r->message ? lci_strdup(r->message) : e->reason;
    if (message == e->reason) e->reason = NULL;
    return lci_build_finding(b, r->id, r->clause, message, &e->events);
}

/* Violations are counted by the termination reasons that name them. */
static int emit_violation(lci_build *b, const lci_rule *r, emission *e)
{
    lci_matches *mt = &b->violations[r - b->m->rules];
    lci_match match = {e->at, e->events};
    if (LCI_PUSH(mt->items, mt->cap, mt->n, match) != 0) return -1;
    e->events = (lci_refs){0};
    return 0;
}

/* Records what rule r found, as its kind says; takes e's events and reason
 * (freed whatever happens). */
static int emit(lci_build *b, const lci_rule *r, emission *e)
{
    int rc = -1;
    switch (r->kind) {
    case LCI_R_BREACH: rc = emit_breach(b, r, e); break;
    case LCI_R_INCIDENT: rc = emit_incident(b, r, e); break;
    case LCI_R_FINDING: rc = emit_finding(b, r, e); break;
    case LCI_R_VIOLATION: rc = emit_violation(b, r, e); break;
    }
    emission_free(e);
    return rc;
}

/* ---- per-event rules: reasons ---- */

static const char *field_value_text(const lci_build *b, const lci_event_type *t, int f, const lci_record *r,
                                    char *buf, size_t size)
{
    const lci_field *fd = &t->fields[f];
    int64_t v = r->v[f];
    switch (fd->kind) {
    case LCI_F_BOOL: return v ? "true" : "false";
    case LCI_F_ENUM: return fd->values[v];
    case LCI_F_SEVERITY: return b->m->severity_levels[v];
    case LCI_F_STRING: return lci_idtable_get(&b->ev->strings, (uint32_t)v);
    case LCI_F_TIME: lci_time_format(v, b->m->offset_min, buf, size); return buf;
    case LCI_F_MONTH: lci_month_format(v, buf, size); return buf;
    default: lci_dec_format_short((lci_dec){v, fd->scale}, buf, size); return buf;
    }
}

static const char *calendar_range_name(const lci_build *b, int cal, lci_time t)
{
    const lci_calendar *c = &b->m->calendars[cal];
    int64_t day = lci_local_day(t, b->m->offset_min);
    for (size_t i = 0; i < c->nranges; i++)
        if (day >= c->ranges[i].from && day <= c->ranges[i].to && c->ranges[i].name) return c->ranges[i].name;
    return NULL;
}

static void cond_text(const lci_build *b, const lci_cond *c, const lci_event_type *t, const lci_record *r,
                      lci_buf *out);

static void kids_text(const lci_build *b, const lci_cond *c, const lci_event_type *t, const lci_record *r,
                      lci_buf *out)
{
    size_t before = out->len;
    for (size_t i = 0; i < c->nkids; i++) {
        if (c->kind == LCI_C_ANY && !lci_cond_eval(&c->kids[i], t, r, &b->ctx)) continue;
        if (out->len > before) lci_buf_puts(out, ", ");
        cond_text(b, &c->kids[i], t, r, out);
        if (c->kind == LCI_C_ANY) return;
    }
}

static void span_text(const lci_build *b, const lci_cond *c, const lci_event_type *t, const lci_record *r,
                      lci_buf *out)
{
    int64_t ns;
    if (c->field == t->anchor && c->field2 == t->ends) lci_buf_puts(out, "duration ");
    else lci_buf_printf(out, "%s − %s ", t->fields[c->field2].name, t->fields[c->field].name);
    lci_unit shown = c->band.has_lo ? c->band.lo.unit : c->band.hi.unit;
    if (!lci_record_span(r, c->field, c->field2, &ns)) {
        lci_buf_printf(out, "unbounded (no %s) ", t->fields[c->field2].name);
    } else {
        value_text((lci_exact){ns, 1}, shown, out);
        lci_buf_putc(out, ' ');
    }
    band_text(b->m, &c->band, shown, out);
}

static void cond_text(const lci_build *b, const lci_cond *c, const lci_event_type *t, const lci_record *r,
                      lci_buf *out)
{
    char buf[64];
    switch (c->kind) {
    case LCI_C_ALL:
    case LCI_C_ANY: kids_text(b, c, t, r, out); return;
    case LCI_C_NOT: lci_buf_puts(out, "not as excluded"); return;
    case LCI_C_IS:
    case LCI_C_IN:
        lci_buf_printf(out, "%s %s", t->fields[c->field].name, field_value_text(b, t, c->field, r, buf, sizeof buf));
        return;
    case LCI_C_SEVERITY:
        lci_buf_printf(out, "%s %s", b->m->severity_field,
                       b->m->severity_levels[lci_has(r, t->severity) ? r->v[t->severity] : 0]);
        return;
    case LCI_C_PRESENT: lci_buf_printf(out, "%s given", t->fields[c->field].name); return;
    case LCI_C_ABSENT: lci_buf_printf(out, "no %s", t->fields[c->field].name); return;
    case LCI_C_NUM:
        lci_buf_printf(out, "%s %s ", t->fields[c->field].name, field_value_text(b, t, c->field, r, buf, sizeof buf));
        band_text(b->m, &c->band, LCI_UNIT_NONE, out);
        return;
    case LCI_C_SPAN: span_text(b, c, t, r, out); return;
    case LCI_C_WITHIN: {
        const char *name = calendar_range_name(b, c->calendar, r->v[c->field]);
        lci_buf_printf(out, "%s in a %s period%s%s", t->fields[c->field].name, b->m->calendars[c->calendar].name,
                       name ? " " : "", name ? name : "");
        return;
    }
    }
}

static char *event_reason(const lci_build *b, const lci_rule *r, const lci_record *rec)
{
    const lci_event_type *t = &b->m->types[rec->type];
    lci_buf out;
    lci_buf_init(&out);
    lci_buf_printf(&out, "%s %s", r->label ? r->label : t->label, lci_idtable_get(&b->ev->ids, rec->id));
    if (r->where) {
        lci_buf_puts(&out, ": ");
        cond_text(b, r->where, t, rec, &out);
    }
    return lci_buf_take(&out, NULL);
}

/* ---- per-event rules ---- */

static int matches_rule(const lci_build *b, const lci_rule *r, const lci_record *rec)
{
    const lci_event_type *t = &b->m->types[rec->type];
    if (!lci_cond_eval(r->where, t, rec, &b->ctx)) return 0;
    for (size_t i = 0; i < r->nunless; i++) {
        const lci_rule *other = &b->m->rules[r->unless[i]];
        if ((int)rec->type == other->type && lci_cond_eval(other->where, t, rec, &b->ctx)) return 0;
    }
    return 1;
}

/* Incidents and violations need no reason: none is shown for them. */
static int apply_to_event(lci_build *b, const lci_rule *r, const lci_record *rec)
{
    int wants_reason = r->kind == LCI_R_BREACH || (r->kind == LCI_R_FINDING && !r->message);
    emission e = {-1, rec, {0}, wants_reason ? event_reason(b, r, rec) : NULL};
    if ((wants_reason && !e.reason) || lci_build_refs_of_records(&rec, 1, &e.events) != 0) {
        emission_free(&e);
        return -1;
    }
    return emit(b, r, &e);
}

static int apply_event_rule(lci_build *b, const lci_rule *r)
{
    const lci_store *st = &b->ev->stores[r->type];
    for (size_t i = 0; i < st->n; i++) {
        const lci_record *rec = lci_store_at(st, i);
        if (matches_rule(b, r, rec) && apply_to_event(b, r, rec) != 0) return -1;
    }
    return 0;
}

/* ---- clusters (附件6 第3项: 7 天内连续宕机3次以上或累计4小时以上) ---- */

typedef struct cluster_item {
    const lci_record *rec;
    lci_time start, end;
} cluster_item;

/* The window at the event being visited: items [lo, hi) in (start, seq)
 * order, their durations added up.  It holds exactly what the rule gathers
 * there, the events not yet counted: a fire counts every uncounted event of
 * its window, and those left before the window lie before every later
 * window too (windows only move forward), so after a fire the windows
 * start empty after the fire's last tie.  One pass over the sorted events
 * does the rule, instead of a scan of every event at each. */
typedef struct cluster_window {
    size_t lo, hi;
    __int128 total;
} cluster_window;

static int cluster_cmp(const void *a, const void *b)
{
    const cluster_item *x = a, *y = b;
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    return x->rec->seq < y->rec->seq ? -1 : x->rec->seq > y->rec->seq;
}

/* Moves the window to the event at `at`: the events whose start lies in
 * [start − window, start], bounds included, and so the later ties in input
 * order too (rules/README.md, choice 1).  Starts and `at` only grow, so
 * each event enters and leaves once. */
static void cluster_slide(const cluster_item *items, size_t n, size_t at, lci_time window, cluster_window *w)
{
    lci_time start = items[at].start;
    for (; w->hi < n && items[w->hi].start <= start; w->hi++) w->total += items[w->hi].end - items[w->hi].start;
    __int128 from = (__int128)start - window; /* a window reaching before 1677 does not overflow */
    for (; w->lo < w->hi && items[w->lo].start < from; w->lo++) w->total -= items[w->lo].end - items[w->lo].start;
}

static int cluster_fires(const lci_build *b, const lci_rule *r, const cluster_window *w)
{
    int count_hit = r->has_count_ge && lci_exact_cmp_qty(b->m, (lci_exact){w->hi - w->lo, 1}, &r->count_ge) >= 0;
    int total_hit = r->has_total_ge && lci_exact_cmp_qty(b->m, (lci_exact){w->total, 1}, &r->total_ge) >= 0;
    return count_hit || total_hit;
}

/* The breach at the event `at`, naming the window's events in (start, seq) order. */
static int emit_cluster(lci_build *b, const lci_rule *r, const cluster_item *items, const cluster_window *w, size_t at)
{
    size_t k = w->hi - w->lo;
    lci_buf why;
    lci_buf_init(&why);
    lci_buf_printf(&why, "%zu %s%s within ", k, b->m->types[r->type].label, k == 1 ? "" : "s");
    format_qty(b->m, &r->window, LCI_UNIT_NONE, &why);
    lci_buf_puts(&why, ", in all ");
    value_text((lci_exact){w->total, 1}, r->has_total_ge ? r->total_ge.unit : LCI_UNIT_MIN, &why);
    emission e = {-1, items[at].rec, {0}, lci_buf_take(&why, NULL)};
    if (!e.reason || new_refs(k, &e.events) != 0) {
        emission_free(&e);
        return -1;
    }
    for (size_t j = 0; j < k; j++) e.events.ids[j] = items[w->lo + j].rec->id;
    return emit(b, r, &e);
}

static int apply_cluster_rule(lci_build *b, const lci_rule *r)
{
    const lci_store *st = &b->ev->stores[r->type];
    const lci_event_type *t = &b->m->types[r->type];
    cluster_item *items = malloc((st->n ? st->n : 1) * sizeof *items);
    if (!items) return -1;
    size_t n = 0;
    for (size_t i = 0; i < st->n; i++) {
        const lci_record *rec = lci_store_at(st, i);
        if (matches_rule(b, r, rec)) items[n++] = (cluster_item){rec, rec->v[t->anchor], rec->v[t->ends]};
    }
    lci_sort(items, n, sizeof *items, cluster_cmp);
    lci_dec wd = lci_qty_value(b->m, &r->window);
    lci_time window = (lci_time)((__int128)wd.coef * lci_unit_ns(r->window.unit) / lci_pow10(wd.scale));
    cluster_window w = {0, 0, 0};
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        cluster_slide(items, n, i, window, &w);
        if (!cluster_fires(b, r, &w)) continue;
        rc = emit_cluster(b, r, items, &w, i);
        w = (cluster_window){w.hi, w.hi, 0}; /* counted, never to fire again */
    }
    free(items);
    return rc;
}

/* ---- month rules ---- */

static char *month_reason(const lci_build *b, const lci_rule *r, const lci_mvalue *v, int streak)
{
    const lci_measure *me = &b->m->measures[r->measure];
    lci_buf out;
    lci_buf_init(&out);
    lci_buf_printf(&out, "%s ", me->label);
    value_text(v->value, me->unit, &out);
    lci_buf_putc(&out, ' ');
    band_text(b->m, &r->band, me->unit, &out);
    if (streak) lci_buf_printf(&out, " for %d consecutive months", streak);
    if (r->impact) lci_buf_printf(&out, ", %s %s", b->m->severity_field, b->m->severity_levels[v->severity]);
    return lci_buf_take(&out, NULL);
}

static int month_matches(lci_build *b, const lci_rule *r, const lci_mvalue *v)
{
    if (!v->present || !lci_band_has(b->m, &r->band, v->value)) return 0;
    b->ctx.month_severity = v->severity;
    return lci_cond_eval(r->impact, NULL, NULL, &b->ctx);
}

static int emit_month(lci_build *b, const lci_rule *r, int month, const lci_mvalue *v, int streak)
{
    emission e = {month, NULL, {0}, month_reason(b, r, v, streak)};
    if (!e.reason || lci_build_refs(v->ids, v->nids, &e.events) != 0) {
        emission_free(&e);
        return -1;
    }
    return emit(b, r, &e);
}

static int apply_month_rule(lci_build *b, const lci_rule *r)
{
    for (int i = 0; i < b->m->nmonths; i++) {
        const lci_mvalue *v = lci_figure(&b->fig, r->measure, i);
        if (month_matches(b, r, v) && emit_month(b, r, i, v, 0) != 0) return -1;
    }
    return 0;
}

/* 附件5 第12项: at the 3rd, 6th, ... calendar-consecutive month in the band;
 * a month without a value breaks the run. */
static int apply_streak_rule(lci_build *b, const lci_rule *r)
{
    int64_t every = 0;
    if (lci_dec_rescale(lci_qty_value(b->m, &r->streak), 0, &every) != LCI_NUM_OK || every < 1) return 0;
    int run = 0;
    for (int i = 0; i < b->m->nmonths; i++) {
        const lci_mvalue *v = lci_figure(&b->fig, r->measure, i);
        run = month_matches(b, r, v) ? run + 1 : 0;
        if (run > 0 && run % every == 0 && emit_month(b, r, i, v, run) != 0) return -1;
    }
    return 0;
}

/* ---- rules written as Lua functions, per month ---- */

static void push_month_table(lci_build *b, lua_State *L, int month)
{
    char label[8];
    lua_createtable(L, 0, (int)b->m->nmeasures + 2);
    lci_month_format(b->m->first_month + month, label, sizeof label);
    lua_pushstring(L, label);
    lua_setfield(L, -2, "month");
    for (size_t mi = 0; mi < b->m->nmeasures; mi++) {
        const lci_mvalue *v = lci_figure(&b->fig, (int)mi, month);
        if (!v->present) continue;
        lua_pushnumber(L, lci_exact_to_double(v->value, b->m->measures[mi].unit));
        lua_setfield(L, -2, b->m->measures[mi].name);
    }
}

/* The parameters' current values, by name, for rules written as functions. */
static void push_params(const lci_model *m, lua_State *L)
{
    lua_createtable(L, 0, (int)m->nparams);
    for (size_t i = 0; i < m->nparams; i++) {
        lua_pushnumber(L, lci_dec_to_double(m->params[i].value));
        lua_setfield(L, -2, m->params[i].name);
    }
}

/* Runs inside the sandbox's protected, budgeted call: building the
 * arguments may run out of the state's memory like the rule itself. */
static int call_check(lua_State *L)
{
    lci_build *b = lua_touserdata(L, 1);
    const lci_rule *r = lua_touserdata(L, 2);
    int month = (int)lua_tointeger(L, 3);
    lua_settop(L, 0);
    lua_rawgeti(L, LUA_REGISTRYINDEX, r->lua_ref);
    push_month_table(b, L, month);
    push_params(b->m, L);
    lua_call(L, 2, 2);
    return 2;
}

/* The longest reason a rule function may give (bytes): reasons are kept
 * per month and rule, so their size must not be the rule file's choice. */
#define LCI_REASON_LIMIT 4096

/* A rule function's error: the rule and its line, in the rule file. */
static int rule_error(lci_build *b, const lci_rule *r, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int rule_error(lci_build *b, const lci_rule *r, const char *fmt, ...)
{
    char msg[LC_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    b->failed = lci_fail(b->err, LC_ERULES, "[rules]", r->line, "rule %s: %s", r->id, msg);
    lci_error_locate(b->err, "[rules]", b->ev->engine->name);
    return -2;
}

/* The sandbox stopped rule r (its message "[rules]:LINE: ..." located in
 * the rule file). */
static int sandbox_stop(lci_build *b, const lci_rule *r, const char *msg)
{
    b->failed = LC_ERULES;
    if (!b->err) return -2;
    lci_fail(b->err, LC_ERULES, "[rules]", r->line, "%s", msg);
    lci_error_locate(b->err, "[rules]", b->ev->engine->name);
    char *text = lci_format("rule %s: %s", r->id, b->err->message);
    if (text) snprintf(b->err->message, sizeof b->err->message, "%s", text);
    free(text);
    return -2;
}

/* What `check` returned for month i (on the stack top: hit, reason):
 * 1 a hit with *reason (the caller's), 0 none, -2 an error.  Lua's
 * truthiness would count NaN, 0 or a table as a hit: only a boolean (or
 * nil) says whether the rule applies, and the reason must be text. */
static int check_returns(lci_build *b, const lci_rule *r, int i, lua_State *L, char **reason)
{
    char month[8];
    lci_month_format(b->m->first_month + i, month, sizeof month);
    *reason = NULL;
    int t = lua_type(L, -2);
    if (t != LUA_TBOOLEAN && t != LUA_TNIL) {
        char shown[48] = "";
        if (t == LUA_TNUMBER) snprintf(shown, sizeof shown, " (%.14g)", lua_tonumber(L, -2));
        return rule_error(b, r, "check returned a %s%s for %s: it must return true, false or nil first", lua_typename(L, t),
                          shown, month);
    }
    if (!lua_toboolean(L, -2)) return 0;
    size_t len = 0;
    int rt = lua_type(L, -1);
    if (rt != LUA_TSTRING && rt != LUA_TNIL)
        return rule_error(b, r, "check returned a %s as the reason for %s: give a string or nothing", lua_typename(L, rt), month);
    const char *why = rt == LUA_TSTRING ? lua_tolstring(L, -1, &len) : r->id;
    if (rt == LUA_TSTRING && len > LCI_REASON_LIMIT)
        return rule_error(b, r, "the reason for %s is %zu bytes long: at most %d", month, len, LCI_REASON_LIMIT);
    if (rt == LUA_TSTRING && !lci_utf8_text(why, len))
        return rule_error(b, r, "the reason for %s is not text (a NUL byte or invalid UTF-8)", month);
    *reason = lci_strdup(why);
    return *reason ? 1 : -1;
}

static int apply_lua_rule(lci_build *b, const lci_rule *r)
{
    lci_sandbox *sb = b->ev->engine->sb;
    lua_State *L = lci_sandbox_lua(sb);
    char msg[LC_ERROR_MESSAGE_MAX];
    for (int i = 0; i < b->m->nmonths; i++) {
        if (!lua_checkstack(L, 8)) return -1;
        lua_pushcfunction(L, call_check);
        lua_pushlightuserdata(L, b);
        lua_pushlightuserdata(L, (void *)r);
        lua_pushinteger(L, i);
        if (lci_sandbox_call(sb, 3, 2, msg, sizeof msg) != 0) return sandbox_stop(b, r, msg);
        emission e = {i, NULL, {0}, NULL};
        int hit = check_returns(b, r, i, L, &e.reason);
        lua_pop(L, 2);
        if (hit < 0) return hit;
        if (hit && emit(b, r, &e) != 0) return -1;
    }
    return 0;
}

static int apply_rule(lci_build *b, int ri)
{
    const lci_rule *r = &b->m->rules[ri];
    switch (r->scope) {
    case LCI_S_EVENT: return apply_event_rule(b, r);
    case LCI_S_MONTH: return apply_month_rule(b, r);
    case LCI_S_STREAK: return apply_streak_rule(b, r);
    case LCI_S_CLUSTER: return apply_cluster_rule(b, r);
    case LCI_S_LUA: return apply_lua_rule(b, r);
    }
    return 0;
}

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
static int sum_overflows(lci_build *b, const char *what)
{
    const lci_model *m = b->m;
    int set = 0;
    for (size_t i = 0; i < m->nparams && !set; i++) set = lci_dec_cmp(m->params[i].value, m->params[i].declared) != 0;
    b->failed = lci_fail(b->err, set ? LC_EUSAGE : LC_ERULES, set ? NULL : b->ev->engine->name, 0,
             "%s of %zu breaches is more than can be counted exactly (92233720368547758.07): the amounts the %s "
             "give are too large", what, b->res->nbreaches, set ? "parameters as set" : "rule file's parameters");
    return -2;
}

static int add_cut(lci_build *b, const lci_cap *c, int month, int64_t limit, int64_t cut)
{
    static const char *const windows[] = {"term", "month", "rolling_months"};
    lci_rcap rc = {lci_strdup(c->id), lci_strdup(windows[c->window]), month, limit, cut};
    if (!rc.id || !rc.window || LCI_PUSH(b->res->caps, b->res_caps.caps, b->res->ncaps, rc) != 0) {
        free(rc.id);
        free(rc.window);
        return -1;
    }
    return 0;
}

static int64_t cap_limit(const lci_build *b, const lci_cap *c)
{
    int64_t limit;
    return lci_money_value(b->m, &c->amount, &limit) == 0 ? limit : -1;
}

/* Each month's own cap (the limit per month). */
static int cap_each_month(lci_build *b, const lci_cap *c, int64_t *allowed)
{
    int64_t limit = cap_limit(b, c);
    for (int i = 0; limit >= 0 && i < b->m->nmonths; i++)
        if (allowed[i] > limit) {
            if (add_cut(b, c, i, limit, allowed[i] - limit) != 0) return -1;
            allowed[i] = limit;
        }
    return 0;
}

/* Any `months` consecutive months together at most that many monthly
 * limits (the whole term when it is shorter).  Credits are granted in time
 * order: a month gets what every window holding it still has room for. */
static int cap_rolling(lci_build *b, const lci_cap *c, int64_t *allowed)
{
    int n = b->m->nmonths, k = c->months < n ? c->months : n;
    int64_t window_limit;
    if (lci_cap_window_limit(b->m, c, &window_limit) != 0) return 0; /* checked at load and set */
    for (int i = 0; i < n; i++) {
        __int128 room = INT64_MAX;
        for (int s = i - k + 1 < 0 ? 0 : i - k + 1; s <= i && s <= n - k; s++) {
            __int128 left = window_limit;
            for (int j = s; j < i; j++) left -= allowed[j];
            if (left < room) room = left;
        }
        if (room < 0) room = 0;
        if (allowed[i] > room) {
            if (add_cut(b, c, i, window_limit, allowed[i] - (int64_t)room) != 0) return -1;
            allowed[i] = (int64_t)room;
        }
    }
    return 0;
}

/* Caps stack from the narrowest window out, whatever order the rule file
 * declares them in: months, then rolling windows, then the term. */
static int apply_caps(lci_build *b, int64_t *allowed)
{
    lc_result *res = b->res;
    const lci_model *m = b->m;
    int64_t total = 0;
    for (size_t i = 0; i < m->ncaps; i++)
        if (m->caps[i].window == LCI_CAP_MONTH && cap_each_month(b, &m->caps[i], allowed) != 0) return -1;
    for (size_t i = 0; i < m->ncaps; i++)
        if (m->caps[i].window == LCI_CAP_ROLLING && cap_rolling(b, &m->caps[i], allowed) != 0) return -1;
    for (int i = 0; i < m->nmonths; i++)
        if (lci_fen_add(total, allowed[i], &total) != 0) return sum_overflows(b, "the total after the monthly caps");
    res->cap = -1;
    for (size_t i = 0; i < m->ncaps; i++) {
        const lci_cap *c = &m->caps[i];
        int64_t limit = c->window == LCI_CAP_TERM ? cap_limit(b, c) : -1;
        if (limit < 0) continue;
        if (res->cap < 0 || limit < res->cap) res->cap = limit;
        if (total > limit) {
            if (add_cut(b, c, -1, limit, total - limit) != 0) return -1;
            total = limit;
        }
    }
    res->amount = total;
    res->capped = total < res->amount_uncapped;
    return 0;
}

static int finish_breaches(lci_build *b)
{
    lc_result *res = b->res;
    int64_t *allowed = calloc((size_t)b->m->nmonths + 1, sizeof *allowed);
    if (!allowed) return -1;
    res->pct_of_base = (lci_dec){0, 0};
    for (size_t i = 0; i < res->nbreaches; i++) {
        lci_rbreach *br = &res->breaches[i];
        br->first_event = br->events.n ? lci_result_id(res, br->events.ids[0]) : "";
        lci_dec_format_short(br->pct, br->pct_text, sizeof br->pct_text);
        if (br->has_at) lci_time_format(br->at, b->m->offset_min, br->at_text, sizeof br->at_text);
        if (lci_fen_add(res->amount_uncapped, br->amount, &res->amount_uncapped) != 0 ||
            lci_fen_add(allowed[br->cap_month], br->amount, &allowed[br->cap_month]) != 0 ||
            dec_add(res->pct_of_base, br->pct, &res->pct_of_base) != 0) {
            free(allowed);
            return sum_overflows(b, "the sum");
        }
    }
    lci_dec_format_short(res->pct_of_base, res->pct_of_base_text, sizeof res->pct_of_base_text);
    for (size_t i = 0; i < res->nincidents; i++)
        lci_time_format(res->incidents[i].at, b->m->offset_min, res->incidents[i].at_text, sizeof res->incidents[i].at_text);
    lci_sort(res->breaches, res->nbreaches, sizeof *res->breaches, breach_cmp);
    lci_sort(res->incidents, res->nincidents, sizeof *res->incidents, incident_cmp);
    int rc = apply_caps(b, allowed);
    free(allowed);
    return rc;
}

/* ---- the result ---- */

static void free_build(lci_build *b)
{
    lci_calendars_free(&b->cals);
    lci_figures_free(&b->fig, b->m->nmeasures);
    for (size_t i = 0; b->violations && i < b->m->nrules; i++) {
        for (size_t j = 0; j < b->violations[i].n; j++) free(b->violations[i].items[j].events.ids);
        free(b->violations[i].items);
    }
    free(b->violations);
}

static int evaluate(lci_build *b)
{
    if (lci_calendars_build(&b->cals, b->ev) != 0 || lci_figures_compute(&b->fig, b->ev) != 0) return -1;
    b->ctx = (lci_cond_ctx){b->m, &b->cals, 0};
    b->violations = calloc(b->m->nrules + 1, sizeof *b->violations);
    if (!b->violations || lci_shape(b) != 0) return -1;
    for (size_t i = 0; i < b->m->nrules; i++) {
        int rc = apply_rule(b, (int)i);
        if (rc) return rc;
    }
    int rc = finish_breaches(b);
    if (rc != 0) return rc;
    return lci_outcomes(b);
}

lc_status lc_eval_result(lc_eval *ev, lc_result **out, lc_error *err)
{
    if (!out) return lci_fail(err, LC_EUSAGE, NULL, 0, "lc_eval_result: out is NULL");
    *out = NULL;
    if (!ev) return lci_fail(err, LC_EUSAGE, NULL, 0, "lc_eval_result: NULL evaluation");
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
    int rc = b.res ? evaluate(&b) : -1;
    free_build(&b);
    if (rc != 0) {
        lc_result_free(b.res);
        return rc == -2 ? b.failed : lci_oom(err);
    }
    *out = b.res;
    return LC_OK;
}
