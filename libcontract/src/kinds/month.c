/* month.c — the kind of rule that compares a month's figure with a band.
 *
 *     breach "minor.1" { class = "minor", pct = 5, month = "availability",
 *                        band = { lt = P.availability_target }, impact = impact { "none", "incident" } }
 *
 * Applies to each month whose figure lies in the band and whose severity
 * (the highest among the events behind the figure) `impact` admits; a
 * month without a figure never applies. */
#include <stdio.h>

#include "eval/emit.h"
#include "kinds/kind.h"
#include "kinds/shared.h"
#include "rules/words.h"

int lci_kind_read_month(lci_reader *r, int spec, lci_rule *rule)
{
    int ok = lci_read_measure_ref(r, spec, "month", &rule->measure);
    if (ok == 0 && rule->measure < 0) ok = lci_read_fail(r, rule->line, "rule %s: month must name a measure", rule->id);
    if (ok == 0) ok = lci_read_band(r, spec, "band", &rule->band);
    if (ok == 0) ok = lci_read_band_units(r, &rule->band, lci_unit_is_duration(r->m->measures[rule->measure].unit), rule->id);
    if (ok == 0) ok = lci_read_cond(r, spec, "impact", NULL, &rule->impact);
    if (ok == 0 && rule->impact && rule->impact->kind != LCI_C_SEVERITY)
        ok = lci_read_fail(r, rule->line, "rule %s: impact must be impact \"level\" or impact { levels }", rule->id);
    return ok;
}

lc_status lci_emit_month(lci_build *b, const lci_rule *r, int month, const lci_mvalue *v, int streak)
{
    lci_emission e = {.month = month, .reason = lci_wants_reason(r) ? lci_month_reason(b, r, v, streak) : NULL};
    if (lci_build_refs(v->ids, v->nids, &e.events) != 0) {
        lci_emission_free(&e);
        return LC_ENOMEM;
    }
    return lci_emit(b, r, &e);
}

static lc_status apply(lci_build *b, const lci_rule *r)
{
    lc_status rc = LC_OK;
    for (int i = 0; i < b->m->nmonths && rc == LC_OK; i++) {
        const lci_mvalue *v = lci_figure(&b->fig, r->measure, i);
        if (lci_month_matches(b, r, v)) rc = lci_emit_month(b, r, i, v, 0);
    }
    return rc;
}

/* ---- headroom, as of an instant ---- */

/* What the rule costs for month mi (an incident: nothing). */
static int month_price(lci_build *b, const lci_rule *r, int mi, lci_rheadroom *h)
{
    lci_emission e = LCI_EMISSION_INIT;
    e.month = mi;
    if (r->outcome != LCI_R_BREACH) return 0;
    h->has_amount = lci_price(b, r, &e, mi, &h->amount, NULL) == LC_OK;
    return 0;
}

/* ", minor.1, 8598.00 at impact serious" for the words. */
static void price_words(const lci_model *m, const lci_rule *r, const lci_rheadroom *h, char *buf, size_t size)
{
    char a[32] = "";
    if (h->has_amount) lci_fen_format(h->amount, a, sizeof a);
    size_t n = (size_t)snprintf(buf, size, "%s%s%s", h->rule, h->has_amount ? ", " : "", a);
    for (size_t i = 0, first = 1; r->impact && i < m->nseverity && n < size; i++) {
        if (!(r->impact->set >> i & 1)) continue;
        n += (size_t)snprintf(buf + n, size - n, "%s%s", first ? " at impact " : " or ", m->severity_levels[i]);
        first = 0;
    }
}

/* "12.5" for num/den as a percentage with one digit (rounded half up). */
static void share_text(__int128 num, __int128 den, char *buf, size_t size)
{
    __int128 tenths = den > 0 ? (num * 1000 + den / 2) / den : 0;
    snprintf(buf, size, "%lld.%lld", (long long)(tenths / 10), (long long)(tenths % 10));
}

/* The downtime of an event still open at the instant goes on: the id of
 * one behind the figure, or NULL. */
static const char *still_open(lci_build *b, const lci_measure *me, const lci_mvalue *v)
{
    const lci_store *st = lci_build_records(b, me->type);
    for (size_t i = 0; b->ev->nopen && i < st->n; i++) {
        const lci_record *rec = lci_store_at(st, i);
        if (!lci_eval_open_at_as_of(b->ev, rec)) continue;
        for (size_t k = 0; k < v->nids; k++)
            if (v->ids[k] == rec->id) return lci_idtable_get(&b->ev->ids, rec->id);
    }
    return NULL;
}

/* Availability: the downtime the rest of the month may still take before
 * the band's upper bound is crossed — at month's end, 100 × (1 − (D + x)
 * / L) < B for x beyond L × (100 − B) / 100 − D (the example: 43.2
 * min in a 30-day month at 99.9%, 23.2 left after 20) — and the burn rate
 * as SLO tools report it for an error budget: the share of that room used
 * against the share of the month gone and, at the rate so far, the
 * instant the room runs out — or, while an outage is still open, the
 * instant it uses the room up if it goes on. */
static int downtime_headroom(lci_build *b, const lci_rule *r, int mi, const lci_mvalue *v)
{
    const lci_model *m = b->m;
    if (!r->band.has_hi || (r->band.has_lo && v->present && lci_exact_cmp_qty(m, v->value, &r->band.lo) < 0))
        return 0; /* no upper bound, or past this band already: a lower one speaks */
    lci_time s, e;
    lci_model_month_bounds(m, mi, &s, &e);
    __int128 len = e - s, gone = (b->ev->as_of < e ? b->ev->as_of : e) - s;
    __int128 down = v->present ? len - v->value.num / 100 : 0; /* the figure is (len − down) × 100 / len */
    lci_dec bound = lci_qty_value(m, &r->band.hi);
    __int128 scale = lci_pow10(bound.scale);
    __int128 allowed = len * (100 * scale - bound.coef) / (100 * scale), room = allowed - down;
    int in_band = v->present && lci_band_has(m, &r->band, v->value);
    lci_rheadroom h = lci_headroom_item("downtime", r->id, "min");
    h.crossed = in_band && lci_month_matches(b, r, v);
    month_price(b, r, mi, &h);
    lci_format_exact((lci_exact){room > 0 ? room : 0, 1}, LCI_UNIT_MIN, h.left, sizeof h.left);
    if (allowed > 0) share_text(down, allowed, h.used, sizeof h.used);
    share_text(gone, len, h.gone, sizeof h.gone);
    const char *open = in_band ? NULL : still_open(b, &m->measures[r->measure], v);
    __int128 gone_at = open ? s + gone + room : down > 0 ? s + gone * allowed / down : e;
    if (!in_band && gone_at < e) lci_time_format((lci_time)gone_at, m->offset_min, h.at, sizeof h.at);
    char bnd[48], who[160];
    lci_dec_format_short(bound, bnd, sizeof bnd);
    price_words(b->m, r, &h, who, sizeof who);
    const char *month = b->res->months[mi].label, *label = m->measures[r->measure].label;
    const char *side = r->band.hi_incl ? "at or below" : "below";
    if (in_band)
        h.what = lci_format("%s in %s is %s %s%% already: %s%s", label, month, side, bnd, who,
                            h.crossed ? " applies (provisional)" : ", not at the impact so far");
    else
        h.what = lci_format("%s%s min more downtime in %s puts %s %s %s%%: %s; %s%% of the room used, %s%% of the "
                            "month gone%s%s%s%s%s",
                            r->band.hi_incl ? "" : "more than ", h.left, month, label, side, bnd, who,
                            allowed > 0 ? h.used : "-", h.gone,
                            !h.at[0] ? "" : open ? "; the room is gone at " : "; at this rate the room is gone at ", h.at,
                            open ? " if " : "", open ? open : "", open ? " stays open" : "");
    return lci_headroom_add(b, &h);
}

/* A count: how many more events before the band's lower bound. */
static int count_headroom(lci_build *b, const lci_rule *r, int mi, const lci_mvalue *v)
{
    if (!r->band.has_lo) return 0;
    lci_dec lo = lci_qty_value(b->m, &r->band.lo);
    int64_t need = lo.coef / lci_pow10(lo.scale) + (r->band.lo_incl ? 0 : 1), have = v->present ? (int64_t)v->value.num : 0;
    lci_rheadroom h = lci_headroom_item("count", r->id, "events");
    h.crossed = v->present && lci_month_matches(b, r, v);
    char who[160];
    month_price(b, r, mi, &h);
    price_words(b->m, r, &h, who, sizeof who);
    snprintf(h.left, sizeof h.left, "%lld", (long long)(need > have ? need - have : 0));
    h.what = h.crossed ? lci_format("%s: %lld so far in %s: %s applies (provisional)", b->m->measures[r->measure].label,
                                    (long long)have, b->res->months[mi].label, who)
                       : lci_format("%s: %lld so far in %s; %s more and %s applies", b->m->measures[r->measure].label,
                                    (long long)have, b->res->months[mi].label, h.left, who);
    return lci_headroom_add(b, &h);
}

/* An average, a score: the value so far against the band (no forecast). */
static int value_headroom(lci_build *b, const lci_rule *r, int mi, const lci_mvalue *v)
{
    const lci_measure *me = &b->m->measures[r->measure];
    lci_rheadroom h = lci_headroom_item("average", r->id, lci_unit_name(me->unit));
    h.crossed = lci_month_matches(b, r, v);
    lci_buf words;
    char who[160];
    lci_buf_init(&words);
    month_price(b, r, mi, &h);
    price_words(b->m, r, &h, who, sizeof who);
    lci_buf_printf(&words, "%s so far in %s: ", me->label, b->res->months[mi].label);
    lci_value_words(v->value, me->unit, &words);
    lci_buf_printf(&words, "; %s applies ", who);
    lci_band_words(b->m, &r->band, me->unit, &words);
    if (h.crossed) lci_buf_puts(&words, " (so far it does)");
    h.what = lci_buf_take(&words, NULL);
    return lci_headroom_add(b, &h);
}

int lci_kind_month_headroom(lci_build *b, const lci_rule *r)
{
    int mi = lci_as_of_month(b);
    const lci_measure *me = &b->m->measures[r->measure];
    const lci_mvalue *v = lci_figure(&b->fig, r->measure, mi);
    if (b->res->months[mi].progress == LCI_MONTH_NOT_ASSESSED) return 0;
    if (me->kind == LCI_M_AVAILABILITY) return downtime_headroom(b, r, mi, v);
    if (me->kind == LCI_M_COUNT) return count_headroom(b, r, mi, v);
    return v->present ? value_headroom(b, r, mi, v) : 0;
}

void lci_kind_describe_month(const lci_model *m, const lci_rule *r, lci_buf *out)
{
    const lci_measure *me = &m->measures[r->measure];
    lci_buf_printf(out, "each month whose %s is ", me->label);
    lci_band_words(m, &r->band, me->unit, out);
}

static const char *const selects[] = {"month", NULL};

const lci_key lci_month_keys[] = {
    {"month", LCI_SHAPE_STRING, NULL},
    {"band", LCI_SHAPE_BAND, NULL},
    {"impact", LCI_SHAPE_IMPACT, NULL},
    LCI_KEYS_END,
};

const lci_kind lci_kind_month = {
    .name = "month",
    .selects = selects,
    .keys = lci_month_keys,
    .family = LCI_FAMILY_MONTH,
    .read = lci_kind_read_month,
    .apply = apply,
    .headroom = lci_kind_month_headroom,
    .describe = lci_kind_describe_month,
};
