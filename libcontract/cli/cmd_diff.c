/* cmd_diff.c — `contract diff OLD NEW EVENTS... [--set N=V] [--set-old N=V]
 * [--set-new N=V] [--format text|json|csv|html] [--lang zh|en|both]
 * [--table rules|breaches|totals | --output DIR] [--bom]`: evaluate both
 * rule files over the same events and show what changes.  Exit 0 when
 * identical, 1 when not.  A what-if is a diff of one file with itself and
 * other parameters. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct side {
    const char **sets;
    size_t nsets;
} side;

static int push_set(side *s, const char *value)
{
    const char **sets = realloc(s->sets, (s->nsets + 1) * sizeof *sets);
    if (!sets) return -1;
    s->sets = sets;
    s->sets[s->nsets++] = value;
    return 0;
}

static int evaluate_side(const char *rules, const cli_eval_opts *o, const side *own, char **events, int nevents,
                         lc_result **out)
{
    lc_engine *engine = NULL;
    int rc = cli_load_engine(rules, o, &engine);
    lc_error err = {0};
    for (size_t i = 0; rc == 0 && i < own->nsets; i++)
        if (lc_engine_set_assignment(engine, own->sets[i], &err) != LC_OK) rc = cli_report(&err);
    if (rc == 0) rc = cli_evaluate(engine, events, nevents, o->skip_invalid, out);
    lc_engine_free(engine);
    return rc;
}

static int parse(int argc, char **argv, cli_eval_opts *o, cli_csv_opts *r, side *old_side, side *new_side,
                 char **files, int *nfiles)
{
    for (int i = 0; i < argc; i++) {
        int taken = cli_csv_option(argc, argv, &i, r);
        if (taken < 0) return EXIT_USAGE;
        if (taken) continue;
        int is_old = strncmp(argv[i], "--set-old", 9) == 0, is_new = strncmp(argv[i], "--set-new", 9) == 0;
        if (is_old || is_new) {
            const char *v = argv[i][9] == '=' ? argv[i] + 10 : (i + 1 < argc ? argv[++i] : NULL);
            if (!v) return cli_usage("%s needs NAME=VALUE", is_old ? "--set-old" : "--set-new");
            if (push_set(is_old ? old_side : new_side, v) != 0) return EXIT_FAILURE_OTHER;
            continue;
        }
        int known = cli_eval_option(argc, argv, &i, o);
        if (known < 0) return EXIT_USAGE;
        if (!known && argv[i][0] == '-' && argv[i][1]) return cli_usage("unknown option %s", argv[i]);
        if (!known) files[(*nfiles)++] = argv[i];
    }
    if (*nfiles < 3) return cli_usage("diff needs two rule files and at least one event file");
    return 0;
}

/* Every diff table as DIR/NAME.csv; the directory is made when missing. */
static int write_tables(const lc_result *a, const lc_result *b, const char *dir, lc_lang lang, unsigned flags,
                        int *differs)
{
    int rc = cli_make_dir(dir);
    for (size_t i = 0; rc == 0 && lc_diff_csv_table(i); i++) {
        lc_error err = {0};
        char *text = NULL;
        size_t len = 0;
        if (lc_result_diff_csv(a, b, lc_diff_csv_table(i), lang, flags, &text, &len, differs, &err) != LC_OK)
            rc = cli_report(&err);
        else rc = cli_write_csv_file(dir, lc_diff_csv_table(i), text, len);
        lc_free(text);
    }
    return rc;
}

static int report(const lc_result *a, const lc_result *b, lc_format format, const cli_eval_opts *o,
                  const cli_csv_opts *r)
{
    lc_error err = {0};
    char *text = NULL;
    size_t len = 0;
    int differs = 0, rc;
    lc_lang lang;
    lc_status st;
    unsigned flags = o->bom ? LC_RENDER_BOM : 0;
    if (cli_lang(o->lang, &lang)) return EXIT_USAGE;
    if (r->output) {
        rc = write_tables(a, b, r->output, lang, flags, &differs);
        return rc ? rc : differs ? EXIT_DIFFERENT : EXIT_OK;
    }
    if (format == LC_FORMAT_CSV) st = lc_result_diff_csv(a, b, r->table, lang, flags, &text, &len, &differs, &err);
    else st = lc_result_diff(a, b, format, lang, &text, &len, &differs, &err);
    if (st != LC_OK) rc = cli_report(&err);
    else rc = cli_write(text, len) ? EXIT_FAILURE_OTHER : differs ? EXIT_DIFFERENT : EXIT_OK;
    lc_free(text);
    return rc;
}

/* --table and --output are for CSV: they choose it when --format is not given. */
static int resolve_format(const cli_eval_opts *o, const cli_csv_opts *r, lc_format *format)
{
    lc_lang lang;
    int csv_only = r->table || r->output;
    if (cli_format(o->format ? o->format : csv_only ? "csv" : "text", format) || cli_lang(o->lang, &lang))
        return EXIT_USAGE;
    if (csv_only && *format != LC_FORMAT_CSV) return cli_usage("--table and --output go with --format csv");
    if (r->table && r->output) return cli_usage("--table prints one table, --output writes them all: choose one");
    return 0;
}

int cmd_diff(int argc, char **argv)
{
    cli_eval_opts o = {0};
    cli_csv_opts r = {0};
    side old_side = {0}, new_side = {0};
    char **files = calloc((size_t)argc + 1, sizeof *files);
    int nfiles = 0;
    lc_result *a = NULL, *b = NULL;
    lc_format format = LC_FORMAT_TEXT;
    int rc = files ? parse(argc, argv, &o, &r, &old_side, &new_side, files, &nfiles) : EXIT_FAILURE_OTHER;
    if (rc == 0) rc = resolve_format(&o, &r, &format);
    if (rc == 0) rc = evaluate_side(files[0], &o, &old_side, files + 2, nfiles - 2, &a);
    if (rc == 0) rc = evaluate_side(files[1], &o, &new_side, files + 2, nfiles - 2, &b);
    if (rc == 0) rc = report(a, b, format, &o, &r);
    lc_result_free(a);
    lc_result_free(b);
    free(old_side.sets);
    free(new_side.sets);
    free(o.sets);
    free(files);
    return rc;
}
