/* decl_rules.c — the rules (`breach`, `incident`, `violation`, `finding`):
 * what every rule has (outcome, class, clause, unless) and a breach's price;
 * what a rule looks at is its kind's to read (kinds/). */
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/declare.h"

static int rule_order(const char *id)
{
    const char *dot = strrchr(id, '.');
    return dot ? atoi(dot + 1) : 0;
}

/* outcome = "breach" | "incident" | "violation" | "finding", and the kind
 * the rule language chose by the declaration's keys. */
static int read_rule_kind(lci_reader *r, int idx, lci_rule *ru)
{
    static const char *const outcomes[] = {"breach", "incident", "violation", "finding"};
    const char *outcome = NULL, *kind = NULL;
    int ok = lci_read_borrow(r, idx, "outcome", 1, &outcome);
    if (ok == 0) ok = lci_read_borrow(r, idx, "kind", 1, &kind);
    size_t k = 0;
    while (ok == 0 && k < LCI_ARRAY_LEN(outcomes) && strcmp(outcomes[k], outcome) != 0) k++;
    if (ok == 0 && k == LCI_ARRAY_LEN(outcomes)) ok = lci_read_fail(r, ru->line, "rule %s: unknown outcome %s", ru->id, outcome);
    if (ok == 0 && !(ru->kind = lci_kind_named(kind))) ok = lci_read_fail(r, ru->line, "rule %s: unknown kind %s", ru->id, kind);
    ru->outcome = (lci_outcome)k;
    return ok;
}

static int has_key(lci_reader *r, int idx, const char *key)
{
    int present = lci_read_get(r, idx, key) != LUA_TNIL;
    lua_pop(r->L, 1);
    return present;
}

static int rate_field(lci_reader *r, int idx, const char *key, const lci_rule *ru, const lci_event_type *t, int *out)
{
    *out = LCI_NONE;
    if (!has_key(r, idx, key)) return 0;
    if (!t) return lci_read_fail(r, ru->line, "breach %s: %s names a field, but the rule is not about one event", ru->id, key);
    int ok = lci_read_field_ref(r, idx, key, t, ru->line, out);
    if (ok == 0 && t->fields[*out].kind != LCI_F_TIME)
        ok = lci_read_fail(r, ru->line, "breach %s: %s must be a time field", ru->id, key);
    return ok;
}

/* amount = per_day(P.rate, { from = "due", to = "done", beyond = days(3) }),
 * per_hour, per_minute, per_event: money per unit of what the rule found. */
static int read_rate(lci_reader *r, int idx, lci_rule *ru, const lci_event_type *t)
{
    static const char *const units[] = {"event", "day", "hour", "minute"};
    lci_amount *a = &ru->amount;
    const char *per = NULL, *round = NULL;
    a->kind = LCI_A_RATE;
    int ok = lci_read_qty(r, idx, "rate", &a->rate, NULL);
    if (ok == 0) ok = lci_read_borrow(r, idx, "per", 1, &per);
    size_t u = 0;
    while (ok == 0 && u < LCI_ARRAY_LEN(units) && strcmp(units[u], per) != 0) u++;
    if (ok == 0 && u == LCI_ARRAY_LEN(units)) ok = lci_read_fail(r, ru->line, "breach %s: per %s: per event, day, hour or minute", ru->id, per);
    a->per = (lci_per)u;
    if (ok == 0) ok = rate_field(r, idx, "from", ru, t, &a->from);
    if (ok == 0) ok = rate_field(r, idx, "to", ru, t, &a->to);
    if (ok == 0 && (a->from < 0) != (a->to < 0)) ok = lci_read_fail(r, ru->line, "breach %s: give from and to together", ru->id);
    if (ok == 0) ok = lci_read_qty(r, idx, "beyond", &a->beyond, &a->has_beyond);
    if (ok == 0 && a->has_beyond && !lci_unit_is_duration(a->beyond.unit))
        ok = lci_read_fail(r, ru->line, "breach %s: beyond is a duration: days(3), hours(4), P.name in d, h or min", ru->id);
    if (ok == 0 && a->per == LCI_PER_EVENT && (a->from >= 0 || a->has_beyond))
        ok = lci_read_fail(r, ru->line, "breach %s: per event counts events: from, to and beyond go with per day, hour or minute", ru->id);
    if (ok == 0) ok = lci_read_borrow(r, idx, "round", 0, &round);
    if (ok == 0 && round && strcmp(round, "up") != 0 && strcmp(round, "exact") != 0)
        ok = lci_read_fail(r, ru->line, "breach %s: round is \"up\" (a started unit counts whole) or \"exact\"", ru->id);
    a->round_up = round && strcmp(round, "up") == 0;
    if (ok == 0 && a->round_up && a->per != LCI_PER_HOUR && a->per != LCI_PER_MINUTE)
        ok = lci_read_fail(r, ru->line, "breach %s: round goes with per hour or per minute (days are whole days)", ru->id);
    return ok;
}

/* pct = P.x (of the penalty base, of `base` = money, or of `of` = P.money |
 * "measure" | field "name"), or amount = money | per_day(P.rate, ...) ...;
 * min and max bound one breach's price. */
static int read_price(lci_reader *r, int idx, lci_rule *ru, const lci_event_type *t)
{
    lci_amount *a = &ru->amount;
    if (has_key(r, idx, "pct")) {
        a->kind = LCI_A_PCT;
        int ok = lci_read_qty(r, idx, "pct", &a->pct, NULL);
        if (ok == 0 && has_key(r, idx, "amount")) ok = lci_read_fail(r, ru->line, "breach %s: give pct or amount, not both", ru->id);
        if (ok == 0 && has_key(r, idx, "base") && has_key(r, idx, "of"))
            ok = lci_read_fail(r, ru->line, "breach %s: base and of say the same: give one", ru->id);
        if (ok != 0) return ok;
        if (has_key(r, idx, "base")) return lci_read_money(r, idx, "base", t, &a->of);
        if (has_key(r, idx, "of")) return lci_read_money(r, idx, "of", t, &a->of);
        a->of_penalty_base = 1;
        return r->m->has_base ? 0 : lci_read_fail(r, ru->line, "breach %s: declare penalty_base { ... } or give the breach a base", ru->id);
    }
    if (!has_key(r, idx, "amount")) return lci_read_fail(r, ru->line, "breach %s needs pct or amount", ru->id);
    if (has_key(r, idx, "of") || has_key(r, idx, "base"))
        return lci_read_fail(r, ru->line, "breach %s: of and base go with pct", ru->id);
    lci_read_get(r, idx, "amount");
    int amount = lua_gettop(r->L), ok;
    if (has_key(r, amount, "rate")) ok = read_rate(r, amount, ru, t);
    else {
        a->kind = LCI_A_MONEY;
        ok = lci_read_money(r, idx, "amount", t, &a->money);
    }
    lua_settop(r->L, idx);
    return ok;
}

static int read_amount(lci_reader *r, int idx, lci_rule *ru)
{
    lci_amount *a = &ru->amount;
    const lci_event_type *t = ru->type >= 0 ? &r->m->types[ru->type] : NULL;
    a->line = ru->line;
    a->from = a->to = LCI_NONE;
    int ok = read_price(r, idx, ru, t);
    int spans = ru->kind->spans == LCI_SPAN_OWN || (ru->kind->spans == LCI_SPAN_EVENT && t && t->ends >= 0);
    if (ok == 0 && a->kind == LCI_A_RATE && a->per != LCI_PER_EVENT && a->from < 0 && !spans)
        ok = lci_read_fail(r, ru->line, "breach %s: a rate per %s needs from = and to = fields: a %s rule measures no span",
                           ru->id, a->per == LCI_PER_DAY ? "day" : a->per == LCI_PER_HOUR ? "hour" : "minute", ru->kind->name);
    a->has_min = ok == 0 && has_key(r, idx, "min");
    a->has_max = ok == 0 && has_key(r, idx, "max");
    if (a->has_min) ok = lci_read_money(r, idx, "min", t, &a->min);
    if (ok == 0 && a->has_max) ok = lci_read_money(r, idx, "max", t, &a->max);
    return ok;
}

static int read_rule(lci_reader *r, int idx, void *item)
{
    lci_rule *ru = item;
    ru->line = r->line = lci_read_line(r, idx);
    ru->type = ru->measure = LCI_NONE;
    r->rule = ru; /* its parameters are noted as they are read */
    int ok = lci_read_string(r, idx, "id", 1, &ru->id);
    if (ok == 0) ok = read_rule_kind(r, idx, ru);
    if (ok == 0) ok = lci_read_string(r, idx, "class", ru->outcome == LCI_R_BREACH || ru->outcome == LCI_R_INCIDENT, &ru->klass);
    if (ok == 0) ok = lci_read_string(r, idx, "clause", 0, &ru->clause);
    if (ok == 0) ok = lci_read_string(r, idx, "text", 0, &ru->text);
    if (ok == 0) ok = lci_read_string(r, idx, "label", 0, &ru->label);
    if (ok == 0) ok = lci_read_string(r, idx, "message", 0, &ru->message);
    if (ok == 0) ok = ru->kind->read(r, idx, ru);
    lua_settop(r->L, idx);
    if (ok == 0 && ru->outcome == LCI_R_BREACH) ok = read_amount(r, idx, ru);
    r->rule = NULL;
    ru->order = ru->id ? rule_order(ru->id) : 0;
    return ok;
}

/* `unless` names rules read after this one, so it is resolved last. */
static int resolve_unless(lci_reader *r, int decl)
{
    lci_read_get(r, decl, "rules");
    int list = lua_gettop(r->L), ok = 0;
    for (size_t i = 0; i < r->m->nrules && ok == 0; i++) {
        lci_rule *ru = &r->m->rules[i];
        lci_read_geti(r, list, (lua_Integer)i + 1);
        int type = lci_read_get(r, lua_gettop(r->L), "unless");
        if (type == LUA_TSTRING) {
            int other = lci_model_rule(r->m, lua_tostring(r->L, -1));
            char hint[96];
            const char *name = lua_tostring(r->L, -1);
            if (other < 0)
                ok = lci_read_fail(r, ru->line, "rule %s: unless names an unknown rule '%s'%s", ru->id, name,
                                   lci_hint(lci_model_nearest(r->m, LCI_NAMES_RULES, name), hint, sizeof hint));
            else if (!ru->kind->on_events || !r->m->rules[other].kind->on_events || r->m->rules[other].type != ru->type)
                ok = lci_read_fail(r, ru->line, "rule %s: unless names a rule on the same single events (on = \"type\"), "
                                       "and %s is not", ru->id, r->m->rules[other].id);
            else if (!(ru->unless = malloc(sizeof *ru->unless))) ok = lci_read_oom(r);
            else {
                ru->unless[0] = other;
                ru->nunless = 1;
            }
        } else if (type != LUA_TNIL) {
            ok = lci_read_fail(r, ru->line, "rule %s: unless must name a rule", ru->id);
        }
        lua_settop(r->L, list);
    }
    lua_pop(r->L, 1);
    return ok;
}

int lci_decl_rules(lci_reader *r, int decl)
{
    lci_model *m = r->m;
    int ok = lci_read_array(r, decl, "rules", (void **)&m->rules, &m->nrules, sizeof *m->rules, read_rule);
    return ok == 0 ? resolve_unless(r, decl) : ok;
}
