/* cli.h — the `contract` command line: shared helpers of the subcommands.
 * The command line is a client of the public API (libcontract.h) only. */
#ifndef CONTRACT_CLI_H
#define CONTRACT_CLI_H

#include <stddef.h>

#include "libcontract.h"

/* Exit codes (INTERFACE.md). */
enum { EXIT_OK = 0, EXIT_DIFFERENT = 1, EXIT_USAGE = 2, EXIT_RULES = 3, EXIT_EVENTS = 4, EXIT_FAILURE_OTHER = 5 };

/* Options shared by the commands that evaluate. */
typedef struct cli_eval_opts {
    const char *format;
    const char *lang;
    const char **sets;
    size_t nsets;
    int skip_invalid, explain, bom;
    size_t line_limit; /* --line-limit: bytes of one event line; 0: the library's default */
} cli_eval_opts;

/* Prints "file:line: message" to stderr and returns the exit code for it. */
int cli_report(const lc_error *err);

/* The exit code for a status. */
int cli_exit_code(lc_status st);

/* Prints a usage error and returns EXIT_USAGE. */
int cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Parses one shared option at argv[*i] (advancing *i past its value);
 * 1 when it was one, 0 when not, -1 on a usage error (printed). */
int cli_eval_option(int argc, char **argv, int *i, cli_eval_opts *o);

/* The engine options the shared options ask for (o may be NULL). */
void cli_engine_options(const cli_eval_opts *o, lc_options *out);

/* Loads rules under the engine options of o and applies its --set
 * options (o may be NULL: defaults): 0 or an exit code. */
int cli_load_engine(const char *rules, const cli_eval_opts *o, lc_engine **out);

/* Evaluates the event files under the engine: 0 or an exit code. */
int cli_evaluate(lc_engine *engine, char **events, int nevents, int skip_invalid, lc_result **out);

/* Resolves --format and --lang. */
int cli_format(const char *name, lc_format *out);
int cli_lang(const char *name, lc_lang *out);

/* The CSV options of eval and diff. */
typedef struct cli_csv_opts {
    const char *table;  /* --table NAME: print this table */
    const char *output; /* --output DIR: write every table as DIR/NAME.csv */
} cli_csv_opts;

/* Parses --table/--output at argv[*i] like cli_eval_option. */
int cli_csv_option(int argc, char **argv, int *i, cli_csv_opts *c);

/* Makes dir when missing: 0 or an exit code (printed). */
int cli_make_dir(const char *dir);

/* Writes text as dir/name.csv: 0 or an exit code (printed). */
int cli_write_csv_file(const char *dir, const char *name, const char *text, size_t len);

/* Writes text to stdout; 0 or EXIT_FAILURE_OTHER. */
int cli_write(const char *text, size_t len);

int cmd_eval(int argc, char **argv);
int cmd_test(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_sweep(int argc, char **argv);

#endif
