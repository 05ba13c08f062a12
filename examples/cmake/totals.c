/* examples/cmake/totals.c — the total penalty of event files under the
 * reference contract installed with libcontract (RULES_DIR). */
#include <inttypes.h>
#include <stdio.h>

#include <libcontract.h>

int main(int argc, char **argv)
{
    lc_error err = {0};
    lc_engine *engine = NULL;
    lc_eval *ev = NULL;
    lc_result *res = NULL;
    char msg[1024];
    lc_status st = lc_engine_new(&engine, NULL, &err);
    if (!st) st = lc_engine_load_file(engine, RULES_DIR "/beijing-sme-secops-2026.lua", &err);
    if (!st) st = lc_eval_new(&ev, engine, 0, &err);
    for (int i = 1; !st && i < argc; i++) st = lc_eval_push_file(ev, argv[i], &err);
    if (!st) st = lc_eval_result(ev, &res, &err);
    if (st) {
        fprintf(stderr, "%s\n", lc_error_format(&err, msg, sizeof msg));
    } else {
        int64_t amount = 0;
        lc_result_fen(res, "totals", 0, "amount", &amount);
        printf("%s: %" PRId64 ".%02" PRId64 " %s in %zu breaches\n", lc_engine_contract_id(engine), amount / 100,
               amount % 100, lc_result_text(res, "contract", 0, "currency"), lc_result_count(res, "breaches"));
    }
    lc_result_free(res);
    lc_eval_free(ev);
    lc_engine_free(engine);
    return st ? 1 : 0;
}
