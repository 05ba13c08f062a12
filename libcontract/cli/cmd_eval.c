/* cmd_eval.c — `contract eval RULES EVENTS... [options]`.
 *
 * Reports: --format text|json|csv|html, --lang zh|en|both, --explain,
 * --bom; for CSV, --table NAME prints one table (breaches by default) and
 * --output DIR writes every table as DIR/NAME.csv (either implies
 * --format csv). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct tables {
    const lc_result *res;
    lc_lang lang;
    unsigned flags;
} tables;

static lc_status render_table(void *ctx, const char *table, char **out, size_t *len, lc_error *err)
{
    const tables *t = ctx;
    return lc_result_csv(t->res, table, t->lang, t->flags, out, len, err);
}

static int render(const lc_result *res, const cli_eval_opts *o, const cli_csv_opts *c, lc_format format)
{
    lc_lang lang;
    lc_error err = {0};
    char *text = NULL;
    size_t len = 0;
    lc_status st;
    if (cli_lang(o->lang, &lang)) return EXIT_USAGE;
    unsigned flags = (o->explain ? LC_RENDER_EXPLAIN : 0) | (o->bom ? LC_RENDER_BOM : 0);
    if (c->output) return cli_write_csv_tables(c->output, lc_csv_table, render_table, &(tables){res, lang, flags});
    if (format == LC_FORMAT_CSV) st = lc_result_csv(res, c->table, lang, flags, &text, &len, &err);
    else st = lc_result_render(res, format, lang, flags, &text, &len, &err);
    if (st != LC_OK) return cli_report(&err);
    int rc = cli_write(text, len);
    lc_free(text);
    return rc;
}

int cmd_eval(int argc, char **argv)
{
    cli_eval_opts o = {0};
    cli_csv_opts c = {0};
    char **files = calloc((size_t)argc + 1, sizeof *files);
    int nfiles = 0, rc = 0;
    if (!files) return cli_nomem();
    for (int i = 0; i < argc && rc == 0; i++) {
        int known = cli_csv_option(argc, argv, &i, &c);
        if (known == 0) known = cli_eval_option(argc, argv, &i, &o);
        if (known < 0) rc = -known;
        else if (!known && argv[i][0] == '-' && argv[i][1]) rc = cli_usage("unknown option %s", argv[i]);
        else if (!known) files[nfiles++] = argv[i];
    }
    lc_format format = LC_FORMAT_TEXT;
    if (rc == 0) rc = cli_csv_format(&o, &c, &format);
    if (rc == 0 && nfiles < 2) rc = cli_usage("eval needs a rule file and at least one event file");
    lc_engine *engine = NULL;
    lc_result *res = NULL;
    if (rc == 0) rc = cli_load_engine(files[0], &o, &engine);
    if (rc == 0) rc = cli_evaluate(engine, files + 1, nfiles - 1, &o, &res);
    if (rc == 0) rc = render(res, &o, &c, format);
    lc_result_free(res);
    lc_engine_free(engine);
    free(o.sets);
    free(files);
    return rc;
}
