/* examples/c/evaluate.c — evaluate events under a rule file with the
 * installed libcontract, and read each breach through the C API.
 *
 *   cc evaluate.c $(pkg-config --cflags --libs libcontract) -o evaluate
 *   ./evaluate RULES EVENTS.jsonl...
 */
#include <inttypes.h>
#include <stdio.h>

#include <libcontract.h>

static int fail(const lc_error *err)
{
    char msg[1024];
    fprintf(stderr, "%s\n", lc_error_format(err, msg, sizeof msg));
    return 1;
}

static void print_amount(int64_t fen)
{
    printf("%" PRId64 ".%02" PRId64, fen / 100, fen % 100);
}

int main(int argc, char **argv)
{
    lc_error err = {0};
    lc_engine *engine = NULL;
    lc_eval *ev = NULL;
    lc_result *res = NULL;
    int rc = 0;
    if (argc < 3) {
        fprintf(stderr, "usage: %s RULES EVENTS.jsonl...\n", argv[0]);
        return 2;
    }
    if (lc_version_number() / 10000 != LC_VERSION_MAJOR) {
        fprintf(stderr, "libcontract %s does not match the headers (%s)\n", lc_version_string(), LC_VERSION_STRING);
        return 1;
    }
    if (lc_engine_new(&engine, NULL, &err) || lc_engine_load_file(engine, argv[1], &err) ||
        lc_eval_new(&ev, engine, 0, &err)) {
        rc = fail(&err);
        goto cleanup;
    }
    for (int i = 2; i < argc; i++)
        if (lc_eval_push_file(ev, argv[i], &err)) {
            rc = fail(&err);
            goto cleanup;
        }
    if (lc_eval_result(ev, &res, &err)) {
        rc = fail(&err);
        goto cleanup;
    }
    lc_breach b;
    for (size_t i = 0; lc_result_breach(res, i, &b); i++) {
        printf("%-9s %-8s %3s%%  ", b.rule, b.period ? b.period : b.at, b.pct);
        print_amount(b.amount);
        printf("  %s (%zu events, first %s)\n", b.clause, b.event_count,
               b.event_count ? lc_result_breach_event(res, i, 0) : "-");
    }
    lc_totals t;
    lc_result_totals(res, &t);
    printf("total ");
    print_amount(t.amount);
    printf("%s, %zu breaches, termination right: %s\n", t.capped ? " (capped)" : "", t.breaches,
           t.termination_right ? "yes" : "no");
cleanup:
    lc_result_free(res);
    lc_eval_free(ev);
    lc_engine_free(engine);
    return rc;
}
