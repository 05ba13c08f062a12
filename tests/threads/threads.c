/* tests/threads/threads.c — independent handles from several threads at
 * once give the same results as one thread.  Built and run under
 * ThreadSanitizer by scripts/test.sh.
 *   threads SOURCE_DIR */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcontract.h"

#define THREADS 4
#define ROUNDS 3

static const char *const EVENT_FILES[] = {"administration", "incidents", "operations", "scores", "security", "tickets"};

typedef struct job {
    const char *src;
    const char *set; /* a parameter assignment, or NULL */
    char *json;      /* the result */
    int failed;
} job;

static char *evaluate(const char *src, const char *set)
{
    char path[1024], *json = NULL;
    lc_error err = {0};
    lc_engine *e = NULL;
    lc_eval *ev = NULL;
    lc_result *r = NULL;
    snprintf(path, sizeof path, "%s/rules/beijing-sme-secops-2026.lua", src);
    lc_status st = lc_engine_new(&e, NULL, &err);
    if (!st) st = lc_engine_load_file(e, path, &err);
    if (!st && set) st = lc_engine_set_assignment(e, set, &err);
    if (!st) st = lc_eval_new(&ev, e, 0, &err);
    for (size_t i = 0; !st && i < sizeof EVENT_FILES / sizeof *EVENT_FILES; i++) {
        snprintf(path, sizeof path, "%s/examples/events/%s.jsonl", src, EVENT_FILES[i]);
        st = lc_eval_push_file(ev, path, &err);
    }
    if (!st) st = lc_eval_result(ev, &r, &err);
    lc_eval_free(ev);
    lc_engine_free(e); /* the result outlives its engine */
    if (!st) st = lc_result_json(r, &json, NULL, &err);
    lc_result_free(r);
    if (st) fprintf(stderr, "%s: %s\n", err.file, err.message);
    return json;
}

/* A result made halfway through an evaluation shares the evaluation's
 * event ids: read it in another thread while the evaluation goes on
 * adding ids in this one, then again after the evaluation is gone. */
typedef struct reader {
    const lc_result *res;
    const char *want;
    int failed;
} reader;

static void *read_result(void *arg)
{
    reader *r = arg;
    for (int round = 0; round < 20 * ROUNDS && !r->failed; round++) {
        char *json = NULL;
        if (lc_result_json(r->res, &json, NULL, NULL) != LC_OK || strcmp(json, r->want) != 0) r->failed = 1;
        lc_free(json);
    }
    return NULL;
}

static int push_files(lc_eval *ev, const char *src, size_t from, size_t to)
{
    char path[1024];
    lc_error err = {0};
    for (size_t i = from; i < to; i++) {
        snprintf(path, sizeof path, "%s/examples/events/%s.jsonl", src, EVENT_FILES[i]);
        if (lc_eval_push_file(ev, path, &err) != LC_OK) {
            fprintf(stderr, "%s: %s\n", err.file, err.message);
            return -1;
        }
    }
    return 0;
}

static int shared_ids(const char *src)
{
    char path[1024], *half = NULL, *after = NULL;
    lc_engine *e = NULL;
    lc_eval *ev = NULL;
    lc_result *first = NULL, *last = NULL;
    size_t nfiles = sizeof EVENT_FILES / sizeof *EVENT_FILES;
    snprintf(path, sizeof path, "%s/rules/beijing-sme-secops-2026.lua", src);
    if (lc_engine_new(&e, NULL, NULL) || lc_engine_load_file(e, path, NULL) || lc_eval_new(&ev, e, 0, NULL) ||
        push_files(ev, src, 0, nfiles / 2) || lc_eval_result(ev, &first, NULL) || lc_result_json(first, &half, NULL, NULL))
        return 1;
    reader r = {first, half, 0};
    pthread_t thread;
    if (pthread_create(&thread, NULL, read_result, &r) != 0) return 1;
    int failed = push_files(ev, src, nfiles / 2, nfiles) || lc_eval_result(ev, &last, NULL);
    lc_eval_free(ev);
    lc_engine_free(e);
    pthread_join(thread, NULL);
    failed |= r.failed || lc_result_json(first, &after, NULL, NULL) || strcmp(after, half) != 0;
    lc_free(half);
    lc_free(after);
    lc_result_free(first);
    lc_result_free(last);
    if (failed) fprintf(stderr, "threads: a result read while its evaluation went on changed\n");
    return failed;
}

static void *run(void *arg)
{
    job *j = arg;
    for (int round = 0; round < ROUNDS && !j->failed; round++) {
        char *json = evaluate(j->src, j->set);
        if (!json || (j->json && strcmp(json, j->json) != 0)) j->failed = 1;
        free(j->json);
        j->json = json;
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 2) return 2;
    char *plain = evaluate(argv[1], NULL), *what_if = evaluate(argv[1], "base_pct=100");
    job jobs[THREADS];
    pthread_t threads[THREADS];
    for (int i = 0; i < THREADS; i++) {
        jobs[i] = (job){argv[1], i % 2 ? "base_pct=100" : NULL, NULL, 0};
        if (pthread_create(&threads[i], NULL, run, &jobs[i]) != 0) return 1;
    }
    int failures = !plain || !what_if || strcmp(plain, what_if) == 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(threads[i], NULL);
        const char *want = i % 2 ? what_if : plain;
        if (jobs[i].failed || !jobs[i].json || strcmp(jobs[i].json, want) != 0) {
            fprintf(stderr, "thread %d: a different result\n", i);
            failures++;
        }
        free(jobs[i].json);
    }
    free(plain);
    free(what_if);
    failures += shared_ids(argv[1]);
    printf("%s\n", failures ? "threads: FAILED" : "threads: same results from 4 threads × 3 rounds, and from a result read while its evaluation went on");
    return failures ? 1 : 0;
}
