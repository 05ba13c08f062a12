/* common.c — helpers shared by the subcommands. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_exit_code(lc_status st)
{
    switch (st) {
    case LC_OK: return EXIT_OK;
    case LC_EUSAGE:
    case LC_EIO: return EXIT_USAGE;
    case LC_ERULES: return EXIT_RULES;
    case LC_EEVENT: return EXIT_EVENTS;
    default: return EXIT_FAILURE_OTHER;
    }
}

int cli_report(const lc_error *err)
{
    char buf[LC_ERROR_MESSAGE_MAX + LC_ERROR_FILE_MAX + 32];
    fprintf(stderr, "%s\n", lc_error_format(err, buf, sizeof buf));
    return cli_exit_code(err->code);
}

int cli_usage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("contract: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs(" (see contract --help)\n", stderr);
    va_end(ap);
    return EXIT_USAGE;
}

static int take_value(int argc, char **argv, int *i, const char **out)
{
    const char *arg = argv[*i];
    const char *eq = strchr(arg, '=');
    if (eq && strncmp(arg, "--set", 5) != 0) {
        *out = eq + 1;
        return 0;
    }
    if (*i + 1 >= argc) return cli_usage("%s needs a value", arg);
    *out = argv[++*i];
    return 0;
}

static int is_option(const char *arg, const char *name)
{
    size_t n = strlen(name);
    return strncmp(arg, name, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

/* --line-limit BYTES: a whole number from 1, digits only, or "none". */
static int line_limit(const char *text, size_t *out)
{
    if (strcmp(text, "none") == 0) {
        *out = LC_EVENT_LINE_UNLIMITED;
        return 0;
    }
    size_t n = 0;
    const char *p = text;
    for (; *p >= '0' && *p <= '9'; p++) {
        size_t d = (size_t)(*p - '0');
        if (n > (SIZE_MAX - d) / 10) break; /* too large: refused below */
        n = n * 10 + d;
    }
    if (*p || !n) return cli_usage("--line-limit takes a number of bytes from 1 (digits only) or none, not '%s'", text);
    *out = n;
    return 0;
}

int cli_eval_option(int argc, char **argv, int *i, cli_eval_opts *o)
{
    const char *arg = argv[*i];
    if (strcmp(arg, "--skip-invalid") == 0) return o->skip_invalid = 1;
    if (strcmp(arg, "--explain") == 0) return o->explain = 1;
    if (strcmp(arg, "--bom") == 0) return o->bom = 1;
    if (is_option(arg, "--format")) return take_value(argc, argv, i, &o->format) ? -1 : 1;
    if (is_option(arg, "--lang")) return take_value(argc, argv, i, &o->lang) ? -1 : 1;
    if (is_option(arg, "--line-limit")) {
        const char *v = NULL;
        return take_value(argc, argv, i, &v) || line_limit(v, &o->line_limit) ? -1 : 1;
    }
    if (is_option(arg, "--set")) {
        const char *v = NULL;
        if (arg[5] == '=') v = arg + 6;
        else if (take_value(argc, argv, i, &v)) return -1;
        const char **sets = realloc(o->sets, (o->nsets + 1) * sizeof *sets);
        if (!sets) return cli_usage("out of memory"), -1;
        o->sets = sets;
        o->sets[o->nsets++] = v;
        return 1;
    }
    return 0;
}

void cli_engine_options(const cli_eval_opts *o, lc_options *out)
{
    const lc_options init = LC_OPTIONS_INIT;
    *out = init;
    if (o) out->event_line_limit = o->line_limit;
}

int cli_load_engine(const char *rules, const cli_eval_opts *o, lc_engine **out)
{
    lc_error err = {0};
    lc_engine *e = NULL;
    lc_options opts;
    cli_engine_options(o, &opts);
    *out = NULL;
    if (lc_engine_new(&e, &opts, &err) != LC_OK || lc_engine_load_file(e, rules, &err) != LC_OK) {
        lc_engine_free(e);
        return cli_report(&err);
    }
    for (size_t i = 0; o && i < o->nsets; i++)
        if (lc_engine_set_assignment(e, o->sets[i], &err) != LC_OK) {
            lc_engine_free(e);
            return cli_report(&err);
        }
    *out = e;
    return 0;
}

int cli_evaluate(lc_engine *engine, char **events, int nevents, int skip_invalid, lc_result **out)
{
    lc_error err = {0};
    lc_eval *ev = NULL;
    *out = NULL;
    lc_status st = lc_eval_new(&ev, engine, skip_invalid ? LC_EVAL_SKIP_INVALID : 0, &err);
    for (int i = 0; st == LC_OK && i < nevents; i++) st = lc_eval_push_file(ev, events[i], &err);
    if (st == LC_OK) st = lc_eval_result(ev, out, &err);
    lc_eval_free(ev);
    return st == LC_OK ? 0 : cli_report(&err);
}

int cli_format(const char *name, lc_format *out)
{
    static const struct {
        const char *name;
        lc_format format;
    } formats[] = {{"json", LC_FORMAT_JSON}, {"text", LC_FORMAT_TEXT}, {"csv", LC_FORMAT_CSV}, {"html", LC_FORMAT_HTML}};
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (strcmp(formats[i].name, name ? name : "text") == 0) {
            *out = formats[i].format;
            return 0;
        }
    return cli_usage("unknown format '%s' (json, text, csv or html)", name);
}

int cli_lang(const char *name, lc_lang *out)
{
    if (!name || strcmp(name, "both") == 0) *out = LC_LANG_BOTH;
    else if (strcmp(name, "zh") == 0) *out = LC_LANG_ZH;
    else if (strcmp(name, "en") == 0) *out = LC_LANG_EN;
    else return cli_usage("unknown language '%s' (zh, en or both)", name);
    return 0;
}

int cli_write(const char *text, size_t len)
{
    if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0) {
        perror("contract: writing the output");
        return EXIT_FAILURE_OTHER;
    }
    return 0;
}
