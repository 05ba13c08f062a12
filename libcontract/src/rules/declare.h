/* declare.h — reading the declarations of a rule file into the model, a
 * file per group of declarations (decl_*.c); rules.c runs the file and
 * calls them in order, then checks the model across them. */
#ifndef LCI_DECLARE_H
#define LCI_DECLARE_H

#include "kinds/kind.h"
#include "rules/amounts.h"
#include "rules/model.h"
#include "rules/reader.h"

/* Each reads its declarations from the table at `decl`: 0, or -1 with the
 * reader's error set. */
int lci_decl_calendars(lci_reader *r, int decl); /* calendar, workdays */
int lci_decl_events(lci_reader *r, int decl);    /* event */
int lci_decl_scorecard(lci_reader *r, int decl); /* scorecard */
int lci_decl_measures(lci_reader *r, int decl);  /* measure */
int lci_decl_base(lci_reader *r, int decl);      /* penalty_base (before the rules: a pct is of it) */
int lci_decl_rules(lci_reader *r, int decl);     /* breach, incident, violation, finding */
int lci_decl_caps(lci_reader *r, int decl);      /* cap, opening (after the rules: they name them) */
int lci_decl_outcomes(lci_reader *r, int decl);  /* termination, acceptance, obligations, payments */
int lci_decl_shape(lci_reader *r, int decl);     /* month_columns, annual */

#endif
