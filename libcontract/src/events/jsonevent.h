/* jsonevent.h — one JSON event object into a record: its type and id,
 * the values of its fields, the hash of its content. */
#ifndef LCI_JSONEVENT_H
#define LCI_JSONEVENT_H

#include <cjson/cJSON.h>

#include "events/evaluation.h"

typedef struct lci_jevent {
    int type;
    int retract;    /* LC_EVAL_UPDATES: {"type", "id", "retracted": true} */
    const char *id; /* cJSON's copy: valid until the object is deleted */
    size_t idlen;
    uint64_t idhash; /* asked for early: the id's slot loads while the members are read */
    lci_content content;
} lci_jevent;

/* Reads obj, the object cJSON parsed from line after lci_scan_line listed
 * its members into ev->scan, into *rec and *out: LC_OK; LC_EEVENT when the
 * event is invalid (the reason in why); LC_ENOMEM; LC_EINTERNAL when
 * cJSON and the scan disagree (a bug). */
lc_status lci_json_event(lc_eval *ev, const cJSON *obj, const char *line, lci_jevent *out, lci_record *rec,
                         char *why, size_t why_size);

#endif
