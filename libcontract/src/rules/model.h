/* model.h — a rule file compiled into C structures.
 *
 * The rule file only declares (rules/lib/contract.lua collects the
 * declarations); rules.c reads them into this model, and the evaluator works
 * on the model alone: no Lua runs per event.  Every element remembers the
 * rule-file line it came from, for messages and `contract check`. */
#ifndef LCI_MODEL_H
#define LCI_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "base/idtable.h"
#include "base/lctime.h"
#include "base/money.h"

#define LCI_NONE (-1)

/* ---- parameters and quantities ---- */

typedef enum lci_unit {
    LCI_UNIT_NONE = 0,
    LCI_UNIT_MIN,
    LCI_UNIT_HOUR,
    LCI_UNIT_DAY,
    LCI_UNIT_PCT,
    LCI_UNIT_MONEY,
    LCI_UNIT_COUNT,
    LCI_UNIT_POINTS,
    LCI_UNIT_MONTHS
} lci_unit;

typedef struct lci_param {
    const char *name;
    lci_dec declared; /* the rule file's value */
    lci_dec value;    /* the current value (after --set) */
    lci_unit unit;
    /* the values it may take: declared (min = , max = ) or implied by its
     * unit (%, money and durations from 0) and use (a cap's % up to 100) */
    unsigned has_min : 1, has_max : 1, min_declared : 1, max_declared : 1;
    lci_dec min, max;
    const char *clause, *doc;
    int line;
    int uses;         /* references from the rules (for `check`) */
} lci_param;

/* A number in a rule: a parameter or a constant, with a unit. */
typedef struct lci_qty {
    int param;        /* index into params, or LCI_NONE for a constant */
    lci_dec constant;
    lci_unit unit;    /* the constant's unit, or the parameter's */
    int line;
} lci_qty;

/* A band of values: (lo, hi) with each bound optional and open or closed. */
typedef struct lci_band {
    unsigned has_lo : 1, lo_incl : 1, has_hi : 1, hi_incl : 1;
    lci_qty lo, hi;
    int line;
} lci_band;

/* Where an amount comes from: a money parameter (or constant), a month's
 * figure of a money measure (a bill), or a money field of the event a rule
 * found (a milestone's value). */
typedef enum lci_source { LCI_SRC_QTY, LCI_SRC_MEASURE, LCI_SRC_FIELD } lci_source;

/* Money: `of` alone, or round_half_up(of × pct / 100). */
typedef struct lci_money_expr {
    int has_pct;
    lci_qty pct;
    lci_source source;
    lci_qty of;         /* LCI_SRC_QTY */
    int index;          /* LCI_SRC_MEASURE: the measure; LCI_SRC_FIELD: the field */
    int line;
} lci_money_expr;

/* What a breach costs. */
typedef enum lci_amount_kind {
    LCI_A_PCT,   /* pct % of the penalty base, or of `of` */
    LCI_A_MONEY, /* an amount: `money` */
    LCI_A_RATE   /* rate × a quantity: days, hours or minutes of a span, or events */
} lci_amount_kind;

typedef enum lci_per { LCI_PER_EVENT, LCI_PER_DAY, LCI_PER_HOUR, LCI_PER_MINUTE } lci_per;

typedef struct lci_amount {
    lci_amount_kind kind;
    lci_qty pct;                 /* PCT */
    int of_penalty_base;         /* PCT: of the penalty base, else of `of` */
    lci_money_expr of;           /* PCT */
    lci_money_expr money;        /* MONEY */
    lci_qty rate;                /* RATE: money per unit */
    lci_per per;
    int from, to;                /* RATE by time: the fields of the span (LCI_NONE: what the kind measures) */
    int has_beyond;
    lci_qty beyond;              /* RATE by time: only what goes beyond this counts */
    int round_up;                /* RATE by hour or minute: a started unit counts whole */
    int has_min, has_max;        /* the least and the most one breach costs */
    lci_money_expr min, max;
    int line;
} lci_amount;

/* ---- events ---- */

typedef enum lci_field_kind {
    LCI_F_TIME,     /* ns since epoch; offset kept apart for output */
    LCI_F_BOOL,     /* 0 / 1 */
    LCI_F_INTEGER,  /* int64 */
    LCI_F_NUMBER,   /* decimal at the field's scale */
    LCI_F_MONEY,    /* an amount, at scale 4 */
    LCI_F_FRACTION, /* 0..1 at scale 4 */
    LCI_F_ENUM,     /* index into values */
    LCI_F_STRING,   /* index into the evaluation's string pool */
    LCI_F_MONTH,    /* month number y*12+m-1 */
    LCI_F_SEVERITY  /* index into the contract's severity levels */
} lci_field_kind;

#define LCI_FIELD_KINDS (LCI_F_SEVERITY + 1)

/* The kinds as the rule file names them ("time", "money", ...), by kind. */
extern const char *const lci_field_kind_names[LCI_FIELD_KINDS];

typedef struct lci_field {
    const char *name;
    lci_field_kind kind;
    int required;
    int has_default;
    int64_t def;
    int scale;        /* decimals of NUMBER, MONEY and FRACTION (4) */
    const char **values;    /* ENUM values (SEVERITY uses the contract's) */
    size_t nvalues;
    int has_min, has_max;
    int64_t min, max; /* at the field's scale */
} lci_field;

typedef enum lci_accept {
    LCI_ACCEPT_TERM,        /* anchor in the term */
    LCI_ACCEPT_OVERLAP,     /* [anchor, end) overlaps the term */
    LCI_ACCEPT_FROM_SIGNING,/* anchor from the signing day on */
    LCI_ACCEPT_AFTER_TERM,  /* anchor in the term or up to N months after it */
    LCI_ACCEPT_HISTORY      /* a month up to LCI_HISTORY_MONTHS before the term, or in it (opening balances) */
} lci_accept;

/* How far back opening balances may go. */
#define LCI_HISTORY_MONTHS 120

typedef struct lci_order {
    int before, after; /* field indices: before <= after when both present */
} lci_order;

struct lci_cond;

typedef struct lci_event_type {
    const char *name, *label, *clause;
    lci_field *fields;
    size_t nfields;
    int anchor;       /* field index of the anchor time (TIME or MONTH) */
    int ends;         /* field index closing an interval, or LCI_NONE */
    lci_order *order;
    size_t norder;
    struct lci_cond *counts_when; /* NULL: every event counts */
    lci_accept accept;
    int accept_months;
    int adds_to;      /* calendar index the intervals add to, or LCI_NONE */
    int severity;     /* field index of the severity field, or LCI_NONE */
    int stored;       /* records kept for the evaluation at the end */
    int planned;      /* its anchor is a due date: known before it (kinds/late.c) */
    int strict;       /* strict = true: a field it does not declare makes an event invalid */
    int line;
} lci_event_type;

/* ---- conditions on one event ---- */

typedef enum lci_cond_kind {
    LCI_C_ALL,
    LCI_C_ANY,
    LCI_C_NOT,
    LCI_C_IS,       /* field == value (bool, enum, integer) */
    LCI_C_IN,       /* enum or severity field in a set */
    LCI_C_PRESENT,
    LCI_C_ABSENT,
    LCI_C_NUM,      /* numeric field in band */
    LCI_C_SPAN,     /* to - from in band */
    LCI_C_WITHIN,   /* time field inside a calendar's intervals */
    LCI_C_SEVERITY  /* the month's or event's severity in a set */
} lci_cond_kind;

typedef struct lci_cond {
    lci_cond_kind kind;
    int field, field2;  /* SPAN: from, to */
    int64_t value;      /* IS */
    uint64_t set;       /* IN, SEVERITY: bit per value index */
    lci_band band;      /* NUM, SPAN */
    int missing_infinite; /* SPAN: an absent `to` counts as an endless span */
    int calendar;       /* WITHIN */
    struct lci_cond *kids;
    size_t nkids;
    int line;
} lci_cond;

/* ---- measures (per month, and over the term) ---- */

typedef enum lci_measure_kind {
    LCI_M_AVERAGE,      /* mean of (to - from) over events with both */
    LCI_M_AVAILABILITY, /* 100 × (1 - union of intervals / period length) */
    LCI_M_COUNT,        /* events matching a condition */
    LCI_M_SCORE,        /* the scorecard's month score */
    LCI_M_SUM           /* the sum of a numeric field (a month's bill: money) */
} lci_measure_kind;

typedef struct lci_measure {
    const char *name, *label, *clause;
    lci_measure_kind kind;
    lci_unit unit;
    int type;           /* event type */
    int from, to;       /* AVERAGE fields; SUM: to is the field summed, from LCI_NONE */
    lci_cond *where;    /* constant condition (no parameters) */
    int line;
} lci_measure;

/* ---- rules: breaches, incidents, violations, findings ---- */

/* What a rule records when it applies. */
typedef enum lci_outcome { LCI_R_BREACH, LCI_R_INCIDENT, LCI_R_VIOLATION, LCI_R_FINDING } lci_outcome;

struct lci_kind;

typedef struct lci_rule {
    const char *id, *klass, *clause, *text, *label, *message;
    lci_outcome outcome;
    const struct lci_kind *kind; /* what it looks at (kinds/kind.h) */
    void *data;                  /* the kind's own declaration */
    lci_amount amount;           /* BREACH */
    /* what kinds have in common, for the others to see */
    int type;                    /* the event type it looks at, or LCI_NONE */
    lci_cond *where;             /* a filter on those events, or NULL */
    int measure;                 /* the month figure it compares, or LCI_NONE */
    lci_band band;               /* ... and the band it looks for */
    lci_cond *impact;            /* ... and the month's severity; NULL = any */
    int *unless;                 /* rule indices that take precedence (on the same events) */
    size_t nunless;
    int *params;                 /* the parameters it uses (bounds, prices, windows), once each, in order */
    size_t nparams, params_cap;
    int line;
    int order;                   /* item number parsed from the id, for sorting */
    int class_rank;              /* classes rank in the order the rule file first uses them */
} lci_rule;

/* ---- caps ---- */

typedef enum lci_cap_window {
    LCI_CAP_TERM,     /* the whole term */
    LCI_CAP_MONTH,    /* each month */
    LCI_CAP_ROLLING,  /* any `months` consecutive months: that many monthly limits */
    LCI_CAP_TRAILING  /* the `months` months ending with the month assessed (history included) */
} lci_cap_window;

/* A cap limits what the breaches it applies to count over its window, to
 * an amount or to a percentage of a parameter — or of the sum of a money
 * measure (the bills) over the same window. */
typedef struct lci_cap {
    const char *id, *clause;
    lci_cap_window window;
    lci_money_expr amount; /* TERM, TRAILING: the window's limit; MONTH, ROLLING: the limit per month */
    int months;            /* ROLLING, TRAILING */
    const char *klass;     /* applies to the breaches of this class only, or NULL */
    int *rules;            /* ... or of these rules (indices), nrules > 0 */
    size_t nrules;
    int line;
} lci_cap;

/* ---- calendars ---- */

typedef struct lci_day_range {
    int64_t from, to; /* days since epoch, both included */
    const char *name, *clause, *note;
    int confirm;
    int line;
} lci_day_range;

typedef struct lci_calendar {
    const char *name, *clause, *note;
    lci_day_range *ranges;
    size_t nranges;
    int line;
} lci_calendar;

typedef struct lci_workdays {
    int present;
    lci_day_range *off, *on;
    size_t noff, non;
    int weekend[7];   /* 1 for days off by weekday (0 = Monday) */
    const char *clause, *note;
    int line;
} lci_workdays;

/* ---- scorecard ---- */

#define LCI_MAX_COMPONENTS 4

typedef struct lci_score_item {
    const char *id, *name_zh, *name_en;
    lci_dec max;
    lci_dec weights[LCI_MAX_COMPONENTS];
    int enum_value;   /* index in the item field's enum */
    int line;
} lci_score_item;

typedef struct lci_grade {
    const char *name;
    lci_band band;
} lci_grade;

typedef struct lci_scorecard {
    int present;
    const char *clause;
    int type, month_field, item_field;
    int ncomponents;
    int component_fields[LCI_MAX_COMPONENTS];
    const char *component_id[LCI_MAX_COMPONENTS], *component_zh[LCI_MAX_COMPONENTS],
        *component_en[LCI_MAX_COMPONENTS];
    lci_score_item *items;
    size_t nitems;
    int digits;
    lci_grade *grades;
    size_t ngrades;
    int line;
} lci_scorecard;

/* ---- term-level outcomes ---- */

typedef struct lci_termination_reason {
    const char *id, *clause, *label;
    const char *incident_class; /* count incidents of this class, or NULL */
    int violation_rule;   /* or count matches of this violation rule */
    lci_cond *where;      /* violations: further condition */
    lci_qty at_least;
    int line;
} lci_termination_reason;

typedef enum lci_part_kind { LCI_P_MEASURE, LCI_P_INCIDENTS, LCI_P_LATEST } lci_part_kind;

typedef struct lci_acceptance_part {
    const char *name, *clause;
    lci_part_kind kind;
    int measure;           /* MEASURE over the term */
    const char **classes;        /* INCIDENTS */
    size_t nclasses;
    int type, field;       /* LATEST */
    lci_band band;
    int line;
} lci_acceptance_part;

typedef struct lci_obligation {
    const char *kind, *clause;
    int enum_value;
    int daily;            /* due once per day of the term */
    int64_t due;
    int has_by_day;
    lci_qty by_day;       /* delivered in its month by this day, inclusive */
    int line;
} lci_obligation;

typedef struct lci_due_rule {
    int present;
    lci_qty working_days;
    int after_signed;
    int *after_types;     /* earliest event of each type */
    size_t nafter;
} lci_due_rule;

typedef struct lci_instalment {
    lci_qty pct;
    const char *clause, *note;
    lci_due_rule due;
} lci_instalment;

/* Opening balances: what was credited and billed in months before the
 * evaluation's events — before the term (a trailing cap fed by last year)
 * or in it (an evaluation starting mid-term). */
typedef struct lci_opening_sum {
    int measure;       /* a money measure ... */
    int field;         /* ... given by this money field */
} lci_opening_sum;

typedef struct lci_opening {
    int present;
    int type;          /* the event type that carries them (anchor: a month) */
    int credited;      /* its money field: credits granted that month, or LCI_NONE */
    lci_opening_sum *sums;
    size_t nsums;
    int line;
} lci_opening;

typedef struct lci_month_column {
    const char *key;
    int measure;
} lci_month_column;

/* ---- the contract ---- */

/* The bytes of text a rule file may leave in its model (names, clauses,
 * quoted texts, labels): results share them, but they are kept once. */
#define LCI_MODEL_TEXT_LIMIT ((size_t)4 << 20)
/* ... and one of them (reports repeat a breach's quoted text per breach) */
#define LCI_MODEL_STRING_LIMIT ((size_t)64 << 10)

typedef struct lci_model {
    /* every string below lives here, once: results share it (a view keeps
     * its blocks alive after the engine is gone) */
    lci_idtable texts;
    size_t text_bytes;
    const char *id, *title, *currency, *clause;
    const char *lang;                        /* the reports' language ("zh", "en", "both") or NULL */
    const char *amount_zh, *amount_en, *amount_en_plural; /* the word for its amounts (违约金, penalty) */
    int offset_min;            /* the contract's time zone */
    int64_t signed_day;        /* days since epoch */
    lci_time term_start, term_end; /* [start, end) */
    int64_t first_month;       /* month number of the term's first month */
    int nmonths;

    lci_param *params;
    size_t nparams;
    const char **severity_levels;
    size_t nseverity;
    const char *severity_field;
    lci_event_type *types;
    size_t ntypes;
    lci_measure *measures;
    size_t nmeasures;
    lci_rule *rules;
    size_t nrules;
    int has_base;
    lci_money_expr base;
    const char *base_clause;
    lci_cap *caps;
    size_t ncaps;
    lci_calendar *calendars;
    size_t ncalendars;
    lci_workdays workdays;
    lci_scorecard scorecard;
    lci_termination_reason *termination;
    size_t ntermination;
    lci_acceptance_part *acceptance;
    size_t nacceptance;
    const char *acceptance_clause;
    int obligations_type, obligations_field;
    lci_obligation *obligations;
    size_t nobligations;
    const char *obligations_clause;
    lci_instalment *instalments;
    size_t ninstalments;
    int payments_line;
    int has_bond;
    lci_money_expr bond;
    const char *bond_clause;
    lci_due_rule bond_due;
    int has_holdover;
    lci_qty holdover_days;
    const char *holdover_clause;
    lci_opening opening;
    lci_month_column *month_columns;
    size_t nmonth_columns;
    int annual_score_measure, annual_availability_measure;
} lci_model;

void lci_model_free(lci_model *m);

/* Notes that rule r uses parameter p (once): 0, or -1 when out of memory. */
int lci_rule_note_param(lci_rule *r, int p);

/* Frees a condition read for the model (NULL is fine). */
void lci_cond_free(lci_cond *c);

/* 0 when v lies in p's range, else -1 with "must be in [0, 100]" in why. */
int lci_param_in_range(const lci_param *p, lci_dec v, char *why, size_t size);

/* "[0, 100]", "≥ 0", "any value" for p's range. */
void lci_param_range_text(const lci_param *p, char *buf, size_t size);

/* The current value of a quantity. */
lci_dec lci_qty_value(const lci_model *m, const lci_qty *q);

/* Nanoseconds per unit for durations (0 when the unit is not a duration). */
int64_t lci_unit_ns(lci_unit u);

/* Index of a field in a type, of a type, measure, rule, calendar; LCI_NONE when absent. */
int lci_model_field(const lci_event_type *t, const char *name);
int lci_model_type(const lci_model *m, const char *name);
int lci_model_measure(const lci_model *m, const char *name);
int lci_model_rule(const lci_model *m, const char *id);
int lci_model_calendar(const lci_model *m, const char *name);
int lci_model_param(const lci_model *m, const char *name);

/* The declared field of t a misspelt name most likely meant, or NULL. */
const char *lci_model_nearest_field(const lci_event_type *t, const char *name);

/* 1 when cap c applies to rule r's breaches: all of them, its class, or
 * the rules it lists. */
int lci_cap_covers(const lci_model *m, const lci_cap *c, const lci_rule *r);

/* The declared name nearest to a misspelt one (for "did you mean"), or NULL. */
typedef enum { LCI_NAMES_TYPES, LCI_NAMES_MEASURES, LCI_NAMES_PARAMS, LCI_NAMES_RULES } lci_names;
const char *lci_model_nearest(const lci_model *m, lci_names which, const char *name);

/* Month index within the term (0..nmonths-1) of month number `month`, or -1. */
int lci_model_month_index(const lci_model *m, int64_t month);
/* [start, end) of term month i, clipped to the term. */
void lci_model_month_bounds(const lci_model *m, int i, lci_time *start, lci_time *end);

#endif
