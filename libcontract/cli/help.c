/* help.c — what `contract --help` and `contract COMMAND --help` print. */
#include "cli.h"
#include "watch.h"

const char cli_help_main[] =
    "usage: contract <command> [arguments]      (contract <command> --help: its options)\n"
    "\n"
    "  eval RULES EVENTS...        evaluate event files under a rule file and report\n"
    "  check RULES                 load and lint a rule file\n"
    "  diff OLD NEW EVENTS...      evaluate two rule files (or settings) over the same events\n"
    "  sweep RULES EVENTS...       totals over a grid of parameter values, or over seeded scenarios\n"
    "  test RULES DIR              run golden cases (events + expected result)\n"
    "  watch RULES [FILE|-]        apply a growing feed as it comes; show the standing and headroom\n"
    "\n"
    "exit codes: 0 ok, 1 different/failed, 2 bad usage or an input that cannot be opened,\n"
    "            3 rule file error, 4 invalid events, 5 out of memory,\n"
    "            6 output that cannot be written, 70 a bug (please report it)\n";

#define EVENT_OPTIONS                                                                                     \
    "  --set NAME=VALUE         override a parameter the rule file declares (repeatable)\n"              \
    "  --updates                a line with a known id revises that event; {\"type\", \"id\",\n"          \
    "                           \"retracted\": true} takes it back (else a changed event is invalid)\n"     \
    "  --skip-invalid           invalid events become warnings instead of stopping (exit 4)\n"           \
    "  --strict                 a field an event's type does not declare is invalid (else a warning)\n"  \
    "  --line-limit BYTES|none  the longest event line read (default 1048576)\n"

#define REPORT_OPTIONS                                                                                    \
    "  --lang zh|en|both        the report's language (default: the contract's, else both)\n"           \
    "  --bom                    start CSV with a UTF-8 byte order mark (Excel)\n"

const char cli_help_eval[] =
    "usage: contract eval RULES EVENTS... [options]\n"
    "\n"
    "Evaluates JSON Lines event files ('-' is stdin) under a rule file and prints the report.\n"
    "\n"
    "  --format text|json|csv|html   the report (default text; json is INTERFACE.md's result)\n"
    "  --table NAME             one CSV table (breaches, months, ...); implies --format csv\n"
    "  --output DIR             every CSV table as DIR/NAME.csv; implies --format csv\n"
    "  --explain                each breach with its clause and the parameters in force\n"
    "  --as-of TIME             the contract as it stands then (RFC 3339): later events have not\n"
    "                           happened, its month is in progress (breaches provisional)\n"
    REPORT_OPTIONS EVENT_OPTIONS
    "\n"
    "exit: 0 evaluated, 2 usage or a file that cannot be opened, 3 rules, 4 invalid events\n";

const char cli_help_check[] =
    "usage: contract check RULES [--format text|json]\n"
    "\n"
    "Loads a rule file and lints it: holes and overlaps between bands, weights, unused parameters,\n"
    "parameters without a range, thresholds that are not parameters, duplicate ids, caps below a\n"
    "single breach, rates without a maximum, calendar dates to confirm, each kind's own findings.\n"
    "\n"
    "exit: 0 it loads (findings are warnings), 3 it does not (the error is in the JSON too)\n";

const char cli_help_diff[] =
    "usage: contract diff OLD_RULES NEW_RULES EVENTS... [options]\n"
    "\n"
    "Evaluates both rule files over the same events; shows breaches added, removed and changed,\n"
    "money by rule before and after the caps, the parameters that differ and the totals.\n"
    "A what-if is a diff of a file with itself: --set-new NAME=VALUE.\n"
    "\n"
    "  --set-old NAME=VALUE, --set-new NAME=VALUE   a parameter of one side (--set: both)\n"
    "  --format text|json|csv|html\n"
    "  --table rules|breaches|totals|params | --output DIR  CSV tables\n"
    REPORT_OPTIONS EVENT_OPTIONS
    "\n"
    "exit: 0 identical, 1 different, 2 usage, 3 rules, 4 invalid events\n";

const char cli_help_sweep[] =
    "usage: contract sweep RULES EVENTS... --vary NAME=FROM:TO:STEP... [options]\n"
    "       contract sweep RULES EVENTS... --scenario FILE.lua [--samples N] [--seed S] [--jobs N] [options]\n"
    "\n"
    "--vary: the totals for every value from FROM to TO by STEP; several --vary make a grid\n"
    "(every combination).  --scenario: N (default 1000) replays of the events through a Lua\n"
    "scenario, seeded S, S+1, ...: the distribution of totals, how often each cap and a\n"
    "termination right are reached; --per-sample: every sample's totals instead.\n"
    "The events are read once.  Progress goes to stderr when it is a terminal.\n"
    "\n"
    "  --format text|csv|json   (default text)\n"
    "  --per-sample             with --scenario: one row per sample\n"
    "  --jobs N                 with --scenario: N worker processes (default: every core); each\n"
    "                           sample is seeded by its index, so N changes no figure\n"
    EVENT_OPTIONS
    "\n"
    "exit: 0 done, 2 usage (a value a parameter refuses), 3 rules or scenario, 4 invalid events,\n"
    "70 a worker process died\n";

const char cli_help_test[] =
    "usage: contract test RULES DIR [--coverage] [--min PCT]\n"
    "\n"
    "Runs every case folder under DIR: its *.jsonl events, expected.json (objects match\n"
    "partially, arrays whole; numbers and decimal strings by exact value, times as instants)\n"
    "and an optional args file (an option per line).  A folder without expected.json fails.\n"
    "\n"
    "  --coverage               list the rules no case exercised\n"
    "  --min PCT                fail when fewer rules than PCT percent are exercised\n"
    "\n"
    "exit: 0 all passed, 1 a case failed or coverage is under the minimum, 2 usage, 3 rules\n";

const char cli_help_watch[] =
    "usage: contract watch RULES [FILE|-] [options]\n"
    "\n"
    "Applies a growing JSON Lines feed as it comes and keeps the standing as of now: the month\n"
    "in progress, the amounts so far, the provisional breaches, the headroom of each rule and\n"
    "the next deadlines.  A FILE is followed like tail -f until SIGINT or SIGTERM; stdin ('-',\n"
    "the default) or a pipe ends with its input.  An invalid line is reported on stderr\n"
    "(file:line) and skipped; the feed goes on.  On a terminal the status is redrawn in place\n"
    "when it changes; at the end (end of input, SIGINT, SIGTERM) the report as of now is printed.\n"
    "\n"
    "  --format text|json       json: one line per change, the last with \"final\": true\n"
    "  --clock wall|events      now is the wall clock (default), or the latest event time read\n"
    "                           (for a feed played back faster than real time)\n"
    "  --once                   read a FILE to its end, print the summary and exit (no following)\n"
    "  --explain                the final report with each breach's clause and parameters\n"
    "  --lang zh|en|both        the final report's language (default: the contract's, else both)\n"
    EVENT_OPTIONS
    "  (--skip-invalid is implied)\n"
    "\n"
    "exit: 0 at the end of input or on SIGINT/SIGTERM, 2 usage or a feed that cannot be opened,\n"
    "      3 rules\n";
