/* cmd_eval.c — `contract eval RULES EVENTS... [options]`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int render(const lc_result *res, const cli_eval_opts *o)
{
    lc_format format;
    lc_lang lang;
    lc_error err = {0};
    char *text = NULL;
    size_t len = 0;
    if (cli_format(o->format, &format) || cli_lang(o->lang, &lang)) return EXIT_USAGE;
    unsigned flags = (o->explain ? LC_RENDER_EXPLAIN : 0) | (o->bom ? LC_RENDER_BOM : 0);
    if (lc_result_render(res, format, lang, flags, &text, &len, &err) != LC_OK) return cli_report(&err);
    int rc = cli_write(text, len);
    lc_free(text);
    return rc;
}

int cmd_eval(int argc, char **argv)
{
    cli_eval_opts o = {0};
    char **files = calloc((size_t)argc + 1, sizeof *files);
    int nfiles = 0, rc = 0;
    if (!files) return EXIT_FAILURE_OTHER;
    for (int i = 0; i < argc && rc == 0; i++) {
        int known = cli_eval_option(argc, argv, &i, &o);
        if (known < 0) rc = EXIT_USAGE;
        else if (!known && argv[i][0] == '-' && argv[i][1]) rc = cli_usage("unknown option %s", argv[i]);
        else if (!known) files[nfiles++] = argv[i];
    }
    lc_format format;
    lc_lang lang;
    if (rc == 0 && (cli_format(o.format, &format) || cli_lang(o.lang, &lang))) rc = EXIT_USAGE;
    if (rc == 0 && nfiles < 2) rc = cli_usage("eval needs a rule file and at least one event file");
    lc_engine *engine = NULL;
    lc_result *res = NULL;
    if (rc == 0) rc = cli_load_engine(files[0], o.sets, o.nsets, &engine);
    if (rc == 0) rc = cli_evaluate(engine, files + 1, nfiles - 1, o.skip_invalid, &res);
    if (rc == 0) rc = render(res, &o);
    lc_result_free(res);
    lc_engine_free(engine);
    free(o.sets);
    free(files);
    return rc;
}
