/* common.c — helpers shared by the subcommands. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

int cli_exit_code(lc_status st)
{
    switch (st) {
    case LC_OK: return EXIT_OK;
    case LC_EUSAGE:
    case LC_EIO: return EXIT_USAGE; /* the library only reads files: an input that cannot be opened */
    case LC_ERULES: return EXIT_RULES;
    case LC_EEVENT: return EXIT_EVENTS;
    case LC_ENOMEM: return EXIT_NOMEM;
    default: return EXIT_INTERNAL;
    }
}

int cli_nomem(void)
{
    fputs("contract: out of memory\n", stderr);
    return EXIT_NOMEM;
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

int cli_option_value(int argc, char **argv, int *i, const char *name, const char **out)
{
    size_t n = strlen(name);
    const char *arg = argv[*i];
    if (strncmp(arg, name, n) != 0 || (arg[n] != '\0' && arg[n] != '=')) return 0;
    if (arg[n] == '=') *out = arg + n + 1;
    else if (*i + 1 < argc) *out = argv[++*i];
    else return -cli_usage("%s needs a value", name);
    return 1;
}

/* --line-limit BYTES: a whole number from 1, digits only, or "none";
 * 1 when taken, or minus an exit code. */
static int line_limit(const char *text, size_t *out)
{
    if (strcmp(text, "none") == 0) {
        *out = LC_EVENT_LINE_UNLIMITED;
        return 1;
    }
    size_t n = 0;
    const char *p = text;
    for (; *p >= '0' && *p <= '9'; p++) {
        size_t d = (size_t)(*p - '0');
        if (n > (SIZE_MAX - d) / 10) break; /* too large: refused below */
        n = n * 10 + d;
    }
    if (*p || !n) return -cli_usage("--line-limit takes a number of bytes from 1 (digits only) or none, not '%s'", text);
    *out = n;
    return 1;
}

int cli_eval_option(int argc, char **argv, int *i, cli_eval_opts *o)
{
    const char *arg = argv[*i], *set = NULL;
    int taken;
    if (strcmp(arg, "--skip-invalid") == 0) return o->skip_invalid = 1;
    if (strcmp(arg, "--strict") == 0) return o->strict = 1;
    if (strcmp(arg, "--updates") == 0) return o->updates = 1;
    if (strcmp(arg, "--explain") == 0) return o->explain = 1;
    if (strcmp(arg, "--bom") == 0) return o->bom = 1;
    if ((taken = cli_option_value(argc, argv, i, "--format", &o->format))) return taken;
    if ((taken = cli_option_value(argc, argv, i, "--lang", &o->lang))) return taken;
    if ((taken = cli_option_value(argc, argv, i, "--as-of", &o->as_of))) return taken;
    if ((taken = cli_option_value(argc, argv, i, "--line-limit", &set))) return taken < 0 ? taken : line_limit(set, &o->line_limit);
    if ((taken = cli_option_value(argc, argv, i, "--set", &set)) <= 0) return taken;
    const char **sets = realloc(o->sets, (o->nsets + 1) * sizeof *sets);
    if (!sets) return -cli_nomem();
    o->sets = sets;
    o->sets[o->nsets++] = set;
    return 1;
}

char *cli_path(const char *dir, const char *name, const char *suffix)
{
    size_t n = strlen(dir) + strlen(name) + strlen(suffix) + 2;
    char *path = malloc(n);
    if (path) snprintf(path, n, "%s/%s%s", dir, name, suffix);
    return path;
}

/* Digits of text into *v, at most `decimals` after one point; 0, or -1
 * when text is not such a number or does not fit in 64 bits. */
static int read_number(const char *text, int decimals, uint64_t *v)
{
    int digits = 0, after = -1; /* digits after the point; -1 before it */
    *v = 0;
    for (const char *p = text; *p; p++) {
        if (*p == '.' && after < 0 && digits > 0 && decimals > 0) {
            after = 0;
            continue;
        }
        if (*p < '0' || *p > '9' || after >= decimals) return -1;
        unsigned d = (unsigned)(*p - '0');
        if (*v > (UINT64_MAX - d) / 10) return -1;
        *v = *v * 10 + d;
        digits++;
        if (after >= 0) after++;
    }
    if (digits == 0 || after == 0) return -1; /* "" and "5." */
    for (int k = after < 0 ? 0 : after; k < decimals; k++) {
        if (*v > UINT64_MAX / 10) return -1;
        *v *= 10;
    }
    return 0;
}

/* units / 10^decimals as decimal text, without trailing zeros. */
static void number_text(uint64_t units, int decimals, char *buf, size_t size)
{
    uint64_t p = 1;
    for (int k = 0; k < decimals; k++) p *= 10;
    if (units % p == 0) {
        snprintf(buf, size, "%" PRIu64, units / p);
        return;
    }
    int n = snprintf(buf, size, "%" PRIu64 ".%0*" PRIu64, units / p, decimals, units % p);
    while (n > 0 && (size_t)n < size && buf[n - 1] == '0') buf[--n] = '\0';
}

int cli_parse_number(const char *option, const char *text, int decimals, uint64_t min, uint64_t max,
                     uint64_t *out)
{
    if (read_number(text, decimals, out) == 0 && *out >= min && *out <= max) return 0;
    char lo[32], hi[32];
    number_text(min, decimals, lo, sizeof lo);
    number_text(max, decimals, hi, sizeof hi);
    if (decimals == 0) return cli_usage("%s wants a whole number from %s to %s, not '%s'", option, lo, hi, text);
    return cli_usage("%s wants a number from %s to %s with at most %d decimals, not '%s'", option, lo, hi, decimals,
                     text);
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

unsigned cli_eval_flags(const cli_eval_opts *o)
{
    return (o->skip_invalid ? LC_EVAL_SKIP_INVALID : 0) | (o->strict ? LC_EVAL_STRICT : 0) |
           (o->updates ? LC_EVAL_UPDATES : 0);
}

static lc_status io_error(lc_error *err, const char *path, const char *what)
{
    *err = (lc_error){.code = LC_EIO};
    snprintf(err->file, sizeof err->file, "%s", path);
    snprintf(err->message, sizeof err->message, "%s", what);
    return LC_EIO;
}

/* lc_eval_push_file, with progress on a terminal (in kB read; the size of
 * a file, none of stdin). */
lc_status cli_push_file(lc_eval *ev, const char *path, lc_error *err)
{
    enum { CHUNK = 1 << 16 };
    int is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f) return io_error(err, path, "cannot open the event file");
    struct stat st_file;
    double total = !is_stdin && fstat(fileno(f), &st_file) == 0 ? (double)st_file.st_size / 1024 : 0;
    char *chunk = malloc(CHUNK);
    lc_status st = chunk ? LC_OK : LC_ENOMEM;
    if (!chunk) *err = (lc_error){.code = LC_ENOMEM, .message = "out of memory"};
    cli_progress p;
    cli_progress_begin(&p, path, "kB", total);
    size_t n, done = 0;
    while (st == LC_OK && (n = fread(chunk, 1, CHUNK, f)) > 0) {
        st = lc_eval_push_lines(ev, path, chunk, n, err);
        cli_progress_step(&p, (double)(done += n) / 1024);
    }
    cli_progress_end(&p);
    if (st == LC_OK && ferror(f)) st = io_error(err, path, "read error");
    if (st == LC_OK) st = lc_eval_end_stream(ev, err);
    free(chunk);
    if (!is_stdin) fclose(f);
    return st;
}

int cli_as_of(const cli_eval_opts *o, int64_t *ns)
{
    lc_error err = {0};
    if (!o->as_of) return 0;
    if (lc_time_parse(o->as_of, strlen(o->as_of), ns, NULL, &err) == LC_OK) return 0;
    return cli_usage("--as-of wants an RFC 3339 time with its offset (2026-06-16T12:00:00+08:00), not '%s': %s",
                     o->as_of, err.message);
}

int cli_evaluate(lc_engine *engine, char **events, int nevents, const cli_eval_opts *o, lc_result **out)
{
    lc_error err = {0};
    lc_eval *ev = NULL;
    int64_t as_of = 0;
    *out = NULL;
    if (cli_as_of(o, &as_of)) return EXIT_USAGE;
    lc_status st = lc_eval_new(&ev, engine, cli_eval_flags(o) | (o->as_of ? LC_EVAL_KEEP_EVENTS : 0), &err);
    for (int i = 0; st == LC_OK && i < nevents; i++) st = cli_push_file(ev, events[i], &err);
    if (st == LC_OK) st = o->as_of ? lc_eval_result_as_of(ev, as_of, out, &err) : lc_eval_result(ev, out, &err);
    lc_eval_free(ev);
    return st == LC_OK ? 0 : cli_report(&err);
}

void cli_json_text(const char *s)
{
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '"' || *p == '\\') printf("\\%c", *p);
        else if (*p < 0x20) printf("\\u%04x", *p);
        else putchar(*p);
    }
    putchar('"');
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
    if (!name) *out = LC_LANG_CONTRACT; /* the contract's own, else both */
    else if (strcmp(name, "both") == 0) *out = LC_LANG_BOTH;
    else if (strcmp(name, "zh") == 0) *out = LC_LANG_ZH;
    else if (strcmp(name, "en") == 0) *out = LC_LANG_EN;
    else return cli_usage("unknown language '%s' (zh, en or both)", name);
    return 0;
}

static int output_error(int errnum)
{
    fprintf(stderr, "contract: writing the output: %s\n", strerror(errnum));
    return EXIT_OUTPUT;
}

int cli_write(const char *text, size_t len)
{
    if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0) return output_error(errno);
    return 0;
}

/* printf-based output is checked here, once: a write that failed on the
 * way leaves the stream's error flag set, and the last buffered bytes only
 * fail when flushed or closed. */
int cli_finish(int rc)
{
    errno = 0;
    int flushed = fflush(stdout) == 0 && !ferror(stdout);
    int errnum = errno ? errno : EIO;
    if (fclose(stdout) != 0 && flushed) flushed = 0, errnum = errno;
    if (flushed || rc == EXIT_OUTPUT) return rc; /* EXIT_OUTPUT: already said */
    output_error(errnum);
    return rc == EXIT_OK || rc == EXIT_DIFFERENT ? EXIT_OUTPUT : rc;
}
