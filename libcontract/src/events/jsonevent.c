/* jsonevent.c — one JSON Lines record into a record (see jsonevent.h).
 *
 * The scan (jsonline.c) validates the line and lists its top-level
 * members.  A flat line — strings without escapes, numbers that fit a
 * decimal, true, false, null — is then read from the scan alone: the line
 * is copied once and each string ended by a NUL where its closing quote
 * was.  Any other line (containers, escapes) is parsed by cJSON, whose
 * object's child i is the scan's member i, and read from its decoded
 * copies.  Past that, the two are one reader: each key finds its field
 * through the plan's name map (one hash); strings are read with the
 * lengths the scan measured (no strlen), numbers from their literal text
 * (exactly).  The content hash is the sum of the members' hashes, so key
 * order does not matter; it is seeded per engine. */
#include "events/jsonevent.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "events/evaluation.h"

typedef struct why {
    char *text;
    size_t size;
} why;

static lc_status reason(why *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static lc_status reason(why *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->text, w->size, fmt, ap);
    va_end(ap);
    return LC_EEVENT;
}

/* A member's value as the field readers see it. */
typedef struct value {
    const cJSON *node; /* cJSON's, when the line went through it; else NULL */
    lci_jkind kind;
    const char *text; /* a string: cJSON's decoded copy; a number: its literal in the line */
    size_t len;
    lci_num_status num; /* a number's literal read as a decimal */
    lci_dec dec;
    int digits;
} value;

/* ---- content hashes: equal JSON objects hash equal ---- */

#define KIND_SEED(k) (UINT64_C(0x9e3779b97f4a7c15) * (uint64_t)((k) + 1))

static uint64_t hash_node(const cJSON *v, uint64_t seed, why *w, lc_status *bad);

/* Numbers are equal by value (1 = 1.0 = 1e0): the literal is normalised
 * exactly when it fits a decimal, else the double stands for it. */
static uint64_t hash_number(lci_num_status st, lci_dec d, double x, uint64_t seed)
{
    if (st == LCI_NUM_OK) {
        while (d.scale > 0 && d.coef % 10 == 0) {
            d.coef /= 10;
            d.scale--;
        }
        return lci_fold((uint64_t)d.coef ^ seed ^ LCI_FAST_K1, (uint64_t)d.scale ^ seed ^ LCI_FAST_K2);
    }
    if (x == 0) x = 0; /* -0 == 0 */
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    return lci_fold(bits ^ seed ^ LCI_FAST_K3, seed ^ LCI_FAST_K1);
}

static uint64_t literal_hash(lci_jkind kind, uint64_t seed)
{
    return lci_fold(seed ^ KIND_SEED(kind), seed ^ LCI_FAST_K3);
}

typedef struct nested_key {
    uint64_t hash;
    const cJSON *node;
    size_t order;
} nested_key;

static int by_hash(const void *a, const void *b)
{
    const nested_key *x = a, *y = b;
    return x->hash < y->hash ? -1 : x->hash > y->hash ? 1 : x->order < y->order ? -1 : x->order > y->order;
}

/* The member of keys[0..n) that repeats an earlier key, first in order,
 * or NULL: sorted by hash, so a nested object of many keys costs n log n. */
static const cJSON *repeated_nested(nested_key *keys, size_t n)
{
    lci_sort(keys, n, sizeof *keys, by_hash);
    const cJSON *first = NULL;
    size_t at = SIZE_MAX;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n && keys[j].hash == keys[i].hash; j++)
            if (keys[j].order < at && strcmp(keys[i].node->string, keys[j].node->string) == 0) {
                at = keys[j].order; /* j comes after i: sorted by order within a hash */
                first = keys[j].node;
            }
    return first;
}

/* An object nested in the event: members summed as at the top, and its
 * keys must be distinct too (cJSON would keep both silently). */
static uint64_t hash_object(const cJSON *v, uint64_t seed, why *w, lc_status *bad)
{
    size_t n = 0;
    for (const cJSON *c = v->child; c; c = c->next) n++;
    nested_key few[16], *keys = n <= 16 ? few : malloc(n * sizeof *keys);
    if (!keys) {
        *bad = LC_ENOMEM;
        return 0;
    }
    uint64_t acc = seed ^ KIND_SEED(LCI_J_OBJECT);
    size_t i = 0;
    for (const cJSON *c = v->child; c && !*bad; c = c->next, i++) {
        keys[i] = (nested_key){lci_fast_hash(c->string, strlen(c->string), seed), c, i};
        acc += hash_node(c, keys[i].hash, w, bad);
    }
    const cJSON *again = *bad ? NULL : repeated_nested(keys, n);
    if (again) *bad = reason(w, "key \"%s\" appears twice", again->string);
    if (keys != few) free(keys);
    return acc;
}

static uint64_t hash_array(const cJSON *v, uint64_t seed, why *w, lc_status *bad)
{
    uint64_t acc = seed ^ KIND_SEED(LCI_J_ARRAY), position = 0;
    for (const cJSON *c = v->child; c; c = c->next, position++)
        acc += hash_node(c, lci_fold(seed ^ position, LCI_FAST_K2), w, bad);
    return acc;
}

/* A nested value, from cJSON's tree (its numbers by their double). */
static uint64_t hash_node(const cJSON *v, uint64_t seed, why *w, lc_status *bad)
{
    lci_dec none = {0, 0};
    if (cJSON_IsString(v)) return lci_fast_hash(v->valuestring, strlen(v->valuestring), seed ^ KIND_SEED(LCI_J_STRING));
    if (cJSON_IsNumber(v)) return hash_number(LCI_NUM_SYNTAX, none, v->valuedouble, seed);
    if (cJSON_IsTrue(v)) return literal_hash(LCI_J_TRUE, seed);
    if (cJSON_IsFalse(v)) return literal_hash(LCI_J_FALSE, seed);
    if (cJSON_IsNull(v)) return literal_hash(LCI_J_NULL, seed);
    return cJSON_IsObject(v) ? hash_object(v, seed, w, bad) : hash_array(v, seed, w, bad);
}

/* A top-level member: the hash of its value under the plan's seed (a
 * string's may be known already), folded with its key's. */
static uint64_t hash_member(const value *v, uint64_t known, uint64_t key_hash, uint64_t seed, why *w, lc_status *bad)
{
    uint64_t h;
    switch (v->kind) {
    case LCI_J_STRING: h = known ? known : lci_fast_hash(v->text, v->len, seed); break;
    case LCI_J_NUMBER: /* a number that does not fit a decimal only comes through cJSON */
        h = hash_number(v->num, v->dec, v->num == LCI_NUM_OK ? 0 : v->node->valuedouble, seed);
        break;
    case LCI_J_TRUE:
    case LCI_J_FALSE:
    case LCI_J_NULL: h = literal_hash(v->kind, seed); break;
    default: h = hash_node(v->node, seed, w, bad); break;
    }
    return lci_fold(h ^ KIND_SEED(v->kind) ^ LCI_FAST_K1, key_hash ^ seed ^ LCI_FAST_K2);
}

/* ---- reading one field's value ---- */

static const char *const KIND_NAMES[] = {"an RFC 3339 timestamp with offset", "true or false", "a whole number",
                                         "a number", "an amount (number or decimal string)",
                                         "a fraction from 0 to 1", "one of its values", "a string",
                                         "a month \"YYYY-MM\"", "a severity level"};

static lc_status read_time(const lci_field *f, const value *v, int64_t *out, why *w)
{
    char detail[160];
    int offset;
    if (v->kind != LCI_J_STRING) return reason(w, "field \"%s\" must be %s", f->name, KIND_NAMES[f->kind]);
    if (lci_time_parse(v->text, v->len, out, &offset, detail, sizeof detail) != 0)
        return reason(w, "field \"%s\" is not a valid timestamp (\"%s\"): %s", f->name, v->text, detail);
    return LC_OK;
}

static lc_status read_decimal(const lci_field *f, const value *v, int64_t *out, why *w)
{
    lci_dec d = v->dec;
    int digits = v->digits, is_string = v->kind == LCI_J_STRING;
    lci_num_status st = v->num;
    if (is_string && f->kind == LCI_F_MONEY) st = lci_dec_parse(v->text, v->len, &d, &digits);
    else if (v->kind != LCI_J_NUMBER) return reason(w, "field \"%s\" must be %s", f->name, KIND_NAMES[f->kind]);
    int len = (int)v->len;
    if (st == LCI_NUM_SYNTAX) return reason(w, "field \"%s\": \"%.*s\" is not a decimal number", f->name, len, v->text);
    /* a JSON number passes through doubles in most readers: more than 15
     * significant digits may already have been changed on the way */
    if (st != LCI_NUM_OK || (!is_string && digits > 15))
        return reason(w, "field \"%s\": %.*s has more significant digits than can be kept exactly%s", f->name, len,
                      v->text, f->kind == LCI_F_MONEY ? " (send it as a decimal string)" : "");
    if (lci_dec_rescale(d, f->scale, out) == LCI_NUM_OK) return LC_OK;
    if (f->scale == 0) return reason(w, "field \"%s\" must be a whole number, not %.*s", f->name, len, v->text);
    return reason(w, "field \"%s\": %.*s has more than %d decimal places", f->name, len, v->text, f->scale);
}

static lc_status read_choice(const lci_namemap *choices, const lci_field *f, const value *v, int64_t *out, why *w)
{
    if (v->kind != LCI_J_STRING) return reason(w, "field \"%s\" must be a string", f->name);
    int i = lci_namemap_find(choices, v->text, v->len, lci_namemap_hash(choices, v->text, v->len));
    if (i >= 0) {
        *out = i;
        return LC_OK;
    }
    char list[300] = "";
    for (size_t k = 0; k < choices->n && strlen(list) + choices->names[k].len + 4 < sizeof list; k++) {
        strcat(list, k ? ", " : "");
        strcat(list, choices->names[k].text);
    }
    return reason(w, "field \"%s\" cannot be \"%s\" (expected one of: %s)", f->name, v->text, list);
}

static lc_status read_string(lc_eval *ev, const lci_field *f, const value *v, int64_t *out, why *w)
{
    uint32_t idx;
    int added;
    if (v->kind != LCI_J_STRING) return reason(w, "field \"%s\" must be a string", f->name);
    if (lci_idtable_intern(&ev->strings, v->text, v->len, &idx, &added) != 0) return LC_ENOMEM;
    *out = idx;
    return LC_OK;
}

static lc_status read_month(const lci_field *f, const value *v, int64_t *out, why *w)
{
    char detail[120];
    if (v->kind != LCI_J_STRING) return reason(w, "field \"%s\" must be %s", f->name, KIND_NAMES[f->kind]);
    if (lci_month_parse(v->text, v->len, out, detail, sizeof detail) != 0)
        return reason(w, "field \"%s\": \"%s\" is not a month: %s", f->name, v->text, detail);
    return LC_OK;
}

static lc_status check_range(const lci_field *f, int64_t x, why *w)
{
    char bound[48];
    if (f->has_min && x < f->min) {
        lci_dec_format((lci_dec){f->min, f->scale}, bound, sizeof bound);
        return reason(w, "field \"%s\" must be at least %s", f->name, bound);
    }
    if (f->has_max && x > f->max) {
        lci_dec_format((lci_dec){f->max, f->scale}, bound, sizeof bound);
        return reason(w, "field \"%s\" must be at most %s", f->name, bound);
    }
    return LC_OK;
}

/* LC_OK, LC_EEVENT (w says why) or LC_ENOMEM. */
static lc_status read_field(lc_eval *ev, const lci_type_plan *tp, int fi, const lci_field *f, const value *v, int64_t *out,
                            why *w)
{
    lc_status r;
    switch (f->kind) {
    case LCI_F_TIME: return read_time(f, v, out, w);
    case LCI_F_BOOL:
        if (v->kind != LCI_J_TRUE && v->kind != LCI_J_FALSE) return reason(w, "field \"%s\" must be true or false", f->name);
        *out = v->kind == LCI_J_TRUE;
        return LC_OK;
    case LCI_F_INTEGER:
    case LCI_F_NUMBER:
    case LCI_F_MONEY:
    case LCI_F_FRACTION:
        r = read_decimal(f, v, out, w);
        return r ? r : check_range(f, *out, w);
    case LCI_F_ENUM:
    case LCI_F_SEVERITY: return read_choice(&tp->choices[fi], f, v, out, w);
    case LCI_F_STRING: return read_string(ev, f, v, out, w);
    case LCI_F_MONTH: return read_month(f, v, out, w);
    }
    return reason(w, "field \"%s\" has an unknown kind", f->name);
}

/* ---- the members ---- */

/* What the first pass learns of each member. */
struct lci_jkey {
    const char *text;  /* the key, decoded and ended by a NUL */
    const char *str;   /* a string value, decoded and ended by a NUL; else NULL */
    const cJSON *node; /* cJSON's member, when the line went through it; else NULL */
    size_t len;    /* the key's length */
    uint64_t hash; /* in the plan's key map */
    int key;       /* index in the key map, or -1 for a key no type declares */
    uint64_t vhash; /* a string value's hash under the plan's seed, once known (else 0) */
    lci_num_status num; /* a number's literal read as a decimal (once: both readers use it) */
    lci_dec dec;
    int digits;
};

/* The decoded length of a string the scan measured (strlen of cJSON's
 * copy only when the text held escapes). */
static size_t decoded_len(size_t scanned, const char *decoded)
{
    return scanned != LCI_JLEN_ESCAPED ? scanned : strlen(decoded);
}

/* k's hash and place in the key map: the last event's key at this
 * position, when it is the same (one comparison), else a lookup. */
static void find_key(lc_eval *ev, size_t i, const char *text, lci_jkey *k)
{
    lci_key_memo *memo = i < LCI_KEY_MEMO && k->len <= sizeof memo->text ? &ev->key_memo[i] : NULL;
    if (memo && memo->known && memo->len == k->len && lci_equal_short(memo->text, text, k->len)) {
        k->hash = memo->hash;
        k->key = memo->key;
        return;
    }
    const lci_namemap *keys = &ev->plan->keys;
    k->hash = lci_namemap_hash(keys, text, k->len);
    k->key = lci_namemap_find(keys, text, k->len, k->hash);
    if (!memo) return;
    memcpy(memo->text, text, k->len);
    memo->len = (uint8_t)k->len;
    memo->known = 1;
    memo->hash = k->hash;
    memo->key = k->key;
}

/* ---- the members, from the scan alone or from cJSON ---- */

/* Every number member's literal read as a decimal, into its key. */
static void read_numbers(const lci_scan *sc, const char *line, lci_jkey *keys)
{
    for (size_t i = 0; i < sc->nmembers; i++) {
        const lci_jmember *m = &sc->members[i];
        keys[i].dec = (lci_dec){0, 0};
        keys[i].digits = 0;
        keys[i].num = m->kind == LCI_J_NUMBER ? lci_dec_parse(line + m->value_off, m->value_len, &keys[i].dec,
                                                              &keys[i].digits)
                                              : LCI_NUM_SYNTAX;
    }
}

/* Whether the scan alone gives every member of the line: no containers,
 * no escapes, and numbers that fit a decimal (the hash of one that does
 * not is taken from cJSON's double). */
static int flat_and_plain(const lci_scan *sc, const lci_jkey *keys)
{
    for (size_t i = 0; i < sc->nmembers; i++) {
        const lci_jmember *m = &sc->members[i];
        if (m->key_len == LCI_JLEN_ESCAPED) return 0;
        switch (m->kind) {
        case LCI_J_STRING:
            if (m->value_len == LCI_JLEN_ESCAPED) return 0;
            break;
        case LCI_J_NUMBER:
            if (keys[i].num != LCI_NUM_OK) return 0;
            break;
        case LCI_J_OBJECT:
        case LCI_J_ARRAY: return 0;
        default: break;
        }
    }
    return 1;
}

/* A flat line's members: keys and strings in a copy of the line, each
 * ended by a NUL over its closing quote. */
static lc_status members_of_copy(lc_eval *ev, const char *line, size_t len, lci_jkey *keys)
{
    if (lci_grow((void **)&ev->json_copy, &ev->json_copy_cap, len + 1, 1) != 0) return LC_ENOMEM;
    char *copy = memcpy(ev->json_copy, line, len);
    for (size_t i = 0; i < ev->scan.nmembers; i++) {
        const lci_jmember *m = &ev->scan.members[i];
        lci_jkey *k = &keys[i];
        copy[m->key_off + m->key_len] = '\0';
        k->text = copy + m->key_off;
        k->len = m->key_len;
        k->node = NULL;
        k->str = NULL;
        if (m->kind != LCI_J_STRING) continue;
        copy[m->value_off + m->value_len] = '\0';
        k->str = copy + m->value_off;
    }
    return LC_OK;
}

/* Any other line's members: cJSON's children, one per member of the scan. */
static lc_status members_of_tree(lc_eval *ev, const char *line, size_t len, lci_jkey *keys)
{
    /* the scan validated the syntax: cJSON can only fail for memory */
    if (!(ev->json_tree = cJSON_ParseWithLengthOpts(line, len, NULL, 0))) return LC_ENOMEM;
    const cJSON *c = ev->json_tree->child;
    for (size_t i = 0; i < ev->scan.nmembers; i++, c = c->next) {
        if (!c) return LC_EINTERNAL;
        lci_jkey *k = &keys[i];
        k->node = c;
        k->text = c->string;
        k->len = decoded_len(ev->scan.members[i].key_len, c->string);
        k->str = ev->scan.members[i].kind == LCI_J_STRING ? c->valuestring : NULL;
    }
    return c ? LC_EINTERNAL : LC_OK; /* cJSON saw other members than the scan: cannot happen */
}

/* Pass one: every member's key and string, each key's hash and place in
 * the key map; the first "type" and "id" members. */
static lc_status index_keys(lc_eval *ev, const char *line, size_t len, lci_jkey **out, lci_jkey **type, lci_jkey **id)
{
    const lci_plan *plan = ev->plan;
    size_t n = ev->scan.nmembers;
    if (lci_grow((void **)&ev->jkeys, &ev->jkeys_cap, n ? n : 1, sizeof *ev->jkeys) != 0) return LC_ENOMEM;
    lci_jkey *keys = ev->jkeys;
    read_numbers(&ev->scan, line, keys);
    lc_status r = ev->json_reader == LCI_READ_DIRECT && flat_and_plain(&ev->scan, keys)
                      ? members_of_copy(ev, line, len, keys)
                      : members_of_tree(ev, line, len, keys);
    if (r) return r;
    *type = *id = NULL;
    for (size_t i = 0; i < n; i++) {
        lci_jkey *k = &keys[i];
        find_key(ev, i, k->text, k);
        k->vhash = 0;
        if (k->key == plan->key_type && !*type) *type = k;
        if (k->key == plan->key_id && !*id) *id = k;
    }
    *out = keys;
    return LC_OK;
}

/* A string member's value: its text, decoded length and hash (kept for
 * the content hash, which then need not hash it again). */
static const char *string_of(const lc_eval *ev, lci_jkey *k, size_t *len)
{
    const char *s = k->str;
    *len = decoded_len(ev->scan.members[k - ev->jkeys].value_len, s);
    k->vhash = lci_fast_hash(s, *len, ev->plan->seed);
    return s;
}

static lc_status read_type_and_id(lc_eval *ev, lci_jkey *type, lci_jkey *id, lci_jevent *p, why *w)
{
    const lci_plan *plan = ev->plan;
    size_t len;
    if (!type) return reason(w, "missing \"type\"");
    if (!type->str) return reason(w, "\"type\" must be a string");
    const char *name = string_of(ev, type, &len);
    p->type = lci_namemap_find(&plan->types, name, len, type->vhash); /* the map's hash is the same */
    if (p->type < 0) return reason(w, "unknown event type \"%s\" (the rule file does not declare it)", name);
    if (!id) return reason(w, "missing \"id\"");
    if (!id->str || !id->str[0]) return reason(w, "\"id\" must be a non-empty string");
    p->id = string_of(ev, id, &p->idlen);
    p->idhash = id->vhash; /* the id table hashes under the same seed */
    lci_idtable_prefetch(&ev->ids, p->idhash);
    return LC_OK;
}

/* Above this many members, keys no type declares are checked for repeats
 * through a hash set instead of against every earlier key. */
#define FEW_MEMBERS 32

static int same_key(const lci_jkey *a, const lci_jkey *b)
{
    return a->hash == b->hash && a->len == b->len && memcmp(a->text, b->text, a->len) == 0;
}

/* An undeclared key seen before in this event, by the set of their member
 * indices (+1) in ev->unknown, open addressing on the key hash. */
static int repeated_unknown(lc_eval *ev, const lci_jkey *keys, size_t i)
{
    size_t mask = ev->unknown_cap - 1;
    for (size_t s = keys[i].hash & mask;; s = (s + 1) & mask) {
        uint32_t j = ev->unknown[s];
        if (!j) {
            ev->unknown[s] = (uint32_t)i + 1;
            return 0;
        }
        if (same_key(&keys[j - 1], &keys[i])) return 1;
    }
}

/* A key given twice.  Keys of the map by a stamp per key (no clearing
 * per event); other keys against the earlier ones, or their set in a long
 * event (so a line of many keys costs time in proportion to its keys). */
static int repeated_key(lc_eval *ev, const lci_jkey *keys, size_t i)
{
    const lci_jkey *k = &keys[i];
    if (k->key >= 0) {
        if (ev->key_seen[k->key] == ev->key_stamp) return 1;
        ev->key_seen[k->key] = ev->key_stamp;
        return 0;
    }
    if (ev->scan.nmembers > FEW_MEMBERS) return repeated_unknown(ev, keys, i);
    for (size_t j = 0; j < i; j++)
        if (keys[j].key < 0 && same_key(&keys[j], k)) return 1;
    return 0;
}

/* An empty set of undeclared keys for an event of n members. */
static lc_status clear_unknown(lc_eval *ev, size_t n)
{
    size_t need = 2;
    while (need < 2 * n) need *= 2;
    if (need > ev->unknown_cap) {
        uint32_t *set = realloc(ev->unknown, need * sizeof *set);
        if (!set) return LC_ENOMEM;
        ev->unknown = set;
        ev->unknown_cap = need;
    }
    memset(ev->unknown, 0, ev->unknown_cap * sizeof *ev->unknown);
    return LC_OK;
}

static void value_of(const lci_jmember *mb, const lci_jkey *k, const char *line, value *v)
{
    v->node = k->node;
    v->kind = mb->kind;
    v->num = k->num; /* LCI_NUM_SYNTAX but for a number */
    v->dec = k->dec;
    v->digits = k->digits;
    if (mb->kind == LCI_J_STRING) {
        v->text = k->str;
        v->len = decoded_len(mb->value_len, k->str);
    } else { /* a number's literal, true, false, null or a container's text */
        v->text = line + mb->value_off;
        v->len = mb->value_len;
    }
}

/* A new stamp for the keys of one event; the stamps start again from 1
 * after 2^32 events. */
static void next_stamp(lc_eval *ev)
{
    if (++ev->key_stamp == 0) {
        memset(ev->key_seen, 0, ev->plan->keys.n * sizeof *ev->key_seen);
        ev->key_stamp = 1;
    }
}

/* A field the event's type does not declare: invalid when the type or the
 * evaluation is strict, else tallied (unknown.h). */
static lc_status undeclared(lc_eval *ev, const lci_event_type *t, int type, size_t i, const lci_jkey *k, why *w)
{
    if (t->strict || (ev->flags & LC_EVAL_STRICT)) {
        char hint[96];
        return reason(w, "field \"%s\" is not declared for events of type %s%s (strict)", k->text, t->name,
                      lci_hint(lci_model_nearest_field(t, k->text), hint, sizeof hint));
    }
    int32_t *file;
    if (lci_unknown_note(&ev->undeclared, type, i, k->text, k->len, ev->reading_line, &file) != 0) return LC_ENOMEM;
    if (file && lci_eval_file(ev, ev->reading_file, file) != LC_OK) return LC_ENOMEM;
    return LC_OK;
}

/* Pass two, in the members' order: repeated keys, the content hash, the
 * fields' values. */
static lc_status read_members(lc_eval *ev, const lci_jkey *keys, const char *line, lci_jevent *p, lci_record *rec, why *w)
{
    const lci_type_plan *tp = &ev->plan->of[p->type];
    const lci_event_type *t = &ev->m->types[p->type];
    uint64_t seed = ev->plan->seed;
    if (ev->scan.nmembers > FEW_MEMBERS && clear_unknown(ev, ev->scan.nmembers) != 0) return LC_ENOMEM;
    next_stamp(ev);
    p->content.h = 0;
    for (size_t i = 0; i < ev->scan.nmembers; i++) {
        const lci_jkey *k = &keys[i];
        if (repeated_key(ev, keys, i)) return reason(w, "key \"%s\" appears twice", k->text);
        value v;
        value_of(&ev->scan.members[i], k, line, &v);
        lc_status bad = LC_OK;
        p->content.h += hash_member(&v, k->vhash, k->hash, seed, w, &bad);
        if (bad) return bad;
        int f = k->key >= 0 ? tp->field_of_key[k->key] : -1;
        if (f < 0 && k->key != ev->plan->key_type && k->key != ev->plan->key_id) {
            lc_status u = undeclared(ev, t, p->type, i, k, w);
            if (u) return u;
            continue;
        }
        if (f < 0 || v.kind == LCI_J_NULL) continue; /* null is absent */
        lc_status r = read_field(ev, tp, f, &t->fields[f], &v, &rec->v[f], w);
        if (r) return r;
        rec->present |= UINT64_C(1) << f;
    }
    return LC_OK;
}

/* With updates, a member "retracted" that the type does not declare makes
 * the line a retraction: type, id and "retracted": true, nothing else. */
static lc_status retraction(const lc_eval *ev, const lci_jkey *keys, lci_jevent *p, why *w)
{
    const lci_event_type *t = &ev->m->types[p->type];
    if (lci_model_field(t, "retracted") >= 0) return LC_OK;
    for (size_t i = 0; i < ev->scan.nmembers; i++) {
        if (strcmp(keys[i].text, "retracted") != 0) continue;
        if (ev->scan.members[i].kind != LCI_J_TRUE) return reason(w, "\"retracted\" must be true (a retraction) or absent");
        if (ev->scan.nmembers != 3) return reason(w, "a retraction has only \"type\", \"id\" and \"retracted\": true");
        p->retract = 1;
        return LC_OK;
    }
    return LC_OK;
}

/* The scan of the line: LC_OK for an object, else LC_EEVENT (w says why)
 * or LC_ENOMEM. */
static lc_status scan(lc_eval *ev, const char *line, size_t len, why *w)
{
    int r = lci_scan_line(&ev->scan, line, len, ev->engine->opts.json_depth_limit, w->text, w->size);
    if (r == 1) snprintf(w->text, w->size, "not a JSON object");
    if (r == 1 || r == -1) return LC_EEVENT;
    return r ? LC_ENOMEM : LC_OK;
}

lc_status lci_json_read(lc_eval *ev, const char *line, size_t len, lci_jevent *p, lci_record *rec, char *why_text,
                        size_t why_size)
{
    why w = {why_text, why_size};
    lci_jkey *keys, *type, *id;
    cJSON_Delete(ev->json_tree); /* the last line's */
    ev->json_tree = NULL;
    lc_status r = scan(ev, line, len, &w);
    if (r == LC_OK) r = index_keys(ev, line, len, &keys, &type, &id);
    if (r == LC_EINTERNAL) reason(&w, "the JSON reader and the scan disagree on the members");
    if (r == LC_OK) r = read_type_and_id(ev, type, id, p, &w);
    if (r == LC_OK && (ev->flags & LC_EVAL_UPDATES)) r = retraction(ev, keys, p, &w);
    if (r || p->retract) return r;
    const lci_event_type *t = &ev->m->types[p->type];
    memset(rec, 0, sizeof *rec + t->nfields * sizeof rec->v[0]);
    rec->type = (uint32_t)p->type;
    return read_members(ev, keys, line, p, rec, &w);
}
