/* progress.c — what long work shows on stderr while it runs: only when
 * stderr is a terminal (a log or a pipe gets nothing), only once the work
 * has taken half a second (CONTRACT_PROGRESS_DELAY seconds: 0 shows it
 * from the first step), at most five times a second, and cleared at the
 * end so the report starts on a clean line. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define FIRST_AFTER 0.5 /* seconds: quick work shows nothing */
#define EVERY 0.2

static double first_after(void)
{
    const char *v = getenv("CONTRACT_PROGRESS_DELAY");
    char *end;
    double d = v ? strtod(v, &end) : FIRST_AFTER;
    return v && end != v && !*end && d >= 0 ? d : FIRST_AFTER;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void cli_progress_begin(cli_progress *p, const char *what, const char *unit, double total)
{
    *p = (cli_progress){what, unit, total, now(), -1e9, first_after(), 0, isatty(STDERR_FILENO)};
}

void cli_progress_step(cli_progress *p, double done)
{
    if (!p->tty) return;
    double t = now(), elapsed = t - p->start;
    if (elapsed < p->delay || t - p->last < EVERY) return;
    p->last = t;
    p->shown = 1;
    double rate = done / elapsed;
    if (p->total > 0) fprintf(stderr, "\r\033[K%s: %.0f of %.0f %s (%.0f/s", p->what, done, p->total, p->unit, rate);
    else fprintf(stderr, "\r\033[K%s: %.0f %s (%.0f/s", p->what, done, p->unit, rate);
    if (rate > 0 && done < p->total) fprintf(stderr, ", %.0f s left", (p->total - done) / rate);
    fputs(")", stderr);
    fflush(stderr);
}

void cli_progress_end(cli_progress *p)
{
    if (p->shown) fputs("\r\033[K", stderr);
    p->shown = 0;
}
