/* main.c — `contract`: evaluate, check, compare and test contract rules. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "watch.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *help;
} command;

static const command commands[] = {
    {"eval", cmd_eval, cli_help_eval},    {"check", cmd_check, cli_help_check}, {"diff", cmd_diff, cli_help_diff},
    {"sweep", cmd_sweep, cli_help_sweep}, {"test", cmd_test, cli_help_test},   {"watch", cmd_watch, cli_help_watch},
};

static int asks_help(const char *arg)
{
    return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

/* A command's --help anywhere among its arguments answers alone: its
 * usage on stdout, exit 0. */
static int run_command(const command *c, int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        if (asks_help(argv[i])) {
            fputs(c->help, stdout);
            return EXIT_OK;
        }
    return c->run(argc, argv);
}

static int run(int argc, char **argv)
{
    if (argc < 2 || asks_help(argv[1])) {
        fputs(cli_help_main, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("contract %s\n", lc_version_string());
        return EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0) return run_command(&commands[i], argc - 2, argv + 2);
    return cli_usage("unknown command '%s'", argv[1]);
}

int main(int argc, char **argv)
{
    return cli_finish(run(argc, argv));
}
