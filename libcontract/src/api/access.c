/* access.c — a result read by name (lc_result_count, lc_result_text, ...).
 *
 * One table per list: each field's name, type and a getter.  The names are
 * those of INTERFACE.md's JSON, so what a caller reads here is what it
 * would read in the JSON, without parsing it; a field added to a list is a
 * row added to its table, never a change to a struct a caller lays out. */
#include <string.h>

#include "api/result.h"
#include "base/util.h"

/* One value as a getter gives it. */
typedef struct value {
    lc_value_type type;
    const char *text;
    int64_t integer; /* FEN, INT, BOOL */
    double number;
} value;

typedef value (*getter)(const lc_result *res, size_t i);

typedef struct field {
    const char *name;
    getter get;
} field;

static value null_value(void)
{
    return (value){LC_VALUE_NULL, NULL, 0, 0};
}

static value text(const char *s)
{
    return s ? (value){LC_VALUE_TEXT, s, 0, 0} : null_value();
}

static value fen(int64_t v)
{
    return (value){LC_VALUE_FEN, NULL, v, 0};
}

static value whole(int64_t v)
{
    return (value){LC_VALUE_INT, NULL, v, 0};
}

static value flag(int v)
{
    return (value){LC_VALUE_BOOL, NULL, v != 0, 0};
}

static value number(double x)
{
    return (value){LC_VALUE_NUMBER, NULL, 0, x};
}

static value rvalue(const lci_rvalue *v)
{
    if (v->kind == LCI_V_INT) return whole(v->integer);
    if (v->kind == LCI_V_MONEY) return fen(v->integer);
    if (v->kind == LCI_V_NUMBER) return number(v->number);
    return null_value();
}

static const char *month_label(const lc_result *res, int month)
{
    return month >= 0 && (size_t)month < res->nmonths ? res->months[month].label : NULL;
}

/* ---- the lists ---- */

#define GET(name) static value name(const lc_result *res, size_t i)
#define UNUSED_I (void)i

GET(contract_id) { UNUSED_I; return text(res->id); }
GET(contract_title) { UNUSED_I; return text(res->title); }
GET(contract_currency) { UNUSED_I; return text(res->currency); }
GET(contract_value) { UNUSED_I; return res->value >= 0 ? fen(res->value) : null_value(); }
GET(contract_base) { UNUSED_I; return res->penalty_base >= 0 ? fen(res->penalty_base) : null_value(); }
GET(contract_cap) { UNUSED_I; return res->cap >= 0 ? fen(res->cap) : null_value(); }
GET(contract_start) { UNUSED_I; return text(res->term_start); }
GET(contract_end) { UNUSED_I; return text(res->term_end); }
GET(contract_as_of) { UNUSED_I; return text(res->has_as_of ? res->as_of_text : NULL); }
static const field CONTRACT[] = {{"id", contract_id},         {"title", contract_title},
                                 {"currency", contract_currency}, {"value", contract_value},
                                 {"penalty_base", contract_base}, {"cap", contract_cap},
                                 {"term_start", contract_start},  {"term_end", contract_end},
                                 {"as_of", contract_as_of}};

GET(breach_rule) { return text(res->breaches[i].rule); }
GET(breach_class) { return text(res->breaches[i].klass); }
GET(breach_pct) { return text(res->breaches[i].has_pct ? res->breaches[i].pct_text : NULL); }
GET(breach_amount) { return fen(res->breaches[i].amount); }
GET(breach_counted) { return fen(res->breaches[i].counted); }
GET(breach_period) { return text(month_label(res, res->breaches[i].month)); }
GET(breach_at) { return text(res->breaches[i].has_at ? res->breaches[i].at_text : NULL); }
GET(breach_clause) { return text(res->breaches[i].clause); }
GET(breach_reason) { return text(res->breaches[i].reason); }
GET(breach_text) { return text(res->breaches[i].text); }
GET(breach_provisional) { return res->has_as_of ? flag(res->breaches[i].provisional) : null_value(); }
static const field BREACHES[] = {{"rule", breach_rule},     {"class", breach_class},   {"pct", breach_pct},
                                 {"amount", breach_amount}, {"counted", breach_counted},
                                 {"period", breach_period}, {"at", breach_at},
                                 {"clause", breach_clause}, {"reason", breach_reason}, {"text", breach_text},
                                 {"provisional", breach_provisional}};

GET(incident_rule) { return text(res->incidents[i].rule); }
GET(incident_class) { return text(res->incidents[i].klass); }
GET(incident_at) { return text(res->incidents[i].at_text); }
GET(incident_clause) { return text(res->incidents[i].clause); }
GET(incident_text) { return text(res->incidents[i].text); }
static const field INCIDENTS[] = {{"rule", incident_rule}, {"class", incident_class}, {"at", incident_at},
                                  {"clause", incident_clause}, {"text", incident_text}};

GET(finding_kind) { return text(res->findings[i].kind); }
GET(finding_message) { return text(res->findings[i].message); }
GET(finding_clause) { return text(res->findings[i].clause); }
static const field FINDINGS[] = {{"kind", finding_kind}, {"message", finding_message}, {"clause", finding_clause}};

GET(warning_file) { return text(res->warnings[i].file); }
GET(warning_line) { return whole(res->warnings[i].line); }
GET(warning_message) { return text(res->warnings[i].message); }
static const field WARNINGS[] = {{"file", warning_file}, {"line", warning_line}, {"message", warning_message}};

GET(cap_id) { return text(res->caps[i].id); }
GET(cap_window) { return text(res->caps[i].window); }
GET(cap_period) { return text(month_label(res, res->caps[i].month)); }
GET(cap_limit) { return fen(res->caps[i].limit); }
GET(cap_cut) { return fen(res->caps[i].cut); }
static const field CAPS[] = {{"cap", cap_id}, {"window", cap_window}, {"period", cap_period}, {"limit", cap_limit},
                             {"cut", cap_cut}};

/* cap_cuts: every cut of every cap (caps[].breaches in the JSON), flat:
 * which cap (its index in caps), which breach (its index in breaches). */
static const lci_rcut *cut_at(const lc_result *res, size_t i, size_t *cap)
{
    for (*cap = 0; *cap < res->ncaps; ++*cap) {
        if (i < res->caps[*cap].ncuts) return &res->caps[*cap].cuts[i];
        i -= res->caps[*cap].ncuts;
    }
    return NULL; /* lookup checks i against the count first */
}
GET(cut_cap)
{
    size_t c;
    cut_at(res, i, &c);
    return text(res->caps[c].id);
}
GET(cut_cap_index)
{
    size_t c;
    cut_at(res, i, &c);
    return whole((int64_t)c);
}
GET(cut_breach)
{
    size_t c;
    return whole((int64_t)cut_at(res, i, &c)->breach);
}
GET(cut_rule)
{
    size_t c;
    return breach_rule(res, cut_at(res, i, &c)->breach);
}
GET(cut_period)
{
    size_t c;
    return breach_period(res, cut_at(res, i, &c)->breach);
}
GET(cut_at_time)
{
    size_t c;
    return breach_at(res, cut_at(res, i, &c)->breach);
}
GET(cut_amount)
{
    size_t c;
    return fen(cut_at(res, i, &c)->cut);
}
static const field CAP_CUTS[] = {{"cap", cut_cap},   {"cap_index", cut_cap_index}, {"breach", cut_breach},
                                 {"rule", cut_rule}, {"period", cut_period},       {"at", cut_at_time},
                                 {"cut", cut_amount}};

GET(totals_pct_of_base) { UNUSED_I; return text(res->penalty_base >= 0 ? res->pct_of_base_text : NULL); }
GET(totals_uncapped) { UNUSED_I; return fen(res->amount_uncapped); }
GET(totals_amount) { UNUSED_I; return fen(res->amount); }
GET(totals_capped) { UNUSED_I; return flag(res->capped); }
GET(totals_breaches) { UNUSED_I; return whole((int64_t)res->nbreaches); }
GET(totals_pct_of_value)
{
    UNUSED_I;
    double pct;
    return lci_result_pct_of_value(res, &pct) ? number(pct) : null_value();
}
static const field TOTALS[] = {{"pct_of_base", totals_pct_of_base}, {"amount_uncapped", totals_uncapped},
                               {"amount", totals_amount},           {"capped", totals_capped},
                               {"breaches", totals_breaches},       {"pct_of_value", totals_pct_of_value}};

GET(reason_id) { return text(res->reasons[i].id); }
GET(reason_clause) { return text(res->reasons[i].clause); }
GET(reason_label) { return text(res->reasons[i].label); }
GET(reason_count) { return whole(res->reasons[i].count); }
GET(reason_needed) { return whole(res->reasons[i].needed); }
GET(reason_message) { return text(res->reasons[i].message); }
static const field REASONS[] = {{"reason", reason_id},     {"clause", reason_clause}, {"label", reason_label},
                                {"count", reason_count},   {"needed", reason_needed}, {"message", reason_message}};

GET(nc_type) { return text(res->not_counted[i].type); }
GET(nc_reason) { return text(res->not_counted[i].reason); }
GET(nc_count) { return whole((int64_t)res->not_counted[i].count); }
static const field NOT_COUNTED[] = {{"type", nc_type}, {"reason", nc_reason}, {"count", nc_count}};

GET(updates_revised) { UNUSED_I; return res->has_updates ? whole((int64_t)res->revised) : null_value(); }
GET(updates_retracted) { UNUSED_I; return res->has_updates ? whole((int64_t)res->retracted) : null_value(); }
static const field UPDATES[] = {{"revised", updates_revised}, {"retracted", updates_retracted}};

GET(hr_kind) { return text(res->headroom[i].kind); }
GET(hr_rule) { return text(res->headroom[i].rule); }
GET(hr_what) { return text(res->headroom[i].what); }
GET(hr_crossed) { return flag(res->headroom[i].crossed); }
GET(hr_left) { return text(res->headroom[i].left[0] ? res->headroom[i].left : NULL); }
GET(hr_unit) { return text(res->headroom[i].unit[0] ? res->headroom[i].unit : NULL); }
GET(hr_amount) { return res->headroom[i].has_amount ? fen(res->headroom[i].amount) : null_value(); }
GET(hr_at) { return text(res->headroom[i].at[0] ? res->headroom[i].at : NULL); }
GET(hr_used) { return text(res->headroom[i].used[0] ? res->headroom[i].used : NULL); }
GET(hr_gone) { return text(res->headroom[i].gone[0] ? res->headroom[i].gone : NULL); }
static const field HEADROOM[] = {{"kind", hr_kind}, {"rule", hr_rule},     {"crossed", hr_crossed}, {"left", hr_left},
                                 {"unit", hr_unit}, {"amount", hr_amount}, {"at", hr_at},           {"used", hr_used},
                                 {"gone", hr_gone}, {"what", hr_what}};

GET(stamp_engine) { UNUSED_I; return text(res->engine_version); }
GET(stamp_rules) { UNUSED_I; return text(res->rules_name); }
GET(stamp_rules_hash) { UNUSED_I; return text(res->rules_hash); }
GET(stamp_params_hash) { UNUSED_I; return text(res->params_hash); }
static const field STAMP[] = {{"engine", stamp_engine}, {"rules", stamp_rules}, {"rules_hash", stamp_rules_hash},
                              {"params_hash", stamp_params_hash}};

GET(param_name) { return text(res->param_names[i]); }
GET(param_value) { return text(res->param_values[i]); }
static const field PARAMS[] = {{"name", param_name}, {"value", param_value}};

GET(termination_right) { UNUSED_I; return flag(res->termination_right); }
static const field TERMINATION[] = {{"right", termination_right}};

GET(annual_score) { UNUSED_I; return text(res->has_annual_score ? res->annual_score_text : NULL); }
GET(annual_grade) { UNUSED_I; return text(res->grade); }
GET(annual_availability) { UNUSED_I; return rvalue(&res->annual_availability); }
static const field ANNUAL[] = {{"score", annual_score}, {"grade", annual_grade}, {"availability", annual_availability}};

GET(acceptance_passed) { UNUSED_I; return res->has_acceptance ? flag(res->acceptance_passed) : null_value(); }
static const field ACCEPTANCE[] = {{"passed", acceptance_passed}};

GET(part_name) { return text(res->parts[i].name); }
GET(part_passed) { return flag(res->parts[i].passed); }
GET(part_value) { return rvalue(&res->parts[i].value); }
GET(part_clause) { return text(res->parts[i].clause); }
GET(part_reason) { return text(res->parts[i].reason); }
static const field PARTS[] = {{"name", part_name}, {"passed", part_passed}, {"value", part_value},
                              {"clause", part_clause}, {"reason", part_reason}};

GET(obligation_kind) { return text(res->obligations[i].kind); }
GET(obligation_due) { return whole(res->obligations[i].due); }
GET(obligation_delivered) { return whole(res->obligations[i].delivered); }
GET(obligation_due_so_far)
{
    const lci_robligation *o = &res->obligations[i];
    return o->due_so_far < 0 ? null_value() : whole(o->due_so_far);
}
GET(obligation_shortfall)
{
    const lci_robligation *o = &res->obligations[i];
    return lci_obligation_shortfall(o) < 0 ? null_value() : whole(lci_obligation_shortfall(o));
}
GET(obligation_clause) { return text(res->obligations[i].clause); }
static const field OBLIGATIONS[] = {{"kind", obligation_kind},           {"due", obligation_due},
                                    {"delivered", obligation_delivered}, {"shortfall", obligation_shortfall},
                                    {"due_so_far", obligation_due_so_far}, {"clause", obligation_clause}};

GET(instalment_pct) { return text(res->instalments[i].pct_text); }
GET(instalment_amount) { return fen(res->instalments[i].amount); }
GET(instalment_due) { return text(res->instalments[i].due.known ? res->instalments[i].due.text : NULL); }
GET(instalment_clause) { return text(res->instalments[i].clause); }
static const field INSTALMENTS[] = {{"pct", instalment_pct}, {"amount", instalment_amount}, {"due", instalment_due},
                                    {"clause", instalment_clause}};

GET(bond_amount) { UNUSED_I; return res->has_bond ? fen(res->bond_amount) : null_value(); }
GET(bond_due) { UNUSED_I; return text(res->has_bond && res->bond_due.known ? res->bond_due.text : NULL); }
GET(bond_clause) { UNUSED_I; return text(res->has_bond ? res->bond_clause : NULL); }
GET(holdover) { UNUSED_I; return res->has_holdover ? fen(res->holdover_per_day) : null_value(); }
static const field PAYMENTS[] = {{"bond_amount", bond_amount}, {"bond_due", bond_due}, {"bond_clause", bond_clause},
                                 {"holdover_per_day", holdover}};

/* months: "month", each column by its key, "score" (dynamic: see below) */
GET(month_label_of) { return text(res->months[i].label); }
GET(month_score) { return text(res->months[i].scored ? res->months[i].score_text : NULL); }

typedef struct list {
    const char *name;
    const field *fields;
    size_t nfields;
    size_t (*count)(const lc_result *res);
    const lci_refs *(*events)(const lc_result *res, size_t i);
} list;

static size_t one(const lc_result *res) { (void)res; return 1; }
static size_t n_breaches(const lc_result *res) { return res->nbreaches; }
static size_t n_incidents(const lc_result *res) { return res->nincidents; }
static size_t n_findings(const lc_result *res) { return res->nfindings; }
static size_t n_warnings(const lc_result *res) { return res->nwarnings; }
static size_t n_caps(const lc_result *res) { return res->ncaps; }
static size_t n_cap_cuts(const lc_result *res)
{
    size_t n = 0;
    for (size_t c = 0; c < res->ncaps; c++) n += res->caps[c].ncuts;
    return n;
}
static size_t n_reasons(const lc_result *res) { return res->nreasons; }
static size_t n_parts(const lc_result *res) { return res->nparts; }
static size_t n_obligations(const lc_result *res) { return res->nobligations; }
static size_t n_instalments(const lc_result *res) { return res->ninstalments; }
static size_t n_params(const lc_result *res) { return res->nparams; }
static size_t n_not_counted(const lc_result *res) { return res->nnot_counted; }
static size_t n_headroom(const lc_result *res) { return res->nheadroom; }

static const lci_refs *breach_events(const lc_result *res, size_t i) { return &res->breaches[i].events; }
static const lci_refs *incident_events(const lc_result *res, size_t i) { return &res->incidents[i].events; }
static const lci_refs *finding_events(const lc_result *res, size_t i) { return &res->findings[i].events; }
static const lci_refs *reason_events(const lc_result *res, size_t i) { return &res->reasons[i].events; }

#define LIST(name, fields, count, events) {name, fields, LCI_ARRAY_LEN(fields), count, events}

static const list LISTS[] = {
    LIST("contract", CONTRACT, one, NULL),
    LIST("breaches", BREACHES, n_breaches, breach_events),
    LIST("incidents", INCIDENTS, n_incidents, incident_events),
    LIST("findings", FINDINGS, n_findings, finding_events),
    LIST("warnings", WARNINGS, n_warnings, NULL),
    LIST("caps", CAPS, n_caps, NULL),
    LIST("cap_cuts", CAP_CUTS, n_cap_cuts, NULL),
    LIST("totals", TOTALS, one, NULL),
    LIST("termination", TERMINATION, one, NULL),
    LIST("reasons", REASONS, n_reasons, reason_events),
    LIST("annual", ANNUAL, one, NULL),
    LIST("acceptance", ACCEPTANCE, one, NULL),
    LIST("parts", PARTS, n_parts, NULL),
    LIST("obligations", OBLIGATIONS, n_obligations, NULL),
    LIST("instalments", INSTALMENTS, n_instalments, NULL),
    LIST("payments", PAYMENTS, one, NULL),
    LIST("stamp", STAMP, one, NULL),
    LIST("not_counted", NOT_COUNTED, n_not_counted, NULL),
    LIST("updates", UPDATES, one, NULL),
    LIST("headroom", HEADROOM, n_headroom, NULL),
    LIST("params", PARAMS, n_params, NULL),
};

static const char MONTHS[] = "months";

static const list *list_named(const char *name)
{
    for (size_t i = 0; name && i < LCI_ARRAY_LEN(LISTS); i++)
        if (strcmp(LISTS[i].name, name) == 0) return &LISTS[i];
    return NULL;
}

/* Whether a month column is named "score" (then the score is that column). */
static int score_is_column(const lc_result *res)
{
    for (size_t c = 0; c < res->ncolumns; c++)
        if (strcmp(res->column_keys[c], "score") == 0) return 1;
    return 0;
}

/* A month's field: its label, a column by key, or its score. */
static value month_field(const lc_result *res, size_t i, const char *name, int *found)
{
    *found = 1;
    if (strcmp(name, "month") == 0) return month_label_of(res, i);
    for (size_t c = 0; c < res->ncolumns; c++)
        if (strcmp(res->column_keys[c], name) == 0) return rvalue(&res->months[i].columns[c]);
    if (strcmp(name, "score") == 0 && res->has_scorecard) return month_score(res, i);
    if (strcmp(name, "counted") == 0) return fen(res->months[i].counted);
    if (strcmp(name, "assessed") == 0 && res->has_as_of) {
        int p = res->months[i].progress;
        return text(p == LCI_MONTH_ASSESSED ? "yes" : p == LCI_MONTH_IN_PROGRESS ? "in_progress" : "no");
    }
    *found = 0;
    return null_value();
}

/* The value of list[i].name; type LC_VALUE_NONE when there is none. */
static value lookup(const lc_result *res, const char *list_name, size_t i, const char *name)
{
    value none = {LC_VALUE_NONE, NULL, 0, 0};
    if (!res || !list_name || !name) return none;
    if (strcmp(list_name, MONTHS) == 0) {
        int found;
        value v = i < res->nmonths ? month_field(res, i, name, &found) : none;
        return i < res->nmonths && found ? v : none;
    }
    const list *l = list_named(list_name);
    if (!l || i >= l->count(res)) return none;
    for (size_t f = 0; f < l->nfields; f++)
        if (strcmp(l->fields[f].name, name) == 0) return l->fields[f].get(res, i);
    return none;
}

size_t lc_result_count(const lc_result *res, const char *list_name)
{
    if (!res || !list_name) return 0;
    if (strcmp(list_name, MONTHS) == 0) return res->nmonths;
    const list *l = list_named(list_name);
    return l ? l->count(res) : 0;
}

const char *lc_result_field(const lc_result *res, const char *list_name, size_t k)
{
    if (!res || !list_name) return NULL;
    if (strcmp(list_name, MONTHS) == 0) {
        if (k == 0) return "month";
        if (k - 1 < res->ncolumns) return res->column_keys[k - 1];
        if (k - 1 == res->ncolumns) return "counted";
        return k - 2 == res->ncolumns && res->has_scorecard && !score_is_column(res) ? "score" : NULL;
    }
    const list *l = list_named(list_name);
    return l && k < l->nfields ? l->fields[k].name : NULL;
}

lc_value_type lc_result_type(const lc_result *res, const char *list_name, size_t i, const char *field_name)
{
    return lookup(res, list_name, i, field_name).type;
}

const char *lc_result_text(const lc_result *res, const char *list_name, size_t i, const char *field_name)
{
    value v = lookup(res, list_name, i, field_name);
    return v.type == LC_VALUE_TEXT ? v.text : NULL;
}

/* Stores the integer of a value of type t. */
static int integer_of(value v, lc_value_type t, int64_t *out)
{
    if (v.type != t || !out) return 0;
    *out = v.integer;
    return 1;
}

int lc_result_fen(const lc_result *res, const char *list_name, size_t i, const char *field_name, int64_t *out)
{
    return integer_of(lookup(res, list_name, i, field_name), LC_VALUE_FEN, out);
}

int lc_result_int(const lc_result *res, const char *list_name, size_t i, const char *field_name, int64_t *out)
{
    return integer_of(lookup(res, list_name, i, field_name), LC_VALUE_INT, out);
}

int lc_result_bool(const lc_result *res, const char *list_name, size_t i, const char *field_name, int *out)
{
    int64_t v;
    if (!out || !integer_of(lookup(res, list_name, i, field_name), LC_VALUE_BOOL, &v)) return 0;
    *out = (int)v;
    return 1;
}

int lc_result_number(const lc_result *res, const char *list_name, size_t i, const char *field_name, double *out)
{
    value v = lookup(res, list_name, i, field_name);
    if (v.type != LC_VALUE_NUMBER || !out) return 0;
    *out = v.number;
    return 1;
}

static const lci_refs *events_of(const lc_result *res, const char *list_name, size_t i)
{
    const list *l = res ? list_named(list_name) : NULL;
    return l && l->events && i < l->count(res) ? l->events(res, i) : NULL;
}

size_t lc_result_event_count(const lc_result *res, const char *list_name, size_t i)
{
    const lci_refs *r = events_of(res, list_name, i);
    return r ? r->n : 0;
}

const char *lc_result_event(const lc_result *res, const char *list_name, size_t i, size_t j)
{
    const lci_refs *r = events_of(res, list_name, i);
    return r && j < r->n ? lci_result_id(res, r->ids[j]) : NULL;
}
