/* diff.c — comparing two results: what a rule change does.
 *
 * Breaches are matched by identity: the rule and its month for a month's
 * breach, the rule, time and first event for an event's.  Matched breaches
 * whose money or events differ are "changed"; the rest are added or
 * removed.  Money is also summed per rule, before and after. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "api/result.h"
#include "base/textwidth.h"
#include "base/util.h"

typedef struct pairing {
    int *match_of_old; /* index into new breaches, or -1 */
    int *new_taken;
    int *inc_old, *inc_new;
} pairing;

static const char *event_id(const lc_result *r, const lci_refs *refs, size_t i)
{
    return i < refs->n ? lci_result_id(r, refs->ids[i]) : "";
}

static const char *breach_month(const lc_result *r, const lci_rbreach *b)
{
    return b->month >= 0 ? r->months[b->month].label : "";
}

/* <0, 0, >0: event lists compared by length, then id by id (0: the same events). */
static int events_cmp(const lc_result *ra, const lci_refs *a, const lc_result *rb, const lci_refs *b)
{
    if (a->n != b->n) return a->n < b->n ? -1 : 1;
    for (size_t i = 0; i < a->n; i++) {
        int c = strcmp(event_id(ra, a, i), event_id(rb, b, i));
        if (c != 0) return c;
    }
    return 0;
}

static int same_events(const lc_result *ra, const lci_refs *a, const lc_result *rb, const lci_refs *b)
{
    return events_cmp(ra, a, rb, b) == 0;
}

static int same_breach(const lc_result *ra, const lci_rbreach *a, const lc_result *rb, const lci_rbreach *b)
{
    return a->amount == b->amount && a->has_pct == b->has_pct && lci_dec_cmp(a->pct, b->pct) == 0 &&
           same_events(ra, &a->events, rb, &b->events);
}

/* ---- pairing ----
 * Each old breach pairs with the first new one of the same identity not yet
 * taken, in result order, so the k-th old breach of an identity pairs with
 * the k-th new one; incidents likewise.  Both sides sorted by (identity,
 * place) and walked together give those pairs in O(n log n), where a scan
 * of the new side for each old breach took O(n²). */

/* A breach or an incident of one side, with its place in its result. */
typedef struct keyed {
    const lc_result *res;
    const void *item;
    size_t index;
} keyed;

/* Identity: the rule and its month for a month's breach, the rule, time
 * and first event for an event's.  (A month's label, "2026-04", is never
 * the empty one of an event's breach: comparing which kind each is after
 * the label only keeps the order total.) */
static int breach_identity(const keyed *x, const keyed *y)
{
    const lci_rbreach *a = x->item, *b = y->item;
    int c = strcmp(a->rule, b->rule);
    if (c == 0) c = strcmp(breach_month(x->res, a), breach_month(y->res, b));
    if (c == 0) c = (a->month >= 0) - (b->month >= 0);
    if (c != 0 || a->month >= 0) return c;
    if (a->has_at != b->has_at) return a->has_at < b->has_at ? -1 : 1;
    if (a->at != b->at) return a->at < b->at ? -1 : 1;
    return strcmp(event_id(x->res, &a->events, 0), event_id(y->res, &b->events, 0));
}

/* Identity: the rule, the time and all the events. */
static int incident_identity(const keyed *x, const keyed *y)
{
    const lci_rincident *a = x->item, *b = y->item;
    int c = strcmp(a->rule, b->rule);
    if (c == 0 && a->at != b->at) c = a->at < b->at ? -1 : 1;
    return c ? c : events_cmp(x->res, &a->events, y->res, &b->events);
}

static int place_cmp(const keyed *x, const keyed *y)
{
    return x->index < y->index ? -1 : x->index > y->index;
}

static int breach_order(const void *x, const void *y)
{
    int c = breach_identity(x, y);
    return c ? c : place_cmp(x, y);
}

static int incident_order(const void *x, const void *y)
{
    int c = incident_identity(x, y);
    return c ? c : place_cmp(x, y);
}

static void pair_breaches(pairing *p, size_t old, size_t nw)
{
    p->match_of_old[old] = (int)nw;
    p->new_taken[nw] = 1;
}

static void pair_incidents(pairing *p, size_t old, size_t nw)
{
    p->inc_old[old] = p->inc_new[nw] = 1;
}

typedef struct pair_kind {
    size_t size;                                      /* of one breach or incident */
    int (*identity)(const keyed *, const keyed *);
    int (*order)(const void *, const void *);         /* identity, then place */
    void (*pair)(pairing *p, size_t old, size_t nw);
} pair_kind;

static const pair_kind BREACHES = {sizeof(lci_rbreach), breach_identity, breach_order, pair_breaches};
static const pair_kind INCIDENTS = {sizeof(lci_rincident), incident_identity, incident_order, pair_incidents};

/* One side's items sorted by (identity, place); NULL when out of memory. */
static keyed *sorted_side(const pair_kind *kind, const lc_result *r, const void *items, size_t n)
{
    keyed *k = malloc((n ? n : 1) * sizeof *k);
    if (!k) return NULL;
    for (size_t i = 0; i < n; i++) k[i] = (keyed){r, (const char *)items + i * kind->size, i};
    lci_sort(k, n, sizeof *k, kind->order);
    return k;
}

static int pair_kind_up(const pair_kind *kind, pairing *p, const lc_result *a, const void *old, size_t nold,
                        const lc_result *b, const void *nw, size_t nnew)
{
    keyed *ko = sorted_side(kind, a, old, nold), *kn = sorted_side(kind, b, nw, nnew);
    int rc = ko && kn ? 0 : -1;
    for (size_t i = 0, j = 0; rc == 0 && i < nold && j < nnew;) {
        int c = kind->identity(&ko[i], &kn[j]);
        if (c == 0) kind->pair(p, ko[i++].index, kn[j++].index);
        else if (c < 0) i++;
        else j++;
    }
    free(ko);
    free(kn);
    return rc;
}

static int pair_up(const lc_result *a, const lc_result *b, pairing *p)
{
    p->match_of_old = malloc((a->nbreaches + 1) * sizeof *p->match_of_old);
    p->new_taken = calloc(b->nbreaches + 1, sizeof *p->new_taken);
    p->inc_old = calloc(a->nincidents + 1, sizeof *p->inc_old);
    p->inc_new = calloc(b->nincidents + 1, sizeof *p->inc_new);
    if (!p->match_of_old || !p->new_taken || !p->inc_old || !p->inc_new) return -1;
    for (size_t i = 0; i < a->nbreaches; i++) p->match_of_old[i] = -1;
    if (pair_kind_up(&BREACHES, p, a, a->breaches, a->nbreaches, b, b->breaches, b->nbreaches) != 0) return -1;
    return pair_kind_up(&INCIDENTS, p, a, a->incidents, a->nincidents, b, b->incidents, b->nincidents);
}

static void free_pairing(pairing *p)
{
    free(p->match_of_old);
    free(p->new_taken);
    free(p->inc_old);
    free(p->inc_new);
}

/* ---- rendering ---- */

typedef struct diff_ctx {
    const lc_result *a, *b;
    pairing p;
    lcr_rule_money *rows;
    size_t nrows;
    lcr_param_change *params; /* those that differ */
    size_t nparams;
    lci_buf *out;
    int differs;
} diff_ctx;

static void money_text(int64_t fen, char *buf, size_t size)
{
    lci_fen_format(fen, buf, size);
}

static void signed_money(int64_t fen, char *buf, size_t size) /* buf: 40 bytes */
{
    char m[32];
    lci_fen_format(fen < 0 ? -fen : fen, m, sizeof m);
    snprintf(buf, size, "%s%s", fen < 0 ? "-" : "+", m);
}

static void when_text(const lc_result *r, const lci_rbreach *b, char *buf, size_t size)
{
    if (b->month >= 0) snprintf(buf, size, "%s", r->months[b->month].label);
    else snprintf(buf, size, "%.16s", b->at_text);
}

static void events_text(const lc_result *r, const lci_refs *refs, lci_buf *out)
{
    for (size_t i = 0; i < refs->n && i < 8; i++) lci_buf_printf(out, "%s%s", i ? ", " : "", event_id(r, refs, i));
    if (refs->n > 8) lci_buf_printf(out, ", … (%zu in all)", refs->n);
}

static void text_breach(diff_ctx *d, char sign, const lc_result *r, const lci_rbreach *b)
{
    char when[40], amount[32], pct[32];
    when_text(r, b, when, sizeof when);
    money_text(b->amount, amount, sizeof amount);
    lcr_pct(b, pct, sizeof pct);
    lci_buf_printf(d->out, "  %c %-16s %-9s %s  %s  %s  %s\n", sign, when, b->rule, pct, amount, b->clause, b->reason);
}

static void text_changed(diff_ctx *d, size_t i)
{
    const lci_rbreach *x = &d->a->breaches[i], *y = &d->b->breaches[d->p.match_of_old[i]];
    char when[40], ma[32], mb[32], pa[32], pb[32];
    when_text(d->a, x, when, sizeof when);
    money_text(x->amount, ma, sizeof ma);
    money_text(y->amount, mb, sizeof mb);
    lcr_pct(x, pa, sizeof pa);
    lcr_pct(y, pb, sizeof pb);
    lci_buf_printf(d->out, "  ~ %-16s %-9s %s %s → %s %s", when, x->rule, pa, ma, pb, mb);
    if (!same_events(d->a, &x->events, d->b, &y->events)) {
        lci_buf_puts(d->out, "; events ");
        events_text(d->a, &x->events, d->out);
        lci_buf_puts(d->out, " → ");
        events_text(d->b, &y->events, d->out);
    }
    lci_buf_putc(d->out, '\n');
}

/* A section's heading, before its first line only: empty sections are left out. */
static void text_heading(diff_ctx *d, const char *heading, int *shown)
{
    if (!*shown) lci_buf_printf(d->out, "%s\n", heading);
    *shown = 1;
}

static void text_params(diff_ctx *d)
{
    int shown = 0;
    for (size_t i = 0; i < d->nparams; i++) {
        const lcr_param_change *c = &d->params[i];
        text_heading(d, "parameters (old → new)", &shown);
        lci_buf_printf(d->out, "  %-24s %s → %s\n", c->name, c->old_value ? c->old_value : "(none)",
                       c->new_value ? c->new_value : "(none)");
    }
}

static void text_sections(diff_ctx *d)
{
    const lc_result *a = d->a, *b = d->b;
    int shown = 0;
    for (size_t j = 0; j < b->nbreaches; j++)
        if (!d->p.new_taken[j]) text_heading(d, "breaches added", &shown), text_breach(d, '+', b, &b->breaches[j]);
    shown = 0;
    for (size_t i = 0; i < a->nbreaches; i++)
        if (d->p.match_of_old[i] < 0) text_heading(d, "breaches removed", &shown), text_breach(d, '-', a, &a->breaches[i]);
    shown = 0;
    for (size_t i = 0; i < a->nbreaches; i++) {
        int j = d->p.match_of_old[i];
        if (j >= 0 && !same_breach(a, &a->breaches[i], b, &b->breaches[j]))
            text_heading(d, "breaches changed", &shown), text_changed(d, i);
    }
    shown = 0;
    for (size_t i = 0; i < a->nincidents; i++)
        if (!d->p.inc_old[i]) {
            text_heading(d, "incidents", &shown);
            lci_buf_printf(d->out, "  - %s %s\n", a->incidents[i].rule, event_id(a, &a->incidents[i].events, 0));
        }
    for (size_t j = 0; j < b->nincidents; j++)
        if (!d->p.inc_new[j]) {
            text_heading(d, "incidents", &shown);
            lci_buf_printf(d->out, "  + %s %s\n", b->incidents[j].rule, event_id(b, &b->incidents[j].events, 0));
        }
}

/* An old → new line of money: "  label  old → new  (delta)". */
static void text_money_line(diff_ctx *d, const char *label, int64_t old, int64_t nw, const char *tail)
{
    char before[32], after[32], delta[40];
    money_text(old, before, sizeof before);
    money_text(nw, after, sizeof after);
    signed_money(nw - old, delta, sizeof delta);
    lci_buf_printf(d->out, "%s %s → %s (%s)%s\n", label, before, after, delta, tail);
}

/* Money per rule is what the breaches cost before the caps, and what they
 * count after them; the totals likewise (the cap is why they differ). */
static void text_money(diff_ctx *d)
{
    int shown = 0;
    for (size_t i = 0; i < d->nrows; i++) {
        const lcr_rule_money *r = &d->rows[i];
        char label[64];
        if (r->old_amount == r->new_amount && r->old_counted == r->new_counted) continue;
        text_heading(d, "money by rule (old → new), before the caps; counted after them", &shown);
        snprintf(label, sizeof label, "  %-9s", r->rule);
        text_money_line(d, label, r->old_amount, r->new_amount, "");
        if (r->old_counted != r->old_amount || r->new_counted != r->new_amount)
            text_money_line(d, "    counted", r->old_counted, r->new_counted, "");
    }
    text_money_line(d, "total before the caps:", d->a->amount_uncapped, d->b->amount_uncapped, "");
    text_money_line(d, "total after the caps:", d->a->amount, d->b->amount, d->b->capped ? ", capped" : "");
    lci_buf_printf(d->out, "termination right: %s → %s\n", d->a->termination_right ? "yes" : "no",
                   d->b->termination_right ? "yes" : "no");
}

static void render_text(diff_ctx *d)
{
    lci_buf_printf(d->out, "old: %s (rules %.12s, params %.12s)\nnew: %s (rules %.12s, params %.12s)\n",
                   d->a->rules_name, d->a->rules_hash, d->a->params_hash, d->b->rules_name, d->b->rules_hash,
                   d->b->params_hash);
    text_params(d);
    if (!d->differs) {
        lci_buf_puts(d->out, "identical results\n");
        return;
    }
    lci_buf_putc(d->out, '\n');
    text_sections(d);
    text_money(d);
}

static void json_breach(lci_buf *out, const lc_result *r, const lci_rbreach *b)
{
    char amount[32], pct[32] = "null";
    money_text(b->amount, amount, sizeof amount);
    if (b->has_pct) lci_dec_format_short(b->pct, pct, sizeof pct);
    lci_buf_puts(out, "{\"rule\": ");
    lci_buf_json_string(out, b->rule);
    lci_buf_puts(out, ", \"period\": ");
    if (b->month >= 0) lci_buf_json_string(out, r->months[b->month].label);
    else lci_buf_puts(out, "null");
    lci_buf_puts(out, ", \"at\": ");
    if (b->has_at) lci_buf_json_string(out, b->at_text);
    else lci_buf_puts(out, "null");
    lci_buf_printf(out, ", \"pct\": %s, \"amount\": \"%s\", \"events\": [", pct, amount);
    for (size_t i = 0; i < b->events.n; i++) {
        if (i) lci_buf_puts(out, ", ");
        lci_buf_json_string(out, event_id(r, &b->events, i));
    }
    lci_buf_puts(out, "]}");
}

static void json_side(lci_buf *out, const char *name, const lc_result *r)
{
    lci_buf_printf(out, "  \"%s\": {\"rules\": ", name);
    lci_buf_json_string(out, r->rules_name);
    lci_buf_printf(out, ", \"rules_hash\": \"%s\", \"params_hash\": \"%s\", \"engine\": \"%s\"},\n", r->rules_hash,
                   r->params_hash, r->engine_version);
}

static void json_list(diff_ctx *d, const char *name, int which)
{
    const lc_result *a = d->a, *b = d->b;
    int first = 1;
    lci_buf_printf(d->out, "  \"%s\": [", name);
    size_t n = which == 0 ? b->nbreaches : a->nbreaches;
    for (size_t k = 0; k < n; k++) {
        int j = which == 0 ? -1 : d->p.match_of_old[k];
        int show = which == 0 ? !d->p.new_taken[k] : which == 1 ? j < 0 : j >= 0 && !same_breach(a, &a->breaches[k], b, &b->breaches[j]);
        if (!show) continue;
        lci_buf_puts(d->out, first ? "\n    " : ",\n    ");
        first = 0;
        if (which == 0) json_breach(d->out, b, &b->breaches[k]);
        else if (which == 1) json_breach(d->out, a, &a->breaches[k]);
        else {
            lci_buf_puts(d->out, "{\"old\": ");
            json_breach(d->out, a, &a->breaches[k]);
            lci_buf_puts(d->out, ", \"new\": ");
            json_breach(d->out, b, &b->breaches[j]);
            lci_buf_puts(d->out, "}");
        }
    }
    lci_buf_puts(d->out, first ? "],\n" : "\n  ],\n");
}

static void json_incidents(diff_ctx *d)
{
    int first = 1;
    lci_buf_puts(d->out, "  \"incidents\": [");
    for (int side = 0; side < 2; side++) {
        const lc_result *r = side ? d->b : d->a;
        const int *matched = side ? d->p.inc_new : d->p.inc_old;
        for (size_t i = 0; i < r->nincidents; i++) {
            if (matched[i]) continue;
            lci_buf_puts(d->out, first ? "\n    {\"change\": " : ",\n    {\"change\": ");
            first = 0;
            lci_buf_puts(d->out, side ? "\"added\", \"rule\": " : "\"removed\", \"rule\": ");
            lci_buf_json_string(d->out, r->incidents[i].rule);
            lci_buf_puts(d->out, ", \"events\": [");
            lci_buf_json_string(d->out, event_id(r, &r->incidents[i].events, 0));
            lci_buf_puts(d->out, "]}");
        }
    }
    lci_buf_puts(d->out, first ? "],\n" : "\n  ],\n");
}

static void json_params(diff_ctx *d)
{
    lci_buf_puts(d->out, "  \"params\": [");
    for (size_t i = 0; i < d->nparams; i++) {
        const lcr_param_change *c = &d->params[i];
        lci_buf_puts(d->out, i ? ",\n    {\"name\": " : "\n    {\"name\": ");
        lci_buf_json_string(d->out, c->name);
        lci_buf_puts(d->out, ", \"old\": ");
        if (c->old_value) lci_buf_json_string(d->out, c->old_value);
        else lci_buf_puts(d->out, "null");
        lci_buf_puts(d->out, ", \"new\": ");
        if (c->new_value) lci_buf_json_string(d->out, c->new_value);
        else lci_buf_puts(d->out, "null");
        lci_buf_puts(d->out, "}");
    }
    lci_buf_puts(d->out, d->nparams ? "\n  ],\n" : "],\n");
}

static void render_json(diff_ctx *d)
{
    char before[32], after[32], delta[40];
    lci_buf_printf(d->out, "{\n  \"identical\": %s,\n", d->differs ? "false" : "true");
    json_side(d->out, "old", d->a);
    json_side(d->out, "new", d->b);
    json_list(d, "added", 0);
    json_list(d, "removed", 1);
    json_list(d, "changed", 2);
    json_incidents(d);
    json_params(d);
    /* by_rule: old and new before the caps, old_counted and new_counted after */
    lci_buf_puts(d->out, "  \"by_rule\": [");
    for (size_t i = 0; i < d->nrows; i++) {
        const lcr_rule_money *r = &d->rows[i];
        char oc[32], nc[32];
        money_text(r->old_amount, before, sizeof before);
        money_text(r->new_amount, after, sizeof after);
        money_text(r->old_counted, oc, sizeof oc);
        money_text(r->new_counted, nc, sizeof nc);
        lci_buf_puts(d->out, i ? ",\n    {\"rule\": " : "\n    {\"rule\": ");
        lci_buf_json_string(d->out, r->rule);
        lci_buf_printf(d->out, ", \"old\": \"%s\", \"new\": \"%s\", \"old_counted\": \"%s\", \"new_counted\": \"%s\"}",
                       before, after, oc, nc);
    }
    lci_buf_puts(d->out, d->nrows ? "\n  ],\n" : "],\n");
    /* totals: old, new and delta after the caps (as INTERFACE.md's totals.amount), then before */
    money_text(d->a->amount, before, sizeof before);
    money_text(d->b->amount, after, sizeof after);
    signed_money(d->b->amount - d->a->amount, delta, sizeof delta);
    lci_buf_printf(d->out, "  \"totals\": {\"old\": \"%s\", \"new\": \"%s\", \"delta\": \"%s\", ", before, after, delta);
    money_text(d->a->amount_uncapped, before, sizeof before);
    money_text(d->b->amount_uncapped, after, sizeof after);
    lci_buf_printf(d->out, "\"old_uncapped\": \"%s\", \"new_uncapped\": \"%s\", ", before, after);
    lci_buf_printf(d->out, "\"old_capped\": %s, \"new_capped\": %s},\n", d->a->capped ? "true" : "false",
                   d->b->capped ? "true" : "false");
    lci_buf_printf(d->out, "  \"termination\": {\"old\": %s, \"new\": %s}\n}\n", d->a->termination_right ? "true" : "false",
                   d->b->termination_right ? "true" : "false");
}

static int any_difference(const diff_ctx *d)
{
    const lc_result *a = d->a, *b = d->b;
    for (size_t i = 0; i < a->nbreaches; i++) {
        int j = d->p.match_of_old[i];
        if (j < 0 || !same_breach(a, &a->breaches[i], b, &b->breaches[j])) return 1;
    }
    for (size_t j = 0; j < b->nbreaches; j++)
        if (!d->p.new_taken[j]) return 1;
    for (size_t i = 0; i < a->nincidents; i++)
        if (!d->p.inc_old[i]) return 1;
    for (size_t j = 0; j < b->nincidents; j++)
        if (!d->p.inc_new[j]) return 1;
    return a->amount != b->amount || a->termination_right != b->termination_right || a->capped != b->capped;
}

/* For the CSV and HTML renderings (report_diff.c). */
static int view_changed(const lci_diff_view *v, size_t i)
{
    int j = v->match_of_old[i];
    return j >= 0 && !same_breach(v->a, &v->a->breaches[i], v->b, &v->b->breaches[j]);
}

static lc_status render_report(diff_ctx *d, lc_format format, lc_lang lang, const char *table, unsigned flags,
                               lc_error *err)
{
    lci_diff_view v = {d->a, d->b, d->p.match_of_old, d->p.new_taken, d->p.inc_old, d->p.inc_new, d->differs,
                       view_changed};
    if (format == LC_FORMAT_CSV) return lci_diff_to_csv(&v, table, lang, flags, d->out, err);
    return lci_diff_to_html(&v, lang, d->out, err);
}

static lc_status diff_render(const lc_result *old_res, const lc_result *new_res, lc_format format, lc_lang lang,
                             const char *table, unsigned flags, char **out, size_t *len, int *differs, lc_error *err)
{
    if (!old_res || !new_res || !out) return lci_fail(err, LC_EUSAGE, NULL, 0, "lc_result_diff: NULL argument");
    *out = NULL;
    if (lcr_lang(new_res, lang, &lang, err) != LC_OK) return LC_EUSAGE;
    lci_buf buf;
    lci_buf_init(&buf);
    diff_ctx d = {old_res, new_res, {0}, NULL, 0, NULL, 0, &buf, 0};
    if (pair_up(old_res, new_res, &d.p) != 0 || lcr_money_by_rule(old_res, new_res, &d.rows, &d.nrows) != 0 ||
        lcr_param_changes(old_res, new_res, &d.params, &d.nparams) != 0) {
        free_pairing(&d.p);
        free(d.rows);
        free(d.params);
        return lci_oom(err);
    }
    d.differs = any_difference(&d);
    lc_status st = LC_OK;
    if (format == LC_FORMAT_JSON) render_json(&d);
    else if (format == LC_FORMAT_CSV || format == LC_FORMAT_HTML) st = render_report(&d, format, lang, table, flags, err);
    else render_text(&d);
    free_pairing(&d.p);
    free(d.rows);
    free(d.params);
    if (differs) *differs = d.differs;
    if (st != LC_OK) {
        lci_buf_free(&buf);
        return st;
    }
    *out = lci_buf_take(&buf, len);
    return *out ? LC_OK : lci_oom(err);
}

lc_status lc_result_diff(const lc_result *old_res, const lc_result *new_res, lc_format format, lc_lang lang,
                         char **out, size_t *len, int *differs, lc_error *err)
{
    return diff_render(old_res, new_res, format, lang, NULL, 0, out, len, differs, err);
}

lc_status lc_result_diff_csv(const lc_result *old_res, const lc_result *new_res, const char *table, lc_lang lang,
                             unsigned flags, char **out, size_t *len, int *differs, lc_error *err)
{
    return diff_render(old_res, new_res, LC_FORMAT_CSV, lang, table, flags, out, len, differs, err);
}
