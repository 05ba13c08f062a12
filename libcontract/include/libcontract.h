/* libcontract.h — contract penalty clauses as rules that run.
 *
 * A contract's penalty clauses are written as a Lua rule file; events from
 * ops systems (tickets, outages, security incidents, work-item scores) are
 * pushed into an evaluation; the result lists every breach with its clause
 * and exact amount, the capped total, incidents, the termination right and
 * the monthly figures.
 *
 * Life cycle (each object has a create/free pair; every _free accepts NULL):
 *
 *     lc_engine  — a loaded rule file and its parameters.
 *       lc_engine_new → lc_engine_load_file / lc_engine_load_string
 *       → lc_engine_set_param ... → lc_engine_free
 *     lc_eval    — one evaluation: events pushed one at a time.
 *       lc_eval_new(engine) → lc_eval_push_json / lc_eval_push_lines /
 *       lc_eval_push_event ... → lc_eval_result → lc_eval_free
 *     lc_result  — an immutable result: JSON, reports and accessors.
 *       from lc_eval_result → lc_result_json / lc_result_breach ... →
 *       lc_result_free
 *     lc_event   — a reusable builder for typed events (no JSON).
 *
 * Errors: every fallible function returns an lc_status and, when `err` is
 * not NULL, fills the caller-owned lc_error with the code, a message, and
 * the file and line it concerns (the rule file or the event stream).
 *
 * Ownership: the caller owns every object it creates and frees it with the
 * matching _free.  Strings returned as `const char *` are borrowed from the
 * object they came from and live as long as it does, unless said otherwise.
 * Strings returned through `char **` are the caller's: free with lc_free.
 *
 * Threads: there is no global state.  Different engines, evaluations and
 * results may be used from different threads at the same time.  One engine
 * and the evaluations made from it form a group that one thread at a time
 * may use (the engine holds the rule file's Lua state).  A result is
 * independent of its engine once made: any thread may read it, and several
 * threads may read the same result at once.  (One caveat outside
 * libcontract: cJSON, which reads the events, stores the position of its
 * last parse error in a process-wide variable; libcontract never reads it.)
 */
#ifndef LIBCONTRACT_H
#define LIBCONTRACT_H

#include <stddef.h>
#include <stdint.h>

#include "libcontract_version.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(LC_BUILDING_LIBRARY)
#define LC_API __attribute__((visibility("default")))
#else
#define LC_API
#endif

/* ---- status and errors ------------------------------------------------ */

typedef enum lc_status {
    LC_OK = 0,
    LC_EUSAGE = 2,   /* bad argument: unknown parameter, bad value, misuse */
    LC_ERULES = 3,   /* the rule file cannot be loaded or was stopped by the sandbox */
    LC_EEVENT = 4,   /* invalid event input */
    LC_ENOMEM = 5,   /* out of memory */
    LC_EIO = 6,      /* a file could not be read or written */
    LC_EINTERNAL = 7 /* a bug: please report it */
} lc_status;

#define LC_ERROR_MESSAGE_MAX 512
#define LC_ERROR_FILE_MAX 256

/* Caller-owned error details; zero-initialise or leave as is: functions
 * overwrite it on failure and leave it untouched on success. */
typedef struct lc_error {
    lc_status code;
    char file[LC_ERROR_FILE_MAX];        /* "" when no file is concerned */
    long line;                           /* 0 when no line is concerned */
    char message[LC_ERROR_MESSAGE_MAX];  /* what is wrong and what to fix */
} lc_error;

/* "file:line: message" (or just the message) into buf; returns buf. */
LC_API const char *lc_error_format(const lc_error *err, char *buf, size_t bufsize);

/* A short name for a status ("invalid event input"). Static storage. */
LC_API const char *lc_status_name(lc_status status);

/* Frees memory the library handed to the caller (JSON text, reports). */
LC_API void lc_free(void *p);

/* ---- times ---------------------------------------------------------------- */

/* The longest RFC 3339 text lc_time_format writes, with its NUL. */
#define LC_TIME_TEXT_MAX 40

/* Reads an RFC 3339 time with its offset, exactly len bytes, as events and
 * results write them ("2026-04-01T09:30:00+08:00", "...Z", any fraction of
 * a second, digits finer than a nanosecond dropped): nanoseconds since
 * 1970 and the offset in minutes (offset_min may be NULL).  LC_EUSAGE
 * with the reason ("day 30 does not exist in 2026-02") when it is not one. */
LC_API lc_status lc_time_parse(const char *text, size_t len, int64_t *unix_ns, int *offset_min, lc_error *err);

/* Writes unix_ns at an offset (minutes, within ±23:59) as the results do:
 * seconds always, a fraction only when not zero.  Returns the length; the
 * text is written (with its NUL) only when it fits in size, so a return of
 * size or more means a larger buffer is needed (LC_TIME_TEXT_MAX always
 * fits); 0 for an offset out of range. */
LC_API size_t lc_time_format(int64_t unix_ns, int offset_min, char *buf, size_t size);

/* ---- version ------------------------------------------------------------ */

/* LC_VERSION_NUMBER of the library actually loaded (may differ from the
 * header's when linked dynamically). */
LC_API int lc_version_number(void);
LC_API const char *lc_version_string(void);

/* ---- options -------------------------------------------------------------- */

/* An allocator for a Lua state, with lua_Alloc's contract (Lua 5.4 manual
 * §4.6): nsize 0 frees ptr and returns NULL; else it returns a block of
 * nsize bytes holding the first min(osize, nsize) of ptr's (ptr NULL: a new
 * block), or NULL when it cannot, leaving ptr as it was.  Called from the
 * thread that uses the engine or scenario. */
typedef void *(*lc_alloc_fn)(void *ud, void *ptr, size_t osize, size_t nsize);

/* Limits of the rule sandbox, and the allocator of the engine's Lua state.
 * Versioned so it can grow: always start from LC_OPTIONS_INIT. */
typedef struct lc_options {
    unsigned version;               /* LC_OPTIONS_VERSION */
    size_t lua_memory_limit;        /* bytes the rule file's Lua state may hold; 0 = default */
    uint64_t lua_instruction_limit; /* VM instructions per Lua call (load, per window); 0 = default */
    uint64_t lua_pattern_limit;     /* counted steps of one string.find/match/gsub call or gmatch step; 0 = default */
    unsigned json_depth_limit;      /* nesting of an event's JSON; 0 = default */
    size_t event_line_limit;        /* bytes of one event line; 0 = default, LC_EVENT_LINE_UNLIMITED = none */
    /* version 2: */
    uint64_t lua_total_instruction_limit; /* VM instructions, and 10 per byte compiled, of all the
                                             Lua calls of one load, one lc_eval_result or one
                                             lc_eval_replay together; 0 = default */
    /* version 3: */
    lc_alloc_fn lua_alloc;          /* the allocator of the Lua state (the rule file's, a
                                       scenario's), under lua_memory_limit; NULL = realloc/free.
                                       The library's own C memory comes from malloc. */
    void *lua_alloc_ud;             /* its first argument */
} lc_options;

/* Versions 1 (without lua_total_instruction_limit) and 2 (without
 * lua_alloc) are still accepted. */
#define LC_OPTIONS_VERSION 3u
#define LC_OPTIONS_INIT {LC_OPTIONS_VERSION, 0, 0, 0, 0, 0, 0, NULL, NULL}

#define LC_DEFAULT_LUA_MEMORY_LIMIT ((size_t)64 << 20)     /* 64 MiB */
#define LC_DEFAULT_LUA_INSTRUCTION_LIMIT UINT64_C(50000000) /* ~0.1-0.5 s */
#define LC_DEFAULT_LUA_TOTAL_INSTRUCTION_LIMIT UINT64_C(500000000) /* ~1-3 s */
#define LC_DEFAULT_LUA_PATTERN_LIMIT UINT64_C(100000000)
#define LC_DEFAULT_JSON_DEPTH_LIMIT 32u
/* event_line_limit: the bytes of a line, not counting its end (LF or CRLF;
 * a BOM and white space count).  A longer line is invalid input, refused
 * as soon as it is longer and never held whole.  The default is a
 * thousand times the longest event of the reference contract (about 300
 * bytes) and leaves room for many unknown fields; LC_EVENT_LINE_UNLIMITED
 * bounds a line by memory alone. */
#define LC_DEFAULT_EVENT_LINE_LIMIT ((size_t)1 << 20) /* 1 MiB */
#define LC_EVENT_LINE_UNLIMITED SIZE_MAX

/* Output formats of lc_result_render. */
typedef enum lc_format {
    LC_FORMAT_JSON = 0,
    LC_FORMAT_TEXT = 1,
    LC_FORMAT_CSV = 2,
    LC_FORMAT_HTML = 3
} lc_format;

/* ---- engine: rules and parameters ------------------------------------------ */

typedef struct lc_engine lc_engine;

/* Creates an engine with no rules.  opts may be NULL (defaults).
 * *out is set to NULL on failure. */
LC_API lc_status lc_engine_new(lc_engine **out, const lc_options *opts, lc_error *err);

/* Loads a rule file (once per engine).  The name given to the rule text is
 * used in messages ("rules.lua:12: ...").  LC_ERULES when the file does not
 * load, breaks a sandbox limit or declares something invalid. */
LC_API lc_status lc_engine_load_file(lc_engine *engine, const char *path, lc_error *err);
LC_API lc_status lc_engine_load_string(lc_engine *engine, const char *name,
                                       const char *text, size_t len, lc_error *err);

/* Overrides a declared parameter, as `--set NAME=VALUE` does: value is a
 * decimal ("99.5", "1719600.00").  LC_EUSAGE for an unknown name or a value
 * the parameter cannot take.  Allowed at any time after loading: results
 * made afterwards use the new value. */
LC_API lc_status lc_engine_set_param(lc_engine *engine, const char *name, const char *value,
                                     lc_error *err);

/* "NAME=VALUE" form of lc_engine_set_param. */
LC_API lc_status lc_engine_set_assignment(lc_engine *engine, const char *assignment,
                                          lc_error *err);

/* Number of declared parameters, and the i-th one's name and current value
 * as decimal text (borrowed; valid until the next set_param or free). */
LC_API size_t lc_engine_param_count(const lc_engine *engine);
LC_API const char *lc_engine_param_name(const lc_engine *engine, size_t i);
LC_API const char *lc_engine_param_value(const lc_engine *engine, size_t i);

/* The rules the file declares (breaches, incidents, violations, findings),
 * in declaration order.  Strings are borrowed from the engine. */
typedef struct lc_rule_info {
    const char *id;     /* "minor.5" */
    const char *kind;   /* "breach", "incident", "violation" or "finding" */
    const char *class_; /* "minor", "A", … or "" */
    const char *clause; /* "附件6 第5项" or "" */
    int line;           /* in the rule file */
} lc_rule_info;

LC_API size_t lc_engine_rule_count(const lc_engine *engine);
LC_API int lc_engine_rule(const lc_engine *engine, size_t i, lc_rule_info *out);

/* The caps the rule file declares, in declaration order: their ids and
 * windows ("term", "month", "rolling_months"), borrowed from the engine;
 * NULL past the last. */
LC_API size_t lc_engine_cap_count(const lc_engine *engine);
LC_API const char *lc_engine_cap_id(const lc_engine *engine, size_t i);
LC_API const char *lc_engine_cap_window(const lc_engine *engine, size_t i);

/* The rule file's contract id (borrowed), or NULL before loading. */
LC_API const char *lc_engine_contract_id(const lc_engine *engine);

/* Lints the loaded rules (`contract check`): holes and overlaps between
 * bands of the same measure, weights not summing to 1, parameters declared
 * but unused, thresholds that are not parameters, rule ids used twice, a
 * cap below a single breach, calendar dates to confirm.  Renders the
 * findings as text or JSON (LC_FORMAT_TEXT / LC_FORMAT_JSON) into *out (the
 * caller's: lc_free); *count (may be NULL) receives their number. */
LC_API lc_status lc_engine_check(const lc_engine *engine, lc_format format, char **out, size_t *len,
                                 size_t *count, lc_error *err);

LC_API void lc_engine_free(lc_engine *engine);

/* ---- evaluation: pushing events ---------------------------------------------- */

typedef struct lc_eval lc_eval;

/* Evaluation flags. */
#define LC_EVAL_SKIP_INVALID 0x1u /* invalid events become warnings instead of errors */
#define LC_EVAL_KEEP_EVENTS 0x2u  /* keep the parsed events for lc_eval_replay (sweeps) */
#define LC_EVAL_STRICT 0x4u       /* every event type is strict: a field it does not declare is invalid */
/* A line with an id already seen and other content revises that event (the
 * latest in stream order wins), and {"type": T, "id": I, "retracted": true}
 * (or lc_eval_retract) takes it back: the result is that of the latest
 * versions alone, in the order they came.  Without it, other content
 * under a known id is invalid input, as an audit wants. */
#define LC_EVAL_UPDATES 0x8u

/* Starts an evaluation under a loaded engine.  The engine must outlive it. */
LC_API lc_status lc_eval_new(lc_eval **out, lc_engine *engine, unsigned flags, lc_error *err);

/* Pushes one event given as one JSON object (no newline needed; a trailing
 * CR or LF is ignored).  file and line name it in messages and warnings
 * (file may be NULL).  On invalid input: LC_EEVENT and nothing of the event
 * is counted; with LC_EVAL_SKIP_INVALID the event becomes a warning and
 * LC_OK is returned.  After an error that was not skipped the evaluation
 * refuses further events (LC_EUSAGE): its state is still consistent.  A
 * line longer than event_line_limit is invalid. */
LC_API lc_status lc_eval_push_json(lc_eval *ev, const char *json, size_t len, const char *file,
                                   long line, lc_error *err);

/* Pushes a chunk of JSON Lines text; lines may be split across chunks.
 * Line numbers count from 1 per file name; a UTF-8 BOM at the start of a
 * stream is skipped; CRLF endings are accepted.  Call lc_eval_end_stream
 * when the stream ends so a last line without newline is pushed.
 * A line still coming in is refused before its end (in the call that
 * brings the deciding bytes, after the events of the lines before it)
 * when it grows longer than event_line_limit, or when what has come of it
 * is invalid whatever follows: a few bytes after a NUL byte, another
 * control character, invalid UTF-8 or a first byte that cannot begin a
 * JSON value; after other errors by the time the part held has doubled
 * (from 1 MiB on).  The reason is the one the whole line would get, so
 * how the stream is cut into chunks never changes the error, only when
 * it comes.  With LC_EVAL_SKIP_INVALID the rest of the line is dropped as
 * it comes: a line that cannot be an event never takes more memory than
 * the limit. */
LC_API lc_status lc_eval_push_lines(lc_eval *ev, const char *file, const char *data, size_t len,
                                    lc_error *err);
LC_API lc_status lc_eval_end_stream(lc_eval *ev, lc_error *err);

/* Reads a whole JSON Lines file ("-" is stdin) into the evaluation. */
LC_API lc_status lc_eval_push_file(lc_eval *ev, const char *path, lc_error *err);

/* ---- typed events (no JSON) -------------------------------------------------- */

typedef struct lc_event lc_event;

/* A builder for one event of a declared type; reuse it for many events
 * with lc_event_reset.  Field handles (lc_engine_field) avoid name lookups
 * on the hot path. */
LC_API lc_status lc_event_new(lc_event **out, const lc_engine *engine, lc_error *err);
LC_API void lc_event_free(lc_event *event);

/* Index of a declared event type, or -1. */
LC_API int lc_engine_event_type(const lc_engine *engine, const char *type);
/* Index of a field of an event type, or -1. */
LC_API int lc_engine_field(const lc_engine *engine, int type, const char *field);
/* Field `field` (an index: 0, 1, ... in declaration order) of an event
 * type: its name (borrowed from the engine) and its kind as the rule file
 * writes it ("time", "bool", "integer", "number", "money", "fraction",
 * "enum", "string", "month" or "severity"; static), so that a caller can
 * pick the setter; NULL past the last field or for an unknown type. */
LC_API const char *lc_engine_field_name(const lc_engine *engine, int type, int field);
LC_API const char *lc_engine_field_kind(const lc_engine *engine, int type, int field);
/* The declared field of an event type that `name` is a likely typo of
 * (borrowed from the engine: the hint strict JSON input gives), or NULL. */
LC_API const char *lc_engine_nearest_field(const lc_engine *engine, int type, const char *name);

/* Starts a new event: clears every field. id is copied. */
LC_API lc_status lc_event_reset(lc_event *event, int type, const char *id, lc_error *err);
/* Field setters, by field index.  Times are ns since the Unix epoch plus
 * the offset (minutes) they were written in; decimals are text ("0.85",
 * "1000000.00"); enums and strings are text.  A field of another kind is
 * LC_EUSAGE; a value the field cannot take (out of its range, too many
 * decimals, not one of its values) is LC_EEVENT, "event ID: " and the
 * words a JSON line with that value gets. */
LC_API lc_status lc_event_set_time(lc_event *event, int field, int64_t unix_ns, int offset_min,
                                   lc_error *err);
LC_API lc_status lc_event_set_bool(lc_event *event, int field, int value, lc_error *err);
LC_API lc_status lc_event_set_int(lc_event *event, int field, int64_t value, lc_error *err);
LC_API lc_status lc_event_set_decimal(lc_event *event, int field, const char *value,
                                      lc_error *err);
LC_API lc_status lc_event_set_string(lc_event *event, int field, const char *value,
                                     lc_error *err);

/* Notes that the event carries a field its type does not declare, by name
 * (copied), as a JSON line may: on push it is a warning tallied once per
 * name, with the nearest declared field as a likely typo; when the type or
 * the evaluation is strict the event is invalid input naming it (exactly
 * as for a JSON line).  LC_EUSAGE for a declared field (set its value). */
LC_API lc_status lc_event_set_undeclared(lc_event *event, const char *name, lc_error *err);

/* Pushes a built event: the same checks as JSON input (required fields,
 * order of times, duplicates), the same results. */
LC_API lc_status lc_eval_push_event(lc_eval *ev, const lc_event *event, lc_error *err);

/* lc_eval_push_event with the file and line (file may be NULL) that name
 * the event in its error and warnings, as lc_eval_push_json's do. */
LC_API lc_status lc_eval_push_event_at(lc_eval *ev, const lc_event *event, const char *file, long line,
                                       lc_error *err);

/* Counts an event the caller could not build (a value a setter refused, a
 * type or field the rules do not declare) as invalid input, as an invalid
 * JSON line is: with LC_EVAL_SKIP_INVALID a warning ("skipped: message",
 * at file:line) and LC_OK; else LC_EEVENT with the message, file and line,
 * and the evaluation refuses further events. */
LC_API lc_status lc_eval_reject(lc_eval *ev, const char *file, long line, const char *message, lc_error *err);

/* Takes back the event of that type and id (an evaluation made with
 * LC_EVAL_UPDATES; LC_EUSAGE otherwise): what it added no longer counts.
 * Retracting an id that never came, or twice, is a warning; naming
 * another type than the event's is invalid input. */
LC_API lc_status lc_eval_retract(lc_eval *ev, const char *type, const char *id, lc_error *err);
/* lc_eval_retract with the file and line (file may be NULL) that name the
 * retraction in its error and warnings, as a retraction line's are. */
LC_API lc_status lc_eval_retract_at(lc_eval *ev, const char *type, const char *id, const char *file, long line,
                                    lc_error *err);

/* Pushes n built events in order, as n calls of lc_eval_push_event would,
 * but faster: while one event is committed, the ids of the next few are
 * already being looked up (fill a few dozen builders, push them at once).
 * Every element must be a built event of this evaluation's engine, else
 * LC_EUSAGE and nothing is pushed.  *pushed (may be NULL) receives how
 * many events were taken (committed, or skipped under
 * LC_EVAL_SKIP_INVALID) before an error stopped the push. */
LC_API lc_status lc_eval_push_events(lc_eval *ev, const lc_event *const *events, size_t n, size_t *pushed,
                                     lc_error *err);

/* ---- replays and scenarios (what-if, Monte Carlo) --------------------------- */

typedef struct lc_scenario lc_scenario;

/* A scenario script: a Lua file that returns { perturb = function(event,
 * rng) ... end, extra = function(rng) ... end } (either may be absent).
 * perturb gets each event as a table (times are integer ns since 1970;
 * SECOND, MINUTE, HOUR, DAY, time("RFC 3339") and iso(ns) are provided)
 * and returns it, changed or not, or nil to drop it; extra returns a list
 * of events to add.  rng has :random(), :int(a, b), :chance(p),
 * :normal(mu, sigma), :exponential(mean).  The script runs in its own
 * sandbox (opts: limits, may be NULL).  A scenario is used by one thread
 * at a time. */
LC_API lc_status lc_scenario_new(lc_scenario **out, const lc_options *opts, const char *name,
                                 const char *text, size_t len, lc_error *err);
LC_API lc_status lc_scenario_load_file(lc_scenario **out, const lc_options *opts, const char *path,
                                       lc_error *err);
LC_API void lc_scenario_free(lc_scenario *scenario);

/* Pushes the events `src` kept (it was made with LC_EVAL_KEEP_EVENTS) into
 * `dst`, an evaluation of the same engine, without reading or parsing
 * them again: through the scenario when it is not NULL, with a generator
 * seeded from `seed` (the same seed gives the same events).  Events the
 * scenario makes are checked like any others. */
LC_API lc_status lc_eval_replay(lc_eval *dst, const lc_eval *src, const lc_scenario *scenario,
                                uint64_t seed, lc_error *err);

/* ---- results ------------------------------------------------------------------ */

typedef struct lc_result lc_result;

/* Computes the result of the events pushed so far under the engine's
 * current parameters.  May be called again (after more events or other
 * parameters); each call makes a new result the caller frees. */
LC_API lc_status lc_eval_result(lc_eval *ev, lc_result **out, lc_error *err);

/* The contract as it stands at an instant (ns since 1970): events after it
 * have not happened, time fields after it are not known yet (an interval
 * still open is counted to it), the month holding it is in progress (its
 * figures so far, its breaches provisional) and the months after it are
 * not assessed.  The evaluation must keep its events (LC_EVAL_KEEP_EVENTS
 * or LC_EVAL_UPDATES), which it may go on taking; without them LC_EUSAGE. */
LC_API lc_status lc_eval_result_as_of(lc_eval *ev, int64_t unix_ns, lc_result **out, lc_error *err);

LC_API void lc_eval_free(lc_eval *ev);

/* Frees a result (NULL is fine). */
LC_API void lc_result_free(lc_result *res);

/* Label language of text, CSV and HTML reports. */
/* The reports' labels: Chinese and English, one of them, or the language
 * the contract declares (contract { lang = "en" }; both when it declares
 * none).  The words for the amounts are the contract's too
 * (contract { amounts = "credit" }: service credits, not penalties). */
typedef enum lc_lang { LC_LANG_BOTH = 0, LC_LANG_ZH = 1, LC_LANG_EN = 2, LC_LANG_CONTRACT = 3 } lc_lang;

#define LC_RENDER_EXPLAIN 0x1u /* text: the numbers and events behind each breach */
#define LC_RENDER_BOM 0x2u     /* csv: start with a UTF-8 BOM (for Excel) */

/* Renders the result; *out is NUL-terminated and the caller's (lc_free).
 * LC_FORMAT_TEXT: the report for a terminal (columns aligned for Chinese);
 * LC_FORMAT_CSV: the "breaches" table of lc_result_csv;
 * LC_FORMAT_HTML: one self-contained page (summary, ledger, score sheets,
 * charts as inline SVG; no script, no outside resource). */
LC_API lc_status lc_result_render(const lc_result *res, lc_format format, lc_lang lang,
                                  unsigned flags, char **out, size_t *len, lc_error *err);

/* One CSV table by name: "breaches", "months", "items" (the score sheets,
 * one row per month and work item), "incidents", "findings",
 * "obligations".  RFC 4180 (CRLF line ends, fields quoted when needed);
 * amounts are plain decimals ("5158.80").  flags: LC_RENDER_BOM,
 * LC_RENDER_EXPLAIN (breaches: the contract's words).  LC_EUSAGE for an
 * unknown name. */
LC_API lc_status lc_result_csv(const lc_result *res, const char *table, lc_lang lang,
                               unsigned flags, char **out, size_t *len, lc_error *err);

/* The name of the i-th table of lc_result_csv (static), NULL past the last. */
LC_API const char *lc_csv_table(size_t i);

/* Shorthand for the INTERFACE.md JSON. */
LC_API lc_status lc_result_json(const lc_result *res, char **out, size_t *len, lc_error *err);

/* The structs below (lc_totals, lc_breach, lc_month) are those of 0.2,
 * kept for its callers: they cannot grow without an ABI break (a breach's
 * `counted`, a month's bill), so new code reads a result by name
 * (lc_result_count, lc_result_text, lc_result_fen ..., below). */

/* Totals, in fen (hundredths of the currency unit). */
typedef struct lc_totals {
    int64_t amount_uncapped; /* sum of breach amounts */
    int64_t amount;          /* after the caps */
    int capped;              /* 1 when a cap cut the total */
    int64_t cap;             /* the term cap, or -1 when none is declared */
    int termination_right;   /* 1 when the contract may be terminated */
    size_t breaches, incidents, warnings;
} lc_totals;

LC_API void lc_result_totals(const lc_result *res, lc_totals *out);

/* One breach; strings are borrowed from the result. */
typedef struct lc_breach {
    const char *rule;   /* "minor.5" */
    const char *class_; /* "minor" */
    const char *clause; /* "附件6 第5项" */
    const char *reason; /* "average ticket response 45.0 min in (30, 60)" */
    const char *pct;    /* decimal text: "3" */
    int64_t amount;     /* fen */
    const char *period; /* "2026-04" for a month's breach, else NULL */
    const char *at;     /* RFC 3339 at +08:00 for an event's breach, else NULL */
    size_t event_count;
} lc_breach;

LC_API size_t lc_result_breach_count(const lc_result *res);
LC_API int lc_result_breach(const lc_result *res, size_t i, lc_breach *out);
/* The j-th event id behind breach i (borrowed), or NULL. */
LC_API const char *lc_result_breach_event(const lc_result *res, size_t i, size_t j);

/* One assessment month. Missing figures are NaN for doubles, -1 for counts. */
typedef struct lc_month {
    const char *month;   /* "2026-04" */
    double availability; /* percent, for display (comparisons inside are exact) */
    double score;        /* NaN when the month has no score */
} lc_month;

LC_API size_t lc_result_month_count(const lc_result *res);
LC_API int lc_result_month(const lc_result *res, size_t i, lc_month *out);

/* Any month figure by the name it has in the JSON ("ops_response_avg_min");
 * returns 1 and stores it when the month has that figure, else 0. */
LC_API int lc_result_month_value(const lc_result *res, size_t i, const char *name, double *out);

/* ---- reading a result by name --------------------------------------------------
 *
 * Every part of a result is reachable through these accessors, by the names
 * the JSON of INTERFACE.md uses, so that new fields never change a struct
 * a caller (or a binding) lays out:
 *
 *   lists:  "breaches", "incidents", "findings", "warnings", "months",
 *           "caps" (totals.caps), "cap_cuts" (every cap's breaches, flat:
 *           "cap", "cap_index", "breach" (its index in breaches), "rule",
 *           "period", "at", "cut"), "reasons" (termination.reasons),
 *           "parts" (acceptance.parts), "obligations", "instalments",
 *           "params" (stamp.params: "name", "value"), "not_counted" (the events
 *           that did not count: "type", "reason", "count"), "headroom" (as
 *           of an instant: "kind", "rule", "crossed", "left", "unit",
 *           "amount", "at", "used", "gone" (the burn rate: % of the
 *           month's room used, % of the month gone), "what"; obligations
 *           gain "due_so_far");
 *   single objects (one item, index 0): "contract" (term.start and
 *           term.end as "term_start", "term_end"; "as_of"), "totals",
 *           "termination", "annual", "acceptance", "payments" (bond.amount,
 *           bond.due, bond.clause as "bond_amount", "bond_due",
 *           "bond_clause"), "stamp", "updates" ("revised", "retracted":
 *           null without LC_EVAL_UPDATES).
 *
 * lc_result_field(res, list, k) names the k-th field of a list's items
 * (NULL past the last): e.g. "rule", "amount", "period" for breaches; a
 * month's fields are its "month", its columns by their keys and "score".
 * A value is read with the getter of its type: text (borrowed from the
 * result), money in fen, a whole number, a number (a double: percentages
 * and averages for display; comparisons inside are exact) or a flag.  Each
 * getter returns 1 and stores the value, or 0 when the item, the field or
 * a value of that type is not there (a null in the JSON is 0).  Any thread
 * may read a result at any time. */

typedef enum lc_value_type {
    LC_VALUE_NONE = -1, /* no such list, item or field */
    LC_VALUE_NULL = 0,  /* the field is there, null for this item */
    LC_VALUE_TEXT = 1,
    LC_VALUE_FEN = 2,    /* money, in fen (hundredths of the currency unit) */
    LC_VALUE_INT = 3,
    LC_VALUE_NUMBER = 4, /* a double */
    LC_VALUE_BOOL = 5
} lc_value_type;

/* Items of a list (1 for a single object, 0 for an unknown name). */
LC_API size_t lc_result_count(const lc_result *res, const char *list);

/* The k-th field name of a list's items (static or borrowed), NULL past the last. */
LC_API const char *lc_result_field(const lc_result *res, const char *list, size_t k);

/* The type of item i's field. */
LC_API lc_value_type lc_result_type(const lc_result *res, const char *list, size_t i, const char *field);

LC_API const char *lc_result_text(const lc_result *res, const char *list, size_t i, const char *field);
LC_API int lc_result_fen(const lc_result *res, const char *list, size_t i, const char *field, int64_t *out);
LC_API int lc_result_int(const lc_result *res, const char *list, size_t i, const char *field, int64_t *out);
LC_API int lc_result_number(const lc_result *res, const char *list, size_t i, const char *field, double *out);
LC_API int lc_result_bool(const lc_result *res, const char *list, size_t i, const char *field, int *out);

/* The event ids behind item i of a list that has them (breaches,
 * incidents, findings, reasons): their count, and the j-th (borrowed). */
LC_API size_t lc_result_event_count(const lc_result *res, const char *list, size_t i);
LC_API const char *lc_result_event(const lc_result *res, const char *list, size_t i, size_t j);

/* ---- comparing results (diff) ------------------------------------------------- */

/* Compares two results breach by breach (by rule, period or time, and
 * events).  *out receives the report (caller's, lc_free) in the given
 * format (text, JSON, CSV or HTML; CSV and HTML labels in lang); *differs is set to 1
 * when anything differs. */
LC_API lc_status lc_result_diff(const lc_result *old_res, const lc_result *new_res,
                                lc_format format, lc_lang lang, char **out, size_t *len,
                                int *differs, lc_error *err);

/* A diff as one CSV table by name: "rules" (money per rule on each side,
 * before the caps and counted after them: what lc_result_diff gives for
 * LC_FORMAT_CSV), "breaches" (added, removed and changed), "totals",
 * "params" (the parameters whose values differ).  flags: LC_RENDER_BOM. */
LC_API lc_status lc_result_diff_csv(const lc_result *old_res, const lc_result *new_res,
                                    const char *table, lc_lang lang, unsigned flags, char **out,
                                    size_t *len, int *differs, lc_error *err);

/* The name of the i-th table of lc_result_diff_csv (static), NULL past the last. */
LC_API const char *lc_diff_csv_table(size_t i);

#ifdef __cplusplus
}
#endif

#endif
