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
    static const char *const names[] = {"--table", "--output"};
    for (int k = 0; k < 2; k++) {
        size_t n = strlen(names[k]);
        const char *arg = argv[*i];
        if (strncmp(arg, names[k], n) != 0 || (arg[n] != '\0' && arg[n] != '=')) continue;
        const char *v = arg[n] == '=' ? arg + n + 1 : *i + 1 < argc ? argv[++*i] : NULL;
        if (!v || !v[0]) return cli_usage("%s needs a value", names[k]), -1;
        if (k == 0) c->table = v;
        else c->output = v;
        return 1;
    }
    return 0;
}

int cli_make_dir(const char *dir)
{
    if (mkdir(dir, 0777) == 0 || errno == EEXIST) return 0;
    fprintf(stderr, "contract: %s: %s\n", dir, strerror(errno));
    return EXIT_USAGE;
}

int cli_write_csv_file(const char *dir, const char *name, const char *text, size_t len)
{
    size_t n = strlen(dir) + strlen(name) + 8;
    char *path = malloc(n);
    if (!path) return EXIT_FAILURE_OTHER;
    snprintf(path, n, "%s/%s.csv", dir, name);
    FILE *f = fopen(path, "wb");
    int ok = f && fwrite(text, 1, len, f) == len;
    if (f && fclose(f) != 0) ok = 0;
    if (!ok) fprintf(stderr, "contract: %s: %s\n", path, strerror(errno));
    free(path);
    return ok ? 0 : EXIT_USAGE;
}
