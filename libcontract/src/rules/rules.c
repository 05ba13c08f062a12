/* rules.c — see rules.h.
 *
 * The lci_reader walks the declarations table the helpers built.  The table
 * came from untrusted code (the rule file may have changed what the helpers
 * returned), so every value is checked here as if written by hand. */
#include "rules/rules.h"

#include <lauxlib.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/amounts.h"
#include "kinds/kind.h"
#include "events/plan.h"
#include "rules/declare.h"
#include "rules/reader.h"
#include "base/idtable.h"
#include "sandbox/luasource.h"
#include "base/util.h"

extern const char lci_prelude[];
extern const size_t lci_prelude_len;

/* ---- contract, params, severity ---- */


static int parse_offset(const char *tz, int *offset)
{
    int h, m;
    char sign, extra;
    if (strcmp(tz, "Z") == 0 || strcmp(tz, "UTC") == 0) {
        *offset = 0;
        return 0;
    }
    if (sscanf(tz, "%c%2d:%2d%c", &sign, &h, &m, &extra) != 3 || (sign != '+' && sign != '-') || h > 23 ||
        m > 59)
        return -1;
    *offset = (sign == '-' ? -1 : 1) * (h * 60 + m);
    return 0;
}

static int read_term(lci_reader *r, int c, int line)
{
    const char *from = NULL, *to = NULL;
    int64_t d0, d1;
    if (lci_read_get(r, c, "term") != LUA_TTABLE) {
        lua_pop(r->L, 1);
        return lci_read_fail(r, line, "contract needs term = { \"YYYY-MM-DD\", \"YYYY-MM-DD\" } ([start, end))");
    }
    int t = lua_gettop(r->L);
    int ok = lci_read_borrow_at(r, t, 1, &from, "term start");
    if (ok == 0) ok = lci_read_borrow_at(r, t, 2, &to, "term end");
    if (ok == 0) ok = lci_read_day(r, from, line, &d0);
    if (ok == 0) ok = lci_read_day(r, to, line, &d1);
    if (ok == 0 && d1 <= d0) ok = lci_read_fail(r, line, "the term must end after it starts");
    if (ok == 0) {
        lci_model *m = r->m;
        m->term_start = lci_day_start(d0, m->offset_min);
        m->term_end = lci_day_start(d1, m->offset_min);
        m->first_month = lci_local_month(m->term_start, m->offset_min);
        m->nmonths = (int)(lci_local_month(m->term_end - 1, m->offset_min) - m->first_month + 1);
    }
    lua_pop(r->L, 1);
    return ok;
}

/* amounts = { zh, en, en_plural } (the helpers turned a known word into
 * its table); without it, penalties. */
static int read_amount_words(lci_reader *r, int c)
{
    lci_model *m = r->m;
    int ok = 0;
    if (lci_read_get(r, c, "amounts") == LUA_TTABLE) {
        int a = lua_gettop(r->L);
        ok = lci_read_string(r, a, "zh", 1, &m->amount_zh);
        if (ok == 0) ok = lci_read_string(r, a, "en", 1, &m->amount_en);
        if (ok == 0) ok = lci_read_string(r, a, "en_plural", 1, &m->amount_en_plural);
    }
    lua_settop(r->L, c);
    if (ok == 0 && !m->amount_zh) ok = lci_read_keep_literal(r, "违约金", &m->amount_zh);
    if (ok == 0 && !m->amount_en) ok = lci_read_keep_literal(r, "penalty", &m->amount_en);
    if (ok == 0 && !m->amount_en_plural) ok = lci_read_keep_literal(r, "penalties", &m->amount_en_plural);
    return ok;
}

static int read_contract(lci_reader *r, int decl)
{
    lci_model *m = r->m;
    const char *tz = NULL, *signed_on = NULL;
    if (lci_read_get(r, decl, "contract") != LUA_TTABLE) {
        lua_pop(r->L, 1);
        return lci_read_fail(r, 1, "the rule file declares no contract { id = ..., term = ... }");
    }
    int c = lua_gettop(r->L), line = lci_read_line(r, c);
    r->line = line;
    int ok = lci_read_string(r, c, "id", 1, &m->id);
    if (ok == 0) ok = lci_read_string(r, c, "title", 0, &m->title);
    if (ok == 0) ok = lci_read_string(r, c, "currency", 0, &m->currency);
    if (ok == 0) ok = lci_read_string(r, c, "clause", 0, &m->clause);
    if (ok == 0) ok = lci_read_borrow(r, c, "timezone", 0, &tz);
    if (ok == 0 && tz && parse_offset(tz, &m->offset_min) != 0)
        ok = lci_read_fail(r, line, "timezone must read \"+08:00\" (an offset from UTC)");
    if (ok == 0) ok = read_term(r, c, line);
    if (ok == 0) ok = lci_read_borrow(r, c, "signed", 0, &signed_on);
    if (ok == 0) {
        if (signed_on) ok = lci_read_day(r, signed_on, line, &m->signed_day);
        else m->signed_day = lci_local_day(m->term_start, m->offset_min) - 1;
    }
    if (ok == 0 && !m->currency) ok = lci_read_keep_literal(r, "CNY", &m->currency);
    if (ok == 0) ok = lci_read_string(r, c, "lang", 0, &m->lang);
    if (ok == 0) ok = read_amount_words(r, c);
    lua_pop(r->L, 1);
    return ok;
}

/* min = / max = of a parameter, as the rule file declares them. */
static int param_bound(lci_reader *r, int p, lci_param *par, const char *key)
{
    int is_min = key[1] == 'i';
    if (lci_read_get(r, p, key) == LUA_TNIL) {
        lua_pop(r->L, 1);
        return 0;
    }
    int ok = lci_read_decimal(r, par->line, key, is_min ? &par->min : &par->max);
    lua_pop(r->L, 1);
    if (is_min) par->has_min = par->min_declared = 1;
    else par->has_max = par->max_declared = 1;
    if (ok == 0 && par->has_min && par->has_max && lci_dec_cmp(par->min, par->max) > 0)
        ok = lci_read_fail(r, par->line, "parameter %s: min is above max", par->name);
    return ok;
}

static int read_params(lci_reader *r, int decl)
{
    lci_model *m = r->m;
    lci_read_get(r, decl, "params");
    int list = lua_gettop(r->L), ok = 0;
    size_t n = lua_rawlen(r->L, list);
    m->params = calloc(n ? n : 1, sizeof *m->params);
    if (!m->params) return lci_read_oom(r);
    for (size_t i = 0; i < n && ok == 0; i++) {
        lci_read_geti(r, list, (lua_Integer)i + 1);
        int p = lua_gettop(r->L);
        lci_param *par = &m->params[i];
        m->nparams = i + 1;
        par->line = r->line = lci_read_line(r, p);
        const char *unit = NULL;
        ok = lci_read_string(r, p, "name", 1, &par->name);
        if (ok == 0) ok = lci_read_string(r, p, "clause", 0, &par->clause);
        if (ok == 0) ok = lci_read_string(r, p, "doc", 0, &par->doc);
        if (ok == 0) ok = lci_read_borrow(r, p, "unit", 0, &unit);
        par->unit = lci_unit_named(unit);
        if (ok == 0) {
            lci_read_get(r, p, "value");
            ok = lci_read_decimal(r, par->line, par->name, &par->declared);
            lua_pop(r->L, 1);
        }
        if (ok == 0) ok = param_bound(r, p, par, "min");
        if (ok == 0) ok = param_bound(r, p, par, "max");
        par->value = par->declared;
        lua_settop(r->L, list);
    }
    lua_pop(r->L, 1);
    return ok;
}


static int read_severity(lci_reader *r, int decl)
{
    int ok = 0;
    if (lci_read_get(r, decl, "severity") == LUA_TTABLE) {
        int s = lua_gettop(r->L);
        r->line = lci_read_line(r, s);
        ok = lci_read_string(r, s, "field", 1, &r->m->severity_field);
        if (ok == 0 && lci_read_get(r, s, "levels") == LUA_TTABLE)
            ok = lci_read_strings(r, lua_gettop(r->L), &r->m->severity_levels, &r->m->nseverity, "a level");
        if (ok == 0 && r->m->nseverity > 64) ok = lci_read_fail(r, 0, "at most 64 severity levels");
    }
    lua_settop(r->L, decl);
    return ok;
}

/* ---- cross-checks the declarations need ---- */

/* The ranges parameters take without saying: amounts, percentages and
 * durations are never negative, and a cap's percentage is at most 100 — a
 * `--set cap_pct=-1` or `cap_pct=1e9` would remove the cap silently. */
static void imply_ranges(lci_model *m)
{
    for (size_t i = 0; i < m->nparams; i++) {
        lci_param *p = &m->params[i];
        int nonnegative = p->unit == LCI_UNIT_PCT || p->unit == LCI_UNIT_MONEY || lci_unit_ns(p->unit) != 0;
        if (nonnegative && !p->has_min) {
            p->has_min = 1;
            p->min = (lci_dec){0, 0};
        }
    }
    for (size_t i = 0; i < m->ncaps; i++) {
        const lci_qty *pct = &m->caps[i].amount.pct;
        if (!m->caps[i].amount.has_pct || pct->param < 0 || m->params[pct->param].has_max) continue;
        m->params[pct->param].has_max = 1;
        m->params[pct->param].max = (lci_dec){100, 0};
    }
}

static int nonnegative(lci_reader *r, const lci_qty *q, const char *what, const char *owner)
{
    if (q->param >= 0 || q->constant.coef >= 0) return 0;
    return lci_read_fail(r, q->line, "%s: %s is negative", owner, what);
}

static int nonnegative_money(lci_reader *r, const lci_money_expr *e, const char *owner)
{
    if (e->has_pct && nonnegative(r, &e->pct, "the percentage", owner) != 0) return -1;
    return nonnegative(r, &e->of, "the amount", owner);
}

/* Prices are never negative: constants are checked here, parameters by
 * their ranges. */
static int check_signs(lci_reader *r)
{
    const lci_model *m = r->m;
    for (size_t i = 0; i < m->nrules; i++) {
        const lci_rule *ru = &m->rules[i];
        const lci_amount *a = &ru->amount;
        if (ru->outcome != LCI_R_BREACH) continue;
        if (a->kind == LCI_A_PCT && nonnegative(r, &a->pct, "pct", ru->id) != 0) return -1;
        if (a->kind == LCI_A_PCT && !a->of_penalty_base && nonnegative_money(r, &a->of, ru->id) != 0) return -1;
        if (a->kind == LCI_A_MONEY && nonnegative_money(r, &a->money, ru->id) != 0) return -1;
        if (a->kind == LCI_A_RATE && nonnegative(r, &a->rate, "the rate", ru->id) != 0) return -1;
        if (a->has_min && nonnegative_money(r, &a->min, ru->id) != 0) return -1;
        if (a->has_max && nonnegative_money(r, &a->max, ru->id) != 0) return -1;
    }
    for (size_t i = 0; i < m->ncaps; i++)
        if (nonnegative_money(r, &m->caps[i].amount, m->caps[i].id) != 0) return -1;
    for (size_t i = 0; i < m->ninstalments; i++)
        if (nonnegative(r, &m->instalments[i].pct, "pct", "an instalment") != 0) return -1;
    if (m->has_base && nonnegative_money(r, &m->base, "penalty_base") != 0) return -1;
    if (m->has_bond && nonnegative_money(r, &m->bond, "the bond") != 0) return -1;
    return 0;
}

/* Each declared value within its range, and every amount exact. */
static int check_values(lci_reader *r)
{
    char why[LC_ERROR_MESSAGE_MAX];
    imply_ranges(r->m);
    for (size_t i = 0; i < r->m->nparams; i++) {
        const lci_param *p = &r->m->params[i];
        char v[48];
        lci_dec_format_short(p->declared, v, sizeof v);
        if (lci_param_in_range(p, p->declared, why, sizeof why) != 0)
            return lci_read_fail(r, p->line, "parameter %s = %s: %s", p->name, v, why);
    }
    if (check_signs(r) != 0) return -1;
    if (lci_amounts_check(r->m, why, sizeof why) != 0) return lci_read_fail(r, 1, "%s", why);
    return 0;
}

/* Breaches of a month are ordered by class in the order the rule file
 * first uses each class (major before minor in the reference contract). */
static void rank_classes(lci_model *m)
{
    int ranks = 0;
    for (size_t i = 0; i < m->nrules; i++) {
        lci_rule *r = &m->rules[i];
        const char *k = r->klass ? r->klass : "";
        size_t j = 0;
        while (j < i && strcmp(m->rules[j].klass ? m->rules[j].klass : "", k) != 0) j++;
        r->class_rank = j < i ? m->rules[j].class_rank : ranks++;
    }
}

static void keep_due_types(lci_model *m, const lci_due_rule *d)
{
    for (size_t i = 0; i < d->nafter; i++) m->types[d->after_types[i]].stored = 1;
}

/* The one place that decides which event types keep their records for the
 * evaluation at the end (the rest only feed running sums as they stream):
 * those a rule kind reads, the intervals of availability and of calendars,
 * the scorecard's work items, the latest value acceptance reads, the
 * obligations' deliveries, and the events due dates count from. */
static void mark_kept_types(lci_model *m)
{
    for (size_t i = 0; i < m->nmeasures; i++)
        if (m->measures[i].kind == LCI_M_AVAILABILITY) m->types[m->measures[i].type].stored = 1;
    for (size_t i = 0; i < m->ntypes; i++)
        if (m->types[i].adds_to >= 0) m->types[i].stored = 1;
    for (size_t i = 0; i < m->nrules; i++)
        if (m->rules[i].kind->needs) m->rules[i].kind->needs(&m->rules[i], m);
    if (m->scorecard.present) m->types[m->scorecard.type].stored = 1;
    if (m->opening.present) m->types[m->opening.type].stored = 1;
    for (size_t i = 0; i < m->nacceptance; i++)
        if (m->acceptance[i].kind == LCI_P_LATEST) m->types[m->acceptance[i].type].stored = 1;
    if (m->obligations_type >= 0) m->types[m->obligations_type].stored = 1;
    for (size_t i = 0; i < m->ninstalments; i++) keep_due_types(m, &m->instalments[i].due);
    keep_due_types(m, &m->bond_due);
}

static int check_model(lci_reader *r)
{
    lci_model *m = r->m;
    rank_classes(m);
    mark_kept_types(m);
    int *feeds = calloc(m->ntypes + 1, sizeof *feeds); /* measures fed per event type while streaming */
    if (!feeds) return lci_read_oom(r);
    for (size_t i = 0; i < m->nmeasures; i++) {
        lci_measure *me = &m->measures[i];
        int fed = me->kind == LCI_M_AVERAGE || me->kind == LCI_M_COUNT || me->kind == LCI_M_SUM;
        int over = fed && ++feeds[me->type] > LCI_MAX_FEEDS;
        if ((me->kind == LCI_M_SCORE && !m->scorecard.present) || over) {
            free(feeds);
            return over ? lci_read_fail(r, me->line, "measure %s: event type %s feeds more than %d measures", me->name,
                                        m->types[me->type].name, LCI_MAX_FEEDS)
                        : lci_read_fail(r, me->line, "measure %s needs a scorecard { ... }", me->name);
        }
    }
    free(feeds);
    int value = lci_model_param(m, "value");
    if ((m->ninstalments || m->has_holdover) && (value < 0 || m->params[value].unit != LCI_UNIT_MONEY))
        return lci_read_fail(r, m->payments_line, "payments: instalments and the holdover rate are shares of the contract "
                                                  "value: declare param { \"value\", amount, unit = \"money\" }");
    if (m->has_base && m->base.source != LCI_SRC_QTY) return lci_read_fail(r, m->base.line, "penalty_base is of parameters");
    if (m->has_bond && m->bond.source != LCI_SRC_QTY) return lci_read_fail(r, m->bond.line, "the bond is of parameters");
    return 0;
}

static int read_declarations(lci_reader *r, int decl)
{
    int ok = read_contract(r, decl);
    if (ok == 0) ok = read_params(r, decl);
    if (ok == 0) ok = read_severity(r, decl);
    if (ok == 0) ok = lci_decl_calendars(r, decl);
    if (ok == 0) ok = lci_decl_events(r, decl);
    if (ok == 0) ok = lci_decl_scorecard(r, decl);
    if (ok == 0) ok = lci_decl_measures(r, decl);
    if (ok == 0) ok = lci_decl_base(r, decl);
    if (ok == 0) ok = lci_decl_rules(r, decl);
    if (ok == 0) ok = lci_decl_caps(r, decl);
    if (ok == 0) ok = lci_decl_outcomes(r, decl);
    if (ok == 0) ok = lci_decl_shape(r, decl);
    if (ok == 0) ok = check_model(r);
    if (ok == 0) ok = check_values(r);
    return ok;
}

/* ---- running the rule file ---- */

/* Reading an undeclared global is almost always a typo (SERIUS for
 * SERIOUS) that would silently turn a condition off; writing one leaks
 * state between declarations.  Both are errors. */
static const char strict_globals[] =
    "local G, name = ...\n"
    "setmetatable(G, {\n"
    "  __index = function(_, k) error(string.format('unknown name \\'%s\\'', tostring(k)), 2) end,\n"
    "  __newindex = function(_, k) error(string.format("
    "'assignment to global \\'%s\\': declare it local', tostring(k)), 2) end,\n"
    "})\n";

static lc_status run_chunk(lci_sandbox *sb, const char *name, const char *text, size_t len, int nargs,
                           int nres, lc_error *err)
{
    char msg[LC_ERROR_MESSAGE_MAX];
    lua_State *L = lci_sandbox_lua(sb);
    if (lci_sandbox_load(sb, name, text, len, msg, sizeof msg) != 0) {
        lua_pop(L, nargs);
        return lci_fail(err, LC_ERULES, name, 0, "%s", msg);
    }
    lua_insert(L, -(nargs + 1));
    if (lci_sandbox_call(sb, nargs, nres, msg, sizeof msg) != 0) return lci_fail(err, LC_ERULES, name, 0, "%s", msg);
    return LC_OK;
}

/* Copies the API's functions into the globals, then locks the globals. */
static lc_status expose_api(lci_sandbox *sb, const char *name, lc_error *err)
{
    lua_State *L = lci_sandbox_lua(sb);
    int api = lua_gettop(L) - 1;
    lua_pushglobaltable(L);
    lua_pushnil(L);
    while (lua_next(L, api)) {
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, -4);
    }
    lua_pushvalue(L, -1); /* the globals, as argument */
    lua_pushstring(L, name);
    lc_status st = run_chunk(sb, "strict", strict_globals, sizeof strict_globals - 1, 2, 0, err);
    lua_pop(L, 1);
    return st;
}

/* Lua shortens chunk names in its messages (to 60 bytes), so the rule
 * file runs under this short name and messages lci_read_get the real one back. */
#define RULES_CHUNK "[rules]"

typedef struct load_job {
    lci_sandbox *sb;
    const char *name, *text;
    size_t len;
    lci_model *out;
    lc_error *err;
    lc_status status;
} load_job;

/* The whole load runs inside one protected call: a Lua API call that runs
 * out of the state's memory then unwinds to here instead of aborting.
 * Nested calls (the prelude, the rule file) run with the budget hook. */
/* The keys of a declaration and their shapes, for the rule language to
 * check and convert ({ name = "qty", cluster = { record = { ... } } }). */
static void push_keys(lua_State *L, const lci_key *keys)
{
    static const char *const shapes[] = {"string", "strings", "qty", "band", "cond", "impact", "money", "function", "amount"};
    lua_newtable(L);
    for (; keys->name; keys++) {
        if (keys->shape == LCI_SHAPE_RECORD) {
            lua_newtable(L);
            push_keys(L, keys->fields);
            lua_setfield(L, -2, "record");
        } else {
            lua_pushstring(L, shapes[keys->shape]);
        }
        lua_setfield(L, -2, keys->name);
    }
}

/* What the rule language needs to know of the rule kinds (kinds/kind.h):
 * { rule = keys, amount = keys, kinds = { { name, selects = {...}, keys }, ... } }. */
static void push_kinds(lua_State *L)
{
    lua_newtable(L);
    push_keys(L, lci_rule_keys);
    lua_setfield(L, -2, "rule");
    push_keys(L, lci_amount_keys);
    lua_setfield(L, -2, "amount");
    lua_newtable(L);
    for (int i = 0; lci_kinds[i]; i++) {
        const lci_kind *k = lci_kinds[i];
        lua_newtable(L);
        lua_pushstring(L, k->name);
        lua_setfield(L, -2, "name");
        lua_newtable(L);
        for (int j = 0; k->selects[j]; j++) {
            lua_pushstring(L, k->selects[j]);
            lua_rawseti(L, -2, j + 1);
        }
        lua_setfield(L, -2, "selects");
        push_keys(L, k->keys);
        lua_setfield(L, -2, "keys");
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "kinds");
}

static int load_protected(lua_State *L)
{
    load_job *job = lua_touserdata(L, 1);
    lci_sandbox *sb = job->sb;
    luaL_checkstack(L, 64, "reading the declarations");
    lci_sandbox_push_line_function(sb, RULES_CHUNK);
    lua_pushstring(L, RULES_CHUNK);
    push_kinds(L);
    int base = lua_gettop(L) - 3;
    job->status = run_chunk(sb, "contract.lua", lci_prelude, lci_prelude_len, 3, 2, job->err);
    if (job->status == LC_OK) job->status = expose_api(sb, RULES_CHUNK, job->err);
    if (job->status == LC_OK) job->status = run_chunk(sb, RULES_CHUNK, job->text, job->len, 0, 0, job->err);
    if (job->status == LC_OK) {
        lci_reader r = {L, RULES_CHUNK, job->out, job->err, 1, NULL};
        if (read_declarations(&r, base + 2) != 0) job->status = job->err ? job->err->code : LC_ERULES;
    }
    return 0;
}

lc_status lci_rules_load(lci_sandbox *sb, const char *name, const char *text, size_t len, lci_model *out,
                         lc_error *err)
{
    lua_State *L = lci_sandbox_lua(sb);
    int base = lua_gettop(L);
    load_job job = {sb, name, text, len, out, err, LC_ERULES};
    char why[200];
    memset(out, 0, sizeof *out);
    lci_idtable_init(&out->texts, lci_hash(name ? name : "", strlen(name ? name : ""), 0x7465787473));
    if (lci_lua_source_check(text, len, why, sizeof why) != 0) {
        long line = strtol(why + 5, NULL, 10); /* "line N: ..." */
        const char *reason = strchr(why, ':');
        return lci_fail(err, LC_ERULES, name, line, "%s", reason ? reason + 2 : why);
    }
    if (!lua_checkstack(L, 4)) return lci_oom(err);
    lci_sandbox_begin(sb); /* the prelude, the rule file and everything they run: one budget */
    lua_pushcfunction(L, load_protected);
    lua_pushlightuserdata(L, &job);
    if (lua_pcall(L, 1, 0, 0) != LUA_OK)
        job.status = lci_fail(err, LC_ERULES, name, 0, "the rule file's Lua state ran out of memory while loading");
    lua_settop(L, base);
    lci_error_locate(err, RULES_CHUNK, name);
    if (job.status != LC_OK) lci_model_free(out);
    return job.status;
}
