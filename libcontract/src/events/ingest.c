/* ingest.c — events in: JSON Lines and typed events become records.
 *
 * An event is checked completely (JSON, schema, order of its times,
 * duplicates) before anything of it is counted, so an invalid event is
 * never half-counted; --skip-invalid turns the error into a warning.  Only
 * the values the rules read are kept; the event's text is not. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "events/evaluation.h"
#include "events/jsonevent.h"

typedef struct why {
    char text[LC_ERROR_MESSAGE_MAX];
} why;

lc_status lci_eval_file(lc_eval *ev, const char *file, int32_t *index)
{
    uint32_t idx;
    int added;
    *index = -1;
    if (!file) return LC_OK;
    if (lci_idtable_intern(&ev->files, file, strlen(file), &idx, &added) != 0) return LC_ENOMEM;
    *index = (int32_t)idx;
    return LC_OK;
}

int lci_eval_warn(lc_eval *ev, const char *file, long line, const char *fmt, ...)
{
    char text[LC_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    lci_warning w = {-1, line, lci_strdup(text)};
    if (!w.message) return -1;
    if (lci_eval_file(ev, file, &w.file) != LC_OK || LCI_PUSH(ev->warnings, ev->warnings_cap, ev->nwarnings, w) != 0) {
        free(w.message);
        return -1;
    }
    return 0;
}

lc_status lci_eval_invalid(lc_eval *ev, const char *file, long line, const char *text, lc_error *err)
{
    if (ev->flags & LC_EVAL_SKIP_INVALID) {
        lci_eval_not_counted(ev, -1, LCI_NC_INVALID);
        if (lci_eval_warn(ev, file, line, "skipped: %s", text) != 0) return lci_oom(err);
        return LC_OK;
    }
    ev->broken = 1;
    return lci_fail(err, LC_EEVENT, file, line, "%s", text);
}

/* Reads one line into rec and *p: LC_OK, LC_EEVENT (w says why), LC_ENOMEM
 * or LC_EINTERNAL.  p->id is valid until the next line is read. */
static lc_status read_event(lc_eval *ev, const char *json, size_t len, const char *file, long line, lci_record *rec,
                            lci_jevent *p, why *w)
{
    ev->reading_file = file;
    ev->reading_line = line;
    lc_status r = lci_json_read(ev, json, len, p, rec, w->text, sizeof w->text);
    if (r == LC_OK && p->retract) rec->type = (uint32_t)p->type; /* committed as a retraction */
    else if (r == LC_OK && lci_record_complete(ev, rec) != 0) {
        lci_record_explain(ev, rec, w->text, sizeof w->text);
        r = LC_EEVENT;
    }
    return r;
}

/* A line read_event did not take: invalid input (a warning when skipped),
 * or the error that stops the evaluation. */
static lc_status refused(lc_eval *ev, lc_status r, const char *file, long line, const why *w, lc_error *err)
{
    if (r == LC_EEVENT) return lci_eval_invalid(ev, file, line, w->text, err);
    ev->broken = 1;
    if (r == LC_ENOMEM) return lci_oom(err);
    return lci_fail(err, r, file, line, "%s", w->text);
}

/* The evaluation stopped at an error it returned: nothing more is read. */
static lc_status stopped(const char *file, long line, lc_error *err)
{
    return lci_fail(err, LC_EUSAGE, file, line, "the evaluation stopped at an earlier error");
}

/* The reason of a line longer than the limit, into w. */
static const char *too_long_text(const lc_eval *ev, why *w)
{
    snprintf(w->text, sizeof w->text, "line is longer than %zu bytes (event_line_limit; --line-limit)",
             ev->engine->opts.event_line_limit);
    return w->text;
}

/* Commits a line read: an event, or with updates a retraction. */
static lc_status commit_line(lc_eval *ev, lci_record *rec, int retract, const char *id, size_t idlen, uint64_t hash,
                             const lci_content *content, const char *file, long line, lc_error *err)
{
    if (retract) return lci_updates_retract(ev, (int)rec->type, id, idlen, hash, file, line, err);
    return lci_eval_commit(ev, rec, id, idlen, hash, content, file, line, err);
}

lc_status lc_eval_push_json(lc_eval *ev, const char *json, size_t len, const char *file, long line, lc_error *err)
{
    if (!ev || (!json && len)) return lci_fail(err, LC_EUSAGE, NULL, 0, "lc_eval_push_json: NULL argument");
    while (len && (json[len - 1] == '\n' || json[len - 1] == '\r')) len--;
    why w;
    if (ev->broken) return stopped(file, line, err);
    lc_status flushed = ev->queue_len ? lci_eval_flush(ev, err) : LC_OK; /* after the lines pushed before */
    if (flushed != LC_OK) return flushed;
    if (len > ev->engine->opts.event_line_limit) return lci_eval_invalid(ev, file, line, too_long_text(ev, &w), err);
    w.text[0] = '\0';
    lci_jevent p = {0};
    lc_status r = read_event(ev, json, len, file, line, ev->scratch, &p, &w);
    return r ? refused(ev, r, file, line, &w, err)
             : commit_line(ev, ev->scratch, p.retract, p.id, p.idlen, p.idhash, &p.content, file, line, err);
}

/* ---- the queue of read events ---- */

/* Commits every queued event in order.  After an error the rest are
 * dropped: the evaluation has stopped, and they come after the error. */
lc_status lci_eval_flush(lc_eval *ev, lc_error *err)
{
    lc_status st = LC_OK;
    for (; ev->queue_len; ev->queue_len--, ev->queue_head = (ev->queue_head + 1) % LCI_QUEUE) {
        lci_queued *q = &ev->queue[ev->queue_head];
        if (st == LC_OK && !ev->broken)
            st = commit_line(ev, q->rec, q->retract, q->id.data, q->id.len, q->idhash, &q->content, ev->file, q->line,
                             err);
    }
    return st;
}

/* A line of a stream: read now, committed LCI_QUEUE events later (or by
 * flush); errors of the line itself are reported after the events
 * before it are committed, so they come in the order of the lines. */
static lc_status queue_line(lc_eval *ev, const char *json, size_t len, long line, lc_error *err)
{
    lc_status st;
    if (ev->broken) return (st = lci_eval_flush(ev, err)) != LC_OK ? st : stopped(ev->file, line, err);
    why w;
    w.text[0] = '\0';
    lci_jevent p = {0};
    lci_queued *q = &ev->queue[(ev->queue_head + ev->queue_len) % LCI_QUEUE];
    lc_status r = read_event(ev, json, len, ev->file, line, q->rec, &p, &w);
    if (r == LC_OK) {
        lci_buf_reset(&q->id);
        if (lci_buf_put(&q->id, p.id, p.idlen) != 0) r = LC_ENOMEM;
    }
    if (r != LC_OK) return (st = lci_eval_flush(ev, err)) != LC_OK ? st : refused(ev, r, ev->file, line, &w, err);
    q->idhash = p.idhash;
    q->content = p.content;
    q->line = line;
    q->retract = p.retract;
    if (++ev->queue_len < LCI_QUEUE) return LC_OK;
    lci_queued *oldest = &ev->queue[ev->queue_head];
    ev->queue_head = (ev->queue_head + 1) % LCI_QUEUE;
    ev->queue_len--;
    return commit_line(ev, oldest->rec, oldest->retract, oldest->id.data, oldest->id.len, oldest->idhash,
                       &oldest->content, ev->file, oldest->line, err);
}

/* ---- streams of lines ---- */

#define BOM "\xEF\xBB\xBF"

/* A line as the scan reads it: without a BOM opening the stream (first),
 * nor the white space around it (a CR at its start the scan skips). */
static inline size_t trim_line(int first, const char **text, size_t len)
{
    const char *s = *text;
    if (first && len >= 3 && memcmp(s, BOM, 3) == 0) {
        s += 3;
        len -= 3;
    }
    while (len && (s[len - 1] == '\r' || s[len - 1] == ' ' || s[len - 1] == '\t')) len--;
    size_t lead = 0;
    while (lead < len && (s[lead] == ' ' || s[lead] == '\t')) lead++;
    *text = s + lead;
    return len - lead;
}

static lc_status push_line(lc_eval *ev, const char *s, size_t len, lc_error *err)
{
    int first = !ev->stream_started; /* a BOM opens the stream only */
    ev->lineno++;
    ev->stream_started = 1;
    len = trim_line(first, &s, len);
    if (!len) return LC_OK; /* blank lines separate nothing and are skipped */
    return queue_line(ev, s, len, ev->lineno, err);
}

/* ---- lines held back until their end ----
 *
 * A line that does not end in the chunk it starts in is held until its
 * end.  It is refused at once, and the rest of it dropped as it comes,
 * when it grows past event_line_limit or when its beginning already
 * decides that it is invalid whatever follows (a NUL byte: /dev/zero),
 * so a line that cannot be an event never takes more memory than that.
 * The reason is the one its whole line gets, so how a stream is cut into
 * chunks changes when an error comes, never which error.  Of a line that
 * ends in the chunk it starts in (almost every line) only the length is
 * looked at here. */

/* Lines held this long are checked, and again whenever they double: the
 * default limit, so lines within it are read once more only after a byte
 * that decides (a check reads the whole part held). */
#define FIRST_CHECK LC_DEFAULT_EVENT_LINE_LIMIT
/* Bytes held at a time: a huge chunk is watched as it is copied. */
#define HOLD_STEP ((size_t)64 << 10)

static void reset_line(lc_eval *ev)
{
    lci_buf_reset(&ev->pending);
    memset(&ev->watch, 0, sizeof ev->watch);
}

/* Whether a line of len bytes ending with `last` is longer than the
 * limit: a last CR does not count, it is (or may become) half of a CRLF. */
static inline int exceeds(size_t limit, size_t len, char last)
{
    return len - (last == '\r') > limit;
}

/* Whether the first len bytes of the line being read decide that it is
 * invalid whatever follows: -1 with the reason its whole line gets, or 0.
 * They are trimmed as the whole line is: white space at their end too,
 * which the line loses if it ends there.  (Part of a BOM needs no care:
 * fewer than LCI_SCAN_LOOKAHEAD bytes never decide.) */
static int settled(const lc_eval *ev, const char *s, size_t len, why *w)
{
    len = trim_line(!ev->stream_started, &s, len);
    return len ? lci_scan_prefix(s, len, ev->engine->opts.json_depth_limit, w->text, sizeof w->text) : 0;
}

/* Refuses the line being read before its end, after the events before it
 * are in; the rest of it is dropped as it comes, unless it has ended. */
static lc_status refuse(lc_eval *ev, const char *text, int ended, lc_error *err)
{
    ev->lineno++;
    ev->stream_started = 1;
    reset_line(ev);
    ev->watch.dropping = !ended;
    lc_status st = lci_eval_flush(ev, err);
    if (st != LC_OK) return st;
    return ev->broken ? stopped(ev->file, ev->lineno, err) : lci_eval_invalid(ev, ev->file, ev->lineno, text, err);
}

/* A line longer than the limit, of which s holds the first len bytes (at
 * least the limit): the reason its first `limit` bytes already give, else
 * its length. */
static lc_status too_long(lc_eval *ev, const char *s, size_t len, int ended, lc_error *err)
{
    size_t limit = ev->engine->opts.event_line_limit;
    why w;
    if (settled(ev, s, len < limit ? len : limit, &w) == 0) too_long_text(ev, &w);
    return refuse(ev, w.text, ended, err);
}

/* The held line and the n bytes of it that take it past the limit: only
 * the bytes up to the limit are kept, to find the reason. */
static lc_status held_too_long(lc_eval *ev, const char *data, size_t n, int ended, lc_error *err)
{
    size_t limit = ev->engine->opts.event_line_limit, held = ev->pending.len;
    size_t keep = held < limit ? limit - held : 0;
    if (lci_buf_put(&ev->pending, data, keep < n ? keep : n) != 0) return lci_oom(err);
    return too_long(ev, ev->pending.data, ev->pending.len, ended, err);
}

/* The index in s of the byte that opens the held line's JSON (after a
 * BOM opening the stream and white space), or len until it comes. */
static size_t opening(const lc_eval *ev, const char *s, size_t len)
{
    size_t i = 0;
    if (!ev->stream_started && memcmp(s, BOM, len < 3 ? len : 3) == 0) {
        if (len < 3) return len;
        i = 3;
    }
    while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r')) i++;
    return i;
}

/* The length of the held line at which it is checked next: soon after a
 * byte that makes it invalid whatever follows (one no line holds, or a
 * first byte that cannot open an object), as soon as the bytes that word
 * the reason can have come; otherwise when it has doubled. */
static size_t next_check(lc_eval *ev)
{
    lci_line_watch *w = &ev->watch;
    const char *s = ev->pending.data;
    size_t len = ev->pending.len;
    size_t at = lci_line_poison(s, w->poison_from, len, &w->poison_from);
    if (!w->opened) {
        size_t open = opening(ev, s, len);
        w->opened = open < len;
        if (w->opened && s[open] != '{' && open < at) at = open;
    }
    if (at < len && (!w->alarm || at + LCI_SCAN_LOOKAHEAD < w->alarm)) w->alarm = at + LCI_SCAN_LOOKAHEAD;
    size_t doubled = !w->checked ? FIRST_CHECK : w->checked > SIZE_MAX / 2 ? SIZE_MAX : 2 * w->checked;
    return w->alarm && w->alarm < doubled ? w->alarm : doubled;
}

/* Checks the held line when it is due; refuses it when its beginning
 * decides. */
static lc_status watch_line(lc_eval *ev, lc_error *err)
{
    size_t len = ev->pending.len;
    if (len < next_check(ev)) return LC_OK;
    ev->watch.checked = len;
    if (ev->watch.alarm <= len) ev->watch.alarm = 0;
    why w;
    return settled(ev, ev->pending.data, len, &w) ? refuse(ev, w.text, 0, err) : LC_OK;
}

/* Bytes of a line whose end has not come: held, and watched. */
static lc_status hold(lc_eval *ev, const char *data, size_t len, size_t limit, lc_error *err)
{
    while (len && !ev->watch.dropping) {
        size_t n = len < HOLD_STEP ? len : HOLD_STEP;
        if (exceeds(limit, ev->pending.len + n, data[n - 1])) return held_too_long(ev, data, n, 0, err);
        if (lci_buf_put(&ev->pending, data, n) != 0) return lci_oom(err);
        lc_status st = watch_line(ev, err);
        if (st != LC_OK) return st;
        data += n;
        len -= n;
    }
    return LC_OK;
}

/* A line whose end (LF) has come: the bytes held of it, then these. */
static lc_status end_line(lc_eval *ev, const char *data, size_t take, size_t limit, lc_error *err)
{
    if (!ev->pending.len)
        return exceeds(limit, take, take ? data[take - 1] : 0) ? too_long(ev, data, take, 1, err)
                                                                : push_line(ev, data, take, err);
    char last = take ? data[take - 1] : ev->pending.data[ev->pending.len - 1];
    if (exceeds(limit, ev->pending.len + take, last)) return held_too_long(ev, data, take, 1, err);
    if (lci_buf_put(&ev->pending, data, take) != 0) return lci_oom(err);
    lc_status st = push_line(ev, ev->pending.data, ev->pending.len, err);
    reset_line(ev);
    return st;
}

static lc_status push_chunk(lc_eval *ev, const char *data, size_t len, lc_error *err)
{
    size_t limit = ev->engine->opts.event_line_limit;
    while (len) {
        const char *nl = memchr(data, '\n', len);
        if (!nl) return ev->watch.dropping ? LC_OK : hold(ev, data, len, limit, err);
        size_t take = (size_t)(nl - data);
        lc_status st = LC_OK;
        if (ev->watch.dropping) ev->watch.dropping = 0; /* the end of a refused line */
        else st = end_line(ev, data, take, limit, err);
        if (st != LC_OK) return st;
        data += take + 1;
        len -= take + 1;
    }
    return LC_OK;
}

lc_status lc_eval_push_lines(lc_eval *ev, const char *file, const char *data, size_t len, lc_error *err)
{
    if (!ev || (!data && len)) return lci_fail(err, LC_EUSAGE, NULL, 0, "lc_eval_push_lines: NULL argument");
    const char *name = file ? file : "-";
    if (!ev->file || strcmp(ev->file, name) != 0) {
        if (ev->pending.len || ev->watch.dropping)
            return lci_fail(err, LC_EUSAGE, ev->file, ev->lineno, "the previous stream did not end");
        char *copy = lci_strdup(name);
        if (!copy) return lci_oom(err);
        free(ev->file);
        ev->file = copy;
        ev->lineno = 0;
        ev->stream_started = 0;
    }
    /* every event of the chunk is committed before the call returns */
    lc_status st = push_chunk(ev, data, len, err), rest = lci_eval_flush(ev, err);
    return st != LC_OK ? st : rest;
}

lc_status lc_eval_end_stream(lc_eval *ev, lc_error *err)
{
    if (!ev) return lci_fail(err, LC_EUSAGE, NULL, 0, "lc_eval_end_stream: NULL argument");
    lc_status st = LC_OK;
    if (ev->pending.len) { /* a last line without LF (a refused one was reported already) */
        st = push_line(ev, ev->pending.data, ev->pending.len, err);
        lc_status rest = lci_eval_flush(ev, err);
        if (st == LC_OK) st = rest;
    }
    reset_line(ev);
    free(ev->file);
    ev->file = NULL;
    return st;
}

lc_status lc_eval_push_file(lc_eval *ev, const char *path, lc_error *err)
{
    if (!ev || !path) return lci_fail(err, LC_EUSAGE, NULL, 0, "lc_eval_push_file: NULL argument");
    int is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f) return lci_fail(err, LC_EIO, path, 0, "cannot open the event file");
    char *chunk = malloc(1 << 16);
    lc_status st = chunk ? LC_OK : lci_oom(err);
    size_t n;
    while (st == LC_OK && (n = fread(chunk, 1, 1 << 16, f)) > 0) st = lc_eval_push_lines(ev, path, chunk, n, err);
    if (st == LC_OK && ferror(f)) st = lci_fail(err, LC_EIO, path, 0, "read error");
    if (st == LC_OK) st = lc_eval_end_stream(ev, err);
    else {
        reset_line(ev);
        free(ev->file);
        ev->file = NULL;
    }
    free(chunk);
    if (!is_stdin) fclose(f);
    return st;
}
