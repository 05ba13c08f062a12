/* failing_alloc.c — see failing_alloc.h. */
#include "failing_alloc.h"

#include <stddef.h>

void *__real_malloc(size_t n);
void *__real_calloc(size_t a, size_t b);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t a, size_t b);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);

long oom_fail_at = 0, oom_count = 0, oom_live = 0;

static int failing(void)
{
    return ++oom_count == oom_fail_at;
}

void *__wrap_malloc(size_t n)
{
    void *p = failing() ? NULL : __real_malloc(n);
    oom_live += p != NULL;
    return p;
}

void *__wrap_calloc(size_t a, size_t b)
{
    void *p = failing() ? NULL : __real_calloc(a, b);
    oom_live += p != NULL;
    return p;
}

void *__wrap_realloc(void *p, size_t n)
{
    if (failing()) return NULL;
    void *q = __real_realloc(p, n);
    oom_live += q && !p;
    return q;
}

void __wrap_free(void *p)
{
    oom_live -= p != NULL;
    __real_free(p);
}
