/* reader.h — reading the declarations a rule file made, value by value.
 *
 * The rule language's helpers (rules/lib/contract.lua) collect what a rule
 * file declares into Lua tables; these functions read them into the model.
 * The tables came from untrusted code, so they are read raw (no metamethod
 * runs) and every value is checked as if written by hand.  Each function
 * returns 0, or -1 after filling the reader's error with the rule file, the
 * line and what to fix; strings are kept in the model's texts.  The rule
 * kinds (rules/kinds/) read their own keys with them. */
#ifndef LCI_READER_H
#define LCI_READER_H

#include <lua.h>

#include "libcontract.h"
#include "rules/model.h"

typedef struct lci_reader {
    lua_State *L;
    const char *name; /* the rule file's name in messages */
    lci_model *m;
    lc_error *err;
    int line;         /* the declaration being read, for messages */
    lci_rule *rule;   /* the rule being read: the parameters it uses are noted in it */
} lci_reader;

/* Fills the error at `line` (the declaration's when 0); returns -1. */
int lci_read_fail(lci_reader *r, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* lci_read_fail for a name that is not declared: "unknown <what> 'name'",
 * with the nearest declared name as a hint. */
int lci_read_unknown(lci_reader *r, int line, const char *what, const char *name, lci_names which);

/* lci_read_fail for a field t does not have, with the nearest as a hint. */
int lci_read_no_field(lci_reader *r, int line, const lci_event_type *t, const char *name);
int lci_read_oom(lci_reader *r);

/* Pushes t[key] / t[i] (t an absolute index), raw, and returns its type. */
int lci_read_get(lci_reader *r, int t, const char *key);
int lci_read_geti(lci_reader *r, int t, lua_Integer i);
/* The `line` recorded in table t, else the declaration's. */
int lci_read_line(lci_reader *r, int t);

/* Strings: borrowed from the table (valid while it lives) or kept in the
 * model (valid while the model or a result lives); *out NULL when absent
 * and not required. */
int lci_read_borrow(lci_reader *r, int t, const char *key, int required, const char **out);
int lci_read_borrow_at(lci_reader *r, int t, lua_Integer i, const char **out, const char *what);
int lci_read_keep(lci_reader *r, int idx, const char *what, const char **out);
int lci_read_keep_literal(lci_reader *r, const char *s, const char **out);
int lci_read_string(lci_reader *r, int t, const char *key, int required, const char **out);
int lci_read_string_at(lci_reader *r, int t, lua_Integer i, const char **out, const char *what);
/* A list of strings at idx, kept. */
int lci_read_strings(lci_reader *r, int idx, const char ***out, size_t *n, const char *what);
/* Lua's truth of t[key]. */
int lci_read_bool(lci_reader *r, int t, const char *key);

/* The number on the stack top as an exact decimal (floats through their
 * shortest text), or as a whole number. */
int lci_read_decimal(lci_reader *r, int line, const char *what, lci_dec *out);
int lci_read_integer(lci_reader *r, int line, const char *what, int64_t *out);
/* "YYYY-MM-DD" to days since 1970. */
int lci_read_day(lci_reader *r, const char *s, int line, int64_t *day);

/* A unit's name, "" for none. */
const char *lci_unit_name(lci_unit unit);

/* A unit by name ("min", "%", "money"...); LCI_UNIT_NONE when unknown. */
lci_unit lci_unit_named(const char *s);
/* 1 for min, h and d. */
int lci_unit_is_duration(lci_unit u);

/* t[key] as a quantity (P.name or a constant); *present (may be NULL:
 * then required) says whether it was there. */
int lci_read_qty(lci_reader *r, int t, const char *key, lci_qty *q, int *present);
/* t[key] as a band (required). */
int lci_read_band(lci_reader *r, int t, const char *key, lci_band *b);
/* A band's bounds must (or must not) be durations. */
int lci_read_band_units(lci_reader *r, const lci_band *b, int want_duration, const char *what);
/* t[key] as money: a money parameter, a money measure's month figure
 * ("bill"), a money field of the event (field "value", when `type` is not
 * NULL), or pct_of(P.pct, one of these). */
int lci_read_money(lci_reader *r, int t, const char *key, const lci_event_type *type, lci_money_expr *e);

/* The index of s among values, or LCI_NONE. */
int lci_enum_index(const char **values, size_t n, const char *s);
/* t[key] names a field of type t (its index in *out). */
int lci_read_field_ref(lci_reader *r, int idx, const char *key, const lci_event_type *t, int line, int *out);
/* t[key] names a declared event type / measure (LCI_NONE when absent and not required). */
int lci_read_type_ref(lci_reader *r, int idx, const char *key, int line, int *out);
int lci_read_measure_ref(lci_reader *r, int idx, const char *key, int *out);

/* t[key] as a condition on events of `type` (NULL: about a month); *out
 * stays NULL when absent. */
int lci_read_cond(lci_reader *r, int t, const char *key, const lci_event_type *type, lci_cond **out);
/* A condition applied while events stream in: no parameters, no within. */
int lci_read_constant_cond(lci_reader *r, const lci_cond *c, const char *what);

/* Reads decl[key], an array of tables, with one reader per element. */
typedef int (*lci_element_reader)(lci_reader *r, int idx, void *item);
int lci_read_array(lci_reader *r, int decl, const char *key, void **items, size_t *n, size_t size,
                   lci_element_reader read);

#endif
