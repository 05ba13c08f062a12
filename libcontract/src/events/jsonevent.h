/* jsonevent.h — one JSON Lines record into a record: its type and id, the
 * values of its fields, the hash of its content. */
#ifndef LCI_JSONEVENT_H
#define LCI_JSONEVENT_H

#include "events/evaluation.h"

typedef struct lci_jevent {
    int type;
    int retract;    /* LC_EVAL_UPDATES: {"type", "id", "retracted": true} */
    const char *id; /* valid until the next line is read */
    size_t idlen;
    uint64_t idhash; /* asked for early: the id's slot loads while the members are read */
    lci_content content;
} lci_jevent;

/* Reads one line (without its line break) into *rec and *out: LC_OK;
 * LC_EEVENT when the line is not a valid event (the reason in why);
 * LC_ENOMEM; LC_EINTERNAL when cJSON and the scan disagree (a bug).
 * ev->json_reader says whether a flat line is read from the scan alone
 * (the default) or through cJSON; both give the same verdict, message,
 * record and content hash for every line. */
lc_status lci_json_read(lc_eval *ev, const char *line, size_t len, lci_jevent *out, lci_record *rec, char *why,
                        size_t why_size);

#endif
