/* cmd_watch.c — `contract watch RULES [FILE|-] [options]`: a growing feed
 * of events applied as it comes, and the standing as it changes.
 *
 * A regular file is followed as `tail -f` does (read to its end, then
 * looked at again four times a second; a file cut shorter is read again
 * from its start) until SIGINT or SIGTERM; stdin, a pipe or a FIFO ends
 * with its input (--once: a file too).  Lines go to the library as they
 * come (lc_eval_push_lines holds a line until its newline) with invalid
 * lines skipped: each is reported on stderr as file:line and the feed goes
 * on.  When the input has settled, the standing as of "now" is computed
 * (lc_eval_result_as_of): now is the wall clock, or with --clock events
 * the latest anchor time of the lines read (a skipped line does not move
 * it).  The status is redrawn in place on a terminal, when it changed and
 * at most five times a second; otherwise (--format json, or text to a file
 * or pipe) it is written again whenever it changed.  SIGINT, SIGTERM and
 * the end of the input give a final summary (the report as of now and the
 * status, or a last JSON line with "final": true) and exit 0. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "watch.h"

#define CHUNK (1 << 16)
#define FOLLOW_MS 250    /* how often a followed file is looked at again */
#define TICK_MS 1000     /* how often the wall clock's standing is computed again */
#define DRAW_MS 200      /* the least time between two redraws on a terminal */
#define SETTLE_MS 1000   /* the longest input is read before the status is computed */

/* An anchor time read from a line, waiting for the next status to learn
 * whether the line was skipped. */
typedef struct anchor {
    long line;
    int64_t ns;
} anchor;

typedef struct watch {
    cli_eval_opts o;
    const char *rules, *path, *name; /* name: in messages ("-" for stdin) */
    int events_clock, once, json, tty;
    lc_lang lang;
    lc_engine *engine;
    lc_eval *ev;
    /* the feed */
    int fd, regular, follow;
    off_t offset;
    long lines;    /* complete lines read */
    int ended;     /* the input ended (its last line pushed) */
    /* the events clock: the lines read since the last status, held to find their anchors */
    wbuf partial;
    size_t limit;
    int dropping;
    anchor *pending;
    size_t npending, cap_pending;
    int has_clock;
    int64_t clock;
    int64_t invalid_seen;
    /* what was shown */
    long warned_upto; /* lines whose warnings were reported */
    wbuf last;        /* the last status: text on a terminal, else the JSON fields */
    size_t drawn;     /* lines of the status on the terminal */
    int64_t last_status; /* CLOCK_MONOTONIC */
    double cost_ms;      /* what the last status took to compute */
    int dirty;
} watch;

static volatile sig_atomic_t stopping;
static int wake[2] = {-1, -1}; /* the signal handler wakes poll through it */

static void on_signal(int sig)
{
    int saved = errno;
    stopping = sig;
    if (write(wake[1], "", 1) < 0) { /* full: a wake-up is already pending */
    }
    errno = saved;
}

static int catch_signals(void)
{
    if (pipe(wake) != 0) return -1;
    for (int k = 0; k < 2; k++) {
        int flags = fcntl(wake[k], F_GETFL);
        if (flags < 0 || fcntl(wake[k], F_SETFL, flags | O_NONBLOCK) != 0) return -1;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    return sigaction(SIGINT, &sa, NULL) != 0 || sigaction(SIGTERM, &sa, NULL) != 0 ? -1 : 0;
}

/* Nanoseconds on a clock: CLOCK_REALTIME for now, CLOCK_MONOTONIC for intervals. */
static int64_t clock_ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ---- the events clock: the anchor of a line ---- */

/* The time a line places its event at: of the fields it gives that its
 * type declares and that hold an RFC 3339 time, the one declared first
 * (the anchor, in the rule files that declare it first: the library does
 * not tell which field is the anchor).  0 when it has none. */
static int line_anchor(const watch *w, const char *s, size_t len, int64_t *ns)
{
    cJSON *obj = cJSON_ParseWithLength(s, len);
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(obj, "type");
    int t = cJSON_IsString(type) ? lc_engine_event_type(w->engine, type->valuestring) : -1, best = -1;
    for (const cJSON *f = t >= 0 ? obj->child : NULL; f; f = f->next) {
        int k = cJSON_IsString(f) && f->string ? lc_engine_field(w->engine, t, f->string) : -1;
        int64_t at;
        if (k < 0 || (best >= 0 && k >= best)) continue;
        if (lc_time_parse(f->valuestring, strlen(f->valuestring), &at, NULL, NULL) != LC_OK) continue;
        best = k;
        *ns = at;
    }
    cJSON_Delete(obj);
    return best >= 0;
}

/* A complete line (number line): its anchor, if any, waits for the status. */
static int take_line(watch *w, const char *s, size_t len, long line)
{
    if (line == 1 && len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) s += 3, len -= 3;
    int64_t ns;
    if (!line_anchor(w, s, len, &ns)) return 0;
    if (w->npending == w->cap_pending) {
        size_t cap = w->cap_pending ? 2 * w->cap_pending : 64;
        anchor *p = realloc(w->pending, cap * sizeof *p);
        if (!p) return -1;
        w->pending = p;
        w->cap_pending = cap;
    }
    w->pending[w->npending++] = (anchor){line, ns};
    return 0;
}

/* The lines of a chunk, for their anchors (events clock): a line is held
 * until its newline, up to the line limit (a longer one is invalid:
 * dropped). */
static int split_lines(watch *w, const char *data, size_t n, long first_line)
{
    long line = first_line;
    for (const char *p = data, *end = data + n; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t part = (size_t)((nl ? nl : end) - p);
        if (!w->dropping) {
            wbuf_put(&w->partial, p, part);
            if (w->partial.oom) return -1;
            if (w->partial.len > w->limit) w->dropping = 1, w->partial.len = 0;
        }
        if (!nl) break;
        if (w->events_clock && !w->dropping && take_line(w, w->partial.data ? w->partial.data : "", w->partial.len, line))
            return -1;
        w->partial.len = 0;
        w->dropping = 0;
        line++;
        p = nl + 1;
    }
    return 0;
}

/* ---- reading ---- */

/* A chunk of the feed into the evaluation: 0 or an exit code. */
static int feed(watch *w, const char *data, size_t n)
{
    lc_error err = {0};
    if (lc_eval_push_lines(w->ev, w->name, data, n, &err) != LC_OK) return cli_report(&err);
    if (split_lines(w, data, n, w->lines + 1) != 0) return cli_nomem();
    w->lines += (long)watch_count_lines(data, n);
    w->dirty = 1;
    return 0;
}

/* The end of the input: its last line, if it has no newline. */
static int end_input(watch *w)
{
    lc_error err = {0};
    w->ended = 1;
    if (lc_eval_end_stream(w->ev, &err) != LC_OK) return cli_report(&err);
    int has_text = 0;
    for (size_t i = 0; i < w->partial.len && !has_text; i++) has_text = !strchr(" \t\r", w->partial.data[i]);
    if (w->events_clock && has_text && !w->dropping && take_line(w, w->partial.data, w->partial.len, w->lines + 1))
        return cli_nomem();
    if (has_text || w->dropping) w->lines++;
    w->partial.len = 0;
    w->dirty = 1;
    return 0;
}

/* ---- the status ---- */

static void terminal_size(watch *w, watch_info *info)
{
    struct winsize ws;
    info->width = info->rows = 0;
    if (w->tty && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0) info->width = ws.ws_col, info->rows = ws.ws_row;
}

static int64_t invalid_lines(const lc_result *res)
{
    int64_t total = 0, n;
    for (size_t i = 0, count = lc_result_count(res, "not_counted"); i < count; i++) {
        const char *reason = lc_result_text(res, "not_counted", i, "reason");
        if (reason && strcmp(reason, "invalid") == 0 && lc_result_int(res, "not_counted", i, "count", &n)) total += n;
    }
    return total;
}

static int has_warning(const lc_result *res, long line)
{
    int64_t l;
    for (size_t i = 0, n = lc_result_count(res, "warnings"); i < n; i++)
        if (lc_result_int(res, "warnings", i, "line", &l) && l == line) return 1;
    return 0;
}

/* The clock with the pending anchors, leaving out those of the lines
 * res warns about when skip is set; 0 when there is no time yet. */
static int clock_with(const watch *w, const lc_result *res, int skip, int64_t *t)
{
    int has = w->has_clock;
    *t = w->clock;
    for (size_t i = 0; i < w->npending; i++) {
        if (skip && has_warning(res, w->pending[i].line)) continue;
        if (!has || w->pending[i].ns > *t) *t = w->pending[i].ns;
        has = 1;
    }
    return has;
}

static int result_at(watch *w, int has_time, int64_t t, lc_result **res)
{
    lc_error err = {0};
    lc_status st = has_time ? lc_eval_result_as_of(w->ev, t, res, &err) : lc_eval_result(w->ev, res, &err);
    return st == LC_OK ? 0 : cli_report(&err);
}

/* The standing as of now into *res; *has_time is 0 while the events clock
 * has no time (then res is the result of all the events).  A line the
 * library skipped does not move the events clock: when lines were skipped
 * since the last status, the anchors of the lines it warns about are left
 * out and the result computed again if that changes the time. */
static int standing(watch *w, lc_result **res, int *has_time)
{
    int64_t t = clock_ns(CLOCK_REALTIME) / 1000000000 * 1000000000; /* to the second */
    *has_time = !w->events_clock || clock_with(w, NULL, 0, &t);
    int rc = result_at(w, *has_time, t, res);
    if (rc || !w->events_clock) return rc;
    int64_t invalid = invalid_lines(*res), t2 = t;
    if (invalid > w->invalid_seen && w->npending) {
        int has2 = clock_with(w, *res, 1, &t2);
        if (has2 != *has_time || t2 != t) {
            lc_result_free(*res);
            *res = NULL;
            if ((rc = result_at(w, has2, t2, res)) != 0) return rc;
        }
        *has_time = has2;
    }
    w->invalid_seen = invalid;
    w->has_clock = *has_time;
    w->clock = t2;
    w->npending = 0;
    return 0;
}

/* The warnings about the lines read since the last status, as
 * "file:line: message" lines. */
static void new_warnings(watch *w, const lc_result *res, wbuf *out)
{
    int64_t line;
    for (size_t i = 0, n = lc_result_count(res, "warnings"); i < n; i++)
        if (lc_result_int(res, "warnings", i, "line", &line) && line > w->warned_upto)
            wbuf_printf(out, "%s:%lld: %s\n", lc_result_text(res, "warnings", i, "file"), (long long)line,
                        lc_result_text(res, "warnings", i, "message"));
    w->warned_upto = w->lines;
}

static int put_err(const wbuf *b)
{
    if (b->len) {
        fwrite(b->data, 1, b->len, stderr);
        fflush(stderr);
    }
    return 0;
}

/* Replaces the last status with s (the comparison: its fields, or its
 * text on a terminal); 1 when it changed. */
static int changed(watch *w, const wbuf *s)
{
    if (w->last.data && s->len == w->last.len && memcmp(s->data, w->last.data, s->len) == 0) return 0;
    w->last.len = 0;
    wbuf_put(&w->last, s->data, s->len);
    return 1;
}

/* Erases the status drawn on the terminal. */
static int erase(watch *w)
{
    if (!w->drawn) return 0;
    char seq[32];
    snprintf(seq, sizeof seq, "\033[%zuA\r\033[J", w->drawn);
    w->drawn = 0;
    return cli_write(seq, strlen(seq));
}

static int json_line(const lc_result *res, const wbuf *fields, int final)
{
    wbuf line = {0};
    const char *as_of = lc_result_text(res, "contract", 0, "as_of");
    wbuf_printf(&line, as_of ? "{\"as_of\": \"%s\", " : "{\"as_of\": null, ", as_of);
    wbuf_put(&line, fields->data, fields->len);
    wbuf_printf(&line, ", \"final\": %s}\n", final ? "true" : "false");
    int rc = line.oom ? cli_nomem() : cli_write(line.data, line.len);
    wbuf_free(&line);
    return rc;
}

/* The final summary in text: the report as of now, then the status. */
static int final_text(watch *w, const lc_result *res, const watch_info *info)
{
    lc_error err = {0};
    char *report = NULL;
    size_t len = 0;
    unsigned flags = w->o.explain ? LC_RENDER_EXPLAIN : 0;
    if (lc_result_render(res, LC_FORMAT_TEXT, w->lang, flags, &report, &len, &err) != LC_OK) return cli_report(&err);
    wbuf b = {0};
    wbuf_put(&b, report, len);
    lc_free(report);
    wbuf_put(&b, "\n", 1);
    watch_info whole = *info;
    whole.width = whole.rows = 0;
    watch_status_text(res, &whole, &b);
    int rc = b.oom ? cli_nomem() : cli_write(b.data, b.len);
    wbuf_free(&b);
    return rc;
}

/* Computes the standing and shows what changed: 0 or an exit code. */
static int show(watch *w, int final)
{
    lc_result *res = NULL;
    int64_t began = clock_ns(CLOCK_MONOTONIC);
    int has_time, rc = standing(w, &res, &has_time);
    w->cost_ms = (double)(clock_ns(CLOCK_MONOTONIC) - began) / 1e6;
    wbuf warnings = {0}, status = {0};
    watch_info info = {w->events_clock ? "events" : "wall", w->lines, 0, 0};
    w->dirty = 0;
    w->last_status = clock_ns(CLOCK_MONOTONIC);
    if (rc == 0) new_warnings(w, res, &warnings);
    if (rc == 0 && w->tty && !w->json) terminal_size(w, &info);
    if (rc == 0 && !has_time && !final) { /* the events clock has no time yet */
        if (w->tty && !w->json)
            wbuf_printf(&status, "%s · waiting for an event with a time (events clock) · %ld lines\n",
                        lc_engine_contract_id(w->engine), w->lines);
    } else if (rc == 0 && w->tty && !w->json) watch_status_text(res, &info, &status);
    else if (rc == 0) watch_status_json(res, &info, &status);
    if (rc == 0 && (warnings.oom || status.oom)) rc = cli_nomem();
    int redraw = rc == 0 && (final || (status.len && changed(w, &status)));
    if (rc == 0 && w->tty && !w->json && (redraw || warnings.len)) rc = erase(w);
    if (rc == 0) put_err(&warnings);
    if (rc == 0 && final) rc = w->json ? json_line(res, &status, 1) : final_text(w, res, &info);
    else if (rc == 0 && w->tty && !w->json && (redraw || warnings.len)) { /* erased: drawn again */
        const wbuf *s = redraw ? &status : &w->last;
        if (s->len && (rc = cli_write(s->data, s->len)) == 0) w->drawn = watch_count_lines(s->data, s->len);
    } else if (rc == 0 && redraw && w->json) rc = json_line(res, &status, 0);
    else if (rc == 0 && redraw) { /* text to a file or a pipe: the status again, after a blank line */
        wbuf text = {0};
        watch_status_text(res, &info, &text);
        wbuf_put(&text, "\n", 1);
        rc = text.oom ? cli_nomem() : cli_write(text.data, text.len);
        wbuf_free(&text);
    }
    wbuf_free(&warnings);
    wbuf_free(&status);
    lc_result_free(res);
    return rc;
}

/* ---- the loop ---- */

static int open_feed(watch *w)
{
    struct stat st;
    w->fd = strcmp(w->path, "-") == 0 ? STDIN_FILENO : open(w->path, O_RDONLY);
    if (w->fd < 0 && errno == EINTR && stopping) { /* a FIFO no one had opened yet: nothing came */
        w->ended = 1;
        return 0;
    }
    if (w->fd < 0 || fstat(w->fd, &st) != 0) {
        fprintf(stderr, "%s: cannot open the event feed: %s\n", w->path, strerror(errno));
        return EXIT_USAGE;
    }
    w->regular = S_ISREG(st.st_mode);
    w->follow = w->regular && w->fd != STDIN_FILENO && !w->once;
    return 0;
}

/* A followed file at its end: read again from its start when it was cut. */
static void check_truncated(watch *w)
{
    struct stat st;
    if (fstat(w->fd, &st) != 0 || st.st_size >= w->offset) return;
    fprintf(stderr, "%s: the file was cut shorter: reading it again from its start (lines are numbered on from %ld)\n",
            w->path, w->lines + 1);
    lseek(w->fd, 0, SEEK_SET);
    w->offset = 0;
}

/* Waits for input (on fd, or -1: none) or a signal, at most ms
 * milliseconds; 1 when fd is readable. */
static int wait_for(int fd, int ms)
{
    struct pollfd p[2] = {{wake[0], POLLIN, 0}, {fd, POLLIN, 0}};
    int n = poll(p, fd >= 0 ? 2 : 1, ms);
    if (n > 0 && (p[0].revents & POLLIN)) {
        char drain[16];
        while (read(wake[0], drain, sizeof drain) > 0) {
        }
    }
    return n > 0 && fd >= 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR));
}

/* Milliseconds until the next status is due, or -1 when none is: the
 * wall clock's every TICK_MS; after input, once it has settled (on a
 * terminal no sooner than DRAW_MS after the last), or after SETTLE_MS of
 * input that keeps coming.  When a status takes long to compute (a long
 * history), these stretch so that computing it takes a tenth of the time
 * at most. */
static double stretched(const watch *w, double ms)
{
    return ms > 10 * w->cost_ms ? ms : 10 * w->cost_ms;
}

static int next_due(const watch *w, int settled)
{
    double since = (double)(clock_ns(CLOCK_MONOTONIC) - w->last_status) / 1e6, due = 1e9;
    if (!w->events_clock) due = stretched(w, TICK_MS) - since;
    if (w->dirty) {
        double d = !settled ? stretched(w, SETTLE_MS) - since : w->tty && !w->json ? stretched(w, DRAW_MS) - since : 0;
        if (d < due) due = d;
    }
    if (w->events_clock && !w->dirty) return -1;
    return due <= 0 ? 0 : (int)due + 1;
}

/* Reads one chunk of the feed, if one is there: 1 when data came, 0 when
 * none did (the input may have ended: w->ended), or minus an exit code. */
static int read_chunk(watch *w, char *chunk)
{
    if (!w->regular && !wait_for(w->fd, 0)) return 0;
    ssize_t n = read(w->fd, chunk, CHUNK);
    if (n > 0) {
        w->offset += n;
        int rc = feed(w, chunk, (size_t)n);
        return rc ? -rc : 1;
    }
    if (n == 0 && !w->follow) return -end_input(w);
    if (n == 0) check_truncated(w);
    else if (errno != EINTR && errno != EAGAIN) {
        fprintf(stderr, "%s: read error: %s\n", w->path, strerror(errno));
        return -EXIT_USAGE;
    }
    return 0;
}

/* What had come when a signal stopped the watch is read too (at most
 * DRAIN_CHUNKS chunks of it): the summary is that of the input so far. */
#define DRAIN_CHUNKS 64

static int run(watch *w)
{
    char *chunk = malloc(CHUNK);
    int rc = chunk ? 0 : cli_nomem();
    w->dirty = 1; /* the standing before any event */
    while (rc == 0 && !stopping && !w->ended) {
        int more = read_chunk(w, chunk); /* input was read: more may be waiting */
        if (more < 0) rc = -more;
        if (rc || w->ended || stopping) break;
        int due = next_due(w, !more);
        if (due == 0) rc = show(w, 0);
        else if (!more) wait_for(w->regular ? -1 : w->fd, w->follow && (due < 0 || due > FOLLOW_MS) ? FOLLOW_MS : due);
    }
    for (int k = 0, got = 1; rc == 0 && stopping && !w->ended && got > 0 && k < DRAIN_CHUNKS; k++)
        if ((got = read_chunk(w, chunk)) < 0) rc = -got;
    if (rc == 0 && !w->ended && w->partial.len)
        fprintf(stderr, "%s:%ld: the line still coming in when stopped was not read\n", w->name, w->lines + 1);
    free(chunk);
    return rc == 0 ? show(w, 1) : rc;
}

/* ---- options ---- */

static int parse(watch *w, int argc, char **argv)
{
    const char *clock = NULL, *files[3];
    int nfiles = 0, rc = 0;
    for (int i = 0; i < argc && rc == 0; i++) {
        int known = 0;
        if (strcmp(argv[i], "--once") == 0) known = w->once = 1;
        if (!known) known = cli_option_value(argc, argv, &i, "--clock", &clock);
        if (!known) known = cli_eval_option(argc, argv, &i, &w->o);
        if (known < 0) rc = -known;
        else if (!known && argv[i][0] == '-' && argv[i][1]) rc = cli_usage("unknown option %s", argv[i]);
        else if (!known && nfiles < 3) files[nfiles++] = argv[i];
    }
    if (rc) return rc;
    if (nfiles < 1 || nfiles > 2) return cli_usage("watch needs a rule file and at most one event feed (a file or -)");
    if (clock && strcmp(clock, "wall") != 0 && strcmp(clock, "events") != 0)
        return cli_usage("--clock is wall or events, not '%s'", clock);
    if (w->o.format && strcmp(w->o.format, "text") != 0 && strcmp(w->o.format, "json") != 0)
        return cli_usage("watch prints text or json, not '%s'", w->o.format);
    if (w->o.as_of) return cli_usage("watch's now is its clock (--clock wall or events), not --as-of");
    if (w->o.bom) return cli_usage("--bom is for CSV, which watch does not print");
    if (cli_lang(w->o.lang, &w->lang)) return EXIT_USAGE;
    w->rules = files[0];
    w->path = nfiles > 1 ? files[1] : "-";
    w->name = w->path;
    w->events_clock = clock && strcmp(clock, "events") == 0;
    w->json = w->o.format && strcmp(w->o.format, "json") == 0;
    w->tty = isatty(STDOUT_FILENO);
    w->o.skip_invalid = 1; /* a watch never stops on a bad line */
    size_t limit = w->o.line_limit ? w->o.line_limit : LC_DEFAULT_EVENT_LINE_LIMIT;
    w->limit = limit == LC_EVENT_LINE_UNLIMITED ? SIZE_MAX - 1 : limit;
    return 0;
}

int cmd_watch(int argc, char **argv)
{
    watch w = {.fd = -1};
    lc_error err = {0};
    int rc = parse(&w, argc, argv);
    if (rc == 0) rc = cli_load_engine(w.rules, &w.o, &w.engine);
    if (rc == 0 && catch_signals() != 0) {
        fprintf(stderr, "contract: cannot catch signals: %s\n", strerror(errno));
        rc = EXIT_INTERNAL;
    }
    if (rc == 0) rc = open_feed(&w);
    if (rc == 0 && lc_eval_new(&w.ev, w.engine, cli_eval_flags(&w.o) | LC_EVAL_KEEP_EVENTS, &err) != LC_OK)
        rc = cli_report(&err);
    if (rc == 0) rc = run(&w);
    if (w.fd > STDIN_FILENO) close(w.fd);
    lc_eval_free(w.ev);
    lc_engine_free(w.engine);
    wbuf_free(&w.partial);
    wbuf_free(&w.last);
    free(w.pending);
    free(w.o.sets);
    return rc;
}
