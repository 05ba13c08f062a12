/* rules.h — loading a rule file into the model.
 *
 * The rule file runs once, in the sandbox, after the rule language's
 * helpers (rules/lib/contract.lua, compiled into the library); what it
 * declares is read here into C structures and checked: every name it uses
 * must exist, every number must be finite and exact, every condition must
 * fit the fields it reads.  Errors name the rule file and line. */
#ifndef LCI_RULES_H
#define LCI_RULES_H

#include "libcontract.h"
#include "rules/model.h"
#include "sandbox/sandbox.h"

lc_status lci_rules_load(lci_sandbox *sb, const char *name, const char *text, size_t len,
                         lci_model *out, lc_error *err);

/* Parses a parameter value given as text ("99.5") into a decimal fit for
 * parameters: finite, at most 15 significant digits and 6 decimals.
 * 0, or -1 with a reason in why. */
int lci_param_parse(const char *text, lci_dec *out, char *why, size_t whysize);

#endif
