/* evaluation.h — an evaluation's state: the handle behind lc_eval.
 *
 * What streams in is kept here: the event ids, each event's content hash,
 * per month and measure the running sums and counts, the records the rules
 * look at after the stream, warnings, and the scratch the JSON reader
 * reuses.  Nothing here touches the sandbox. */
#ifndef LCI_EVALUATION_H
#define LCI_EVALUATION_H

#include <cjson/cJSON.h>

#include "base/idtable.h"
#include "base/util.h"
#include "events/jsonline.h"
#include "events/plan.h"
#include "events/record.h"
#include "events/unknown.h"
#include "libcontract.h"
#include "rules/engine.h"
#include "rules/model.h"

/* A month's running average of one measure. */
typedef struct lci_avg_acc {
    __int128 sum;       /* ns */
    int64_t count;
    int max_severity;
    uint32_t *ids;      /* the events that make up the average */
    size_t nids, cap;
} lci_avg_acc;

typedef struct lci_jkey lci_jkey;

/* A hash of an event's canonical content: compared only between events
 * with the same id, so 64 bits leave a 2^-64 chance per re-delivery. */
typedef struct lci_content {
    uint64_t h;
} lci_content;


/* A JSON event read but not yet committed (ingest.c): lines pushed in a
 * chunk are committed this many events behind the one being read, so the
 * id table's slot for each new id has been fetched from memory by then. */
#define LCI_QUEUE 8

typedef struct lci_queued {
    lci_record *rec; /* room for 64 fields */
    lci_buf id;      /* its own copy: the line's is gone once the next is read */
    uint64_t idhash;
    lci_content content;
    long line;
    int retract;     /* a retraction (LC_EVAL_UPDATES) of rec->type's event id */
} lci_queued;

/* What lc_eval_push_lines knows of the line it holds back until its end
 * (ingest.c): where to look next for a byte that makes it invalid, and
 * when to check whether its beginning already decides that.  All zero
 * while no line is held. */
typedef struct lci_line_watch {
    size_t poison_from; /* where the scan for bytes no line holds goes on */
    size_t checked;     /* the line's length when it was last checked, or 0 */
    size_t alarm;       /* a length at which it must be checked, or 0 */
    int opened;         /* the byte that opens its JSON has come */
    int dropping;       /* the line was refused: the rest of it is dropped as it comes */
} lci_line_watch;

typedef struct lci_warning {
    int32_t file;       /* index in the evaluation's file names, or -1 */
    long line;
    char *message;
} lci_warning;

#define LCI_NO_AS_OF INT64_MAX

/* Why an event did not count: its type's counts_when said so, its anchor
 * lies outside the evaluation window, it repeats an earlier event, or it
 * was invalid and skipped (--skip-invalid). */
typedef enum lci_not_counted {
    LCI_NC_CONDITION,
    LCI_NC_OUTSIDE,
    LCI_NC_REPEAT,
    LCI_NC_INVALID,
    LCI_NC_NOT_YET,   /* after the instant of an as-of result */
    LCI_NC_REASONS
} lci_not_counted;

/* LC_EVAL_UPDATES (updates.c): a line with a known id and other content
 * revises the event, a retraction removes it.  Every event's latest
 * version is kept in an arena (the versions it replaced become garbage,
 * compacted when they outweigh the live ones); the accumulators are
 * updated as versions come and go; what only a result needs (the stores
 * the rules read, the events behind each average, the score slots) is
 * rebuilt from the latest versions, in the order they came, when a result
 * is asked for. */
enum { LCI_ST_NONE, LCI_ST_COUNTED, LCI_ST_CONDITION, LCI_ST_OUTSIDE, LCI_ST_RETRACTED };

typedef struct lci_updates {
    unsigned char *arena;  /* versions, one after the other */
    size_t len, cap, live; /* bytes used, allocated, and of the latest versions */
    uint64_t *latest;      /* per id index: 1 + the offset of its latest version, or 0 */
    uint8_t *status;       /* per id index: LCI_ST_* */
    size_t state_cap;
    uint64_t revised, retracted;
    int dirty;             /* stores, averages' events and score slots to rebuild */
} lci_updates;

/* The key the last JSON event had at a member position, as the key map
 * placed it (jsonevent.c): streams repeat their keys in the same order. */
#define LCI_KEY_MEMO 16

typedef struct lci_key_memo {
    char text[16];
    uint8_t len, known;
    int key;
    uint64_t hash;
} lci_key_memo;

/* The feeds of a type the last presence pattern counted toward (eval.c). */
typedef struct lci_feed_memo {
    uint64_t pattern, taken;
    int known;
} lci_feed_memo;

/* How a JSON line is read once the scan has listed its members (jsonevent.c). */
typedef enum lci_json_reader {
    LCI_READ_DIRECT, /* flat lines straight from the scan, the others through cJSON: the default */
    LCI_READ_CJSON   /* every line through cJSON: the reference the direct reader is tested against */
} lci_json_reader;

struct lci_figure_cache; /* eval/figures.c */
typedef struct lci_rule_memo lci_rule_memo; /* eval/memo.c */

struct lc_eval {
    lc_engine *engine;
    const lci_model *m;
    const lci_plan *plan;
    unsigned flags;
    int broken;             /* an error was returned: no more events */
    uint32_t seq;
    uint64_t generation;    /* changes whenever the events counted change (a commit, a retraction) */
    struct lci_figure_cache *figures; /* the figures and calendars of the last result, while generation holds */
    lci_rule_memo *rule_memos; /* per rule: what it found for the last result (eval/memo.h) */
    uint64_t results;       /* results made of it so far */
    struct lci_replay_base *replay_base; /* LC_EVAL_KEEP_EVENTS: the head of its log committed, for replays (replay.c) */

    lci_idtable ids;        /* event ids, exact */
    lci_content *contents;  /* per id: hash of the event's content */
    size_t contents_cap;
    lci_idtable strings;    /* STRING field values */
    lci_idtable files;      /* file names of warnings */
    const char *reading_file; /* the line being read, for the tally of undeclared fields */
    long reading_line;

    lci_store *stores;      /* per type: kept records */
    lci_feed_memo *feed_memo; /* per type */
    lci_avg_acc *avg;       /* measure × month */
    int64_t *counts;        /* measure × month */
    int32_t *score_slots;   /* month × item: record index in the scorecard's store, -1 */

    lci_warning *warnings;
    size_t nwarnings, warnings_cap;
    lci_unknown_tally undeclared; /* fields of events their types do not declare */
    uint64_t (*not_counted)[LCI_NC_REASONS]; /* per event type, and one more for lines of no known type */
    lci_updates upd;        /* LC_EVAL_UPDATES */
    /* an evaluation made for lc_eval_result_as_of (asof.c): the instant
     * (LCI_NO_AS_OF otherwise), and the evaluation whose events it holds
     * as they stood then (warnings and lines refused are the origin's) */
    lci_time as_of;
    const lc_eval *origin;
    uint32_t *open_seqs;    /* ... the records still open then (their end counted to it), by seq */
    size_t nopen, open_cap;
    lci_store *planned;     /* ... per type, planned events due after it (or NULL) */

    /* LC_EVAL_KEEP_EVENTS: every committed record, for replays */
    unsigned char *log;
    size_t log_len, log_cap, log_count;

    /* events read from lines and not yet committed (see LCI_QUEUE) */
    lci_queued queue[LCI_QUEUE];
    size_t queue_head, queue_len;

    /* line splitting for lc_eval_push_lines */
    lci_buf pending;        /* the line being read, held until its end */
    lci_line_watch watch;
    char *file;             /* the stream being read (owned) */
    long lineno;
    int stream_started;

    /* scratch reused for every event */
    lci_json_reader json_reader;
    lci_scan scan;
    cJSON *json_tree;       /* the last line as cJSON read it (LCI_READ_CJSON, or a line not flat) */
    char *json_copy;        /* the last flat line, its strings ended by NULs (LCI_READ_DIRECT) */
    size_t json_copy_cap;
    struct lci_jkey *jkeys; /* per member of a JSON event (jsonevent.c) */
    size_t jkeys_cap;
    uint32_t *key_seen;     /* per key of the plan: the stamp of the last event that had it */
    lci_key_memo key_memo[LCI_KEY_MEMO]; /* per member position */
    uint32_t *unknown;      /* a set of undeclared keys of a long event (jsonevent.c) */
    size_t unknown_cap;
    uint32_t key_stamp;
    lci_record *scratch;
};

/* The index of a file name in ev->files into *index (-1 for NULL):
 * LC_OK or LC_ENOMEM. */
lc_status lci_eval_file(lc_eval *ev, const char *file, int32_t *index);

/* Counts an event of type `type` (-1: not known) that did not count. */
static inline void lci_eval_not_counted(lc_eval *ev, int type, lci_not_counted why)
{
    ev->not_counted[type >= 0 ? (size_t)type : ev->m->ntypes][why]++;
}

/* Adds a warning; -1 when out of memory. */
int lci_eval_warn(lc_eval *ev, const char *file, long line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Fills defaults, checks required fields and the order of times: 0, or
 * -1 when the record is incomplete; lci_record_explain then says why.
 * Inline: every event passes here. */
static inline int lci_record_complete(const lc_eval *ev, lci_record *rec)
{
    const lci_type_plan *tp = &ev->plan->of[rec->type];
    if (tp->required & ~rec->present) return -1;
    const lci_field *fields = ev->m->types[rec->type].fields;
    for (uint64_t fill = tp->defaulted & ~rec->present; fill; fill &= fill - 1) {
        int f = __builtin_ctzll(fill);
        rec->v[f] = fields[f].def;
    }
    rec->present |= tp->defaulted;
    for (size_t i = 0; i < tp->norder; i++) {
        const lci_order_check *o = &tp->order[i];
        if ((rec->present & o->both) == o->both && rec->v[o->before] > rec->v[o->after]) return -1;
    }
    return 0;
}

/* Why lci_record_complete refused rec, into text (cold). */
__attribute__((cold)) void lci_record_explain(const lc_eval *ev, const lci_record *rec, char *text, size_t size);

/* An invalid event: a warning under LC_EVAL_SKIP_INVALID, else the error
 * that stops the evaluation. */
lc_status lci_eval_invalid(lc_eval *ev, const char *file, long line, const char *text, lc_error *err);

/* The hash of an event id for lci_eval_commit; it also starts loading the
 * id's slot of the table, so the memory is there by the time the commit
 * needs it (call it as soon as the id is known). */
static inline uint64_t lci_eval_id_hash(const lc_eval *ev, const char *id, size_t idlen)
{
    uint64_t hash = lci_idtable_hash(&ev->ids, id, idlen);
    lci_idtable_prefetch(&ev->ids, hash);
    return hash;
}

/* Where an event stands: its term month (or -1), whether its anchor is in
 * the window, whether it counts (counts_when), the feeds it counts toward. */
typedef struct lci_placement {
    int month, in_window, counts;
    uint64_t taken;
} lci_placement;

lci_placement lci_eval_place(lc_eval *ev, const lci_record *rec);

/* The warning of an event outside the window (eval.c). */
lc_status lci_eval_outside(lc_eval *ev, const lci_record *rec, const char *id, const char *file, long line,
                           lc_error *err);

/* Adds (sign 1) or takes back (-1) what an event's sums and counts hold
 * (the events behind an average are not kept: updates.c rebuilds them). */
void lci_eval_feed_sums(lc_eval *ev, const lci_record *rec, int month, uint64_t taken, int sign);

/* LC_EVAL_UPDATES (updates.c): commits rec as the latest version of its
 * id; retracts the event of that id; makes the stores and figures a
 * result reads true again (LC_OK or LC_ENOMEM); the records to replay, in
 * the order they came (the caller frees the array). */
lc_status lci_updates_commit(lc_eval *ev, lci_record *rec, const char *id, size_t idlen, uint64_t hash,
                             const lci_content *content, const char *file, long line, lc_error *err);
lc_status lci_updates_retract(lc_eval *ev, int type, const char *id, size_t idlen, uint64_t hash, const char *file,
                              long line, lc_error *err);
lc_status lci_updates_settle(lc_eval *ev, lc_error *err);
lc_status lci_updates_records(const lc_eval *ev, const lci_record ***out, size_t *n);
void lci_updates_free(lci_updates *u);

/* dst, a new evaluation of src's engine and flags with nothing committed,
 * takes a copy of what src's events left (replay.c): ids, strings, kept
 * records, averages and counts, warnings, lines not counted.  0; or -1
 * when dst is not new or src holds what is not copied (updates, a log of
 * its events, undeclared fields) — the caller checks that first — or when
 * memory runs out, which may leave part of a copy: dst is then broken. */
int lci_eval_copy_state(lc_eval *dst, const lc_eval *src);

/* What the first `records` records of src's log leave in an evaluation
 * of flags `flags` (replay.c): made once and kept in src while its events
 * stay, for replays whose head is the same in every sample.  NULL when it
 * cannot be made (out of memory, or a record it commits fails: the
 * replay then goes the long way and meets it). */
const lc_eval *lci_replay_base(lc_eval *src, unsigned flags, size_t records);
void lci_replay_base_free(lc_eval *ev);

/* The record at byte *off of ev's log (LC_EVAL_KEEP_EVENTS); *off moves
 * past it. */
static inline const lci_record *lci_log_next(const lc_eval *ev, size_t *off)
{
    const lci_record *r = (const lci_record *)(const void *)(ev->log + *off);
    *off += ev->stores[r->type].stride;
    return r;
}

/* fn for each record of src's log (no updates) from byte `from` on. */
lc_status lci_eval_each_record_from(const lc_eval *src, size_t from, lc_status (*fn)(void *ctx, const lci_record *r),
                                    void *ctx);

/* Room in an empty dst for the ids and kept records of src, which is to
 * be replayed into it (replay.c): 0, or -1 when out of memory. */
int lci_eval_expect_like(lc_eval *dst, const lc_eval *src);

/* A record of src copied into dst->scratch, its strings moved to dst's
 * table (replay.c): 1, or 0 when out of memory.  Then committed into dst
 * under its id and content in src. */
int lci_eval_copy_record(lc_eval *dst, const lc_eval *src, const lci_record *from, lc_error *err);
lc_status lci_eval_commit_copy(lc_eval *dst, const lc_eval *src, const lci_record *from, lc_error *err);
/* Both: a kept record of src committed into dst as it is. */
lc_status lci_eval_replay_record(lc_eval *dst, const lc_eval *src, const lci_record *from, lc_error *err);

/* Whether a record of an as-of evaluation was still open at its instant
 * (its end after it, counted to it: asof.c). */
int lci_eval_open_at_as_of(const lc_eval *ev, const lci_record *r);

/* The planned events of a type (types[].planned) an as-of evaluation knows
 * and are due after its instant, as they stood then (asof.c). */
const lci_store *lci_eval_planned(const lc_eval *ev, int type);

/* The records src keeps (LC_EVAL_KEEP_EVENTS, or LC_EVAL_UPDATES: the
 * latest versions), in the order they came, for fn(ctx, record) until it
 * returns other than LC_OK (replay.c). */
lc_status lci_eval_each_record(const lc_eval *src, lc_status (*fn)(void *ctx, const lci_record *r), void *ctx);

/* Commits the events of a stream still queued (ingest.c): an event pushed
 * another way, or a retraction, comes after them. */
lc_status lci_eval_flush(lc_eval *ev, lc_error *err);

/* Checks and commits one record whose fields are set (eval.c). */
lc_status lci_eval_commit(lc_eval *ev, lci_record *rec, const char *id, size_t idlen, uint64_t idhash,
                          const lci_content *content, const char *file, long line, lc_error *err);

#endif
