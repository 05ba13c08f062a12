/* shape.c — the parts of a result that restate the contract and the
 * figures: contract section, months with their score sheets, warnings and
 * the stamp that makes a figure reproducible. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval/evaluate.h"
#include "eval/emit.h"
#include "rules/words.h"

static int copy_contract(lci_build *b)
{
    const lci_model *m = b->m;
    lc_result *res = b->res;
    char start[40], end[40];
    int value = lci_model_param(m, "value");
    res->id = lci_strdup(m->id);
    res->title = m->title ? lci_strdup(m->title) : NULL; /* null in the JSON when not declared */
    res->currency = lci_strdup(m->currency);
    res->offset_min = m->offset_min;
    lci_time_format(m->term_start, m->offset_min, start, sizeof start);
    lci_time_format(m->term_end, m->offset_min, end, sizeof end);
    res->term_start = lci_strdup(start);
    res->term_end = lci_strdup(end);
    /* -1: no `value` parameter (or not money): the contract value and the
     * share of it are null.  Money parameters are exact in fen (checked at load). */
    res->value = -1;
    if (value >= 0 && m->params[value].unit == LCI_UNIT_MONEY &&
        lci_dec_rescale(m->params[value].value, 2, &res->value) != LCI_NUM_OK)
        res->value = -1;
    res->lang = !m->lang ? -1 : strcmp(m->lang, "zh") == 0 ? LC_LANG_ZH : strcmp(m->lang, "en") == 0 ? LC_LANG_EN : LC_LANG_BOTH;
    res->amount_zh = m->amount_zh;
    res->amount_en = m->amount_en;
    res->amount_en_plural = m->amount_en_plural;
    res->penalty_base = -1;
    if (m->has_base && lci_money_value(m, &m->base, &res->penalty_base) != 0) res->penalty_base = -1;
    return res->id && (res->title || !m->title) && res->currency && res->term_start && res->term_end ? 0 : -1;
}

/* A number shown against the bands of its measure. */
static void number_against(const lci_model *m, int measure, lci_exact v, const lci_band *const *bands, size_t nbands,
                           lci_rvalue *out)
{
    lci_unit unit = m->measures[measure].unit;
    out->kind = LCI_V_NUMBER;
    out->number = lci_exact_to_double(v, unit);
    out->has_shown = 1;
    out->shown = lci_shown_value(m, v, unit, bands, nbands);
}

void lci_rvalue_number(const lci_model *m, int measure, lci_exact v, lci_rvalue *out)
{
    const lci_band *bands[LCI_SHOWN_BANDS];
    number_against(m, measure, v, bands, lci_measure_bands(m, measure, bands, LCI_SHOWN_BANDS), out);
}

/* What the cells of a month column are read against, found once for all
 * the months: the rules that chart its measure, the bands it is shown
 * against. */
typedef struct column_rules {
    int measure;
    const lci_rule **charted;
    size_t ncharted;
    const lci_band *bands[LCI_SHOWN_BANDS];
    size_t nbands;
} column_rules;

/* ---- what a chart draws: the rules' bounds, the months they find ---- */

static void add_line(lci_rlines *l, lci_dec d)
{
    size_t i = 0;
    while (i < l->n && lci_dec_cmp(l->at[i], d) < 0) i++;
    if ((i < l->n && lci_dec_cmp(l->at[i], d) == 0) || l->n == LCI_CHART_LINES) return;
    memmove(&l->at[i + 1], &l->at[i], (l->n - i) * sizeof l->at[0]);
    l->at[i] = d;
    l->n++;
}

static void add_band_lines(const lci_model *m, const lci_band *b, lci_rlines *out)
{
    if (b->has_lo) add_line(out, lci_qty_value(m, &b->lo));
    if (b->has_hi) add_line(out, lci_qty_value(m, &b->hi));
}

/* A rule that costs money or counts as an incident: its bounds are lines. */
static int charted(const lci_rule *r, int measure)
{
    return r->measure == measure && (r->outcome == LCI_R_BREACH || r->outcome == LCI_R_INCIDENT);
}

static void measure_lines(const lci_model *m, int measure, lci_rlines *out)
{
    for (size_t i = 0; i < m->nrules; i++)
        if (charted(&m->rules[i], measure)) add_band_lines(m, &m->rules[i].band, out);
}

/* The rules of the column's measure and its bands, into cr (its charted
 * list has room for every rule). */
static void column_rules_of(const lci_model *m, int measure, column_rules *cr)
{
    cr->measure = measure;
    cr->ncharted = 0;
    for (size_t i = 0; i < m->nrules; i++)
        if (charted(&m->rules[i], measure)) cr->charted[cr->ncharted++] = &m->rules[i];
    cr->nbands = lci_measure_bands(m, measure, cr->bands, LCI_SHOWN_BANDS);
}

/* Whether a charted rule finds the measure's figure of month i. */
static int flagged(lci_build *b, const column_rules *cr, int month)
{
    const lci_mvalue *v = lci_figure(&b->fig, cr->measure, month);
    for (size_t i = 0; i < cr->ncharted; i++)
        if (lci_month_matches(b, cr->charted[i], v)) return 1;
    return 0;
}

static int score_measure(const lci_model *m)
{
    for (size_t i = 0; i < m->nmeasures; i++)
        if (m->measures[i].kind == LCI_M_SCORE) return (int)i;
    return LCI_NONE;
}

/* The score chart's lines: the grades' bounds, and those of rules on the score. */
static void score_lines(const lci_model *m, lci_rlines *out)
{
    for (size_t i = 0; i < m->scorecard.ngrades; i++) add_band_lines(m, &m->scorecard.grades[i].band, out);
    if (score_measure(m) >= 0) measure_lines(m, score_measure(m), out);
}

static lci_rvalue column_value(const lci_model *m, const column_rules *cr, const lci_mvalue *v)
{
    const lci_measure *me = &m->measures[cr->measure];
    lci_rvalue out = {LCI_V_NULL, 0, 0, 0, {0, 0}, 0};
    if (!v->present) return out;
    if (me->kind == LCI_M_COUNT) {
        out.kind = LCI_V_INT;
        out.integer = (int64_t)v->value.num;
        return out;
    }
    if (me->unit == LCI_UNIT_MONEY && lci_exact_to_fen(v->value, &out.integer) == 0) { /* exact, half up */
        out.kind = LCI_V_MONEY;
        return out;
    }
    number_against(m, cr->measure, v->value, cr->bands, cr->nbands, &out);
    return out;
}

static int copy_month(lci_build *b, const column_rules *cols, const column_rules *score, int i)
{
    const lci_model *m = b->m;
    lci_rmonth *mo = &b->res->months[i];
    size_t nitems = m->scorecard.present ? m->scorecard.nitems : 0;
    lci_month_format(m->first_month + i, mo->label, sizeof mo->label);
    lci_time start, end;
    lci_model_month_bounds(m, i, &start, &end);
    mo->progress = start >= b->ev->as_of ? LCI_MONTH_NOT_ASSESSED : end > b->ev->as_of ? LCI_MONTH_IN_PROGRESS
                                                                                       : LCI_MONTH_ASSESSED;
    mo->columns = calloc(m->nmonth_columns ? m->nmonth_columns : 1, sizeof *mo->columns);
    mo->items = malloc((nitems ? nitems : 1) * sizeof *mo->items); /* copied whole below */
    if (!mo->columns || !mo->items) return -1;
    for (size_t c = 0; c < m->nmonth_columns; c++) {
        mo->columns[c] = column_value(m, &cols[c], lci_figure(&b->fig, cols[c].measure, i));
        mo->columns[c].flagged = flagged(b, &cols[c], i);
    }
    if (nitems) {
        mo->scored = b->fig.scored[i];
        mo->score_flagged = score && flagged(b, score, i);
        mo->score = b->fig.scores[i];
        lci_dec_format_short(mo->score, mo->score_text, sizeof mo->score_text);
        mo->raw_max = b->fig.raw_max[i];
        memcpy(mo->items, &b->fig.items[(size_t)i * nitems], nitems * sizeof *mo->items);
    }
    return 0;
}

static int copy_months(lci_build *b)
{
    const lci_model *m = b->m;
    lc_result *res = b->res;
    size_t n = m->nmonth_columns;
    res->column_keys = calloc(n ? n : 1, sizeof *res->column_keys);
    res->column_units = calloc(n ? n : 1, sizeof *res->column_units);
    res->column_lines = calloc(n ? n : 1, sizeof *res->column_lines);
    res->months = calloc((size_t)m->nmonths, sizeof *res->months);
    if (!res->column_keys || !res->column_units || !res->column_lines || !res->months) return -1;
    res->ncolumns = n;
    score_lines(m, &res->score_lines);
    for (size_t c = 0; c < n; c++) {
        res->column_units[c] = m->measures[m->month_columns[c].measure].unit;
        measure_lines(m, m->month_columns[c].measure, &res->column_lines[c]);
        if (!(res->column_keys[c] = lci_strdup(m->month_columns[c].key))) return -1;
    }
    res->nmonths = (size_t)m->nmonths;
    column_rules *cols = calloc(n + 1, sizeof *cols);
    const lci_rule **charted = malloc((n + 1) * (m->nrules + 1) * sizeof *charted);
    int ok = cols && charted, scores = score_measure(m);
    for (size_t c = 0; ok && c <= n; c++) {
        int measure = c < n ? m->month_columns[c].measure : scores; /* the last: the score's */
        cols[c].charted = charted + c * (m->nrules + 1);
        if (measure >= 0) column_rules_of(m, measure, &cols[c]);
    }
    const column_rules *score = ok && scores >= 0 ? &cols[n] : NULL;
    for (int i = 0; ok && i < m->nmonths; i++) ok = copy_month(b, cols, score, i) == 0;
    free(cols);
    free(charted);
    return ok ? 0 : -1;
}

static int copy_scorecard(lci_build *b)
{
    const lci_scorecard *sc = &b->m->scorecard;
    lc_result *res = b->res;
    if (!sc->present) return 0;
    res->has_scorecard = 1;
    res->score_digits = sc->digits;
    res->ncomponents = sc->ncomponents;
    res->score_clause = lci_strdup(sc->clause ? sc->clause : "");
    res->score_items = calloc(sc->nitems, sizeof *res->score_items);
    if (!res->score_clause || !res->score_items) return -1;
    for (int c = 0; c < sc->ncomponents; c++) {
        res->component_id[c] = lci_strdup(sc->component_id[c]);
        res->component_zh[c] = lci_strdup(sc->component_zh[c] ? sc->component_zh[c] : sc->component_id[c]);
        res->component_en[c] = lci_strdup(sc->component_en[c] ? sc->component_en[c] : sc->component_id[c]);
        if (!res->component_id[c] || !res->component_zh[c] || !res->component_en[c]) return -1;
    }
    res->nscore_items = sc->nitems;
    for (size_t i = 0; i < sc->nitems; i++) {
        const lci_score_item *it = &sc->items[i];
        lci_rscore_item *o = &res->score_items[i];
        o->id = lci_strdup(it->id);
        o->zh = lci_strdup(it->name_zh ? it->name_zh : it->id);
        o->en = lci_strdup(it->name_en ? it->name_en : it->id);
        o->max = it->max;
        memcpy(o->weights, it->weights, sizeof o->weights);
        if (!o->id || !o->zh || !o->en) return -1;
    }
    return 0;
}

/* The evaluation whose input the warnings are about: an as-of result's
 * are its origin's (the lines it read), not those of the replay. */
static const lc_eval *read_by(const lci_build *b)
{
    return b->ev->origin ? b->ev->origin : b->ev;
}

static int put_warning(lci_build *b, int32_t file, long line, char *message)
{
    lc_result *res = b->res;
    lci_rwarning *w = &res->warnings[res->nwarnings++];
    w->file = lci_strdup(file >= 0 ? lci_idtable_get(&read_by(b)->files, (uint32_t)file) : "");
    w->line = line;
    w->message = message;
    return w->file && w->message ? 0 : -1;
}

/* One warning per undeclared field name of a type, after the others, in
 * the order the names first came (unknown.h). */
static int warn_undeclared(lci_build *b)
{
    const lci_unknown_tally *u = &read_by(b)->undeclared;
    int ok = 0;
    for (size_t i = 0; ok == 0 && i < u->nfields; i++) {
        const lci_unknown_field *f = &u->fields[i];
        const lci_event_type *t = &b->m->types[f->type];
        const char *name = lci_unknown_name(u, f), *near = lci_model_nearest_field(t, name);
        char hint[160] = "";
        if (near) snprintf(hint, sizeof hint, " (did you mean \"%s\"? a likely typo)", near);
        ok = put_warning(b, f->file, f->line,
                         lci_format("field \"%s\" is not declared for events of type %s: ignored on %llu line%s%s", name,
                                    t->name, (unsigned long long)f->lines, f->lines == 1 ? "" : "s", hint));
    }
    for (size_t type = 0; ok == 0 && u->more && type < u->ntypes; type++) {
        const lci_unknown_more *m = &u->more[type];
        if (m->lines)
            ok = put_warning(b, m->file, m->line,
                             lci_format("events of type %s carry more undeclared field names than are listed (%d): "
                                        "%llu more lines carry others",
                                        b->m->types[type].name, LCI_UNKNOWN_NAMES, (unsigned long long)m->lines));
    }
    return ok;
}

static int copy_warnings(lci_build *b)
{
    const lc_eval *ev = read_by(b);
    const lci_unknown_tally *u = &ev->undeclared;
    size_t n = ev->nwarnings + u->nfields + (u->more ? u->ntypes : 0);
    if (!(b->res->warnings = calloc(n ? n : 1, sizeof *b->res->warnings))) return -1;
    int ok = 0;
    for (size_t i = 0; ok == 0 && i < ev->nwarnings; i++)
        ok = put_warning(b, ev->warnings[i].file, ev->warnings[i].line, lci_strdup(ev->warnings[i].message));
    return ok == 0 ? warn_undeclared(b) : ok;
}

/* A NUL-ended text onto the stamp's image. */
static void put_text(lci_buf *b, const char *s)
{
    lci_buf_put(b, s, strlen(s) + 1);
}

static void put_hex128(lci_buf *b, const uint64_t h[2])
{
    char buf[40];
    snprintf(buf, sizeof buf, "%016llx%016llx", (unsigned long long)h[0], (unsigned long long)h[1]);
    put_text(b, buf);
}

/* The stamp laid out as NUL-ended texts: engine version, rule file, its
 * hash, the parameters' hash, then per parameter its name, its value, and
 * its declared value after '+' when --set changed it (else "-").  Made
 * once per set of parameter values and kept in the engine: a sweep makes
 * a result per sample. */
static int stamp_image(lc_engine *e)
{
    const lci_model *m = &e->model;
    lci_buf all, *b = &e->stamp;
    lci_buf_init(&all);
    lci_buf_reset(b);
    for (size_t i = 0; i < m->nparams; i++) {
        char v[48];
        /* the hash is of the value, not its spelling: 99.5 = 99.50 */
        lci_dec_format_short(m->params[i].value, v, sizeof v);
        lci_buf_printf(&all, "%s=%s\n", m->params[i].name, v);
    }
    uint64_t h[2] = {lci_hash(all.data, all.len, 1), lci_hash(all.data, all.len, 2)};
    int failed = all.failed;
    lci_buf_free(&all);
    put_text(b, LC_VERSION_STRING);
    put_text(b, e->name);
    put_hex128(b, e->rules_hash);
    put_hex128(b, h);
    for (size_t i = 0; i < m->nparams; i++) {
        char v[48], d[48] = "+";
        const lci_param *p = &m->params[i];
        lci_dec_format(p->value, v, sizeof v);
        lci_dec_format_short(p->declared, d + 1, sizeof d - 1);
        put_text(b, p->name);
        put_text(b, v);
        put_text(b, lci_dec_cmp(p->value, p->declared) != 0 ? d : "-");
    }
    e->stamp_known = !failed && !b->failed;
    return e->stamp_known ? 0 : -1;
}

/* The next text of a stamp image, and where the one after it starts. */
static char *next_text(char **at)
{
    char *s = *at;
    *at = s + strlen(s) + 1;
    return s;
}

/* engine version + rule text hash + effective parameters: any figure can
 * be reproduced from the same three.  The result holds a copy of the
 * engine's image and points into it. */
static int copy_stamp(lci_build *b)
{
    lc_engine *e = b->ev->engine;
    size_t n = b->m->nparams;
    lc_result *res = b->res;
    if (!e->stamp_known && stamp_image(e) != 0) return -1;
    res->stamp_block = malloc(e->stamp.len);
    res->param_names = calloc(n + 1, sizeof *res->param_names);
    res->param_values = calloc(n + 1, sizeof *res->param_values);
    res->param_declared = calloc(n + 1, sizeof *res->param_declared);
    if (!res->stamp_block || !res->param_names || !res->param_values || !res->param_declared) return -1;
    char *at = memcpy(res->stamp_block, e->stamp.data, e->stamp.len);
    res->engine_version = next_text(&at);
    res->rules_name = next_text(&at);
    res->rules_hash = next_text(&at);
    res->params_hash = next_text(&at);
    for (size_t i = 0; i < n; i++) {
        res->param_names[i] = next_text(&at);
        res->param_values[i] = next_text(&at);
        char *declared = next_text(&at);
        res->param_declared[i] = declared[0] == '+' ? declared + 1 : NULL;
    }
    res->nparams = n;
    return 0;
}

/* The parameters each rule uses, for --explain. */
static int copy_rule_params(lci_build *b)
{
    const lci_model *m = b->m;
    lc_result *res = b->res;
    if (!(res->rule_params = calloc(m->nrules + 1, sizeof *res->rule_params))) return -1;
    res->nrules = m->nrules;
    for (size_t i = 0; i < m->nrules; i++) {
        const lci_rule *r = &m->rules[i];
        if (!r->nparams) continue;
        if (!(res->rule_params[i].at = malloc(r->nparams * sizeof *r->params))) return -1;
        memcpy(res->rule_params[i].at, r->params, r->nparams * sizeof *r->params);
        res->rule_params[i].n = r->nparams;
    }
    return 0;
}

/* The events that did not count, by type and reason, with how many. */
static int copy_not_counted(lci_build *b)
{
    if (b->ev->as_of != LCI_NO_AS_OF) {
        b->res->has_as_of = 1;
        lci_time_format(b->ev->as_of, b->m->offset_min, b->res->as_of_text, sizeof b->res->as_of_text);
    }
    if (b->ev->flags & LC_EVAL_UPDATES) {
        b->res->has_updates = 1;
        b->res->revised = b->ev->upd.revised;
        b->res->retracted = b->ev->upd.retracted;
    }
    static const char *const reasons[LCI_NC_REASONS] = {"condition", "outside_term", "repeat", "invalid", "not_yet"};
    const lci_model *m = b->m;
    lc_result *res = b->res;
    if (!(res->not_counted = calloc((m->ntypes + 1) * LCI_NC_REASONS, sizeof *res->not_counted))) return -1;
    for (size_t t = 0; t <= m->ntypes; t++)
        for (int why = 0; why < LCI_NC_REASONS; why++) {
            /* as of an instant, the lines the origin refused or repeated are its own */
            const lc_eval *from = b->ev->origin && (why == LCI_NC_REPEAT || why == LCI_NC_INVALID) ? b->ev->origin : b->ev;
            uint64_t n = from->not_counted[t][why];
            if (n) res->not_counted[res->nnot_counted++] = (struct lci_rnot_counted){
                       t < m->ntypes ? m->types[t].name : NULL, reasons[why], n};
        }
    return 0;
}

int lci_shape(lci_build *b)
{
    if (copy_contract(b) != 0 || copy_months(b) != 0 || copy_scorecard(b) != 0) return -1;
    return copy_warnings(b) != 0 || copy_not_counted(b) != 0 || copy_stamp(b) != 0 || copy_rule_params(b) != 0 ? -1
                                                                                                                : 0;
}
