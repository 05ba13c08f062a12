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
    printf("%s\n", failures ? "threads: FAILED" : "threads: same results from 4 threads × 3 rounds");
    return failures ? 1 : 0;
}
