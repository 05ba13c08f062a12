/* watch.h — `contract watch`'s parts: the status of a result as a JSON
 * line and as a block of text (watch_status.c), the command (cmd_watch.c). */
#ifndef CONTRACT_WATCH_H
#define CONTRACT_WATCH_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"

/* A growing text; after a failed allocation it stays as it was and oom
 * is set (the caller checks once, at the end). */
typedef struct wbuf {
    char *data;
    size_t len, cap;
    int oom;
} wbuf;

void wbuf_printf(wbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void wbuf_put(wbuf *b, const char *s, size_t n);
void wbuf_free(wbuf *b);

/* What the status shows besides the result. */
typedef struct watch_info {
    const char *clock; /* "wall" or "events" */
    long lines;        /* lines read from the feed */
    int width, rows;   /* of the terminal; 0: no limit */
} watch_info;

/* The status as the fields of a JSON object, without the braces, as_of and
 * final: "clock", "lines", "month", "month_counted", "figures", "amount",
 * "amount_uncapped", "capped", "breaches", "provisional", "termination",
 * "headroom", "warnings" (see README.md). */
void watch_status_json(const lc_result *res, const watch_info *info, wbuf *out);

/* The status as lines of text for a terminal (cut to its width and rows). */
void watch_status_text(const lc_result *res, const watch_info *info, wbuf *out);

/* The number of lines in text. */
size_t watch_count_lines(const char *text, size_t len);

/* The command (main.c) and its --help (help.c). */
int cmd_watch(int argc, char **argv);
extern const char cli_help_watch[];

#endif
