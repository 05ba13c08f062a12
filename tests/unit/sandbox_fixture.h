/* sandbox_fixture.h — sandboxes with given limits for the sandbox and
 * pattern unit tests. */
#ifndef SANDBOX_FIXTURE_H
#define SANDBOX_FIXTURE_H

#include <criterion/criterion.h>

#include "libcontract.h"
#include "sandbox/sandbox.h"

static inline lci_sandbox *sandbox_with(size_t memory, uint64_t instructions, uint64_t pattern_steps)
{
    lci_limits limits = {memory, instructions, pattern_steps, LC_DEFAULT_LUA_TOTAL_INSTRUCTION_LIMIT, NULL, NULL};
    lci_sandbox *sb = lci_sandbox_new(&limits, "the rule file");
    cr_assert_not_null(sb);
    return sb;
}

/* The limits an engine gets from LC_OPTIONS_INIT. */
static inline lci_sandbox *default_sandbox(void)
{
    return sandbox_with(LC_DEFAULT_LUA_MEMORY_LIMIT, LC_DEFAULT_LUA_INSTRUCTION_LIMIT, LC_DEFAULT_LUA_PATTERN_LIMIT);
}

#endif
