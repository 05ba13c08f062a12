/* registry.c — the rule kinds (kind.h), and the keys every rule has. */
#include <string.h>

#include "kinds/kind.h"

extern const lci_kind lci_kind_event, lci_kind_month, lci_kind_streak, lci_kind_cluster, lci_kind_function, lci_kind_late;

/* Most specific first: the first kind whose selecting keys are all in a
 * declaration is its kind (a cluster is `on` and `cluster`, an event `on`). */
const lci_kind *const lci_kinds[] = {
    &lci_kind_function, &lci_kind_streak, &lci_kind_month, &lci_kind_cluster, &lci_kind_late, &lci_kind_event, NULL,
};

const lci_kind *lci_kind_named(const char *name)
{
    for (size_t i = 0; name && lci_kinds[i]; i++)
        if (strcmp(lci_kinds[i]->name, name) == 0) return lci_kinds[i];
    return NULL;
}

const lci_key lci_rule_keys[] = {
    {"class", LCI_SHAPE_STRING, NULL},  {"clause", LCI_SHAPE_STRING, NULL},  {"text", LCI_SHAPE_STRING, NULL},
    {"label", LCI_SHAPE_STRING, NULL},  {"message", LCI_SHAPE_STRING, NULL}, {"unless", LCI_SHAPE_STRING, NULL},
    LCI_KEYS_END,
};

const lci_key lci_amount_keys[] = {
    {"pct", LCI_SHAPE_QTY, NULL},      {"base", LCI_SHAPE_MONEY, NULL}, {"of", LCI_SHAPE_MONEY, NULL},
    {"amount", LCI_SHAPE_AMOUNT, NULL}, {"min", LCI_SHAPE_MONEY, NULL},  {"max", LCI_SHAPE_MONEY, NULL},
    LCI_KEYS_END,
};
