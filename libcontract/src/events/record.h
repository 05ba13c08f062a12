/* record.h — one event's values as the evaluation keeps them. */
#ifndef LCI_RECORD_H
#define LCI_RECORD_H

#include <stddef.h>
#include <stdint.h>

/* One event's values: header then one int64 per field. */
typedef struct lci_record {
    uint32_t type, id, seq, month; /* month: index in the term, or UINT32_MAX */
    uint64_t present;              /* bit per field */
    int64_t v[];
} lci_record;

typedef struct lci_store {
    unsigned char *data;
    size_t n, cap, stride;
} lci_store;

static inline lci_record *lci_store_at(const lci_store *s, size_t i)
{
    return (lci_record *)(void *)(s->data + i * s->stride);
}

#endif
