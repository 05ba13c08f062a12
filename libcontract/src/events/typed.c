/* typed.c — events built from typed values, without JSON.
 *
 * For callers that already hold the data: the builder fills a record the
 * way the JSON reader does, and a push runs the same checks (required
 * fields, order of times, ranges, duplicates) with the same results. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "events/evaluation.h"

#define MAX_FIELDS 64

struct lc_event {
    const lci_model *m;
    const lci_plan *plan;
    int type;
    const lci_field *fields; /* of the type, after lc_event_reset */
    const uint8_t *kinds;    /* their kinds (the plan's) */
    size_t nfields;          /* 0 before */
    char *id;
    size_t idlen, idcap;
    lci_record *rec;
    int16_t offsets[MAX_FIELDS];
    char *strings[MAX_FIELDS]; /* STRING values until pushed */
    uint64_t string_fields;    /* bit per field whose strings[] is set */
    char **undeclared;         /* names of fields the type does not declare (copies) */
    size_t nundeclared, undeclared_cap;
};

int lc_engine_event_type(const lc_engine *engine, const char *type)
{
    return engine && engine->loaded && type ? lci_model_type(&engine->model, type) : -1;
}

/* A declared event type of a loaded engine, or NULL. */
static const lci_event_type *type_of(const lc_engine *engine, int type)
{
    if (!engine || !engine->loaded || type < 0 || (size_t)type >= engine->model.ntypes) return NULL;
    return &engine->model.types[type];
}

int lc_engine_field(const lc_engine *engine, int type, const char *field)
{
    const lci_event_type *t = type_of(engine, type);
    return t && field ? lci_model_field(t, field) : -1;
}

const char *lc_engine_field_name(const lc_engine *engine, int type, int field)
{
    const lci_event_type *t = type_of(engine, type);
    return t && field >= 0 && (size_t)field < t->nfields ? t->fields[field].name : NULL;
}

const char *lc_engine_field_kind(const lc_engine *engine, int type, int field)
{
    const lci_event_type *t = type_of(engine, type);
    return t && field >= 0 && (size_t)field < t->nfields ? lci_field_kind_names[t->fields[field].kind] : NULL;
}

const char *lc_engine_nearest_field(const lc_engine *engine, int type, const char *name)
{
    const lci_event_type *t = type_of(engine, type);
    return t && name ? lci_model_nearest_field(t, name) : NULL;
}

lc_status lc_event_new(lc_event **out, const lc_engine *engine, lc_error *err)
{
    if (!out) return lci_fail(err, LC_EUSAGE, NULL, 0, "lc_event_new: out is NULL");
    *out = NULL;
    if (!engine || !engine->loaded) return lci_fail(err, LC_EUSAGE, NULL, 0, "lc_event_new: the engine has no rules");
    lc_event *e = calloc(1, sizeof *e);
    if (e) e->rec = calloc(1, sizeof *e->rec + MAX_FIELDS * sizeof e->rec->v[0]);
    if (!e || !e->rec) {
        free(e);
        return lci_oom(err);
    }
    e->m = &engine->model;
    e->plan = &engine->plan;
    e->type = -1;
    *out = e;
    return LC_OK;
}

static void clear_strings(lc_event *e)
{
    for (uint64_t set = e->string_fields; set; set &= set - 1) {
        int f = __builtin_ctzll(set);
        free(e->strings[f]);
        e->strings[f] = NULL;
    }
    e->string_fields = 0;
}

static void clear_undeclared(lc_event *e)
{
    for (size_t i = 0; i < e->nundeclared; i++) free(e->undeclared[i]);
    e->nundeclared = 0;
}

void lc_event_free(lc_event *e)
{
    if (!e) return;
    clear_strings(e);
    clear_undeclared(e);
    free(e->undeclared);
    free(e->rec);
    free(e->id);
    free(e);
}

/* Copies id into the builder; -1 when out of memory. */
static int copy_id(lc_event *e, const char *id)
{
    size_t len = strlen(id);
    if (len + 1 > e->idcap) {
        size_t cap = len + 1 > 2 * e->idcap ? len + 1 : 2 * e->idcap;
        char *p = realloc(e->id, cap);
        if (!p) return -1;
        e->id = p;
        e->idcap = cap;
    }
    lci_copy_short(e->id, id, len + 1);
    e->idlen = len;
    return 0;
}

lc_status lc_event_reset(lc_event *e, int type, const char *id, lc_error *err)
{
    if (!e || !id || !id[0]) return lci_fail(err, LC_EUSAGE, NULL, 0, "lc_event_reset: an event needs a non-empty id");
    if (type < 0 || (size_t)type >= e->m->ntypes) return lci_fail(err, LC_EUSAGE, NULL, 0, "lc_event_reset: unknown event type %d", type);
    if (e->string_fields) clear_strings(e);
    if (e->nundeclared) clear_undeclared(e);
    if (!lci_text_valid(id, strlen(id))) return lci_fail(err, LC_EEVENT, NULL, 0, "lc_event_reset: the id is not UTF-8 text");
    if (copy_id(e, id) != 0) {
        e->type = -1; /* nothing to push until the next reset */
        e->nfields = 0;
        return lci_oom(err);
    }
    e->type = type;
    e->fields = e->m->types[type].fields;
    e->kinds = e->plan->of[type].kinds;
    e->nfields = e->m->types[type].nfields;
    /* values and offsets are read only where present says so (a push
     * copies the absent ones as 0), so clearing present clears the event */
    e->rec->type = (uint32_t)type;
    e->rec->present = 0;
    return LC_OK;
}

/* Why a setter cannot set this field (the cold half of field_of). */
__attribute__((cold, noinline)) static const lci_field *misfit(const lc_event *e, int field, lc_error *err)
{
    if (e->type < 0) {
        lci_fail(err, LC_EUSAGE, NULL, 0, "call lc_event_reset before setting fields");
        return NULL;
    }
    const lci_event_type *t = &e->m->types[e->type];
    if (field < 0 || (size_t)field >= t->nfields)
        lci_fail(err, LC_EUSAGE, NULL, 0, "event type %s has no field %d", t->name, field);
    else
        lci_fail(err, LC_EUSAGE, NULL, 0, "field %s of %s does not take this kind of value", t->fields[field].name, t->name);
    return NULL;
}

/* The field, when it exists and has one of the kinds the setter takes. */
static inline const lci_field *field_of(const lc_event *e, int field, unsigned kinds, lc_error *err)
{
    if ((unsigned)field < e->nfields && (kinds >> e->kinds[field] & 1)) return &e->fields[field];
    return misfit(e, field, err);
}

/* Sets a field; its offset (part of the content) is 0 but for times. */
static lc_status set(lc_event *e, int field, int64_t v, int offset_min)
{
    e->rec->v[field] = v;
    e->rec->present |= UINT64_C(1) << field;
    e->offsets[field] = (int16_t)offset_min;
    return LC_OK;
}

/* Why lc_event_set_time refused (cold: the setter itself stays a few
 * instructions, as it runs for every time of every event). */
__attribute__((cold, noinline)) static lc_status time_refused(const lc_event *e, int field, lc_error *err)
{
    if (!e) return LC_EUSAGE;
    if (!field_of(e, field, 1u << LCI_F_TIME, err)) return LC_EUSAGE;
    return lci_fail(err, LC_EUSAGE, NULL, 0, "offset out of range");
}

lc_status lc_event_set_time(lc_event *e, int field, int64_t unix_ns, int offset_min, lc_error *err)
{
    if (!e || (unsigned)field >= e->nfields || e->kinds[field] != LCI_F_TIME || offset_min < -1439 ||
        offset_min > 1439)
        return time_refused(e, field, err);
    return set(e, field, unix_ns, offset_min);
}

lc_status lc_event_set_bool(lc_event *e, int field, int value, lc_error *err)
{
    if (!e || !field_of(e, field, 1u << LCI_F_BOOL, err)) return LC_EUSAGE;
    return set(e, field, value != 0, 0);
}

/* A value a setter refuses: "event ID: " and the words a JSON line with
 * that value gets (jsonevent.c), so that a caller that names the event by
 * its file and line instead can drop the prefix and say what a line says. */
static lc_status refused(const lc_event *e, lc_error *err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static lc_status refused(const lc_event *e, lc_error *err, const char *fmt, ...)
{
    char why[LC_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    return lci_fail(err, LC_EEVENT, NULL, 0, "event %s: %s", e->id ? e->id : "?", why);
}

static lc_status check_bounds(lc_event *e, const lci_field *f, int64_t v, lc_error *err)
{
    char bound[48];
    if (f->has_min && v < f->min) {
        lci_dec_format((lci_dec){f->min, f->scale}, bound, sizeof bound);
        return refused(e, err, "field \"%s\" must be at least %s", f->name, bound);
    }
    if (f->has_max && v > f->max) {
        lci_dec_format((lci_dec){f->max, f->scale}, bound, sizeof bound);
        return refused(e, err, "field \"%s\" must be at most %s", f->name, bound);
    }
    return LC_OK;
}

lc_status lc_event_set_int(lc_event *e, int field, int64_t value, lc_error *err)
{
    const lci_field *f = e ? field_of(e, field, 1u << LCI_F_INTEGER, err) : NULL;
    if (!f) return LC_EUSAGE;
    lc_status st = check_bounds(e, f, value, err);
    return st == LC_OK ? set(e, field, value, 0) : st;
}

lc_status lc_event_set_decimal(lc_event *e, int field, const char *value, lc_error *err)
{
    unsigned kinds = 1u << LCI_F_INTEGER | 1u << LCI_F_NUMBER | 1u << LCI_F_MONEY | 1u << LCI_F_FRACTION;
    const lci_field *f = e && value ? field_of(e, field, kinds, err) : NULL;
    lci_dec d;
    int64_t v;
    if (!f) return LC_EUSAGE;
    lci_num_status parsed = lci_dec_parse(value, strlen(value), &d, NULL);
    if (parsed == LCI_NUM_SYNTAX) return refused(e, err, "field \"%s\": \"%s\" is not a decimal number", f->name, value);
    if (parsed != LCI_NUM_OK)
        return refused(e, err, "field \"%s\": %s has more significant digits than can be kept exactly", f->name, value);
    if (lci_dec_rescale(d, f->scale, &v) != LCI_NUM_OK) {
        if (f->scale == 0) return refused(e, err, "field \"%s\" must be a whole number, not %s", f->name, value);
        return refused(e, err, "field \"%s\": %s has more than %d decimal places", f->name, value, f->scale);
    }
    lc_status st = check_bounds(e, f, v, err);
    return st == LC_OK ? set(e, field, v, 0) : st;
}

lc_status lc_event_set_undeclared(lc_event *e, const char *name, lc_error *err)
{
    if (!e || !name) return lci_fail(err, LC_EUSAGE, NULL, 0, "lc_event_set_undeclared: NULL argument");
    if (e->type < 0) return lci_fail(err, LC_EUSAGE, NULL, 0, "call lc_event_reset before setting fields");
    if (lci_model_field(&e->m->types[e->type], name) >= 0)
        return lci_fail(err, LC_EUSAGE, NULL, 0, "field %s is declared: set its value", name);
    if (!lci_text_valid(name, strlen(name)))
        return lci_fail(err, LC_EEVENT, NULL, 0, "event %s: a field name is not UTF-8 text", e->id);
    char *copy = lci_strdup(name);
    if (!copy || LCI_PUSH(e->undeclared, e->undeclared_cap, e->nundeclared, copy) != 0) {
        free(copy);
        return lci_oom(err);
    }
    return LC_OK;
}

static int index_of(const char **values, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(values[i], s) == 0) return (int)i;
    return -1;
}

/* A word that is not one of an enum's or the severity's values, listing
 * them as a JSON line's message does. */
static lc_status not_one_of(const lc_event *e, const lci_field *f, const char **values, size_t n, const char *value,
                            lc_error *err)
{
    char list[300] = "";
    for (size_t k = 0; k < n && strlen(list) + strlen(values[k]) + 4 < sizeof list; k++) {
        strcat(list, k ? ", " : "");
        strcat(list, values[k]);
    }
    return refused(e, err, "field \"%s\" cannot be \"%s\" (expected one of: %s)", f->name, value, list);
}

lc_status lc_event_set_string(lc_event *e, int field, const char *value, lc_error *err)
{
    unsigned kinds = 1u << LCI_F_ENUM | 1u << LCI_F_SEVERITY | 1u << LCI_F_STRING | 1u << LCI_F_MONTH;
    const lci_field *f = e && value ? field_of(e, field, kinds, err) : NULL;
    if (!f) return LC_EUSAGE;
    int64_t v = -1;
    char why[120];
    if (f->kind == LCI_F_ENUM && (v = index_of(f->values, f->nvalues, value)) < 0)
        return not_one_of(e, f, f->values, f->nvalues, value, err);
    if (f->kind == LCI_F_SEVERITY && (v = index_of(e->m->severity_levels, e->m->nseverity, value)) < 0)
        return not_one_of(e, f, e->m->severity_levels, e->m->nseverity, value, err);
    if (f->kind == LCI_F_MONTH && lci_month_parse(value, strlen(value), &v, why, sizeof why) != 0)
        return refused(e, err, "field \"%s\": \"%s\" is not a month: %s", f->name, value, why);
    if (f->kind == LCI_F_STRING) {
        if (!lci_text_valid(value, strlen(value)))
            return lci_fail(err, LC_EEVENT, NULL, 0, "event %s: field %s is not UTF-8 text", e->id, f->name);
        char *copy = lci_strdup(value);
        if (!copy) return lci_oom(err);
        free(e->strings[field]);
        e->strings[field] = copy;
        e->string_fields |= UINT64_C(1) << field;
        v = 0;
    }
    return set(e, field, v, 0);
}

/* The hash of a string field's value: out of line, so the loop below
 * keeps its few registers for the common fields (times, numbers). */
__attribute__((noinline)) static uint64_t string_value(const lc_event *e, int f, uint64_t seed)
{
    return lci_fast_hash(e->strings[f], strlen(e->strings[f]), seed);
}

/* Typed content: the type, which fields are set, their values and the
 * offsets times were given in (the same instant at another offset is other
 * content, as in JSON), folded in field order under the engine's seed. */
static uint64_t typed_content(const lc_event *e, const lci_record *rec, uint64_t seed)
{
    uint64_t h = lci_fold(seed ^ rec->type ^ LCI_FAST_K1, rec->present ^ seed ^ LCI_FAST_K2);
    for (uint64_t set = rec->present; set; set &= set - 1) {
        int f = __builtin_ctzll(set);
        uint64_t where = (uint64_t)f << 16 | (uint16_t)e->offsets[f];
        uint64_t value = e->string_fields >> f & 1 ? string_value(e, f, seed) : (uint64_t)rec->v[f];
        h = lci_fold(h ^ value ^ LCI_FAST_K3, where ^ seed ^ LCI_FAST_K1);
    }
    /* undeclared fields are content too, as the members of a JSON line are */
    for (size_t i = 0; i < e->nundeclared; i++)
        h = lci_fold(h ^ lci_fast_hash(e->undeclared[i], strlen(e->undeclared[i]), seed), LCI_FAST_K2 ^ i);
    return h;
}

/* Checks the builder before anything of it is used. */
static lc_status check_built(const lc_eval *ev, const lc_event *e, lc_error *err)
{
    if (!e || e->type < 0) return lci_fail(err, LC_EUSAGE, NULL, 0, "lc_eval_push_event: no event built");
    if (e->m != ev->m) return lci_fail(err, LC_EUSAGE, NULL, 0, "the event was built for another engine");
    return LC_OK;
}

/* A built event that breaks its type's rules (cold). */
__attribute__((cold, noinline)) static lc_status incomplete(lc_eval *ev, const lc_event *e, lci_record *rec,
                                                            const char *file, long line, lc_error *err)
{
    char why[LC_ERROR_MESSAGE_MAX], text[LC_ERROR_MESSAGE_MAX + 64];
    lci_record_explain(ev, rec, why, sizeof why);
    /* at a file and line the event is named as a JSON line is; else by its id */
    if (file) snprintf(text, sizeof text, "%s", why);
    else snprintf(text, sizeof text, "event %s: %s", e->id, why);
    return lci_eval_invalid(ev, file, line, text, err);
}

static int intern_strings(lc_eval *ev, const lc_event *e, lci_record *rec)
{
    for (uint64_t set = e->string_fields; set; set &= set - 1) {
        int f = __builtin_ctzll(set);
        uint32_t idx;
        int added;
        if (lci_idtable_intern(&ev->strings, e->strings[f], strlen(e->strings[f]), &idx, &added) != 0) return -1;
        rec->v[f] = idx;
    }
    return 0;
}

/* A field its type does not declare in an evaluation that is strict (or
 * of a strict type): why the event is invalid, in the words a JSON line
 * gets (jsonevent.c), into text; 0 when none. */
static int strict_refuses(const lc_eval *ev, const lc_event *e, char *text, size_t size)
{
    const lci_event_type *t = &ev->m->types[e->type];
    char hint[96];
    if (!e->nundeclared || (!t->strict && !(ev->flags & LC_EVAL_STRICT))) return 0;
    snprintf(text, size, "field \"%s\" is not declared for events of type %s%s (strict)", e->undeclared[0], t->name,
             lci_hint(lci_model_nearest_field(t, e->undeclared[0]), hint, sizeof hint));
    return 1;
}

/* Tallies the undeclared fields of an event at file:line for the
 * result's warnings (unknown.h); 0 or -1 when out of memory. */
static int note_undeclared(lc_eval *ev, const lc_event *e, const char *file, long line)
{
    for (size_t i = 0; i < e->nundeclared; i++) {
        int32_t *slot;
        const char *name = e->undeclared[i];
        if (lci_unknown_note(&ev->undeclared, e->type, i, name, strlen(name), line, &slot) != 0) return -1;
        if (slot && lci_eval_file(ev, file, slot) != LC_OK) return -1;
    }
    return 0;
}

/* One checked builder into the evaluation, named file:line in messages and
 * warnings; idhash from lci_eval_id_hash. */
static lc_status push_one(lc_eval *ev, const lc_event *e, uint64_t idhash, const char *file, long line, lc_error *err)
{
    lci_record *rec = ev->scratch;
    *rec = *e->rec;
    /* the first 8 values in one fixed-size copy (both records have room
     * for 64, the builder's zeroed), more only for wider types */
    memcpy(rec->v, e->rec->v, 8 * sizeof rec->v[0]);
    if (e->nfields > 8) memcpy(rec->v + 8, e->rec->v + 8, (e->nfields - 8) * sizeof rec->v[0]);
    lci_content content = {typed_content(e, rec, ev->plan->seed)};
    if (e->string_fields && intern_strings(ev, e, rec) != 0) return lci_oom(err);
    if (e->nundeclared) {
        char text[LC_ERROR_MESSAGE_MAX];
        if (strict_refuses(ev, e, text, sizeof text)) return lci_eval_invalid(ev, file, line, text, err);
        if (note_undeclared(ev, e, file, line) != 0) return lci_oom(err);
    }
    if (lci_record_complete(ev, rec) != 0) return incomplete(ev, e, rec, file, line, err);
    /* fields still absent read as 0 (a reset does not clear the builder's values) */
    uint64_t all = e->nfields ? (UINT64_C(2) << (e->nfields - 1)) - 1 : 0;
    for (uint64_t absent = ~rec->present & all; absent; absent &= absent - 1)
        rec->v[__builtin_ctzll(absent)] = 0;
    return lci_eval_commit(ev, rec, e->id, e->idlen, idhash, &content, file, line, err);
}

/* Whether the evaluation takes another event: not after an error, and
 * only once the JSON lines pushed before it are in (they come first). */
static lc_status ready(lc_eval *ev, const char *file, long line, lc_error *err)
{
    if (ev->broken) return lci_fail(err, LC_EUSAGE, file, line, "the evaluation stopped at an earlier error");
    return ev->queue_len ? lci_eval_flush(ev, err) : LC_OK;
}

lc_status lc_eval_push_event_at(lc_eval *ev, const lc_event *e, const char *file, long line, lc_error *err)
{
    if (!ev) return lci_fail(err, LC_EUSAGE, NULL, 0, "lc_eval_push_event: NULL evaluation");
    lc_status st = check_built(ev, e, err);
    if (st != LC_OK) return st;
    if ((st = ready(ev, file, line, err)) != LC_OK) return st;
    return push_one(ev, e, lci_eval_id_hash(ev, e->id, e->idlen), file, line, err);
}

lc_status lc_eval_push_event(lc_eval *ev, const lc_event *e, lc_error *err)
{
    return lc_eval_push_event_at(ev, e, NULL, 0, err);
}

lc_status lc_eval_reject(lc_eval *ev, const char *file, long line, const char *message, lc_error *err)
{
    if (!ev || !message) return lci_fail(err, LC_EUSAGE, NULL, 0, "lc_eval_reject: NULL argument");
    lc_status st = ready(ev, file, line, err);
    return st != LC_OK ? st : lci_eval_invalid(ev, file, line, message, err);
}

/* Events whose ids are hashed, and their slots in the id table asked
 * for, this far ahead of the one being committed: each new id's slot is
 * a cache miss (the table is large and touched at random), and this
 * hides it behind the work on the events in between. */
#define AHEAD 8

lc_status lc_eval_push_events(lc_eval *ev, const lc_event *const *events, size_t n, size_t *pushed, lc_error *err)
{
    uint64_t hashes[AHEAD];
    if (pushed) *pushed = 0;
    if (!ev || (!events && n)) return lci_fail(err, LC_EUSAGE, NULL, 0, "lc_eval_push_events: NULL argument");
    for (size_t i = 0; i < n; i++) {
        lc_status st = check_built(ev, events[i], err);
        if (st != LC_OK) return st;
    }
    lc_status ok = ready(ev, NULL, 0, err);
    if (ok != LC_OK) return ok;
    for (size_t i = 0; i < n && i < AHEAD; i++) hashes[i] = lci_eval_id_hash(ev, events[i]->id, events[i]->idlen);
    for (size_t i = 0; i < n; i++) {
        uint64_t hash = hashes[i % AHEAD];
        if (i + AHEAD < n) hashes[i % AHEAD] = lci_eval_id_hash(ev, events[i + AHEAD]->id, events[i + AHEAD]->idlen);
        lc_status st = push_one(ev, events[i], hash, NULL, 0, err);
        if (st != LC_OK) return st;
        if (pushed) *pushed = i + 1;
    }
    return LC_OK;
}

lc_status lc_eval_retract_at(lc_eval *ev, const char *type, const char *id, const char *file, long line, lc_error *err)
{
    if (!ev || !type || !id) return lci_fail(err, LC_EUSAGE, NULL, 0, "lc_eval_retract: NULL argument");
    if (!(ev->flags & LC_EVAL_UPDATES))
        return lci_fail(err, LC_EUSAGE, NULL, 0, "lc_eval_retract: the evaluation takes no updates (LC_EVAL_UPDATES)");
    lc_status st = ready(ev, file, line, err);
    if (st != LC_OK) return st;
    int t = lci_model_type(ev->m, type);
    if (t < 0) return lci_fail(err, LC_EUSAGE, NULL, 0, "lc_eval_retract: unknown event type '%s'", type);
    size_t len = strlen(id);
    return lci_updates_retract(ev, t, id, len, lci_eval_id_hash(ev, id, len), file, line, err);
}

lc_status lc_eval_retract(lc_eval *ev, const char *type, const char *id, lc_error *err)
{
    return lc_eval_retract_at(ev, type, id, NULL, 0, err);
}
