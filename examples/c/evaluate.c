/* examples/c/evaluate.c — evaluate events under a rule file with the
 * installed libcontract, and read each breach through the C API, by the
 * names the result's JSON uses (lc_result_text, lc_result_fen, ...).
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
    /* before 1.0 each minor release may change the ABI */
    if (lc_version_number() / 100 != LC_VERSION_NUMBER / 100) {
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
    for (size_t i = 0; i < lc_result_count(res, "breaches"); i++) {
        const char *period = lc_result_text(res, "breaches", i, "period");
        const char *pct = lc_result_text(res, "breaches", i, "pct"); /* NULL: not a percentage */
        int64_t amount = 0, counted = 0;
        lc_result_fen(res, "breaches", i, "amount", &amount);
        lc_result_fen(res, "breaches", i, "counted", &counted);
        size_t events = lc_result_event_count(res, "breaches", i);
        printf("%-9s %-8s %3s%%  ", lc_result_text(res, "breaches", i, "rule"),
               period ? period : lc_result_text(res, "breaches", i, "at"), pct ? pct : "-");
        print_amount(amount);
        printf(" (counts ");
        print_amount(counted);
        printf(")  %s (%zu events, first %s)\n", lc_result_text(res, "breaches", i, "clause"), events,
               events ? lc_result_event(res, "breaches", i, 0) : "-");
    }
    int64_t total = 0;
    int capped = 0, right = 0;
    lc_result_fen(res, "totals", 0, "amount", &total);
    lc_result_bool(res, "totals", 0, "capped", &capped);
    lc_result_bool(res, "termination", 0, "right", &right);
    printf("total ");
    print_amount(total);
    printf("%s, %zu breaches, termination right: %s\n", capped ? " (capped)" : "", lc_result_count(res, "breaches"),
           right ? "yes" : "no");
cleanup:
    lc_result_free(res);
    lc_eval_free(ev);
    lc_engine_free(engine);
    return rc;
}
