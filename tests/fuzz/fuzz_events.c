/* tests/fuzz/fuzz_events.c — libFuzzer harness for the event reader: any
 * bytes as a JSON Lines stream under the reference rules, with and without
 * --skip-invalid, then the result and its JSON.  Must never crash, hang or
 * leak; an accepted stream must give a result. */
#include <stdio.h>
#include <stdlib.h>

#include "libcontract.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static lc_engine *engine;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    lc_error err = {0};
    if (lc_engine_new(&engine, NULL, &err) ||
        lc_engine_load_file(engine, LC_SOURCE_DIR "/rules/beijing-sme-secops-2026.lua", &err)) {
        fprintf(stderr, "fuzz_events: %s\n", err.message);
        abort();
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
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
    return 0;
}
