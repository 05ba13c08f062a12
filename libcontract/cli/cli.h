/* cli.h — the `contract` command line: shared helpers of the subcommands.
 * The command line is a client of the public API (libcontract.h) only. */
#ifndef CONTRACT_CLI_H
#define CONTRACT_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "libcontract.h"

/* Exit codes (INTERFACE.md). */
enum {
    EXIT_OK = 0,
    EXIT_DIFFERENT = 1, /* diff found changes; test had failures */
    EXIT_USAGE = 2,     /* bad usage, or an input file that cannot be opened */
    EXIT_RULES = 3,     /* the rule file cannot be loaded or the sandbox stopped it */
    EXIT_EVENTS = 4,    /* invalid event input */
    EXIT_NOMEM = 5,     /* out of memory */
    EXIT_OUTPUT = 6,    /* output that cannot be written: a full disk is never success */
    EXIT_INTERNAL = 70  /* a bug (LC_EINTERNAL); sysexits.h's EX_SOFTWARE */
};

/* Options shared by the commands that evaluate. */
typedef struct cli_eval_opts {
    const char *format;
    const char *lang;
    const char *as_of;     /* --as-of TIME (RFC 3339), or NULL */
    const char **sets;
    size_t nsets;
    int skip_invalid, strict, updates, explain, bom;
    size_t line_limit; /* --line-limit: bytes of one event line; 0: the library's default */
} cli_eval_opts;

/* Prints "file:line: message" to stderr and returns the exit code for it. */
int cli_report(const lc_error *err);

/* The exit code for a status. */
int cli_exit_code(lc_status st);

/* Prints that memory ran out and returns EXIT_NOMEM. */
int cli_nomem(void);

/* Prints a usage error and returns EXIT_USAGE. */
int cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Option parsers: each looks at argv[*i] and returns 1 when it took it
 * (advancing *i past its value), 0 when it is not theirs, or minus an exit
 * code on an error (printed). */

/* The value of option `name`, given as "NAME VALUE" or "NAME=VALUE". */
int cli_option_value(int argc, char **argv, int *i, const char *name, const char **out);

/* One of the options shared by the commands that evaluate. */
int cli_eval_option(int argc, char **argv, int *i, cli_eval_opts *o);

/* dir/name followed by suffix, for the caller to free; NULL when
 * out of memory.  No length limit: the system refuses what is too long. */
char *cli_path(const char *dir, const char *name, const char *suffix);

/* Reads a number given on the command line strictly: decimal digits, with
 * a point and at most `decimals` digits after it when decimals > 0; no
 * sign, space, exponent or empty text.  *out is the value times
 * 10^decimals (decimals 0 to 18) and must lie in [min, max], scaled too.  0, or
 * EXIT_USAGE with a message naming the option and the value. */
int cli_parse_number(const char *option, const char *text, int decimals, uint64_t min, uint64_t max,
                     uint64_t *out);

/* The engine options the shared options ask for (o may be NULL). */
void cli_engine_options(const cli_eval_opts *o, lc_options *out);

/* Loads rules under the engine options of o and applies its --set
 * options (o may be NULL: defaults): 0 or an exit code. */
int cli_load_engine(const char *rules, const cli_eval_opts *o, lc_engine **out);

/* --as-of into *ns (left alone without it): 0, or EXIT_USAGE (printed). */
int cli_as_of(const cli_eval_opts *o, int64_t *ns);

/* lc_eval_push_file, showing progress on a terminal. */
lc_status cli_push_file(lc_eval *ev, const char *path, lc_error *err);

/* Evaluates the event files under the engine: 0 or an exit code. */
int cli_evaluate(lc_engine *engine, char **events, int nevents, const cli_eval_opts *o, lc_result **out);

/* The evaluation flags of --skip-invalid and --strict. */
unsigned cli_eval_flags(const cli_eval_opts *o);

/* s as a JSON string on stdout: a path, a parameter or an id may hold
 * any character. */
void cli_json_text(const char *s);

/* Resolves --format and --lang. */
int cli_format(const char *name, lc_format *out);
int cli_lang(const char *name, lc_lang *out);

/* The CSV options of eval and diff. */
typedef struct cli_csv_opts {
    const char *table;  /* --table NAME: print this table */
    const char *output; /* --output DIR: write every table as DIR/NAME.csv */
} cli_csv_opts;

/* --table or --output, an option parser as above. */
int cli_csv_option(int argc, char **argv, int *i, cli_csv_opts *c);

/* Resolves --format with --table/--output (which choose CSV when no
 * --format is given) and --lang: 0 or EXIT_USAGE (printed). */
int cli_csv_format(const cli_eval_opts *o, const cli_csv_opts *c, lc_format *format);

/* Renders one CSV table of a command's result into *out (lc_free). */
typedef lc_status (*cli_csv_render)(void *ctx, const char *table, char **out, size_t *len, lc_error *err);

/* --output DIR: every table named by table(0), table(1), ... (until NULL)
 * as DIR/NAME.csv, the directory made when missing.  All are rendered
 * before the first is written.  0 or an exit code (printed). */
int cli_write_csv_tables(const char *dir, const char *(*table)(size_t), cli_csv_render render, void *ctx);

/* Writes text to stdout: 0, or EXIT_OUTPUT (printed). */
int cli_write(const char *text, size_t len);

/* Flushes and closes stdout after a command that returned rc: rc, or
 * EXIT_OUTPUT (printed) when what the command printed was not all written. */
int cli_finish(int rc);

/* Progress of long work on stderr, when it is a terminal (progress.c). */
typedef struct cli_progress {
    const char *what, *unit; /* "sweep", "samples" */
    double total, start, last, delay;
    int shown, tty;
} cli_progress;

void cli_progress_begin(cli_progress *p, const char *what, const char *unit, double total);
void cli_progress_step(cli_progress *p, double done);
void cli_progress_end(cli_progress *p);

/* What --help prints (help.c). */
extern const char cli_help_main[], cli_help_eval[], cli_help_check[], cli_help_diff[], cli_help_sweep[],
    cli_help_test[];

int cmd_eval(int argc, char **argv);
int cmd_test(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_sweep(int argc, char **argv);

#endif
