/* result.h — an evaluation's outcome, standing on its own.
 *
 * A result copies what it shows (rule ids, clauses), so it outlives its
 * engine and evaluation and any thread may read it.  Event ids are not
 * copied: the result holds a view of its evaluation's, whose blocks never
 * move and stay alive while any result needs them (strstore.h). */
#ifndef LCI_RESULT_H
#define LCI_RESULT_H

#include "base/idtable.h"
#include "libcontract.h"
#include "rules/model.h"

typedef struct lci_refs {
    uint32_t *ids; /* indices into the result's id table */
    size_t n;
} lci_refs;

/* Strings a result shows from the rule file are borrowed from the model's
 * texts (res->texts keeps them alive); reasons and messages are its own. */
typedef struct lci_rbreach {
    const char *rule, *klass, *clause, *text;
    int rule_index;   /* in the model's rules */
    char *reason;
    int has_pct;      /* priced as a percentage (else an amount or a rate: pct is null) */
    lci_dec pct;
    int64_t amount;   /* fen, before caps */
    int64_t counted;  /* fen, after every cap */
    int month;        /* term month for a month's breach, else -1 */
    int cap_month;    /* the month the amount counts in for monthly caps */
    int provisional;  /* of the month in progress of an as-of result */
    int has_at;
    lci_time at;
    lci_time sort_time;
    int class_rank, order;
    const char *first_event; /* for ordering: borrowed from the id table once complete */
    char pct_text[32];       /* for lc_result_breach */
    char at_text[40];
    lci_refs events;
} lci_rbreach;

typedef struct lci_rincident {
    const char *rule, *klass, *clause, *text;
    lci_time at;
    char at_text[40];
    lci_refs events;
} lci_rincident;

typedef struct lci_rfinding {
    const char *kind, *clause;
    char *message;
    lci_refs events;
} lci_rfinding;

typedef enum lci_vkind { LCI_V_NULL, LCI_V_NUMBER, LCI_V_INT, LCI_V_MONEY /* integer: fen */ } lci_vkind;

typedef struct lci_rvalue {
    lci_vkind kind;
    double number;
    int64_t integer;
    int has_shown;   /* NUMBER: shown, the exact value as people see it (lci_shown_value) */
    lci_dec shown;
    int flagged;     /* a month's figure a breach or incident rule finds (charts mark it) */
} lci_rvalue;

/* The bounds the rules compare a month column (or the score) with: the
 * lines a chart of it draws, sorted, distinct. */
#define LCI_CHART_LINES 8
typedef struct lci_rlines {
    size_t n;
    lci_dec at[LCI_CHART_LINES];
} lci_rlines;

typedef struct lci_ritem {
    int present;
    int64_t fraction[LCI_MAX_COMPONENTS]; /* scale 4 */
    lci_dec points[LCI_MAX_COMPONENTS];   /* max × weight × fraction, exact */
    lci_dec subtotal;                     /* the item's points */
    lci_dec max_points[LCI_MAX_COMPONENTS];
} lci_ritem;

typedef struct lci_rmonth {
    char label[8];       /* "2026-04" */
    lci_rvalue *columns; /* per month column */
    int scored;
    int score_flagged;   /* a rule on the score finds this month */
    lci_dec score;       /* rounded */
    char score_text[48];
    lci_dec raw_max;     /* Σ max of the items present */
    lci_ritem *items;    /* per scorecard item */
    int64_t counted;     /* what its breaches count after the caps, fen */
    int progress;        /* as-of results: LCI_MONTH_ASSESSED, _IN_PROGRESS or _NOT_ASSESSED */
} lci_rmonth;

enum { LCI_MONTH_ASSESSED, LCI_MONTH_IN_PROGRESS, LCI_MONTH_NOT_ASSESSED };

/* How far the contract stands from a threshold, as of an instant
 * (headroom.c): what more it takes (left, in unit) before a rule applies,
 * what that costs, when it happens at the present rate or by a deadline;
 * or that it applies already (crossed). */
typedef struct lci_rheadroom {
    const char *kind;  /* "downtime", "average", "count", "cluster", "deadline", "late", "cap", "termination" */
    const char *rule;  /* the rule, cap or reason (borrowed) */
    char *what;        /* in words */
    int crossed;
    char left[48];     /* a decimal in unit, or "" */
    const char *unit;  /* "min", "events", "days", ... or "" */
    int has_amount;
    int64_t amount;    /* fen */
    char at[40];       /* RFC 3339, or "" */
    char used[24];     /* the burn rate: % of the month's room used so far, or "" */
    char gone[24];     /* ... against the % of the month gone */
} lci_rheadroom;

/* One breach a cap cut, and by how much. */
typedef struct lci_rcut {
    size_t breach;      /* index in the result's breaches */
    int64_t cut;        /* fen */
} lci_rcut;

typedef struct lci_rcap {
    const char *id, *window; /* borrowed: the model's texts, static words */
    int month;          /* the month a monthly, rolling or trailing cap cut in, else -1 */
    int64_t limit, cut; /* fen */
    lci_rcut *cuts;     /* the breaches it cut, in order */
    size_t ncuts;
} lci_rcap;

typedef struct lci_rreason {
    char *id, *clause, *label, *message;
    int64_t count, needed;
    lci_refs events;
} lci_rreason;

typedef struct lci_rpart {
    char *name, *clause, *reason;
    int passed;
    lci_rvalue value;
} lci_rpart;

typedef struct lci_robligation {
    char *kind, *clause;
    int64_t due, delivered;
    int64_t due_so_far;  /* as of an instant: due by then, -1 judged at the term's end; else due */
} lci_robligation;

/* What is missing of what is due (so far): -1 when judged at the term's end. */
static inline int64_t lci_obligation_shortfall(const lci_robligation *o)
{
    if (o->due_so_far < 0) return -1;
    return o->due_so_far > o->delivered ? o->due_so_far - o->delivered : 0;
}

typedef struct lci_rdue {
    int known;
    int64_t day;
    char text[16];       /* YYYY-MM-DD */
} lci_rdue;

typedef struct lci_rinstalment {
    lci_dec pct;
    char pct_text[48];
    int64_t amount;
    lci_rdue due;
    char *clause, *note;
} lci_rinstalment;

typedef struct lci_rwarning {
    char *file;
    long line;
    char *message;
} lci_rwarning;

typedef struct lci_rscore_item {
    char *id, *zh, *en;
    lci_dec max;
    lci_dec weights[LCI_MAX_COMPONENTS];
} lci_rscore_item;

struct lc_result {
    /* contract */
    char *id, *title, *currency;
    int offset_min;
    int64_t value, penalty_base, cap; /* fen; penalty_base and cap -1 when not declared */
    char *term_start, *term_end;      /* RFC 3339 */
    /* stamp */
    char *stamp_block;       /* every text of the stamp, which the next fields point into */
    char *engine_version, *rules_name, *rules_hash, *params_hash;
    char **param_names, **param_values;
    char **param_declared;   /* per parameter: the rule file's value when --set changed it, else NULL */
    struct lci_rparams {
        int *at;             /* indices in param_names */
        size_t n;
    } *rule_params;          /* per rule of the model (lci_rbreach.rule_index): the parameters it uses */
    size_t nrules;
    size_t nparams;

    lci_strview ids;      /* the evaluation's event ids, shared (refs index them) */
    lci_strview texts;    /* the rule file's texts, shared (borrowed strings point into them) */
    lci_rbreach *breaches;
    size_t nbreaches;
    lci_rincident *incidents;
    size_t nincidents;
    lci_rfinding *findings;
    size_t nfindings;

    int lang;                 /* the lc_lang the contract declares, or -1 */
    const char *amount_zh, *amount_en, *amount_en_plural; /* the word for its amounts (borrowed) */
    char **column_keys;
    lci_unit *column_units;
    lci_rlines *column_lines; /* per column */
    lci_rlines score_lines;   /* the scorecard's grades and the rules on the score */
    size_t ncolumns;
    lci_rmonth *months;
    size_t nmonths;

    /* scorecard layout, for the score sheets */
    int has_scorecard;
    char *score_clause;
    int ncomponents;
    char *component_id[LCI_MAX_COMPONENTS], *component_zh[LCI_MAX_COMPONENTS], *component_en[LCI_MAX_COMPONENTS];
    lci_rscore_item *score_items;
    size_t nscore_items;
    int score_digits;

    /* totals */
    lci_dec pct_of_base;
    char pct_of_base_text[48];
    int64_t amount_uncapped, amount;
    int capped;
    lci_rcap *caps;
    size_t ncaps;

    int termination_right;
    lci_rreason *reasons;
    size_t nreasons;

    int has_annual_score;
    lci_dec annual_score;
    char annual_score_text[48];
    char *grade;
    lci_rvalue annual_availability;

    int has_acceptance, acceptance_passed;
    lci_rpart *parts;
    size_t nparts;

    lci_robligation *obligations;
    size_t nobligations;

    lci_rinstalment *instalments;
    size_t ninstalments;
    int has_bond;
    int64_t bond_amount;
    lci_rdue bond_due;
    char *bond_clause;
    int has_holdover;
    int64_t holdover_per_day;

    lci_rwarning *warnings;
    size_t nwarnings;
    struct lci_rnot_counted {
        const char *type;     /* borrowed from the model's texts; NULL: a line of no known type */
        const char *reason;   /* "condition", "outside_term", "repeat", "invalid" (static) */
        uint64_t count;
    } *not_counted;           /* by type in declaration order, then reason */
    size_t nnot_counted;
    int has_as_of;            /* the standing at an instant (lc_eval_result_as_of) */
    char as_of_text[40];
    lci_rheadroom *headroom;  /* as of an instant: every threshold's distance */
    size_t nheadroom, headroom_cap;
    int has_updates;          /* made with LC_EVAL_UPDATES: revised and retracted events */
    uint64_t revised, retracted;
};

/* An empty result (all counts zero), or NULL. */
lc_result *lci_result_new(void);

/* The event id a result names (borrowed). */
static inline const char *lci_result_id(const lc_result *res, uint32_t index)
{
    return lci_strview_get(&res->ids, index);
}

/* totals.pct_of_value: INTERFACE.md writes this share as a JSON number; it
 * is derived at the last moment from the exact fen (the result holds no
 * money in a double).  Returns 0 (JSON null) without a contract value,
 * unless nothing was counted: nothing is 0% of any value. */
static inline int lci_result_pct_of_value(const lc_result *res, double *pct)
{
    *pct = res->value > 0 ? (double)res->amount * 100.0 / (double)res->value : 0;
    return res->value > 0 || (res->value == 0 && res->amount == 0);
}

/* The INTERFACE.md JSON (json_out.c); LC_RENDER_EXPLAIN adds the
 * contract's words and the reason's numbers to each breach. */
lc_status lci_result_to_json(const lc_result *res, unsigned flags, char **out, size_t *len, lc_error *err);

/* Human reports (report_*.c). */
lc_status lci_result_to_text(const lc_result *res, lc_lang lang, unsigned flags, char **out, size_t *len,
                             lc_error *err);

#endif
