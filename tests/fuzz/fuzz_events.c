/* tests/fuzz/fuzz_events.c — libFuzzer harness for the event reader: any
 * bytes as a JSON Lines stream under the reference rules, with and without
 * --skip-invalid, then the result and its JSON.  Must never crash, hang or
 * leak; an accepted stream must give a result.  Each line is also scanned
 * by lci_scan_line and by the plain validator: they must agree on the
 * verdict, the message and the members, and cJSON must read every line
 * they accept, with as many members.  A prefix of a line that
 * lci_scan_prefix finds settled must be refused as the whole line is; a
 * line with a byte lci_line_poison finds must be refused, and settled
 * LCI_SCAN_LOOKAHEAD bytes after it.  The stream pushed in small pieces
 * must give what it gives in one chunk, under a small line limit too. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/json_paths.h"
#include "events/jsonline.h"
#include "libcontract.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static lc_engine *engine, *limited; /* limited: lines of at most SMALL_LIMIT bytes */

#define SMALL_LIMIT 64

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    lc_error err = {0};
    lc_options small = LC_OPTIONS_INIT;
    small.event_line_limit = SMALL_LIMIT;
    if (lc_engine_new(&engine, NULL, &err) ||
        lc_engine_load_file(engine, LC_SOURCE_DIR "/rules/beijing-sme-secops-2026.lua", &err) ||
        lc_engine_new(&limited, &small, &err) ||
        lc_engine_load_file(limited, LC_SOURCE_DIR "/rules/beijing-sme-secops-2026.lua", &err)) {
        fprintf(stderr, "fuzz_events: %s\n", err.message);
        abort();
    }
    return 0;
}

static int same_members(const lci_scan *a, const lci_scan *b)
{
    if (a->nmembers != b->nmembers) return 0;
    for (size_t i = 0; i < a->nmembers; i++)
        if (a->members[i].key_off != b->members[i].key_off || a->members[i].key_len != b->members[i].key_len || a->members[i].value_off != b->members[i].value_off ||
            a->members[i].value_len != b->members[i].value_len || a->members[i].kind != b->members[i].kind)
            return 0;
    return 1;
}

/* cJSON's children have the members' kinds and decoded lengths. */
static int like_cjson(const cJSON *root, const lci_scan *sc)
{
    size_t i = 0;
    for (const cJSON *c = root->child; c; c = c->next, i++) {
        const lci_jmember *m = &sc->members[i];
        if (cJSON_IsString(c) != (m->kind == LCI_J_STRING) || cJSON_IsNumber(c) != (m->kind == LCI_J_NUMBER) ||
            (m->key_len != LCI_JLEN_ESCAPED && strlen(c->string) != m->key_len) ||
            (cJSON_IsString(c) && m->value_len != LCI_JLEN_ESCAPED && strlen(c->valuestring) != m->value_len))
            return 0;
    }
    return 1;
}

/* Aborts unless what lci_scan_prefix and lci_line_poison say of prefixes
 * of the line (every one of a short line) holds for the whole line, whose
 * verdict and message the reference gave: rc, why. */
static void check_prefixes(const char *line, size_t len, unsigned depth, int rc, const char *why)
{
    char prefix_why[256];
    size_t resume, poison = lci_line_poison(line, 0, len, &resume);
    if (poison < len && rc != -1) abort();
    if (poison + LCI_SCAN_LOOKAHEAD <= len &&
        lci_scan_prefix(line, poison + LCI_SCAN_LOOKAHEAD, depth, prefix_why, sizeof prefix_why) != -1)
        abort();
    size_t step = len / 256 + 1;
    for (size_t k = 0; k <= len; k += step)
        if (lci_scan_prefix(line, k, depth, prefix_why, sizeof prefix_why) == -1 &&
            (rc != -1 || strcmp(prefix_why, why) != 0))
            abort();
}

/* Aborts unless the fast scan and the plain validator agree on the line,
 * and cJSON reads what they accept as they said. */
static void check_scans(lci_scan *fast, lci_scan *ref, const char *line, size_t len, unsigned depth)
{
    char why[256] = "", ref_why[256] = "";
    int rc = lci_scan_line(fast, line, len, depth, why, sizeof why);
    int ref_rc = lci_scan_line_reference(ref, line, len, depth, ref_why, sizeof ref_why);
    if (rc != ref_rc || (rc == -1 && strcmp(why, ref_why) != 0) || (rc == 0 && !same_members(fast, ref))) abort();
    check_prefixes(line, len, depth, rc, why);
    if (rc != 0 && rc != 1) return;
    cJSON *root = cJSON_ParseWithLengthOpts(line, len, NULL, 0);
    if (!root || cJSON_IsObject(root) != (rc == 0) ||
        (rc == 0 && ((size_t)cJSON_GetArraySize(root) != fast->nmembers || !like_cjson(root, fast))))
        abort();
    cJSON_Delete(root);
}

static void check_lines(const unsigned char *data, size_t size)
{
    lci_scan fast = {0}, ref = {0};
    unsigned depth = size > 1 && data[1] < 8 ? data[1] : LC_DEFAULT_JSON_DEPTH_LIMIT; /* small limits too */
    const char *s = (const char *)data, *stop = s + size;
    while (s < stop) {
        const char *nl = memchr(s, '\n', (size_t)(stop - s));
        size_t len = nl ? (size_t)(nl - s) : (size_t)(stop - s);
        check_scans(&fast, &ref, s, len, depth);
        s += len + 1;
    }
    lci_scan_free(&fast);
    lci_scan_free(&ref);
}

/* What the stream gives when pushed in pieces of `piece` bytes (0: in
 * one), to the first error: the result's JSON, or the error. */
static char *outcome(lc_engine *e, unsigned flags, const unsigned char *data, size_t size, size_t piece)
{
    lc_error err = {0};
    lc_eval *ev = NULL;
    lc_result *res = NULL;
    char *json = NULL, *text = NULL;
    if (lc_eval_new(&ev, e, flags, &err)) abort();
    lc_status st = LC_OK;
    for (size_t at = 0; st == LC_OK && at < size; at += piece ? piece : size) {
        size_t n = piece && size - at > piece ? piece : size - at;
        st = lc_eval_push_lines(ev, "fuzz.jsonl", (const char *)data + at, n, &err);
    }
    if (!st) st = lc_eval_end_stream(ev, &err);
    if (!st && (lc_eval_result(ev, &res, &err) || lc_result_json(res, &json, NULL, &err))) abort();
    size_t len = (json ? strlen(json) : 0) + sizeof err.message + 32;
    if (!(text = malloc(len))) abort();
    snprintf(text, len, "%d %ld %s %s", st, err.line, err.message, json ? json : "");
    lc_free(json);
    lc_result_free(res);
    lc_eval_free(ev);
    return text;
}

/* Aborts unless the stream cut into pieces (of a size the input picks)
 * gives what it gives in one chunk: lines refused while they stream in
 * are refused as whole lines are, under the default limit and a small
 * one that many lines pass. */
static void check_pieces(const unsigned char *data, size_t size, unsigned flags)
{
    size_t piece = size > 2 ? 1 + data[2] % 48 : 1;
    for (int k = 0; k < 2; k++) {
        lc_engine *e = k ? limited : engine;
        char *whole = outcome(e, flags, data, size, 0), *cut = outcome(e, flags, data, size, piece);
        if (strcmp(whole, cut) != 0) abort();
        free(whole);
        free(cut);
    }
}

/* Aborts unless both readers read every line alike, and the stream to
 * the same result; plain, strict or with updates as the input picks. */
static void check_readers(const unsigned char *data, size_t size, unsigned skip)
{
    static const unsigned MODES[] = {0, LC_EVAL_STRICT, LC_EVAL_UPDATES, LC_EVAL_STRICT | LC_EVAL_UPDATES};
    unsigned flags = MODES[size > 3 ? data[3] % 4 : 0];
    lc_error err = {0};
    lc_eval *direct = NULL, *tree = NULL;
    if (lc_eval_new(&direct, engine, flags, &err) || lc_eval_new(&tree, engine, flags, &err)) abort();
    char diff[512];
    const char *s = (const char *)data, *stop = s + size;
    while (s < stop) {
        const char *nl = memchr(s, '\n', (size_t)(stop - s));
        size_t len = nl ? (size_t)(nl - s) : (size_t)(stop - s);
        if (json_paths_differ(direct, tree, s, len, diff, sizeof diff)) {
            fprintf(stderr, "fuzz_events: the readers differ: %s\n", diff);
            abort();
        }
        s += len + 1;
    }
    lc_eval_free(direct);
    lc_eval_free(tree);
    char *a = json_stream_outcome(engine, flags | skip, LCI_READ_DIRECT, (const char *)data, size);
    char *b = json_stream_outcome(engine, flags | skip, LCI_READ_CJSON, (const char *)data, size);
    if (strcmp(a, b) != 0) abort();
    free(a);
    free(b);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    check_lines(data, size);
    lc_error err = {0};
    lc_eval *ev = NULL;
    lc_result *res = NULL;
    char *json = NULL;
    unsigned flags = size && (data[0] & 1) ? LC_EVAL_SKIP_INVALID : 0;
    if (lc_eval_new(&ev, engine, flags, &err)) abort();
    lc_status st = lc_eval_push_lines(ev, "fuzz.jsonl", (const char *)data, size, &err);
    if (!st) st = lc_eval_end_stream(ev, &err);
    if (!st) {
        if (lc_eval_result(ev, &res, &err) || lc_result_json(res, &json, NULL, &err)) abort();
    } else if (st != LC_EEVENT && st != LC_EUSAGE) {
        abort(); /* bad input is LC_EEVENT; nothing else may happen here */
    }
    lc_free(json);
    lc_result_free(res);
    lc_eval_free(ev);
    check_pieces(data, size, flags);
    check_readers(data, size, flags);
    return 0;
}
