/* failing_alloc.h — malloc, calloc, realloc and free wrapped (link with
 * -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free) so a test can
 * fail the Nth allocation and count what is still held. */
#ifndef FAILING_ALLOC_H
#define FAILING_ALLOC_H

#include <stddef.h>

/* The wrapped allocator, for hooks such as cJSON_InitHooks. */
void *__wrap_malloc(size_t n);
void __wrap_free(void *p);

extern long oom_fail_at; /* the allocation to fail (1-based), 0 for none */
extern long oom_count;   /* allocations asked for since last reset */
extern long oom_live;    /* blocks held: allocated and not yet freed */

#endif
