/* cmd_check.c — `contract check RULES [--format text|json]`: load and lint.
 * Exit 0 when the rules load (findings are warnings), 3 when they do not. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* The JSON of a rule file that does not load: the error where findings
 * would be (it goes to stderr too). */
static void not_loadable(const char *rules, const lc_error *err)
{
    printf("{\"rules\": ");
    cli_json_text(rules);
    printf(", \"loadable\": false, \"error\": {\"file\": ");
    cli_json_text(err->file);
    printf(", \"line\": %ld, \"message\": ", err->line);
    cli_json_text(err->message);
    printf("}, \"findings\": []}\n");
}

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
    lc_error err = {0};
    if (lc_engine_new(&engine, NULL, &err) != LC_OK || lc_engine_load_file(engine, rules, &err) != LC_OK) {
        lc_engine_free(engine);
        if (format == LC_FORMAT_JSON) not_loadable(rules, &err);
        return cli_report(&err);
    }
    char *text = NULL;
    size_t len = 0;
    int rc = lc_engine_check(engine, format, &text, &len, NULL, &err) != LC_OK ? cli_report(&err) : cli_write(text, len);
    lc_free(text);
    lc_engine_free(engine);
    return rc;
}
