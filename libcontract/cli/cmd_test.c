/* cmd_test.c — `contract test RULES DIR`: golden cases.
 *
 * A case is a directory under DIR holding event files (*.jsonl, read in
 * name order), expected.json, and optionally `args` (one option per line:
 * --set NAME=VALUE, --skip-invalid).  The expected file is matched
 * partially: what it states must hold, the rest may differ; arrays must
 * have the expected length.  An expected {"error": {"exit": 4, "line": 3,
 * "message": "text"}} asks for that failure instead of a result. */
#include <cjson/cJSON.h>
#include <dirent.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define MAX_FILES 64
#define MAX_ARGS 64

typedef struct diffs {
    char text[4096];
    size_t len;
    int count;
} diffs;

static void note(diffs *d, const char *path, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void note(diffs *d, const char *path, const char *fmt, ...)
{
    d->count++;
    if (d->len >= sizeof d->text - 200) return;
    d->len += (size_t)snprintf(d->text + d->len, sizeof d->text - d->len, "    %s: ", path);
    va_list ap;
    va_start(ap, fmt);
    d->len += (size_t)vsnprintf(d->text + d->len, sizeof d->text - d->len, fmt, ap);
    va_end(ap);
    d->len += (size_t)snprintf(d->text + d->len, sizeof d->text - d->len, "\n");
}

static char *short_json(const cJSON *v)
{
    char *s = cJSON_PrintUnformatted(v);
    if (s && strlen(s) > 160) strcpy(s + 150, "…");
    return s;
}

static void match(const cJSON *want, const cJSON *got, const char *path, diffs *d);

static void match_object(const cJSON *want, const cJSON *got, const char *path, diffs *d)
{
    for (const cJSON *w = want->child; w; w = w->next) {
        char sub[512];
        snprintf(sub, sizeof sub, "%s.%s", path, w->string);
        const cJSON *g = cJSON_GetObjectItemCaseSensitive(got, w->string);
        if (!g) note(d, sub, "missing");
        else match(w, g, sub, d);
    }
}

static void match_array(const cJSON *want, const cJSON *got, const char *path, diffs *d)
{
    int nw = cJSON_GetArraySize(want), ng = cJSON_GetArraySize(got);
    if (nw != ng) {
        char *g = short_json(got);
        note(d, path, "expected %d items, got %d: %s", nw, ng, g ? g : "?");
        cJSON_free(g);
        return;
    }
    const cJSON *g = got->child;
    int i = 0;
    for (const cJSON *w = want->child; w; w = w->next, g = g->next, i++) {
        char sub[512];
        snprintf(sub, sizeof sub, "%s[%d]", path, i);
        match(w, g, sub, d);
    }
}

static int numbers_equal(double a, double b)
{
    return a == b || fabs(a - b) <= 1e-9 * fmax(1.0, fmax(fabs(a), fabs(b)));
}

static void match(const cJSON *want, const cJSON *got, const char *path, diffs *d)
{
    if (cJSON_IsObject(want) && cJSON_IsObject(got)) return match_object(want, got, path, d);
    if (cJSON_IsArray(want) && cJSON_IsArray(got)) return match_array(want, got, path, d);
    int same = (cJSON_IsNumber(want) && cJSON_IsNumber(got) && numbers_equal(want->valuedouble, got->valuedouble)) ||
               (cJSON_IsString(want) && cJSON_IsString(got) && strcmp(want->valuestring, got->valuestring) == 0) ||
               (cJSON_IsBool(want) && cJSON_IsBool(got) && cJSON_IsTrue(want) == cJSON_IsTrue(got)) ||
               (cJSON_IsNull(want) && cJSON_IsNull(got));
    if (same) return;
    char *w = short_json(want), *g = short_json(got);
    note(d, path, "expected %s, got %s", w ? w : "?", g ? g : "?");
    cJSON_free(w);
    cJSON_free(g);
}

/* ---- one case ---- */

/* dir/name into out; 0, or -1 when it does not fit. */
static int join(char *out, size_t size, const char *dir, const char *name)
{
    int n = snprintf(out, size, "%s/%s", dir, name);
    return n >= 0 && (size_t)n < size ? 0 : -1;
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, len = 0, n;
    char *buf = malloc(cap);
    while (buf && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (len + 1 == cap) {
            char *bigger = realloc(buf, cap *= 2);
            if (!bigger) free(buf);
            buf = bigger;
        }
    }
    fclose(f);
    if (buf) buf[len] = '\0';
    return buf;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The case's event files, in name order. */
static int event_files(const char *dir, char **files)
{
    DIR *d = opendir(dir);
    int n = 0;
    if (!d) return 0;
    for (struct dirent *e; (e = readdir(d)) && n < MAX_FILES;) {
        size_t len = strlen(e->d_name);
        if (len > 6 && strcmp(e->d_name + len - 6, ".jsonl") == 0) {
            files[n] = malloc(strlen(dir) + len + 2);
            if (files[n]) sprintf(files[n++], "%s/%s", dir, e->d_name);
        }
    }
    closedir(d);
    if (n > 1) qsort(files, (size_t)n, sizeof *files, by_name);
    return n;
}

/* `args`: one option per line, blank lines and # comments skipped. */
static int case_args(const char *dir, char **argv)
{
    char path[1024];
    int n = 0;
    char *content = join(path, sizeof path, dir, "args") == 0 ? read_text(path) : NULL;
    if (!content) return 0;
    for (char *line = strtok(content, "\n"); line && n < MAX_ARGS; line = strtok(NULL, "\n")) {
        while (*line == ' ') line++;
        size_t len = strlen(line);
        while (len && (line[len - 1] == ' ' || line[len - 1] == '\r')) line[--len] = '\0';
        if (!len || line[0] == '#') continue;
        char *sp = strchr(line, ' ');
        if (sp) {
            *sp = '\0';
            argv[n++] = strdup(line);
            argv[n++] = strdup(sp + 1);
        } else {
            argv[n++] = strdup(line);
        }
    }
    free(content);
    return n;
}

typedef struct outcome {
    lc_error err;
    char *json;
} outcome;

/* Rule ids the cases made fire, for --coverage. */
typedef struct coverage {
    char **ids;
    size_t n, cap;
} coverage;

static void cover(coverage *c, const char *id)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->ids[i], id) == 0) return;
    if (c->n == c->cap) {
        char **bigger = realloc(c->ids, (c->cap = c->cap ? c->cap * 2 : 64) * sizeof *bigger);
        if (!bigger) return;
        c->ids = bigger;
    }
    if ((c->ids[c->n] = strdup(id))) c->n++;
}

static void cover_list(coverage *c, const cJSON *result, const char *list, const char *key)
{
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(result, list);
    for (const cJSON *it = items ? items->child : NULL; it; it = it->next) {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(it, key);
        if (cJSON_IsString(id)) cover(c, id->valuestring);
    }
}

static void run_case(const char *rules, const char *dir, outcome *out)
{
    char *files[MAX_FILES], *args[MAX_ARGS];
    int nfiles = event_files(dir, files), nargs = case_args(dir, args);
    cli_eval_opts o = {0};
    lc_engine *engine = NULL;
    lc_eval *ev = NULL;
    lc_result *res = NULL;
    lc_status st = LC_OK;
    lc_options opts;
    for (int i = 0; i < nargs; i++)
        if (cli_eval_option(nargs, args, &i, &o) <= 0) {
            snprintf(out->err.message, sizeof out->err.message, "bad option in args: %s", args[i]);
            st = out->err.code = LC_EUSAGE;
        }
    cli_engine_options(&o, &opts);
    if (st == LC_OK) st = lc_engine_new(&engine, &opts, &out->err);
    if (st == LC_OK) st = lc_engine_load_file(engine, rules, &out->err);
    for (size_t i = 0; st == LC_OK && i < o.nsets; i++) st = lc_engine_set_assignment(engine, o.sets[i], &out->err);
    if (st == LC_OK) st = lc_eval_new(&ev, engine, o.skip_invalid ? LC_EVAL_SKIP_INVALID : 0, &out->err);
    for (int i = 0; st == LC_OK && i < nfiles; i++) st = lc_eval_push_file(ev, files[i], &out->err);
    if (st == LC_OK) st = lc_eval_result(ev, &res, &out->err);
    if (st == LC_OK) st = lc_result_json(res, &out->json, NULL, &out->err);
    out->err.code = st;
    lc_result_free(res);
    lc_eval_free(ev);
    lc_engine_free(engine);
    for (int i = 0; i < nfiles; i++) free(files[i]);
    for (int i = 0; i < nargs; i++) free(args[i]);
    free(o.sets);
}

static void check_error(const cJSON *want, const outcome *got, diffs *d)
{
    char msg[LC_ERROR_MESSAGE_MAX + LC_ERROR_FILE_MAX + 32];
    const cJSON *exit_code = cJSON_GetObjectItemCaseSensitive(want, "exit");
    const cJSON *line = cJSON_GetObjectItemCaseSensitive(want, "line");
    const cJSON *text = cJSON_GetObjectItemCaseSensitive(want, "message");
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
    if (cJSON_IsString(text) && !strstr(msg, text->valuestring))
        note(d, "error.message", "expected it to contain \"%s\", got \"%s\"", text->valuestring, msg);
}

static int test_case(const char *rules, const char *dir, const char *name, coverage *cov)
{
    char path[1024];
    diffs d = {{0}, 0, 0};
    outcome got = {{0}, NULL};
    char *text = join(path, sizeof path, dir, "expected.json") == 0 ? read_text(path) : NULL;
    cJSON *want = text ? cJSON_Parse(text) : NULL;
    free(text);
    if (!want) {
        printf("FAIL %s\n    expected.json is missing or not JSON\n", name);
        return 0;
    }
    run_case(rules, dir, &got);
    const cJSON *error = cJSON_GetObjectItemCaseSensitive(want, "error");
    if (error) {
        check_error(error, &got, &d);
    } else if (got.err.code != LC_OK) {
        char msg[LC_ERROR_MESSAGE_MAX + LC_ERROR_FILE_MAX + 32];
        note(&d, "result", "the evaluation failed: %s", lc_error_format(&got.err, msg, sizeof msg));
    } else {
        cJSON *actual = cJSON_Parse(got.json);
        if (!actual) note(&d, "result", "not JSON");
        else match(want, actual, "$", &d);
        cover_list(cov, actual, "breaches", "rule");
        cover_list(cov, actual, "incidents", "rule");
        cover_list(cov, actual, "findings", "kind");
        cJSON_Delete(actual);
    }
    cJSON_Delete(want);
    free(got.json);
    if (d.count) printf("FAIL %s\n%s", name, d.text);
    return d.count == 0;
}

static int is_case(const char *dir, const char *name)
{
    char path[1024], sub[1024];
    if (join(sub, sizeof sub, dir, name) != 0 || join(path, sizeof path, sub, "expected.json") != 0) return 0;
    FILE *f = fopen(path, "rb");
    if (f) fclose(f);
    return f != NULL;
}

/* Prints which rules the cases exercised; 1 when under the minimum. */
static int report_coverage(const char *rules, const coverage *cov, double min)
{
    lc_engine *engine = NULL;
    int rc = cli_load_engine(rules, NULL, &engine);
    if (rc) return rc;
    size_t total = 0, hit = 0;
    lc_rule_info info;
    for (size_t i = 0; lc_engine_rule(engine, i, &info); i++) {
        if (strcmp(info.kind, "violation") == 0) continue; /* seen only through termination reasons */
        int covered = 0;
        for (size_t j = 0; j < cov->n && !covered; j++) covered = strcmp(cov->ids[j], info.id) == 0;
        total++;
        hit += (size_t)covered;
        if (!covered) printf("not exercised: %s %s (%s, line %d)\n", info.kind, info.id, info.clause, info.line);
    }
    double pct = total ? 100.0 * (double)hit / (double)total : 100.0;
    printf("coverage: %zu of %zu rules exercised (%.1f%%)\n", hit, total, pct);
    lc_engine_free(engine);
    if (pct + 1e-9 < min) {
        printf("coverage %.1f%% is under the minimum %.1f%%\n", pct, min);
        return EXIT_DIFFERENT;
    }
    return 0;
}

int cmd_test(int argc, char **argv)
{
    const char *args[2] = {NULL, NULL};
    int nargs = 0, want_coverage = 0;
    double min = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--coverage") == 0) want_coverage = 1;
        else if (strcmp(argv[i], "--min") == 0 && i + 1 < argc) min = strtod(argv[++i], NULL), want_coverage = 1;
        else if (argv[i][0] == '-') return cli_usage("unknown option %s", argv[i]);
        else if (nargs < 2) args[nargs++] = argv[i];
        else return cli_usage("test takes a rule file and a directory");
    }
    if (nargs != 2) return cli_usage("test needs a rule file and a directory of cases");
    DIR *d = opendir(args[1]);
    if (!d) return cli_usage("cannot open the case directory %s", args[1]);
    char **names = NULL;
    size_t n = 0, cap = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.' || !is_case(args[1], e->d_name)) continue;
        if (n == cap) {
            char **bigger = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof *names);
            if (!bigger) break;
            names = bigger;
        }
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    if (n > 1) qsort(names, n, sizeof *names, by_name);
    int passed = 0, failed = 0;
    coverage cov = {NULL, 0, 0};
    for (size_t i = 0; i < n; i++) {
        char dir[1024];
        if (join(dir, sizeof dir, args[1], names[i]) == 0 && test_case(args[0], dir, names[i], &cov)) passed++;
        else failed++;
        free(names[i]);
    }
    free(names);
    printf("%d passed, %d failed\n", passed, failed);
    int rc = failed || !passed ? EXIT_DIFFERENT : EXIT_OK;
    if (want_coverage) {
        int crc = report_coverage(args[0], &cov, min);
        if (crc && !rc) rc = crc;
    }
    for (size_t i = 0; i < cov.n; i++) free(cov.ids[i]);
    free(cov.ids);
    return rc;
}
