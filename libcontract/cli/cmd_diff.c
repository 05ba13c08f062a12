/* cmd_diff.c — `contract diff OLD NEW EVENTS... [--set N=V] [--set-old N=V]
 * [--set-new N=V] [--format text|json|csv|html] [--lang zh|en|both]
 * [--table rules|breaches|totals|params | --output DIR] [--bom]`: evaluate both
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
    if (rc == 0) rc = cli_evaluate(engine, events, nevents, o, out);
    lc_engine_free(engine);
    return rc;
}

/* --set-old or --set-new, an option parser as cli_eval_option. */
static int side_option(int argc, char **argv, int *i, side *old_side, side *new_side)
{
    const char *v = NULL;
    side *s = old_side;
    int taken = cli_option_value(argc, argv, i, "--set-old", &v);
    if (!taken) taken = cli_option_value(argc, argv, i, "--set-new", &v), s = new_side;
    if (taken > 0 && push_set(s, v) != 0) return -cli_nomem();
    return taken;
}

static int parse(int argc, char **argv, cli_eval_opts *o, cli_csv_opts *r, side *old_side, side *new_side,
                 char **files, int *nfiles)
{
    for (int i = 0; i < argc; i++) {
        int known = cli_csv_option(argc, argv, &i, r);
        if (!known) known = side_option(argc, argv, &i, old_side, new_side);
        if (!known) known = cli_eval_option(argc, argv, &i, o);
        if (known < 0) return -known;
        if (!known && argv[i][0] == '-' && argv[i][1]) return cli_usage("unknown option %s", argv[i]);
        if (!known) files[(*nfiles)++] = argv[i];
    }
    if (*nfiles < 3) return cli_usage("diff needs two rule files and at least one event file");
    return 0;
}

typedef struct tables {
    const lc_result *a, *b;
    lc_lang lang;
    unsigned flags;
    int differs;
} tables;

static lc_status render_table(void *ctx, const char *table, char **out, size_t *len, lc_error *err)
{
    tables *t = ctx;
    return lc_result_diff_csv(t->a, t->b, table, t->lang, t->flags, out, len, &t->differs, err);
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
        tables t = {a, b, lang, flags, 0};
        rc = cli_write_csv_tables(r->output, lc_diff_csv_table, render_table, &t);
        return rc ? rc : t.differs ? EXIT_DIFFERENT : EXIT_OK;
    }
    if (format == LC_FORMAT_CSV) st = lc_result_diff_csv(a, b, r->table, lang, flags, &text, &len, &differs, &err);
    else st = lc_result_diff(a, b, format, lang, &text, &len, &differs, &err);
    if (st != LC_OK) rc = cli_report(&err);
    else if ((rc = cli_write(text, len)) == 0) rc = differs ? EXIT_DIFFERENT : EXIT_OK;
    lc_free(text);
    return rc;
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
    int rc = files ? parse(argc, argv, &o, &r, &old_side, &new_side, files, &nfiles) : cli_nomem();
    if (rc == 0) rc = cli_csv_format(&o, &r, &format);
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
