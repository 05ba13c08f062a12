/* check.h — linting a loaded rule file (`contract check`).
 *
 * Holes and overlaps between the bands of rules about the same thing are
 * found by evaluating the compiled conditions at representative points:
 * every threshold, a point between each two, one below and one above, for
 * every number a family of rules compares, crossed with every severity,
 * flag and calendar state they test.  A point no rule covers is a hole when
 * a point no worse than it is covered (the text penalises less and not
 * this), or when the same values with another severity are covered; a
 * point two rules cover is an overlap.  Neighbouring points merge into
 * regions before they are reported. */
#ifndef LCI_CHECK_H
#define LCI_CHECK_H

#include "libcontract.h"
#include "rules/model.h"

typedef struct lci_finding {
    char *kind;    /* hole, overlap, weights, unused_parameter, no_range, unnamed_threshold, duplicate_id, cap_below_item,
                      to_confirm, and the kinds' own (unbounded_rate) */
    char *clause;
    char *rules;   /* the rule ids concerned, comma separated */
    char *message;
    int line;
} lci_finding;

typedef struct lci_findings {
    lci_finding *items;
    size_t n, cap;
} lci_findings;

int lci_check(const lci_model *m, lci_findings *out);

/* Adds a finding (rules: the ids concerned; clause may be NULL); 0, or -1
 * when out of memory.  For the checks here and the kinds' lint hooks. */
int lci_finding_add(lci_findings *out, const char *kind, int line, const char *clause, const char *rules,
                    const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void lci_findings_free(lci_findings *f);

#endif
