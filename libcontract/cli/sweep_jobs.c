/* sweep_jobs.c — Monte Carlo samples over worker processes (see sweep.h).
 *
 * Worker j of N computes samples j, j + N, j + 2N, ... in a child process
 * (fork: the engine, the events and the scenario are shared copy-on-write;
 * a Lua state is never shared between threads) and sends each one's
 * totals and caps through its own pipe, tagged with the sample's index.
 * The parent puts them in place by index, so the figures do not depend
 * on N: every sample is seeded by its index alone.  A worker stops at its
 * first failing sample and sends the error instead; the parent reports the
 * error of the lowest failing sample, the one a single process would have
 * stopped at.  A worker that dies (killed, crashed) leaves samples
 * missing: an error, never a figure made of fewer samples. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sweep.h"

/* What a worker sends per sample: its index and status, then the totals
 * and a byte per cap of the engine (LC_OK), or the error. */
typedef struct wire_head {
    long k;
    lc_status status;
} wire_head;

typedef struct worker {
    pid_t pid;
    int fd;         /* the read end of its pipe; -1 once closed */
    long received;  /* samples it sent */
    int failed;     /* it sent an error (and stopped there) */
    unsigned char *buf;
    size_t have;    /* bytes of the record being read */
} worker;

static int write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* The length of a sample's record and of an error's, and room for either. */
#define ERROR_LEN (sizeof(wire_head) + sizeof(lc_error))

static size_t sample_len(const sweep_jobs *j)
{
    return sizeof(wire_head) + sizeof(sample) + j->ncaps;
}

static size_t record_room(const sweep_jobs *j)
{
    return sample_len(j) > ERROR_LEN ? sample_len(j) : ERROR_LEN;
}

/* A worker's life: its samples, each sent as it is done; exits. */
static void work(const sweep_jobs *j, int index, int fd)
{
    unsigned char *rec = malloc(record_room(j));
    if (!rec) _exit(EXIT_NOMEM);
    for (long k = index; k < j->n; k += j->jobs) {
        lc_error err = {0};
        wire_head h = {k, LC_OK};
        sample s;
        h.status = j->one(j->ctx, k, &s, rec + sizeof h + sizeof s, &err);
        memcpy(rec, &h, sizeof h);
        if (h.status == LC_OK) memcpy(rec + sizeof h, &s, sizeof s);
        else memcpy(rec + sizeof h, &err, sizeof err);
        if (write_all(fd, rec, h.status == LC_OK ? sample_len(j) : ERROR_LEN) != 0) _exit(EXIT_OUTPUT);
        if (h.status != LC_OK) break;
    }
    free(rec);
    _exit(EXIT_OK);
}

/* Starts worker i; 0, or -1 (errno set). */
static int start(const sweep_jobs *j, worker *w, int i)
{
    int p[2];
    if (pipe(p) != 0) return -1;
    fflush(NULL); /* nothing buffered is written twice */
    pid_t pid = fork();
    if (pid < 0) {
        close(p[0]);
        close(p[1]);
        return -1;
    }
    if (pid == 0) {
        close(p[0]);
        work(j, i, p[1]);
    }
    close(p[1]);
    w->pid = pid;
    w->fd = p[0];
    return 0;
}

/* Takes a whole record of w: a sample in place, or the lowest error. */
static void take(const sweep_jobs *j, worker *w, lc_error *first_err, long *first_k, long *done)
{
    wire_head h;
    memcpy(&h, w->buf, sizeof h);
    if (h.k < 0 || h.k >= j->n) return;
    if (h.status == LC_OK) {
        memcpy(&j->out[h.k], w->buf + sizeof h, sizeof(sample));
        const unsigned char *seen = w->buf + sizeof h + sizeof(sample);
        for (size_t c = 0; c < j->ncaps; c++) j->hits[c] += seen[c];
        w->received++;
        (*done)++;
    } else {
        w->failed = 1;
        if (*first_k < 0 || h.k < *first_k) {
            memcpy(first_err, w->buf + sizeof h, sizeof *first_err);
            *first_k = h.k;
        }
    }
}

/* Reads what is there from w; 1 at the end of its pipe. */
static int drain(const sweep_jobs *j, worker *w, lc_error *first_err, long *first_k, long *done)
{
    size_t need = w->have < sizeof(wire_head)                             ? sizeof(wire_head)
                  : ((wire_head *)(void *)w->buf)->status != LC_OK ? ERROR_LEN
                                                                        : sample_len(j);
    ssize_t n = read(w->fd, w->buf + w->have, need - w->have);
    if (n < 0 && errno == EINTR) return 0;
    if (n <= 0) return 1;
    w->have += (size_t)n;
    if (w->have == sizeof(wire_head)) return 0; /* the head says how long the record is */
    if (w->have < need) return 0;
    take(j, w, first_err, first_k, done);
    w->have = 0;
    return 0;
}

/* How the worker ended, for the message when samples are missing. */
static void describe_end(int status, char *buf, size_t size)
{
    if (WIFSIGNALED(status)) snprintf(buf, size, "was killed by signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
    else snprintf(buf, size, "exited with status %d", WEXITSTATUS(status));
}

/* The samples worker i computes: i, i + jobs, ... below n. */
static long expected_of(const sweep_jobs *j, int i)
{
    return i < j->n ? (j->n - i + j->jobs - 1) / j->jobs : 0;
}

/* Waits for every worker; when worker `dead` (or -1) ended before sending
 * all its samples, says how it ended: EXIT_INTERNAL (printed). */
static int finish(const sweep_jobs *j, worker *ws, int started, int dead)
{
    int rc = EXIT_OK;
    for (int i = 0; i < started; i++) {
        int status = 0;
        while (waitpid(ws[i].pid, &status, 0) < 0 && errno == EINTR) {}
        if (i != dead) continue;
        if (WIFEXITED(status) && WEXITSTATUS(status) == EXIT_NOMEM) {
            rc = cli_nomem(); /* the worker could not get memory for its own records */
            continue;
        }
        char how[96];
        describe_end(status, how, sizeof how);
        fprintf(stderr, "contract: sweep: worker %d of %d %s after %ld of its %ld samples; nothing is printed\n", i + 1,
                j->jobs, how, ws[i].received, expected_of(j, i));
        rc = EXIT_INTERNAL;
    }
    return rc;
}

/* A worker whose pipe ended without all its samples or an error died: the
 * others are stopped, nothing of theirs can be printed. */
static void stop_all(worker *ws, int started)
{
    for (int i = 0; i < started; i++) kill(ws[i].pid, SIGTERM);
}

static int run_here(const sweep_jobs *j)
{
    unsigned char *seen = calloc(j->ncaps + 1, 1);
    if (!seen) return cli_nomem();
    int rc = EXIT_OK;
    for (long k = 0; rc == EXIT_OK && k < j->n; k++) {
        lc_error err = {0};
        if (j->one(j->ctx, k, &j->out[k], seen, &err) != LC_OK) rc = cli_report(&err);
        for (size_t c = 0; rc == EXIT_OK && c < j->ncaps; c++) j->hits[c] += seen[c];
        cli_progress_step(j->progress, (double)k + 1);
    }
    free(seen);
    return rc;
}

int sweep_run_jobs(const sweep_jobs *j)
{
    if (j->jobs <= 1 || j->n <= 1) return run_here(j);
    worker *ws = calloc((size_t)j->jobs, sizeof *ws);
    struct pollfd *fds = calloc((size_t)j->jobs, sizeof *fds);
    int rc = ws && fds ? EXIT_OK : cli_nomem(), started = 0, open = 0;
    for (int i = 0; rc == EXIT_OK && i < j->jobs; i++) {
        ws[i].fd = -1;
        if (!(ws[i].buf = malloc(record_room(j)))) rc = cli_nomem();
        else if (start(j, &ws[i], i) != 0) {
            fprintf(stderr, "contract: sweep: cannot start worker %d of %d: %s\n", i + 1, j->jobs, strerror(errno));
            rc = EXIT_INTERNAL;
        } else started++, open++;
    }
    lc_error first_err = {0};
    long first_k = -1, done = 0;
    int dead = -1;
    while (open > 0 && dead < 0) {
        for (int i = 0; i < started; i++) fds[i] = (struct pollfd){ws[i].fd, POLLIN, 0};
        if (poll(fds, (nfds_t)started, -1) < 0 && errno != EINTR) break;
        for (int i = 0; i < started && dead < 0; i++) {
            if (ws[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            long before = done;
            int ended = drain(j, &ws[i], &first_err, &first_k, &done);
            if (done != before) cli_progress_step(j->progress, (double)done);
            if (!ended) continue;
            close(ws[i].fd);
            ws[i].fd = -1;
            open--;
            if (!ws[i].failed && ws[i].received < expected_of(j, i)) dead = i;
        }
    }
    if (dead >= 0 || rc != EXIT_OK) stop_all(ws, started);
    int ended = ws ? finish(j, ws, started, dead) : EXIT_OK;
    if (rc == EXIT_OK) rc = ended != EXIT_OK ? ended : first_k >= 0 ? cli_report(&first_err) : EXIT_OK;
    for (int i = 0; ws && i < j->jobs; i++) {
        if (ws[i].fd >= 0) close(ws[i].fd);
        free(ws[i].buf);
    }
    free(ws);
    free(fds);
    return rc;
}
