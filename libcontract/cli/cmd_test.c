/* cmd_test.c — `contract test RULES DIR [--coverage] [--min PCT]`: golden cases.
 *
 * A case is a directory under DIR holding event files (*.jsonl, every one
 * of them read, in strcmp order of their names), expected.json, and
 * optionally `args` (one option per line: --set NAME=VALUE,
 * --skip-invalid).  Every folder under DIR is a case: one without
 * expected.json fails ("no expected.json").  The expected file is matched
 * partially — objects: the members it states must hold, the rest may
 * differ; arrays match whole: as many items, in order, each matched
 * partially; a length that differs is reported as the items missing and
 * the items extra.  Numbers and decimal strings compare by exact value
 * ("8.50" = 8.5, no tolerance), RFC 3339 times as instants ("…T08:00:00Z"
 * = "…T16:00:00+08:00").  An expected {"error": {"exit": 4, "line": 3,
 * "message": "text"}} asks for that failure instead of a result.
 *
 * Nothing read from a case has a fixed limit (lists, paths and reports
 * grow), and the whole report is built before it is printed, so an error
 * (exit 2, 3 or 5) prints nothing on stdout. */
#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

/* ---- growing text and lists ---- */

/* Text that grows as it is appended to.  Running out of memory sets
 * `failed` and makes later appends do nothing, as a stream's error flag
 * does: the owner checks it once, at the end. */
typedef struct text {
    char *s;
    size_t len, cap;
    int failed;
} text;

/* Room for extra more bytes and a NUL; 0, or -1 (failed set). */
static int text_grow(text *t, size_t extra)
{
    size_t cap = t->cap ? t->cap : 256;
    if (t->failed) return -1;
    if (t->cap - t->len > extra) return 0;
    while (cap - t->len <= extra && cap <= SIZE_MAX / 2) cap *= 2;
    char *s = cap - t->len > extra ? realloc(t->s, cap) : NULL;
    if (!s) return t->failed = 1, -1;
    t->s = s;
    t->cap = cap;
    return 0;
}

static void text_vadd(text *t, const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    if (n < 0) t->failed = 1;
    else if (text_grow(t, (size_t)n) == 0) t->len += (size_t)vsnprintf(t->s + t->len, (size_t)n + 1, fmt, again);
    va_end(again);
}

static void text_add(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void text_add(text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    text_vadd(t, fmt, ap);
    va_end(ap);
}

/* Back to its first len bytes (a JSON path after a member). */
static void text_cut(text *t, size_t len)
{
    if (t->s && len <= t->len) t->s[t->len = len] = '\0';
}

/* Strings the list owns. */
typedef struct list {
    char **items;
    size_t n, cap;
} list;

/* Appends s, which the list takes (freed when it cannot be kept; NULL is
 * a failed allocation): 0, or -1 when out of memory. */
static int list_add(list *l, char *s)
{
    if (s && l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        char **items = cap <= SIZE_MAX / sizeof *items ? realloc(l->items, cap * sizeof *items) : NULL;
        if (items) l->items = items, l->cap = cap;
    }
    if (!s || l->n == l->cap) return free(s), -1;
    l->items[l->n++] = s;
    return 0;
}

static void list_free(list *l)
{
    for (size_t i = 0; i < l->n; i++) free(l->items[i]);
    free(l->items);
    *l = (list){0};
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ---- reading a case ---- */

/* How a case differs from what it expects: notes under their JSON path. */
typedef struct diffs {
    text report, path;
    int count;
} diffs;

static void note(diffs *d, const char *where, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void note(diffs *d, const char *where, const char *fmt, ...)
{
    va_list ap;
    d->count++;
    text_add(&d->report, "    %s: ", where ? where : "?");
    va_start(ap, fmt);
    text_vadd(&d->report, fmt, ap);
    va_end(ap);
    text_add(&d->report, "\n");
}

/* The paths dir/NAME of the entries keep(path, name) accepts (1; 0 to
 * leave it, -1 when out of memory), sorted: 0, or an errno value. */
static int list_dir(const char *dir, int (*keep)(const char *path, const char *name), list *out)
{
    DIR *d = opendir(dir);
    int rc = d ? 0 : errno;
    while (rc == 0) {
        errno = 0;
        struct dirent *e = readdir(d);
        if (!e) {
            rc = errno; /* 0 at the end of the directory */
            break;
        }
        char *path = cli_path(dir, e->d_name, "");
        int k = path ? keep(path, e->d_name) : -1;
        if (k < 0 || (k > 0 && list_add(out, path))) rc = ENOMEM;
        if (k <= 0) free(path);
    }
    if (d) closedir(d);
    if (rc == 0 && out->n > 1) qsort(out->items, out->n, sizeof *out->items, by_name);
    return rc;
}

static int is_event_file(const char *path, const char *name)
{
    size_t len = strlen(name);
    (void)path;
    return len > 6 && strcmp(name + len - 6, ".jsonl") == 0;
}

/* A case is every folder (not hidden) under the cases' directory: one
 * without expected.json (a misnamed expect.json) fails saying so instead
 * of vanishing from the count, and so does one whose entry cannot be
 * looked at (a path too long, no permission).  Files beside the cases (a
 * README) are not cases. */
static int is_case(const char *path, const char *name)
{
    struct stat st;
    if (name[0] == '.') return 0;
    return stat(path, &st) != 0 || S_ISDIR(st.st_mode);
}

/* The whole file into *out (NUL-terminated, the caller's): 0, or an errno
 * value (ENOMEM when out of memory). */
static int read_text(const char *path, char **out)
{
    FILE *f = fopen(path, "rb");
    if (!f) return errno;
    text t = {0};
    size_t n = 1;
    errno = 0;
    while (n > 0 && text_grow(&t, 4096) == 0) {
        n = fread(t.s + t.len, 1, t.cap - t.len - 1, f);
        t.len += n;
    }
    int rc = t.failed ? ENOMEM : ferror(f) ? (errno ? errno : EIO) : 0;
    fclose(f);
    if (rc) free(t.s);
    else t.s[t.len] = '\0', *out = t.s;
    return rc;
}

/* dir/name into *content; NULL and no note when it is missing and
 * optional.  A file that cannot be read is noted: 0, or EXIT_NOMEM. */
static int read_case_file(const char *dir, const char *name, int optional, char **content, diffs *d)
{
    char *path = cli_path(dir, name, "");
    int e = path ? read_text(path, content) : ENOMEM;
    if (e && e != ENOMEM && !(optional && e == ENOENT)) note(d, path, "%s", strerror(e));
    free(path);
    return e == ENOMEM ? cli_nomem() : 0;
}

/* One line of `args`: an option, or an option and its value after the
 * first space; blank lines and # comments add nothing.  0 or -1 (memory). */
static int add_arg_line(list *argv, char *line)
{
    while (*line == ' ') line++;
    size_t len = strlen(line);
    while (len && (line[len - 1] == ' ' || line[len - 1] == '\r')) line[--len] = '\0';
    if (!len || line[0] == '#') return 0;
    char *sp = strchr(line, ' ');
    if (sp) *sp = '\0';
    if (list_add(argv, strdup(line))) return -1;
    return sp ? list_add(argv, strdup(sp + 1)) : 0;
}

/* The case's event files and `args` options: 0, or EXIT_NOMEM; what
 * cannot be read is noted. */
static int read_inputs(const char *dir, list *files, list *argv, diffs *d)
{
    char *args = NULL;
    int e = list_dir(dir, is_event_file, files);
    if (e == ENOMEM) return cli_nomem();
    if (e) note(d, dir, "%s", strerror(e));
    if (read_case_file(dir, "args", 1, &args, d)) return EXIT_NOMEM;
    int rc = 0;
    for (char *line = args, *next; rc == 0 && line; line = next) {
        if ((next = strchr(line, '\n'))) *next++ = '\0';
        if (add_arg_line(argv, line)) rc = cli_nomem();
    }
    free(args);
    if (rc == 0 && argv->n > INT_MAX) note(d, dir, "args: more options than a command line takes");
    return rc;
}

/* ---- running a case ---- */

typedef struct outcome {
    lc_error err;
    char *json;
} outcome;

/* The case's options into o; LC_EUSAGE (LC_ENOMEM) in err for one that
 * cannot be taken. */
static lc_status case_options(const list *args, cli_eval_opts *o, lc_error *err)
{
    int argc = (int)args->n; /* at most INT_MAX: read_inputs */
    for (int i = 0; i < argc; i++) {
        int taken = cli_eval_option(argc, args->items, &i, o);
        if (taken > 0) continue;
        err->code = taken == -EXIT_NOMEM ? LC_ENOMEM : LC_EUSAGE;
        snprintf(err->message, sizeof err->message, "bad option in args: %s", args->items[i]);
        return err->code;
    }
    return LC_OK;
}

static void run_case(const char *rules, const list *files, const list *args, outcome *out)
{
    cli_eval_opts o = {0};
    lc_engine *engine = NULL;
    lc_eval *ev = NULL;
    lc_result *res = NULL;
    lc_options opts;
    lc_status st = case_options(args, &o, &out->err);
    cli_engine_options(&o, &opts);
    if (st == LC_OK) st = lc_engine_new(&engine, &opts, &out->err);
    if (st == LC_OK) st = lc_engine_load_file(engine, rules, &out->err);
    for (size_t i = 0; st == LC_OK && i < o.nsets; i++) st = lc_engine_set_assignment(engine, o.sets[i], &out->err);
    int64_t as_of = 0;
    if (st == LC_OK && o.as_of && lc_time_parse(o.as_of, strlen(o.as_of), &as_of, NULL, &out->err) != LC_OK) st = LC_EUSAGE;
    if (st == LC_OK) st = lc_eval_new(&ev, engine, cli_eval_flags(&o) | (o.as_of ? LC_EVAL_KEEP_EVENTS : 0), &out->err);
    for (size_t i = 0; st == LC_OK && i < files->n; i++) st = lc_eval_push_file(ev, files->items[i], &out->err);
    if (st == LC_OK) st = o.as_of ? lc_eval_result_as_of(ev, as_of, &res, &out->err) : lc_eval_result(ev, &res, &out->err);
    if (st == LC_OK) st = lc_result_json(res, &out->json, NULL, &out->err);
    out->err.code = st;
    lc_result_free(res);
    lc_eval_free(ev);
    lc_engine_free(engine);
    free(o.sets);
}

/* ---- comparing ---- */

/* v as compact JSON cut to about 150 bytes, at a character boundary, for a
 * note (cJSON_free it); NULL, with the report failed, when out of memory. */
static char *short_json(const cJSON *v, diffs *d)
{
    char *s = cJSON_PrintUnformatted(v);
    if (!s) d->report.failed = 1;
    if (s && strlen(s) > 160) {
        size_t cut = 150;
        while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80) cut--; /* inside a UTF-8 sequence */
        memcpy(s + cut, "…", sizeof "…");
    }
    return s;
}

/* want against got, at the JSON path d->path. */
static void match(const cJSON *want, const cJSON *got, diffs *d);

static void match_object(const cJSON *want, const cJSON *got, diffs *d)
{
    size_t len = d->path.len;
    for (const cJSON *w = want->child; w; w = w->next) {
        text_add(&d->path, ".%s", w->string);
        const cJSON *g = cJSON_GetObjectItemCaseSensitive(got, w->string);
        if (!g) note(d, d->path.s, "missing");
        else match(w, g, d);
        text_cut(&d->path, len);
    }
}

/* Whether got matches want (partially, as a case's expectation). */
static int matches(const cJSON *want, const cJSON *got, diffs *d)
{
    diffs probe = {{0}, {0}, 0};
    text_add(&probe.path, "$");
    match(want, got, &probe);
    if (probe.report.failed || probe.path.failed) d->report.failed = 1;
    free(probe.report.s);
    free(probe.path.s);
    return probe.count == 0;
}

/* Arrays of different lengths: the expected items no item matches, in
 * order (missing), and the items no expected one took (extra). */
static void note_items(const cJSON *want, const cJSON *got, int nw, int ng, diffs *d)
{
    unsigned char *used = calloc((size_t)ng + 1, 1);
    if (!used) {
        d->report.failed = 1;
        return;
    }
    note(d, d->path.s, "expected %d items, got %d (arrays match whole: every item, in order)", nw, ng);
    size_t len = d->path.len;
    int from = 0, i = 0;
    for (const cJSON *w = want->child; w; w = w->next, i++) {
        int k = from;
        const cJSON *g = cJSON_GetArrayItem(got, k);
        for (; g && (used[k] || !matches(w, g, d)); g = g->next) k++;
        if (g) {
            used[k] = 1, from = k + 1;
            continue;
        }
        char *item = short_json(w, d);
        text_add(&d->path, "[%d]", i);
        note(d, d->path.s, "missing: %s", item ? item : "?");
        text_cut(&d->path, len);
        cJSON_free(item);
    }
    int k = 0;
    for (const cJSON *g = got->child; g; g = g->next, k++) {
        if (used[k]) continue;
        char *item = short_json(g, d);
        text_add(&d->path, "[%d]", k);
        note(d, d->path.s, "extra: %s", item ? item : "?");
        text_cut(&d->path, len);
        cJSON_free(item);
    }
    free(used);
}

static void match_array(const cJSON *want, const cJSON *got, diffs *d)
{
    int nw = cJSON_GetArraySize(want), ng = cJSON_GetArraySize(got);
    if (nw != ng) {
        note_items(want, got, nw, ng, d);
        return;
    }
    size_t len = d->path.len;
    const cJSON *g = got->child;
    int i = 0;
    for (const cJSON *w = want->child; w; w = w->next, g = g->next, i++) {
        text_add(&d->path, "[%d]", i);
        match(w, g, d);
        text_cut(&d->path, len);
    }
}

/* ---- values: exact decimals, instants ---- */

/* A decimal's exact value: its significant digits (no leading or trailing
 * zeros) and the power of ten of the last, so that equal values are equal
 * records ("8.50" and 8.5; "0" and "-0.00"). */
typedef struct exact {
    int neg;
    char digits[48];
    int ndigits;
    long exp;
} exact;

/* [-]DIGITS[.DIGITS][e[±]DIGITS] (a JSON number's form; the exponent only
 * when `exponent`), exactly: 1, or 0 when s is not one. */
static int exact_of(const char *s, int exponent, exact *x)
{
    *x = (exact){0};
    x->neg = *s == '-';
    s += x->neg;
    int seen = 0, point = 0;
    for (; (*s >= '0' && *s <= '9') || (*s == '.' && !point); s++) {
        if (*s == '.') {
            point = 1;
            continue;
        }
        seen = 1;
        if (point) x->exp--;
        if (*s == '0' && x->ndigits == 0) continue; /* leading zeros */
        if (x->ndigits == (int)sizeof x->digits) return 0;
        x->digits[x->ndigits++] = *s;
    }
    if (!seen || s[-1] == '.') return 0;
    if (exponent && (*s == 'e' || *s == 'E')) {
        char *end;
        long e = strtol(s + 1, &end, 10);
        if (end == s + 1 || e > 100000 || e < -100000) return 0;
        x->exp += e;
        s = end;
    }
    if (*s) return 0;
    while (x->ndigits && x->digits[x->ndigits - 1] == '0') x->ndigits--, x->exp++;
    if (!x->ndigits) x->neg = 0, x->exp = 0; /* zero has one form */
    return 1;
}

/* A JSON value read as an exact decimal: a number (by its shortest text
 * that reads back the same) or a string holding a plain decimal. */
static int exact_value(const cJSON *v, exact *x)
{
    if (cJSON_IsString(v)) return exact_of(v->valuestring, 0, x);
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble)) return 0;
    char shortest[40];
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(shortest, sizeof shortest, "%.*g", digits, v->valuedouble);
        if (strtod(shortest, NULL) == v->valuedouble) break;
    }
    return exact_of(shortest, 1, x);
}

static int same_exact(const exact *a, const exact *b)
{
    return a->neg == b->neg && a->exp == b->exp && a->ndigits == b->ndigits && memcmp(a->digits, b->digits, (size_t)a->ndigits) == 0;
}

/* Two RFC 3339 times that are the same instant. */
static int same_instant(const cJSON *a, const cJSON *b)
{
    int64_t x, y;
    lc_error err;
    return cJSON_IsString(a) && cJSON_IsString(b) &&
           lc_time_parse(a->valuestring, strlen(a->valuestring), &x, NULL, &err) == LC_OK &&
           lc_time_parse(b->valuestring, strlen(b->valuestring), &y, NULL, &err) == LC_OK && x == y;
}

/* Two scalars that are the same: equal text, the same exact number, or
 * the same instant. */
static int same_scalar(const cJSON *want, const cJSON *got)
{
    exact a, b;
    if (cJSON_IsString(want) && cJSON_IsString(got) && strcmp(want->valuestring, got->valuestring) == 0) return 1;
    if (cJSON_IsBool(want) && cJSON_IsBool(got)) return cJSON_IsTrue(want) == cJSON_IsTrue(got);
    if (cJSON_IsNull(want) || cJSON_IsNull(got)) return cJSON_IsNull(want) && cJSON_IsNull(got);
    if (exact_value(want, &a) && exact_value(got, &b)) return same_exact(&a, &b);
    return same_instant(want, got);
}

static void match(const cJSON *want, const cJSON *got, diffs *d)
{
    if (cJSON_IsObject(want) && cJSON_IsObject(got)) return match_object(want, got, d);
    if (cJSON_IsArray(want) && cJSON_IsArray(got)) return match_array(want, got, d);
    int same = !cJSON_IsObject(want) && !cJSON_IsArray(want) && !cJSON_IsObject(got) && !cJSON_IsArray(got) &&
               same_scalar(want, got);
    if (same) return;
    char *w = short_json(want, d), *g = short_json(got, d);
    note(d, d->path.s, "expected %s, got %s", w ? w : "?", g ? g : "?");
    cJSON_free(w);
    cJSON_free(g);
}

static void check_error(const cJSON *want, const outcome *got, diffs *d)
{
    char msg[LC_ERROR_MESSAGE_MAX + LC_ERROR_FILE_MAX + 32];
    const cJSON *exit_code = cJSON_GetObjectItemCaseSensitive(want, "exit");
    const cJSON *line = cJSON_GetObjectItemCaseSensitive(want, "line");
    const cJSON *message = cJSON_GetObjectItemCaseSensitive(want, "message");
    int code = cli_exit_code(got->err.code);
    lc_error_format(&got->err, msg, sizeof msg);
    if (got->err.code == LC_OK) {
        note(d, "error", "expected a failure, the evaluation succeeded");
        return;
    }
    if (cJSON_IsNumber(exit_code) && exit_code->valueint != code)
        note(d, "error.exit", "expected %d, got %d (%s)", exit_code->valueint, code, msg);
    if (cJSON_IsNumber(line) && line->valueint != got->err.line)
        note(d, "error.line", "expected %d, got %ld (%s)", line->valueint, got->err.line, msg);
    if (cJSON_IsString(message) && !strstr(msg, message->valuestring))
        note(d, "error.message", "expected it to contain \"%s\", got \"%s\"", message->valuestring, msg);
}

/* ---- coverage: the rule ids the cases made fire ---- */

static int cover(list *covered, const char *id)
{
    for (size_t i = 0; i < covered->n; i++)
        if (strcmp(covered->items[i], id) == 0) return 0;
    return list_add(covered, strdup(id));
}

/* The ids under key in each item of result's list: 0, or -1 (memory). */
static int cover_list(list *covered, const cJSON *result, const char *name, const char *key)
{
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(result, name);
    for (const cJSON *it = items ? items->child : NULL; it; it = it->next) {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(it, key);
        if (cJSON_IsString(id) && cover(covered, id->valuestring)) return -1;
    }
    return 0;
}

/* The case's outcome against what it expects: 0, or EXIT_NOMEM. */
static int compare(const cJSON *want, const outcome *got, list *covered, diffs *d)
{
    char msg[LC_ERROR_MESSAGE_MAX + LC_ERROR_FILE_MAX + 32];
    const cJSON *error = cJSON_GetObjectItemCaseSensitive(want, "error");
    if (error) check_error(error, got, d);
    if (error || got->err.code != LC_OK) {
        if (!error) note(d, "result", "the evaluation failed: %s", lc_error_format(&got->err, msg, sizeof msg));
        return 0;
    }
    cJSON *actual = cJSON_Parse(got->json);
    if (!actual) note(d, "result", "not JSON");
    else match(want, actual, d);
    int rc = cover_list(covered, actual, "breaches", "rule") || cover_list(covered, actual, "incidents", "rule") ||
             cover_list(covered, actual, "findings", "kind");
    cJSON_Delete(actual);
    return rc ? cli_nomem() : 0;
}

/* Runs the case in dir and notes how it differs: 0, or EXIT_NOMEM. */
static int test_case(const char *rules, const char *dir, list *covered, diffs *d)
{
    char *expected = NULL;
    cJSON *want = NULL;
    list files = {0}, args = {0};
    outcome got = {{0}, NULL};
    int rc = read_case_file(dir, "expected.json", 1, &expected, d);
    if (rc == 0 && !expected && d->count == 0)
        note(d, "expected.json", "no expected.json: a case holds its events (*.jsonl) and what they must give");
    if (rc == 0 && expected && !(want = cJSON_Parse(expected))) note(d, "expected.json", "not JSON");
    if (rc == 0) rc = read_inputs(dir, &files, &args, d);
    if (rc == 0 && d->count == 0) {
        run_case(rules, &files, &args, &got);
        rc = got.err.code == LC_ENOMEM ? cli_nomem() : compare(want, &got, covered, d);
    }
    free(expected);
    cJSON_Delete(want);
    list_free(&files);
    list_free(&args);
    lc_free(got.json);
    return rc;
}

/* ---- the command ---- */

typedef struct test_run {
    const char *rules, *dir, *min_text;
    uint64_t min; /* --min in hundredths of a percent */
    int coverage;
    size_t passed, failed;
    list covered;
    text report;
} test_run;

/* One case into the report: 0, or EXIT_NOMEM. */
static int report_case(test_run *t, const char *dir)
{
    diffs d = {{0}, {0}, 0};
    text_add(&d.path, "$");
    int rc = test_case(t->rules, dir, &t->covered, &d);
    if (rc == 0 && (d.report.failed || d.path.failed)) rc = cli_nomem();
    if (rc == 0 && d.count) text_add(&t->report, "FAIL %s\n%s", dir + strlen(t->dir) + 1, d.report.s);
    if (rc == 0 && d.count) t->failed++;
    else if (rc == 0) t->passed++;
    free(d.report.s);
    free(d.path.s);
    return rc;
}

/* Which rules the cases exercised, into the report; EXIT_DIFFERENT when
 * under the minimum. */
static int report_coverage(test_run *t, const lc_engine *engine)
{
    size_t total = 0, hit = 0;
    lc_rule_info info;
    for (size_t i = 0; lc_engine_rule(engine, i, &info); i++) {
        if (strcmp(info.kind, "violation") == 0) continue; /* seen only through termination reasons */
        int covered = 0;
        for (size_t j = 0; j < t->covered.n && !covered; j++) covered = strcmp(t->covered.items[j], info.id) == 0;
        total++;
        hit += (size_t)covered;
        if (!covered)
            text_add(&t->report, "not exercised: %s %s (%s, line %d)\n", info.kind, info.id, info.clause, info.line);
    }
    double pct = total ? 100.0 * (double)hit / (double)total : 100.0;
    text_add(&t->report, "coverage: %zu of %zu rules exercised (%.1f%%)\n", hit, total, pct);
    if ((uint64_t)hit * 10000 >= t->min * total) return 0; /* 100·hit/total ≥ min/100, exactly */
    text_add(&t->report, "coverage %.1f%% is under the minimum %s%%\n", pct, t->min_text);
    return EXIT_DIFFERENT;
}

static int parse(int argc, char **argv, test_run *t)
{
    int nargs = 0;
    for (int i = 0; i < argc; i++) {
        int taken = cli_option_value(argc, argv, &i, "--min", &t->min_text);
        if (taken < 0) return -taken;
        if (taken && cli_parse_number("--min", t->min_text, 2, 0, 10000, &t->min)) return EXIT_USAGE;
        if (taken || strcmp(argv[i], "--coverage") == 0) t->coverage = 1;
        else if (argv[i][0] == '-') return cli_usage("unknown option %s", argv[i]);
        else if (nargs++ == 0) t->rules = argv[i];
        else if (nargs == 2) t->dir = argv[i];
        else return cli_usage("test takes a rule file and a directory");
    }
    if (nargs != 2) return cli_usage("test needs a rule file and a directory of cases");
    if (!t->min_text) t->min_text = "0";
    return 0;
}

/* The cases of t->dir, sorted: 0 or an exit code (printed). */
static int list_cases(const char *dir, list *cases)
{
    int e = list_dir(dir, is_case, cases);
    if (e == ENOMEM) return cli_nomem();
    if (e) return cli_usage("cannot read the case directory %s: %s", dir, strerror(e));
    return 0;
}

int cmd_test(int argc, char **argv)
{
    test_run t = {0};
    list cases = {0};
    lc_engine *engine = NULL;
    int rc = parse(argc, argv, &t), verdict = EXIT_OK;
    /* Loaded once first: a rule file that cannot be loaded is exit 3 with
     * nothing printed rather than the failure of every case. */
    if (rc == 0) rc = cli_load_engine(t.rules, NULL, &engine);
    if (rc == 0) rc = list_cases(t.dir, &cases);
    for (size_t i = 0; rc == 0 && i < cases.n; i++) rc = report_case(&t, cases.items[i]);
    if (rc == 0) {
        text_add(&t.report, "%zu passed, %zu failed\n", t.passed, t.failed);
        verdict = t.failed || !t.passed ? EXIT_DIFFERENT : EXIT_OK;
        if (t.coverage && report_coverage(&t, engine)) verdict = EXIT_DIFFERENT;
    }
    if (rc == 0 && t.report.failed) rc = cli_nomem();
    if (rc == 0) rc = cli_write(t.report.s, t.report.len);
    lc_engine_free(engine);
    list_free(&cases);
    list_free(&t.covered);
    free(t.report.s);
    return rc ? rc : verdict;
}
