/* tests/fuzz/fuzz_rules.c — libFuzzer harness for rule loading: any bytes
 * as a rule file, under small sandbox limits; a file that loads is linted
 * and evaluated over a few events.  Must never crash, hang or leak. */
#include <stdlib.h>
#include <string.h>

#include "libcontract.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static const char events[] =
    "{\"type\":\"ticket\",\"id\":\"t-1\",\"opened\":\"2026-04-01T09:00:00+08:00\",\"responded\":\"2026-04-01T09:45:00+08:00\"}\n"
    "{\"type\":\"outage\",\"id\":\"o-1\",\"start\":\"2026-04-02T09:00:00+08:00\",\"end\":\"2026-04-02T12:00:00+08:00\"}\n";

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    lc_options opts = LC_OPTIONS_INIT;
    opts.lua_memory_limit = (size_t)16 << 20;
    opts.lua_instruction_limit = 2000000;
    lc_error err = {0};
    lc_engine *e = NULL;
    lc_eval *ev = NULL;
    lc_result *res = NULL;
    char *text = NULL;
    if (lc_engine_new(&e, &opts, &err)) abort();
    if (lc_engine_load_string(e, "fuzz.lua", (const char *)data, size, &err) == LC_OK) {
        if (lc_engine_check(e, LC_FORMAT_TEXT, &text, NULL, NULL, &err) != LC_OK) abort();
        if (lc_eval_new(&ev, e, LC_EVAL_SKIP_INVALID, &err) == LC_OK &&
            lc_eval_push_lines(ev, "fuzz.jsonl", events, sizeof events - 1, &err) == LC_OK)
            (void)lc_eval_result(ev, &res, &err);
    } else if (err.code != LC_ERULES && err.code != LC_ENOMEM) {
        abort();
    }
    lc_result_free(res);
    lc_free(text);
    lc_eval_free(ev);
    lc_engine_free(e);
    return 0;
}
