/* shared.h — what several kinds share: reading and applying a month figure
 * (month.c, streak.c), reading single events (event.c, cluster.c, late.c). */
#ifndef LCI_KIND_SHARED_H
#define LCI_KIND_SHARED_H

#include "eval/emit.h"
#include "kinds/kind.h"

/* Reads month = measure, band, impact. */
int lci_kind_read_month(lci_reader *r, int spec, lci_rule *rule);

/* The month's emission (streak > 0: the run it ends). */
lc_status lci_emit_month(lci_build *b, const lci_rule *r, int month, const lci_mvalue *v, int streak);

void lci_kind_describe_month(const lci_model *m, const lci_rule *r, lci_buf *out);

/* As of an instant: how far the month's figure stands from the band. */
int lci_kind_month_headroom(lci_build *b, const lci_rule *r);

extern const lci_key lci_month_keys[];

/* Reads on = type and where (event.c); keeps the type's records. */
int lci_kind_read_events(lci_reader *r, int spec, lci_rule *rule);
void lci_kind_needs_events(const lci_rule *rule, lci_model *m);

#endif
