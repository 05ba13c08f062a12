/* check.c — see check.h. */
#include "rules/check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "events/evaluation.h"
#include "kinds/kind.h"
#include "rules/amounts.h"
#include "rules/words.h"

#define MAX_DIMS 12
#define MAX_THRESHOLDS 24
#define MAX_POINTS (2 * MAX_THRESHOLDS + 3)
#define MAX_GRID 200000
#define ABSENT_POINT (-2)

typedef enum dim_kind { D_VALUE, D_SPAN, D_NUM, D_SEVERITY, D_BOOL, D_ENUM, D_WITHIN, D_PRESENT } dim_kind;

typedef struct dim {
    dim_kind kind;
    int field, field2, calendar;
    lci_unit unit;
    int scale;
    lci_exact thr[MAX_THRESHOLDS];
    size_t nthr;
    lci_exact pts[MAX_POINTS];
    int ptype[MAX_POINTS]; /* -1 below all, 2i threshold i, 2i+1 between i and i+1, ABSENT_POINT */
    size_t npts;           /* numeric dims; categorical dims use nvalues */
    size_t nvalues;
    int has_absent, open_up, open_down, up;
} dim;

typedef struct family {
    const lci_model *m;
    int type, measure, grades;
    lci_outcome kind;
    const lci_rule *rules[64];
    size_t nrules;
    dim dims[MAX_DIMS];
    size_t ndims, total;
    unsigned char *count; /* rules firing per grid point */
    unsigned char *first, *second;
} family;

typedef struct cell {
    size_t lo[MAX_DIMS], hi[MAX_DIMS];
    int a, b; /* rule indices in the family (overlaps), or -1 */
} cell;

/* ---- exact rationals ---- */

static int exact_cmp(lci_exact a, lci_exact b)
{
    __int128 l = a.num * b.den, r = b.num * a.den;
    return l < r ? -1 : l > r;
}

static lci_exact qty_exact(const lci_model *m, const lci_qty *q, int base_ns)
{
    lci_dec d = lci_qty_value(m, q);
    int64_t factor = base_ns && lci_unit_ns(q->unit) ? lci_unit_ns(q->unit) : 1;
    return (lci_exact){(__int128)d.coef * factor, lci_pow10(d.scale)};
}

/* ---- findings ---- */

int lci_finding_add(lci_findings *out, const char *kind, int line, const char *clause, const char *rules,
                    const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = lci_vformat(fmt, ap);
    va_end(ap);
    lci_finding f = {lci_strdup(kind), lci_strdup(clause ? clause : ""), lci_strdup(rules ? rules : ""), msg, line};
    if (!f.kind || !f.clause || !f.rules || !f.message || LCI_PUSH(out->items, out->cap, out->n, f) != 0) {
        free(f.kind);
        free(f.clause);
        free(f.rules);
        free(f.message);
        return -1;
    }
    return 0;
}

void lci_findings_free(lci_findings *f)
{
    for (size_t i = 0; i < f->n; i++) {
        free(f->items[i].kind);
        free(f->items[i].clause);
        free(f->items[i].rules);
        free(f->items[i].message);
    }
    free(f->items);
    memset(f, 0, sizeof *f);
}

/* ---- dimensions of a family ---- */

static dim *find_dim(family *f, dim_kind kind, int field, int field2, int calendar)
{
    for (size_t i = 0; i < f->ndims; i++) {
        dim *d = &f->dims[i];
        if (d->kind == kind && d->field == field && d->field2 == field2 && d->calendar == calendar) return d;
    }
    if (f->ndims == MAX_DIMS) return NULL;
    dim *d = &f->dims[f->ndims++];
    memset(d, 0, sizeof *d);
    d->kind = kind;
    d->field = field;
    d->field2 = field2;
    d->calendar = calendar;
    return d;
}

static void add_threshold(dim *d, lci_exact t)
{
    for (size_t i = 0; i < d->nthr; i++)
        if (exact_cmp(d->thr[i], t) == 0) return;
    if (d->nthr < MAX_THRESHOLDS) d->thr[d->nthr++] = t;
}

static void add_band(const lci_model *m, dim *d, const lci_band *b, int base_ns)
{
    if (!d) return;
    if (b->has_lo) add_threshold(d, qty_exact(m, &b->lo, base_ns));
    if (b->has_hi) add_threshold(d, qty_exact(m, &b->hi, base_ns));
    if (b->has_lo && !b->has_hi) d->open_up = 1;
    if (b->has_hi && !b->has_lo) d->open_down = 1;
    d->unit = b->has_lo ? b->lo.unit : b->hi.unit;
}

static void collect_dims(family *f, const lci_cond *c, const lci_event_type *t)
{
    if (!c) return;
    dim *d = NULL;
    switch (c->kind) {
    case LCI_C_ALL:
    case LCI_C_ANY:
    case LCI_C_NOT:
        for (size_t i = 0; i < c->nkids; i++) collect_dims(f, &c->kids[i], t);
        return;
    case LCI_C_SPAN:
        d = find_dim(f, D_SPAN, c->field, c->field2, -1);
        add_band(f->m, d, &c->band, 1);
        if (d && c->missing_infinite) d->has_absent = 1;
        return;
    case LCI_C_NUM:
        d = find_dim(f, D_NUM, c->field, -1, -1);
        if (d) d->scale = t->fields[c->field].scale;
        add_band(f->m, d, &c->band, 0);
        return;
    case LCI_C_SEVERITY: find_dim(f, D_SEVERITY, -1, -1, -1); return;
    case LCI_C_IS:
    case LCI_C_IN:
        if (c->field == t->severity) find_dim(f, D_SEVERITY, -1, -1, -1);
        else if (t->fields[c->field].kind == LCI_F_BOOL) find_dim(f, D_BOOL, c->field, -1, -1);
        else if ((d = find_dim(f, D_ENUM, c->field, -1, -1))) d->nvalues = t->fields[c->field].nvalues;
        return;
    case LCI_C_PRESENT:
    case LCI_C_ABSENT: find_dim(f, D_PRESENT, c->field, -1, -1); return;
    case LCI_C_WITHIN: find_dim(f, D_WITHIN, c->field, -1, c->calendar); return;
    }
}

static int by_value(const void *a, const void *b)
{
    return exact_cmp(*(const lci_exact *)a, *(const lci_exact *)b);
}

static void add_point(dim *d, lci_exact v, int type)
{
    if (d->unit == LCI_UNIT_PCT && d->kind == D_VALUE && exact_cmp(v, (lci_exact){100, 1}) > 0) return;
    if (v.num < 0 && d->kind != D_VALUE) return;
    d->pts[d->npts] = v;
    d->ptype[d->npts++] = type;
}

/* Below all thresholds, each threshold, between each two, above all. */
static void make_points(dim *d)
{
    if (d->kind >= D_SEVERITY) {
        if (d->kind != D_ENUM) d->nvalues = d->kind == D_SEVERITY ? d->nvalues : 2;
        return;
    }
    lci_sort(d->thr, d->nthr, sizeof *d->thr, by_value);
    lci_exact first = d->thr[0], last = d->thr[d->nthr - 1];
    add_point(d, first.num > 0 ? (lci_exact){first.num, 2 * first.den} : (lci_exact){first.num - first.den, first.den}, -1);
    for (size_t i = 0; i < d->nthr; i++) {
        add_point(d, d->thr[i], (int)(2 * i));
        lci_exact a = d->thr[i];
        if (i + 1 < d->nthr) {
            lci_exact b = d->thr[i + 1];
            add_point(d, (lci_exact){a.num * b.den + b.num * a.den, 2 * a.den * b.den}, (int)(2 * i + 1));
        }
    }
    add_point(d, last.num > 0 ? (lci_exact){2 * last.num, last.den} : (lci_exact){last.num + last.den, last.den},
              (int)(2 * d->nthr - 1));
    if (d->has_absent) {
        d->pts[d->npts] = (lci_exact){0, 1};
        d->ptype[d->npts++] = ABSENT_POINT;
    }
    d->up = d->open_up || !d->open_down;
    d->nvalues = d->npts;
}

/* ---- the grid ---- */

static void coords_of(const family *f, size_t index, size_t *coord)
{
    for (size_t i = 0; i < f->ndims; i++) {
        coord[i] = index % f->dims[i].nvalues;
        index /= f->dims[i].nvalues;
    }
}

static int64_t point_int(const dim *d, size_t i, int scale)
{
    lci_exact v = d->pts[i];
    __int128 num = v.num * lci_pow10(scale);
    __int128 q = num / v.den;
    if (num % v.den != 0 && num < 0) q--;
    return (int64_t)q;
}

static void build_record(const family *f, const size_t *coord, lci_record *r, lci_calendars *cals,
                         lci_interval *everything)
{
    const lci_event_type *t = &f->m->types[f->type];
    lci_time t0 = f->m->term_start + LCI_NS_PER_DAY;
    memset(r, 0, sizeof *r + t->nfields * sizeof r->v[0]);
    r->type = (uint32_t)f->type;
    for (size_t i = 0; i < t->nfields; i++) {
        r->present |= UINT64_C(1) << i;
        r->v[i] = t->fields[i].kind == LCI_F_TIME ? t0 : t->fields[i].has_default ? t->fields[i].def : 0;
    }
    for (size_t i = 0; i < cals->count; i++) cals->n[i] = 0;
    for (size_t i = 0; i < f->ndims; i++) {
        const dim *d = &f->dims[i];
        size_t c = coord[i];
        switch (d->kind) {
        case D_SPAN:
            if (d->ptype[c] == ABSENT_POINT) r->present &= ~(UINT64_C(1) << d->field2);
            else r->v[d->field2] = r->v[d->field] + point_int(d, c, 0);
            break;
        case D_NUM: r->v[d->field] = point_int(d, c, d->scale); break;
        case D_SEVERITY: r->v[t->severity] = (int64_t)c; break;
        case D_BOOL:
        case D_ENUM: r->v[d->field] = (int64_t)c; break;
        case D_PRESENT:
            if (!c) r->present &= ~(UINT64_C(1) << d->field);
            break;
        case D_WITHIN:
            cals->items[d->calendar] = everything;
            cals->n[d->calendar] = c ? 1 : 0;
            break;
        case D_VALUE: break;
        }
    }
}

static int rule_fires(const family *f, const lci_rule *ru, const size_t *coord, const lci_record *r,
                      const lci_cond_ctx *ctx)
{
    if (f->type >= 0) return lci_cond_eval(ru->where, &f->m->types[f->type], r, ctx);
    lci_cond_ctx month = *ctx;
    const dim *v = &f->dims[0];
    for (size_t i = 1; i < f->ndims; i++)
        if (f->dims[i].kind == D_SEVERITY) month.month_severity = (int)coord[i];
    return lci_band_has(f->m, &ru->band, v->pts[coord[0]]) && lci_cond_eval(ru->impact, NULL, NULL, &month);
}

static int evaluate_grid(family *f)
{
    size_t coord[MAX_DIMS];
    lci_interval everything = {INT64_MIN / 2, INT64_MAX / 2, UINT32_MAX};
    size_t ncal = f->m->ncalendars ? f->m->ncalendars : 1;
    lci_interval *items[64] = {0};
    size_t counts[64] = {0};
    lci_calendars cals = {items, counts, f->m->ncalendars < 64 ? f->m->ncalendars : 64};
    lci_cond_ctx ctx = {f->m, &cals, 0, INT64_MAX};
    lci_record *r = malloc(sizeof *r + 64 * sizeof r->v[0]);
    f->count = calloc(f->total, 1);
    f->first = calloc(f->total, 1);
    f->second = calloc(f->total, 1);
    (void)ncal;
    if (!r || !f->count || !f->first || !f->second) {
        free(r);
        return -1;
    }
    for (size_t p = 0; p < f->total; p++) {
        coords_of(f, p, coord);
        if (f->type >= 0) build_record(f, coord, r, &cals, &everything);
        for (size_t k = 0; k < f->nrules; k++) {
            int fires = f->grades ? lci_band_has(f->m, &f->m->scorecard.grades[k].band, f->dims[0].pts[coord[0]])
                                  : rule_fires(f, f->rules[k], coord, r, &ctx);
            if (!fires) continue;
            if (f->count[p] == 0) f->first[p] = (unsigned char)k;
            else if (f->count[p] == 1) f->second[p] = (unsigned char)k;
            f->count[p]++;
        }
    }
    free(r);
    return 0;
}

/* ---- holes and overlaps ---- */

static int numeric(const dim *d)
{
    return d->kind <= D_NUM;
}

/* q is no worse than p in every number and severity, equal elsewhere. */
static int no_worse(const family *f, const size_t *q, const size_t *p)
{
    for (size_t i = 0; i < f->ndims; i++) {
        const dim *d = &f->dims[i];
        if (numeric(d) ? (d->up ? q[i] > p[i] : q[i] < p[i]) : d->kind == D_SEVERITY ? q[i] > p[i] : q[i] != p[i])
            return 0;
    }
    return 1;
}

static int differs_in_severity_only(const family *f, const size_t *q, const size_t *p)
{
    int has_number = 0;
    for (size_t i = 0; i < f->ndims; i++) {
        has_number |= numeric(&f->dims[i]);
        if (f->dims[i].kind != D_SEVERITY && q[i] != p[i]) return 0;
    }
    return has_number;
}

static int is_hole(const family *f, size_t p)
{
    size_t cp[MAX_DIMS], cq[MAX_DIMS];
    coords_of(f, p, cp);
    for (size_t q = 0; q < f->total; q++) {
        if (!f->count[q]) continue;
        coords_of(f, q, cq);
        if (no_worse(f, cq, cp) || differs_in_severity_only(f, cq, cp)) return 1;
    }
    return 0;
}

static int add_cell(cell **cells, size_t *n, size_t *cap, const family *f, size_t p, int a, int b)
{
    cell c;
    size_t coord[MAX_DIMS];
    coords_of(f, p, coord);
    for (size_t i = 0; i < f->ndims; i++) c.lo[i] = c.hi[i] = coord[i];
    c.a = a;
    c.b = b;
    return LCI_PUSH(*cells, *cap, *n, c);
}

/* Two cells that agree everywhere but in dimension `only` (or in any one
 * dimension when only < 0), where they touch, become one. */
static int try_merge(const family *f, cell *x, const cell *y, int only)
{
    if (x->a != y->a || x->b != y->b) return 0;
    int diff = -1;
    for (size_t i = 0; i < f->ndims; i++) {
        if (x->lo[i] == y->lo[i] && x->hi[i] == y->hi[i]) continue;
        if (diff >= 0) return 0;
        diff = (int)i;
    }
    if (diff < 0) return 1;
    if (only >= 0 && diff != only) return 0;
    if (x->hi[diff] + 1 == y->lo[diff]) x->hi[diff] = y->hi[diff];
    else if (y->hi[diff] + 1 == x->lo[diff]) x->lo[diff] = y->lo[diff];
    else return 0;
    return 1;
}

static void merge_along(const family *f, cell *cells, size_t *n, int only)
{
    for (int changed = 1; changed;) {
        changed = 0;
        for (size_t i = 0; i < *n; i++)
            for (size_t j = i + 1; j < *n; j++)
                if (try_merge(f, &cells[i], &cells[j], only)) {
                    cells[j] = cells[--*n];
                    changed = 1;
                    j--;
                }
    }
}

/* Merging the last dimensions first (severity, flags) and the numbers
 * last gives the fewest, widest regions for bands read per impact. */
static void merge_cells(const family *f, cell *cells, size_t *n)
{
    for (int d = (int)f->ndims - 1; d >= 0; d--) merge_along(f, cells, n, d);
    merge_along(f, cells, n, -1);
}

/* ---- describing regions ---- */

static void threshold_text(const dim *d, size_t i, lci_buf *b)
{
    char num[64];
    lci_format_exact(d->thr[i], d->kind == D_SPAN || (d->kind == D_VALUE && lci_unit_ns(d->unit)) ? d->unit
                                                                                                  : LCI_UNIT_NONE,
                     num, sizeof num);
    /* thresholds are exact decimals: drop the ".0" lci_format_exact keeps */
    size_t len = strlen(num);
    if (len > 2 && strcmp(num + len - 2, ".0") == 0) num[len - 2] = '\0';
    lci_buf_puts(b, num);
}

static const char *unit_word(lci_unit u);

static void numeric_range(const dim *d, size_t lo, size_t hi, lci_buf *b)
{
    int tl = d->ptype[lo], th = d->ptype[hi];
    if (th == ABSENT_POINT && lo == hi) {
        lci_buf_puts(b, "missing");
        return;
    }
    int or_missing = th == ABSENT_POINT;
    if (or_missing) th = d->ptype[--hi];
    int has_lo = tl >= 0, has_hi = th < 2 * (int)d->nthr - 1;
    if (tl >= 0 && tl == th && tl % 2 == 0) {
        lci_buf_puts(b, "exactly ");
        threshold_text(d, (size_t)tl / 2, b);
        lci_buf_puts(b, unit_word(d->unit));
        return;
    }
    if (has_lo && has_hi) lci_buf_puts(b, tl % 2 == 0 ? "in [" : "in (");
    else if (has_lo) lci_buf_puts(b, tl % 2 == 0 ? "≥ " : "> ");
    else if (has_hi) lci_buf_puts(b, th % 2 == 0 ? "≤ " : "< ");
    if (has_lo) threshold_text(d, (size_t)tl / 2, b);
    if (has_lo && has_hi) lci_buf_puts(b, ", ");
    if (has_hi) threshold_text(d, (size_t)(th % 2 == 0 ? th / 2 : (th + 1) / 2), b);
    if (has_lo && has_hi) lci_buf_puts(b, th % 2 == 0 ? "]" : ")");
    if (!has_lo && !has_hi) lci_buf_puts(b, "any value");
    lci_buf_puts(b, unit_word(d->unit));
    if (or_missing) lci_buf_puts(b, " or missing");
}

static const char *unit_word(lci_unit u)
{
    return u == LCI_UNIT_MIN ? " min" : u == LCI_UNIT_HOUR ? " h" : u == LCI_UNIT_DAY ? " d" : u == LCI_UNIT_PCT ? "%" : "";
}

static void dim_name(const family *f, const dim *d, lci_buf *b)
{
    const lci_event_type *t = f->type >= 0 ? &f->m->types[f->type] : NULL;
    switch (d->kind) {
    case D_VALUE: lci_buf_puts(b, f->grades ? "annual score" : f->m->measures[f->measure].label); return;
    case D_SPAN:
        if (d->field == t->anchor && d->field2 == t->ends) lci_buf_puts(b, "duration");
        else lci_buf_printf(b, "%s − %s", t->fields[d->field2].name, t->fields[d->field].name);
        return;
    case D_NUM: lci_buf_puts(b, t->fields[d->field].name); return;
    case D_SEVERITY: lci_buf_puts(b, f->m->severity_field); return;
    default: lci_buf_puts(b, d->field >= 0 && t ? t->fields[d->field].name : "?");
    }
}

static void categorical_range(const family *f, const dim *d, size_t lo, size_t hi, lci_buf *b)
{
    const lci_event_type *t = f->type >= 0 ? &f->m->types[f->type] : NULL;
    for (size_t v = lo; v <= hi; v++) {
        if (v > lo) lci_buf_puts(b, v == hi ? " or " : ", ");
        if (d->kind == D_SEVERITY) lci_buf_puts(b, f->m->severity_levels[v]);
        else if (d->kind == D_BOOL) lci_buf_puts(b, v ? "true" : "false");
        else if (d->kind == D_ENUM) lci_buf_puts(b, t->fields[d->field].values[v]);
        else if (d->kind == D_PRESENT) lci_buf_puts(b, v ? "given" : "missing");
        else if (d->kind == D_WITHIN) lci_buf_printf(b, "%s a %s period", v ? "in" : "outside", f->m->calendars[d->calendar].name);
    }
}

static void describe(const family *f, const cell *c, lci_buf *b)
{
    size_t shown = 0;
    for (size_t i = 0; i < f->ndims; i++) {
        const dim *d = &f->dims[i];
        if (c->lo[i] == 0 && c->hi[i] == d->nvalues - 1 && !(f->ndims == 1)) continue;
        if (shown++) lci_buf_puts(b, ", ");
        if (d->kind == D_WITHIN) {
            categorical_range(f, d, c->lo[i], c->hi[i], b);
            continue;
        }
        if (d->kind != D_VALUE) {
            dim_name(f, d, b);
            lci_buf_putc(b, ' ');
        }
        if (numeric(d)) {
            numeric_range(d, c->lo[i], c->hi[i], b);
        } else {
            categorical_range(f, d, c->lo[i], c->hi[i], b);
        }
    }
}

static const char *rule_name(const family *f, int k)
{
    return f->grades ? f->m->scorecard.grades[k].name : f->rules[k]->id;
}

static void family_subject(const family *f, lci_buf *b)
{
    static const char *const kinds[] = {"breaches", "incidents", "violations", "findings"};
    if (f->grades) lci_buf_puts(b, "grades");
    else if (f->type >= 0) lci_buf_printf(b, "%s %s", f->m->types[f->type].label, kinds[f->kind]);
    else lci_buf_printf(b, "%s breaches", f->m->measures[f->measure].label);
}

static void family_clauses(const family *f, int a, int b, lci_buf *out, lci_buf *ids)
{
    for (size_t k = 0; k < (f->grades ? f->m->scorecard.ngrades : f->nrules); k++) {
        if (a >= 0 && (int)k != a && (int)k != b) continue;
        const char *clause = f->grades ? f->m->scorecard.clause : f->rules[k]->clause;
        if (ids->len) lci_buf_puts(ids, ",");
        lci_buf_puts(ids, rule_name(f, (int)k));
        if (clause && (!out->data || !strstr(out->data, clause))) {
            if (out->len) lci_buf_puts(out, "; ");
            lci_buf_puts(out, clause);
        }
    }
}

static int yields(const family *f, int a, int b)
{
    if (f->grades) return 1; /* the first grade that holds wins */
    const lci_rule *x = f->rules[a], *y = f->rules[b];
    for (size_t i = 0; i < y->nunless; i++)
        if (&f->m->rules[y->unless[i]] == x) return 1;
    for (size_t i = 0; i < x->nunless; i++)
        if (&f->m->rules[x->unless[i]] == y) return 1;
    return 0;
}

static int report_cell(const family *f, const cell *c, int overlap, lci_findings *out)
{
    lci_buf region, clauses, ids;
    lci_buf_init(&region);
    lci_buf_init(&clauses);
    lci_buf_init(&ids);
    family_subject(f, &region);
    lci_buf_puts(&region, ": ");
    describe(f, c, &region);
    family_clauses(f, overlap ? c->a : -1, c->b, &clauses, &ids);
    int line = f->grades ? f->m->scorecard.line : f->rules[overlap ? c->a : 0]->line;
    int rc;
    if (overlap)
        rc = lci_finding_add(out, "overlap", line, clauses.data, ids.data, "%s: both %s and %s apply%s", region.data,
                         rule_name(f, c->a), rule_name(f, c->b),
                         yields(f, c->a, c->b) ? (f->grades ? " (the first listed wins)" : " (resolved by unless)") : "");
    else
        rc = lci_finding_add(out, "hole", line, clauses.data, ids.data, "%s: no rule applies", region.data);
    lci_buf_free(&region);
    lci_buf_free(&clauses);
    lci_buf_free(&ids);
    return rc;
}

static int report_family(family *f, lci_findings *out)
{
    cell *holes = NULL, *overlaps = NULL;
    size_t nh = 0, no = 0, caph = 0, capo = 0;
    int rc = 0;
    for (size_t p = 0; p < f->total && rc == 0; p++) {
        if (f->count[p] >= 2) rc = add_cell(&overlaps, &no, &capo, f, p, f->first[p], f->second[p]);
        else if (!f->count[p] && is_hole(f, p)) rc = add_cell(&holes, &nh, &caph, f, p, -1, -1);
    }
    merge_cells(f, holes, &nh);
    merge_cells(f, overlaps, &no);
    for (size_t i = 0; i < nh && rc == 0; i++) rc = report_cell(f, &holes[i], 0, out);
    for (size_t i = 0; i < no && rc == 0; i++) rc = report_cell(f, &overlaps[i], 1, out);
    free(holes);
    free(overlaps);
    return rc;
}

static int analyse(family *f, lci_findings *out)
{
    f->total = 1;
    for (size_t i = 0; i < f->ndims; i++) {
        make_points(&f->dims[i]);
        if (!f->dims[i].nvalues) return 0;
        f->total *= f->dims[i].nvalues;
        if (f->total > MAX_GRID) return 0;
    }
    int rc = evaluate_grid(f) == 0 ? report_family(f, out) : -1;
    free(f->count);
    free(f->first);
    free(f->second);
    return rc;
}

/* ---- families ---- */

static int month_family(const lci_model *m, int measure, lci_findings *out)
{
    family f = {.m = m, .type = -1, .measure = measure, .kind = LCI_R_BREACH};
    dim *value = find_dim(&f, D_VALUE, -1, -1, -1);
    value->unit = m->measures[measure].unit;
    for (size_t i = 0; i < m->nrules && f.nrules < 64; i++) {
        const lci_rule *r = &m->rules[i];
        if (r->kind->family != LCI_FAMILY_MONTH || r->measure != measure) continue;
        f.rules[f.nrules++] = r;
        add_band(m, value, &r->band, 1);
        value->unit = m->measures[measure].unit;
        if (r->impact) find_dim(&f, D_SEVERITY, -1, -1, -1)->nvalues = m->nseverity;
    }
    return f.nrules ? analyse(&f, out) : 0;
}

static int event_family(const lci_model *m, int type, lci_outcome kind, lci_findings *out)
{
    family f = {.m = m, .type = type, .measure = -1, .kind = kind};
    const lci_event_type *t = &m->types[type];
    for (size_t i = 0; i < m->nrules && f.nrules < 64; i++) {
        const lci_rule *r = &m->rules[i];
        if (r->kind->family != LCI_FAMILY_EVENT || r->type != type || r->outcome != kind) continue;
        f.rules[f.nrules++] = r;
        collect_dims(&f, r->where, t);
    }
    for (size_t i = 0; i < f.ndims; i++)
        if (f.dims[i].kind == D_SEVERITY) f.dims[i].nvalues = m->nseverity;
    return f.nrules ? analyse(&f, out) : 0;
}

static int grade_family(const lci_model *m, lci_findings *out)
{
    family f = {.m = m, .type = -1, .measure = -1, .grades = 1};
    dim *value = find_dim(&f, D_VALUE, -1, -1, -1);
    for (size_t i = 0; i < m->scorecard.ngrades && i < 64; i++) add_band(m, value, &m->scorecard.grades[i].band, 0);
    value->unit = LCI_UNIT_POINTS;
    f.nrules = m->scorecard.ngrades < 64 ? m->scorecard.ngrades : 64;
    return f.nrules ? analyse(&f, out) : 0;
}

/* ---- the other findings ---- */

static int check_weights(const lci_model *m, lci_findings *out)
{
    const lci_scorecard *s = &m->scorecard;
    for (size_t i = 0; s->present && i < s->nitems; i++) {
        lci_dec sum = {0, 6};
        for (int c = 0; c < s->ncomponents; c++) {
            int64_t w = 0;
            lci_dec_rescale(s->items[i].weights[c], 6, &w);
            sum.coef += w;
        }
        if (sum.coef == 1000000) continue;
        char text[48];
        lci_dec_format_short(sum, text, sizeof text);
        if (lci_finding_add(out, "weights", s->line, s->clause, s->items[i].id,
                        "scorecard item %s: the weights sum to %s, not 1 (kept as written)", s->items[i].id, text) != 0)
            return -1;
    }
    return 0;
}

static int check_params(const lci_model *m, lci_findings *out)
{
    for (size_t i = 0; i < m->nparams; i++) {
        const lci_param *p = &m->params[i];
        if (p->uses || strcmp(p->name, "value") == 0) continue;
        if (lci_finding_add(out, "unused_parameter", p->line, p->clause, p->name, "parameter %s is declared but no rule uses it",
                        p->name) != 0)
            return -1;
    }
    return 0;
}

/* Amounts, percentages and durations are never negative without saying;
 * a count, a number of points or months has no range its unit implies, so
 * `--set` could give it any value. */
static int check_ranges(const lci_model *m, lci_findings *out)
{
    for (size_t i = 0; i < m->nparams; i++) {
        const lci_param *p = &m->params[i];
        if (p->has_min || p->has_max) continue;
        if (lci_finding_add(out, "no_range", p->line, p->clause, p->name,
                        "parameter %s declares no range (min = , max = ): --set may give it any value", p->name) != 0)
            return -1;
    }
    return 0;
}

static int constant_bound(const lci_model *m, const lci_band *b, const char *owner, const char *clause,
                          lci_findings *out)
{
    const lci_qty *q[2] = {b->has_lo ? &b->lo : NULL, b->has_hi ? &b->hi : NULL};
    for (int i = 0; i < 2; i++) {
        if (!q[i] || q[i]->param >= 0 || q[i]->constant.coef == 0) continue;
        char v[48];
        lci_dec_format_short(q[i]->constant, v, sizeof v);
        if (lci_finding_add(out, "unnamed_threshold", q[i]->line, clause, owner,
                        "%s: the threshold %s is a constant; make it a parameter so --set can change it", owner, v) != 0)
            return -1;
    }
    (void)m;
    return 0;
}

static int cond_constants(const lci_model *m, const lci_cond *c, const char *owner, const char *clause,
                          lci_findings *out)
{
    if (!c) return 0;
    if ((c->kind == LCI_C_NUM || c->kind == LCI_C_SPAN) && constant_bound(m, &c->band, owner, clause, out) != 0)
        return -1;
    for (size_t i = 0; i < c->nkids; i++)
        if (cond_constants(m, &c->kids[i], owner, clause, out) != 0) return -1;
    return 0;
}

static int check_constants(const lci_model *m, lci_findings *out)
{
    for (size_t i = 0; i < m->nrules; i++) {
        const lci_rule *r = &m->rules[i];
        if (cond_constants(m, r->where, r->id, r->clause, out) != 0) return -1;
        if (r->measure >= 0 && constant_bound(m, &r->band, r->id, r->clause, out) != 0)
            return -1;
    }
    for (size_t i = 0; i < m->scorecard.ngrades; i++)
        if (constant_bound(m, &m->scorecard.grades[i].band, m->scorecard.grades[i].name, m->scorecard.clause, out) != 0)
            return -1;
    return 0;
}

static int check_duplicates(const lci_model *m, lci_findings *out)
{
    for (size_t i = 0; i < m->nrules; i++)
        for (size_t j = 0; j < i; j++) {
            if (strcmp(m->rules[i].id, m->rules[j].id) != 0) continue;
            if (lci_finding_add(out, "duplicate_id", m->rules[i].line, m->rules[i].clause, m->rules[i].id,
                            "rule id %s is used twice (lines %d and %d)", m->rules[i].id, m->rules[j].line,
                            m->rules[i].line) != 0)
                return -1;
            break;
        }
    return 0;
}

/* A cap whose limit is below one breach it applies to (of the breaches
 * whose price is known from the rule file: not a share of a bill). */
static int check_cap(const lci_model *m, const lci_cap *c, lci_findings *out)
{
    int64_t largest = 0, limit;
    const char *which = NULL;
    for (size_t i = 0; i < m->nrules; i++) {
        const lci_rule *r = &m->rules[i];
        int64_t amount;
        if (lci_cap_covers(m, c, r) && lci_breach_price(m, r, &amount) == 0 && amount > largest) {
            largest = amount;
            which = r->id;
        }
    }
    if (!which || lci_cap_window_limit(m, c, &limit) != 0 || limit >= largest) return 0;
    char a[32], b[32];
    lci_fen_format(limit, a, sizeof a);
    lci_fen_format(largest, b, sizeof b);
    return lci_finding_add(out, "cap_below_item", c->line, c->clause, c->id, "cap %s (%s) is below a single breach: %s costs %s",
                       c->id, a, which, b);
}

static int check_caps(const lci_model *m, lci_findings *out)
{
    for (size_t i = 0; i < m->ncaps; i++)
        if (check_cap(m, &m->caps[i], out) != 0) return -1;
    return 0;
}

/* A rate by time without a max grows with the delay, bounded only by a
 * cap, if any: worth a second look. */
static int check_rates(const lci_model *m, lci_findings *out)
{
    for (size_t i = 0; i < m->nrules; i++) {
        const lci_rule *r = &m->rules[i];
        const lci_amount *a = &r->amount;
        if (r->outcome != LCI_R_BREACH || a->kind != LCI_A_RATE || a->per == LCI_PER_EVENT || a->has_max) continue;
        if (lci_finding_add(out, "unbounded_rate", r->line, r->clause, r->id,
                            "%s: a rate per %s without max = ... grows with the span it counts, held only by the caps",
                            r->id, a->per == LCI_PER_DAY ? "day" : a->per == LCI_PER_HOUR ? "hour" : "minute") != 0)
            return -1;
    }
    return 0;
}

/* What each rule's kind finds in it (kinds/kind.h lint). */
static int check_kinds(const lci_model *m, lci_findings *out)
{
    for (size_t i = 0; i < m->nrules; i++) {
        const lci_rule *r = &m->rules[i];
        if (r->kind->lint && r->kind->lint(m, r, out) != 0) return -1;
    }
    return 0;
}

static int ranges_to_confirm(const lci_day_range *r, size_t n, const char *owner, const char *clause,
                             lci_findings *out)
{
    for (size_t i = 0; i < n; i++) {
        if (!r[i].confirm && !r[i].note) continue;
        char from[16], to[16];
        lci_date_format(r[i].from, from, sizeof from);
        lci_date_format(r[i].to, to, sizeof to);
        if (lci_finding_add(out, "to_confirm", r[i].line, r[i].clause ? r[i].clause : clause, owner,
                        "%s %s..%s %s: %s", owner, from, to, r[i].name ? r[i].name : "",
                        r[i].note ? r[i].note : "dates to be confirmed by the administrator") != 0)
            return -1;
    }
    return 0;
}

static int check_calendars(const lci_model *m, lci_findings *out)
{
    for (size_t i = 0; i < m->ncalendars; i++)
        if (ranges_to_confirm(m->calendars[i].ranges, m->calendars[i].nranges, m->calendars[i].name,
                              m->calendars[i].clause, out) != 0)
            return -1;
    return ranges_to_confirm(m->workdays.off, m->workdays.noff, "workdays", m->workdays.clause, out);
}

int lci_check(const lci_model *m, lci_findings *out)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < m->nmeasures; i++)
        if (month_family(m, (int)i, out) != 0) return -1;
    for (size_t t = 0; t < m->ntypes; t++)
        if (event_family(m, (int)t, LCI_R_BREACH, out) != 0 || event_family(m, (int)t, LCI_R_INCIDENT, out) != 0)
            return -1;
    if (m->scorecard.present && grade_family(m, out) != 0) return -1;
    if (check_weights(m, out) || check_params(m, out) || check_ranges(m, out) || check_constants(m, out) || check_duplicates(m, out) ||
        check_caps(m, out) || check_rates(m, out) || check_kinds(m, out) || check_calendars(m, out))
        return -1;
    return 0;
}

/* ---- the public entry point ---- */

static void render_text(const lc_engine *e, const lci_findings *f, lci_buf *b)
{
    for (size_t i = 0; i < f->n; i++) {
        const lci_finding *x = &f->items[i];
        lci_buf_printf(b, "%s:%d: %s: %s", e->name, x->line, x->kind, x->message);
        if (x->clause[0]) lci_buf_printf(b, " [%s]", x->clause);
        lci_buf_putc(b, '\n');
    }
    lci_buf_printf(b, "%s: loads; %zu finding%s\n", e->name, f->n, f->n == 1 ? "" : "s");
}

static void render_json(const lc_engine *e, const lci_findings *f, lci_buf *b)
{
    lci_buf_puts(b, "{\"rules\": ");
    lci_buf_json_string(b, e->name);
    lci_buf_puts(b, ", \"loadable\": true, \"findings\": [");
    for (size_t i = 0; i < f->n; i++) {
        const lci_finding *x = &f->items[i];
        lci_buf_puts(b, i ? ",\n  {\"kind\": " : "\n  {\"kind\": ");
        lci_buf_json_string(b, x->kind);
        lci_buf_printf(b, ", \"line\": %d, \"clause\": ", x->line);
        lci_buf_json_string(b, x->clause);
        lci_buf_puts(b, ", \"rules\": [");
        for (const char *r = x->rules; *r;) {
            size_t n = strcspn(r, ",");
            char id[128];
            snprintf(id, sizeof id, "%.*s", (int)n, r);
            if (r != x->rules) lci_buf_puts(b, ", ");
            lci_buf_json_string(b, id);
            r += n + (r[n] == ',');
        }
        lci_buf_puts(b, "], \"message\": ");
        lci_buf_json_string(b, x->message);
        lci_buf_puts(b, "}");
    }
    lci_buf_puts(b, f->n ? "\n]}\n" : "]}\n");
}

lc_status lc_engine_check(const lc_engine *e, lc_format format, char **out, size_t *len, size_t *count,
                          lc_error *err)
{
    if (!e || !out) return lci_fail(err, LC_EUSAGE, NULL, 0, "lc_engine_check: NULL argument");
    *out = NULL;
    if (!e->loaded) return lci_fail(err, LC_EUSAGE, NULL, 0, "lc_engine_check: no rule file loaded");
    lci_findings f;
    if (lci_check(&e->model, &f) != 0) {
        lci_findings_free(&f);
        return lci_oom(err);
    }
    lci_buf b;
    lci_buf_init(&b);
    if (format == LC_FORMAT_JSON) render_json(e, &f, &b);
    else render_text(e, &f, &b);
    if (count) *count = f.n;
    lci_findings_free(&f);
    *out = lci_buf_take(&b, len);
    return *out ? LC_OK : lci_oom(err);
}
