/* tests/reports/oom.c — the reports under allocation failure.
 *
 * The example year is evaluated once (and once more with another
 * availability target, for a diff); then every report — text in three
 * languages, every CSV table, HTML, the diff's CSV tables and HTML — is
 * rendered again and again with its 1st, 2nd, … Nth allocation failing,
 * until a render needs fewer than N.  Each render must either give exactly
 * the normal text or fail with LC_ENOMEM and a message, and leave no
 * allocation behind.  Usage: oom SOURCE_DIR
 *
 * Linked with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "failing_alloc.h"
#include "libcontract.h"

typedef struct job {
    const char *name;
    int kind; /* 0 render, 1 csv table, 2 diff, 3 diff csv table */
    lc_format format;
    lc_lang lang;
    unsigned flags;
    const char *table;
} job;

static lc_status run(const job *j, const lc_result *a, const lc_result *b, char **out, lc_error *err)
{
    int differs = 0;
    switch (j->kind) {
    case 0: return lc_result_render(a, j->format, j->lang, j->flags, out, NULL, err);
    case 1: return lc_result_csv(a, j->table, j->lang, j->flags, out, NULL, err);
    case 2: return lc_result_diff(a, b, j->format, j->lang, out, NULL, &differs, err);
    default: return lc_result_diff_csv(a, b, j->table, j->lang, j->flags, out, NULL, &differs, err);
    }
}

/* 0 when every failing allocation is handled. */
static int sweep(const job *j, const lc_result *a, const lc_result *b)
{
    char *normal = NULL;
    lc_error err = {0};
    oom_fail_at = 0;
    if (run(j, a, b, &normal, &err) != LC_OK) {
        printf("%s: fails without failing allocations: %s\n", j->name, err.message);
        return 1;
    }
    for (long n = 1;; n++) {
        char *out = NULL;
        lc_error e = {0};
        long before = oom_live;
        oom_count = 0;
        oom_fail_at = n;
        lc_status st = run(j, a, b, &out, &e);
        oom_fail_at = 0;
        int done = oom_count < n, same = st == LC_OK && strcmp(out, normal) == 0;
        lc_free(out);
        if ((st != LC_OK && (st != LC_ENOMEM || !e.message[0])) || (st == LC_OK && !same) || oom_live != before) {
            printf("%s: allocation %ld: status %d, %s, %ld allocation(s) left: %s\n", j->name, n, (int)st,
                   same ? "same text" : "different text", oom_live - before, e.message);
            lc_free(normal);
            return 1;
        }
        if (done) break;
    }
    lc_free(normal);
    return 0;
}

static lc_result *evaluate(const char *dir, const char *set)
{
    static const char *const files[] = {"administration", "incidents", "operations", "scores", "security", "tickets"};
    char path[4096];
    lc_engine *e = NULL;
    lc_eval *ev = NULL;
    lc_result *res = NULL;
    lc_error err = {0};
    snprintf(path, sizeof path, "%s/rules/beijing-sme-secops-2026.lua", dir);
    lc_status st = lc_engine_new(&e, NULL, &err);
    if (!st) st = lc_engine_load_file(e, path, &err);
    if (!st && set) st = lc_engine_set_assignment(e, set, &err);
    if (!st) st = lc_eval_new(&ev, e, 0, &err);
    for (size_t i = 0; !st && i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/examples/events/%s.jsonl", dir, files[i]);
        st = lc_eval_push_file(ev, path, &err);
    }
    if (!st) st = lc_eval_result(ev, &res, &err);
    if (st) printf("evaluation: %s\n", err.message);
    lc_eval_free(ev);
    lc_engine_free(e);
    return res;
}

int main(int argc, char **argv)
{
    static const job jobs[] = {
        {"text both", 0, LC_FORMAT_TEXT, LC_LANG_BOTH, LC_RENDER_EXPLAIN, NULL},
        {"text zh", 0, LC_FORMAT_TEXT, LC_LANG_ZH, 0, NULL},
        {"text en", 0, LC_FORMAT_TEXT, LC_LANG_EN, 0, NULL},
        {"html", 0, LC_FORMAT_HTML, LC_LANG_BOTH, LC_RENDER_EXPLAIN, NULL},
        {"csv", 0, LC_FORMAT_CSV, LC_LANG_BOTH, LC_RENDER_BOM, NULL},
        {"csv months", 1, LC_FORMAT_CSV, LC_LANG_EN, 0, "months"},
        {"csv items", 1, LC_FORMAT_CSV, LC_LANG_ZH, 0, "items"},
        {"csv incidents", 1, LC_FORMAT_CSV, LC_LANG_BOTH, 0, "incidents"},
        {"csv findings", 1, LC_FORMAT_CSV, LC_LANG_BOTH, 0, "findings"},
        {"csv obligations", 1, LC_FORMAT_CSV, LC_LANG_BOTH, 0, "obligations"},
        {"diff html", 2, LC_FORMAT_HTML, LC_LANG_BOTH, 0, NULL},
        {"diff csv", 2, LC_FORMAT_CSV, LC_LANG_BOTH, 0, NULL},
        {"diff csv breaches", 3, LC_FORMAT_CSV, LC_LANG_EN, LC_RENDER_BOM, "breaches"},
        {"diff csv totals", 3, LC_FORMAT_CSV, LC_LANG_ZH, 0, "totals"},
    };
    if (argc != 2) {
        fprintf(stderr, "usage: oom SOURCE_DIR\n");
        return 2;
    }
    lc_result *a = evaluate(argv[1], NULL), *b = evaluate(argv[1], "availability_target=99.5");
    int failed = !a || !b;
    for (size_t i = 0; !failed && i < sizeof jobs / sizeof jobs[0]; i++) failed |= sweep(&jobs[i], a, b);
    lc_result_free(a);
    lc_result_free(b);
    if (!failed) printf("reports under allocation failure: all handled\n");
    return failed;
}
