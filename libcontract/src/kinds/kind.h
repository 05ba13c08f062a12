/* kind.h — a rule kind: what a rule looks at, as a module.
 *
 * A rule records one of four outcomes: a breach (money), an incident, a
 * violation (counted by termination reasons) or a finding.  What it looks
 * at is its kind: one event, a month's figure, a streak of months, a
 * cluster of events, a Lua function per month, a deadline missed.  Each
 * kind is one file in this folder and one line in registry.c, in the manner
 * of SQLite's virtual-table modules: it names the keys it reads (the rule
 * language refuses any other key, with the nearest one as a hint), reads
 * and checks them, says which events it needs kept, applies itself to an
 * evaluation through lci_emit (eval/emit.h), lints itself for `contract
 * check` and describes itself in words.  Every outcome works with every
 * kind.  rules/README.md, "Adding a rule kind", walks through one. */
#ifndef LCI_KIND_H
#define LCI_KIND_H

#include "base/util.h"
#include "libcontract.h"
#include "rules/model.h"
#include "rules/reader.h"

/* The shape of a key's value, as the rule language checks and converts it
 * before the kind reads it (rules/lib/contract.lua). */
typedef enum lci_key_shape {
    LCI_SHAPE_STRING,   /* a string: a name, a type, a measure, a field */
    LCI_SHAPE_STRINGS,  /* a list of strings */
    LCI_SHAPE_QTY,      /* P.name or a constant (minutes(30), ...) */
    LCI_SHAPE_BAND,     /* { gt = ..., lt = ... } */
    LCI_SHAPE_COND,     /* a condition, or a list of them (all) */
    LCI_SHAPE_IMPACT,   /* impact "level" / impact { levels } */
    LCI_SHAPE_MONEY,    /* P.money, pct_of(P.pct, ...), ... */
    LCI_SHAPE_FUNCTION, /* a Lua function */
    LCI_SHAPE_AMOUNT,   /* money, or a rate: per_day(P.rate), per_hour(...), ... */
    LCI_SHAPE_RECORD    /* a table of its own keys (fields) */
} lci_key_shape;

typedef struct lci_key {
    const char *name;
    lci_key_shape shape;
    const struct lci_key *fields; /* RECORD: its keys, ending with {NULL} */
} lci_key;

#define LCI_KEYS_END {NULL, LCI_SHAPE_STRING, NULL}

/* Rules whose kind partitions the same things: `contract check` reports
 * the holes and overlaps between them. */
typedef enum lci_family {
    LCI_FAMILY_NONE,
    LCI_FAMILY_EVENT, /* single events of rule->type, by rule->where */
    LCI_FAMILY_MONTH  /* a month's rule->measure, by rule->band and rule->impact */
} lci_family;

typedef enum lci_span {
    LCI_SPAN_NONE,   /* none: a rate by time needs from = and to = */
    LCI_SPAN_EVENT,  /* the event's anchor to its ends field, when its type has one */
    LCI_SPAN_OWN     /* its own (a lateness: due to done) */
} lci_span;

struct lci_build;
struct lci_findings;

typedef struct lci_kind {
    const char *name;            /* "event", "month", ... in messages and docs */
    const char *const *selects;  /* the keys that, all present, choose this kind (NULL ends) */
    const lci_key *keys;         /* the keys it reads, besides every rule's (LCI_KEYS_END ends) */
    lci_family family;
    int on_events;               /* it finds single events of rule->type (unless, a reason's where) */
    int reads_any_param;         /* its apply may read any parameter, not only those its rule names (Lua) */
    lci_span spans;              /* the span it measures for rates per day, hour or minute */
    /* Reads its keys from the declaration's table at `spec` into rule
     * (rule->type, ->where, ->measure, ->band, ->impact, and its own data);
     * 0, or -1 with the reader's error set. */
    int (*read)(lci_reader *r, int spec, lci_rule *rule);
    /* Marks the event types whose records it reads after the stream. */
    void (*needs)(const lci_rule *rule, lci_model *m);
    /* Finds what the rule finds in the evaluation, calling lci_emit for
     * each: LC_OK, LC_ENOMEM, or another status with b->err set. */
    lc_status (*apply)(struct lci_build *b, const lci_rule *rule);
    /* As of an instant (lc_eval_result_as_of): how far the rule stands
     * from applying in the month in progress, through lci_headroom_add
     * (NULL: nothing to say); 0, or -1 when out of memory. */
    int (*headroom)(struct lci_build *b, const lci_rule *rule);
    /* Adds `contract check` findings of its own (NULL: none). */
    int (*lint)(const lci_model *m, const lci_rule *rule, struct lci_findings *out);
    /* What it looks at, in words ("each outage where ...", "each month whose
     * availability is < 99.9%"), for check and explanations. */
    void (*describe)(const lci_model *m, const lci_rule *rule, lci_buf *out);
    /* Frees rule->data (NULL: free()). */
    void (*free)(void *data);
} lci_kind;

/* The kinds, most specific first (a cluster before a plain event); NULL ends. */
extern const lci_kind *const lci_kinds[];

/* The kind of that name, or NULL. */
const lci_kind *lci_kind_named(const char *name);

/* The keys every rule may have, and those of a breach's money. */
extern const lci_key lci_rule_keys[];
extern const lci_key lci_amount_keys[];

#endif
