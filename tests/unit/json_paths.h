/* json_paths.h — the two readers of a JSON line side by side: straight
 * from the scan (LCI_READ_DIRECT, the default) and through cJSON
 * (LCI_READ_CJSON).  They must accept and refuse the same lines with the
 * same messages, and give the same record and content hash (so repeats
 * and conflicts are told apart alike), the same warnings and the same
 * result.  Used by the differential test (test_jsonread.c) and by the
 * fuzz harness (tests/fuzz/fuzz_events.c). */
#ifndef JSON_PATHS_H
#define JSON_PATHS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "events/evaluation.h"
#include "events/jsonevent.h"
#include "libcontract.h"

/* What reading one line decides. */
typedef struct line_reading {
    lc_status status;
    char why[LC_ERROR_MESSAGE_MAX];
    lci_jevent p;
    char id[256];
    uint64_t rec[2 + 64]; /* type, present, the fields' values */
} line_reading;

static inline void read_line_with(lc_eval *ev, const char *line, size_t len, line_reading *out)
{
    lci_record *rec = ev->scratch;
    memset(out, 0, sizeof *out);
    out->status = lci_json_read(ev, line, len, &out->p, rec, out->why, sizeof out->why);
    if (out->status != LC_OK) return;
    snprintf(out->id, sizeof out->id, "%.*s", (int)(out->p.idlen < 255 ? out->p.idlen : 255), out->p.id);
    out->p.id = NULL;
    if (out->p.retract) return;
    out->rec[0] = rec->type;
    out->rec[1] = rec->present;
    for (size_t f = 0; f < ev->m->types[rec->type].nfields; f++) out->rec[2 + f] = (uint64_t)rec->v[f];
}

/* NULL when the two evaluations (one per reader, on the same rules and
 * flags, fed the same lines so far) read the line alike; else what
 * differs, in diff. */
static inline const char *json_paths_differ(lc_eval *direct, lc_eval *tree, const char *line, size_t len, char *diff,
                                            size_t size)
{
    line_reading a, b;
    direct->json_reader = LCI_READ_DIRECT;
    tree->json_reader = LCI_READ_CJSON;
    read_line_with(direct, line, len, &a);
    read_line_with(tree, line, len, &b);
    const char *what = NULL;
    if (a.status != b.status) what = "status";
    else if (a.status != LC_OK && strcmp(a.why, b.why) != 0) what = "message";
    else if (a.status == LC_OK && (a.p.type != b.p.type || a.p.retract != b.p.retract || a.p.idlen != b.p.idlen ||
                                   a.p.idhash != b.p.idhash || strcmp(a.id, b.id) != 0))
        what = "type or id";
    else if (a.status == LC_OK && a.p.content.h != b.p.content.h) what = "content hash";
    else if (a.status == LC_OK && memcmp(a.rec, b.rec, sizeof a.rec) != 0) what = "record";
    if (!what) return NULL;
    snprintf(diff, size, "%s: direct %d \"%.150s\", cJSON %d \"%.150s\" for %.*s", what, a.status, a.why, b.status,
             b.why, (int)(len < 150 ? len : 150), line);
    return diff;
}

/* The whole stream through one reader, to the first error: the result's
 * JSON (warnings, events not counted) or the error; the caller frees it. */
static inline char *json_stream_outcome(lc_engine *e, unsigned flags, lci_json_reader reader, const char *data,
                                        size_t size)
{
    lc_error err = {0};
    lc_eval *ev = NULL;
    lc_result *res = NULL;
    char *json = NULL;
    if (lc_eval_new(&ev, e, flags, &err)) abort();
    ev->json_reader = reader;
    lc_status st = lc_eval_push_lines(ev, "paths.jsonl", data, size, &err);
    if (!st) st = lc_eval_end_stream(ev, &err);
    if (!st && (lc_eval_result(ev, &res, &err) || lc_result_json(res, &json, NULL, &err))) abort();
    size_t n = (json ? strlen(json) : 0) + sizeof err.message + 32;
    char *text = malloc(n);
    if (!text) abort();
    snprintf(text, n, "%d %ld %s %s", st, err.line, err.message, json ? json : "");
    lc_free(json);
    lc_result_free(res);
    lc_eval_free(ev);
    return text;
}

#endif
