/* lpattern.h — Lua 5.4's string patterns, matched by our own code that
 * counts its work.
 *
 * Lua's string.find/match/gmatch/gsub backtrack inside C, where the
 * sandbox's instruction-count hook never fires, so a single call can run
 * for hours.  These replacements give the same results and errors as Lua
 * 5.4's, but count every comparison, recursion step and copied byte and
 * charge it to the sandbox (lci_sandbox_charge), and refuse a single call
 * that passes the sandbox's per-call pattern limit. */
#ifndef LCI_LPATTERN_H
#define LCI_LPATTERN_H

#include <lua.h>

/* With the `string` library table on top of the stack, replaces its find,
 * match, gmatch and gsub.  Only for a state made by lci_sandbox_new. */
void lci_patterns_open(lua_State *L);

#endif
