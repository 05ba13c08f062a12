/* ingest.c — events in: JSON Lines and typed events become records.
 *
 * An event is checked completely (JSON, schema, order of its times,
 * duplicates) before anything of it is counted, so an invalid event is
 * never half-counted; --skip-invalid turns the error into a warning.  Only
 * the values the rules read are kept; the event's text is not. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

/* The seed of key hashes: the same in every evaluation, so the rule
 * file's field names can be hashed once at load time (rules.c). */
#define SEED_CONTENT_A LCI_KEY_HASH_SEED
#define SEED_CONTENT_B UINT64_C(0x13198a2e03707344)

typedef struct why {
    char text[LC_ERROR_MESSAGE_MAX];
} why;

static int reason(why *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int reason(why *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->text, sizeof w->text, fmt, ap);
    va_end(ap);
    return -1;
}

int lci_eval_warn(lc_eval *ev, const char *file, long line, const char *fmt, ...)
{
    char text[LC_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    lci_warning w = {-1, line, lci_strdup(text)};
    uint32_t idx;
    int added;
    if (!w.message) return -1;
    if (file && lci_idtable_intern(&ev->files, file, strlen(file), &idx, &added) == 0) w.file = (int32_t)idx;
    if ((file && w.file < 0) || LCI_PUSH(ev->warnings, ev->warnings_cap, ev->nwarnings, w) != 0) {
        free(w.message);
        return -1;
    }
    return 0;
}

/* ---- content hashes: equal JSON objects hash equal ---- */

/* A member hashes as its value seeded by its key; an object is the sum of
 * its members, so key order does not matter. */
static uint64_t hash_value(const cJSON *v, const char *literal, size_t litlen, uint64_t seed);

static uint64_t key_hash(const char *key)
{
    return lci_hash(key, strlen(key), SEED_CONTENT_A);
}

/* Numbers are equal by value (1 = 1.0 = 1e0): the literal is normalised
 * exactly when it fits a decimal, else the double stands for it. */
static uint64_t hash_number(const cJSON *v, const char *literal, size_t litlen, uint64_t seed)
{
    lci_dec d;
    if (literal && lci_dec_parse(literal, litlen, &d, NULL) == LCI_NUM_OK) {
        while (d.scale > 0 && d.coef % 10 == 0) {
            d.coef /= 10;
            d.scale--;
        }
        int64_t key[2] = {d.coef, d.scale};
        return lci_hash(key, sizeof key, seed ^ 'n');
    }
    double x = v->valuedouble;
    if (x == 0) x = 0; /* -0 == 0 */
    return lci_hash(&x, sizeof x, seed ^ 'd');
}

static uint64_t hash_container(const cJSON *v, uint64_t seed)
{
    uint64_t acc = seed ^ (cJSON_IsObject(v) ? 0x6f : 0x61);
    uint64_t position = 0;
    for (const cJSON *c = v->child; c; c = c->next, position++) {
        if (cJSON_IsObject(v)) acc += hash_value(c, NULL, 0, key_hash(c->string));
        else acc += hash_value(c, NULL, 0, SEED_CONTENT_B + position) * (2 * position + 1);
    }
    return acc;
}

static uint64_t hash_value(const cJSON *v, const char *literal, size_t litlen, uint64_t seed)
{
    if (cJSON_IsString(v)) return lci_hash(v->valuestring, strlen(v->valuestring), seed ^ 's');
    if (cJSON_IsNumber(v)) return hash_number(v, literal, litlen, seed);
    if (cJSON_IsTrue(v)) return lci_hash("t", 1, seed ^ 'b');
    if (cJSON_IsFalse(v)) return lci_hash("f", 1, seed ^ 'b');
    if (cJSON_IsNull(v)) return lci_hash("", 0, seed ^ 'z');
    return hash_container(v, seed);
}

/* ---- reading one field's value ---- */

typedef struct member {
    const cJSON *item;
    const char *literal; /* raw text of a top-level number */
    size_t litlen;
} member;

static const char *const KIND_NAMES[] = {"an RFC 3339 timestamp with offset", "true or false", "a whole number",
                                         "a number", "an amount (number or decimal string)",
                                         "a fraction from 0 to 1", "one of its values", "a string",
                                         "a month \"YYYY-MM\"", "a severity level"};

static int read_time(const lci_field *f, const member *mb, int64_t *out, why *w)
{
    char detail[160];
    int offset;
    const char *s = cJSON_GetStringValue(mb->item);
    if (!s) return reason(w, "field \"%s\" must be %s", f->name, KIND_NAMES[f->kind]);
    if (lci_time_parse(s, strlen(s), out, &offset, detail, sizeof detail) != 0)
        return reason(w, "field \"%s\" is not a valid timestamp (\"%s\"): %s", f->name, s, detail);
    return 0;
}

static int read_decimal(const lci_field *f, const member *mb, int64_t *out, why *w)
{
    lci_dec d;
    int digits = 0;
    const char *text = mb->literal;
    size_t len = mb->litlen;
    int is_string = cJSON_IsString(mb->item);
    if (is_string && f->kind == LCI_F_MONEY) {
        text = mb->item->valuestring;
        len = strlen(text);
    } else if (!cJSON_IsNumber(mb->item) || !text) {
        return reason(w, "field \"%s\" must be %s", f->name, KIND_NAMES[f->kind]);
    }
    lci_num_status st = lci_dec_parse(text, len, &d, &digits);
    if (st == LCI_NUM_SYNTAX) return reason(w, "field \"%s\": \"%.*s\" is not a decimal number", f->name, (int)len, text);
    /* a JSON number passes through doubles in most readers: more than 15
     * significant digits may already have been changed on the way */
    if (st != LCI_NUM_OK || (!is_string && digits > 15))
        return reason(w, "field \"%s\": %.*s has more significant digits than can be kept exactly%s", f->name,
                      (int)len, text, f->kind == LCI_F_MONEY ? " (send it as a decimal string)" : "");
    if (lci_dec_rescale(d, f->scale, out) == LCI_NUM_OK) return 0;
    if (f->scale == 0) return reason(w, "field \"%s\" must be a whole number, not %.*s", f->name, (int)len, text);
    return reason(w, "field \"%s\": %.*s has more than %d decimal places", f->name, (int)len, text, f->scale);
}

static int read_enum(char **values, size_t n, const lci_field *f, const member *mb, int64_t *out, why *w)
{
    const char *s = cJSON_GetStringValue(mb->item);
    for (size_t i = 0; s && i < n; i++)
        if (strcmp(values[i], s) == 0) {
            *out = (int64_t)i;
            return 0;
        }
    if (!s) return reason(w, "field \"%s\" must be a string", f->name);
    char list[300] = "";
    for (size_t i = 0; i < n && strlen(list) + strlen(values[i]) + 4 < sizeof list; i++) {
        strcat(list, i ? ", " : "");
        strcat(list, values[i]);
    }
    return reason(w, "field \"%s\" cannot be \"%s\" (expected one of: %s)", f->name, s, list);
}

static int read_string(lc_eval *ev, const lci_field *f, const member *mb, int64_t *out, why *w)
{
    const char *s = cJSON_GetStringValue(mb->item);
    uint32_t idx;
    int added;
    if (!s) return reason(w, "field \"%s\" must be a string", f->name);
    if (lci_idtable_intern(&ev->strings, s, strlen(s), &idx, &added) != 0) return -2;
    *out = idx;
    return 0;
}

static int read_month(const lci_field *f, const member *mb, int64_t *out, why *w)
{
    char detail[120];
    const char *s = cJSON_GetStringValue(mb->item);
    if (!s) return reason(w, "field \"%s\" must be %s", f->name, KIND_NAMES[f->kind]);
    if (lci_month_parse(s, strlen(s), out, detail, sizeof detail) != 0)
        return reason(w, "field \"%s\": \"%s\" is not a month: %s", f->name, s, detail);
    return 0;
}

static int check_range(const lci_field *f, int64_t v, why *w)
{
    char bound[48];
    if (f->has_min && v < f->min) {
        lci_dec_format((lci_dec){f->min, f->scale}, bound, sizeof bound);
        return reason(w, "field \"%s\" must be at least %s", f->name, bound);
    }
    if (f->has_max && v > f->max) {
        lci_dec_format((lci_dec){f->max, f->scale}, bound, sizeof bound);
        return reason(w, "field \"%s\" must be at most %s", f->name, bound);
    }
    return 0;
}

/* 0 ok, -1 invalid (w set), -2 out of memory. */
static int read_field(lc_eval *ev, const lci_field *f, const member *mb, int64_t *out, why *w)
{
    int r;
    switch (f->kind) {
    case LCI_F_TIME: return read_time(f, mb, out, w);
    case LCI_F_BOOL:
        if (!cJSON_IsBool(mb->item)) return reason(w, "field \"%s\" must be true or false", f->name);
        *out = cJSON_IsTrue(mb->item);
        return 0;
    case LCI_F_INTEGER:
    case LCI_F_NUMBER:
    case LCI_F_MONEY:
    case LCI_F_FRACTION:
        r = read_decimal(f, mb, out, w);
        return r ? r : check_range(f, *out, w);
    case LCI_F_ENUM: return read_enum(f->values, f->nvalues, f, mb, out, w);
    case LCI_F_SEVERITY: return read_enum(ev->m->severity_levels, ev->m->nseverity, f, mb, out, w);
    case LCI_F_STRING: return read_string(ev, f, mb, out, w);
    case LCI_F_MONTH: return read_month(f, mb, out, w);
    }
    return reason(w, "field \"%s\" has an unknown kind", f->name);
}

/* ---- one JSON object into a record ---- */

typedef struct parsed {
    const lci_event_type *t;
    int type;
    const char *id;
    size_t idlen;
    uint64_t idhash; /* asked for early: the id's slot loads while the members are read */
    lci_content content;
} parsed;

/* The members' key hashes, computed once per event: they find the
 * fields, detect duplicate keys and seed the content hash. */
static int hash_keys(lc_eval *ev, const cJSON *obj, size_t *n)
{
    *n = 0;
    for (const cJSON *c = obj->child; c; c = c->next) {
        if (lci_grow((void **)&ev->key_hashes, &ev->key_hashes_cap, *n + 1, sizeof *ev->key_hashes) != 0) return -2;
        ev->key_hashes[(*n)++] = key_hash(c->string);
    }
    return 0;
}

static const cJSON *member_with(const cJSON *obj, const uint64_t *hashes, uint64_t hash, const char *key)
{
    size_t i = 0;
    for (const cJSON *c = obj->child; c; c = c->next, i++)
        if (hashes[i] == hash && strcmp(c->string, key) == 0) return c;
    return NULL;
}

static int read_type_and_id(lc_eval *ev, const cJSON *obj, parsed *p, why *w)
{
    const cJSON *type = member_with(obj, ev->key_hashes, ev->type_key_hash, "type");
    const cJSON *id = member_with(obj, ev->key_hashes, ev->id_key_hash, "id");
    if (!type) return reason(w, "missing \"type\"");
    if (!cJSON_IsString(type)) return reason(w, "\"type\" must be a string");
    p->type = lci_model_type(ev->m, type->valuestring);
    if (p->type < 0) return reason(w, "unknown event type \"%s\" (the rule file does not declare it)", type->valuestring);
    p->t = &ev->m->types[p->type];
    if (!id) return reason(w, "missing \"id\"");
    if (!cJSON_IsString(id) || !id->valuestring[0]) return reason(w, "\"id\" must be a non-empty string");
    p->id = id->valuestring;
    p->idlen = strlen(p->id);
    p->idhash = lci_eval_id_hash(ev, p->id, p->idlen);
    return 0;
}

static int field_by_hash(const lci_event_type *t, uint64_t hash, const char *key)
{
    for (size_t f = 0; f < t->nfields; f++)
        if (t->fields[f].name_hash == hash && strcmp(t->fields[f].name, key) == 0) return (int)f;
    return LCI_NONE;
}

/* A key seen before: known fields by their bit, other keys by comparison
 * with the earlier keys that share their hash. */
static int seen_before(const cJSON *obj, const cJSON *c, const uint64_t *hashes, size_t i, int f, uint64_t seen)
{
    if (f >= 0) return (int)(seen >> f & 1);
    size_t j = 0;
    for (const cJSON *d = obj->child; d != c; d = d->next, j++)
        if (hashes[j] == hashes[i] && strcmp(d->string, c->string) == 0) return 1;
    return 0;
}

/* Walks the members once: duplicate keys, field values, content hash. */
static int read_members(lc_eval *ev, const cJSON *obj, const char *line, parsed *p, lci_record *rec, why *w)
{
    size_t i = 0;
    uint64_t seen = 0;
    p->content.h = 0;
    for (const cJSON *c = obj->child; c; c = c->next, i++) {
        member mb = {c, NULL, 0};
        if (cJSON_IsNumber(c) && i < ev->scan.nmembers) { /* the scan's member i is child i */
            mb.literal = line + ev->scan.members[i].value_off;
            mb.litlen = ev->scan.members[i].value_len;
        }
        int f = field_by_hash(p->t, ev->key_hashes[i], c->string);
        if (seen_before(obj, c, ev->key_hashes, i, f, seen)) return reason(w, "key \"%s\" appears twice", c->string);
        p->content.h += hash_value(c, mb.literal, mb.litlen, ev->key_hashes[i]);
        if (f < 0) continue; /* unknown fields are ignored */
        seen |= UINT64_C(1) << f;
        if (cJSON_IsNull(c)) continue; /* null is absent */
        int r = read_field(ev, &p->t->fields[f], &mb, &rec->v[f], w);
        if (r) return r;
        rec->present |= UINT64_C(1) << f;
    }
    return 0;
}

lc_status lci_eval_invalid(lc_eval *ev, const char *file, long line, const char *text, lc_error *err)
{
    if (ev->flags & LC_EVAL_SKIP_INVALID) {
        if (lci_eval_warn(ev, file, line, "skipped: %s", text) != 0) return lci_oom(err);
        return LC_OK;
    }
    ev->broken = 1;
    return lci_fail(err, LC_EEVENT, file, line, "%s", text);
}

static int parse_object(lc_eval *ev, const char *json, size_t len, cJSON **out, why *w)
{
    const char *end = NULL;
    unsigned depth = ev->engine->opts.json_depth_limit;
    int r = lci_scan_line(&ev->scan, json, len, depth, w->text, sizeof w->text);
    if (r == 1) return reason(w, "not a JSON object");
    if (r) return r;
    /* the scan validated the syntax: cJSON can only fail for memory */
    *out = cJSON_ParseWithLengthOpts(json, len, &end, 0);
    return *out ? 0 : -2;
}

lc_status lc_eval_push_json(lc_eval *ev, const char *json, size_t len, const char *file, long line, lc_error *err)
{
    if (!ev || (!json && len)) return lci_fail(err, LC_EUSAGE, NULL, 0, "lc_eval_push_json: NULL argument");
    if (ev->broken) return lci_fail(err, LC_EUSAGE, file, line, "the evaluation stopped at an earlier error");
    while (len && (json[len - 1] == '\n' || json[len - 1] == '\r')) len--;
    if (ev->engine->opts.event_line_limit && len > ev->engine->opts.event_line_limit)
        return lci_eval_invalid(ev, file, line, "line longer than the event line limit", err);
    why w;
    w.text[0] = '\0';
    cJSON *obj = NULL;
    parsed p = {0};
    lci_record *rec = ev->scratch;
    int r = parse_object(ev, json, len, &obj, &w);
    size_t nkeys = 0;
    if (r == 0) r = hash_keys(ev, obj, &nkeys);
    if (r == 0) r = read_type_and_id(ev, obj, &p, &w);
    if (r == 0) {
        memset(rec, 0, sizeof *rec + p.t->nfields * sizeof rec->v[0]);
        rec->type = (uint32_t)p.type;
        r = read_members(ev, obj, json, &p, rec, &w);
    }
    if (r == 0) r = lci_record_complete(ev, rec, w.text, sizeof w.text);
    lc_status st;
    if (r == -2) st = lci_oom(err);
    else if (r != 0) st = lci_eval_invalid(ev, file, line, w.text, err);
    else st = lci_eval_commit(ev, rec, p.id, p.idlen, p.idhash, &p.content, file, line, err);
    cJSON_Delete(obj);
    if (st == LC_ENOMEM) ev->broken = 1;
    return st;
}

/* ---- streams of lines ---- */

static lc_status push_line(lc_eval *ev, const char *s, size_t len, lc_error *err)
{
    ev->lineno++;
    if (!ev->stream_started) {
        ev->stream_started = 1;
        if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) { /* a BOM opens the stream only */
            s += 3;
            len -= 3;
        }
    }
    while (len && (s[len - 1] == '\r' || s[len - 1] == ' ' || s[len - 1] == '\t')) len--;
    size_t lead = 0;
    while (lead < len && (s[lead] == ' ' || s[lead] == '\t')) lead++;
    if (lead == len) return LC_OK; /* blank lines separate nothing and are skipped */
    return lc_eval_push_json(ev, s + lead, len - lead, ev->file, ev->lineno, err);
}

lc_status lc_eval_push_lines(lc_eval *ev, const char *file, const char *data, size_t len, lc_error *err)
{
    if (!ev || (!data && len)) return lci_fail(err, LC_EUSAGE, NULL, 0, "lc_eval_push_lines: NULL argument");
    const char *name = file ? file : "-";
    if (!ev->file || strcmp(ev->file, name) != 0) {
        if (ev->pending.len) return lci_fail(err, LC_EUSAGE, ev->file, ev->lineno, "the previous stream did not end");
        char *copy = lci_strdup(name);
        if (!copy) return lci_oom(err);
        free(ev->file);
        ev->file = copy;
        ev->lineno = 0;
        ev->stream_started = 0;
    }
    size_t limit = ev->engine->opts.event_line_limit;
    while (len) {
        const char *nl = memchr(data, '\n', len);
        size_t take = nl ? (size_t)(nl - data) : len;
        lc_status st;
        /* a line over the limit is dropped as it streams in, so it never
         * takes more memory than the limit */
        if (ev->overlong || (limit && ev->pending.len + take > limit)) {
            ev->overlong = 1;
            lci_buf_reset(&ev->pending);
            if (!nl) return LC_OK;
            ev->overlong = 0;
            ev->lineno++;
            st = lci_eval_invalid(ev, ev->file, ev->lineno, "line longer than the event line limit", err);
            if (st != LC_OK) return st;
            data += take + 1;
            len -= take + 1;
            continue;
        }
        if (!nl) {
            if (lci_buf_put(&ev->pending, data, take) != 0) return lci_oom(err);
            return LC_OK;
        }
        if (ev->pending.len) {
            if (lci_buf_put(&ev->pending, data, take) != 0) return lci_oom(err);
            st = push_line(ev, ev->pending.data, ev->pending.len, err);
            lci_buf_reset(&ev->pending);
        } else {
            st = push_line(ev, data, take, err);
        }
        if (st != LC_OK) return st;
        data += take + 1;
        len -= take + 1;
    }
    return LC_OK;
}

lc_status lc_eval_end_stream(lc_eval *ev, lc_error *err)
{
    if (!ev) return lci_fail(err, LC_EUSAGE, NULL, 0, "lc_eval_end_stream: NULL argument");
    lc_status st = LC_OK;
    if (ev->overlong) {
        ev->overlong = 0;
        st = lci_eval_invalid(ev, ev->file, ++ev->lineno, "line longer than the event line limit", err);
    } else if (ev->pending.len) {
        st = push_line(ev, ev->pending.data, ev->pending.len, err);
    }
    lci_buf_reset(&ev->pending);
    free(ev->file);
    ev->file = NULL;
    return st;
}

lc_status lc_eval_push_file(lc_eval *ev, const char *path, lc_error *err)
{
    if (!ev || !path) return lci_fail(err, LC_EUSAGE, NULL, 0, "lc_eval_push_file: NULL argument");
    int is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f) return lci_fail(err, LC_EIO, path, 0, "cannot open the event file");
    char *chunk = malloc(1 << 16);
    lc_status st = chunk ? LC_OK : lci_oom(err);
    size_t n;
    while (st == LC_OK && (n = fread(chunk, 1, 1 << 16, f)) > 0) st = lc_eval_push_lines(ev, path, chunk, n, err);
    if (st == LC_OK && ferror(f)) st = lci_fail(err, LC_EIO, path, 0, "read error");
    if (st == LC_OK) st = lc_eval_end_stream(ev, err);
    else {
        lci_buf_reset(&ev->pending);
        free(ev->file);
        ev->file = NULL;
    }
    free(chunk);
    if (!is_stdin) fclose(f);
    return st;
}
