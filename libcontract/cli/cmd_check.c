/* cmd_check.c — `contract check RULES [--format text|json]`: load and lint.
 * Exit 0 when the rules load (findings are warnings), 3 when they do not. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

int cmd_check(int argc, char **argv)
{
    const char *rules = NULL, *format_name = "text";
    for (int i = 0; i < argc; i++) {
        int taken = cli_option_value(argc, argv, &i, "--format", &format_name);
        if (taken < 0) return -taken;
        if (taken) continue;
        if (argv[i][0] == '-') return cli_usage("unknown option %s", argv[i]);
        else if (!rules) rules = argv[i];
        else return cli_usage("check takes one rule file");
    }
    if (!rules) return cli_usage("check needs a rule file");
    lc_format format;
    if (cli_format(format_name, &format)) return EXIT_USAGE;
    if (format != LC_FORMAT_JSON && format != LC_FORMAT_TEXT) return cli_usage("check writes text or json");
    lc_engine *engine = NULL;
    int rc = cli_load_engine(rules, NULL, &engine);
    if (rc) {
        if (format == LC_FORMAT_JSON) printf("{\"rules\": \"%s\", \"loadable\": false, \"findings\": []}\n", rules);
        return rc;
    }
    lc_error err = {0};
    char *text = NULL;
    size_t len = 0;
    if (lc_engine_check(engine, format, &text, &len, NULL, &err) != LC_OK) rc = cli_report(&err);
    else rc = cli_write(text, len);
    lc_free(text);
    lc_engine_free(engine);
    return rc;
}
