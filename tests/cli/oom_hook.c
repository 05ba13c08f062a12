/* oom_hook.c — the command line under allocation failure (tests/cli/oom.sh).
 *
 * Linked into a copy of `contract` whose own objects have malloc, calloc,
 * realloc, free, strdup and strndup wrapped (failing_alloc.c); the library
 * is the shared one, so only the command line's allocations are counted
 * and failed.  CONTRACT_FAIL_ALLOC=N fails the Nth; at exit, stderr gets
 * how many were asked for and how many were never freed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "failing_alloc.h"

char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t max);

/* strdup and strndup allocate inside libc, out of the wrapper's sight:
 * made here from the wrapped malloc so that their free balances. */
char *__wrap_strdup(const char *s)
{
    return __wrap_strndup(s, strlen(s));
}

char *__wrap_strndup(const char *s, size_t max)
{
    size_t n = strnlen(s, max);
    char *p = __wrap_malloc(n + 1);
    if (p) memcpy(p, s, n), p[n] = '\0';
    return p;
}

static void report(void)
{
    fprintf(stderr, "allocations: %ld, unfreed: %ld\n", oom_count, oom_live);
}

__attribute__((constructor)) static void start(void)
{
    const char *n = getenv("CONTRACT_FAIL_ALLOC");
    oom_fail_at = n ? atol(n) : 0;
    atexit(report);
}
