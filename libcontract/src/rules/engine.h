/* engine.h — a loaded rule file: the handle behind lc_engine.
 *
 * The engine holds the model (what the rule file declares), the plan (the
 * model laid out for ingest), the parameters' current values, and the Lua
 * state the rule file lives in — as an opaque pointer, so that what reads
 * events never sees Lua. */
#ifndef LCI_ENGINE_H
#define LCI_ENGINE_H

#include "events/plan.h"
#include "libcontract.h"
#include "rules/model.h"

typedef struct lci_sandbox lci_sandbox;

struct lc_engine {
    lc_options opts;
    lci_sandbox *sb;
    lci_model model;
    lci_plan plan;          /* the model laid out for ingest */
    int loaded;
    char *name;             /* the rule file's name in messages */
    uint64_t rules_hash[2]; /* of the rule text, for the result's stamp */
    char **param_text;      /* current parameter values as text */
    lci_buf stamp;          /* the result's stamp laid out (eval/shape.c), for the parameters as they are */
    int stamp_known;        /* 0 once a parameter changes */
};

/* The caller's options (any supported version) with defaults filled in. */
lc_status lci_options_read(const lc_options *opts, lc_options *out, lc_error *err);

#endif
