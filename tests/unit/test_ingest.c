/* Lines are read ahead of their commit (ingest.c's queue): errors and
 * warnings must still come in the order of the lines, nothing after an
 * error is counted, and every event of a chunk is in before the call
 * returns. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcontract.h"

#define REFERENCE LC_SOURCE_DIR "/rules/beijing-sme-secops-2026.lua"

static lc_engine *engine;

static void load(void)
{
    lc_error err = {0};
    cr_assert_eq(lc_engine_new(&engine, NULL, &err), LC_OK);
    cr_assert_eq(lc_engine_load_file(engine, REFERENCE, &err), LC_OK, "%s", err.message);
}

static void unload(void)
{
    lc_engine_free(engine);
}

/* Ticket n, answered after `minutes`. */
static void ticket(char *out, size_t size, int n, int minutes)
{
    snprintf(out, size,
             "{\"type\":\"ticket\",\"id\":\"t%d\",\"opened\":\"2026-04-%02dT09:00:00+08:00\","
             "\"responded\":\"2026-04-%02dT09:%02d:00+08:00\"}\n",
             n, 1 + n % 28, 1 + n % 28, minutes);
}

/* Lines 1..n; line `bad` conflicts with line 1 (its id, other content),
 * line `broken` is not JSON. */
static char *stream(int n, int bad, int broken)
{
    size_t size = (size_t)n * 200 + 1, used = 0;
    char *s = malloc(size), line[200];
    for (int i = 1; i <= n; i++) {
        if (i == broken) snprintf(line, sizeof line, "{\"type\":\"ticket\",\n");
        else ticket(line, sizeof line, i == bad ? 1 : i, i == bad ? 59 : 45); /* April averages 45 min: a breach naming every ticket */
        used += (size_t)snprintf(s + used, size - used, "%s", line);
    }
    return s;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle)) n++;
    return n;
}

static char *json_of(lc_eval *ev)
{
    lc_result *r = NULL;
    char *json = NULL;
    cr_assert_eq(lc_eval_result(ev, &r, NULL), LC_OK);
    cr_assert_eq(lc_result_json(r, &json, NULL, NULL), LC_OK);
    lc_result_free(r);
    return json;
}

TestSuite(queue, .init = load, .fini = unload);

Test(queue, the_first_error_is_the_earliest_line_and_nothing_after_it_counts)
{
    lc_eval *ev;
    lc_error err = {0};
    cr_assert_eq(lc_eval_new(&ev, engine, 0, &err), LC_OK);
    char *s = stream(40, 20, 30);
    cr_assert_eq(lc_eval_push_lines(ev, "e.jsonl", s, strlen(s), &err), LC_EEVENT);
    cr_assert_eq(err.line, 20, "the conflict at line 20 comes before the broken line 30");
    cr_assert(strstr(err.message, "\"t1\" was already used") != NULL, "%s", err.message);
    char *json = json_of(ev);
    /* the 19 tickets before the error are in, none after it */
    cr_assert(strstr(json, "\"t19\"") != NULL);
    cr_assert(strstr(json, "\"t21\"") == NULL);
    lc_free(json);
    free(s);
    lc_eval_free(ev);
}

Test(queue, a_broken_line_is_reported_after_the_lines_before_it_are_in)
{
    lc_eval *ev;
    lc_error err = {0};
    cr_assert_eq(lc_eval_new(&ev, engine, 0, &err), LC_OK);
    char *s = stream(40, 0, 13);
    cr_assert_eq(lc_eval_push_lines(ev, "e.jsonl", s, strlen(s), &err), LC_EEVENT);
    cr_assert_eq(err.line, 13);
    char *json = json_of(ev);
    cr_assert(strstr(json, "\"t12\"") != NULL, "line 12, read just before, is committed");
    cr_assert(strstr(json, "\"t14\"") == NULL);
    lc_free(json);
    free(s);
    lc_eval_free(ev);
}

Test(queue, skipped_lines_warn_in_line_order)
{
    lc_eval *ev;
    lc_error err = {0};
    cr_assert_eq(lc_eval_new(&ev, engine, LC_EVAL_SKIP_INVALID, &err), LC_OK);
    char *s = stream(40, 25, 24); /* the broken line comes first, then the conflict */
    cr_assert_eq(lc_eval_push_lines(ev, "e.jsonl", s, strlen(s), &err), LC_OK, "%s", err.message);
    cr_assert_eq(lc_eval_end_stream(ev, &err), LC_OK);
    char *json = json_of(ev);
    const char *first = strstr(json, "\"line\": 24"), *second = strstr(json, "\"line\": 25");
    cr_assert(first && second && first < second, "%s", json);
    cr_assert(strstr(json, "\"t40\"") != NULL);
    lc_free(json);
    free(s);
    lc_eval_free(ev);
}

Test(queue, every_event_of_a_chunk_is_in_when_the_call_returns)
{
    lc_eval *ev;
    lc_error err = {0};
    cr_assert_eq(lc_eval_new(&ev, engine, 0, &err), LC_OK);
    char line[200];
    for (int i = 1; i <= 3; i++) {
        ticket(line, sizeof line, i, 45);
        cr_assert_eq(lc_eval_push_lines(ev, "e.jsonl", line, strlen(line), &err), LC_OK);
        char *json = json_of(ev);
        snprintf(line, sizeof line, "\"t%d\"", i);
        cr_assert_eq(count(json, line), 1, "%s after its own call", line);
        lc_free(json);
    }
    /* a conflict in the last line of a chunk is this call's error */
    ticket(line, sizeof line, 1, 59);
    cr_assert_eq(lc_eval_push_lines(ev, "e.jsonl", line, strlen(line), &err), LC_EEVENT);
    cr_assert_eq(err.line, 4);
    lc_eval_free(ev);
}

/* An event with many keys no type declares: each repeated key is found,
 * among a few or among thousands (through a hash set). */
static char *many_keys(int n, int repeat_of)
{
    size_t size = (size_t)n * 24 + 200, used = 0;
    char *s = malloc(size);
    used += (size_t)snprintf(s, size, "{\"type\":\"ticket\",\"id\":\"m\",\"opened\":\"2026-04-01T09:00:00+08:00\"");
    for (int i = 0; i < n; i++) used += (size_t)snprintf(s + used, size - used, ",\"x%d\":%d", i, i);
    if (repeat_of >= 0) used += (size_t)snprintf(s + used, size - used, ",\"x%d\":0", repeat_of);
    snprintf(s + used, size - used, "}");
    return s;
}

Test(queue, undeclared_keys_repeated_among_few_or_many)
{
    int sizes[] = {3, 31, 40, 20000};
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
        for (int repeat = 0; repeat < 2; repeat++) {
            lc_eval *ev;
            lc_error err = {0};
            cr_assert_eq(lc_eval_new(&ev, engine, 0, &err), LC_OK);
            char *line = many_keys(sizes[k], repeat ? sizes[k] / 2 : -1);
            lc_status st = lc_eval_push_json(ev, line, strlen(line), "k.jsonl", 1, &err);
            if (repeat) {
                cr_assert_eq(st, LC_EEVENT, "%d keys", sizes[k]);
                char want[40];
                snprintf(want, sizeof want, "key \"x%d\" appears twice", sizes[k] / 2);
                cr_assert(strstr(err.message, want) != NULL, "%s", err.message);
            } else {
                cr_assert_eq(st, LC_OK, "%d keys: %s", sizes[k], err.message);
            }
            free(line);
            lc_eval_free(ev);
        }
    }
}

Test(queue, nested_objects_of_many_keys_repeat_none)
{
    for (int repeat = 0; repeat < 2; repeat++) {
        size_t size = 50000, used = 0;
        char *s = malloc(size);
        used += (size_t)snprintf(s, size, "{\"type\":\"ticket\",\"id\":\"n\",\"opened\":\"2026-04-01T09:00:00+08:00\",\"extra\":{");
        for (int i = 0; i < 2000; i++) used += (size_t)snprintf(s + used, size - used, "%s\"k%d\":[%d]", i ? "," : "", i, i);
        snprintf(s + used, size - used, "%s}}", repeat ? ",\"k7\":1,\"k3\":2" : "");
        lc_eval *ev;
        lc_error err = {0};
        cr_assert_eq(lc_eval_new(&ev, engine, 0, &err), LC_OK);
        lc_status st = lc_eval_push_json(ev, s, strlen(s), "n.jsonl", 1, &err);
        if (repeat) {
            cr_assert_eq(st, LC_EEVENT);
            cr_assert(strstr(err.message, "key \"k7\" appears twice") != NULL, "the first repeat in order: %s", err.message);
        } else {
            cr_assert_eq(st, LC_OK, "%s", err.message);
        }
        free(s);
        lc_eval_free(ev);
    }
}

/* ---- lines refused before their end (issue 13) ----------------------------------
 *
 * A line that does not end in its chunk is held until its end; it is
 * refused at once when it grows past the limit or when its beginning
 * already makes it invalid.  Wherever a stream is cut into chunks, the
 * same lines are refused with the same messages, and the same result
 * comes out; only when an error comes may change. */

#include "events/evaluation.h" /* the held line's buffer, to see what it takes */

#define LIMIT 300 /* small, so lines past it are cheap to make */
#define VALID                                                                                                     \
    "{\"type\": \"ticket\", \"id\": \"t-9\", \"opened\": \"2026-04-09T09:00:00+08:00\", \"responded\": "         \
    "\"2026-04-09T09:45:00+08:00\", \"restored\": \"2026-04-09T09:45:00+08:00\"}"
#define BEFORE                                                                                                    \
    "{\"type\": \"ticket\", \"id\": \"t-1\", \"opened\": \"2026-04-01T09:00:00+08:00\", \"responded\": "         \
    "\"2026-04-01T09:30:00+08:00\"}"

static lc_engine *limited(size_t limit)
{
    lc_options o = LC_OPTIONS_INIT;
    lc_engine *e = NULL;
    lc_error err = {0};
    o.event_line_limit = limit;
    cr_assert_eq(lc_engine_new(&e, &o, &err), LC_OK);
    cr_assert_eq(lc_engine_load_file(e, REFERENCE, &err), LC_OK, "%s", err.message);
    return e;
}

typedef struct bytes {
    char *s;
    size_t n;
} bytes;

static bytes copy(const char *s, size_t n)
{
    bytes b = {malloc(n + 1), n};
    cr_assert_not_null(b.s);
    memcpy(b.s, s, n);
    return b;
}

#define LIT(text) copy((text), sizeof(text) - 1)

/* A valid ticket of exactly n bytes (n >= 80): an unknown field pads it. */
static bytes ticket_of(size_t n)
{
    static const char head[] = "{\"type\":\"ticket\",\"id\":\"p\",\"opened\":\"2026-04-02T09:00:00+08:00\",\"pad\":\"";
    bytes b = {malloc(n + 1), n};
    cr_assert(n >= sizeof head + 1 && b.s);
    memcpy(b.s, head, sizeof head - 1);
    memset(b.s + sizeof head - 1, 'x', n - (sizeof head - 1) - 2);
    memcpy(b.s + n - 2, "\"}", 2);
    return b;
}

/* Lines whose refusal (or not) may be decided before their end: bytes no
 * line holds at every distance from the limit, first bytes, a BOM, white
 * space at either end, escapes waiting for their pair, lengths around the
 * limit with and without CR. */
static size_t held_lines(bytes *out)
{
    size_t n = 0;
    out[n++] = LIT(VALID);
    out[n++] = LIT("\0");
    out[n++] = LIT("\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0");
    out[n++] = LIT("{\"type\": \"ticket\", \"id\": \"a\0b\", \"opened\": \"2026-04-09T09:00:00+08:00\"}");
    out[n++] = LIT("{\"type\": \"ticket\",\x01 \"id\": \"ab\", \"opened\": \"2026-04-09T09:00:00+08:00\"}");
    out[n++] = LIT("{\"type\": \"ticket\", \"id\": \"a\xc3\x28\", \"opened\": \"2026-04-09T09:00:00+08:00\"}");
    out[n++] = LIT("{\"type\": \"ticket\", \"id\": \"a\t\", \"opened\": \"2026-04-09T09:00:00+08:00\"}");
    out[n++] = LIT("{\"type\": \"ticket\", \"id\": \"a\t\r");
    out[n++] = LIT("{\"type\": \"ticket\", \"id\": \xe4\xb8\xad, \"opened\": \"2026-04-09T09:00:00+08:00\"}");
    out[n++] = LIT(" \t\r {\"id\": \"\\ud800\\u0041\", \"type\": \"ticket\", \"opened\": \"2026-04-09T09:00:00+08:00\"}");
    out[n++] = LIT("{\"id\": \"\\ud800");
    out[n++] = LIT("{\"a\": 1} x and then more text, far more than twelve bytes");
    out[n++] = LIT("[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]");
    out[n++] = LIT("[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, \0]");
    out[n++] = LIT("\"a string, valid JSON, not an object\"");
    out[n++] = LIT("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    out[n++] = LIT("\xEF\xBB\xBF" VALID);
    out[n++] = LIT("\xEF\xBB\xBF");
    out[n++] = LIT("\xEF\xBB");
    out[n++] = LIT("\xEF\xBBxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    out[n++] = LIT("\xEF\xBB\xBFxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    out[n++] = LIT("   \t  ");
    out[n++] = LIT(" \r x");
    out[n++] = LIT(VALID "  \t\r");
    out[n++] = LIT("  " VALID "\r");
    out[n++] = LIT("[\"b\t\t\t\t\t\t\t\t\t\t\t\t\t\t"); /* refused as unterminated, not for the tab */
    out[n++] = LIT("[\"b \r \r \r \r \r \r \r \r");
    size_t sizes[] = {LIMIT - 1, LIMIT, LIMIT + 1, 3 * LIMIT};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) out[n++] = ticket_of(sizes[i]);
    out[n] = ticket_of(LIMIT + 1); /* the limit, then a CR (a CRLF line end) */
    out[n++].s[LIMIT] = '\r';
    out[n] = ticket_of(LIMIT + 2); /* ... and a CR too many */
    out[n].s[LIMIT] = out[n].s[LIMIT + 1] = '\r';
    n++;
    size_t nul_at[] = {5, LIMIT - 40, LIMIT - LCI_SCAN_LOOKAHEAD, LIMIT - LCI_SCAN_LOOKAHEAD + 1, LIMIT - 1, LIMIT + 5};
    for (size_t i = 0; i < sizeof nul_at / sizeof *nul_at; i++) { /* settled within the limit, or too long */
        out[n] = ticket_of(LIMIT + 50);
        out[n++].s[nul_at[i]] = '\0';
    }
    out[n] = ticket_of(LIMIT + 50); /* a first byte that cannot open an object, in a line too long */
    out[n++].s[0] = '[';
    return n;
}

/* A valid ticket with a few random edits among bytes that matter here. */
static bytes mutant(uint64_t *state)
{
    static const char alphabet[] = "\0\x01\t\r \"\\{}[]:,xu0d8\xEF\xBB\xBF\xC3\x80\xFF";
    bytes b = {malloc(sizeof VALID + 8), sizeof VALID - 1};
    cr_assert_not_null(b.s);
    memcpy(b.s, VALID, b.n);
    for (int e = 1 + (int)(*state % 3); e > 0; e--) {
        *state = *state * 6364136223846793005u + 1442695040888963407u;
        size_t i = (size_t)(*state >> 33) % b.n;
        char c = alphabet[(*state >> 20) % (sizeof alphabet - 1)];
        if (*state & 1) b.s[i] = c;
        else {
            memmove(b.s + i + 1, b.s + i, b.n - i);
            b.s[i] = c;
            b.n++;
        }
    }
    return b;
}

typedef struct outcome {
    lc_status st;
    long line;
    char message[LC_ERROR_MESSAGE_MAX];
    char *json;  /* the result, when the stream was accepted */
    int early;   /* the error came in a call that did not bring the line's end */
} outcome;

/* The stream pushed in pieces cut at cut_a and cut_b (0 or len: none),
 * or a byte at a time (bytewise); the first error stops it, as it stops
 * `contract eval`. */
static outcome run(lc_engine *e, unsigned flags, const bytes *stream, size_t cut_a, size_t cut_b, int bytewise)
{
    outcome o = {LC_OK, 0, "", NULL, 0};
    lc_eval *ev = NULL;
    lc_error err = {0};
    size_t cuts[] = {0, cut_a, cut_b, stream->n};
    cr_assert_eq(lc_eval_new(&ev, e, flags, &err), LC_OK);
    for (size_t k = 0; k < 3 && o.st == LC_OK; k++)
        for (size_t at = cuts[k]; at < cuts[k + 1] && o.st == LC_OK;) {
            size_t n = bytewise ? 1 : cuts[k + 1] - at;
            o.st = lc_eval_push_lines(ev, "e.jsonl", stream->s + at, n, &err);
            o.early = o.st != LC_OK && !memchr(stream->s + at, '\n', n);
            at += n;
        }
    if (o.st == LC_OK) o.st = lc_eval_end_stream(ev, &err);
    if (o.st == LC_OK) o.json = json_of(ev);
    else {
        o.line = err.line;
        snprintf(o.message, sizeof o.message, "%s", err.message);
    }
    lc_eval_free(ev);
    return o;
}

static void expect_same(const outcome *want, const outcome *got, const char *how)
{
    cr_assert_eq(got->st, want->st, "%s: status %d, whole %d (%s)", how, got->st, want->st, got->message);
    cr_assert_eq(got->line, want->line, "%s: line %ld, whole %ld", how, got->line, want->line);
    cr_assert_str_eq(got->message, want->message, "%s", how);
    if (want->json) cr_assert_str_eq(got->json, want->json, "%s", how);
}

/* The line after a valid one, or opening the stream (where a BOM may be),
 * then a valid line: cut at every byte, and a byte at a time, it gives
 * what the whole stream in one chunk gives.  Returns how many cuts
 * refused the line before its end. */
static size_t expect_any_cut_agrees(lc_engine *e, unsigned flags, const bytes *line, int first)
{
    size_t early = 0;
    bytes stream = {malloc(line->n + sizeof BEFORE + sizeof VALID + 8), 0};
    cr_assert_not_null(stream.s);
    if (!first) stream.n += (size_t)sprintf(stream.s, "%s\n", BEFORE);
    memcpy(stream.s + stream.n, line->s, line->n);
    stream.n += line->n;
    /* after a first line, a BOM is invalid (even when that line was refused before its end) */
    stream.n += (size_t)sprintf(stream.s + stream.n, "\n%s%s\n", first ? "\xEF\xBB\xBF" : "", VALID);
    outcome whole = run(e, flags, &stream, 0, 0, 0);
    cr_assert(!whole.early);
    size_t from = first ? 0 : sizeof BEFORE, to = from + line->n + 1; /* the line and its LF */
    for (size_t cut = from + 1; cut <= to; cut += cut < from + LIMIT + 2 * LCI_SCAN_LOOKAHEAD ? 1 : 29) {
        char how[64];
        snprintf(how, sizeof how, "cut at %zu of %zu", cut, stream.n);
        outcome got = run(e, flags, &stream, cut, cut + (stream.n - cut) / 2, 0);
        expect_same(&whole, &got, how);
        early += (size_t)got.early;
        lc_free(got.json);
    }
    outcome bytewise = run(e, flags, &stream, 0, 0, 1);
    expect_same(&whole, &bytewise, "a byte at a time");
    lc_free(bytewise.json);
    lc_free(whole.json);
    free(stream.s);
    return early;
}

Test(held, any_cut_refuses_the_same_lines_with_the_same_messages)
{
    static bytes lines[64];
    lc_engine *e = limited(LIMIT);
    size_t n = held_lines(lines), early = 0;
    uint64_t state = 7;
    for (size_t i = 0; i < n + 24; i++) {
        bytes line = i < n ? lines[i] : mutant(&state);
        for (unsigned flags = 0; flags <= LC_EVAL_SKIP_INVALID; flags += LC_EVAL_SKIP_INVALID)
            for (int first = 0; first < 2; first++) early += expect_any_cut_agrees(e, flags, &line, first);
        free(line.s);
    }
    cr_assert_gt(early, 1000, "lines refused before their end: %zu", early);
    lc_engine_free(e);
}

/* A line of exactly the limit is an event; one byte more is refused, as
 * it comes in, with the limit in the message. */
Test(held, the_limit_is_the_longest_line_accepted)
{
    lc_engine *e = limited(LIMIT);
    for (int crlf = 0; crlf < 2; crlf++)
        for (size_t len = LIMIT; len <= LIMIT + 1; len++) {
            bytes line = ticket_of(len), stream = {malloc(len + 3), 0};
            memcpy(stream.s, line.s, len);
            stream.n = len + (size_t)sprintf(stream.s + len, crlf ? "\r\n" : "\n");
            for (size_t cut = 0; cut < stream.n; cut++) {
                outcome o = run(e, 0, &stream, cut, cut, 0);
                if (len == LIMIT) {
                    cr_assert_eq(o.st, LC_OK, "%zu bytes, cut at %zu: %s", len, cut, o.message);
                    cr_assert(strstr(o.json, "\"open_tickets\": 1") != NULL, "the ticket is in");
                } else {
                    cr_assert_eq(o.st, LC_EEVENT, "%zu bytes, cut at %zu", len, cut);
                    cr_assert_str_eq(o.message, "line is longer than 300 bytes (event_line_limit; --line-limit)");
                    cr_assert_eq(o.line, 1);
                    cr_assert_eq(o.early, cut > LIMIT, "refused as soon as it is longer (cut at %zu)", cut);
                }
                lc_free(o.json);
            }
            free(line.s);
            free(stream.s);
        }
    lc_engine_free(e);
}

/* Pushes text without its line's end under e: the call refuses the line
 * at once, as the whole line (given with its LF after `before`) is. */
static void expect_refused_before_its_end(lc_engine *e, const char *before, const char *text, size_t len, long line,
                                          const char *message)
{
    lc_eval *ev = NULL;
    lc_error err = {0}, whole = {0};
    cr_assert_eq(lc_eval_new(&ev, e, 0, &err), LC_OK);
    cr_assert_eq(lc_eval_push_lines(ev, "e.jsonl", before, strlen(before), &err), LC_OK);
    cr_assert_eq(lc_eval_push_lines(ev, "e.jsonl", text, len, &err), LC_EEVENT, "refused at once: %.40s", text);
    cr_assert_eq(err.line, line);
    cr_assert_str_eq(err.message, message);
    lc_eval_free(ev);
    bytes ended = {malloc(len + 1), len + 1};
    cr_assert_not_null(ended.s);
    memcpy(ended.s, text, len);
    ended.s[len] = '\n';
    cr_assert_eq(lc_eval_new(&ev, e, 0, &whole), LC_OK);
    cr_assert_eq(lc_eval_push_lines(ev, "e.jsonl", before, strlen(before), &whole), LC_OK);
    cr_assert_eq(lc_eval_push_lines(ev, "e.jsonl", ended.s, ended.n, &whole), LC_EEVENT);
    cr_assert_str_eq(whole.message, message, "the whole line");
    lc_eval_free(ev);
    free(ended.s);
}

#define REFUSED(e, before, lit, line, message) expect_refused_before_its_end((e), (before), (lit), sizeof(lit) - 1, (line), (message))

Test(held, refused_as_soon_as_the_beginning_decides)
{
    lc_engine *e = limited(0), *none = limited(LC_EVENT_LINE_UNLIMITED);
    static char zeros[1 << 16], text[5 << 19];
    REFUSED(e, "", "\0\0\0\0\0\0\0\0\0\0\0\0", 1, "a NUL byte at byte 1");
    expect_refused_before_its_end(e, "", zeros, sizeof zeros, 1, "a NUL byte at byte 1");
    REFUSED(e, "", "xxxxxxxxxxxxxxxxxxxxxxxxx", 1, "an unexpected character at byte 1");
    REFUSED(e, "", "\xEF\xBB\xBFxxxxxxxxxxxxxxxxxxxxxx", 1, "an unexpected character at byte 1");
    REFUSED(e, "\n", "\xEF\xBB\xBFxxxxxxxxxxxxxxxxxxxxxx", 2, "an unexpected character at byte 1");
    REFUSED(e, "", "  \t\r xxxxxxxxxxxxxxxxxxxxxx", 1, "an unexpected character at byte 3");
    REFUSED(e, VALID "\n", "{\"type\": \"ticket\", \"id\": \"a\x01 and then some more", 2,
            "a raw control character inside a string (escape it) at byte 28");
    REFUSED(e, VALID "\n\n", "{\"type\": \"ticket\", \"id\": \"\xC0\x80 and then some more", 3, "invalid UTF-8 at byte 27");
    REFUSED(e, "", "[1, 2, \0 and then some more", 1, "a NUL byte at byte 8");
    /* other errors when the line held has doubled, from 1 MiB; or at the limit */
    size_t n = (size_t)snprintf(text, sizeof text, "{\"a\": 1} and text after the object");
    memset(text + n, 'y', sizeof text - n);
    expect_refused_before_its_end(none, "", text, sizeof text, 1, "unexpected text after the JSON value at byte 10");
    expect_refused_before_its_end(e, "", text, sizeof text, 1, "unexpected text after the JSON value at byte 10");
    lc_engine_free(e);
    lc_engine_free(none);
}

/* Pushes `total` bytes of a line that never decides before the limit
 * (a string going on) or that starts with a NUL, in 64 KiB chunks under
 * --skip-invalid, then a valid line: the held line never takes more than
 * the limit, and the valid line after it counts. */
static void expect_dropped_as_it_comes(lc_engine *e, int nul, size_t total, size_t most, const char *warning)
{
    static char chunk[1 << 16];
    lc_eval *ev = NULL;
    lc_error err = {0};
    cr_assert_eq(lc_eval_new(&ev, e, LC_EVAL_SKIP_INVALID, &err), LC_OK);
    memset(chunk, nul ? 0 : 'x', sizeof chunk);
    if (!nul) memcpy(chunk, "{\"type\": \"ticket\", \"id\": \"", 26);
    for (size_t done = 0; done < total; done += sizeof chunk) {
        cr_assert_eq(lc_eval_push_lines(ev, "big.jsonl", chunk, sizeof chunk, &err), LC_OK, "%s", err.message);
        cr_assert_leq(ev->pending.cap, most, "holding %zu bytes after %zu", ev->pending.cap, done);
        if (!nul) memset(chunk, 'x', 26);
    }
    static const char after[] = "\n" VALID "\n";
    cr_assert_eq(lc_eval_push_lines(ev, "big.jsonl", after, sizeof after - 1, &err), LC_OK, "%s", err.message);
    cr_assert_eq(lc_eval_end_stream(ev, &err), LC_OK);
    char *json = json_of(ev);
    cr_assert(strstr(json, "\"t-9\"") != NULL, "the line after it counts");
    cr_assert(strstr(json, warning) != NULL, "%s", json);
    cr_assert_eq(count(json, "skipped:"), 1);
    lc_free(json);
    lc_eval_free(ev);
}

Test(held, a_huge_line_is_dropped_as_it_comes)
{
    lc_engine *e = limited(0); /* the default: 1 MiB */
    expect_dropped_as_it_comes(e, 1, (size_t)32 << 20, (size_t)1 << 17, "\"line\": 1, \"message\": \"skipped: a NUL byte at byte 1\"");
    expect_dropped_as_it_comes(e, 0, (size_t)32 << 20, (size_t)2 << 20,
                               "skipped: line is longer than 1048576 bytes (event_line_limit; --line-limit)");
    lc_engine_free(e);
}

/* 0 is the default, 1 MiB; LC_EVENT_LINE_UNLIMITED leaves memory alone to
 * bound a line; lc_eval_push_json keeps the limit too. */
Test(held, default_and_unlimited)
{
    bytes big = ticket_of(LC_DEFAULT_EVENT_LINE_LIMIT + 1), fits = ticket_of(LC_DEFAULT_EVENT_LINE_LIMIT);
    lc_engine *dflt = limited(0), *none = limited(LC_EVENT_LINE_UNLIMITED);
    cr_assert_eq(LC_DEFAULT_EVENT_LINE_LIMIT, 1048576);
    outcome o = run(dflt, 0, &fits, 1000, 1000, 0);
    cr_assert_eq(o.st, LC_OK, "%s", o.message);
    lc_free(o.json);
    o = run(dflt, 0, &big, 1000, 1000, 0);
    cr_assert_eq(o.st, LC_EEVENT);
    cr_assert_str_eq(o.message, "line is longer than 1048576 bytes (event_line_limit; --line-limit)");
    o = run(none, 0, &big, 1000, 1000, 0);
    cr_assert_eq(o.st, LC_OK, "%s", o.message);
    lc_free(o.json);
    lc_eval *ev = NULL;
    lc_error err = {0};
    cr_assert_eq(lc_eval_new(&ev, dflt, 0, &err), LC_OK);
    cr_assert_eq(lc_eval_push_json(ev, big.s, big.n, "j", 3, &err), LC_EEVENT);
    cr_assert_str_eq(err.message, "line is longer than 1048576 bytes (event_line_limit; --line-limit)");
    lc_eval_free(ev);
    cr_assert_eq(lc_eval_new(&ev, dflt, 0, &err), LC_OK);
    cr_assert_eq(lc_eval_push_json(ev, fits.s, fits.n, "j", 3, &err), LC_OK, "%s", err.message);
    lc_eval_free(ev);
    lc_engine_free(dflt);
    lc_engine_free(none);
    free(big.s);
    free(fits.s);
}

/* A stream left in the middle of a refused line has not ended. */
Test(held, a_stream_left_in_a_refused_line_has_not_ended)
{
    lc_engine *e = limited(LIMIT);
    lc_eval *ev = NULL;
    lc_error err = {0};
    cr_assert_eq(lc_eval_new(&ev, e, LC_EVAL_SKIP_INVALID, &err), LC_OK);
    cr_assert_eq(lc_eval_push_lines(ev, "a.jsonl", "\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 14, &err), LC_OK);
    cr_assert_eq(lc_eval_push_lines(ev, "b.jsonl", VALID "\n", sizeof VALID, &err), LC_EUSAGE);
    cr_assert(strstr(err.message, "did not end") != NULL, "%s", err.message);
    cr_assert_eq(lc_eval_end_stream(ev, &err), LC_OK);
    cr_assert_eq(lc_eval_push_lines(ev, "b.jsonl", VALID "\n", sizeof VALID, &err), LC_OK, "%s", err.message);
    lc_eval_free(ev);
    lc_engine_free(e);
}
