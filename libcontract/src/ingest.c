/* ingest.c — events in: JSON Lines and typed events become records.
 *
 * An event is checked completely (JSON, schema, order of its times,
 * duplicates) before anything of it is counted, so an invalid event is
 * never half-counted; --skip-invalid turns the error into a warning.  Only
 * the values the rules read are kept; the event's text is not. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "jsonevent.h"

typedef struct why {
    char text[LC_ERROR_MESSAGE_MAX];
} why;

int lci_eval_warn(lc_eval *ev, const char *file, long line, const char *fmt, ...)
{
    char text[LC_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    lci_warning w = {-1, line, lci_strdup(text)};
    uint32_t idx;
    int added;
    if (!w.message) return -1;
    if (file && lci_idtable_intern(&ev->files, file, strlen(file), &idx, &added) == 0) w.file = (int32_t)idx;
    if ((file && w.file < 0) || LCI_PUSH(ev->warnings, ev->warnings_cap, ev->nwarnings, w) != 0) {
        free(w.message);
        return -1;
    }
    return 0;
}

lc_status lci_eval_invalid(lc_eval *ev, const char *file, long line, const char *text, lc_error *err)
{
    if (ev->flags & LC_EVAL_SKIP_INVALID) {
        if (lci_eval_warn(ev, file, line, "skipped: %s", text) != 0) return lci_oom(err);
        return LC_OK;
    }
    ev->broken = 1;
    return lci_fail(err, LC_EEVENT, file, line, "%s", text);
}

static int parse_object(lc_eval *ev, const char *json, size_t len, cJSON **out, why *w)
{
    const char *end = NULL;
    unsigned depth = ev->engine->opts.json_depth_limit;
    int r = lci_scan_line(&ev->scan, json, len, depth, w->text, sizeof w->text);
    if (r == 1) {
        snprintf(w->text, sizeof w->text, "not a JSON object");
        return -1;
    }
    if (r) return r;
    /* the scan validated the syntax: cJSON can only fail for memory */
    *out = cJSON_ParseWithLengthOpts(json, len, &end, 0);
    return *out ? 0 : -2;
}

/* Reads one line into rec and *p: 0, -1 invalid (w), -2 out of memory.
 * *obj is cJSON's object (p->id lies in it) for the caller to delete. */
static int read_event(lc_eval *ev, const char *json, size_t len, lci_record *rec, lci_jevent *p, cJSON **obj, why *w)
{
    int r = parse_object(ev, json, len, obj, w);
    if (r == 0) r = lci_json_event(ev, *obj, json, p, rec, w->text, sizeof w->text);
    if (r == 0 && lci_record_complete(ev, rec) != 0) {
        lci_record_explain(ev, rec, w->text, sizeof w->text);
        r = -1;
    }
    return r;
}

static lc_status refused(lc_eval *ev, int r, const char *file, long line, const why *w, lc_error *err)
{
    if (r != -2) return lci_eval_invalid(ev, file, line, w->text, err);
    ev->broken = 1;
    return lci_oom(err);
}

static int too_long(const lc_eval *ev, size_t len)
{
    return ev->engine->opts.event_line_limit && len > ev->engine->opts.event_line_limit;
}

/* A line the evaluation cannot take: it stopped, or the line is too long. */
static lc_status refused_line(lc_eval *ev, const char *file, long line, lc_error *err)
{
    if (ev->broken) return lci_fail(err, LC_EUSAGE, file, line, "the evaluation stopped at an earlier error");
    return lci_eval_invalid(ev, file, line, "line longer than the event line limit", err);
}

lc_status lc_eval_push_json(lc_eval *ev, const char *json, size_t len, const char *file, long line, lc_error *err)
{
    if (!ev || (!json && len)) return lci_fail(err, LC_EUSAGE, NULL, 0, "lc_eval_push_json: NULL argument");
    while (len && (json[len - 1] == '\n' || json[len - 1] == '\r')) len--;
    if (ev->broken || too_long(ev, len)) return refused_line(ev, file, line, err);
    why w;
    w.text[0] = '\0';
    cJSON *obj = NULL;
    lci_jevent p = {0};
    int r = read_event(ev, json, len, ev->scratch, &p, &obj, &w);
    lc_status st = r ? refused(ev, r, file, line, &w, err)
                     : lci_eval_commit(ev, ev->scratch, p.id, p.idlen, p.idhash, &p.content, file, line, err);
    cJSON_Delete(obj);
    return st;
}

/* ---- the queue of read events ---- */

/* Commits every queued event in order.  After an error the rest are
 * dropped: the evaluation has stopped, and they come after the error. */
static lc_status flush(lc_eval *ev, lc_error *err)
{
    lc_status st = LC_OK;
    for (; ev->queue_len; ev->queue_len--, ev->queue_head = (ev->queue_head + 1) % LCI_QUEUE) {
        lci_queued *q = &ev->queue[ev->queue_head];
        if (st == LC_OK && !ev->broken)
            st = lci_eval_commit(ev, q->rec, q->id.data, q->id.len, q->idhash, &q->content, ev->file, q->line, err);
    }
    return st;
}

/* A line of a stream: read now, committed LCI_QUEUE events later (or by
 * flush); errors of the line itself are reported after the events
 * before it are committed, so they come in the order of the lines. */
static lc_status queue_line(lc_eval *ev, const char *json, size_t len, long line, lc_error *err)
{
    lc_status st;
    if (ev->broken || too_long(ev, len)) return (st = flush(ev, err)) != LC_OK ? st : refused_line(ev, ev->file, line, err);
    why w;
    w.text[0] = '\0';
    cJSON *obj = NULL;
    lci_jevent p = {0};
    lci_queued *q = &ev->queue[(ev->queue_head + ev->queue_len) % LCI_QUEUE];
    int r = read_event(ev, json, len, q->rec, &p, &obj, &w);
    if (r == 0) {
        lci_buf_reset(&q->id);
        if (lci_buf_put(&q->id, p.id, p.idlen) != 0) r = -2;
    }
    cJSON_Delete(obj);
    if (r != 0) return (st = flush(ev, err)) != LC_OK ? st : refused(ev, r, ev->file, line, &w, err);
    q->idhash = p.idhash;
    q->content = p.content;
    q->line = line;
    if (++ev->queue_len < LCI_QUEUE) return LC_OK;
    lci_queued *oldest = &ev->queue[ev->queue_head];
    ev->queue_head = (ev->queue_head + 1) % LCI_QUEUE;
    ev->queue_len--;
    return lci_eval_commit(ev, oldest->rec, oldest->id.data, oldest->id.len, oldest->idhash, &oldest->content, ev->file,
                           oldest->line, err);
}

/* ---- streams of lines ---- */

static lc_status push_line(lc_eval *ev, const char *s, size_t len, lc_error *err)
{
    ev->lineno++;
    if (!ev->stream_started) {
        ev->stream_started = 1;
        if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) { /* a BOM opens the stream only */
            s += 3;
            len -= 3;
        }
    }
    while (len && (s[len - 1] == '\r' || s[len - 1] == ' ' || s[len - 1] == '\t')) len--;
    size_t lead = 0;
    while (lead < len && (s[lead] == ' ' || s[lead] == '\t')) lead++;
    if (lead == len) return LC_OK; /* blank lines separate nothing and are skipped */
    return queue_line(ev, s + lead, len - lead, ev->lineno, err);
}

/* A line over the limit, dropped as it streamed in. */
static lc_status overlong_line(lc_eval *ev, lc_error *err)
{
    lc_status st = flush(ev, err);
    return st != LC_OK ? st : lci_eval_invalid(ev, ev->file, ev->lineno, "line longer than the event line limit", err);
}

static lc_status push_chunk(lc_eval *ev, const char *data, size_t len, lc_error *err)
{
    size_t limit = ev->engine->opts.event_line_limit;
    while (len) {
        const char *nl = memchr(data, '\n', len);
        size_t take = nl ? (size_t)(nl - data) : len;
        lc_status st;
        /* a line over the limit is dropped as it streams in, so it never
         * takes more memory than the limit */
        if (ev->overlong || (limit && ev->pending.len + take > limit)) {
            ev->overlong = 1;
            lci_buf_reset(&ev->pending);
            if (!nl) return LC_OK;
            ev->overlong = 0;
            ev->lineno++;
            if ((st = overlong_line(ev, err)) != LC_OK) return st;
            data += take + 1;
            len -= take + 1;
            continue;
        }
        if (!nl) return lci_buf_put(&ev->pending, data, take) != 0 ? lci_oom(err) : LC_OK;
        if (ev->pending.len) {
            if (lci_buf_put(&ev->pending, data, take) != 0) return lci_oom(err);
            st = push_line(ev, ev->pending.data, ev->pending.len, err);
            lci_buf_reset(&ev->pending);
        } else {
            st = push_line(ev, data, take, err);
        }
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
        if (ev->pending.len) return lci_fail(err, LC_EUSAGE, ev->file, ev->lineno, "the previous stream did not end");
        char *copy = lci_strdup(name);
        if (!copy) return lci_oom(err);
        free(ev->file);
        ev->file = copy;
        ev->lineno = 0;
        ev->stream_started = 0;
    }
    /* every event of the chunk is committed before the call returns */
    lc_status st = push_chunk(ev, data, len, err), rest = flush(ev, err);
    return st != LC_OK ? st : rest;
}

lc_status lc_eval_end_stream(lc_eval *ev, lc_error *err)
{
    if (!ev) return lci_fail(err, LC_EUSAGE, NULL, 0, "lc_eval_end_stream: NULL argument");
    lc_status st = LC_OK;
    if (ev->overlong) {
        ev->overlong = 0;
        st = lci_eval_invalid(ev, ev->file, ++ev->lineno, "line longer than the event line limit", err);
    } else if (ev->pending.len) {
        st = push_line(ev, ev->pending.data, ev->pending.len, err);
        lc_status rest = flush(ev, err);
        if (st == LC_OK) st = rest;
    }
    lci_buf_reset(&ev->pending);
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
        lci_buf_reset(&ev->pending);
        free(ev->file);
        ev->file = NULL;
    }
    free(chunk);
    if (!is_stdin) fclose(f);
    return st;
}
