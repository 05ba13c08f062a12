/* main.c — `contract`: evaluate, check, compare and test contract rules. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
    "usage: contract <command> [arguments]\n"
    "\n"
    "  eval RULES EVENTS... [--format json|text|csv|html] [--set NAME=VALUE]...\n"
    "                       [--skip-invalid] [--strict] [--lang zh|en|both] [--explain] [--bom]\n"
    "                       [--table NAME | --output DIR] [--line-limit BYTES|none]\n"
    "      evaluate JSON Lines event files ('-' is stdin) under a rule file;\n"
    "      --table prints one CSV table, --output writes them all as DIR/NAME.csv;\n"
    "      --line-limit bounds one event line (default 1048576; diff and sweep take it too);\n"
    "      --strict makes a field an event's type does not declare invalid (else a warning)\n"
    "\n"
    "  check RULES [--format text|json]\n"
    "      load and lint a rule file: holes and overlaps in bands, weights, unused parameters\n"
    "\n"
    "  diff OLD_RULES NEW_RULES EVENTS... [--set N=V] [--set-old N=V] [--set-new N=V]\n"
    "                       [--format text|json|csv|html] [--lang zh|en|both] [--bom]\n"
    "                       [--table rules|breaches|totals | --output DIR]\n"
    "      evaluate both over the same events; show breaches added, removed, changed\n"
    "\n"
    "  sweep RULES EVENTS... --vary NAME=FROM:TO:STEP [--format csv|json]\n"
    "  sweep RULES EVENTS... --scenario FILE.lua [--samples N] [--seed S] [--per-sample]\n"
    "      totals per parameter value, or the distribution of totals over seeded scenarios\n"
    "\n"
    "  test RULES DIR [--coverage] [--min PCT]\n"
    "      run the golden cases in DIR (events + expected result) against the rule file\n"
    "\n"
    "exit codes: 0 ok, 1 different/failed, 2 bad usage or an input that cannot be opened,\n"
    "            3 rule file error, 4 invalid events, 5 out of memory,\n"
    "            6 output that cannot be written, 70 a bug (please report it)\n";

static int run(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("contract %s\n", lc_version_string());
        return EXIT_OK;
    }
    if (strcmp(argv[1], "eval") == 0) return cmd_eval(argc - 2, argv + 2);
    if (strcmp(argv[1], "test") == 0) return cmd_test(argc - 2, argv + 2);
    if (strcmp(argv[1], "check") == 0) return cmd_check(argc - 2, argv + 2);
    if (strcmp(argv[1], "diff") == 0) return cmd_diff(argc - 2, argv + 2);
    if (strcmp(argv[1], "sweep") == 0) return cmd_sweep(argc - 2, argv + 2);
    return cli_usage("unknown command '%s'", argv[1]);
}

int main(int argc, char **argv)
{
    return cli_finish(run(argc, argv));
}
