/* csv_files.c — the CSV options of eval and diff: --table NAME prints one
 * table, --output DIR writes each table as DIR/NAME.csv. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

int cli_csv_option(int argc, char **argv, int *i, cli_csv_opts *c)
{
    const char **dest[] = {&c->table, &c->output}, *names[] = {"--table", "--output"};
    for (int k = 0; k < 2; k++) {
        int taken = cli_option_value(argc, argv, i, names[k], dest[k]);
        if (taken > 0 && **dest[k] == '\0') return -cli_usage("%s needs a value", names[k]);
        if (taken) return taken;
    }
    return 0;
}

/* --table and --output are for CSV: they choose it when --format is not given. */
int cli_csv_format(const cli_eval_opts *o, const cli_csv_opts *c, lc_format *format)
{
    lc_lang lang;
    int csv_only = c->table || c->output;
    if (cli_format(o->format ? o->format : csv_only ? "csv" : "text", format) || cli_lang(o->lang, &lang))
        return EXIT_USAGE;
    if (csv_only && *format != LC_FORMAT_CSV) return cli_usage("--table and --output go with --format csv");
    if (c->table && c->output) return cli_usage("--table prints one table, --output writes them all: choose one");
    return 0;
}

static int output_error(const char *path, int errnum)
{
    fprintf(stderr, "contract: %s: %s\n", path, strerror(errnum));
    return EXIT_OUTPUT;
}

static int make_dir(const char *dir)
{
    return mkdir(dir, 0777) == 0 || errno == EEXIST ? 0 : output_error(dir, errno);
}

/* text as dir/name.csv; every write and the close checked, since a full
 * disk shows itself at any of them. */
static int write_file(const char *dir, const char *name, const char *text, size_t len)
{
    char *path = cli_path(dir, name, ".csv");
    if (!path) return cli_nomem();
    FILE *f = fopen(path, "wb");
    int ok = f && fwrite(text, 1, len, f) == len && fflush(f) == 0, errnum = errno;
    if (f && fclose(f) != 0 && ok) ok = 0, errnum = errno;
    int rc = ok ? 0 : output_error(path, errnum);
    free(path);
    return rc;
}

typedef struct table_text {
    char *text;
    size_t len;
} table_text;

int cli_write_csv_tables(const char *dir, const char *(*table)(size_t), cli_csv_render render, void *ctx)
{
    size_t n = 0;
    while (table(n)) n++;
    table_text *t = calloc(n ? n : 1, sizeof *t);
    int rc = t ? 0 : cli_nomem();
    lc_error err = {0};
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (render(ctx, table(i), &t[i].text, &t[i].len, &err) != LC_OK) rc = cli_report(&err);
    if (rc == 0) rc = make_dir(dir);
    for (size_t i = 0; rc == 0 && i < n; i++) rc = write_file(dir, table(i), t[i].text, t[i].len);
    for (size_t i = 0; t && i < n; i++) lc_free(t[i].text);
    free(t);
    return rc;
}
